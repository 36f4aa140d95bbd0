/* SPDX-License-Identifier: ISC */
#include <stdio.h>

#include "util.h"
#include "vhu.h"

static const char *const vhu_names[] = {
	[VHU_GET_FEATURES] = "GET_FEATURES",
	[VHU_SET_FEATURES] = "SET_FEATURES",
	[VHU_SET_OWNER] = "SET_OWNER",
	[VHU_RESET_OWNER] = "RESET_OWNER",
	[VHU_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VHU_SET_LOG_BASE] = "SET_LOG_BASE",
	[VHU_SET_LOG_FD] = "SET_LOG_FD",
	[VHU_SET_VRING_NUM] = "SET_VRING_NUM",
	[VHU_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VHU_SET_VRING_BASE] = "SET_VRING_BASE",
	[VHU_GET_VRING_BASE] = "GET_VRING_BASE",
	[VHU_SET_VRING_KICK] = "SET_VRING_KICK",
	[VHU_SET_VRING_CALL] = "SET_VRING_CALL",
	[VHU_SET_VRING_ERR] = "SET_VRING_ERR",
	[VHU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VHU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
	[VHU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
	[VHU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
	[VHU_SEND_RARP] = "SEND_RARP",
	[VHU_NET_SET_MTU] = "NET_SET_MTU",
};

const char *
vhu_name(uint32_t request)
{
	if (request < nitems(vhu_names) && vhu_names[request] != NULL)
		return vhu_names[request];
	return "an unknown request";
}

/* The payload each request needs at least, and the descriptors it brings. */
static size_t
vhu_need(uint32_t request)
{
	switch (request) {
	case VHU_SET_FEATURES:
	case VHU_SET_PROTOCOL_FEATURES:
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
	case VHU_SET_LOG_BASE:
	case VHU_NET_SET_MTU:
	case VHU_SEND_RARP:
		return sizeof(uint64_t);
	case VHU_SET_VRING_NUM:
	case VHU_SET_VRING_BASE:
	case VHU_GET_VRING_BASE:
	case VHU_SET_VRING_ENABLE:
		return sizeof(struct vhu_state);
	case VHU_SET_VRING_ADDR:
		return sizeof(struct vhu_addr);
	case VHU_SET_MEM_TABLE:
		return 8;
	default:
		return 0;
	}
}

static int
vhu_fds(const struct vhu_msg *m)
{
	switch (m->h.request) {
	case VHU_SET_MEM_TABLE:
		return (int)m->p.mem.nregions;
	case VHU_SET_VRING_KICK:
	case VHU_SET_VRING_CALL:
	case VHU_SET_VRING_ERR:
		return (m->p.u64 & VHU_VRING_NOFD) ? 0 : 1;
	case VHU_SET_LOG_FD:
		return 1;
	case VHU_SET_LOG_BASE:
		return m->nfds <= 1 ? m->nfds : 1;
	default:
		return 0;
	}
}

/*
 * Whether a message read whole is one QEMU could send: its version, a
 * payload as long as its request needs, and as many descriptors as the
 * request says.  Requests not listed are the caller's to refuse or not.
 */
int
vhu_check(const struct vhu_msg *m, char *err, size_t len)
{
	const char *name = vhu_name(m->h.request);
	size_t need = vhu_need(m->h.request);

	if ((m->h.flags & VHU_FLAG_VERSION) != VHU_VERSION)
		return util_err(err, len, "%s: version %u, not %u", name,
		    m->h.flags & VHU_FLAG_VERSION, VHU_VERSION);
	if (m->h.size > VHU_PAYLOAD_MAX)
		return util_err(err, len, "%s: payload of %u bytes, more than "
		    "%d", name, m->h.size, VHU_PAYLOAD_MAX);
	if (m->h.size < need)
		return util_err(err, len, "%s: payload of %u bytes, not %zu",
		    name, m->h.size, need);
	if (m->h.request == VHU_SET_MEM_TABLE && (m->p.mem.nregions >
	    VHU_REGIONS_MAX || m->h.size < 8 + m->p.mem.nregions *
	    sizeof(struct vhu_region)))
		return util_err(err, len, "%s: %u regions in %u bytes", name,
		    m->p.mem.nregions, m->h.size);
	if (vhu_need(m->h.request) > 0 || m->h.request == VHU_SET_LOG_FD) {
		if (m->nfds != vhu_fds(m))
			return util_err(err, len, "%s: %d descriptors, not %d",
			    name, m->nfds, vhu_fds(m));
	}
	return 0;
}

/* The name switchctl shows for a feature bit; NULL for one not known. */
const char *
vhu_feature(unsigned int bit)
{
	static const char *const names[] = {
		[VHU_F_CSUM] = "csum",
		[VHU_F_GUEST_CSUM] = "guest_csum",
		[VHU_F_GUEST_TSO4] = "guest_tso4",
		[VHU_F_GUEST_TSO6] = "guest_tso6",
		[VHU_F_GUEST_ECN] = "guest_ecn",
		[VHU_F_HOST_TSO4] = "host_tso4",
		[VHU_F_HOST_TSO6] = "host_tso6",
		[VHU_F_HOST_ECN] = "host_ecn",
		[VHU_F_MRG_RXBUF] = "mrg_rxbuf",
		[VHU_F_STATUS] = "status",
		[VHU_F_CTRL_VQ] = "ctrl_vq",
		[VHU_F_CTRL_RX] = "ctrl_rx",
		[VHU_F_GUEST_ANNOUNCE] = "guest_announce",
		[VHU_F_LOG_ALL] = "log_all",
		[VHU_F_ANY_LAYOUT] = "any_layout",
		[VHU_F_INDIRECT_DESC] = "indirect_desc",
		[VHU_F_EVENT_IDX] = "event_idx",
		[VHU_F_PROTOCOL_FEATURES] = "protocol_features",
		[VHU_F_VERSION_1] = "version_1",
	};

	return bit < nitems(names) ? names[bit] : NULL;
}
