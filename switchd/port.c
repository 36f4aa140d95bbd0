/* SPDX-License-Identifier: ISC */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/sockios.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "gso.h"
#include "impair.h"
#include "port.h"
#include "snoop.h"
#include "stream.h"
#include "sw.h"
#include "util.h"

#define PORT_ROUND(n)	(((n) + 15) & ~(size_t)15)
/* A frame with its virtio_net_hdr in front, and one byte to spare. */
#define PORT_SLOT	PORT_ROUND(GSO_HDRLEN + PORT_VNET_MAX + 1)
#define PORT_VAR	PORT_ROUND(GSO_HDRLEN + PORT_VNET_MAX + 4)
#define PORT_SEGS	64	/* segments cut at a time */
/* What a queued copy costs the budget: the frame and malloc's header. */
#define PORT_COST(len)	(PORT_ROUND(len) + 16)

/*
 * One batch is in flight at a time: frames are received here, forwarded,
 * and every port the batch touched is flushed before the next read.
 * What a port cannot take at once is copied into its queue.  A stream
 * read may hold more frames than a batch: it is cut into batches.
 *
 * Every frame has a virtio_net_hdr just in front of it: read from a tap,
 * or zero for a frame from a unix port.  A tap gets the frame with it; a
 * unix port gets the frame alone, its checksum completed or, for a TCP
 * segmentation frame, cut into segments first.
 */
static struct {
	/* One byte more than any good frame: a longer one shows as a giant. */
	unsigned char	 rx[PORT_BATCH][PORT_SLOT] __attribute__((aligned(16)));
	/* egress forms of frame i: [0] untagged, [1] tagged */
	unsigned char	 var[PORT_BATCH][2][PORT_VAR]
			    __attribute__((aligned(16)));
	size_t		 varlen[PORT_BATCH][2];
	unsigned char	 seg[PORT_SEGS][FRAME_MAX];
	/* A copy for a mirror port, with a virtio_net_hdr in front. */
	unsigned char	 mirror[GSO_HDRLEN + FRAME_MAX]
			    __attribute__((aligned(16)));
	struct fwd_out	 out;
	struct port	*touched;
	struct log_ratelim moverl;
	/*
	 * Whether every frame of the batch went to one port alone, with
	 * one destination address and tag (the key): 0 no frame yet, 1 so
	 * far, -1 no.
	 */
	int		 single;
	uint16_t	 single_port;
	uint8_t		 key[10];
	/* A stream port's read, and where its frames go in rx. */
	unsigned char	 srx[65536];
	unsigned int	 nstream;
	uint32_t	 now;
	/*
	 * A batch from a port with ops (in, else NULL): nrx frames, each
	 * len[i] long, have[i] of it in its slot (port_pull()); the first
	 * ntaken are taken, the others left with the peer (port_untake()).
	 */
	struct port	*in;
	unsigned int	 nrx;
	unsigned int	 ntaken;
	size_t		 len[PORT_BATCH];
	size_t		 have[PORT_BATCH];
} b;

/*
 * Held ports, watched edge-triggered: the loop wakes on every frame that
 * arrives for one of them (port_hold()).
 */
static int	 hold_ep = -1;
static ev_io	 hold_w;

static void	port_rx_cb(struct ev_loop *, ev_io *, int);
static void	port_stall_cb(struct ev_loop *, ev_timer *, int);
static void	port_release(struct port *);
static void	port_unwait(struct port *);
static void	port_resume(struct port *);
static void	port_dequeue(struct port *, unsigned int);
static void	port_hold_cb(struct ev_loop *, ev_io *, int);
static int	port_outq(struct port *);
static uint64_t	port_sockmem(int);
static void	port_ctl_cb(struct ev_loop *, ev_io *, int);
static void	port_tx_cb(struct ev_loop *, ev_io *, int);
static void	port_end_cb(struct ev_loop *, ev_timer *, int);
static void	port_partial_cb(struct ev_loop *, ev_timer *, int);
static void	port_bpdu(struct port *, const uint8_t *, size_t);
static void	port_enqueue_copy(struct port *, const void *, size_t, int);
static void	port_wire(struct port *, enum snoop_dir,
		    const struct virtio_net_hdr *, const uint8_t *, size_t);

const char *
port_name(const struct port *p)
{
	static char buf[256];

	if (p->kind == PORT_TAP)
		snprintf(buf, sizeof(buf), "port %u (tap %s)", p->num,
		    p->ifname);
	else if (p->kind != PORT_UNIX)
		snprintf(buf, sizeof(buf), "port %u (%s %s uid=%ld pid=%ld)",
		    p->num, p->kind == PORT_STREAM ? "stream" :
		    p->kind == PORT_DGRAM ? "dgram" : "vhost",
		    p->descr[0] ? p->descr : "-", (long)p->uid, (long)p->pid);
	else
		snprintf(buf, sizeof(buf), "port %u (%s uid=%ld pid=%ld)",
		    p->num, p->descr[0] ? p->descr : "no description",
		    (long)p->uid, (long)p->pid);
	return buf;
}

/* The lowest free port, or want itself when it is free. */
int
port_pick(struct sw *sw, int want)
{
	uint32_t i;

	if (want >= 0)
		return want > 0 && (uint32_t)want < sw->conf->nports &&
		    sw->ports[want] == NULL ? want : -1;
	for (i = 1; i < sw->conf->nports; i++)
		if (sw->ports[i] == NULL)
			return (int)i;
	return -1;
}

/* What a port of that kind costs besides its socket buffers and ring. */
static uint64_t
port_extra(enum port_kind kind)
{
	if (kind == PORT_STREAM)
		return sizeof(struct deframer) + 4 + STREAM_QEMU_MAX;
	return 0;
}

/* QEMU's framing, as long as QEMU can send, and nothing of length 0. */
static int
port_deframer(struct port *p)
{
	if ((p->df = malloc(sizeof(*p->df))) == NULL)
		return -1;
	if (deframer_init(p->df, 4, STREAM_QEMU_MAX) == -1) {
		free(p->df);
		p->df = NULL;
		return -1;
	}
	p->df->nozero = 1;
	return 0;
}

static void
port_deframer_free(struct port *p)
{
	if (p->df == NULL)
		return;
	deframer_free(p->df);
	free(p->df);
	p->df = NULL;
}

struct port *
port_new(struct sw *sw, uint16_t num, enum port_kind kind, int fd)
{
	struct port *p;

	if (num >= sw->conf->nports || sw->ports[num] != NULL)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->qlen = sw->conf->qlen;
	if ((p->q = calloc(p->qlen, sizeof(*p->q))) == NULL) {
		free(p);
		return NULL;
	}
	if (kind == PORT_STREAM && port_deframer(p) == -1) {
		free(p->q);
		free(p);
		return NULL;
	}
	p->sw = sw;
	p->num = num;
	p->kind = kind;
	p->fd = fd;
	p->memfixed = p->qlen * sizeof(*p->q) + port_extra(kind);
	if (kind != PORT_TAP)
		p->memfixed += port_sockmem(fd);
	p->ctlfd = -1;
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	p->lastrx = sw_now();
	ev_io_init(&p->rx_w, port_rx_cb, fd, EV_READ);
	ev_io_init(&p->tx_w, port_tx_cb, fd, EV_WRITE);
	ev_timer_init(&p->stall_w, port_stall_cb, PORT_STALL, 0.0);
	ev_timer_init(&p->end_w, port_end_cb, 0.0, 0.0);
	ev_init(&p->partial_w, port_partial_cb);
	p->partial_w.repeat = PORT_PARTIAL;
	if (fwd_port_add(sw->fwd, num) == -1) {
		port_deframer_free(p);
		free(p->q);
		free(p);
		return NULL;
	}
	sw->ports[num] = p;
	port_reconf(p);
	sw->mem_fixed += p->memfixed;
	return p;
}

/* The port lives as long as the client's control stream. */
void
port_ctl_init(struct port *p)
{
	ev_io_init(&p->ctl_w, port_ctl_cb, p->ctlfd, EV_READ);
}

static void
port_ctl_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct port *p = container_of(w, struct port, ctl_w);
	char buf[256];
	ssize_t r;

	(void)loop;
	(void)revents;
	/* Clients have nothing more to say; whatever they send is ignored. */
	r = read(p->ctlfd, buf, sizeof(buf));
	if (r > 0 || (r == -1 && (errno == EAGAIN || errno == EINTR)))
		return;
	sw_log_attach(p->sw, "%s: detached", port_name(p));
	port_free(p);
}

void
port_start(struct port *p)
{
	/*
	 * A datagram port's frames come in through the socket it came by;
	 * a port with ops is watched as they say.
	 */
	if (p->kind != PORT_DGRAM && p->ops == NULL)
		ev_io_start(p->sw->loop, &p->rx_w);
	if (p->ctlfd != -1)
		ev_io_start(p->sw->loop, &p->ctl_w);
	sw_log_attach(p->sw, "%s: attached", port_name(p));
	sw_stp_up(p->sw, p);
}

void
port_unlink(struct port *p)
{
	if (p->path[0] != '\0' && unlink(p->path) == -1 && errno != ENOENT)
		log_warn("%s: unlink %s", port_name(p), p->path);
	p->path[0] = '\0';
}

void
port_free(struct port *p)
{
	struct sw *sw = p->sw;

	if (p->gone != NULL)
		p->gone(p);
	ev_io_stop(sw->loop, &p->rx_w);
	ev_io_stop(sw->loop, &p->tx_w);
	ev_io_stop(sw->loop, &p->ctl_w);
	ev_timer_stop(sw->loop, &p->end_w);
	ev_timer_stop(sw->loop, &p->partial_w);
	port_unwait(p);
	port_release(p);
	port_unlink(p);
	close(p->fd);
	if (p->ctlfd != -1)
		close(p->ctlfd);
	port_dequeue(p, p->qcount);
	impair_free(p->imp[SHAPE_IN]);
	impair_free(p->imp[SHAPE_OUT]);
	sw->mem_fixed -= p->memfixed;
	port_deframer_free(p);
	free(p->q);
	fwd_port_del(sw->fwd, p->num);
	sw->ports[p->num] = NULL;
	stp_port_down(sw->stp, p->num, sw_msec());
	free(p);
}

/*
 * End p once the batch in flight is done with it: a port found broken
 * while frames are sent to it stays until then, taking none.
 */
void
port_end(struct port *p, const char *why)
{
	if (p->ending)
		return;
	p->ending = 1;
	sw_log_attach(p->sw, "%s: detached: %s", port_name(p), why);
	ev_io_stop(p->sw->loop, &p->rx_w);
	ev_io_stop(p->sw->loop, &p->tx_w);
	ev_timer_start(p->sw->loop, &p->end_w);
}

static void
port_end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	port_free(container_of(w, struct port, end_w));
}

/* Resume every port that waited for p's queue to drain. */
static void
port_release(struct port *p)
{
	ev_timer_stop(p->sw->loop, &p->stall_w);
	while (p->waiters != NULL)
		port_resume(p->waiters);
}

/*
 * w is read again.  A port with ops kept its watcher, for port_arrived():
 * it is woken through it, by the loop, never from inside the caller.
 */
static void
port_resume(struct port *w)
{
	port_unwait(w);
	if (w->ops == NULL)
		ev_io_start(w->sw->loop, &w->rx_w);
	else if (ev_is_active(&w->rx_w))
		ev_feed_event(w->sw->loop, &w->rx_w, EV_READ);
}

static void
port_unwait(struct port *w)
{
	struct port **pp;

	if (w->waiting_on == NULL)
		return;
	for (pp = &w->waiting_on->waiters; *pp != NULL; pp = &(*pp)->next_waiter)
		if (*pp == w) {
			*pp = w->next_waiter;
			break;
		}
	w->waiting_on = NULL;
	w->next_waiter = NULL;
	if (w->ops == NULL)
		(void)epoll_ctl(hold_ep, EPOLL_CTL_DEL, w->fd, NULL);
}

/* What p's socket buffers may hold, as the kernel sized them. */
static uint64_t
port_sockmem(int fd)
{
	socklen_t len;
	int snd = 0, rcv = 0;

	len = sizeof(snd);
	(void)getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &len);
	len = sizeof(rcv);
	(void)getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &len);
	return (uint64_t)(snd > 0 ? snd : 0) + (uint64_t)(rcv > 0 ? rcv : 0);
}

/* What the smallest buffers and ring of a unix port cost the budget. */
static uint64_t
port_mincost(const struct conf *c)
{
	/* The kernel doubles what is asked; a receive buffer is ~4 KiB. */
	return 2 * PORT_SNDBUF_MIN + 8192 + c->qlen * sizeof(struct iovec);
}

/*
 * Whether half the budget has room for the smallest socket buffers of
 * every port of the table: 0 when not.
 */
int
port_sndbuf(const struct conf *c)
{
	return c->memory / 2 / c->nports >= port_mincost(c);
}

/*
 * Size a new unix port's socket buffers: a send buffer for what the peer
 * has yet to read, as large as half the budget allows while keeping the
 * smallest for every port still free, and the smallest receive buffer,
 * because what a peer sends to a unix datagram socket is charged to the
 * peer's own send buffer.  -1 when the budget has no room left for them.
 */
int
port_sockbuf(struct sw *sw, int fd)
{
	const struct conf *c = sw->conf;
	uint64_t free = c->nports - 1 - sw_nattached(sw), room, want;
	int snd, rcv = 1;

	want = (free > 0 ? free - 1 : 0) * port_mincost(c) + sw->mem_fixed;
	room = c->memory / 2 > want ? c->memory / 2 - want : 0;
	room = room > 16384 ? (room - 16384) / 2 : 0;
	snd = room < PORT_SNDBUF_MIN ? PORT_SNDBUF_MIN :
	    room > PORT_SNDBUF_MAX ? PORT_SNDBUF_MAX : (int)room;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (sw->mem_fixed + sw->mem_queued + port_sockmem(fd) +
	    c->qlen * sizeof(struct iovec) > c->memory)
		return -1;
	return 0;
}

/* port_sockbuf() for a port of any kind: -1 when the budget is spent. */
int
port_admit(struct sw *sw, int fd, enum port_kind kind)
{
	if (port_sockbuf(sw, fd) == -1)
		return -1;
	if (sw->mem_fixed + sw->mem_queued + port_sockmem(fd) +
	    sw->conf->qlen * sizeof(struct iovec) + port_extra(kind) >
	    sw->conf->memory)
		return -1;
	return 0;
}

/*
 * The most p's queue may hold: an equal part, among the ports that have
 * a queue, of what the socket buffers leave of the budget.  A port that
 * never reads keeps its part, and no more.
 */
static uint64_t
port_share(const struct port *p)
{
	const struct sw *sw = p->sw;
	uint64_t left = sw->conf->memory > sw->mem_fixed ?
	    sw->conf->memory - sw->mem_fixed : 0;

	return left / (sw->nbacklog + (p->qcount == 0));
}

/* Whether p's queue lacks room for another batch of its largest frames. */
static int
port_full(const struct port *p)
{
	return p->qcount + PORT_BATCH > p->qlen || p->qbytes +
	    PORT_BATCH * PORT_COST(p->sw->fwd->ports[p->num].maxlen) >
	    port_share(p);
}

/*
 * The frame's destination address and 802.1Q tag, which decide where it
 * goes: two frames from one port with one key go to the same place.  -1
 * for a frame that is not unicast, or too short to say.
 */
static int
port_key(const uint8_t *f, size_t len, uint8_t *key)
{
	if (len < FRAME_MIN || (f[0] & 1) != 0)
		return -1;
	memset(key, 0, sizeof(b.key));
	memcpy(key, f, 6);
	if (f[12] == 0x81 && f[13] == 0x00) {
		if (len < 18)
			return -1;
		memcpy(key + 6, f + 12, 4);
	}
	return 0;
}

/* Frame f of the batch went to port dst alone (-1: not to one port). */
static void
port_single(const uint8_t *f, size_t len, int dst)
{
	uint8_t key[sizeof(b.key)];

	if (b.single == -1)
		return;
	if (dst < 0 || port_key(f, len, key) == -1)
		b.single = -1;
	else if (b.single == 0) {
		b.single = 1;
		b.single_port = (uint16_t)dst;
		memcpy(b.key, key, sizeof(b.key));
	} else if (b.single_port != dst || memcmp(b.key, key,
	    sizeof(key)) != 0)
		b.single = -1;
}

/* Whether what crosses p's wire is copied: to a capture, or a mirror. */
static int
port_seen(const struct port *p)
{
	return p->sw->nsnoop > 0 || p->sw->fwd->ports[p->num].mirror_to != 0;
}

/*
 * The receive slot that data is in, at its frame's virtio_net_hdr or at
 * the frame: its index, or -1 when data is elsewhere.
 */
static int
port_slot(const void *data)
{
	const unsigned char *d = data;
	size_t off;

	if (d < b.rx[0] || d >= b.rx[PORT_BATCH - 1] + PORT_SLOT)
		return -1;
	off = (size_t)(d - b.rx[0]);
	if (off % PORT_SLOT != 0 && off % PORT_SLOT != GSO_HDRLEN)
		return -1;
	return (int)(off / PORT_SLOT);
}

/* Frame i of the batch whole in its slot, for what reads all of it. */
static void
port_pull(unsigned int i)
{
	if (b.in == NULL || b.have[i] >= b.len[i])
		return;
	b.in->ops->pull(b.in, i);
	b.have[i] = b.len[i];
}

/*
 * Whether a frame from in may stay in in's peer's buffers on its way to
 * o's destinations: when each is a port of in's kind, whose send()
 * copies it from there straight into its own peer's (vhost.c), as it
 * is, with nothing queued before it, no impaired link to go through,
 * and no copy of its wire to make.  Anything that reads the frame whole
 * (a rewritten tag, a completed checksum, segments, a queued copy, a
 * BPDU, a capture) pulls it first.
 */
static int
port_direct(const struct port *in, const struct fwd_out *o)
{
	const struct port *dst;
	unsigned int d;

	for (d = 0; d < o->n; d++) {
		dst = in->sw->ports[o->dst[d].port];
		if (dst->ops != in->ops || !dst->vnet || dst->qcount > 0 ||
		    dst->ending || dst->imp[SHAPE_OUT] != NULL ||
		    port_seen(dst) || vlan_needs_rewrite(&o->tag,
		    o->dst[d].tagged))
			return 0;
	}
	return 1;
}

/*
 * Whether everything waiting in a held port's socket is for the port it
 * waits on.  The socket's peek offset walks it one frame at a time and
 * stays where the last look stopped, so each frame is looked at once;
 * a port with ops keeps its own place (peek()).
 */
static int
port_hold_check(struct port *p)
{
	uint8_t *f = b.rx[0] + GSO_HDRLEN, head[18], key[sizeof(b.key)];
	uint32_t max = p->sw->fwd->ports[p->num].maxlen;
	ssize_t r;

	for (;;) {
		if (p->ops != NULL) {
			f = head;
			if ((r = p->ops->peek(p, p->peeked, head,
			    sizeof(head))) >= 0)
				p->peeked++;
		} else
			r = recv(p->fd, f, FRAME_MAX + 1, MSG_PEEK |
			    MSG_DONTWAIT | MSG_TRUNC);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (r == -1 || r > max || port_key(f, (size_t)r, key) == -1 ||
		    memcmp(key, p->holdkey, sizeof(key)) != 0)
			return 0;
	}
}

/*
 * Frames arrived at held port p: the first one that is not for where it
 * waits ends the hold, and a port with ops is not held again before it
 * has taken that frame, whatever comes before it.
 */
void
port_arrived(struct port *p)
{
	if (p->waiting_on == NULL || port_hold_check(p))
		return;
	log_debug("%s: has frames for elsewhere: read again", port_name(p));
	if (p->ops != NULL)
		p->unheld = p->peeked;
	port_resume(p);
}

static void
port_hold_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct epoll_event ev[PORT_BATCH];
	int i, n;

	(void)loop;
	(void)w;
	(void)revents;
	if ((n = epoll_wait(hold_ep, ev, PORT_BATCH, 0)) <= 0)
		return;
	/* Resuming a port frees nothing: every pointer here stays good. */
	for (i = 0; i < n; i++)
		port_arrived(ev[i].data.ptr);
}

/* Wake the loop on every frame that arrives for p, from now on. */
static int
port_hold_watch(struct port *p)
{
	struct epoll_event ev;
	int off = 0;

	if (hold_ep == -1) {
		if ((hold_ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
			return -1;
		ev_io_init(&hold_w, port_hold_cb, hold_ep, EV_READ);
		ev_io_start(p->sw->loop, &hold_w);
	}
	if (setsockopt(p->fd, SOL_SOCKET, SO_PEEK_OFF, &off,
	    sizeof(off)) == -1)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLET;
	ev.data.ptr = p;
	return epoll_ctl(hold_ep, EPOLL_CTL_ADD, p->fd, &ev);
}

/*
 * Whether `in` may be held back for `out` after this batch: only a unix
 * port, one client's socket, or a vhost-user port, one guest's ring, is
 * ever held, never a tap, which feeds the host and everyone it routes
 * for; only after a batch whose every frame went to `out` alone,
 * unicast, with one destination address and tag; and never for a
 * stalled `out` (port_stall_cb()).
 */
static int
port_holdable(const struct port *in, const struct port *out)
{
	return (in->kind == PORT_UNIX || (in->ops != NULL &&
	    in->ops->hold != NULL)) && b.single == 1 &&
	    b.single_port == out->num && in != out && !out->stalled &&
	    in->waiting_on == NULL && in->unheld == 0 && !in->ending &&
	    !out->ending;
}

/*
 * Hold-back.  After a batch from `in` left `out` without room for
 * another, `in` is not read until `out` drains, so a sender that streams
 * to one peer waits for it, as behind a cable, instead of losing frames.
 * A port with ops is held as soon as `out` has a backlog, until what
 * was queued before has gone (port_release_due()); and when `out` could
 * not take all of its frames, they are left with its peer
 * (port_untake()), to wait in its own ring until `out` takes frames
 * again.  Its frames are copied into a queue as seldom as can be.
 *
 * It cannot hold `in` back from any other destination, nor cost any
 * other port anything:
 *  - only the ports port_holdable() says, after such a batch;
 *  - while it is held, every frame that arrives for it is looked at
 *    (port_hold_check(), woken edge-triggered on each arrival in its
 *    socket, or by its ring's kicks): the first one with another
 *    destination or tag, or flooded, ends the hold before the loop does
 *    anything else.  Frames queue in order in a datagram socket or a
 *    ring, so nothing for another port ever waits behind the hold: the
 *    only frames not read are for `out`;
 *  - an `out` that takes nothing for PORT_STALL holds nobody.
 * tests/integration/holdback.sh checks it: a sender streaming to a slow
 * reader and a fast one gets everything to the fast one; vhost.sh the
 * same for vhost-user ports.
 */
static void
port_hold(struct port *in, struct port *out, int untaken)
{
	if (!port_holdable(in, out) || (!untaken && (out->qcount == 0 ||
	    (in->ops == NULL && !port_full(out)))))
		return;
	memcpy(in->holdkey, b.key, sizeof(b.key));
	in->holdmark = out->qin;
	in->peeked = 0;
	if (in->ops != NULL)
		in->ops->hold(in);
	else if (port_hold_watch(in) == -1) {
		log_warn("%s: cannot watch while held", port_name(in));
		return;
	} else
		ev_io_stop(in->sw->loop, &in->rx_w);
	log_debug("%s: held back until port %u drains", port_name(in),
	    out->num);
	in->waiting_on = out;
	in->next_waiter = out->waiters;
	out->waiters = in;
	/* With nothing queued, what wakes it is its peer's room. */
	if (!ev_is_active(&out->tx_w))
		ev_io_start(out->sw->loop, &out->tx_w);
	if (!ev_is_active(&out->stall_w)) {
		out->outq = port_outq(out);
		out->stall_tx = out->sw->fwd->ports[out->num].st.tx_frames;
		/*
		 * The loop's time is from before this batch: a long one
		 * would judge the peer on less than PORT_STALL.
		 */
		ev_now_update(out->sw->loop);
		ev_timer_set(&out->stall_w, PORT_STALL, 0.0);
		ev_timer_start(out->sw->loop, &out->stall_w);
	}
	/* What is in its ring already is looked at now. */
	if (in->ops != NULL)
		port_arrived(in);
}

/*
 * What the peer has not read yet.  A datagram socket says it is writable
 * only once most of its buffer has drained, so this is how a slow reader
 * is told from a stuck one.
 */
static int
port_outq(struct port *p)
{
	int n;

	if (p->kind == PORT_TAP || p->ops != NULL ||
	    ioctl(p->fd, SIOCOUTQ, &n) == -1)
		return 0;
	return n;
}

static void
port_stall_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct port *p = container_of(w, struct port, stall_w);
	uint64_t tx = p->sw->fwd->ports[p->num].st.tx_frames;
	int outq = port_outq(p);

	(void)revents;
	/* Nobody waits any more: nothing to judge. */
	if (p->waiters == NULL)
		return;
	if (outq < p->outq || tx > p->stall_tx) {
		/* Slow is not stuck: it took something, wait again. */
		p->outq = outq;
		p->stall_tx = tx;
		ev_timer_set(w, PORT_STALL, 0.0);
		ev_timer_start(loop, w);
		return;
	}
	log_debug("%s: stall check: outq %d, tx %llu", port_name(p), outq,
	    (unsigned long long)tx);
	if (!p->stalled && log_ratelim(&p->rl, ev_now(loop), 1.0) > 0)
		log_warnx("%s: takes no frames; dropping what it cannot take",
		    port_name(p));
	p->stalled = 1;
	port_release(p);
}

/*
 * A frame went out whole to p's peer, behind its virtio_net_hdr when p
 * is vnet: counted, and seen on the wire.
 */
void
port_count_tx(struct port *p, const struct iovec *v)
{
	struct fwd_port *fp = &p->sw->fwd->ports[p->num];
	const uint8_t *f = v->iov_base;
	size_t len = v->iov_len;

	if (p->vnet) {
		f += GSO_HDRLEN;
		len -= GSO_HDRLEN;
	}
	fp->st.tx_frames++;
	fp->st.tx_bytes += len;
	if (port_seen(p))
		port_wire(p, SNOOP_OUT, p->vnet ? v->iov_base : NULL, f, len);
}

void
port_drop(struct port *p, enum fwd_drop why)
{
	p->sw->fwd->ports[p->num].st.drops[why]++;
}

/* The peer is gone: what was for it is dropped, and the port ends. */
static unsigned int
port_lost(struct port *p, unsigned int n, const char *why)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		port_drop(p, DROP_ERROR);
	port_end(p, why);
	return n;
}

/*
 * Frames on a stream, each behind its 4-byte length, as much as the
 * socket takes: a frame cut by a short write is finished first next
 * time (p->txoff), the stream is never out of step.  Returns the
 * frames written whole.
 */
static unsigned int
port_send_stream(struct port *p, const struct iovec *iov, unsigned int n)
{
	unsigned char hdr[PORT_BATCH][4];
	struct iovec v[2 * PORT_BATCH];
	struct msghdr mh;
	unsigned int i, k, done = 0;
	size_t pos, off;
	ssize_t r;

	while (done < n) {
		k = n - done > PORT_BATCH ? PORT_BATCH : n - done;
		for (i = 0; i < k; i++) {
			stream_hdr(hdr[i], 4, iov[done + i].iov_len);
			v[2 * i].iov_base = hdr[i];
			v[2 * i].iov_len = 4;
			v[2 * i + 1] = iov[done + i];
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = v;
		mh.msg_iovlen = 2 * k;
		/* What of the first frame is out already. */
		for (off = p->txoff; off >= mh.msg_iov->iov_len;
		    mh.msg_iovlen--)
			off -= (mh.msg_iov++)->iov_len;
		mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + off;
		mh.msg_iov->iov_len -= off;
		r = sendmsg(p->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS))
			break;
		if (r == -1)
			return done + port_lost(p, n - done, strerror(errno));
		p->stalled = 0;
		pos = p->txoff + (size_t)r;
		for (i = 0; i < k && pos >= 4 + iov[done].iov_len; i++) {
			pos -= 4 + iov[done].iov_len;
			port_count_tx(p, &iov[done]);
			done++;
		}
		p->txoff = pos;
		if (i < k)
			break;
	}
	return done;
}

/*
 * Send up to n frames; returns how many were dealt with (sent, or
 * dropped because the peer refused them).  Stops early only when the
 * peer cannot take more now.
 */
static unsigned int
port_send(struct port *p, const struct iovec *iov, unsigned int n)
{
	struct mmsghdr mm[PORT_BATCH];
	unsigned int i, done = 0;
	ssize_t r;
	int k, n1;

	if (p->ending) {
		for (i = 0; i < n; i++)
			port_drop(p, DROP_ERROR);
		return n;
	}
	if (p->kind == PORT_STREAM)
		return port_send_stream(p, iov, n);
	if (p->ops != NULL) {
		if ((done = p->ops->send(p, iov, n)) > 0)
			p->stalled = 0;
		return done;
	}
	while (done < n) {
		if (p->kind == PORT_TAP) {
			r = write(p->fd, iov[done].iov_base, iov[done].iov_len);
			k = r < 0 ? -1 : 1;
		} else {
			n1 = (int)(n - done > PORT_BATCH ? PORT_BATCH :
			    n - done);
			memset(mm, 0, sizeof(mm[0]) * (size_t)n1);
			for (i = 0; i < (unsigned int)n1; i++) {
				mm[i].msg_hdr.msg_iov =
				    (struct iovec *)&iov[done + i];
				mm[i].msg_hdr.msg_iovlen = 1;
			}
			k = sendmmsg(p->fd, mm, (unsigned int)n1,
			    MSG_DONTWAIT);
		}
		if (k > 0) {
			for (i = 0; i < (unsigned int)k; i++)
				port_count_tx(p, &iov[done + i]);
			done += (unsigned int)k;
			p->stalled = 0;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			break;
		if (errno == EINTR)
			continue;
		/* A datagram peer whose socket is closed is gone. */
		if (p->kind == PORT_DGRAM && (errno == ECONNREFUSED ||
		    errno == ENOENT || errno == ENOTCONN))
			return done + port_lost(p, n - done,
			    "its socket is closed");
		/* The peer refused this one frame: count it, go on. */
		port_drop(p, DROP_ERROR);
		if (p->kind == PORT_TAP && errno == EIO) {
			if (log_ratelim(&p->rl, ev_now(p->sw->loop), 1.0) > 0)
				log_warnx("%s: the interface is down; frames "
				    "for it are dropped", port_name(p));
		} else if (log_ratelim(&p->rl, ev_now(p->sw->loop), 1.0) > 0)
			log_warn("%s: send", port_name(p));
		done++;
	}
	return done;
}

/*
 * A frame of the switch's own (a BPDU): sent at once, or queued behind
 * what the port has waiting.
 */
void
port_xmit(struct port *p, const uint8_t *f, size_t len)
{
	uint8_t buf[GSO_HDRLEN + 128];
	struct iovec iov;
	size_t off = p->vnet ? GSO_HDRLEN : 0;

	if (len > sizeof(buf) - GSO_HDRLEN)
		return;
	memset(buf, 0, GSO_HDRLEN);
	memcpy(buf + off, f, len);
	iov.iov_base = buf;
	iov.iov_len = off + len;
	if (p->qcount > 0 || port_send(p, &iov, 1) == 0)
		port_enqueue_copy(p, buf, off + len, 1);
}

/*
 * BPDU guard: a BPDU came in where none may.  The port is shut (once
 * the batch it came in is done with), whoever is on it.
 */
void
port_guard(struct port *p)
{
	if (p->ending)
		return;
	log_warnx("%s: BPDU guard: a BPDU came in; the port is shut",
	    port_name(p));
	port_end(p, "BPDU guard");
}

/* Free the first n copies of p's queue and give back what they cost. */
static void
port_dequeue(struct port *p, unsigned int n)
{
	struct iovec *v;
	uint64_t cost;

	while (n-- > 0) {
		v = &p->q[p->qhead];
		cost = PORT_COST(v->iov_len);
		free(v->iov_base);
		p->qout++;
		p->qbytes -= cost;
		p->sw->mem_queued -= cost;
		p->qhead = (p->qhead + 1) % p->qlen;
		if (--p->qcount == 0)
			p->sw->nbacklog--;
	}
}

/*
 * A copy of a frame p could not take, behind the others.  Flooded frames
 * may fill only half of the queue, so that they never crowd out frames
 * for p alone.
 */
static void
port_enqueue_copy(struct port *p, const void *data, size_t len, int unicast)
{
	struct sw *sw = p->sw;
	uint32_t qlen = p->qlen;
	uint64_t cost = PORT_COST(len), share = port_share(p);
	const char *why = "queue full";
	void *copy = NULL;
	int i;

	if ((i = port_slot(data)) >= 0)
		port_pull((unsigned int)i);
	if (!unicast) {
		qlen = (qlen + 1) / 2;
		share /= 2;
	}
	/*
	 * A frame partly written to a stream is finished whatever it
	 * costs: dropping it would put the stream out of step.
	 */
	if (p->qcount == 0 && p->txoff > 0) {
		if ((copy = malloc(len)) == NULL) {
			port_lost(p, 1, "out of memory");
			return;
		}
	} else if (p->qcount < qlen && p->qbytes + cost <= share) {
		if (sw->mem_fixed + sw->mem_queued + cost > sw->conf->memory) {
			sw->mem_drops++;
			why = "the memory budget is spent";
		} else if ((copy = malloc(len)) == NULL)
			why = "out of memory";
	}
	if (copy == NULL) {
		port_drop(p, DROP_QUEUE);
		if (log_ratelim(&p->rl, ev_now(sw->loop), 1.0) > 0)
			log_warnx("%s: %s (%u frames, %llu bytes queued), "
			    "dropping what it cannot take", port_name(p), why,
			    p->qcount, (unsigned long long)p->qbytes);
		return;
	}
	memcpy(copy, data, len);
	p->q[(p->qhead + p->qcount) % p->qlen].iov_base = copy;
	p->q[(p->qhead + p->qcount) % p->qlen].iov_len = len;
	if (p->qcount++ == 0)
		sw->nbacklog++;
	p->qin++;
	p->qbytes += cost;
	sw->mem_queued += cost;
	if (!ev_is_active(&p->tx_w))
		ev_io_start(sw->loop, &p->tx_w);
}

static void
port_touch(struct port *p, int unicast)
{
	if (!p->touched) {
		p->touched = 1;
		p->next_touched = b.touched;
		b.touched = p;
	}
	p->unicast |= unicast;
}

/* Frames go out in order: behind a backlog, a frame joins the queue. */
static void
port_enqueue(struct port *p, void *data, size_t len, int unicast)
{
	port_touch(p, unicast);
	if (p->qcount > 0) {
		port_enqueue_copy(p, data, len, unicast);
		return;
	}
	p->burst[p->nburst].iov_base = data;
	p->burst[p->nburst].iov_len = len;
	p->nburst++;
}

/*
 * Frames of the batch that out could not take are left with their
 * sender instead of copied into out's queue, when they are the batch's
 * last and the sender keeps them (a vhost-user port, in its ring) and
 * will be held for out (port_hold()): they are received again when it
 * is read again, so what they counted is taken back.  Not when they
 * were seen coming in (a capture, a mirror) or through an impaired
 * link: that cannot be taken back.  1 when they were left there.
 */
static int
port_untake(struct port *out, unsigned int sent)
{
	struct fwd_port *fp;
	unsigned int k, j, first, left = out->nburst - sent;

	if (b.in == NULL || !port_holdable(b.in, out) || out->txoff > 0 ||
	    left > b.nrx || port_seen(b.in) || b.in->imp[SHAPE_IN] != NULL)
		return 0;
	first = b.nrx - left;
	for (k = sent, j = first; k < out->nburst; k++, j++)
		if (port_slot(out->burst[k].iov_base) != (int)j)
			return 0;
	fp = &b.in->sw->fwd->ports[b.in->num];
	for (j = first; j < b.nrx; j++) {
		fp->st.rx_frames--;
		fp->st.rx_bytes -= b.len[j];
	}
	b.ntaken = first;
	return 1;
}

static void
port_flush(struct port *p)
{
	unsigned int i, sent;

	sent = port_send(p, p->burst, p->nburst);
	if (sent < p->nburst && port_untake(p, sent)) {
		p->nburst = 0;
		return;
	}
	for (i = sent; i < p->nburst; i++)
		port_enqueue_copy(p, p->burst[i].iov_base, p->burst[i].iov_len,
		    p->unicast);
	p->nburst = 0;
}

/*
 * Resume the ports whose wait p's queue has drained enough for: a unix
 * port's once it is down to half, a port with ops once what was queued
 * before it was held has gone, so that it finds the queue empty and
 * sends straight again, unless others keep it busy.
 */
static void
port_release_due(struct port *p)
{
	struct port *w, *next;
	int half = p->qcount <= p->qlen / 2 &&
	    p->qbytes <= port_share(p) / 2;

	for (w = p->waiters; w != NULL; w = next) {
		next = w->next_waiter;
		if (w->ops != NULL ? p->qout >= w->holdmark : half)
			port_resume(w);
	}
	if (p->waiters == NULL)
		ev_timer_stop(p->sw->loop, &p->stall_w);
}

/*
 * p's peer has room again: what waits goes, and whoever waited for p
 * is read again once it has drained enough.
 */
void
port_output(struct port *p)
{
	struct iovec iov[PORT_BATCH];
	uint32_t qlen = p->qlen;
	unsigned int i, n, sent;

	while (p->qcount > 0) {
		n = p->qcount > PORT_BATCH ? PORT_BATCH : p->qcount;
		for (i = 0; i < n; i++)
			iov[i] = p->q[(p->qhead + i) % qlen];
		sent = port_send(p, iov, n);
		port_dequeue(p, sent);
		if (p->waiters != NULL)
			port_release_due(p);
		if (sent < n)
			return;
	}
	/* Empty, or waiters whose frames stayed with them: room for all. */
	if (p->waiters != NULL)
		port_release(p);
	ev_io_stop(p->sw->loop, &p->tx_w);
}

static void
port_tx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	port_output(container_of(w, struct port, tx_w));
}

/*
 * Moves are logged switch-wide at most once a second; a spoofed static
 * address is bad input from one port, logged at that port's pace.
 */
static void
port_log_learn(struct port *p, const uint8_t *f, const struct fwd_out *o)
{
	const uint8_t *m = f + 6;
	int n;

	if (o->learn == FDB_STATIC) {
		if ((n = log_ratelim(&p->rl, ev_now(p->sw->loop), 1.0)) > 0)
			log_warnx("%s: frame from MAC %02x:%02x:%02x:%02x:%02x:"
			    "%02x VLAN %u, a static address of port %u, "
			    "dropped%s", port_name(p), m[0], m[1], m[2], m[3],
			    m[4], m[5], o->tag.vid, o->moved_from,
			    n > 1 ? " (and other drops not logged)" : "");
		return;
	}
	if (o->learn != FDB_MOVED ||
	    (n = log_ratelim(&b.moverl, ev_now(p->sw->loop), 1.0)) == 0)
		return;
	log_info("MAC %02x:%02x:%02x:%02x:%02x:%02x VLAN %u moved from "
	    "port %u to port %u%s", m[0], m[1], m[2], m[3], m[4], m[5],
	    o->tag.vid, o->moved_from, p->num,
	    n > 1 ? " (and other moves not logged)" : "");
}

/*
 * A TCP segmentation frame for a port that takes plain frames only: cut
 * it into segments, sent behind whatever the port already has.
 */
static void
port_segment(struct port *p, const struct virtio_net_hdr *h, const uint8_t *f,
    size_t len, int unicast)
{
	struct iovec iov[PORT_SEGS];
	struct gso g;
	unsigned int i, n, sent;
	size_t l;

	if (gso_start(&g, h, f, len) == -1) {
		port_drop(p, DROP_ERROR);
		if (log_ratelim(&p->rl, ev_now(p->sw->loop), 1.0) > 0)
			log_warnx("%s: dropped a TCP segmentation frame that "
			    "does not parse", port_name(p));
		return;
	}
	if (gso_seglen(&g) > p->sw->fwd->ports[p->num].maxlen ||
	    gso_seglen(&g) > sizeof(b.seg[0])) {
		port_drop(p, DROP_GIANT);
		return;
	}
	port_touch(p, unicast);
	if (p->nburst > 0)
		port_flush(p);
	do {
		for (n = 0; n < PORT_SEGS && (l = gso_next(&g, b.seg[n],
		    sizeof(b.seg[n]))) > 0; n++) {
			iov[n].iov_base = b.seg[n];
			iov[n].iov_len = l;
		}
		sent = p->qcount == 0 ? port_send(p, iov, n) : 0;
		for (i = sent; i < n; i++)
			port_enqueue_copy(p, iov[i].iov_base, iov[i].iov_len,
			    unicast);
	} while (n == PORT_SEGS);
}

/* f has its virtio_net_hdr in front of it; p's egress link is behind. */
static void
port_emit_now(struct port *p, uint8_t *f, size_t len, int unicast)
{
	const struct virtio_net_hdr *h = (const void *)(f - GSO_HDRLEN);

	if (p->ending)
		port_drop(p, DROP_ERROR);
	else if (!p->vnet && h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		port_segment(p, h, f, len, unicast);
	else if (len == 0 || len > p->sw->fwd->ports[p->num].maxlen)
		port_drop(p, DROP_GIANT);
	else if (p->vnet)
		port_enqueue(p, f - GSO_HDRLEN, len + GSO_HDRLEN, unicast);
	else
		port_enqueue(p, f, len, unicast);
}

/* f goes to p: through its impaired egress, when it has one. */
static void
port_emit(struct port *p, uint8_t *f, size_t len, int unicast)
{
	int n = 1;

	if (p->imp[SHAPE_OUT] != NULL && !p->ending)
		n = impair_frame(p->imp[SHAPE_OUT], f - GSO_HDRLEN, len,
		    unicast);
	while (n-- > 0)
		port_emit_now(p, f, len, unicast);
}

/*
 * A partial checksum from a tap is completed here, once, when any port
 * the frame goes to takes plain frames.  0, or -1 when it cannot be.
 */
static int
port_csum(struct port *in, struct virtio_net_hdr *h, uint8_t *f, size_t len,
    const struct fwd_out *o)
{
	unsigned int d;

	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return 0;
	for (d = 0; d < o->n; d++)
		if (!in->sw->ports[o->dst[d].port]->vnet)
			break;
	if (d == o->n)
		return 0;
	if (gso_csum(h, f, len) == -1) {
		port_drop(in, DROP_ERROR);
		if (log_ratelim(&in->rl, ev_now(in->sw->loop), 1.0) > 0)
			log_warnx("%s: dropped a frame whose checksum offsets "
			    "lie outside it", port_name(in));
		return -1;
	}
	h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
	return 0;
}

/* Frame i of the batch, from in, through the switch. */
static void
port_switch(struct port *in, unsigned int i, size_t len, uint32_t now)
{
	struct sw *sw = in->sw;
	struct virtio_net_hdr *h = (void *)b.rx[i];
	uint8_t *f = b.rx[i] + GSO_HDRLEN, *v;
	struct fwd_out *o = &b.out;
	unsigned int d;
	int rc, t, unicast;

	if (in->ending)
		return;
	rc = fwd_frame(sw->fwd, in->num, f, len, now, o);
	if (rc == FWD_LOCAL) {
		port_pull(i);
		port_bpdu(in, f, len);
		return;
	}
	port_log_learn(in, f, o);
	if (rc == -1)
		return;
	if (b.in != NULL && b.have[i] < len && !port_direct(in, o))
		port_pull(i);
	if (port_csum(in, h, f, len, o) == -1)
		return;
	unicast = o->n == 1 && (f[0] & 1) == 0;
	port_single(f, len, unicast ? o->dst[0].port : -1);
	b.varlen[i][0] = b.varlen[i][1] = 0;
	for (d = 0; d < o->n; d++) {
		t = o->dst[d].tagged;
		if (!vlan_needs_rewrite(&o->tag, t)) {
			port_emit(sw->ports[o->dst[d].port], f, len, unicast);
			continue;
		}
		v = b.var[i][t];
		if (b.varlen[i][t] == 0 && (b.varlen[i][t] = vlan_rewrite(f,
		    len, &o->tag, t, v + GSO_HDRLEN, PORT_VAR - GSO_HDRLEN)) >
		    0) {
			memcpy(v, h, GSO_HDRLEN);
			gso_shift((struct virtio_net_hdr *)(void *)v,
			    (int)b.varlen[i][t] - (int)len);
		}
		port_emit(sw->ports[o->dst[d].port], v + GSO_HDRLEN,
		    b.varlen[i][t], unicast);
	}
}

/*
 * Frame i of the batch as in's peer sent it: seen on the wire, then
 * through in's impaired ingress when it has one, into the switch.
 */
static void
port_forward(struct port *in, unsigned int i, size_t len, uint32_t now)
{
	int n = 1, seen = port_seen(in);

	if (in->ending)
		return;
	if (seen || in->imp[SHAPE_IN] != NULL)
		port_pull(i);
	if (seen)
		port_wire(in, SNOOP_IN, (const void *)b.rx[i],
		    b.rx[i] + GSO_HDRLEN, len);
	if (in->imp[SHAPE_IN] != NULL)
		n = impair_frame(in->imp[SHAPE_IN], b.rx[i], len, 1);
	while (n-- > 0)
		port_switch(in, i, len, now);
}

/* A BPDU for spanning tree; one that does not parse is logged here. */
static void
port_bpdu(struct port *p, const uint8_t *f, size_t len)
{
	struct sw *sw = p->sw;

	if (stp_rx(sw->stp, p->num, f, len, sw_msec()) == -1 &&
	    log_ratelim(&p->rl, ev_now(sw->loop), 1.0) > 0)
		log_warnx("%s: malformed BPDU (%zu bytes) ignored",
		    port_name(p), len);
}

/* Bad lengths are logged here, counted by fwd_frame(). */
static void
port_checklen(struct port *p, size_t len)
{
	uint32_t max = p->sw->fwd->ports[p->num].maxlen;

	if ((len >= FRAME_MIN && len <= max) ||
	    log_ratelim(&p->rl, ev_now(p->sw->loop), 1.0) == 0)
		return;
	if (len > max)
		log_warnx("%s: frame longer than %u bytes dropped",
		    port_name(p), max);
	else
		log_warnx("%s: frame too short (%zu bytes) dropped",
		    port_name(p), len);
}

/* A batch's headers, each for one receive buffer; the rest zeroed. */
static void
port_rxvec(struct mmsghdr *mm, struct iovec *iov)
{
	int i;

	memset(mm, 0, PORT_BATCH * sizeof(*mm));
	for (i = 0; i < PORT_BATCH; i++) {
		iov[i].iov_base = b.rx[i] + GSO_HDRLEN;
		iov[i].iov_len = FRAME_MAX + 1;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
}

/*
 * Receive a batch from a unix port.  A frame too long for the buffer
 * arrives cut to FRAME_MAX + 1 bytes, so fwd_frame() counts it a giant
 * like any other.
 */
static int
port_recv(struct port *p, size_t *lens)
{
	struct mmsghdr mm[PORT_BATCH];
	struct iovec iov[PORT_BATCH];
	int i, n;

	port_rxvec(mm, iov);
	if ((n = recvmmsg(p->fd, mm, PORT_BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		memset(b.rx[i], 0, GSO_HDRLEN);
		lens[i] = mm[i].msg_len;
		port_checklen(p, lens[i]);
	}
	return n;
}

/* A batch from a port with ops, into the receive slots. */
static int
port_recv_ops(struct port *p, size_t *lens)
{
	uint8_t *slots[PORT_BATCH];
	unsigned int i, n;

	for (i = 0; i < PORT_BATCH; i++)
		slots[i] = b.rx[i];
	n = p->ops->recv(p, slots, PORT_SLOT, lens, b.have, PORT_BATCH);
	b.in = p;
	b.nrx = b.ntaken = n;
	for (i = 0; i < n; i++) {
		b.len[i] = lens[i];
		port_checklen(p, lens[i]);
	}
	return (int)n;
}

/* Read frame i of the batch from a tap; 0 when there is none. */
static int
port_read_tap(struct port *p, unsigned int i, size_t *len)
{
	ssize_t r;

	if ((r = read(p->fd, b.rx[i], PORT_SLOT)) <= 0)
		return 0;
	if ((size_t)r < GSO_HDRLEN) {
		memset(b.rx[i], 0, GSO_HDRLEN);
		r = GSO_HDRLEN;
	}
	*len = (size_t)r - GSO_HDRLEN;
	port_checklen(p, *len);
	return 1;
}

/*
 * Storm drops are counted by fwd_frame(), logged here, once a batch at
 * most; a storm lasts, so once in 10 seconds is enough.
 */
static void
port_log_storm(struct port *p, uint64_t before)
{
	const struct fwd_port *fp = &p->sw->fwd->ports[p->num];

	if (fp->st.drops[DROP_STORM] != before &&
	    log_ratelim(&p->stormrl, ev_now(p->sw->loop), 10.0) > 0)
		log_warnx("%s: storm: floods more than %u frames a second, "
		    "the excess is dropped", port_name(p), fp->storm);
}

static void
port_batch_start(void)
{
	b.touched = NULL;
	b.single = 0;
	b.nstream = 0;
	b.in = NULL;
	b.nrx = b.ntaken = 0;
}

/*
 * Flush every port the batch touched, then let the sender have back
 * what it lent (done()); in, when one port sent it all, may be held.
 */
static void
port_batch_end(struct port *in)
{
	struct port *f;

	for (f = b.touched; f != NULL; f = f->next_touched)
		if (f->nburst > 0)
			port_flush(f);
	if (b.in != NULL) {
		b.in->ops->done(b.in, b.ntaken);
		b.in->unheld -= b.in->unheld < b.ntaken ? b.in->unheld :
		    b.ntaken;
	}
	for (f = b.touched; f != NULL; f = f->next_touched) {
		if (in != NULL)
			port_hold(in, f, b.ntaken < b.nrx);
		f->touched = f->unicast = 0;
	}
	port_batch_start();
}

/*
 * A frame from a stream port, handed over by its deframer.  One longer
 * than the port's largest goes on cut to one byte more, so that
 * fwd_frame() counts it a giant like any other.
 */
static void
port_stream_frame(void *arg, const unsigned char *frame, size_t len)
{
	struct port *p = arg;
	uint32_t max = p->sw->fwd->ports[p->num].maxlen;
	size_t n = len > max ? (size_t)max + 1 : len;
	unsigned int i = b.nstream;

	if (p->ending)
		return;
	memset(b.rx[i], 0, GSO_HDRLEN);
	memcpy(b.rx[i] + GSO_HDRLEN, frame, n);
	port_checklen(p, len);
	port_forward(p, i, n, b.now);
	if (++b.nstream == PORT_BATCH) {
		port_batch_end(NULL);
		port_batch_start();
	}
}

/*
 * What a stream peer sent that is no frame: runts are dropped and
 * counted; a length of 0 or beyond what QEMU can send means the two
 * ends are out of step, and nothing more it says can be trusted.
 */
static int
port_stream_check(struct port *p, uint64_t runts)
{
	struct deframer *d = p->df;

	if (d->st.runts != runts) {
		p->sw->fwd->ports[p->num].st.drops[DROP_RUNT] +=
		    d->st.runts - runts;
		if (log_ratelim(&p->rl, ev_now(p->sw->loop), 1.0) > 0)
			log_warnx("%s: frame shorter than %d bytes dropped",
			    port_name(p), FRAME_MIN);
	}
	if (!d->broken)
		return 0;
	p->sw->stream_errors++;
	if (d->badlen == 0)
		log_warnx("%s: frame length 0: not QEMU's stream framing; "
		    "closing the connection", port_name(p));
	else
		log_warnx("%s: frame length %zu, more than the %d bytes QEMU "
		    "sends: the stream is out of step; closing the connection",
		    port_name(p), d->badlen, STREAM_QEMU_MAX);
	return -1;
}

/* Read what a stream port sent, and forward the frames in it. */
static void
port_rx_stream(struct port *p, uint64_t storm)
{
	uint64_t runts = p->df->st.runts;
	ssize_t r;
	int rc;

	r = read(p->fd, b.srx, sizeof(b.srx));
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		sw_log_attach(p->sw, "%s: detached%s%s", port_name(p),
		    r == 0 ? "" : ": ", r == 0 ? "" : strerror(errno));
		port_free(p);
		return;
	}
	p->lastrx = b.now;
	port_batch_start();
	rc = deframer_feed(p->df, b.srx, (size_t)r, port_stream_frame, p);
	port_batch_end(NULL);
	if (port_stream_check(p, runts) == -1) {
		port_free(p);
		return;
	}
	port_log_storm(p, storm);
	/* A frame begun is finished soon, or the peer is broken. */
	if (rc == 0 && p->df->have > 0)
		ev_timer_again(p->sw->loop, &p->partial_w);
	else
		ev_timer_stop(p->sw->loop, &p->partial_w);
}

static void
port_partial_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct port *p = container_of(w, struct port, partial_w);
	const struct deframer *d = p->df;

	(void)loop;
	(void)revents;
	p->sw->stream_errors++;
	if (d->have < 4)
		log_warnx("%s: sent %zu bytes of a frame's 4-byte length, then "
		    "nothing for %.0f seconds; closing the connection",
		    port_name(p), d->have, PORT_PARTIAL);
	else
		log_warnx("%s: sent %zu of the %zu bytes of a frame, then "
		    "nothing for %.0f seconds; closing the connection",
		    port_name(p), d->have - 4, d->need - 4, PORT_PARTIAL);
	port_free(p);
}

static void
port_rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	port_poll(container_of(w, struct port, rx_w));
}

/* Read a batch from p and forward it; p may be gone after. */
void
port_poll(struct port *p)
{
	size_t lens[PORT_BATCH];
	uint64_t storm;
	uint32_t now;
	unsigned int i;
	int n;

	now = sw_now();	/* once a batch: seconds are enough */
	fwd_clock(p->sw->fwd, sw_msec());	/* storm control counts ms */
	storm = p->sw->fwd->ports[p->num].st.drops[DROP_STORM];
	b.now = now;
	if (p->kind == PORT_STREAM) {
		/* It may end: p is not looked at after. */
		port_rx_stream(p, storm);
		return;
	}
	port_batch_start();
	if (p->kind == PORT_TAP) {
		/* One read a frame; never held (port_hold()). */
		for (i = 0; i < PORT_BATCH && port_read_tap(p, i, &lens[i]);
		    i++)
			port_forward(p, i, lens[i], now);
	} else {
		n = p->ops != NULL ? port_recv_ops(p, lens) :
		    port_recv(p, lens);
		for (i = 0; i < (unsigned int)n; i++)
			port_forward(p, i, lens[i], now);
	}
	port_batch_end(p);
	port_log_storm(p, storm);
}

/* The sender's credentials, when the kernel attached them. */
static const struct ucred *
port_cred(struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
			return (const struct ucred *)(void *)CMSG_DATA(c);
	return NULL;
}

/*
 * A batch from a datagram socket that many peers send to (QEMU -netdev
 * dgram): each frame is from the port from() says its sender is.  No
 * port is held back: they share the socket.
 */
void
port_dgram_rx(struct sw *sw, int fd, port_from_cb from, void *arg)
{
	struct mmsghdr mm[PORT_BATCH];
	struct iovec iov[PORT_BATCH];
	struct sockaddr_un sun[PORT_BATCH];
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl[PORT_BATCH];
	struct port *p;
	uint64_t storm;
	size_t len;
	int i, n;

	port_rxvec(mm, iov);
	for (i = 0; i < PORT_BATCH; i++) {
		mm[i].msg_hdr.msg_name = &sun[i];
		mm[i].msg_hdr.msg_namelen = sizeof(sun[i]);
		mm[i].msg_hdr.msg_control = ctl[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
	}
	if ((n = recvmmsg(fd, mm, PORT_BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return;
	b.now = sw_now();
	fwd_clock(sw->fwd, sw_msec());
	port_batch_start();
	for (i = 0; i < n; i++) {
		p = from(arg, &sun[i], mm[i].msg_hdr.msg_namelen,
		    port_cred(&mm[i].msg_hdr));
		if (p == NULL || p->ending)
			continue;
		memset(b.rx[i], 0, GSO_HDRLEN);
		len = mm[i].msg_len;
		port_checklen(p, len);
		p->lastrx = b.now;
		storm = sw->fwd->ports[p->num].st.drops[DROP_STORM];
		port_forward(p, (unsigned int)i, len, b.now);
		port_log_storm(p, storm);
	}
	port_batch_end(NULL);
}

/* A copy for mirror port m, sent at once or queued behind its others. */
static void
port_mirror_one(struct port *m, const void *data, size_t len)
{
	struct iovec iov;

	iov.iov_base = (void *)data;
	iov.iov_len = len;
	if (m->qcount > 0 || port_send(m, &iov, 1) == 0)
		port_enqueue_copy(m, data, len, 0);
}

/*
 * A copy for mirror port m of a frame on another port's wire, h its
 * virtio_net_hdr when it has one.  Copies queue as flooded frames do,
 * in half of m's queue.  A port that takes plain frames gets a tap's
 * segmentation frame cut, and its partial checksum completed.
 */
static void
port_mirror(struct port *m, const struct virtio_net_hdr *h, const uint8_t *f,
    size_t len)
{
	struct virtio_net_hdr *c = (void *)b.mirror;
	uint8_t *copy = b.mirror + GSO_HDRLEN;
	uint32_t max = m->sw->fwd->ports[m->num].maxlen;
	struct gso g;
	size_t l;

	if (m->ending)
		return;
	if (h != NULL && !m->vnet && h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		if (gso_start(&g, h, f, len) == -1)
			port_drop(m, DROP_ERROR);
		else if (gso_seglen(&g) > max || gso_seglen(&g) > FRAME_MAX)
			port_drop(m, DROP_GIANT);
		else
			while ((l = gso_next(&g, copy, FRAME_MAX)) > 0)
				port_mirror_one(m, copy, l);
		return;
	}
	if (len == 0 || len > max || (h == NULL && len > FRAME_MAX)) {
		port_drop(m, DROP_GIANT);
		return;
	}
	if (m->vnet && h != NULL)
		port_mirror_one(m, h, GSO_HDRLEN + len);
	else if (m->vnet) {
		memset(c, 0, GSO_HDRLEN);
		memcpy(copy, f, len);
		port_mirror_one(m, c, GSO_HDRLEN + len);
	} else if (h != NULL && (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    len <= FRAME_MAX) {
		memcpy(c, h, GSO_HDRLEN);
		memcpy(copy, f, len);
		if (gso_csum(c, copy, len) == -1)
			port_drop(m, DROP_ERROR);
		else
			port_mirror_one(m, copy, len);
	} else
		port_mirror_one(m, f, len);
}

/*
 * A frame on p's wire, as its peer sent it (SNOOP_IN) or was sent it
 * (SNOOP_OUT), h its virtio_net_hdr when it has one: a copy for each
 * capture that wants it, and one for the mirror port p is copied to.
 * A mirror port is no source: its own frames go to captures alone.
 */
static void
port_wire(struct port *p, enum snoop_dir dir, const struct virtio_net_hdr *h,
    const uint8_t *f, size_t len)
{
	struct sw *sw = p->sw;
	struct fwd_port *fp = &sw->fwd->ports[p->num];
	struct port *m;

	if (sw->nsnoop > 0)
		snoop_frame(sw, p->num, dir, f, len);
	if (fp->mirror_to == 0 || fp->mirror != 0 ||
	    (m = sw->ports[fp->mirror_to]) == NULL ||
	    !(sw->fwd->ports[m->num].mirror & (dir == SNOOP_IN ?
	    CONF_MIRROR_RX : CONF_MIRROR_TX)))
		return;
	fp->st.mirrored++;
	port_mirror(m, h, f, len);
}

/*
 * Whether p may hold cost bytes more for its impaired links, which hold
 * held bytes now: from its queue's share of the budget, and within it.
 */
int
port_room(struct port *p, uint64_t held, uint64_t cost)
{
	struct sw *sw = p->sw;

	return p->qbytes + held + cost <= port_share(p) &&
	    sw->mem_fixed + sw->mem_queued + cost <= sw->conf->memory;
}

/*
 * The frames of p's impaired direction dir whose time has come, a batch
 * at a time: into the switch (ingress) or out to the peer (egress).
 * Egress copies stay until the batch has been sent.
 */
void
port_impair_due(struct port *p, int dir)
{
	struct impair *im = p->imp[dir];
	struct impair_held *h, *done[PORT_BATCH];
	unsigned int i, n = 0, t;
	uint64_t now = sw_nsec();

	b.now = sw_now();
	fwd_clock(p->sw->fwd, sw_msec());
	port_batch_start();
	while (n < PORT_BATCH && (h = impair_due(im, now)) != NULL) {
		if (dir == SHAPE_IN) {
			memcpy(b.rx[n], h->data, GSO_HDRLEN + h->len);
			for (t = 0; t < h->times; t++)
				port_switch(p, n, h->len, b.now);
		} else
			for (t = 0; t < h->times; t++)
				port_emit_now(p, h->data + GSO_HDRLEN, h->len,
				    h->unicast);
		done[n++] = h;
	}
	port_batch_end(NULL);
	for (i = 0; i < n; i++)
		impair_done(im, done[i]);
	/* More due than a batch: the next at once, after other work. */
	if (impair_rearm(im) == -1) {
		impair_free(im);
		p->imp[dir] = NULL;
	}
}

/* The running configuration's impairment for p's number, from now on. */
void
port_reconf(struct port *p)
{
	const struct conf_port *cp = &p->sw->conf->port[p->num];
	int dir;

	for (dir = SHAPE_IN; dir <= SHAPE_OUT; dir++)
		if (impair_set(p, dir, &cp->shape[dir]) == -1)
			log_warnx("%s: %s impairment: out of memory",
			    port_name(p), dir == SHAPE_IN ? "ingress" :
			    "egress");
}
