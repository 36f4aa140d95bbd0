#!/bin/bash
# SPDX-License-Identifier: ISC
# Garbage on every transport of switchplug: random bytes, lengths of 0 and
# 65535, runts, giants, a frame cut by the end of the stream. switchplug
# and the switch must survive, log and count what they dropped, and still
# forward good frames sent afterwards: an ARP request sent after the
# garbage must bring host a's reply back. Meanwhile a and b keep pinging
# each other across a second, healthy path.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug dpipe vdeplug ping iputils-ping socat socat

a=$T_WORK/a b=$T_WORK/b
start_switchd "$a"
start_switch switchd-b "$b"
host a "vde://$a" 10.64.0.1/24
host b "vde://$b" 10.64.0.2/24
bg healthy dpipe "$SWITCHPLUG" -v "$a" = "$SWITCHPLUG" -v "$b"
pings a 10.64.0.2 || fail "a cannot ping b over the healthy path"

G=$T_WORK/g	# garbage and frames are made here
mkdir "$G"
# bytes FILE HEX...: FILE holds these bytes
bytes() { local f=$1; shift; printf "$(printf '\\x%s' "$@")" >"$G/$f"; }
# arp NAME N: an ARP request from 02:00:00:00:00:N asking for a, framed
# with 2 (NAME.2) and 4 (NAME.4) bytes and raw (NAME)
arp() {
	arp_request "02:00:00:00:00:$2" "10.64.0.$((0x$2))" 10.64.0.1 >"$G/$1"
	framed 2 <"$G/$1" >"$G/$1.2"
	framed 4 <"$G/$1" >"$G/$1.4"
}
# replied FILE N: wait for a's ARP reply to 02:00:00:00:00:N in FILE
replied() { wait_for 5 has_arp_reply "$1" "02:00:00:00:00:$2"; }
# healthy: the switch and the healthy path still work
healthy() {
	kill -0 "$SWITCHD_PID" 2>/dev/null || fail "switchd A died ($1)"
	pings a 10.64.0.2 || fail "a cannot ping b any more ($1)"
}
plug_log() { grep -q -- "$2" "$T_WORK/$1.log" || fail "$1: no '$2' logged"; }
# drained FIFO: nothing written to FIFO is left unread, so what is written
# next comes in a read of its own (FIONREAD, 0x541B on Linux, asked on a
# reading end of our own that reads nothing)
drained() {
	perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_RDONLY | O_NONBLOCK) or
	    exit 2; my $n = pack("i", 0); ioctl($f, 0x541B, $n) or exit 2;
	    exit(unpack("i", $n) != 0)' "$1"
}
# read_apart: switchplug has read all of the stdio FIFO
read_apart() {
	t_wait_for 10 drained "$T_WORK/stdio.in" ||
		fail "stdio: switchplug does not read its input"
}

head -c 3000 /dev/urandom >"$G/random"
head -c 9236 /dev/zero >"$G/9236"
head -c 65535 /dev/zero >"$G/65535"
head -c 50 /dev/zero >"$G/half"
bytes zero2 00 00
bytes zero4 00 00 00 00
bytes runt2 00 05 01 02 03 04 05
bytes runt4 00 00 00 05 01 02 03 04 05
bytes long2 24 14			# 9236: in step, too long to forward
bytes long4 00 00 ff ff			# 65535: in step, too long
bytes giant2 ff ff			# 65535: out of step on 2 bytes
bytes giant4 de ad be ef
bytes cut2 01 00			# 256 announced, 50 sent
bytes cut4 00 00 01 00
head -c 9240 /dev/zero | tr '\0' '\377' >"$G/pad"
cat "$G"/{giant2,random} >"$G/giant2_random"	# written at once
for n in 11 12 13 21 22 31 41; do arp "arp$n" "$n"; done

### stdin/stdout
mkfifo "$T_WORK/stdio.in"
bg plug-stdio bash -c 'exec "$1" -v "$2" <"$3" >"$4"' _ "$SWITCHPLUG" "$a" \
	"$T_WORK/stdio.in" "$T_WORK/stdio.out"
plug=$T_LASTPID
exec 8>"$T_WORK/stdio.in"
# In step: a length 0, a runt, a frame too long for the switch, then a
# good frame, all in one write.
cat "$G"/{zero2,runt2,long2,9236,arp11.2} >&8
replied "$T_WORK/stdio.out" 11 || fail "stdio: no reply after 0/runt/long"
plug_log plug-stdio "shorter than 14 bytes dropped"
plug_log plug-stdio "frame longer than 9234 bytes (9236) dropped"
ok "stdio: length 0, runt and 9236-byte frame dropped, good frame forwarded"
# 65535 puts the stream out of step: the rest of that read is skipped.
cat "$G/giant2_random" >&8
read_apart
cat "$G/arp12.2" >&8
replied "$T_WORK/stdio.out" 12 || fail "stdio: no reply after length 65535"
plug_log plug-stdio "resynchronising"
# Random bytes leave the stream anywhere; a run of 0xff brings it back.
cat "$G/random" >&8
read_apart
cat "$G/pad" >&8
read_apart
cat "$G/arp13.2" >&8
replied "$T_WORK/stdio.out" 13 || fail "stdio: no reply after random bytes"
ok "stdio: length 65535 and random bytes skipped, good frames forwarded"
healthy "stdio garbage"
# A frame cut by the end of input: dropped, and exit status 0.
cat "$G"/{cut2,half} >&8
exec 8>&-
wait "$plug"
rc=$?
[ "$rc" -eq 0 ] || fail "stdio: switchplug exited $rc at the end of input"
plug_log plug-stdio "stream ended inside a frame: 52 of 258 bytes dropped"
ok "stdio: frame cut by the end of input dropped, exit 0"

### TCP, listening: every connection is a port of its own
port=$(free_port)
bg plug-tcp "$SWITCHPLUG" -v -l "127.0.0.1:$port" "$a"
plug=$T_LASTPID
wait_for 10 grep -q "listening" "$T_WORK/plug-tcp.log" ||
	fail "switchplug -l did not start"
# tcp_send NAME N FILES...: send FILES on one connection, which stays open
# until a's ARP reply to 02:00:00:00:00:N is back (10 s at most; N "-":
# no answer is awaited), in $T_WORK/NAME.out
tcp_send() {
	local out=$T_WORK/$1.out n=$2; shift 2
	{ cat "$@"; [ "$n" = - ] ||
	    t_wait_for 10 has_arp_reply "$out" "02:00:00:00:00:$n"; } |
		timeout 20 socat -t 2 - "TCP:127.0.0.1:$port" >"$out"
}
tcp_send tcp1 21 "$G"/{zero4,runt4,long4,65535,arp21.4,cut4,half}
has_arp_reply "$T_WORK/tcp1.out" 02:00:00:00:00:21 ||
	fail "tcp: no reply after 0/runt/65535 on the same connection"
plug_log plug-tcp "frame longer than 9234 bytes (65535) dropped"
plug_log plug-tcp "shorter than 14 bytes dropped"
wait_for 5 grep -q "stream ended inside a frame: 54 of 260" \
	"$T_WORK/plug-tcp.log" || fail "tcp: cut frame not reported"
ok "tcp: length 0, runt and 65535 dropped, good frame forwarded, cut frame"
tcp_send tcp2 - "$G"/{giant4,random}
plug_log plug-tcp "frame length over 65550 bytes: closing"
tcp_send tcp3 22 "$G/arp22.4"
has_arp_reply "$T_WORK/tcp3.out" 02:00:00:00:00:22 ||
	fail "tcp: a new connection after garbage does not work"
kill -0 "$plug" || fail "switchplug -l died"
ok "tcp: bad length closes that connection; the next one works"
released3() { [ "$(grep -c 'port released' "$T_WORK/plug-tcp.log")" -ge 3 ]; }
wait_for 5 released3 || fail "tcp: not every connection released its port"
healthy "tcp garbage"

### TCP, connecting: the connection is made again after each failure
cport=$(free_port)
bg plug-cli "$SWITCHPLUG" -v -c "127.0.0.1:$cport" "$a"
plug=$T_LASTPID
wait_for 10 grep -q "Connection refused; connecting again in" \
	"$T_WORK/plug-cli.log" || fail "tcp -c: refused connection not reported"
# listener NAME FILES...: a one-connection server that sends FILES, then
# reads the answer into $T_WORK/NAME.out for 3 seconds
listener() {
	local name=$1; shift
	echo "cat $*; timeout 3 cat >$T_WORK/$name.out" >"$G/$name.sh"
	bg "$name" socat "TCP-LISTEN:$cport,bind=127.0.0.1,reuseaddr" \
		"EXEC:bash $G/$name.sh"
}
listener srv1 "$G"/{zero4,runt4,long4,65535,cut4,half}
wait_for 20 grep -q "stream ended inside a frame: 54 of 260" \
	"$T_WORK/plug-cli.log" || fail "tcp -c: cut frame not reported"
wait_for 5 grep -Eq "(closed by the peer|lost .*); connecting again in" \
	"$T_WORK/plug-cli.log" || fail "tcp -c: no reconnection announced"
plug_log plug-cli "frame longer than 9234 bytes (65535) dropped"
listener srv2 "$G"/{giant4,random}
wait_for 20 grep -q "closed on a bad frame length; connecting again in" \
	"$T_WORK/plug-cli.log" || fail "tcp -c: bad length not reported"
listener srv3 "$G/arp31.4"
wait_for 30 has_arp_reply "$T_WORK/srv3.out" 02:00:00:00:00:31 ||
	fail "tcp -c: no reply on the connection made after the garbage"
kill -0 "$plug" || fail "switchplug -c died"
ok "tcp -c: refusals, garbage and a cut frame survived; reconnected, forwarding"
healthy "tcp -c garbage"

### UDP multicast, in a namespace of ours
netns g
ip -n "$T_NS-g" route add 230.0.0.0/8 dev lo
mport=$(free_port)
bg plug-mcast ip netns exec "$T_NS-g" "$SWITCHPLUG" -v \
	-m "230.0.0.1:$mport" -I 127.0.0.1 "$a"
plug=$T_LASTPID
wait_for 10 grep -q "joined" "$T_WORK/plug-mcast.log" ||
	fail "switchplug -m did not start"
bg mcast-listen ip netns exec "$T_NS-g" socat -u \
	"UDP4-RECV:$mport,ip-add-membership=230.0.0.1:127.0.0.1,reuseaddr" \
	"OPEN:$T_WORK/mcast.out,creat"
mcast_bound() { nsexec g ss -Hlun "sport = :$mport" | grep -q .; }
t_wait_for 10 mcast_bound || fail "mcast: the listener did not start"
# dgram FILE: FILE as one datagram to the group
dgram() {
	nsexec g bash -c 'cat "$1" >"/dev/udp/230.0.0.1/$2"' _ "$1" "$mport" ||
		fail "cannot send $1 to the group"
}
head -c 9300 /dev/zero >"$G/jumbo"
bytes mcsrc ff ff ff ff ff ff 01 00 5e 00 00 01 08 00 00 00 00 00 00 00
for f in runt4 jumbo random mcsrc; do dgram "$G/$f"; done
dgram "$G/arp41"
replied "$T_WORK/mcast.out" 41 || fail "mcast: no reply after the garbage"
plug_log plug-mcast "frame too short (9 bytes) dropped"
plug_log plug-mcast "datagram longer than a frame dropped"
kill -0 "$plug" || fail "switchplug -m died"
ok "mcast: runt, jumbo, random and group-source datagrams; good frame forwarded"
kill -USR1 "$plug"
wait_for 5 grep -Eq "[1-9][0-9]* too short, [0-9]+ too long, [1-9][0-9]* bad" \
	"$T_WORK/plug-mcast.log" || fail "mcast: drops not counted"
grep -Eq "[1-9][0-9]* too long; out" "$T_WORK/plug-mcast.log" ||
	fail "mcast: jumbo datagram not counted"
ok "mcast: every drop counted"
healthy "mcast garbage"
ok "switch and healthy path fine after all of it"
