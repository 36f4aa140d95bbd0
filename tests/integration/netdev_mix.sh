#!/bin/bash
# SPDX-License-Identifier: ISC
# Three VMs on one switch, each through another QEMU backend: -netdev
# stream on DIR/stream, -netdev dgram on DIR/dgram and -netdev vde on
# DIR/ctl, ping each other, both ways.  QEMU's network boot firmware
# cannot ping, so each "VM" is a host in a namespace of its own behind a
# QEMU with no machine, whose tap is bridged on QEMU's hub to that
# backend: the frames cross the switch in each backend's own framing,
# written and read by QEMU itself.  (stream.sh and dgram.sh boot real
# VMs over stream and dgram.)
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 ping iputils-ping jq jq

sw=$T_WORK/sw
start_switchd "$sw"
qemu_host s "stream,id=n0,server=off,addr.type=unix,addr.path=$sw/stream" \
    10.75.0.1/24
# The switch runs as another user, who must be able to write here.
umask 0
qemu_host d "dgram,id=n0,local.type=unix,local.path=$T_WORK/d.sock,remote.type=unix,remote.path=$sw/dgram" \
    10.75.0.2/24
umask 022
qemu_host v "vde,id=n0,sock=$sw" 10.75.0.3/24

for from in s d v; do
	for to in 1 2 3; do
		[ "$from:$to" = s:1 ] || [ "$from:$to" = d:2 ] ||
			[ "$from:$to" = v:3 ] && continue
		pings "$from" "10.75.0.$to" || fail "$from cannot ping 10.75.0.$to"
	done
done
ok "stream, dgram and vde hosts ping each other"
kinds=$(ctl -j ports | jq -r '[.ports[].kind] | sort | join(",")')
[ "$kinds" = "dgram,stream,unix" ] || fail "the ports are $kinds"
ok "their ports: $kinds"
switchd_alive
stop_switchd
