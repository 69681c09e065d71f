#!/bin/bash
# What an admin installs: `make install` into a DESTDIR (every file where
# PREFIX says, units pointing at the installed binary) and `make uninstall`
# (nothing left); `make deb` (lintian: no error), installed with dpkg -i
# (binary, man pages, completion, units in place) and purged with dpkg -P
# (every file it had is gone). dpkg -i needs root: skipped without it, and
# when a gputrace package is already installed (not ours to remove).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d /tmp/package-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
VERSION=$(cat VERSION)

mapfile -t COMMANDS < <(build/gputrace --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')

# --- make install / make uninstall into a staging tree
D=$T/stage
if make --no-print-directory install DESTDIR="$D" PREFIX=/opt/gt > "$T/install.log" 2>&1; then
	t_pass "make install DESTDIR PREFIX=/opt/gt"
else
	t_fail "make install DESTDIR PREFIX=/opt/gt" "$(tail -3 "$T/install.log")"
fi
t_check "install: binary in PREFIX/sbin runs" \
	sh -c "'$D/opt/gt/sbin/gputrace' --version | grep -qx 'gputrace $VERSION (trace format [0-9]*\\.[0-9]*)'"
missing=""
for c in "" "${COMMANDS[@]/#/-}"; do
	[ -s "$D/opt/gt/share/man/man8/gputrace$c.8.gz" ] || missing="$missing gputrace$c.8.gz"
done
t_check "install: a man page per command (${#COMMANDS[@]} + gputrace.8)${missing:+, missing:$missing}" test -z "$missing"
t_check "install: man reads the installed page" \
	sh -c "MANPATH='$D/opt/gt/share/man' man -w gputrace-report | grep -qx '$D/opt/gt/share/man/man8/gputrace-report.8.gz'"
t_check "install: bash completion" test -s "$D/opt/gt/share/bash-completion/completions/gputrace"
for u in gputrace-record.service gputrace-guard@.service; do
	f=$D/opt/gt/lib/systemd/system/$u
	t_check "install: $u runs PREFIX's binary, nothing left to fill in" \
		sh -c "grep -q '^ExecStart=/opt/gt/sbin/gputrace ' '$f' && ! grep -q '@[A-Z]*@' '$f'"
done
if make --no-print-directory uninstall DESTDIR="$D" PREFIX=/opt/gt > "$T/uninstall.log" 2>&1; then
	left=$(find "$D" -type f | sed "s|^$D||")
	t_check "make uninstall removes every file${left:+, left: $left}" test -z "$left"
else
	t_fail "make uninstall" "$(tail -3 "$T/uninstall.log")"
fi

# --- make deb and lintian
if ! make --no-print-directory deb > "$T/deb.log" 2>&1; then
	t_fail "make deb" "$(tail -3 "$T/deb.log")"
	t_summary; exit
fi
DEB=$(tail -n 1 "$T/deb.log")
t_check "make deb: $DEB" test -s "$DEB"
t_check "deb: Depends computed (libbpf, libc)" \
	sh -c "dpkg-deb -f '$DEB' Depends | grep -q 'libbpf[0-9]' && dpkg-deb -f '$DEB' Depends | grep -q 'libc6 (>='"
if command -v lintian > /dev/null; then
	lintian "$DEB" > "$T/lintian.out" 2>&1
	sed 's/^/      /' "$T/lintian.out"
	errors=$(grep -c '^E:' "$T/lintian.out")
	t_check "lintian: no error ($errors; $(grep -c '^W:' "$T/lintian.out") warnings)" test "$errors" -eq 0
else
	t_fail "lintian" "not installed (scripts/deps.sh installs it)"
fi

# --- dpkg -i, then dpkg -P
if [ "$(id -u)" != 0 ]; then
	t_skip "dpkg -i / dpkg -P" "needs root"
	t_summary; exit
fi
if dpkg-query -W -f='${Status}' gputrace 2>/dev/null | grep -q 'installed'; then
	t_skip "dpkg -i / dpkg -P" "a gputrace package is already installed here (dpkg -P gputrace first)"
	t_summary; exit
fi
if ! dpkg -i "$DEB" > "$T/dpkg-i.log" 2>&1; then
	t_fail "dpkg -i" "$(tail -3 "$T/dpkg-i.log")"
	dpkg -P gputrace > /dev/null 2>&1
	t_summary; exit
fi
t_pass "dpkg -i $(basename "$DEB")"
dpkg -L gputrace > "$T/files"
t_check "installed: /usr/sbin/gputrace --version" \
	sh -c "/usr/sbin/gputrace --version | grep -q '^gputrace $VERSION '"
t_check "installed: man -w gputrace" sh -c "man -w gputrace | grep -qx /usr/share/man/man8/gputrace.8.gz"
missing=""
for c in "${COMMANDS[@]}"; do
	man -w "gputrace-$c" > /dev/null 2>&1 || missing="$missing $c"
done
t_check "installed: man -w gputrace-CMD for each command${missing:+, missing:$missing}" test -z "$missing"
for u in gputrace-record.service gputrace-guard@.service; do
	t_check "installed: /lib/systemd/system/$u runs /usr/sbin/gputrace" \
		grep -q '^ExecStart=/usr/sbin/gputrace ' "/lib/systemd/system/$u"
done
t_check "installed: bash completion" test -s /usr/share/bash-completion/completions/gputrace
t_check "installed: copyright, changelog.Debian.gz" \
	test -s /usr/share/doc/gputrace/copyright -a -s /usr/share/doc/gputrace/changelog.Debian.gz
if dpkg -P gputrace > "$T/dpkg-P.log" 2>&1; then
	t_pass "dpkg -P gputrace"
else
	t_fail "dpkg -P gputrace" "$(tail -3 "$T/dpkg-P.log")"
fi
t_check "purged: dpkg knows no gputrace" sh -c "! dpkg-query -W -f='\${Status}' gputrace 2>/dev/null | grep -q installed"
left=""
while read -r f; do
	# directories other packages share (/usr, /usr/share/man/man8) stay;
	# its files, and its own doc directory, must not
	if [ -d "$f" ]; then
		[ "$f" = /usr/share/doc/gputrace ] && [ -e "$f" ] && left="$left $f"
	elif [ -e "$f" ] || [ -L "$f" ]; then
		left="$left $f"
	fi
done < "$T/files"
t_check "purged: none of its $(wc -l < "$T/files") paths left${left:+:$left}" test -z "$left"
t_summary
