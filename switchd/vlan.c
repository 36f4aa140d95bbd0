/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "frame.h"
#include "vlan.h"

void
vlan_access(struct vlan_port *vp, uint16_t vid)
{
	memset(vp, 0, sizeof(*vp));
	vp->pvid = vid;
}

/* A new trunk carries no VLAN until some are allowed. */
void
vlan_trunk(struct vlan_port *vp, uint16_t native)
{
	if (!vp->trunk)
		memset(vp->allowed, 0, sizeof(vp->allowed));
	vp->trunk = 1;
	vp->pvid = native;
}

void
vlan_allow(struct vlan_port *vp, uint16_t vid, int on)
{
	if (vid < VLAN_MIN || vid > VLAN_MAX)
		return;
	if (on)
		vp->allowed[vid >> 6] |= 1ULL << (vid & 63);
	else
		vp->allowed[vid >> 6] &= ~(1ULL << (vid & 63));
}

void
vlan_allow_all(struct vlan_port *vp, int on)
{
	uint16_t v;

	memset(vp->allowed, 0, sizeof(vp->allowed));
	if (on)
		for (v = VLAN_MIN; v <= VLAN_MAX; v++)
			vlan_allow(vp, v, 1);
}

int
vlan_port_equal(const struct vlan_port *a, const struct vlan_port *b)
{
	return a->trunk == b->trunk && a->pvid == b->pvid &&
	    (!a->trunk ||
	    memcmp(a->allowed, b->allowed, sizeof(a->allowed)) == 0);
}

int
vlan_member(const struct vlan_port *vp, uint16_t vid)
{
	if (vid > VLAN_MAX)
		return 0;
	if (!vp->trunk || vid == vp->pvid)
		return vid == vp->pvid && vid != 0;
	return (vp->allowed[vid >> 6] >> (vid & 63)) & 1;
}

int
vlan_egress_tagged(const struct vlan_port *vp, uint16_t vid)
{
	return vp->trunk && vid != vp->pvid;
}

/* The caller has checked len >= FRAME_MIN. */
enum vlan_verdict
vlan_ingress(const struct vlan_port *vp, const uint8_t *f, size_t len,
    struct vlan_tag *t)
{
	uint16_t tci, vid;

	memset(t, 0, sizeof(*t));
	if (f[12] == 0x81 && f[13] == 0x00) {
		if (len < FRAME_MIN + 4)
			return VLAN_DROP_SHORT_TAG;
		tci = (uint16_t)(f[14] << 8 | f[15]);
		t->pcp = tci >> 13;
		t->dei = (tci >> 12) & 1;
		vid = tci & 0xfff;
		if (vid == 0xfff)
			return VLAN_DROP_RESERVED;
		if (vid != 0) {
			if (!vp->trunk)
				return VLAN_DROP_TAGGED_ON_ACCESS;
			if (!vlan_member(vp, vid))
				return VLAN_DROP_NOT_MEMBER;
			t->vid = vid;
			t->tagged = 1;
			return VLAN_OK;
		}
		/* VID 0: a priority tag, the frame belongs to the port's VLAN. */
		t->priotag = 1;
	}
	if (vp->pvid == 0)
		return VLAN_DROP_NO_NATIVE;
	t->vid = vp->pvid;
	return VLAN_OK;
}

/* Whether the egress frame differs from the one that came in. */
int
vlan_needs_rewrite(const struct vlan_tag *t, int tagged)
{
	/* A priority-tagged frame gets its VLAN written into the tag. */
	return tagged ? !t->tagged : t->tagged || t->priotag;
}

/*
 * Build the egress form of a frame: untagged, or tagged with the frame's
 * VLAN keeping the priority it came with.  Returns the new length, or 0
 * when it does not fit in outsize.
 */
size_t
vlan_rewrite(const uint8_t *in, size_t len, const struct vlan_tag *t,
    int tagged, uint8_t *out, size_t outsize)
{
	size_t hdr = t->tagged || t->priotag ? 16 : 12, n;
	uint16_t tci;

	n = len - hdr + (tagged ? 16 : 12);
	if (n > outsize)
		return 0;
	memcpy(out, in, 12);
	if (tagged) {
		tci = (uint16_t)(t->pcp << 13 | t->dei << 12 | t->vid);
		out[12] = 0x81;
		out[13] = 0x00;
		out[14] = tci >> 8;
		out[15] = tci & 0xff;
	}
	memcpy(out + (tagged ? 16 : 12), in + hdr, len - hdr);
	return n;
}

const char *
vlan_verdict_str(enum vlan_verdict v)
{
	switch (v) {
	case VLAN_OK:
		return "ok";
	case VLAN_DROP_TAGGED_ON_ACCESS:
		return "tagged frame on access port";
	case VLAN_DROP_NOT_MEMBER:
		return "VLAN not allowed on port";
	case VLAN_DROP_NO_NATIVE:
		return "untagged frame on trunk without native VLAN";
	case VLAN_DROP_RESERVED:
		return "reserved VLAN 4095";
	case VLAN_DROP_SHORT_TAG:
		return "802.1Q tag cut short";
	}
	return "?";
}
