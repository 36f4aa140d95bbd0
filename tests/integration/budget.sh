#!/bin/bash
# SPDX-License-Identifier: ISC
# The memory budget holds: 200 clients that never read, flooded with
# broadcasts, grow switchd's resident memory and the kernel memory of
# its sockets by no more than the budget, and the switch keeps
# forwarding between two others.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need ss iproute2
need_tool vdepeer
peer=$TOOLS/vdepeer

sw=$T_WORK/sw
budget=$((80 * 1024 * 1024))
start_switchd "$sw" -n 256 -b 80M
ctl info | grep -q "of $budget" || fail "switchctl info does not show the budget: $(ctl info)"
rss0=$(awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$SWITCHD_PID/status")

for i in $(seq 200); do
	bg "idle$i" "$peer" -r 3600000 -w 60 raw "$sw"
done
wait_for 30 sh -c "$SWITCHCTL -s $sw -j info | grep -Eq '\"ports\": *200,'" ||
	fail "the idle clients did not all attach: $(ctl info)"
# Each flood is 20000 broadcasts of 1500 bytes: 30 MB to every idle client.
for i in 1 2 3; do
	timeout 30 "$peer" -m 02:00:00:00:0b:01 -w 0.5 size "$sw" 1500x20000 \
	    >"$T_WORK/flood$i.log" 2>&1 || fail "flood $i: $(tail -1 "$T_WORK/flood$i.log")"
done

# kernel_mem: bytes the kernel holds for switchd's sockets (skmem r + t)
kernel_mem() {
	ss -xmpH 2>/dev/null | awk -v pid="pid=$SWITCHD_PID," '
	    index($0, pid) { f = 1 }
	    f && /skmem:/ { match($0, /r[0-9]+/); r = substr($0, RSTART + 1, RLENGTH - 1)
		match($0, /,t[0-9]+/); t = substr($0, RSTART + 2, RLENGTH - 2)
		s += r + t; f = 0 }
	    END { print s + 0 }'
}
rss=$(awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$SWITCHD_PID/status")
kmem=$(kernel_mem)
used=$(ctl -j info | grep -Eo '"memory": *[0-9]+' | grep -Eo '[0-9]+$')
echo "resident $rss0 -> $rss bytes, kernel socket memory $kmem, budget in use $used of $budget"
[ "$kmem" -gt 1000000 ] || fail "the idle clients' sockets hold only $kmem bytes: the test measures nothing"
[ $((rss - rss0 + kmem)) -le "$budget" ] ||
	fail "switchd grew by $((rss - rss0)) bytes and its sockets hold $kmem: over the $budget budget"
ok "200 idle clients: switchd grew $(((rss - rss0) / 1024)) KiB, its sockets hold $((kmem / 1024)) KiB, budget $((budget / 1024)) KiB"

# Still forwarding: ten frames from a fresh sender reach a fresh reader.
bg recv "$peer" -c -f 02:00:00:00:0b:02 -w 3 raw "$sw"
recv=$T_LASTPID
wait_for 5 sh -c "$SWITCHCTL -s $sw -j info | grep -Eq '\"ports\": *201,'" ||
	fail "a reader could not attach after the floods: $(ctl info)"
"$peer" -m 02:00:00:00:0b:02 -w 0.5 size "$sw" 100x10 >/dev/null 2>&1 ||
	fail "a sender could not attach after the floods"
wait "$recv"
grep -q '^10 frames' "$T_WORK/recv.log" ||
	fail "after the floods, a reader got $(cat "$T_WORK/recv.log") of 10"
switchd_alive
ok "still forwarding: 10 of 10 frames"
