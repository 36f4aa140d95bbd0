#!/bin/sh
# SPDX-License-Identifier: ISC
# The system user "switchd", whom a switch started by root runs as once
# it has given up root: created, as root, when it is missing.  switchd
# itself creates no user, and will not run as nobody.  `make run` and the
# tests that start a switch as root call this first.  Others may call it
# at the same time: whoever loses the race finds the user there.
#   switchd-user.sh        create it if missing (as root; else nothing)
set -u
PATH=$PATH:/usr/sbin:/sbin
user=switchd

id -u "$user" >/dev/null 2>&1 && exit 0
[ "$(id -u)" -eq 0 ] || exit 0
command -v useradd >/dev/null 2>&1 || {
	echo "switchd-user.sh: no user $user, and no useradd to create it" \
	    "(Debian package passwd)" >&2
	exit 1
}
echo "switchd-user.sh: creating the system user $user, whom switchd runs as"
i=0
until out=$(useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$user" 2>&1); do
	# Created meanwhile by another, or /etc/passwd locked for a moment.
	id -u "$user" >/dev/null 2>&1 && exit 0
	i=$((i + 1))
	if [ "$i" -ge 50 ]; then
		echo "switchd-user.sh: useradd $user: $out" >&2
		exit 1
	fi
	sleep 0.1
done
