#!/bin/bash
# SPDX-License-Identifier: ISC
# slow: yes
# A short fuzzing run for make check: every libFuzzer harness of
# tests/fuzz for 3 seconds, after its regression inputs (the crashes
# found before).  make fuzz runs them longer.  Exit 77 (SKIPPED) passes
# through when clang or libFuzzer is missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
if [ -n "${VALGRIND:-}" ]; then
	echo "not in the valgrind pass: the harnesses do not run switchd"
	exit 0
fi
# The harnesses build their own sanitizer binaries in build-fuzz/, the
# same for every build tree: once is enough.
case "${BUILD:-}" in
*build-san | *build-san/)
	echo "fuzzing runs once, in the plain pass"
	exit 0 ;;
esac
# A long make fuzz run in the same tree is waited for, but not forever.
FUZZ_LOCK_WAIT=${FUZZ_LOCK_WAIT:-120} exec tests/fuzz/run.sh 3
