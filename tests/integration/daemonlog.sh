#!/bin/bash
# SPDX-License-Identifier: ISC
# switchd -d on a machine with no syslog (nothing listens on /dev/log):
# its log lines, refusals included, go on to standard error after it has
# become a daemon, instead of nowhere.
. "$(dirname "$0")/lib.sh"
need_root
need unshare util-linux
need_tool vdepeer

sw=$T_WORK/sw
# In a mount namespace of its own, /dev/log is not a socket, whatever
# this machine has.
: >"$T_WORK/notasocket"
unshare -m sh -c "
	[ -e /dev/log ] && mount --bind '$T_WORK/notasocket' /dev/log
	exec '$SWITCHD' -d -s '$sw' -m 666 -p '$T_WORK/pid'" 2>"$T_WORK/err.log" ||
	fail "switchd -d did not start: $(cat "$T_WORK/err.log")"
T_PIDS+=("$(cat "$T_WORK/pid")")
grep -q "no syslog (/dev/log is not a socket): logging to standard error" "$T_WORK/err.log" ||
	fail "switchd did not say where its log goes: $(cat "$T_WORK/err.log")"
# Logged after daemon(): on stderr still.
t_wait_for 10 grep -q "switch $sw ready" "$T_WORK/err.log" ||
	fail "the ready line is not on stderr: $(cat "$T_WORK/err.log")"
"$TOOLS/vdepeer" ctl "$sw" garbage
t_wait_for 10 grep -q "attach from uid=0 pid=[0-9]* refused: bad magic" "$T_WORK/err.log" ||
	fail "the refusal is not on stderr: $(cat "$T_WORK/err.log")"
ok "with no syslog, the daemon logs to standard error"
pid=$(cat "$T_WORK/pid")
kill "$pid"
t_wait_for 10 sh -c "! kill -0 $pid" || fail "switchd -d did not exit on SIGTERM"
grep -q "signal 15: shutting down" "$T_WORK/err.log" || fail "no shutdown line"
ok "and exits on SIGTERM, saying so"
