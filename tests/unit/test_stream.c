/* SPDX-License-Identifier: ISC */
/*
 * Deframer tests: every frame a peer sends must come out whole, once,
 * in order, however the bytes are chopped by reads; bad lengths must be
 * counted and must never overrun.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "stream.h"

#define TEST_MAXFRAMES	512

/* What the deframer delivered, copied since frame pointers are transient. */
struct test_got {
	size_t			 n;
	size_t			 len[TEST_MAXFRAMES];
	unsigned char		*data[TEST_MAXFRAMES];
	const unsigned char	*ptr[TEST_MAXFRAMES];
};

/* A stream being built, and the frames it should yield. */
struct test_stream {
	unsigned char	*buf;
	size_t		 len, size;
	size_t		 n;		/* expected deliveries */
	size_t		 flen[TEST_MAXFRAMES];
	size_t		 foff[TEST_MAXFRAMES];	/* frame offset in buf */
};

static void
test_cb(void *arg, const unsigned char *frame, size_t len)
{
	struct test_got	*g = arg;

	assert_true(g->n < TEST_MAXFRAMES);
	g->len[g->n] = len;
	g->ptr[g->n] = frame;
	g->data[g->n] = malloc(len);
	assert_non_null(g->data[g->n]);
	memcpy(g->data[g->n], frame, len);
	g->n++;
}

static void
test_got_clear(struct test_got *g)
{
	size_t	 i;

	for (i = 0; i < g->n; i++)
		free(g->data[i]);
	memset(g, 0, sizeof(*g));
}

/* Distinct content per frame, so reordering or mixing is detected. */
static unsigned char
test_byte(size_t frame, size_t i)
{
	return (unsigned char)(frame * 31 + i * 7 + (i >> 8) + 1);
}

/*
 * Appends one unit with the header announcing hdrval and flen payload
 * bytes (normally equal). Units with length in [FRAME_MIN, max] are
 * expected to be delivered.
 */
static void
test_append(struct test_stream *s, int hdrlen, size_t hdrval, size_t flen)
{
	size_t	 i, need = s->len + (size_t)hdrlen + flen;

	if (need > s->size) {
		s->size = need * 2;
		s->buf = realloc(s->buf, s->size);
		assert_non_null(s->buf);
	}
	s->len += stream_hdr(s->buf + s->len, hdrlen, hdrval);
	for (i = 0; i < flen; i++)
		s->buf[s->len + i] = test_byte(s->n, i);
	if (hdrval == flen && flen >= FRAME_MIN) {
		assert_true(s->n < TEST_MAXFRAMES);
		s->flen[s->n] = flen;
		s->foff[s->n] = s->len;
		s->n++;
	}
	s->len += flen;
}

static void
test_frame(struct test_stream *s, int hdrlen, size_t flen)
{
	test_append(s, hdrlen, flen, flen);
}

static void
test_stream_free(struct test_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static void
test_check(const struct test_got *g, const struct test_stream *s)
{
	size_t	 i;

	assert_int_equal(g->n, s->n);
	for (i = 0; i < s->n; i++) {
		assert_int_equal(g->len[i], s->flen[i]);
		assert_memory_equal(g->data[i], s->buf + s->foff[i],
		    s->flen[i]);
	}
}

static int
test_inside(const unsigned char *p, const void *buf, size_t len)
{
	const unsigned char	*b = buf;

	return p >= b && p < b + len;
}

/*
 * A mixed stream: sizes around the boundaries, zero and runts between;
 * 5 frames, 2 zero, 2 runts.
 */
static void
test_mixed(struct test_stream *s, int hdrlen, size_t big)
{
	test_frame(s, hdrlen, 60);
	test_frame(s, hdrlen, 0);
	test_frame(s, hdrlen, FRAME_MIN);
	test_frame(s, hdrlen, 1);
	test_frame(s, hdrlen, FRAME_MIN - 1);
	test_frame(s, hdrlen, 1514);
	test_frame(s, hdrlen, big);
	test_frame(s, hdrlen, 0);
	test_frame(s, hdrlen, 64);
}

static void
test_one_chunk(void **state)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };

	(void)state;
	test_frame(&s, 2, 60);
	assert_int_equal(deframer_init(&d, 2, STREAM2_MAX), 0);
	assert_int_equal(deframer_feed(&d, s.buf, s.len, test_cb, &g), 0);
	test_check(&g, &s);
	/* Whole frame in the chunk: handed over without a copy. */
	assert_ptr_equal(g.ptr[0], s.buf + 2);
	assert_int_equal(d.st.frames, 1);
	assert_int_equal(d.st.bytes, 60);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

static void
test_merged(int hdrlen, size_t max)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };
	size_t			 i;

	test_mixed(&s, hdrlen, max);
	assert_int_equal(deframer_init(&d, hdrlen, max), 0);
	assert_int_equal(deframer_feed(&d, s.buf, s.len, test_cb, &g), 0);
	test_check(&g, &s);
	for (i = 0; i < g.n; i++)
		assert_true(test_inside(g.ptr[i], s.buf, s.len));
	assert_int_equal(d.st.frames, 5);
	assert_int_equal(d.st.zero, 2);
	assert_int_equal(d.st.runts, 2);
	assert_int_equal(d.st.giants, 0);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

static void
test_merged2(void **state)
{
	(void)state;
	test_merged(2, STREAM2_MAX);
}

static void
test_merged4(void **state)
{
	(void)state;
	test_merged(4, STREAM4_MAX);
}

/*
 * Two reads, split at every possible byte. The largest frame is
 * FRAME_MAX rather than max to keep this quadratic loop fast under
 * sanitizers; the merged and random tests cover max.
 */
static void
test_split(int hdrlen, size_t max)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };
	size_t			 i;

	test_mixed(&s, hdrlen, FRAME_MAX);
	assert_int_equal(deframer_init(&d, hdrlen, max), 0);
	for (i = 0; i <= s.len; i++) {
		assert_int_equal(deframer_feed(&d, s.buf, i, test_cb, &g), 0);
		assert_int_equal(deframer_feed(&d, s.buf + i, s.len - i,
		    test_cb, &g), 0);
		test_check(&g, &s);
		assert_int_equal(d.have, 0);
		test_got_clear(&g);
	}
	deframer_free(&d);
	test_stream_free(&s);
}

static void
test_split2(void **state)
{
	(void)state;
	test_split(2, STREAM2_MAX);
}

static void
test_split4(void **state)
{
	(void)state;
	test_split(4, STREAM4_MAX);
}

/* The worst case for reassembly: one byte per read. */
static void
test_bytewise(int hdrlen, size_t max)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };
	size_t			 i;

	test_mixed(&s, hdrlen, max);
	assert_int_equal(deframer_init(&d, hdrlen, max), 0);
	for (i = 0; i < s.len; i++)
		assert_int_equal(deframer_feed(&d, s.buf + i, 1, test_cb, &g),
		    0);
	test_check(&g, &s);
	assert_int_equal(d.st.runts, 2);
	assert_int_equal(d.st.zero, 2);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

static void
test_bytewise2(void **state)
{
	(void)state;
	test_bytewise(2, STREAM2_MAX);
}

static void
test_bytewise4(void **state)
{
	(void)state;
	test_bytewise(4, STREAM4_MAX);
}

/* Runts are consumed with their bytes: the next frame is intact. */
static void
test_runt(void **state)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };

	(void)state;
	test_frame(&s, 2, 5);
	test_frame(&s, 2, FRAME_MIN - 1);
	test_frame(&s, 2, 100);
	assert_int_equal(deframer_init(&d, 2, STREAM2_MAX), 0);
	assert_int_equal(deframer_feed(&d, s.buf, s.len, test_cb, &g), 0);
	test_check(&g, &s);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.len[0], 100);
	assert_int_equal(d.st.runts, 2);
	assert_int_equal(d.st.frames, 1);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

static void
test_zero(void **state)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };

	(void)state;
	test_frame(&s, 4, 0);
	test_frame(&s, 4, 0);
	test_frame(&s, 4, 42);
	assert_int_equal(deframer_init(&d, 4, STREAM4_MAX), 0);
	/* A zero header split across reads must not be mistaken. */
	assert_int_equal(deframer_feed(&d, s.buf, 3, test_cb, &g), 0);
	assert_int_equal(d.st.zero, 0);
	assert_int_equal(deframer_feed(&d, s.buf + 3, s.len - 3, test_cb,
	    &g), 0);
	test_check(&g, &s);
	assert_int_equal(g.n, 1);
	assert_int_equal(d.st.zero, 2);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

/*
 * A length above max breaks the stream: -1, counted, nothing delivered,
 * still -1 until reset, and after a reset a fresh stream works.
 */
static void
test_giant(int hdrlen, size_t max, size_t hdrval, size_t split)
{
	struct deframer		 d;
	struct test_stream	 bad = { 0 }, good = { 0 };
	struct test_got		 g = { 0 };

	test_append(&bad, hdrlen, hdrval, 20);
	test_frame(&good, hdrlen, 80);
	assert_int_equal(deframer_init(&d, hdrlen, max), 0);
	assert_int_equal(deframer_feed(&d, bad.buf, split, test_cb, &g), 0);
	assert_int_equal(deframer_feed(&d, bad.buf + split, bad.len - split,
	    test_cb, &g), -1);
	assert_int_equal(g.n, 0);
	assert_int_equal(d.st.giants, 1);
	assert_int_equal(deframer_feed(&d, good.buf, good.len, test_cb, &g),
	    -1);
	assert_int_equal(g.n, 0);
	deframer_reset(&d);
	assert_int_equal(deframer_feed(&d, good.buf, good.len, test_cb, &g),
	    0);
	test_check(&g, &good);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&bad);
	test_stream_free(&good);
}

static void
test_giant2(void **state)
{
	(void)state;
	test_giant(2, STREAM2_MAX, STREAM2_MAX + 1, 0);
	test_giant(2, STREAM2_MAX, STREAM2_MAX + 1, 1);
	test_giant(2, STREAM2_MAX, 0xffff, 0);
}

static void
test_giant4(void **state)
{
	(void)state;
	test_giant(4, STREAM4_MAX, STREAM4_MAX + 1, 0);
	test_giant(4, STREAM4_MAX, STREAM4_MAX + 1, 2);
	/* Lengths that would wrap "hdrlen + len" in 32-bit arithmetic. */
	test_giant(4, STREAM4_MAX, 0xffffffffU, 0);
	test_giant(4, STREAM4_MAX, 0xfffffffeU, 3);
}

/*
 * QEMU's length is 32 bits: a top byte set makes it a giant however
 * small the low part. 01 00 00 40 followed by 64 bytes must not pass
 * as a 64-byte frame, whether the header comes whole or byte by byte.
 */
static void
test_giant4_topbyte(void **state)
{
	static const unsigned char hdr[4] = { 0x01, 0x00, 0x00, 0x40 };
	unsigned char		 buf[4 + 0x40];
	struct deframer		 d;
	struct test_got		 g = { 0 };
	size_t			 i;
	int			 rc = 0;

	(void)state;
	memcpy(buf, hdr, sizeof(hdr));
	for (i = sizeof(hdr); i < sizeof(buf); i++)
		buf[i] = test_byte(0, i);
	assert_int_equal(deframer_init(&d, 4, STREAM4_MAX), 0);
	assert_int_equal(deframer_feed(&d, buf, sizeof(buf), test_cb, &g), -1);
	assert_int_equal(g.n, 0);
	assert_int_equal(d.st.giants, 1);
	assert_int_equal(d.st.frames, 0);

	deframer_reset(&d);
	for (i = 0; i < sizeof(buf) && rc == 0; i++)
		rc = deframer_feed(&d, buf + i, 1, test_cb, &g);
	assert_int_equal(rc, -1);
	assert_int_equal(i, sizeof(hdr));
	assert_int_equal(g.n, 0);
	assert_int_equal(d.st.giants, 2);
	assert_int_equal(d.st.frames, 0);
	deframer_free(&d);
	test_got_clear(&g);
}

/* vde_plug's limit: 9236 passes, 9237 is a framing error. */
static void
test_boundary2(void **state)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };
	unsigned char		 hdr[2];

	(void)state;
	test_frame(&s, 2, 9236);
	assert_int_equal(deframer_init(&d, 2, STREAM2_MAX), 0);
	assert_int_equal(deframer_feed(&d, s.buf, 1000, test_cb, &g), 0);
	assert_int_equal(deframer_feed(&d, s.buf + 1000, s.len - 1000,
	    test_cb, &g), 0);
	test_check(&g, &s);
	assert_int_equal(g.len[0], 9236);
	assert_int_equal(stream_hdr(hdr, 2, 9237), 2);
	assert_int_equal(deframer_feed(&d, hdr, 2, test_cb, &g), -1);
	assert_int_equal(d.st.giants, 1);
	assert_int_equal(g.n, 1);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

static void
test_hdr(void **state)
{
	unsigned char	 h[4];

	(void)state;
	assert_int_equal(stream_hdr(h, 2, 0x1234), 2);
	assert_int_equal(h[0], 0x12);
	assert_int_equal(h[1], 0x34);
	assert_int_equal(stream_hdr(h, 4, 0x01020304), 4);
	assert_int_equal(h[0], 0x01);
	assert_int_equal(h[1], 0x02);
	assert_int_equal(h[2], 0x03);
	assert_int_equal(h[3], 0x04);
}

static void
test_init(void **state)
{
	struct deframer	 d;

	(void)state;
	assert_int_equal(deframer_init(&d, 3, 1000), -1);
	assert_int_equal(deframer_init(&d, 2, 0x10000), -1);
	assert_int_equal(deframer_init(&d, 4, FRAME_MIN - 1), -1);
	assert_int_equal(deframer_init(&d, 2, 0xffff), 0);
	deframer_free(&d);
	deframer_free(&d);	/* idempotent */
}

/* xorshift32: reproducible without touching libc's rand() state. */
static uint32_t
test_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static size_t
test_randlen(uint32_t *x, size_t max)
{
	switch (test_rand(x) % 8) {
	case 0:
		return test_rand(x) % FRAME_MIN;	/* zero or runt */
	case 1:
		return max - test_rand(x) % 4;
	case 2:
		return FRAME_MIN + test_rand(x) % (max - FRAME_MIN + 1);
	default:
		return FRAME_MIN + test_rand(x) % 1500;
	}
}

static void
test_random(int hdrlen, size_t max, uint32_t seed)
{
	struct deframer		 d;
	struct test_stream	 s = { 0 };
	struct test_got		 g = { 0 };
	uint32_t		 x = seed;
	size_t			 i, off, n, maxchunk;

	for (i = 0; i < 300; i++)
		test_frame(&s, hdrlen, test_randlen(&x, max));
	assert_int_equal(deframer_init(&d, hdrlen, max), 0);
	/* Vary the chunk scale so both tiny and huge reads happen. */
	maxchunk = (size_t[]){ 3, 64, 2000, 70000 }[seed % 4];
	for (off = 0; off < s.len; off += n) {
		n = 1 + test_rand(&x) % maxchunk;
		if (n > s.len - off)
			n = s.len - off;
		assert_int_equal(deframer_feed(&d, s.buf + off, n, test_cb,
		    &g), 0);
	}
	if (g.n != s.n)
		print_error("seed %u: %zu frames, expected %zu\n",
		    (unsigned int)seed, g.n, s.n);
	test_check(&g, &s);
	assert_int_equal(d.st.frames, s.n);
	assert_int_equal(d.have, 0);
	deframer_free(&d);
	test_got_clear(&g);
	test_stream_free(&s);
}

static void
test_random2(void **state)
{
	uint32_t	 seed;

	(void)state;
	for (seed = 1; seed <= 40; seed++)
		test_random(2, STREAM2_MAX, seed);
}

static void
test_random4(void **state)
{
	uint32_t	 seed;

	(void)state;
	for (seed = 1; seed <= 40; seed++)
		test_random(4, STREAM4_MAX, seed * 2654435761U);
}

struct test_bounds {
	size_t		max;
	uint64_t	frames;
	unsigned int	sum;
};

static void
test_bounds_cb(void *arg, const unsigned char *frame, size_t len)
{
	struct test_bounds	*b = arg;
	size_t			 i;

	assert_true(len >= FRAME_MIN && len <= b->max);
	/* Read every byte so ASan sees any pointer outside the input. */
	for (i = 0; i < len; i++)
		b->sum += frame[i];
	b->frames++;
}

/*
 * Random bytes with small lengths planted so frames do occur: whatever
 * a peer sends, deliveries stay within bounds and a reset recovers.
 */
static void
test_garbage(void **state)
{
	struct deframer		 d;
	struct test_bounds	 b;
	unsigned char		 buf[4096];
	uint32_t		 x = 12345;
	size_t			 i, j, off, n;
	int			 hdrlen, errors;

	(void)state;
	for (hdrlen = 2; hdrlen <= 4; hdrlen += 2) {
		memset(&b, 0, sizeof(b));
		b.max = 1000;
		errors = 0;
		assert_int_equal(deframer_init(&d, hdrlen, b.max), 0);
		for (i = 0; i < 2000; i++) {
			for (j = 0; j < sizeof(buf); j++)
				buf[j] = (unsigned char)test_rand(&x);
			for (j = 0; j < 8; j++)
				stream_hdr(buf + test_rand(&x) %
				    (sizeof(buf) - 4), hdrlen,
				    test_rand(&x) % 1100);
			for (off = 0; off < sizeof(buf); off += n) {
				n = 1 + test_rand(&x) % 700;
				if (n > sizeof(buf) - off)
					n = sizeof(buf) - off;
				if (deframer_feed(&d, buf + off, n,
				    test_bounds_cb, &b) == -1) {
					errors++;
					deframer_reset(&d);
				}
			}
		}
		assert_true(b.frames > 0);
		assert_int_equal(d.st.frames, b.frames);
		assert_int_equal(d.st.giants, (uint64_t)errors);
		deframer_free(&d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_chunk),
		cmocka_unit_test(test_merged2),
		cmocka_unit_test(test_merged4),
		cmocka_unit_test(test_split2),
		cmocka_unit_test(test_split4),
		cmocka_unit_test(test_bytewise2),
		cmocka_unit_test(test_bytewise4),
		cmocka_unit_test(test_runt),
		cmocka_unit_test(test_zero),
		cmocka_unit_test(test_giant2),
		cmocka_unit_test(test_giant4),
		cmocka_unit_test(test_giant4_topbyte),
		cmocka_unit_test(test_boundary2),
		cmocka_unit_test(test_hdr),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_random2),
		cmocka_unit_test(test_random4),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
