#!/bin/bash
# SPDX-License-Identifier: ISC
# A real QEMU joins the switch through switchplug, first over TCP
# (-netdev socket,connect= to switchplug -l), then over UDP multicast
# (-netdev socket,mcast= and switchplug -m). Its iPXE asks for an address
# and dnsmasq, on a host of the switch, leases one: that takes frames
# both ways.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq
compgen -G "/usr/lib/ipxe/qemu/*e1000.rom" >/dev/null ||
	compgen -G "/usr/share/qemu/*e1000.rom" >/dev/null ||
	skip "needs the e1000 boot ROM (Debian package ipxe-qemu)"

sw=$T_WORK/sw
start_switchd "$sw"
host d "vde://$sw" 10.61.0.1/24
bg dnsmasq ip netns exec "$T_NS-d" dnsmasq --no-daemon --port=0 \
	--interface=eth0 --bind-interfaces \
	--dhcp-range=10.61.0.50,10.61.0.60,1m \
	--dhcp-leasefile="$T_WORK/leases" --log-dhcp
wait_for 10 grep -q "DHCP, IP range" "$T_WORK/dnsmasq.log" ||
	fail "dnsmasq did not start"

# qemu NAME NETDEV MAC [ip netns exec NS]: a diskless PC that boots from
# the network, its e1000 on NETDEV
qemu() {
	local name=$1 netdev=$2 mac=$3; shift 3
	bg "$name" "$@" qemu-system-x86_64 -M pc -accel tcg -m 64 \
		-display none -nodefaults -boot n -netdev "$netdev" \
		-device "e1000,netdev=n0,mac=$mac"
}
leased() {
	wait_for 90 grep -Eq "DHCPACK\(eth0\) [0-9.]+ $1" "$T_WORK/dnsmasq.log"
}

port=$(free_port)
bg plug-tcp "$SWITCHPLUG" -v -l "127.0.0.1:$port" "$sw"
wait_for 10 grep -q "listening on 127.0.0.1:$port" "$T_WORK/plug-tcp.log" ||
	fail "switchplug -l did not start"
qemu qemu-tcp "socket,id=n0,connect=127.0.0.1:$port" 52:54:00:12:34:57
qemu_tcp=$T_LASTPID
grep -q DHCPDISCOVER "$T_WORK/dnsmasq.log" && fail "DHCP before QEMU started"
leased 52:54:00:12:34:57 ||
	fail "no DHCP lease for QEMU on -netdev socket,connect="
grep -Eq "DHCPDISCOVER\(eth0\) 52:54:00:12:34:57" "$T_WORK/dnsmasq.log" ||
	fail "no DHCPDISCOVER from QEMU in dnsmasq's log"
grep -q "tcp 127.0.0.1:[0-9]*: attached to $sw port" "$T_WORK/plug-tcp.log" ||
	fail "switchplug did not attach the connection to the switch"
ok "QEMU -netdev socket,connect= via switchplug -l: DHCP lease"
kill "$qemu_tcp"
# (Closed, or reset when frames were still unread: either will do.)
wait_for 10 grep -Eq "connection (closed by the peer|lost .*); port released" \
	"$T_WORK/plug-tcp.log" || fail "switchplug did not see QEMU leave"
wait_for 10 grep -q "switchplug tcp .*detached" "$T_WORK/switchd.log" ||
	fail "the switch did not free QEMU's port"
ok "QEMU gone: its port is released"

# The other way round: QEMU listens (-netdev stream, same framing), and
# switchplug -c connects to it, retrying until QEMU is there.
sport=$(free_port)
bg plug-cli "$SWITCHPLUG" -v -c "127.0.0.1:$sport" "$sw"
wait_for 10 grep -q "connecting again" "$T_WORK/plug-cli.log" ||
	fail "switchplug -c did not say it will try again"
stream="stream,id=n0,server=on,addr.type=inet,addr.host=127.0.0.1"
qemu qemu-stream "$stream,addr.port=$sport" 52:54:00:12:34:59
leased 52:54:00:12:34:59 ||
	fail "no DHCP lease for QEMU on -netdev stream,server=on"
grep -q "tcp 127.0.0.1:$sport: connected" "$T_WORK/plug-cli.log" ||
	fail "switchplug -c did not log its connection"
ok "QEMU -netdev stream,server=on via switchplug -c: DHCP lease"

# Multicast, in a namespace of ours: QEMU and switchplug both send on lo
# (localaddr= and -I), which the kernel loops back to the group members.
netns m
ip -n "$T_NS-m" route add 230.0.0.0/8 dev lo
mport=$(free_port)
bg plug-mcast ip netns exec "$T_NS-m" "$SWITCHPLUG" -v \
	-m "230.0.0.1:$mport" -I 127.0.0.1 "$sw"
plug_mcast=$T_LASTPID
wait_for 10 grep -q "joined" "$T_WORK/plug-mcast.log" ||
	fail "switchplug -m did not start"
qemu qemu-mcast "socket,id=n0,mcast=230.0.0.1:$mport,localaddr=127.0.0.1" \
	52:54:00:12:34:58 ip netns exec "$T_NS-m"
leased 52:54:00:12:34:58 ||
	fail "no DHCP lease for QEMU on -netdev socket,mcast="
grep -Eq "DHCPDISCOVER\(eth0\) 52:54:00:12:34:58" "$T_WORK/dnsmasq.log" ||
	fail "no DHCPDISCOVER from the multicast QEMU in dnsmasq's log"
ok "QEMU -netdev socket,mcast= with switchplug -m: DHCP lease"

# Our own frames come back on the group: they must not reach the switch,
# which would see QEMU's MAC address move to the port it came from.
kill -USR1 "$plug_mcast"
wait_for 5 grep -Eq "in [0-9]+ datagrams, [1-9][0-9]* of them our own" \
	"$T_WORK/plug-mcast.log" || fail "no looped-back frames counted"
grep -q "moved" "$T_WORK/switchd.log" &&
	fail "a MAC address moved: switchplug echoed frames to the switch"
ok "switchplug -m ignores its own looped-back frames"
