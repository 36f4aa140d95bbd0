/* SPDX-License-Identifier: ISC */
/*
 * An impaired link's frames in waiting.  Each direction of a port set
 * to a rate or a delay (switchd.conf(5), "port N egress ...") holds the
 * frames that may not go yet, as shape.c decides: owned copies, in the
 * order they go, with a timer of the loop for the first of them.  What
 * they cost counts against the memory budget, from the port's own share
 * (port_room()), so that no port's link can take another's memory.
 */
#ifndef IMPAIR_H
#define IMPAIR_H

#include <sys/queue.h>

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "shape.h"

struct port;

/* A frame held, with its virtio_net_hdr in front of it. */
struct impair_held {
	STAILQ_ENTRY(impair_held) entry;
	uint64_t	 when;		/* ns, sw_nsec() */
	uint32_t	 len;		/* the frame's, without the header */
	uint8_t		 unicast;
	uint8_t		 times;		/* 2: duplicated */
	unsigned char	 data[];
};

struct impair {
	struct port	*p;
	int		 dir;		/* SHAPE_IN, SHAPE_OUT */
	struct shape	 s;
	STAILQ_HEAD(, impair_held) q;
	uint32_t	 count;
	uint64_t	 bytes;		/* what the copies cost */
	ev_timer	 timer;
};

/* impair.c */
int		 impair_set(struct port *, int dir, const struct shape_conf *);
void		 impair_free(struct impair *);
int		 impair_frame(struct impair *, const uint8_t *hdr, size_t len,
		    int unicast);
struct impair_held *impair_due(struct impair *, uint64_t now);
void		 impair_done(struct impair *, struct impair_held *);
int		 impair_rearm(struct impair *);
uint64_t	 impair_bytes(const struct port *);

#endif
