#!/bin/bash
# SPDX-License-Identifier: ISC
# Three VXLAN endpoints with static peer lists, no multicast: two switchd,
# each with switchplug -x -R naming the two others, and a Linux vxlan
# device with the same two as its all-zeros entries (head-end
# replication).  A broadcast reaches each endpoint once; once addresses
# are learned, unicast goes to its one endpoint, not to the third.
# Datagrams that are not ours (short, without the I flag, another VNI,
# too long, random bytes, and a kernel device on VNI 43 that ARPs at us)
# are counted, logged a few times, and traffic goes on.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping nft nftables ethtool ethtool \
	python3 python3 bridge iproute2

vxlan_three
# Only the test's own traffic: no IPv6 chatter from the hosts.
for h in ha hb hk; do
	nsexec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$T_NS-k" link add vx0 type vxlan id 42 dstport 4789 \
	local 10.70.0.3 dev eth0 || fail "no vxlan device"
for p in 10.70.0.1 10.70.0.2; do
	bridge -n "$T_NS-k" fdb append 00:00:00:00:00:00 dev vx0 dst "$p" ||
		fail "bridge fdb append ... dst $p"
done
ip -n "$T_NS-k" link set vx0 mtu 1500 master br0 up
vxlan_plug plug-a a "4789, flooding to 2 peers" -R 10.70.0.2 -R 10.70.0.3 \
	"$T_WORK/a"
plug=$T_LASTPID
vxlan_plug plug-b b "4789, flooding to 2 peers" -R 10.70.0.1 -R 10.70.0.3 \
	"$T_WORK/b"
vxlan_watch a b k

pings_all ha hb hk
ok "every host pings every other through the peers"
bcast_once ha:a hb:b hk:k
ok "a broadcast from each host reaches each other endpoint and host once"

# unicast_to HOST N TO OTHER: 20 pings from HOST to 10.42.0.N, all
# answered; endpoint TO (a namespace) receives them, endpoint OTHER not
# one (whatever else the hosts send, ARP probes for instance)
unicast_to() {
	local t0 o0 t1 o1
	t0=$(vxlan_seen "$3" to "$2")
	o0=$(vxlan_seen "$4" to "$2")
	nsexec "$1" ping -c 20 -i 0.02 -W 1 "10.42.0.$2" >/dev/null ||
		fail "$1 -> 10.42.0.$2: pings lost"
	t1=$(vxlan_seen "$3" to "$2")
	o1=$(vxlan_seen "$4" to "$2")
	[ $((t1 - t0)) -ge 20 ] ||
		fail "$1 -> 10.42.0.$2: $((t1 - t0)) datagrams to $3"
	[ "$o1" = "$o0" ] ||
		fail "$1 -> 10.42.0.$2: $((o1 - o0)) datagrams to $4 too"
}
unicast_to ha 2 b k
unicast_to ha 3 k b
unicast_to hb 1 a k
unicast_to hk 2 b a
kill -USR1 "$plug"
wait_for 5 grep -q "vxlan 42: $(host_mac hb) behind 10.70.0.2" \
	"$T_WORK/plug-a.log" || fail "switchplug's table has no hb behind b"
grep -q "vxlan 42: endpoint 10.70.0.3 (peer): [1-9][0-9]* addresses" \
	"$T_WORK/plug-a.log" || fail "switchplug's endpoints: no address behind k"
ok "learned: unicast goes to its one endpoint; switchplug shows the table"

# Bad datagrams at a's switchplug, while ha pings hk.
bg ping-k nsexec ha ping -i 0.05 -c 60 -W 2 10.42.0.3
pingk=$T_LASTPID
ip -n "$T_NS-k" link add vx43 type vxlan id 43 dstport 4789 \
	remote 10.70.0.1 dev eth0 || fail "no vxlan device for VNI 43"
ip -n "$T_NS-k" addr add 10.43.0.3/24 dev vx43
ip -n "$T_NS-k" link set vx43 up
nsexec k ping -c 3 -i 0.2 -W 1 10.43.0.1 >/dev/null &&
	fail "VNI 43 reaches something behind a"
nsexec k python3 - <<'EOF' || fail "cannot send the bad datagrams"
import os, random, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
frame = bytes.fromhex("ffffffffffff020000000099") + b"\x08\x06" + bytes(46)
def hdr(flags, vni):
	return bytes([flags, 0, 0, 0, vni >> 16, (vni >> 8) & 255, vni & 255, 0])
bad = [b"\x08\x00\x00", hdr(0x08, 42) + frame[:13], hdr(0, 42) + frame,
	hdr(0x08, 43) + frame, hdr(0x08, 42) + bytes(9300)]
bad += [os.urandom(random.randint(1, 200)) for i in range(300)]
for d in bad:
	s.sendto(d, ("10.70.0.1", 4789))
EOF
wait "$pingk"
ping_k=$(cat "$T_WORK/ping-k.log")
kill -USR1 "$plug"
re="in [0-9]+ datagrams; dropped ([0-9]+) too short, ([0-9]+) without the I"
re="$re flag, ([0-9]+) for another VNI, ([0-9]+) too long"
counted() { [ "$(grep -Ec "$re" "$T_WORK/plug-a.log")" -ge 2 ]; }
wait_for 5 counted || fail "no counters after the bad datagrams"
[[ $(grep -E "$re" "$T_WORK/plug-a.log" | tail -n 1) =~ $re ]]
short=${BASH_REMATCH[1]} noi=${BASH_REMATCH[2]} vni=${BASH_REMATCH[3]}
long=${BASH_REMATCH[4]}
[ "$short" -ge 2 ] && [ "$noi" -ge 1 ] && [ "$vni" -ge 4 ] &&
	[ "$long" -ge 1 ] && [ $((short + noi + vni + long)) -ge 300 ] ||
	fail "bad datagrams not all counted: $short short, $noi without I," \
	    "$vni another VNI, $long too long"
for w in "too short for a VXLAN" "without the I flag" "for another VNI" \
	"with a frame longer than 9234"; do
	n=$(grep -c "$w" "$T_WORK/plug-a.log")
	[ "$n" -ge 1 ] && [ "$n" -le 10 ] ||
		fail "'$w' logged $n times for hundreds of datagrams"
done
grep -q "similar not logged" "$T_WORK/plug-a.log" ||
	fail "the log does not say how many were not logged"
ok "bad datagrams: $short short, $noi without the I flag, $vni for another" \
	"VNI, $long too long; counted, a few lines logged"
[ "$(ping_gaps "$T_WORK/ping-k.log")" = 0 ] ||
	fail "pings lost while the bad datagrams came: $ping_k"
grep -q " 0% packet loss" "$T_WORK/ping-k.log" ||
	fail "ha -> hk lost pings: $ping_k"
pings hb 10.42.0.1 || fail "hb cannot ping ha after the bad datagrams"
ok "traffic went on through them"
