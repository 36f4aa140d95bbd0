# SPDX-License-Identifier: ISC
# Sourced by every integration test.  Each test gets its own scratch
# directory and network namespaces, and everything it started is stopped
# and removed when it exits, whether it passed, failed or was killed.
# Test traffic stays on loopback and inside these namespaces.
set -u

T_NAME=$(basename "$0" .sh)
T_TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${SWITCHD:=$T_TOP/build/switchd}"
: "${SWITCHCTL:=$T_TOP/build/switchctl}"
: "${SWITCHPLUG:=$T_TOP/build/switchplug}"
: "${TOOLS:=$T_TOP/build/tools}"
: "${BUILD:=$T_TOP/build}"
VDEBENCH=$BUILD/bench/vdebench
T_NS=${T_NS_PREFIX:-sdt$$}	# prefix of this test's namespaces
T_PIDS=()
T_WORK=
T_ATEXIT=()		# commands t_cleanup runs, for what is made outside T_WORK

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; t_dump_logs; exit 1; }
ok() { echo "ok: $*"; }

t_dump_logs() {
	local f
	[ -n "$T_WORK" ] || return 0
	for f in "$T_WORK"/*.log; do
		[ -s "$f" ] || continue
		echo "--- $(basename "$f")"
		tail -n 30 "$f"
	done
}

# t_user: the user a switch started by root runs as, switchd (it refuses
# nobody), made when missing, as on a fresh machine.
t_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	"$T_TOP/build-aux/switchd-user.sh" ||
		fail "no user switchd to run the switch as"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
	[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
	t_user
}

# need CMD PACKAGE...: skip, naming the Debian package, when a program is missing
need() {
	while [ $# -ge 2 ]; do
		command -v "$1" >/dev/null 2>&1 ||
			skip "needs $1 (Debian package $2)"
		shift 2
	done
}

t_cleanup() {
	local p ns
	trap - EXIT INT TERM
	for p in "${T_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${T_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case "$ns" in
		"$T_NS"*)
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL
			ip netns del "$ns" ;;
		esac
	done
	for p in "${T_ATEXIT[@]}"; do
		eval "$p"
	done
	[ -n "$T_WORK" ] && rm -rf "$T_WORK"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

T_WORK=$(mktemp -d "${T_TMPDIR:-/tmp}/switchd-test.XXXXXX")
chmod 755 "$T_WORK"

# bg NAME CMD...: run in the background, output to $T_WORK/NAME.log
bg() {
	local name=$1; shift
	"$@" >"$T_WORK/$name.log" 2>&1 &
	echo "$! $name" >>"$T_WORK/pids" 
	T_PIDS+=($!)
	T_LASTPID=$!
}

# expect STATUS WANT CMD...: CMD exits STATUS, its stderr contains WANT
expect() {
	local st=$1 want=$2 err rc; shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = "$st" ] || fail "$* exited $rc, not $st: $err"
	grep -qF -- "$want" <<<"$err" || fail "$*: '$err', without '$want'"
}

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
	local tmo=$1 i; shift
	for ((i = 0; i < tmo * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# t_wait_for SECONDS CMD...: poll CMD (output discarded) every 50 ms until
# it succeeds; false once SECONDS (2, 0.5, ...) of wall-clock time have
# passed, however long each try takes.  What a test waits for is a
# condition: a fixed sleep is a guess that a busy machine gets wrong.
t_wait_for() {
	local now end
	printf -v end '%.0f' "${1}e6"; shift
	now=${EPOCHREALTIME/[.,]/}
	end=$((now + end))
	until "$@" >/dev/null 2>&1; do
		now=${EPOCHREALTIME/[.,]/}
		[ "$now" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# netns NAME: a fresh namespace "$T_NS-NAME" with loopback up
netns() {
	ip netns add "$T_NS-$1" || fail "ip netns add $T_NS-$1"
	ip -n "$T_NS-$1" link set lo up
}
nsexec() { local ns=$1; shift; ip netns exec "$T_NS-$ns" "$@"; }

# start_switchd DIR ARGS...: start it and wait for its control socket;
# SWITCHD_PID is its pid.
start_switchd() {
	local dir=$1; shift
	t_user
	bg switchd "$SWITCHD" -s "$dir" -v "$@"
	SWITCHD_PID=$T_LASTPID
	# Not the socket: one left by a killed switch may still be there.
	wait_for 30 grep -q "switch .* ready" "$T_WORK/switchd.log" ||
		fail "switchd did not start"
}

# stop_switchd: SIGTERM, and it must exit 0 and remove its sockets.
stop_switchd() {
	local rc
	kill -TERM "$SWITCHD_PID"
	wait "$SWITCHD_PID"
	rc=$?
	[ "$rc" -eq 0 ] || fail "switchd exited with status $rc"
}

# host NS SWITCHURL IP: a namespace with a tap attached to the switch by
# vde_plug, addressed IP (with prefix); the tap is called "eth0".
host() {
	local ns=$1 url=$2 ip=$3
	netns "$ns"
	bg "plug-$ns" ip netns exec "$T_NS-$ns" vde_plug "$url" tap://eth0
	t_wait_for 30 ip -n "$T_NS-$ns" link show eth0 ||
		fail "vde_plug did not make a tap in $ns"
	ip -n "$T_NS-$ns" addr add "$ip" dev eth0
	ip -n "$T_NS-$ns" link set eth0 up
}

# pings NS ADDR: true when NS reaches ADDR (a few tries: ARP first)
pings() {
	nsexec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 ||
		nsexec "$1" ping -c 2 -i 0.2 -W 1 "$2" >/dev/null 2>&1
}

# ping_gaps LOG: in ping's output (not -q), the echo requests left
# unanswered although a later one was answered.  Those still out when
# ping stops are not lost: on a busy machine, or with the switch under
# valgrind, several can be.
ping_gaps() {
	grep -Eo 'icmp_seq=[0-9]+' "$1" | cut -d= -f2 | sort -nu |
	    awk '{ n++; max = $1 } END { print max - n }'
}

# need_tool NAME: a test program built from tests/tools/NAME.c into $TOOLS
need_tool() {
	[ -x "$TOOLS/$1" ] ||
		fail "$TOOLS/$1 is not built (make B=build tests builds it)"
}

# logged SECONDS ERE: wait until a line of switchd's log matches ERE
logged() {
	wait_for "$1" grep -Eq -- "$2" "$T_WORK/switchd.log"
}

# switchd_alive: fail unless switchd is still running
switchd_alive() {
	kill -0 "$SWITCHD_PID" 2>/dev/null || fail "switchd is not running"
}

# vlan_if NS VID IP [ARGS...]: eth0.VID in NS, an 802.1Q subinterface of
# eth0, addressed IP and up; ARGS go to "ip link add" (egress-qos-map ...)
vlan_if() {
	local ns=$1 vid=$2 ip=$3; shift 3
	ip -n "$T_NS-$ns" link add link eth0 name "eth0.$vid" type vlan \
	    id "$vid" "$@" || fail "cannot add eth0.$vid in $ns"
	ip -n "$T_NS-$ns" addr add "$ip" dev "eth0.$vid"
	ip -n "$T_NS-$ns" link set "eth0.$vid" up
}

# no_pings NS ADDR: true when NS does not reach ADDR (ARP included)
no_pings() {
	! nsexec "$1" ping -c 2 -i 0.3 -W 1 "$2" >/dev/null 2>&1
}

# start_switch NAME DIR ARGS...: one more switchd, logging to NAME.log
# (start_switchd keeps SWITCHD_PID and switchd.log for the first one);
# its pid is T_LASTPID.
start_switch() {
	local name=$1 dir=$2; shift 2
	t_user
	bg "$name" "$SWITCHD" -s "$dir" -v "$@"
	wait_for 30 grep -q "switch .* ready" "$T_WORK/$name.log" ||
		fail "$name did not start"
}

# free_port: a port number no TCP or UDP socket uses right now
free_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 30000))
		ss -Htuan "sport = :$p" 2>/dev/null | grep -q . ||
			{ echo "$p"; return 0; }
	done
	fail "no free port found"
}

# arp_request MAC IP TARGET: the raw bytes of an ARP request from MAC and
# IP asking who has TARGET, padded to 60 bytes
arp_request() {
	local mac ip tip
	mac=$(IFS=:; set -- $1; printf '\\x%s' "$@")
	ip=$(IFS=.; set -- $2; printf '\\x%02x' "$@")
	tip=$(IFS=.; set -- $3; printf '\\x%02x' "$@")
	printf "\\xff\\xff\\xff\\xff\\xff\\xff$mac\\x08\\x06"
	printf "\\x00\\x01\\x08\\x00\\x06\\x04\\x00\\x01$mac$ip"
	printf "\\x00\\x00\\x00\\x00\\x00\\x00$tip"
	head -c 18 /dev/zero
}

# framed N: stdin preceded by its length in N (2 or 4) big-endian bytes
framed() {
	local f len
	f=$(mktemp -p "$T_WORK")
	cat >"$f"
	len=$(stat -c %s "$f")
	[ "$1" = 4 ] && printf "\\x$(printf %02x $((len >> 24 & 255)))\\x$(
	    printf %02x $((len >> 16 & 255)))"
	printf "\\x$(printf %02x $((len >> 8 & 255)))\\x$(
	    printf %02x $((len & 255)))"
	cat "$f"
	rm -f "$f"
}

# has_arp_reply FILE MAC: FILE holds an ARP reply to MAC (framed or not)
has_arp_reply() {
	od -An -v -tx1 "$1" | tr -d ' \n' |
		grep -Eq "${2//:/}[0-9a-f]{12}08060001080006040002"
}

# host_mac NS: the MAC address of eth0 in NS (a host made by host())
host_mac() {
	ip -n "$T_NS-$1" -br link show eth0 | awk '{ print $3 }'
}

# ctl ARGS...: switchctl on the switch in $sw (start_switchd "$sw")
ctl() {
	"$SWITCHCTL" -s "$sw" "$@"
}

# qemu_host NS NETDEV IP: a namespace whose eth0 is a tap of a QEMU with
# no machine, bridged on QEMU's hub to the backend NETDEV (the -netdev
# argument, e.g. "stream,id=n0,server=off,addr.type=unix,addr.path=P"):
# a host that reaches the switch the way a VM with that backend would.
# QEMU's log is qemu-NS.log.
qemu_host() {
	local ns=$1 nd=$2 ip=$3 id
	id=${nd#*id=}
	id=${id%%,*}
	netns "$ns"
	bg "qemu-$ns" ip netns exec "$T_NS-$ns" qemu-system-x86_64 -M none \
	    -display none -nodefaults \
	    -netdev tap,id=tap0,ifname=eth0,script=no,downscript=no \
	    -netdev hubport,id=hub0,hubid=0,netdev=tap0 \
	    -netdev "$nd" -netdev "hubport,id=hub1,hubid=0,netdev=$id"
	t_wait_for 30 ip -n "$T_NS-$ns" link show eth0 ||
		fail "QEMU did not make a tap in $ns: $(cat "$T_WORK/qemu-$ns.log")"
	ip -n "$T_NS-$ns" addr add "$ip" dev eth0
	ip -n "$T_NS-$ns" link set eth0 up
}

# need_vm: the guest of tests/vm (its vm_* helpers, VM_ACCEL), built
# into VM_DIR unless it is there; skip when its packages cannot be fetched
need_vm() {
	. "$T_TOP/tests/vm/vm.sh"
	vm_image >"$T_WORK/image.log" 2>&1
	case $? in
	0) ;;
	75) skip "the guest's Debian packages cannot be fetched: $(tail -1 "$T_WORK/image.log")" ;;
	*) fail "the guest image was not built: $(cat "$T_WORK/image.log")" ;;
	esac
	vm_accel
	ok "guest: $VM_DIR, under $VM_ACCEL ($VM_ACCEL_WHY)"
}

# qemu_takes NETDEV: whether this QEMU takes that -netdev argument (QEMU
# parses it, and -version after it, in order)
qemu_takes() {
	qemu-system-x86_64 -netdev "$1" -version >/dev/null 2>&1
}

# netboot_gw NET WORD [ARGS...]: in namespace gw, switchd on DIR $sw with
# tap0, -g $VMGROUP -m 660 and ARGS (SWITCHD_PID); tap0 is NET.1/24, and
# dnsmasq there leases NET.100-150 with a TFTP script that iPXE runs and
# that says WORD.
netboot_gw() {
	local net=$1 word=$2
	shift 2
	netns gw
	bg switchd ip netns exec "$T_NS-gw" "$SWITCHD" -s "$sw" -v -t tap0 \
	    -g "$VMGROUP" -m 660 "$@"
	SWITCHD_PID=$T_LASTPID
	wait_for 30 grep -q "switch .* ready" "$T_WORK/switchd.log" ||
		fail "switchd did not start"
	ip -n "$T_NS-gw" addr add "$net.1/24" dev tap0
	ip -n "$T_NS-gw" link set tap0 up
	mkdir -p "$T_WORK/tftp"
	printf '#!ipxe\necho %s\nsleep 600\n' "$word" >"$T_WORK/tftp/hello.ipxe"
	chmod 755 "$T_WORK/tftp"; chmod 644 "$T_WORK/tftp/hello.ipxe"
	bg dnsmasq ip netns exec "$T_NS-gw" dnsmasq --no-daemon \
	    --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
	    --interface=tap0 --bind-interfaces \
	    --dhcp-range="$net.100,$net.150,1m" \
	    --dhcp-leasefile="$T_WORK/leases" --enable-tftp \
	    --tftp-root="$T_WORK/tftp" --dhcp-boot=hello.ipxe \
	    --log-facility=- --log-dhcp
	wait_for 10 grep -q "DHCP, IP range $net.100" "$T_WORK/dnsmasq.log" ||
		fail "dnsmasq did not start"
}

# vxlan_underlay NS...: the outer network of the VXLAN tests.  Each NS,
# made here, has an eth0 on one Linux bridge (in namespace "net", no
# multicast snooping), addressed 10.70.0.N/24 and fd70::N/64 in the
# order given, with an MTU of 1600: room for a 1500-byte frame and the
# 70 bytes of IPv6, UDP and VXLAN headers.
vxlan_underlay() {
	local n=0 ns
	netns net
	ip -n "$T_NS-net" link add br0 type bridge mcast_snooping 0
	ip -n "$T_NS-net" link set br0 up
	for ns; do
		n=$((n + 1))
		netns "$ns"
		ip -n "$T_NS-net" link add "p$ns" type veth peer name eth0 \
		    netns "$T_NS-$ns" || fail "cannot link $ns to the network"
		ip -n "$T_NS-net" link set "p$ns" mtu 1600 master br0 up
		ip -n "$T_NS-$ns" link set eth0 mtu 1600 up
		ip -n "$T_NS-$ns" addr add "10.70.0.$n/24" dev eth0
		ip -n "$T_NS-$ns" addr add "fd70::$n/64" dev eth0 nodad
	done
}

# vxlan_kernel_host NS HOST IP: in NS a Linux bridge br0, up, with a veth
# to HOST, a new namespace whose eth0 is addressed IP: the other end of a
# vxlan device that joins br0 (ip link set vx0 master br0).  NS's eth0
# (vxlan_underlay's) fills in checksums itself: a vxlan device leaves
# them to the hardware of its lower device, which a veth does not have,
# and switchplug would receive frames whose TCP checksums are empty.
vxlan_kernel_host() {
	local ns=$1 h=$2 ip=$3
	ip -n "$T_NS-$ns" link add br0 type bridge || fail "no bridge in $ns"
	ip -n "$T_NS-$ns" link set br0 up
	netns "$h"
	ip -n "$T_NS-$ns" link add "h$h" type veth peer name eth0 \
	    netns "$T_NS-$h" || fail "cannot link $h to $ns"
	ip -n "$T_NS-$ns" link set "h$h" master br0 up
	ip -n "$T_NS-$h" addr add "$ip" dev eth0
	ip -n "$T_NS-$h" link set eth0 up
	nsexec "$ns" ethtool -K eth0 tx off >/dev/null ||
		fail "ethtool -K eth0 tx off in $ns"
}

# vxlan_plug NAME NS HELLO ARGS...: switchplug -v -x 42 ARGS in namespace
# NS, its log NAME.log, its pid T_LASTPID; once it says it is "on UDP
# port HELLO" (what follows shows how it took its options)
vxlan_plug() {
	local name=$1 ns=$2 hello=$3
	shift 3
	bg "$name" ip netns exec "$T_NS-$ns" "$SWITCHPLUG" -v -x 42 "$@"
	wait_for 10 grep -qF "vxlan 42: on UDP port $hello" "$T_WORK/$name.log" ||
		fail "switchplug -x 42 $*: $(cat "$T_WORK/$name.log")"
}

# vxlan_three: the three endpoints of the VXLAN tests that have three.
# switchd $T_WORK/a with host ha (10.42.0.1), its switchplug to run in
# namespace a (10.70.0.1); the same for b; and namespace k (10.70.0.3),
# whose Linux bridge has host hk (10.42.0.3), for a vxlan device.
vxlan_three() {
	start_switchd "$T_WORK/a"
	start_switch switchd-b "$T_WORK/b"
	host ha "vde://$T_WORK/a" 10.42.0.1/24
	host hb "vde://$T_WORK/b" 10.42.0.2/24
	vxlan_underlay a b k
	vxlan_kernel_host k hk 10.42.0.3/24
}

# pings_all HOST...: each host pings every other; they are addressed
# 10.42.0.1, .2 ... in the order given
pings_all() {
	local h i=0 j
	for h; do
		i=$((i + 1))
		for ((j = 1; j <= $#; j++)); do
			[ "$j" = "$i" ] && continue
			pings "$h" "10.42.0.$j" || fail "$h cannot ping 10.42.0.$j"
		done
	done
}

# vxlan_watch NS...: in each NS, the outer namespace of a VXLAN endpoint,
# count the VXLAN datagrams that come in: "from N" those from 10.70.0.N,
# "to N" those that carry an IPv4 packet to inner host 10.42.0.N, "bcast
# N" those that carry a broadcast from 10.42.0.N (the UDP payload: 8
# bytes of VXLAN, the Ethernet header, then IPv4).
vxlan_watch() {
	local ns j
	for ns; do
		{
			echo "table inet vx {"
			for ((j = 1; j <= 9; j++)); do
				echo "counter from$j { }"
				echo "counter to$j { }"
				echo "counter bcast$j { }"
			done
			echo "chain in { type filter hook input priority 0;"
			for ((j = 1; j <= 9; j++)); do
				echo "ip saddr 10.70.0.$j udp dport 4789 counter name from$j"
				echo "udp dport 4789 @th,224,16 0x0800 @th,368,32 0x0a2a000$j counter name to$j"
				echo "udp dport 4789 @th,128,48 0xffffffffffff @th,336,32 0x0a2a000$j counter name bcast$j"
			done
			echo "}"
			echo "}"
		} | nsexec "$ns" nft -f - || fail "nft in $ns"
	done
}
# vxlan_seen NS WHAT N: how many datagrams of counter WHAT (from, to, bcast)
# for N have come to NS
vxlan_seen() {
	nsexec "$1" nft list counter inet vx "$2$3" |
		awk '$1 == "packets" { print $2 }'
}

# bcast_once HOST:ENDPOINT...: the hosts, addressed 10.42.0.1, .2 ... in
# the order given, each send a broadcast ping to 10.42.0.255 in turn; it
# must reach each other endpoint (an outer namespace vxlan_watch watches)
# exactly once and never come back to its own, and each other host must
# receive it exactly once, counted by nft on its eth0.
bcast_once() {
	local h i j n want
	i=0
	for h; do
		i=$((i + 1))
		{
			echo "table netdev bc {"
			for ((j = 1; j <= $#; j++)); do
				echo "counter from$j { }"
			done
			echo "chain in { type filter hook ingress device eth0 priority 0;"
			for ((j = 1; j <= $#; j++)); do
				echo "ip saddr 10.42.0.$j ip daddr 10.42.0.255 icmp type echo-request counter name from$j"
			done
			echo "}"
			echo "}"
		} | nsexec "${h%:*}" nft -f - || fail "nft in ${h%:*}"
	done
	i=0
	for h; do
		i=$((i + 1))
		nsexec "${h%:*}" ping -b -c 1 -W 0.1 10.42.0.255 >/dev/null 2>&1
		for j; do
			[ "$j" = "$h" ] && continue
			t_wait_for 5 bcast_heard_n "${j%:*}" "$i" ||
				fail "${j%:*}: no broadcast from ${h%:*}"
		done
	done
	# Duplicates of the first ones would have come by now.
	i=0
	for h; do
		i=$((i + 1))
		local -A vx=() bc=()
		counters vx "${h#*:}" inet vx
		counters bc "${h%:*}" netdev bc
		for ((j = 1; j <= $#; j++)); do
			want=1
			[ "$j" = "$i" ] && want=0
			n=${vx[bcast$j]}
			[ "$n" = "$want" ] || fail "endpoint ${h#*:} received $n" \
			    "datagrams with the broadcast of 10.42.0.$j, not $want"
			[ "$j" = "$i" ] && continue
			n=${bc[from$j]}
			[ "$n" = 1 ] || fail "${h%:*} received $n broadcasts" \
			    "from 10.42.0.$j, not 1"
		done
	done
}
# counters ARRAY NS FAMILY TABLE: ARRAY[NAME] is the packets of each
# named counter of the nft table in NS, read at once
counters() {
	local name n
	while read -r name n; do
		eval "$1[\$name]=\$n"
	done < <(nsexec "$2" nft list counters table "$3" "$4" |
		awk '$1 == "counter" { c = $2 } $1 == "packets" { print c, $2 }')
}
# bcast_heard HOST N: the broadcasts HOST has received from 10.42.0.N
bcast_heard() {
	nsexec "$1" nft list counter netdev bc "from$2" |
		awk '$1 == "packets" { print $2 }'
}
bcast_heard_n() { [ "$(bcast_heard "$1" "$2")" -ge 1 ]; }
