/* SPDX-License-Identifier: ISC */
/*
 * The switch: its configuration, its forwarding state and its ports, and
 * their lifecycle.  main() makes one, the sockets feed it, and the tests
 * and fuzzers link this module as it is.
 *
 * A configuration change of any kind (the file at start, a reload, a
 * switchctl "set") is a whole new struct conf, applied by sw_apply() as
 * a difference from the running one: completely, or not at all.
 */
#ifndef SW_H
#define SW_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "fwd.h"
#include "log.h"
#include "snoop.h"
#include "stp.h"

struct netdev;
struct port;

struct sw {
	struct ev_loop	*loop;
	struct conf	*conf;		/* what runs */
	struct fwd	*fwd;
	struct stp	*stp;		/* spanning tree, on or off */
	ev_timer	 stp_w;
	uint8_t		 mac[6];	/* the bridge's, in its ID */
	struct port	**ports;	/* by number: conf->nports of them */
	ev_tstamp	 started;
	ev_timer	 age_w;

	/*
	 * The memory budget, conf->memory: what the ports' socket buffers
	 * may hold, as the kernel sized them, their queue rings, and the
	 * copies in their queues (port.c).
	 */
	uint64_t	 mem_fixed;	/* socket buffers and rings */
	uint64_t	 mem_queued;	/* queued copies */
	uint32_t	 nbacklog;	/* ports with a queue */
	uint64_t	 mem_drops;	/* frames the budget had no room for */
	uint64_t	 stream_errors;	/* stream peers closed, out of step */
	uint64_t	 vhost_errors;	/* vhost-user peers closed: lies */

	/* Live captures (snoop.c): the loop looks at none while empty. */
	struct snoop_list snoops;
	uint32_t	 nsnoop;

	/* QEMU's stream and dgram sockets (netdev.c), made at start. */
	struct netdev	*netdev;

	/*
	 * Attach and detach lines (sw_log_attach()): anyone who may attach
	 * makes them as fast as they connect.
	 */
	struct log_ratelim attach_rl;
	ev_timer	 attach_log_w;	/* says what a burst left unsaid */
	uint64_t	 attach_unlogged;

	/* What a reload reads: the file, then the command-line settings. */
	const char	*conffile;
	char * const	*settings;
	int		 nsettings;
};

/* sw.c */
struct sw	*sw_new(struct ev_loop *, const char *conffile,
		    char * const *settings, int nsettings, char *err,
		    size_t len);
void		 sw_free(struct sw *);
int		 sw_configure(const struct sw *, struct conf **, char *err,
		    size_t len);
int		 sw_apply(struct sw *, struct conf *, char *err, size_t len);
int		 sw_reload(struct sw *, char *err, size_t len);
int		 sw_check(const char *conffile, char * const *settings,
		    int nsettings, char *err, size_t len);
int		 sw_set(struct sw *, const char *line, char *err, size_t len);
uint32_t	 sw_nattached(const struct sw *);
void		 sw_log_attach(struct sw *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
uint32_t	 sw_now(void);
uint64_t	 sw_msec(void);
uint64_t	 sw_nsec(void);
void		 sw_stp_up(struct sw *, struct port *);

#endif
