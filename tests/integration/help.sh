#!/bin/bash
# SPDX-License-Identifier: ISC
# Help for whoever tries it first, with no switch running.  -h and
# --help print each program's usage on stdout and exit 0: switchctl's
# with a line for each command, switchplug's with each transport.  -V
# and --version print the version of configure.ac.  A bad option prints
# the usage on stderr, nothing on stdout, and exits 1.  "switchctl help"
# lists the commands of switchctl(8), "switchctl help COMMAND" gives that
# command's usage line and what it does, an unknown one is an error.
# Every line of help fits 80 columns.
. "$(dirname "$0")/lib.sh"

version=$(sed -n 's/^AC_INIT(\[switchd\], \[\([^]]*\)\].*/\1/p' \
    "$T_TOP/configure.ac")
[ -n "$version" ] || fail "no version in configure.ac"
none=$T_WORK/none	# no switch there: help must not need one

# run CMD...: $out, $err and $rc of CMD
run() {
	out=$(timeout 5 "$@" 2>"$T_WORK/err" </dev/null)
	rc=$?
	err=$(cat "$T_WORK/err")
}

# narrow WHAT TEXT: every line of TEXT fits 80 columns
narrow() {
	local wide
	wide=$(awk 'length > 80' <<<"$2")
	[ -z "$wide" ] || fail "$1: lines wider than 80 columns: $wide"
}

for p in switchd:"$SWITCHD" switchctl:"$SWITCHCTL" switchplug:"$SWITCHPLUG"; do
	name=${p%%:*} bin=${p#*:}
	for o in -h --help; do
		run "$bin" "$o"
		[ "$rc" = 0 ] || fail "$name $o exited $rc: $err"
		grep -q "^usage: $name " <<<"$out" ||
			fail "$name $o printed no usage on stdout: $out"
		[ -z "$err" ] || fail "$name $o wrote on stderr: $err"
		narrow "$name $o" "$out"
	done
	for o in -V --version; do
		run "$bin" "$o"
		[ "$rc" = 0 ] || fail "$name $o exited $rc: $err"
		[ "$out" = "$name $version" ] ||
			fail "$name $o printed '$out', not '$name $version'"
	done
	run "$bin" -Z
	[ "$rc" = 1 ] || fail "$name -Z (a bad option) exited $rc, not 1"
	[ -z "$out" ] || fail "$name -Z wrote on stdout: $out"
	grep -q "^usage: $name " <<<"$err" ||
		fail "$name -Z printed no usage on stderr: $err"
	run "$bin" --frob
	[ "$rc" = 1 ] || fail "$name --frob exited $rc, not 1"
	grep -q "^usage: $name " <<<"$err" ||
		fail "$name --frob printed no usage on stderr: $err"
	ok "$name: -h, --help, -V, --version exit 0; a bad option exits 1"
done

# --- switchctl -h: every command, a line each, as "switchctl help" has.
run "$SWITCHCTL" -s "$none" -h
h=$out
run "$SWITCHCTL" -s "$none" help
[ "$rc" = 0 ] || fail "switchctl help exited $rc: $err"
narrow "switchctl help" "$out"
grep -qF "$out" <<<"$h" || fail "switchctl -h has not the list of help: $h"
cmds=$(sed -n 's/^  \([a-z][a-z]*\)  *[A-Z].*/\1/p' <<<"$out")
[ "$(wc -l <<<"$cmds")" -ge 10 ] || fail "switchctl help lists: $out"
for c in info ports port macs vlans config set disconnect counters \
    loglevel reload help; do
	grep -qx "$c" <<<"$cmds" || fail "switchctl help does not list $c: $out"
done
for c in $cmds; do
	grep -q "^\.It Cm $c\( \|$\)" "$T_TOP/man/switchctl.8" ||
		fail "switchctl help lists $c, switchctl(8) has no such command"
	run "$SWITCHCTL" -s "$none" help "$c"
	[ "$rc" = 0 ] || fail "switchctl help $c exited $rc: $err"
	[ "$(wc -l <<<"$out")" = 2 ] ||
		fail "switchctl help $c: not a usage and a sentence: $out"
	grep -q "^usage: switchctl $c\( \|$\)" <<<"$out" ||
		fail "switchctl help $c: no usage line: $out"
	tail -1 <<<"$out" | grep -Eq '^[A-Z].*\.$' ||
		fail "switchctl help $c: no sentence: $out"
done
ok "switchctl help: $(wc -w <<<"$cmds") commands, each of switchctl(8)"

run "$SWITCHCTL" -s "$none" help ports
[ "$rc" = 0 ] && [ "$(head -1 <<<"$out")" = "usage: switchctl ports" ] ||
	fail "switchctl help ports: $out$err"
run "$SWITCHCTL" -s "$none" help frob
[ "$rc" = 1 ] || fail "switchctl help frob exited $rc"
grep -q "^switchctl: unknown command 'frob' (commands: info, ports," \
    <<<"$err" || fail "switchctl help frob: $err"
run "$SWITCHCTL" -s "$none" help ports port
[ "$rc" = 1 ] && grep -q "^usage: switchctl help \[command\]" <<<"$err" ||
	fail "switchctl help ports port: $err"
run "$SWITCHCTL" -s "$none" -j help ports
[ "$rc" = 0 ] || fail "switchctl -j help ports exited $rc: $err"
[ "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["usage"])' \
    <<<"$out")" = ports ] || fail "switchctl -j help ports: $out"
ok "switchctl help ports; help frob is an error; -j help is JSON"

# --- No command: the usage and the commands, on stderr, status 1.
run "$SWITCHCTL" -s "$none"
[ "$rc" = 1 ] && [ -z "$out" ] || fail "switchctl alone: status $rc, $out"
grep -q "^usage: switchctl " <<<"$err" && grep -q "^  ports " <<<"$err" ||
	fail "switchctl alone: no usage and commands on stderr: $err"
ok "switchctl alone: usage and commands on stderr, status 1"

# --- switchplug -h: each transport.
run "$SWITCHPLUG" -h
for m in "(none)" "-l \[addr:\]port" "-c host:port" "-m group:port" \
    "-x vni"; do
	grep -q "^  $m " <<<"$out" || fail "switchplug -h has no mode '$m': $out"
done
ok "switchplug -h: each transport"
