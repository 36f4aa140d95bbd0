#!/bin/bash
# SPDX-License-Identifier: ISC
# make bench: switchd side by side with vde_switch, the kernel bridge and
# the no-switch limit, and switchplug's VXLAN beside Linux's, measured in
# the same run on this machine.  Ratios
# matter more than absolute numbers on a shared machine.
#   tests/bench/run.sh [BUILD]      full run (a few minutes)
#   BENCH_SMOKE=1 tests/bench/run.sh [BUILD]   a quick pass that checks
#                                   the benchmark still runs
#   BASELINE=REV tests/bench/run.sh [BUILD]    also build git revision REV
#                                   and measure it against this tree,
#                                   alternating, in the same run
# Traffic stays on unix sockets and inside namespaces this script makes.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${1:-build}
SW=$PWD/$B/switchd
SP=$PWD/$B/switchplug
VB=$PWD/$B/bench/vdebench
CB=$PWD/$B/bench/corebench
VHB=$PWD/$B/tools/vhostblast
SMOKE=${BENCH_SMOKE:-0}
if [ "$SMOKE" = 1 ]; then T=0.3; TT=1; IT=1; else T=3; TT=5; IT=3; fi
W=$(mktemp -d /tmp/switchd-bench.XXXXXX)
chmod 755 "$W"	# switchd runs as another user once it has dropped root
NS="sdb$$"
PIDS=()

# Every process the benchmark starts carries this mark, daemons too.
export SWITCHD_TEST_RUN="bench.$$"
. tests/leftovers.sh
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.2
	leftovers "$SWITCHD_TEST_RUN" "$NS" "" >/dev/null
	[ -n "${BASEWT:-}" ] && git worktree remove --force "$BASEWT" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "bench: $*" >&2; exit 1; }
for f in "$SW" "$VB" "$CB" "$VHB"; do [ -x "$f" ] || die "$f not built (make tests)"; done
command -v vde_switch >/dev/null || die "needs vde_switch (Debian package vde2)"
# Started by root, switchd runs as the user switchd.
build-aux/switchd-user.sh || die "no user switchd to run the switch as"

# start_switchd DIR ARGS...: sets SPID
# cputicks PID: user and system time the process has used, in clock ticks
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
wait_sock() { for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }
# BSW: switchd built from git revision $BASELINE, in a worktree of its own.
base_build() {
	git rev-parse --verify -q "$BASELINE^{commit}" >/dev/null ||
		die "BASELINE=$BASELINE: not a git revision here"
	git worktree add -q --detach "$W/base" "$BASELINE" || die "git worktree add"
	BASEWT=$W/base
	make -C "$W/base" B=build >"$W/base.log" 2>&1 ||
		die "BASELINE=$BASELINE does not build (see $W/base.log)"
	BSW=$W/base/build/switchd
}
start_switchd() {
	local d=$1; shift
	"$SW" -s "$d" "$@" 2>>"$W/switchd.log" &
	SPID=$!; PIDS+=($SPID)
	for _ in $(seq 100); do [ -S "$d/ctl" ] && return 0; sleep 0.05; done
	die "switchd did not start"
}
start_vde() {
	local d=$1
	vde_switch -s "$d" -n 300 -d -p "$W/vde.pid" >/dev/null 2>&1 ||
		die "vde_switch did not start"
	VPID=$(cat "$W/vde.pid"); PIDS+=($VPID)
	for _ in $(seq 100); do [ -S "$d/ctl" ] && return 0; sleep 0.05; done
	die "vde_switch did not start"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# field NAME LINE: the value after NAME in vdebench's output
field() { echo "$2" | awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }
# best of IT runs, by frames per second
measure() {
	local best="" out fps bfps=0 i
	for ((i = 0; i < IT; i++)); do
		out=$("$VB" "$@") || die "vdebench $*"
		fps=$(field fps "$out")
		if [ "${fps%.*}" -ge "${bfps%.*}" ]; then bfps=$fps; best=$out; fi
	done
	echo "$best"
}
TARGETS=()
# target WHAT VALUE OP LIMIT: a line of the targets summary
target() {
	TARGETS+=("$(awk -v w="$1" -v v="$2" -v op="$3" -v l="$4" 'BEGIN {
		m = v == "-" || v == "" ? 0 : op == ">=" ? v >= l : v <= l
		printf "  %-44s %8s  (target %s %s)  %s", w, v, op, l, m ? "met" : "NOT MET" }')")
}
print_targets() {
	echo
	echo "Targets (ratios from this run)"
	printf '%s\n' "${TARGETS[@]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "switchd benchmark ($(nproc) cores, $(date -u +%Y-%m-%d)); best of $IT runs of ${T}s each"
echo
echo "1-2. Port to port, unicast, unix-socket ports (vdebench: a VDE client pair)"
printf '%-6s %12s %12s %7s %12s %8s %8s %8s %8s\n' size "switchd f/s" "vde f/s" ratio \
	"limit f/s" "%limit" "Gbit/s" "loss%" "vdeloss%"
start_switchd "$W/sd"
start_vde "$W/vde"
for size in 64 1500 9000; do
	s=$(measure -s "$size" -t "$T" "$W/sd")
	v=$(measure -s "$size" -t "$T" "$W/vde")
	l=$(measure -P -s "$size" -t "$T")
	printf '%-6s %12s %12s %7s %12s %8s %8s %8s %8s\n' "$size" \
		"$(field fps "$s")" "$(field fps "$v")" \
		"$(ratio "$(field fps "$s")" "$(field fps "$v")")" \
		"$(field fps "$l")" \
		"$(awk -v a="$(field fps "$s")" -v b="$(field fps "$l")" 'BEGIN { printf "%.0f", 100 * a / b }')" \
		"$(field gbps "$s")" "$(field loss "$s")" "$(field loss "$v")"
	if [ "$size" != 9000 ]; then
		target "$size bytes: switchd / vde_switch" "$(ratio "$(field fps "$s")" "$(field fps "$v")")" ">=" 2
		target "$size bytes: % of the no-switch limit" "$(awk -v a="$(field fps "$s")" -v b="$(field fps "$l")" 'BEGIN { printf "%.0f", 100 * a / b }')" ">=" 70
		target "$size bytes: loss %" "$(field loss "$s")" "<=" 0.1
	fi
done
SDRSS=$(rss "$SPID"); VDERSS=$(rss "$VPID")
stop "$SPID"

echo
echo "1b. Port to port, unicast, by how the clients attach to switchd: VDE (DIR/ctl),"
echo "    QEMU's -netdev stream (DIR/stream) and -netdev dgram (DIR/dgram); frames/s"
printf '%-8s %12s %12s %12s %10s\n' attach "64 bytes" "1500 bytes" "9000 bytes" "loss% 64"
start_switchd "$W/sd"
for kind in vde stream dgram; do
	row=() loss=
	for size in 64 1500 9000; do
		out=$(measure -k "$kind" -s "$size" -t "$T" "$W/sd")
		row+=("$(field fps "$out")")
		[ "$size" = 64 ] && loss=$(field loss "$out")
	done
	printf '%-8s %12s %12s %12s %10s\n' "$kind" "${row[@]}" "$loss"
done
stop "$SPID"

echo
echo "1c. vhost-user against the VDE path, same switch, same run: frames/s at 64"
echo "    bytes, and Gbit/s: 64 KiB TCP segmentation frames over vhost-user, the"
echo "    1500-byte frames a VM sends over -netdev vde (vhostblast plays QEMU's part)"
# best of IT vhostblast runs by frames per second
vhmeasure() {
	local best="" out fps bfps=0 i
	for ((i = 0; i < IT; i++)); do
		out=$("$VHB" -n 1024 "$@") || die "vhostblast $*"
		fps=$(field fps "$out")
		if [ "${fps%.*}" -ge "${bfps%.*}" ]; then bfps=$fps; best=$out; fi
	done
	echo "$best"
}
printf '%-10s %12s %12s %7s %10s %10s %7s\n' path "f/s 64" "vde f/s 64" ratio \
	"Gbit/s" "vde Gbit/s" ratio
start_switchd "$W/sd"
v64=$(measure -s 64 -t "$T" "$W/sd")
v1500=$(measure -s 1500 -t "$T" "$W/sd")
h64=$(vhmeasure -s 64 -t "$T" "$W/sd/vhost" "$W/sd/vhost")
hgso=$(vhmeasure -g -t "$T" "$W/sd/vhost" "$W/sd/vhost")
stop "$SPID"
VHF=$(ratio "$(field fps "$h64")" "$(field fps "$v64")")
VHG=$(ratio "$(field gbps "$hgso")" "$(field gbps "$v1500")")
printf '%-10s %12s %12s %7s %10s %10s %7s\n' vhost-user "$(field fps "$h64")" \
	"$(field fps "$v64")" "$VHF" "$(field gbps "$hgso")" \
	"$(field gbps "$v1500")" "$VHG"
echo "  (vhost-user loss: $(field loss "$h64")% at 64 bytes, $(field loss "$hgso")% with 64 KiB frames)"
target "vhost-user 64 bytes: frames/s / the VDE path's" "$VHF" ">=" 5
target "vhost-user 64 KiB TSO: Gbit/s / the VDE path's" "$VHG" ">=" 10
target "vhost-user 64 bytes: loss %" "$(field loss "$h64")" "<=" 0.1

echo
echo "4. Scale: switchd frames/s at 64 bytes (vde_switch for reference)"
printf '%-22s %12s %12s %12s\n' case "switchd f/s" "vs 1 MAC" "vde f/s"
base=
# Every MAC comes in on one port: no limit per port, the table's alone.
printf 'portmaclimit 0\n' >"$W/nolimit.conf"
chmod 644 "$W/nolimit.conf"
for macs in 0 1000 64000; do
	start_switchd "$W/sd" -M 65536 -f "$W/nolimit.conf"
	s=$(measure -s 64 -t "$T" -m "$macs" "$W/sd")
	[ "$macs" = 64000 ] && LOADRSS=$(rss "$SPID")
	stop "$SPID"
	v=$(measure -s 64 -t "$T" -m "$macs" "$W/vde")
	f=$(field fps "$s"); [ -z "$base" ] && base=$f
	printf '%-22s %12s %12s %12s\n' "$((macs + 1)) MACs" "$f" "$(ratio "$f" "$base")" "$(field fps "$v")"
	[ "$macs" = 64000 ] && target "64001 MACs: rate vs 1 MAC" "$(ratio "$f" "$base")" ">=" 0.9
done
for ports in 200; do
	start_switchd "$W/sd"
	"$VB" -i $((ports - 2)) "$W/sd" >/dev/null & PIDS+=($!); IDLE=$!
	"$VB" -i $((ports - 2)) "$W/vde" >/dev/null & PIDS+=($!); IDLEV=$!
	sleep 1
	s=$(measure -s 64 -t "$T" "$W/sd")
	v=$(measure -s 64 -t "$T" "$W/vde")
	PORTSRSS=$(rss "$SPID")
	printf '%-22s %12s %12s %12s\n' "$ports ports" "$(field fps "$s")" \
		"$(ratio "$(field fps "$s")" "$base")" "$(field fps "$v")"
	target "$ports ports: rate vs 2 ports" "$(ratio "$(field fps "$s")" "$base")" ">=" 0.9
	stop "$IDLE"; stop "$IDLEV"; stop "$SPID"
done
echo
echo "Resident memory (kB): switchd idle $SDRSS, with 64000 MACs $LOADRSS, with 200 ports $PORTSRSS; vde_switch $VDERSS"

echo
echo "5. Instructions per forwarded frame in the core (callgrind, fwd_frame)"
if command -v valgrind >/dev/null; then
	for macs in 0 64000; do
		n1=20000 n2=40000
		[ "$SMOKE" = 1 ] && { n1=2000; n2=4000; }
		i1=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CB" $n1 $macs 2>&1 | awk '/Collected/ {print $4}')
		i2=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CB" $n2 $macs 2>&1 | awk '/Collected/ {print $4}')
		echo "  with $((macs + 2)) MACs learned: $(( (i2 - i1) / (n2 - n1) )) instructions/frame"
	done
else
	echo "  (valgrind not installed)"
fi

echo
echo "6. MAC table under attack: frames/s to unknown destinations, 16000 MACs learned (corebench)"
adv=0 rnd=0
for ((i = 0; i < IT; i++)); do
	a=$("$CB" -a 16000 "$T") || die "corebench -a"
	r=$("$CB" -r 16000 "$T") || die "corebench -r"
	adv=$(awk -v a="$(field fps "$a")" -v b="$adv" 'BEGIN { print (a > b ? a : b) }')
	rnd=$(awk -v a="$(field fps "$r")" -v b="$rnd" 'BEGIN { print (a > b ? a : b) }')
done
printf '  %-12s %14s %14s %7s\n' "" adversarial random ratio
printf '  %-12s %14s %14s %7s\n' "frames/s" "$adv" "$rnd" "$(ratio "$adv" "$rnd")"
target "adversarial MACs: rate vs random MACs" "$(ratio "$adv" "$rnd")" ">=" 0.8

echo
echo "7. This tree against an earlier switchd (BASELINE=REV: a git revision)"
if [ -z "${BASELINE:-}" ]; then
	echo "  not asked for: make bench BASELINE=REV"
else
	base_build
	# Frames/s swing with the machine's load; the switch's CPU time per
	# frame much less: both, each the best of IT alternating runs.
	printf '  %-8s %12s %12s %7s %14s %14s %7s\n' size "f/s now" "f/s $BASELINE" ratio \
	    "CPU ns/f now" "ns/f $BASELINE" ratio
	for size in 64 1500; do
		declare -A bf=([now]=0 [before]=0) bc=([now]=0 [before]=0)
		for ((i = 0; i < IT; i++)); do
			for which in now before; do
				if [ $which = now ]; then bin=$SW; else bin=$BSW; fi
				"$bin" -s "$W/cmp" 2>>"$W/switchd.log" & p=$!; PIDS+=($p)
				wait_sock "$W/cmp/ctl" || die "$bin did not start"
				t0=$(cputicks "$p")
				out=$("$VB" -s "$size" -t "$T" "$W/cmp") || die "vdebench"
				t1=$(cputicks "$p")
				stop "$p"
				f=$(field fps "$out")
				c=$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$(field received "$out")" \
				    'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e9 / n; else print 0 }')
				bf[$which]=$(awk -v a="$f" -v b="${bf[$which]}" 'BEGIN { print (a > b ? a : b) }')
				bc[$which]=$(awk -v a="$c" -v b="${bc[$which]}" 'BEGIN { print (b == 0 || a < b ? a : b) }')
			done
		done
		printf '  %-8s %12s %12s %7s %14s %14s %7s\n' "$size" "${bf[now]}" "${bf[before]}" \
		    "$(ratio "${bf[now]}" "${bf[before]}")" "${bc[now]}" "${bc[before]}" \
		    "$(ratio "${bc[now]}" "${bc[before]}")"
		target "$size bytes: rate vs $BASELINE" "$(ratio "${bf[now]}" "${bf[before]}")" ">=" 0.9
		target "$size bytes: CPU per frame vs $BASELINE" "$(ratio "${bc[now]}" "${bc[before]}")" "<=" 1.1
	done
	BASE_TCP=1
fi

echo
echo "3. TCP between two namespaces behind two switch ports (iperf3, ping)"
if ! command -v iperf3 >/dev/null || ! [ -c /dev/net/tun ] || [ "$(id -u)" != 0 ]; then
	echo "  skipped: needs root, /dev/net/tun and iperf3"
	print_targets
	exit 0
fi
printf '%-14s %12s %8s %10s %9s %9s\n' switch "Gbit/s" retrans "rtt ms" "%bridge" "rtt/br"
declare -A GBPS RTT RETR
tcp_run() {	# label
	local j
	ip netns exec "$NS-b" iperf3 -s -1 -B 10.80.0.2 >/dev/null 2>&1 &
	sleep 0.3
	j=$(timeout $((TT + 10)) ip netns exec "$NS-a" iperf3 -c 10.80.0.2 -t "$TT" -J 2>/dev/null)
	local bps retr rtt
	bps=$(echo "$j" | awk '/"sum_sent"/ {f=1} f && /bits_per_second/ {gsub(/[,]/,""); print $2; exit}')
	retr=$(echo "$j" | awk '/"sum_sent"/ {f=1} f && /retransmits/ {gsub(/[,]/,""); print $2; exit}')
	RETR[$1]=$retr
	rtt=$(ip netns exec "$NS-a" ping -q -c 50 -i 0.01 10.80.0.2 | awk -F/ '/rtt/ {print $5}')
	GBPS[$1]=$(awk -v b="${bps:-0}" 'BEGIN { printf "%.2f", b / 1e9 }')
	RTT[$1]=${rtt:-0}
}
tcp_row() {	# label: a row, with ratios to the kernel bridge
	local br=${GBPS[kernel bridge]} brtt=${RTT[kernel bridge]}
	printf '%-14s %12s %8s %10s %9s %9s\n' "$1" "${GBPS[$1]}" "${RETR[$1]:--}" \
		"${RTT[$1]}" "$(awk -v a="${GBPS[$1]}" -v b="$br" 'BEGIN { if (b > 0) printf "%.0f", 100 * a / b; else print "-" }')" \
		"$(ratio "${RTT[$1]}" "$brtt")"
}
hosts() {	# make namespaces a and b
	ip netns add "$NS-a"; ip netns add "$NS-b"
	ip -n "$NS-a" link set lo up; ip -n "$NS-b" link set lo up
}
addr() {	# ns ifname ip
	ip -n "$NS-$1" addr add "$3/24" dev "$2"; ip -n "$NS-$1" link set "$2" up
}
unhosts() { for n in a b br; do ip netns pids "$NS-$n" 2>/dev/null | xargs -r kill; ip netns del "$NS-$n" 2>/dev/null; done; sleep 0.2; }

tcp_switchd() {	# binary label: the best of two runs
	local g=0 r=0
	for _ in 1 2; do
		hosts
		"$1" -s "$W/sd" -t sdba$$ -t sdbb$$ 2>>"$W/switchd.log" & SPID=$!; PIDS+=($SPID)
		wait_sock "$W/sd/ctl" || die "$1 did not start"
		ip link set "sdba$$" netns "$NS-a"; ip link set "sdbb$$" netns "$NS-b"
		addr a "sdba$$" 10.80.0.1; addr b "sdbb$$" 10.80.0.2
		tcp_run "$2"
		stop "$SPID"; unhosts
		if awk -v a="${GBPS[$2]}" -v b="$g" 'BEGIN { exit !(a > b) }'; then
			g=${GBPS[$2]} r=${RTT[$2]}
		fi
		[ "${BASE_TCP:-}" = 1 ] || break
	done
	GBPS[$2]=$g RTT[$2]=$r
}
tcp_switchd "$SW" switchd
[ "${BASE_TCP:-}" = 1 ] && tcp_switchd "$BSW" "$BASELINE"

hosts
ip netns exec "$NS-a" vde_plug "vde://$W/vde" tap://vt0 & PIDS+=($!)
ip netns exec "$NS-b" vde_plug "vde://$W/vde" tap://vt0 & PIDS+=($!)
sleep 1
addr a vt0 10.80.0.1; addr b vt0 10.80.0.2
tcp_run vde_switch
unhosts

hosts
ip netns add "$NS-br"
ip -n "$NS-br" link add br0 type bridge; ip -n "$NS-br" link set br0 up
for n in a b; do
	ip link add "sdbv$n$$" type veth peer name eth0 netns "$NS-$n"
	ip link set "sdbv$n$$" netns "$NS-br"
	ip -n "$NS-br" link set "sdbv$n$$" master br0 up
done
addr a eth0 10.80.0.1; addr b eth0 10.80.0.2
tcp_run "kernel bridge"
unhosts
for sw in switchd ${BASE_TCP:+"$BASELINE"} vde_switch "kernel bridge"; do tcp_row "$sw"; done

echo
echo "3b. VXLAN (VNI 42): TCP to a Linux vxlan device from switchd through switchplug -x,"
echo "    and from another Linux vxlan device; outer MTU 1600, inner 1500"
# vxlan_pair LEFT: a veth from $NS-LEFT (10.82.0.1) to $NS-b (10.82.0.2),
# and in b a vxlan device to LEFT, addressed 10.80.0.2.  b's checksums
# are filled in before the veth: a vxlan device leaves them to a
# hardware that a veth does not have, and switchplug's datagrams would
# carry frames with none.
vxlan_pair() {
	ip -n "$NS-$1" link add eth0 type veth peer name eth0 netns "$NS-b"
	ip -n "$NS-$1" link set eth0 mtu 1600 up
	ip -n "$NS-b" link set eth0 mtu 1600 up
	ip -n "$NS-$1" addr add 10.82.0.1/24 dev eth0
	ip -n "$NS-b" addr add 10.82.0.2/24 dev eth0
	ip netns exec "$NS-b" ethtool -K eth0 tx off >/dev/null
	ip -n "$NS-b" link add vx0 type vxlan id 42 dstport 4789 \
		remote 10.82.0.1 local 10.82.0.2 dev eth0
	ip -n "$NS-b" link set vx0 mtu 1500
	addr b vx0 10.80.0.2
}
if ! command -v ethtool >/dev/null; then
	echo "  skipped: needs ethtool (Debian package ethtool)"
else
	hosts
	ip netns add "$NS-va"
	"$SW" -s "$W/sd" -t "sdbx$$" 2>>"$W/switchd.log" & SPID=$!; PIDS+=($SPID)
	wait_sock "$W/sd/ctl" || die "switchd did not start"
	ip link set "sdbx$$" netns "$NS-a"
	addr a "sdbx$$" 10.80.0.1
	vxlan_pair va
	ip netns exec "$NS-va" "$SP" -x 42 -R 10.82.0.2 "$W/sd" \
		2>>"$W/switchplug.log" & XPID=$!; PIDS+=($XPID)
	for _ in $(seq 100); do
		grep -q "on UDP port 4789" "$W/switchplug.log" 2>/dev/null && break
		sleep 0.05
	done
	tcp_run "switchd VXLAN"
	stop "$XPID"; stop "$SPID"; unhosts; ip netns del "$NS-va"
	hosts
	vxlan_pair a
	ip -n "$NS-a" link add vx0 type vxlan id 42 dstport 4789 \
		remote 10.82.0.2 local 10.82.0.1 dev eth0
	ip -n "$NS-a" link set vx0 mtu 1500
	addr a vx0 10.80.0.1
	tcp_run "kernel VXLAN"
	unhosts
	printf '  switchd + switchplug -x %s Gbit/s, Linux vxlan %s Gbit/s: ratio %s\n' \
		"${GBPS[switchd VXLAN]}" "${GBPS[kernel VXLAN]}" \
		"$(ratio "${GBPS[switchd VXLAN]}" "${GBPS[kernel VXLAN]}")"
fi
[ "${BASE_TCP:-}" = 1 ] && target "TCP: Gbit/s vs $BASELINE" "$(ratio "${GBPS[switchd]}" "${GBPS[$BASELINE]}")" ">=" 0.9
target "TCP: switchd % of the kernel bridge" "$(awk -v a="${GBPS[switchd]}" -v b="${GBPS[kernel bridge]}" 'BEGIN { if (b > 0) printf "%.0f", 100 * a / b; else print "-" }')" ">=" 50
target "ping: switchd rtt / the kernel bridge's" "$(ratio "${RTT[switchd]}" "${RTT[kernel bridge]}")" "<=" 1.3
print_targets
