#!/bin/bash
# SPDX-License-Identifier: ISC
# Impaired links, set at run time with switchctl.  40 ms of delay on
# port 2's egress adds 40 to 45 ms to a's round trips to b (the fastest
# of 20, against the fastest of 20 without: a busy machine slows some
# round trips, never all of them); 10 % loss on port 1's ingress loses
# 7 to 13 % of 2000 flood pings, each loss counted on the port; a rate
# of 10 Mbit/s on port 2's egress gives iperf3 9 to 11 Mbit/s; 2 s of
# delay holds no more frames than the port's queue, the rest dropped and
# counted.  Each setting shows in switchctl port N and in the running
# configuration, and "off" takes it away.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping iperf3 iperf3 jq jq

sw=$T_WORK/sw
start_switchd "$sw"
host a "vde://$sw[1]" 10.73.0.1/24
host b "vde://$sw[2]" 10.73.0.2/24
pings a 10.73.0.2 || fail "a cannot ping b"

# fastest: of ping's round trips on stdin, in ms
fastest() {
	sed -n 's/.* time=\([0-9.]*\) ms$/\1/p' | sort -n |
	    awk 'NR == 1 { t = $1 } END { print NR ? t : 999 }'
}
rtt() { nsexec a ping -n -c 20 -i 0.05 -W 2 10.73.0.2 | fastest; }

# --- Delay.
base=$(rtt)
ctl set port 2 egress delay 40ms || fail "set port 2 egress delay 40ms"
ctl port 2 | grep -Eq '^egress: +delay 40ms$' ||
	fail "switchctl port 2 does not show the delay: $(ctl port 2)"
delayed=$(rtt)
added=$(awk -v a="$base" -v b="$delayed" 'BEGIN { print b - a }')
echo "round trip: $base ms, $delayed ms with 40 ms of delay: $added ms added"
awk -v d="$added" 'BEGIN { exit !(d >= 40 && d <= 45) }' ||
	fail "40 ms of delay added $added ms to the round trip"
ok "40 ms of delay on port 2's egress adds $added ms"
ctl set port 2 egress off || fail "egress off"
ctl config | grep -q egress && fail "egress off: $(ctl config)"
after=$(rtt)
awk -v d="$after" 'BEGIN { exit !(d < 20) }' ||
	fail "the round trip is $after ms once the delay is off"
ok "egress off: $after ms"

# --- Loss, on the other port's ingress.
ctl set port 1 ingress loss 10% || fail "set port 1 ingress loss 10%"
out=$(nsexec a ping -n -f -c 2000 -W 1 10.73.0.2 2>&1)
loss=$(grep -Eo '[0-9.]+% packet loss' <<<"$out" | cut -d% -f1)
lost=$(ctl -j port 1 | jq .port.ingress.lost)
echo "2000 pings through 10 % loss: $loss % lost; port 1 lost $lost frames"
awk -v l="$loss" 'BEGIN { exit !(l >= 7 && l <= 13) }' ||
	fail "10 % loss lost $loss % of 2000 pings: $out"
[ "$lost" -ge 140 ] 2>/dev/null || fail "port 1 counts $lost frames lost"
ok "10 % loss on port 1's ingress: $loss % of 2000 pings lost, counted"
ctl set port 1 ingress off || fail "ingress off"

# --- Rate.
ctl set port 2 egress rate 10mbit || fail "set port 2 egress rate 10mbit"
ctl config | grep -qx 'port 2 egress rate 10mbit' ||
	fail "the running configuration does not say the rate: $(ctl config)"
bg iperf3 ip netns exec "$T_NS-b" iperf3 -s -1
t_wait_for 10 sh -c "ss -N '$T_NS-b' -Hltn 'sport = :5201' | grep -q ." ||
	fail "iperf3 does not listen: $(cat "$T_WORK/iperf3.log")"
nsexec a iperf3 -c 10.73.0.2 -t 3 -J >"$T_WORK/iperf.json" ||
	fail "iperf3 failed: $(tail -5 "$T_WORK/iperf.json")"
mbit=$(jq '.end.sum_received.bits_per_second / 1e6 * 100 | round / 100' \
    "$T_WORK/iperf.json")
echo "iperf3 through 10 Mbit/s: $mbit Mbit/s"
awk -v m="$mbit" 'BEGIN { exit !(m >= 9 && m <= 11) }' ||
	fail "iperf3 measured $mbit Mbit/s through a 10 Mbit/s limit"
ok "a rate of 10 Mbit/s on port 2's egress: iperf3 measures $mbit Mbit/s"
[ "$(ctl -j port 2 | jq '.port.egress.delayed > 0')" = true ] ||
	fail "port 2 counts no frame held for its rate"
ctl port 2 | grep -E '^ *egress' | sed 's/^/  /'

# --- Bounded: 400 pings at once into 2 s of delay; the port holds its
# queue's 256 frames at most, and counts the rest as overflow.
ctl set port 2 egress delay 2s || fail "set port 2 egress delay 2s"
out=$(nsexec a ping -n -f -l 400 -c 400 -W 4 10.73.0.2 2>&1)
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
over=$(ctl -j port 2 | jq .port.egress.overflow)
echo "400 pings at once into 2 s of delay: $got answered, $over overflowed"
[ -n "$got" ] && [ "$got" -le 256 ] && [ "$got" -ge 100 ] ||
	fail "400 pings into a queue of 256: $got answered: $out"
[ "$over" -ge $((400 - 256)) ] 2>/dev/null ||
	fail "400 pings into a queue of 256: $over counted as overflow"
ok "a delayed egress holds its queue's 256 frames, no more: $over overflowed"
switchd_alive
stop_switchd
