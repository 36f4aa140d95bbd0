#!/bin/bash
# SPDX-License-Identifier: ISC
# Fuzz every parser of untrusted input: build the libFuzzer harnesses of
# tests/fuzz with clang, ASan and UBSan into build-fuzz/, then run each
# one for SECONDS (default 60).
#
#   tests/fuzz/run.sh [SECONDS]
#
# Each harness first runs every file of tests/fuzz/regress/HARNESS/ once
# (the crashes found so far), then fuzzes a copy of tests/fuzz/corpus/
# HARNESS/ in build-fuzz/run/HARNESS/: the seed corpus in the tree is
# never written to.  A crash leaves its input in build-fuzz/run/HARNESS/
# artifacts/; once fixed, copy it to tests/fuzz/regress/HARNESS/.
# Exit status: 0 when nothing crashed, 1 when something did, 2 when a
# harness does not build, 77 (SKIPPED) without clang and libFuzzer.
# FUZZ_HARNESSES="vde fwd" runs only those; FUZZ_LOG=1 lets switchd's log
# through in the mgmt and conf harnesses; FUZZ_OUT=dir builds and runs
# there instead of build-fuzz/.  Runs sharing a directory take turns: one
# that waits longer than FUZZ_LOCK_WAIT seconds (600) is SKIPPED.
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
secs=${1:-60}
case $secs in
'' | *[!0-9]* | 0)
	echo "usage: tests/fuzz/run.sh [SECONDS]" >&2
	exit 2 ;;
esac

out=${FUZZ_OUT:-$top/build-fuzz}
harnesses=${FUZZ_HARNESSES:-vde fwd stream2 stream4 streamport mgmt conf gso stp vhost vxlan}
CC=${FUZZ_CC:-clang}

skip() { echo "SKIPPED: $*"; exit 77; }

# Largest input per harness: room for a largest frame where one fits.
max_len() {
	case $1 in
	vde) echo 400 ;;
	fwd) echo 12000 ;;
	stream2) echo 20000 ;;
	stream4) echo 70000 ;;
	streamport) echo 140000 ;;	# two of QEMU's largest
	mgmt) echo 4096 ;;
	conf) echo 8192 ;;
	gso) echo 16384 ;;	# frames of many segments, not only a few
	vhost) echo 70000 ;;	# guest memory, then messages
	vxlan) echo 20000 ;;	# a datagram with a largest frame, and more
	*) echo 4096 ;;
	esac
}

# Harnesses that build a whole switch (sw.c) share what makes one.
extra_src() {
	case $1 in
	mgmt | conf | streamport) echo tests/fuzz/fuzzsd.c ;;
	vxlan) echo plugs/vtep.c ;;	# switchplug's, not in the library
	esac
}

mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd) || exit 2
if command -v flock >/dev/null 2>&1; then
	exec 9>"$out/.lock"
	flock -w "${FUZZ_LOCK_WAIT:-600}" 9 ||
		skip "another fuzzing run is using $out"
fi

pkgs="Debian packages clang and libclang-rt-14-dev"
command -v "$CC" >/dev/null 2>&1 || skip "needs clang with libFuzzer ($pkgs)"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *, size_t);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	'{ (void)d; (void)n; return 0; }' >"$out/probe.c"
"$CC" -fsanitize=fuzzer,address,undefined -o "$out/probe" "$out/probe.c" \
	>"$out/probe.log" 2>&1 ||
	skip "$CC cannot build a libFuzzer program ($pkgs; see $out/probe.log)"
for p in json-c libcap-ng libsodium; do
	pkg-config --exists "$p" 2>/dev/null ||
		skip "needs $p (Debian packages pkg-config libjson-c-dev libcap-ng-dev libsodium-dev)"
done
[ -f /usr/include/ev.h ] || skip "needs libev (Debian package libev-dev)"

# -O1 and frame pointers: readable reports at a good speed.  UB is fatal.
# shellcheck disable=SC2207
CFLAGS=(-std=gnu11 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE
	'-DVERSION="fuzz"' -Icommon -Iswitchd -Iplugs
	$(pkg-config --cflags json-c libcap-ng libsodium))
SAN=(-fsanitize=address -fsanitize=undefined -fno-sanitize-recover=all)
WARN=(-Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wpointer-arith)
# shellcheck disable=SC2207
LIBS=(-lev -lcap-ng $(pkg-config --libs json-c libsodium) -lm)

# The harnesses of the last build are kept if it was made by the same
# compiler and no source, header or this script has changed since (nor
# was a file added or removed, which changes its directory).
stamp=$out/bin/built-by
up_to_date() {
	local h
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$CC" ] || return 1
	for h in $harnesses; do
		[ -x "$out/bin/fuzz_$h" ] || return 1
	done
	[ -z "$(find common switchd plugs tests/fuzz tests/*.h -maxdepth 1 \
		\( -type d -o -name '*.[ch]' -o -name run.sh \) \
		-newer "$stamp" -print -quit)" ]
}

# The project's sources, instrumented; all but main()'s file.
srcs=()
for s in common/*.c switchd/*.c; do
	[ "$s" = switchd/switchd.c ] || srcs+=("$s")
done
if up_to_date; then
	echo "fuzz: harnesses in ${out#"$top"/}/ are up to date"
else
	echo "fuzz: building harnesses into ${out#"$top"/}/"
	# Stamped with the time the build starts: a file changed during the build
	# is newer, and the next run builds again.
	echo "$CC" >"$out/built-by.new" || exit 2
	rm -rf "${out:?}/obj" "${out:?}/bin"
	mkdir -p "$out/obj" "$out/bin"
	jobs=$(nproc 2>/dev/null || echo 2)
	build_failed=0
	for s in "${srcs[@]}"; do
		o=$out/obj/${s%.c}.o
		mkdir -p "$(dirname "$o")"
		"$CC" "${CFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer-no-link \
			-c -o "$o" "$s" >"$o.log" 2>&1 &
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			wait -n
		done
	done
	wait
	objs=()
	for s in "${srcs[@]}"; do
		o=$out/obj/${s%.c}.o
		if [ ! -f "$o" ]; then
			echo "fuzz: cannot compile $s:"
			sed 's/^/    /' "$o.log"
			build_failed=1
		fi
		objs+=("$o")
	done
	[ "$build_failed" -eq 0 ] || exit 2
	rm -f "$out/libswitchd-fuzz.a"
	ar rcs "$out/libswitchd-fuzz.a" "${objs[@]}" || exit 2

	for h in $harnesses; do
		# shellcheck disable=SC2046
		"$CC" "${CFLAGS[@]}" "${WARN[@]}" "${SAN[@]}" -fsanitize=fuzzer \
			-o "$out/bin/fuzz_$h" "tests/fuzz/fuzz_$h.c" $(extra_src "$h") \
			"$out/libswitchd-fuzz.a" "${LIBS[@]}" \
			>"$out/bin/fuzz_$h.log" 2>&1 &
	done
	wait
	for h in $harnesses; do
		if [ ! -x "$out/bin/fuzz_$h" ]; then
			echo "fuzz: cannot build fuzz_$h:"
			sed 's/^/    /' "$out/bin/fuzz_$h.log"
			build_failed=1
		fi
	done
	[ "$build_failed" -eq 0 ] || exit 2
	mv "$out/built-by.new" "$stamp" || exit 2
fi

# Reports to the terminal, not to where tests/run.sh points its own.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
unset LSAN_OPTIONS

fuzz_stat() {	# log name
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

crashed=0
total_crashes=0
printf '%-10s %12s %9s %7s %10s  %s\n' harness executions exec/s crashes \
	regress corpus
for h in $harnesses; do
	bin=$out/bin/fuzz_$h
	work=$out/run/$h
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "tests/fuzz/corpus/$h" ]; then
		cp -p "tests/fuzz/corpus/$h"/* "$work/corpus/" 2>/dev/null
	fi
	opts=(-artifact_prefix="$work/artifacts/" -timeout=25
		-rss_limit_mb=2048 -max_len="$(max_len "$h")")
	[ -f "tests/fuzz/dict/$h.dict" ] &&
		opts+=(-dict="tests/fuzz/dict/$h.dict")

	# The crashes found before: each input once, on its own, so that
	# every one that still crashes is named.
	nreg=0
	rfail=0
	: >"$work/regress.log"
	for f in "tests/fuzz/regress/$h"/*; do
		[ -f "$f" ] || continue
		nreg=$((nreg + 1))
		if ! "$bin" "${opts[@]}" "$f" >"$work/regress.one" 2>&1; then
			rfail=$((rfail + 1))
			echo "    regression input $f crashes:" >>"$work/regress.fail"
			grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*Assertion|    #[0-4] )' \
				"$work/regress.one" | head -n 8 | sed 's/^/      /' \
				>>"$work/regress.fail"
		fi
		cat "$work/regress.one" >>"$work/regress.log"
	done
	rm -f "$work/regress.one"

	"$bin" "${opts[@]}" -max_total_time="$secs" -print_final_stats=1 \
		"$work/corpus" >"$work/fuzz.log" 2>&1
	rc=$?
	n=$(find "$work/artifacts" -type f | wc -l)
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		n=1	# died without leaving its input: still a crash
	fi
	crashes=$((n + rfail))
	total_crashes=$((total_crashes + crashes))
	execs=$(fuzz_stat "$work/fuzz.log" number_of_executed_units)
	speed=$(fuzz_stat "$work/fuzz.log" average_exec_per_sec)
	if [ "$rfail" -gt 0 ]; then
		reg="$rfail/$nreg fail"
	else
		reg="$nreg ok"
	fi
	printf '%-10s %12s %9s %7s %10s  %s\n' "$h" "${execs:--}" "${speed:--}" \
		"$crashes" "$reg" "$(find "$work/corpus" -type f | wc -l) inputs"
	if [ "$rfail" -gt 0 ]; then
		crashed=1
		cat "$work/regress.fail"
		echo "    full log: ${work#"$top"/}/regress.log"
	fi
	if [ "$crashes" -gt "$rfail" ]; then
		crashed=1
		echo "    fuzz_$h crashed (exit $rc):"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*Assertion|    #[0-9] )' \
			"$work/fuzz.log" | head -n 14 | sed 's/^/    /'
		find "$work/artifacts" -type f | sed 's|^'"$top"'/|    input: |'
		echo "    full log: ${work#"$top"/}/fuzz.log"
		echo "    reproduce: ${bin#"$top"/} INPUT"
	fi
done
echo "fuzz: $total_crashes crash(es) in $secs s per harness"
[ "$crashed" -eq 0 ] || exit 1
exit 0
