#!/bin/bash
# SPDX-License-Identifier: ISC
# A VM on DIR/stream is back within 2 seconds of a switch restart: after
# a clean stop, and after a kill -9 that leaves the old sockets behind
# (5 seconds where a manager must start QEMU again: most of that is
# QEMU's own start, under TCG on a machine that may be busy).
# The VM is a host behind a QEMU with -netdev stream; the switch's tap is
# the other end of the ping.
#
# QEMU 8.2 and later reconnect by themselves (reconnect-ms=500, or
# reconnect=1 before 9.2): the test uses that where QEMU has it.  QEMU
# 7.2 (Debian 12) has neither and never reconnects a stream; there the
# test plays the part of the manager (libvirt, a script) that starts the
# VM's QEMU again when its monitor says the stream is down, on a tap that
# outlives it.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 ping iputils-ping socat socat

sw=$T_WORK/sw
nd="stream,id=n0,server=off,addr.type=unix,addr.path=$sw/stream"
if qemu_takes "$nd,reconnect-ms=500"; then
	nd="$nd,reconnect-ms=500" how="QEMU's reconnect-ms=500" within=2
elif qemu_takes "$nd,reconnect=1"; then
	nd="$nd,reconnect=1" how="QEMU's reconnect=1" within=2
else
	how="a manager that restarts QEMU $(qemu-system-x86_64 --version |
	    sed -n '1s/.*version \([^ ]*\).*/\1/p'), which cannot reconnect"
	within=5
fi
echo "reconnecting with $how"

netns gw
switch() {
	bg switchd ip netns exec "$T_NS-gw" "$SWITCHD" -s "$sw" -v -t tap0
	SWITCHD_PID=$T_LASTPID
	wait_for 30 grep -q "switch .* ready" "$T_WORK/switchd.log" ||
		fail "switchd did not start"
	ip -n "$T_NS-gw" addr add 10.73.0.1/24 dev tap0
	ip -n "$T_NS-gw" link set tap0 up
}
switch

netns vm
ip -n "$T_NS-vm" tuntap add eth0 mode tap
ip -n "$T_NS-vm" addr add 10.73.0.2/24 dev eth0
ip -n "$T_NS-vm" link set eth0 up
qemu() {
	exec ip netns exec "$T_NS-vm" qemu-system-x86_64 -M none -display none \
	    -nodefaults -monitor "unix:$T_WORK/mon,server=on,wait=off" \
	    -netdev tap,id=tap0,ifname=eth0,script=no,downscript=no \
	    -netdev hubport,id=hub0,hubid=0,netdev=tap0 \
	    -netdev "$nd" -netdev hubport,id=hub1,hubid=0,netdev=n0
}
if [ "${how#QEMU}" != "$how" ]; then
	bg qemu qemu
else
	# The manager: a stream that is not up on two looks in a row (it
	# may be connecting) is started again, with a new QEMU.
	export -f qemu
	export T_NS T_WORK nd
	bg qemu bash -c '
	trap "kill \$q 2>/dev/null; exit 0" TERM
	while :; do
		qemu & q=$!
		down=0
		while kill -0 $q 2>/dev/null && [ $down -lt 2 ]; do
			sleep 0.2
			echo "info network" | socat -t 0.2 - "UNIX-CONNECT:$T_WORK/mon" \
			    2>/dev/null | grep -q "type=stream,unix:" && down=0 ||
			    down=$((down + 1))
		done
		kill $q 2>/dev/null
		wait $q
	done'
fi
pings gw 10.73.0.2 || fail "the switch's host cannot ping the VM"
ok "the host pings the VM on $sw/stream"

# back SIGNAL: restart the switch after SIGNAL; the VM must answer
# pings within $within seconds of the new switch being ready.
back() {
	local t0 now
	kill "-$1" "$SWITCHD_PID"
	wait "$SWITCHD_PID"
	[ "$1" = KILL ] && { [ -S "$sw/stream" ] ||
		fail "kill -9 left no $sw/stream to take over"; }
	: >"$T_WORK/switchd.log"
	switch
	t0=${EPOCHREALTIME/[.,]/}
	t_wait_for 10 nsexec gw ping -c 1 -W 0.2 10.73.0.2 ||
		fail "after SIG$1, the VM is not back within 10 seconds"
	now=${EPOCHREALTIME/[.,]/}
	[ $((now - t0)) -le $((within * 1000000)) ] ||
		fail "after SIG$1, the VM took $(((now - t0) / 1000)) ms to come back"
	ok "after SIG$1 and a restart, the VM is back in $(((now - t0) / 1000)) ms"
}
back TERM
back KILL
grep -q "port [0-9]* (stream qemu-system-x86 .*): attached" "$T_WORK/switchd.log" ||
	fail "the VM's port is not a stream: $(cat "$T_WORK/switchd.log")"
stop_switchd
