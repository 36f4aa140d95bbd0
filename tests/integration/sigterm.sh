#!/bin/bash
# SPDX-License-Identifier: ISC
# SIGTERM: the switch exits within half a second, with a tap, clients
# and traffic, and removes its sockets and its tap on the way out.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping

# Under the sanitizers' exit-time leak check, or valgrind, exit is slower
# whatever the switch does: the half second is the plain build's.
bound=500
case ${VALGRIND:-}$(basename "$BUILD") in build) ;; *) bound=5000 ;; esac

sw=$T_WORK/sw
tap=sdtt$$
start_switchd "$sw" -t "$tap"
netns h
ip link set "$tap" netns "$T_NS-h"
ip -n "$T_NS-h" addr add 10.73.0.1/24 dev "$tap"
ip -n "$T_NS-h" link set "$tap" up
host a "vde://$sw" 10.73.0.2/24
host b "vde://$sw" 10.73.0.3/24
pings a 10.73.0.1 || fail "a cannot ping the tap's host"
pings a 10.73.0.3 || fail "a cannot ping b"
bg flood nsexec a ping -q -f -s 1400 10.73.0.1
bg flood2 nsexec b ping -q -i 0.01 10.73.0.2
t_wait_for 10 sh -c "'$SWITCHCTL' -s '$sw' -j port 1 | grep -q '\"rx_frames\": *[0-9]\{3,\}'" ||
	fail "no traffic through the tap"

t0=${EPOCHREALTIME/[.,]/}
kill -TERM "$SWITCHD_PID"
wait "$SWITCHD_PID"
rc=$?
ms=$(( (${EPOCHREALTIME/[.,]/} - t0) / 1000 ))
[ "$rc" -eq 0 ] || fail "switchd exited with status $rc"
[ "$ms" -le "$bound" ] || fail "switchd took $ms ms to exit on SIGTERM (bound $bound ms)"
[ -e "$sw/ctl" ] && fail "DIR/ctl left behind"
ip -n "$T_NS-h" link show "$tap" >/dev/null 2>&1 && fail "the tap is still there"
ok "SIGTERM with a tap, clients and traffic: exit 0 in $ms ms, sockets and tap gone"
