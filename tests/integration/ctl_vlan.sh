#!/bin/bash
# SPDX-License-Identifier: ISC
# VLANs changed at run time with switchctl.  Three hosts share VLAN 1;
# moving b to VLAN 20 cuts it off from a at once (the very next ping
# fails, though a still has b's address in its ARP cache), and the MAC it
# had in VLAN 1 is forgotten; moving c too joins b and c; "vlans" lists
# the members.  A port made a trunk carries its VLANs, tagged, and its
# native VLAN untagged (where the kernel has 802.1Q), and moving b back
# to VLAN 1 gives a its neighbour again.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping jq jq

sw=$T_WORK/sw
start_switchd "$sw"
host a "vde://${sw}[1]" 10.65.0.1/24
host b "vde://${sw}[2]" 10.65.0.2/24
host c "vde://${sw}[3]" 10.65.0.3/24
pings a 10.65.0.2 || fail "a cannot ping b"
pings a 10.65.0.3 || fail "a cannot ping c"
pings b 10.65.0.3 || fail "b cannot ping c"
ok "a, b and c ping each other in VLAN 1"

# --- b to VLAN 20: cut off at once.
ctl set port 2 access 20 || fail "set port 2 access 20 failed"
nsexec a ping -c 1 -W 1 10.65.0.2 >/dev/null &&
	fail "a still reaches b right after b moved to VLAN 20"
no_pings a 10.65.0.2 || fail "a reaches b in VLAN 20"
no_pings b 10.65.0.1 || fail "b reaches a from VLAN 20"
[ "$(ctl -j macs port 2 vlan 1 | jq '.macs | length')" = 0 ] ||
	fail "b's MAC in VLAN 1 still in the table"
[ "$(ctl -j port 2 | jq -c .port.vlan)" = '{"mode":"access","vlan":20}' ] ||
	fail "port 2 does not show access 20"
grep -Eq '^ +2 .* access 20 ' <<<"$(ctl ports)" || fail "ports: no access 20"
ok "b moved to VLAN 20: cut off from a at once"

ctl set port 3 access 20 || fail "set port 3 access 20 failed"
pings b 10.65.0.3 || fail "b and c, both in VLAN 20, do not ping"
no_pings a 10.65.0.3 || fail "a reaches c in VLAN 20"
j=$(ctl -j vlans)
[ "$(jq -c '[.vlans[] | [.vlan, .access, .trunk]]' <<<"$j")" = \
    '[[1,[1],[]],[20,[2,3],[]]]' ] || fail "vlans: $j"
out=$(ctl vlans)
echo "$out"
grep -Eq '^20 +2-3 +-$' <<<"$out" || fail "vlans table has no VLAN 20 row"
ok "c joins b in VLAN 20; vlans lists them"

# --- A trunk: VLAN 20 tagged, VLAN 1 native.
host d "vde://${sw}[4]" 10.65.0.4/24
ctl set port 4 trunk 20 native 1 || fail "set port 4 trunk failed"
pings d 10.65.0.1 || fail "native VLAN 1: d's untagged eth0 does not reach a"
no_pings d 10.65.0.2 || fail "d's untagged eth0 reaches b in VLAN 20"
j=$(ctl -j vlans)
[ "$(jq -c '[.vlans[] | [.vlan, .access, .trunk]]' <<<"$j")" = \
    '[[1,[1],[4]],[20,[2,3],[4]]]' ] || fail "vlans with the trunk: $j"
grep -q '^port 4 trunk 20 native 1$' <<<"$(ctl config)" ||
	fail "config does not show the trunk"
if ! ip -n "$T_NS-d" link add link eth0 name eth0.20 type vlan id 20 \
    2>/dev/null; then
	echo "note: this kernel has no 802.1Q: tagged frames not tried"
else
	ip -n "$T_NS-d" link del eth0.20
	ip -n "$T_NS-b" addr add 10.65.20.2/24 dev eth0
	vlan_if d 20 10.65.20.4/24
	pings d 10.65.20.2 || fail "trunk: d's eth0.20 does not reach b"
	ok "trunk 20 native 1: eth0.20 reaches VLAN 20"
fi
ok "port 4 a trunk, native VLAN 1"

# --- b back to VLAN 1.
ctl set port 2 access 1 || fail "set port 2 access 1 failed"
pings a 10.65.0.2 || fail "a does not reach b back in VLAN 1"
no_pings b 10.65.0.3 || fail "b reaches c, left in VLAN 20"
ok "b back in VLAN 1 reaches a again"

# --- Bad values are refused, and change nothing.
cfg=$(ctl config)
ctl set port 2 access 4095 2>"$T_WORK/err" && fail "access 4095 accepted"
grep -q "'4095' is not a VLAN from 1 to 4094" "$T_WORK/err" ||
	fail "access 4095: $(cat "$T_WORK/err")"
ctl set port 2 trunk 30-20 2>"$T_WORK/err" && fail "trunk 30-20 accepted"
grep -q "'30-20' is not a list of VLANs" "$T_WORK/err" ||
	fail "trunk 30-20: $(cat "$T_WORK/err")"
ctl set port 2000 access 5 2>"$T_WORK/err" && fail "port 2000 accepted"
grep -q "'2000' is not a port" "$T_WORK/err" ||
	fail "port 2000: $(cat "$T_WORK/err")"
[ "$(ctl config)" = "$cfg" ] || fail "a refused setting changed the config"
pings a 10.65.0.2 || fail "a lost b after refused settings"
ok "bad VLANs and ports refused, quoted"
switchd_alive
stop_switchd
