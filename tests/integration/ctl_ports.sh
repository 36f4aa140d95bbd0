#!/bin/bash
# SPDX-License-Identifier: ISC
# "switchctl ports" fits 80 columns, whatever the clients say: with a
# description of 128 characters, a trunk of many VLANs, a user with a
# long name and counts in the hundred thousands, every line is 80
# columns at most.  The description is cut, not the rows; the user and
# pid that libvdeplug writes into its description are not said twice;
# large counts are shortened.  "switchctl -l ports" has every column and
# every number in full, the description as the client gave it.  "port
# N" shows the settings of a port that has nothing attached.
. "$(dirname "$0")/lib.sh"
need_root
need vde_plug vdeplug setpriv util-linux
need_tool vdepeer

# A user with a name too long for the column, if the machine has one.
longuser=$(getent passwd | awk -F: 'length($1) > 8 { print $1; exit }')

sw=$T_WORK/sw
cat >"$T_WORK/switchd.conf" <<EOF
port 9 trunk 10,20,30-39,100-199,300,400-499,4000-4094 native 1
port 12 access 42
port 12 maclimit 7
port 12 isolated on
port 12 user nobody
EOF
start_switchd "$sw" -m 666 -f "$T_WORK/switchd.conf"

long="a description as long as a client may give: 128 characters, which"
long="$long no terminal of 80 columns can show beside the rest of its rows"
[ "${#long}" = 128 ] || fail "the long description is ${#long} characters"

# attached N: true once port N is in use
attached() {
	[ "$(ctl -j ports | python3 -c 'import json, sys
print(sum(p["port"] == '"$1"' for p in json.load(sys.stdin)["ports"]))')" = 1 ]
}

bg peer2 "$TOOLS/vdepeer" -p 2 -w 300 -d "$long" raw "$sw"
# libvdeplug says "vdeplug: user=root pid=N" for vde_plug.
mkfifo "$T_WORK/in"
exec 3<>"$T_WORK/in"
# Not through bg: a command in the background reads /dev/null unless
# told otherwise, and vde_plug ends at the end of its input.
vde_plug "vde://$sw[3]" <"$T_WORK/in" >"$T_WORK/plug3.log" 2>&1 &
vdepid=$!
T_PIDS+=("$vdepid")
# 150000 broadcast frames in: storm control drops most of them.
bg peer9 "$TOOLS/vdepeer" -p 9 -w 300 -d "trunk port" size "$sw" 60x150000
if [ -n "$longuser" ]; then
	bg peer5 setpriv --reuid "$longuser" --regid nogroup --clear-groups \
	    "$TOOLS/vdepeer" -p 5 -w 300 raw "$sw"
fi
for p in 2 3 9 ${longuser:+5}; do
	t_wait_for 20 attached "$p" || fail "no client on port $p"
done
rx9() {
	ctl -j ports | python3 -c 'import json, sys
print([p for p in json.load(sys.stdin)["ports"] if p["port"] == 9][0]
    ["rx_frames"])'
}
all_in() { [ "$(rx9)" -ge 150000 ]; }
t_wait_for 60 all_in || fail "port 9 did not take 150000 frames: $(rx9)"

# --- The default table.
out=$(ctl ports) || fail "switchctl ports failed"
echo "$out"
wide=$(awk 'length > 80' <<<"$out")
[ -z "$wide" ] || fail "ports: lines wider than 80 columns: $wide"
head -1 <<<"$out" | grep -Eq '^PORT +KIND +USER +VLAN +IN +OUT +DROPS +DESCRIPTION$' ||
	fail "ports: header is $(head -1 <<<"$out")"
row() { grep -E "^ +$1 " <<<"$out"; }
col=$(head -1 <<<"$out" | awk '{ print index($0, "DESCRIPTION") }')
d=$(row 2 | cut -c "$col"-)
[ "${d%...}" != "$d" ] && [ "${#d}" -ge 10 ] && [ "${long#"${d%...}"}" != "$long" ] ||
	fail "port 2: the long description is not cut to fit: $(row 2)"
row 3 | grep -Eq '^ +3 +unix +root +access 1 .* vdeplug:$' ||
	fail "port 3: not root, access 1, 'vdeplug:': $(row 3)"
row 3 | grep -Eq "user=|pid=|$vdepid" &&
	fail "port 3: the user or pid said twice: $(row 3)"
row 9 | grep -Eq '^ +9 +unix +root +trunk 10,20,3\.\.\. +1[45][0-9]k +[0-9]+ +1[0-9.]+k +trunk port$' ||
	fail "port 9: no cut trunk, 150k frames in and their drops: $(row 9)"
if [ -n "$longuser" ]; then
	row 5 | grep -Eq "^ +5 +unix +${longuser:0:7}\+ " ||
		fail "port 5: user $longuser not cut to 8 columns: $(row 5)"
fi
ok "ports: $(($(wc -l <<<"$out") - 1)) ports in 80 columns, long fields cut"

# --- -l: everything, in full.
out=$(ctl -l ports) || fail "switchctl -l ports failed"
head -1 <<<"$out" | grep -Eq '^PORT +KIND +DESCRIPTION +USER/PID +VLAN +RX-FRAMES +RX-BYTES +TX-FRAMES +TX-BYTES +DROPS +MACS +QUEUE$' ||
	fail "-l ports: header is $(head -1 <<<"$out")"
grep -qF " $long " <<<"$out" || fail "-l ports: the description is cut"
grep -Eq "^ +3 +unix +vdeplug: user=root pid=$vdepid +root/$vdepid " \
    <<<"$out" || fail "-l ports: port 3 is not as it came: $out"
grep -Eq "^ +9 .* $(rx9) " <<<"$out" ||
	fail "-l ports: port 9 has not its $(rx9) frames in full: $out"
ok "-l ports: every column, the description whole, counts in full"

# --- A port with settings and nothing attached is a port all the same.
out=$(ctl port 12) || fail "switchctl port 12 (nothing attached) failed"
echo "$out"
for k in 'port: +12$' 'attached: +nothing$' 'VLAN: +access 42$' \
    'isolated: +yes' 'MAC limit: +7$' 'storm limit: +1000 ' \
    'may attach: +nobody \(and root\)$'; do
	grep -Eq "^$k" <<<"$out" || fail "port 12 has no line '$k': $out"
done
grep -q "frames in" <<<"$out" && fail "port 12: counters of no client: $out"
j=$(ctl -j port 12) || fail "switchctl -j port 12 failed"
[ "$(python3 -c 'import json, sys
p = json.load(sys.stdin)["port"]
print(p["attached"], p["vlan"]["vlan"], p["maclimit"], p["allow_user"])' \
    <<<"$j")" = "False 42 7 nobody" ] || fail "switchctl -j port 12: $j"
out=$(ctl port 13) || fail "switchctl port 13 (no settings) failed"
grep -Eq '^VLAN: +access 1$' <<<"$out" && grep -Eq '^may attach: +anyone$' \
    <<<"$out" || fail "port 13 does not show the defaults: $out"
grep -Eq '^may attach: +anyone$' <<<"$(ctl port 2)" ||
	fail "port 2 does not say who may attach: $(ctl port 2)"
err=$(ctl disconnect 12 2>&1) && fail "disconnect 12 succeeded"
[ "$err" = "switchctl: nothing is attached to port 12" ] ||
	fail "disconnect 12: $err"
ok "port 12, nothing attached: its VLAN, limits and who may attach"

switchd_alive
stop_switchd
