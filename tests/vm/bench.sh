#!/bin/bash
# SPDX-License-Identifier: ISC
# make bench-vm: what users measure, iperf3 between two real Linux VMs,
# for each way a VM attaches, side by side from one run on this machine.
# Two guests of tests/vm (1 vCPU, virtio-net) per path: A, the client
# (10.90.0.1), and B, the server (10.90.0.2).  A finds the largest MTU
# the path carries (of VM_MTUS), then measures at MTU 1500 a ping RTT,
# one TCP stream, four, and 64-byte UDP datagrams, and the TCP streams
# again at that largest MTU.  The CPU time of the switch and of every
# QEMU thread is read from /proc while each test runs.
#   tests/vm/bench.sh [BUILD]
# VM_SECONDS (5): seconds per iperf3 run; VM_PATHS: the paths to run,
# by name (default: all of PATHS below); VM_ACCEL=kvm|tcg forces one.
#
# A path is a function path_NAME that readies what the guests attach to
# and sets:
#   LABEL            its name in the table
#   NET_A, NET_B     each guest's -netdev argument (with id=n0)
#   QARGS_A, QARGS_B arrays of more QEMU arguments (memory backends...)
#   SWITCH_PID       the process whose CPU time is the switch's, if any
#   B_READY          a command that succeeds once B may be connected to
# It adds what undoes it to DOWN (commands run after the path), and
# returns 1 after saying why on standard output when this host cannot
# run it.  Adding a path: write path_NAME and put NAME in PATHS.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${1:-build}
SW=$PWD/$B/switchd
T=${VM_SECONDS:-5}
MTUS=65520,9216,9000,1500
PATHS=(switchd_vde switchd_stream switchd_dgram switchd_vhost vde_switch bridge_vhost
    bridge_tap socket)
W=$(mktemp -d /tmp/switchd-benchvm.XXXXXX)
chmod 755 "$W"	# switchd runs as another user once it has dropped root
NS="sdv$$"
. tests/vm/vm.sh

# Every process the benchmark starts carries this mark, daemons too.
export SWITCHD_TEST_RUN="benchvm.$$"
. tests/leftovers.sh
DOWN=()
cleanup() {
	down
	leftovers "$SWITCHD_TEST_RUN" "$NS" "" >/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
die() { echo "bench-vm: $*" >&2; exit 1; }
down() {	# last made, first undone
	local i
	for ((i = ${#DOWN[@]} - 1; i >= 0; i--)); do eval "${DOWN[i]}"; done
	DOWN=()
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, taps)"
[ -x "$SW" ] || die "$SW not built (make)"
command -v qemu-system-x86_64 >/dev/null ||
	die "needs qemu-system-x86_64 (Debian package qemu-system-x86)"
build-aux/switchd-user.sh || die "no user switchd to run the switch as"
vm_image || die "the guest could not be built"
vm_accel
ip netns add "$NS" || die "ip netns add $NS"
ip -n "$NS" link set lo up

# has_netdev TYPE: whether this QEMU has -netdev TYPE
has_netdev() {
	qemu-system-x86_64 -netdev help 2>/dev/null | grep -qx "$1"
}
start_switchd() {
	"$SW" -s "$W/sd" 2>>"$W/switchd.log" &
	SWITCH_PID=$!
	DOWN+=("stop $SWITCH_PID")
	for _ in $(seq 100); do [ -S "$W/sd/ctl" ] && return 0; sleep 0.05; done
	die "switchd did not start"
}

path_switchd_vde() {
	LABEL="switchd vde"
	has_netdev vde || { echo "this QEMU has no -netdev vde"; return 1; }
	start_switchd
	NET_A="vde,id=n0,sock=$W/sd" NET_B=$NET_A
}
path_switchd_stream() {
	LABEL="switchd stream"
	has_netdev stream || { echo "this QEMU has no -netdev stream"; return 1; }
	start_switchd
	NET_A="stream,id=n0,server=off,addr.type=unix,addr.path=$W/sd/stream"
	NET_B=$NET_A
}
# QEMU makes its sockets with umask 0 here: the switch must write to them.
path_switchd_dgram() {
	LABEL="switchd dgram"
	has_netdev dgram || { echo "this QEMU has no -netdev dgram"; return 1; }
	start_switchd
	NET_A="dgram,id=n0,local.type=unix,local.path=$W/a.sock,remote.type=unix,remote.path=$W/sd/dgram"
	NET_B="dgram,id=n0,local.type=unix,local.path=$W/b.sock,remote.type=unix,remote.path=$W/sd/dgram"
}
# The guest's memory a shared memfd, which the switch maps.  MSI-X off:
# QEMU 7.2 crashes unmasking a vhost-user NIC's config vector.
path_switchd_vhost() {
	LABEL="switchd vhost-user"
	has_netdev vhost-user || { echo "this QEMU has no -netdev vhost-user"; return 1; }
	start_switchd
	NET_A="vhost-user,id=n0,chardev=c0" NET_B=$NET_A
	QARGS_A=(-object memory-backend-memfd,id=mem,size=256M,share=on
	    -numa node,memdev=mem -global virtio-net-pci.vectors=0
	    -chardev "socket,id=c0,path=$W/sd/vhost")
	QARGS_B=("${QARGS_A[@]}")
}
path_vde_switch() {
	LABEL="vde_switch vde"
	has_netdev vde || { echo "this QEMU has no -netdev vde"; return 1; }
	command -v vde_switch >/dev/null ||
		{ echo "no vde_switch (Debian package vde2)"; return 1; }
	vde_switch -s "$W/vde" -d -p "$W/vde.pid" >/dev/null 2>&1 ||
		die "vde_switch did not start"
	SWITCH_PID=$(cat "$W/vde.pid")
	DOWN+=("stop $SWITCH_PID")
	NET_A="vde,id=n0,sock=$W/vde" NET_B=$NET_A
}
# bridge VHOST: a Linux bridge with a tap for each guest, at the
# largest MTU a tap takes
bridge() {
	local g
	ip -n "$NS" link add br0 type bridge || die "no bridge"
	DOWN+=("ip -n $NS link del br0")
	for g in a b; do
		ip -n "$NS" tuntap add dev "tap$g" mode tap vnet_hdr ||
			die "no tap"
		DOWN+=("ip -n $NS link del tap$g")
		ip -n "$NS" link set "tap$g" mtu 65520 master br0 up
	done
	ip -n "$NS" link set br0 up
	NET_A="tap,id=n0,ifname=tapa,script=no,downscript=no,vhost=$1"
	NET_B="tap,id=n0,ifname=tapb,script=no,downscript=no,vhost=$1"
}
# QEMU 7.2 aborts on an assertion, not an error, when vhost=on cannot
# open /dev/vhost-net: look first.
path_bridge_vhost() {
	LABEL="bridge tap vhost=on"
	if ! [ -c /dev/vhost-net ] || ! (exec 3<>/dev/vhost-net) 2>/dev/null; then
		echo "no /dev/vhost-net to open here"
		return 1
	fi
	bridge on
}
path_bridge_tap() {
	LABEL="bridge tap vhost=off"
	bridge off
}
path_socket() {
	LABEL="socket, no switch"
	NET_B="socket,id=n0,listen=127.0.0.1:5600"
	NET_A="socket,id=n0,connect=127.0.0.1:5600"
	B_READY="ip netns exec $NS ss -Hltn 'sport = :5600' | grep -q ."
}

# cpu_snap: for the switch and each QEMU thread, the nanoseconds it ran
# and those it waited, runnable, for a core (schedstat): "key ran
# waited" a line; keys: switch, A.vcpu, A.io (the other threads, and
# the kernel's vhost thread for that QEMU, if any), B...
cpu_snap() {
	local g pid t comm
	[ -n "$SWITCH_PID" ] && echo "switch $(cut -d' ' -f1,2 \
	    "/proc/$SWITCH_PID/schedstat")"
	for g in A B; do
		pid=${QPID[$g]}
		# A, done, may have powered off by its last result.
		[ -d "/proc/$pid/task" ] || continue
		for t in /proc/"$pid"/task/* $(pgrep -x "vhost-$pid" |
		    sed 's|^|/proc/|'); do
			comm=$(<"$t/comm") || continue
			case $comm in
			CPU*) echo "$g.vcpu $(cut -d' ' -f1,2 "$t/schedstat")" ;;
			*) echo "$g.io $(cut -d' ' -f1,2 "$t/schedstat")" ;;
			esac
		done
	done | awk '{ r[$1] += $2; w[$1] += $3 }
	    END { for (k in r) print k, r[k], w[k] }'
}

# A result line's value: val LINE KEY
val() { sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

declare -A RES CPU MAXMTU QPID STATUS
# run NAME: both guests on path NAME, until A is done
run() {
	local name=$1 ser line part t0 snap0 deadline fd tailpid
	LABEL=$name NET_A="" NET_B="" QARGS_A=() QARGS_B=() SWITCH_PID="" B_READY=""
	if ! "path_$name" >"$W/why"; then
		LABELS[$name]=$LABEL STATUS[$name]="not run: $(cat "$W/why")"
		return
	fi
	LABELS[$name]=$LABEL
	ser=$W/$name
	vm_qemu "$ser-B.serial" 52:54:00:90:00:02 "$NET_B" \
	    "vm.role=server vm.ip=10.90.0.2/24 vm.mtus=$MTUS" "${QARGS_B[@]}"
	(umask 0; exec ip netns exec "$NS" "${VM_CMD[@]}") >"$ser-B.log" 2>&1 &
	QPID[B]=$!
	DOWN+=("stop ${QPID[B]}")
	if [ -n "$B_READY" ]; then
		for _ in $(seq 200); do eval "$B_READY" && break; sleep 0.05; done
	fi
	vm_qemu "$ser-A.serial" 52:54:00:90:00:01 "$NET_A" \
	    "vm.role=client vm.ip=10.90.0.1/24 vm.peer=10.90.0.2 vm.mtus=$MTUS vm.time=$T" \
	    "${QARGS_A[@]}"
	(umask 0; exec ip netns exec "$NS" "${VM_CMD[@]}") >"$ser-A.log" 2>&1 &
	QPID[A]=$!
	DOWN+=("stop ${QPID[A]}")
	deadline=$((SECONDS + 120 + 8 * (T + 10)))
	# While A runs, the CPU time of each of its tests, as A prints them.
	exec {fd}< <(exec tail -n +1 -F "$ser-A.serial" 2>/dev/null)
	tailpid=$!
	part=""
	while [ $SECONDS -lt $deadline ]; do
		if ! IFS= read -r -t 5 -u "$fd" line; then
			part+=$line	# what came of a line before the timeout
			kill -0 "${QPID[A]}" 2>/dev/null || break
			continue
		fi
		line=${part}${line%$'\r'} part=""
		case $line in
		VM-BEGIN*)
			t0=${EPOCHREALTIME/[.,]/} snap0=$(cpu_snap) ;;
		"VM-RESULT test=mtu "*) ;;
		VM-RESULT*)
			CPU[$name,$(val "$line" test),$(val "$line" mtu)]=$(cpu_snap |
			    awk -v t0="$t0" -v t1="${EPOCHREALTIME/[.,]/}" '
			    NR == FNR { r[$1] = $2; w[$1] = $3; next }
			    { printf "%s=%.3f %s.wait=%.3f ", $1, ($2 - r[$1]) / 1e9,
				$1, ($3 - w[$1]) / 1e9 }
			    END { printf "wall=%.3f", (t1 - t0) / 1e6 }' \
			    <(echo "$snap0") -) ;;
		VM-DONE*)
			break ;;
		esac
	done
	kill "$tailpid"
	exec {fd}<&-
	down
	# The results, from A's whole console once it is done.
	STATUS[$name]="A did not finish"
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"VM-RESULT test=mtu "*)
			MAXMTU[$name]=$(val "$line" max) ;;
		VM-RESULT*)
			RES[$name,$(val "$line" test),$(val "$line" mtu)]=$line ;;
		VM-DONE*)
			STATUS[$name]=${line#VM-DONE } ;;
		esac
	done <"$ser-A.serial"
	if [ "${STATUS[$name]}" != "status=ok" ]; then
		echo "bench-vm: $LABEL: ${STATUS[$name]}; A's console:" >&2
		tail -n 5 "$ser-A.serial" >&2
	fi
}

declare -A LABELS
echo "VM to VM: two guests (1 vCPU, 256 MB, virtio-net; $(cat "$VM_DIR/kernel"))" \
    "under ${VM_ACCEL^^} ($VM_ACCEL_WHY); $(nproc) host cores"
echo "iperf3 ${T} s a run, one run of each, paths one after another; A sends, B receives;"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${VM_PATHS:-}" ] && read -ra PATHS <<<"$VM_PATHS"
for p in "${PATHS[@]}"; do
	declare -F "path_$p" >/dev/null || die "no path $p (VM_PATHS)"
	echo "  $p ..." >&2
	run "$p"
done

# The tables.  fmt VALUE SCALE DIGITS: VALUE/SCALE, or "-"
fmt() { awk -v v="$1" -v s="$2" -v d="$3" 'BEGIN {
	if (v == "") print "-"; else printf "%.*f", d, v / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
# rows: "PATH MTU", a line for each measured row
rows() {
	local p
	for p in "${PATHS[@]}"; do
		[ "${STATUS[$p]}" = "status=ok" ] || continue
		echo "$p 1500"
		[ "${MAXMTU[$p]:-1500}" = 1500 ] || echo "$p ${MAXMTU[$p]}"
	done
}
# The TCP stream of the socket path at MTU 1500 is what ratios are of.
ref=$(val "${RES[socket,tcp1,1500]:-}" gbps)
fmt1='%-21s %5s %7s %6s %7s %7s %8s %9s %8s\n'
echo
printf "$fmt1" "" "" "TCP" "x" "4 TCP" "TCP" "UDP 64B" "ping ms" "switch"
printf "$fmt1" path MTU "Gbit/s" socket "Gbit/s" retrans "kframe/s" "min/avg" "CPU s/GB"
while read -r p m; do
	r1=${RES[$p,tcp1,$m]:-} r4=${RES[$p,tcp4,$m]:-}
	u=${RES[$p,udp64,$m]:-} pg=${RES[$p,ping,$m]:-}
	c=" ${CPU[$p,tcp1,$m]:-}"
	sw=-
	[[ $c == *switch=* ]] && sw=$(awk -v c="$(val "$c" switch)" \
	    -v b="$(val "$r1" bytes)" 'BEGIN { printf "%.2f", c / (b / 1e9) }')
	printf "$fmt1" "${LABELS[$p]}" "$m" "$(fmt "$(val "$r1" gbps)" 1 2)" \
	    "$(ratio "$(val "$r1" gbps)" "$ref")" "$(fmt "$(val "$r4" gbps)" 1 2)" \
	    "$(val "$r1" retrans)" "$(fmt "$(val "$u" pps)" 1000 1)" \
	    "$(fmt "$(val "$pg" rtt_min_ms)" 1 2)/$(fmt "$(val "$pg" rtt_ms)" 1 1)" "$sw"
done < <(rows)
for p in "${PATHS[@]}"; do
	[ "${STATUS[$p]}" = "status=ok" ] ||
		printf '%-21s %s\n' "${LABELS[$p]}" "${STATUS[$p]}"
done
echo "x socket: TCP Gbit/s over the socket path's at MTU 1500.  UDP and ping at MTU 1500 only."
# best PATH...: the fastest single TCP stream of those paths, as "Gbit/s label MTU"
best() {
	local p m
	for p in "$@"; do
		for m in 1500 ${MAXMTU[$p]:-}; do
			[ -n "${RES[$p,tcp1,$m]:-}" ] &&
				echo "$(val "${RES[$p,tcp1,$m]}" gbps) ${LABELS[$p]} $m"
		done
	done | sort -gr | head -1
}
sd=$(best switchd_vde switchd_stream switchd_dgram switchd_vhost)
br=$(best bridge_tap bridge_vhost)
echo "TCP, one stream at MTU 1500: switchd vde / vde_switch vde" \
    "$(ratio "$(val "${RES[switchd_vde,tcp1,1500]:-}" gbps)" \
    "$(val "${RES[vde_switch,tcp1,1500]:-}" gbps)")"
echo "The fastest switchd (${sd#* }) / the fastest bridge (${br#* }):" \
    "$(ratio "${sd%% *}" "${br%% *}")"

echo
echo "Where the CPU went during the single TCP stream: for each guest's vCPU thread,"
echo "the rest of its QEMU (main loop: the network backend) and the switch, the % of"
echo "one core it ran + the % of the time it waited, runnable, for a core; all: what"
echo "they ran together, in % of one core and in CPU seconds per GB carried"
fmt2='%-21s %5s %7s %7s %7s %7s %7s %5s %6s  %s\n'
printf "$fmt2" "" "" A A B B "" "" "all" ""
printf "$fmt2" path MTU vCPU QEMU vCPU QEMU switch all "s/GB" busiest
while read -r p m; do
	[ -n "${CPU[$p,tcp1,$m]:-}" ] || continue
	# The columns, one a line.
	mapfile -t v < <(echo "${CPU[$p,tcp1,$m]}" | tr ' =' '\n ' |
	    awk -v b="$(val "${RES[$p,tcp1,$m]}" bytes)" '
	    { t[$1] = $2 }
	    END {
		w = t["wall"] / 100
		n = split("A.vcpu A.io B.vcpu B.io switch", k, " ")
		for (i = 1; i <= n; i++) {
			if (!(k[i] in t)) {
				print "-"
				continue
			}
			printf "%.0f+%.0f\n", t[k[i]] / w, t[k[i] ".wait"] / w
			all += t[k[i]]
			if (t[k[i]] > t[top])
				top = k[i]
		}
		printf "%.0f\n%.1f\n", all / w, all / (b / 1e9)
		name = top
		sub(/^A\./, "A ", name); sub(/^B\./, "B ", name)
		sub(/vcpu/, "vCPU", name); sub(/io$/, "QEMU", name)
		printf "%s %.0f%%\n", name, t[top] / w
	    }')
	printf "$fmt2" "${LABELS[$p]}" "$m" "${v[@]}"
done < <(rows)
