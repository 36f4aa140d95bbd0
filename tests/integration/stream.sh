#!/bin/bash
# SPDX-License-Identifier: ISC
# A QEMU with no VDE attaches with -netdev stream on DIR/stream.  The
# socket has DIR/ctl's owner, group and mode.  An unprivileged QEMU in
# the switch's group network-boots over it with no disk: a DHCP lease
# from dnsmasq on the switch's tap, then its boot file by TFTP.  Its port
# is the first one its user may have, shows as "stream" with its user
# and pid, and "switchctl disconnect" ends it.  A user outside the group
# cannot connect; a user at the userports limit is refused and logged.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq jq jq \
	setpriv util-linux socat socat
[ -f /usr/lib/ipxe/qemu/efi-e1000.rom ] || [ -f /usr/share/qemu/pxe-e1000.rom ] ||
	skip "needs QEMU's network boot firmware (Debian package ipxe-qemu)"

VMGROUP=54331 VMUSER=54332 OUTSIDER=54333 OTHER=54334	# numbers only
MAC=52:54:00:71:00:02
sw=$T_WORK/sw
# In the background, as "bg NAME $AS_VM CMD...": bg's pid is CMD's.
AS_VM="setpriv --reuid=$VMUSER --regid=$VMUSER --groups=$VMGROUP"
AS_OUT="setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --clear-groups"

# The switch and the host side, with its tap, in a namespace of their own.
netboot_gw 10.71.0 "switchd stream test"

# DIR/stream is made and opened like DIR/ctl.
[ -S "$sw/stream" ] || fail "no $sw/stream"
[ "$(stat -c '%U %g %a' "$sw/stream")" = "$(stat -c '%U %g %a' "$sw/ctl")" ] ||
	fail "stream and ctl differ: $(stat -c '%n %U %g %a' "$sw/stream" "$sw/ctl")"
[ "$(stat -c '%g %a' "$sw/stream")" = "$VMGROUP 660" ] ||
	fail "$sw/stream is not group $VMGROUP, mode 660: $(stat -c '%g %a' "$sw/stream")"
ok "$sw/stream: $(stat -c '%U %g %a' "$sw/stream"), as ctl"

# Ports 2 and 3 are another user's and another group's: the VM gets 4.
ctl set port 2 user $OTHER || fail "set port 2 user"
ctl set port 3 group $OTHER || fail "set port 3 group"
bg qemu $AS_VM qemu-system-x86_64 -M pc -accel tcg -m 64 -display none \
    -nodefaults -boot n \
    -netdev "stream,id=n0,server=off,addr.type=unix,addr.path=$sw/stream" \
    -device "e1000,netdev=n0,mac=$MAC"
logged 10 "port 4 \\(stream qemu-system-x86 uid=$VMUSER pid=[0-9]+\\): attached" ||
	fail "QEMU did not attach on port 4 as uid $VMUSER"
ok "QEMU attached: $(grep -Eo 'port [0-9]+ \(stream[^)]*\): attached' \
    "$T_WORK/switchd.log" | head -1)"
wait_for 60 grep -q "DHCPACK(tap0) [0-9.]* $MAC" "$T_WORK/dnsmasq.log" ||
	fail "no DHCP lease for the QEMU on $sw/stream"
ok "lease: $(grep "DHCPACK(tap0) [0-9.]* $MAC" "$T_WORK/dnsmasq.log" | head -1)"
wait_for 60 grep -q "sent .*hello.ipxe to 10.71.0." "$T_WORK/dnsmasq.log" ||
	fail "the VM did not fetch its boot file by TFTP"
ok "the VM fetched its boot file from 10.71.0.1 by TFTP"

# switchctl: the kind, the user and the pid.
j=$(ctl -j port 4)
jq -e --argjson u $VMUSER '.port | .kind == "stream" and .uid == $u and
    .pid > 0 and .rx_frames > 0 and .tx_frames > 0' <<<"$j" >/dev/null ||
	fail "port 4 is not shown as a stream of uid $VMUSER: $j"
ctl ports | grep -Eq "^ +4 +stream .* qemu-system-x86\$" ||
	fail "switchctl ports does not show port 4 as stream: $(ctl ports)"
ctl -l ports | grep -Eq "^ +4 +stream .* [^ ]+/[0-9]+ " ||
	fail "switchctl -l ports does not show port 4's user/pid: $(ctl -l ports)"
ok "switchctl ports: $(ctl ports | grep -E '^ +4 ')"

# Outside the group: the file system says no, to QEMU as to anyone.
mkdir "$T_WORK/out" && chown $OUTSIDER "$T_WORK/out"
bg outsider $AS_OUT qemu-system-x86_64 -M none -display none -nodefaults \
    -monitor "unix:$T_WORK/out/mon,server=on,wait=off" \
    -netdev "stream,id=n0,server=off,addr.type=unix,addr.path=$sw/stream"
mon() { echo "info network" | socat - "UNIX-CONNECT:$T_WORK/out/mon"; }
t_wait_for 30 sh -c "echo info network | socat - UNIX-CONNECT:$T_WORK/out/mon |
    grep -q 'type=stream,connection error'" ||
	fail "the outsider's QEMU is not refused: $(mon)"
if $AS_OUT socat -u OPEN:/dev/null "UNIX-CONNECT:$sw/stream" \
    2>"$T_WORK/outsider.log"; then
	fail "a user outside the group connected"
fi
grep -qi "permission denied" "$T_WORK/outsider.log" ||
	fail "outsider refused, but not by permissions: $(cat "$T_WORK/outsider.log")"
[ "$(ctl -j info | jq .ports)" = 2 ] || fail "ports: $(ctl ports)"
ok "a user outside the group is refused: $(head -1 "$T_WORK/outsider.log")"

# userports: the VM's user holds one port, and may hold no more.
ctl set userports 1 || fail "set userports 1"
$AS_VM socat -u OPEN:/dev/null "UNIX-CONNECT:$sw/stream" ||
	fail "socat as uid $VMUSER could not connect"
logged 5 "$sw/stream: uid=$VMUSER pid=[0-9]+ refused: this user holds 1 ports" ||
	fail "a second stream port of uid $VMUSER is not refused"
[ "$(ctl -j info | jq .netdev_refused)" -ge 1 ] ||
	fail "the refusal is not counted: $(ctl -j info)"
ctl set userports 0 || fail "set userports 0"
ok "a user at the userports limit is refused on $sw/stream, and counted"

# switchctl disconnect: the port goes, and QEMU sees its connection closed.
ctl disconnect 4 || fail "disconnect 4"
logged 5 "port 4 \\(stream .*\\): disconnected by switchctl" ||
	fail "the disconnect is not logged"
[ "$(ctl -j info | jq .ports)" = 1 ] || fail "port 4 is still there: $(ctl ports)"
ok "switchctl disconnect ends a stream port"

kill -0 "$(sed -n 's/ qemu$//p' "$T_WORK/pids")" 2>/dev/null ||
	fail "QEMU exited"
switchd_alive
stop_switchd
[ -e "$sw/stream" ] && fail "$sw/stream left after exit"
ok "clean exit, $sw/stream removed"
