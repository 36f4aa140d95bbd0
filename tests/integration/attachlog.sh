#!/bin/bash
# SPDX-License-Identifier: ISC
# A client that attaches and detaches in a loop cannot flood the log:
# after a burst of 20, attach and detach lines are logged one every half
# second.  None is lost without a trace: the lines left out are counted
# in "switchctl info", and the log says how many, on the next line or on
# one of its own.  A single attach and detach are logged at once, before
# and after a flood.
. "$(dirname "$0")/lib.sh"
need_root
need_tool vdepeer
peer=$TOOLS/vdepeer
log=$T_WORK/switchd.log

sw=$T_WORK/sw
start_switchd "$sw"

# unlogged: the count of lines not logged that switchctl info gives
unlogged() {
	ctl -j info | grep -Eo '"attach_unlogged": *[0-9]+' | grep -Eo '[0-9]+$'
}
# lines: the attach and detach lines of the log
lines() {
	grep -Ec '\): (attached|detached)' "$log"
}
# told: the lines not logged, as the log tells them
told() {
	grep -Eo '[0-9]+ attach and detach lines not logged' "$log" |
		awk '{ n += $1 } END { print n + 0 }'
}
# all_told N: every one of N attach and detach lines is logged or told
all_told() {
	[ $(($(lines) + $(told))) -eq "$1" ]
}

# --- A single attach and detach: both logged at once.
"$peer" -d single1 -w 0 raw "$sw" || fail "a single attach failed"
logged 5 '\(single1 uid=0 pid=[0-9]+\): attached$' ||
	fail "a single attach is not logged"
logged 5 '\(single1 uid=0 pid=[0-9]+\): detached$' ||
	fail "a single detach is not logged"
[ "$(unlogged)" = 0 ] || fail "lines not logged before any flood: $(unlogged)"
ok "a single attach and detach are logged at once"

# --- 300 attaches and detaches in a loop.
n=300
start=${EPOCHREALTIME/[.,]/}
for ((i = 0; i < n; i++)); do
	"$peer" -d loop -w 0 raw "$sw" 2>/dev/null || fail "attach $i of the loop failed"
done
total=$((2 * n + 2))
t_wait_for 20 all_told "$total" ||
	fail "of $total lines, $(lines) logged and $(told) said not logged"
end=${EPOCHREALTIME/[.,]/}
secs=$(((end - start + 999999) / 1000000))
# The burst of 20, refilled before the loop, two a second, the two lines
# of the single attach, and two to spare for the switch's cached clock.
bound=$((20 + 2 * secs + 2 + 2))
[ "$(lines)" -le "$bound" ] ||
	fail "$(lines) attach and detach lines logged in $secs s, more than $bound"
[ "$(lines)" -ge 20 ] || fail "only $(lines) lines logged: the burst is not"
[ "$(unlogged)" -gt 0 ] || fail "switchctl info counts no line not logged"
[ "$(unlogged)" -eq "$(told)" ] ||
	fail "switchctl info counts $(unlogged) lines not logged, the log $(told)"
ctl info | grep -Eq "^attach/detach not logged: +$(told) lines$" ||
	fail "switchctl info does not show the lines not logged: $(ctl info)"
ok "$total attach and detach lines in $secs s: $(lines) logged, $(told) counted and told"

# --- After the flood, single ones are logged at once.  This wait is no
# guess at the machine's speed: the bucket refills two lines a second, so
# a second after the flood there is room for an attach and its detach.
sleep 1
before=$(told)
"$peer" -d single2 -w 0 raw "$sw" || fail "a single attach after the flood failed"
logged 5 '\(single2 uid=0 pid=[0-9]+\): attached$' ||
	fail "a single attach after the flood is not logged at once"
logged 5 '\(single2 uid=0 pid=[0-9]+\): detached$' ||
	fail "a single detach after the flood is not logged at once"
[ "$(told)" -eq "$before" ] || fail "lines were left out after the flood"
ok "after the flood, a single attach and detach are logged at once"

ctl counters reset || fail "counters reset"
[ "$(unlogged)" = 0 ] || fail "counters reset left $(unlogged) lines not logged"
ok "counters reset clears the count"

switchd_alive
stop_switchd
