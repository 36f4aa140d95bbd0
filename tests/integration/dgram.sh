#!/bin/bash
# SPDX-License-Identifier: ISC
# A QEMU with no VDE attaches with -netdev dgram to DIR/dgram: each
# sender address is a port from its first frame, and what is for it goes
# to that address.  An unprivileged QEMU in the switch's group, whose
# socket the switch's group may write, network-boots over it: a DHCP
# lease from dnsmasq on the switch's tap, then its boot file by TFTP.
# A sender whose socket the switch may not write to, or with no address
# to answer to, is refused and logged.  A port ends when its socket goes,
# after the aging time without a frame, and on switchctl disconnect,
# after which that address stays out until its socket goes.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq jq jq \
	setpriv util-linux socat socat
[ -f /usr/lib/ipxe/qemu/efi-e1000.rom ] || [ -f /usr/share/qemu/pxe-e1000.rom ] ||
	skip "needs QEMU's network boot firmware (Debian package ipxe-qemu)"

VMGROUP=54341 VMUSER=54342	# numbers only
MAC=52:54:00:72:00:02
sw=$T_WORK/sw
# In the background, as "bg NAME $AS_VM CMD...": bg's pid is CMD's.
AS_VM="setpriv --reuid=$VMUSER --regid=$VMUSER --groups=$VMGROUP"

netboot_gw 10.74.0 "switchd dgram test"

[ "$(stat -c '%U %g %a' "$sw/dgram")" = "$(stat -c '%U %g %a' "$sw/ctl")" ] ||
	fail "dgram and ctl differ: $(stat -c '%n %U %g %a' "$sw/dgram" "$sw/ctl")"
ok "$sw/dgram: $(stat -c '%U %g %a' "$sw/dgram"), as ctl"

# until_logged ERE CMD...: run CMD until switchd logs ERE (refusals are
# logged at most once a second), for up to 10 seconds
until_logged() {
	local ere=$1 end=$((SECONDS + 10)); shift
	until grep -Eq -- "$ere" "$T_WORK/switchd.log"; do
		[ $SECONDS -lt $end ] || return 1
		"$@" || return 1
		sleep 0.2
	done
}

# The VM user's directory gives what is made in it the switch's group.
vm=$T_WORK/vm
mkdir "$vm" && chown $VMUSER:$VMGROUP "$vm" && chmod 2770 "$vm"
arp_request 02:00:00:74:00:09 10.74.0.9 10.74.0.1 >"$T_WORK/arp"

# Its socket closed to the switch's group (umask 022): refused, saying so.
# socat keeps its socket 2 s after sending, for a slow switch to look at it.
until_logged "$sw/dgram: uid=$VMUSER pid=[0-9]+ refused: the switch may not write to its socket $vm/closed.sock: give it group $VMGROUP" \
    $AS_VM sh -c "umask 022; exec socat -t 2 -u OPEN:$T_WORK/arp \
    UNIX-SENDTO:$sw/dgram,bind=$vm/closed.sock" ||
	fail "a socket the switch may not write to is not refused"
ok "a sender whose socket the switch may not write to is refused"

# No address to answer to: refused.
until_logged "$sw/dgram: uid=0 pid=[0-9]+ refused: it sends from a socket with no name" \
    socat -u "OPEN:$T_WORK/arp" "UNIX-SENDTO:$sw/dgram" ||
	fail "a sender with no address is not refused"
ok "a sender with no address is refused"
[ "$(ctl -j info | jq .ports)" = 1 ] || fail "ports: $(ctl ports)"

# The VM, with umask 007: its socket is the switch's group's to write.
bg qemu $AS_VM sh -c "umask 007; exec qemu-system-x86_64 -M pc -accel tcg \
    -m 64 -display none -nodefaults -boot n \
    -netdev dgram,id=n0,local.type=unix,local.path=$vm/vm.sock,remote.type=unix,remote.path=$sw/dgram \
    -device e1000,netdev=n0,mac=$MAC"
logged 20 "port 2 \\(dgram $vm/vm.sock uid=$VMUSER pid=[0-9]+\\): attached" ||
	fail "QEMU did not attach on port 2 as uid $VMUSER"
ok "QEMU attached: $(grep -Eo 'port [0-9]+ \(dgram[^)]*\): attached' \
    "$T_WORK/switchd.log" | head -1)"
wait_for 60 grep -q "DHCPACK(tap0) [0-9.]* $MAC" "$T_WORK/dnsmasq.log" ||
	fail "no DHCP lease for the QEMU on $sw/dgram"
ok "lease: $(grep "DHCPACK(tap0) [0-9.]* $MAC" "$T_WORK/dnsmasq.log" | head -1)"
wait_for 60 grep -q "sent .*hello.ipxe to 10.74.0." "$T_WORK/dnsmasq.log" ||
	fail "the VM did not fetch its boot file by TFTP"
ok "the VM fetched its boot file from 10.74.0.1 by TFTP"
j=$(ctl -j port 2)
jq -e --argjson u $VMUSER --arg d "$vm/vm.sock" '.port | .kind == "dgram" and
    .uid == $u and .pid > 0 and .descr == $d and .tx_frames > 0' <<<"$j" \
    >/dev/null || fail "port 2 is not shown as a dgram of uid $VMUSER: $j"
ctl ports | grep -Eq "^ +2 +dgram " ||
	fail "switchctl ports does not show port 2 as dgram: $(ctl ports)"
ok "switchctl ports: $(ctl ports | grep -E '^ +2 ')"

# sender NAME [SOCK]: a socat bound to $T_WORK/SOCK.sock (NAME.sock) that
# sends each frame written with "send NAME" to DIR/dgram, as root, its
# socket open to the switch.  It writes to a FIFO the test keeps open.
declare -A FD
sender() {
	local fd
	mkfifo "$T_WORK/$1.fifo"
	exec {fd}<>"$T_WORK/$1.fifo"
	FD[$1]=$fd
	bg "$1" sh -c "umask 0; exec socat -u OPEN:$T_WORK/$1.fifo \
	    UNIX-SENDTO:$sw/dgram,bind=$T_WORK/${2:-$1}.sock"
}
send() { cat "$T_WORK/arp" >&"${FD[$1]}"; }
portof() {
	logged 10 "port [0-9]+ \\(dgram $T_WORK/$1.sock uid=0 pid=[0-9]+\\): attached" ||
		fail "$1 did not attach"
	grep -Eo "port [0-9]+ \\(dgram $T_WORK/$1.sock" "$T_WORK/switchd.log" |
		tail -1 | cut -d' ' -f2
}

# A sender whose socket goes (unlinked, the socket still open): ended.
sender gone
send gone
n=$(portof gone)
rm "$T_WORK/gone.sock"
logged 5 "port $n \\(dgram $T_WORK/gone.sock .*\\): detached: its socket is gone" ||
	fail "the port of a sender whose socket was removed did not end"
[ "$(ctl -j port "$n" | jq .port.attached)" = false ] ||
	fail "port $n is still there: $(ctl ports)"
ok "a sender that unlinks its socket is ended"

# Silence for the aging time: ended.
ctl set aging 3 || fail "set aging 3"
sender quiet
send quiet
n=$(portof quiet)
logged 10 "port $n \\(dgram $T_WORK/quiet.sock .*\\): detached: no frame for the aging time" ||
	fail "a silent sender's port did not end after the aging time"
ctl set aging 300 || fail "set aging 300"
ok "a sender silent for the aging time is ended"

# switchctl disconnect: ended, and kept out while its socket is there.
attached() { [ "$(grep -c "(dgram $T_WORK/cut.sock .*: attached" \
    "$T_WORK/switchd.log")" = "$1" ]; }
sender cut
send cut
n=$(portof cut)
ctl disconnect "$n" || fail "disconnect $n"
until_logged "$sw/dgram: uid=0 pid=[0-9]+ refused: $T_WORK/cut.sock was disconnected by switchctl" \
    send cut || fail "a disconnected sender is not kept out"
attached 1 || fail "a disconnected sender came back: $(ctl ports)"
# Another socat at that address: a new socket, let in.
kill "$(sed -n 's/ cut$//p' "$T_WORK/pids")"
t_wait_for 5 sh -c "[ ! -e $T_WORK/cut.sock ]" ||
	fail "socat left its socket behind"
sender cut2 cut
again() { send cut2; attached 2; }
t_wait_for 10 again ||
	fail "a new socket at a disconnected sender's address was not let in"
ok "switchctl disconnect ends a dgram port; its address is out until its socket goes"

kill -0 "$(sed -n 's/ qemu$//p' "$T_WORK/pids")" 2>/dev/null || fail "QEMU exited"
switchd_alive
stop_switchd
[ -e "$sw/dgram" ] && fail "$sw/dgram left after exit"
ok "clean exit, $sw/dgram removed"
