#!/bin/bash
# SPDX-License-Identifier: ISC
# A triangle of two switchd and a Linux bridge running the kernel's
# 802.1D spanning tree (stp_state 1): switchd speaks 802.1D to it, the
# three agree on the root and on the port that blocks, and a broadcast
# from a host reaches each other host once.  First with the bridge as
# root, then with a switchd as root.  A topology change behind a switchd
# reaches the 802.1D bridge as a TCN on the switchd's root port.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug dpipe vdeplug python3 python3 jq jq bridge iproute2
frames=$T_TOP/tests/integration/stp_frames.py

netns br
br() { ip -n "$T_NS-br" "$@"; }
br link add br0 type bridge stp_state 1 forward_delay 200 hello_time 200 \
	max_age 600 priority 4096 || skip "no Linux bridge in this kernel"
[ "$(nsexec br cat /sys/class/net/br0/bridge/stp_state)" = 1 ] ||
	skip "the kernel's spanning tree is not on (a bridge-stp helper?)"
[ "$(nsexec br cat /sys/class/net/br0/bridge/forward_delay)" = 200 ] ||
	fail "forward_delay is $(nsexec br cat /sys/class/net/br0/bridge/forward_delay)"
br link set br0 up

# Each switchd runs in the bridge's namespace, where its tap is made:
# the tap is its port 1, and a port of br0.
a=$T_WORK/a b=$T_WORK/b
for s in a b; do
	printf 'stp on\nstp forward-delay 2\nport 1 stp edge off\n' \
		>"$T_WORK/$s.conf"
	t_user
	bg "sw-$s" nsexec br "$SWITCHD" -s "$T_WORK/$s" -v \
		-f "$T_WORK/$s.conf" -t "t$s"
	wait_for 30 grep -q "switch .* ready" "$T_WORK/sw-$s.log" ||
		fail "switchd $s did not start"
	br link set "t$s" master br0 up
done
host ha "vde://$a" 10.64.0.1/24
host hb "vde://$b" 10.64.0.2/24
netns hc
br link add vc type veth peer name eth0 netns "$T_NS-hc"
br link set vc master br0 up
ip -n "$T_NS-hc" link set eth0 up
bg link dpipe "$SWITCHPLUG" -v "$a" = "$SWITCHPLUG" -v "$b"

# The bridge's view: its root, its root port, its ports' states.
br_root() { nsexec br cat /sys/class/net/br0/bridge/root_id; }
br_id() { nsexec br cat /sys/class/net/br0/bridge/bridge_id; }
br_state() {
	nsexec br bridge -j link show dev "$1" 2>/dev/null | jq -r '.[0].state'
}
br_rootport() {
	local n
	n=$(nsexec br cat /sys/class/net/br0/bridge/root_port)
	for i in ta tb vc; do
		[ "$(($(nsexec br cat "/sys/class/net/br0/brif/$i/port_no")))" = \
			"$n" ] && echo "$i"
	done
}
# sw_roles DIR: "ROOT_ID port:role:state ..." of a switchd
sw_roles() {
	"$SWITCHCTL" -j -s "$1" stp | jq -r '[.root_id] +
	    [.ports[] | "\(.port):\(.role):\(.state)"] | join(" ")'
}
sw_id() { "$SWITCHCTL" -j -s "$1" stp | jq -r .bridge_id; }

# count_once TAG: 30 broadcasts from ha, seen once each at hb and hc
count_once() {
	local h n pids=()
	for h in hb hc; do
		nsexec "$h" python3 "$frames" count eth0 "$1" 15 30 \
			>"$T_WORK/$1.$h" 2>"$T_WORK/$1.$h.err" &
		pids+=($!)
	done
	for h in hb hc; do
		t_wait_for 20 grep -q ready "$T_WORK/$1.$h.err" ||
			fail "the counter at $h did not start"
	done
	nsexec ha python3 "$frames" send eth0 "$1" 30
	wait "${pids[@]}"
	for h in hb hc; do
		read -r n _ <"$T_WORK/$1.$h"
		[ "$n" -eq 30 ] ||
			fail "$1: 30 broadcasts from ha arrived $n times at $h; bridge: ta $(br_state ta), tb $(br_state tb); a: $(sw_roles "$a"); b: $(sw_roles "$b")"
	done
}

# 1. The bridge is root.  Each switchd's root port is its tap; the plug
# link blocks at the switchd with the higher ID.
t0=${EPOCHREALTIME/[.,]/}
root_is_br() {
	[ "$(br_root)" = "$(br_id)" ] &&
	[ "$(br_state ta)" = forwarding ] && [ "$(br_state tb)" = forwarding ] &&
	sw_roles "$a" | grep -q "^$(br_id) 1:root:forwarding 2:designated:forwarding 3:" &&
	sw_roles "$b" | grep -q "^$(br_id) 1:root:forwarding 2:designated:forwarding 3:" &&
	{ sw_roles "$a" | grep -q " 3:alternate:discarding" ||
	  sw_roles "$b" | grep -q " 3:alternate:discarding"; }
}
t_wait_for 20 root_is_br ||
	fail "bridge as root: bridge root $(br_root) (itself $(br_id)), ta $(br_state ta), tb $(br_state tb); a: $(sw_roles "$a"); b: $(sw_roles "$b")"
t1=${EPOCHREALTIME/[.,]/}
ok "bridge as root: converged in $(((t1 - t0) / 1000)) ms; a: $(sw_roles "$a"); b: $(sw_roles "$b")"
count_once tri1
ok "bridge as root: 30 broadcasts from ha seen once each at hb and hc"

# A second link between a and b: the new designated port going forward
# is a topology change, which a and b tell the root bridge with 802.1D
# TCNs, and it sets the change in its BPDUs (the flag lasts max age plus
# forward delay after the last change: 8 s).
br_tc() { [ "$(nsexec br cat /sys/class/net/br0/bridge/topology_change)" = "$1" ]; }
t_wait_for 15 br_tc 0 || fail "the bridge's topology change flag never cleared"
bg link2 dpipe "$SWITCHPLUG" -v "$a" = "$SWITCHPLUG" -v "$b"
t0=${EPOCHREALTIME/[.,]/}
t_wait_for 10 br_tc 1 ||
	fail "no topology change at the bridge: a: $(sw_roles "$a"); b: $(sw_roles "$b")"
t1=${EPOCHREALTIME/[.,]/}
ok "a new link behind the switches: the 802.1D root bridge heard of it" \
	"$(((t1 - t0) / 1000)) ms later"
kill "$T_LASTPID"
gone4() { ! sw_roles "$a" | grep -q " 4:"; }
t_wait_for 10 gone4 || fail "the second link did not go"

# 2. Switch a is root: the bridge's root port is ta, and one port of the
# triangle blocks, whoever holds it; every other one forwards.
"$SWITCHCTL" -s "$a" set stp priority 0 || fail "cannot set a's priority"
br link set br0 type bridge priority 32768
aid=$(sw_id "$a")
t0=${EPOCHREALTIME/[.,]/}
blocked() {
	local n=0
	[ "$(br_state ta)" = forwarding ] || n=$((n + 1))
	[ "$(br_state tb)" = forwarding ] || n=$((n + 1))
	n=$((n + $(sw_roles "$a" | tr ' ' '\n' | grep -c ':[a-z]*:[dl]')))
	n=$((n + $(sw_roles "$b" | tr ' ' '\n' | grep -c ':[a-z]*:[dl]')))
	echo "$n"
}
root_is_a() {
	[ "$(br_root)" = "$aid" ] && [ "$(br_rootport)" = ta ] &&
	sw_roles "$b" | grep -q "^$aid " &&
	[ "$(br_state ta)" = forwarding ] && [ "$(blocked)" = 1 ]
}
t_wait_for 30 root_is_a ||
	fail "a as root ($aid): bridge root $(br_root) by $(br_rootport), ta $(br_state ta), tb $(br_state tb); a: $(sw_roles "$a"); b: $(sw_roles "$b")"
t1=${EPOCHREALTIME/[.,]/}
ok "a as root: converged in $(((t1 - t0) / 1000)) ms; bridge: ta $(br_state ta), tb $(br_state tb); a: $(sw_roles "$a"); b: $(sw_roles "$b")"
count_once tri2
ok "a as root: 30 broadcasts from ha seen once each at hb and hc"
