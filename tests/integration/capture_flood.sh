#!/bin/bash
# SPDX-License-Identifier: ISC
# A capture that cannot keep up costs the switch nothing.  A flood of
# small frames, port to port (vdebench, 2 seconds), runs first alone,
# then under a capture of every port whose reader reads nothing until the
# flood is over: the capture loses copies, and says how many, but the
# flood's frames arrive as they did alone (the same share of those sent,
# in the same run), and at a rate of the same order.  What the capture
# did get is a pcap file that tcpdump reads whole.
. "$(dirname "$0")/lib.sh"
need_root
need tcpdump tcpdump jq jq
[ -x "$VDEBENCH" ] || fail "$VDEBENCH is not built (make B=build tests)"

sw=$T_WORK/sw
start_switchd "$sw"

# flood: "sent N received N seconds S fps F ..." from vdebench
flood() {
	"$VDEBENCH" -s 64 -t 2 "$sw" || fail "vdebench failed"
}
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$1"; }

alone=$(flood)
echo "alone:        $alone"

# The reader opens the pipe at once, and reads once told to.
mkfifo "$T_WORK/fifo"
bg reader sh -c 'exec 3<"$1/fifo"; until [ -e "$1/go" ]; do sleep 0.05; done
    exec cat <&3 >"$1/cap.pcap"' sh "$T_WORK"
bg cap sh -c 'exec "$1" -s "$2" capture >"$3/fifo"' sh "$SWITCHCTL" "$sw" \
    "$T_WORK"
cap=$T_LASTPID
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j info |
    jq -e '.captures | length == 1'" || fail "the capture did not start"
captured=$(flood)
echo "captured:     $captured"
lost=$(ctl -j info | jq '.captures[0].lost')
touch "$T_WORK/go"
kill -INT "$cap"
wait "$cap" || fail "the capture exited $?: $(cat "$T_WORK/cap.log")"
wait_for 10 sh -c "! kill -0 $T_LASTPID 2>/dev/null"
echo "the capture:  $(cat "$T_WORK/cap.log")"

[ "$lost" -gt 0 ] 2>/dev/null ||
	fail "the capture lost nothing ($lost): the test tells nothing"
read -r frames slost < <(sed -n \
    's/^switchctl: capture: \([0-9]*\) frames, \([0-9]*\) lost .*/\1 \2/p' \
    "$T_WORK/cap.log")
[ -n "${slost:-}" ] && [ "$slost" -ge "$lost" ] ||
	fail "switchctl did not say what was lost: $(cat "$T_WORK/cap.log")"
ok "a capture that does not keep up loses copies, and says so ($slost lost)"

n=$(tcpdump -nr "$T_WORK/cap.pcap" 2>"$T_WORK/tcpdump.err" | wc -l)
[ "$n" = "$frames" ] || fail "tcpdump reads $n frames of the $frames" \
    "captured: $(cat "$T_WORK/tcpdump.err")"
ok "tcpdump reads the $n frames it got"

# The same share of the flood arrives, and the switch was not held back.
r0=$(awk -v s="$(field "$alone" sent)" -v r="$(field "$alone" received)" \
    'BEGIN { print r / s }')
r1=$(awk -v s="$(field "$captured" sent)" -v r="$(field "$captured" received)" \
    'BEGIN { print r / s }')
awk -v a="$r0" -v b="$r1" 'BEGIN { exit !(b >= a - 0.01) }' ||
	fail "the flood delivered $r1 of its frames with a capture, $r0 without"
f0=$(field "$alone" fps) f1=$(field "$captured" fps)
awk -v a="$f0" -v b="$f1" 'BEGIN { exit !(b >= a / 4) }' ||
	fail "the flood ran at $f1 frames a second with a capture, $f0 without"
ok "delivery with the capture: $r1 of the frames sent ($r0 without)," \
    "at $f1 frames a second ($f0 without)"
switchd_alive
stop_switchd
