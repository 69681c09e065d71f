#!/bin/sh
# Installs the Debian packages gputrace needs to build, test and run its lab.
# Only what is missing is installed; nothing else on the machine is touched.
#   scripts/deps.sh [--quiet] [--print]
set -eu

# build: compiler, libbpf + skeleton generator, libelf, zlib, libpci,
# libarchive (bundle .tar.gz), libxml2 (libvirt domain XML), sd-journal's
# header (record reads the journal)
BUILD_PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libpci-dev pci.ids libarchive-dev libxml2-dev pkg-config libsystemd-dev"
# tests: unit framework, JSON assertions, journal files made from export
# streams (systemd-journal-remote), libFuzzer + sanitizer runtimes for
# clang (tests/fuzz), the HTML report shown by a real browser (chromium,
# headless) and checked well-formed (xmllint)
TEST_PKGS="libcmocka-dev jq systemd-journal-remote libclang-rt-14-dev chromium libxml2-utils"
# docs and packaging: man pages from docs/man (scdoc) and their lint (man),
# `make deb` (dpkg-shlibdeps from dpkg-dev) and its lint (lintian)
PKG_PKGS="scdoc man-db dpkg-dev lintian"
# lab: QEMU (TCG), busybox initramfs, kernel package unpacking
LAB_PKGS="qemu-system-x86 busybox-static cpio xz-utils kmod zstd"
# bench: the reference tracer we compare against
BENCH_PKGS="bpftrace"

quiet=0
for a in "$@"; do
	case "$a" in
	--quiet) quiet=1 ;;
	--print) echo $BUILD_PKGS $TEST_PKGS $PKG_PKGS $LAB_PKGS $BENCH_PKGS; exit 0 ;;
	-h|--help) sed -n '2,4p' "$0"; exit 0 ;;
	*) echo "deps.sh: unknown option '$a'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $BUILD_PKGS $TEST_PKGS $PKG_PKGS $LAB_PKGS $BENCH_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	[ $quiet = 1 ] || echo "deps: all packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing; run as root (or: sudo scripts/deps.sh)" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
