/* SPDX-License-Identifier: ISC */
/*
 * Shared by fuzz_stream2.c and fuzz_stream4.c: the input is a byte stream
 * as a peer would send it, fed to the deframer in pieces whose sizes are
 * drawn from the input's first bytes.  However the stream is cut, the
 * deframer must deliver the same frames, in the same order, with the
 * same counters, as a plain reading of the whole stream; every frame it
 * delivers is within [FRAME_MIN, maxlen].
 */
#ifndef STREAM_FUZZ_H
#define STREAM_FUZZ_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "stream.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sf_expect {
	size_t			 off;	/* in the stream */
	size_t			 len;
};

struct sf_state {
	const uint8_t		*stream;
	struct sf_expect	*exp;
	size_t			 nexp;
	size_t			 got;
	size_t			 maxlen;
};

/* The reference: read headers one after the other, no buffering. */
static size_t
sf_reference(const uint8_t *s, size_t len, int hl, size_t maxlen,
    struct sf_expect *exp, struct stream_stats *st, int *broken)
{
	size_t off = 0, flen, n = 0;
	int i;

	memset(st, 0, sizeof(*st));
	*broken = 0;
	while (len - off >= (size_t)hl) {
		for (flen = 0, i = 0; i < hl; i++)
			flen = flen << 8 | s[off + (size_t)i];
		if (flen > maxlen) {
			st->giants++;
			*broken = 1;
			break;
		}
		if (len - off - (size_t)hl < flen)
			break;
		off += (size_t)hl;
		if (flen == 0)
			st->zero++;
		else if (flen < FRAME_MIN)
			st->runts++;
		else {
			st->frames++;
			st->bytes += flen;
			exp[n].off = off;
			exp[n].len = flen;
			n++;
		}
		off += flen;
	}
	return n;
}

static void
sf_cb(void *arg, const unsigned char *frame, size_t len)
{
	struct sf_state *s = arg;
	const struct sf_expect *e;

	assert(len >= FRAME_MIN && len <= s->maxlen);
	assert(s->got < s->nexp);
	e = &s->exp[s->got++];
	assert(len == e->len);
	/* Reads every byte: ASan checks the frame is all there. */
	assert(memcmp(frame, s->stream + e->off, len) == 0);
}

static int
sf_stats_equal(const struct stream_stats *a, const struct stream_stats *b)
{
	return a->frames == b->frames && a->bytes == b->bytes &&
	    a->runts == b->runts && a->giants == b->giants &&
	    a->zero == b->zero;
}

/* xorshift32: the cut points, reproducible from the input. */
static uint32_t
sf_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Feeds stream[0..len) cut at random points; each piece its own buffer. */
static int
sf_feed_cut(struct deframer *d, const uint8_t *stream, size_t len,
    uint32_t seed, struct sf_state *s)
{
	static const size_t maxcut[4] = { 1, 7, 300, 70000 };
	size_t off = 0, n, cmax = maxcut[seed & 3];
	uint32_t x = seed | 1;
	uint8_t *piece;
	int rc = 0, r;

	while (off < len) {
		n = 1 + sf_rand(&x) % cmax;
		if (n > len - off)
			n = len - off;
		if ((piece = malloc(n)) == NULL)
			abort();
		memcpy(piece, stream + off, n);
		r = deframer_feed(d, piece, n, sf_cb, s);
		free(piece);
		if (r == -1) {
			/* Broken stays broken until reset. */
			assert(d->broken);
			rc = -1;
		} else
			assert(rc == 0);
		off += n;
	}
	return rc;
}

static int
sf_run(const uint8_t *data, size_t size, int hl, size_t maxlen)
{
	struct deframer d;
	struct sf_state s;
	struct stream_stats want, before;
	const uint8_t *stream;
	size_t len;
	uint32_t seed;
	int broken, rc;

	if (size < 4)
		return 0;
	memcpy(&seed, data, 4);
	stream = data + 4;
	len = size - 4;

	memset(&s, 0, sizeof(s));
	s.stream = stream;
	s.maxlen = maxlen;
	/* At most one frame per FRAME_MIN + hl bytes. */
	if ((s.exp = calloc(len / FRAME_MIN + 1, sizeof(*s.exp))) == NULL)
		return 0;
	s.nexp = sf_reference(stream, len, hl, maxlen, s.exp, &want, &broken);

	assert(deframer_init(&d, hl, maxlen) == 0);
	rc = sf_feed_cut(&d, stream, len, seed, &s);
	assert(rc == (broken ? -1 : 0));
	assert(d.broken == broken);
	assert(s.got == s.nexp);
	assert(sf_stats_equal(&d.st, &want));
	assert(d.have <= (size_t)hl + maxlen && d.need <= (size_t)hl + maxlen);

	/* After a reset, the whole stream in one piece: the same again. */
	deframer_reset(&d);
	before = d.st;
	s.got = 0;
	rc = deframer_feed(&d, stream, len, sf_cb, &s);
	assert(rc == (broken ? -1 : 0));
	assert(s.got == s.nexp);
	assert(d.st.frames - before.frames == want.frames);
	assert(d.st.bytes - before.bytes == want.bytes);
	assert(d.st.runts - before.runts == want.runts);
	assert(d.st.giants - before.giants == want.giants);
	assert(d.st.zero - before.zero == want.zero);
	if (broken)
		assert(deframer_feed(&d, stream, len, sf_cb, &s) == -1);

	deframer_free(&d);
	free(s.exp);
	return 0;
}

#endif
