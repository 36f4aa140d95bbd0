#!/bin/bash
# SPDX-License-Identifier: ISC
# A reload applies a whole new file or nothing.  A file that became
# unreadable, one with a bad line and one with a 5,000-byte line each
# leave the configuration and the MAC table as they were; a good file is
# applied as a difference: the ports it does not change keep their MACs
# and counters, and the MAC table keeps what it learned.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq

sw=$T_WORK/sw
conf=$T_WORK/switchd.conf
cat >"$conf" <<EOF2
maclimit 5000
port 1 access 1
port 2 access 1
port 3 access 1
EOF2
chmod 644 "$conf"
start_switchd "$sw" -f "$conf"
host a "vde://$sw[1]" 10.72.0.1/24
host b "vde://$sw[2]" 10.72.0.2/24
host c "vde://$sw[3]" 10.72.0.3/24
pings a 10.72.0.2 || fail "a cannot ping b"
pings a 10.72.0.3 || fail "a cannot ping c"

# The MAC table without ages, sorted; the frames a port has carried.
macs() { ctl -j macs | jq -c '[.macs[] | {mac, port, vlan}] | sort'; }
rx() { ctl -j port "$1" | jq '.port.rx_frames + .port.tx_frames'; }
macs >"$T_WORK/macs0"
[ "$(jq length "$T_WORK/macs0")" -ge 3 ] ||
	fail "the switch did not learn a, b and c: $(cat "$T_WORK/macs0")"
ctl config >"$T_WORK/config0"

# refused WHAT: a reload now fails and changes nothing
refused() {
	local err
	err=$(ctl reload 2>&1) && fail "$1: reload succeeded"
	ctl config | diff -u "$T_WORK/config0" - ||
		fail "$1: reload changed the configuration"
	macs | diff -u "$T_WORK/macs0" - || fail "$1: reload changed the MAC table"
	switchd_alive
	ok "$1: refused ($err), nothing changed"
}

cp "$conf" "$T_WORK/good"
# A change that would apply, were the file read.
echo "port 3 access 7" >>"$conf"
chmod 600 "$conf"
refused "a file switchd's user cannot read"

chmod 644 "$conf"
echo "port 2 access 5000" >>"$conf"
refused "a file with one bad line"

cp "$T_WORK/good" "$conf"
{ echo "port 3 access 7"; printf 'port 2 access 1%5000s\n' x; } >>"$conf"
refused "a file with a 5,000-byte line"

# --- A good file: only port 3 changes.
cp "$T_WORK/good" "$conf"
echo "port 3 access 7" >>"$conf"
r1=$(rx 1) r2=$(rx 2)
ctl reload || fail "a good reload was refused"
ctl config | grep -qx 'port 3 access 7' || fail "the good reload did not apply"
jq -c '[.[] | select(.port != 3)]' "$T_WORK/macs0" >"$T_WORK/macs12"
macs | jq -c '[.[] | select(.port != 3)]' | diff -u "$T_WORK/macs12" - ||
	fail "ports 1 and 2 lost MACs in a reload that did not touch them"
# They go on counting (ARP, pings), from where they were.
[ "$(rx 1)" -ge "$r1" ] && [ "$(rx 2)" -ge "$r2" ] && [ "$r1" -gt 0 ] ||
	fail "counters of untouched ports were reset: $r1 $r2 -> $(rx 1) $(rx 2)"
ctl config | grep -qx 'maclimit 5000' || fail "the MAC table limit changed"
pings a 10.72.0.2 || fail "a cannot ping b after the reload"
pings a 10.72.0.3 && fail "a reaches c, which is on VLAN 7 now"
ok "a good reload changes port 3 alone; ports 1 and 2 keep MACs and counters"
stop_switchd
