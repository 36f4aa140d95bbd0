#!/bin/sh
# SPDX-License-Identifier: ISC
# A tiny Linux guest for the tests and make bench-vm, from Debian
# packages alone:
#   tests/vm/mkimage.sh DIR
# makes DIR/vmlinuz (the kernel of linux-image-cloud-amd64, or of the
# package VM_KERNEL names, e.g. linux-image-amd64, whose flavour has
# e1000) and DIR/initrd (an uncompressed initramfs: busybox-static,
# iperf3 and its libraries, the modules of virtio-net and e1000 when the
# kernel has them, and tests/vm/init as /init).  The packages are fetched
# once, with apt-get download, into DIR/debs; the initramfs is packed
# again only when it is missing or older than init or this script, from
# those packages.  Nothing comes from anywhere but the Debian archive.
#
# Exit status 75: the packages could not be fetched (no archive, no lists).
#
# Booting it: tests/vm/vm.sh (vm_qemu).  The guest's interface is its
# kernel command line (tests/vm/init has it in full):
#   vm.role=probe|dhcp|server|client   what it does, then it powers off
#   vm.ip=ADDR/LEN   eth0's address (server, client)
#   vm.peer=ADDR     the iperf3 server (client), what to ping (dhcp)
#   vm.mtus=N,N...   MTUs to try, largest first
#   vm.time=S        seconds per iperf3 run
#   vm.tests=T,T...  of ping, tcp1, tcp4, udp64
# and its results are lines on its console (ttyS0): VM-BEGIN, VM-RESULT
# (test=T mtu=M KEY=VALUE...) and last VM-DONE status=ok|fail.
set -eu

[ $# -eq 1 ] || { echo "usage: mkimage.sh DIR" >&2; exit 2; }
dir=$1
src=$(cd "$(dirname "$0")" && pwd)
meta=${VM_KERNEL:-linux-image-cloud-amd64}
PATH=$PATH:/usr/sbin:/sbin

die() { echo "mkimage.sh: $*" >&2; exit 1; }
for t in apt-get:apt apt-cache:apt dpkg-deb:dpkg readelf:binutils \
    cpio:cpio flock:util-linux; do
	command -v "${t%:*}" >/dev/null 2>&1 ||
		die "needs ${t%:*} (Debian package ${t#*:})"
done

mkdir -p "$dir/debs"
exec 9>"$dir/.lock"
flock 9

fresh() {	# FILE: FILE is there and newer than init and this script
	[ -f "$1" ] && [ ! "$src/init" -nt "$1" ] && [ ! "$src/mkimage.sh" -nt "$1" ]
}
if [ -f "$dir/vmlinuz" ] && [ -f "$dir/kernel" ] && fresh "$dir/initrd" &&
    [ "$(cat "$dir/debs/.kernel" 2>/dev/null)" = "$meta" ]; then
	exit 0
fi

# apt-get as root on a fresh machine may have no package lists yet.
apt_retry() {
	"$@" && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	apt-get update -q >/dev/null || return 1
	"$@"
}
kernel_pkg() {
	apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }' |
		grep .
}
# The kernel a meta package points to now, unless one is there already.
kpkg=$(cd "$dir/debs" && ls linux-image-*.deb 2>/dev/null | sed -n '1s/_.*//p')
if [ -z "$kpkg" ] || [ "$(cat "$dir/debs/.kernel" 2>/dev/null)" != "$meta" ]; then
	rm -f "$dir/debs/"linux-image-*.deb
	kpkg=$(apt_retry kernel_pkg) || {
		echo "mkimage.sh: no package $meta in apt's lists" >&2
		exit 75
	}
fi
pkgs="$kpkg busybox-static iperf3 libiperf0 libsctp1 libssl3 libc6"
need=
for p in $pkgs; do
	ls "$dir/debs/${p}_"*.deb >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
	echo "mkimage.sh: fetching$need from the Debian archive"
	# As root, apt would fetch as _apt, who may not write to DIR.
	# shellcheck disable=SC2086
	if ! (cd "$dir/debs" && apt_retry apt-get download -q \
	    -o APT::Sandbox::User=root $need >/dev/null); then
		echo "mkimage.sh: apt-get download$need failed" >&2
		exit 75
	fi
	echo "$meta" >"$dir/debs/.kernel"
fi

tree=$(mktemp -d "$dir/tree.XXXXXX")
root=$tree/root
trap 'rm -rf "$tree"' EXIT
for d in "$dir/debs/"*.deb; do
	dpkg-deb -x "$d" "$tree/pkgs"
done
p=$tree/pkgs
mkdir -p "$root/bin" "$root/lib/modules" "$root/lib64" "$root/etc" \
    "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run"

cp "$p/bin/busybox" "$root/bin/"
for a in $("$p/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
cp "$p/usr/bin/iperf3" "$root/bin/"

# The libraries iperf3 needs, and theirs, from the packages only.
libdir=lib/x86_64-linux-gnu
mkdir -p "$root/$libdir"
addlibs() {	# ELF: copy what it needs, recursively
	for l in $(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$root/$libdir/$l" ] && continue
		f=
		for d in "$p/$libdir" "$p/usr/$libdir"; do
			[ -e "$d/$l" ] && { f=$d/$l; break; }
		done
		[ -n "$f" ] || die "$1 needs $l, in none of the packages"
		cp -L "$f" "$root/$libdir/$l"
		addlibs "$root/$libdir/$l"
	done
}
addlibs "$root/bin/iperf3"
cp -L "$p/$libdir/ld-linux-x86-64.so.2" "$root/$libdir/"
ln -s "/$libdir/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"

# The network drivers and the modules they need, in the order to load
# them: /etc/modules, a name a line, each /lib/modules/NAME.ko.
kver=$(ls "$p/lib/modules")
mods=$p/lib/modules/$kver/kernel
cp "$p/boot/vmlinuz-$kver" "$tree/vmlinuz"
: >"$root/etc/modules"
modfile() {	# NAME
	find "$mods" -name "$1.ko" -o -name "$(echo "$1" | tr _ -).ko" |
	    head -n 1 | grep .
}
addmod() {	# NAME (sh has no local variables: nothing is kept across calls)
	grep -qx "$1" "$root/etc/modules" && return 0
	modfile "$1" >/dev/null || return 1
	for d in $(tr '\0' '\n' <"$(modfile "$1")" | sed -n 's/^depends=//p' |
	    tr , ' '); do
		addmod "$d" || die "$1 needs module $d, not in $kpkg"
	done
	cp "$(modfile "$1")" "$root/lib/modules/$1.ko"
	echo "$1" >>"$root/etc/modules"
}
addmod virtio_pci || grep -q '^CONFIG_VIRTIO_PCI=y' "$p/boot/config-$kver" ||
	die "no virtio_pci in $kpkg"
addmod virtio_net || grep -q '^CONFIG_VIRTIO_NET=y' "$p/boot/config-$kver" ||
	die "no virtio_net in $kpkg"
addmod e1000 || true	# not in the cloud flavour

install -m 755 "$src/init" "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$tree/initrd"
dpkg-deb -f "$dir/debs/${kpkg}_"*.deb Package Version | cut -d' ' -f2 |
    paste -sd' ' >"$dir/kernel"
mv "$tree/vmlinuz" "$dir/vmlinuz"
mv "$tree/initrd" "$dir/initrd"
echo "mkimage.sh: $dir/vmlinuz ($kpkg), $dir/initrd ($(du -k "$dir/initrd" |
    cut -f1) kB: $(tr '\n' ' ' <"$root/etc/modules"))"
