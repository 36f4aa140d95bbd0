#!/bin/bash
# SPDX-License-Identifier: ISC
# Three VXLAN endpoints on one multicast group and VNI: two switchd, each
# with switchplug -x -g (its interface given by name, and by address),
# and a Linux vxlan device with the same group.
# Every host pings every other, and a broadcast from each reaches each of
# the others exactly once.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping nft nftables ethtool ethtool

vxlan_three
ip -n "$T_NS-k" link add vx0 type vxlan id 42 dstport 4789 \
	group 239.1.1.42 dev eth0 ttl 1 || fail "no vxlan device"
ip -n "$T_NS-k" link set vx0 mtu 1500 master br0 up
nsexec k nft -f - <<EOF || fail "nft in k"
table ip ttl {
	counter a2 { }
	counter b1 { }
	chain in {
		type filter hook input priority 0;
		ip saddr 10.70.0.1 ip daddr 239.1.1.42 ip ttl 2 counter name a2
		ip saddr 10.70.0.2 ip daddr 239.1.1.42 ip ttl 1 counter name b1
	}
}
EOF
# a's datagrams to the group live 2 hops, b's 1, the default.
vxlan_plug plug-a a "4789, flooding to group 239.1.1.42 on eth0, TTL 2" \
	-g 239.1.1.42 -I eth0 -T 2 "$T_WORK/a"
vxlan_plug plug-b b "4789, flooding to group 239.1.1.42 on eth0, TTL 1" \
	-g 239.1.1.42 -I 10.70.0.2 "$T_WORK/b"

pings_all ha hb hk
ok "every host pings every other over the group"
vxlan_watch a b k
bcast_once ha:a hb:b hk:k
ok "a broadcast from each host reaches each other endpoint and host once"
ttl() { nsexec k nft list counter ip ttl "$1" | awk '$1 == "packets" { print $2 }'; }
[ "$(ttl a2)" -ge 1 ] && [ "$(ttl b1)" -ge 1 ] ||
	fail "to the group: $(ttl a2) datagrams from a with TTL 2, $(ttl b1) from b with TTL 1"
ok "-T 2: a's datagrams to the group have TTL 2"
