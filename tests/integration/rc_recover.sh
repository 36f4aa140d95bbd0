#!/bin/bash
# SPDX-License-Identifier: ISC
# rc.vdenetwork when things are not as they should be: a VM group that
# does not exist stops start with the commands that create it, and start
# after switchd was killed (kill -9) cleans up what the dead switch's
# start made (dnsmasq, NAT, forwarding) and starts again at once.
. "$(dirname "$0")/lib.sh"
need_root
need dnsmasq dnsmasq nft nftables

netns gw
NS="$T_NS-gw"
touch "$T_WORK/dnsmasq.log"; chmod 666 "$T_WORK/dnsmasq.log"
conf() {	# the settings, with SWITCH_GROUP=$1
	cat >"$T_WORK/vdenetwork" <<EOC
TAP_DEV=tap0
TAP_IP=10.71.0.1
TAP_MASK=255.255.255.0
VM_IPLOW=10.71.0.100
VM_IPHIGH=10.71.0.150
NAT_IFS="veth+"
DNSMASQ_OPTIONS="--port=0 --log-facility=$T_WORK/dnsmasq.log"
SWITCH_DIR=$T_WORK/sw
SWITCH_GROUP=$1
SWITCH_USER=54331
STATE_DIR=$T_WORK/state
LEASE_FILE=$T_WORK/leases
SWITCHD=$SWITCHD
EOC
}
rc() { VDENETWORK_CONF=$T_WORK/vdenetwork ip netns exec "$NS" \
	sh "$T_TOP/contrib/rc.vdenetwork" "$@"; }
# track: stop the daemons start made when the test ends, whatever happens
track() {
	local f
	for f in switchd dnsmasq; do
		[ -f "$T_WORK/state/$f.pid" ] && T_PIDS+=("$(cat "$T_WORK/state/$f.pid")")
	done
}

# --- A group by a name that does not exist.
grp=sdtnogrp$$
getent group "$grp" >/dev/null && skip "group $grp exists"
conf "$grp"
rc start >"$T_WORK/nogroup.log" 2>&1 && { track; fail "start with no group $grp succeeded"; }
grep -q "groupadd --system $grp" "$T_WORK/nogroup.log" ||
	fail "start does not say how to make the group: $(cat "$T_WORK/nogroup.log")"
ip -n "$NS" link show tap0 >/dev/null 2>&1 && fail "a tap was made anyway"
[ -n "$(ip netns pids "$NS")" ] && fail "start left processes: $(ip netns pids "$NS")"
ok "no group $grp: start refuses and says how to create it"

# --- kill -9, then start again.
conf 54330
rc start >"$T_WORK/start1.log" 2>&1 || fail "start: $(cat "$T_WORK/start1.log")"
track
pid=$(cat "$T_WORK/state/switchd.pid") dpid=$(cat "$T_WORK/state/dnsmasq.pid")
kill -KILL "$pid"
t_wait_for 10 sh -c "! kill -0 $pid" || fail "switchd survived kill -9"
rc start >"$T_WORK/start2.log" 2>&1 || fail "start after kill -9: $(cat "$T_WORK/start2.log")"
track
grep -q "stopping that first" "$T_WORK/start2.log" ||
	fail "start did not say it cleaned up: $(cat "$T_WORK/start2.log")"
kill -0 "$dpid" 2>/dev/null && fail "the dead switch's dnsmasq ($dpid) still runs"
npid=$(cat "$T_WORK/state/dnsmasq.pid")
kill -0 "$npid" 2>/dev/null || fail "no dnsmasq after the second start"
kill -0 "$(cat "$T_WORK/state/switchd.pid")" || fail "no switchd after the second start"
[ "$(ip netns exec "$NS" nft -a list chain ip vdenetwork postrouting | grep -c masquerade)" = 1 ] ||
	fail "masquerading rules: $(ip netns exec "$NS" nft list table ip vdenetwork)"
ok "start after kill -9: cleaned up, dnsmasq $npid and switchd run again"

rc stop >"$T_WORK/stop.log" 2>&1 || fail "stop: $(cat "$T_WORK/stop.log")"
[ -n "$(ip netns pids "$NS")" ] && fail "processes left after stop: $(ip netns pids "$NS")"
ip netns exec "$NS" nft list table ip vdenetwork >/dev/null 2>&1 &&
	fail "masquerading table left after stop"
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_forward)" = 0 ] ||
	fail "forwarding not restored"
ok "stop leaves nothing behind"
