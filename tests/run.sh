#!/bin/bash
# SPDX-License-Identifier: ISC
# Run every test against each build tree given (build, build-san, ...).
# A test is a cmocka program in BUILD/tests/ or a script in
# tests/integration/.  Exit status 0 passes, 77 skips (the test prints
# "SKIPPED: why"), anything else fails.  Under CI=true a skip is a failure:
# CI has root, /dev/net/tun and every package, so nothing may be skipped.
# In a sanitizer build any report written by any process fails the test.
# The valgrind pass runs only the integration tests that say "# valgrind:
# yes" near their top: the short ones that feed switchd what its peers and
# users send (memcheck makes every test 5 to 20 times slower, and the
# sanitizer pass already runs them all).  Those that say "# slow: yes"
# start first.
#
# CHECK_ONLY=REGEX runs only the tests whose name ("unit/test_fdb",
# "integration/basic") matches.  CHECK_JOBS tests run at once (default: one a CPU, at most 2).  Tests
# mark what they start, use namespaces and names of their own and wait
# for conditions, so two share a machine as they share a loaded one.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
start=$SECONDS
. tests/leftovers.sh
tmpdir=$(mktemp -d /tmp/switchd-run.XXXXXX) || exit 1
chmod 755 "$tmpdir"	# daemons run as other users read their files there
mkdir "$tmpdir/.results" "$tmpdir/.queue"
trap 'rm -rf "$tmpdir"' EXIT

# setup_env ARG: the environment of a test of pass ARG ("build",
# "build-san", or "valgrind:build": the integration tests again, every
# switchd they start under valgrind's memcheck).  $1 of the job is its
# sequence number, which keeps reports of tests running at once apart.
setup_env() {	# arg seq
	local b=${1#valgrind:} seq=$2
	label=$1 bdir=$b
	if [ "$1" != "$b" ]; then VALGRIND=1; else VALGRIND=; fi
	export VALGRIND
	unset REAL_SWITCHD VG_LOGDIR
	export BUILD="$top/$b"
	export SWITCHD="$top/$b/switchd" SWITCHCTL="$top/$b/switchctl"
	if [ -n "$VALGRIND" ]; then
		export REAL_SWITCHD=$SWITCHD SWITCHD=$top/tests/valgrind-switchd
		export VG_LOGDIR=$top/$b/valgrind-logs/$seq
	fi
	export SWITCHPLUG="$top/$b/switchplug" TOOLS="$top/$b/tools"
	# Sanitizer reports go to files, so that daemons started in the
	# background by integration tests are caught as well.
	san="$top/$b/san-reports/$seq"
	export ASAN_OPTIONS="log_path=$san/asan:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$san/ubsan:print_stacktrace=1:halt_on_error=1"
}

# run_one SEQ ARG NAME TIMEOUT COMMAND...: one test; its result line and
# status go to the results directory.
run_one() {
	local seq=$1 name=$3 tmo=$4 label bdir san
	setup_env "$2" "$seq"
	shift 4
	local log="$top/$bdir/test-logs${VALGRIND:+-valgrind}/$name.log" rc out
	mkdir -p "$(dirname "$log")"
	# Daemons drop privileges: their reports must still be writable.
	rm -rf "$san"; mkdir -p "$san"; chmod 1777 "$san"
	if [ -n "$VALGRIND" ]; then
		rm -rf "$VG_LOGDIR"; mkdir -p "$VG_LOGDIR"; chmod 1777 "$VG_LOGDIR"
	fi
	# What the test starts and makes is marked, to be found once it ends.
	local run="$$.$seq.$name" nsp="sdt$$x$seq" left t0=$SECONDS took
	SWITCHD_TEST_RUN=$run T_NS_PREFIX=$nsp T_TMPDIR=$tmpdir/$seq \
	    timeout -k 10 "$tmo" "$@" >"$log" 2>&1
	rc=$?
	took="($((SECONDS - t0)) s)"
	left=$(leftovers "$run" "$nsp" "$tmpdir/$seq")
	if [ -n "$left" ]; then
		{ echo "left behind (now removed):"; echo "$left"; } >>"$log"
		[ "$rc" -eq 0 ] && rc=1
	fi
	if [ "$rc" -eq 0 ] && [ -n "$VALGRIND" ]; then
		for f in "$VG_LOGDIR"/vg.*; do
			[ -s "$f" ] || continue
			{ echo "valgrind report:"; cat "$f"; } >>"$log"
			rc=1
		done
	fi
	if [ "$rc" -eq 0 ] && compgen -G "$san/*" >/dev/null; then
		echo "sanitizer report:" >>"$log"
		cat "$san"/* >>"$log"
		rc=1
	fi
	rm -rf "$san" ${VALGRIND:+"$VG_LOGDIR"}
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "timed out after ${tmo}s" >>"$log"
	fi
	if [ "$rc" -eq 0 ]; then
		out="PASS  $label  $name $took"
	elif [ "$rc" -eq 77 ] && [ "${CI:-}" != true ]; then
		out="SKIP  $label  $name: $(grep -m1 '^SKIPPED' "$log" || echo SKIPPED)"
		rc=skip
	else
		out="FAIL  $label  $name $took (exit $rc; log ${log#"$top"/})
$(tail -n 40 "$log" | sed 's/^/      | /')"
		rc=fail
	fi
	case $rc in 0) rc=pass ;; esac
	echo "$label/$name" >"$tmpdir/.results/$seq.$rc"
	# One result at a time on the terminal, whole.
	flock "$tmpdir/.results" printf '%s\n' "$out"
}

# The jobs, one a line: "ARG NAME TIMEOUT COMMAND...".
jobs=()
for arg in "$@"; do
	b=${arg#valgrind:}
	if [ ! -x "$b/switchd" ]; then
		echo "tests/run.sh: $b/switchd is not built" >&2
		exit 2
	fi
	if [ "$arg" = "$b" ]; then
		for t in "$b"/tests/test_*; do
			[ -x "$t" ] || continue
			jobs+=("$arg unit/$(basename "$t") 120 $t")
		done
	fi
	for t in tests/integration/*.sh; do
		[ "$t" = tests/integration/lib.sh ] && continue
		if [ "$arg" != "$b" ] &&
		    ! head -n 15 "$t" | grep -q '^# valgrind: yes'; then
			continue
		fi
		# The longest start first, so that no worker is left alone
		# with one at the end.
		if head -n 15 "$t" | grep -q '^# slow: yes'; then
			jobs=("$arg integration/$(basename "$t" .sh) 300 bash $t" \
			    ${jobs[@]+"${jobs[@]}"})
		else
			jobs+=("$arg integration/$(basename "$t" .sh) 300 bash $t")
		fi
	done
done

if [ -n "${CHECK_ONLY:-}" ]; then
	all=("${jobs[@]}") jobs=()
	for j in "${all[@]}"; do
		set -- $j
		[[ $2 =~ $CHECK_ONLY ]] && jobs+=("$j")
	done
fi

# Workers take the next job in turn: the counter is a file under a lock.
echo 0 >"$tmpdir/.queue/next"
worker() {
	local i
	while :; do
		i=$(flock "$tmpdir/.queue" sh -c \
		    'i=$(cat "$1"); echo $((i + 1)) >"$1"; echo "$i"' - \
		    "$tmpdir/.queue/next")
		[ "$i" -lt "${#jobs[@]}" ] || return 0
		mkdir -p "$tmpdir/$i"; chmod 755 "$tmpdir/$i"
		# shellcheck disable=SC2086	# the job line is words
		(run_one "$i" ${jobs[$i]})
	done
}
n=${CHECK_JOBS:-$(nproc)}
[ "$n" -gt 2 ] && [ -z "${CHECK_JOBS:-}" ] && n=2
[ "$n" -ge 1 ] || n=1
pids=()
for ((w = 0; w < n; w++)); do
	worker &
	pids+=($!)
done
wait "${pids[@]}"

pass=$(find "$tmpdir/.results" -name '*.pass' | wc -l)
skip=$(find "$tmpdir/.results" -name '*.skip' | wc -l)
fail=$(find "$tmpdir/.results" -name '*.fail' | wc -l)
echo
if [ "$fail" -gt 0 ]; then
	echo "failed: $(cat "$tmpdir"/.results/*.fail | tr '\n' ' ')"
fi
t=$((SECONDS - start))
echo "$pass passed, $fail failed, $skip skipped in $((t / 60)) min $((t % 60)) s"
[ "$fail" -eq 0 ] && [ $((pass + skip)) -eq "${#jobs[@]}" ]
