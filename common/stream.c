/* SPDX-License-Identifier: ISC */
/*
 * Incremental deframer and header writer for length-prefixed streams.
 * The bytes come from peers (pipes, ssh, TCP), so a length is checked
 * against maxlen before anything is buffered, and reads may split or
 * merge frames anywhere.
 */

#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "stream.h"

static size_t
stream_hdr_decode(const unsigned char *p, int hdrlen)
{
	if (hdrlen == 2)
		return (size_t)p[0] << 8 | p[1];
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 |
	    (size_t)p[2] << 8 | p[3];
}

size_t
stream_hdr(unsigned char *hdr, int hdrlen, size_t framelen)
{
	assert(hdrlen == 2 || hdrlen == 4);
	if (hdrlen == 2) {
		assert(framelen <= 0xffff);
		hdr[0] = (unsigned char)(framelen >> 8);
		hdr[1] = (unsigned char)framelen;
	} else {
		assert(framelen <= 0xffffffffU);
		hdr[0] = (unsigned char)(framelen >> 24);
		hdr[1] = (unsigned char)(framelen >> 16);
		hdr[2] = (unsigned char)(framelen >> 8);
		hdr[3] = (unsigned char)framelen;
	}
	return (size_t)hdrlen;
}

int
deframer_init(struct deframer *d, int hdrlen, size_t maxlen)
{
	memset(d, 0, sizeof(*d));
	/* A 2-byte header cannot announce more than 0xffff anyway. */
	if ((hdrlen != 2 && hdrlen != 4) || maxlen < FRAME_MIN ||
	    (hdrlen == 2 && maxlen > 0xffff) || maxlen > 0xffffffffU) {
		errno = EINVAL;
		return -1;
	}
	if ((d->buf = malloc((size_t)hdrlen + maxlen)) == NULL)
		return -1;
	d->hdrlen = hdrlen;
	d->maxlen = maxlen;
	deframer_reset(d);
	return 0;
}

void
deframer_free(struct deframer *d)
{
	free(d->buf);
	d->buf = NULL;
}

void
deframer_reset(struct deframer *d)
{
	d->have = 0;
	d->need = (size_t)d->hdrlen;
	d->broken = 0;
}

/* Zero lengths are keepalive-like no-ops; runts are dropped but counted. */
static void
deframer_deliver(struct deframer *d, const unsigned char *frame, size_t len,
    deframer_cb cb, void *arg)
{
	if (len == 0) {
		d->st.zero++;
		return;
	}
	if (len < FRAME_MIN) {
		d->st.runts++;
		return;
	}
	d->st.frames++;
	d->st.bytes += len;
	cb(arg, frame, len);
}

/*
 * Returns the announced length, or marks the stream broken.  QEMU never
 * sends a length of 0: where nozero is set, one says the stream is not
 * QEMU's framing at all.
 */
static int
deframer_check(struct deframer *d, const unsigned char *hdr, size_t *flen)
{
	*flen = stream_hdr_decode(hdr, d->hdrlen);
	if (*flen > d->maxlen || (*flen == 0 && d->nozero)) {
		if (*flen == 0)
			d->st.zero++;
		else
			d->st.giants++;
		d->badlen = *flen;
		d->broken = 1;
		return -1;
	}
	return 0;
}

/*
 * Frames that lie whole in the input are delivered straight from it;
 * this is the common case for a stream that is keeping up. Returns the
 * bytes consumed, or -1 on a framing error.
 */
static ssize_t
deframer_direct(struct deframer *d, const unsigned char *p, size_t len,
    deframer_cb cb, void *arg)
{
	size_t	 hl = (size_t)d->hdrlen, off = 0, flen;

	while (len - off >= hl) {
		if (deframer_check(d, p + off, &flen) == -1)
			return -1;
		if (len - off - hl < flen)
			break;
		deframer_deliver(d, p + off + hl, flen, cb, arg);
		off += hl + flen;
	}
	return (ssize_t)off;
}

/*
 * Accumulates a partial unit (header, then header + frame) in buf.
 * Returns the bytes consumed, or -1 on a framing error.
 */
static ssize_t
deframer_buffer(struct deframer *d, const unsigned char *p, size_t len,
    deframer_cb cb, void *arg)
{
	size_t	 hl = (size_t)d->hdrlen, n, flen;

	n = d->need - d->have;
	if (n > len)
		n = len;
	memcpy(d->buf + d->have, p, n);
	d->have += n;
	if (d->have < d->need)
		return (ssize_t)n;
	if (d->need == hl) {
		if (deframer_check(d, d->buf, &flen) == -1)
			return -1;
		d->need = hl + flen;
		if (flen != 0)
			return (ssize_t)n;
	}
	deframer_deliver(d, d->buf + hl, d->need - hl, cb, arg);
	d->have = 0;
	d->need = hl;
	return (ssize_t)n;
}

int
deframer_feed(struct deframer *d, const void *data, size_t len,
    deframer_cb cb, void *arg)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	if (d->broken)
		return -1;
	while (len > 0) {
		if (d->have == 0) {
			if ((n = deframer_direct(d, p, len, cb, arg)) == -1)
				return -1;
			p += n;
			len -= (size_t)n;
			if (len == 0)
				break;
		}
		if ((n = deframer_buffer(d, p, len, cb, arg)) == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
