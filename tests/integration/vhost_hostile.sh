#!/bin/bash
# SPDX-License-Identifier: ISC
# valgrind: yes
# A vhost-user front-end that lies loses its port, with a log line and
# a count, and nobody else notices: a buffer outside its memory table, a
# descriptor loop, a next or head beyond the ring, an available index
# more than the ring ahead, an indirect table inside itself, a new memory
# table that no longer holds the rings, a ring with no kick descriptor,
# memory that could shrink under the switch, a message too long to be
# one.  Meanwhile a well-behaved vhost-user port keeps answering the
# tap host, and the switch runs on.
. "$(dirname "$0")/lib.sh"
need_root
need jq jq
need_tool vhostblast

VB=$TOOLS/vhostblast
sw=$T_WORK/sw
netns gw
bg switchd ip netns exec "$T_NS-gw" "$SWITCHD" -s "$sw" -v -t tap0
SWITCHD_PID=$T_LASTPID
wait_for 30 grep -q "switch .* ready" "$T_WORK/switchd.log" ||
	fail "switchd did not start"
ip -n "$T_NS-gw" addr add 10.0.0.1/24 dev tap0
ip -n "$T_NS-gw" link set tap0 up
bg peer "$VB" -w -m 9 "$sw/vhost"
t_wait_for 10 grep -q attached "$T_WORK/peer.log" ||
	fail "the well-behaved port did not attach: $(cat "$T_WORK/peer.log")"

# answers: the tap host gets the good port's ARP reply, afresh
answers() {
	ip -n "$T_NS-gw" neigh flush dev tap0
	ip netns exec "$T_NS-gw" ping -c 1 -W 1 10.0.0.9 >/dev/null 2>&1
	t_wait_for 10 sh -c "ip -n $T_NS-gw neigh show 10.0.0.9 |
	    grep -q 02:00:00:00:00:09"
}
answers || fail "the tap host does not reach the good port"

n=0
for lie in addr loop next head index indirect memtable nokick unsealed size; do
	out=$(timeout 20 "$VB" -x "$lie" "$sw/vhost" 2>&1) ||
		fail "after \"$lie\": $out"
	n=$((n + 1))
done
ok "each of $n lies closed the liar's port"
for why in "buffer outside the memory table" "a loop" \
    "next descriptor beyond the table" "descriptor index beyond the ring" \
    "available index beyond the ring" "bad indirect descriptor table" \
    "is not inside the memory table" "no kick descriptor" \
    "a memfd that may shrink" "longer than any vhost-user request"; do
	grep -q "$why.*closing the port" "$T_WORK/switchd.log" ||
		fail "no log line says \"$why\""
done
ok "each lie is logged: $(grep -c 'closing the port' "$T_WORK/switchd.log") lines"
[ "$(ctl -j info | jq .vhost_errors)" -ge "$n" ] ||
	fail "the lies are not counted: $(ctl -j info | jq .vhost_errors)"
ok "vhost_errors: $(ctl -j info | jq .vhost_errors)"

answers || fail "the good port stopped answering after the lies"
[ "$(ctl -j ports | jq '[.ports[] | select(.kind == "vhost")] | length')" = 1 ] ||
	fail "the ports left: $(ctl ports)"
ok "the good port still answers, the only vhost port left"
switchd_alive
stop_switchd
ok "clean exit"
