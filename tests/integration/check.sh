#!/bin/bash
# SPDX-License-Identifier: ISC
# switchd -c checks a configuration as a reload would and starts nothing.
# A good file exits 0 and says so; a file with bad lines exits 1 and
# names each line by its number; a line longer than 1024 characters is
# refused whole, not read as several; the settings among the options are
# checked with the file; a file the switch's user cannot read is refused,
# saying so.  With -c no directory, socket, pidfile or tap is made, even
# with -d, and what -c accepts a switch starts with.
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux

sw=$T_WORK/sw
# check ARGS...: switchd -c ARGS, its messages in $out, its status in $rc
check() {
	out=$(timeout 10 "$SWITCHD" -c "$@" 2>&1)
	rc=$?
}

good=$T_WORK/good.conf
cat >"$good" <<EOF
ports 64
aging 120
port 3 access 10
port 4 trunk 10,20 native 1
port 4 user root
mac add 02:00:00:00:00:01 vlan 10 port 3
EOF
chmod 644 "$good"

# --- A good file.
check -f "$good"
[ "$rc" -eq 0 ] || fail "a good file: exit $rc, not 0: $out"
grep -qxF "switchd: $good: configuration OK" <<<"$out" ||
	fail "a good file: not said to be OK: $out"
ok "a good file: exit 0, configuration OK"

# --- Bad lines: each one named, by number.
bad=$T_WORK/bad.conf
cat >"$bad" <<EOF
ports 64
port 3 access 5000
# a comment
hub maybe
portmaclimit 10
frobnicate on
EOF
chmod 644 "$bad"
check -f "$bad"
[ "$rc" -eq 1 ] || fail "a bad file: exit $rc, not 1: $out"
for l in "2: port 3 access: '5000' is not a VLAN" "4: hub: 'maybe' is not on or off" \
    "6: unknown setting 'frobnicate'"; do
	grep -qF "$bad:$l" <<<"$out" || fail "a bad file: no '$bad:$l' in: $out"
done
grep -q "configuration OK" <<<"$out" && fail "a bad file said OK: $out"
ok "a bad file: exit 1, each bad line named by its number"

# --- A line of 5000 characters is refused, not cut into good lines:
# "hub on" and spaces would be good lines if it were.
long=$T_WORK/long.conf
{ printf 'hub on%4994s\n' ''; echo 'aging 10'; } >"$long"
chmod 644 "$long"
[ "$(head -n 1 "$long" | wc -c)" -eq 5001 ] || fail "the long line is not 5000 characters"
check -f "$long"
[ "$rc" -eq 1 ] || fail "a 5000-character line: exit $rc, not 1: $out"
grep -qF "$long:1: line longer than 1024 characters" <<<"$out" ||
	fail "a 5000-character line: not refused as too long: $out"
grep -qF "$long:2" <<<"$out" && fail "a 5000-character line was split: $out"
ok "a 5000-character line is refused as too long"

# --- Options that are settings are checked with the file, after it.
check -f "$good" -a never
[ "$rc" -eq 1 ] || fail "-a never: exit $rc, not 1: $out"
grep -qF "aging: 'never' is not a number" <<<"$out" || fail "-a never: $out"
# The file's static address is on port 3: -n 3 leaves no port 3.
check -f "$good" -n 3
[ "$rc" -eq 1 ] || fail "-n 3 with an address on port 3: exit $rc, not 1: $out"
grep -qF "static MAC address is on port 3" <<<"$out" || fail "-n 3: $out"
# What the switch checks of a whole configuration: the memory for the ports.
check -f "$good" -b 1M -n 4096
[ "$rc" -eq 1 ] || fail "-b 1M -n 4096: exit $rc, not 1: $out"
grep -qF "memory: 1048576 bytes are too little" <<<"$out" || fail "-b 1M: $out"
check -f "$good" -a 60 -M 2000 -q 64 -x
[ "$rc" -eq 0 ] || fail "good options: exit $rc, not 0: $out"
ok "the settings among the options are checked with the file"

# --- A file the switch's user cannot read: it could not be reloaded.
secret=$T_WORK/secret.conf
cp "$good" "$secret"
chmod 600 "$secret"
check -u 54311 -f "$secret"
[ "$rc" -eq 1 ] || fail "a file uid 54311 cannot read: exit $rc, not 1: $out"
grep -qF "$secret: the user switchd runs as (uid 54311) cannot read it" <<<"$out" ||
	fail "a file uid 54311 cannot read: $out"
out=$(setpriv --reuid=54311 --regid=54311 --clear-groups \
	"$SWITCHD" -c -f "$secret" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "a file its user cannot read: exit $rc, not 1: $out"
grep -qF "$secret: Permission denied" <<<"$out" ||
	fail "a file its user cannot read: $out"
check -f "$T_WORK/nonexistent.conf"
[ "$rc" -eq 1 ] || fail "no such file: exit $rc, not 1: $out"
grep -qF "nonexistent.conf: No such file or directory" <<<"$out" ||
	fail "no such file: $out"
ok "an unreadable or missing file: exit 1, saying why"

# --- Nothing is started: no directory, socket, pidfile or tap, even
# with -d and -t.  The check runs in a namespace of its own, where a tap
# would show.
netns c
out=$(timeout 10 ip netns exec "$T_NS-c" "$SWITCHD" -c -d -s "$sw" \
	-p "$T_WORK/pid" -t tapchk0 -f "$good" 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "-c -d -t: exit $rc, not 0: $out"
[ -e "$sw" ] && fail "-c made the socket directory $sw"
[ -e "$T_WORK/pid" ] && fail "-c wrote a pidfile"
ip -n "$T_NS-c" link show tapchk0 >/dev/null 2>&1 && fail "-c made a tap"
pgrep -f -- "-s $sw" >/dev/null && fail "-c left a switchd running"
ok "-c makes no directory, socket, pidfile or tap, and leaves nothing running"

# --- What -c accepts, a switch starts with and reloads.
start_switchd "$sw" -f "$good"
ctl config | grep -qx 'port 3 access 10' || fail "the switch did not read the file"
ctl reload || fail "reload of a file -c accepted failed"
# And -c beside a running switch on the same directory says nothing of it.
check -s "$sw" -f "$good"
[ "$rc" -eq 0 ] || fail "-c beside a running switch: exit $rc: $out"
switchd_alive
stop_switchd
ok "a switch starts with and reloads a file -c accepted"
