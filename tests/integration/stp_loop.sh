#!/bin/bash
# SPDX-License-Identifier: ISC
# Two switches joined twice by switchplug, a loop: rapid spanning tree
# blocks one of the links, so that a broadcast from a host reaches the
# host on the other switch once.  When the link that forwards goes, the
# other takes over within a second.
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

# Port 1 of each switch is its host; the links are ports 2 and 3, in
# the order they are made.
bg link1 dpipe "$SWITCHPLUG" -v "$a" = "$SWITCHPLUG" -v "$b"
link1=$T_LASTPID
t_wait_for 10 attached "$a" 2 && t_wait_for 10 attached "$b" 2 ||
	fail "the first link did not attach"
bg link2 dpipe "$SWITCHPLUG" -v "$a" = "$SWITCHPLUG" -v "$b"
link2=$T_LASTPID
t_wait_for 10 attached "$a" 3 && t_wait_for 10 attached "$b" 3 ||
	fail "the second link did not attach"
t0=${EPOCHREALTIME/[.,]/}

# b is not root: its root port forwards, the other link is alternate.
# One look at b a try, so that the time measured is the switches'.
converged() {
	case $("$SWITCHCTL" -j -s "$b" stp | jq -r '.ports[] |
	    select(.port == 2 or .port == 3) | "\(.role) \(.state)"' |
	    sort | tr '\n' ,) in
	"alternate discarding,root forwarding,") return 0 ;;
	esac
	return 1
}
t_wait_for 10 converged ||
	fail "no convergence: port 2 $(stp_port "$b" 2), 3 $(stp_port "$b" 3)"
t1=${EPOCHREALTIME/[.,]/}
t_wait_for 10 is_port "$a" 2 "designated forwarding" &&
	t_wait_for 10 is_port "$a" 3 "designated forwarding" ||
	fail "a's links are not both designated and forwarding"
ok "converged $(((t1 - t0) / 1000)) ms after the loop closed: b's ports 2 and 3:" \
	"$(stp_port "$b" 2), $(stp_port "$b" 3)"

# One broadcast in, one out: no loop.
# count TAG SECS OUT [WANT]: count at hb, in the background, once it
# listens; with WANT, until a second after WANT distinct frames came
count() {
	nsexec hb python3 "$frames" count eth0 "$1" "$2" ${4:-} >"$3" \
		2>"$3.err" &
	cpid=$!
	t_wait_for 5 grep -q ready "$3.err" || fail "the counter did not start"
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

# The link that forwards goes: the other forwards within a second.
if is_port "$b" 2 "root forwarding"; then
	gone=$link1 other=3
else
	gone=$link2 other=2
fi
count loop2 8 "$T_WORK/count2"
before=$(tx_host)
nsexec ha python3 "$frames" every eth0 loop2 3 >"$T_WORK/sent2" &
spid=$!
t_wait_for 3 more_than $((before + 50)) || fail "no broadcasts reach hb"
kill "$gone"
wait "$spid" "$cpid"
read -r sent <"$T_WORK/sent2"
read -r n distinct max <"$T_WORK/count2"
is_port "$b" "$other" "root forwarding" ||
	fail "b's port $other is $(stp_port "$b" "$other"), not root forwarding"
lost=$((sent - distinct))
[ "$n" -eq "$distinct" ] || fail "$((n - distinct)) broadcasts seen twice"
[ "$max" -eq $((sent - 1)) ] || fail "the last broadcast seen is $max of $sent"
# 10 ms a frame: a second is 100 of them
[ "$lost" -le 100 ] || fail "$lost of $sent broadcasts lost after the link went"
ok "the forwarding link went: $lost of $sent broadcasts lost (10 ms apart)," \
	"none twice"
