/* SPDX-License-Identifier: ISC */
/*
 * vhost-user ports: a QEMU that attaches with -netdev vhost-user on
 * DIR/vhost (or a port's own socket, netdev.c) gets a port whose frames
 * the switch reads from and writes to the guest's virtio rings, in
 * memory QEMU shares with it.  The protocol is vhostdev.c's and the
 * rings vring.c's; this is the port: the socket, the eventfds in the
 * loop, and frames to and from port.c.
 *
 * Written against QEMU's specification rather than on DPDK's
 * librte-vhost: that library runs its own thread to dispatch the
 * sockets, and hands frames over in mbufs from mempools that need
 * DPDK's EAL set up (its threads, hugepages or their emulation, a
 * runtime directory), none of which fits one libev loop in a process
 * that has dropped every privilege.
 */
#ifndef VHOST_H
#define VHOST_H

#include <stdint.h>

struct port;
struct sw;

struct vhost_info {
	uint64_t	 features;
	uint64_t	 protocol;
	uint32_t	 ring_size[2];	/* receive, transmit; 0: not set */
	int		 ring_up[2];	/* started and enabled */
	uint64_t	 kicks;		/* from the guest, both rings */
	uint64_t	 calls;		/* to the guest */
	double		 kick_rate;	/* a second, since the last look */
	double		 call_rate;
	unsigned int	 regions;
	uint64_t	 memory;	/* bytes of guest memory mapped */
};

/* vhost.c */
struct port	*vhost_new(struct sw *, uint16_t num, int fd);
void		 vhost_info(struct port *, struct vhost_info *);

#endif
