#!/bin/bash
# SPDX-License-Identifier: ISC
# Hostile users and peers.  The switch belongs to root, its sockets to a
# VM group.  Outside the group: no attaching, no managing.  Inside it: no
# sending into, reading from, removing or taking over another client's
# port.  VLANs hold against tagged, double-tagged and broadcast-source
# frames on access ports.  After start-up with a tap, switchd holds only
# the descriptors it uses, all close-on-exec.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug socat socat setpriv util-linux ping iputils-ping jq jq
need_tool vdepeer
peer=$TOOLS/vdepeer
VMGROUP=54321 MEMBER=54322 OUTSIDER=54323
as_member() { setpriv --reuid=$MEMBER --regid=$MEMBER --groups=$VMGROUP "$@"; }
as_outsider() { setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --clear-groups "$@"; }

sw=$T_WORK/sw
cat >"$T_WORK/conf" <<EOC
port 1 access 10
port 2 access 20
port 3 access 10
port 4 access 10
EOC
netns gw
bg switchd ip netns exec "$T_NS-gw" "$SWITCHD" -s "$sw" -v -g $VMGROUP -m 660 \
	-t hostile0 -f "$T_WORK/conf"
SWITCHD_PID=$T_LASTPID
wait_for 10 test -S "$sw/mgmt" || fail "switchd did not start"
pid=$(pgrep -f "switchd -s $sw" -n)
[ -n "$pid" ] || fail "cannot find switchd's pid"

# Descriptors: 0-2, the loop's own, the five listening sockets (ctl,
# stream, dgram, vhost and mgmt), the tap and the socket directory, where the
# data sockets are made (valgrind's own show up too, so that pass does
# not count them).
fds=$(ls -l "/proc/$pid/fd" | awk 'NR > 1 {print $NF}' | sort | tr '\n' ' ')
echo "descriptors: $fds"
n=$(ls "/proc/$pid/fd" | wc -l)
[ "$n" -le 12 ] || [ -n "${VALGRIND:-}" ] || fail "switchd holds $n descriptors: $fds"
for fd in $(ls "/proc/$pid/fd"); do
	[ "$fd" -le 2 ] && continue
	[ -n "${VALGRIND:-}" ] && break
	flags=$(awk '/^flags:/ {print $2}' "/proc/$pid/fdinfo/$fd")
	[ $((0$flags & 02000000)) -ne 0 ] ||
		fail "descriptor $fd ($(readlink "/proc/$pid/fd/$fd")) is not close-on-exec"
done
ok "switchd holds $n descriptors, all but 0-2 close-on-exec"

# The tap took port 1 (VLAN 10); clients on ports 2 (VLAN 20) and 3 (10).
# (They stay until the test is done with them: a window of fixed length
# could close before a busy switch sends them anything.)
bg obs20 "$peer" -p 2 -w 600 raw "$sw"
bg obs10 "$peer" -p 3 -w 600 raw "$sw"
logged 5 "port 3 .*attached" || fail "observers did not attach"
data3=$(ls "$sw" | grep '^003\.' | head -1)
[ -n "$data3" ] || fail "no data socket for port 3"

# Outside the group: neither attach nor manage.
as_outsider timeout 5 vde_plug "vde://$sw" </dev/null >"$T_WORK/out.log" 2>&1 &&
	fail "an outsider attached"
grep -qi "permission denied" "$T_WORK/out.log" || fail "outsider: $(cat "$T_WORK/out.log")"
as_outsider "$SWITCHCTL" -s "$sw" info >"$T_WORK/outctl.log" 2>&1 &&
	fail "an outsider used the management socket"
grep -qi "permission denied" "$T_WORK/outctl.log" || fail "outsider switchctl: $(cat "$T_WORK/outctl.log")"
ok "outsider: $(head -1 "$T_WORK/outctl.log")"

# A member cannot manage either (the management socket is the owner's).
as_member "$SWITCHCTL" -s "$sw" info >/dev/null 2>&1 &&
	fail "a group member used the management socket"

# A member cannot send into port 3's socket, nor remove it, nor take port 3.
printf 'x' | as_member socat -u - "UNIX-SENDTO:$sw/$data3" 2>"$T_WORK/inject.log" &&
	fail "a member sent a datagram into another client's port"
ok "injection refused: $(head -1 "$T_WORK/inject.log")"
as_member rm -f "$sw/$data3" 2>/dev/null
[ -S "$sw/$data3" ] || fail "a member removed another client's socket"
as_member "$peer" ctl "$sw" portbusy 3 >/dev/null 2>&1
[ $? -eq 2 ] || fail "a member took over port 3"
ok "a member can neither remove nor take over port 3"

# VLAN isolation on access port 4 (VLAN 10): tagged for 20, double-tagged
# with an outer 20, and from a broadcast source address.  The sender stays
# attached until the switch has read its 4 frames; the good one, last,
# reaches port 3 behind any tagged one that leaked there, and the switch
# counts what it sent to port 2 by then.
src=020000000777
# rx_frames N: how many frames the switch has read from port N
rx_frames() { "$SWITCHCTL" -j -s "$sw" port "$1" | jq -e .port.rx_frames; }
read4() { [ "$(rx_frames 4)" -ge 4 ]; }
bg hostile "$peer" -w 600 raw "$sw" \
	"ffffffffffff${src}8100001408060001080006040001${src}0a0a0a0100000000000000" \
	"ffffffffffff${src}81000014810000140806000108000604" \
	"ffffffffffffffffffffffff0806000108000604000102000000077700000000" \
	"ffffffffffff${src}88b5000000000000000000000000000000000000"
logged 5 "port 4 .*attached" || fail "the hostile sender did not attach"
t_wait_for 20 read4 ||
	fail "the switch read $(rx_frames 4) of the hostile sender's 4 frames"
"$SWITCHCTL" -j -s "$sw" macs >"$T_WORK/macs.json" || fail "switchctl macs"
t_wait_for 10 grep -q "ffffffffffff${src}88b5" "$T_WORK/obs10.log" ||
	fail "the VLAN 10 observer missed the sender's good frame: $(cat "$T_WORK/obs10.log")"
n=$("$SWITCHCTL" -j -s "$sw" port 2 | jq .port.tx_frames)
[ "$n" = 0 ] || fail "the switch sent $n frames into VLAN 20"
grep -v '^vdepeer' "$T_WORK/obs20.log" | grep -q . &&
	fail "VLAN 20 received: $(grep -v '^vdepeer' "$T_WORK/obs20.log" | head -3)"
grep -q "${src}8100" "$T_WORK/obs10.log" &&
	fail "a tagged frame from an access port was forwarded"
ok "nothing crossed into VLAN 20, no tagged frame left VLAN 10's access port"
grep -Eq '"mac": ?"02:00:00:00:07:77"' "$T_WORK/macs.json" ||
	fail "the sender's own address was not learned: $(cat "$T_WORK/macs.json"; cat "$T_WORK/hostile.log"; grep port.4 "$T_WORK/switchd.log")"
grep -q 'ff:ff:ff:ff:ff:ff' "$T_WORK/macs.json" &&
	fail "a broadcast source address was learned: $(cat "$T_WORK/macs.json")"
kill -0 "$pid" || fail "switchd died"
ok "VLAN isolation held"
