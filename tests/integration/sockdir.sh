#!/bin/bash
# SPDX-License-Identifier: ISC
# What switchd refuses at start, leaving it as it found it: a socket
# directory that is a symbolic link, that another user owns or that
# others may write to (the default /tmp/switchd-UID of a user included);
# a pidfile that is a link or that a running switch holds; the socket
# directory, management socket or pidfile of a running switch, which
# goes on working; a management socket path that is not a socket.  The
# sockets and pidfile of a switch killed with SIGKILL are taken over.
# Started by root, it runs as the user switchd, and says how to create
# it when there is none; it never runs as nobody.
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux unshare util-linux
need_tool vdepeer
peer=$TOOLS/vdepeer
OTHER=54340 USER1=54341		# numbers only: no account is added

# refused NAME WANT CMD...: CMD (a switchd) exits 1 at once, and says WANT
refused() {
	local name=$1 want=$2 rc; shift 2
	timeout 30 "$@" >"$T_WORK/$name.log" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] ||
		fail "$name: exit $rc, not 1: $(cat "$T_WORK/$name.log")"
	grep -qF -- "$want" "$T_WORK/$name.log" ||
		fail "$name: '$(cat "$T_WORK/$name.log")', without '$want'"
}
# owner, group, mode and entries: what must not change
looks() { stat -c '%u:%g %a' "$1"; ls -A "$1" 2>/dev/null; }

# --- Socket directories made by someone else, or open to others.
for d in other open tmplike real; do mkdir -m 755 "$T_WORK/$d"; done
chown $OTHER:$OTHER "$T_WORK/other"
chmod 777 "$T_WORK/open"
chmod 1777 "$T_WORK/tmplike"
ln -s real "$T_WORK/link"
for d in other open tmplike real; do looks "$T_WORK/$d" >"$T_WORK/$d.before"; done
refused other "socket directory $T_WORK/other belongs to uid $OTHER, not to root or to switchd" \
	"$SWITCHD" -s "$T_WORK/other"
refused open "socket directory $T_WORK/open may be written by its group or others (mode 0777)" \
	"$SWITCHD" -s "$T_WORK/open"
refused tmplike "socket directory $T_WORK/tmplike may be written by its group or others (mode 1777)" \
	"$SWITCHD" -s "$T_WORK/tmplike"
refused link "socket directory $T_WORK/link is a symbolic link" \
	"$SWITCHD" -s "$T_WORK/link"
for d in other open tmplike real; do
	looks "$T_WORK/$d" | cmp -s - "$T_WORK/$d.before" ||
		fail "$d was changed: $(looks "$T_WORK/$d")"
done
[ -L "$T_WORK/link" ] || fail "the link was changed"
ok "directories another user owns, others may write to, or a link: refused, left as they were"

# The default directory of a user without XDG_RUNTIME_DIR, made by
# another user first.  (Not /tmp of a mount namespace of its own: the
# switch under test may be under /tmp.)
dflt=/tmp/switchd-$USER1
[ -e "$dflt" ] && fail "$dflt exists already"
T_ATEXIT+=("rm -rf '$dflt'")
mkdir -m 700 "$dflt"
chown $OTHER:$OTHER "$dflt"
looks "$dflt" >"$T_WORK/default.before"
refused default "socket directory $dflt belongs to uid $OTHER, not to root or to uid $USER1, who runs the switch" \
	setpriv --reuid=$USER1 --regid=$USER1 --clear-groups \
	env -u XDG_RUNTIME_DIR "$SWITCHD"
grep -qF "remove it (as root), or give another directory with -s" "$T_WORK/default.log" ||
	fail "the refusal does not say what to do: $(cat "$T_WORK/default.log")"
looks "$dflt" | cmp -s - "$T_WORK/default.before" ||
	fail "another user's /tmp/switchd-$USER1 was changed"
ok "another user's /tmp/switchd-$USER1: refused, naming its owner and what to do"

# --- A pidfile that is a link: neither it nor what it names changes,
# and nothing else is made.
printf 'keep\n' >"$T_WORK/target"
chmod 600 "$T_WORK/target"
ln -s target "$T_WORK/pid.link"
refused pidlink "pidfile $T_WORK/pid.link is a symbolic link" \
	"$SWITCHD" -s "$T_WORK/swp" -p "$T_WORK/pid.link"
[ "$(cat "$T_WORK/target")" = keep ] && [ "$(stat -c '%u %a' "$T_WORK/target")" = "0 600" ] ||
	fail "the pidfile's target was changed: $(stat -c '%u %a' "$T_WORK/target") $(cat "$T_WORK/target")"
[ -L "$T_WORK/pid.link" ] || fail "the pidfile link was changed"
[ -e "$T_WORK/swp" ] && fail "a socket directory was made for a switch that was refused"
ok "a pidfile that is a symbolic link: refused, its target unchanged"

# --- A running switch keeps its directory, sockets and pidfile.
sw=$T_WORK/sw
start_switchd "$sw" -p "$T_WORK/pid"
first=$SWITCHD_PID
[ "$(cat "$T_WORK/pid")" = "$first" ] || fail "pidfile holds '$(cat "$T_WORK/pid")', not $first"
start_switch second "$T_WORK/sw2" -S "$T_WORK/m.sock"
second=$T_LASTPID
refused samedir "another switch is running on $sw/ctl" \
	"$SWITCHD" -s "$sw"
refused samemgmt "another switch is running on $T_WORK/m.sock" \
	"$SWITCHD" -s "$T_WORK/sw3" -S "$T_WORK/m.sock"
refused dirmgmt "another switch is running on $sw/mgmt" \
	"$SWITCHD" -s "$T_WORK/sw4" -S "$sw/mgmt"
refused samepid "pidfile $T_WORK/pid is held by another switchd (pid $first)" \
	"$SWITCHD" -s "$T_WORK/sw5" -p "$T_WORK/pid"
[ -S "$sw/ctl" ] && [ -S "$sw/mgmt" ] && [ -S "$T_WORK/sw2/ctl" ] &&
	[ -S "$T_WORK/m.sock" ] || fail "a running switch lost a socket: $(ls -l "$sw" "$T_WORK/sw2" "$T_WORK/m.sock")"
[ "$(cat "$T_WORK/pid")" = "$first" ] || fail "the pidfile was changed: $(cat "$T_WORK/pid")"
ctl info >/dev/null || fail "the first switch no longer answers on $sw/mgmt"
"$SWITCHCTL" -S "$T_WORK/m.sock" info >/dev/null ||
	fail "the second switch no longer answers on $T_WORK/m.sock"
"$peer" -d first -w 0 raw "$sw" || fail "no attaching to the first switch"
"$peer" -d second -w 0 raw "$T_WORK/sw2" || fail "no attaching to the second switch"
kill -0 "$first" && kill -0 "$second" || fail "a running switch stopped"
ok "the directory, management socket and pidfile of running switches: refused; both still answer"

# --- -S names something that is not a socket: it stays.
printf 'data\n' >"$T_WORK/notsock"
refused notsock "$T_WORK/notsock exists and is not a socket" \
	"$SWITCHD" -s "$T_WORK/sw6" -S "$T_WORK/notsock"
[ "$(cat "$T_WORK/notsock")" = data ] || fail "-S changed a file that is not a socket"
ok "-S on a file that is not a socket: refused, the file kept"

# --- A switch killed with SIGKILL: its sockets and pidfile are taken over.
kill -KILL "$first"
wait "$first" 2>/dev/null
[ -S "$sw/ctl" ] && [ -S "$sw/mgmt" ] || fail "the killed switch left no socket to take over"
start_switchd "$sw" -p "$T_WORK/pid"
[ "$(cat "$T_WORK/pid")" = "$SWITCHD_PID" ] ||
	fail "pidfile holds '$(cat "$T_WORK/pid")', not $SWITCHD_PID"
ctl info >/dev/null || fail "the new switch does not answer on $sw/mgmt"
"$peer" -d again -w 0 raw "$sw" || fail "no attaching to the new switch"
ok "the sockets and pidfile of a killed switch are taken over"

# --- The switch's own directory, shared by -m 666: mode 1777, its
# owner the switch's user; a restart takes it again.
stop_switchd
start_switchd "$T_WORK/shared" -m 666
[ "$(stat -c '%U %a' "$T_WORK/shared")" = "switchd 1777" ] ||
	fail "-m 666: the directory is $(stat -c '%U %a' "$T_WORK/shared")"
stop_switchd
start_switchd "$T_WORK/shared" -m 666
stop_switchd
ok "a directory the switch shared with -m 666 is its own again at a restart"

# --- Who runs the switch: switchd, never nobody.
refused nobody "user nobody: refusing to run as nobody" \
	"$SWITCHD" -s "$T_WORK/swn" -u nobody
refused nobody-uid "user 65534: refusing to run as nobody" \
	"$SWITCHD" -s "$T_WORK/swn" -u 65534
[ -e "$T_WORK/swn" ] && fail "a socket directory was made for a switch that was refused"
# No user switchd: /etc/passwd without it, in a mount namespace.
grep -v '^switchd:' /etc/passwd >"$T_WORK/passwd"
chmod 644 "$T_WORK/passwd"
refused nouser "no user \"switchd\" to run the switch as once it has given up root: create it with \"useradd --system --no-create-home --shell /usr/sbin/nologin switchd\"" \
	unshare --mount sh -c 'mount --bind "$1" /etc/passwd && shift &&
	    ! getent passwd switchd && exec "$@"' sh \
	"$T_WORK/passwd" "$SWITCHD" -s "$T_WORK/swu"
[ -e "$T_WORK/swu" ] && fail "a socket directory was made for a switch that was refused"
ok "root with no user switchd, or with -u nobody: refused, saying what to do"

# --- A user's -g for a group it is not in: refused before anything is made.
mkdir -m 777 "$T_WORK/gdir"
refused notingroup "-g users: you are not in this group; only root can give the sockets to a group of others" \
	setpriv --reuid=54350 --regid=54350 --clear-groups "$SWITCHD" -s "$T_WORK/gdir/sw" -g users
[ -e "$T_WORK/gdir/sw" ] && fail "-g of a group not the user's left a directory"
ok "a user's -g for a group it is not in: refused, nothing made"
