#!/bin/bash
# SPDX-License-Identifier: ISC
# Three VXLAN endpoints on one multicast group and VNI: two switchd, each
# with switchplug -x -g, and a Linux vxlan device with the same group.
# Every host pings every other, and a broadcast from each reaches each of
# the others exactly once.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping nft nftables ethtool ethtool

swa=$T_WORK/a swb=$T_WORK/b
start_switchd "$swa"
start_switch switchd-b "$swb"
host ha "vde://$swa" 10.42.0.1/24
host hb "vde://$swb" 10.42.0.2/24
vxlan_underlay a b k
vxlan_kernel_host k hk 10.42.0.3/24
ip -n "$T_NS-k" link add vx0 type vxlan id 42 dstport 4789 \
	group 239.1.1.42 dev eth0 ttl 1 || fail "no vxlan device"
ip -n "$T_NS-k" link set vx0 mtu 1500 master br0 up
nsexec k ethtool -K eth0 tx off >/dev/null || fail "ethtool -K eth0 tx off"
for s in a b; do
	bg "plug-$s" ip netns exec "$T_NS-$s" "$SWITCHPLUG" -v -x 42 \
		-g 239.1.1.42 -I eth0 "$T_WORK/$s"
	wait_for 10 grep -q "vxlan 42: on UDP port 4789, flooding to group 239.1.1.42 on eth0" \
		"$T_WORK/plug-$s.log" ||
		fail "switchplug -x -g did not start: $(cat "$T_WORK/plug-$s.log")"
done

for from in ha:1 hb:2 hk:3; do
	for to in 1 2 3; do
		[ "$to" = "${from#*:}" ] && continue
		pings "${from%:*}" "10.42.0.$to" ||
			fail "${from%:*} cannot ping 10.42.0.$to"
	done
done
ok "every host pings every other over the group"
vxlan_watch a b k
bcast_once ha:a hb:b hk:k
ok "a broadcast from each host reaches each other endpoint and host once"
