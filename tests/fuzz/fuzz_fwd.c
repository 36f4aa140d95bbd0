/* SPDX-License-Identifier: ISC */
/*
 * A frame entering the forwarding core (fwd.c, with fdb.c and vlan.c),
 * then its egress forms as port.c's port_forward() builds them.
 *
 * Eight port numbers, six attached at the start in the VLAN set-ups a
 * switch meets (access, trunk with and without a native VLAN, trunk of
 * every VLAN, a port with its own MAC limit); a small MAC table so that
 * it fills up.  The input is a sequence of records:
 *
 *	op (1 byte), arg (2 bytes, big-endian), then for a frame, the frame
 *
 * op < 0x80: a frame of arg bytes comes in on port op & 0x0f (8-15 do
 *	not exist); what the input lacks of arg is zeros.
 * op >= 0x80: a change, (op >> 4) & 7 selects which, op & 7 the port:
 *	0 attach/detach, 1 time passes (arg seconds) and the table ages,
 *	2 hub on/off, 3 flush (port, VLAN arg & 0xfff or all),
 *	4 VLAN set-up (arg >> 12: access, trunk native, allow, deny,
 *	allow all, deny all; arg & 0xfff the VLAN), 5 table limit,
 *	6 port MAC limit, 7 every port's MAC limit off.
 *
 * After every frame: no destination is the ingress port, every one is
 * attached and a member of the frame's VLAN, floods reach exactly the
 * members, tagged frames never enter access ports, and the egress forms
 * are the frame with its tag added or removed, no more than 4 bytes
 * longer.  After every record the table is consistent: counts add up,
 * every entry can be found, and sits on an attached member port.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fwd.h"

#define NPORTS		8
#define FDB_LIMIT	64
#define AGING		300

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct fwd_out out;

struct ctx {
	struct fwd	*w;
	uint32_t	 now;
	/* a port's MAC limit was lowered below what it had learned */
	int		 limit_dirty[NPORTS];
};

static struct fwd *
fuzz_setup(void)
{
	struct fwd *w;
	uint16_t p;

	if ((w = fwd_new(NPORTS, FDB_LIMIT, AGING)) == NULL)
		abort();
	vlan_access(&w->ports[1].vlan, 1);
	vlan_access(&w->ports[2].vlan, 10);
	vlan_trunk(&w->ports[3].vlan, 1);
	vlan_allow(&w->ports[3].vlan, 10, 1);
	vlan_allow(&w->ports[3].vlan, 20, 1);
	vlan_trunk(&w->ports[4].vlan, 0);
	vlan_allow(&w->ports[4].vlan, 10, 1);
	vlan_allow(&w->ports[4].vlan, 20, 1);
	vlan_allow(&w->ports[4].vlan, 30, 1);
	vlan_trunk(&w->ports[5].vlan, 20);
	vlan_allow_all(&w->ports[5].vlan, 1);
	vlan_access(&w->ports[6].vlan, 20);
	w->ports[6].maclimit = 2;
	for (p = 1; p <= 6; p++)
		assert(fwd_port_add(w, p) == 0);
	return w;
}

static void
fuzz_check_active(const struct fwd *w)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < w->nports; i++)
		n += w->ports[i].in_use != 0;
	assert(w->nactive == n);
	for (i = 0; i < w->nactive; i++) {
		assert(w->active[i] < w->nports);
		assert(w->ports[w->active[i]].in_use);
		for (j = 0; j < i; j++)
			assert(w->active[i] != w->active[j]);
	}
}

static void
fuzz_check_fdb(const struct ctx *c)
{
	const struct fwd *w = c->w;
	const struct fdb *f = w->fdb;
	uint32_t i, count = 0, pc[NPORTS] = { 0 };
	uint8_t mac[6];
	int k;

	assert(f->count <= f->limit);
	for (i = 0; i <= f->mask; i++) {
		const struct fdb_entry *e = &f->tab[i];
		uint16_t vid = (uint16_t)(e->key >> 48);

		if (e->key == 0)
			continue;
		count++;
		assert(e->port < NPORTS);
		pc[e->port]++;
		assert(vid >= VLAN_MIN && vid <= VLAN_MAX);
		/* Only what came in on an attached member port is learned. */
		assert(w->ports[e->port].in_use);
		assert(vlan_member(&w->ports[e->port].vlan, vid));
		for (k = 0; k < 6; k++)
			mac[k] = (uint8_t)(e->key >> (40 - 8 * k));
		assert((mac[0] & 1) == 0);
		/* Reachable from its home slot: the probe chain is whole. */
		assert(fdb_lookup(f, mac, vid, e->seen) == e->port);
	}
	assert(count == f->count);
	for (i = 0; i < NPORTS; i++) {
		assert(pc[i] == fdb_portcount(f, (uint16_t)i));
		if (fwd_maclimit(w, (uint16_t)i) != 0 && !c->limit_dirty[i])
			assert(pc[i] <= fwd_maclimit(w, (uint16_t)i));
	}
}

/* What an 802.1Q switch must do with the frame at ingress. */
static void
fuzz_check_ingress(const struct fwd_port *in, const uint8_t *f, size_t len,
    int rc, const struct fwd_out *o)
{
	int tagged = len >= FRAME_MIN && f[12] == 0x81 && f[13] == 0x00;
	uint16_t vid = tagged && len >= 18 ? (f[14] << 8 | f[15]) & 0xfff : 0;

	if (len < FRAME_MIN || len > FRAME_MAX || (tagged && len < 18) ||
	    vid == 0xfff || (vid != 0 && !in->vlan.trunk) ||
	    (vid == 0 && in->vlan.pvid == 0)) {
		assert(rc == -1 && o->n == 0);
		return;
	}
	if (vid != 0 && !vlan_member(&in->vlan, vid)) {
		assert(rc == -1 && o->n == 0);
		return;
	}
	assert(rc == 0);
	assert(o->tag.vid == (vid != 0 ? vid : in->vlan.pvid));
	assert(o->tag.vid >= VLAN_MIN && o->tag.vid <= VLAN_MAX);
	assert(o->tag.tagged == (vid != 0));
	assert(o->tag.priotag == (tagged && vid == 0));
	assert(vlan_member(&in->vlan, o->tag.vid));
}

static void
fuzz_check_dsts(const struct fwd *w, uint16_t inport, const uint8_t *f,
    const struct fwd_out *o)
{
	unsigned int i, j, members = 0;
	uint32_t a;

	for (i = 0; i < o->n; i++) {
		const struct fwd_dst *d = &o->dst[i];

		assert(d->port != inport);
		assert(d->port < w->nports && w->ports[d->port].in_use);
		assert(vlan_member(&w->ports[d->port].vlan, o->tag.vid));
		assert(d->tagged == vlan_egress_tagged(&w->ports[d->port].vlan,
		    o->tag.vid));
		for (j = 0; j < i; j++)
			assert(o->dst[j].port != d->port);
	}
	for (a = 0; a < w->nactive; a++) {
		uint16_t p = w->active[a];

		if (p != inport && vlan_member(&w->ports[p].vlan, o->tag.vid))
			members++;
	}
	/* A flood reaches every member; a known unicast one port at most. */
	if (w->hub || (f[0] & 1))
		assert(o->n == members);
	else
		assert(o->n <= 1 || o->n == members);
}

/* The egress forms, as port_forward() makes them. */
static void
fuzz_check_egress(const struct fwd *w, const uint8_t *f, size_t len,
    const struct fwd_out *o)
{
	uint8_t *var[2];
	size_t varlen[2] = { 0, 0 }, hdr, n;
	unsigned int d;
	int t;

	hdr = o->tag.tagged || o->tag.priotag ? 16 : 12;
	for (t = 0; t < 2; t++)
		if ((var[t] = malloc(FRAME_MAX + 4)) == NULL)
			abort();
	for (d = 0; d < o->n; d++) {
		const struct vlan_port *vp = &w->ports[o->dst[d].port].vlan;
		struct vlan_tag again;

		t = o->dst[d].tagged;
		if (!vlan_needs_rewrite(&o->tag, t)) {
			/* Leaves as it came: the tag already says the VLAN. */
			assert(t == o->tag.tagged && !o->tag.priotag);
			continue;
		}
		if (varlen[t] == 0)
			varlen[t] = vlan_rewrite(f, len, &o->tag, t, var[t],
			    FRAME_MAX + 4);
		n = varlen[t];
		assert(n != 0 && n <= len + 4 && n >= FRAME_MIN);
		assert(memcmp(var[t], f, 12) == 0);
		if (t) {
			assert(n == len - hdr + 16);
			assert(var[t][12] == 0x81 && var[t][13] == 0x00);
			assert(((var[t][14] << 8 | var[t][15]) & 0xfff) ==
			    o->tag.vid);
			assert(var[t][14] >> 5 == o->tag.pcp);
			assert(memcmp(var[t] + 16, f + hdr, len - hdr) == 0);
		} else {
			assert(n == len - hdr + 12);
			assert(memcmp(var[t] + 12, f + hdr, len - hdr) == 0);
		}
		/*
		 * Back in through a port set up like the destination, it is
		 * in the same VLAN (unless untagging bared a second tag,
		 * which 802.1Q leaves alone).
		 */
		if (!t && var[t][12] == 0x81 && var[t][13] == 0x00)
			continue;
		assert(vlan_ingress(vp, var[t], n, &again) == VLAN_OK);
		assert(again.vid == o->tag.vid);
	}
	free(var[0]);
	free(var[1]);
}

static void
fuzz_frame(struct ctx *c, uint16_t inport, const uint8_t *f, size_t len)
{
	struct fwd *w = c->w;
	struct fwd_port *in = inport < w->nports ? &w->ports[inport] : NULL;
	uint64_t rx = in != NULL ? in->st.rx_frames : 0;
	int rc;

	rc = fwd_frame(w, inport, f, len, c->now, &out);
	if (in == NULL || !in->in_use) {
		assert(rc == -1 && out.n == 0);
		return;
	}
	assert(in->st.rx_frames == rx + 1);
	if (rc == FWD_LOCAL) {
		/* A BPDU: the switch's own, never forwarded. */
		assert(out.n == 0 && len >= 6 && f[0] == 0x01 &&
		    f[1] == 0x80 && f[2] == 0xc2 && (f[3] | f[4] | f[5]) == 0);
		return;
	}
	fuzz_check_ingress(in, f, len, rc, &out);
	if (rc == -1)
		return;
	fuzz_check_dsts(w, inport, f, &out);
	fuzz_check_egress(w, f, len, &out);
}

static void
fuzz_vlan_setup(struct ctx *c, uint16_t port, uint16_t arg)
{
	struct vlan_port *vp = &c->w->ports[port].vlan;
	uint16_t vid = arg & 0xfff;

	switch ((arg >> 12) % 6) {
	case 0:
		vlan_access(vp, vid >= VLAN_MIN && vid <= VLAN_MAX ? vid : 1);
		break;
	case 1:
		vlan_trunk(vp, vid <= VLAN_MAX ? vid : 0);
		break;
	case 2:
		vlan_allow(vp, vid, 1);
		break;
	case 3:
		vlan_allow(vp, vid, 0);
		break;
	case 4:
		vlan_allow_all(vp, 1);
		break;
	default:
		vlan_allow_all(vp, 0);
		break;
	}
	fwd_port_reconf(c->w, port);
}

static void
fuzz_change(struct ctx *c, uint8_t op, uint16_t arg)
{
	struct fwd *w = c->w;
	uint16_t port = op & 7;
	uint16_t vid = arg & 0xfff;
	uint32_t i;

	switch ((op >> 4) & 7) {
	case 0:
		if (w->ports[port].in_use)
			fwd_port_del(w, port);
		else
			assert(fwd_port_add(w, port) == 0);
		assert(fdb_portcount(w->fdb, port) == 0);
		c->limit_dirty[port] = 0;
		break;
	case 1:
		c->now += arg;
		(void)fdb_age(w->fdb, c->now);
		break;
	case 2:
		w->hub = !w->hub;
		break;
	case 3:
		(void)fdb_flush(w->fdb, arg & 0x8000 ? -1 : port,
		    vid == 0 ? -1 : vid);
		break;
	case 4:
		fuzz_vlan_setup(c, port, arg);
		c->limit_dirty[port] = 0;
		break;
	case 5:
		assert(fdb_setlimit(w->fdb, 1 + arg % 256) == 0);
		break;
	case 6:
		w->ports[port].maclimit = arg % 8;
		if (fwd_maclimit(w, port) != 0 &&
		    fdb_portcount(w->fdb, port) > fwd_maclimit(w, port))
			c->limit_dirty[port] = 1;
		break;
	default:
		for (i = 0; i < NPORTS; i++)
			w->ports[i].maclimit = 0;
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c;
	size_t off = 0, len, have;
	uint8_t op, *f;
	uint16_t arg;

	memset(&c, 0, sizeof(c));
	c.w = fuzz_setup();
	c.now = 1000;
	while (size - off >= 3) {
		op = data[off];
		arg = (uint16_t)(data[off + 1] << 8 | data[off + 2]);
		off += 3;
		if (op & 0x80) {
			fuzz_change(&c, op, arg);
		} else {
			/* A buffer of exactly the frame: ASan sees overreads. */
			len = arg;
			have = size - off < len ? size - off : len;
			if ((f = calloc(1, len ? len : 1)) == NULL)
				abort();
			memcpy(f, data + off, have);
			off += have;
			fuzz_frame(&c, op & 0x0f, f, len);
			free(f);
		}
		fuzz_check_active(c.w);
		fuzz_check_fdb(&c);
	}
	fwd_free(c.w);
	return 0;
}
