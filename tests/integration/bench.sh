#!/bin/bash
# SPDX-License-Identifier: ISC
# slow: yes
# A short pass of the benchmark (make bench), so that it cannot rot: it
# must run to the end and measure something in every section.  No timing
# is asserted: absolute numbers on a shared machine mean little.
. "$(dirname "$0")/lib.sh"
if [ -n "${VALGRIND:-}" ]; then
	echo "not in the valgrind pass: it measures nothing of switchd's memory"
	exit 0
fi
need_root
need vde_switch vde2 iperf3 iperf3 valgrind valgrind
if grep -q '^ENABLE_SANITIZERS = yes' "$BUILD/config.mk" 2>/dev/null; then
	echo "the benchmark runs in the plain pass only"
	exit 0
fi
BENCH_SMOKE=1 timeout 240 "$T_TOP/tests/bench/run.sh" "$(basename "$BUILD")" \
	>"$T_WORK/bench.out" 2>&1 || fail "the benchmark failed: $(tail -5 "$T_WORK/bench.out")"
cat "$T_WORK/bench.out"
out=$T_WORK/bench.out
# vde_switch takes no 9000-byte frames: only switchd and the limit must move.
for size in 64 1500 9000; do
	awk -v s="$size" '$1 == s && $2 > 0 && $5 > 0 { f = 1 } END { exit !f }' "$out" ||
		fail "no port-to-port figures at $size bytes"
done
for c in "1 MACs" "1001 MACs" "64001 MACs" "200 ports"; do
	grep -Eq "^$c +[1-9][0-9]*" "$out" || fail "no scale figure for $c"
done
grep -Eq 'switchd idle [1-9][0-9]*, with 64000 MACs [1-9]' "$out" || fail "no memory figures"
grep -Eq 'instructions/frame' "$out" || fail "no instruction count"
for s in switchd vde_switch "kernel bridge"; do
	grep -Eq "^$s +[0-9]+\.[0-9]+ " "$out" || fail "no TCP figure for $s"
done
if command -v ethtool >/dev/null; then
	grep -Eq 'switchd \+ switchplug -x [0-9.]*[1-9][0-9.]* Gbit/s, Linux vxlan [0-9.]*[1-9][0-9.]* Gbit/s: ratio [0-9.]+$' "$out" ||
		fail "no VXLAN figures"
fi
ok "the benchmark ran end to end"
