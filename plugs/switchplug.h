/* SPDX-License-Identifier: ISC */
/*
 * switchplug: one switch port carried over stdin/stdout, TCP, UDP
 * multicast or VXLAN. What every transport shares: the options and the
 * entry point of each mode.
 */

#ifndef SWITCHPLUG_H
#define SWITCHPLUG_H

#include <limits.h>
#include <stddef.h>

#include <ev.h>

#include "util.h"

enum switchplug_mode {
	MODE_STDIO,
	MODE_LISTEN,
	MODE_CONNECT,
	MODE_MCAST,
	MODE_VXLAN
};

/* -R, at most: the rest of the endpoints are for those learned. */
#define VXLAN_PEERS_MAX	128

struct plug_opts {
	enum switchplug_mode	 mode;
	char			 dir[PATH_MAX];	/* absolute */
	int			 port;		/* -1: any free port */
	const char		*descr;		/* NULL: name the transport */
	int			 reconnect;	/* -r: wait for the switch */
	const char		*addr;		/* argument of -l, -c, -m or -x */
	int			 ttl;		/* -T */
	const char		*ifaddr;	/* -I */
	/* VXLAN */
	unsigned long		 vni;		/* -x */
	const char		*group;		/* -g */
	const char		*peers[VXLAN_PEERS_MAX]; /* -R */
	int			 npeers;
	const char		*local;		/* -L */
	int			 dstport;	/* -P */
	int			 srcmin, srcmax; /* -S */
	unsigned long		 aging;		/* -a */
};

/* Delays between attempts to reach a switch or a TCP peer, in seconds. */
#define BACKOFF_MIN	0.25
#define BACKOFF_MAX	16.0

/* switchplug.c */
double	switchplug_backoff(double);
int	switchplug_hostport(const char *, char *, size_t, char *, size_t);

/* stdio.c */
void	stdio_start(struct ev_loop *, const struct plug_opts *);
void	stdio_stop(void);

/* tcp.c */
void	tcp_listen_start(struct ev_loop *, const struct plug_opts *);
void	tcp_connect_start(struct ev_loop *, const struct plug_opts *);
void	tcp_stop(void);

/* mcast.c */
void	mcast_start(struct ev_loop *, const struct plug_opts *);
void	mcast_stop(void);

/* vxlan.c */
void	vxlan_start(struct ev_loop *, const struct plug_opts *);
void	vxlan_stop(void);

#endif /* SWITCHPLUG_H */
