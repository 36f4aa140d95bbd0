#!/bin/bash
# SPDX-License-Identifier: ISC
# Who may look at a switch and who may change it.  With -G, the members of
# that group connect to the management socket and may look (info, ports,
# config, ...); a change from them is refused with "permission denied",
# counted and logged, and changes nothing.  Root, the user the switch runs
# as and the members of the -A group may change it, the -A group as a
# primary or a supplementary group.  Someone in neither group cannot
# connect at all.  With -A alone, the socket is the admin group's.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root
need setpriv util-linux groupadd passwd groupdel passwd

# Two groups of this test's own, removed whatever happens.
look=sdtl$$ adm=sdta$$
t_groups_cleanup() {
	getent group "$look" >/dev/null && groupdel "$look"
	getent group "$adm" >/dev/null && groupdel "$adm"
	t_cleanup
}
trap t_groups_cleanup EXIT
groupadd "$look" || fail "groupadd $look"
groupadd "$adm" || fail "groupadd $adm"

# Users with no account: numbers are enough for the kernel.
ulook=54311 uadm=54312 uadm2=54313 uout=54314
as_look() { setpriv --reuid=$ulook --regid=$ulook --groups="$look" "$@"; }
as_adm() { setpriv --reuid=$uadm --regid=$uadm --groups="$look,$adm" "$@"; }
as_adm2() { setpriv --reuid=$uadm2 --regid="$adm" --groups="$look" "$@"; }
as_out() { setpriv --reuid=$uout --regid=$uout --clear-groups "$@"; }
as_run() { setpriv --reuid=daemon --regid=daemon --clear-groups "$@"; }

sock=$T_WORK/m.sock
sc() { "$SWITCHCTL" -S "$sock" "$@"; }
refused() { sc -j info | sed -n 's/^ *"mgmt_refused": *\([0-9]*\).*/\1/p'; }

sw=$T_WORK/sw
start_switchd "$sw" -u daemon -S "$sock" -G "$look" -A "$adm"
[ "$(stat -c '%U %G %a' "$sock")" = "daemon $look 660" ] ||
	fail "the socket is $(stat -c '%U %G %a' "$sock"), not daemon $look 660"

# --- A member of the -G group looks, and cannot change.
for c in info ports config vlans macs; do
	as_look "$SWITCHCTL" -S "$sock" "$c" >/dev/null ||
		fail "a member of the -G group cannot run switchctl $c"
done
ok "a member of the -G group may look: info, ports, config, vlans, macs"

who="root, user daemon or group $adm"
denied="switchctl: permission denied: changing the switch needs $who"
before=$(sc config)
level=$(sc info | grep '^log level:')
expect 1 "$denied" as_look "$SWITCHCTL" -S "$sock" set port 1 access 7
sc config | grep -qx 'port 1 access 7' &&
	fail "the refused change was made: $(sc config)"
[ "$(sc config)" = "$before" ] || fail "a refused change changed the config"
logged 5 "management request from uid=$ulook pid=[0-9]+ refused: \
'port 1 access 7' changes the switch, and only $who may" ||
	fail "the refusal is not logged"
[ "$(refused)" = 1 ] || fail "refusals counted: '$(refused)', not 1"
# Other users' frames are the changers' alone to see.
expect 1 "switchctl: permission denied: capturing frames needs $who" \
    as_look sh -c '"$1" -S "$2" capture -c 1 >/dev/null' sh "$SWITCHCTL" "$sock"
[ "$(refused)" = 2 ] || fail "refusals counted: '$(refused)', not 2"
ok "a member of the -G group may not capture"
for c in "set hub on" "macs flush" "counters reset" "loglevel debug" \
    "reload" "disconnect 1"; do
	# shellcheck disable=SC2086
	expect 1 "$denied" as_look "$SWITCHCTL" -S "$sock" $c
done
[ "$(sc config)" = "$before" ] || fail "a refused change changed the config"
[ "$(sc info | grep '^log level:')" = "$level" ] ||
	fail "the log level changed: $(sc info | grep '^log level:')"
[ "$(refused)" = 8 ] || fail "refusals counted: '$(refused)', not 8"
ok "a member of the -G group: every change refused, counted, logged"

# --- The -A group may, as a supplementary group or as the primary one.
as_adm "$SWITCHCTL" -S "$sock" set port 1 access 7 ||
	fail "a member of the -A group cannot change the switch"
sc config | grep -qx 'port 1 access 7' ||
	fail "port 1 is not in VLAN 7: $(sc config)"
as_adm2 "$SWITCHCTL" -S "$sock" set port 2 access 8 ||
	fail "a user whose primary group is the -A group cannot change the switch"
sc config | grep -qx 'port 2 access 8' ||
	fail "port 2 is not in VLAN 8: $(sc config)"
ok "the -A group may change the switch, as a supplementary or primary group"

# --- So may the user it runs as, and root; someone outside cannot connect.
as_run "$SWITCHCTL" -S "$sock" set port 3 access 9 ||
	fail "daemon, the switch's user, cannot change it"
sc set port 4 access 10 || fail "root cannot change the switch"
sc config | grep -qx 'port 3 access 9' || fail "port 3: $(sc config)"
sc config | grep -qx 'port 4 access 10' || fail "port 4: $(sc config)"
expect 1 "switchctl: $sock: permission denied (the management socket belongs to daemon" \
    as_out "$SWITCHCTL" -S "$sock" info
ok "the run user and root may change it; an outsider cannot connect"

# --- Without -A, a -G member still only looks.
start_switch sw2 "$T_WORK/sw2" -u daemon -S "$T_WORK/sw2.sock" -G "$look"
as_look "$SWITCHCTL" -S "$T_WORK/sw2.sock" info >/dev/null ||
	fail "without -A, a -G member cannot look"
denied="switchctl: permission denied: changing the switch needs root or user daemon"
expect 1 "$denied" as_look "$SWITCHCTL" -S "$T_WORK/sw2.sock" set port 1 access 7
expect 1 "$denied" as_adm "$SWITCHCTL" -S "$T_WORK/sw2.sock" set port 1 access 7
ok "without -A, only root and the run user may change the switch"

# --- -A alone: the socket is the admin group's.
start_switch sw3 "$T_WORK/sw3" -u daemon -S "$T_WORK/sw3.sock" -A "$adm"
[ "$(stat -c '%G %a' "$T_WORK/sw3.sock")" = "$adm 660" ] ||
	fail "-A alone: the socket is $(stat -c '%G %a' "$T_WORK/sw3.sock")"
as_adm "$SWITCHCTL" -S "$T_WORK/sw3.sock" set port 1 access 7 ||
	fail "-A alone: its member cannot change the switch"
expect 1 "permission denied (the management socket belongs to daemon" \
    as_look "$SWITCHCTL" -S "$T_WORK/sw3.sock" info
ok "-A alone: the socket is the admin group's"

switchd_alive
stop_switchd
