/* SPDX-License-Identifier: ISC */
/*
 * Checksums are summed in host byte order: the Internet checksum does not
 * depend on the order the 16-bit words are read in (RFC 1071, 2.(B)), so
 * a sum of native words, folded and complemented, is stored back as a
 * native word and lands in the frame as the right big-endian bytes.  That
 * lets the sum take 8 bytes per addition.  Frames are read and written
 * with memcpy and byte access only: guests align nothing.
 */
#include <string.h>

#include "gso.h"

/* ETH_HLEN and the ETH_P_ types come with linux/if_ether.h. */
#define IP_PROTO_TCP	6
#define IP4_HLEN	20
#define IP6_HLEN	40
#define TCP_HLEN	20
#define TCP_CSUM	16	/* offset of the checksum in the TCP header */
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80

static uint16_t
gso_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
gso_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t
gso_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
gso_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Ones' complement addition of 64-bit words: the carry goes around. */
static inline uint64_t
gso_add(uint64_t s, uint64_t v)
{
	s += v;
	return s + (s < v);
}

/* Adds n bytes at p to the running sum s; p starts a 16-bit word. */
static uint64_t
gso_sum(const uint8_t *p, size_t n, uint64_t s)
{
	uint64_t w[4];
	uint32_t w4;
	uint16_t w2;
	uint8_t last[2];

	/* Four independent loads per round keep the adder busy. */
	for (; n >= sizeof(w); p += sizeof(w), n -= sizeof(w)) {
		memcpy(w, p, sizeof(w));
		s = gso_add(s, w[0]);
		s = gso_add(s, w[1]);
		s = gso_add(s, w[2]);
		s = gso_add(s, w[3]);
	}
	for (; n >= sizeof(w[0]); p += sizeof(w[0]), n -= sizeof(w[0])) {
		memcpy(w, p, sizeof(w[0]));
		s = gso_add(s, w[0]);
	}
	if (n >= sizeof(w4)) {
		memcpy(&w4, p, sizeof(w4));
		s = gso_add(s, w4);
		p += sizeof(w4);
		n -= sizeof(w4);
	}
	if (n >= sizeof(w2)) {
		memcpy(&w2, p, sizeof(w2));
		s = gso_add(s, w2);
		p += sizeof(w2);
		n -= sizeof(w2);
	}
	if (n == 1) {
		/* An odd byte is the first of a word padded with zero. */
		last[0] = p[0];
		last[1] = 0;
		memcpy(&w2, last, sizeof(w2));
		s = gso_add(s, w2);
	}
	return s;
}

/* The 16-bit checksum of a sum, in host order: store it with memcpy. */
static uint16_t
gso_fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int
gso_csum(const struct virtio_net_hdr *h, uint8_t *f, size_t len)
{
	size_t start = h->csum_start, off = h->csum_offset;
	uint16_t c;

	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 0;
	if (start > len || off + 2 > len - start)
		return -1;
	c = gso_fold(gso_sum(f + start, len - start, 0));
	/*
	 * As Linux's skb_checksum_help(): a UDP checksum of 0 means none,
	 * so give 0xffff, which is the same value to TCP and ICMPv6.
	 */
	if (c == 0)
		c = 0xffff;
	memcpy(f + start + off, &c, sizeof(c));
	return 0;
}

void
gso_shift(struct virtio_net_hdr *h, int delta)
{
	/* Pushed out of range, an offset wraps: users check it anyway. */
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		h->csum_start = (uint16_t)(h->csum_start + delta);
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		h->hdr_len = (uint16_t)(h->hdr_len + delta);
}

/* Finds the IP header behind any number of VLAN tags; 0 when none. */
static size_t
gso_l3(const uint8_t *f, size_t len, uint16_t *type)
{
	size_t off = ETH_HLEN;

	if (len < ETH_HLEN)
		return 0;
	*type = gso_get16(f + 12);
	while (*type == ETH_P_8021Q || *type == ETH_P_8021AD) {
		if (len - off < 4)
			return 0;
		*type = gso_get16(f + off + 2);
		off += 4;
	}
	return off;
}

/* Sets l4; -1 unless an IPv4 header without fragmentation carries TCP. */
static int
gso_ip4(struct gso *g, const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + g->l3;
	size_t ihl;

	if (len - g->l3 < IP4_HLEN || ip[0] >> 4 != 4)
		return -1;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < IP4_HLEN || ihl > len - g->l3)
		return -1;
	/* A fragment cannot be segmented: its TCP header is elsewhere. */
	if (ip[9] != IP_PROTO_TCP || (gso_get16(ip + 6) & 0x3fff) != 0)
		return -1;
	g->l4 = g->l3 + ihl;
	g->id = gso_get16(ip + 4);
	return 0;
}

static int
gso_ip6(struct gso *g, const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + g->l3;

	if (len - g->l3 < IP6_HLEN || ip[0] >> 4 != 6 ||
	    ip[6] != IP_PROTO_TCP)
		return -1;
	g->l4 = g->l3 + IP6_HLEN;
	return 0;
}

int
gso_start(struct gso *g, const struct virtio_net_hdr *h, const uint8_t *f,
    size_t len)
{
	size_t doff, payload, first;
	uint16_t type = 0;

	memset(g, 0, sizeof(*g));
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		g->v6 = 1;
		break;
	default:
		return -1;
	}
	if (h->gso_size == 0 || (g->l3 = gso_l3(f, len, &type)) == 0)
		return -1;
	if (type != (g->v6 ? ETH_P_IPV6 : ETH_P_IP))
		return -1;
	if ((g->v6 ? gso_ip6(g, f, len) : gso_ip4(g, f, len)) == -1)
		return -1;
	if (h->csum_start != g->l4 ||
	    ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    h->csum_offset != TCP_CSUM))
		return -1;
	if (len - g->l4 < TCP_HLEN)
		return -1;
	doff = (size_t)(f[g->l4 + 12] >> 4) * 4;
	if (doff < TCP_HLEN || doff >= len - g->l4)
		return -1;

	g->f = f;
	g->hlen = g->l4 + doff;
	g->pos = g->hlen;
	g->end = len;
	g->mss = h->gso_size;
	g->seq = gso_get32(f + g->l4 + 4);
	payload = len - g->hlen;
	first = payload < g->mss ? payload : g->mss;
	/* Each segment's IP length field must hold it. */
	if (g->hlen - (g->v6 ? g->l4 : g->l3) + first > 0xffff)
		return -1;
	if (payload / g->mss + (payload % g->mss != 0) > GSO_MAXSEGS)
		return -1;
	g->nsegs = (unsigned int)(payload / g->mss + (payload % g->mss != 0));
	return (int)g->nsegs;
}

size_t
gso_seglen(const struct gso *g)
{
	size_t payload = g->end - g->pos;

	if (g->seg == g->nsegs)
		return 0;
	return g->hlen + (payload < g->mss ? payload : g->mss);
}

/* Fills in the segment's IP header: length, id and checksum. */
static void
gso_next_ip(const struct gso *g, uint8_t *ip, size_t seglen)
{
	uint16_t c;
	size_t ihl;

	if (g->v6) {
		gso_put16(ip + 4, (uint16_t)(seglen - g->l4));
		return;
	}
	ihl = g->l4 - g->l3;
	gso_put16(ip + 2, (uint16_t)(seglen - g->l3));
	gso_put16(ip + 4, (uint16_t)(g->id + g->seg));
	memset(ip + 10, 0, 2);
	c = gso_fold(gso_sum(ip, ihl, 0));
	memcpy(ip + 10, &c, sizeof(c));
}

/* Fills in sequence, flags and the full checksum of the TCP segment. */
static void
gso_next_tcp(const struct gso *g, const uint8_t *ip, uint8_t *th,
    size_t seglen)
{
	uint8_t pseudo[8];
	uint64_t s;
	uint16_t c;
	size_t tlen = seglen - g->l4;

	/* As tcp_gso_segment(): PSH and FIN end the data, CWR is said once. */
	gso_put32(th + 4, g->seq + (uint32_t)(g->pos - g->hlen));
	if (g->seg + 1 < g->nsegs)
		th[13] &= ~(TCP_FIN | TCP_PSH);
	if (g->seg > 0)
		th[13] &= ~TCP_CWR;

	memset(pseudo, 0, sizeof(pseudo));
	if (g->v6) {
		gso_put32(pseudo, (uint32_t)tlen);
		pseudo[7] = IP_PROTO_TCP;
		s = gso_sum(ip + 8, 32, 0);
	} else {
		pseudo[1] = IP_PROTO_TCP;
		gso_put16(pseudo + 2, (uint16_t)tlen);
		s = gso_sum(ip + 12, 8, 0);
	}
	s = gso_sum(pseudo, sizeof(pseudo), s);
	memset(th + TCP_CSUM, 0, 2);
	c = gso_fold(gso_sum(th, tlen, s));
	memcpy(th + TCP_CSUM, &c, sizeof(c));
}

size_t
gso_next(struct gso *g, uint8_t *buf, size_t buflen)
{
	size_t n, seglen;

	if (g->seg == g->nsegs)
		return 0;
	n = g->end - g->pos < g->mss ? g->end - g->pos : g->mss;
	seglen = g->hlen + n;
	if (buflen < seglen)
		return 0;
	memcpy(buf, g->f, g->hlen);
	memcpy(buf + g->hlen, g->f + g->pos, n);
	gso_next_ip(g, buf + g->l3, seglen);
	gso_next_tcp(g, buf + g->l3, buf + g->l4, seglen);
	g->pos += n;
	g->seg++;
	return seglen;
}
