#!/bin/bash
# SPDX-License-Identifier: ISC
# Two hosts attached with libvdeplug's vde_plug ping each other; a third,
# detached, gives its port back and a new client gets it.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping

sw=$T_WORK/sw
start_switchd "$sw"
# A switch started as is says who may attach, and how to let others in.
logged 5 "who may attach: root and [a-z0-9_]+ alone \(mode 0600\); to let others attach, start with -g GROUP -m 660 and put them in GROUP" ||
	fail "switchd does not say who may attach"
ok "switchd says who may attach, and how to allow more"
host a "vde://$sw" 10.50.0.1/24
host b "vde://$sw" 10.50.0.2/24
pings a 10.50.0.2 || fail "a cannot ping b through the switch"
ok "a pings b"

# Port 5 asked for by number, then freed by the client going away.
host c "vde://$sw[5]" 10.50.0.3/24
pings a 10.50.0.3 || fail "a cannot ping c on port 5"
grep -q "port 5 .*attached" "$T_WORK/switchd.log" || fail "c is not on port 5"
ip netns pids "$T_NS-c" | xargs -r kill
wait_for 5 grep -q "port 5 .*detached" "$T_WORK/switchd.log" ||
	fail "port 5 not freed when its client left"
ls "$sw" | grep -q '^005\.' && fail "port 5's data socket left behind"
ip netns del "$T_NS-c"
host d "vde://$sw[5]" 10.50.0.4/24
pings a 10.50.0.4 || fail "port 5 not reusable"
ok "port 5 reused after its client left"

# A second switch on the same directory refuses while the first lives.
if "$SWITCHD" -s "$sw" >"$T_WORK/second.log" 2>&1; then
	fail "a second switchd started on $sw"
fi
grep -q "another switch is running on $sw/ctl" "$T_WORK/second.log" ||
	fail "second switchd: $(cat "$T_WORK/second.log")"
pings a 10.50.0.2 || fail "the first switch stopped forwarding"
ok "a second switchd refused: $(cat "$T_WORK/second.log")"

stop_switchd
[ -e "$sw/ctl" ] && fail "control socket left after SIGTERM"
ok "clean exit"
