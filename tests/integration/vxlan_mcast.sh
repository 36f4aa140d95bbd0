#!/bin/bash
# SPDX-License-Identifier: ISC
# Three VXLAN endpoints on one multicast group and VNI: two switchd, each
# with switchplug -x -g, and a Linux vxlan device with the same group.
# Every host pings every other, and a broadcast from each reaches each of
# the others exactly once.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping nft nftables ethtool ethtool

vxlan_three
ip -n "$T_NS-k" link add vx0 type vxlan id 42 dstport 4789 \
	group 239.1.1.42 dev eth0 ttl 1 || fail "no vxlan device"
ip -n "$T_NS-k" link set vx0 mtu 1500 master br0 up
for s in a b; do
	bg "plug-$s" ip netns exec "$T_NS-$s" "$SWITCHPLUG" -v -x 42 \
		-g 239.1.1.42 -I eth0 "$T_WORK/$s"
	wait_for 10 grep -q "vxlan 42: on UDP port 4789, flooding to group 239.1.1.42 on eth0" \
		"$T_WORK/plug-$s.log" ||
		fail "switchplug -x -g did not start: $(cat "$T_WORK/plug-$s.log")"
done

pings_all ha hb hk
ok "every host pings every other over the group"
vxlan_watch a b k
bcast_once ha:a hb:b hk:k
ok "a broadcast from each host reaches each other endpoint and host once"
