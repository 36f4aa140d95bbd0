#!/bin/bash
# SPDX-License-Identifier: ISC
# switchplug -l PORT listens on loopback alone: whoever connects gets a
# port on the switch, so other hosts may only when an address says so.
# In a namespace "h" with a veth address 10.71.0.1, linked to a namespace
# "c" at 10.71.0.2: -l 5556 takes a connection to 127.0.0.1 and refuses
# one to 10.71.0.1, from h and from c alike; -l 0.0.0.0:5557 takes one
# from c.  A connection taken is a port of the switch.
. "$(dirname "$0")/lib.sh"
need_root
need python3 python3

# connect NS ADDR PORT: "ok" when a TCP connection to ADDR:PORT from NS
# is accepted (and held a moment), "refused" when it is refused
connect() {
	nsexec "$1" python3 -c 'import socket, sys, time
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
except ConnectionRefusedError:
    print("refused")
    sys.exit(0)
print("ok")
time.sleep(0.3)' "$2" "$3" 2>&1
}

sw=$T_WORK/sw
start_switchd "$sw"
netns h
netns c
ip -n "$T_NS-h" link add vh type veth peer name vc netns "$T_NS-c" ||
	fail "cannot make a veth pair"
ip -n "$T_NS-h" addr add 10.71.0.1/24 dev vh
ip -n "$T_NS-c" addr add 10.71.0.2/24 dev vc
ip -n "$T_NS-h" link set vh up
ip -n "$T_NS-c" link set vc up
t_wait_for 10 nsexec c ping -c 1 -W 1 10.71.0.1 ||
	fail "c does not reach h over the veth"

# --- No address: loopback alone.
bg plug1 nsexec h "$SWITCHPLUG" -v -l 5556 "$sw"
logged_plug() { grep -Eq -- "$2" "$T_WORK/$1.log"; }
t_wait_for 10 logged_plug plug1 'listening on 127\.0\.0\.1:5556 ' ||
	fail "switchplug -l 5556 does not listen on 127.0.0.1: $(cat "$T_WORK/plug1.log")"
r=$(connect h 127.0.0.1 5556)
[ "$r" = ok ] || fail "h cannot connect to 127.0.0.1:5556: $r"
t_wait_for 10 logged_plug plug1 'tcp 127\.0\.0\.1:[0-9]+: connected' ||
	fail "the connection to 127.0.0.1 got no port: $(cat "$T_WORK/plug1.log")"
r=$(connect h 10.71.0.1 5556)
[ "$r" = refused ] || fail "h connects to its own 10.71.0.1:5556: $r"
r=$(connect c 10.71.0.1 5556)
[ "$r" = refused ] || fail "c connects to 10.71.0.1:5556: $r"
ok "-l 5556: 127.0.0.1 taken, 10.71.0.1 refused, from h and from c"

# --- 0.0.0.0: every address, as asked.
bg plug2 nsexec h "$SWITCHPLUG" -v -l 0.0.0.0:5557 "$sw"
t_wait_for 10 logged_plug plug2 'listening on 0\.0\.0\.0:5557 ' ||
	fail "switchplug -l 0.0.0.0:5557 does not listen: $(cat "$T_WORK/plug2.log")"
r=$(connect c 10.71.0.1 5557)
[ "$r" = ok ] || fail "c cannot connect to 10.71.0.1:5557: $r"
t_wait_for 10 logged_plug plug2 'tcp 10\.71\.0\.2:[0-9]+: connected' ||
	fail "the connection from c got no port: $(cat "$T_WORK/plug2.log")"
ok "-l 0.0.0.0:5557: c's connection taken, and a port for it"

switchd_alive
stop_switchd
