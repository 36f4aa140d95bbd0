#!/bin/bash
# SPDX-License-Identifier: ISC
# switchplug with the real VDE programs: vdeplug4's vde_plug at the other
# end of the stdio stream, both ways round, and Debian's vde_switch as the
# switch switchplug attaches to; when vde_switch goes away, switchplug
# exits 1, or with -r attaches again once it is back.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug dpipe vdeplug vde_switch vde2 ping iputils-ping

a=$T_WORK/a b=$T_WORK/b v=$T_WORK/v
start_switchd "$a"
start_switch switchd-b "$b"
host a "vde://$a" 10.62.0.1/24
host b "vde://$b" 10.62.0.2/24
pings a 10.62.0.2 && fail "a reaches b with nothing between the switches"

# detached LOG N: wait until ports have been released N times in LOG
detached_n() { [ "$(grep -c 'detached' "$T_WORK/$1.log")" -ge "$2" ]; }
detached() { wait_for 5 detached_n "$@"; }

bg dpipe1 dpipe "$SWITCHPLUG" -v "$a" = vde_plug "vde://$b"
pings a 10.62.0.2 || fail "switchplug = vde_plug: a cannot ping b"
ok "switchplug (switchd A) = vde_plug (switchd B): a pings b"
kill "$T_LASTPID"
detached switchd 1 && detached switchd-b 1 ||
	fail "ports not released when the dpipe ended"
pings a 10.62.0.2 && fail "a still reaches b after the dpipe ended"

bg dpipe2 dpipe vde_plug "vde://$a" = "$SWITCHPLUG" -v "$b"
pings b 10.62.0.1 || fail "vde_plug = switchplug: b cannot ping a"
ok "vde_plug (switchd A) = switchplug (switchd B): b pings a"
kill "$T_LASTPID"
detached switchd 2 && detached switchd-b 2 ||
	fail "ports not released when the second dpipe ended"

# vde_switch leaves when its console (stdin) ends: a FIFO opened for
# reading and writing never does.
mkfifo "$T_WORK/vde_switch.in"
bg vde_switch bash -c 'exec vde_switch -s "$1" <>"$2"' _ "$v" \
	"$T_WORK/vde_switch.in"
vdesw=$T_LASTPID
wait_for 10 test -S "$v/ctl" || fail "vde_switch did not start"
host c "vde://$v" 10.62.0.3/24
bg dpipe3 dpipe "$SWITCHPLUG" -v -r "$v" = "$SWITCHPLUG" -v "$a"
plug=$T_LASTPID
pings c 10.62.0.1 || fail "switchplug on vde_switch: c cannot ping a"
ok "switchplug (vde_switch) = switchplug (switchd A): c pings a"
grep -q "attached to $v port" "$T_WORK/dpipe3.log" ||
	fail "switchplug did not say which vde_switch port it has"

# A switch that goes away ends switchplug with a message and status 1.
# (Its stdin: a FIFO it holds open itself, that never ends.)
mkfifo "$T_WORK/plug.in"
bg plugv bash -c 'exec "$1" -v "$2" <>"$3" >/dev/null' _ "$SWITCHPLUG" "$v" \
	"$T_WORK/plug.in"
plugv=$T_LASTPID
wait_for 5 grep -q "attached to $v port" "$T_WORK/plugv.log" ||
	fail "second switchplug did not attach to vde_switch"
kill "$vdesw"
wait_for 10 grep -q "$v port [0-9]*: the switch closed the port; exiting" \
	"$T_WORK/plugv.log" || fail "switchplug did not notice vde_switch left"
wait "$plugv"
rc=$?
[ "$rc" -eq 1 ] || fail "switchplug exited $rc, not 1, when the switch left"
ok "vde_switch gone: switchplug says so and exits 1"

# With -r, switchplug waits for the switch to come back, and attaches again.
wait_for 10 grep -q "$v port [0-9]*: the switch closed the port; attaching" \
	"$T_WORK/dpipe3.log" || fail "switchplug -r missed vde_switch leaving"
bg vde_switch2 bash -c 'exec vde_switch -s "$1" <>"$2"' _ "$v" \
	"$T_WORK/vde_switch.in"
wait_for 10 test -S "$v/ctl" || fail "vde_switch did not start again"
reattached() {
	[ "$(grep -c "attached to $v port" "$T_WORK/dpipe3.log")" -ge 2 ]
}
wait_for 20 reattached || fail "switchplug -r did not attach again"
ip netns pids "$T_NS-c" | xargs -r kill -KILL
ip netns del "$T_NS-c"
host c2 "vde://$v" 10.62.0.4/24
pings c2 10.62.0.1 || fail "no traffic after switchplug -r attached again"
ok "switchplug -r: vde_switch restarted, attached again, c2 pings a"
