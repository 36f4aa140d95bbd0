#!/bin/bash
# SPDX-License-Identifier: ISC
# The manual pages: every page is mandoc-lint clean; each program's usage
# text (printed on a bad option) says what its SYNOPSIS says, word for
# word; every option in a SYNOPSIS is described; the defaults
# switchd.conf(5) gives are the ones a running switchd reports.
# Every problem is reported, then the test fails if there was one.
. "$(dirname "$0")/lib.sh"
need mandoc mandoc

MAN=${MANDIR:-$T_TOP/man}	# another directory only to test this test
problems=0
problem() { echo "FAIL: $*"; problems=$((problems + 1)); }

# render PAGE: the page as plain text, overstrike removed, one long
# line per paragraph so that nothing is wrapped inside a word.
render() {
	mandoc -T ascii -O width=1000 "$1" 2>/dev/null | sed $'s/.\b//g'
}

# synopsis PAGE: the words of the rendered SYNOPSIS section
synopsis() {
	render "$1" | awk '/^SYNOPSIS$/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		tr -s '[:space:]' ' ' | sed 's/^ //; s/ $//'
}

# usage BIN: the words of the usage text BIN prints on standard error for
# a bad option, from the line with "usage:" on, without "usage:"
usage() {
	timeout 5 "$1" -Z </dev/null 2>&1 >/dev/null |
		awk 'tolower($0) ~ /usage:/ { on = 1 } on' |
		sed 's/[Uu]sage://g' | tr -s '[:space:]' ' ' | sed 's/^ //; s/ $//'
}

# --- Every page, and the four that must be there.
for p in switchd.8 switchd.conf.5 switchctl.8 switchplug.1; do
	[ -f "$MAN/$p" ] || problem "man/$p is missing"
done
pages=()
for f in "$MAN"/*.[1-9]; do
	[ -f "$f" ] && pages+=("$f")
done
[ "${#pages[@]}" -gt 0 ] || problem "no manual page in man/"

for f in "${pages[@]}"; do
	p=man/$(basename "$f")
	out=$(mandoc -T lint -W warning "$f" 2>&1)
	if [ -n "$out" ]; then
		problem "$p: mandoc -T lint -W warning is not clean:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
	# Style too, but whether a referenced page is installed depends on
	# the machine, not on the page.
	out=$(mandoc -T lint -W style "$f" 2>/dev/null | grep ': STYLE: ' |
		grep -v 'referenced manual not found')
	if [ -n "$out" ]; then
		problem "$p: mandoc -T lint -W style is not clean:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
	[ -n "$(synopsis "$f")" ] || [ "${f##*.}" = 5 ] ||
		problem "$p: no SYNOPSIS"
done
[ "$problems" -eq 0 ] && ok "mandoc -T lint: ${#pages[@]} pages clean"

# --- Usage text against SYNOPSIS, for each program that is built.
check_usage() {	# NAME BIN PAGE
	local name=$1 bin=$2 page=$3 syn use rc

	[ -f "$page" ] || return 0	# reported above
	if [ ! -x "$bin" ]; then
		echo "note: $bin is not built: $name's usage not compared"
		return 0
	fi
	timeout 5 "$bin" -Z </dev/null >/dev/null 2>&1
	rc=$?
	[ "$rc" -ne 0 ] || problem "$name -Z (a bad option) exits 0"
	syn=$(synopsis "$page")
	use=$(usage "$bin")
	if [ -z "$use" ]; then
		problem "$name -Z prints no usage text on standard error"
	elif [ "$syn" != "$use" ]; then
		problem "$name: usage text and SYNOPSIS of man/$(basename "$page") differ:"
		echo "    usage:    $use"
		echo "    SYNOPSIS: $syn"
	else
		ok "$name: usage text is the SYNOPSIS"
	fi
}
check_usage switchd "$SWITCHD" "$MAN/switchd.8"
check_usage switchctl "$SWITCHCTL" "$MAN/switchctl.8"
check_usage switchplug "$SWITCHPLUG" "$MAN/switchplug.1"

# --- Every option in a SYNOPSIS has its own entry (".It Fl X").
for f in "$MAN/switchd.8" "$MAN/switchctl.8" "$MAN/switchplug.1"; do
	[ -f "$f" ] || continue
	missing=
	for w in $(synopsis "$f" | tr -d '[]|'); do
		case $w in
		--*|-) continue ;;
		-*) ;;
		*) continue ;;
		esac
		flags=${w#-}
		while [ -n "$flags" ]; do
			c=${flags:0:1}
			flags=${flags:1}
			grep -Eq "^\.It Fl $c( |$)" "$f" || missing="$missing -$c"
		done
	done
	[ -z "$missing" ] ||
		problem "man/$(basename "$f"): options not described (no .It Fl):$missing"
done

# --- The words the issues ask for.
for f in "$MAN/switchd.8" "$MAN/switchd.conf.5"; do
	[ -f "$f" ] || continue
	render "$f" | tr -s '[:space:]' ' ' | grep -q '0 means never expire' ||
		problem "man/$(basename "$f"): aging does not say \"0 means never expire\""
done

# --- The defaults in switchd.conf(5) are those of a switch with no file.
conf=$MAN/switchd.conf.5
if [ -f "$conf" ] && [ -x "$SWITCHD" ] && command -v socat >/dev/null; then
	start_switchd "$T_WORK/sw"
	running=$(echo config | socat -t 2 - "UNIX-CONNECT:$T_WORK/sw/mgmt" |
		sed -n 's/.*"config":"\([^"]*\)".*/\1/p' | sed 's/\\n/\n/g')
	[ -n "$running" ] || problem "no running configuration from switchd"
	before=$problems
	text=$(render "$conf")
	while read -r name value; do
		[ -n "$name" ] || continue
		case $name in port) continue ;; esac
		# "stp priority 32768": the entry "stp priority", its value
		case $value in
		*' '*) name="$name ${value%% *}" value=${value#* } ;;
		esac
		# The entry "NAME ..." up to the next entry.
		body=$(printf '%s\n' "$text" | awk -v n="$name" '
			on && /^     [^ ]/ { exit }
			$0 ~ "^     " n "( |$)" { on = 1 }
			on' | tr -s '[:space:]' ' ')
		if [ -z "$body" ]; then
			problem "switchd.conf.5: setting '$name' is not described"
		elif ! printf '%s' "$body" | grep -Eq "default is ${value}[ .,;]"; then
			problem "switchd.conf.5: '$name' runs with $value by default, the page says: $body"
		fi
	done <<<"$running"
	stop_switchd
	[ "$problems" -ne "$before" ] ||
		ok "switchd.conf.5 gives the defaults switchd runs with"
else
	echo "note: no switchd.conf.5, switchd or socat: defaults not compared"
fi

[ "$problems" -eq 0 ] || fail "$problems problems with the manual pages"
ok "manual pages"
