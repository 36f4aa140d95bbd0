#!/bin/bash
# SPDX-License-Identifier: ISC
# switchctl's errors say what to do.  No switch (no socket, or the socket
# of one that died): "no switch at PATH (is switchd running? ...)".  A
# user who may not use the socket: "permission denied", naming its owner;
# the owner and a member of the -G group may.  Without -s or -S it looks
# where switchd would put the socket; -S given a directory, or -s a
# socket, says which option takes what.  Bad arguments are refused before
# anything is sent, quoting the bad value and naming the range it must be
# in, and can never smuggle a second request; with -j every error is JSON
# on stdout; each command's usage line is the one in switchctl(8).
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux socat socat python3 python3

SC=$SWITCHCTL

# --- No switch.
expect 1 "switchctl: no switch at $T_WORK/none/mgmt (is switchd running? start it with: switchd -s $T_WORK/none)" \
    "$SC" -s "$T_WORK/none" info
expect 1 "switchctl: no switch at $T_WORK/m.sock (is switchd running? start it with: switchd -S $T_WORK/m.sock)" \
    "$SC" -S "$T_WORK/m.sock" info
start_switch dead "$T_WORK/dead"
kill -KILL "$T_LASTPID"
wait "$T_LASTPID" 2>/dev/null
[ -S "$T_WORK/dead/mgmt" ] || fail "a killed switch left no socket to test"
expect 1 "switchctl: no switch at $T_WORK/dead/mgmt (is switchd running?" \
    "$SC" -s "$T_WORK/dead" info
ok "no switch: says so, and how to start one"

# --- Where it looks by default, as another user.
expect 1 "no switch at $T_WORK/xdg/switchd/mgmt (is switchd running? start it with: switchd -s $T_WORK/xdg/switchd)" \
    setpriv --reuid 12345 --regid 12345 --clear-groups \
    env XDG_RUNTIME_DIR="$T_WORK/xdg" "$SC" info
expect 1 "no switch at /tmp/switchd-12345/mgmt" \
    setpriv --reuid 12345 --regid 12345 --clear-groups \
    env -u XDG_RUNTIME_DIR "$SC" info
ok "default socket: \$XDG_RUNTIME_DIR/switchd/mgmt, else /tmp/switchd-UID/mgmt"

# --- Permissions: a switch run as daemon, its socket in its directory.
sw=$T_WORK/sw
start_switchd "$sw" -u daemon
expect 1 "switchctl: $sw/mgmt: permission denied (the management socket belongs to daemon; run as that user or root)" \
    setpriv --reuid nobody --regid nogroup --clear-groups "$SC" -s "$sw" info
setpriv --reuid daemon --regid daemon --clear-groups "$SC" -s "$sw" info \
    >/dev/null || fail "daemon, the switch's user, cannot use its socket"
ctl info >/dev/null || fail "root cannot use the socket"
ok "nobody: permission denied, naming the owner; daemon and root may"

# --- -S given the directory, -s given the socket: each says what it takes.
expect 1 "switchctl: no switch at $sw ($sw is a directory: -S takes the management socket, such as $sw/mgmt; or give the directory with -s $sw)" \
    "$SC" -S "$sw" info
expect 1 "switchctl: no switch at $sw/mgmt/mgmt ($sw/mgmt is not a directory: -s takes the socket directory; give a socket with -S $sw/mgmt)" \
    "$SC" -s "$sw/mgmt" info
"$SC" -S "$sw/mgmt" info >/dev/null || fail "-S $sw/mgmt, as suggested, fails"
ok "-S with a directory, -s with a socket: told which takes what"

# ... and one with -S and -G: its group may, others not.
start_switch sw2 "$T_WORK/sw2" -u daemon -S "$T_WORK/sw2.mgmt" -G users
[ "$(stat -c '%U %G %a' "$T_WORK/sw2.mgmt")" = "daemon users 660" ] ||
	fail "-G: socket is $(stat -c '%U %G %a' "$T_WORK/sw2.mgmt")"
expect 1 "switchctl: $T_WORK/sw2.mgmt: permission denied (the management socket belongs to daemon" \
    setpriv --reuid nobody --regid nogroup --clear-groups \
    "$SC" -S "$T_WORK/sw2.mgmt" info
setpriv --reuid nobody --regid nogroup --groups users \
    "$SC" -S "$T_WORK/sw2.mgmt" info >/dev/null ||
	fail "a member of the -G group cannot use the socket"
ok "-G group: its members may, others are denied"

# --- Arguments refused before anything is sent.
cfg=$(ctl config)
expect 1 "switchctl: '3x' is not a port number from 1 to 4095" "$SC" -s "$sw" port 3x
expect 1 "'-1' is not a port number" "$SC" -s "$sw" disconnect -1
expect 1 "'4095' is not a VLAN from 1 to 4094" "$SC" -s "$sw" set port 3 access 4095
expect 1 "'10-5' is not a list of VLANs" "$SC" -s "$sw" set port 3 trunk 10-5
expect 1 "'1,,2' is not a list of VLANs" "$SC" -s "$sw" set port 3 trunk 1,,2
expect 1 "'0' is not a VLAN from 1 to 4094" "$SC" -s "$sw" set port 3 trunk 10 native 0
expect 1 "switchctl: aging: '-5' must be 0 or more" "$SC" -s "$sw" set aging -5
expect 1 "switchctl: maclimit: 'lots' is not a number (1 or more)" \
    "$SC" -s "$sw" set maclimit lots
expect 1 "switchctl: maclimit: '0' must be 1 or more" "$SC" -s "$sw" set maclimit 0
expect 1 "switchctl: port maclimit: '-1' must be 0 or more" \
    "$SC" -s "$sw" set port 3 maclimit -1
expect 1 "usage: switchctl set hub on | off" "$SC" -s "$sw" set hub maybe
expect 1 "unknown setting 'colour'" "$SC" -s "$sw" set colour blue
expect 1 "port 3: unknown setting 'speed'" "$SC" -s "$sw" set port 3 speed 10
expect 1 "port shows one port; to change its settings: switchctl set port 3" \
    "$SC" -s "$sw" port 3 access 10
expect 1 "'10 hub on' is not a VLAN" "$SC" -s "$sw" set port 3 access "10 hub on"
expect 1 "an argument may not contain spaces" "$SC" -s "$sw" set port 3 user "root hub"
expect 1 "an argument may not contain spaces" "$SC" -s "$sw" set port 3 user $'root\nhub on'
expect 1 "an argument may not contain spaces" "$SC" -s "$sw" set port 3 group $'root\rhub'
expect 1 "an argument may not contain spaces" "$SC" -s "$sw" set port 3 user root#
expect 1 "unknown command 'frob' (commands: info, ports, port, macs, vlans, stp, config, set, disconnect, counters, loglevel, reload, capture, help)" \
    "$SC" -s "$sw" frob
[ "$(ctl config)" = "$cfg" ] || fail "a refused command changed the config"
ok "bad arguments refused and quoted; nothing smuggled in"

# --- The switch's own refusals come back as they are.
expect 1 "switchctl: port 3 user: no such user 'nosuchuser-xyzzy'" \
    "$SC" -s "$sw" set port 3 user nosuchuser-xyzzy
expect 1 "switchctl: nothing is attached to port 7" \
    "$SC" -s "$sw" disconnect 7
expect 1 "switchctl: port: '2000' is not a port from 1 to 1023" \
    "$SC" -s "$sw" set port 2000 access 3
expect 1 "switchctl: aging: '2000000' is not a number of seconds from 0 (never) to 1000000" \
    "$SC" -s "$sw" set aging 2000000
ok "the switch's errors are printed, exit 1"

# --- With -j every error is JSON on stdout, for the script reading it.
# jerr WANT ARGS...: switchctl -j ARGS exits 1 and prints, on stdout
# alone, {"error": "...WANT...", "ok": false}
jerr() {
	local want=$1 out err rc e; shift
	out=$("${JSC[@]}" -j "$@" 2>"$T_WORK/jerr")
	rc=$?
	err=$(cat "$T_WORK/jerr")
	[ "$rc" = 1 ] || fail "switchctl -j $*: exited $rc, not 1"
	[ -z "$err" ] || fail "switchctl -j $*: wrote on stderr: $err"
	e=$(python3 -c 'import json, sys
o = json.load(sys.stdin)
assert o["ok"] is False
print(o["error"])' <<<"$out") || fail "switchctl -j $*: not a JSON error: $out"
	grep -qF -- "$want" <<<"$e" || fail "switchctl -j $*: '$e', not '$want'"
}
JSC=("$SC")
jerr "no switch at $T_WORK/none/mgmt (is switchd running?" -s "$T_WORK/none" info
jerr "'3x' is not a port number from 1 to 4095" -s "$sw" port 3x
jerr "usage: switchctl set hub on | off" -s "$sw" set hub maybe
jerr "unknown command 'frob'" -s "$sw" frob
jerr "-j goes before the command" -s "$sw" ports -j
jerr "port 3 user: no such user 'nosuchuser-xyzzy'" \
    -s "$sw" set port 3 user nosuchuser-xyzzy
JSC=(setpriv --reuid nobody --regid nogroup --clear-groups "$SC")
jerr "$sw/mgmt: permission denied" -s "$sw" info
ok "-j: errors of switchctl and of the switch are JSON on stdout"

# --- Usage: the synopsis and each command's line are switchctl(8)'s.
"$SC" -V | grep -Eq '^switchctl [0-9]' || fail "-V: $("$SC" -V)"
expect 1 "usage: switchctl [-jl] [-s dir | -S path] command [argument ...]" "$SC"
expect 1 "usage: switchctl [-jl] [-s dir | -S path] command [argument ...]" \
    "$SC" -s a -S b info
if command -v mandoc >/dev/null; then
	man=$(mandoc -T ascii -O width=1000 "$T_TOP/man/switchctl.8" |
	    sed $'s/.\b//g')
	for c in "info x" "ports x" "port" "macs x" "vlans x" "config x" \
	    "set" "disconnect" "counters" "loglevel" "reload x" "help x y"; do
		# shellcheck disable=SC2086
		u=$("$SC" -s "$sw" $c 2>&1 | sed -n 's/^usage: switchctl //p')
		[ -n "$u" ] || fail "switchctl $c printed no usage"
		# a tag of the command list: alone, or before its text
		awk -v u="     $u" '
		    index($0, u) == 1 { r = substr($0, length(u) + 1, 2) }
		    index($0, u) == 1 && (r == "" || r == "  ") { f = 1 }
		    END { exit !f }' <<<"$man" ||
			fail "switchctl(8) has no entry '$u' (from switchctl $c)"
	done
	ok "each command's usage line is an entry of switchctl(8)"
fi
switchd_alive
stop_switchd
