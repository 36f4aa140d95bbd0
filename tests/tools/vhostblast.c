/* SPDX-License-Identifier: ISC */
/*
 * vhostblast: plays QEMU's part of vhost-user (a sealed memfd for guest
 * memory, split rings in it, eventfds) on one or two switch ports.
 *
 *   vhostblast [-g] [-s size] [-t seconds] [-n ring] SOCK_A SOCK_B
 *	attach a port on each socket, let the switch learn both, then
 *	send unicast frames of size bytes from A to B for the time given;
 *	-g sends TCP segmentation frames of 64 KiB instead.  Prints
 *	"sent N received N seconds S fps F gbps G loss L".
 *   vhostblast -l [-a] [-c count] [-n ring] SOCK_A SOCK_B [SOCK_C]
 *	A sends count 1000-byte frames, 192 at most in flight, to B, which
 *	takes one a millisecond (ring entries as -n says); every 500th goes
 *	to C instead, which takes all it gets.  With -a (alternate), every other frame goes to C.
 *	Frames are numbered and checked as they come; prints "B got N of M
 *	in order, C got N of M, each past P frames for B sent before it,
 *	in S seconds": P is the fewest frames for B that were sent before
 *	a frame for C and had not come when it came.
 *   vhostblast -e SOCK_A SOCK_B
 *	frames of many sizes both ways, a 64 KiB TCP segmentation frame
 *	each way, each checked byte for byte on arrival; exit 0 when all
 *	came whole, with their offloads.
 *   vhostblast -x LIE SOCK
 *	attach and break the rules one way (addr, loop, index, head, next,
 *	indirect, memtable, nokick, unsealed, size); exit 0 when the switch
 *	closes the connection within 5 seconds.
 *   vhostblast -w [-m MAC] SOCK
 *	attach, say who it is with a broadcast, and answer ARP requests
 *	for 10.0.0.N as MAC until killed.
 *
 * Ring and buffer layout, in one memfd: each port's rings, then its
 * receive buffers, then its transmit buffers, one per descriptor.  The
 * client polls, and keeps its used event index out of the switch's way,
 * as a busy guest driver does; when nothing moves it lets whatever
 * shares its CPU run first.
 */
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vhu.h"

#define HDRLEN		12	/* virtio_net_hdr_mrg_rxbuf */
#define GSO_FRAME	65536
#define ACQ(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define REL(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

struct ring {
	uint32_t	 num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t	 desc_g;	/* guest addresses */
	uint64_t	 avail_g;
	uint64_t	 used_g;
	uint16_t	 avail_idx;	/* ours, next to publish */
	uint16_t	 last_used;
	uint32_t	 inflight;
	int		 kick;
	int		 call;
	uint8_t		*bufs;
	uint64_t	 bufs_g;
	uint32_t	 buflen;
};

struct dev {
	int		 sock;
	int		 memfd;
	uint8_t		*mem;
	size_t		 memsize;
	struct ring	 rx;		/* ring 0 */
	struct ring	 tx;		/* ring 1 */
	uint8_t		 mac[6];
	uint64_t	 features;
};

static const char *prog = "vhostblast";
/* A lie that the switch refuses while being set up: sends may fail. */
static int lenient, gone;

static void	die(const char *, ...) __attribute__((noreturn,
		    format(printf, 1, 2)));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
msg_send(struct dev *d, uint32_t req, uint32_t flags, const void *p,
    uint32_t size, const int *fds, int nfds)
{
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(VHU_FDS_MAX * sizeof(int))];
	} ctl;
	struct vhu_hdr h = { req, VHU_VERSION | flags, size };
	struct iovec iov[2] = { { &h, VHU_HDRLEN }, { (void *)p, size } };
	struct msghdr mh;
	struct cmsghdr *c;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = size ? 2 : 1;
	if (nfds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
	}
	return sendmsg(d->sock, &mh, MSG_NOSIGNAL) ==
	    (ssize_t)(VHU_HDRLEN + size) ? 0 : -1;
}

/* A reply of exactly size bytes; -1 when the switch closed instead. */
static int
msg_reply(struct dev *d, void *p, uint32_t size)
{
	uint8_t buf[VHU_HDRLEN + VHU_PAYLOAD_MAX];
	struct vhu_hdr h;
	size_t have = 0;
	ssize_t r;

	while (have < VHU_HDRLEN + size) {
		r = read(d->sock, buf + have, VHU_HDRLEN + size - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	memcpy(&h, buf, VHU_HDRLEN);
	if (h.size != size || !(h.flags & VHU_FLAG_REPLY))
		return -1;
	memcpy(p, buf + VHU_HDRLEN, size);
	return 0;
}

static void
msg_failed(const char *what, uint32_t req)
{
	if (!lenient)
		die("%s %s", what, vhu_name(req));
	gone = 1;
}

static uint64_t
msg_get(struct dev *d, uint32_t req)
{
	uint64_t v = 0;

	if (msg_send(d, req, 0, NULL, 0, NULL, 0) == -1 ||
	    msg_reply(d, &v, sizeof(v)) == -1)
		msg_failed("no reply to", req);
	return v;
}

static void
msg_u64(struct dev *d, uint32_t req, uint64_t v, int fd)
{
	if (msg_send(d, req, 0, &v, sizeof(v), &fd, fd == -1 ? 0 : 1) == -1)
		msg_failed("cannot send", req);
}

static void
msg_state(struct dev *d, uint32_t req, uint32_t index, uint32_t num)
{
	struct vhu_state st = { index, num };

	if (msg_send(d, req, 0, &st, sizeof(st), NULL, 0) == -1)
		msg_failed("cannot send", req);
}

/* Lay out a ring of num entries and its buffers at *off in memory. */
static void
ring_layout(struct dev *d, struct ring *r, uint32_t num, uint32_t buflen,
    size_t *off)
{
	r->num = num;
	r->desc_g = *off;
	r->avail_g = r->desc_g + 16 * (size_t)num;
	r->used_g = (r->avail_g + 6 + 2 * (size_t)num + 4095) & ~4095ULL;
	r->bufs_g = (r->used_g + 6 + 8 * (size_t)num + 4095) & ~4095ULL;
	r->buflen = buflen;
	*off = r->bufs_g + (size_t)num * buflen;
	*off = (*off + 4095) & ~(size_t)4095;
	(void)d;
}

static void
ring_map(struct dev *d, struct ring *r)
{
	r->desc = (struct vring_desc *)(void *)(d->mem + r->desc_g);
	r->avail = (struct vring_avail *)(void *)(d->mem + r->avail_g);
	r->used = (struct vring_used *)(void *)(d->mem + r->used_g);
	r->bufs = d->mem + r->bufs_g;
	if ((r->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (r->call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		die("eventfd: %s", strerror(errno));
}

static uint16_t *
ring_used_event(struct ring *r)
{
	return &r->avail->ring[r->num];
}

static uint16_t *
ring_avail_event(struct ring *r)
{
	return (uint16_t *)(void *)&r->used->ring[r->num];
}

/* Publish what was added since old, and kick when the switch asks. */
static void
ring_kick(struct ring *r, uint16_t old)
{
	uint64_t one = 1;

	REL(&r->avail->idx, r->avail_idx);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vring_need_event(ACQ(ring_avail_event(r)), r->avail_idx, old))
		(void)write(r->kick, &one, sizeof(one));
	/* Interrupts: not before half the ring is used again. */
	REL(ring_used_event(r), (uint16_t)(r->last_used + 0x8000));
}

static void
vring_setup_msgs(struct dev *d, uint32_t index, struct ring *r, int nokick)
{
	struct vhu_addr a;

	msg_state(d, VHU_SET_VRING_NUM, index, r->num);
	msg_state(d, VHU_SET_VRING_BASE, index, 0);
	memset(&a, 0, sizeof(a));
	a.index = index;
	a.desc = (uint64_t)(uintptr_t)(d->mem + r->desc_g);
	a.avail = (uint64_t)(uintptr_t)(d->mem + r->avail_g);
	a.used = (uint64_t)(uintptr_t)(d->mem + r->used_g);
	if (msg_send(d, VHU_SET_VRING_ADDR, 0, &a, sizeof(a), NULL, 0) == -1)
		msg_failed("cannot send", VHU_SET_VRING_ADDR);
	if (nokick)
		msg_u64(d, VHU_SET_VRING_KICK, index | VHU_VRING_NOFD, -1);
	else
		msg_u64(d, VHU_SET_VRING_KICK, index, r->kick);
	msg_u64(d, VHU_SET_VRING_CALL, index, r->call);
}

static void
mem_table(struct dev *d, int fd, uint64_t gpa, uint64_t size, uint64_t uva)
{
	struct vhu_mem m;

	memset(&m, 0, sizeof(m));
	m.nregions = 1;
	m.r[0].gpa = gpa;
	m.r[0].size = size;
	m.r[0].uva = uva;
	if (msg_send(d, VHU_SET_MEM_TABLE, 0, &m, 8 + sizeof(m.r[0]), &fd,
	    1) == -1)
		msg_failed("cannot send", VHU_SET_MEM_TABLE);
}

/* Receive buffers, all of them, given to the switch. */
static void
rx_fill(struct ring *r)
{
	uint16_t old = r->avail_idx;
	uint32_t i;

	for (i = 0; i < r->num; i++) {
		r->desc[i].addr = r->bufs_g + (uint64_t)i * r->buflen;
		r->desc[i].len = r->buflen;
		r->desc[i].flags = VRING_DESC_F_WRITE;
		r->avail->ring[r->avail_idx++ & (r->num - 1)] = (uint16_t)i;
	}
	ring_kick(r, old);
}

static int
dev_open(struct dev *d, const char *path, uint32_t num, uint32_t rxbuf,
    uint32_t txbuf, const char *lie, int macbyte)
{
	struct sockaddr_un sun;
	size_t off = 0;
	uint64_t f;
	int sealed = lie == NULL || strcmp(lie, "unsealed") != 0;

	memset(d, 0, sizeof(*d));
	if ((d->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket: %s", strerror(errno));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (connect(d->sock, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die("connect %s: %s", path, strerror(errno));
	ring_layout(d, &d->rx, num, rxbuf, &off);
	ring_layout(d, &d->tx, num, txbuf, &off);
	d->memsize = off;
	d->memfd = memfd_create("vhostblast", MFD_CLOEXEC |
	    (sealed ? MFD_ALLOW_SEALING : 0));
	if (d->memfd == -1 || ftruncate(d->memfd, (off_t)d->memsize) == -1)
		die("memfd: %s", strerror(errno));
	if (sealed && fcntl(d->memfd, F_ADD_SEALS, F_SEAL_SHRINK |
	    F_SEAL_GROW) == -1)
		die("seals: %s", strerror(errno));
	d->mem = mmap(NULL, d->memsize, PROT_READ | PROT_WRITE, MAP_SHARED,
	    d->memfd, 0);
	if (d->mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	ring_map(d, &d->rx);
	ring_map(d, &d->tx);
	d->mac[0] = 0x02;
	d->mac[5] = (uint8_t)macbyte;

	f = msg_get(d, VHU_GET_FEATURES);
	d->features = f & (VHU_BIT(VHU_F_VERSION_1) | VHU_BIT(VHU_F_MRG_RXBUF) |
	    VHU_BIT(VHU_F_EVENT_IDX) | VHU_BIT(VHU_F_INDIRECT_DESC) |
	    VHU_BIT(VHU_F_CSUM) | VHU_BIT(VHU_F_GUEST_CSUM) |
	    VHU_BIT(VHU_F_GUEST_TSO4) | VHU_BIT(VHU_F_GUEST_TSO6) |
	    VHU_BIT(VHU_F_GUEST_ECN) | VHU_BIT(VHU_F_HOST_TSO4) |
	    VHU_BIT(VHU_F_HOST_TSO6) | VHU_BIT(VHU_F_HOST_ECN) |
	    VHU_BIT(VHU_F_PROTOCOL_FEATURES));
	if (!gone && (!(d->features & VHU_BIT(VHU_F_EVENT_IDX)) ||
	    !(d->features & VHU_BIT(VHU_F_MRG_RXBUF))))
		die("the switch lacks %s", "event_idx or mrg_rxbuf");
	msg_u64(d, VHU_SET_FEATURES, d->features, -1);
	(void)msg_get(d, VHU_GET_PROTOCOL_FEATURES);
	msg_u64(d, VHU_SET_PROTOCOL_FEATURES, VHU_BIT(VHU_PF_REPLY_ACK), -1);
	if (msg_send(d, VHU_SET_OWNER, 0, NULL, 0, NULL, 0) == -1)
		msg_failed("cannot send", VHU_SET_OWNER);
	mem_table(d, d->memfd, 0, d->memsize, (uint64_t)(uintptr_t)d->mem);
	rx_fill(&d->rx);
	vring_setup_msgs(d, 0, &d->rx, 0);
	vring_setup_msgs(d, 1, &d->tx, lie != NULL && strcmp(lie,
	    "nokick") == 0);
	msg_state(d, VHU_SET_VRING_ENABLE, 0, 1);
	/* The last one acknowledged: the device is set up. */
	{
		struct vhu_state st = { 1, 1 };
		uint64_t ack;

		if (gone || msg_send(d, VHU_SET_VRING_ENABLE,
		    VHU_FLAG_NEED_REPLY, &st, sizeof(st), NULL, 0) == -1 ||
		    msg_reply(d, &ack, sizeof(ack)) == -1 || ack != 0)
			return -1;
	}
	return 0;
}

/* Reclaim what the switch has sent of ours. */
static void
tx_reclaim(struct ring *r)
{
	uint16_t u = ACQ(&r->used->idx);

	r->inflight -= (uint16_t)(u - r->last_used);
	r->last_used = u;
}

/*
 * Queue one frame (a header, then len bytes) in descriptor slot i of the
 * transmit ring, without publishing; 0 when the ring is full.
 */
static int
tx_put(struct ring *r, const struct virtio_net_hdr *h, const uint8_t *f,
    size_t len)
{
	uint32_t i = r->avail_idx & (r->num - 1);
	uint8_t *b = r->bufs + (size_t)i * r->buflen;

	if (r->inflight == r->num)
		return 0;
	memset(b, 0, HDRLEN);
	if (h != NULL)
		memcpy(b, h, sizeof(*h));
	if (f != NULL)
		memcpy(b + HDRLEN, f, len);
	r->desc[i].addr = r->bufs_g + (uint64_t)i * r->buflen;
	r->desc[i].len = (uint32_t)(HDRLEN + len);
	r->desc[i].flags = 0;
	r->avail->ring[r->avail_idx & (r->num - 1)] = (uint16_t)i;
	r->avail_idx++;
	r->inflight++;
	return 1;
}

static void
tx_send(struct ring *r, const struct virtio_net_hdr *h, const uint8_t *f,
    size_t len)
{
	uint16_t old = r->avail_idx;
	double t0 = now();

	for (;;) {
		tx_reclaim(r);
		if (tx_put(r, h, f, len))
			break;
		if (now() - t0 > 5)
			die("%s", "the switch takes no frames");
	}
	ring_kick(r, old);
}

/*
 * The next frame received, gathered from its buffers into out (up to
 * max bytes, the header first); its length, 0 when none came in time.
 */
static size_t
rx_next(struct ring *r, uint8_t *out, size_t max, double timeout)
{
	struct vring_used_elem e;
	uint16_t old = r->avail_idx, nb = 1, k;
	size_t got = 0, n;
	double t0 = now();

	while (ACQ(&r->used->idx) == r->last_used)
		if (timeout == 0 || now() - t0 > timeout)
			return 0;
	for (k = 0; k < nb; k++) {
		while (ACQ(&r->used->idx) == r->last_used)
			if (now() - t0 > 5)
				die("%s", "a frame's buffers never came");
		e = r->used->ring[r->last_used & (r->num - 1)];
		r->last_used++;
		n = e.len < max - got ? e.len : max - got;
		memcpy(out + got, r->bufs + (size_t)e.id * r->buflen, n);
		if (k == 0)
			memcpy(&nb, out + 10, sizeof(nb));
		got += n;
		r->avail->ring[r->avail_idx++ & (r->num - 1)] = (uint16_t)e.id;
	}
	ring_kick(r, old);
	return got;
}

static size_t
frame_make(uint8_t *f, const uint8_t *dst, const uint8_t *src, size_t len,
    uint32_t seq)
{
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;	/* local experimental ethertype */
	f[13] = 0xb5;
	memcpy(f + 14, &seq, sizeof(seq));
	for (i = 18; i < len; i++)
		f[i] = (uint8_t)(seq + i);
	return len;
}

/* A TCP/IPv4 segmentation frame of GSO_FRAME bytes, and its header. */
static void
gso_make(uint8_t *f, struct virtio_net_hdr *h, const uint8_t *dst,
    const uint8_t *src)
{
	size_t i, iplen = GSO_FRAME - 14;

	memset(f, 0, 54);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(iplen >> 8);
	f[17] = (uint8_t)iplen;
	f[22] = 64;
	f[23] = 6;
	f[26] = 10;
	f[29] = 1;
	f[30] = 10;
	f[33] = 2;
	f[34 + 12] = 5 << 4;
	f[34 + 13] = 0x10;
	for (i = 54; i < GSO_FRAME; i++)
		f[i] = (uint8_t)i;
	memset(h, 0, sizeof(*h));
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h->hdr_len = 54;
	h->gso_size = 1448;
	h->csum_start = 34;
	h->csum_offset = 16;
}

static void
learn(struct dev *a, struct dev *b)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[64], in[2048];

	frame_make(f, bcast, a->mac, 60, 0);
	tx_send(&a->tx, NULL, f, 60);
	if (rx_next(&b->rx, in, sizeof(in), 5) == 0)
		die("%s", "a broadcast from A did not reach B");
	frame_make(f, bcast, b->mac, 60, 0);
	tx_send(&b->tx, NULL, f, 60);
	if (rx_next(&a->rx, in, sizeof(in), 5) == 0)
		die("%s", "a broadcast from B did not reach A");
}

/* Give every transmit buffer back to the switch; how many were given. */
static uint32_t
blast_tx(struct ring *r)
{
	uint16_t old = r->avail_idx;
	uint32_t n = 0;

	tx_reclaim(r);
	for (; r->inflight < r->num; n++, r->inflight++, r->avail_idx++)
		r->avail->ring[r->avail_idx & (r->num - 1)] =
		    (uint16_t)(r->avail_idx & (r->num - 1));
	if (n > 0)
		ring_kick(r, old);
	return n;
}

/* Take what came and give the buffers back; how many came. */
static uint32_t
blast_rx(struct ring *r, uint64_t *bytes)
{
	struct vring_used_elem *e;
	uint16_t old = r->avail_idx, u = ACQ(&r->used->idx);
	uint32_t n = 0;

	for (; r->last_used != u; n++) {
		e = &r->used->ring[r->last_used++ & (r->num - 1)];
		*bytes += e->len - HDRLEN;
		r->avail->ring[r->avail_idx++ & (r->num - 1)] = (uint16_t)e->id;
	}
	if (n > 0)
		ring_kick(r, old);
	return n;
}

static int
blast(struct dev *a, struct dev *b, size_t size, int gso, double secs)
{
	static uint8_t f[GSO_FRAME];
	struct virtio_net_hdr h;
	uint64_t sent = 0, recvd = 0, bytes = 0, warm = 0;
	double t0, t1 = 0, first = 0, end;
	uint32_t i, n, got, put, idle = 0;
	size_t len;

	learn(a, b);
	if (gso) {
		gso_make(f, &h, b->mac, a->mac);
		len = GSO_FRAME;
	} else {
		memset(&h, 0, sizeof(h));
		len = frame_make(f, b->mac, a->mac, size, 1);
	}
	/* Every transmit buffer holds the frame: sending is publishing. */
	for (i = 0; i < a->tx.num; i++) {
		memset(a->tx.bufs + (size_t)i * a->tx.buflen, 0, HDRLEN);
		memcpy(a->tx.bufs + (size_t)i * a->tx.buflen, &h, sizeof(h));
		memcpy(a->tx.bufs + (size_t)i * a->tx.buflen + HDRLEN, f, len);
		a->tx.desc[i].addr = a->tx.bufs_g + (uint64_t)i * a->tx.buflen;
		a->tx.desc[i].len = (uint32_t)(HDRLEN + len);
		a->tx.desc[i].flags = 0;
	}
	/*
	 * A warm-up first, not counted: the switch maps guest memory page
	 * by page as it first touches it, once per buffer.
	 */
	end = now() + (secs < 1 ? secs : 1);
	for (n = 0; (n & 63) != 0 || now() < end; n++) {
		(void)blast_tx(&a->tx);
		(void)blast_rx(&b->rx, &warm);
	}
	sent = a->tx.inflight;	/* in flight now: counted as they come */
	t0 = now();
	end = t0 + secs;
	for (n = 0; (n & 63) != 0 || (t1 = now()) < end; n++) {
		sent += put = blast_tx(&a->tx);
		got = blast_rx(&b->rx, &bytes);
		if (put > 0 || got > 0)
			idle = 0;
		else if (++idle == 64) {
			/* Nothing moves: whoever shares the CPU goes first. */
			sched_yield();
			idle = 0;
		}
		if (got == 0)
			continue;
		if (first == 0)
			first = now();
		recvd += got;
		t1 = now();
	}
	/* What was sent and not yet received may still come. */
	end = now() + 0.5;
	while (now() < end)
		if ((got = blast_rx(&b->rx, &bytes)) > 0) {
			recvd += got;
			t1 = now();
		}
	tx_reclaim(&a->tx);
	sent -= a->tx.inflight;
	if (first == 0 || t1 <= first)
		first = t0, t1 = t0 + 1;
	printf("sent %llu received %llu seconds %.3f fps %.0f gbps %.3f "
	    "loss %.4f\n", (unsigned long long)sent,
	    (unsigned long long)recvd, t1 - first,
	    (double)recvd / (t1 - first), (double)bytes * 8 / (t1 - first) /
	    1e9, sent ? 100.0 * (double)(sent - (recvd < sent ? recvd : sent)) /
	    (double)sent : 0.0);
	return 0;
}

/* The next frame from a to b: others (a tap's multicast) are passed by. */
static size_t
rx_from(struct dev *b, const struct dev *a, uint8_t *in, size_t max)
{
	size_t n;

	do
		n = rx_next(&b->rx, in, max, 5);
	while (n >= HDRLEN + 12 && memcmp(in + HDRLEN + 6, a->mac, 6) != 0);
	return n;
}

/* Frames one way, checked as they come; a count of the bad ones. */
static int
exchange_one(struct dev *a, struct dev *b, const char *dir)
{
	static uint8_t f[GSO_FRAME], in[GSO_FRAME + HDRLEN + 64];
	static const size_t sizes[] = { 60, 61, 64, 100, 511, 1024, 1514,
	    2000, 4000, 9014 };
	struct virtio_net_hdr h, got;
	size_t i, len, n;
	int bad = 0;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		len = frame_make(f, b->mac, a->mac, sizes[i], (uint32_t)i);
		tx_send(&a->tx, NULL, f, len);
		n = rx_from(b, a, in, sizeof(in));
		if (n != HDRLEN + len || memcmp(in + HDRLEN, f, len) != 0) {
			fprintf(stderr, "%s: %s: a frame of %zu bytes came as "
			    "%zu bytes%s\n", prog, dir, len, n >= HDRLEN ?
			    n - HDRLEN : 0, n == HDRLEN + len ? ", changed" :
			    "");
			bad++;
		}
	}
	gso_make(f, &h, b->mac, a->mac);
	tx_send(&a->tx, &h, f, GSO_FRAME);
	n = rx_from(b, a, in, sizeof(in));
	memcpy(&got, in, sizeof(got));
	if (n != HDRLEN + GSO_FRAME || memcmp(in + HDRLEN, f, GSO_FRAME) != 0 ||
	    got.gso_type != h.gso_type || got.gso_size != h.gso_size ||
	    !(got.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		fprintf(stderr, "%s: %s: the 64 KiB segmentation frame came as "
		    "%zu bytes, gso_type %u, gso_size %u\n", prog, dir,
		    n >= HDRLEN ? n - HDRLEN : 0, got.gso_type, got.gso_size);
		bad++;
	}
	return bad;
}

static int
exchange(struct dev *a, struct dev *b)
{
	int bad;

	learn(a, b);
	bad = exchange_one(a, b, "A to B") + exchange_one(b, a, "B to A");
	if (bad == 0)
		printf("all frames came whole, the 64 KiB one in one piece\n");
	return bad ? 1 : 0;
}

/*
 * The frames that came to d from a since last time, each checked: its
 * number in *seq (after the last one, which is sent, 0 when none came
 * yet) and its bytes.  Takes up to max; how many came, -1 for a bad one.
 */
static int
steady_rx(struct dev *d, const struct dev *a, uint32_t *last, uint32_t max)
{
	static uint8_t in[4096], want[1000];
	uint32_t n = 0, seq;
	size_t len;

	while (n < max && (len = rx_next(&d->rx, in, sizeof(in), 0)) > 0) {
		if (len < HDRLEN + 18 || (in[HDRLEN] & 1) ||
		    memcmp(in + HDRLEN + 6, a->mac, 6) != 0)
			continue;	/* a broadcast, or not from A */
		memcpy(&seq, in + HDRLEN + 14, sizeof(seq));
		frame_make(want, d->mac, a->mac, sizeof(want), seq);
		if (len != HDRLEN + sizeof(want) || memcmp(in + HDRLEN, want,
		    sizeof(want)) != 0 || (*last != 0 && seq <= *last)) {
			fprintf(stderr, "%s: frame %u came after %u, or changed "
			    "(%zu bytes)\n", prog, seq, *last, len - HDRLEN);
			return -1;
		}
		*last = seq;
		n++;
	}
	return (int)n;
}

/*
 * A steady sender, a slow reader, and a third port that must not wait
 * for it (vhostblast -l): see the top of the file.
 */
static int
steady(struct dev *a, struct dev *b, struct dev *c, uint32_t count, int alt)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static uint8_t f[1000];
	double t0, tb, quiet;
	uint32_t seq = 1, lastb = 0, lastc = 0, nb = 0, nc = 0, gotb = 0,
	    gotc = 0, *bbefore, passed = UINT32_MAX;
	uint16_t old;
	int k, kc;

	if ((bbefore = calloc(count + 1, sizeof(*bbefore))) == NULL)
		die("%s", "out of memory");
	learn(a, b);
	if (c != NULL) {
		frame_make(f, bcast, c->mac, 60, 0);
		tx_send(&c->tx, NULL, f, 60);
		t0 = now();
		while (rx_next(&a->rx, f, sizeof(f), 1) < HDRLEN + 12 ||
		    memcmp(f + HDRLEN + 6, c->mac, 6) != 0)
			if (now() - t0 > 5)
				die("%s", "a broadcast from C did not reach A");
	}
	t0 = tb = quiet = now();
	while (now() - t0 < 30) {
		tx_reclaim(&a->tx);
		old = a->tx.avail_idx;
		for (; seq <= count && a->tx.inflight < 192; seq++) {
			int toc = c != NULL && (alt ? seq % 2 == 0 :
			    seq % 500 == 0);

			frame_make(f, toc ? c->mac : b->mac, a->mac, sizeof(f),
			    seq);
			tx_put(&a->tx, NULL, f, sizeof(f));
			bbefore[seq] = nb;
			if (toc)
				nc++;
			else
				nb++;
		}
		if (a->tx.avail_idx != old)
			ring_kick(&a->tx, old);
		/* B: a frame a millisecond, never more. */
		k = 0;
		if (now() - tb >= 0.001) {
			tb += 0.001;
			if ((k = steady_rx(b, a, &lastb, 1)) < 0)
				return 1;
			gotb += (uint32_t)k;
		}
		/* C: all there is, one by one, each seen against B. */
		while (c != NULL && (kc = steady_rx(c, a, &lastc, 1)) != 0) {
			if (kc < 0)
				return 1;
			gotc++;
			k++;
			if (bbefore[lastc] - gotb < passed)
				passed = bbefore[lastc] - gotb;
		}
		if (k > 0 || seq <= count)
			quiet = now();
		else if (now() - quiet > 0.5)
			break;	/* all sent, and nothing more comes */
	}
	printf("B got %u of %u in order, C got %u of %u, each past %u frames "
	    "for B sent before it, in %.2f seconds\n", gotb, nb, gotc, nc,
	    passed == UINT32_MAX ? 0 : passed, now() - t0 - 0.5);
	free(bbefore);
	return 0;
}

/* Wait for the switch to close the connection: 0 when it did. */
static int
closed_within(struct dev *d, double secs)
{
	struct pollfd pfd = { d->sock, POLLIN, 0 };
	char buf[256];
	double end = now() + secs;

	while (now() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (read(d->sock, buf, sizeof(buf)) <= 0)
			return 0;
	}
	return 1;
}

/* One descriptor chain as the lie wants, published and kicked. */
static int
lie(struct dev *d, const char *how)
{
	struct ring *r = &d->tx;
	uint16_t old = r->avail_idx;
	uint64_t one = 1;
	int fd;

	r->desc[0].addr = r->bufs_g;
	r->desc[0].len = 64;
	r->desc[0].flags = 0;
	r->avail->ring[r->avail_idx & (r->num - 1)] = 0;
	if (strcmp(how, "addr") == 0)
		r->desc[0].addr = d->memsize + 4096;
	else if (strcmp(how, "loop") == 0) {
		r->desc[0].flags = VRING_DESC_F_NEXT;
		r->desc[0].next = 1;
		r->desc[1] = r->desc[0];
		r->desc[1].next = 0;
	} else if (strcmp(how, "next") == 0) {
		r->desc[0].flags = VRING_DESC_F_NEXT;
		r->desc[0].next = (uint16_t)r->num;
	} else if (strcmp(how, "head") == 0)
		r->avail->ring[r->avail_idx & (r->num - 1)] =
		    (uint16_t)r->num;
	else if (strcmp(how, "indirect") == 0) {
		/* A table that points at itself. */
		r->desc[0].flags = VRING_DESC_F_INDIRECT;
		r->desc[0].len = 16;
		r->desc[0].addr = r->desc_g;
	} else if (strcmp(how, "index") == 0)
		r->avail_idx = (uint16_t)(r->num + 1);
	else if (strcmp(how, "memtable") == 0) {
		/* A new table of a memfd of its own: the rings are not in it. */
		fd = memfd_create("vhostblast-other", MFD_CLOEXEC |
		    MFD_ALLOW_SEALING);
		if (fd == -1 || ftruncate(fd, 1 << 20) == -1 ||
		    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == -1)
			die("memfd: %s", strerror(errno));
		mem_table(d, fd, 0, 1 << 20, 0x10000000);
		close(fd);
		return 0;
	} else if (strcmp(how, "size") == 0) {
		struct vhu_hdr h = { VHU_SET_OWNER, VHU_VERSION, 1 << 20 };

		return write(d->sock, &h, sizeof(h)) == sizeof(h) ? 0 : -1;
	} else
		die("no lie called %s", how);
	r->avail_idx++;
	REL(&r->avail->idx, r->avail_idx);
	(void)old;
	return write(r->kick, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

static int
hostile(const char *how, const char *path)
{
	struct dev d;

	lenient = 1;
	if (dev_open(&d, path, 256, 2048, 2048, how, 1) == -1) {
		/* Refused while being set up: as good, for these. */
		if (strcmp(how, "nokick") == 0 || strcmp(how, "unsealed") == 0)
			goto done;
		die("%s", "the switch closed the connection while it was set up");
	}
	if (strcmp(how, "nokick") == 0 || strcmp(how, "unsealed") == 0)
		die("the switch took a device with %s", how);
	if (lie(&d, how) == -1)
		die("%s", "cannot lie: the connection is gone already");
	if (closed_within(&d, 5) != 0)
		die("the switch did not close the port after \"%s\"", how);
done:
	printf("the switch closed the connection after \"%s\"\n", how);
	return 0;
}

/* Attached until killed: a broadcast first, then ARP answered. */
static int	wait_mode(const char *, int) __attribute__((noreturn));

static int
wait_mode(const char *path, int macbyte)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[64], in[4096], *a;
	struct dev d;
	size_t n;

	if (dev_open(&d, path, 256, 2048, 2048, NULL, macbyte) == -1)
		die("%s", "the switch refused the device");
	frame_make(f, bcast, d.mac, 60, 0);
	tx_send(&d.tx, NULL, f, 60);
	printf("attached as 02:00:00:00:00:%02x\n", macbyte);
	fflush(stdout);
	for (;;) {
		if ((n = rx_next(&d.rx, in, sizeof(in), 1)) < HDRLEN + 42)
			continue;
		a = in + HDRLEN;
		/* ARP request for 10.0.0.macbyte: the reply. */
		if (a[12] != 0x08 || a[13] != 0x06 || a[21] != 1 ||
		    a[38] != 10 || a[39] != 0 || a[40] != 0 || a[41] != macbyte)
			continue;
		memset(f, 0, sizeof(f));
		memcpy(f, a + 6, 6);
		memcpy(f + 6, d.mac, 6);
		memcpy(f + 12, a + 12, 8);
		f[21] = 2;
		memcpy(f + 22, d.mac, 6);
		memcpy(f + 28, a + 38, 4);
		memcpy(f + 32, a + 22, 10);
		tx_send(&d.tx, NULL, f, 60);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-g] [-s size] [-t seconds] [-n ring] "
	    "SOCK_A SOCK_B\n       %s -l [-a] [-c count] SOCK_A SOCK_B "
	    "[SOCK_C]\n       %s -e SOCK_A SOCK_B\n"
	    "       %s -x addr|loop|index|head|next|indirect|memtable|nokick|"
	    "unsealed|size SOCK\n       %s -w [-m N] SOCK\n", prog, prog, prog,
	    prog, prog);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct dev a, b, d3;
	const char *how = NULL;
	double secs = 3;
	size_t size = 64;
	uint32_t num = 256, buf, count = 2000;
	int c, gso = 0, check = 0, wait = 0, macbyte = 1, lossless = 0,
	    alt = 0;

	while ((c = getopt(argc, argv, "ac:eglm:n:s:t:wx:")) != -1) {
		switch (c) {
		case 'a':
			alt = 1;
			break;
		case 'c':
			count = (uint32_t)atoi(optarg);
			break;
		case 'l':
			lossless = 1;
			break;
		case 'e':
			check = 1;
			break;
		case 'g':
			gso = 1;
			break;
		case 'm':
			macbyte = atoi(optarg);
			break;
		case 'n':
			num = (uint32_t)atoi(optarg);
			break;
		case 's':
			size = (size_t)atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'w':
			wait = 1;
			break;
		case 'x':
			how = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (num == 0 || (num & (num - 1)) != 0 || num > 32768 || size < 60 ||
	    size > 9014 || macbyte < 1 || macbyte > 254)
		usage();
	if (how != NULL || wait) {
		if (argc != 1)
			usage();
		return how != NULL ? hostile(how, argv[0]) :
		    wait_mode(argv[0], macbyte);
	}
	if (lossless) {
		if (argc != 2 && argc != 3)
			usage();
		if (count == 0 || count > 1000000 || dev_open(&a, argv[0],
		    1024, 2048, 2048, NULL, 1) == -1 || dev_open(&b, argv[1],
		    num, 2048, 2048, NULL, 2) == -1 || (argc == 3 &&
		    dev_open(&d3, argv[2], 256, 2048, 2048, NULL, 3) == -1))
			die("%s", "the switch refused a device");
		return steady(&a, &b, argc == 3 ? &d3 : NULL, count, alt);
	}
	if (argc != 2)
		usage();
	/* Small receive buffers when checking: frames span several. */
	buf = check ? 2048 : gso ? GSO_FRAME + HDRLEN : 2048;
	if (dev_open(&a, argv[0], num, buf, GSO_FRAME + HDRLEN, NULL, 1) ==
	    -1 || dev_open(&b, argv[1], num, buf, GSO_FRAME + HDRLEN, NULL,
	    2) == -1)
		die("%s", "the switch refused a device");
	return check ? exchange(&a, &b) : blast(&a, &b, size, gso, secs);
}
