#!/bin/bash
# SPDX-License-Identifier: ISC
# Real QEMUs attach with -netdev vhost-user, their memory a shared memfd,
# as unprivileged users: one on DIR/vhost, one on a port's own socket.
# Their network boot firmware (iPXE's virtio-net driver, on the rings the
# switch serves) gets a DHCP lease and a boot script from the host on the
# switch's tap, and the script then fetches a second one from a VM that
# is on the switch over -netdev vde.  A VM's QEMU killed and started
# again gets a port again and boots again.
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 dnsmasq dnsmasq jq jq \
	setpriv util-linux
[ -f /usr/lib/ipxe/qemu/efi-virtio.rom ] ||
	skip "needs QEMU's virtio network boot firmware (Debian package ipxe-qemu)"
qemu_takes "vde,id=n0,sock=/nonexistent" 2>/dev/null ||
	qemu-system-x86_64 -netdev help 2>/dev/null | grep -qx vde ||
	skip "this QEMU has no -netdev vde"

VMGROUP=54361 VMUSER=54362	# numbers only
MAC1=52:54:00:73:00:01 MAC2=52:54:00:73:00:02
AS_VM="setpriv --reuid=$VMUSER --regid=$VMUSER --groups=$VMGROUP"
sw=$T_WORK/sw
printf 'port 5 vhost %s/vm2 user %s\n' "$sw" "$VMUSER" >"$T_WORK/sw.conf"
chmod 644 "$T_WORK/sw.conf"
netboot_gw 10.73.0 "switchd vhost test" -f "$T_WORK/sw.conf"

# The VM over vde: a QEMU bridging a namespace's tap to -netdev vde,
# serving the second script by TFTP.
qemu_host vde "vde,id=n0,sock=$sw" 10.73.0.9/24
mkdir -p "$T_WORK/tftp2"
printf '#!ipxe\necho from the vde VM\nsleep 600\n' >"$T_WORK/tftp2/second.ipxe"
chmod 755 "$T_WORK/tftp2"; chmod 644 "$T_WORK/tftp2/second.ipxe"
bg tftp2 ip netns exec "$T_NS-vde" dnsmasq --no-daemon --conf-file=/dev/null \
    --no-resolv --no-hosts --port=0 --interface=eth0 --bind-interfaces \
    --enable-tftp --tftp-root="$T_WORK/tftp2" --log-facility=-
printf '#!ipxe\necho from the tap host\nchain tftp://10.73.0.9/second.ipxe\n' \
    >"$T_WORK/tftp/hello.ipxe"

# vm NAME SOCKET MAC: a QEMU of VMUSER's that boots from the network
vm() {
	bg "$1" $AS_VM qemu-system-x86_64 -M pc -accel tcg -m 64 \
	    -display none -nodefaults -boot n \
	    -object memory-backend-memfd,id=mem,size=64M,share=on \
	    -numa node,memdev=mem -chardev "socket,id=c0,path=$2" \
	    -netdev vhost-user,id=n0,chardev=c0 \
	    -device "virtio-net-pci,netdev=n0,mac=$3"
}
vm vm1 "$sw/vhost" $MAC1
vm1=$T_LASTPID
vm vm2 "$sw/vm2" $MAC2
logged 10 "port [0-9]+ \\(vhost qemu-system-x86 uid=$VMUSER pid=$vm1\\): attached" ||
	fail "the first QEMU did not attach on $sw/vhost"
logged 10 "port 5 \\(vhost qemu-system-x86 uid=$VMUSER pid=[0-9]+\\): attached" ||
	fail "the second QEMU did not attach on its own socket, port 5"
ok "two QEMUs attached over vhost-user, one on port 5's own socket"

for mac in $MAC1 $MAC2; do
	wait_for 60 grep -q "DHCPACK(tap0) [0-9.]* $mac" "$T_WORK/dnsmasq.log" ||
		fail "no DHCP lease for $mac from the tap host"
done
ok "both VMs leased an address from the tap host"
for mac in $MAC1 $MAC2; do
	ip=$(grep -o "DHCPACK(tap0) [0-9.]* $mac" "$T_WORK/dnsmasq.log" |
	    head -1 | cut -d' ' -f2)
	wait_for 60 grep -q "sent .*second.ipxe to $ip" "$T_WORK/tftp2.log" ||
		fail "$mac ($ip) did not fetch its script from the VM over vde"
done
ok "both VMs fetched a script from the VM over vde"

j=$(ctl -j port 5)
jq -e '.port | .kind == "vhost" and .vhost.rx_up and .vhost.tx_up and
    .vhost.rx_ring > 0 and .vhost.regions > 0 and .rx_frames > 0 and
    .tx_frames > 0' <<<"$j" >/dev/null ||
	fail "port 5 as switchctl shows it: $j"
ok "switchctl port 5: $(ctl port 5 | grep -E '^(kind|features|rings):' | tr -s ' ' | tr '\n' ';')"

# The first VM's QEMU dies; started again, it attaches and boots again.
kill -KILL "$vm1"
wait "$vm1" 2>/dev/null
logged 10 "port [0-9]+ \\(vhost qemu-system-x86 uid=$VMUSER pid=$vm1\\): detached" ||
	fail "the killed QEMU's port did not go"
n=$(grep -c "DHCPACK(tap0) [0-9.]* $MAC1" "$T_WORK/dnsmasq.log")
vm vm1b "$sw/vhost" $MAC1
logged 10 "port [0-9]+ \\(vhost qemu-system-x86 uid=$VMUSER pid=$T_LASTPID\\): attached" ||
	fail "the restarted QEMU did not attach"
wait_for 60 sh -c "[ \$(grep -c 'DHCPACK(tap0) [0-9.]* $MAC1' \
    '$T_WORK/dnsmasq.log') -gt $n ]" ||
	fail "the restarted VM got no lease"
ok "the restarted QEMU attached again and leased its address again"

switchd_alive
stop_switchd
ok "clean exit"
