/* SPDX-License-Identifier: ISC */
/*
 * Link impairment, the pure part: what becomes of each frame that goes
 * through a port's ingress or egress set to behave like a slow, far or
 * lossy link (switchd.conf(5): rate, delay, jitter, loss, duplicate).
 * No sockets, no loop: time is passed in, in nanoseconds on a clock that
 * never goes back, and the random draws come from a state of the
 * caller's, so that tests drive it frame by frame.  port.c and impair.c
 * hold the frames until the time decided here.
 */
#ifndef SHAPE_H
#define SHAPE_H

#include <stddef.h>
#include <stdint.h>

#define SHAPE_IN	0		/* ingress: what the peer sends */
#define SHAPE_OUT	1		/* egress: what the peer is sent */

#define SHAPE_RATE_MIN	1000ULL		/* bits a second */
#define SHAPE_RATE_MAX	100000000000ULL	/* 100 Gbit/s */
#define SHAPE_TIME_MAX	10000000	/* microseconds of delay or jitter */
#define SHAPE_PPM	1000000		/* loss and duplicate: parts of it */
/*
 * The token bucket holds a millisecond of traffic, and two frames of
 * the largest Ethernet size at least: what may go at once, at full
 * speed, after the link was idle.
 */
#define SHAPE_BURST_NS	1000000
#define SHAPE_BURST_MIN	(2 * 1518 * 8)
#define SHAPE_STR_MAX	128

/* One direction's setting: all zero is none. */
struct shape_conf {
	uint64_t	 rate;		/* bits a second; 0: no limit */
	uint32_t	 delay;		/* microseconds */
	uint32_t	 jitter;	/* microseconds, either way */
	uint32_t	 loss;		/* parts per million */
	uint32_t	 dup;		/* parts per million */
};

/*
 * A token bucket (rate) in bits, allowed to go below zero: what it owes
 * is the time the frames already let through take on the link, so that
 * each frame's time to go is known when it arrives, and frames go in
 * the order they came.
 */
struct shape {
	struct shape_conf c;
	double		 tokens;	/* bits; below 0, owed */
	uint64_t	 stamp;		/* ns: last refill */
	uint64_t	 last;		/* ns: when the last frame goes */
	unsigned short	 rnd[3];	/* nrand48() state */
};

/* What shape_frame() decided. */
enum shape_verdict {
	SHAPE_LOST = 0,		/* lost, as set by loss */
	SHAPE_FULL = -1		/* it has to wait, and there is no room */
};

/* shape.c */
int		 shape_on(const struct shape_conf *);
void		 shape_init(struct shape *, const struct shape_conf *,
		    uint64_t seed, uint64_t now);
void		 shape_set(struct shape *, const struct shape_conf *,
		    uint64_t now);
int		 shape_frame(struct shape *, uint64_t now, size_t len,
		    int room, uint64_t *when);
int		 shape_parse(struct shape_conf *, int argc, char **argv,
		    char *err, size_t len);
void		 shape_str(const struct shape_conf *, char *buf, size_t len);

#endif
