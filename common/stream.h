/* SPDX-License-Identifier: ISC */
/*
 * Length-prefixed frame streams: 2-byte big-endian (vde_plug stdio)
 * and 4-byte big-endian (QEMU socket/stream); switchplug(1), PROTOCOL.
 */

#ifndef STREAM_H
#define STREAM_H

#include <stddef.h>
#include <stdint.h>

struct stream_stats {
	uint64_t	frames;	/* delivered to the callback */
	uint64_t	bytes;	/* in delivered frames, headers excluded */
	uint64_t	runts;	/* 0 < length < FRAME_MIN, dropped */
	uint64_t	giants;	/* length > maxlen: framing errors */
	uint64_t	zero;	/* length 0, skipped */
};

struct deframer {
	int			 hdrlen;	/* 2 or 4 */
	size_t			 maxlen;	/* largest frame accepted */
	size_t			 have;		/* bytes held in buf */
	size_t			 need;		/* bytes of buf that complete
						   the current unit */
	unsigned char		*buf;		/* hdrlen + maxlen bytes */
	struct stream_stats	 st;
	int			 broken;	/* out of sync until reset */
	int			 nozero;	/* length 0 breaks the stream */
	size_t			 badlen;	/* the length that broke it */
};

/*
 * Called once per frame. frame may point into the caller's input or
 * into the deframer's buffer: valid only during the call. The callback
 * must not feed, reset or free the deframer that called it.
 */
typedef void (*deframer_cb)(void *arg, const unsigned char *frame,
    size_t len);

/* stream.c */
int	deframer_init(struct deframer *, int, size_t);
void	deframer_free(struct deframer *);
int	deframer_feed(struct deframer *, const void *, size_t, deframer_cb,
	    void *);
void	deframer_reset(struct deframer *);

size_t	stream_hdr(unsigned char *, int, size_t);

#endif /* STREAM_H */
