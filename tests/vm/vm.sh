# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Sourced (bash) by what boots the guest of tests/vm/mkimage.sh: the
# integration test vm.sh and make bench-vm (tests/vm/bench.sh).
#   vm_image       build the guest into VM_DIR unless it is there
#   vm_accel       choose KVM or TCG: VM_ACCEL, and VM_ACCEL_WHY
#   vm_qemu ...    the QEMU command line of one guest, into VM_CMD
# VM_DIR defaults to build/vm of the source tree, whatever build tree
# the caller tests: the guest does not depend on how switchd is built.

VM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${VM_DIR:=$(dirname "$(dirname "$VM_SRC")")/build/vm}"

# vm_image: the guest in VM_DIR; a message on standard error and false
# when it cannot be built (status 75: its packages could not be fetched)
vm_image() {
	"$VM_SRC/mkimage.sh" "$VM_DIR"
}

# vm_qemu SERIAL MAC NETDEV APPEND [QEMU ARGS...]: VM_CMD, the command
# that boots one guest with 1 vCPU under VM_ACCEL (tcg unless set), its
# console written to the file SERIAL, a NIC with MAC (VM_NIC, default
# virtio-net-pci; e1000 needs VM_KERNEL=linux-image-amd64 in mkimage.sh)
# on the backend NETDEV (a -netdev argument with id=n0) and APPEND added to the
# kernel command line (vm.role=... : see tests/vm/init).  The guest
# powers off when it is done, and QEMU exits 0; a kernel panic makes
# QEMU exit too.  Thread names (-name debug-threads=on) tell the vCPU
# ("CPU 0/TCG" or "CPU 0/KVM") from QEMU's main loop.
vm_qemu() {
	local serial=$1 mac=$2 netdev=$3 append=$4
	shift 4
	VM_CMD=(qemu-system-x86_64 -M q35 -accel "${VM_ACCEL:-tcg}" -m 256 -smp 1
	    -nodefaults -display none -no-reboot -name debug-threads=on
	    -serial "file:$serial" -kernel "$VM_DIR/vmlinuz"
	    -initrd "$VM_DIR/initrd"
	    -append "console=ttyS0 quiet panic=-1 $append"
	    -netdev "$netdev" -device "${VM_NIC:-virtio-net-pci},netdev=n0,mac=$mac" "$@")
}

# vm_accel: VM_ACCEL is kvm when KVM runs the guest here, else tcg, and
# VM_ACCEL_WHY says why.  A VM_ACCEL already set is kept.  A paravirtual
# KVM (kvm_pvm) runs only kernels made for it: a stock kernel dies there
# with "KVM internal error ... emulation failure" and QEMU stops, so
# that is not tried; any other KVM is tried with a short boot.
vm_accel() {
	local dir pid i
	if [ -n "${VM_ACCEL:-}" ]; then
		VM_ACCEL_WHY="VM_ACCEL=$VM_ACCEL"
		return 0
	fi
	VM_ACCEL=tcg
	if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		VM_ACCEL_WHY="no /dev/kvm to use"
		return 0
	fi
	if [ -d /sys/module/kvm_pvm ]; then
		VM_ACCEL_WHY="/dev/kvm is a paravirtual KVM (kvm_pvm), which stock kernels cannot run on"
		return 0
	fi
	dir=$(mktemp -d /tmp/switchd-vmprobe.XXXXXX) || return 1
	VM_ACCEL=kvm vm_qemu "$dir/serial" 52:54:00:00:00:01 \
	    "user,id=n0,restrict=on" "vm.role=probe"
	"${VM_CMD[@]}" >"$dir/log" 2>&1 &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		grep -q 'KVM internal error' "$dir/log" && break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if grep -q '^VM-DONE status=ok' "$dir/serial" 2>/dev/null; then
		VM_ACCEL=kvm VM_ACCEL_WHY="a KVM boot worked"
	else
		VM_ACCEL_WHY="a KVM boot failed: $(grep -m1 . "$dir/log")"
	fi
	rm -rf "$dir"
}
