/* SPDX-License-Identifier: ISC */
/*
 * Small helpers every binary uses: getting from an embedded member back
 * to its struct, the one way errors come back to a caller, and where a
 * switch's sockets live when no directory is given.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>

/* The struct that embeds member m at p: how libev callbacks find theirs. */
#define container_of(p, type, m) \
	((type *)(void *)((char *)(p) - offsetof(type, m)))

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* util.c */

/*
 * Errors come back as -1 and a message in the caller's buffer, written
 * in words a user can act on; the caller decides whether to log it,
 * send it to a client or print it.
 */
int	util_err(char *err, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The socket directory switchd uses without -s, and so where switchctl
 * and switchplug look: /run/switchd for root, else $XDG_RUNTIME_DIR/switchd
 * or /tmp/switchd-UID.  -1 when it does not fit in len.
 */
int	util_sockdir(char *buf, size_t len);

#endif
