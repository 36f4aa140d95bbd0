#!/bin/bash
# SPDX-License-Identifier: ISC
# BPDUs from a client: on a port with BPDU guard, one shuts the port,
# with a log line and a counter; elsewhere a malformed one is logged and
# counted, and the switch goes on serving; a BPDU is never forwarded.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug python3 python3 jq jq
frames=$T_TOP/tests/integration/stp_frames.py

sw=$T_WORK/sw
printf 'stp on\nport 1 bpduguard on\n' >"$T_WORK/sw.conf"
start_switchd "$sw" -f "$T_WORK/sw.conf"
host h1 "vde://$sw[1]" 10.65.0.1/24
host h2 "vde://$sw[2]" 10.65.0.2/24
host h3 "vde://$sw[3]" 10.65.0.3/24
attached() { ctl -j port "$1" | jq -e .port.attached; }
detached() { ! attached "$1"; }
t_wait_for 10 attached 1 && t_wait_for 10 attached 2 &&
	t_wait_for 10 attached 3 || fail "the hosts did not attach"
stp() { ctl -j stp | jq -r "$1"; }

# bpdu NS [BYTES]: a Config BPDU from NS's eth0, or what BYTES (hex) say
bpdu() {
	nsexec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
body = bytes.fromhex(sys.argv[1])
f = bytes.fromhex("0180c2000000020000000001") + \
    (len(body) + 3).to_bytes(2, "big") + b"\x42\x42\x03" + body
s.send(f + b"\0" * max(0, 60 - len(f)))' "$2"
}
config=0000000000800002000000000100000000800002000000000180010000140002000f00

# A malformed BPDU (an RST that says version 0) on port 2: logged,
# counted, and port 2 still serves.
bpdu h2 00000002
logged 5 "port 2 .*malformed BPDU" || fail "the malformed BPDU is not logged"
[ "$(stp .bad_bpdus)" = 1 ] || fail "bad_bpdus is $(stp .bad_bpdus), not 1"
pings h2 10.65.0.3 || fail "port 2 does not serve after a malformed BPDU"
ok "a malformed BPDU is logged and counted, and the port goes on"

# A good BPDU on port 3 (no guard) is the switch's: h2 never sees it.
# (What h2 hears from 02:00:00:00:00:01, the BPDU's source, in 2 s.)
nsexec h2 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("eth0", 0))
s.settimeout(0.05)
print("ready", file=sys.stderr, flush=True)
n, end = 0, time.monotonic() + 2
while time.monotonic() < end:
    try:
        d = s.recv(2048)
    except socket.timeout:
        continue
    n += d[6:12] == bytes.fromhex("020000000001")
print(n)' >"$T_WORK/c.out" 2>"$T_WORK/c.err" &
cpid=$!
t_wait_for 20 grep -q ready "$T_WORK/c.err" || fail "the listener did not start"
bpdu h3 "$config"
wait "$cpid"
rx3() { stp '.ports[] | select(.port == 3) | .bpdu_rx'; }
[ "$(rx3)" = 1 ] || fail "the switch took $(rx3) BPDUs on port 3, not 1"
[ "$(cat "$T_WORK/c.out")" = 0 ] ||
	fail "h2 saw the BPDU from h3 $(cat "$T_WORK/c.out") times"
ok "a BPDU is taken by the switch, not forwarded"

# A BPDU on port 1, with BPDU guard: shut, logged, counted.
bpdu h1 "$config"
logged 5 "port 1 .*BPDU guard" || fail "BPDU guard is not logged"
t_wait_for 5 detached 1 || fail "port 1 is still attached"
[ "$(stp .bpduguard_shut)" = 1 ] ||
	fail "bpduguard_shut is $(stp .bpduguard_shut), not 1"
switchd_alive
pings h2 10.65.0.3 || fail "ports 2 and 3 do not serve after the guard"
ok "BPDU guard shut port 1, logged and counted; the others serve"
