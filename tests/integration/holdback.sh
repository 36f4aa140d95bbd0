#!/bin/bash
# SPDX-License-Identifier: ISC
# No head-of-line blocking.  A slow reader (one frame every 0.2 s) that
# makes the host answer it (pings to the switch's tap) does not hold the
# tap back: another VM still gets its pings to the host answered, as
# fast as without it.  A VM that sends to a slow reader and to a fast
# one at once is not held back either: the fast one gets everything.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping
need_tool vdepeer
peer=$TOOLS/vdepeer

sw=$T_WORK/sw
tap=sdhb$$
start_switchd "$sw" -t "$tap"
netns gw
ip link set "$tap" netns "$T_NS-gw" || fail "cannot move $tap"
ip -n "$T_NS-gw" addr add 10.64.0.254/24 dev "$tap"
ip -n "$T_NS-gw" link set "$tap" up
host b "vde://$sw" 10.64.0.2/24
pings b 10.64.0.254 || fail "b cannot ping the host"

# csum HEX: the Internet checksum of HEX, as 4 hex digits
csum() {
	local h=$1 s=0 i
	for ((i = 0; i < ${#h}; i += 4)); do s=$((s + 16#${h:i:4})); done
	while ((s >> 16)); do s=$(((s & 0xffff) + (s >> 16))); done
	printf '%04x' $((~s & 0xffff))
}
# echo_request DSTMAC SRCMAC: a frame pinging 10.64.0.254 from 10.64.0.9
echo_request() {
	local pay icmp ip
	pay=$(head -c 1000 /dev/zero | od -An -v -tx1 | tr -d ' \n')
	icmp="08000000abcd0001$pay"
	icmp="0800$(csum "$icmp")abcd0001$pay"
	ip="4500$(printf %04x $((20 + ${#icmp} / 2)))00004000400100000a4000090a4000fe"
	ip="${ip:0:20}$(csum "$ip")${ip:24}"
	echo "${1//:/}${2//:/}0800$ip$icmp"
}

# median_rtt LOG: the median of ping's time= values, in ms
median_rtt() {
	grep -Eo 'time=[0-9.]+' "$1" | cut -d= -f2 | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# ping_host LOG: 100 pings from b to the host, 25 a second; prints the
# number answered
ping_host() {
	nsexec b ping -n -c 100 -i 0.04 -W 1 10.64.0.254 >"$1" 2>&1
	grep -Eo '[0-9]+ received' "$1" | cut -d' ' -f1
}

got=$(ping_host "$T_WORK/base.ping")
base=$(median_rtt "$T_WORK/base.ping")
ok "without a slow reader: $got of 100 pings answered, median $base ms"

# --- (a) The slow reader pings the host 1000 times a second and reads
# one answer every 0.2 s: the answers pile up for it alone.
slowmac=02:00:00:00:0f:01
tapmac=$(ip -n "$T_NS-gw" -br link show "$tap" | awk '{ print $3 }')
ip -n "$T_NS-gw" neigh replace 10.64.0.9 lladdr "$slowmac" dev "$tap"
bg slow "$peer" -c -r 200 -i 0.001 -n 8000 -w 1 raw "$sw" \
    "$(echo_request "$tapmac" "$slowmac")"
slow=$T_LASTPID
logged 5 "port [0-9]+ \\(vdepeer.*attached" || fail "the slow reader did not attach"
wait_for 10 sh -c "$SWITCHCTL -s $sw -j ports | grep -q '\"queue\": *[1-9]'" ||
	fail "the slow reader never had a backlog: $(ctl ports; tail -3 "$T_WORK/slow.log")"
got=$(ping_host "$T_WORK/slow.ping")
med=$(median_rtt "$T_WORK/slow.ping")
kill -0 "$slow" 2>/dev/null || fail "the slow reader stopped before b's pings ended"
[ "${got:-0}" -ge 99 ] || fail "with a slow reader, b got $got of 100 pings answered"
awk -v m="$med" -v b="$base" 'BEGIN { exit !(m <= 2 * b || m <= b + 0.2) }' ||
	fail "with a slow reader, b's median RTT is $med ms (without: $base ms)"
ok "with a slow reader: $got of 100 answered, median $med ms (without: $base ms)"
kill "$slow" 2>/dev/null; wait "$slow" 2>/dev/null

# --- (b) S sends 3000 frames, every other one to a slow reader and to a
# fast one: the fast one gets its 1500.
smac=02:00:00:00:0f:10 fmac=02:00:00:00:0f:11 lmac=02:00:00:00:0f:12
bg fast "$peer" -c -f "$smac" -m "$fmac" -w 8 raw "$sw" \
    "ffffffffffff${fmac//:/}88b50000"
fast=$T_LASTPID
bg lazy "$peer" -c -r 200 -f "$smac" -m "$lmac" -w 15 raw "$sw" \
    "ffffffffffff${lmac//:/}88b50000"
lazy=$T_LASTPID
wait_for 5 sh -c "$SWITCHCTL -s $sw macs | grep -q ${lmac} &&
    $SWITCHCTL -s $sw macs | grep -q ${fmac}" ||
	fail "the switch did not learn the two readers: $(ctl macs)"
t0=$(date +%s%N)
timeout 20 "$peer" -m "$smac" -t "$lmac" -T "$fmac" -w 2 size "$sw" 1000x3000 \
    >"$T_WORK/sender.log" 2>&1 ||
	fail "the sender failed or was held: $(tail -1 "$T_WORK/sender.log")"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 7000 ] || fail "the sender took $ms ms for 3000 frames (and 2 s attached)"
wait "$fast" || fail "the fast reader failed: $(tail -1 "$T_WORK/fast.log")"
got=$(grep -Eo '^[0-9]+ frames' "$T_WORK/fast.log")
[ "$got" = "1500 frames" ] || fail "the fast reader got $got of 1500" \
    "($(ctl ports))"
ok "the sender sent 3000 frames in $ms ms; the fast reader got all 1500"
kill "$lazy" 2>/dev/null

switchd_alive
stop_switchd
ok "clean exit"
