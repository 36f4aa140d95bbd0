#!/bin/bash
# SPDX-License-Identifier: ISC
# The boot story: rc.vdenetwork starts switchd with a tap (then it runs
# as the user switchd, with no capability), addresses the tap,
# masquerades and runs dnsmasq, all in a namespace of the test's own.
# An unprivileged QEMU in the VM group attaches, gets a DHCP lease and
# fetches a file by TFTP from the tap's address; a user outside the
# group is refused; stop leaves nothing.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq jq jq nft nftables \
	setpriv util-linux vde_plug vdeplug
[ -f /usr/lib/ipxe/qemu/efi-e1000.rom ] || [ -f /usr/share/qemu/pxe-e1000.rom ] ||
	skip "needs QEMU's network boot firmware (Debian package ipxe-qemu)"

VMGROUP=54321 VMUSER=54322 OUTSIDER=54323	# numbers only: no account is added
MAC=52:54:00:70:00:02
netns gw
NS="$T_NS-gw"
mkdir -p "$T_WORK/tftp"
printf '#!ipxe\necho switchd boot test\nsleep 600\n' >"$T_WORK/tftp/hello.ipxe"
chmod 755 "$T_WORK/tftp"; chmod 644 "$T_WORK/tftp/hello.ipxe"
touch "$T_WORK/dnsmasq.log"; chmod 666 "$T_WORK/dnsmasq.log"
cat >"$T_WORK/vdenetwork" <<EOC
TAP_DEV=tap0
TAP_IP=10.70.0.1
TAP_MASK=255.255.255.0
VM_IPLOW=10.70.0.100
VM_IPHIGH=10.70.0.150
VM_DOMAIN=test.lan
NAT_IFS="veth+"
DNSMASQ_OPTIONS="--port=0 --enable-tftp --tftp-root=$T_WORK/tftp --dhcp-boot=hello.ipxe --log-facility=$T_WORK/dnsmasq.log"
SWITCH_DIR=$T_WORK/sw
SWITCH_GROUP=$VMGROUP
SWITCH_MODE=660
SWITCH_USER=
STATE_DIR=$T_WORK/state
LEASE_FILE=$T_WORK/leases
SWITCHD=$SWITCHD
EOC
rc() { VDENETWORK_CONF=$T_WORK/vdenetwork ip netns exec "$NS" \
	sh "$T_TOP/contrib/rc.vdenetwork" "$@"; }

rc start >"$T_WORK/rc-start.log" 2>&1 || fail "rc.vdenetwork start: $(cat "$T_WORK/rc-start.log")"
pid=$(cat "$T_WORK/state/switchd.pid")
T_PIDS+=("$pid" "$(cat "$T_WORK/state/dnsmasq.pid")")
ok "rc.vdenetwork start"

# No root, no group, no capability left.
st=/proc/$pid/status
grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)):' "$st" | tee "$T_WORK/status.txt"
awk '/^Uid:/ { for (i = 2; i <= 5; i++) if ($i == 0) exit 1 }' "$st" ||
	fail "switchd still has uid 0"
awk '/^Gid:/ { for (i = 2; i <= 5; i++) if ($i == 0) exit 1 }' "$st" ||
	fail "switchd still has gid 0"
[ -z "$(awk '/^Groups:/ { $1 = ""; print }' "$st" | tr -d ' ')" ] ||
	fail "switchd kept supplementary groups"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	grep -q "^$c:[[:space:]]*0000000000000000$" "$st" || fail "$c not empty"
done
# No SWITCH_USER: the user switchd, never nobody.
[ "$(awk '/^Uid:/ { print $2 }' "$st")" = "$(id -u switchd)" ] ||
	fail "switchd does not run as the user switchd: $(grep '^Uid:' "$st")"
ok "switchd runs as switchd ($(awk '/^Uid:/ {print $2}' "$st")) with no capability"

# The host's address on tap0, the VMs' gateway, is pinned to the tap's port.
tapmac=$(ip -n "$NS" -br link show tap0 | awk '{ print $3 }')
"$SWITCHCTL" -s "$T_WORK/sw" -j macs |
	jq -e --arg m "$tapmac" '.macs[] | select(.mac == $m and .port == 1 and .static)' >/dev/null ||
	fail "tap0's address $tapmac is not static on port 1: $("$SWITCHCTL" -s "$T_WORK/sw" macs)"
ok "the gateway's address $tapmac is pinned to the tap's port"

ip -n "$NS" -4 addr show tap0 | grep -q 10.70.0.1/24 || fail "tap0 not addressed"
ip netns exec "$NS" nft list table ip vdenetwork >/dev/null ||
	fail "no masquerading table"
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_forward)" = 1 ] ||
	fail "forwarding not on"

# A VM user: in the group, not root.
bg qemu setpriv --reuid=$VMUSER --regid=$VMUSER --groups=$VMGROUP \
	qemu-system-x86_64 -M pc -accel tcg -m 64 -display none -nodefaults \
	-boot n -netdev "vde,id=n0,sock=$T_WORK/sw" \
	-device "e1000,netdev=n0,mac=$MAC"
wait_for 60 grep -qi "$MAC" "$T_WORK/leases" ||
	fail "no DHCP lease for the unprivileged QEMU"
ok "lease: $(cat "$T_WORK/leases")"
# dnsmasq answers TFTP only on the tap's address.
wait_for 60 grep -q "tftp.*sent .*hello.ipxe to 10.70.0." "$T_WORK/dnsmasq.log" ||
	fail "the VM did not fetch its boot file from the tap's address"
ok "the VM reached 10.70.0.1 by TFTP: $(grep 'tftp.*sent .*hello.ipxe' "$T_WORK/dnsmasq.log" | head -1)"
echo ports | socat -t 2 - "UNIX-CONNECT:$T_WORK/sw/mgmt" | tee "$T_WORK/ports.json" |
	grep -q "\"descr\":\"QEMU\".*\"uid\":$VMUSER" ||
	grep -q "\"uid\":$VMUSER" "$T_WORK/ports.json" ||
	fail "QEMU's port does not show its user: $(cat "$T_WORK/ports.json")"

# Outside the group: the file system says no.
if setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --clear-groups \
	timeout 5 vde_plug "vde://$T_WORK/sw" </dev/null >"$T_WORK/outsider.log" 2>&1; then
	fail "a user outside the group attached"
fi
grep -qi "permission denied" "$T_WORK/outsider.log" ||
	fail "outsider refused, but not by permissions: $(cat "$T_WORK/outsider.log")"
ok "a user outside the group is refused: $(head -1 "$T_WORK/outsider.log")"

kill "$(sed -n 's/ qemu$//p' "$T_WORK/pids")" 2>/dev/null
rc stop >"$T_WORK/rc-stop.log" 2>&1 || fail "rc.vdenetwork stop"
kill -0 "$pid" 2>/dev/null && fail "switchd still running after stop"
ip -n "$NS" link show tap0 >/dev/null 2>&1 && fail "tap0 left after stop"
ip netns exec "$NS" nft list table ip vdenetwork >/dev/null 2>&1 &&
	fail "masquerading table left after stop"
[ "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_forward)" = 0 ] ||
	fail "forwarding not restored"
[ -e "$T_WORK/sw" ] && fail "socket directory left after stop"
[ -n "$(ip netns pids "$NS")" ] && fail "processes left in the namespace: $(ip netns pids "$NS")"
ok "rc.vdenetwork stop left nothing behind"
