#!/bin/bash
# SPDX-License-Identifier: ISC
# make install puts the daemon in sbin, and what VM users run (switchctl,
# switchplug) in bin, where their PATH is; the manual pages and contrib/
# go to share/.
. "$(dirname "$0")/lib.sh"
need make make

root=$T_WORK/root
make -C "$T_TOP" --no-print-directory B="$(basename "$BUILD")" \
    DESTDIR="$root" PREFIX=/usr/local install >"$T_WORK/install.log" 2>&1 ||
	fail "make install: $(tail -n 5 "$T_WORK/install.log")"
for f in sbin/switchd bin/switchctl bin/switchplug; do
	[ -x "$root/usr/local/$f" ] || fail "$f is not installed"
done
for f in bin/switchd sbin/switchctl sbin/switchplug; do
	[ ! -e "$root/usr/local/$f" ] || fail "$f is installed"
done
ok "switchd in sbin; switchctl and switchplug in bin"

# A user whose PATH has no sbin finds both.
PATH=$root/usr/local/bin:/usr/bin:/bin switchctl -V >"$T_WORK/v.log" 2>&1 ||
	fail "switchctl -V from bin: $(cat "$T_WORK/v.log")"
for m in man1/switchplug.1 man5/switchd.conf.5 man8/switchd.8; do
	[ -f "$root/usr/local/share/man/$m" ] || fail "$m is not installed"
done
[ -f "$root/usr/local/share/switchd/rc.vdenetwork" ] ||
	fail "contrib/rc.vdenetwork is not installed"
ok "manual pages and contrib/ installed"
