# Shared by the lab scripts (sourced, POSIX sh). Nothing here touches the
# machine's apt configuration: every apt call goes through lab_apt, which
# points apt at private sources, lists and caches under $LAB_CACHE.

LAB_CACHE=${GPUTRACE_LAB_CACHE:-/var/cache/gputrace-lab}
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
# The repository root, whichever lab script sourced us (scripts/lab or tests/lab).
LAB_ROOT=$(cd "$LAB_DIR/../.." && pwd)

# Exit status for "this machine cannot run the lab" (no QEMU, no network for
# the first download, no build/gputrace): tests/lab/run.sh turns it into SKIP.
LAB_EX_UNAVAILABLE=77

lab_say() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; exit 1; }
lab_unavailable() { echo "lab: unavailable: $*" >&2; exit $LAB_EX_UNAVAILABLE; }

# lab_kernel_suite SERIES: the Debian suite and package-name pattern of a
# guest kernel series.
lab_kernel_suite() {
	case "$1" in
	5.10) echo bullseye ;;
	6.1|6.12) echo bookworm ;;
	*) return 1 ;;
	esac
}
lab_kernel_pattern() {
	case "$1" in
	5.10) echo '^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$' ;;
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	*) return 1 ;;
	esac
}

# lab_apt_setup SUITE: writes a private sources list for SUITE (plus its
# -updates and -security suites) under $LAB_CACHE/apt/SUITE.
lab_apt_setup() {
	d=$LAB_CACHE/apt/$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	cat >"$d/sources.list" <<EOF
deb [arch=amd64 signed-by=$keyring] http://deb.debian.org/debian $1 main
deb [arch=amd64 signed-by=$keyring] http://deb.debian.org/debian $1-updates main
deb [arch=amd64 signed-by=$keyring] http://deb.debian.org/debian-security $1-security main
EOF
}

# lab_apt SUITE CMD ARGS...: apt-get/apt-cache with the private state of SUITE.
lab_apt() {
	suite=$1 cmd=$2
	shift 2
	d=$LAB_CACHE/apt/$suite
	"$cmd" -q \
		-o Dir::Etc::SourceList="$d/sources.list" \
		-o Dir::Etc::SourceParts=- \
		-o Dir::State::Lists="$d/lists" \
		-o Dir::Cache="$d/cache" \
		-o APT::Architecture=amd64 -o APT::Architectures=amd64 \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root \
		"$@"
}

# lab_lock NAME: serialises cache updates between parallel runs (fd 9).
lab_lock() {
	mkdir -p "$LAB_CACHE/locks"
	exec 9>"$LAB_CACHE/locks/$1"
	flock 9
}
lab_unlock() { exec 9>&-; }

# lab_network_error FILE: true if apt's output in FILE says the archive could
# not be reached at all (as opposed to a package missing from it).
lab_network_error() {
	grep -Eqi 'Temporary failure resolving|Could not resolve|Could not connect|Unable to connect|Network is unreachable|Connection timed out|No route to host|Failed to fetch' "$1"
}
