/* SPDX-License-Identifier: ISC */
/*
 * Offload tests: TCP frames built by hand the way a Linux guest hands
 * them to its tap (one large segment, a partial checksum in the TCP
 * header, IP lengths not to be trusted), cut into segments, and each
 * segment checked as the peer's stack would: lengths, IPv4 header
 * checksum, TCP checksum with its pseudo-header, sequence numbers, ids,
 * flags, and the payloads put back together.  The checksums are verified
 * with a plain byte-by-byte sum, not the code under test.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gso.h"
#include "../refsum.h"

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_ECE		0x40
#define TCP_CWR		0x80

#define TEST_SEQ	0xfffff000U	/* wraps within the larger frames */
#define TEST_ACKNO	0x01020304U

/* What the frame a test builds looks like. */
struct test_spec {
	int		 v6;
	int		 ntags;		/* 802.1ad then 802.1Q tags, 0-2 */
	size_t		 ipopts;	/* IPv4 option bytes, multiple of 4 */
	size_t		 tcpopts;	/* TCP option bytes, multiple of 4 */
	size_t		 payload;
	uint8_t		 flags;		/* TCP flags */
	uint16_t	 mss;
	uint16_t	 id;		/* IPv4 id */
	uint16_t	 iplen;		/* what the IP length field says */
};

/* A built frame and where its parts are. */
struct test_frame {
	uint8_t			*f;
	size_t			 len;
	size_t			 l3, l4, hlen;
	struct virtio_net_hdr	 h;
};

static void
test_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
test_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
test_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
test_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The pseudo-header's sum for L4 bytes at l4 after the IP header at l3. */
static uint32_t
test_pseudo(const uint8_t *f, size_t l3, int v6, uint8_t proto, size_t l4len)
{
	uint32_t s;

	if (v6)
		s = refsum(f + l3 + 8, 32, 0) + (uint32_t)(l4len >> 16) +
		    (uint32_t)(l4len & 0xffff);
	else
		s = refsum(f + l3 + 12, 8, 0) + (uint32_t)l4len;
	return s + proto;
}

static uint8_t
test_pattern(size_t i)
{
	return (uint8_t)(i * 7 + 3 + (i >> 8));
}

/* Builds a TSO frame as a guest's virtio driver would hand it over. */
static void
test_build(const struct test_spec *sp, struct test_frame *t)
{
	size_t iphl, doff, i, off = 12;
	uint8_t *f;

	memset(t, 0, sizeof(*t));
	iphl = sp->v6 ? 40 : 20 + sp->ipopts;
	doff = 20 + sp->tcpopts;
	t->l3 = 14 + 4 * (size_t)sp->ntags;
	t->l4 = t->l3 + iphl;
	t->hlen = t->l4 + doff;
	t->len = t->hlen + sp->payload;
	assert_non_null(f = t->f = malloc(t->len));
	memset(f, 0xee, t->len);

	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	if (sp->ntags == 2) {
		test_put16(f + off, 0x88a8);
		test_put16(f + off + 2, 100);
		off += 4;
	}
	if (sp->ntags >= 1) {
		test_put16(f + off, 0x8100);
		test_put16(f + off + 2, 0x2000 | 42);
		off += 4;
	}
	test_put16(f + off, sp->v6 ? 0x86dd : 0x0800);

	if (sp->v6) {
		test_put32(f + t->l3, 0x60012345);
		test_put16(f + t->l3 + 4, sp->iplen);
		f[t->l3 + 6] = 6;
		f[t->l3 + 7] = 64;
		for (i = 0; i < 32; i++)
			f[t->l3 + 8 + i] = (uint8_t)(0xf0 + i);
	} else {
		f[t->l3] = (uint8_t)(0x40 | iphl / 4);
		f[t->l3 + 1] = 0x02;	/* ECT(0) */
		test_put16(f + t->l3 + 2, sp->iplen);
		test_put16(f + t->l3 + 4, sp->id);
		test_put16(f + t->l3 + 6, 0x4000);	/* DF */
		f[t->l3 + 8] = 64;
		f[t->l3 + 9] = 6;
		test_put16(f + t->l3 + 10, 0xbeef);	/* stale */
		memcpy(f + t->l3 + 12, "\x0a\x00\x00\x01\xc0\xa8\x07\xfe", 8);
		/* Router alert, then NOPs and an end of list. */
		for (i = 0; i < sp->ipopts; i++)
			f[t->l3 + 20 + i] = i + 1 < sp->ipopts ? 1 : 0;
		if (sp->ipopts >= 4)
			memcpy(f + t->l3 + 20, "\x94\x04\x00\x00", 4);
	}

	test_put16(f + t->l4, 40000);
	test_put16(f + t->l4 + 2, 5201);
	test_put32(f + t->l4 + 4, TEST_SEQ);
	test_put32(f + t->l4 + 8, TEST_ACKNO);
	f[t->l4 + 12] = (uint8_t)(doff / 4 << 4);
	f[t->l4 + 13] = sp->flags;
	test_put16(f + t->l4 + 14, 501);
	test_put16(f + t->l4 + 18, 0);
	/* NOP NOP timestamps, then NOPs. */
	memset(f + t->l4 + 20, 1, sp->tcpopts);
	if (sp->tcpopts >= 12)
		memcpy(f + t->l4 + 22,
		    "\x08\x0a\x00\x01\x02\x03\x04\x05\x06\x07", 10);
	for (i = 0; i < sp->payload; i++)
		f[t->hlen + i] = test_pattern(i);
	/* CHECKSUM_PARTIAL: the pseudo-header's folded sum, as Linux does. */
	test_put16(f + t->l4 + 16, refsum_fold(test_pseudo(f, t->l3, sp->v6, 6,
	    t->len - t->l4)));

	t->h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	t->h.gso_type = sp->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
	    VIRTIO_NET_HDR_GSO_TCPV4;
	if (sp->flags & TCP_CWR)
		t->h.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
	/* Linux gives the linear part's length, not the headers'. */
	t->h.hdr_len = (uint16_t)(t->len < 128 ? t->len : 128);
	t->h.gso_size = sp->mss;
	t->h.csum_start = (uint16_t)t->l4;
	t->h.csum_offset = 16;
}

/* One segment against the frame it came from. */
static void
test_check_seg(const struct test_spec *sp, const struct test_frame *t,
    const uint8_t *s, size_t slen, unsigned int i, unsigned int nsegs)
{
	size_t n = slen - t->hlen;
	uint8_t flags = sp->flags;

	assert_true(slen > t->hlen);
	/* L2 and tags untouched. */
	assert_memory_equal(s, t->f, t->l3);
	if (sp->v6) {
		assert_int_equal(test_get16(s + t->l3 + 4), slen - t->l4);
		assert_memory_equal(s + t->l3 + 6, t->f + t->l3 + 6, 34);
		assert_memory_equal(s + t->l3, t->f + t->l3, 4);
	} else {
		assert_int_equal(s[t->l3], t->f[t->l3]);
		assert_int_equal(s[t->l3 + 1], t->f[t->l3 + 1]);
		assert_int_equal(test_get16(s + t->l3 + 2), slen - t->l3);
		assert_int_equal(test_get16(s + t->l3 + 4),
		    (uint16_t)(sp->id + i));
		assert_memory_equal(s + t->l3 + 6, t->f + t->l3 + 6, 4);
		assert_memory_equal(s + t->l3 + 12, t->f + t->l3 + 12,
		    8 + sp->ipopts);
		assert_int_equal(refsum_fold(refsum(s + t->l3, 20 + sp->ipopts,
		    0)), 0xffff);
	}
	assert_memory_equal(s + t->l4, t->f + t->l4, 4);
	assert_int_equal(test_get32(s + t->l4 + 4),
	    (uint32_t)(TEST_SEQ + (uint32_t)i * sp->mss));
	assert_memory_equal(s + t->l4 + 8, t->f + t->l4 + 8, 5);
	if (i + 1 < nsegs)
		flags &= ~(TCP_FIN | TCP_PSH);
	if (i > 0)
		flags &= ~TCP_CWR;
	assert_int_equal(s[t->l4 + 13], flags);
	assert_memory_equal(s + t->l4 + 14, t->f + t->l4 + 14, 2);
	assert_memory_equal(s + t->l4 + 18, t->f + t->l4 + 18,
	    2 + sp->tcpopts);
	assert_int_equal(refsum_fold(test_pseudo(s, t->l3, sp->v6, 6,
	    slen - t->l4) + refsum(s + t->l4, slen - t->l4, 0)), 0xffff);
	if (i + 1 < nsegs)
		assert_int_equal(n, sp->mss);
	else
		assert_int_equal(n, sp->payload - (size_t)i * sp->mss);
}

/* Cuts the frame sp describes and checks every segment. */
static void
test_segments(const struct test_spec *sp, int nsegs)
{
	struct test_frame t;
	struct gso g;
	uint8_t *buf, *payload;
	size_t seglen, n, got = 0;
	int i;

	test_build(sp, &t);
	assert_int_equal(gso_start(&g, &t.h, t.f, t.len), nsegs);
	seglen = gso_seglen(&g);
	assert_int_equal(seglen, t.hlen +
	    (sp->payload < sp->mss ? sp->payload : sp->mss));
	/* Exactly gso_seglen() bytes, on the heap: overruns are caught. */
	assert_non_null(buf = malloc(seglen));
	assert_non_null(payload = malloc(sp->payload));
	for (i = 0; (n = gso_next(&g, buf, seglen)) != 0; i++) {
		assert_true(i < nsegs);
		assert_true(n <= seglen);
		test_check_seg(sp, &t, buf, n, (unsigned int)i,
		    (unsigned int)nsegs);
		memcpy(payload + got, buf + t.hlen, n - t.hlen);
		got += n - t.hlen;
	}
	assert_int_equal(i, nsegs);
	assert_int_equal(got, sp->payload);
	assert_memory_equal(payload, t.f + t.hlen, sp->payload);
	assert_int_equal(gso_next(&g, buf, seglen), 0);
	assert_int_equal(gso_seglen(&g), 0);
	free(payload);
	free(buf);
	free(t.f);
}

static void
test_ipv4(void **state)
{
	struct test_spec sp = { .payload = 4000, .mss = 1448, .id = 0x1234,
	    .flags = TCP_ACK | TCP_PSH | TCP_FIN, .tcpopts = 12 };

	(void)state;
	test_segments(&sp, 3);
	/* A length field saying nothing (BIG TCP) or lying changes nothing. */
	sp.iplen = 0;
	test_segments(&sp, 3);
	sp.iplen = 77;
	test_segments(&sp, 3);
}

static void
test_ipv4_options(void **state)
{
	struct test_spec sp = { .payload = 3000, .mss = 1000, .id = 0xfffe,
	    .flags = TCP_ACK | TCP_PSH, .ipopts = 8, .tcpopts = 12,
	    .iplen = 3068 };

	(void)state;
	/* A payload that is a multiple of the MSS; the id wraps. */
	test_segments(&sp, 3);
	sp.ipopts = 40;
	sp.tcpopts = 40;
	sp.payload = 2999;
	test_segments(&sp, 3);
}

static void
test_ipv6(void **state)
{
	struct test_spec sp = { .v6 = 1, .payload = 5000, .mss = 1440,
	    .flags = TCP_ACK | TCP_PSH | TCP_FIN, .tcpopts = 12,
	    .iplen = 5032 };

	(void)state;
	test_segments(&sp, 4);
	sp.iplen = 0;
	sp.mss = 1;
	sp.payload = 333;
	test_segments(&sp, 333);
}

static void
test_vlan(void **state)
{
	struct test_spec sp = { .ntags = 1, .payload = 2897, .mss = 1448,
	    .flags = TCP_ACK, .id = 7 };

	(void)state;
	test_segments(&sp, 3);
	sp.v6 = 1;
	test_segments(&sp, 3);
	/* 802.1ad outside 802.1Q. */
	sp.ntags = 2;
	test_segments(&sp, 3);
	sp.v6 = 0;
	sp.ipopts = 4;
	test_segments(&sp, 3);
}

static void
test_ecn(void **state)
{
	struct test_spec sp = { .payload = 6000, .mss = 1460, .id = 100,
	    .flags = TCP_ACK | TCP_ECE | TCP_CWR | TCP_PSH, .tcpopts = 12 };

	(void)state;
	/* CWR on the first segment only, ECE on all. */
	test_segments(&sp, 5);
	sp.v6 = 1;
	test_segments(&sp, 5);
}

static void
test_one_segment(void **state)
{
	struct test_spec sp = { .payload = 100, .mss = 1448, .id = 9,
	    .flags = TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR };

	(void)state;
	/* Smaller than the MSS, or exactly it: the flags all stay. */
	test_segments(&sp, 1);
	sp.payload = 1448;
	test_segments(&sp, 1);
	sp.v6 = 1;
	sp.payload = 1;
	test_segments(&sp, 1);
}

static void
test_max_segs(void **state)
{
	struct test_spec sp = { .payload = GSO_MAXSEGS, .mss = 1,
	    .flags = TCP_ACK };
	struct test_frame t;
	struct gso g;

	(void)state;
	test_segments(&sp, GSO_MAXSEGS);
	sp.payload = GSO_MAXSEGS + 1;
	test_build(&sp, &t);
	assert_int_equal(gso_start(&g, &t.h, t.f, t.len), -1);
	assert_int_equal(gso_seglen(&g), 0);
	free(t.f);
}

/* A 64 KiB frame cut into MSS 1448 segments, and segments too long. */
static void
test_large(void **state)
{
	struct test_spec sp = { .payload = 65535 - 20 - 32, .mss = 1448,
	    .flags = TCP_ACK | TCP_PSH, .tcpopts = 12, .id = 1 };
	struct test_frame t;
	struct gso g;

	(void)state;
	test_segments(&sp, 46);
	/* One segment would be the whole frame: its IP length fits. */
	sp.mss = 65535;
	test_segments(&sp, 1);
	/* One byte more and it no longer does. */
	sp.payload++;
	test_build(&sp, &t);
	assert_int_equal(gso_start(&g, &t.h, t.f, t.len), -1);
	free(t.f);
	/* IPv6 counts its length after the IP header: still fits. */
	sp.v6 = 1;
	sp.payload = 65535 - 32;
	test_segments(&sp, 1);
	sp.payload++;
	test_build(&sp, &t);
	assert_int_equal(gso_start(&g, &t.h, t.f, t.len), -1);
	free(t.f);
}

/* A buffer shorter than the segment gets nothing and loses nothing. */
static void
test_short_buf(void **state)
{
	struct test_spec sp = { .payload = 3000, .mss = 1448,
	    .flags = TCP_ACK };
	struct test_frame t;
	struct gso g;
	uint8_t *buf;
	size_t seglen;

	(void)state;
	test_build(&sp, &t);
	assert_int_equal(gso_start(&g, &t.h, t.f, t.len), 3);
	seglen = gso_seglen(&g);
	assert_non_null(buf = malloc(seglen));
	assert_int_equal(gso_next(&g, buf, seglen - 1), 0);
	assert_int_equal(gso_next(&g, buf, seglen), seglen);
	assert_int_equal(gso_next(&g, buf, seglen), seglen);
	/* The last one is shorter and fits in less. */
	assert_int_equal(gso_next(&g, buf, t.hlen + 104), t.hlen + 104);
	assert_int_equal(gso_next(&g, buf, seglen), 0);
	free(buf);
	free(t.f);
}

static void
test_expect_bad(const struct test_frame *t, const char *what)
{
	struct gso g;

	if (gso_start(&g, &t->h, t->f, t->len) != -1)
		fail_msg("gso_start accepted a frame with %s", what);
	assert_int_equal(gso_seglen(&g), 0);
	assert_int_equal(gso_next(&g, NULL, 0), 0);
}

/* Every prefix of a good frame up to its headers is refused. */
static void
test_truncated(void **state)
{
	static const struct test_spec specs[] = {
		{ .payload = 10, .mss = 4, .ipopts = 8, .tcpopts = 12,
		    .ntags = 2 },
		{ .v6 = 1, .payload = 10, .mss = 4, .tcpopts = 4, .ntags = 1 },
	};
	struct test_frame t;
	size_t i, len;
	uint8_t *full;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		test_build(&specs[i], &t);
		full = t.f;
		for (len = 0; len <= t.hlen; len++) {
			/* Copied to its own buffer: an overread is caught. */
			assert_non_null(t.f = malloc(len ? len : 1));
			memcpy(t.f, full, len);
			t.len = len;
			test_expect_bad(&t, "truncated headers");
			free(t.f);
		}
		free(full);
	}
}

static void
test_bad(void **state)
{
	struct test_spec v4 = { .payload = 3000, .mss = 1448,
	    .flags = TCP_ACK, .tcpopts = 12 };
	struct test_spec v6 = v4;
	struct test_frame t;

	(void)state;
	v6.v6 = 1;
#define BAD(spec, change, what) do {					\
	test_build(&(spec), &t);					\
	change;								\
	test_expect_bad(&t, what);					\
	free(t.f);							\
} while (0)
	BAD(v4, test_put16(t.f + 12, 0x0806), "ethertype ARP");
	BAD(v4, test_put16(t.f + 12, 0x86dd), "ethertype IPv6, IPv4 inside");
	BAD(v6, test_put16(t.f + 12, 0x0800), "ethertype IPv4, IPv6 inside");
	BAD(v4, t.f[t.l3 + 9] = 17, "IPv4 protocol UDP");
	BAD(v4, t.f[t.l3] = 0x65, "IP version 6 in an IPv4 header");
	BAD(v4, (t.f[t.l3] = 0x44, t.h.csum_start = (uint16_t)(t.l3 + 16),
	    t.f[t.l3 + 16 + 12] = 0x50),
	    "IPv4 header length 16");
	BAD(v4, t.f[t.l3 + 6] = 0x20, "IPv4 more fragments");
	BAD(v4, t.f[t.l3 + 7] = 0x01, "IPv4 fragment offset");
	BAD(v6, t.f[t.l3 + 6] = 0, "IPv6 hop-by-hop header");
	BAD(v6, t.f[t.l3 + 6] = 17, "IPv6 next header UDP");
	BAD(v6, t.f[t.l3] = 0x45, "IP version 4 in an IPv6 header");
	BAD(v4, t.h.csum_start++, "csum_start past the TCP header");
	BAD(v4, t.h.csum_start = 0, "csum_start 0");
	BAD(v6, t.h.csum_start -= 4, "csum_start before the TCP header");
	BAD(v4, t.h.csum_offset = 6, "csum_offset of UDP");
	BAD(v4, t.h.gso_size = 0, "gso_size 0");
	BAD(v6, t.h.gso_size = 0, "gso_size 0");
	BAD(v4, t.h.gso_type = VIRTIO_NET_HDR_GSO_NONE, "gso_type NONE");
	BAD(v4, t.h.gso_type = VIRTIO_NET_HDR_GSO_UDP, "gso_type UDP");
	BAD(v4, t.h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6, "gso_type TCPV6");
	BAD(v6, t.h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4, "gso_type TCPV4");
	BAD(v4, t.f[t.l4 + 12] = 0x40, "TCP doff 4");
	BAD(v4, t.f[t.l4 + 12] = 0x00, "TCP doff 0");
	BAD(v6, t.f[t.l4 + 12] = 0x40, "TCP doff 4");
	/* The TCP header claims all of the payload and more. */
	v4.payload = 20;
	v6.payload = 20;
	BAD(v4, t.f[t.l4 + 12] = 0xf0, "TCP doff past the end");
	BAD(v6, t.f[t.l4 + 12] = 0xf0, "TCP doff past the end");
	/* Header ending exactly at the end of the frame: no payload. */
	BAD(v4, t.f[t.l4 + 12] = 0xd0, "TCP doff to the end (no payload)");
	v4.payload = 0;
	BAD(v4, (void)0, "no payload");
#undef BAD
}

static void
test_csum_udp4(void **state)
{
	static const size_t lens[] = { 0, 1, 2, 3, 7, 8, 9, 31, 32, 33, 1471 };
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	    .csum_start = 34, .csum_offset = 6 };
	uint8_t *f;
	size_t i, j, len;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = 34 + 8 + lens[i];
		assert_non_null(f = malloc(len));
		memset(f, 0, 34);
		test_put16(f + 12, 0x0800);
		f[14] = 0x45;
		f[23] = 17;
		memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x63", 8);
		test_put16(f + 34, 5353);
		test_put16(f + 36, 53);
		test_put16(f + 38, (uint16_t)(len - 34));
		for (j = 42; j < len; j++)
			f[j] = test_pattern(j * 31);
		test_put16(f + 40, refsum_fold(test_pseudo(f, 14, 0, 17,
		    len - 34)));
		assert_int_equal(gso_csum(&h, f, len), 0);
		assert_int_not_equal(test_get16(f + 40), 0);
		assert_int_equal(refsum_fold(test_pseudo(f, 14, 0, 17, len - 34) +
		    refsum(f + 34, len - 34, 0)), 0xffff);
		free(f);
	}
}

static void
test_csum_tcp6(void **state)
{
	struct test_spec sp = { .v6 = 1, .ntags = 1, .payload = 1001,
	    .flags = TCP_ACK | TCP_PSH, .tcpopts = 12 };
	struct test_frame t;

	(void)state;
	/* An ordinary frame from a tap: partial checksum, no GSO. */
	test_build(&sp, &t);
	t.h.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	assert_int_equal(gso_csum(&t.h, t.f, t.len), 0);
	assert_int_equal(refsum_fold(test_pseudo(t.f, t.l3, 1, 6,
	    t.len - t.l4) + refsum(t.f + t.l4, t.len - t.l4, 0)), 0xffff);
	free(t.f);
}

/* The fast sum against the plain one, at every alignment and length. */
static void
test_csum_lengths(void **state)
{
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM };
	uint8_t *f, zero[4] = { 0xff, 0xff, 0x00, 0x00 };
	size_t start, len, j;
	uint16_t partial;

	(void)state;
	for (start = 0; start < 9; start++) {
		for (len = start + 2; len < start + 80; len++) {
			assert_non_null(f = malloc(len));
			for (j = 0; j < len; j++)
				f[j] = (uint8_t)(0xff - j * 3);
			h.csum_start = (uint16_t)start;
			h.csum_offset =
			    (uint16_t)(((len - start) / 2 - 1) & ~1U);
			/* What the field held stands for the pseudo-header. */
			partial = test_get16(f + start + h.csum_offset);
			assert_int_equal(gso_csum(&h, f, len), 0);
			assert_int_equal(refsum_fold(partial + refsum(f + start,
			    len - start, 0)), 0xffff);
			free(f);
		}
	}
	/* A sum of 0xffff gives 0xffff, not 0: UDP's 0 says no checksum. */
	h.csum_start = 0;
	h.csum_offset = 2;
	assert_int_equal(gso_csum(&h, zero, sizeof(zero)), 0);
	assert_int_equal(test_get16(zero + 2), 0xffff);
}

static void
test_csum_bad(void **state)
{
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM };
	uint8_t f[64], copy[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)i;
	memcpy(copy, f, sizeof(f));
	h.csum_start = 65;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), -1);
	h.csum_start = 64;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), -1);
	h.csum_start = 60;
	h.csum_offset = 3;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), -1);
	h.csum_start = 0;
	h.csum_offset = 0xffff;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), -1);
	h.csum_start = 0xffff;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), -1);
	assert_memory_equal(f, copy, sizeof(f));
	/* The last two bytes: just inside. */
	h.csum_start = 60;
	h.csum_offset = 2;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), 0);
	assert_memory_equal(f, copy, 62);
	/* Nothing asked: nothing done, whatever the offsets say. */
	memcpy(f, copy, sizeof(f));
	h.flags = 0;
	h.csum_start = 0xffff;
	assert_int_equal(gso_csum(&h, f, sizeof(f)), 0);
	assert_memory_equal(f, copy, sizeof(f));
}

static void
test_shift(void **state)
{
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	    .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .hdr_len = 66,
	    .gso_size = 1448, .csum_start = 34, .csum_offset = 16 };

	(void)state;
	gso_shift(&h, 4);
	assert_int_equal(h.csum_start, 38);
	assert_int_equal(h.hdr_len, 70);
	assert_int_equal(h.gso_size, 1448);
	assert_int_equal(h.csum_offset, 16);
	gso_shift(&h, -4);
	assert_int_equal(h.csum_start, 34);
	assert_int_equal(h.hdr_len, 66);

	/* Only the fields in use move. */
	h.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	gso_shift(&h, 4);
	assert_int_equal(h.csum_start, 38);
	assert_int_equal(h.hdr_len, 66);
	h.flags = 0;
	gso_shift(&h, -4);
	assert_int_equal(h.csum_start, 38);
	assert_int_equal(h.hdr_len, 66);
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN;
	gso_shift(&h, -4);
	assert_int_equal(h.csum_start, 38);
	assert_int_equal(h.hdr_len, 62);
}

/* Shifted by a tag pushed in, a frame is still cut right. */
static void
test_shift_then_segment(void **state)
{
	struct test_spec sp = { .ntags = 1, .payload = 3000, .mss = 1448,
	    .flags = TCP_ACK };
	struct test_frame t;
	struct gso g;
	uint8_t *untagged;

	(void)state;
	test_build(&sp, &t);
	assert_non_null(untagged = malloc(t.len - 4));
	memcpy(untagged, t.f, 12);
	memcpy(untagged + 12, t.f + 16, t.len - 16);
	assert_int_equal(gso_start(&g, &t.h, untagged, t.len - 4), -1);
	gso_shift(&t.h, -4);
	assert_int_equal(gso_start(&g, &t.h, untagged, t.len - 4), 3);
	assert_int_equal(gso_seglen(&g), t.hlen - 4 + 1448);
	free(untagged);
	free(t.f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_ecn),
		cmocka_unit_test(test_one_segment),
		cmocka_unit_test(test_max_segs),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_short_buf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_csum_udp4),
		cmocka_unit_test(test_csum_tcp6),
		cmocka_unit_test(test_csum_lengths),
		cmocka_unit_test(test_csum_bad),
		cmocka_unit_test(test_shift),
		cmocka_unit_test(test_shift_then_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
