#!/bin/bash
# SPDX-License-Identifier: ISC
# switchplug -x with a Linux vxlan device at the other end, over IPv4 and
# then IPv6: host ha on switchd, across the tunnel, reaches host hk on
# the Linux bridge the vxlan device is a port of; ping and iperf3 both
# ways.  A frame too big for the outer path is counted and logged, not
# cut, and traffic goes on.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping iperf3 iperf3 jq jq ethtool ethtool

sw=$T_WORK/sw
# What is wrong on the command line is said before anything starts.
expect 1 "-x: '16777216' is not a number from 0 to 16777215" \
	"$SWITCHPLUG" -x 16777216 -R 10.0.0.1 "$T_WORK"
expect 1 "-x: a multicast group (-g) or peers (-R), one or the other" \
	"$SWITCHPLUG" -x 42 "$T_WORK"
expect 1 "-x: a multicast group (-g) or peers (-R), one or the other" \
	"$SWITCHPLUG" -x 42 -g 239.1.1.1 -R 10.0.0.1 "$T_WORK"
expect 1 "-a, -g, -L, -P, -R and -S go with -x" \
	"$SWITCHPLUG" -R 10.0.0.1 "$T_WORK"
expect 1 "-I and -T go with -m or -g" \
	"$SWITCHPLUG" -x 42 -R 10.0.0.1 -T 3 "$T_WORK"
expect 1 "-S: '9-3': min is greater than max" \
	"$SWITCHPLUG" -x 42 -R 10.0.0.1 -S 9-3 "$T_WORK"
expect 1 "-g 10.0.0.1: not a multicast group" \
	"$SWITCHPLUG" -x 42 -g 10.0.0.1 "$T_WORK"
expect 1 "-R 127.0.0.1: an address of this host" \
	"$SWITCHPLUG" -x 42 -R 127.0.0.1 "$T_WORK"
expect 1 "-R fd70::1" \
	"$SWITCHPLUG" -x 42 -R 10.0.0.1 -R fd70::1 "$T_WORK"
ok "switchplug -x: bad options refused, saying why"

start_switchd "$sw"
host ha "vde://$sw" 10.42.0.1/24
# The outer network: a (switchplug) and k (the kernel), MTU 1600 so that
# a 1500-byte frame fits with its 70 bytes of IPv6, UDP and VXLAN.
vxlan_underlay a k
vxlan_kernel_host k hk 10.42.0.2/24

# iperf_ok FROM TO ARGS...: 2 s of TCP between FROM's iperf3 and TO's
# server (-R: from the server), more than 10 Mbit/s received (slow under
# the sanitizers, but moving)
iperf_ok() {
	local from=$1 to=$2 j bps; shift 2
	j=$(nsexec "$from" timeout 20 iperf3 -c "$to" -t 2 -J "$@") ||
		fail "iperf3 $from -> $to $*: $(jq -r .error <<<"$j" 2>/dev/null)"
	bps=$(jq -r '.end.sum_received.bits_per_second' <<<"$j")
	awk -v b="$bps" 'BEGIN { exit !(b > 10e6) }' ||
		fail "iperf3 $from -> $to $*: $bps bit/s"
	MBPS=$(awk -v b="$bps" 'BEGIN { printf "%.0f", b / 1e6 }')
}
bg iperf-k nsexec hk iperf3 -s -B 10.42.0.2
iperf_up() { nsexec "$1" ss -Hltn "sport = :5201" | grep -q .; }
t_wait_for 10 iperf_up hk || fail "iperf3 did not start"

# both FAMILY: the tunnel works both ways, switchplug named the VNI
both() {
	pings ha 10.42.0.2 || fail "$1: ha cannot ping hk"
	pings hk 10.42.0.1 || fail "$1: hk cannot ping ha"
	ok "$1: ping both ways"
	iperf_ok ha 10.42.0.2
	ok "$1: iperf3 ha -> hk, $MBPS Mbit/s"
	iperf_ok ha 10.42.0.2 -R
	ok "$1: iperf3 hk -> ha, $MBPS Mbit/s"
}

### IPv4
ip -n "$T_NS-k" link add vx0 type vxlan id 42 dstport 4789 \
	remote 10.70.0.1 local 10.70.0.2 dev eth0 || fail "no vxlan device"
ip -n "$T_NS-k" link set vx0 mtu 1500 master br0 up
vxlan_plug plug4 a "4789, flooding to 1 peer" -R 10.70.0.2 "$sw"
plug=$T_LASTPID
both IPv4

# 2000 bytes of ICMP do not fit 1600 bytes of outer MTU: counted, logged.
ip -n "$T_NS-ha" link set eth0 mtu 9000
nsexec ha ping -c 1 -W 1 -M do -s 2000 10.42.0.2 >/dev/null &&
	fail "a 2042-byte frame went through an MTU of 1600"
wait_for 5 grep -q "frame of 2042 bytes too big for the path to 10.70.0.2 (2078 bytes" \
	"$T_WORK/plug4.log" || fail "the frame too big is not logged"
kill -USR1 "$plug"
wait_for 5 grep -Eq "out [1-9][0-9]*, [1-9][0-9]* too big for the path" \
	"$T_WORK/plug4.log" || fail "the frame too big is not counted"
pings ha 10.42.0.2 || fail "no traffic after the frame too big"
ok "a frame too big for the outer path: counted and logged, traffic goes on"
ip -n "$T_NS-ha" link set eth0 mtu 1500
kill "$plug"
wait "$plug"
ip -n "$T_NS-k" link del vx0

### IPv6, on Linux's old port, from a second address and 4 source ports,
### addresses kept 2 s
ip -n "$T_NS-a" addr add fd70::11/64 dev eth0 nodad
ip -n "$T_NS-k" link add vx6 type vxlan id 42 dstport 8472 \
	remote fd70::11 local fd70::2 dev eth0 || fail "no IPv6 vxlan device"
ip -n "$T_NS-k" link set vx6 mtu 1500 master br0 up
nsexec k nft -f - <<EOF || fail "nft in k"
table ip6 vx {
	counter ours { }
	counter others { }
	chain in {
		type filter hook input priority 0;
		ip6 saddr fd70::11 udp dport 8472 udp sport 50000-50003 counter name ours accept
		udp dport 8472 counter name others
	}
}
EOF
vxlan_plug plug6 a "8472, flooding to 1 peer; sending from 4 ports of 50000-50003" \
	-R fd70::2 -P 8472 -L fd70::11 -S 50000-50003 -a 2 "$sw"
both IPv6
# counted NAME: the packets of nft counter NAME in k
counted() {
	nsexec k nft list counter ip6 vx "$1" | awk '$1 == "packets" { print $2 }'
}
[ "$(counted ours)" -gt 100 ] && [ "$(counted others)" = 0 ] ||
	fail "datagrams from fd70::11, ports 50000-50003: $(counted ours)," \
	    "from elsewhere: $(counted others)"
ok "IPv6: -P 8472, -L fd70::11 and -S 50000-50003: every datagram so"
# Once the traffic stops, what was learned expires.
wait_for 10 grep -Eq "vxlan 42: aging: [1-9][0-9]* addresses expired" \
	"$T_WORK/plug6.log" || fail "-a 2: nothing expired"
pings ha 10.42.0.2 || fail "no ping after the addresses expired"
ok "-a 2: addresses expire, and are learned again"
