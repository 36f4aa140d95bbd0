#!/bin/bash
# SPDX-License-Identifier: ISC
# Peers that read slowly or not at all.  A peer that takes nothing is
# logged as stuck and costs nobody else anything: a broadcast flood
# still reaches a fast peer whole, quickly, and two hosts keep pinging.
# A peer that reads slowly but steadily loses nothing: the port whose
# frames fill its queue is not read until that queue drains, so the
# sender waits instead (the hold-back of port.c, for unicast only; a
# peer is given up on, "takes no frames", only when it makes no progress
# for a while).
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping
need_tool vdepeer
peer=$TOOLS/vdepeer

sw=$T_WORK/sw
cat >"$T_WORK/switchd.conf" <<EOF
# the slow reader and its sender have VLAN 30 to themselves
port 3 access 30
port 4 access 30
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

# --- A stuck peer on port 5 reads one frame, then nothing.  G on port 7
# floods broadcasts; O on port 6 reads at full speed.
bg stuck "$peer" -c -r 3600000 -p 5 -w 8 raw "$sw"
bg observer "$peer" -c -f 02:00:00:00:0e:01 -p 6 -w 8 raw "$sw"
obs=$T_LASTPID
logged 5 "port 5 .*attached" && logged 5 "port 6 .*attached" ||
	fail "the stuck peer or the observer did not attach"
bg ping ip netns exec "$T_NS-a" ping -q -n -i 0.1 -W 1 10.63.0.2
pinger=$T_LASTPID
t0=$(date +%s%N)
timeout 20 "$peer" -c -p 7 -m 02:00:00:00:0e:01 -w 0.2 size "$sw" 1500x5000 \
    >"$T_WORK/flood.log" 2>&1 || fail "the flood's sender failed (or was held" \
    "more than 5 s by a send): $(tail -1 "$T_WORK/flood.log")"
ms=$((($(date +%s%N) - t0) / 1000000))
sleep 0.5
drops5=$(port_drops 5) drops6=$(port_drops 6)
[ "$ms" -lt 5000 ] || fail "5000 broadcasts took $ms ms with a stuck peer"
ok "5000 broadcasts sent in $ms ms with a stuck peer attached"
sleep 1
kill -INT "$pinger"
wait "$pinger"
stats=$(grep -Eo '[0-9]+ packets transmitted, [0-9]+ received' \
    "$T_WORK/ping.log") || fail "no statistics from ping"
set -- $stats
[ "$4" -ge $(($1 - 1)) ] || fail "a and b lost pings to the stuck peer: $stats"
ok "a pinged b meanwhile: $stats"
logged 3 "port 5 \\(vdepeer.*\\): (takes no frames|queue full)" ||
	fail "the stuck peer on port 5 was not logged ($drops5)"
ok "the stuck peer is logged: $(grep -m1 -Eo 'port 5 .*(takes no frames|queue full).*' \
    "$T_WORK/switchd.log")"
wait "$obs" || fail "the observer failed"
got=$(grep -Eo '^[0-9]+ frames' "$T_WORK/observer.log")
[ "$got" = "5000 frames" ] || fail "the fast observer got $got of the" \
    "5000 broadcasts ($drops6)"
ok "a fast peer got all 5000 broadcasts"
switchd_alive

# --- A slow reader (about 1000 frames a second) on port 3, sent 3000
# frames of 1500 bytes from port 4, faster than it reads.
bg slow "$peer" -c -r 1 -p 3 -m 02:00:00:00:0d:01 -f 02:00:00:00:0d:02 \
    -w 10 raw "$sw" ffffffffffff0200000d0188b50000
slow=$T_LASTPID
logged 5 "port 3 .*attached" || fail "the slow reader did not attach"
sleep 0.3	# its frame taught the switch where it is
t0=$(date +%s%N)
timeout 20 "$peer" -c -p 4 -m 02:00:00:00:0d:02 -t 02:00:00:00:0d:01 -w 0.2 \
    size "$sw" 1500x3000 >"$T_WORK/sender.log" 2>&1 ||
	fail "the sender failed (or was held more than 5 s by a send):" \
	    "$(tail -1 "$T_WORK/sender.log")"
ms=$((($(date +%s%N) - t0) / 1000000))
sleep 0.5
drops3=$(port_drops 3)
wait "$slow" || fail "the slow reader failed"
got=$(grep -Eo '^[0-9]+ frames' "$T_WORK/slow.log")
[ "$got" = "3000 frames" ] || fail "the slow reader got $got of 3000" \
    "(the sender took $ms ms; port 3: $drops3)"
ok "a slow reader lost nothing (the sender was held for $ms ms)"

switchd_alive
stop_switchd
ok "clean exit"
