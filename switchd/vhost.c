/* SPDX-License-Identifier: ISC */
/*
 * Frames cross between a guest's rings and the switch's receive slots by
 * copy: in, a chain's virtio-net header becomes the slot's
 * virtio_net_hdr (offloads kept, so a 64 KiB segment stays one frame),
 * and the frame's first bytes, enough to forward it, come along; out, a
 * frame and its header are scattered into as many receive buffers as it
 * takes (mergeable buffers) or into one.  The rest of a frame stays in
 * the sending guest's buffers until the batch is over: another guest's
 * port copies it from there straight into its own buffers, in one step;
 * anything else has port.c pull it into the slot first.  Frames another
 * guest has no room for stay in the sender's ring, and the sender is
 * held back until there is (port.c, port_hold()).
 *
 * Notifications are the guest's and the switch's way to sleep: while a
 * transmit ring has buffers the switch takes them without asking for
 * kicks, up to a few batches a turn of the loop (the rest on the next
 * turn, ev_check, so that every other port is served between), and asks
 * for a kick only once it finds the ring empty.  A receive ring is asked
 * for kicks only while frames wait for buffers.  The guest is called
 * (interrupted) only when its event index asks for it.  An idle port
 * costs nothing: no timer, no polling.
 */
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gso.h"
#include "log.h"
#include "port.h"
#include "sw.h"
#include "util.h"
#include "vhost.h"
#include "vhostdev.h"

/* Batches one port takes in a turn of the loop before others go. */
#define VHOST_TURN	4
/* What of a frame comes into its slot at once: its headers, or all. */
#define VHOST_HEAD	128

struct vhost {
	struct port	*p;
	struct vhostdev	 dev;
	ev_io		 msg_w;		/* the front-end's socket: p->fd */
	struct vhu_msg	 in;		/* the message being read */
	size_t		 have;		/* of its header and payload */
	int		 busy;		/* a transmit ring has more */
	int		 rxkicks;	/* kicks asked for on receive */
	LIST_ENTRY(vhost) busy_entry;
	int		 queued;	/* in vhost_busy */
	uint64_t	 kicks;
	uint64_t	 calls;
	double		 sample_t;	/* rates since then */
	uint64_t	 sample_kicks;
	uint64_t	 sample_calls;
	double		 kick_rate;
	double		 call_rate;
	struct log_ratelim rl;
};

/* Ports with buffers left in a transmit ring, served after each poll. */
static LIST_HEAD(, vhost) vhost_busy = LIST_HEAD_INITIALIZER(vhost_busy);
static ev_check	vhost_check_w;
static ev_idle	vhost_idle_w;
static struct ev_loop *vhost_loop;

/* One chain at a time, and the first of a frame's buffers out. */
static struct vring_chain vhost_chain, vhost_first;
static uint16_t	vhost_heads[VRING_NUM_MAX];
static uint32_t	vhost_lens[VRING_NUM_MAX];

/*
 * The batch in flight, when a guest sent it: the chains taken from its
 * transmit ring, until done(), and the slots their frames went to, have
 * bytes of each there and the rest in the chain.
 */
static struct {
	struct vhost	*v;
	unsigned int	 n;
	unsigned int	 partial;	/* frames not whole in their slot */
	unsigned int	 next;		/* where to look first */
	uint8_t		*slot[PORT_BATCH];
	size_t		 len[PORT_BATCH];
	size_t		 have[PORT_BATCH];
	struct vring_chain c[PORT_BATCH];
} vhost_in;

/* A frame to write into a guest's buffers: in hand, then in a chain. */
struct vhost_src {
	const uint8_t	*head;
	size_t		 headlen;
	const struct vring_chain *c;	/* NULL: all in hand */
	size_t		 coff;		/* where the rest starts in c */
};

static void	vhost_kick_cb(struct ev_loop *, ev_io *, int);
static void	vhost_rxkick_cb(struct ev_loop *, ev_io *, int);
static void	vhost_msg_cb(struct ev_loop *, ev_io *, int);
static unsigned int vhost_recv(struct port *, uint8_t *const *, size_t,
		    size_t *, size_t *, unsigned int);
static void	vhost_pull(struct port *, unsigned int);
static void	vhost_done(struct port *, unsigned int);
static void	vhost_hold(struct port *);
static ssize_t	vhost_peek(struct port *, unsigned int, void *, size_t);
static unsigned int vhost_send(struct port *, const struct iovec *,
		    unsigned int);

static const struct port_ops vhost_ops = {
	vhost_recv, vhost_pull, vhost_done, vhost_hold, vhost_peek, vhost_send
};

/*
 * Guest memory comes as memfds that cannot shrink (QEMU seals those it
 * makes): memory cut off under a mapping would fault the switch the
 * next time it touched a buffer there.
 */
static void *
vhost_map(void *arg, int fd, uint64_t *len, char *err, size_t errlen)
{
	struct stat st;
	uint64_t blk;
	void *base;
	int seals;

	(void)arg;
	if ((seals = fcntl(fd, F_GET_SEALS)) == -1) {
		util_err(err, errlen, "not a memfd: QEMU's guest memory must "
		    "be -object memory-backend-memfd,share=on");
		return NULL;
	}
	if (!(seals & F_SEAL_SHRINK)) {
		util_err(err, errlen, "a memfd that may shrink (seal=off): "
		    "the switch takes only sealed ones");
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		util_err(err, errlen, "fstat: %s", strerror(errno));
		return NULL;
	}
	if ((uint64_t)st.st_size < *len) {
		util_err(err, errlen, "0x%llx bytes asked of a memfd of 0x%llx",
		    (unsigned long long)*len, (unsigned long long)st.st_size);
		return NULL;
	}
	/* Huge pages are mapped whole. */
	blk = st.st_blksize > 4096 && (st.st_blksize &
	    (st.st_blksize - 1)) == 0 ? (uint64_t)st.st_blksize : 4096;
	*len = (*len + blk - 1) & ~(blk - 1);
	base = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_NORESERVE, fd, 0);
	if (base == MAP_FAILED) {
		util_err(err, errlen, "mmap of 0x%llx bytes: %s",
		    (unsigned long long)*len, strerror(errno));
		return NULL;
	}
	return base;
}

static void
vhost_unmap(void *arg, void *base, uint64_t len)
{
	(void)arg;
	(void)munmap(base, len);
}

static void
vhost_close(void *arg, int fd)
{
	(void)arg;
	close(fd);
}

static const struct vhostdev_ops vhost_devops = {
	vhost_map, vhost_unmap, vhost_close
};

/* An eventfd read empty: 1 when a kick was there. */
static int
vhost_drain(int fd)
{
	uint64_t v;

	return fd != -1 && read(fd, &v, sizeof(v)) == sizeof(v);
}

static void
vhost_call(struct vhost *v, int ring)
{
	struct vhostdev_ring *r = &v->dev.ring[ring];
	uint64_t one = 1;

	if (!vring_need_call(&r->vr) || r->call == -1)
		return;
	if (write(r->call, &one, sizeof(one)) == sizeof(one))
		v->calls++;
}

/* The guest broke the rules of its rings: its port ends, nobody else's. */
static void
vhost_lie(struct vhost *v, int ring)
{
	struct port *p = v->p;
	const struct vring_split *vr = &v->dev.ring[ring].vr;

	if (p->ending)
		return;
	p->sw->vhost_errors++;
	log_warnx("%s: %s ring: %s (0x%llx); closing the port", port_name(p),
	    ring == VHOSTDEV_TX ? "transmit" : "receive",
	    vring_strerror(vr->err), (unsigned long long)vr->err_addr);
	port_end(p, "the guest broke the virtio ring rules");
}

static void
vhost_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* Take what a transmit ring has, a few batches; the rest later. */
static void
vhost_run(struct vhost *v)
{
	struct port *p = v->p;
	int i;

	for (i = 0; i < VHOST_TURN && !p->ending; i++) {
		if (p->waiting_on != NULL)
			return;
		port_poll(p);
		if (!v->busy)
			return;
	}
	if (!v->busy || p->ending || v->queued || p->waiting_on != NULL)
		return;
	LIST_INSERT_HEAD(&vhost_busy, v, busy_entry);
	v->queued = 1;
	if (!ev_is_active(&vhost_check_w)) {
		ev_check_start(vhost_loop, &vhost_check_w);
		ev_idle_start(vhost_loop, &vhost_idle_w);
	}
}

static void
vhost_unbusy(struct vhost *v)
{
	if (!v->queued)
		return;
	LIST_REMOVE(v, busy_entry);
	v->queued = 0;
}

/* After each poll of the loop: the ports left with buffers go on. */
static void
vhost_check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	LIST_HEAD(, vhost) now = LIST_HEAD_INITIALIZER(now);
	struct vhost *v;

	(void)revents;
	while ((v = LIST_FIRST(&vhost_busy)) != NULL) {
		LIST_REMOVE(v, busy_entry);
		LIST_INSERT_HEAD(&now, v, busy_entry);
	}
	while ((v = LIST_FIRST(&now)) != NULL) {
		LIST_REMOVE(v, busy_entry);
		v->queued = 0;
		vhost_run(v);
	}
	if (LIST_EMPTY(&vhost_busy)) {
		ev_check_stop(loop, w);
		ev_idle_stop(loop, &vhost_idle_w);
	}
}

static void
vhost_kick_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct port *p = container_of(w, struct port, rx_w);
	struct vhost *v = p->owner;

	(void)loop;
	(void)revents;
	if (vhost_drain(w->fd))
		v->kicks++;
	if (p->waiting_on != NULL)
		port_arrived(p);
	else
		vhost_run(v);
}

/*
 * The receive ring's kick, with buffers given (or the socket writable,
 * while there is no receive ring): what waits for the guest goes.
 */
static void
vhost_rxkick_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct port *p = container_of(w, struct port, tx_w);
	struct vhost *v = p->owner;

	(void)loop;
	(void)revents;
	if (vhostdev_ready(&v->dev, VHOSTDEV_RX) &&
	    w->fd == v->dev.ring[VHOSTDEV_RX].kick && vhost_drain(w->fd))
		v->kicks++;
	port_output(p);
}

/*
 * A chain from the guest into a slot: its header, then the frame's
 * first bytes (*have of its *len).
 */
static void
vhost_frame_in(struct vhost *v, const struct vring_chain *c, uint8_t *slot,
    size_t slotlen, size_t *len, size_t *have)
{
	size_t hdrlen = v->dev.hdrlen, n;

	memset(slot, 0, GSO_HDRLEN);
	*len = *have = 0;
	if (c->len < hdrlen)
		return;		/* a runt, counted as one */
	/* The first 10 bytes of either header are a virtio_net_hdr. */
	vring_read(c, 0, slot, GSO_HDRLEN);
	n = c->len - hdrlen;
	/* One byte more than a slot holds shows as a giant. */
	if (n > slotlen - GSO_HDRLEN)
		n = slotlen - GSO_HDRLEN;
	*len = n;
	*have = vring_read(c, hdrlen, slot + GSO_HDRLEN,
	    n < VHOST_HEAD ? n : VHOST_HEAD);
}

static unsigned int
vhost_recv(struct port *p, uint8_t *const *slots, size_t slotlen,
    size_t *lens, size_t *have, unsigned int max)
{
	struct vhost *v = p->owner;
	struct vhostdev_ring *r = &v->dev.ring[VHOSTDEV_TX];
	struct vring_split *vr = &r->vr;
	struct vring_chain *c;
	unsigned int n = 0, dropped = 0;
	int rc;

	v->busy = 0;
	vhost_in.v = v;
	vhost_in.n = vhost_in.partial = vhost_in.next = 0;
	if (!vhostdev_ready(&v->dev, VHOSTDEV_TX) || p->ending)
		return 0;
	while (n < max) {
		c = &vhost_in.c[n];
		if ((rc = vring_pop(vr, &v->dev.mem, 0, c)) == 0)
			break;
		if (rc == -1) {
			vhost_lie(v, VHOSTDEV_TX);
			break;
		}
		/* A ring not enabled is emptied, its frames dropped. */
		if (!r->enabled) {
			vring_push(vr, c->head, 0);
			dropped++;
			continue;
		}
		vhost_frame_in(v, c, slots[n], slotlen, &lens[n], &have[n]);
		vhost_in.slot[n] = slots[n];
		vhost_in.len[n] = lens[n];
		vhost_in.have[n] = have[n];
		if (have[n] < lens[n])
			vhost_in.partial++;
		n++;
	}
	vhost_in.n = n;
	if (dropped > 0) {
		vring_publish(vr);
		vhost_call(v, VHOSTDEV_TX);
	}
	if (p->ending)
		return n;
	if (n == max || vring_kicks(vr, 1)) {
		/* More to take: no kicks meanwhile. */
		vring_kicks(vr, 0);
		v->busy = 1;
	}
	return n;
}

/* The rest of frame i of the batch, from the guest's buffers. */
static void
vhost_pull(struct port *p, unsigned int i)
{
	struct vhost *v = p->owner;
	size_t have;

	if (vhost_in.v != v || i >= vhost_in.n ||
	    (have = vhost_in.have[i]) >= vhost_in.len[i])
		return;
	vring_read(&vhost_in.c[i], v->dev.hdrlen + have,
	    vhost_in.slot[i] + GSO_HDRLEN + have, vhost_in.len[i] - have);
	vhost_in.have[i] = vhost_in.len[i];
	vhost_in.partial--;
}

/*
 * The batch is over: the first ntaken chains go back to the guest as
 * sent, the others stay in its ring, to be taken again.
 */
static void
vhost_done(struct port *p, unsigned int ntaken)
{
	struct vhost *v = p->owner;
	struct vring_split *vr = &v->dev.ring[VHOSTDEV_TX].vr;
	unsigned int i;

	if (vhost_in.v != v)
		return;
	if (ntaken > vhost_in.n)
		ntaken = vhost_in.n;
	for (i = 0; i < ntaken; i++)
		vring_push(vr, vhost_in.c[i].head, 0);
	vring_unpop(vr, vhost_in.n - ntaken);
	if (ntaken > 0) {
		vring_publish(vr);
		vhost_call(v, VHOSTDEV_TX);
	}
	vhost_in.v = NULL;
	vhost_in.n = vhost_in.partial = 0;
}

/* Held: its transmit ring is not taken from until port.c says. */
static void
vhost_hold(struct port *p)
{
	struct vhost *v = p->owner;

	v->busy = 0;
	vhost_unbusy(v);
}

/*
 * Chain k past the next of the transmit ring, not taken: its frame's
 * length and first len bytes.  When the guest has not sent it yet, a
 * kick is asked for when it does.
 */
static ssize_t
vhost_peek(struct port *p, unsigned int k, void *buf, size_t len)
{
	struct vhost *v = p->owner;
	struct vring_split *vr = &v->dev.ring[VHOSTDEV_TX].vr;
	size_t hdrlen = v->dev.hdrlen;
	int rc;

	if (!vhostdev_ready(&v->dev, VHOSTDEV_TX) || k >= vr->num) {
		errno = EAGAIN;
		return -1;
	}
	while ((rc = vring_peek(vr, &v->dev.mem, (uint16_t)k, 0,
	    &vhost_chain)) == 0)
		if (!vring_kick_after(vr, (uint16_t)k)) {
			errno = EAGAIN;
			return -1;
		}
	if (rc == -1) {
		errno = EPROTO;
		return -1;
	}
	if (vhost_chain.len < hdrlen)
		return 0;
	vring_read(&vhost_chain, hdrlen, buf, len);
	return (ssize_t)(vhost_chain.len - hdrlen);
}

/*
 * Where frame iov is: whole in hand, or, for a frame of the batch a
 * guest sent (iov at its slot), partly still in the sender's chain.
 */
static void
vhost_source(const struct iovec *iov, size_t off, struct vhost_src *src)
{
	unsigned int k, i;

	src->head = (const uint8_t *)iov->iov_base + off;
	src->headlen = iov->iov_len - off;
	src->c = NULL;
	src->coff = 0;
	if (vhost_in.v == NULL || vhost_in.partial == 0 || off != GSO_HDRLEN)
		return;
	for (i = 0; i < vhost_in.n; i++) {
		k = (vhost_in.next + i) % vhost_in.n;
		if (vhost_in.slot[k] != iov->iov_base)
			continue;
		vhost_in.next = k + 1;
		if (vhost_in.have[k] < vhost_in.len[k]) {
			src->headlen = vhost_in.have[k];
			src->c = &vhost_in.c[k];
			src->coff = vhost_in.v->dev.hdrlen + vhost_in.have[k];
		}
		return;
	}
}

/* n bytes of src from offset off into chain c at offset at. */
static size_t
vhost_src_write(const struct vring_chain *c, size_t at,
    const struct vhost_src *src, size_t off, size_t n)
{
	size_t w = 0, k;

	if (off < src->headlen) {
		k = src->headlen - off < n ? src->headlen - off : n;
		if ((w = vring_write(c, at, src->head + off, k)) < k)
			return w;
	}
	if (w < n && src->c != NULL)
		w += vring_splice(c, at + w, src->c, src->coff +
		    (off + w - src->headlen), n - w);
	return w;
}

/*
 * Frame iov into the guest's receive ring: 1 when it went (or was
 * dropped), 0 when the ring lacks buffers for it, -1 when the guest
 * broke the rules.
 */
static int
vhost_frame_out(struct vhost *v, const struct iovec *iov, unsigned int *nused)
{
	struct port *p = v->p;
	struct vring_split *vr = &v->dev.ring[VHOSTDEV_RX].vr;
	struct vhost_src src;
	uint8_t hdr[12];
	size_t hdrlen = v->dev.hdrlen, dlen = iov->iov_len, need, off = 0, w;
	struct vring_chain *c;
	unsigned int nbuf = 0, i;
	uint16_t nb;
	int mrg = vhostdev_has(&v->dev, VHU_F_MRG_RXBUF), rc;

	memset(hdr, 0, sizeof(hdr));
	if (p->vnet) {
		memcpy(hdr, iov->iov_base, GSO_HDRLEN);
		dlen -= GSO_HDRLEN;
	}
	vhost_source(iov, p->vnet ? GSO_HDRLEN : 0, &src);
	need = hdrlen + dlen;
	while (off < need) {
		c = nbuf == 0 ? &vhost_first : &vhost_chain;
		if (nbuf == vr->num) {
			/* More than the whole ring holds: it never fits. */
			vring_unpop(vr, nbuf);
			port_drop(p, DROP_GIANT);
			return 1;
		}
		if ((rc = vring_pop(vr, &v->dev.mem, 1, c)) == -1)
			return -1;
		if (rc == 0) {
			vring_unpop(vr, nbuf);
			return 0;
		}
		if (nbuf == 0 && c->len < hdrlen) {
			vr->err = VRING_E_DIR;
			vr->err_addr = c->len;
			return -1;
		}
		if (!mrg && c->len < need) {
			/* Its buffers are too small for it: dropped. */
			vring_unpop(vr, 1);
			port_drop(p, DROP_GIANT);
			return 1;
		}
		w = 0;
		if (nbuf == 0)
			w = vring_write(c, 0, hdr, hdrlen);
		w += vhost_src_write(c, w, &src, off + w - hdrlen,
		    need - off - w);
		vhost_heads[nbuf] = c->head;
		vhost_lens[nbuf] = (uint32_t)w;
		nbuf++;
		off += w;
	}
	if (hdrlen == 12) {
		nb = (uint16_t)nbuf;
		vring_write(&vhost_first, 10, &nb, sizeof(nb));
	}
	for (i = 0; i < nbuf; i++)
		vring_push(vr, vhost_heads[i], vhost_lens[i]);
	*nused += nbuf;
	port_count_tx(p, iov);
	return 1;
}

static unsigned int
vhost_send(struct port *p, const struct iovec *iov, unsigned int n)
{
	struct vhost *v = p->owner;
	struct vhostdev_ring *r = &v->dev.ring[VHOSTDEV_RX];
	struct vring_split *vr = &r->vr;
	unsigned int i = 0, k, nused = 0;
	int rc = 1;

	if (!vhostdev_ready(&v->dev, VHOSTDEV_RX) || !r->enabled ||
	    p->ending) {
		for (k = 0; k < n; k++)
			port_drop(p, DROP_ERROR);
		return n;
	}
	for (;;) {
		for (; i < n; i++)
			if ((rc = vhost_frame_out(v, &iov[i], &nused)) != 1)
				break;
		if (rc != 0)
			break;
		/*
		 * Out of buffers: a kick once the guest adds to those it
		 * has given, unless it has meanwhile.  Each turn finds more
		 * buffers, and a ring holds only so many: this ends.
		 */
		v->rxkicks = 1;
		if (!vring_kick_after(vr, (uint16_t)(vr->avail_idx -
		    vr->last_avail)))
			break;
	}
	if (nused > 0) {
		vring_publish(vr);
		vhost_call(v, VHOSTDEV_RX);
	}
	if (rc == -1) {
		vhost_lie(v, VHOSTDEV_RX);
		for (k = i; k < n; k++)
			port_drop(p, DROP_ERROR);
		return n;
	}
	if (i == n && v->rxkicks) {
		vring_kicks(vr, 0);
		v->rxkicks = 0;
	}
	return i;
}

/*
 * After each message: the watchers follow the rings.  The transmit
 * ring's kick wakes the receive side (rx_w); the receive ring's kick,
 * buffers given, wakes what waits to be sent (tx_w, port.c's).  With no
 * receive ring, tx_w watches the socket for writing, so that frames
 * queued for a ring that stopped are dropped, not kept.
 */
static void
vhost_sync(struct vhost *v)
{
	struct port *p = v->p;
	struct vhostdev *d = &v->dev;
	struct vhostdev_ring *tx = &d->ring[VHOSTDEV_TX];

	p->vnet = vhostdev_has(d, VHU_F_GUEST_CSUM) &&
	    vhostdev_has(d, VHU_F_GUEST_TSO4) &&
	    vhostdev_has(d, VHU_F_GUEST_TSO6) &&
	    vhostdev_has(d, VHU_F_GUEST_ECN);
	if (p->ending)
		return;
	if (vhostdev_ready(d, VHOSTDEV_TX)) {
		ev_io_set(&p->rx_w, tx->kick, EV_READ);
		ev_io_start(p->sw->loop, &p->rx_w);
		/* Frames sent before the kick watcher was there. */
		if (vring_kicks(&tx->vr, 1))
			ev_feed_event(p->sw->loop, &p->rx_w, EV_READ);
	}
	if (vhostdev_ready(d, VHOSTDEV_RX))
		ev_io_set(&p->tx_w, d->ring[VHOSTDEV_RX].kick, EV_READ);
	else
		ev_io_set(&p->tx_w, p->fd, EV_WRITE);
	v->rxkicks = 0;
	p->peeked = 0;
	if (p->qcount > 0 || p->waiters != NULL)
		ev_io_start(p->sw->loop, &p->tx_w);
}

/*
 * Before each message: a message may close what they watch, and the
 * loop must not watch a descriptor that is closed.
 */
static void
vhost_unwatch(struct vhost *v)
{
	ev_io_stop(v->p->sw->loop, &v->p->rx_w);
	ev_io_stop(v->p->sw->loop, &v->p->tx_w);
	vhost_unbusy(v);
}

/*
 * Read what there is of a message: its header first, then the payload
 * the header announces, with the descriptors that come along.  1 when
 * it is whole, 0 for more later, -1 when the front-end is gone or broke
 * the protocol (why says it).
 */
static int
vhost_read(struct vhost *v, const char **why)
{
	struct vhu_msg *m = &v->in;
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(VHU_FDS_MAX * sizeof(int))];
	} ctl;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	size_t want;
	ssize_t r;
	int fd, excess = 0;
	unsigned int i, nfd;

	if (v->have < VHU_HDRLEN) {
		iov.iov_base = (uint8_t *)&m->h + v->have;
		want = VHU_HDRLEN;
	} else {
		iov.iov_base = m->p.raw + (v->have - VHU_HDRLEN);
		want = VHU_HDRLEN + m->h.size;
	}
	iov.iov_len = want - v->have;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	r = recvmsg(v->p->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0) {
		*why = r == 0 ? NULL : strerror(errno);
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (m->nfds < VHU_FDS_MAX)
				m->fds[m->nfds++] = fd;
			else {
				close(fd);
				excess = 1;
			}
		}
	}
	if (excess || (mh.msg_flags & MSG_CTRUNC)) {
		*why = "more than 8 descriptors with one message";
		return -1;
	}
	v->have += (size_t)r;
	if (v->have < VHU_HDRLEN)
		return 0;
	if (m->h.size > VHU_PAYLOAD_MAX) {
		*why = "a message longer than any vhost-user request";
		return -1;
	}
	return v->have == VHU_HDRLEN + m->h.size;
}

static int
vhost_reply(struct vhost *v, const struct vhu_msg *reply)
{
	uint8_t buf[VHU_HDRLEN + VHU_PAYLOAD_MAX];
	size_t len = VHU_HDRLEN + reply->h.size;

	memcpy(buf, &reply->h, VHU_HDRLEN);
	memcpy(buf + VHU_HDRLEN, &reply->p, reply->h.size);
	/* A front-end that does not read its replies is broken. */
	return send(v->p->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
	    (ssize_t)len ? 0 : -1;
}

static void
vhost_fds_close(struct vhu_msg *m)
{
	int i;

	for (i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

/* The front-end's messages: each applied whole, in order. */
static void
vhost_msg_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vhost *v = container_of(w, struct vhost, msg_w);
	struct port *p = v->p;
	static struct vhu_msg reply;
	const char *why = NULL;
	char err[256];
	int rc, i;

	(void)revents;
	for (i = 0; i < 16; i++) {
		if (p->ending) {
			ev_io_stop(loop, w);
			return;
		}
		if ((rc = vhost_read(v, &why)) == 0)
			return;
		if (rc == -1) {
			if (why == NULL) {
				sw_log_attach(p->sw, "%s: detached",
				    port_name(p));
			} else {
				p->sw->vhost_errors++;
				log_warnx("%s: %s; closing the port",
				    port_name(p), why);
			}
			port_free(p);
			return;
		}
		v->have = 0;
		vhost_unwatch(v);
		log_debug("%s: %s (%u bytes, %d descriptors)", port_name(p),
		    vhu_name(v->in.h.request), v->in.h.size, v->in.nfds);
		if (vhostdev_msg(&v->dev, &v->in, &reply, err,
		    sizeof(err)) == -1) {
			p->sw->vhost_errors++;
			log_warnx("%s: %s; closing the port", port_name(p), err);
			port_free(p);
			return;
		}
		if (err[0] != '\0' && log_ratelim(&v->rl, ev_now(loop),
		    1.0) > 0)
			log_info("%s: %s", port_name(p), err);
		if (reply.h.request != 0 && vhost_reply(v, &reply) == -1) {
			log_warnx("%s: cannot reply to %s: %s; closing the "
			    "port", port_name(p), vhu_name(reply.h.request),
			    strerror(errno));
			port_free(p);
			return;
		}
		vhost_sync(v);
	}
}

/* The port goes: watchers first, then the descriptors they watched. */
static void
vhost_gone(struct port *p)
{
	struct vhost *v = p->owner;

	ev_io_stop(p->sw->loop, &v->msg_w);
	ev_io_stop(p->sw->loop, &p->rx_w);
	ev_io_stop(p->sw->loop, &p->tx_w);
	vhost_unbusy(v);
	if (vhost_in.v == v) {
		vhost_in.v = NULL;
		vhost_in.n = vhost_in.partial = 0;
	}
	vhost_fds_close(&v->in);
	vhostdev_free(&v->dev);
	free(v);
	p->owner = NULL;
}

/*
 * A connection on a vhost-user socket, made a port: the caller has
 * checked who it is and that the budget has room, and starts it.
 */
struct port *
vhost_new(struct sw *sw, uint16_t num, int fd)
{
	struct vhost *v;
	struct port *p;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	if ((p = port_new(sw, num, PORT_VHOST, fd)) == NULL) {
		free(v);
		return NULL;
	}
	if (vhost_loop == NULL) {
		vhost_loop = sw->loop;
		ev_check_init(&vhost_check_w, vhost_check_cb);
		ev_idle_init(&vhost_idle_w, vhost_idle_cb);
	}
	v->p = p;
	v->sample_t = ev_now(sw->loop);
	vhostdev_init(&v->dev, &vhost_devops, v);
	p->ops = &vhost_ops;
	p->owner = v;
	p->gone = vhost_gone;
	/* Segments of up to 64 KiB, when the guest takes them. */
	sw->fwd->ports[num].maxlen = PORT_VNET_MAX;
	ev_init(&p->rx_w, vhost_kick_cb);
	ev_io_init(&p->tx_w, vhost_rxkick_cb, fd, EV_WRITE);
	ev_io_init(&v->msg_w, vhost_msg_cb, fd, EV_READ);
	ev_io_start(sw->loop, &v->msg_w);
	return p;
}

void
vhost_info(struct port *p, struct vhost_info *vi)
{
	struct vhost *v = p->owner;
	const struct vhostdev *d = &v->dev;
	double now = ev_now(p->sw->loop), dt = now - v->sample_t;
	unsigned int i;
	int r;

	if (dt >= 1.0) {
		v->kick_rate = (double)(v->kicks - v->sample_kicks) / dt;
		v->call_rate = (double)(v->calls - v->sample_calls) / dt;
		v->sample_t = now;
		v->sample_kicks = v->kicks;
		v->sample_calls = v->calls;
	}
	memset(vi, 0, sizeof(*vi));
	vi->features = d->features;
	vi->protocol = d->protocol;
	for (r = 0; r < 2; r++) {
		vi->ring_size[r] = d->ring[r].num;
		vi->ring_up[r] = vhostdev_ready(d, r) && d->ring[r].enabled;
	}
	vi->kicks = v->kicks;
	vi->calls = v->calls;
	vi->kick_rate = v->kick_rate;
	vi->call_rate = v->call_rate;
	vi->regions = d->mem.n;
	for (i = 0; i < d->mem.n; i++)
		vi->memory += d->mem.r[i].size;
}
