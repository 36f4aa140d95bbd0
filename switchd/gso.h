/* SPDX-License-Identifier: ISC */
/*
 * Offloads undone: frames read from a tap carry a virtio_net_hdr and may
 * hold a partial checksum or be TCP segmentation (GSO) frames of up to
 * 64 KiB.  A port that cannot take those gets ordinary frames with
 * correct checksums, made here.  Pure code: no sockets, no loop.  The
 * frames come from a guest and are not trusted: every offset is checked.
 */
#ifndef GSO_H
#define GSO_H

#include <linux/virtio_net.h>
#include <stddef.h>
#include <stdint.h>

#define GSO_HDRLEN	sizeof(struct virtio_net_hdr)

/* Most segments one frame may be cut into: bounds the work per frame. */
#define GSO_MAXSEGS	1024

/*
 * Completes a partial checksum in place; 0, or -1 when the offsets lie
 * outside the frame.  A header without NEEDS_CSUM asks for nothing: 0.
 */
/* gso.c */
int	gso_csum(const struct virtio_net_hdr *h, uint8_t *f, size_t len);

/*
 * Moves the header's offsets by delta bytes (a VLAN tag inserted, +4, or
 * removed, -4); only fields that are in use (csum_start when NEEDS_CSUM,
 * hdr_len when gso_type != NONE).
 */
void	gso_shift(struct virtio_net_hdr *h, int delta);

/* Iterator over the segments of one GSO frame; private to gso.c. */
struct gso {
	const uint8_t	*f;		/* the frame */
	size_t		 l3;		/* offset of the IP header */
	size_t		 l4;		/* offset of the TCP header */
	size_t		 hlen;		/* all headers: offset of the payload */
	size_t		 pos;		/* next payload byte */
	size_t		 end;		/* end of the payload */
	size_t		 mss;
	uint32_t	 seq;		/* the frame's sequence number */
	uint16_t	 id;		/* the frame's IPv4 id */
	unsigned int	 seg;		/* index of the next segment */
	unsigned int	 nsegs;
	int		 v6;
};

/*
 * Starts cutting the TCP GSO frame f (Ethernet, possibly with 802.1Q/802.1ad
 * tags, then IPv4 without requirements on options or IPv6 without extension
 * headers, then TCP) into segments of at most h->gso_size payload bytes.
 * Returns the number of segments, or -1 when the frame is not such a frame
 * or the header does not match it (gso_size 0, no payload, csum_start not
 * the TCP header or csum_offset not TCP's, an IPv4 fragment, more than
 * GSO_MAXSEGS segments, a segment too long for its IP length field).
 * The payload is everything after the TCP header up to len, as Linux
 * segments skb->len: the IP length fields are neither trusted nor needed
 * (BIG TCP sets them to 0) and are recomputed for each segment.  hdr_len
 * is not used: Linux sets it to the linear length, not the headers'.
 * The frame must stay in place until the last gso_next().
 */
int	gso_start(struct gso *, const struct virtio_net_hdr *h,
	    const uint8_t *f, size_t len);
/* Length of the longest segment gso_next() will write; 0 when done. */
size_t	gso_seglen(const struct gso *);
/*
 * Writes the next segment into buf (at least gso_seglen() bytes), returns
 * its length, 0 when done (or, a caller's bug, when buf is too short for
 * the segment: then nothing is written and the iterator does not move).
 */
size_t	gso_next(struct gso *, uint8_t *buf, size_t buflen);

#endif
