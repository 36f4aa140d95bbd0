#!/bin/bash
# SPDX-License-Identifier: ISC
# Load and faults: a MAC flood, attach churn, 200 ports at once, clients
# killed mid-traffic, and switchd itself killed and restarted, while two
# hosts keep pinging each other.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq
[ -x "$VDEBENCH" ] || fail "$VDEBENCH is not built (make B=build tests)"

sw=$T_WORK/sw
printf 'port 3 maclimit 1000\n' >"$T_WORK/conf"
start_switchd "$sw" -f "$T_WORK/conf"
host a "vde://$sw[1]" 10.90.0.1/24
host b "vde://$sw[2]" 10.90.0.2/24
pings a 10.90.0.2 || fail "a cannot ping b"
# ASan keeps freed memory in quarantine, valgrind its own books: there,
# the leak checkers look at exit and resident memory says nothing.
memlimit() {
	if [ -n "${VALGRIND:-}" ] || grep -q '^ENABLE_SANITIZERS = yes' "$BUILD/config.mk" 2>/dev/null; then
		echo 1000000000
	else
		echo "$1"
	fi
}
ctlj() { "$SWITCHCTL" -j -s "$sw" "$@"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SWITCHD_PID/status"; }
nfds() { ls "/proc/$SWITCHD_PID/fd" | wc -l; }
# background ping from a to b; pingcheck fails on any loss (a ping still
# out when the deadline stops ping is not one)
pingstart() { nsexec a ping -i 0.05 -W 1 -w "$1" 10.90.0.2 >"$T_WORK/ping.log" 2>&1 & PINGPID=$!; }
pingcheck() {
	local gaps
	wait "$PINGPID"
	gaps=$(ping_gaps "$T_WORK/ping.log")
	grep -q "icmp_seq=" "$T_WORK/ping.log" && [ "$gaps" = 0 ] ||
		fail "$1: $gaps pings lost: $(grep loss "$T_WORK/ping.log")"
}

# 1. One port sends from 1,000,000 source addresses.
rss0=$(rss)
pingstart 15
"$VDEBENCH" -m 1000000 -t 0.2 "$sw" >"$T_WORK/flood.log" 2>&1 &
FLOOD=$!
maxport=0 maxall=0
while kill -0 "$FLOOD" 2>/dev/null; do
	p=$(ctlj port 3 2>/dev/null | jq '.port.macs // 0')
	t=$(ctlj info | jq .macs)
	[ "${p:-0}" -gt "$maxport" ] && maxport=$p
	[ "${t:-0}" -gt "$maxall" ] && maxall=$t
	sleep 0.2
done
wait "$FLOOD" || fail "the flooding client failed: $(cat "$T_WORK/flood.log")"
kill -INT "$PINGPID" 2>/dev/null
pingcheck "MAC flood"
[ "$maxport" -gt 0 ] || fail "the flood was not seen on port 3"
[ "$maxport" -le 1000 ] || fail "port 3 held $maxport MACs, over its limit of 1000"
[ "$maxall" -le 16384 ] || fail "the table held $maxall MACs, over 16384"
rss1=$(rss)
[ $((rss1 - rss0)) -lt "$(memlimit 8192)" ] || fail "memory grew from $rss0 kB to $rss1 kB"
ok "MAC flood: port 3 peaked at $maxport MACs (limit 1000), table at $maxall; RSS $rss0 -> $rss1 kB; no ping lost"

# 2. Churn.
fd0=$(nfds) rss0=$(rss)
"$VDEBENCH" -c 10000 "$sw" >/dev/null || fail "churn client failed"
fd1=$(nfds) rss1=$(rss)
[ "$fd1" -le "$fd0" ] || fail "descriptors grew from $fd0 to $fd1 over 10000 attaches"
[ $((rss1 - rss0)) -lt "$(memlimit 2048)" ] || fail "memory grew from $rss0 kB to $rss1 kB over 10000 attaches"
ok "10000 attach/detach cycles: $fd0 -> $fd1 descriptors, $rss0 -> $rss1 kB"

# 3. 200 ports at once, every one passing a frame to the next.
out=$("$VDEBENCH" -a 200 "$sw") || fail "200 ports: $out"
ok "$out"

# 4. A client killed with SIGKILL in the middle of traffic.
"$VDEBENCH" -s 1500 -t 10 "$sw" >/dev/null 2>&1 &
K=$!
wait_for 5 sh -c "[ \"\$($SWITCHCTL -j -s $sw info | jq .ports)\" = 4 ]" ||
	fail "the traffic client did not attach"
# its frames flow: the switch has read some from its ports (not 1 or 2)
flowing() {
	ctlj ports | jq -e '[.ports[] | select(.port > 2) | .rx_frames] |
	    add > 0'
}
t_wait_for 10 flowing || fail "the traffic client sends nothing"
kill -KILL "$K"
wait_for 1 sh -c "[ \"\$($SWITCHCTL -j -s $sw info | jq .ports)\" = 2 ]" ||
	fail "ports of a killed client not freed within a second"
pings a 10.90.0.2 || fail "a cannot ping b after the kill"
ok "a SIGKILLed client's ports freed within a second"

# 5. switchd killed: clients see their connection end; a new one reclaims.
kill -KILL "$SWITCHD_PID"
wait "$SWITCHD_PID" 2>/dev/null
for ns in a b; do
	wait_for 5 sh -c "[ -z \"\$(ip netns pids $T_NS-$ns)\" ]" ||
		fail "vde_plug in $ns did not notice the switch was gone"
done
[ -S "$sw/ctl" ] || fail "expected a stale control socket after SIGKILL"
start_switchd "$sw"
ip netns del "$T_NS-a"; ip netns del "$T_NS-b"
host a "vde://$sw" 10.90.0.1/24
host b "vde://$sw" 10.90.0.2/24
pings a 10.90.0.2 || fail "no traffic through the restarted switch"
ok "switchd killed: clients saw the end, a new switchd reclaimed $sw"
stop_switchd
