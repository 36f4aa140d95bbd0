#!/bin/bash
# SPDX-License-Identifier: ISC
# "switchctl disconnect N": the port leaves "ports" and its MACs leave
# "macs" at once, its host is cut off, its client sees the connection
# closed, the other ports carry on, and the port is free for a new client.
# A second disconnect, or one of a port never used, is an error.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq

sw=$T_WORK/sw
start_switchd "$sw"
host a "vde://${sw}[2]" 10.66.0.1/24
host b "vde://${sw}[4]" 10.66.0.2/24
plugb=$T_LASTPID
host c "vde://${sw}[6]" 10.66.0.3/24
pings a 10.66.0.2 || fail "a cannot ping b"
pings a 10.66.0.3 || fail "a cannot ping c"
macb=$(host_mac b)
[ "$(ctl -j macs port 4 | jq -r '.macs[].mac')" = "$macb" ] ||
	fail "b's MAC not on port 4 before"

ctl disconnect 4 || fail "disconnect 4 failed"
[ "$(ctl -j ports | jq -c '[.ports[].port]')" = '[2,6]' ] ||
	fail "ports after disconnect 4: $(ctl -j ports | jq -c '[.ports[].port]')"
j=$(ctl -j macs)
[ "$(jq '[.macs[] | select(.port == 4)] | length' <<<"$j")" = 0 ] ||
	fail "MACs left on port 4: $j"
jq -e --arg m "$macb" '.macs[] | select(.mac == $m)' <<<"$j" >/dev/null &&
	fail "b's MAC still in the table: $j"
[ "$(ctl -j info | jq .ports)" = 2 ] || fail "info does not count 2 ports"
ok "port 4 and its MAC are gone at once"

no_pings a 10.66.0.2 || fail "a still reaches b"
pings a 10.66.0.3 || fail "a lost c, on another port"
wait_for 5 sh -c "! kill -0 $plugb 2>/dev/null" ||
	fail "b's vde_plug did not notice it was disconnected"
grep -q "port 4 .*disconnected by switchctl" "$T_WORK/switchd.log" ||
	fail "the log does not say port 4 was disconnected by switchctl"
ok "b is cut off and its client has gone; a and c still ping"

ctl disconnect 4 2>"$T_WORK/err" && fail "second disconnect 4 succeeded"
grep -q "switchctl: nothing is attached to port 4" "$T_WORK/err" ||
	fail "second disconnect: $(cat "$T_WORK/err")"
ctl disconnect 9 2>"$T_WORK/err" && fail "disconnect 9 succeeded"
grep -q "nothing is attached to port 9" "$T_WORK/err" || fail "$(cat "$T_WORK/err")"
ctl disconnect 0 2>"$T_WORK/err" && fail "disconnect 0 succeeded"
grep -q "'0' is not a port number" "$T_WORK/err" ||
	fail "disconnect 0: $(cat "$T_WORK/err")"
ok "disconnecting a free port is an error"

ip netns pids "$T_NS-b" | xargs -r kill
ip netns del "$T_NS-b"
host d "vde://${sw}[4]" 10.66.0.4/24
pings a 10.66.0.4 || fail "port 4 not usable again"
[ "$(ctl -j macs port 4 | jq -r '.macs[].mac')" = "$(host_mac d)" ] ||
	fail "d's MAC not on port 4"
ok "port 4 reused by a new client"
switchd_alive
stop_switchd
