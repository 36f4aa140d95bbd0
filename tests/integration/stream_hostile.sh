#!/bin/bash
# SPDX-License-Identifier: ISC
# Peers on DIR/stream that do not speak QEMU's framing.  A length beyond
# what QEMU sends, a length of 0, and half a frame followed by silence
# each close that one connection, with a log line and a count in
# "switchctl info"; a frame longer than the port's largest is a giant and
# a frame shorter than a header a runt, dropped and counted on the port,
# whose connection stays.  Meanwhile a host behind a real QEMU on
# DIR/stream and a host on vde_plug keep pinging each other.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 vde_plug vdeplug ping iputils-ping \
	jq jq socat socat

sw=$T_WORK/sw
start_switchd "$sw"
qemu_host a "stream,id=n0,server=off,addr.type=unix,addr.path=$sw/stream" \
    10.72.0.1/24
host b "vde://$sw" 10.72.0.2/24
pings a 10.72.0.2 || fail "a (QEMU, stream) cannot ping b (vde_plug)"
ok "a, behind QEMU's -netdev stream, pings b, on vde_plug"
bg ping nsexec a ping -i 0.1 -c 200 -W 1 10.72.0.2
pingpid=$T_LASTPID

# hostile NAME BYTES: a peer that sends BYTES (printf escapes) and then
# stays, until the switch closes its connection: socat waits for more in
# the file, and ends when the connection does.
hostile() {
	printf "$2" >"$T_WORK/$1.bytes"
	bg "$1" socat -t 1 "OPEN:$T_WORK/$1.bytes,ignoreeof" \
	    "UNIX-CONNECT:$sw/stream"
}
gone() { t_wait_for "$2" sh -c "! kill -0 $1 2>/dev/null"; }
# frame N: N bytes of a frame, from 02:00:00:00:00:99 to everyone.
frame() { printf '\\377\\377\\377\\377\\377\\377\\002\\000\\000\\000\\000\\231\\210\\265%*s' \
	"$(($1 - 14))" '' | tr ' ' 'x'; }

hostile garbage '\336\255\276\357'
garbage=$T_LASTPID
gone $garbage 5 || fail "the switch kept a stream announcing 0xdeadbeef bytes"
logged 5 "frame length 3735928559, more than the 69632 bytes QEMU sends: .*closing the connection" ||
	fail "the garbage length is not logged"
ok "a length of 0xdeadbeef closes that connection, logged"

hostile zero '\000\000\000\000'
gone $T_LASTPID 5 || fail "the switch kept a stream with a length of 0"
logged 5 "frame length 0: not QEMU's stream framing; closing the connection" ||
	fail "the zero length is not logged"
ok "a length of 0 closes that connection, logged"

# 60 announced, 20 sent: the rest never comes.
hostile half "\\000\\000\\000\\074$(frame 20)"
half=$T_LASTPID
gone $half 15 || fail "the switch kept a peer that stopped halfway through a frame"
logged 5 "sent 20 of the 60 bytes of a frame, then nothing for 5 seconds; closing the connection" ||
	fail "the half frame is not logged"
ok "half a frame, then silence, closes that connection after 5 seconds, logged"
[ "$(ctl -j info | jq .stream_errors)" = 3 ] ||
	fail "streams out of step: $(ctl -j info | jq .stream_errors), not 3"

# A giant (10000 bytes) and a runt (5), each with its right length: the
# stream is in step, the port stays and counts them.
hostile bad "\\000\\000\\047\\020$(frame 10000)\\000\\000\\000\\005abcde\\000\\000\\000\\074$(frame 60)"
bad=$T_LASTPID
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j ports | jq -e '.ports[] |
    select(.kind == \"stream\" and .drops.giant == 1 and .drops.runt == 1 and
    .rx_frames >= 1)'" ||
	fail "the giant and the runt are not counted on their port: $(ctl -j ports)"
kill -0 $bad 2>/dev/null || fail "the switch closed a stream that is in step"
logged 5 "frame longer than 9234 bytes dropped" || fail "the giant is not logged"
ok "a giant and a runt are dropped and counted; that connection stays"
[ "$(ctl -j info | jq .stream_errors)" = 3 ] ||
	fail "a giant was counted as a stream out of step"

wait "$pingpid"
[ "$(ping_gaps "$T_WORK/ping.log")" -eq 0 ] ||
	fail "a lost pings to b meanwhile: $(tail -3 "$T_WORK/ping.log")"
grep -q " 0% packet loss" "$T_WORK/ping.log" ||
	grep -Eq "icmp_seq=1[0-9]{2} " "$T_WORK/ping.log" ||
	fail "a's pings did not go on: $(tail -3 "$T_WORK/ping.log")"
ok "a pinged b throughout: $(grep 'packet loss' "$T_WORK/ping.log")"
switchd_alive
stop_switchd
