#!/bin/bash
# SPDX-License-Identifier: ISC
# The default MAC limit of a port: with no configuration, a client
# sending from 3000 source addresses gets 1024 of them learned, the rest
# refused and counted on its port, while hosts on other ports still ping
# each other and a host attached after the flood is still learned.  A
# port with a limit of its own is held by that one instead, and
# switchctl shows and changes the switch's default.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq
need_tool vdepeer
peer=$TOOLS/vdepeer

# frames N PREFIX: N broadcast frames, each from its own source address
# 02:PREFIX:00:00:hi:lo, EtherType 0x88b5, padded to 60 bytes
frames() {
	local i pad
	pad=$(printf '%092d' 0)
	for ((i = 0; i < $1; i++)); do
		printf 'ffffffffffff02%s0000%04x88b5%s\n' "$2" "$i" "$pad"
	done
}
# portj N KEY: KEY of port N in switchctl -j port N
portj() { ctl -j port "$1" | jq -r ".port.$2"; }
# learned N: how many MAC entries switchctl macs shows on port N
learned() { ctl -j macs port "$1" | jq '.macs | length'; }

sw=$T_WORK/sw
start_switchd "$sw"
[ "$(ctl -j info | jq .portmaclimit)" = 1024 ] ||
	fail "info: portmaclimit is not 1024: $(ctl -j info)"
ctl info | grep -Eq '^MAC limit per port: +1024 unless the port has its own$' ||
	fail "info does not show the limit per port: $(ctl info)"
ok "the default limit per port is 1024, and info shows it"

host a "vde://${sw}[3]" 10.66.0.1/24
host b "vde://${sw}[5]" 10.66.0.2/24
pings a 10.66.0.2 || fail "a cannot ping b"

# --- 3000 source addresses from port 7: 1024 learned, 1976 refused.
mapfile -t flood < <(frames 3000 aa)
bg flood "$peer" -p 7 -w 60 raw "$sw" "${flood[@]}"
# seen N COUNT: port N has learned or refused COUNT addresses
seen() {
	t_wait_for 20 sh -c "[ \"\$('$SWITCHCTL' -s '$sw' -j port $1 |
	    jq '.port.macs + .port.learn_refused')\" -ge $2 ]"
}
seen 7 3000 || fail "port 7 learned $(portj 7 macs) and refused" \
	"$(portj 7 learn_refused) of 3000"
[ "$(learned 7)" = 1024 ] || fail "port 7 has $(learned 7) MACs, not 1024"
[ "$(portj 7 macs)" = 1024 ] || fail "port 7 counts $(portj 7 macs) MACs"
[ "$(portj 7 learn_refused)" = 1976 ] ||
	fail "port 7 refused $(portj 7 learn_refused), not 1976"
[ "$(portj 7 maclimit)" = 1024 ] && [ "$(portj 7 maclimit_own)" = false ] ||
	fail "port 7 does not show the switch's limit: $(ctl -j port 7)"
ctl port 7 | grep -Eq "^MAC limit: +1024 \(the switch's portmaclimit\)$" ||
	fail "port 7: $(ctl port 7)"
n=$(ctl -j info | jq .macs)
[ "$n" -le $((1024 + 2)) ] || fail "the table holds $n entries"
ok "port 7: 1024 of 3000 addresses learned, 1976 refused, $n in the table"

# --- Everyone else is unaffected.
pings a 10.66.0.2 || fail "a cannot ping b after the flood"
host c "vde://${sw}[6]" 10.66.0.3/24
pings c 10.66.0.1 || fail "c, attached after the flood, cannot ping a"
macc=$(host_mac c)
[ "$(ctl -j macs port 6 | jq -r --arg m "$macc" \
    '[.macs[] | select(.mac == $m)] | length')" = 1 ] ||
	fail "c's MAC $macc is not learned on port 6: $(ctl -j macs port 6)"
[ "$(portj 3 learn_refused)" = 0 ] && [ "$(portj 6 learn_refused)" = 0 ] ||
	fail "a port other than 7 was refused addresses"
ok "a and b still ping, c attached after the flood is learned on port 6"

# --- A port's own limit wins over the switch's.
ctl set port 8 maclimit 2000 || fail "set port 8 maclimit 2000"
mapfile -t flood < <(frames 1500 bb)
bg flood8 "$peer" -p 8 -w 60 raw "$sw" "${flood[@]}"
seen 8 1500 || fail "port 8 saw $(portj 8 macs) of 1500 addresses"
[ "$(learned 8)" = 1500 ] && [ "$(portj 8 learn_refused)" = 0 ] ||
	fail "port 8 learned $(learned 8) of 1500 with a limit of 2000"
[ "$(portj 8 maclimit_own)" = true ] || fail "port 8: $(ctl -j port 8)"
ok "port 8, with a limit of 2000 of its own, learned all 1500"

# --- The default changes with switchctl set and shows in config.
ctl set portmaclimit 100 || fail "set portmaclimit 100"
[ "$(ctl -j info | jq .portmaclimit)" = 100 ] || fail "info after set"
[ "$(portj 7 maclimit)" = 100 ] || fail "port 7's limit is not 100 now"
ctl config | grep -qx 'portmaclimit 100' || fail "config lacks portmaclimit 100"
ctl set portmaclimit x 2>"$T_WORK/err" && fail "set portmaclimit x accepted"
grep -q "'x'" "$T_WORK/err" || fail "set portmaclimit x: $(cat "$T_WORK/err")"
ok "switchctl set portmaclimit changes it, config and info show it"
switchd_alive
stop_switchd
