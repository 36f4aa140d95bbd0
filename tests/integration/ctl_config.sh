#!/bin/bash
# SPDX-License-Identifier: ISC
# The configuration file and switchctl agree.  A switch started with -f
# FILE prints FILE back with "switchctl config"; settings changed with
# "switchctl set" show there too, and that output fed to a new switch
# with -f gives the same "switchctl config" (the round trip), as does
# each of its lines given to "switchctl set".
# "switchctl reload" and SIGHUP read the file again, undoing what was set
# at run time; a file with errors makes reload fail, naming the file,
# and changes nothing; reload without -f is an error.
# valgrind: yes
. "$(dirname "$0")/lib.sh"
need_root

sw=$T_WORK/sw
conf=$T_WORK/switchd.conf
# In the order "config" prints, so that it must come back identical.
cat >"$conf" <<EOF
ports 64
maclimit 5000
aging 120
hub off
queue 128
portmaclimit 200
storm 2000
userports 32
memory 200M
stp on
stp priority 8192
stp forward-delay 4
port 3 access 10
port 4 trunk 10,20-29 native 1
port 5 maclimit 4
port 5 storm 0
port 5 stp cost 100
port 5 stp edge off
port 5 bpduguard on
port 6 user nobody
port 7 group nogroup
port 8 trunk all
port 9 trunk 100-200
EOF
chmod 644 "$conf"
start_switchd "$sw" -f "$conf"

ctl config >"$T_WORK/out1" || fail "switchctl config failed"
diff -u "$conf" "$T_WORK/out1" || fail "config differs from the file read"
ok "config prints the file the switch was started with"

# --- Changes at run time show in config.
ctl set port 10 access 99 || fail "set port 10 access 99"
ctl set port 3 trunk 1-5 || fail "set port 3 trunk 1-5"
ctl set aging 0 || fail "set aging 0"
ctl set hub on || fail "set hub on"
ctl set port 6 user any || fail "set port 6 user any"
ctl set port 8 storm 50 || fail "set port 8 storm 50"
ctl set port 5 storm default || fail "set port 5 storm default"
ctl config >"$T_WORK/out2"
for l in 'port 10 access 99' 'port 3 trunk 1-5' 'aging 0' 'hub on' \
    'port 8 storm 50'; do
	grep -qx "$l" "$T_WORK/out2" || fail "config lacks '$l'"
done
grep -q '^port 6 user' "$T_WORK/out2" && fail "port 6 user any not shown"
grep -q '^port 5 storm' "$T_WORK/out2" && fail "port 5 storm default not shown"
grep -q '^port 3 access' "$T_WORK/out2" && fail "port 3 is still access"
ok "settings changed with set show in config"

# --- Round trip: a new switch from that output prints the same.
chmod 644 "$T_WORK/out2"
start_switch sw2 "$T_WORK/sw2" -f "$T_WORK/out2"
"$SWITCHCTL" -s "$T_WORK/sw2" config >"$T_WORK/out3" ||
	fail "config of the second switch failed"
diff -u "$T_WORK/out2" "$T_WORK/out3" || fail "round trip changed the config"
ok "config fed to a new switch gives the same config"

# --- Every line config prints is a setting "switchctl set" takes.
mapfile -t lines <"$T_WORK/out2"
for l in "${lines[@]}"; do
	# shellcheck disable=SC2086
	ctl set $l || fail "switchctl set $l: refused a line config printed"
done
ctl config | diff -u "$T_WORK/out2" - || fail "set of config changed it"
ok "each line of config is accepted by switchctl set"

# --- reload: the file again, run-time changes undone.
sed -i 's/^port 3 access 10$/port 3 access 11/' "$conf"
ctl reload || fail "switchctl reload failed"
ctl config >"$T_WORK/out4"
grep -qx 'port 3 access 11' "$T_WORK/out4" || fail "reload did not read port 3"
grep -q '^port 10 ' "$T_WORK/out4" && fail "reload kept port 10 access 99"
grep -qx 'hub off' "$T_WORK/out4" || fail "reload kept hub on"
grep -qx 'aging 120' "$T_WORK/out4" || fail "reload kept aging 0"
sed 's/^port 3 access 11$/port 3 access 10/' "$T_WORK/out4" |
	diff -u "$T_WORK/out1" - || fail "after reload config is not the file"
ok "switchctl reload reads the file again and undoes set"

# --- SIGHUP does the same.
sed -i 's/^port 3 access 11$/port 3 access 12/' "$conf"
kill -HUP "$SWITCHD_PID"
wait_for 5 sh -c "'$SWITCHCTL' -s '$sw' config | grep -qx 'port 3 access 12'" ||
	fail "SIGHUP did not read the file again"
ok "SIGHUP reads the file again"

# --- A file with errors: reload fails, says where, and changes nothing,
# not even the good lines around the bad one.
ctl config >"$T_WORK/before"
sed -i 's/^port 3 access 12$/port 3 access 13/' "$conf"
echo "port 3 access 5000" >>"$conf"
echo "hub on" >>"$conf"
err=$(ctl reload 2>&1) && fail "reload of a bad file succeeded"
grep -qF "switchctl: $conf has errors; nothing was changed: $conf:24: port 3 access: '5000' is not a VLAN" <<<"$err" ||
	fail "reload: $err"
grep -q "$conf:24: port 3 access: '5000' is not a VLAN" "$T_WORK/switchd.log" ||
	fail "the log does not name the bad line"
ctl config | diff -u "$T_WORK/before" - ||
	fail "a reload of a bad file changed the running configuration"
kill -HUP "$SWITCHD_PID"
wait_for 5 sh -c "[ \$(grep -c 'nothing was changed' '$T_WORK/switchd.log') -ge 2 ]" ||
	fail "SIGHUP with a bad file: nothing logged"
ctl config | diff -u "$T_WORK/before" - ||
	fail "SIGHUP with a bad file changed the running configuration"
ok "reload of a bad file fails, naming it, and changes nothing"

# --- No file.
start_switch sw3 "$T_WORK/sw3"
err=$("$SWITCHCTL" -s "$T_WORK/sw3" reload 2>&1) && fail "reload without -f"
grep -q "switchctl: no configuration file: switchd was started without -f" \
    <<<"$err" || fail "reload without -f: $err"
ok "reload without -f is an error"
switchd_alive
stop_switchd
