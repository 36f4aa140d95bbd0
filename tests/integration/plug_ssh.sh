#!/bin/bash
# SPDX-License-Identifier: ISC
# Two switches chained over ssh, as across two hosts:
#   dpipe switchplug A = ssh localhost switchplug B
# through a private sshd on a loopback port with throwaway keys; a host on
# each switch pings the other.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug dpipe vdeplug ping iputils-ping sshd openssh-server \
	ssh openssh-client ssh-keygen openssh-client

a=$T_WORK/a b=$T_WORK/b
start_switchd "$a"
start_switch switchd-b "$b"
host a "vde://$a" 10.63.0.1/24
host b "vde://$b" 10.63.0.2/24

# sshd wants its privilege separation directory; remove it if we made it.
if [ ! -d /run/sshd ]; then
	mkdir -m 755 /run/sshd || fail "cannot make /run/sshd"
	trap 'rmdir /run/sshd 2>/dev/null; t_cleanup' EXIT
fi
ssh-keygen -q -t ed25519 -N '' -f "$T_WORK/host_key" || fail "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -f "$T_WORK/user_key" || fail "ssh-keygen"
cp "$T_WORK/user_key.pub" "$T_WORK/authorized_keys"
port=$(free_port)
cat >"$T_WORK/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $T_WORK/host_key
AuthorizedKeysFile $T_WORK/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AcceptEnv ASAN_OPTIONS UBSAN_OPTIONS
EOF
bg sshd "$(command -v sshd)" -D -e -f "$T_WORK/sshd_config"
listening() { ss -Hltn "sport = :$1" | grep -q .; }
wait_for 10 listening "$port" || fail "sshd did not start"
# Sanitizer settings go along, so the far end reports where we look.
ssh=(ssh -F /dev/null -p "$port" -i "$T_WORK/user_key"
	-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o BatchMode=yes -o LogLevel=ERROR
	-o "SendEnv=ASAN_OPTIONS UBSAN_OPTIONS" "$(id -un)@127.0.0.1")
"${ssh[@]}" true || fail "cannot log in through the test's sshd"

bg chain dpipe "$SWITCHPLUG" -v "$a" = "${ssh[@]}" "$SWITCHPLUG" -v "$b"
chain=$T_LASTPID
# Both ends attached: the far one only after ssh has logged in, which a
# busy machine may take seconds to do.
t_wait_for 60 grep -q "switchplug stdio.*attached" "$T_WORK/switchd-b.log" ||
	fail "switchd B does not show switchplug's port"
t_wait_for 10 grep -q "switchplug stdio.*attached" "$T_WORK/switchd.log" ||
	fail "switchd A does not show switchplug's port"
pings a 10.63.0.2 || fail "a cannot ping b over the ssh chain"
pings b 10.63.0.1 || fail "b cannot ping a over the ssh chain"
ok "a and b ping each other over dpipe switchplug = ssh switchplug"

# Bigger frames, and a steady flow: nothing lost on the way.
loss=$(nsexec a ping -q -c 100 -i 0.01 -s 1400 10.63.0.2 |
	sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
[ "${loss%%.*}" -le 5 ] 2>/dev/null ||
	fail "100 pings of 1400 bytes: ${loss:-?}% lost"
ok "100 pings of 1400 bytes, ${loss}% lost"

# The chain breaks: the far switchplug sees its stdin end and leaves.
kill "$chain"
wait_for 10 grep -q "detached" "$T_WORK/switchd-b.log" ||
	fail "B's port not released when the ssh chain was cut"
wait_for 10 grep -q "detached" "$T_WORK/switchd.log" ||
	fail "A's port not released when the ssh chain was cut"
pings a 10.63.0.2 && fail "a still reaches b with the chain cut"
ok "chain cut: both ports released"
