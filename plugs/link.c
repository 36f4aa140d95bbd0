/* SPDX-License-Identifier: ISC */
/*
 * Framed byte streams, both ways. Input is cut into frames by the common
 * deframer, a slice at a time, so that input stops as soon as the switch
 * pushes back and what waits for it stays small. Output is a bounded
 * buffer; above its high-water mark the owner stops reading the switch.
 */

#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"
#include "stream.h"

#include "link.h"
#include "switchplug.h"

#define LINK_IBUF	(64 * 1024)	/* one read */
#define LINK_SLICE	2048		/* fed to the deframer at a time */
#define LINK_HIWAT	(64 * 1024)	/* output: stop reading the switch */
#define LINK_LOWAT	(16 * 1024)	/* output: resume */
#define LINK_OBUF	(LINK_HIWAT + 4 + FRAME_MAX)

struct link_stats {
	uint64_t	resyncs;	/* framing errors skipped over */
	uint64_t	cut;		/* stream ended inside a frame */
	uint64_t	out_frames, out_bytes;
	uint64_t	out_drops;
};

struct link {
	struct ev_loop		*loop;
	char			 name[128];
	int			 rfd, wfd;
	int			 hdrlen;
	int			 resync;	/* skip bad lengths, go on */
	int			 paused;	/* input held back */
	int			 full;		/* output above high water */
	int			 wdead;		/* output gone: discard */
	int			 werrno;
	ev_io			 rw, ww;
	struct deframer		 df;
	uint64_t		 runts_seen;
	unsigned char		*ibuf;
	size_t			 ioff, ilen;
	unsigned char		*obuf;
	size_t			 ooff, olen;
	struct link_stats	 st;
	struct log_ratelim	 runt_rl, resync_rl;
	const struct link_cb	*cb;
	void			*arg;
};

static void	link_read_cb(struct ev_loop *, ev_io *, int);
static void	link_write_cb(struct ev_loop *, ev_io *, int);

static void
link_frame_cb(void *arg, const unsigned char *frame, size_t len)
{
	struct link	*lk = arg;

	lk->cb->frame(lk->arg, frame, len);
}

static int
link_ratelim(struct link *lk, struct log_ratelim *rl)
{
	return log_ratelim(rl, ev_now(lk->loop), 1.0);
}

/* What the deframer dropped on its own: runts, counted there. */
static void
link_note_runts(struct link *lk)
{
	uint64_t	 n = lk->df.st.runts - lk->runts_seen;

	if (n == 0)
		return;
	lk->runts_seen = lk->df.st.runts;
	if (link_ratelim(lk, &lk->runt_rl) > 0)
		log_warnx("%s: %" PRIu64 " frame%s shorter than %d bytes "
		    "dropped", lk->name, n, n == 1 ? "" : "s", FRAME_MIN);
}

/*
 * A length out of range: the stream is out of step. A TCP peer is cut
 * off. On stdin there is no one to reconnect, so do what vde_plug does:
 * drop the rest of this read and take what follows as a new header.
 */
static int
link_bad_length(struct link *lk)
{
	int	 n;

	if (!lk->resync) {
		log_warnx("%s: frame length over %zu bytes: closing", lk->name,
		    lk->df.maxlen);
		return -1;
	}
	lk->st.resyncs++;
	if ((n = link_ratelim(lk, &lk->resync_rl)) > 0)
		log_warnx("%s: frame length over %zu bytes: %zu bytes "
		    "skipped, resynchronising (%" PRIu64 " so far)", lk->name,
		    lk->df.maxlen, lk->ilen - lk->ioff, lk->st.resyncs);
	deframer_reset(&lk->df);
	lk->ioff = lk->ilen = 0;
	return 0;
}

/* Feeds what was read, a slice at a time, while the switch keeps up. */
static int
link_input(struct link *lk)
{
	size_t	 n;
	int	 rc;

	while (lk->ioff < lk->ilen) {
		if (lk->cb->busy(lk->arg)) {
			lk->paused = 1;
			ev_io_stop(lk->loop, &lk->rw);
			return 0;
		}
		n = lk->ilen - lk->ioff;
		if (n > LINK_SLICE)
			n = LINK_SLICE;
		rc = deframer_feed(&lk->df, lk->ibuf + lk->ioff, n,
		    link_frame_cb, lk);
		link_note_runts(lk);
		if (rc == -1) {
			if (link_bad_length(lk) == -1)
				return -1;
			break;
		}
		lk->ioff += n;
	}
	lk->ioff = lk->ilen = 0;
	if (lk->paused) {
		lk->paused = 0;
		ev_io_start(lk->loop, &lk->rw);
	}
	return 0;
}

/* EV_CUSTOM: a framing error found by link_resume(), reported here. */
static void
link_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct link	*lk = container_of(w, struct link, rw);
	ssize_t		 r;

	(void)loop;
	if (revents & EV_CUSTOM) {
		lk->cb->end(lk->arg, LINK_FRAMING);
		return;
	}
	r = read(lk->rfd, lk->ibuf, LINK_IBUF);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		if (r == -1)
			log_warn("%s: read", lk->name);
		if (lk->df.have > 0) {
			lk->st.cut++;
			log_warnx("%s: stream ended inside a frame: %zu of %zu "
			    "bytes dropped", lk->name, lk->df.have,
			    lk->df.need);
		}
		lk->cb->end(lk->arg, r == 0 ? LINK_EOF : LINK_RERROR);
		return;
	}
	lk->ioff = 0;
	lk->ilen = (size_t)r;
	if (link_input(lk) == -1)
		lk->cb->end(lk->arg, LINK_FRAMING);
}

/* The switch has room again: feed what was held back, then read on. */
void
link_resume(struct link *lk)
{
	if (!lk->paused)
		return;
	if (link_input(lk) == -1) {
		/* The owner may not free us from its own call stack. */
		ev_io_stop(lk->loop, &lk->rw);
		ev_feed_event(lk->loop, &lk->rw, EV_CUSTOM);
	}
}

/*
 * Writes what it can. Errors are reported from the loop, not here: the
 * caller may be in the middle of reading the switch.
 */
static void
link_flush(struct link *lk)
{
	ssize_t	 r;

	while (lk->ooff < lk->olen) {
		r = write(lk->wfd, lk->obuf + lk->ooff, lk->olen - lk->ooff);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN) {
			ev_io_start(lk->loop, &lk->ww);
			return;
		}
		if (r == -1) {
			lk->werrno = errno;
			lk->wdead = 1;
			lk->st.out_drops++;
			lk->ooff = lk->olen = 0;
			ev_io_stop(lk->loop, &lk->ww);
			ev_feed_event(lk->loop, &lk->ww, EV_CUSTOM);
			return;
		}
		lk->ooff += (size_t)r;
	}
	lk->ooff = lk->olen = 0;
	ev_io_stop(lk->loop, &lk->ww);
}

static void
link_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct link	*lk = container_of(w, struct link, ww);

	(void)loop;
	if (revents & EV_CUSTOM) {
		/* A write error found by link_flush(), reported here. */
		errno = lk->werrno;
		log_warn("%s: write", lk->name);
		lk->cb->end(lk->arg, LINK_WERROR);
		return;
	}
	link_flush(lk);
	if (lk->full && lk->olen - lk->ooff < LINK_LOWAT) {
		lk->full = 0;
		lk->cb->drained(lk->arg);
	}
}

/* Queues one frame with its header; -1 when it had to be dropped. */
int
link_send(struct link *lk, const unsigned char *frame, size_t len)
{
	size_t	 hl = (size_t)lk->hdrlen;

	if (lk->wdead || (hl == 2 && len > 0xffff)) {
		lk->st.out_drops++;
		return -1;
	}
	if (LINK_OBUF - lk->olen < hl + len) {
		memmove(lk->obuf, lk->obuf + lk->ooff, lk->olen - lk->ooff);
		lk->olen -= lk->ooff;
		lk->ooff = 0;
	}
	if (LINK_OBUF - lk->olen < hl + len) {
		lk->st.out_drops++;
		return -1;
	}
	stream_hdr(lk->obuf + lk->olen, lk->hdrlen, len);
	memcpy(lk->obuf + lk->olen + hl, frame, len);
	lk->olen += hl + len;
	lk->st.out_frames++;
	lk->st.out_bytes += len;
	if (!ev_is_active(&lk->ww))
		link_flush(lk);
	if (lk->olen - lk->ooff >= LINK_HIWAT)
		lk->full = 1;
	return 0;
}

/*
 * True from the high-water mark until output drains below the low one
 * (link_cb.drained): stop feeding this link meanwhile.
 */
int
link_busy(const struct link *lk)
{
	return lk->full;
}

/* After a write error on a one-way output (stdout): discard from now on. */
void
link_kill_output(struct link *lk)
{
	lk->wdead = 1;
	lk->full = 0;
	lk->ooff = lk->olen = 0;
	ev_io_stop(lk->loop, &lk->ww);
}

/* On a bad length, skip to the next read instead of ending the link. */
void
link_resync(struct link *lk, int on)
{
	lk->resync = on;
}

struct link *
link_new(struct ev_loop *loop, int rfd, int wfd, int hdrlen,
    const char *name, const struct link_cb *cb, void *arg)
{
	struct link	*lk;

	if ((lk = calloc(1, sizeof(*lk))) == NULL ||
	    (lk->ibuf = malloc(LINK_IBUF)) == NULL ||
	    (lk->obuf = malloc(LINK_OBUF)) == NULL ||
	    deframer_init(&lk->df, hdrlen, hdrlen == 2 ? STREAM2_MAX :
	    STREAM4_MAX) == -1)
		fatal("link_new");
	lk->loop = loop;
	lk->rfd = rfd;
	lk->wfd = wfd;
	lk->hdrlen = hdrlen;
	lk->cb = cb;
	lk->arg = arg;
	snprintf(lk->name, sizeof(lk->name), "%s", name);
	ev_io_init(&lk->rw, link_read_cb, rfd, EV_READ);
	ev_io_init(&lk->ww, link_write_cb, wfd, EV_WRITE);
	return lk;
}

void
link_start(struct link *lk)
{
	ev_io_start(lk->loop, &lk->rw);
}

/* Stopping the watchers also forgets any event fed to them. */
void
link_free(struct link *lk)
{
	if (lk == NULL)
		return;
	ev_io_stop(lk->loop, &lk->rw);
	ev_io_stop(lk->loop, &lk->ww);
	ev_clear_pending(lk->loop, &lk->rw);
	ev_clear_pending(lk->loop, &lk->ww);
	deframer_free(&lk->df);
	free(lk->ibuf);
	free(lk->obuf);
	free(lk);
}

void
link_stats(const struct link *lk)
{
	const struct stream_stats	*s = &lk->df.st;

	log_info("%s: in %" PRIu64 " frames %" PRIu64 " bytes, %" PRIu64
	    " empty, %" PRIu64 " too short, %" PRIu64 " bad lengths (%" PRIu64
	    " resynchronised), %" PRIu64 " cut; out %" PRIu64 " frames %"
	    PRIu64 " bytes, %" PRIu64 " dropped", lk->name, s->frames,
	    s->bytes, s->zero, s->runts, s->giants, lk->st.resyncs,
	    lk->st.cut, lk->st.out_frames, lk->st.out_bytes,
	    lk->st.out_drops);
}
