#!/bin/bash
# SPDX-License-Identifier: ISC
# Port mirroring.  Port 3 mirrors port 1 (switchd.conf): while a (port 1)
# pings b (port 2), the client on port 3 receives each echo request and
# each reply, as they went through port 1.  What it sends itself goes
# nowhere: a's ARP table never hears of it, and port 3 counts it as a
# mirror drop.  At run time, "rx" alone gives it the requests and no
# reply; a mirror port cannot be a source, nor mirror itself, and a
# refused change changes nothing; "mirror off" ends it.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq
need_tool vdepeer

sw=$T_WORK/sw
echo "port 3 mirror port 1" >"$T_WORK/switchd.conf"
start_switchd "$sw" -f "$T_WORK/switchd.conf"
host a "vde://$sw[1]" 10.72.0.1/24
host b "vde://$sw[2]" 10.72.0.2/24
pings a 10.72.0.2 || fail "a cannot ping b"
ma=$(host_mac a | tr -d :) mb=$(host_mac b | tr -d :)

# The mirror's client asks, from 10.72.0.99, who has a's address.
bg peer "$TOOLS/vdepeer" -p 3 -m 02:00:00:00:03:03 -w 60 raw "$sw" \
    "$(arp_request 02:00:00:00:03:03 10.72.0.99 10.72.0.1 | od -An -v -tx1 |
    tr -d ' \n')"
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j port 3 |
    jq -e '.port.drops.mirror >= 1'" ||
	fail "port 3 did not count its ARP request as a mirror drop: $(ctl port 3)"
ctl port 3 | grep -E '^(mirror|  mirror)' | sed 's/^/  /'

# echoes FROM TO: the lines of vdepeer's log that are frames from MAC FROM
# to MAC TO carrying ICMP echo (the 200 bytes of data make 242 on the wire)
echoes() {
	grep -Ec "^$2$1[0-9a-f]{460}\$" "$T_WORK/peer.log"
}
out=$(nsexec a ping -n -c 3 -i 0.2 -W 5 -s 200 10.72.0.2) || fail "ping: $out"
t_wait_for 10 sh -c "[ \$(grep -Ec '^$mb$ma[0-9a-f]{460}\$' '$T_WORK/peer.log') -ge 3 ] &&
    [ \$(grep -Ec '^$ma$mb[0-9a-f]{460}\$' '$T_WORK/peer.log') -ge 3 ]" ||
	fail "the mirror port got $(echoes "$ma" "$mb") requests and" \
	    "$(echoes "$mb" "$ma") replies of 3"
ok "the mirror port gets both directions of a and b's pings"
ip -n "$T_NS-a" neigh show 10.72.0.99 | grep -q . &&
	fail "a heard the mirror port's ARP request"
ok "the mirror port forwards nothing: its ARP request went nowhere"
[ "$(ctl -j port 1 | jq '.port.mirrored >= 6')" = true ] ||
	fail "port 1 counts $(ctl -j port 1 | jq .port.mirrored) copies"

# At run time: requests only.
ctl set port 3 mirror port 1 rx || fail "set port 3 mirror port 1 rx"
req=$(echoes "$ma" "$mb") rep=$(echoes "$mb" "$ma")
out=$(nsexec a ping -n -c 3 -i 0.2 -W 5 -s 200 10.72.0.2) || fail "ping: $out"
t_wait_for 10 sh -c "[ \$(grep -Ec '^$mb$ma[0-9a-f]{460}\$' '$T_WORK/peer.log') -ge $((req + 3)) ]" ||
	fail "rx: the mirror port did not get the requests"
[ "$(echoes "$mb" "$ma")" = "$rep" ] || fail "rx: the mirror port got replies"
ok "mirror port 1 rx: the requests, no reply"

before=$(ctl config)
expect 1 "port 3 is a mirror port itself" ctl set port 4 mirror port 3
expect 1 "a port cannot mirror itself" ctl set port 2 mirror port 2
expect 1 "port 1 is mirrored to port 3 already" ctl set port 4 mirror port 1
[ "$(ctl config)" = "$before" ] || fail "a refused mirror changed the config"
grep -qx "port 3 mirror port 1 rx" <<<"$before" ||
	fail "the running config does not say the mirror: $before"
ok "refused: a mirror of a mirror, of itself, of a port mirrored already"
ctl set port 3 mirror off || fail "mirror off"
ctl config | grep -q mirror && fail "mirror off: $(ctl config)"
[ "$(ctl -j port 3 | jq 'has("mirror")')" = false ] ||
	fail "port 3 is still a mirror port"
ok "mirror off"
switchd_alive
stop_switchd
