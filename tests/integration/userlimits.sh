#!/bin/bash
# SPDX-License-Identifier: ISC
# One user cannot keep the others from attaching: at most 4 of a user's
# control connections wait for their request at once, and a user holds
# at most "userports" ports.  Past either limit that user is refused and
# logged; another user attaches at once.
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux
need_tool vdepeer
peer=$TOOLS/vdepeer

# Two users with no account: numbers are enough for the kernel.
ua=54301 ub=54302
as_a() { setpriv --reuid=$ua --regid=$ua --clear-groups "$@"; }
as_b() { setpriv --reuid=$ub --regid=$ub --clear-groups "$@"; }

sw=$T_WORK/sw
chmod 755 "$T_WORK"
start_switchd "$sw" -m 666
logged 5 "who may attach: anyone on this machine \(mode 0666\)" ||
	fail "switchd -m 666 does not say that anyone may attach"

# The connections accepted on DIR/ctl, and the listening socket.
ctl_socks() { grep -c " $sw/ctl\$" /proc/net/unix; }

# --- Waiting connections: four of a's wait; the fifth is refused now.
for i in 1 2 3 4; do
	bg "silent$i" as_a "$peer" -d "silent$i" ctl "$sw" silent
done
t_wait_for 10 sh -c "[ \$(grep -c ' $sw/ctl\$' /proc/net/unix) -ge 5 ]" ||
	fail "a's four connections are not there: $(ctl_socks)"
t0=$SECONDS
as_a "$peer" -d fifth ctl "$sw" silent
rc=$?
[ "$rc" -eq 2 ] || fail "a's fifth waiting connection: vdepeer exit $rc, not 2"
[ $((SECONDS - t0)) -le 3 ] || fail "a's fifth connection waited for the timeout"
logged 5 "attach from uid=$ua pid=[0-9]+ refused: 4 connections of this user are waiting" ||
	fail "the refusal is not logged"
as_b "$peer" -d b -w 0 raw "$sw" ||
	fail "b could not attach while a's connections wait"
ok "a's fifth waiting connection is refused; b attaches meanwhile"

# --- Ports: at most userports for one user (once a's waiting
# connections have timed out: each new one waits a moment too).
t_wait_for 20 sh -c "cat '$T_WORK'/silent[1-4].log | grep -c refused | grep -qx 4" ||
	fail "a's waiting connections did not time out"
ctl set userports 2 || fail "set userports 2"
bg a1 as_a "$peer" -d a1 -w 60 raw "$sw"
bg a2 as_a "$peer" -d a2 -w 60 raw "$sw"
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' ports | grep -Ec ' a[12]( |$)' | grep -qx 2" ||
	fail "a's two ports did not attach: $(ctl ports)"
# Refusals are logged at most once a second: ask until one is.
deadline=$((SECONDS + 10))
until grep -Eq "attach from uid=$ua pid=[0-9]+ refused: this user holds 2 ports" \
    "$T_WORK/switchd.log"; do
	[ $SECONDS -lt $deadline ] || fail "the refused third port is not logged"
	as_a "$peer" -d a3 -w 0 raw "$sw"
	rc=$?
	[ "$rc" -eq 2 ] || fail "a's third port: vdepeer exit $rc, not 2 (refused)"
	sleep 0.2
done
as_b "$peer" -d b -w 0 raw "$sw" || fail "b could not attach while a is at its limit"
"$peer" -d root -w 0 raw "$sw" || fail "root could not attach"
ok "a's third port is refused with userports 2; b and root attach"

ctl set userports 0 || fail "set userports 0"
as_a "$peer" -d a3 -w 0 raw "$sw" || fail "a's third port refused with no limit"
ok "userports 0: no limit"

# --- 500 idle connections of a and a's ports: b attaches within a second.
# a1 and a2 are still there: a is at its limit again.
ctl set userports 2 || fail "set userports 2"
[ "$(ctl ports | grep -Ec ' a[12]( |$)')" = 2 ] || fail "a1 and a2 are gone: $(ctl ports)"
# Not through as_a: bg must know the pid of vdepeer itself, to stop it.
bg hold setpriv --reuid=$ua --regid=$ua --clear-groups "$peer" ctl "$sw" hold 500
t_wait_for 20 grep -qx 'holding 500' "$T_WORK/hold.log" ||
	fail "a did not open its 500 connections: $(cat "$T_WORK/hold.log")"
t0=${EPOCHREALTIME/[.,]/}
as_b "$peer" -d b3 -w 0 raw "$sw" || fail "b could not attach past a's 500 connections"
ms=$(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 ))
[ "$ms" -le 1000 ] || fail "b's attach took $ms ms past a's 500 connections and ports"
ok "a holds 500 idle connections and its ports: b attaches in $ms ms"

stop_switchd
