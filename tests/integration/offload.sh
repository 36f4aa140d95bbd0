#!/bin/bash
# SPDX-License-Identifier: ISC
# Taps take the kernel's offloads: TCP between two taps crosses the switch
# in large segmentation frames, and a host behind a unix port (vde_plug,
# whose tap has no offloads) still gets ordinary frames with good
# checksums, whole TCP streams and UDP datagrams, both ways.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping iperf3 iperf3 socat socat jq jq

sw=$T_WORK/sw
ta=sdoa$$ tb=sdob$$
start_switchd "$sw" -t "$ta" -t "$tb"
for n in a b; do
	netns "$n"
	t=$([ $n = a ] && echo "$ta" || echo "$tb")
	ip link set "$t" netns "$T_NS-$n" || fail "cannot move $t"
	ip -n "$T_NS-$n" addr add "10.61.0.$([ $n = a ] && echo 1 || echo 2)/24" dev "$t"
	ip -n "$T_NS-$n" addr add "fd61::$([ $n = a ] && echo 1 || echo 2)/64" dev "$t" nodad
	ip -n "$T_NS-$n" link set "$t" up
done
host c "vde://$sw" 10.61.0.3/24
ip -n "$T_NS-c" addr add fd61::3/64 dev eth0 nodad
pings a 10.61.0.2 || fail "a cannot ping b (tap to tap)"
pings a 10.61.0.3 || fail "a cannot ping c (tap to unix port)"
ok "pings between taps and a unix port"

# port_of IFNAME: the switch port of a tap
port_of() { ctl -j ports | jq ".ports[] | select(.ifname == \"$1\") | .port"; }
pa=$(port_of "$ta"); pb=$(port_of "$tb")
pc=$(ctl -j ports | jq '.ports[] | select(.kind == "unix") | .port')
[ -n "$pa" ] && [ -n "$pb" ] && [ -n "$pc" ] || fail "ports: $(ctl ports)"
[ "$(ctl -j port "$pa" | jq .port.offload)" = true ] ||
	fail "the kernel did not take $ta's offloads: $(ctl port "$pa")"
ctl port "$pa" | grep -q 'offloads: *checksum, TCP segmentation' ||
	fail "switchctl port does not show the offloads: $(ctl port "$pa")"
counter() { ctl -j ports | jq ".ports[] | select(.port == $1) | .$2"; }
drops() { ctl -j ports | jq "[.ports[].drops[]] | add"; }

# iperf NS SERVERNS ADDR ARGS...: an iperf3 transfer; prints the bytes
# sent (TCP delivers them all, or iperf3 fails)
iperf() {
	local c=$1 s=$2 addr=$3 port j; shift 3
	port=$(free_port)
	bg "iperf-$s" ip netns exec "$T_NS-$s" iperf3 -s -1 -B "$addr" -p "$port"
	wait_for 5 nsexec "$s" ss -Htln "sport = :$port" ||
		fail "iperf3 server in $s did not start"
	j=$(timeout 60 ip netns exec "$T_NS-$c" iperf3 -c "$addr" -p "$port" -J "$@") ||
		fail "iperf3 $c -> $addr $*: $(jq -r .error <<<"$j")"
	jq '.end.sum_sent.bytes' <<<"$j"
}

# A tap that is still down refuses frames (EIO): count from here on.
d0=$(drops)
rx0=$(counter "$pa" rx_frames); rb0=$(counter "$pa" rx_bytes)
got=$(iperf a b 10.61.0.2 -n 64M)
[ "$got" -ge 67108864 ] || fail "a -> b: $got of 64 MiB"
f=$(( $(counter "$pa" rx_frames) - rx0 )); by=$(( $(counter "$pa" rx_bytes) - rb0 ))
[ "$f" -gt 0 ] && [ $((by / f)) -gt 1514 ] ||
	fail "a -> b crossed in frames of $((by / (f + 1))) bytes on average: no segmentation offload"
ok "64 MiB tap to tap, $f frames from a, $((by / f)) bytes each on average"

tx0=$(counter "$pc" tx_frames); tb0=$(counter "$pc" tx_bytes)
got=$(iperf a c 10.61.0.3 -n 32M)
[ "$got" -ge 33554432 ] || fail "a -> c: $got of 32 MiB"
f=$(( $(counter "$pc" tx_frames) - tx0 )); by=$(( $(counter "$pc" tx_bytes) - tb0 ))
[ $((by / f)) -le 1514 ] ||
	fail "to c: $f frames of $((by / (f + 1))) bytes on average"
ok "32 MiB tap to unix port, cut into $f frames of at most 1514 bytes"
got=$(iperf a c 10.61.0.3 -n 32M -R)
[ "$got" -ge 33554432 ] || fail "c -> a: $got of 32 MiB"
ok "32 MiB unix port to tap"
tx0=$(counter "$pc" tx_frames); tb0=$(counter "$pc" tx_bytes)
got=$(iperf a c fd61::3 -n 16M)
[ "$got" -ge 16777216 ] || fail "a -> c over IPv6: $got of 16 MiB"
f=$(( $(counter "$pc" tx_frames) - tx0 )); by=$(( $(counter "$pc" tx_bytes) - tb0 ))
[ $((by / f)) -le 1514 ] || fail "to c over IPv6: frames of $((by / f)) bytes on average"
ok "16 MiB over IPv6 tap to unix port, in $f frames"

# UDP: a's tap leaves the checksum to the switch; c's kernel drops a
# datagram whose checksum is wrong.
port=$(free_port)
bg udp-c ip netns exec "$T_NS-c" socat -u "UDP-RECV:$port,bind=10.61.0.3" "OPEN:$T_WORK/udp.out,creat"
listening() { nsexec c ss -Huln "sport = :$port" | grep -q .; }
wait_for 5 listening || fail "socat in c did not start"
head -c 1200 /dev/urandom >"$T_WORK/udp.in"
nsexec a socat -u "OPEN:$T_WORK/udp.in" "UDP-SENDTO:10.61.0.3:$port" ||
	fail "socat could not send"
wait_for 5 cmp -s "$T_WORK/udp.in" "$T_WORK/udp.out" ||
	fail "a UDP datagram from a tap did not reach c intact ($(stat -c %s "$T_WORK/udp.out" 2>/dev/null) bytes)"
ok "UDP from a tap reaches a unix port with its checksum"

[ "$(drops)" = "$d0" ] || fail "drops: $(ctl ports)"
switchd_alive
ok "no frame dropped"
