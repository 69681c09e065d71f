#!/bin/sh
# Fetches what a lab guest is made of, from Debian's archive, into the cache
# ($GPUTRACE_LAB_CACHE, default /var/cache/gputrace-lab), and prints the path
# of the prepared result on stdout:
#   scripts/lab/fetch.sh kernel 5.10|6.1|6.12   -> directory with vmlinux, vmlinuz,
#                                                 modules/ and modules.load
#   scripts/lab/fetch.sh busybox                -> path of a static busybox
# A prepared kernel is reused without network access; GPUTRACE_LAB_REFRESH=1
# looks for a newer package first. Exit 77: the archive cannot be reached.
set -eu
. "$(dirname "$0")/lib.sh"

# Modules the guest loads, in this order; each with its dependencies first.
# vfio-pci must register before the display driver: with a dynamic id left by
# new_id, a later reprobe then lands on vfio-pci, as on a real host where
# vfio-pci was loaded first. Alternatives are separated by '|' (module
# renames between kernel series).
LAB_MODULES="vfio_pci bochs|bochs_drm snd_hda_intel"

# apt_get_download SUITE PKG DIR: apt-get download, refreshing the private
# index once when it is missing or stale (old kernels leave the archive).
apt_download() {
	suite=$1 pkg=$2 dir=$3
	log=$LAB_CACHE/apt/$suite/last.log
	if (cd "$dir" && lab_apt "$suite" apt-get download "$pkg") >"$log" 2>&1; then
		return 0
	fi
	if lab_network_error "$log" && ! grep -q '404' "$log"; then
		cat "$log" >&2
		lab_unavailable "cannot download $pkg from deb.debian.org (no network?); the first run needs the archive, later runs use $LAB_CACHE"
	fi
	cat "$log" >&2
	return 1
}

apt_update() {
	suite=$1
	log=$LAB_CACHE/apt/$suite/last.log
	lab_say "updating the private $suite package index in $LAB_CACHE/apt/$suite"
	if ! lab_apt "$suite" apt-get update >"$log" 2>&1 || grep -q '^W: Failed to fetch\|^E: ' "$log"; then
		cat "$log" >&2
		if lab_network_error "$log"; then
			lab_unavailable "cannot reach deb.debian.org for the $suite index (no network?); the first run needs the archive, later runs use $LAB_CACHE"
		fi
		lab_die "apt-get update for $suite failed (log above)"
	fi
}

# newest_package SUITE PATTERN: the newest package name matching PATTERN.
newest_package() {
	lab_apt "$1" apt-cache search --names-only "$2" 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1
}

# extract_vmlinux BZIMAGE OUT: finds the compressed kernel inside a bzImage
# by its magic bytes and keeps the first candidate that decompresses to an
# ELF file (the PVH entry point lives in the ELF notes).
extract_vmlinux() {
	img=$1 out=$2
	for fmt in 'xz:\3757zXZ\000' 'zstd:(\265/\375' 'gzip:\037\213\010' 'lzma:\135\000\000'; do
		tool=${fmt%%:*}
		magic=$(printf "${fmt#*:}" | od -An -tx1 | tr -d ' \n')
		# od prints the image as one hex string; offsets of the magic, in bytes.
		for off in $(od -An -v -tx1 "$img" | tr -d ' \n' |
			grep -ob "$magic" | cut -d: -f1 | awk '$1 % 2 == 0 {print $1 / 2}' | head -n 8); do
			case $tool in
			xz) dec="xz -dc" ;; zstd) dec="zstd -dcq" ;;
			gzip) dec="gzip -dc" ;; lzma) dec="xz -dc --format=lzma" ;;
			esac
			tail -c +$((off + 1)) "$img" | $dec >"$out" 2>/dev/null || true
			if [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
				echo "$tool"
				return 0
			fi
		done
	done
	rm -f "$out"
	return 1
}

# prepare_modules ROOT KVER OUT: resolves LAB_MODULES with modules.dep,
# copies them decompressed (busybox insmod reads plain .ko) to OUT/modules
# and writes their load order to OUT/modules.load.
prepare_modules() {
	root=$1 kver=$2 out=$3
	depmod -b "$root" "$kver"
	mkdir -p "$out/modules"
	: >"$out/modules.load"
	for alts in $LAB_MODULES; do
		found=
		for m in $(echo "$alts" | tr '|' ' '); do
			deps=$(modprobe -d "$root" -S "$kver" --show-depends "$m" 2>/dev/null) || continue
			found=$m
			echo "$deps" | awk '$1 == "insmod" {print $2}' | while read -r ko; do
				base=$(basename "$ko")
				base=${base%.xz}
				base=${base%.zst}
				name=${base%.ko}
				grep -qx "$name" "$out/modules.load" && continue
				case "$ko" in
				*.ko.xz) xz -dc "$ko" >"$out/modules/$base" ;;
				*.ko.zst) zstd -dcq "$ko" >"$out/modules/$base" ;;
				*) cp "$ko" "$out/modules/$base" ;;
				esac
				echo "$name" >>"$out/modules.load"
			done
			break
		done
		[ -n "$found" ] || lab_die "kernel $kver has none of the modules '$alts'"
	done
	# What the docs report as kernel differences.
	compression=$(find "$root/lib/modules/$kver/kernel" -name 'vfio-pci.ko*' -o -name 'vfio_pci.ko*' |
		head -n 1 | sed 's/.*\.ko//; s/^$/none/; s/^\.//')
	echo "$compression" >"$out/modules.compression"
}

fetch_kernel() {
	series=$1
	suite=$(lab_kernel_suite "$series") || lab_die "unknown kernel '$series' (5.10, 6.1 or 6.12)"
	pattern=$(lab_kernel_pattern "$series")
	lab_lock "kernel-$series"
	current=$LAB_CACHE/kernels/$series.current
	if [ "${GPUTRACE_LAB_REFRESH:-0}" != 1 ] && [ -s "$current" ] &&
		[ -f "$LAB_CACHE/kernels/$(cat "$current")/modules.load" ]; then
		echo "$LAB_CACHE/kernels/$(cat "$current")"
		return 0
	fi
	lab_apt_setup "$suite"
	if [ "${GPUTRACE_LAB_REFRESH:-0}" = 1 ] || ! ls "$LAB_CACHE/apt/$suite/lists/"*Packages* >/dev/null 2>&1; then
		apt_update "$suite"
	fi
	pkg=$(newest_package "$suite" "$pattern")
	[ -n "$pkg" ] || { apt_update "$suite"; pkg=$(newest_package "$suite" "$pattern"); }
	[ -n "$pkg" ] || lab_die "no package matches $pattern in $suite"
	mkdir -p "$LAB_CACHE/debs"
	deb=$(ls "$LAB_CACHE/debs/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$deb" ]; then
		lab_say "downloading $pkg ($suite)"
		apt_download "$suite" "$pkg" "$LAB_CACHE/debs" || {
			apt_update "$suite"
			apt_download "$suite" "$pkg" "$LAB_CACHE/debs" || lab_die "apt-get download $pkg failed"
		}
		deb=$(ls "$LAB_CACHE/debs/${pkg}_"*.deb | sort -V | tail -n 1)
	fi
	kver=$(echo "$pkg" | sed 's/^linux-image-//; s/-unsigned$//')
	dir=$LAB_CACHE/kernels/$kver
	if [ ! -f "$dir/modules.load" ]; then
		lab_say "preparing kernel $kver"
		tmp=$dir.tmp
		rm -rf "$tmp" "$dir"
		mkdir -p "$tmp/root"
		dpkg-deb -x "$deb" "$tmp/root"
		cp "$tmp/root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
		if fmt=$(extract_vmlinux "$tmp/vmlinuz" "$tmp/vmlinux"); then
			echo "$fmt" >"$tmp/vmlinuz.compression"
		else
			lab_say "kernel $kver: no ELF vmlinux found in vmlinuz; the guest boots the bzImage"
		fi
		prepare_modules "$tmp/root" "$kver" "$tmp"
		echo "$kver" >"$tmp/kver"
		rm -rf "$tmp/root"
		mv "$tmp" "$dir"
	fi
	echo "$kver" >"$current"
	echo "$dir"
}

# The guest's busybox comes from Debian's busybox-static package, like the
# kernels, so the guest does not depend on what the host has installed.
fetch_busybox() {
	lab_lock busybox
	out=$LAB_CACHE/busybox/busybox
	if [ -x "$out" ] && [ "${GPUTRACE_LAB_REFRESH:-0}" != 1 ]; then
		echo "$out"
		return 0
	fi
	lab_apt_setup bookworm
	ls "$LAB_CACHE/apt/bookworm/lists/"*Packages* >/dev/null 2>&1 || apt_update bookworm
	mkdir -p "$LAB_CACHE/debs" "$LAB_CACHE/busybox"
	deb=$(ls "$LAB_CACHE/debs/busybox-static_"*.deb 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$deb" ]; then
		lab_say "downloading busybox-static"
		apt_download bookworm busybox-static "$LAB_CACHE/debs" || {
			apt_update bookworm
			apt_download bookworm busybox-static "$LAB_CACHE/debs" || lab_die "apt-get download busybox-static failed"
		}
		deb=$(ls "$LAB_CACHE/debs/busybox-static_"*.deb | sort -V | tail -n 1)
	fi
	tmp=$LAB_CACHE/busybox/root
	rm -rf "$tmp"
	dpkg-deb -x "$deb" "$tmp"
	cp "$tmp/bin/busybox" "$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
	echo "$out"
}

case "${1:-}" in
kernel) [ $# = 2 ] || lab_die "usage: fetch.sh kernel 5.10|6.1|6.12"; fetch_kernel "$2" ;;
busybox) fetch_busybox ;;
*) echo "usage: fetch.sh kernel 5.10|6.1|6.12 | fetch.sh busybox" >&2; exit 2 ;;
esac
