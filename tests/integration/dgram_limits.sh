#!/bin/bash
# SPDX-License-Identifier: ISC
# On DIR/dgram every sender address is a port, so one user sending from
# a thousand addresses is held to "userports": the first ones are ports,
# the rest are refused and counted, and another user still attaches.
# The ports end once their sockets go.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux jq jq socat socat
[ -x "$VDEBENCH" ] || fail "$VDEBENCH is not built (make B=build tests builds it)"

VMUSER=54361	# a number only
sw=$T_WORK/sw
chmod 755 "$T_WORK"
start_switchd "$sw" -m 666
ctl set userports 8 || fail "set userports 8"

# 1000 sockets, each sending a frame to DIR/dgram (and then one to the
# next, which only the 8 ports can get).
setpriv --reuid=$VMUSER --regid=$VMUSER --clear-groups \
    "$VDEBENCH" -k dgram -a 1000 "$sw" >"$T_WORK/bench.log" 2>&1
grep -q "^ports 1000 delivered [0-8]\$" "$T_WORK/bench.log" ||
	fail "vdebench: $(cat "$T_WORK/bench.log")"
n=$(grep -c "(dgram /tmp/vdebench\.[0-9.]* uid=$VMUSER pid=[0-9]*): attached" \
    "$T_WORK/switchd.log")
[ "$n" = 8 ] || fail "$n of uid $VMUSER's addresses became ports, not 8"
logged 5 "$sw/dgram: uid=$VMUSER pid=[0-9]+ refused: this user holds 8 ports, the most one user may \\(userports\\)" ||
	fail "the refusals are not logged"
refused=$(ctl -j info | jq .netdev_refused)
[ "$refused" -ge 992 ] || fail "only $refused refusals counted, not 992 or more"
ok "1000 addresses of one user: 8 ports, $refused frames refused and counted"

# Their sockets are gone with vdebench: so are the ports.
t_wait_for 10 sh -c "[ \$('$SWITCHCTL' -s '$sw' -j info | jq .ports) = 0 ]" ||
	fail "the ports stayed after their sockets went: $(ctl ports)"
ok "the ports ended when their sockets went"

# Another user (root) still attaches; the switch is fine.
arp_request 02:00:00:76:00:09 10.76.0.9 10.76.0.1 >"$T_WORK/arp"
(umask 0; socat -u "OPEN:$T_WORK/arp,ignoreeof" \
    "UNIX-SENDTO:$sw/dgram,bind=$T_WORK/root.sock") &
T_PIDS+=($!)
logged 10 "port [0-9]+ \\(dgram $T_WORK/root.sock uid=0 " ||
	fail "another user could not attach"
ok "another user attaches"
switchd_alive
stop_switchd
