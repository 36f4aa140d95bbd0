#!/bin/bash
# SPDX-License-Identifier: ISC
# vhost-user ports, with tests/tools/vhostblast playing QEMU's part: a
# sealed memfd of guest memory, rings in it, eventfds.  DIR/vhost has
# DIR/ctl's owner, group and mode; each connection is a port.  Frames of
# every size cross between two vhost-user ports byte for byte, and a
# 64 KiB TCP segmentation frame crosses whole, its offloads kept; the
# same through a port's own socket ("port N vhost PATH user U"), which
# only its user may open.  A capture sees every frame whole coming in
# and going out, though it crossed from one guest's buffers straight
# into the other's.  A guest that streams to a slow one is held
# back and loses nothing; a frame it sends elsewhere meanwhile passes the
# frames waiting for the slow one; one that sends to both at once is not
# held.  switchctl shows the kind, the features agreed on and the ring
# sizes.  A host on the switch's tap reaches a vhost-user port (ARP both
# ways).
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux jq jq tcpdump tcpdump
need_tool vhostblast

VMGROUP=54351 VMUSER=54352 OUTSIDER=54353	# numbers only
AS_VM="setpriv --reuid=$VMUSER --regid=$VMUSER --groups=$VMGROUP"
AS_OUT="setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --clear-groups"
VB=$TOOLS/vhostblast
sw=$T_WORK/sw

netns gw
printf 'port 5 vhost %s/own user %s\n' "$sw" "$VMUSER" >"$T_WORK/sw.conf"
chmod 644 "$T_WORK/sw.conf"
bg switchd ip netns exec "$T_NS-gw" "$SWITCHD" -s "$sw" -v -t tap0 \
    -g "$VMGROUP" -m 660 -f "$T_WORK/sw.conf"
SWITCHD_PID=$T_LASTPID
wait_for 30 grep -q "switch .* ready" "$T_WORK/switchd.log" ||
	fail "switchd did not start"
ip -n "$T_NS-gw" addr add 10.0.0.1/24 dev tap0
ip -n "$T_NS-gw" link set tap0 up

[ -S "$sw/vhost" ] || fail "no $sw/vhost"
[ "$(stat -c '%U %g %a' "$sw/vhost")" = "$(stat -c '%U %g %a' "$sw/ctl")" ] ||
	fail "vhost and ctl differ: $(stat -c '%n %U %g %a' "$sw/vhost" "$sw/ctl")"
[ "$(stat -c '%u %a' "$sw/own")" = "$VMUSER 600" ] ||
	fail "$sw/own is not $VMUSER's, mode 600: $(stat -c '%u %a' "$sw/own")"
ok "$sw/vhost: $(stat -c '%U %g %a' "$sw/vhost"), as ctl; $sw/own: $VMUSER's"

# Two ports of a user in the group, frames checked both ways, and seen
# by a capture: each frame twice, as sent and as received, each whole
# (vhostblast's bytes: (number + offset) mod 256 from byte 18 of its
# own frames, offset mod 256 from byte 54 of its TCP segment).
bg cap sh -c 'exec "$1" -s "$2" capture >"$3/vh.pcap"' sh "$SWITCHCTL" \
    "$sw" "$T_WORK"
cap=$T_LASTPID
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j info |
    jq -e '.captures | length == 1'" >/dev/null || fail "the capture did not start"
out=$($AS_VM timeout 30 "$VB" -e "$sw/vhost" "$sw/vhost" 2>&1) ||
	fail "vhostblast -e over $sw/vhost: $out"
ok "between two vhost-user ports: $out"
kill -INT "$cap"
wait "$cap" || fail "the capture failed: $(cat "$T_WORK/cap.log")"
read -r n bad <<<"$(tcpdump -r "$T_WORK/vh.pcap" -nn -xx 'not ether broadcast and
    (ether src 02:00:00:00:00:01 or ether src 02:00:00:00:00:02)' 2>/dev/null |
    awk 'function nib(k) { return index(H, substr(p, k, 1)) - 1 }
    function byte(k) { return nib(2 * k + 1) * 16 + nib(2 * k + 2) }
    function check() {
	if (p == "") return
	n++; len = length(p) / 2; t = substr(p, 25, 4)
	from = t == "88b5" ? 18 : 54; add = t == "88b5" ? byte(14) : 0
	for (k = from; k < len; k++)
		if (byte(k) != (add + k) % 256) { bad++; break }
    }
    BEGIN { H = "0123456789abcdef" }
    /^[0-9]/ { check(); p = ""; next }
    { $1 = ""; gsub(/ /, ""); p = p $0 }
    END { check(); print n, bad + 0 }')"
[ "$n" = 44 ] && [ "$bad" = 0 ] ||
	fail "the capture has $n frames from the two ports, $bad of them not whole"
ok "a capture saw all 22 frames whole going in and coming out"

# Through the port's own socket: port 5, its user's alone.
out=$($AS_VM timeout 30 "$VB" -e "$sw/own" "$sw/vhost" 2>&1) ||
	fail "vhostblast -e over $sw/own: $out"
grep -Eq "port 5 \\(vhost vhostblast uid=$VMUSER" "$T_WORK/switchd.log" ||
	fail "the own socket did not give port 5"
ok "through port 5's own socket: $out"
if $AS_OUT timeout 10 "$VB" -e "$sw/own" "$sw/vhost" 2>"$T_WORK/out.log"; then
	fail "a user who is not $VMUSER attached to $sw/own"
fi
grep -qi "permission denied" "$T_WORK/out.log" ||
	fail "outsider refused, but not by permissions: $(cat "$T_WORK/out.log")"
ok "another user cannot open $sw/own: $(head -1 "$T_WORK/out.log")"

# A streams to B, which takes a frame a millisecond: held back, A loses
# nothing; C's frames, every 500th, pass those waiting for B.  A sending
# to B and C in turn is not held: C gets every frame, soon.
out=$($AS_VM timeout 30 "$VB" -l -c 1000 -n 16 "$sw/vhost" "$sw/vhost" \
    "$sw/vhost" 2>&1) || fail "vhostblast -l: $out"
read -r gotb nb gotc nc passed <<<"$(echo "$out" | awk '{ gsub(",", ""); print $3, $5, $10, $12, $15 }')"
[ "$gotb" = "$nb" ] && [ "$gotc" = "$nc" ] && [ "$nc" -gt 0 ] ||
	fail "a sender held back for a slow guest lost frames: $out"
[ "$passed" -ge 100 ] ||
	fail "a frame for C waited behind the frames for the slow guest: $out"
ok "held back for a slow guest: $out"
out=$($AS_VM timeout 30 "$VB" -l -a -c 1000 -n 16 "$sw/vhost" \
    "$sw/vhost" "$sw/vhost" 2>&1) || fail "vhostblast -l -a: $out"
read -r gotc nc secs <<<"$(echo "$out" | awk '{ gsub(",", ""); print $10, $12, $23 }')"
[ "$gotc" = "$nc" ] && awk -v s="$secs" 'BEGIN { exit !(s < 5) }' ||
	fail "a sender to a slow guest and another one was held: $out"
ok "not held when sending to two: $out"

# An attached port, as switchctl shows it; the tap host reaches it.
bg peer $AS_VM "$VB" -w -m 7 "$sw/vhost"
t_wait_for 10 grep -q attached "$T_WORK/peer.log" ||
	fail "vhostblast -w did not attach: $(cat "$T_WORK/peer.log")"
n=$(ctl -j ports | jq '.ports[] | select(.kind == "vhost") | .port')
[ -n "$n" ] || fail "no vhost port in switchctl ports: $(ctl ports)"
j=$(ctl -j port "$n")
jq -e --argjson u $VMUSER '.port | .kind == "vhost" and .uid == $u and
    .vhost.rx_ring == 256 and .vhost.tx_ring == 256 and .vhost.rx_up and
    .vhost.tx_up and (.vhost.features | index("mrg_rxbuf")) and
    (.vhost.features | index("guest_tso4")) and .vhost.regions == 1' \
    <<<"$j" >/dev/null || fail "port $n as switchctl shows it: $j"
ctl ports | grep -Eq "^ +$n +vhost " ||
	fail "switchctl ports does not show port $n as vhost: $(ctl ports)"
ctl port "$n" | grep -Eq "^rings: +receive 256, transmit 256$" ||
	fail "switchctl port $n does not show the rings: $(ctl port "$n")"
ctl port "$n" | grep -Eq "^features: .* mrg_rxbuf " ||
	fail "switchctl port $n does not show the features: $(ctl port "$n")"
ok "switchctl port $n: $(ctl port "$n" | grep -E "^(kind|rings|kicks):" | tr -s ' ' | tr '\n' ';')"

ip netns exec "$T_NS-gw" ping -c 1 -W 1 10.0.0.7 >/dev/null 2>&1
t_wait_for 10 sh -c "ip -n $T_NS-gw neigh show 10.0.0.7 | grep -q 02:00:00:00:00:07" ||
	fail "the tap host got no ARP reply from the vhost-user port: $(ip -n "$T_NS-gw" neigh)"
ok "the tap host reached the vhost-user port: $(ip -n "$T_NS-gw" neigh show 10.0.0.7)"

switchd_alive
stop_switchd
[ -e "$sw/vhost" ] && fail "$sw/vhost left after exit"
ok "clean exit, $sw/vhost removed"
