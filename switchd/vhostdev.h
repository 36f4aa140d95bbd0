/* SPDX-License-Identifier: ISC */
/*
 * A vhost-user network device as the messages of one front-end (QEMU)
 * make it: the features both sides agreed on, the guest's memory table,
 * and the two rings, receive (0) and transmit (1), with their eventfds.
 * No sockets and no loop: messages come in whole (struct vhu_msg), the
 * replies go back out the same way, and memory is mapped through the
 * caller's hooks, so that tests and fuzzers drive it with fake memory.
 *
 * Anything a front-end can say that the device cannot follow is an
 * error, with a message, and the caller drops the front-end: rings of
 * another size than virtio allows, addresses outside the memory table,
 * a ring started without a kick descriptor, features it was not offered.
 */
#ifndef VHOSTDEV_H
#define VHOSTDEV_H

#include <stddef.h>
#include <stdint.h>

#include "vhu.h"
#include "vring.h"

#define VHOSTDEV_RX	0	/* frames to the guest */
#define VHOSTDEV_TX	1	/* frames from the guest */

struct vhostdev_ops {
	/*
	 * Map *len bytes of fd from its start, shared, read and write,
	 * and say in *len how much was mapped (whole pages); NULL with a
	 * reason.  The descriptor stays the caller's.
	 */
	void	*(*map)(void *arg, int fd, uint64_t *len, char *err,
		    size_t errlen);
	void	 (*unmap)(void *arg, void *base, uint64_t len);
	/* Close a descriptor the device is done with. */
	void	 (*close)(void *arg, int fd);
};

struct vhostdev_ring {
	uint32_t	 num;		/* SET_VRING_NUM: 0 until then */
	struct vhu_addr	 addr;
	int		 have_addr;
	uint16_t	 base;		/* SET_VRING_BASE */
	int		 kick;		/* eventfds, -1 for none */
	int		 call;
	int		 started;	/* from its kick to GET_VRING_BASE */
	int		 enabled;
	struct vring_split	 vr;
};

struct vhostdev {
	uint64_t	 features;	/* agreed on by SET_FEATURES */
	uint64_t	 protocol;	/* by SET_PROTOCOL_FEATURES */
	int		 features_set;
	struct vring_mem mem;
	void		*map[VRING_REGIONS_MAX];
	uint64_t	 maplen[VRING_REGIONS_MAX];
	struct vhostdev_ring ring[2];
	unsigned int	 hdrlen;	/* of a virtio-net header: 10 or 12 */
	const struct vhostdev_ops *ops;
	void		*arg;
};

/* What the switch offers: see vhostdev.c. */
extern const uint64_t vhostdev_features;
extern const uint64_t vhostdev_protocol;

/* vhostdev.c */
void	vhostdev_init(struct vhostdev *, const struct vhostdev_ops *,
	    void *arg);
void	vhostdev_free(struct vhostdev *);
int	vhostdev_msg(struct vhostdev *, struct vhu_msg *in,
	    struct vhu_msg *reply, char *err, size_t len);
int	vhostdev_ready(const struct vhostdev *, int ring);
int	vhostdev_has(const struct vhostdev *, unsigned int bit);

#endif
