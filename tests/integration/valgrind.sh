#!/bin/bash
# SPDX-License-Identifier: ISC
# switchd under valgrind's memcheck through a day in its life (attach,
# ping, VLAN change, management, reload, detach, SIGTERM): no leak, no
# invalid access.  The sanitizer pass skips it: ASan and valgrind do not
# mix.
. "$(dirname "$0")/lib.sh"
if [ -n "${VALGRIND:-}" ]; then
	echo "not in the valgrind pass: it measures nothing of switchd's memory"
	exit 0
fi
need_root
need valgrind valgrind vde_plug vdeplug ping iputils-ping
if grep -q '^ENABLE_SANITIZERS = yes' "$BUILD/config.mk" 2>/dev/null; then
	echo "valgrind runs in the plain pass only"
	exit 0
fi

real=$SWITCHD
cat >"$T_WORK/switchd-vg" <<EOS
#!/bin/sh
exec valgrind -q --vgdb=no --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file=$T_WORK/valgrind.log "$real" "\$@"
EOS
chmod 755 "$T_WORK/switchd-vg"
touch "$T_WORK/valgrind.log"; chmod 666 "$T_WORK/valgrind.log"
SWITCHD=$T_WORK/switchd-vg

sw=$T_WORK/sw
printf 'port 2 access 1\n' >"$T_WORK/conf"
start_switchd "$sw" -f "$T_WORK/conf"
wait_for 20 test -S "$sw/mgmt" || fail "no management socket"
host a "vde://$sw" 10.95.0.1/24
host b "vde://$sw" 10.95.0.2/24
wait_for 20 pings a 10.95.0.2 || fail "a cannot ping b under valgrind"
"$SWITCHCTL" -s "$sw" ports >/dev/null || fail "switchctl ports"
"$SWITCHCTL" -s "$sw" macs >/dev/null || fail "switchctl macs"
"$SWITCHCTL" -s "$sw" set port 2 access 20 || fail "switchctl set"
"$SWITCHCTL" -s "$sw" reload || fail "switchctl reload"
"$SWITCHCTL" -s "$sw" disconnect 1 || fail "switchctl disconnect"
# SIGHUP reloads too: the second "reloading" line, once valgrind's
# switchd gets to it.
reloaded_twice() { [ "$(grep -c 'reloading ' "$T_WORK/switchd.log")" -ge 2 ]; }
kill -HUP "$SWITCHD_PID"
t_wait_for 20 reloaded_twice || fail "no reload on SIGHUP under valgrind"
kill -TERM "$SWITCHD_PID"
wait "$SWITCHD_PID"
rc=$?
[ "$rc" -eq 0 ] || fail "switchd under valgrind exited $rc: $(cat "$T_WORK/valgrind.log")"
[ -s "$T_WORK/valgrind.log" ] && fail "valgrind reported: $(cat "$T_WORK/valgrind.log")"
ok "no leak and no memory error under valgrind"
