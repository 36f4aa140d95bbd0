#!/bin/bash
# SPDX-License-Identifier: ISC
# A port's own socket, from switchd.conf(5): "port 1 stream PATH user U"
# and "port 2 dgram PATH user U" are made at start, U's alone (mode 600),
# and what comes through them lands on that port with its VLAN.  Another
# user cannot use them; a second peer while the port is taken is refused;
# U's own connections to DIR/stream never get these ports; a reload that
# changes them is refused whole; they are removed at exit.  One in a
# directory switchd's user may not write to is said to stay after exit.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 vde_plug vdeplug ping iputils-ping \
	jq jq setpriv util-linux socat socat

VMUSER=54352 OTHER=54353	# numbers only
AS_VM="setpriv --reuid=$VMUSER --regid=$VMUSER --clear-groups"
AS_OTHER="setpriv --reuid=$OTHER --regid=$OTHER --clear-groups"
sw=$T_WORK/sw
run=$T_WORK/run
mkdir "$run" && chmod 755 "$run"
cat >"$T_WORK/switchd.conf" <<EOF
port 1 stream $sw/vm1.sock user $VMUSER
port 1 access 20
port 2 dgram $sw/vm2.sock user $VMUSER
port 2 access 20
port 9 stream $run/vm9.sock
EOF
chmod 644 "$T_WORK/switchd.conf"
start_switchd "$sw" -m 666 -f "$T_WORK/switchd.conf"

for s in vm1 vm2; do
	[ "$(stat -c '%u %a %F' "$sw/$s.sock")" = "$VMUSER 600 socket" ] ||
		fail "$sw/$s.sock: $(stat -c '%u %a %F' "$sw/$s.sock"), not uid $VMUSER, 600"
done
ok "the ports' own sockets are uid $VMUSER's, mode 600"
ctl port 1 | grep -q "its own socket: *$sw/vm1.sock (QEMU -netdev stream)" ||
	fail "switchctl port 1 does not show its socket: $(ctl port 1)"
logged 5 "port 9 stream $run/vm9.sock: the user switchd runs as \(uid [0-9]+\) may not write to $run, so the socket stays there" ||
	fail "a socket that cannot be removed at exit is not said so"

# Hosts behind QEMU, one on each socket, and one on VLAN 1 through DIR/ctl.
qemu_host a "stream,id=n0,server=off,addr.type=unix,addr.path=$sw/vm1.sock" \
    10.76.0.1/24
umask 0		# the switch runs as another user, who writes to b's socket
qemu_host b "dgram,id=n0,local.type=unix,local.path=$T_WORK/b.sock,remote.type=unix,remote.path=$sw/vm2.sock" \
    10.76.0.2/24
umask 022
host c "vde://$sw" 10.76.0.3/24
pings a 10.76.0.2 || fail "a (port 1) cannot ping b (port 2)"
logged 5 "port 1 \\(stream qemu-system-x86 uid=0 " || fail "a is not on port 1"
logged 5 "port 2 \\(dgram $T_WORK/b.sock uid=0 " || fail "b is not on port 2"
no_pings a 10.76.0.3 || fail "a, on VLAN 20, reaches c on VLAN 1"
ok "a on port 1 (stream) and b on port 2 (dgram) ping each other on VLAN 20, not c"

# Another user: the file system says no.
if $AS_OTHER socat -u OPEN:/dev/null "UNIX-CONNECT:$sw/vm1.sock" \
    2>"$T_WORK/other.log"; then
	fail "uid $OTHER connected to uid $VMUSER's socket"
fi
grep -qi "permission denied" "$T_WORK/other.log" ||
	fail "uid $OTHER refused, but not by permissions: $(cat "$T_WORK/other.log")"
ok "another user cannot use them"

# Port 1 is taken: another connection to its socket is refused.
$AS_VM socat -u OPEN:/dev/null "UNIX-CONNECT:$sw/vm1.sock" ||
	fail "uid $VMUSER cannot connect to its own socket"
logged 5 "$sw/vm1.sock: uid=$VMUSER pid=[0-9]+ refused: port 1, this socket's, is in use" ||
	fail "a second peer on port 1's socket is not refused"
ok "a second peer on a port's own socket is refused while the port is taken"

# U's connection to DIR/stream gets a port of its own, not 1 or 2.
bg vmstream $AS_VM socat -u OPEN:/dev/null,ignoreeof \
    "UNIX-CONNECT:$sw/stream"
logged 5 "port 4 \\(stream socat uid=$VMUSER " ||
	fail "uid $VMUSER's DIR/stream connection is not on port 4 (after c's 3)"
ok "uid $VMUSER's own DIR/stream connection gets port 4"

# A reload that changes them is refused whole.
sed -i "s|$sw/vm1.sock|$sw/other.sock|; s|access 20|access 30|" \
    "$T_WORK/switchd.conf"
ctl reload >"$T_WORK/reload.log" 2>&1 && fail "a reload moved port 1's socket"
grep -q "port 1: its own socket, and who it belongs to, change only with a restart" \
    "$T_WORK/reload.log" || fail "the reload error: $(cat "$T_WORK/reload.log")"
[ "$(ctl -j port 1 | jq .port.vlan.vlan)" = 20 ] ||
	fail "the refused reload changed port 1's VLAN"
ctl "port 2 dgram $sw/x.sock" >/dev/null 2>&1 && fail "set moved port 2's socket"
pings a 10.76.0.2 || fail "a lost b after the refused reload"
ok "a reload or a set that changes them is refused, nothing changed"

switchd_alive
stop_switchd
[ -e "$sw/vm1.sock" ] || [ -e "$sw/vm2.sock" ] &&
	fail "the ports' sockets are left after exit: $(ls "$sw")"
ok "clean exit, the ports' sockets removed"
