/* SPDX-License-Identifier: ISC */
/*
 * Per-port 802.1Q membership and the tag operations on frames.
 * Pure code: no sockets, no loop.
 */
#ifndef VLAN_H
#define VLAN_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "vlanlist.h"

#define VLAN_DEFAULT	1
#define ETH_TPID_8021Q	0x8100

struct vlan_port {
	int		 trunk;
	/* Access ports: their VLAN.  Trunks: the native VLAN, 0 = none. */
	uint16_t	 pvid;
	/* Trunks: the allowed VLANs, one bit each. */
	uint64_t	 allowed[VLANLIST_WORDS];
};

/* What ingress found out about a frame. */
struct vlan_tag {
	uint16_t	 vid;		/* the frame's VLAN */
	uint8_t		 pcp;
	uint8_t		 dei;
	uint8_t		 tagged;	/* arrived tagged with a VID */
	uint8_t		 priotag;	/* arrived with a VID 0 priority tag */
};

enum vlan_verdict {
	VLAN_OK,
	VLAN_DROP_TAGGED_ON_ACCESS,
	VLAN_DROP_NOT_MEMBER,
	VLAN_DROP_NO_NATIVE,
	VLAN_DROP_RESERVED,
	VLAN_DROP_SHORT_TAG
};

/* vlan.c */
void	 vlan_access(struct vlan_port *, uint16_t vid);
void	 vlan_trunk(struct vlan_port *, uint16_t native);
void	 vlan_allow(struct vlan_port *, uint16_t vid, int on);
void	 vlan_allow_all(struct vlan_port *, int on);
int	 vlan_port_equal(const struct vlan_port *, const struct vlan_port *);
int	 vlan_member(const struct vlan_port *, uint16_t vid);
int	 vlan_egress_tagged(const struct vlan_port *, uint16_t vid);
enum vlan_verdict vlan_ingress(const struct vlan_port *, const uint8_t *frame,
	    size_t len, struct vlan_tag *);
size_t	 vlan_rewrite(const uint8_t *in, size_t len, const struct vlan_tag *,
	    int tagged, uint8_t *out, size_t outsize);
int	 vlan_needs_rewrite(const struct vlan_tag *, int tagged);
const char *vlan_verdict_str(enum vlan_verdict);

#endif
