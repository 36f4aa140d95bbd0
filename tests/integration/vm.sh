#!/bin/bash
# SPDX-License-Identifier: ISC
# slow: yes
# A real Linux guest (tests/vm: built once into build/vm, from Debian
# packages only) on switchd over -netdev vde with virtio-net: it takes a
# DHCP lease from dnsmasq on the switch's tap and pings that host, then
# powers off.  make bench-vm boots the same guest, two at a time; this
# keeps the image, its boot and its /init from rotting.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq
need_vm

VMGROUP=54351	# a number only
MAC=52:54:00:73:00:02
sw=$T_WORK/sw
netboot_gw 10.73.0 "switchd vm test"

# QEMU in a namespace of its own: its only network is the switch.
netns vm
vm_qemu "$T_WORK/serial" "$MAC" "vde,id=n0,sock=$sw" vm.role=dhcp
bg qemu ip netns exec "$T_NS-vm" "${VM_CMD[@]}"
qemu=$T_LASTPID
logged 20 "port [0-9]+ \\(QEMU[^)]*\\): attached" ||
	fail "QEMU did not attach: $(cat "$T_WORK/qemu.log")"

# The guest says it is done on its console, and powers off.
t_wait_for 60 grep -q '^VM-DONE' "$T_WORK/serial" ||
	fail "the guest did not finish in a minute: $(tail -20 "$T_WORK/serial")"
# The console ends its lines with CR LF.
tr -d '\r' <"$T_WORK/serial" >"$T_WORK/console"
grep -q '^VM-DONE status=ok' "$T_WORK/console" ||
	fail "the guest failed: $(tail -20 "$T_WORK/console")"
lease=$(sed -n 's/^VM-RESULT test=dhcp ip=\([0-9.]*\) router=10\.73\.0\.1$/\1/p' \
    "$T_WORK/console")
[ -n "$lease" ] || fail "no lease from 10.73.0.1: $(grep VM- "$T_WORK/console")"
grep -q "DHCPACK(tap0) $lease $MAC" "$T_WORK/dnsmasq.log" ||
	fail "dnsmasq did not lease $lease to $MAC"
ok "the guest leased $lease from dnsmasq on the switch's tap"
rtt=$(sed -n 's/^VM-RESULT test=ping mtu=1500 rtt_ms=\([0-9.]*\) .*received=[1-9].*/\1/p' \
    "$T_WORK/console")
[ -n "$rtt" ] || fail "the guest's pings went unanswered: $(grep VM- "$T_WORK/console")"
ok "the guest pinged 10.73.0.1: $(grep 'RESULT test=ping' "$T_WORK/console")"

t_wait_for 20 eval '! kill -0 $qemu' || fail "QEMU did not exit after poweroff"
wait "$qemu" || fail "QEMU exited with status $?"
switchd_alive
stop_switchd
ok "the guest powered off; clean exit"
