#!/bin/sh
# Install what switchd needs from Debian's archive, only when it is missing.
#   deps.sh build   compiler, autoconf and the libraries
#   deps.sh test    the above, plus the real peers the tests run against
# Quick when everything is there: it asks dpkg, not the network.
set -eu

build="gcc make autoconf automake pkg-config libev-dev libcap-ng-dev libjson-c-dev
libcmocka-dev"
test="vde2 vdeplug libvdeplug-dev qemu-system-x86 ipxe-qemu dnsmasq iperf3
iputils-ping iproute2 nftables socat jq openssh-server openssh-client mandoc
clang libclang-rt-14-dev valgrind procps psmisc passwd"

case "${1:-build}" in
build) want=$build ;;
test) want="$build $test" ;;
*) echo "usage: deps.sh [build | test]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps.sh: run as root, or: apt-get install$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# The package lists of a fresh machine may be empty or stale.
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
