/* SPDX-License-Identifier: ISC */
/*
 * A vhost-user front-end and its guest, both hostile (switchd/vhostdev.c,
 * vring.c, common/vhu.c).  The input is the guest's memory, then the
 * front-end's messages:
 *
 *   u16 L, then L bytes: the start of guest memory (FUZZ_MEM bytes,
 *	the rest zero), guest address FUZZ_GPA, front-end address FUZZ_UVA;
 *   then messages: a 12-byte header, as many payload bytes as it says
 *	(up to what is left), then one byte: how many descriptors came
 *	with it (its low 4 bits).  Descriptors are numbers only.
 *
 * Every memory table maps the same fake memory, whatever its regions say
 * (a region larger than it is refused, as a memfd too short would be).
 * After each message, whatever ring runs is walked: chains looked at
 * ahead and taken from the transmit ring and read, frames written into
 * the receive ring's chains, and the last chain taken copied into them
 * as from one guest to another (in the same memory here: they may
 * overlap).  Besides the sanitizers: every buffer of every chain lies
 * inside the fake memory, a chain's length is its buffers', and every
 * descriptor is closed once.  (A ring may give more than its size in a
 * row: the guest may add buffers as fast as they are taken, and the
 * used ring may lie over the available one; callers take batches.)
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vhostdev.h"

#define FUZZ_MEM	65536
#define FUZZ_FDS	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	fuzz_mem[FUZZ_MEM] __attribute__((aligned(4096)));
static int	fuzz_open[FUZZ_FDS];	/* descriptors not yet closed */
static struct vring_chain fuzz_chain, fuzz_peek, fuzz_src;

static void *
fuzz_map(void *arg, int fd, uint64_t *len, char *err, size_t errlen)
{
	(void)arg;
	assert(fd >= 0 && fd < FUZZ_FDS && fuzz_open[fd]);
	if (*len > FUZZ_MEM) {
		snprintf(err, errlen, "too long");
		return NULL;
	}
	*len = FUZZ_MEM;
	return fuzz_mem;
}

static void
fuzz_unmap(void *arg, void *base, uint64_t len)
{
	(void)arg;
	assert(base == fuzz_mem && len == FUZZ_MEM);
}

static void
fuzz_close(void *arg, int fd)
{
	(void)arg;
	assert(fd >= 0 && fd < FUZZ_FDS && fuzz_open[fd]);
	fuzz_open[fd] = 0;
}

static const struct vhostdev_ops fuzz_ops = {
	fuzz_map, fuzz_unmap, fuzz_close
};

static void
fuzz_check_chain(const struct vring_chain *c)
{
	size_t total = 0;
	unsigned int i;

	assert(c->nseg <= VRING_SEGS_MAX);
	for (i = 0; i < c->nseg; i++) {
		assert(c->seg[i].p >= fuzz_mem);
		assert(c->seg[i].p + c->seg[i].len <= fuzz_mem + FUZZ_MEM);
		total += c->seg[i].len;
	}
	assert(total == c->len);
}

/* Take and give back what the rings offer, as vhost.c would. */
static void
fuzz_rings(struct vhostdev *d)
{
	static uint8_t buf[FUZZ_MEM + 16];
	struct vring_split *vr;
	unsigned int n;
	size_t got;
	int have_src = 0;

	if (vhostdev_ready(d, VHOSTDEV_TX)) {
		vr = &d->ring[VHOSTDEV_TX].vr;
		for (n = 0; n <= vr->num; n++) {
			/* A held port looks ahead before it takes. */
			if (vring_peek(vr, &d->mem, (uint16_t)(n % 3), 0,
			    &fuzz_peek) == 1)
				fuzz_check_chain(&fuzz_peek);
			if (vring_pop(vr, &d->mem, 0, &fuzz_chain) != 1)
				break;
			fuzz_check_chain(&fuzz_chain);
			got = vring_read(&fuzz_chain, 0, buf, sizeof(buf));
			assert(got == (fuzz_chain.len < sizeof(buf) ?
			    fuzz_chain.len : sizeof(buf)));
			fuzz_src = fuzz_chain;
			have_src = 1;
			vring_push(vr, fuzz_chain.head, 0);
		}
		vring_publish(vr);
		(void)vring_need_call(vr);
		(void)vring_kick_after(vr, 1);
		(void)vring_kicks(vr, 1);
	}
	if (vhostdev_ready(d, VHOSTDEV_RX)) {
		vr = &d->ring[VHOSTDEV_RX].vr;
		memset(buf, 0x5a, 1600);
		for (n = 0; n <= vr->num; n++) {
			if (vring_pop(vr, &d->mem, 1, &fuzz_chain) != 1)
				break;
			fuzz_check_chain(&fuzz_chain);
			got = vring_write(&fuzz_chain, 0, buf, 12);
			got += have_src ? vring_splice(&fuzz_chain, got,
			    &fuzz_src, 12, 1600) : vring_write(&fuzz_chain,
			    got, buf, 1600);
			vring_push(vr, fuzz_chain.head, (uint32_t)got);
		}
		vring_publish(vr);
		(void)vring_need_call(vr);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vhu_msg m, reply;
	struct vhostdev d;
	char err[256];
	size_t memlen, n;
	uint16_t l;
	int i, nfd = 0;

	if (size < 2)
		return 0;
	memcpy(&l, data, 2);
	data += 2;
	size -= 2;
	memlen = l < size ? l : size;
	memset(fuzz_mem, 0, sizeof(fuzz_mem));
	memcpy(fuzz_mem, data, memlen);
	data += memlen;
	size -= memlen;
	memset(fuzz_open, 0, sizeof(fuzz_open));
	vhostdev_init(&d, &fuzz_ops, NULL);
	while (size >= VHU_HDRLEN) {
		memset(&m, 0, sizeof(m));
		memcpy(&m.h, data, VHU_HDRLEN);
		data += VHU_HDRLEN;
		size -= VHU_HDRLEN;
		n = m.h.size < size ? m.h.size : size;
		if (n > sizeof(m.p))
			n = sizeof(m.p);
		memcpy(&m.p, data, n);
		data += n;
		size -= n;
		m.nfds = 0;
		if (size > 0) {
			m.nfds = data[0] & 0x0f;
			if (m.nfds > VHU_FDS_MAX)
				m.nfds = VHU_FDS_MAX;
			data++;
			size--;
		}
		for (i = 0; i < m.nfds; i++) {
			m.fds[i] = nfd++ % FUZZ_FDS;
			/* A number still held is not handed out twice. */
			if (fuzz_open[m.fds[i]]) {
				m.nfds = i;
				break;
			}
			fuzz_open[m.fds[i]] = 1;
		}
		if (vhostdev_msg(&d, &m, &reply, err, sizeof(err)) == -1) {
			assert(err[0] != '\0');
			break;
		}
		assert(m.nfds == 0);
		assert(reply.h.request == 0 || reply.h.size <= VHU_PAYLOAD_MAX);
		fuzz_rings(&d);
	}
	vhostdev_free(&d);
	/* Every descriptor that came in went out once, kept or not. */
	for (i = 0; i < FUZZ_FDS; i++)
		assert(!fuzz_open[i]);
	return 0;
}
