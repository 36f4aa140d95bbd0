# SPDX-License-Identifier: ISC
# Sourced by tests/run.sh and tests/bench/run.sh: what a test or a
# benchmark leaves behind once it has ended.  Every process it starts
# inherits SWITCHD_TEST_RUN (daemons, processes in namespaces and those
# run as other users included); its namespaces begin with T_NS_PREFIX and
# its scratch directories are made in T_TMPDIR.  A tap dies with the
# process that holds it, a veth with its namespace.

# leftover_pids RUN: the processes whose environment has SWITCHD_TEST_RUN=RUN
leftover_pids() {
	local e
	# -z: one NUL-terminated entry a line; -x: the whole entry.
	for e in $(grep -lzxF "SWITCHD_TEST_RUN=$1" /proc/[0-9]*/environ 2>/dev/null); do
		e=${e#/proc/}
		echo "${e%/environ}"
	done
}

# leftovers RUN NSPREFIX TMPDIR: print what is left, one line each, and
# remove it.  Nothing printed: nothing was left.
leftovers() {
	local p ns f
	for p in $(leftover_pids "$1"); do
		# Not this shell, nor the grep that has just looked.
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] || ! [ -d "/proc/$p" ] &&
			continue
		echo "process $p: $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
		kill -KILL "$p" 2>/dev/null
	done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in "$2" | "$2"-*)
			echo "network namespace $ns"
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL
			ip netns del "$ns" 2>/dev/null ;;
		esac
	done
	if [ -d "$3" ]; then
		for f in "$3"/* "$3"/.[!.]*; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			echo "file or directory $f"
			rm -rf "$f"
		done
	fi
}
