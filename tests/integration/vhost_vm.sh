#!/bin/bash
# SPDX-License-Identifier: ISC
# slow: yes
# Two real Linux guests (tests/vm, 1 vCPU) on switchd over vhost-user,
# their memory a shared memfd, both on DIR/vhost: the Linux virtio-net
# driver on the rings the switch serves.  A pings B and sends B a 2 s
# iperf3 TCP stream; the rate is printed.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86
need_vm

sw=$T_WORK/sw
start_switchd "$sw"

# guest NAME MAC APPEND: a guest on DIR/vhost, its console in NAME.serial.
# QEMU 7.2 (Debian 12) crashes in vhost_net_start, unmasking the MSI-X
# config vector of a vhost-user NIC (NULL in msix_set_vector_notifiers'
# callback) as soon as Linux sets DRIVER_OK: vectors=0 (INTx, as iPXE
# uses) avoids it.  The crash comes before QEMU sends the switch
# SET_FEATURES: nothing the switch answers causes it.
guest() {
	vm_qemu "$T_WORK/$1.serial" "$2" "vhost-user,id=n0,chardev=c0" "$3" \
	    -object memory-backend-memfd,id=mem,size=256M,share=on \
	    -numa node,memdev=mem \
	    -global virtio-net-pci.vectors=0 \
	    -chardev "socket,id=c0,path=$sw/vhost"
	bg "$1" "${VM_CMD[@]}"
}
guest b 52:54:00:74:00:02 "vm.role=server vm.ip=10.74.0.2/24"
b=$T_LASTPID
guest a 52:54:00:74:00:01 \
    "vm.role=client vm.ip=10.74.0.1/24 vm.peer=10.74.0.2 vm.tests=ping,tcp1 vm.time=2"
a=$T_LASTPID
t_wait_for 20 eval '[ "$(grep -Ec "port [0-9]+ \\(vhost [^)]*\\): attached" "$T_WORK/switchd.log")" -ge 2 ]' ||
	fail "the guests' QEMUs did not attach: $(cat "$T_WORK/a.log" "$T_WORK/b.log")"
ok "both QEMUs attached on $sw/vhost"

# A says it is done on its console, and powers off; B serves until stopped.
a_done() { grep -q '^VM-DONE' "$T_WORK/a.serial" || ! kill -0 "$a"; }
t_wait_for 90 a_done ||
	fail "guest A did not finish: $(tail -20 "$T_WORK/a.serial")"
grep -q '^VM-DONE' "$T_WORK/a.serial" ||
	fail "guest A's QEMU exited: $(cat "$T_WORK/a.log") $(tail -20 "$T_WORK/a.serial")"
tr -d '\r' <"$T_WORK/a.serial" >"$T_WORK/console"
grep -q '^VM-DONE status=ok' "$T_WORK/console" ||
	fail "guest A failed: $(tail -20 "$T_WORK/console")"
ping=$(grep '^VM-RESULT test=ping .*received=[1-9]' "$T_WORK/console")
[ -n "$ping" ] || fail "A's pings to B went unanswered: $(grep VM- "$T_WORK/console")"
ok "A pinged B: ${ping#VM-RESULT }"
gbps=$(sed -n 's/^VM-RESULT test=tcp1 mtu=1500 .*gbps=\([0-9.]*\).*/\1/p' \
    "$T_WORK/console")
awk -v g="${gbps:-0}" 'BEGIN { exit !(g > 0) }' ||
	fail "no TCP stream from A to B: $(grep VM- "$T_WORK/console")"
ok "iperf3 A to B over vhost-user, one TCP stream 2 s: $gbps Gbit/s"

t_wait_for 20 eval '! kill -0 $a' || fail "A's QEMU did not exit after poweroff"
wait "$a" || fail "A's QEMU exited with status $?"
kill -TERM "$b"
wait "$b" 2>/dev/null
switchd_alive
stop_switchd
ok "clean exit"
