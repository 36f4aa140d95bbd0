#!/bin/bash
# SPDX-License-Identifier: ISC
# slow: yes
# Every example of the manual pages and of README.md runs, as written,
# against real processes: what it starts starts, what it asks succeeds,
# and what it shows is what the programs print.
#
# Each example is marked in its page by a comment the reader does not see,
# just before it:
#     .\" example: SCENE STEP [KIND] [FLAG ...]          (manual pages)
#     <!-- example: SCENE STEP [KIND] [FLAG ...] -->     (README.md)
# An example is a .Bd -literal block, a .Dl line, a .Ql that is a whole
# command line (a program of the project, vde_plug, vde_switch, dpipe,
# ssh, socat or QEMU with two arguments or more, and no placeholder; one
# word after the program only names a command), or a fenced block of
# README.md.  One that is not marked fails the test, and so does one
# marked but never run.
#
# SCENE is a set of machines this test makes, where its examples run on
# the first; STEP orders the examples of a scene, page order within a
# step.  The scenes run in two lanes side by side.  A machine is a network namespace
# with a mount namespace of its own: /run and /tmp start empty, and /etc,
# /var, /home, /root and /usr/local are overlays whose changes stay in the
# scratch directory.  So an example runs as it is written, with its paths,
# its port numbers, its useradd, and changes nothing outside;
# /usr/local/sbin/switchd and /usr/local/bin/switch{ctl,plug} are the
# programs under test (or what the example's own "make install" put there).
# "# " starts a command of root, "$ " one of alice (a user of the machine,
# with the environment "su -" gives: no XDG_RUNTIME_DIR, no sbin in PATH).
#
# KIND says what the example is:
#   run       (the default) commands, with or without prompts.  A line
#             that follows a prompted command without a prompt of its own
#             is its output: it must match what the command prints, line
#             for line, numbers, MAC addresses and "..." matching any.
#             A block with no prompt is commands alone, run as root.
#   lines     commands, each an example alone: what one starts is stopped
#             before the next (switches excepted).
#   conf      a switchd.conf(5) file: "switchd -c -f" accepts it, and a
#             switch started with it shows each of its lines in its
#             running configuration.
#   qemu      QEMU options, one set a line: QEMU attaches with each, DIR
#             being a switch and SOCK a socket of QEMU's there, and with
#             ",port=5" added to a vde -netdev, to port 5.
#   libvirt   a libvirt domain: well-formed XML, and QEMU given the
#             arguments of its qemu:commandline attaches (libvirt itself
#             does not run here).
#   requests  management requests, one a line ([optional] words left out,
#             the first of "a | b", port N 3, VLAN V 10), sent to the
#             scene's first switch: each is answered with "ok" true.
#   output    what a command that the scene runs prints.
#   log       a line the switch logs when the scene makes it happen.
# Flags: keep (what the block starts runs until the scene ends), fails
# (each command must fail), probe (a command whose exit status is the
# answer, kept in PROBE), src (run in the sources), as=USER (who runs the
# commands without a prompt, or those after "$ "), input=WORDS (the
# commands' standard input), on=host2 (run on the scene's second
# machine, the other host the example speaks of).
#
# What the test starts and how it knows it works: a switch logs "ready";
# switchctl capture runs until the example ends, once its switch logs
# that it started;
# a client (QEMU, vde_plug, switchplug, dpipe: 2, one on each end) gets a
# new port on a switch of the scene; a listener (switchplug -l, QEMU
# listen=) listens, on every address only if its command line says so,
# and a connection to it gets a port (from the other host when it
# listens on every address); switchplug -c connects; a QEMU on a
# multicast group is heard by the switch: its MAC address is learned.
#
# What cannot run here as written, and what runs instead:
#   "..." in a QEMU command line, the rest of a VM: here a diskless PC
#       (-M pc -accel tcg -m 64 -nodefaults -boot n) whose firmware sends
#       DHCP requests; every QEMU also gets -display none, and disk images
#       are empty files.
#   host2, another host: the second machine of the scene, on a veth, with
#       an sshd of the test's own; "ssh host2" finds it through /etc/hosts
#       and ~/.ssh of the first machine.
#   make run and make install: run in the sources, on the build under test
#       (B=).  make check would run every test, this one too: make -n check
#       shows what it would run.
# SCENES="boot misc" runs those scenes alone (to work on this test).
. "$(dirname "$0")/lib.sh"
need_root
need qemu-system-x86_64 qemu-system-x86 vde_plug vdeplug dpipe vdeplug \
	vde_switch vde2 sshd openssh-server ssh openssh-client \
	ssh-keygen openssh-client socat socat jq jq dnsmasq dnsmasq \
	nft nftables setpriv util-linux nsenter util-linux unshare util-linux \
	useradd passwd json_pp perl make make ss iproute2 sg login \
	xmllint libxml2-utils
for rom in efi-virtio.rom efi-e1000.rom; do
	[ -e "/usr/lib/ipxe/qemu/$rom" ] ||
		skip "needs QEMU's network boot firmware (Debian package ipxe-qemu)"
done
need_tool vdepeer
case $T_WORK in
/etc/* | /var/* | /home/* | /root/* | /usr/local/* | /run/*)
	skip "the scratch directory $T_WORK is where the machines of this test" \
	    "have overlays" ;;
esac

declare -A HOLDER ADDR XDG SWLOG
# On a failure, the logs of the scene's switches, not every log of the test.
t_dump_logs() {
	local f
	for f in "${SWLOG[@]}"; do
		echo "--- $(basename "$f")"
		tail -n 30 "$f"
	done
}

PAGES=("$T_TOP/README.md" "$T_TOP/man/switchd.8" "$T_TOP/man/switchd.conf.5"
	"$T_TOP/man/switchctl.8" "$T_TOP/man/switchplug.1")
EX=$T_WORK/ex
mkdir -p "$EX"
QEMU_REST="-M pc -accel tcg -m 64 -nodefaults -boot n"
B=${BUILD##*/}	# the build make run and make install use

# --- The examples, out of the pages: EX/index has a line for each, "ID
# WHERE SCENE STEP KIND FLAGS" separated by tabs, and EX/ID.txt its text.
cat >"$T_WORK/extract.pl" <<'EOF'
use strict;
use warnings;
my $out = shift;
my $n = 0;
my %kinds = map { $_ => 1 } qw(run lines conf qemu libvirt requests output log);
my $progs = qr/^(?:switchd|switchctl|switchplug|vde_plug|vde_switch|dpipe|ssh|socat|qemu-system-\S+)(?:\s|$)/;
my %esc = ('e' => '\\', '&' => '', '-' => '-', '(aq' => "'", '(dq' => '"',
    '(ti' => '~', '(ha' => '^');
open my $idx, '>', "$out/index" or die "$out/index: $!";
sub problem { print "PROBLEM: $_[0]\n" }
sub unroff {
	my ($s, $where) = @_;
	(my $t = $s) =~ s/\\(?:e|&|-|\(aq|\(dq|\(ti|\(ha)//g;
	problem("$where: an escape this test cannot read: $s") if $t =~ /\\/;
	$s =~ s/\\(e|&|-|\(aq|\(dq|\(ti|\(ha)/$esc{$1}/g;
	return $s;
}
sub emit {
	my ($where, $marker, $text) = @_;
	if (!defined $marker) {
		problem("$where: an example with no \"example:\" mark before it");
		return;
	}
	my ($scene, $step, @rest) = split ' ', $marker;
	my $kind = (@rest && $kinds{$rest[0]}) ? shift @rest : 'run';
	if (!defined $step || $step !~ /^\d+$/) {
		problem("$where: \"example: $marker\": no SCENE STEP");
		return;
	}
	for (@rest) {
		problem("$where: \"example: $marker\": what is \"$_\"?")
		    unless /^(?:keep|fails|probe|src|as=[a-z-]+|input=\S+|on=host2)$/;
	}
	$n++;
	my $id = sprintf "%03d", $n;
	open my $f, '>', "$out/$id.txt" or die;
	print $f $text;
	close $f;
	print $idx join("\t", $id, $where, $scene, $step, $kind, "@rest"), "\n";
}
for my $file (@ARGV) {
	open my $fh, '<', $file or die "$file: $!";
	(my $name = $file) =~ s{.*/}{};
	my $md = $file =~ /\.md$/;
	my ($marker, $mwhere);
	while (my $l = <$fh>) {
		chomp $l;
		my $where = "$name:$.";
		if ($md) {
			if ($l =~ /^<!--\s*example:\s*(.*?)\s*-->\s*$/) {
				problem("$mwhere: \"example:\" is not followed by an example")
				    if defined $marker;
				($marker, $mwhere) = ($1, $where);
				next;
			}
			if ($l =~ /^```/) {
				my $text = '';
				while (my $b = <$fh>) {
					last if $b =~ /^```\s*$/;
					$text .= $b;
				}
				emit($where, $marker, $text);
				undef $marker;
				next;
			}
		} else {
			if ($l =~ /^\.\\"\s*example:\s*(.*?)\s*$/) {
				problem("$mwhere: \"example:\" is not followed by an example")
				    if defined $marker;
				($marker, $mwhere) = ($1, $where);
				next;
			}
			next if $l =~ /^\.\\"/;
			if ($l =~ /^\.Bd\s+-literal/) {
				my $text = '';
				while (my $b = <$fh>) {
					last if $b =~ /^\.Ed\b/;
					next if $b =~ /^\.\\"/;
					problem("$name:$.: a request inside an example: $b")
					    if $b =~ /^[.']/;
					$text .= unroff($b, "$name:$.");
				}
				emit($where, $marker, $text);
				undef $marker;
				next;
			}
			if ($l =~ /^\.Dl\s+(.*)$/) {
				emit($where, $marker, unroff($1, $where) . "\n");
				undef $marker;
				next;
			}
			if ($l =~ /^\.Ql\s+(.*)$/) {
				my $t = $1;
				1 while $t =~ s/\s+[.,;:()]$//;
				my @w = split ' ', $t;
				if ($t =~ $progs && @w >= 3 &&
				    $t !~ /\s(?:Ar|Ns|Fl|Cm|Pa|Li|Ev)(?:\s|$)/) {
					emit($where, $marker, unroff($t, $where) . "\n");
					undef $marker;
					next;
				}
			}
		}
		if (defined $marker) {
			problem("$mwhere: \"example:\" is not followed by an example");
			undef $marker;
		}
	}
	problem("$mwhere: \"example:\" is not followed by an example")
	    if defined $marker;
}
EOF

# match EXPECTED ACTUAL: exit 0 when ACTUAL is what EXPECTED shows, line
# for line, spaces aside; a line of EXPECTED that ends in " \" goes on on
# the next.  "...", numbers (with k, M, G or s after them) and MAC
# addresses match any.  With -a, each line of EXPECTED is to be found in
# some line of ACTUAL instead.
cat >"$T_WORK/match.pl" <<'EOF'
use strict;
use warnings;
my $any = $ARGV[0] eq '-a' ? shift : '';
my ($ef, $af) = @ARGV;
sub slurp { local $/; open my $h, '<', $_[0] or die "$_[0]: $!"; my $t = <$h>; $t // '' }
sub lines {
	my $t = shift;
	my @l = grep { /\S/ } split /\n/, $t;
	s/^\s+|\s+$//g for @l;
	s/\s+/ /g for @l;
	return @l;
}
my $mac = qr/(?:[0-9a-f]{2}:){5}[0-9a-f]{2}/;
my $num = qr/(?<![\w.-])\d+(?:\.\d+)*(?:[kMG]|s)?(?![\w-])/;
sub pat {
	my $re = '';
	for my $tok (split /(\.\.\.|$mac|$num)/, $_[0]) {
		next if $tok eq '';
		if ($tok eq '...') { $re .= '.*' }
		elsif ($tok =~ /^$mac$/) { $re .= $mac }
		elsif ($tok =~ /^$num$/) { $re .= '\d+(?:\.\d+)*[kMG]?s?' }
		else { $re .= quotemeta $tok }
	}
	return $any ? qr/$re/ : qr/^$re$/;
}
(my $et = slurp($ef)) =~ s/ \\\n/ /g;
my @e = lines($et);
my @a = lines(slurp($af));
if ($any) {
	for my $e (@e) {
		my $p = pat($e);
		exit 1 unless grep { $_ =~ $p } @a;
	}
	exit 0;
}
exit 1 if @e != @a;
for my $i (0 .. $#e) {
	exit 1 unless $a[$i] =~ pat($e[$i]);
}
exit 0;
EOF

# ports.pl NAME=SOCKET...: a line NAME:PORT:PID for each port in use on
# each switch, asked on its management socket SOCKET; a NAME with
# ":vde:" in it is a vde_switch, asked on its management console
cat >"$T_WORK/ports.pl" <<'EOF'
use strict;
use warnings;
use IO::Socket::UNIX;
use JSON::PP;
for (@ARGV) {
	my ($name, $path) = split /=/, $_, 2;
	my $s = IO::Socket::UNIX->new(Peer => $path) or next;
	if ($name =~ /:vde:/) {
		print $s "port/allprint\n";
		while (my $l = <$s>) {
			print "$name:", $1 + 0, ":-\n"
			    if $l =~ /^Port (\d+) .* ACTIVE /;
			last if $l =~ /^1\d\d\d /;
		}
		next;
	}
	<$s>;	# the greeting
	print $s "ports\n";
	my $r = <$s> // next;
	for my $p (@{decode_json($r)->{ports} // []}) {
		print "$name:$p->{port}:", $p->{pid} // '-', "\n";
	}
}
EOF

# mgmt.pl SOCKET: each line of standard input a request to the switch
# whose management socket is SOCKET; its greeting and replies on
# standard output
cat >"$T_WORK/mgmt.pl" <<'EOF'
use strict;
use warnings;
use IO::Socket::UNIX;
my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "$ARGV[0]: $!\n";
print scalar <$s>;
while (my $req = <STDIN>) {
	print $s $req;
	my $reply = <$s>;
	die "no reply to $req" unless defined $reply;
	print $reply;
}
EOF

perl "$T_WORK/extract.pl" "$EX" "${PAGES[@]}" >"$T_WORK/extract.log" ||
	fail "cannot read the examples: $(cat "$T_WORK/extract.log")"
if grep -q '^PROBLEM' "$T_WORK/extract.log"; then
	sed 's/^PROBLEM: /FAIL: /' "$T_WORK/extract.log"
	fail "the examples are not all marked as this test reads them"
fi
ok "$(wc -l <"$EX/index") examples in ${#PAGES[@]} pages, each marked"

# --- Machines.
MACHINES=()	# those of the scene running
SWITCHES=()	# "MACHINE DIR" of each switch of the scene; DIR vde:MGMT
		# for a vde_switch with management socket MGMT
BLOCK_ID=none	# the example running
SCENE_BG=()	# what runs until the scene ends
BLOCK_BG=()	# what runs until the example ends: "PID ENTRY..." where an
		# ENTRY is MACHINE:DIR:PORT:PID, the port it attached

# machine NAME: a machine of its own; ADDR[NAME] is its address on a LAN
machine() {
	local m=$1 h=$T_WORK/m-$1
	mkdir -p "$h"
	netns "$m"
	cat >"$h/setup.sh" <<EOF
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=755 tmpfs /run
# The scratch directory, and the sources with the programs under test,
# stay where they are, though they may be under /tmp.
mkdir /run/work /run/top
mount --bind "$T_WORK" /run/work
mount --bind "$T_TOP" /run/top
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p "$T_WORK" "$T_TOP"
mount --bind /run/work "$T_WORK"
mount --bind /run/top "$T_TOP"
umount /run/work /run/top
rmdir /run/work /run/top
for d in etc var home root usr/local; do
	mkdir -p "$h/up/\$d" "$h/wk/\$d"
	mount -t overlay overlay \
	    -o "lowerdir=/\$d,upperdir=$h/up/\$d,workdir=$h/wk/\$d" "/\$d"
done
# Nothing of ours goes to the system's log: it stays on standard error.
if [ -S /dev/log ]; then mount --bind /dev/null /dev/log; fi
mkdir -p /run/sshd /run/user /usr/local/bin /usr/local/sbin
touch "$h/ready"
exec sleep 100000
EOF
	bg "m-$m" ip netns exec "$T_NS-$m" unshare -m --propagation private \
	    bash "$h/setup.sh"
	HOLDER[$m]=$T_LASTPID
	t_wait_for 10 test -e "$h/ready" ||
		fail "machine $m: $(cat "$T_WORK/m-$m.log")"
	MACHINES+=("$m")
}

# menv MACHINE USER: M is the command that runs what follows in MACHINE as
# USER, with the environment of a login
menv() {
	local m=$1 u=$2 v
	M=(nsenter -t "${HOLDER[$m]}" -m -n --)
	if [ "$u" = root ]; then
		M+=(env -i HOME=/root USER=root LOGNAME=root
		    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
	else
		M+=(setpriv "--reuid=$u" "--regid=$u" --init-groups env -i
		    "HOME=/home/$u" "USER=$u" "LOGNAME=$u" SHELL=/bin/sh
		    PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games)
		[ -n "${XDG[$m]:-}" ] && M+=("XDG_RUNTIME_DIR=${XDG[$m]}")
	fi
	M+=(LC_ALL=C TERM=dumb)
	for v in ASAN_OPTIONS UBSAN_OPTIONS SWITCHD_TEST_RUN REAL_SWITCHD VG_LOGDIR B; do
		[ -n "${!v:-}" ] && M+=("$v=${!v}")
	done
}

# mx MACHINE USER CMD...: CMD in MACHINE as USER
mx() {
	local m=$1 u=$2
	shift 2
	menv "$m" "$u"
	"${M[@]}" "$@"
}

# programs MACHINE: the programs under test in its /usr/local
programs() {
	mx "$1" root sh -c 'ln -sf "$1" /usr/local/sbin/switchd &&
	    ln -sf "$2" /usr/local/bin/switchctl &&
	    ln -sf "$3" /usr/local/bin/switchplug' sh \
	    "$SWITCHD" "$SWITCHCTL" "$SWITCHPLUG" ||
		fail "machine $1: cannot put the programs in /usr/local"
}

# people MACHINE USER...: accounts with a home, who may log in by key
people() {
	local m=$1
	shift
	mx "$m" root sh -c 'for u; do
		useradd -m -s /bin/sh "$u" && usermod -p "*" "$u" &&
		    chmod 755 "/home/$u" || exit 1
	    done' sh "$@" || fail "machine $m: cannot add the users $*"
}

# groups MACHINE GROUP...: they exist
groups() {
	local m=$1
	shift
	mx "$m" root sh -c 'for g; do groupadd -f --system "$g" || exit 1; done' \
	    sh "$@" || fail "machine $m: cannot add the groups $*"
}

# absent MACHINE user|group NAME: there is no such user or group, as on a
# machine where the example makes it
absent() {
	mx "$1" root sh -c '! getent "$1" "$3" >/dev/null || "$2" -f "$3"' sh \
	    "${2/user/passwd}" "${2}del" "$3" >/dev/null 2>&1 ||
		fail "machine $1: cannot remove the $2 $3"
}

# image MACHINE USER FILE: an empty disk image in the user's home
image() {
	mx "$1" root sh -c 'truncate -s 1M "$1" && chown "$2:" "$1"' sh \
	    "/home/$2/$3" "$2" || fail "machine $1: cannot make $3"
}

# listeners MACHINE PORT: the addresses listening on TCP PORT there
listeners() {
	ss -N "$T_NS-$1" -Hltn "sport = :$2" | awk '{ print $4 }'
}

# lan A B: a veth between machines A and B, 10.77.0.1 and .2, with a
# route for multicast, and B known to A as host2
lan() {
	ip link add va netns "$T_NS-$1" type veth peer name vb netns "$T_NS-$2" ||
		fail "cannot link $1 and $2"
	ip -n "$T_NS-$1" addr add 10.77.0.1/24 dev va
	ip -n "$T_NS-$2" addr add 10.77.0.2/24 dev vb
	ip -n "$T_NS-$1" link set va up
	ip -n "$T_NS-$2" link set vb up
	ip -n "$T_NS-$1" route add 224.0.0.0/4 dev va
	ip -n "$T_NS-$2" route add 224.0.0.0/4 dev vb
	ADDR[$1]=10.77.0.1 ADDR[$2]=10.77.0.2
	mx "$1" root sh -c 'echo "10.77.0.2 host2" >>/etc/hosts'
}

# forget PID...: they have ended, and are not to be killed again at exit
forget() {
	local p q keep=()
	for p in "${T_PIDS[@]}"; do
		for q; do [ "$p" = "$q" ] && continue 2; done
		keep+=("$p")
	done
	T_PIDS=("${keep[@]}")
}

# stop PID: end what was started as PID, its process group with it
stop() {
	kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
	t_wait_for 5 eval "! running $1" || kill -KILL -- "-$1" 2>/dev/null
	wait "$1" 2>/dev/null
	forget "$1"
}

# end_scene: everything in the scene's machines ends, and the machines
end_scene() {
	local m pids p
	for m in "${MACHINES[@]}"; do
		pids=$(ip netns pids "$T_NS-$m" | grep -vx "${HOLDER[$m]}")
		[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
	done
	for m in "${MACHINES[@]}"; do
		t_wait_for 5 eval "[ -z \"\$(ip netns pids $T_NS-$m |
		    grep -vx ${HOLDER[$m]})\" ]" ||
			ip netns pids "$T_NS-$m" | grep -vx "${HOLDER[$m]}" |
			    xargs -r kill -KILL
		kill "${HOLDER[$m]}"
		wait "${HOLDER[$m]}" 2>/dev/null
		ip netns del "$T_NS-$m"
	done
	for p in "${SCENE_BG[@]}" "${BLOCK_BG[@]}"; do
		wait "${p%% *}" 2>/dev/null
		forget "${p%% *}"
	done
	for m in "${MACHINES[@]}"; do
		forget "${HOLDER[$m]}"
	done
	MACHINES=() SWITCHES=() SCENE_BG=() BLOCK_BG=()
}

# --- What runs in a scene.

# attached: a line for each port in use on the scene's switches, or
# those of machine ON when ON is set: MACHINE:DIR:PORT:PID.  A path
# /proc/PID/root/PATH is PATH in the machine whose process PID is.
attached() {
	local s m d a=()
	for s in "${SWITCHES[@]}"; do
		m=${s%% *} d=${s#* }
		[ -z "${ON:-}" ] || [ "$m" = "$ON" ] || continue
		case $d in
		vde:*) a+=("$m:$d=/proc/${HOLDER[$m]}/root${d#vde:}") ;;
		*) a+=("$m:$d=/proc/${HOLDER[$m]}/root$d/mgmt") ;;
		esac
	done
	[ "${#a[@]}" -eq 0 ] || perl "$T_WORK/ports.pl" "${a[@]}"
}

# newports BEFORE N: at least N ports in use that were not in BEFORE;
# NEW is them
newports() {
	local -A was
	local e n=0
	for e in $1; do was[$e]=1; done
	NEW=
	for e in $(attached); do
		[ -n "${was[$e]:-}" ] && continue
		NEW+="$e "
		n=$((n + 1))
	done
	[ "$n" -ge "$2" ]
}

# gone ENTRY: the port of ENTRY is no longer in use by its client
gone() {
	local e
	for e in $(ON=${1%%:*} attached); do
		[ "$e" != "$1" ] || return 1
	done
}

# learned MACHINE MAC: a switch of MACHINE has learned MAC
learned() {
	local s
	for s in "${SWITCHES[@]}"; do
		[ "${s%% *}" = "$1" ] || continue
		case ${s#* } in vde:*) continue ;; esac
		"$SWITCHCTL" -S "/proc/${HOLDER[$1]}/root${s#* }/mgmt" macs |
		    grep -qi "^$2 " &&
			return 0
	done
	return 1
}

# captures: how many captures the scene's switches have started
captures() {
	local f n=0
	for f in "${SWLOG[@]}"; do
		n=$((n + $(grep -c 'capture started' "$f")))
	done
	echo "$n"
}

# running PID: PID runs (a child that has ended is still there, a zombie
# until it is waited for); no process started to find out
running() {
	local st
	{ read -r st </proc/"$1"/stat; } 2>/dev/null || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# poll SECONDS CMD...: t_wait_for, for a CMD that costs: every 0.2 s
poll() {
	local now end
	printf -v end '%.0f' "${1}e6"
	shift
	now=${EPOCHREALTIME/[.,]/}
	end=$((now + end))
	until "$@" >/dev/null 2>&1; do
		now=${EPOCHREALTIME/[.,]/}
		[ "$now" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# ready PID SECONDS CMD...: wait until CMD succeeds; false at once when
# PID has ended
ready() {
	local pid=$1 tmo=$2
	shift 2
	poll "$tmo" ready_or_ended "$pid" "$@"
	"$@" >/dev/null 2>&1
}
ready_or_ended() {
	local pid=$1
	shift
	"$@" || ! running "$pid"
}

# register MACHINE LOG: the switches LOG says are ready are the scene's
register() {
	local d
	for d in $(sed -n 's/.*switch \(.*\) ready, .*/\1/p' "$2"); do
		printf '%s\n' "${SWITCHES[@]}" | grep -qxF "$1 $d" && continue
		SWITCHES+=("$1 $d")
		SWLOG[$1 $d]=$2
	done
}

# What a command line says, for run_cmd and run_block.
RE_ASSIGN='^([A-Za-z_][A-Za-z0-9_]*)=([^[:space:]]*|\$\(.*\))$'
RE_BG='^(.*[^[:space:]])[[:space:]]*&$'
RE_INFO=' (-h|--help|-V|--version) '
RE_NODAEMON=' (-[A-Za-z]*[cdhV][A-Za-z]*|--help|--version) '
RE_RUN=' run '
RE_LISTEN='[, ]listen=([^, ]*):([0-9]+)'
RE_MCAST='[, ]mcast=[^, ]*:[0-9]+'
RE_MAC='[, ]mac=([0-9a-f:]{17})'
RE_TAP=' tap://([^ ]*) '
RE_L=' -l +(([^ ]*):)?([0-9]+) '
RE_C=' -c +[^ ]*:([0-9]+) '
RE_PROMPT='^([$#]) (.*)$'
RE_SG=" -c '(umask [0-7]+; *)?(exec +)?([^ ]+)"
RE_QEMU_FG=' (-netdev help|-version|--version|-help|--help|-h) '

# script FILE CWD STATE CMD [exec]: a shell script that runs CMD in CWD,
# after the variables earlier commands of the example set, keeping those
# it sets
script() {
	local f=$1 cwd=$2 state=$3 cmd=$4 var=
	[[ $cmd =~ $RE_ASSIGN ]] &&
		var=${BASH_REMATCH[1]}
	{
		[ -n "${UMASK:-}" ] && printf 'umask %s\n' "$UMASK"
		printf 'cd %q || exit 1\n' "$cwd"
		printf '. %q\n' "$state"
		printf 'set -o pipefail\n'
		if [ -n "${5:-}" ]; then
			printf 'exec %s\n' "$cmd"
		else
			printf '%s\n' "$cmd"
		fi
		if [ -n "$var" ]; then
			printf 'rc=$?\n[ -n "$%s" ] || { echo "%s is empty" >&2; exit 1; }\n' \
			    "$var" "$var"
			printf 'declare -p %s >>%q\nexit $rc\n' "$var" "$state"
		fi
	} >"$f"
}

# run_cmd WHERE MACHINE USER CWD CMD EXPECTED FLAGS: run one command of an
# example, wait until what it starts works, check what it prints
run_cmd() {
	local where=$1 m=$2 u=$3 cwd=$4 cmd=$5 exp=$6 flags=$7
	local c=$cmd flat prog kind=fg name out rc state before pid i
	local port= addr= a= wild= mac= from= input= ON=$m
	NAME_N=$((${NAME_N:-0} + 1))
	name=$SCENE-$NAME_N
	out=$T_WORK/$name.log
	state=$T_WORK/state-$SCENE-$BLOCK_ID-$u
	[ -e "$state" ] || { : >"$state"; chmod 666 "$state"; }
	echo "  [$m $u] $cmd (at $SECONDS s)"
	if [[ $c =~ $RE_BG ]]; then
		c=${BASH_REMATCH[1]}
		kind=bg
	fi
	# What stands for what cannot run here (see the top of this file).
	case $c in
	qemu-system-*)
		c=${c/ ... / $QEMU_REST }
		c="$c -display none" ;;
	"sg "*"exec qemu-system-"*"'")
		c=${c/ ... / $QEMU_REST }
		c="${c%\'} -display none'" ;;
	"make check"*) c="make -n check" ;;
	esac
	flat=" $(printf '%s' "$c" | tr '\\\n' '  ') "
	prog=${c%% *}
	# sg GROUP -c 'CMD': what CMD runs.
	[ "$prog" = sg ] && [[ $flat =~ $RE_SG ]] && prog=${BASH_REMATCH[3]}
	case $prog in
	qemu-system-*) [[ $flat =~ $RE_QEMU_FG ]] || kind=bg ;;
	dpipe | vde_plug) kind=bg ;;
	switchctl) [[ $flat == *" capture "* ]] && kind=bg ;;
	switchplug)
		[[ $flat =~ $RE_INFO ]] || kind=bg ;;
	switchd | */switchd)
		[[ $flat =~ $RE_NODAEMON ]] ||
			kind=bg ;;
	make) [[ $flat =~ $RE_RUN ]] && kind=bg ;;
	esac
	for i in $flags; do
		case $i in input=*) input=${i#input=} ;; esac
	done

	if [ "$kind" = fg ]; then
		script "$T_WORK/$name.sh" "$cwd" "$state" "$c"
		menv "$m" "$u"
		for ((i = 0; ; i++)); do
			if [ -n "$input" ]; then
				printf '%s\n' "${input//,/ }" |
				    timeout 60 "${M[@]}" bash "$T_WORK/$name.sh" >"$out" 2>&1
			else
				timeout 60 "${M[@]}" bash "$T_WORK/$name.sh" </dev/null >"$out" 2>&1
			fi
			rc=$?
			register "$m" "$out"
			[ -z "$exp" ] && break
			printf '%s' "$exp" >"$out.expected"
			perl "$T_WORK/match.pl" "$out.expected" "$out" && break
			# What it shows may be on its way (an address being learned).
			[ "$i" -lt 40 ] || fail "$where: $cmd prints" \
			    $'\n'"$(cat "$out")"$'\n'"not what the example shows:" \
			    $'\n'"$exp"
			sleep 0.5
		done
		if [[ " $flags " = *" fails "* ]]; then
			[ "$rc" -ne 0 ] || fail "$where: $cmd succeeded: $(cat "$out")"
		elif [[ " $flags " = *" probe "* ]]; then
			PROBE=$rc PROBE_OUT=$out
		else
			[ "$rc" -eq 0 ] ||
				fail "$where: $cmd: exit $rc: $(tail -n 20 "$out")"
		fi
		case $c in
		"make -n check")
			grep -q "tests/run.sh build build-san" "$out" ||
				fail "$where: make check does not run the tests" \
				    "on build and build-san: $(cat "$out")" ;;
		esac
		return 0
	fi

	# In the background: it runs until the example or the scene ends.
	script "$T_WORK/$name.sh" "$cwd" "$state" "$c" exec
	menv "$m" "$u"
	[ "$prog" = dpipe ] && ON=	# ports on both ends
	before=$(attached)
	caps=$(captures)
	# In a process group of its own, to end with all it starts; dpipe
	# makes its own.
	if [ "$prog" = dpipe ]; then
		bg "$name" "${M[@]}" bash "$T_WORK/$name.sh"
	else
		bg "$name" setsid "${M[@]}" bash "$T_WORK/$name.sh"
	fi
	pid=$T_LASTPID
	NEW=
	case $prog in
	switchd | */switchd | make)
		ready "$pid" 30 grep -q "switch .* ready" "$out" ||
			fail "$where: $cmd did not start: $(cat "$out")"
		register "$m" "$out"
		SCENE_BG+=("$pid")
		return 0 ;;
	qemu-system-*)
		if [[ $flat =~ $RE_LISTEN ]]; then
			port=${BASH_REMATCH[2]}
		elif [[ $flat =~ $RE_MCAST ]]; then
			mac=52:54:00:12:34:56
			[[ $flat =~ $RE_MAC ]] && mac=${BASH_REMATCH[1]}
			ready "$pid" 60 learned "$m" "$mac" ||
				fail "$where: no switch of $m learns QEMU's $mac:" \
				    "$(cat "$out")"
		else
			ready "$pid" 30 newports "$before" 1 ||
				fail "$where: QEMU did not attach: $(cat "$out")"
		fi ;;
	vde_plug)
		ready "$pid" 30 newports "$before" 1 ||
			fail "$where: vde_plug did not attach: $(cat "$out")"
		if [[ $flat =~ $RE_TAP ]]; then
			poll 10 ip -n "$T_NS-$m" link show "${BASH_REMATCH[1]}" ||
				fail "$where: no ${BASH_REMATCH[1]}"
		fi ;;
	dpipe)
		# A port on each end.
		ready "$pid" 60 newports "$before" 2 ||
			fail "$where: not attached at both ends: $(cat "$out");" \
			    "new ports: $NEW" ;;
	switchplug)
		if [[ $flat =~ $RE_L ]]; then
			port=${BASH_REMATCH[3]} addr=${BASH_REMATCH[2]:-127.0.0.1}
		elif [[ $flat =~ $RE_C ]]; then
			ready "$pid" 30 newports "$before" 1 ||
				fail "$where: switchplug did not attach: $(cat "$out")"
			poll 30 eval "[ -n \"\$(ss -N $T_NS-$m -Htn state \
			    established 'dport = :${BASH_REMATCH[1]}')\" ]" ||
				fail "$where: switchplug did not connect: $(cat "$out")"
		else
			ready "$pid" 30 newports "$before" 1 ||
				fail "$where: switchplug did not attach: $(cat "$out")"
			if [[ $flat == *" -m "* ]]; then
				t_wait_for 10 grep -q "joined" "$out" ||
					fail "$where: switchplug did not join: $(cat "$out")"
			fi
		fi ;;
	socat) ;;
	switchctl)
		ready "$pid" 10 eval "[ \$(captures) -gt $caps ]" ||
			fail "$where: the capture did not start: $(cat "$out")" ;;
	*)
		fail "$where: $prog: this test does not know how to run it" ;;
	esac
	if [ -n "$port" ]; then
		poll 30 eval "[ -n \"\$(listeners $m $port)\" ]" ||
			fail "$where: nothing listens on port $port: $(cat "$out")"
		wild=
		for a in $(listeners "$m" "$port"); do
			case ${a%:*} in
			0.0.0.0 | \* | "[::]" | "[::ffff:0.0.0.0]") wild=1 ;;
			esac
		done
		if [ -n "$wild" ] && [[ $flat != *0.0.0.0* ]] && [[ $flat != *"[::]"* ]]; then
			fail "$where: listens on every address" \
			    "($(listeners "$m" "$port" | tr '\n' ' ')), which" \
			    "its command line does not say"
		fi
		if [ "$prog" = switchplug ]; then
			# A connection gets a port; from the other host when the
			# example is about other hosts.
			from=$m
			if [ -n "$wild" ]; then
				for a in "${MACHINES[@]}"; do
					[ "$a" != "$m" ] && [ -n "${ADDR[$m]:-}" ] &&
						from=$a addr=${ADDR[$m]}
				done
			fi
			[ "$addr" = 0.0.0.0 ] && addr=127.0.0.1
			menv "$from" root
			before=$(attached)
			bg "$name-probe" setsid "${M[@]}" bash -c \
			    "exec 3<>/dev/tcp/$addr/$port && exec sleep 60"
			poll 30 newports "$before" 1 ||
				fail "$where: a connection from $from to" \
				    "$addr:$port gets no port"
			stop "$T_LASTPID"
			poll 10 gone "${NEW% }" ||
				fail "$where: the port of a closed connection stays"
			echo "  a connection from $from to $addr:$port got a port"
			NEW=
		fi
	fi
	running "$pid" || fail "$where: $cmd ended: $(cat "$out")"
	BLOCK_BG+=("$pid $NEW")
}

# stop_block: what the example started ends, and its ports are freed
stop_block() {
	local b e
	for b in "${BLOCK_BG[@]}"; do
		stop "${b%% *}"
	done
	for b in "${BLOCK_BG[@]}"; do
		for e in ${b#* }; do
			poll 10 gone "$e" ||
				fail "port $e still in use once its client ended"
		done
	done
	BLOCK_BG=()
}

# run_block ID WHERE MACHINE KIND FLAGS: the commands of a run or lines
# example
run_block() {
	local id=$1 where=$2 m=$3 kind=$4 flags=$5 line cmd= who= exp= cont=
	local prompts= user=alice root=root cwd f
	BLOCK_ID=$id
	for f in $flags; do
		case $f in as=*) user=${f#as=} root=${f#as=} ;; esac
	done
	grep -Eq '^[$#] ' "$EX/$id.txt" && prompts=1
	CMDS=() WHOS=() EXPS=()
	while IFS= read -r line || [ -n "$line" ]; do
		if [ -n "$cont" ]; then
			cmd+=$'\n'$line
			[[ $line == *\\ ]] || cont=
			continue
		fi
		if [ -n "$prompts" ] && [[ $line =~ $RE_PROMPT ]]; then
			[ -n "$cmd" ] && CMDS+=("$cmd") WHOS+=("$who") EXPS+=("$exp")
			cmd=${BASH_REMATCH[2]} exp=
			if [ "${BASH_REMATCH[1]}" = '#' ]; then who=root; else who=$user; fi
		elif [ -n "$prompts" ]; then
			[ -n "$cmd" ] || fail "$where: output before any command"
			exp+=$line$'\n'
			continue
		else
			[ -n "${line// /}" ] || continue
			[ -n "$cmd" ] && CMDS+=("$cmd") WHOS+=("$who") EXPS+=("$exp")
			cmd=$line who=$root exp=
		fi
		[[ $cmd == *\\ ]] && cont=1
	done <"$EX/$id.txt"
	[ -n "$cmd" ] && CMDS+=("$cmd") WHOS+=("$who") EXPS+=("$exp")
	[ "${#CMDS[@]}" -gt 0 ] || fail "$where: no command in the example"
	for i in "${!CMDS[@]}"; do
		if [[ " $flags " = *" src "* ]]; then
			cwd=$T_TOP
		elif [ "${WHOS[$i]}" = root ]; then
			cwd=/root
		else
			cwd=/home/${WHOS[$i]}
		fi
		run_cmd "$where" "$m" "${WHOS[$i]}" "$cwd" "${CMDS[$i]}" \
		    "${EXPS[$i]}" "$flags"
		[ "$kind" = lines ] && stop_block
	done
	if [[ " $flags " = *" keep "* ]]; then
		SCENE_BG+=("${BLOCK_BG[@]}")
		BLOCK_BG=()
	fi
	stop_block
}

# runs LINE CONFIG: the running configuration CONFIG has the setting
# LINE, whole or, for a port, as lines of its own: "port 5 stream PATH
# user bob" is "port 5 stream PATH" and "port 5 user bob" there
runs() {
	local line=$1 rest tail progress=1
	grep -qxF "$line" <<<"$2" && return 0
	[[ $line =~ ^(port [0-9]+)\ (.*)$ ]] || return 1
	rest=${BASH_REMATCH[2]}
	while [ -n "$progress" ] && [ -n "$rest" ]; do
		progress=
		while read -r tail; do
			if [ "$rest" = "$tail" ]; then
				rest= progress=1
			elif [[ $rest == "$tail "* ]]; then
				rest=${rest#"$tail "} progress=1
			fi
		done < <(sed -n "s/^${BASH_REMATCH[1]} //p" <<<"$2")
	done
	[ -z "$rest" ]
}

# run_conf ID WHERE MACHINE: a configuration file
run_conf() {
	local id=$1 where=$2 m=$3 f=$T_WORK/conf-$1 out n=0 line s
	cp "$EX/$id.txt" "$f"
	chmod 644 "$f"
	out=$(mx "$m" root switchd -c -f "$f" 2>&1) ||
		fail "$where: switchd -c refuses it: $out"
	grep -q "configuration OK" <<<"$out" || fail "$where: switchd -c: $out"
	run_cmd "$where" "$m" root /root "switchd -s /run/conf-$id -f $f" "" ""
	out=$(mx "$m" root switchctl -s "/run/conf-$id" config) ||
		fail "$where: no running configuration: $out"
	while read -r line; do
		line=${line%%#*}
		line=$(echo $line)
		[ -n "$line" ] || continue
		runs "$line" "$out" ||
			fail "$where: a switch started with it does not run" \
			    "\"$line\"; it runs:"$'\n'"$out"
		n=$((n + 1))
	done <"$f"
	# It ends, and its sockets with it: another may name the same.
	stop "${SCENE_BG[-1]}"
	unset 'SCENE_BG[-1]'
	for s in "${!SWITCHES[@]}"; do
		[ "${SWITCHES[$s]}" != "$m /run/conf-$id" ] || unset "SWITCHES[$s]"
	done
	SWITCHES=("${SWITCHES[@]}")
	echo "  switchd -c: OK; the switch runs its $n settings"
}

# run_qemu ID WHERE MACHINE: QEMU's options, a set a line, DIR the
# machine's first switch; QEMU's own sockets are made with umask 0, for
# the switch to write to
run_qemu() {
	local id=$1 where=$2 m=$3 dir args s id2 UMASK=000
	for s in "${SWITCHES[@]}"; do
		[ "${s%% *}" = "$m" ] && { dir=${s#* }; break; }
	done
	[ -n "${dir:-}" ] || fail "$where: no switch for QEMU in $m"
	while read -r args; do
		args=${args//DIR/$dir}
		args=${args//SOCK/$dir/qemu.sock}
		if [[ $args != *-device* ]]; then
			id2=${args#*id=}
			args="$args -device virtio-net-pci,netdev=${id2%%,*}"
		fi
		run_cmd "$where" "$m" root /root "qemu-system-x86_64 ... $args" "" ""
		stop_block
		[[ $args == *"-netdev vde,"* ]] || continue
		# And on port 5, asked for with port=5.
		args=$(sed 's/\(-netdev [^ ]*\)/\1,port=5/' <<<"$args")
		run_cmd "$where" "$m" root /root "qemu-system-x86_64 ... $args" "" ""
		[[ ${BLOCK_BG[0]#* } =~ :5: ]] ||
			fail "$where: QEMU with port=5 got another port: ${BLOCK_BG[0]#* }"
		stop_block
	done < <(sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$EX/$id.txt")
}

# run_libvirt ID WHERE MACHINE FLAGS: a domain, its QEMU arguments run as
# libvirt would give them, without reconnect= where PROBE says QEMU does
# not take it, as the page says to
run_libvirt() {
	local id=$1 where=$2 m=$3 flags=$4 args= a u=root f
	for f in $flags; do
		case $f in as=*) u=${f#as=} ;; esac
	done
	xmllint --noout "$EX/$id.txt" || fail "$where: not well-formed XML"
	while read -r a; do
		[ "${PROBE:-0}" -eq 0 ] || a=${a/,reconnect=1/}
		args="$args $a"
	done < <(perl -ne "print \"\$1\\n\" while /<qemu:arg value='([^']*)'\\/>/g" \
	    "$EX/$id.txt")
	[ -n "$args" ] || fail "$where: no qemu:arg in the domain"
	run_cmd "$where" "$m" "$u" "/home/$u" "qemu-system-x86_64 ...$args" "" ""
	stop_block
}

# run_requests ID WHERE MACHINE: each request answered "ok"
run_requests() {
	local id=$1 where=$2 m=$3 dir reqs out n
	dir=${SWITCHES[0]#* }
	reqs=$(sed -e 's/\[[^]]*\]//g' -e 's/ *|.*//' -e 's/\<N\>/3/g' \
	    -e 's/\<V\>/10/g' -e 's/  */ /g' -e 's/ *$//' "$EX/$id.txt")
	n=$(grep -c . <<<"$reqs")
	out=$(printf '%s\n' "$reqs" |
	    perl "$T_WORK/mgmt.pl" "/proc/${HOLDER[$m]}/root$dir/mgmt") ||
		fail "$where: $out"
	[ "$(grep -c '"ok":true' <<<"$out")" -eq "$n" ] ||
		fail "$where: not every one of"$'\n'"$reqs"$'\n'"is answered ok:" \
		    $'\n'"$out"
	echo "  $n requests, each answered ok"
}

# run_step SCENE STEP: the examples of that step of the scene
run_step() {
	local id where scene step kind flags m
	while IFS=$'\t' read -r id where scene step kind flags; do
		[ "$scene" = "$1" ] && [ "$step" = "$2" ] || continue
		m=${MACHINES[0]}
		[[ " $flags " == *" on=host2 "* ]] && m=${MACHINES[1]}
		echo "--- $where ($scene $step $kind${flags:+ $flags}) at $SECONDS s"
		case $kind in
		run | lines) run_block "$id" "$where" "$m" "$kind" "$flags" ;;
		conf) run_conf "$id" "$where" "$m" ;;
		qemu) run_qemu "$id" "$where" "$m" ;;
		libvirt) run_libvirt "$id" "$where" "$m" "$flags" ;;
		requests) run_requests "$id" "$where" "$m" ;;
		output)
			run_cmd "$where" "$m" root /root "$OUTPUT_CMD" \
			    "$(cat "$EX/$id.txt")" "" ;;
		log)
			"$LOG_ACTION"
			poll 10 eval 'for s in "${SWITCHES[@]}"; do
			    perl "$T_WORK/match.pl" -a "$EX/$id.txt" \
			    "${SWLOG[$s]}" && break; done' ||
				fail "$where: no switch logs it" ;;
		esac
		touch "$EX/$id.done"
	done <"$EX/index"
}

# started MACHINE USER CMD: a switch or a client the scene needs, which
# is not an example
started() {
	run_cmd "the test" "$1" "$2" / "$3" "" ""
	SCENE_BG+=("${BLOCK_BG[@]}")
	BLOCK_BG=()
}

# --- Scenes.

# A user's own switch, with XDG_RUNTIME_DIR and without (as after su -).
scene_user() {
	local x m uid dir
	for x in "" xdg; do
		echo "=== a user's switch${x:+, XDG_RUNTIME_DIR set}"
		machine "user$x"
		m=user$x
		programs "$m"
		people "$m" alice
		image "$m" alice vm1.img
		image "$m" alice vm2.img
		uid=$(mx "$m" root id -u alice)
		dir=/tmp/switchd-$uid
		if [ -n "$x" ]; then
			mx "$m" root install -d -o alice -g alice -m 700 "/run/user/$uid"
			XDG[$m]=/run/user/$uid
			dir=/run/user/$uid/switchd
		fi
		run_step user 1
		[ "${SWITCHES[*]}" = "$m $dir" ] ||
			fail "the user's switch is ${SWITCHES[*]}, not in $dir"
		ok "a user's switch in $dir, two VMs on it"
		end_scene
	done
}

# No user switchd yet: the switch says how to make one, and that is it.
scene_nouser() {
	local out id where scene step kind flags
	echo "=== no user switchd"
	machine nouser
	programs nouser
	absent nouser user switchd
	out=$(mx nouser root timeout 10 switchd -s /run/nouser 2>&1) &&
		fail "switchd started with no user switchd"
	while IFS=$'\t' read -r id where scene step kind flags; do
		[ "$scene" = nouser ] || continue
		grep -qF "\"$(cat "$EX/$id.txt")\"" <<<"$out" ||
			fail "$where: switchd does not say to run this: $out"
	done <"$EX/index"
	run_step nouser 1
	started nouser root "switchd -s /run/nouser"
	ok "with no user switchd, switchd says how to make it, and then starts"
	end_scene
}

# The host's switch at boot, and what root and its users do with it.
scene_boot() {
	local port3 i p held=()
	echo "=== boot"
	machine boot
	programs boot
	people boot alice bob
	groups boot netadmin vmadmins
	absent boot user switchd
	absent boot group vmusers
	image boot alice vm.img
	run_step boot 1
	mx boot root usermod -a -G vmusers bob
	run_step boot 2
	[ "$(mx boot root stat -c '%U %G %a' /run/switchd/ctl)" = "switchd vmusers 660" ] ||
		fail "/run/switchd/ctl is $(mx boot root stat -c '%U %G %a' /run/switchd/ctl)," \
		    "not the user switchd's, of group vmusers, mode 660"
	poll 10 eval '[ -n "$(ss -N $T_NS-boot -Hlun "sport = :67")" ]' ||
		fail "dnsmasq does not serve DHCP"
	ok "the switch runs as switchd, group vmusers, mode 660; dnsmasq serves DHCP"
	run_step boot 3
	run_step boot 4
	port3=$(mx boot root switchctl -s /run/switchd -j port 3 | jq -r .port.kind)
	[ "$port3" = unix ] || fail "vde_plug vde:///run/switchd[3] is not on port 3"
	run_step boot 5
	run_step boot 6
	wait_for 10 grep -q "reloading /etc/switchd.conf$" "${SWLOG[boot /run/switchd]}" ||
		fail "no reload on SIGHUP"
	run_step boot 7
	run_step boot 8
	run_step boot 9
	OUTPUT_CMD="socat -t 0.5 - UNIX-CONNECT:/run/switchd/mgmt </dev/null"
	run_step boot 10
	started boot root "vde_plug vde:///run/switchd[3] tap://tap3"
	run_step boot 11
	# All the management clients there may be, then one more.
	menv boot root
	held=()
	for i in $(seq 16); do
		bg "held$i" setsid "${M[@]}" socat -u UNIX-CONNECT:/run/switchd/mgmt \
		    /dev/null
		held+=("$T_LASTPID")
	done
	run_step boot 12
	for p in "${held[@]}"; do
		stop "$p"
	done
	started boot alice "/usr/local/sbin/switchd -s /home/alice/sw -S /home/alice/sw.mgmt -G vmusers"
	run_step boot 13
	ok "boot, management and protocol examples"
	end_scene
}

# misc_move: a MAC address seen on port 2, then on port 5
misc_move() {
	menv misc root
	bg move2 "${M[@]}" "$TOOLS/vdepeer" -p 2 -m 52:54:00:12:34:56 -w 10 \
	    size /run/switchd 60
	poll 10 eval 'mx misc root switchctl macs |
	    grep -q "^52:54:00:12:34:56 .* 2 "' ||
		fail "vdepeer's address not learned on port 2"
	"${M[@]}" "$TOOLS/vdepeer" -p 5 -m 52:54:00:12:34:56 -w 1 \
	    size /run/switchd 60 >"$T_WORK/move5.log" 2>&1 ||
		fail "vdepeer on port 5: $(cat "$T_WORK/move5.log")"
}

# Pages' odds and ends on one machine, first with no switch.
scene_misc() {
	echo "=== misc"
	machine misc
	programs misc
	people misc alice bob
	groups misc vmusers vmadmins netadmin
	mx misc root usermod -a -G vmusers bob
	run_step misc 1
	started misc root "switchd -g vmusers -m 660 -G vmusers -A vmadmins"
	run_step misc 2
	LOG_ACTION=misc_move
	run_step misc 3
	run_step misc 4
	run_step misc 5
	ok "error messages, QEMU's options, the MAC move line, configuration files"
	end_scene
}

# Two hosts: a switch on each, chained over ssh, and switchplug's ways.
scene_lan() {
	local m u h
	echo "=== two hosts"
	machine a
	machine b
	lan a b
	ssh-keygen -q -t ed25519 -N '' -f "$T_WORK/host_key" || fail "ssh-keygen"
	ssh-keygen -q -t ed25519 -N '' -f "$T_WORK/user_key" || fail "ssh-keygen"
	cp "$T_WORK/user_key.pub" "$T_WORK/authorized_keys"
	chmod 644 "$T_WORK/authorized_keys"
	for m in a b; do
		programs "$m"
		people "$m" alice
		groups "$m" vmusers kvm
		mx "$m" root usermod -a -G vmusers alice
	done
	for u in root alice; do
		h=/root
		[ "$u" = root ] || h=/home/$u
		mx a "$u" mkdir -p -m 700 "$h/.ssh"
		mx a "$u" sh -c "cat >$h/.ssh/id_ed25519 && chmod 600 $h/.ssh/id_ed25519" \
		    <"$T_WORK/user_key"
		mx a "$u" sh -c "cat >$h/.ssh/config && chmod 600 $h/.ssh/config" <<EOF
Host host2
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	BatchMode yes
	LogLevel ERROR
	SendEnv ASAN_OPTIONS UBSAN_OPTIONS SWITCHD_TEST_RUN
	ControlMaster auto
	ControlPath ~/.ssh/master-%r@%h
	ControlPersist 300
EOF
	done
	cat >"$T_WORK/sshd_config" <<EOF
ListenAddress 10.77.0.2
HostKey $T_WORK/host_key
AuthorizedKeysFile $T_WORK/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AcceptEnv ASAN_OPTIONS UBSAN_OPTIONS SWITCHD_TEST_RUN
EOF
	menv b root
	bg sshd setsid "${M[@]}" "$(command -v sshd)" -D -e -f "$T_WORK/sshd_config"
	SCENE_BG+=("$T_LASTPID")
	poll 10 eval '[ -n "$(listeners b 22)" ]' || fail "sshd did not start"
	for u in root alice; do
		mx a "$u" ssh host2 true </dev/null ||
			fail "$u cannot log in to host2"
	done
	started b root "switchd -g vmusers -m 660"
	started b root "switchd -s /tmp/sw"
	mx b root vde_switch -d -s /tmp/vde.ctl -M /tmp/vde.mgmt ||
		fail "vde_switch did not start"
	poll 10 test -S "/proc/${HOLDER[b]}/root/tmp/vde.mgmt" ||
		fail "no vde_switch"
	SWITCHES+=("b vde:/tmp/vde.mgmt")
	started a root "switchd -g vmusers -m 660"
	run_step lan 1
	run_step lan 2
	run_step lan 3
	ok "two hosts chained over ssh; switchplug over TCP and multicast"
	end_scene
}

# make install, then rc.vdenetwork at boot, and a VM of alice.
scene_rc() {
	echo "=== rc.vdenetwork"
	machine rc
	people rc alice
	absent rc user switchd
	absent rc group vmusers
	image rc alice disk.img
	run_step rc 1
	run_step rc 2
	run_step rc 3
	ok "README: make install, rc.vdenetwork, VMs with no root, with VDE or not"
	end_scene
}

# make run, and what it prints.
scene_make() {
	local line id where scene step kind flags
	echo "=== make run"
	machine run
	groups run kvm
	run_step make 1
	line=$(sed -n 's/.*attach a VM with: //p' "${SWLOG[run /run/switchd]}")
	while IFS=$'\t' read -r id where scene step kind flags; do
		[ "$scene $step" = "make 2" ] || continue
		[ "$(sed 's/ \.\.\. / /' "$EX/$id.txt")" = "$line" ] ||
			fail "$where: make run prints \"$line\", not the line of" \
			    "README: $(cat "$EX/$id.txt")"
	done <"$EX/index"
	run_step make 2
	end_scene
	machine run2
	groups run2 kvm
	run_step make 3
	[ "$(mx run2 root stat -c '%G %a' /run/switchd/ctl)" = "kvm 660" ] ||
		fail "make run SWITCHD_FLAGS=\"-g kvm -m 660\": the socket is not kvm's, 660"
	ok "README: make run, the line it prints, with SWITCHD_FLAGS"
	end_scene
}

# What libvirt would run: a switch of group kvm, and QEMU run by a user of
# that group; first, whether this QEMU takes reconnect=.
scene_libvirt() {
	echo "=== libvirt"
	machine libvirt
	programs libvirt
	groups libvirt kvm
	people libvirt alice libvirt-qemu
	mx libvirt root usermod -a -G kvm libvirt-qemu
	run_step libvirt 1
	if [ "$PROBE" -ne 0 ]; then
		grep -q reconnect "$PROBE_OUT" ||
			fail "QEMU refuses reconnect=1 for another reason:" \
			    "$(cat "$PROBE_OUT")"
		echo "  this QEMU does not take reconnect=1"
	fi
	started libvirt root "switchd -g kvm"
	run_step libvirt 2
	ok "a libvirt domain's QEMU arguments, as a user of group kvm"
	end_scene
}

# VXLAN between this host's switch and a Linux bridge of host2, by peer,
# then by group: across it, a host on the switch pings host2's bridge.
scene_vxlan() {
	local p
	echo "=== VXLAN"
	machine vx
	machine vx2
	ip link add eth0 netns "$T_NS-vx" type veth peer name eth0 \
	    netns "$T_NS-vx2" || fail "cannot link vx and vx2"
	for p in vx:1 vx2:2; do
		ip -n "$T_NS-${p%:*}" addr add "192.0.2.${p#*:}/24" dev eth0
		ip -n "$T_NS-${p%:*}" link set eth0 up
	done
	programs vx
	started vx root "switchd"
	started vx root "vde_plug vde:///run/switchd tap://tap0"
	mx vx root ip addr add 10.42.0.1/24 dev tap0
	mx vx root ip link set tap0 up
	run_step vxlan 1
	mx vx2 root ip addr add 10.42.0.2/24 dev br0
	run_step vxlan 2
	poll 20 mx vx root ping -c 1 -W 1 10.42.0.2 ||
		fail "no ping across VXLAN to the peer host2"
	# One switchplug on port 4789 at a time.
	stop "${SCENE_BG[-1]%% *}"
	unset 'SCENE_BG[-1]'
	run_step vxlan 3
	run_step vxlan 4
	# br0 took the new vx0's MAC address.
	mx vx root ip neigh flush dev tap0
	poll 20 mx vx root ping -c 1 -W 1 10.42.0.2 ||
		fail "no ping across VXLAN over the group"
	ok "switchplug -x with a Linux vxlan device, by peer and by group"
	end_scene
}

# --- Every scene, in two lanes side by side, and every example ran.
# scene NAME: run it, in a subshell of its own, its output in
# T_WORK/NAME.out; what it started ends with it, whether it passed or not.
scene() {
	(
		SCENE=$1
		trap end_scene EXIT
		"scene_$1"
	) >"$T_WORK/$1.out" 2>&1
}
lanes=("lan rc make libvirt vxlan" "user nouser boot misc")
[ -n "${SCENES:-}" ] && lanes=("$SCENES")
lane_pids=()
for l in "${lanes[@]}"; do
	(
		for s in $l; do
			scene "$s" || exit 1
		done
	) &
	lane_pids+=($!)
done
failed=
for p in "${lane_pids[@]}"; do
	wait "$p" || failed=1
done
for s in user nouser boot misc lan rc make libvirt vxlan; do
	[ -e "$T_WORK/$s.out" ] && cat "$T_WORK/$s.out"
done
[ -z "$failed" ] || fail "a scene failed (above)"
[ -n "${SCENES:-}" ] && exit 0
missing=
while IFS=$'\t' read -r id where scene step kind flags; do
	[ -e "$EX/$id.done" ] || missing="$missing $where ($scene $step)"
done <"$EX/index"
[ -z "$missing" ] || fail "examples never run:$missing"
ok "every example of the pages ran"
