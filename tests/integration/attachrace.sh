#!/bin/bash
# SPDX-License-Identifier: ISC
# The path a client names is looked up once.  A user swaps the name of
# its own socket with a symbolic link to another user's socket, without
# pause, while it attaches again and again; the switch floods frames to
# every port meanwhile.  The other user's socket never gets a frame: each
# attach either reaches the client's own socket or is refused.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux
need_tool vdepeer
need_tool swaprace

ua=54341 ub=54342	# the attacker and the victim: numbers, no account
rounds=3000	# a switch that looks the name up twice loses within them
sw=$T_WORK/sw
start_switchd "$sw" -m 666
mkdir "$T_WORK/a" "$T_WORK/b"
chown $ua:$ua "$T_WORK/a"; chown $ub:$ub "$T_WORK/b"

bg victim setpriv --reuid=$ub --regid=$ub --clear-groups \
    "$TOOLS/swaprace" victim "$T_WORK/b/sock"
t_wait_for 10 grep -qx ready "$T_WORK/victim.log" || fail "the victim did not start"

# Every attached port gets these broadcasts, 200 a second: under the
# storm limit.
bg flood "$TOOLS/vdepeer" -i 0.005 size "$sw" 60x100000
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' ports | grep -q vdepeer" ||
	fail "the flooding client did not attach"

setpriv --reuid=$ua --regid=$ua --clear-groups "$TOOLS/swaprace" attack \
    "$sw" "$T_WORK/a" "$T_WORK/b/sock" $rounds >"$T_WORK/attack.log" 2>&1 ||
	fail "the attack did not run: $(cat "$T_WORK/attack.log")"
read -r _ r _ a _ f _ g <"$T_WORK/attack.log"
echo "rounds $r attached $a refused $f frames $g"
[ "$r" = $rounds ] || fail "not every round ran: $(cat "$T_WORK/attack.log")"
grep -q '^got' "$T_WORK/victim.log" &&
	fail "the victim's socket got $(tail -n 1 "$T_WORK/victim.log" | cut -d' ' -f2) frames"
# The race was run: some attaches went through, some were refused as links.
[ "$a" -gt 0 ] && [ "$f" -gt 0 ] || fail "the race was not run both ways: $(cat "$T_WORK/attack.log")"
[ "$g" -gt 0 ] || fail "no attached round got a frame: nothing was flooded to it"
ok "$r rounds of swaps: $a attached to their own socket, $f refused, the victim got nothing"
switchd_alive
