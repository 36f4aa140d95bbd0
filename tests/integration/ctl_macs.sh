#!/bin/bash
# SPDX-License-Identifier: ISC
# switchctl's show commands on a live switch with two hosts: after a ping
# between ports 3 and 5, "macs" shows each host's MAC on its port, as a
# table and as JSON, and the counters of both ports moved by at least the
# pings sent; the filters and "macs flush" act on the entries they name;
# bad port and VLAN numbers get an error quoting them.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq

sw=$T_WORK/sw
start_switchd "$sw"
host a "vde://${sw}[3]" 10.64.0.1/24
host b "vde://${sw}[5]" 10.64.0.2/24
# The counters and the table are checked against the pings alone: the
# hosts' kernels send no IPv6 of their own accord (router solicitations,
# MLD reports) that could land in between on a slow run.
for h in a b; do
	nsexec "$h" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6' \
	    2>/dev/null
done
pings a 10.64.0.2 || fail "a cannot ping b"
maca=$(host_mac a)
macb=$(host_mac b)

# --- The table, as JSON: each MAC once, on its port, in VLAN 1.
j=$(ctl -j macs) || fail "switchctl -j macs failed"
where() {	# JSON MAC: "port vlan" of each entry for MAC
	jq -r --arg m "$2" '.macs[] | select(.mac == $m) |
	    "\(.port) \(.vlan)"' <<<"$1"
}
[ "$(where "$j" "$maca")" = "3 1" ] || fail "a ($maca) not on port 3: $j"
[ "$(where "$j" "$macb")" = "5 1" ] || fail "b ($macb) not on port 5: $j"
ok "macs -j: a's MAC on port 3, b's on port 5"

# --- ... and as a table.
out=$(ctl macs) || fail "switchctl macs failed"
echo "$out"
head -1 <<<"$out" | grep -Eq '^MAC +VLAN +PORT +AGE$' ||
	fail "macs has no MAC VLAN PORT AGE header"
grep -Eq "^$maca +1 +3 +[0-9]+s$" <<<"$out" || fail "no row for a in macs"
grep -Eq "^$macb +1 +5 +[0-9]+s$" <<<"$out" || fail "no row for b in macs"
ok "macs: a table with both"

# --- Counters: from zero, five pings are at least five frames each way.
ctl counters reset || fail "counters reset failed"
j=$(ctl -j ports)
[ "$(jq '[.ports[] | .rx_frames + .tx_frames] | add' <<<"$j")" -lt 5 ] ||
	fail "counters not reset: $j"
nsexec a ping -c 5 -i 0.2 -W 1 10.64.0.2 >/dev/null || fail "pings lost"
j=$(ctl -j ports) || fail "switchctl -j ports failed"
for p in 3 5; do
	for c in rx_frames tx_frames; do
		n=$(jq ".ports[] | select(.port == $p) | .$c" <<<"$j")
		[ "${n:-0}" -ge 5 ] || fail "port $p: $c is ${n:-none}, not >= 5"
	done
	n=$(jq ".ports[] | select(.port == $p) | .rx_bytes" <<<"$j")
	[ "${n:-0}" -ge $((5 * 98)) ] || fail "port $p: rx_bytes is $n"
	n=$(jq ".ports[] | select(.port == $p) | [.drops[]] | add" <<<"$j")
	[ "$n" = 0 ] || fail "port $p dropped $n frames"
	[ "$(jq ".ports[] | select(.port == $p) | .macs" <<<"$j")" = 1 ] ||
		fail "port $p does not count its MAC"
done
ok "ports -j: frames and bytes in and out moved on both ports"

out=$(ctl ports) || fail "switchctl ports failed"
echo "$out"
head -1 <<<"$out" | grep -q 'PORT  KIND  USER  VLAN' || fail "ports header"
grep -Eq '^ +3 +unix +root +access 1 ' <<<"$out" ||
	fail "no row for port 3"
[ "$(wc -l <<<"$out")" = 3 ] || fail "ports: not a header and two rows"
out=$(ctl port 3) || fail "switchctl port 3 failed"
for k in 'port: +3' 'kind: +unix' 'VLAN: +access 1' 'frames in: +[1-9]' \
    '  runt: +0' '  giant: +0' '  vlan: +0' '  queue: +0' '  error: +0' \
    'MAC entries: +1'; do
	grep -Eq "^$k" <<<"$out" || fail "port 3 has no line '$k': $out"
done
[ "$(ctl -j port 3 | jq .port.port)" = 3 ] || fail "port -j"
ok "ports and port 3: tables with the counters and each drop reason"

j=$(ctl -j info)
[ "$(jq '.ports, .macs' <<<"$j" | tr '\n' ' ')" = "2 2 " ] ||
	fail "info does not count 2 ports and 2 MACs: $j"
grep -Eq '^1 +3,5 +-$' <<<"$(ctl vlans)" || fail "vlans: VLAN 1 is not 3,5"
ok "info and vlans count them"

# --- Filters and flush.
[ "$(ctl -j macs port 3 | jq -r '[.macs[].mac] | join(" ")')" = "$maca" ] ||
	fail "macs port 3 is not a's MAC alone"
[ "$(ctl -j macs vlan 1 | jq '.macs | length')" = 2 ] || fail "macs vlan 1"
[ "$(ctl -j macs vlan 2 | jq '.macs | length')" = 0 ] || fail "macs vlan 2"
# Any frame from a teaches the switch a's MAC again, and a's kernel can
# still send one of its own accord (an ARP probe): a falls silent (its
# link down) for the flush, which is judged over a window in which port 3
# took no frame at all (its rx counter did not move).  A frame still on
# its way when a's link went down only makes it try again.
rx3() { ctl -j port 3 | jq .port.rx_frames; }
# flush_quiet: a pings b (the switch learns a), falls silent, and port 3
# is flushed; $before and $j hold the table around the flush, $said what
# the flush said.  False when a frame from port 3 came in meanwhile.
flush_quiet() {
	local r0 r1
	ip -n "$T_NS-a" link set eth0 up && pings a 10.64.0.2 &&
	    ip -n "$T_NS-a" link set eth0 down || return 1
	r0=$(rx3) && before=$(ctl -j macs) && said=$(ctl macs flush port 3) &&
	    j=$(ctl -j macs) && r1=$(rx3) && [ "$r0" = "$r1" ]
}
before= said= j=
t_wait_for 60 flush_quiet || fail "port 3 never went quiet for a flush"
[ "$(where "$before" "$maca")" = "3 1" ] ||
	fail "a not on port 3 before the flush: $before"
[ "$said" = "1 MAC entry flushed" ] ||
	fail "macs flush port 3 said '$said', not that it flushed 1"
[ -z "$(where "$j" "$maca")" ] || fail "a's MAC still there after flush: $j"
[ -n "$(where "$j" "$macb")" ] || fail "flush port 3 took b's MAC too: $j"
ip -n "$T_NS-a" link set eth0 up
t_wait_for 20 pings a 10.64.0.2 || fail "a cannot ping b after the flush"
[ "$(where "$(ctl -j macs)" "$maca")" = "3 1" ] || fail "a not learned again"
ok "macs port/vlan filter, macs flush port 3 forgets a alone"

# --- Errors name the bad value and exit 1.
expect_err() {	# WANT ARGS...: switchctl ARGS fails, saying WANT
	local want=$1 err; shift
	err=$(ctl "$@" 2>&1 >/dev/null) && fail "switchctl $* did not fail"
	grep -qF -- "$want" <<<"$err" || fail "switchctl $*: '$err', not '$want'"
}
expect_err "switchctl: nothing is attached to port 9" counters reset 9
expect_err "'x' is not a port number" port x
expect_err "'3x' is not a port number" macs port 3x
expect_err "'5000' is not a VLAN from 1 to 4094" macs vlan 5000
expect_err "'0' is not a VLAN" macs flush vlan 0
ok "errors quote the bad value"
stop_switchd
