/* SPDX-License-Identifier: ISC */
/*
 * A guest's memory table and its split virtqueues (virtio 1.x, 2.7):
 * buffers taken from the available ring, walked as chains of
 * descriptors, given back on the used ring, and the notifications each
 * side asks the other for.  Pure code: no sockets, no loop, no mmap; the
 * memory is whatever the caller mapped.
 *
 * Everything in guest memory may change under us at any time and is
 * not trusted: each descriptor is read once into a copy, every address
 * and length is checked against the memory table, chains are bounded,
 * and indexes that run ahead of the ring are errors, not loops.
 */
#ifndef VRING_H
#define VRING_H

#include <linux/virtio_ring.h>
#include <stddef.h>
#include <stdint.h>

#define VRING_NUM_MAX		32768
#define VRING_REGIONS_MAX	8
/* Buffers in one chain: no network driver comes near it. */
#define VRING_SEGS_MAX		256

struct vring_region {
	uint64_t	 gpa;		/* guest physical */
	uint64_t	 uva;		/* the front-end's address */
	uint64_t	 size;
	uint8_t		*host;		/* where it is mapped here */
};

struct vring_mem {
	unsigned int	 n;
	struct vring_region r[VRING_REGIONS_MAX];
};

/* What a guest did wrong, for the log line that ends its port. */
enum vring_err {
	VRING_OK,
	VRING_E_IDX,		/* available index more than the ring ahead */
	VRING_E_HEAD,		/* a head beyond the descriptor table */
	VRING_E_NEXT,		/* a next beyond the table */
	VRING_E_ADDR,		/* a buffer outside the memory table */
	VRING_E_LOOP,		/* a chain longer than its table: a loop */
	VRING_E_LONG,		/* more than VRING_SEGS_MAX buffers */
	VRING_E_DIR,		/* a buffer the wrong way for the ring */
	VRING_E_INDIRECT	/* a bad indirect table */
};

struct vring_split {
	uint32_t	 num;		/* 0: not set up */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t	*used_event;	/* in the available ring, after it */
	uint16_t	*avail_event;	/* in the used ring, after it */
	int		 event_idx;	/* VIRTIO_RING_F_EVENT_IDX */
	int		 indirect;	/* VIRTIO_RING_F_INDIRECT_DESC */
	uint16_t	 last_avail;	/* next buffer to take */
	uint16_t	 avail_idx;	/* the guest's, as last read */
	uint16_t	 last_used;	/* next used entry to write */
	uint16_t	 signalled;	/* used index at the last interrupt */
	int		 signalled_ok;
	enum vring_err	 err;
	uint64_t	 err_addr;	/* what it was about */
};

struct vring_seg {
	uint8_t		*p;
	uint32_t	 len;
};

/* A chain of buffers taken from the available ring. */
struct vring_chain {
	uint16_t	 head;
	unsigned int	 nseg;
	size_t		 len;
	struct vring_seg seg[VRING_SEGS_MAX];
};

/* vring.c */
uint8_t		*vring_mem_gpa(const struct vring_mem *, uint64_t gpa,
		    uint64_t len);
uint8_t		*vring_mem_uva(const struct vring_mem *, uint64_t uva,
		    uint64_t len);
int		 vring_setup(struct vring_split *, const struct vring_mem *,
		    uint32_t num, uint64_t desc, uint64_t avail, uint64_t used);
int		 vring_pop(struct vring_split *, const struct vring_mem *,
		    int writable, struct vring_chain *);
int		 vring_peek(struct vring_split *, const struct vring_mem *,
		    uint16_t ahead, int writable, struct vring_chain *);
void		 vring_unpop(struct vring_split *, unsigned int n);
void		 vring_push(struct vring_split *, uint16_t head, uint32_t len);
void		 vring_publish(struct vring_split *);
int		 vring_need_call(struct vring_split *);
int		 vring_kicks(struct vring_split *, int on);
int		 vring_kick_after(struct vring_split *, uint16_t seen);
size_t		 vring_read(const struct vring_chain *, size_t off, void *dst,
		    size_t len);
size_t		 vring_write(const struct vring_chain *, size_t off,
		    const void *src, size_t len);
size_t		 vring_splice(const struct vring_chain *dst, size_t doff,
		    const struct vring_chain *src, size_t soff, size_t len);
const char	*vring_strerror(enum vring_err);

#endif
