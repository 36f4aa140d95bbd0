#!/bin/sh
# SPDX-License-Identifier: ISC
# What switchd needs, how to tell whether it is there, and the Debian
# package that provides it.
#   deps.sh [build]   compiler, autotools, pkg-config and the libraries
#   deps.sh test      the above, plus the real peers the tests run against
#   deps.sh -n ...    install nothing: name what is missing on one line
#                     (standard error) and exit 1 if something is
# Without -n, on Debian (dpkg and apt-get), what is missing is installed
# with apt-get, as root or through sudo.  Elsewhere, or without the
# rights, a missing build need stops it and a missing test peer is only
# named: the tests that need it say SKIPPED.
# Quick when everything is there: it asks pkg-config, the compiler and
# the PATH, not dpkg and not the network.
set -eu

# The tools a test runs may live in sbin, outside a user's PATH.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

# The compiler configure picks: $CC, else gcc, else cc.
cc=${CC:-gcc}
command -v "$cc" >/dev/null 2>&1 || cc=cc
pkgconfig=${PKG_CONFIG:-pkg-config}

# need NAME HOW ARG PACKAGE, one a line:
#   cmd   a program in the PATH
#   pc    a library pkg-config knows
#   clib  a library with no .pc (libev on Debian 12): ARG.h and libARG.so,
#         found by the compiler the way the build will find them
#   file  a file
#   fuzzer  clang's libFuzzer runtime
build_needs="
$cc	cmd	$cc	gcc
make	cmd	make	make
autoconf	cmd	autoreconf	autoconf
automake	cmd	aclocal	automake
pkg-config	cmd	$pkgconfig	pkg-config
libev	clib	ev	libev-dev
libcap-ng	pc	libcap-ng	libcap-ng-dev
json-c	pc	json-c	libjson-c-dev
cmocka	pc	cmocka	libcmocka-dev
libsodium	pc	libsodium	libsodium-dev
"
test_needs="
vde_switch	cmd	vde_switch	vde2
vde_plug	cmd	vde_plug	vdeplug
dpipe	cmd	dpipe	vdeplug
qemu-system-x86_64	cmd	qemu-system-x86_64	qemu-system-x86
QEMU's boot ROMs	file	/usr/lib/ipxe/qemu/efi-e1000.rom	ipxe-qemu
dnsmasq	cmd	dnsmasq	dnsmasq
iperf3	cmd	iperf3	iperf3
tcpdump	cmd	tcpdump	tcpdump
ping	cmd	ping	iputils-ping
ip	cmd	ip	iproute2
bridge	cmd	bridge	iproute2
python3	cmd	python3	python3
nft	cmd	nft	nftables
ethtool	cmd	ethtool	ethtool
socat	cmd	socat	socat
jq	cmd	jq	jq
sshd	cmd	sshd	openssh-server
ssh	cmd	ssh	openssh-client
mandoc	cmd	mandoc	mandoc
clang	cmd	clang	clang
libFuzzer	fuzzer	clang	libclang-rt-14-dev
valgrind	cmd	valgrind	valgrind
pgrep	cmd	pgrep	procps
killall	cmd	killall	psmisc
useradd	cmd	useradd	passwd
xmllint	cmd	xmllint	libxml2-utils
perl's JSON::PP	cmd	json_pp	perl
cpio	cmd	cpio	cpio
readelf	cmd	readelf	binutils
"

usage() {
	echo "usage: deps.sh [-n] [build | test]" >&2
	exit 2
}

dry=
if [ "${1:-}" = -n ]; then
	dry=1
	shift
fi
case "${1:-build}" in
build) test_needs= ;;
test) ;;
*) usage ;;
esac
[ $# -le 1 ] || usage

have() {	# HOW ARG
	case $1 in
	cmd) command -v "$2" >/dev/null 2>&1 ;;
	pc) "$pkgconfig" --exists "$2" >/dev/null 2>&1 ;;
	clib)
		echo "#include <$2.h>" | "$cc" -E -x c - >/dev/null 2>&1 &&
			[ "$("$cc" -print-file-name="lib$2.so" 2>/dev/null)" != "lib$2.so" ] ;;
	file) [ -f "$2" ] ;;
	fuzzer)
		rt=$("$2" -print-runtime-dir 2>/dev/null) || return 1
		[ -f "$rt/libclang_rt.fuzzer-$(uname -m).a" ] ||
			[ -f "$rt/libclang_rt.fuzzer.a" ] ;;
	*) echo "deps.sh: unknown check $1" >&2; exit 2 ;;
	esac
}

# Sets names, pkgs (each package once) and build_missing (yes or empty).
find_missing() {
	names=
	pkgs=
	build_missing=
	tab=$(printf '\t')
	for list in build test; do
		if [ $list = build ]; then needs=$build_needs; else needs=$test_needs; fi
		while IFS=$tab read -r name how arg pkg; do
			if [ -z "$name" ] || have "$how" "$arg"; then
				continue
			fi
			names="${names:+$names, }$name"
			case " $pkgs " in
			*" $pkg "*) ;;
			*) pkgs="${pkgs:+$pkgs }$pkg" ;;
			esac
			if [ $list = build ]; then
				build_missing=yes
			fi
		done <<EOF
$needs
EOF
	done
}

# One line on standard error: what is missing and its Debian packages.
say_missing() {	# PREFIX SUFFIX
	case $pkgs in
	*" "*) echo "$1$names (Debian packages $pkgs)$2" >&2 ;;
	*) echo "$1$names (Debian package $pkgs)$2" >&2 ;;
	esac
}

# What the build needs stops it; test peers do not, their tests skip.
give_up() {	# PREFIX SUFFIX
	if [ -n "$build_missing" ]; then
		say_missing "$1" "$2"
		exit 1
	fi
	say_missing "$1" "; the tests that need them say SKIPPED"
	exit 0
}

find_missing
if [ -z "$names" ]; then
	exit 0
fi
debian=
if command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	debian=yes
fi
if [ -n "$dry" ]; then
	if [ -n "$debian" ]; then
		say_missing "missing: " "; make deps installs what is missing"
	else
		say_missing "missing: " ""
	fi
	exit 1
fi
if [ -z "$debian" ]; then
	give_up "deps.sh: missing: " "; not Debian: install them by hand"
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	give_up "deps.sh: missing: " "; as root: apt-get install $pkgs"
fi

echo "deps.sh: installing $pkgs"
# The package lists of a fresh machine may be empty or stale.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq --no-install-recommends $pkgs

find_missing
if [ -n "$names" ]; then
	give_up "deps.sh: still missing after apt-get: " ""
fi
