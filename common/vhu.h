/* SPDX-License-Identifier: ISC */
/*
 * vhost-user, the protocol QEMU's -netdev vhost-user speaks on a unix
 * stream socket (QEMU's docs/interop/vhost-user.rst): the front-end
 * (QEMU) hands the back-end (the switch) the guest's memory and the
 * virtio rings of its network card, and the back-end moves frames in and
 * out of them.  Every message is a 12-byte header, then a payload, in
 * host byte order, with file descriptors (memory, eventfds) alongside.
 * switchd reads these; tests/tools/vhostblast writes them.
 */
#ifndef VHU_H
#define VHU_H

#include <stddef.h>
#include <stdint.h>

#define VHU_HDRLEN		12
#define VHU_VERSION		0x1
#define VHU_FLAG_VERSION	0x3
#define VHU_FLAG_REPLY		0x4
#define VHU_FLAG_NEED_REPLY	0x8
/* Larger than any message a net back-end takes: more is not QEMU. */
#define VHU_PAYLOAD_MAX		512
#define VHU_FDS_MAX		8
#define VHU_REGIONS_MAX		8
/* SET_VRING_KICK/CALL/ERR: the ring in the low byte, "no fd" above it. */
#define VHU_VRING_IDX		0xff
#define VHU_VRING_NOFD		0x100

enum vhu_request {
	VHU_GET_FEATURES = 1,
	VHU_SET_FEATURES = 2,
	VHU_SET_OWNER = 3,
	VHU_RESET_OWNER = 4,
	VHU_SET_MEM_TABLE = 5,
	VHU_SET_LOG_BASE = 6,
	VHU_SET_LOG_FD = 7,
	VHU_SET_VRING_NUM = 8,
	VHU_SET_VRING_ADDR = 9,
	VHU_SET_VRING_BASE = 10,
	VHU_GET_VRING_BASE = 11,
	VHU_SET_VRING_KICK = 12,
	VHU_SET_VRING_CALL = 13,
	VHU_SET_VRING_ERR = 14,
	VHU_GET_PROTOCOL_FEATURES = 15,
	VHU_SET_PROTOCOL_FEATURES = 16,
	VHU_GET_QUEUE_NUM = 17,
	VHU_SET_VRING_ENABLE = 18,
	VHU_SEND_RARP = 19,
	VHU_NET_SET_MTU = 20,
	VHU_REQUEST_MAX = 41
};

/* Feature bits: virtio's, virtio-net's, and vhost-user's own (30). */
#define VHU_F_CSUM		0	/* the device takes partial checksums */
#define VHU_F_GUEST_CSUM	1	/* the guest takes them */
#define VHU_F_GUEST_TSO4	7
#define VHU_F_GUEST_TSO6	8
#define VHU_F_GUEST_ECN		9
#define VHU_F_HOST_TSO4		11
#define VHU_F_HOST_TSO6		12
#define VHU_F_HOST_ECN		13
#define VHU_F_MRG_RXBUF		15
#define VHU_F_STATUS		16
#define VHU_F_CTRL_VQ		17
#define VHU_F_CTRL_RX		18
#define VHU_F_GUEST_ANNOUNCE	21
#define VHU_F_LOG_ALL		26
#define VHU_F_ANY_LAYOUT	27
#define VHU_F_INDIRECT_DESC	28
#define VHU_F_EVENT_IDX		29
#define VHU_F_PROTOCOL_FEATURES	30
#define VHU_F_VERSION_1		32

#define VHU_PF_MQ		0
#define VHU_PF_REPLY_ACK	3

#define VHU_BIT(b)	((uint64_t)1 << (b))

struct vhu_hdr {
	uint32_t	 request;
	uint32_t	 flags;
	uint32_t	 size;
};

struct vhu_state {
	uint32_t	 index;
	uint32_t	 num;
};

/* Ring addresses are the front-end's own (user) addresses. */
struct vhu_addr {
	uint32_t	 index;
	uint32_t	 flags;
	uint64_t	 desc;
	uint64_t	 used;
	uint64_t	 avail;
	uint64_t	 log;
};

struct vhu_region {
	uint64_t	 gpa;		/* guest physical address */
	uint64_t	 size;
	uint64_t	 uva;		/* the front-end's address of it */
	uint64_t	 offset;	/* where it starts in its fd */
};

struct vhu_mem {
	uint32_t	 nregions;
	uint32_t	 padding;
	struct vhu_region r[VHU_REGIONS_MAX];
};

/* A message as read: the payload aligned, the descriptors it came with. */
struct vhu_msg {
	struct vhu_hdr	 h;
	union {
		uint64_t	 u64;
		struct vhu_state state;
		struct vhu_addr	 addr;
		struct vhu_mem	 mem;
		uint8_t		 raw[VHU_PAYLOAD_MAX];
	} p;
	int		 fds[VHU_FDS_MAX];
	int		 nfds;
};

/* vhu.c */
const char	*vhu_name(uint32_t request);
int		 vhu_check(const struct vhu_msg *, char *err, size_t len);
const char	*vhu_feature(unsigned int bit);

#endif
