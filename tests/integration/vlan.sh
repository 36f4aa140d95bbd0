#!/bin/bash
# SPDX-License-Identifier: ISC
# 802.1Q.  Access ports keep VLANs 10 and 20 apart even for hosts that
# share a subnet.  Trunk ports carry VLANs 10 and 20 tagged, keep the
# priority bits, carry no VLAN they do not allow, put untagged frames in
# their native VLAN, and drop them when they have none.  The trunks are
# driven by vdepeer with hand-made tagged ARP requests, answered by the
# hosts on access ports; when the kernel has 802.1Q (CONFIG_VLAN_8021Q),
# hosts with eth0.10 and eth0.20 subinterfaces on trunk ports ping too.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug ping iputils-ping
need_tool vdepeer
peer=$TOOLS/vdepeer

sw=$T_WORK/sw
cat >"$T_WORK/switchd.conf" <<EOF
port 1 access 10
port 2 access 10
port 3 access 20
port 4 access 20
port 5 trunk 10,20
port 6 trunk 10,20 native 10
port 7 trunk 10,20
# port 8: default, access VLAN 1
port 9 trunk 10,20
port 10 trunk 10,20 native 10
port 11 access 10
EOF
start_switchd "$sw" -f "$T_WORK/switchd.conf"

# VLAN 10: 10.62.10.0/24, VLAN 20: 10.62.20.0/24.  c is in VLAN 20 but
# also has an address in VLAN 10's subnet, so only the switch keeps a
# and c apart.
host a "vde://$sw[1]" 10.62.10.1/24
host b "vde://$sw[2]" 10.62.10.2/24
host c "vde://$sw[3]" 10.62.20.3/24
ip -n "$T_NS-c" addr add 10.62.10.3/24 dev eth0
host d "vde://$sw[4]" 10.62.20.4/24
for p in 1 2 3 4; do
	logged 5 "port $p .*attached" || fail "nothing attached on port $p"
done

pings a 10.62.10.2 || fail "a and b, both access 10, do not reach each other"
ok "access VLAN 10: a pings b"
pings c 10.62.20.4 || fail "c and d, both access 20, do not reach each other"
ok "access VLAN 20: c pings d"
no_pings a 10.62.10.3 || fail "a (VLAN 10) reaches c (VLAN 20)"
no_pings c 10.62.10.1 || fail "c (VLAN 20) reaches a (VLAN 10)"
ok "VLAN 10 and VLAN 20 are apart"

# --- Trunks driven frame by frame.
iphex() { local IFS=.; set -- $1; printf '%02x%02x%02x%02x' "$1" "$2" "$3" "$4"; }

# arp MAC TCI SRCIP DSTIP: a broadcast ARP request as hex, tagged with
# TCI (4 hex digits) unless it is empty
arp() {
	local tag=
	[ -n "$2" ] && tag=8100$2
	echo "ffffffffffff$1${tag}08060001080006040001$1$(iphex "$3")000000000000$(iphex "$4")"
}

# replied FILE MAC TCI IP: FILE has an ARP reply to MAC from IP, tagged
# with TCI (or untagged when TCI is empty)
replied() {
	local tag=
	[ -n "$3" ] && tag=8100$3
	grep -Eq "^$2[0-9a-f]{12}${tag}08060001080006040002[0-9a-f]{12}$(iphex "$4")" "$1"
}

# seen FILE HEXPREFIX: FILE has a frame starting with HEXPREFIX
seen() { grep -q "^$2" "$1"; }

T=020000000505 N=020000000606 O=020000000707 P=020000001111
# Listeners first: N on port 6 (native 10), O on port 7 (no native),
# V on port 8 (access VLAN 1).  Each asks its own questions.
bg peer-n "$peer" -p 6 -m 02:00:00:00:06:06 -i 0.2 -w 4 raw "$sw" \
    "$(arp $N '' 10.62.10.6 10.62.10.1)" \
    "$(arp $N 0014 10.62.20.6 10.62.20.4)"
pn=$T_LASTPID
bg peer-o "$peer" -p 7 -m 02:00:00:00:07:07 -i 0.2 -w 4 raw "$sw" \
    "$(arp $O '' 10.62.10.7 10.62.10.1)" \
    "$(arp $O 000a 10.62.10.7 10.62.10.2)"
po=$T_LASTPID
bg peer-v "$peer" -p 8 -w 4 raw "$sw"
pv=$T_LASTPID
for p in 6 7 8; do
	logged 5 "port $p .*attached" || fail "vdepeer did not attach on port $p"
done
# T on port 5: VLAN 10 and 20 with priority 5 (TCI a00a, a014), VLAN 30.
bg peer-t "$peer" -p 5 -m 02:00:00:00:05:05 -i 0.2 -w 1.5 raw "$sw" \
    "$(arp $T a00a 10.62.10.5 10.62.10.1)" \
    "$(arp $T a014 10.62.20.5 10.62.20.4)" \
    "$(arp $T 000a 10.62.10.5 10.62.10.3)" \
    "$(arp $T 001e 10.62.30.5 10.62.30.6)" \
    "$(arp $T 0fff 10.62.20.5 10.62.20.4)" \
    "ffffffffffff${T}8100000a"
pt=$T_LASTPID
# P on port 11 (access 10): a priority tag (VID 0, PCP 5) is VLAN 10;
# a VLAN tag has no business on an access port.
bg peer-p "$peer" -p 11 -m 02:00:00:00:11:11 -i 0.2 -w 1.5 raw "$sw" \
    "$(arp $P a000 10.62.10.11 10.62.10.1)" \
    "$(arp $P 000a 10.62.10.11 10.62.10.2)" \
    "$(arp $P 0014 10.62.20.11 10.62.20.4)"
pp=$T_LASTPID
for p in $pt $pp $pn $po $pv; do
	wait "$p" || fail "vdepeer $p failed"
done
t=$T_WORK/peer-t.log n=$T_WORK/peer-n.log o=$T_WORK/peer-o.log
v=$T_WORK/peer-v.log p=$T_WORK/peer-p.log

replied "$t" $T 000a 10.62.10.1 || fail "trunk: no reply from a in VLAN 10"
replied "$t" $T 0014 10.62.20.4 || fail "trunk: no reply from d in VLAN 20"
ok "trunk 10,20: tagged 10 reaches VLAN 10, tagged 20 reaches VLAN 20"
replied "$t" $T 000a 10.62.10.3 &&
	fail "trunk: c, in VLAN 20, answered a VLAN 10 request"
ok "trunk: tagged 10 does not reach VLAN 20"
seen "$o" "ffffffffffff${T}8100a014" ||
	fail "trunk to trunk: VLAN 20 priority 5 frame not seen as sent" \
	    "($(grep -c "^ffffffffffff$T" "$o") frames of T's on port 7)"
seen "$o" "ffffffffffff${T}8100a00a" ||
	fail "trunk to trunk: VLAN 10 priority 5 frame not seen as sent"
ok "trunk to trunk keeps tag and priority"
seen "$o" "ffffffffffff${T}8100001e" || seen "$n" "ffffffffffff${T}8100001e" &&
	fail "VLAN 30, allowed on no port, went through"
ok "VLAN 30 is not carried by trunks of 10,20"
seen "$o" "ffffffffffff${T}81000fff" || seen "$n" "ffffffffffff${T}81000fff" &&
	fail "a frame tagged with the reserved VLAN 4095 went through"
grep -Eq "^ffffffffffff${T}8100000a\$|^ffffffffffff${T}\$" "$o" "$n" &&
	fail "a frame with its 802.1Q tag cut short went through"
ok "reserved VLAN 4095 and cut tags are dropped"

replied "$p" $P '' 10.62.10.1 ||
	fail "access 10: a priority-tagged request got no reply from a"
seen "$o" "ffffffffffff${P}8100a00a" ||
	fail "access 10: a priority-tagged frame did not reach the trunk as" \
	    "VLAN 10 with its priority (5)"
ok "access 10: a priority tag (VID 0) means VLAN 10, priority kept"
replied "$p" $P '' 10.62.10.2 || replied "$p" $P '' 10.62.20.4 || grep -Eq "^ffffffffffff${P}.*($(iphex \
    10.62.10.2)|$(iphex 10.62.20.4))\$" "$o" "$n" &&
	fail "access port: a frame tagged VLAN 10 or 20 went through"
ok "access port: tagged frames are dropped"

replied "$n" $N '' 10.62.10.1 ||
	fail "native 10: untagged request got no untagged reply from a"
replied "$n" $N 0014 10.62.20.4 || fail "native 10: no tagged reply from d"
seen "$n" "ffffffffffff${T}0806" ||
	fail "native 10: T's VLAN 10 frame did not come out untagged"
seen "$n" "ffffffffffff${T}8100.00a" &&
	fail "native 10: a VLAN 10 frame came out tagged"
seen "$n" "ffffffffffff${T}8100a014" ||
	fail "native 10: T's VLAN 20 frame not tagged 20 with priority 5"
ok "trunk 10,20 native 10: untagged is VLAN 10, VLAN 20 stays tagged"

replied "$o" $O 000a 10.62.10.2 || fail "port 7: no reply from b in VLAN 10"
replied "$o" $O '' 10.62.10.1 &&
	fail "trunk without native: an untagged request was answered"
# (O's tagged request for b reaches N untagged, as it should)
seen "$n" "ffffffffffff${O}0806.*$(iphex 10.62.10.1)\$" ||
	seen "$v" "ffffffffffff${O}" &&
	fail "trunk without native: its untagged frame was forwarded"
ok "trunk without native: untagged frames dropped"
grep -Eq '^[0-9a-f]+$' "$v" &&
	fail "port 8 (VLAN 1) received frames: $(grep -E '^[0-9a-f]+$' "$v" | cut -c1-40)"
ok "VLAN 1 sees none of it"

# --- Trunks as Linux sees them, where the kernel has 802.1Q.
host t "vde://$sw[9]" 10.62.99.9/24
ip -n "$T_NS-t" addr flush dev eth0
if ! ip -n "$T_NS-t" link add link eth0 name eth0.10 type vlan id 10 \
    2>/dev/null; then
	echo "note: this kernel has no 802.1Q (CONFIG_VLAN_8021Q):" \
	    "subinterfaces not tried"
else
	ip -n "$T_NS-t" link del eth0.10
	vlan_if t 10 10.62.10.9/24
	vlan_if t 20 10.62.20.9/24
	pings t 10.62.10.1 || fail "trunk eth0.10 does not reach a (access 10)"
	pings t 10.62.20.4 || fail "trunk eth0.20 does not reach d (access 20)"
	no_pings t 10.62.10.3 || fail "trunk eth0.10 reaches c, in VLAN 20"
	ok "trunk 10,20: eth0.10 reaches VLAN 10, eth0.20 VLAN 20"
	host u "vde://$sw[10]" 10.62.10.10/24
	vlan_if u 20 10.62.20.10/24
	pings u 10.62.10.1 || fail "native 10: untagged eth0 does not reach a"
	pings u 10.62.10.9 || fail "native 10: eth0 does not reach eth0.10" \
	    "of the other trunk"
	pings u 10.62.20.4 || fail "native 10: eth0.20 does not reach d"
	ok "trunk 10,20 native 10: eth0 reaches VLAN 10, eth0.20 VLAN 20"
fi

switchd_alive
stop_switchd
ok "clean exit"
