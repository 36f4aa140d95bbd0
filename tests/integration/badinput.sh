#!/bin/bash
# SPDX-License-Identifier: ISC
# Misbehaving peers.  Every broken control connection (garbage, wrong
# magic or version, cut or overlong request, a socket path that is
# missing, not a socket or someone else's, a busy port, port 0, silence)
# is closed with a log line saying why, while two hosts ping each other
# without losing a packet; a new client attaches afterwards, and a
# description cannot forge log lines.  Runt and giant datagrams are
# dropped with a log line and the peer's next frame still goes through;
# the largest legal frame goes through whole.  switchd never dies.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq socat socat
need_tool vdepeer
peer=$TOOLS/vdepeer
nobody=$(id -u nobody 2>/dev/null) || skip "needs the user nobody"

sw=$T_WORK/sw
# Anyone may connect, so that the refusal of another user's socket is
# the switch's own, whichever user the switch runs as.
start_switchd "$sw" -m 666
host a "vde://$sw[1]" 10.61.0.1/24
host b "vde://$sw[2]" 10.61.0.2/24
pings a 10.61.0.2 || fail "a cannot ping b before anything else happens"

bg ping ip netns exec "$T_NS-a" ping -q -n -i 0.2 -W 1 10.61.0.2
pinger=$T_LASTPID

n=0
# refused WORDS MODE...: vdepeer ctl MODE is refused, and switchd logs
# "attach from uid=... pid=... refused: WORDS" for that connection
refused() {
	local words=$1 pid rc uid=0 t0=$SECONDS; shift
	n=$((n + 1))
	bg "ctl$n-$1" "$peer" -d "bad$n" ctl "$sw" "$@"
	pid=$T_LASTPID
	wait "$pid"
	rc=$?
	[ "$rc" -eq 2 ] || fail "ctl $*: vdepeer exit $rc, not 2 (refused)"
	# otheruser asks from a child that became nobody
	[ "$1" = otheruser ] && uid=$nobody pid="[0-9]+"
	logged 3 "attach from uid=$uid pid=$pid refused: $words" ||
		fail "ctl $*: no \"refused: $words\" in switchd's log"
	switchd_alive
	ok "ctl $*: refused, logged \"$words\" ($((SECONDS - t0)) s)"
	# Refusals are logged at most once a second.
	sleep 1.1
}

refused "bad magic" garbage
refused "bad magic" magic
refused "unsupported version" version
refused "short request" short
refused "request too long" long
refused "cannot open its socket" nopath
refused "its path is not a socket" notsock
refused "its path is a symbolic link" symlink
refused "its socket belongs to another user" otheruser
refused "port 1 is busy" portbusy 1
refused "port 5000 is busy" portbusy 5000
refused "port 0 is not offered" portbusy 0

# The refused cannot be told why (the protocol has no such reply):
# switchctl info shows the last refusals, with who and why.
ctl info >"$T_WORK/info.txt" || fail "switchctl info"
grep -A8 '^last attach refusals:' "$T_WORK/info.txt" >"$T_WORK/refusals.txt" ||
	fail "info shows no refusals: $(cat "$T_WORK/info.txt")"
grep -q "uid 0 (root) pid [0-9]*: port 0 is not offered\$" "$T_WORK/refusals.txt" &&
	grep -q "uid $nobody ([a-z]*) pid [0-9]*: its socket belongs to another user" \
	    "$T_WORK/refusals.txt" || fail "info: $(cat "$T_WORK/refusals.txt")"
[ "$(ctl -j info | jq '.attach_refusals | length')" = 8 ] ||
	fail "info keeps other than the last 8 refusals: $(ctl -j info | jq -c .attach_refusals)"
ok "switchctl info shows the last 8 refusals, who and why"

# QEMU's -netdev stream pointed at DIR/ctl: frames after 4-byte lengths.
# The refusal says where such a client belongs.
frame='\x00\x00\x00\x3c\xff\xff\xff\xff\xff\xff\x52\x54\x00\x12\x34\x56\x08\x06'
frame=$frame$(printf '\\x00%.0s' $(seq 46))
for _ in 1 2 3; do printf "$frame"; done |
	socat -t 1 - "UNIX-CONNECT:$sw/ctl" >/dev/null 2>&1
logged 5 "refused: bad magic; this is QEMU -netdev stream framing: give QEMU addr.path=$sw/stream, not $sw/ctl" ||
	fail "a stream client on DIR/ctl is not told where to go"
ok "QEMU stream framing on DIR/ctl: the refusal names DIR/stream"

# A silent connection is dropped after a while, and does not hold up
# anyone else meanwhile.
# ctl_conns: connections to the switch's control socket (the kernel's
# table: the server's end of each carries the socket's path, state 03)
ctl_conns() { awk -v p="$sw/ctl" '$8 == p && $6 == "03"' /proc/net/unix | wc -l; }
conns=$(ctl_conns)
bg ctl-silent "$peer" ctl "$sw" silent
silent=$T_LASTPID
more_conns() { [ "$(ctl_conns)" -gt "$conns" ]; }
t_wait_for 10 more_conns || fail "the silent client did not connect"
"$peer" -w 0 raw "$sw" 2>"$T_WORK/during-silent.log" ||
	fail "a client could not attach while a silent connection was open"
ok "a client attaches while a silent connection is pending"
t0=$SECONDS
wait "$silent"
rc=$?
[ "$rc" -eq 2 ] || fail "ctl silent: vdepeer exit $rc, not 2 (refused)"
logged 3 "attach from uid=0 pid=$silent refused: no request in time" ||
	fail "ctl silent: no \"no request in time\" in switchd's log"
ok "ctl silent: dropped, logged \"no request in time\""
switchd_alive

kill -INT "$pinger"
wait "$pinger"
stats=$(grep -Eo '[0-9]+ packets transmitted, [0-9]+ received' \
    "$T_WORK/ping.log") || fail "no statistics from ping"
set -- $stats
sent=$1 got=$4
[ "$sent" -ge 50 ] || fail "ping sent only $sent packets"
[ "$got" -ge $((sent - 1)) ] ||
	fail "a and b lost pings while bad clients came and went: $stats"
ok "a pinged b throughout: $stats"

# A description is for humans: it must not forge log lines or reach the
# terminal as escape sequences.
evil=$'x\nswitchd: port 99 (forged): attached\e[2J'
"$peer" -d "$evil" -w 0 raw "$sw" 2>/dev/null || fail "could not attach"
grep -q "^switchd: port 99 (forged)" "$T_WORK/switchd.log" &&
	fail "a client's description forged a line of switchd's log"
grep -q $'\e' "$T_WORK/switchd.log" &&
	fail "a client's description put an escape character in the log"
logged 3 "port [0-9]+ \(x\?switchd: port 99 \(forged\): attached\?\[2J" ||
	fail "the description was not logged with ? for control characters"
ok "descriptions are logged with control characters as ?"

host c "vde://$sw" 10.61.0.3/24
pings c 10.61.0.1 || fail "a new client cannot reach a afterwards"
ok "a new client attaches and reaches a afterwards"

# --- Frames too short and too long.  Each bad size comes from its own
# peer (the log is rate-limited per port), followed by a good frame.
bg observer "$peer" -w 4 raw "$sw"
observer=$T_LASTPID
logged 5 "port [0-9]+ \\(vdepeer uid=0 pid=$observer\\): attached" ||
	fail "the observer did not attach"
pids=()
for s in 0 5 13 9235 20000 14; do
	mac=$(printf '02:00:00:00:0b:%02x' $((s % 251)))
	bg "size$s" "$peer" -d "size$s" -m "$mac" -w 0.5 size "$sw" "$s" 60
	pids+=($T_LASTPID)
done
bg size9234 "$peer" -d size9234 -m 02:00:00:00:0c:01 -w 0.5 size "$sw" 9234
pids+=($T_LASTPID)
for p in "${pids[@]}"; do
	wait "$p" || fail "vdepeer size failed"
done
wait "$observer" || fail "the observer failed"
switchd_alive

obs=$T_WORK/observer.log
# frames FROM_MAC LEN: the number of LEN-byte frames the observer got from
# FROM_MAC (hex, no colons)
frames() {
	awk -v p="ffffffffffff$1" -v n=$(($2 * 2)) \
	    'index($0, p) == 1 && length($0) == n' "$obs" | wc -l
}
for s in 0 5 13; do
	logged 3 "\\(size$s uid=0 pid=[0-9]+\\): frame too short \\($s bytes\\) dropped" ||
		fail "no log line for the $s-byte frame"
done
for s in 9235 20000; do
	logged 3 "\\(size$s uid=0 pid=[0-9]+\\): frame longer than 9234 bytes dropped" ||
		fail "no log line for the $s-byte frame"
done
ok "runts (0, 5, 13 bytes) and giants (9235, 20000) logged as dropped"
grep -Eq "\\(size(14|9234) .*dropped" "$T_WORK/switchd.log" &&
	fail "a 14- or 9234-byte frame was logged as dropped"
for s in 0 5 13 9235 20000 14; do
	mac=$(printf '020000000b%02x' $((s % 251)))
	[ "$(frames "$mac" 60)" -eq 1 ] ||
		fail "the 60-byte frame sent after the $s-byte one did not arrive"
	# what reached the observer from this peer: its 60-byte frame and,
	# for 14 bytes, that one
	got=$(grep -c "^ffffffffffff$mac" "$obs")
	want=1
	[ "$s" -eq 14 ] && want=2
	[ "$got" -eq "$want" ] || fail "the observer got $got frames from the" \
	    "peer that sent $s bytes, not $want"
done
ok "each peer's good frame went through after its bad one"
[ "$(frames 020000000c01 9234)" -eq 1 ] ||
	fail "the 9234-byte frame did not arrive whole"
ok "a 9234-byte frame goes through whole"

switchd_alive
stop_switchd
ok "clean exit"
