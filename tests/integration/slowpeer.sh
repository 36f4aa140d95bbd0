#!/bin/bash
# SPDX-License-Identifier: ISC
# Peers that read slowly or not at all.  A peer that takes nothing is
# logged as stuck and costs nobody else anything: a broadcast flood
# still reaches a fast peer whole, its sender never held back, and two
# hosts keep pinging.
# A peer that reads slowly but steadily loses nothing: the port whose
# frames fill its queue is not read until that queue drains, so the
# sender waits instead (the hold-back of port.c, for unicast only; a
# peer is given up on, "takes no frames", only when it makes no progress
# for a while).
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq
need_tool vdepeer
peer=$TOOLS/vdepeer

# Every wait below is for a condition, with a deadline: under valgrind, or
# on a busy machine, the switch is many times slower than on an idle one.
# A peer that sends stays attached until the switch has read all it sent
# (frames still in its socket when it leaves go with its port), and a
# peer that reads prints each frame, so that the test counts them as they
# come instead of hoping they all came within a window of fixed length.

sw=$T_WORK/sw
cat >"$T_WORK/switchd.conf" <<EOF
# the slow reader and its sender have VLAN 30 to themselves; the flood
# here is about slow peers, not storms: no storm limit
storm 0
port 3 access 30
port 4 access 30
# the stuck peer, the observer and the flood have VLAN 50: the pinging
# hosts, in VLAN 1, share nothing with them but the switch
port 5 access 50
port 6 access 50
port 7 access 50
EOF
start_switchd "$sw" -f "$T_WORK/switchd.conf"
host a "vde://$sw[1]" 10.63.0.1/24
host b "vde://$sw[2]" 10.63.0.2/24
pings a 10.63.0.2 || fail "a cannot ping b"

# port_drops N: switchctl's view of port N's drops, for failure messages
port_drops() {
	"$SWITCHCTL" -s "$sw" port "$1" 2>/dev/null | grep -E 'drops|queue' |
	    tr -s ' \n' ' '
}
# rx N: how many frames the switch has read from port N
rx() { "$SWITCHCTL" -s "$sw" -j port "$1" | jq -e .port.rx_frames; }
# taken N COUNT PID: the switch has read COUNT frames from port N, or PID,
# the peer sending them, has exited (a send held more than 5 s fails it)
taken() {
	[ "$(rx "$1")" -ge "$2" ] 2>/dev/null || ! kill -0 "$3" 2>/dev/null
}
# frames NAME: how many frames NAME, a vdepeer, has printed
frames() { grep -c '^[0-9a-f]\+$' "$T_WORK/$1.log"; }
# got NAME COUNT: NAME has printed COUNT frames or more
got() { [ "$(frames "$1")" -ge "$2" ]; }
# learned MAC PORT: the switch has MAC on PORT
learned() {
	"$SWITCHCTL" -s "$sw" -j macs | jq -e --arg m "$1" --argjson p "$2" \
	    'any(.macs[]; .mac == $m and .port == $p)'
}
# --- A stuck peer on port 5 reads one frame, then nothing.  G on port 7
# floods broadcasts, about one a millisecond (-i; at full speed a busy
# machine would leave O behind, its queue full, whatever the switch
# does); O on port 6 reads at full speed.  The switch must take the whole
# flood without ever holding G back.  a and b, on another VLAN (the flood
# would fill their vde_plugs' queues, not the switch's doing), keep
# pinging meanwhile, and on through the slow reader's part.
bg stuck "$peer" -c -r 3600000 -p 5 -w 600 raw "$sw"
bg observer "$peer" -f 02:00:00:00:0e:01 -p 6 -w 600 raw "$sw"
logged 5 "port 5 .*attached" && logged 5 "port 6 .*attached" ||
	fail "the stuck peer or the observer did not attach"
bg ping ip netns exec "$T_NS-a" ping -n -i 0.1 -W 1 10.63.0.2
pinger=$T_LASTPID
t0=$(date +%s%N)
bg flood "$peer" -i 0.0001 -p 7 -m 02:00:00:00:0e:01 -w 600 \
    size "$sw" 1500x5000
flood=$T_LASTPID
t_wait_for 120 taken 7 5000 "$flood" && kill -0 "$flood" 2>/dev/null ||
	fail "the switch took $(rx 7) of 5000 broadcasts in 120 s with a" \
	    "stuck peer attached; the sender: $(tail -1 "$T_WORK/flood.log")"
ms=$((($(date +%s%N) - t0) / 1000000))
! grep "port 7 .*held back" "$T_WORK/switchd.log" ||
	fail "the stuck peer held the flood's sender back"
ok "the switch took 5000 broadcasts in $ms ms with a stuck peer attached"
t_wait_for 30 got observer 5000 ||
	fail "the fast observer got $(frames observer) of the 5000" \
	    "broadcasts ($(port_drops 6))"
[ "$(frames observer)" = 5000 ] ||
	fail "the fast observer got $(frames observer) frames, not 5000"
ok "a fast peer got all 5000 broadcasts"
logged 3 "port 5 \\(vdepeer.*\\): (takes no frames|queue full)" ||
	fail "the stuck peer on port 5 was not logged ($(port_drops 5))"
ok "the stuck peer is logged: $(grep -m1 -Eo 'port 5 .*(takes no frames|queue full).*' \
    "$T_WORK/switchd.log")"
switchd_alive

# --- A slow reader (about 1000 frames a second) on port 3, sent 3000
# frames of 1500 bytes from port 4, faster than it reads.
bg slow "$peer" -r 1 -p 3 -m 02:00:00:00:0d:01 -f 02:00:00:00:0d:02 \
    -w 600 raw "$sw" ffffffffffff020000000d0188b50000
logged 5 "port 3 .*attached" || fail "the slow reader did not attach"
# Its frame teaches the switch where it is: the 3000 go to it alone.
t_wait_for 10 learned 02:00:00:00:0d:01 3 ||
	fail "the switch did not learn the slow reader's MAC on port 3"
t0=$(date +%s%N)
bg sender "$peer" -p 4 -m 02:00:00:00:0d:02 -t 02:00:00:00:0d:01 -w 600 \
    size "$sw" 1500x3000
sender=$T_LASTPID
t_wait_for 60 taken 4 3000 "$sender" && kill -0 "$sender" 2>/dev/null ||
	fail "the switch took $(rx 4) of the sender's 3000 frames; the" \
	    "sender, which fails when a send is held more than 5 s:" \
	    "$(tail -1 "$T_WORK/sender.log")"
ms=$((($(date +%s%N) - t0) / 1000000))
t_wait_for 60 got slow 3000 ||
	fail "the slow reader got $(frames slow) of 3000 (the switch took" \
	    "them in $ms ms; port 3: $(port_drops 3))"
[ "$(frames slow)" = 3000 ] ||
	fail "the slow reader got $(frames slow) frames, not 3000"
ok "a slow reader lost nothing (the sender was held for $ms ms)"

kill -INT "$pinger"
wait "$pinger"
stats=$(grep -Eo '[0-9]+ packets transmitted, [0-9]+ received' \
    "$T_WORK/ping.log") || fail "no statistics from ping"
set -- $stats
gaps=$(ping_gaps "$T_WORK/ping.log")
[ "$4" -gt 0 ] && [ "$gaps" = 0 ] ||
	fail "a and b lost $gaps pings to the stuck and slow peers: $stats"
ok "a pinged b throughout, none lost: $stats"

switchd_alive
stop_switchd
ok "clean exit"
