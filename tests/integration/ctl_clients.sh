#!/bin/bash
# SPDX-License-Identifier: ISC
# The management socket under load does not disturb forwarding.  100
# socat clients connect at once, each asking "info" and staying 2 s,
# while a pings b every 5 ms: every client gets an answer (its info, or
# "too many management clients" past the limit), and not one ping is
# lost.  Then 16 clients that say nothing hold every slot: switchctl is
# told the switch is busy, pings still all come back, and once they go
# switchctl works again.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping socat socat jq jq

N=100
sw=$T_WORK/sw
start_switchd "$sw"
host a "vde://${sw}[1]" 10.67.0.1/24
host b "vde://${sw}[2]" 10.67.0.2/24
pings a 10.67.0.2 || fail "a cannot ping b"
max=$(ctl -j info | jq .mgmt_clients_max)

# all_back OUT SENT: true when ping's summary says SENT sent, all received
all_back() {
	grep -Eq "^$2 packets transmitted, $2 received, 0% packet loss" "$1"
}

# A client as the protocol wants it: it reads the greeting (or the
# refusal) before its request, as switchctl does; it then stays 2 s, so
# that more are connected than the switch takes at once.
cat >"$T_WORK/client.sh" <<'EOF2'
#!/bin/sh
IFS= read -r g || exit 0
printf '%s\n' "$g" >"$1"
case $g in
*'"switchd"'*)
	echo info
	IFS= read -r r
	printf '%s\n' "$r" >>"$1"
	sleep 2 ;;
esac
EOF2
chmod +x "$T_WORK/client.sh"

# --- 100 at once, during 600 pings 5 ms apart (3 s).
nsexec a ping -i 0.005 -c 600 -W 1 10.67.0.2 >"$T_WORK/ping1.out" 2>&1 &
pingpid=$!
T_PIDS+=("$pingpid")
t_wait_for 10 grep -q 'bytes from' "$T_WORK/ping1.out" ||
	fail "a's pings do not come back"
pids=()
for ((i = 0; i < N; i++)); do
	timeout 20 socat "UNIX-CONNECT:$sw/mgmt" \
	    "SYSTEM:$T_WORK/client.sh $T_WORK/c$i.out" 2>"$T_WORK/c$i.err" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p"
done
wait "$pingpid"
answered=0 busy=0
for ((i = 0; i < N; i++)); do
	f=$T_WORK/c$i.out
	if grep -q '"ok":true' "$f" && grep -q '"version"' "$f"; then
		answered=$((answered + 1))
	elif grep -q 'too many management clients' "$f"; then
		busy=$((busy + 1))
	else
		fail "client $i got neither info nor busy:" \
		    "$(head -c 300 "$f" "$T_WORK/c$i.err" 2>&1)"
	fi
done
echo "$answered clients answered, $busy told the switch was busy"
[ "$answered" -ge 1 ] || fail "no client got its info"
[ "$busy" -ge 1 ] || fail "the switch never reached its limit of $max clients"
all_back "$T_WORK/ping1.out" 600 ||
	fail "pings lost during the storm: $(tail -2 "$T_WORK/ping1.out")"
ok "$N clients at once: each answered; 600 pings, none lost"

wait_for 5 sh -c "[ \"\$($SWITCHCTL -j -s $sw info | jq .mgmt_clients)\" = 1 ]" ||
	fail "management clients left over: $(ctl -j info | jq .mgmt_clients)"
ok "every client slot freed"

# --- Every slot held by a client that says nothing.
holders=()
for ((i = 0; i < max; i++)); do
	bg "hold$i" socat -u "UNIX-CONNECT:$sw/mgmt" STDOUT
	holders+=("$T_LASTPID")
done
for ((i = 0; i < max; i++)); do
	wait_for 5 grep -q '"switchd"' "$T_WORK/hold$i.log" ||
		fail "holder $i got no greeting"
done
nsexec a ping -i 0.005 -c 400 -W 1 10.67.0.2 >"$T_WORK/ping2.out" 2>&1 &
pingpid=$!
T_PIDS+=("$pingpid")
err=$(ctl info 2>&1 >/dev/null) && fail "switchctl info got through"
grep -q "switchctl: too many management clients ($max); try again" <<<"$err" ||
	fail "switchctl did not say the switch is busy: $err"
wait "$pingpid"
all_back "$T_WORK/ping2.out" 400 ||
	fail "pings lost with every slot held: $(tail -2 "$T_WORK/ping2.out")"
ok "$max silent clients: switchctl told the switch is busy, no ping lost"

kill "${holders[@]}"
wait_for 5 ctl info || fail "switchctl does not work once the holders left"
ok "switchctl works again"
switchd_alive
stop_switchd
