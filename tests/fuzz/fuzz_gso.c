/* SPDX-License-Identifier: ISC */
/*
 * A frame read from a tap with offloads on (switchd/gso.c): the first
 * 10 bytes are its struct virtio_net_hdr (host order), the rest the
 * frame.
 *
 * gso_csum() on a copy may only write the two checksum bytes, only when
 * they lie inside the frame, and what it writes must verify (for an even
 * csum_offset; an odd one straddles words, as on Linux).  gso_start() and
 * the gso_next() loop, into a buffer of exactly gso_seglen() bytes: no
 * segment is longer, there are as many as announced, each carries the
 * frame's L2 header, a valid IPv4 header checksum and TCP checksum, and
 * the payloads put back together are the frame's.  gso_shift() by +4
 * then -4 gives the header back.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gso.h"
#include "../refsum.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint16_t
fuzz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
fuzz_csum(const struct virtio_net_hdr *h, const uint8_t *f, size_t len)
{
	uint8_t *c;
	size_t start = h->csum_start, at = start + h->csum_offset;
	uint16_t partial = 0;
	int rc;

	if ((c = malloc(len ? len : 1)) == NULL)
		return;
	memcpy(c, f, len);
	rc = gso_csum(h, c, len);
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || rc == -1) {
		assert(rc == 0 || (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM));
		assert(rc == 0 || at + 2 > len);
		assert(memcmp(c, f, len) == 0);
		free(c);
		return;
	}
	assert(rc == 0 && at + 2 <= len);
	assert(memcmp(c, f, at) == 0);
	assert(memcmp(c + at + 2, f + at + 2, len - at - 2) == 0);
	if (h->csum_offset % 2 == 0) {
		partial = fuzz_get16(f + at);
		assert(refsum_fold(partial +
		    refsum(c + start, len - start, 0)) == 0xffff);
	}
	free(c);
}

/* The IP header's offset, found independently of gso.c. */
static size_t
fuzz_l3(const uint8_t *f)
{
	size_t off = 14;
	uint16_t type = fuzz_get16(f + 12);

	while (type == 0x8100 || type == 0x88a8) {
		type = fuzz_get16(f + off + 2);
		off += 4;
	}
	return off;
}

static void
fuzz_seg_check(const uint8_t *f, size_t l3, size_t l4, int v6,
    const uint8_t *s, size_t slen)
{
	uint32_t ps;
	size_t tlen = slen - l4;

	assert(memcmp(s, f, l3) == 0);
	if (v6) {
		assert(fuzz_get16(s + l3 + 4) == tlen);
		ps = refsum(s + l3 + 8, 32, 0);
	} else {
		assert(fuzz_get16(s + l3 + 2) == slen - l3);
		assert(refsum_fold(refsum(s + l3, l4 - l3, 0)) == 0xffff);
		ps = refsum(s + l3 + 12, 8, 0);
	}
	ps += 6 + (uint32_t)tlen;
	assert(refsum_fold(refsum(s + l4, tlen, ps)) == 0xffff);
}

static void
fuzz_segments(const struct virtio_net_hdr *h, const uint8_t *f, size_t len)
{
	struct gso g;
	uint8_t *buf;
	size_t seglen, n, hlen, pos, l3, l4;
	int nsegs, i, v6;

	nsegs = gso_start(&g, h, f, len);
	if (nsegs == -1) {
		assert(gso_seglen(&g) == 0);
		assert(gso_next(&g, NULL, 0) == 0);
		return;
	}
	assert(nsegs > 0 && nsegs <= GSO_MAXSEGS);
	/* Accepted: the offsets below were checked by gso_start(). */
	l4 = h->csum_start;
	hlen = l4 + (size_t)(f[l4 + 12] >> 4) * 4;
	l3 = fuzz_l3(f);
	v6 = (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
	    VIRTIO_NET_HDR_GSO_TCPV6;
	assert(hlen < len && l3 < l4);
	seglen = gso_seglen(&g);
	assert(seglen > hlen && seglen <= len);
	if ((buf = malloc(seglen)) == NULL)
		return;
	pos = hlen;
	for (i = 0; i <= GSO_MAXSEGS; i++) {
		if ((n = gso_next(&g, buf, seglen)) == 0)
			break;
		assert(n <= seglen && n > hlen);
		assert(i == nsegs - 1 || n == seglen);
		assert(n - hlen <= len - pos);
		assert(memcmp(buf + hlen, f + pos, n - hlen) == 0);
		fuzz_seg_check(f, l3, l4, v6, buf, n);
		pos += n - hlen;
	}
	assert(i == nsegs);
	assert(pos == len);
	assert(gso_seglen(&g) == 0);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_net_hdr h, moved;
	uint8_t *f;
	size_t len;

	if (size < GSO_HDRLEN)
		return 0;
	memcpy(&h, data, GSO_HDRLEN);
	/* A tag pushed in and taken out again leaves the header as it was. */
	moved = h;
	gso_shift(&moved, 4);
	gso_shift(&moved, -4);
	assert(memcmp(&moved, &h, sizeof(h)) == 0);
	len = size - GSO_HDRLEN;
	/* A frame of its own, one byte in: no slack, no alignment. */
	if ((f = malloc(len + 1)) == NULL)
		return 0;
	memcpy(f + 1, data + GSO_HDRLEN, len);
	fuzz_csum(&h, f + 1, len);
	fuzz_segments(&h, f + 1, len);
	free(f);
	return 0;
}
