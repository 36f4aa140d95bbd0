/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "snoop.h"
#include "sw.h"
#include "util.h"

/* Room a capture keeps for its last record, which says how it ended. */
#define SNOOP_RESERVE	256

static void	snoop_write_cb(struct ev_loop *, ev_io *, int);
static void	snoop_read_cb(struct ev_loop *, ev_io *, int);
static void	snoop_end(struct snoop *, const char *why);

/*
 * A capture for a client, not started yet: its queue is made now, and
 * counted, so that a refusal can be told in the reply.  NULL when there
 * are too many, or the budget has no room.
 */
struct snoop *
snoop_new(struct sw *sw, const struct snoop_spec *spec, uid_t uid, pid_t pid,
    char *err, size_t len)
{
	struct snoop *s;
	uint64_t mem = SNOOP_QUEUE + sizeof(*s);

	if (sw->nsnoop >= SNOOP_MAX) {
		util_err(err, len, "capture: %d captures run already; end one "
		    "first", SNOOP_MAX);
		return NULL;
	}
	if (sw->mem_fixed + sw->mem_queued + mem > sw->conf->memory) {
		util_err(err, len, "capture: the memory budget has no room for "
		    "the %d bytes of its queue", SNOOP_QUEUE);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->q = malloc(SNOOP_QUEUE)) == NULL) {
		free(s);
		util_err(err, len, "capture: out of memory");
		return NULL;
	}
	s->sw = sw;
	s->spec = *spec;
	s->uid = uid;
	s->pid = pid;
	s->fd = -1;
	/* Not ending, not started: nothing is copied until the reply is out. */
	s->ending = 1;
	s->mem = mem;
	sw->mem_fixed += mem;
	sw->nsnoop++;
	LIST_INSERT_HEAD(&sw->snoops, s, entry);
	return s;
}

/*
 * The reply is out: from now on the connection fd carries the records.
 * With stop, the client said more after asking, and the capture ends at
 * once.
 */
void
snoop_start(struct snoop *s, int fd, int stop)
{
	struct ev_loop *loop = s->sw->loop;

	s->fd = fd;
	s->ending = 0;
	ev_io_init(&s->r_w, snoop_read_cb, fd, EV_READ);
	ev_io_init(&s->w_w, snoop_write_cb, fd, EV_WRITE);
	/* Forwarding first, as for every management client. */
	ev_set_priority(&s->r_w, EV_MINPRI);
	ev_set_priority(&s->w_w, EV_MINPRI);
	ev_io_start(loop, &s->r_w);
	log_info("capture started by uid=%ld pid=%ld", (long)s->uid,
	    (long)s->pid);
	if (stop)
		snoop_end(s, "client");
}

void
snoop_free(struct snoop *s)
{
	struct sw *sw;

	if (s == NULL)
		return;
	sw = s->sw;
	if (s->fd != -1) {
		ev_io_stop(sw->loop, &s->r_w);
		ev_io_stop(sw->loop, &s->w_w);
		close(s->fd);
	}
	LIST_REMOVE(s, entry);
	sw->nsnoop--;
	sw->mem_fixed -= s->mem;
	free(s->q);
	free(s);
}

void
snoop_free_all(struct sw *sw)
{
	while (!LIST_EMPTY(&sw->snoops))
		snoop_free(LIST_FIRST(&sw->snoops));
}

/* len bytes at the end of the ring, wrapping; there is room. */
static void
snoop_put(struct snoop *s, const void *data, size_t len)
{
	size_t tail = (s->qhead + s->qlen) % SNOOP_QUEUE;
	size_t first = SNOOP_QUEUE - tail < len ? SNOOP_QUEUE - tail : len;

	memcpy(s->q + tail, data, first);
	memcpy(s->q, (const uint8_t *)data + first, len - first);
	s->qlen += len;
}

/* A record's header: kind, port, length, the time it was seen. */
static void
snoop_hdr(uint8_t *h, char kind, uint16_t port, size_t len,
    const struct timespec *ts)
{
	uint32_t v[3] = { (uint32_t)len, (uint32_t)ts->tv_sec,
	    (uint32_t)(ts->tv_nsec / 1000) };
	int i;

	h[0] = (uint8_t)kind;
	h[1] = 0;
	h[2] = (uint8_t)(port >> 8);
	h[3] = (uint8_t)port;
	for (i = 0; i < 3; i++) {
		h[4 + 4 * i] = (uint8_t)(v[i] >> 24);
		h[5 + 4 * i] = (uint8_t)(v[i] >> 16);
		h[6 + 4 * i] = (uint8_t)(v[i] >> 8);
		h[7 + 4 * i] = (uint8_t)v[i];
	}
}

static void
snoop_kick(struct snoop *s)
{
	if (s->fd != -1 && s->qlen > 0 && !ev_is_active(&s->w_w))
		ev_io_start(s->sw->loop, &s->w_w);
}

/*
 * The capture ends: no more frames; the last record says how many went
 * and how many were lost, and why it ended; the connection closes once
 * all of it is written.
 */
static void
snoop_end(struct snoop *s, const char *why)
{
	char json[SNOOP_RESERVE - SNOOP_HDR];
	uint8_t h[SNOOP_HDR];
	struct timespec ts;
	int n;

	if (s->ending)
		return;
	s->ending = 1;
	ev_io_stop(s->sw->loop, &s->r_w);
	n = snprintf(json, sizeof(json), "{\"frames\":%llu,\"lost\":%llu,"
	    "\"end\":\"%s\"}", (unsigned long long)s->frames,
	    (unsigned long long)s->lost, why);
	clock_gettime(CLOCK_REALTIME, &ts);
	snoop_hdr(h, 'e', 0, (size_t)n, &ts);
	snoop_put(s, h, sizeof(h));
	snoop_put(s, json, (size_t)n);
	log_info("capture by uid=%ld pid=%ld ended (%s): %llu frames, %llu "
	    "lost", (long)s->uid, (long)s->pid, why,
	    (unsigned long long)s->frames, (unsigned long long)s->lost);
	snoop_kick(s);
}

/* Anything from the client, or its end, ends the capture. */
static void
snoop_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snoop *s = container_of(w, struct snoop, r_w);
	char buf[256];
	ssize_t r;

	(void)loop;
	(void)revents;
	r = read(s->fd, buf, sizeof(buf));
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	snoop_end(s, "client");
}

static void
snoop_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snoop *s = container_of(w, struct snoop, w_w);
	struct iovec iov[2];
	size_t first;
	ssize_t r;

	(void)revents;
	while (s->qlen > 0) {
		first = SNOOP_QUEUE - s->qhead;
		iov[0].iov_base = s->q + s->qhead;
		iov[0].iov_len = first < s->qlen ? first : s->qlen;
		iov[1].iov_base = s->q;
		iov[1].iov_len = s->qlen - iov[0].iov_len;
		r = writev(s->fd, iov, iov[1].iov_len > 0 ? 2 : 1);
		if (r == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			/* The client is gone: nobody to tell how it ended. */
			if (!s->ending)
				log_info("capture by uid=%ld pid=%ld: the client "
				    "went (%llu frames, %llu lost)",
				    (long)s->uid, (long)s->pid,
				    (unsigned long long)s->frames,
				    (unsigned long long)s->lost);
			snoop_free(s);
			return;
		}
		s->qhead = (s->qhead + (size_t)r) % SNOOP_QUEUE;
		s->qlen -= (size_t)r;
	}
	ev_io_stop(loop, w);
	if (s->ending)
		snoop_free(s);
}

/* The frame's VLAN on that port: its tag's, or the port's untagged one. */
static int
snoop_vid(const struct vlan_port *vp, const uint8_t *f, size_t len)
{
	int vid;

	if (len >= 18 && f[12] == 0x81 && f[13] == 0x00 &&
	    (vid = (f[14] & 0x0f) << 8 | f[15]) != 0)
		return vid;
	return vp->pvid;
}

/*
 * A frame on a port's wire: a record for each capture that wants it, or
 * a count of those that had no room.  The caller checks that there are
 * captures at all, so that a switch with none pays nothing.
 */
void
snoop_frame(struct sw *sw, uint16_t port, enum snoop_dir dir,
    const uint8_t *f, size_t len)
{
	struct fwd_port *fp = &sw->fwd->ports[port];
	uint8_t h[SNOOP_HDR];
	struct timespec ts;
	struct snoop *s, *next;
	int vid = -1, stamped = 0;

	for (s = LIST_FIRST(&sw->snoops); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (s->ending || (!s->spec.all &&
		    !VLANLIST_BITSET(s->spec.ports, port)))
			continue;
		if (s->spec.vid != 0) {
			if (vid == -1)
				vid = snoop_vid(&fp->vlan, f, len);
			if (vid != s->spec.vid)
				continue;
		}
		if (s->qlen + SNOOP_HDR + len > SNOOP_QUEUE - SNOOP_RESERVE) {
			s->lost++;
			fp->st.capture_lost++;
			continue;
		}
		if (!stamped) {
			clock_gettime(CLOCK_REALTIME, &ts);
			stamped = 1;
		}
		snoop_hdr(h, dir == SNOOP_IN ? 'i' : 'o', port, len, &ts);
		snoop_put(s, h, sizeof(h));
		snoop_put(s, f, len);
		s->frames++;
		fp->st.captured++;
		snoop_kick(s);
		if (s->spec.count != 0 && s->frames >= s->spec.count)
			snoop_end(s, "count");
	}
}

/* How many captures running look at port. */
uint32_t
snoop_count(const struct sw *sw, uint16_t port)
{
	const struct snoop *s;
	uint32_t n = 0;

	LIST_FOREACH(s, &sw->snoops, entry)
		n += !s->ending && (s->spec.all ||
		    VLANLIST_BITSET(s->spec.ports, port));
	return n;
}
