#!/bin/sh
# Turns a staged `make install DESTDIR=STAGE PREFIX=/usr` into a Debian
# package with dpkg-deb alone (no debian/ tree, no debhelper): strips the
# binary, adds the copyright file and changelog.Debian.gz, computes Depends
# with dpkg-shlibdeps, writes DEBIAN/control and DEBIAN/md5sums.
#   scripts/deb/build.sh STAGE VERSION OUTDIR
# Prints the .deb's path. DEB_MAINTAINER overrides the Maintainer field.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 STAGE VERSION OUTDIR" >&2; exit 2; }
stage=$1 upstream=$2 outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
version="$upstream-1"
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-gputrace maintainers <maintainers@gputrace.invalid>}
bin="$stage/usr/sbin/gputrace"
doc="$stage/usr/share/doc/gputrace"
[ -x "$bin" ] || { echo "deb: no $bin: run make install DESTDIR=$stage PREFIX=/usr first" >&2; exit 1; }

# Debian ships binaries without debug symbols (lintian: unstripped-binary).
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$bin"

install -d -m 0755 "$doc" "$stage/DEBIAN"
install -m 0644 "$here/copyright" "$doc/copyright"
# The changelog's date is the last commit's, so two builds of one tree match.
date=$(git -C "$here" log -1 --format=%cD 2>/dev/null || date -R)
{
	printf 'gputrace (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * gputrace %s, packaged by make deb.\n\n' "$upstream"
	printf ' -- %s  %s\n' "$maintainer" "$date"
} | gzip -9n > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# dpkg-shlibdeps wants a debian/control to exist; it only reads its name.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: gputrace\n\nPackage: gputrace\nArchitecture: any\n' > "$work/debian/control"
binabs=$(realpath "$bin")
depends=$(cd "$work" && dpkg-shlibdeps -O -e"$binabs" |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependencies for $bin" >&2; exit 1; }

size=$(du -s -k --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: gputrace
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: record and explain GPU driver rebinds on VM hosts
 A GPU passed through to a VM (Proxmox VE, libvirt, plain QEMU) goes to
 vfio-pci when the VM starts and back to its host driver when it stops.
 gputrace records with eBPF every driver bind and unbind, every write to the
 sysfs files that rebind devices and every process start and exit, each with
 the process behind it, into one trace file; it then tells who returned each
 device to the host driver and who took it again, how and when.
 .
 Also: the GPU functions' state now (status), an audit of the configuration
 that will rebind a GPU later (check), a guard that denies such rebinds
 (bpf LSM), one archive for a bug report (bundle), a systemd unit that
 records across many VM stops.
CONTROL
chmod 0644 "$stage/DEBIAN/control"

(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
	tr '\n' '\0' | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

deb="$outdir/gputrace_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
