#!/bin/bash
# SPDX-License-Identifier: ISC
# The host's tools against spoofing and snooping.  A client on another
# port that sends from the gateway's address takes the gateway's traffic,
# until that address is pinned with "mac add": then its frames are
# dropped, logged and counted, and the gateway keeps its traffic.
# Isolated ports do not see each other's broadcasts or reach each other,
# and still reach the gateway.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq
need_tool vdepeer

sw=$T_WORK/sw
start_switchd "$sw"
host gw "vde://$sw[1]" 10.71.0.254/24
host a "vde://$sw[2]" 10.71.0.1/24
host b "vde://$sw[3]" 10.71.0.2/24
gwmac=$(host_mac gw)
amac=$(host_mac a)
pings a 10.71.0.254 || fail "a cannot ping the gateway"

# macport MAC: the port the switch has MAC on, and "static" if pinned
macport() {
	ctl -j macs | jq -r --arg m "$1" \
	    '.macs[] | select(.mac == $m) | "\(.port)\(if .static then " static" else "" end)"'
}
static_drops() {
	ctl -j port 4 2>/dev/null | jq -r '.port.drops.static'
}

# --- Unpinned, a client that sends from the gateway's address takes it
# (until the gateway sends again: so it keeps sending).
bg spoof0 "$TOOLS/vdepeer" -p 4 -i 0.05 -m "$gwmac" size "$sw" 60x600
wait_for 10 sh -c "[ \"\$('$SWITCHCTL' -s '$sw' -j macs | jq -r '.macs[] | select(.mac == \"$gwmac\") | .port')\" = 4 ]" ||
	fail "the spoofer did not take the gateway's address (got: $(macport "$gwmac"))"
kill "$T_LASTPID"
wait "$T_LASTPID" 2>/dev/null
ok "unpinned, a spoofer takes the gateway's address"

# --- Pinned, it cannot.
ctl set mac add "$gwmac" vlan 1 port 1 || fail "mac add refused"
[ "$(macport "$gwmac")" = "1 static" ] ||
	fail "the pinned address is not static on port 1: $(macport "$gwmac")"
bg spoof "$TOOLS/vdepeer" -p 4 -w 30 -m "$gwmac" size "$sw" 60x20
wait_for 10 sh -c "[ \"\$('$SWITCHCTL' -s '$sw' -j port 4 2>/dev/null | jq -r .port.drops.static)\" = 20 ]" ||
	fail "the spoofed frames were not counted as static drops: $(static_drops)"
[ "$(macport "$gwmac")" = "1 static" ] ||
	fail "the spoofer moved the pinned address: $(macport "$gwmac")"
logged 5 "port 4 .*: frame from MAC $gwmac VLAN 1, a static address of port 1, dropped" ||
	fail "the spoofed frames were not logged"
pings a 10.71.0.254 || fail "a cannot ping the gateway while it is spoofed"
kill "$T_LASTPID"
wait "$T_LASTPID" 2>/dev/null
ctl config | grep -qx "mac add $gwmac vlan 1 port 1" ||
	fail "config does not show the static address"
ok "pinned, the spoofer's frames are dropped and counted; the gateway keeps its traffic"

# --- Isolated ports: each reaches the gateway, neither the other.
ctl set port 2 isolated on || fail "port 2 isolated refused"
ctl set port 3 isolated on || fail "port 3 isolated refused"
pings a 10.71.0.254 || fail "isolated a cannot ping the gateway"
pings b 10.71.0.254 || fail "isolated b cannot ping the gateway"
no_pings a 10.71.0.2 || fail "isolated a reaches isolated b"
# a's broadcasts: seen by a plain port, not by an isolated one.
ctl set port 5 isolated on || fail "port 5 isolated refused"
# Each observer counts a's frames over its 8 seconds attached.
bg iso "$TOOLS/vdepeer" -p 5 -w 8 -c -f "$amac" raw "$sw"
bg open "$TOOLS/vdepeer" -p 6 -w 8 -c -f "$amac" raw "$sw"
wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j ports | jq -e '[.ports[].port] | index(5) and index(6)' >/dev/null" ||
	fail "the observers did not attach"
# ARP requests for an address nobody has: broadcasts from a.
nsexec a ping -c 3 -i 0.3 -W 1 10.71.0.99 >/dev/null 2>&1
wait_for 30 grep -q "frames" "$T_WORK/iso.log" || fail "no count from the isolated observer"
wait_for 30 grep -q "frames" "$T_WORK/open.log" || fail "no count from the plain observer"
grep -qx "0 frames" "$T_WORK/iso.log" ||
	fail "an isolated port saw an isolated port's broadcasts: $(cat "$T_WORK/iso.log")"
grep -qx "0 frames" "$T_WORK/open.log" &&
	fail "the plain port saw none of a's broadcasts"
ok "isolated ports reach the gateway, not each other, and do not see each other's broadcasts"

stop_switchd
