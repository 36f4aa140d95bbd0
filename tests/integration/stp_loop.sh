#!/bin/bash
# SPDX-License-Identifier: ISC
# Two switches joined four times by switchplug, over stdio, TCP, UDP
# multicast and VXLAN, a loop: rapid spanning tree blocks two of the links, so that
# a broadcast from a host reaches the host on the other switch once, which
# it can only do if BPDUs cross every transport.  When the link that
# forwards goes, the next takes over within a second, twice.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug dpipe vdeplug python3 python3 jq jq
frames=$T_TOP/tests/integration/stp_frames.py

a=$T_WORK/a b=$T_WORK/b
printf 'stp on\nstp priority 4096\n' >"$T_WORK/a.conf"
printf 'stp on\n' >"$T_WORK/b.conf"
start_switchd "$a" -f "$T_WORK/a.conf"
start_switch switchd-b "$b" -f "$T_WORK/b.conf"
host ha "vde://$a" 10.63.0.1/24
host hb "vde://$b" 10.63.0.2/24

# stp_port SWITCHDIR PORT: "ROLE STATE" of a port
stp_port() {
	"$SWITCHCTL" -j -s "$1" stp | python3 -c '
import json, sys
for p in json.load(sys.stdin)["ports"]:
    if p["port"] == int(sys.argv[1]):
        print(p["role"], p["state"])' "$2"
}
is_port() { [ "$(stp_port "$1" "$2")" = "$3" ]; }
attached() { "$SWITCHCTL" -s "$1" port "$2" | grep -q switchplug; }

# Port 1 of each switch is its host; the links are ports 2 (stdio), 3
# (TCP), 4 (multicast, in a namespace whose multicast stays on lo) and 5
# (VXLAN between two namespaces).
bg link2 dpipe "$SWITCHPLUG" -v "$a" = "$SWITCHPLUG" -v "$b"
link2=$T_LASTPID
t_wait_for 10 attached "$a" 2 && t_wait_for 10 attached "$b" 2 ||
	fail "the stdio link did not attach"
tport=$(free_port)
bg link3l "$SWITCHPLUG" -v -l "127.0.0.1:$tport" "$a"
wait_for 10 grep -q "listening" "$T_WORK/link3l.log" ||
	fail "switchplug -l did not start"
bg link3 "$SWITCHPLUG" -v -c "127.0.0.1:$tport" "$b"
link3=$T_LASTPID
t_wait_for 10 attached "$a" 3 && t_wait_for 10 attached "$b" 3 ||
	fail "the TCP link did not attach"
netns m
ip -n "$T_NS-m" route add 230.0.0.0/8 dev lo
mport=$(free_port)
for s in a b; do
	bg "link4$s" ip netns exec "$T_NS-m" "$SWITCHPLUG" -v \
		-m "230.0.0.1:$mport" -I 127.0.0.1 "${!s}"
done
link4=$T_LASTPID
t_wait_for 10 attached "$a" 4 && t_wait_for 10 attached "$b" 4 ||
	fail "the multicast link did not attach"
vxlan_underlay xa xb
vxlan_plug link5a xa 4789 -R 10.70.0.2 "$a"
vxlan_plug link5b xb 4789 -R 10.70.0.1 "$b"
t_wait_for 10 attached "$a" 5 && t_wait_for 10 attached "$b" 5 ||
	fail "the VXLAN link did not attach"
t0=${EPOCHREALTIME/[.,]/}

# b is not root: its root port forwards, the other links are alternate.
# One look at b a try, so that the time measured is the switches'.
converged() {
	case $("$SWITCHCTL" -j -s "$b" stp | jq -r '.ports[] |
	    select(.port >= 2) | "\(.role) \(.state)"' |
	    sort | tr '\n' ,) in
	"alternate discarding,alternate discarding,alternate discarding,root forwarding,")
		return 0 ;;
	esac
	return 1
}
t_wait_for 10 converged ||
	fail "no convergence: ports 2-5 $(stp_port "$b" 2), $(stp_port "$b" 3)," \
		"$(stp_port "$b" 4), $(stp_port "$b" 5)"
t1=${EPOCHREALTIME/[.,]/}
for p in 2 3 4 5; do
	t_wait_for 10 is_port "$a" $p "designated forwarding" ||
		fail "a's port $p is $(stp_port "$a" $p), not designated forwarding"
done
ok "converged $(((t1 - t0) / 1000)) ms after the loop closed: b's ports 2-5:" \
	"$(stp_port "$b" 2), $(stp_port "$b" 3), $(stp_port "$b" 4)," \
	"$(stp_port "$b" 5)"

# One broadcast in, one out: no loop.
# count TAG SECS OUT [WANT]: count at hb, in the background, once it
# listens; with WANT, until a second after WANT distinct frames came
count() {
	ip netns exec "$T_NS-hb" python3 "$frames" count eth0 "$1" "$2" ${4:-} \
		>"$3" 2>"$3.err" &
	cpid=$!
	t_wait_for 20 grep -q ready "$3.err" || fail "the counter did not start"
}
# tx_host: frames switch b sent to hb
tx_host() { "$SWITCHCTL" -j -s "$b" port 1 | jq .port.tx_frames; }
more_than() { [ "$(tx_host)" -gt "$1" ]; }

count loop1 15 "$T_WORK/count1" 50
nsexec ha python3 "$frames" send eth0 loop1 50
wait "$cpid"
read -r n distinct _ <"$T_WORK/count1"
[ "$n" -eq 50 ] && [ "$distinct" -eq 50 ] ||
	fail "50 broadcasts from ha arrived $n times at hb ($distinct distinct)"
ok "50 broadcasts from ha seen once each at hb"

# The link that forwards goes: the next forwards within a second.  b's
# root port is the one on a's lowest port: stdio, then TCP, then
# multicast.
# failover TAG GONE-PID PORT NEXT-PORT
failover() {
	local spid seen sent n distinct max lost
	t_wait_for 5 is_port "$b" "$3" "root forwarding" ||
		fail "b's port $3 is $(stp_port "$b" "$3"), not root forwarding"
	count "$1" 60 "$T_WORK/$1"
	seen=$(tx_host)
	ip netns exec "$T_NS-ha" python3 "$frames" every eth0 "$1" 60 >"$T_WORK/$1.sent" &
	spid=$!
	t_wait_for 10 more_than $((seen + 50)) || fail "no broadcasts reach hb"
	kill "$2"
	t_wait_for 5 is_port "$b" "$4" "root forwarding" ||
		fail "b's port $4 is $(stp_port "$b" "$4"), not root forwarding"
	seen=$(tx_host)
	t_wait_for 10 more_than $((seen + 50)) ||
		fail "no broadcasts reach hb after port $3's link went"
	kill -TERM "$spid"
	wait "$spid"
	# Until what was sent is through: b's count to hb stands still.
	steady() { local t; t=$(tx_host); sleep 0.2; [ "$(tx_host)" = "$t" ]; }
	t_wait_for 5 steady
	kill -TERM "$cpid"
	wait "$cpid"
	read -r sent <"$T_WORK/$1.sent"
	read -r n distinct max <"$T_WORK/$1"
	[ -n "$sent" ] && [ -n "$max" ] ||
		fail "sent '$(cat "$T_WORK/$1.sent")', counted '$(cat "$T_WORK/$1")'"
	lost=$((sent - distinct)) twice=$((n - distinct))
	# What a sent on the new root port's link before the change and was
	# still in its plugs' buffers then arrives once more: a few frames
	# on a busy machine, never a loop.
	[ "$twice" -le 10 ] || fail "$twice broadcasts seen twice: a loop"
	[ "$max" -eq $((sent - 1)) ] ||
		fail "the last broadcast seen is $max of $sent"
	# 10 ms a frame: a second is 100 of them
	[ "$lost" -le 100 ] ||
		fail "$lost of $sent broadcasts lost after port $3's link went"
	ok "port $3's link went, port $4's took over: $lost of $sent" \
		"broadcasts lost (10 ms apart), $twice seen twice"
}
failover loop2 "$link2" 2 3
failover loop3 "$link3" 3 4
