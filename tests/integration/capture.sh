#!/bin/bash
# SPDX-License-Identifier: ISC
# valgrind: yes
# Live captures, three at once, while a pings b (VLAN 10, hub mode, so
# that the frames reach port 3 too, a trunk): one of ports 1 and 3 into a
# file, ended with ^C; one of VLAN 10 piped into tcpdump, which stops
# after two frames, so that switchctl ends on EPIPE; one of port 2 that
# ends by itself after 4 frames.  tcpdump reads each: the echo requests
# and replies with the length each had on its port, and the 802.1Q tag
# on the trunk alone.  Each switchctl says how many frames it got and
# that none was lost, and exits 0.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping tcpdump tcpdump jq jq
need_tool vdepeer

sw=$T_WORK/sw
cat >"$T_WORK/switchd.conf" <<EOF2
hub on
port 1 access 10
port 2 access 10
port 3 trunk 10
EOF2
start_switchd "$sw" -f "$T_WORK/switchd.conf"
host a "vde://$sw[1]" 10.71.0.1/24
host b "vde://$sw[2]" 10.71.0.2/24
bg peer "$TOOLS/vdepeer" -p 3 -w 60 raw "$sw"
logged 5 "port 3 .*attached" || fail "vdepeer did not attach on port 3"
pings a 10.71.0.2 || fail "a cannot ping b"
# The pings alone from now on: no IPv6 router solicitations, and the
# addresses are known.
for h in a b; do
	nsexec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 ||
		fail "cannot turn IPv6 off in $h"
done

expect 1 "is not a port number" "$SWITCHCTL" -s "$sw" capture port x
expect 1 "is not a VLAN" "$SWITCHCTL" -s "$sw" capture vlan 4095
ok "a bad port or VLAN is refused"

# ended NAME PID FRAMES: capture NAME (process PID) exited 0, and said on
# standard error (NAME.log) that it got FRAMES frames (an ERE) and lost none
ended() {
	wait "$2" || fail "$1: the capture exited $?: $(cat "$T_WORK/$1.log")"
	grep -Eq "^switchctl: capture: $3 frames, 0 lost\$" "$T_WORK/$1.log" ||
		fail "$1: the capture said: $(cat "$T_WORK/$1.log")"
}

# The three captures; each says how it ended in its log (stderr).
bg cap1 sh -c 'exec "$1" -s "$2" capture port 1 3 >"$3/c1.pcap"' sh \
    "$SWITCHCTL" "$sw" "$T_WORK"
cap1=$T_LASTPID
bg cap2 bash -c 'set -o pipefail; "$1" -s "$2" capture vlan 10 |
    tcpdump -nr - -c 2 >"$3/c2.txt"' sh "$SWITCHCTL" "$sw" "$T_WORK"
cap2=$T_LASTPID
bg cap3 sh -c 'exec "$1" -s "$2" capture port 2 -c 4 >"$3/c3.pcap"' sh \
    "$SWITCHCTL" "$sw" "$T_WORK"
cap3=$T_LASTPID
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j info |
    jq -e '.captures | length == 3'" ||
	fail "three captures do not run: $(ctl info | tail -5)"
ctl info | grep -A4 '^captures' | sed 's/^/  /'

out=$(nsexec a ping -n -c 5 -i 0.2 -W 5 -s 100 10.71.0.2) ||
	fail "a lost pings to b: $out"
ended cap3 "$cap3" 4
[ "$(tcpdump -nr "$T_WORK/c3.pcap" 2>/dev/null | wc -l)" = 4 ] ||
	fail "the capture of 4 frames has: $(tcpdump -nr "$T_WORK/c3.pcap" 2>&1)"
ok "-c 4: the capture ends by itself with 4 frames"

ended cap2 "$cap2" '[0-9]+'
[ "$(grep -c . "$T_WORK/c2.txt")" = 2 ] ||
	fail "tcpdump -c 2 printed: $(cat "$T_WORK/c2.txt")"
ok "a capture ends cleanly when its reader goes: $(grep ^switchctl "$T_WORK/cap2.log")"

kill -INT "$cap1"
ended cap1 "$cap1" '[0-9]+'
ok "^C ends a capture cleanly: $(cat "$T_WORK/cap1.log")"

# Ports 1 (access 10) and 3 (trunk 10) saw each request and reply: 100
# bytes of data, 142 bytes on the wire, 146 with the tag.
tcpdump -e -nr "$T_WORK/c1.pcap" >"$T_WORK/c1.txt" 2>"$T_WORK/c1.err" ||
	fail "tcpdump cannot read the capture: $(cat "$T_WORK/c1.err")"
count() { grep -c -- "$1" "$T_WORK/c1.txt"; }
for kind in "10.71.0.1 > 10.71.0.2: ICMP echo request" \
    "10.71.0.2 > 10.71.0.1: ICMP echo reply"; do
	n=$(count "ethertype IPv4 (0x0800), length 142: $kind")
	[ "$n" = 5 ] || fail "untagged $kind, 142 bytes: $n of 5 in" \
	    "$(cat "$T_WORK/c1.txt")"
	n=$(count "ethertype 802.1Q (0x8100), length 146: vlan 10, p 0, ethertype IPv4 (0x0800), $kind")
	[ "$n" = 5 ] || fail "tagged $kind, 146 bytes: $n of 5 in" \
	    "$(cat "$T_WORK/c1.txt")"
done
[ "$(count 'ICMP echo')" = 20 ] || fail "more echo frames than there were"
ok "tcpdump finds each echo request and reply, untagged on port 1 (142" \
    "bytes) and tagged VLAN 10 on port 3 (146 bytes)"

[ "$(ctl -j port 1 | jq .port.capture_lost)" = 0 ] ||
	fail "port 1 counts capture losses"
[ "$(ctl -j port 1 | jq '.port.captured > 10')" = true ] ||
	fail "port 1 counts no frames captured: $(ctl -j port 1)"
[ "$(ctl -j info | jq '.captures | length')" = 0 ] ||
	fail "captures are left: $(ctl info)"
switchd_alive
stop_switchd
ok "clean exit"
