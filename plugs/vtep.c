/* SPDX-License-Identifier: ISC */
/*
 * The VXLAN header, the remote endpoints and the inner MAC table.
 *
 * As the Linux kernel does, the table is keyed by the MAC address alone
 * (not by VLAN) and learns from every good datagram, from whoever sends
 * it: its value is the index of an endpoint in a small array, the
 * number common/fdb.c knows as a port.  An endpoint learned, not given
 * at start, lives as long as some address lives behind it.
 */
#include <sys/random.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fdb.h"
#include "frame.h"

#include "vtep.h"

/* The one "VLAN" of the MAC table: the kernel's table has none. */
#define VTEP_VID	1

_Static_assert(sizeof(((struct vtep *)0)->key) == crypto_shorthash_KEYBYTES,
    "the flow hash is SipHash");

struct vtep *
vtep_new(uint32_t vni, in_port_t dstport, uint32_t maclimit, uint32_t aging)
{
	struct vtep	*v;

	if (vni > VXLAN_VNI_MAX || (v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	if ((v->fdb = fdb_new(maclimit, aging, VTEP_ENDPOINTS_MAX)) == NULL ||
	    getrandom(v->key, sizeof(v->key), 0) != (ssize_t)sizeof(v->key)) {
		vtep_free(v);
		return NULL;
	}
	v->vni = vni;
	v->dstport = dstport;
	v->maclimit = maclimit;
	return v;
}

void
vtep_free(struct vtep *v)
{
	if (v == NULL)
		return;
	fdb_free(v->fdb);
	free(v);
}

/* Same family, same address (and scope); ports are not compared. */
int
vtep_addr_equal(const union vtep_addr *a, const union vtep_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return 0;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sa.sa_family == AF_INET6 &&
	    memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
	    sizeof(a->sin6.sin6_addr)) == 0 &&
	    a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}

static int
vtep_find(struct vtep *v, const union vtep_addr *a)
{
	unsigned int	 i;

	if (v->last < v->nep && (v->ep[v->last].flags & VTEP_EP_USED) &&
	    vtep_addr_equal(&v->ep[v->last].addr, a))
		return (int)v->last;
	for (i = 0; i < v->nep; i++)
		if ((v->ep[i].flags & VTEP_EP_USED) &&
		    vtep_addr_equal(&v->ep[i].addr, a))
			return (int)i;
	return -1;
}

/* A free slot for a, its port the destination port; -1 when none. */
static int
vtep_alloc(struct vtep *v, const union vtep_addr *a, int flags)
{
	unsigned int	 i;

	for (i = 0; i < VTEP_ENDPOINTS_MAX; i++)
		if (!(v->ep[i].flags & VTEP_EP_USED))
			break;
	if (i == VTEP_ENDPOINTS_MAX)
		return -1;
	memset(&v->ep[i], 0, sizeof(v->ep[i]));
	v->ep[i].addr = *a;
	if (a->sa.sa_family == AF_INET)
		v->ep[i].addr.sin.sin_port = v->dstport;
	else
		v->ep[i].addr.sin6.sin6_port = v->dstport;
	v->ep[i].flags = VTEP_EP_USED | flags;
	if (i >= v->nep)
		v->nep = i + 1;
	return (int)i;
}

/* A learned endpoint with no address behind it any more is forgotten. */
static void
vtep_release(struct vtep *v, unsigned int i)
{
	if (v->ep[i].flags != VTEP_EP_USED ||
	    fdb_portcount(v->fdb, (uint16_t)i) > 0)
		return;
	memset(&v->ep[i], 0, sizeof(v->ep[i]));
	while (v->nep > 0 && !(v->ep[v->nep - 1].flags & VTEP_EP_USED))
		v->nep--;
}

/* The multicast group, or a peer: its index, or -1 when all are taken. */
int
vtep_flood_add(struct vtep *v, const union vtep_addr *a)
{
	int	 i;

	if ((i = vtep_find(v, a)) >= 0) {
		v->ep[i].flags |= VTEP_EP_FLOOD;
		return i;
	}
	return vtep_alloc(v, a, VTEP_EP_FLOOD);
}

/* RFC 7348 section 5: flags with I alone, 24 reserved bits, VNI, 8 more. */
void
vtep_encap(const struct vtep *v, uint8_t *h)
{
	h[0] = VXLAN_FLAG_I;
	h[1] = h[2] = h[3] = 0;
	h[4] = (uint8_t)(v->vni >> 16);
	h[5] = (uint8_t)(v->vni >> 8);
	h[6] = (uint8_t)v->vni;
	h[7] = 0;
}

/*
 * Whether the datagram d of len bytes carries a frame for us, at
 * d + VXLAN_HDRLEN; counted, either way.  Reserved bits are ignored on
 * receipt, as the RFC says (Linux is stricter: it drops them).
 */
enum vtep_rx
vtep_decap(struct vtep *v, const uint8_t *d, size_t len)
{
	enum vtep_rx	 r;

	if (len < VXLAN_HDRLEN + FRAME_MIN)
		r = VTEP_RX_SHORT;
	else if (!(d[0] & VXLAN_FLAG_I))
		r = VTEP_RX_NOFLAG;
	else if (((uint32_t)d[4] << 16 | (uint32_t)d[5] << 8 | d[6]) !=
	    v->vni)
		r = VTEP_RX_VNI;
	else if (len - VXLAN_HDRLEN > FRAME_MAX)
		r = VTEP_RX_GIANT;
	else
		r = VTEP_RX_OK;
	v->st.bad[r]++;
	return r;
}

/*
 * The inner frame f (at least FRAME_MIN bytes, from vtep_decap()) came
 * from the endpoint at from: its source address lives there now.
 */
enum vtep_learn
vtep_learn(struct vtep *v, const uint8_t *f, const union vtep_addr *from,
    uint32_t now)
{
	const uint8_t	*src = f + 6;
	uint16_t	 old = 0;
	int		 i;

	if ((src[0] & 1) || (src[0] | src[1] | src[2] | src[3] | src[4] |
	    src[5]) == 0)
		return VTEP_LEARN_IGNORED;
	if ((i = vtep_find(v, from)) == -1 &&
	    (i = vtep_alloc(v, from, 0)) == -1) {
		v->st.noendpoint++;
		return VTEP_LEARN_NOENDPOINT;
	}
	v->last = (unsigned int)i;
	v->ep[i].rx++;
	switch (fdb_learn(v->fdb, src, VTEP_VID, (uint16_t)i, now, 0, &old)) {
	case FDB_HIT:
		return VTEP_LEARN_HIT;
	case FDB_NEW:
		return VTEP_LEARN_NEW;
	case FDB_MOVED:
		v->st.moved++;
		vtep_release(v, old);
		return VTEP_LEARN_MOVED;
	default:
		/* FDB_FULL: no per-endpoint limit, no static entries. */
		v->st.full++;
		vtep_release(v, (unsigned int)i);
		return VTEP_LEARN_FULL;
	}
}

/* The one endpoint for the frame f, or -1: flood it. */
int
vtep_lookup(const struct vtep *v, const uint8_t *f, uint32_t now)
{
	if (f[0] & 1)
		return -1;
	return fdb_lookup(v->fdb, f, VTEP_VID, now);
}

/* Forgets what has not been heard from in time; how many addresses. */
uint32_t
vtep_age(struct vtep *v, uint32_t now)
{
	uint32_t	 n = fdb_age(v->fdb, now);
	unsigned int	 i;

	for (i = v->nep; i > 0; i--)
		vtep_release(v, i - 1);
	return n;
}

static int
vtep_has_ports(uint8_t proto)
{
	/* TCP, UDP, DCCP, SCTP, UDP-Lite: ports in the first 4 bytes. */
	return proto == 6 || proto == 17 || proto == 33 || proto == 132 ||
	    proto == 136;
}

/*
 * The inner flow of f, hashed: addresses, protocol and ports of IPv4
 * or IPv6 (the first fragment's ports, none for the others), after up
 * to two VLAN tags; the Ethernet addresses and type for the rest.
 * Every frame of one flow gets the same source port, as with Linux.
 */
uint32_t
vtep_flowhash(const struct vtep *v, const uint8_t *f, size_t len)
{
	unsigned char	 k[40], h[crypto_shorthash_BYTES];
	size_t		 off = 14, n = 0, ihl;
	uint32_t	 out;
	uint16_t	 type;
	int		 tags;

	if (len < 14)
		return 0;
	type = (uint16_t)(f[12] << 8 | f[13]);
	for (tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8) &&
	    len >= off + 4; tags++) {
		type = (uint16_t)(f[off + 2] << 8 | f[off + 3]);
		off += 4;
	}
	if (type == 0x0800 && len >= off + 20 && f[off] >> 4 == 4 &&
	    (ihl = (size_t)(f[off] & 15) * 4) >= 20 && len >= off + ihl) {
		memcpy(k, f + off + 12, 8);
		k[8] = f[off + 9];
		n = 9;
		if (vtep_has_ports(k[8]) && ((f[off + 6] & 0x3f) | f[off + 7])
		    == 0 && len >= off + ihl + 4) {
			memcpy(k + n, f + off + ihl, 4);
			n += 4;
		}
	} else if (type == 0x86dd && len >= off + 40 && f[off] >> 4 == 6) {
		memcpy(k, f + off + 8, 32);
		k[32] = f[off + 6];
		n = 33;
		if (vtep_has_ports(k[32]) && len >= off + 44) {
			memcpy(k + n, f + off + 40, 4);
			n += 4;
		}
	}
	if (n == 0) {
		memcpy(k, f, 12);
		k[12] = (uint8_t)(type >> 8);
		k[13] = (uint8_t)type;
		n = 14;
	}
	crypto_shorthash(h, k, n, v->key);
	memcpy(&out, h, sizeof(out));
	return out;
}

/* Addresses in the table. */
uint32_t
vtep_count(const struct vtep *v)
{
	return fdb_count(v->fdb);
}

/* Addresses behind endpoint i. */
unsigned int
vtep_macs(const struct vtep *v, unsigned int i)
{
	return fdb_portcount(v->fdb, (uint16_t)i);
}

struct vtep_walk_arg {
	vtep_walk_cb	 cb;
	void		*arg;
};

static int
vtep_walk_one(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	struct vtep_walk_arg	*w = arg;

	(void)vid;
	w->cb(w->arg, mac, port, seen);
	return 0;
}

void
vtep_walk(const struct vtep *v, vtep_walk_cb cb, void *arg)
{
	struct vtep_walk_arg	 w = { cb, arg };

	fdb_walk(v->fdb, vtep_walk_one, &w);
}
