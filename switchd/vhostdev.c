/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "util.h"
#include "vhostdev.h"

/*
 * Offered: checksum and TCP segmentation offloads both ways, so that a
 * 64 KiB segment crosses the switch whole; mergeable receive buffers;
 * indirect descriptors and event indexes, for fewer notifications.  The
 * link status and the control queue are QEMU's own, offered so the guest
 * gets them.  Not offered: several queue pairs, packed rings, an IOMMU,
 * and logging for live migration (QEMU refuses to migrate without it).
 */
const uint64_t vhostdev_features =
    VHU_BIT(VHU_F_CSUM) | VHU_BIT(VHU_F_GUEST_CSUM) |
    VHU_BIT(VHU_F_GUEST_TSO4) | VHU_BIT(VHU_F_GUEST_TSO6) |
    VHU_BIT(VHU_F_GUEST_ECN) | VHU_BIT(VHU_F_HOST_TSO4) |
    VHU_BIT(VHU_F_HOST_TSO6) | VHU_BIT(VHU_F_HOST_ECN) |
    VHU_BIT(VHU_F_MRG_RXBUF) | VHU_BIT(VHU_F_STATUS) |
    VHU_BIT(VHU_F_CTRL_VQ) | VHU_BIT(VHU_F_CTRL_RX) |
    VHU_BIT(VHU_F_GUEST_ANNOUNCE) | VHU_BIT(VHU_F_ANY_LAYOUT) |
    VHU_BIT(VHU_F_INDIRECT_DESC) | VHU_BIT(VHU_F_EVENT_IDX) |
    VHU_BIT(VHU_F_PROTOCOL_FEATURES) | VHU_BIT(VHU_F_VERSION_1);

/* Replies to any request when asked (REPLY_ACK); one queue pair only. */
const uint64_t vhostdev_protocol = VHU_BIT(VHU_PF_REPLY_ACK);

static void
vhostdev_ring_init(struct vhostdev_ring *r)
{
	memset(r, 0, sizeof(*r));
	r->kick = -1;
	r->call = -1;
}

void
vhostdev_init(struct vhostdev *d, const struct vhostdev_ops *ops, void *arg)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->arg = arg;
	d->hdrlen = 10;
	vhostdev_ring_init(&d->ring[0]);
	vhostdev_ring_init(&d->ring[1]);
}

static void
vhostdev_close(struct vhostdev *d, int *fd)
{
	if (*fd != -1)
		d->ops->close(d->arg, *fd);
	*fd = -1;
}

static void
vhostdev_unmap(struct vhostdev *d, void **map, uint64_t *maplen, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (map[i] != NULL)
			d->ops->unmap(d->arg, map[i], maplen[i]);
}

void
vhostdev_free(struct vhostdev *d)
{
	int i;

	for (i = 0; i < 2; i++) {
		vhostdev_close(d, &d->ring[i].kick);
		vhostdev_close(d, &d->ring[i].call);
	}
	vhostdev_unmap(d, d->map, d->maplen, d->mem.n);
	d->mem.n = 0;
}

int
vhostdev_has(const struct vhostdev *d, unsigned int bit)
{
	return (d->features & VHU_BIT(bit)) != 0;
}

/* Whether ring i may be read and written now. */
int
vhostdev_ready(const struct vhostdev *d, int i)
{
	const struct vhostdev_ring *r = &d->ring[i];

	return r->started && r->vr.num != 0;
}

/* Ring i's place in the memory table, as its addresses say. */
static int
vhostdev_ring_map(struct vhostdev *d, int i, char *err, size_t len)
{
	struct vhostdev_ring *r = &d->ring[i];

	if (vring_setup(&r->vr, &d->mem, r->num, r->addr.desc, r->addr.avail,
	    r->addr.used) == -1)
		return util_err(err, len, "ring %d (%u entries at desc 0x%llx "
		    "avail 0x%llx used 0x%llx) is not inside the memory table, "
		    "or not aligned", i, r->num,
		    (unsigned long long)r->addr.desc,
		    (unsigned long long)r->addr.avail,
		    (unsigned long long)r->addr.used);
	return 0;
}

/*
 * A ring starts on its kick descriptor.  The used index in guest memory
 * says where the guest is: buffers taken but not given back by an
 * earlier back-end are not waited for.
 */
static int
vhostdev_start(struct vhostdev *d, int i, char *err, size_t len)
{
	struct vhostdev_ring *r = &d->ring[i];

	if (r->num == 0 || !r->have_addr)
		return util_err(err, len, "ring %d kicked before its size and "
		    "addresses were set", i);
	if (vhostdev_ring_map(d, i, err, len) == -1)
		return -1;
	r->vr.event_idx = vhostdev_has(d, VHU_F_EVENT_IDX);
	r->vr.indirect = vhostdev_has(d, VHU_F_INDIRECT_DESC);
	r->vr.last_used = __atomic_load_n(&r->vr.used->idx, __ATOMIC_ACQUIRE);
	r->vr.last_avail = r->base;
	if (r->vr.last_avail != r->vr.last_used)
		r->vr.last_avail = r->vr.last_used;
	r->vr.avail_idx = r->vr.last_avail;
	r->vr.signalled_ok = 0;
	r->started = 1;
	/* Without protocol features a ring is enabled as it starts. */
	if (!vhostdev_has(d, VHU_F_PROTOCOL_FEATURES))
		r->enabled = 1;
	return 0;
}

static void
vhostdev_stop(struct vhostdev *d, int i)
{
	struct vhostdev_ring *r = &d->ring[i];

	if (r->started)
		r->base = r->vr.last_avail;
	r->started = 0;
	vhostdev_close(d, &r->kick);
	vhostdev_close(d, &r->call);
}

/*
 * A new memory table, mapped whole before the old one goes, and the
 * rings that run found in it again: a table that no longer holds them
 * is an error, as is any region that is not one.
 */
static int
vhostdev_mem(struct vhostdev *d, struct vhu_msg *m, char *err, size_t len)
{
	const struct vhu_mem *t = &m->p.mem;
	const struct vhu_region *g;
	struct vring_mem old = d->mem, nm;
	void *map[VRING_REGIONS_MAX], *oldmap[VRING_REGIONS_MAX];
	uint64_t maplen[VRING_REGIONS_MAX], oldlen[VRING_REGIONS_MAX];
	char why[160];
	unsigned int i;

	memset(&nm, 0, sizeof(nm));
	memset(map, 0, sizeof(map));
	for (i = 0; i < t->nregions; i++) {
		g = &t->r[i];
		if (g->size == 0 || g->gpa + g->size < g->gpa ||
		    g->uva + g->size < g->uva ||
		    g->offset + g->size < g->offset) {
			util_err(err, len, "memory region %u: size 0x%llx at "
			    "0x%llx, offset 0x%llx: not a region", i,
			    (unsigned long long)g->size,
			    (unsigned long long)g->gpa,
			    (unsigned long long)g->offset);
			goto fail;
		}
		maplen[i] = g->offset + g->size;
		if ((map[i] = d->ops->map(d->arg, m->fds[i], &maplen[i], why,
		    sizeof(why))) == NULL) {
			util_err(err, len, "memory region %u: %s", i, why);
			goto fail;
		}
		nm.r[i].gpa = g->gpa;
		nm.r[i].uva = g->uva;
		nm.r[i].size = g->size;
		nm.r[i].host = (uint8_t *)map[i] + g->offset;
		nm.n = i + 1;
	}
	memcpy(oldmap, d->map, sizeof(oldmap));
	memcpy(oldlen, d->maplen, sizeof(oldlen));
	d->mem = nm;
	memcpy(d->map, map, sizeof(map));
	memcpy(d->maplen, maplen, sizeof(maplen));
	vhostdev_unmap(d, oldmap, oldlen, old.n);
	for (i = 0; i < 2; i++)
		if (d->ring[i].started && vhostdev_ring_map(d, (int)i, err,
		    len) == -1)
			return -1;
	return 0;
fail:
	vhostdev_unmap(d, map, maplen, nm.n);
	return -1;
}

static int
vhostdev_ring_index(uint32_t index, char *err, size_t len)
{
	if (index > 1)
		return util_err(err, len, "ring %u: this device has rings 0 "
		    "and 1 (one queue pair)", index);
	return (int)index;
}

/* SET_VRING_KICK, _CALL, _ERR: the descriptor goes where it belongs. */
static int
vhostdev_vring_fd(struct vhostdev *d, struct vhu_msg *m, char *err,
    size_t len)
{
	struct vhostdev_ring *r;
	int i, fd = m->nfds > 0 ? m->fds[0] : -1;

	if (m->p.u64 & ~(uint64_t)(VHU_VRING_IDX | VHU_VRING_NOFD))
		return util_err(err, len, "%s: flags 0x%llx not known",
		    vhu_name(m->h.request), (unsigned long long)m->p.u64);
	if ((i = vhostdev_ring_index(m->p.u64 & VHU_VRING_IDX, err,
	    len)) == -1)
		return -1;
	r = &d->ring[i];
	m->nfds = 0;	/* taken, or closed here */
	switch (m->h.request) {
	case VHU_SET_VRING_KICK:
		if (fd == -1)
			return util_err(err, len, "ring %d has no kick "
			    "descriptor: a ring that is polled is not "
			    "supported", i);
		vhostdev_close(d, &r->kick);
		r->kick = fd;
		return vhostdev_start(d, i, err, len);
	case VHU_SET_VRING_CALL:
		vhostdev_close(d, &r->call);
		r->call = fd;
		return 0;
	default:
		/* Errors are not reported: the front-end learns of them. */
		vhostdev_close(d, &fd);
		return 0;
	}
}

static int
vhostdev_features_set(struct vhostdev *d, uint64_t f, char *err, size_t len)
{
	if (f & ~vhostdev_features)
		return util_err(err, len, "SET_FEATURES: 0x%llx, features that "
		    "were not offered",
		    (unsigned long long)(f & ~vhostdev_features));
	d->features = f;
	d->features_set = 1;
	d->hdrlen = (f & (VHU_BIT(VHU_F_VERSION_1) |
	    VHU_BIT(VHU_F_MRG_RXBUF))) ? 12 : 10;
	return 0;
}

static void
vhostdev_reply(const struct vhu_msg *m, struct vhu_msg *reply,
    const void *p, uint32_t size)
{
	reply->h.request = m->h.request;
	reply->h.flags = VHU_VERSION | VHU_FLAG_REPLY;
	reply->h.size = size;
	memcpy(&reply->p, p, size);
}

/* The requests on a ring's size, base and addresses. */
static int
vhostdev_vring(struct vhostdev *d, struct vhu_msg *m, struct vhu_msg *reply,
    char *err, size_t len)
{
	struct vhostdev_ring *r;
	struct vhu_state st;
	int i;

	if ((i = vhostdev_ring_index(m->p.state.index, err, len)) == -1)
		return -1;
	r = &d->ring[i];
	switch (m->h.request) {
	case VHU_SET_VRING_NUM:
		if (m->p.state.num == 0 || m->p.state.num > VRING_NUM_MAX ||
		    (m->p.state.num & (m->p.state.num - 1)) != 0)
			return util_err(err, len, "ring %d: %u entries, not a "
			    "power of 2 up to %d", i, m->p.state.num,
			    VRING_NUM_MAX);
		if (r->started)
			return util_err(err, len, "ring %d: resized while it "
			    "runs", i);
		r->num = m->p.state.num;
		return 0;
	case VHU_SET_VRING_BASE:
		if (r->started)
			return util_err(err, len, "ring %d: base set while it "
			    "runs", i);
		r->base = (uint16_t)m->p.state.num;
		return 0;
	case VHU_SET_VRING_ADDR:
		if (r->started)
			return util_err(err, len, "ring %d: moved while it "
			    "runs", i);
		r->addr = m->p.addr;
		r->have_addr = 1;
		return 0;
	case VHU_GET_VRING_BASE:
		vhostdev_stop(d, i);
		st.index = (uint32_t)i;
		st.num = r->base;
		vhostdev_reply(m, reply, &st, sizeof(st));
		return 0;
	default:	/* VHU_SET_VRING_ENABLE */
		if (m->p.state.num > 1)
			return util_err(err, len, "ring %d: enable %u, not 0 "
			    "or 1", i, m->p.state.num);
		r->enabled = (int)m->p.state.num;
		return 0;
	}
}

static int
vhostdev_do(struct vhostdev *d, struct vhu_msg *m, struct vhu_msg *reply,
    char *err, size_t len)
{
	uint64_t v;

	switch (m->h.request) {
	case VHU_GET_FEATURES:
		vhostdev_reply(m, reply, &vhostdev_features, sizeof(v));
		return 0;
	case VHU_SET_FEATURES:
		return vhostdev_features_set(d, m->p.u64, err, len);
	case VHU_GET_PROTOCOL_FEATURES:
		vhostdev_reply(m, reply, &vhostdev_protocol, sizeof(v));
		return 0;
	case VHU_SET_PROTOCOL_FEATURES:
		if (m->p.u64 & ~vhostdev_protocol)
			return util_err(err, len, "SET_PROTOCOL_FEATURES: "
			    "0x%llx, features that were not offered",
			    (unsigned long long)(m->p.u64 &
			    ~vhostdev_protocol));
		d->protocol = m->p.u64;
		return 0;
	case VHU_GET_QUEUE_NUM:
		v = 1;
		vhostdev_reply(m, reply, &v, sizeof(v));
		return 0;
	case VHU_SET_OWNER:
		return 0;
	case VHU_RESET_OWNER:
		/* Deprecated; what it still means is: rings off. */
		vhostdev_stop(d, 0);
		vhostdev_stop(d, 1);
		return 0;
	case VHU_SET_MEM_TABLE:
		return vhostdev_mem(d, m, err, len);
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		return vhostdev_vring_fd(d, m, err, len);
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_SET_VRING_ADDR:
	case VHU_GET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		return vhostdev_vring(d, m, reply, err, len);
	default:
		/* Not offered, so not used: said once, refused if asked. */
		util_err(err, len, "%s (%u) ignored: not supported",
		    vhu_name(m->h.request), m->h.request);
		return 1;
	}
}

/*
 * Apply message m.  Its descriptors are the device's from here on, kept
 * or closed.  Returns -1 when the front-end broke the protocol (err says
 * how) and must be dropped, else 0; a reply to send has a request in
 * reply->h.request.  A request ignored leaves a note in err.
 */
int
vhostdev_msg(struct vhostdev *d, struct vhu_msg *m, struct vhu_msg *reply,
    char *err, size_t len)
{
	uint64_t ack;
	int i, rc;

	memset(&reply->h, 0, sizeof(reply->h));
	reply->nfds = 0;
	err[0] = '\0';
	if (vhu_check(m, err, len) == -1)
		rc = -1;
	else
		rc = vhostdev_do(d, m, reply, err, len);
	for (i = 0; i < m->nfds; i++)
		d->ops->close(d->arg, m->fds[i]);
	m->nfds = 0;
	if (rc == -1)
		return -1;
	/* REPLY_ACK: a request with no reply of its own gets 0 or 1. */
	if ((m->h.flags & VHU_FLAG_NEED_REPLY) && reply->h.request == 0 &&
	    (d->protocol & VHU_BIT(VHU_PF_REPLY_ACK))) {
		ack = rc != 0;
		vhostdev_reply(m, reply, &ack, sizeof(ack));
	}
	return 0;
}
