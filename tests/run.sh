#!/bin/bash
# SPDX-License-Identifier: ISC
# Run every test against each build tree given (build, build-san, ...).
# A test is a cmocka program in BUILD/tests/ or a script in
# tests/integration/.  Exit status 0 passes, 77 skips (the test prints
# "SKIPPED: why"), anything else fails.  Under CI=true a skip is a failure:
# CI has root, /dev/net/tun and every package, so nothing may be skipped.
# In a sanitizer build any report written by any process fails the test.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
pass=0 fail=0 skip=0 seq=0
failed=()
. tests/leftovers.sh
tmpdir=$(mktemp -d /tmp/switchd-run.XXXXXX) || exit 1
chmod 755 "$tmpdir"	# daemons run as other users read their files there
trap 'rm -rf "$tmpdir"' EXIT

run_one() {	# build name timeout command...
	local b=$1 name=$2 tmo=$3; shift 3
	local log="$top/$b/test-logs${VALGRIND:+-valgrind}/$name.log" rc
	local san="$top/$b/san-reports"
	mkdir -p "$(dirname "$log")" "$san"
	# Daemons drop privileges: their reports must still be writable.
	chmod 1777 "$san"
	rm -f "$san"/*
	# What the test starts and makes is marked, to be found once it ends.
	seq=$((seq + 1))
	local run="$$.$seq.$name" nsp="sdt$$x$seq" left
	SWITCHD_TEST_RUN=$run T_NS_PREFIX=$nsp T_TMPDIR=$tmpdir \
	    timeout -k 10 "$tmo" "$@" >"$log" 2>&1
	rc=$?
	left=$(leftovers "$run" "$nsp" "$tmpdir")
	if [ -n "$left" ]; then
		{ echo "left behind (now removed):"; echo "$left"; } >>"$log"
		[ "$rc" -eq 0 ] && rc=1
	fi
	if [ "$rc" -eq 0 ] && [ -n "${VG_LOGDIR:-}" ]; then
		for f in "$VG_LOGDIR"/vg.*; do
			[ -s "$f" ] || continue
			{ echo "valgrind report:"; cat "$f"; } >>"$log"
			rc=1
		done
		rm -f "$VG_LOGDIR"/vg.*
	fi
	if [ "$rc" -eq 0 ] && compgen -G "$san/*" >/dev/null; then
		echo "sanitizer report:" >>"$log"
		cat "$san"/* >>"$log"
		rc=1
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "timed out after ${tmo}s" >>"$log"
	fi
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS  $label  $name"
	elif [ "$rc" -eq 77 ] && [ "${CI:-}" != true ]; then
		skip=$((skip + 1))
		echo "SKIP  $label  $name: $(grep -m1 '^SKIPPED' "$log" || echo SKIPPED)"
	else
		fail=$((fail + 1))
		failed+=("$label/$name")
		echo "FAIL  $label  $name (exit $rc; log ${log#"$top"/})"
		tail -n 40 "$log" | sed 's/^/      | /'
	fi
}

for arg in "$@"; do
	# "valgrind:build": the integration tests again, every switchd they
	# start under valgrind's memcheck.
	b=${arg#valgrind:}
	label=$arg
	if [ "$arg" != "$b" ]; then VALGRIND=1; else VALGRIND=; fi
	export VALGRIND
	unset REAL_SWITCHD VG_LOGDIR
	if [ ! -x "$b/switchd" ]; then
		echo "tests/run.sh: $b/switchd is not built" >&2
		exit 2
	fi
	export BUILD="$top/$b"
	export SWITCHD="$top/$b/switchd" SWITCHCTL="$top/$b/switchctl"
	if [ "${VALGRIND:-}" = 1 ]; then
		# Every switchd the tests start runs under memcheck.
		export REAL_SWITCHD=$SWITCHD SWITCHD=$top/tests/valgrind-switchd
		export VG_LOGDIR=$top/$b/valgrind-logs
		mkdir -p "$VG_LOGDIR" && chmod 1777 "$VG_LOGDIR"
	fi
	export SWITCHPLUG="$top/$b/switchplug" TOOLS="$top/$b/tools"
	# Sanitizer reports go to files, so that daemons started in the
	# background by integration tests are caught as well.
	export ASAN_OPTIONS="log_path=$top/$b/san-reports/asan:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$top/$b/san-reports/ubsan:print_stacktrace=1:halt_on_error=1"
	if [ -z "$VALGRIND" ]; then
		for t in "$b"/tests/test_*; do
			[ -x "$t" ] || continue
			run_one "$b" "unit/$(basename "$t")" 120 "$t"
		done
	fi
	for t in tests/integration/*.sh; do
		[ "$t" = tests/integration/lib.sh ] && continue
		run_one "$b" "integration/$(basename "$t" .sh)" 300 bash "$t"
	done
done

echo
if [ "$fail" -gt 0 ]; then
	echo "failed: ${failed[*]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
