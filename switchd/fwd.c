/* SPDX-License-Identifier: ISC */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fwd.h"
#include "stp.h"

struct fwd *
fwd_new(uint32_t nports, uint32_t fdblimit, uint32_t aging)
{
	struct fwd *w;
	uint32_t i;

	if (nports == 0 || nports > FWD_PORTS_MAX)
		return NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->nports = nports;
	w->portmaclimit = FDB_PORTLIMIT_DEFAULT;
	w->ports = calloc(nports, sizeof(*w->ports));
	w->active = calloc(nports, sizeof(*w->active));
	w->fdb = fdb_new(fdblimit, aging, nports);
	if (w->ports == NULL || w->active == NULL || w->fdb == NULL) {
		fwd_free(w);
		return NULL;
	}
	for (i = 0; i < nports; i++)
		vlan_access(&w->ports[i].vlan, VLAN_DEFAULT);
	return w;
}

void
fwd_free(struct fwd *w)
{
	if (w == NULL)
		return;
	fdb_free(w->fdb);
	free(w->ports);
	free(w->active);
	free(w);
}

struct fwd_port *
fwd_port(struct fwd *w, uint16_t port)
{
	if (port >= w->nports || !w->ports[port].in_use)
		return NULL;
	return &w->ports[port];
}

/* A new attachment: the port's configuration, fresh counters. */
int
fwd_port_add(struct fwd *w, uint16_t port)
{
	struct fwd_port *p;

	if (port >= w->nports || w->ports[port].in_use)
		return -1;
	p = &w->ports[port];
	p->in_use = 1;
	p->stp = STP_FORWARDING;	/* until spanning tree says otherwise */
	p->maxlen = FRAME_MAX;
	memset(&p->st, 0, sizeof(p->st));
	p->learn_refused = 0;
	p->storm_tokens = (uint64_t)p->storm * 1000;
	p->storm_msec = w->msec;
	w->active[w->nactive++] = port;
	return 0;
}

/*
 * After a port's VLANs change, what was learned on it may be in a VLAN
 * it no longer carries: forget it, so traffic is cut off at once.
 */
void
fwd_port_reconf(struct fwd *w, uint16_t port)
{
	if (port < w->nports)
		fdb_flush(w->fdb, port, -1);
}

/* A port number's settings, attached or not. */
void
fwd_port_set(struct fwd *w, uint16_t port, const struct vlan_port *vp,
    uint32_t maclimit)
{
	struct fwd_port *p;

	if (port >= w->nports)
		return;
	p = &w->ports[port];
	p->maclimit = maclimit;
	if (vlan_port_equal(&p->vlan, vp))
		return;
	p->vlan = *vp;
	fwd_port_reconf(w, port);
}

/* An isolated port reaches, and is reached from, non-isolated ports only. */
void
fwd_port_isolate(struct fwd *w, uint16_t port, int on)
{
	if (port < w->nports)
		w->ports[port].isolated = on != 0;
}

/*
 * What spanning tree lets a port do (enum stp_state).  A port that stops
 * learning forgets what it learned: that may be behind another port now.
 */
void
fwd_port_stp(struct fwd *w, uint16_t port, int state)
{
	if (port >= w->nports)
		return;
	w->ports[port].stp = (uint8_t)state;
	if (state == STP_DISCARDING)
		fdb_flush(w->fdb, port, -1);
}

/*
 * The limit of every port without one of its own.  Like a port's own,
 * a lower one refuses new addresses; those learned stay until they age.
 */
void
fwd_set_portmaclimit(struct fwd *w, uint32_t limit)
{
	w->portmaclimit = limit;
}

/* The limit that applies to a port: its own, or the switch's; 0 = none. */
uint32_t
fwd_maclimit(const struct fwd *w, uint16_t port)
{
	if (port >= w->nports)
		return 0;
	return w->ports[port].maclimit ? w->ports[port].maclimit :
	    w->portmaclimit;
}

/*
 * A port number's storm limit, attached or not.  A new limit starts
 * with a full bucket; the same limit again leaves the bucket alone.
 */
void
fwd_port_storm(struct fwd *w, uint16_t port, uint32_t limit)
{
	struct fwd_port *p;

	if (port >= w->nports)
		return;
	p = &w->ports[port];
	if (limit > FWD_STORM_MAX)
		limit = FWD_STORM_MAX;
	if (p->storm == limit)
		return;
	p->storm = limit;
	p->storm_tokens = (uint64_t)limit * 1000;
	p->storm_msec = w->msec;
}

/*
 * A port number's part in mirroring: copied to port to (0: to none), and
 * a mirror port itself when mirror is not 0.  A port that becomes a
 * mirror port forgets what it learned: it forwards nothing now.
 */
void
fwd_port_mirror(struct fwd *w, uint16_t port, uint16_t to, uint8_t mirror)
{
	struct fwd_port *p;

	if (port >= w->nports)
		return;
	p = &w->ports[port];
	if (mirror != 0 && p->mirror == 0)
		fdb_flush(w->fdb, port, -1);
	p->mirror_to = to < w->nports ? to : 0;
	p->mirror = mirror;
}

/*
 * Milliseconds on a clock that never goes back, read by the caller once
 * a batch: storm control needs finer time than the MAC table's seconds.
 */
void
fwd_clock(struct fwd *w, uint64_t msec)
{
	w->msec = msec;
}

/* Counters of one port, or of every port and the switch (port -1). */
void
fwd_counters_reset(struct fwd *w, int port)
{
	uint32_t i;

	for (i = 0; i < w->nports; i++) {
		if (port >= 0 && i != (uint32_t)port)
			continue;
		memset(&w->ports[i].st, 0, sizeof(w->ports[i].st));
		w->ports[i].learn_refused = 0;
	}
	if (port < 0)
		w->moves = w->learn_full = 0;
}

void
fwd_port_del(struct fwd *w, uint16_t port)
{
	uint32_t i;

	if (fwd_port(w, port) == NULL)
		return;
	fdb_flush(w->fdb, port, -1);
	w->ports[port].in_use = 0;
	for (i = 0; i < w->nactive; i++)
		if (w->active[i] == port) {
			w->active[i] = w->active[--w->nactive];
			break;
		}
}

static void
fwd_flood(struct fwd *w, uint16_t inport, struct fwd_out *o)
{
	uint16_t vid = o->tag.vid;
	int isolated = w->ports[inport].isolated;
	uint32_t i;

	for (i = 0; i < w->nactive; i++) {
		uint16_t p = w->active[i];
		const struct vlan_port *vp = &w->ports[p].vlan;

		if (p == inport || !vlan_member(vp, vid) ||
		    (isolated && w->ports[p].isolated) || w->ports[p].mirror ||
		    w->ports[p].stp != STP_FORWARDING)
			continue;
		o->dst[o->n].port = p;
		o->dst[o->n].tagged = (uint8_t)vlan_egress_tagged(vp, vid);
		o->n++;
	}
}

/*
 * Whether a frame the port would flood is over its storm limit; if so it
 * is counted, and the caller drops it.  Tokens are thousandths of a
 * frame: a millisecond adds storm of them, a frame takes 1000, and the
 * bucket holds a second's worth.
 */
static int
fwd_storm(struct fwd *w, struct fwd_port *in)
{
	uint64_t cap, dt;

	if (in->storm == 0)
		return 0;
	if (w->msec != in->storm_msec) {
		cap = (uint64_t)in->storm * 1000;
		dt = w->msec - in->storm_msec;
		if (w->msec < in->storm_msec || dt >= 1000)
			in->storm_tokens = cap;
		else if ((in->storm_tokens += dt * in->storm) > cap)
			in->storm_tokens = cap;
		in->storm_msec = w->msec;
	}
	if (in->storm_tokens < 1000) {
		in->st.drops[DROP_STORM]++;
		return 1;
	}
	in->storm_tokens -= 1000;
	return 0;
}

/*
 * Returns 0 with o->n destinations (possibly none), FWD_LOCAL for a BPDU
 * (the switch's own, never forwarded), or -1 when the frame was dropped
 * at ingress; the reason is counted on the port.
 */
int
fwd_frame(struct fwd *w, uint16_t inport, const uint8_t *f, size_t len,
    uint32_t now, struct fwd_out *o)
{
	struct fwd_port *in, *out;
	int dst;

	o->n = 0;
	o->learn = FDB_IGNORED;
	if (inport >= w->nports || !w->ports[inport].in_use)
		return -1;
	in = &w->ports[inport];
	in->st.rx_frames++;
	in->st.rx_bytes += len;
	if (in->mirror) {
		in->st.drops[DROP_MIRROR]++;
		return -1;
	}
	if (len < FRAME_MIN) {
		in->st.drops[DROP_RUNT]++;
		return -1;
	}
	if (len > in->maxlen) {
		in->st.drops[DROP_GIANT]++;
		return -1;
	}
	if (stp_is_bpdu(f, len))
		return FWD_LOCAL;
	if (in->stp == STP_DISCARDING) {
		in->st.drops[DROP_BLOCKED]++;
		return -1;
	}
	if ((o->vlan = vlan_ingress(&in->vlan, f, len, &o->tag)) != VLAN_OK) {
		in->st.drops[o->vlan == VLAN_DROP_SHORT_TAG ? DROP_RUNT :
		    DROP_VLAN]++;
		return -1;
	}
	if (w->hub) {
		/* A hub floods unicast too: everyone's traffic, no limit. */
		if ((f[0] & 1) && fwd_storm(w, in))
			return -1;
		fwd_flood(w, inport, o);
		return 0;
	}
	o->learn = fdb_learn(w->fdb, f + 6, o->tag.vid, inport, now,
	    in->maclimit ? in->maclimit : w->portmaclimit, &o->moved_from);
	switch (o->learn) {
	case FDB_MOVED:
		w->moves++;
		break;
	case FDB_FULL:
		w->learn_full++;
		in->learn_refused++;
		break;
	case FDB_PORTFULL:
		in->learn_refused++;
		break;
	case FDB_STATIC:
		/* Someone else's address, pinned: a spoofed frame. */
		in->st.drops[DROP_STATIC]++;
		return -1;
	default:
		break;
	}
	if (in->stp != STP_FORWARDING) {
		/* Learning: stations known, nothing forwarded yet. */
		in->st.drops[DROP_BLOCKED]++;
		return -1;
	}
	if ((f[0] & 1) == 0 &&
	    (dst = fdb_lookup(w->fdb, f, o->tag.vid, now)) >= 0) {
		/* Known: one port, unless it is where the frame came from. */
		out = &w->ports[dst];
		if (dst != inport && out->in_use && !out->mirror &&
		    out->stp == STP_FORWARDING &&
		    vlan_member(&out->vlan, o->tag.vid) &&
		    !(in->isolated && out->isolated)) {
			o->dst[0].port = (uint16_t)dst;
			o->dst[0].tagged =
			    (uint8_t)vlan_egress_tagged(&out->vlan, o->tag.vid);
			o->n = 1;
		}
		return 0;
	}
	/* Whatever floods counts: broadcast, multicast, unknown unicast. */
	if (fwd_storm(w, in))
		return -1;
	fwd_flood(w, inport, o);
	return 0;
}

const char *
fwd_drop_str(enum fwd_drop d)
{
	static const char *names[DROP_NR] = {
		[DROP_RUNT] = "runt",
		[DROP_GIANT] = "giant",
		[DROP_VLAN] = "vlan",
		[DROP_QUEUE] = "queue",
		[DROP_ERROR] = "error",
		[DROP_STATIC] = "static",
		[DROP_STORM] = "storm",
		[DROP_BLOCKED] = "blocked",
		[DROP_MIRROR] = "mirror",
	};

	return d < DROP_NR ? names[d] : "?";
}
