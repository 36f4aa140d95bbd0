/* SPDX-License-Identifier: ISC */
/*
 * The guest and the switch share these rings without a lock: the order
 * of loads and stores is what keeps them apart (virtio 1.x, 2.7.7 and
 * 2.7.13).  Indexes are read with acquire and written with release
 * semantics; the full fence before an event index is read is the one
 * place a store must be seen before a load.
 */
#include <string.h>

#include "vring.h"

#define VRING_ACQ(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define VRING_REL(p, v)		__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define VRING_FENCE()		__atomic_thread_fence(__ATOMIC_SEQ_CST)

/* The region that holds [a, a + len), by guest or front-end address. */
static uint8_t *
vring_mem_find(const struct vring_mem *m, uint64_t a, uint64_t len, int uva)
{
	const struct vring_region *r;
	uint64_t base;
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		r = &m->r[i];
		base = uva ? r->uva : r->gpa;
		if (a >= base && a - base < r->size && len <= r->size -
		    (a - base))
			return r->host + (a - base);
	}
	return NULL;
}

uint8_t *
vring_mem_gpa(const struct vring_mem *m, uint64_t gpa, uint64_t len)
{
	return vring_mem_find(m, gpa, len, 0);
}

uint8_t *
vring_mem_uva(const struct vring_mem *m, uint64_t uva, uint64_t len)
{
	return vring_mem_find(m, uva, len, 1);
}

/*
 * The ring of num entries at those front-end addresses, each part
 * inside one region and aligned as virtio asks.  The indexes are kept:
 * the caller sets them.  -1 when a part lies outside the table.
 */
int
vring_setup(struct vring_split *vr, const struct vring_mem *m, uint32_t num,
    uint64_t desc, uint64_t avail, uint64_t used)
{
	uint8_t *d, *a, *u;

	if (num == 0 || num > VRING_NUM_MAX || (num & (num - 1)) != 0)
		return -1;
	if ((desc & 15) != 0 || (avail & 1) != 0 || (used & 3) != 0)
		return -1;
	d = vring_mem_uva(m, desc, 16 * (uint64_t)num);
	a = vring_mem_uva(m, avail, 6 + 2 * (uint64_t)num);
	u = vring_mem_uva(m, used, 6 + 8 * (uint64_t)num);
	if (d == NULL || a == NULL || u == NULL)
		return -1;
	vr->num = num;
	vr->desc = (struct vring_desc *)(void *)d;
	vr->avail = (struct vring_avail *)(void *)a;
	vr->used = (struct vring_used *)(void *)u;
	vr->used_event = (uint16_t *)(void *)(a + 4 + 2 * (size_t)num);
	vr->avail_event = (uint16_t *)(void *)(u + 4 + 8 * (size_t)num);
	vr->err = VRING_OK;
	return 0;
}

static int
vring_fail(struct vring_split *vr, enum vring_err e, uint64_t what)
{
	vr->err = e;
	vr->err_addr = what;
	return -1;
}

/* One buffer, cut where it crosses from one region into another. */
static int
vring_buf(struct vring_split *vr, const struct vring_mem *m, uint64_t addr,
    uint32_t len, struct vring_chain *c)
{
	uint8_t *p;
	uint64_t n;
	const struct vring_region *r;
	unsigned int i;

	while (len > 0) {
		for (i = 0; i < m->n; i++) {
			r = &m->r[i];
			if (addr >= r->gpa && addr - r->gpa < r->size)
				break;
		}
		if (i == m->n)
			return vring_fail(vr, VRING_E_ADDR, addr);
		n = r->size - (addr - r->gpa);
		if (n > len)
			n = len;
		p = r->host + (addr - r->gpa);
		if (c->nseg == VRING_SEGS_MAX)
			return vring_fail(vr, VRING_E_LONG, c->nseg);
		c->seg[c->nseg].p = p;
		c->seg[c->nseg].len = (uint32_t)n;
		c->nseg++;
		c->len += n;
		addr += n;
		len -= (uint32_t)n;
	}
	return 0;
}

/* Walk the descriptors of table t (n of them) from index i on. */
static int
vring_walk(struct vring_split *vr, const struct vring_mem *m, const uint8_t *t,
    uint32_t n, uint32_t i, int writable, int nested, struct vring_chain *c)
{
	struct vring_desc d;
	uint8_t *it;
	uint32_t count;

	for (count = 0;; count++) {
		if (count == n)
			return vring_fail(vr, VRING_E_LOOP, i);
		memcpy(&d, t + 16 * (size_t)i, sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (nested || !vr->indirect ||
			    (d.flags & VRING_DESC_F_NEXT) || d.len == 0 ||
			    d.len % 16 != 0 || d.len / 16 > VRING_NUM_MAX ||
			    (it = vring_mem_gpa(m, d.addr, d.len)) == NULL)
				return vring_fail(vr, VRING_E_INDIRECT, d.addr);
			return vring_walk(vr, m, it, d.len / 16, 0, writable, 1,
			    c);
		}
		if (!(d.flags & VRING_DESC_F_WRITE) != !writable)
			return vring_fail(vr, VRING_E_DIR, i);
		if (vring_buf(vr, m, d.addr, d.len, c) == -1)
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return vring_fail(vr, VRING_E_NEXT, d.next);
		i = d.next;
	}
}

/*
 * The chain ahead chains past the next one to take: its buffers, all
 * written by the guest (writable 0, a ring the guest sends on) or all
 * for the device to write (1).  1 with a chain, 0 when the guest has
 * not made it available, -1 when the guest broke the rules (vr->err
 * says how).
 */
static int
vring_at(struct vring_split *vr, const struct vring_mem *m, uint16_t ahead,
    int writable, struct vring_chain *c)
{
	uint16_t head, at = (uint16_t)(vr->last_avail + ahead);

	if ((uint16_t)(vr->avail_idx - vr->last_avail) <= ahead) {
		vr->avail_idx = VRING_ACQ(&vr->avail->idx);
		if ((uint16_t)(vr->avail_idx - vr->last_avail) > vr->num)
			return vring_fail(vr, VRING_E_IDX, vr->avail_idx);
		if ((uint16_t)(vr->avail_idx - vr->last_avail) <= ahead)
			return 0;
	}
	head = VRING_ACQ(&vr->avail->ring[at & (vr->num - 1)]);
	if (head >= vr->num)
		return vring_fail(vr, VRING_E_HEAD, head);
	c->head = head;
	c->nseg = 0;
	c->len = 0;
	return vring_walk(vr, m, (const uint8_t *)vr->desc, vr->num, head,
	    writable, 0, c) == -1 ? -1 : 1;
}

/* Take the next chain from the available ring, as vring_at() says. */
int
vring_pop(struct vring_split *vr, const struct vring_mem *m, int writable,
    struct vring_chain *c)
{
	int rc;

	if ((rc = vring_at(vr, m, 0, writable, c)) == 1)
		vr->last_avail++;
	return rc;
}

/*
 * Look at the chain ahead chains past the next one to take, without
 * taking it: a chain to look into, not to use.
 */
int
vring_peek(struct vring_split *vr, const struct vring_mem *m, uint16_t ahead,
    int writable, struct vring_chain *c)
{
	return vring_at(vr, m, ahead, writable, c);
}

/* Give back the last n chains taken, unused: the guest sees nothing. */
void
vring_unpop(struct vring_split *vr, unsigned int n)
{
	vr->last_avail = (uint16_t)(vr->last_avail - n);
}

/* A chain done with, len bytes written to it; seen at vring_publish(). */
void
vring_push(struct vring_split *vr, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e;

	e = &vr->used->ring[vr->last_used & (vr->num - 1)];
	e->id = head;
	e->len = len;
	vr->last_used++;
}

void
vring_publish(struct vring_split *vr)
{
	VRING_REL(&vr->used->idx, vr->last_used);
}

/*
 * After vring_publish(): whether the guest asked to be told (its used
 * event index passed, or interrupts not turned off).
 */
int
vring_need_call(struct vring_split *vr)
{
	uint16_t old = vr->signalled, event;
	int ok = vr->signalled_ok;

	VRING_FENCE();
	if (!vr->event_idx)
		return !(VRING_ACQ(&vr->avail->flags) &
		    VRING_AVAIL_F_NO_INTERRUPT);
	vr->signalled = vr->last_used;
	vr->signalled_ok = 1;
	if (!ok)
		return 1;
	event = VRING_ACQ(vr->used_event);
	return vring_need_event(event, vr->last_used, old);
}

/*
 * Ask the guest for a kick when it adds buffers (on) or not (off).
 * Turning them on returns whether buffers came meanwhile: then no kick
 * will come for them, and the caller takes them now.
 */
int
vring_kicks(struct vring_split *vr, int on)
{
	if (!on) {
		if (!vr->event_idx)
			VRING_REL(&vr->used->flags, VRING_USED_F_NO_NOTIFY);
		return 0;
	}
	return vring_kick_after(vr, 0);
}

/*
 * Ask for a kick once the guest makes buffers available beyond the seen
 * chains past the next one to take: those are there already, and more
 * are wanted.  Returns whether they came meanwhile (no kick will come
 * for them).
 */
int
vring_kick_after(struct vring_split *vr, uint16_t seen)
{
	uint16_t idx = (uint16_t)(vr->last_avail + seen);

	if (vr->event_idx)
		VRING_REL(vr->avail_event, idx);
	else
		VRING_REL(&vr->used->flags, 0);
	VRING_FENCE();
	return (uint16_t)(VRING_ACQ(&vr->avail->idx) - vr->last_avail) > seen;
}

/* Copy between the chain, from offset off, and buf: out of it, or in. */
static size_t
vring_copy(const struct vring_chain *c, size_t off, uint8_t *buf, size_t len,
    int in)
{
	size_t done = 0, n;
	unsigned int i;

	for (i = 0; i < c->nseg && done < len; i++) {
		if (off >= c->seg[i].len) {
			off -= c->seg[i].len;
			continue;
		}
		n = c->seg[i].len - off;
		if (n > len - done)
			n = len - done;
		if (in)
			memcpy(c->seg[i].p + off, buf + done, n);
		else
			memcpy(buf + done, c->seg[i].p + off, n);
		done += n;
		off = 0;
	}
	return done;
}

/* Copy len bytes of the chain from offset off; returns what was there. */
size_t
vring_read(const struct vring_chain *c, size_t off, void *dst, size_t len)
{
	return vring_copy(c, off, dst, len, 0);
}

/* Copy len bytes into the chain at offset off; returns what fitted. */
size_t
vring_write(const struct vring_chain *c, size_t off, const void *src,
    size_t len)
{
	return vring_copy(c, off, (uint8_t *)(uintptr_t)src, len, 1);
}

/*
 * Copy len bytes from chain src, from offset soff, into chain dst at
 * offset doff: from one guest's buffers straight into another's.  Two
 * front-ends may share memory, so the two may overlap.  Returns what
 * fitted in both.
 */
size_t
vring_splice(const struct vring_chain *dst, size_t doff,
    const struct vring_chain *src, size_t soff, size_t len)
{
	size_t done = 0, n;
	unsigned int i, j;

	for (i = 0; i < dst->nseg && doff >= dst->seg[i].len; i++)
		doff -= dst->seg[i].len;
	for (j = 0; j < src->nseg && soff >= src->seg[j].len; j++)
		soff -= src->seg[j].len;
	while (done < len && i < dst->nseg && j < src->nseg) {
		n = dst->seg[i].len - doff;
		if (n > src->seg[j].len - soff)
			n = src->seg[j].len - soff;
		if (n > len - done)
			n = len - done;
		memmove(dst->seg[i].p + doff, src->seg[j].p + soff, n);
		done += n;
		if ((doff += n) == dst->seg[i].len) {
			i++;
			doff = 0;
		}
		if ((soff += n) == src->seg[j].len) {
			j++;
			soff = 0;
		}
	}
	return done;
}

const char *
vring_strerror(enum vring_err e)
{
	static const char *const s[] = {
		[VRING_OK] = "no error",
		[VRING_E_IDX] = "available index beyond the ring",
		[VRING_E_HEAD] = "descriptor index beyond the ring",
		[VRING_E_NEXT] = "next descriptor beyond the table",
		[VRING_E_ADDR] = "buffer outside the memory table",
		[VRING_E_LOOP] = "descriptor chain longer than its table "
		    "(a loop)",
		[VRING_E_LONG] = "descriptor chain of too many buffers",
		[VRING_E_DIR] = "buffer the wrong way for its ring",
		[VRING_E_INDIRECT] = "bad indirect descriptor table",
	};

	return e < sizeof(s) / sizeof(s[0]) ? s[e] : "?";
}
