#!/bin/bash
# SPDX-License-Identifier: ISC
# A real QEMU attaches with -netdev vde and its PXE firmware (iPXE) gets
# a DHCP lease from dnsmasq, running on a host attached to the same
# switch.  No disk, no guest OS: the firmware's DHCP is the traffic.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq
[ -e /usr/lib/ipxe/qemu/efi-e1000.rom ] || [ -e /usr/lib/ipxe/qemu/pxe-e1000.rom ] ||
	skip "needs the e1000 PXE ROM (Debian package ipxe-qemu)"

mac=52:54:00:12:34:56
sw=$T_WORK/sw
start_switchd "$sw"
host dhcp "vde://$sw" 10.60.0.1/24
bg dnsmasq ip netns exec "$T_NS-dhcp" dnsmasq --no-daemon --conf-file=/dev/null \
    --no-resolv --no-hosts --port=0 --interface=eth0 --bind-interfaces \
    --dhcp-range=10.60.0.50,10.60.0.60,1m --dhcp-leasefile="$T_WORK/leases" \
    --pid-file="$T_WORK/dnsmasq.pid" --log-facility=- --log-dhcp
wait_for 10 grep -q "DHCP, IP range 10.60.0.50" "$T_WORK/dnsmasq.log" ||
	fail "dnsmasq did not start"

# QEMU in a namespace of its own: its only network is the switch.
netns vm
bg qemu ip netns exec "$T_NS-vm" qemu-system-x86_64 -M pc -accel tcg -m 64 \
    -nographic -display none -nodefaults -serial none -monitor none \
    -boot n -netdev "vde,id=n0,sock=$sw" \
    -device "e1000,netdev=n0,mac=$mac"
qemu=$T_LASTPID
logged 10 "port [0-9]+ \\(QEMU[^)]*\\): attached" ||
	fail "QEMU did not attach (or not as \"QEMU\")"
ok "QEMU attached: $(grep -Eo "port [0-9]+ \\(QEMU[^)]*\\)" \
    "$T_WORK/switchd.log" | head -1)"

# iPXE is slow to start under TCG; give it most of the minute.
wait_for 30 grep -q "DHCPOFFER(eth0) [0-9.]* $mac" "$T_WORK/dnsmasq.log" ||
	fail "no DHCPOFFER to $mac: the firmware's DHCPDISCOVER did not" \
	    "reach dnsmasq, or the offer did not reach it"
grep -q "DHCPDISCOVER(eth0) $mac" "$T_WORK/dnsmasq.log" ||
	fail "an offer without a DHCPDISCOVER from $mac"
ok "$mac sent DHCPDISCOVER and was offered an address"
wait_for 10 grep -q "DHCPACK(eth0) [0-9.]* $mac" "$T_WORK/dnsmasq.log" ||
	fail "the firmware never got its DHCPACK"
wait_for 5 grep -q " $mac 10.60.0" "$T_WORK/leases" ||
	fail "no lease for $mac in dnsmasq's lease file"
ok "lease: $(grep " $mac " "$T_WORK/leases" | cut -d' ' -f2-3)"

kill -0 "$qemu" 2>/dev/null || fail "QEMU exited early"
switchd_alive
stop_switchd
ok "clean exit"
