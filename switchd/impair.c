/* SPDX-License-Identifier: ISC */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "gso.h"
#include "impair.h"
#include "port.h"
#include "sw.h"
#include "util.h"

/* What a frame held costs the budget: the copy and malloc's header. */
#define IMPAIR_COST(len) \
	((sizeof(struct impair_held) + GSO_HDRLEN + (len) + 31) & ~(size_t)15)

static void
impair_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct impair *im = container_of(w, struct impair, timer);

	(void)loop;
	(void)revents;
	port_impair_due(im->p, im->dir);
}

/*
 * Port p's direction dir takes setting c from now on.  Frames held keep
 * their time; once none are held and the setting is off, the direction
 * has no impairment left to look at.  -1 when out of memory.
 */
int
impair_set(struct port *p, int dir, const struct shape_conf *c)
{
	struct impair *im = p->imp[dir];
	uint64_t seed;

	if (im == NULL && !shape_on(c))
		return 0;
	if (im == NULL) {
		if ((im = calloc(1, sizeof(*im))) == NULL)
			return -1;
		im->p = p;
		im->dir = dir;
		STAILQ_INIT(&im->q);
		ev_init(&im->timer, impair_cb);
		randombytes_buf(&seed, sizeof(seed));
		shape_init(&im->s, c, seed, sw_nsec());
		p->imp[dir] = im;
		return 0;
	}
	if (memcmp(&im->s.c, c, sizeof(*c)) != 0)
		shape_set(&im->s, c, sw_nsec());
	if (!shape_on(c) && im->count == 0) {
		impair_free(im);
		p->imp[dir] = NULL;
	}
	return 0;
}

void
impair_free(struct impair *im)
{
	struct impair_held *h;

	if (im == NULL)
		return;
	ev_timer_stop(im->p->sw->loop, &im->timer);
	while ((h = STAILQ_FIRST(&im->q)) != NULL) {
		STAILQ_REMOVE_HEAD(&im->q, entry);
		impair_done(im, h);
	}
	free(im);
}

/* What both directions of p hold, for its share of the budget. */
uint64_t
impair_bytes(const struct port *p)
{
	return (p->imp[SHAPE_IN] ? p->imp[SHAPE_IN]->bytes : 0) +
	    (p->imp[SHAPE_OUT] ? p->imp[SHAPE_OUT]->bytes : 0);
}

/*
 * A frame, hdr its virtio_net_hdr and the frame behind it, goes through
 * the impaired link: the copies to go on at once are returned (0, 1 or
 * 2), and those that must wait are held.
 */
int
impair_frame(struct impair *im, const uint8_t *hdr, size_t len, int unicast)
{
	struct port *p = im->p;
	struct fwd_stats *st = &p->sw->fwd->ports[p->num].st;
	struct impair_held *h;
	uint64_t now = sw_nsec(), when, cost = IMPAIR_COST(len);
	int n, room;

	room = im->count < p->qlen && port_room(p, impair_bytes(p), cost);
	n = shape_frame(&im->s, now, len, room, &when);
	if (n == SHAPE_LOST) {
		st->imp_lost[im->dir]++;
		return 0;
	}
	if (n == 2)
		st->imp_dup[im->dir]++;
	if (n > 0 && when <= now && im->count == 0)
		return n;
	if (n == SHAPE_FULL || !room ||
	    (h = malloc(sizeof(*h) + GSO_HDRLEN + len)) == NULL) {
		st->imp_full[im->dir]++;
		return 0;
	}
	h->when = when;
	h->len = (uint32_t)len;
	h->unicast = (uint8_t)unicast;
	h->times = (uint8_t)n;
	memcpy(h->data, hdr, GSO_HDRLEN + len);
	STAILQ_INSERT_TAIL(&im->q, h, entry);
	im->count++;
	im->bytes += cost;
	p->sw->mem_queued += cost;
	st->imp_held[im->dir]++;
	if (!ev_is_active(&im->timer))
		impair_rearm(im);
	return 0;
}

/* The first frame held, taken off, when its time has come. */
struct impair_held *
impair_due(struct impair *im, uint64_t now)
{
	struct impair_held *h = STAILQ_FIRST(&im->q);

	if (h == NULL || h->when > now)
		return NULL;
	STAILQ_REMOVE_HEAD(&im->q, entry);
	return h;
}

/* A frame taken off is done with: its memory goes back. */
void
impair_done(struct impair *im, struct impair_held *h)
{
	uint64_t cost = IMPAIR_COST(h->len);

	im->count--;
	im->bytes -= cost;
	im->p->sw->mem_queued -= cost;
	free(h);
}

/*
 * The timer for the first frame held.  Returns 0, or -1 when nothing is
 * held and nothing is set: the caller frees the direction.
 */
int
impair_rearm(struct impair *im)
{
	struct impair_held *h = STAILQ_FIRST(&im->q);
	uint64_t now;

	ev_timer_stop(im->p->sw->loop, &im->timer);
	if (h == NULL)
		return shape_on(&im->s.c) ? 0 : -1;
	now = sw_nsec();
	/*
	 * The loop's clock may be behind: a timer that fires early finds
	 * nothing due and is set again for what is left.
	 */
	ev_timer_set(&im->timer, h->when > now ? (double)(h->when - now) /
	    1e9 : 0.0, 0.0);
	ev_timer_start(im->p->sw->loop, &im->timer);
	return 0;
}
