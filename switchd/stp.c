/* SPDX-License-Identifier: ISC */
/*
 * Rapid spanning tree, kept small: roles are chosen afresh from the
 * priority vectors whenever what a port heard changes; a designated
 * port on a point-to-point link proposes and forwards as soon as the
 * neighbour agrees, or else after twice the forward delay; a new root
 * port forwards at once, its designated ports first put back to
 * discarding so that they propose again (sync).  A port that hears an
 * 802.1D Config BPDU speaks 802.1D there until it hears an RST BPDU.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "stp.h"

static const uint8_t stp_addr[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

#define SEC		1000ULL
#define STP_T(s)	((uint16_t)((s) * 256))	/* seconds, as BPDUs say */

static void	stp_select(struct stp *);
static void	stp_send(struct stp *, uint16_t);

static uint16_t
stp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
stp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
stp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
stp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int
stp_is_bpdu(const uint8_t *f, size_t len)
{
	return len >= 6 && memcmp(f, stp_addr, 6) == 0;
}

/*
 * An 802.3 frame with an LLC header (42 42 03) holding a BPDU: 0 and the
 * BPDU, or -1 for anything else, whatever it lacks.  The checks are
 * those of 802.1D-2004 9.3.4; what follows a BPDU is ignored.
 */
int
stp_parse(const uint8_t *f, size_t len, struct stp_bpdu *b)
{
	const uint8_t *p;
	size_t l;

	memset(b, 0, sizeof(*b));
	if (len < 14 + 3 + 4 || !stp_is_bpdu(f, len))
		return -1;
	l = stp_get16(f + 12);
	if (l >= 0x600 || l < 3 + 4 || 14 + l > len)
		return -1;
	if (f[14] != 0x42 || f[15] != 0x42 || f[16] != 0x03)
		return -1;
	p = f + 17;
	l -= 3;
	if (stp_get16(p) != 0)
		return -1;
	b->version = p[2];
	b->type = p[3];
	switch (b->type) {
	case STP_TYPE_TCN:
		return 0;
	case STP_TYPE_CONFIG:
		if (l < 35)
			return -1;
		break;
	case STP_TYPE_RST:
		if (b->version < 2 || l < 36)
			return -1;
		break;
	default:
		return -1;
	}
	b->flags = p[4];
	memcpy(b->v.root, p + 5, 8);
	b->v.cost = stp_get32(p + 13);
	memcpy(b->v.bridge, p + 17, 8);
	b->v.port = stp_get16(p + 25);
	b->age = stp_get16(p + 27);
	b->maxage = stp_get16(p + 29);
	b->hello = stp_get16(p + 31);
	b->fwddelay = stp_get16(p + 33);
	if (b->age >= b->maxage)
		return -1;
	if (b->type == STP_TYPE_CONFIG)
		b->flags &= STP_F_TC | STP_F_TCA;
	return 0;
}

/* The frame for b from src, padded to the least Ethernet has: its size. */
size_t
stp_build(const struct stp_bpdu *b, const uint8_t src[6], uint8_t *buf,
    size_t len)
{
	uint8_t *p;
	size_t l;

	l = b->type == STP_TYPE_TCN ? 4 : b->type == STP_TYPE_RST ? 36 : 35;
	if (len < 60 || len < 17 + l)
		return 0;
	memset(buf, 0, 60);
	memcpy(buf, stp_addr, 6);
	memcpy(buf + 6, src, 6);
	stp_put16(buf + 12, (uint16_t)(3 + l));
	buf[14] = buf[15] = 0x42;
	buf[16] = 0x03;
	p = buf + 17;
	p[2] = b->type == STP_TYPE_RST ? 2 : 0;
	p[3] = b->type;
	if (b->type != STP_TYPE_TCN) {
		p[4] = b->flags;
		memcpy(p + 5, b->v.root, 8);
		stp_put32(p + 13, b->v.cost);
		memcpy(p + 17, b->v.bridge, 8);
		stp_put16(p + 25, b->v.port);
		stp_put16(p + 27, b->age);
		stp_put16(p + 29, b->maxage);
		stp_put16(p + 31, b->hello);
		stp_put16(p + 33, b->fwddelay);
	}
	return 17 + l > 60 ? 17 + l : 60;
}

/* <0 when a is the better vector. */
static int
stp_vec_cmp(const struct stp_vec *a, const struct stp_vec *b)
{
	int c;

	if ((c = memcmp(a->root, b->root, 8)) != 0)
		return c;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	if ((c = memcmp(a->bridge, b->bridge, 8)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

/* Whether a bridge ID is ours, whatever its priority. */
static int
stp_mine(const struct stp *s, const uint8_t *id)
{
	return memcmp(id + 2, s->mac, 6) == 0;
}

/* A port's own edge setting, or what its kind suggests. */
static enum stp_edge
stp_edge(const struct stp_port *p)
{
	return p->edge == STP_EDGE_KIND ? p->edge_kind : p->edge;
}

static uint16_t
stp_portid(uint16_t port)
{
	return (uint16_t)(0x8000 | (port & 0x0fff));
}

struct stp *
stp_new(uint32_t nports, const uint8_t mac[6], const struct stp_ops *ops)
{
	struct stp *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->ports = calloc(nports, sizeof(*s->ports))) == NULL) {
		free(s);
		return NULL;
	}
	s->nports = nports;
	s->ops = *ops;
	memcpy(s->mac, mac, 6);
	s->priority = STP_PRIORITY_DEFAULT;
	s->fwddelay = STP_FWD_DELAY_DEFAULT;
	s->rootport = -1;
	stp_put16(s->id, s->priority);
	memcpy(s->id + 2, mac, 6);
	return s;
}

void
stp_free(struct stp *s)
{
	if (s == NULL)
		return;
	free(s->ports);
	free(s);
}

uint32_t
stp_port_cost(const struct stp *s, uint16_t port)
{
	const struct stp_port *p = &s->ports[port];

	return p->cost ? p->cost : p->cost_kind ? p->cost_kind : STP_COST_1G;
}

enum stp_state
stp_port_state(const struct stp *s, uint16_t port)
{
	if (!s->on || port >= s->nports || !s->ports[port].up)
		return STP_FORWARDING;
	return s->ports[port].state;
}

static void
stp_state(struct stp *s, uint16_t i, enum stp_state st)
{
	struct stp_port *p = &s->ports[i];

	if (p->state == st)
		return;
	p->state = st;
	if (s->ops.state != NULL)
		s->ops.state(s->ops.arg, i, st);
}

/* The forward delay that runs: the root's. */
static uint64_t
stp_fwddelay(const struct stp *s)
{
	uint64_t d = (uint64_t)s->root_fwddelay * SEC / 256;

	return d < STP_FWD_DELAY_MIN * SEC ? STP_FWD_DELAY_MIN * SEC : d;
}

/*
 * A topology change starts at port i (or was heard there): the stations
 * learned on every other port may be behind another port now.  They are
 * forgotten, and the change is told on.
 */
static void
stp_tc(struct stp *s, uint16_t from, int heard)
{
	struct stp_port *p;
	uint32_t i;
	uint64_t d;

	s->tcs++;
	s->last_tc = s->now;
	s->ports[from].tcs++;
	for (i = 0; i < s->nports; i++) {
		p = &s->ports[i];
		if (!p->up || p->operedge)
			continue;
		if (i != from && s->ops.flush != NULL)
			s->ops.flush(s->ops.arg, (uint16_t)i);
		if ((heard && i == from) || p->state != STP_FORWARDING ||
		    (p->role != STP_ROLE_ROOT &&
		    p->role != STP_ROLE_DESIGNATED))
			continue;
		d = p->legacy ? (uint64_t)(s->root_maxage + s->root_fwddelay) *
		    SEC / 256 : (2 * STP_HELLO + 1) * SEC;
		p->tc_until = s->now + d;
		p->send = 1;
	}
}

static void
stp_forward(struct stp *s, uint16_t i)
{
	struct stp_port *p = &s->ports[i];

	if (p->state == STP_FORWARDING)
		return;
	p->fd_at = 0;
	p->proposing = 0;
	stp_state(s, i, STP_FORWARDING);
	if (!p->operedge)
		stp_tc(s, i, 0);
}

/* A designated port that must ask its neighbour again. */
static void
stp_discard(struct stp *s, uint16_t i)
{
	struct stp_port *p = &s->ports[i];

	stp_state(s, i, STP_DISCARDING);
	p->proposing = 1;
	p->fd_at = s->now + stp_fwddelay(s);
	p->send = 1;
	/* Nobody there to agree: an edge after all (auto edge). */
	if (stp_edge(p) != STP_EDGE_OFF && p->edge_at == 0)
		p->edge_at = s->now + STP_MIGRATE * SEC;
}

/*
 * Roles, from scratch: the root port is the one with the best path to
 * the best root heard; every other port is designated where our vector
 * beats what was heard there, else alternate (or backup, when what it
 * heard is our own).
 */
static void
stp_select(struct stp *s)
{
	struct stp_vec best, v, desig, old = s->root;
	struct stp_port *p;
	enum stp_role was;
	int rp = -1, oldrp = s->rootport, sync;
	uint32_t i;

	memset(&best, 0, sizeof(best));
	memcpy(best.root, s->id, 8);
	memcpy(best.bridge, s->id, 8);
	for (i = 0; i < s->nports; i++) {
		p = &s->ports[i];
		if (!p->up || !p->hasinfo || stp_mine(s, p->info.bridge))
			continue;
		v = p->info;
		v.cost = v.cost + stp_port_cost(s, (uint16_t)i);
		if (v.cost < p->info.cost)
			v.cost = UINT32_MAX;
		if (stp_vec_cmp(&v, &best) < 0 || (stp_vec_cmp(&v, &best) == 0
		    && rp >= 0 && stp_portid((uint16_t)i) <
		    stp_portid((uint16_t)rp))) {
			best = v;
			rp = (int)i;
		}
	}
	s->root = best;
	s->rootport = rp;
	if (rp >= 0) {
		p = &s->ports[rp];
		s->root_age = p->info_age;
		s->root_maxage = p->info_maxage;
		s->root_hello = p->info_hello;
		s->root_fwddelay = p->info_fwddelay;
	} else {
		s->root_age = 0;
		s->root_maxage = STP_T(STP_MAX_AGE);
		s->root_hello = STP_T(STP_HELLO);
		s->root_fwddelay = STP_T(s->fwddelay);
	}
	sync = rp != oldrp || memcmp(old.root, best.root, 8) != 0 ||
	    old.cost != best.cost;

	for (i = 0; i < s->nports; i++) {
		p = &s->ports[i];
		if (!p->up)
			continue;
		was = p->role;
		memset(&desig, 0, sizeof(desig));
		memcpy(desig.root, best.root, 8);
		desig.cost = best.cost;
		memcpy(desig.bridge, s->id, 8);
		desig.port = stp_portid((uint16_t)i);
		if ((int)i == rp)
			p->role = STP_ROLE_ROOT;
		else if (!p->hasinfo || stp_vec_cmp(&desig, &p->info) < 0) {
			p->role = STP_ROLE_DESIGNATED;
			p->hasinfo = 0;
		} else if (stp_mine(s, p->info.bridge))
			p->role = STP_ROLE_BACKUP;
		else
			p->role = STP_ROLE_ALTERNATE;

		switch (p->role) {
		case STP_ROLE_ROOT:
			p->proposing = 0;
			stp_forward(s, (uint16_t)i);
			break;
		case STP_ROLE_DESIGNATED:
			if (p->operedge) {
				stp_forward(s, (uint16_t)i);
				break;
			}
			if (was != STP_ROLE_DESIGNATED ||
			    (sync && p->state != STP_DISCARDING))
				stp_discard(s, (uint16_t)i);
			break;
		default:
			p->proposing = 0;
			p->fd_at = 0;
			stp_state(s, (uint16_t)i, STP_DISCARDING);
			break;
		}
		if (p->role != was)
			p->send = 1;
	}
}

void
stp_set(struct stp *s, int on, uint16_t priority, uint16_t fwddelay,
    uint64_t now)
{
	uint32_t i;
	int was = s->on;

	s->now = now;
	if (was == on && priority == s->priority && fwddelay == s->fwddelay)
		return;
	s->on = on;
	s->priority = priority;
	s->fwddelay = fwddelay;
	stp_put16(s->id, priority);
	for (i = 0; i < s->nports; i++) {
		if (!s->ports[i].up)
			continue;
		s->ports[i].hasinfo = 0;
		s->ports[i].role = STP_ROLE_DISABLED;
		if (!on) {
			s->ports[i].state = STP_FORWARDING;
			if (s->ops.state != NULL)
				s->ops.state(s->ops.arg, (uint16_t)i,
				    STP_FORWARDING);
		} else
			s->ports[i].state = STP_DISCARDING;
	}
	s->rootport = -2;
	if (on) {
		for (i = 0; i < s->nports; i++)
			if (s->ports[i].up && s->ops.state != NULL)
				s->ops.state(s->ops.arg, (uint16_t)i,
				    STP_DISCARDING);
		stp_select(s);
		stp_tick(s, now);
	}
}

void
stp_port_set(struct stp *s, uint16_t i, uint32_t cost, enum stp_edge edge,
    int guard)
{
	struct stp_port *p;
	uint32_t oldcost;

	if (i >= s->nports)
		return;
	p = &s->ports[i];
	oldcost = stp_port_cost(s, i);
	p->cost = cost;
	p->guard = guard;
	if (p->edge != edge) {
		p->edge = edge;
		if (stp_edge(p) == STP_EDGE_ON)
			p->operedge = p->up;
		else if (stp_edge(p) == STP_EDGE_OFF) {
			p->operedge = 0;
			p->edge_at = 0;
		}
	}
	if (s->on && p->up && oldcost != stp_port_cost(s, i))
		stp_select(s);
}

void
stp_port_up(struct stp *s, uint16_t i, uint32_t cost_kind,
    enum stp_edge edge_kind, uint64_t now)
{
	struct stp_port *p;
	enum stp_edge e;

	if (i >= s->nports)
		return;
	s->now = now;
	p = &s->ports[i];
	memset(&p->operedge, 0, sizeof(*p) - offsetof(struct stp_port,
	    operedge));
	p->up = 1;
	p->cost_kind = cost_kind;
	p->edge_kind = edge_kind;
	e = stp_edge(p);
	p->operedge = e == STP_EDGE_ON;
	p->role = STP_ROLE_DISABLED;
	p->state = STP_DISCARDING;
	p->mdelay_until = now + STP_MIGRATE * SEC;
	p->edge_at = e == STP_EDGE_OFF ? 0 : now + STP_MIGRATE * SEC;
	if (!s->on) {
		p->state = STP_FORWARDING;
		return;
	}
	if (s->ops.state != NULL)
		s->ops.state(s->ops.arg, i, STP_DISCARDING);
	stp_select(s);
	stp_tick(s, now);
}

void
stp_port_down(struct stp *s, uint16_t i, uint64_t now)
{
	struct stp_port *p;

	if (i >= s->nports || !s->ports[i].up)
		return;
	s->now = now;
	p = &s->ports[i];
	p->up = 0;
	p->hasinfo = 0;
	p->role = STP_ROLE_DISABLED;
	p->state = STP_FORWARDING;
	if (s->on) {
		stp_select(s);
		stp_tick(s, now);
	}
}

/* A BPDU that says p's neighbour is the designated bridge there. */
static void
stp_rx_designated(struct stp *s, uint16_t i, const struct stp_bpdu *b)
{
	struct stp_port *p = &s->ports[i];
	uint64_t life;

	p->hasinfo = 1;
	p->info = b->v;
	p->info_age = b->age;
	p->info_maxage = b->maxage;
	p->info_hello = b->hello;
	p->info_fwddelay = b->fwddelay;
	if (p->info_fwddelay < STP_T(STP_FWD_DELAY_MIN))
		p->info_fwddelay = STP_T(STP_FWD_DELAY_MIN);
	if (p->info_fwddelay > STP_T(STP_FWD_DELAY_MAX))
		p->info_fwddelay = STP_T(STP_FWD_DELAY_MAX);
	/* Three hellos, as RSTP has it, within what max age leaves. */
	life = 3 * (uint64_t)(b->hello ? b->hello : STP_T(STP_HELLO)) *
	    SEC / 256;
	if (life > 30 * SEC)
		life = 30 * SEC;
	if (life > (uint64_t)(b->maxage - b->age) * SEC / 256 + SEC)
		life = (uint64_t)(b->maxage - b->age) * SEC / 256 + SEC;
	p->info_until = s->now + life;
	stp_select(s);
	if (p->role == STP_ROLE_DESIGNATED)
		p->send = 1;	/* ours is better: say so */
}

/*
 * A BPDU on port i.  Returns 0, or -1 when it does not parse (counted,
 * and ignored).
 */
int
stp_rx(struct stp *s, uint16_t i, const uint8_t *f, size_t len, uint64_t now)
{
	struct stp_port *p;
	struct stp_bpdu b;
	int role;

	if (i >= s->nports || !s->ports[i].up)
		return 0;
	s->now = now;
	p = &s->ports[i];
	if (stp_parse(f, len, &b) == -1) {
		p->bad++;
		s->bad++;
		return -1;
	}
	p->rx++;
	if (p->guard) {
		p->guarded++;
		s->guarded++;
		if (s->ops.guard != NULL)
			s->ops.guard(s->ops.arg, i);
		return 0;
	}
	if (!s->on)
		return 0;
	p->operedge = 0;
	p->edge_at = now + STP_MIGRATE * SEC;

	/* Protocol migration: speak what the neighbour speaks. */
	if (now >= p->mdelay_until) {
		if (!p->legacy && b.type != STP_TYPE_RST) {
			p->legacy = 1;
			p->mdelay_until = now + STP_MIGRATE * SEC;
			p->proposing = 0;
			p->send = 1;
		} else if (p->legacy && b.type == STP_TYPE_RST) {
			p->legacy = 0;
			p->mdelay_until = now + STP_MIGRATE * SEC;
			p->send = 1;
		}
	}

	if (b.type == STP_TYPE_TCN) {
		if (p->role == STP_ROLE_DESIGNATED) {
			p->tca = 1;
			p->send = 1;
			stp_tc(s, i, 1);
		}
		goto out;
	}
	/* Our own Config BPDU back on the port it left by. */
	if (b.type == STP_TYPE_CONFIG && stp_mine(s, b.v.bridge) &&
	    b.v.port == stp_portid(i))
		goto out;

	role = b.type == STP_TYPE_RST ?
	    (b.flags & STP_F_ROLE_MASK) >> STP_F_ROLE_SHIFT :
	    STP_FR_DESIGNATED;
	if (role == STP_FR_DESIGNATED) {
		stp_rx_designated(s, i, &b);
		if ((b.flags & STP_F_PROPOSAL) && p->role != STP_ROLE_DESIGNATED) {
			/*
			 * A root port is forwarding, its designated ports
			 * discard until they are agreed (stp_select()), and
			 * alternates discard: agreed.
			 */
			p->agree = 1;
			p->send = 1;
		}
	} else if ((b.flags & STP_F_AGREEMENT) &&
	    p->role == STP_ROLE_DESIGNATED && p->proposing &&
	    memcmp(b.v.root, s->root.root, 8) == 0)
		stp_forward(s, i);

	if ((b.flags & STP_F_TCA) && p->role == STP_ROLE_ROOT)
		p->tc_until = 0;
	if ((b.flags & STP_F_TC) && (p->role == STP_ROLE_ROOT ||
	    p->role == STP_ROLE_DESIGNATED) && p->state == STP_FORWARDING)
		stp_tc(s, i, 1);
out:
	stp_tick(s, now);
	return 0;
}

/* The BPDU port i sends now, if any. */
static void
stp_send(struct stp *s, uint16_t i)
{
	struct stp_port *p = &s->ports[i];
	uint8_t buf[STP_BPDU_MAX], src[6];
	struct stp_bpdu b;
	size_t n;

	memset(&b, 0, sizeof(b));
	if (p->legacy) {
		if (p->role == STP_ROLE_ROOT && p->tc_until > s->now)
			b.type = STP_TYPE_TCN;
		else if (p->role == STP_ROLE_DESIGNATED)
			b.type = STP_TYPE_CONFIG;
		else
			return;
	} else
		b.type = STP_TYPE_RST;
	if (b.type != STP_TYPE_TCN) {
		memcpy(b.v.root, s->root.root, 8);
		b.v.cost = s->root.cost;
		memcpy(b.v.bridge, s->id, 8);
		b.v.port = stp_portid(i);
		b.age = s->rootport >= 0 ? (uint16_t)(s->root_age + 256) : 0;
		b.maxage = s->root_maxage;
		b.hello = STP_T(STP_HELLO);
		b.fwddelay = s->root_fwddelay;
		if (b.age >= b.maxage)
			return;	/* too old to tell */
		if (p->tc_until > s->now)
			b.flags |= STP_F_TC;
	}
	if (b.type == STP_TYPE_CONFIG && p->tca) {
		b.flags |= STP_F_TCA;
		p->tca = 0;
	}
	if (b.type == STP_TYPE_RST) {
		switch (p->role) {
		case STP_ROLE_ROOT:
			b.flags |= STP_FR_ROOT << STP_F_ROLE_SHIFT;
			break;
		case STP_ROLE_DESIGNATED:
			b.flags |= STP_FR_DESIGNATED << STP_F_ROLE_SHIFT;
			break;
		default:
			b.flags |= STP_FR_ALTBACKUP << STP_F_ROLE_SHIFT;
			break;
		}
		if (p->role == STP_ROLE_DESIGNATED && p->proposing)
			b.flags |= STP_F_PROPOSAL;
		if (p->agree)
			b.flags |= STP_F_AGREEMENT;
		if (p->state == STP_LEARNING)
			b.flags |= STP_F_LEARNING;
		if (p->state == STP_FORWARDING)
			b.flags |= STP_F_LEARNING | STP_F_FORWARDING;
	}
	p->agree = 0;
	memcpy(src, s->mac, 6);
	src[4] ^= (uint8_t)(i >> 8);
	src[5] ^= (uint8_t)i;
	if ((n = stp_build(&b, src, buf, sizeof(buf))) == 0)
		return;
	p->tx++;
	if (s->ops.send != NULL)
		s->ops.send(s->ops.arg, i, buf, n);
}

/*
 * The clock: what heard info has expired, which timers ran out, which
 * BPDUs are due.  Called every few hundred milliseconds, and after every
 * event.
 */
void
stp_tick(struct stp *s, uint64_t now)
{
	struct stp_port *p;
	uint32_t i;
	int reselect = 0;

	s->now = now;
	if (!s->on)
		return;
	for (i = 0; i < s->nports; i++) {
		p = &s->ports[i];
		if (p->up && p->hasinfo && now >= p->info_until) {
			p->hasinfo = 0;
			reselect = 1;
		}
	}
	if (reselect)
		stp_select(s);
	for (i = 0; i < s->nports; i++) {
		p = &s->ports[i];
		if (!p->up)
			continue;
		/*
		 * Auto edge, as 802.1D-2004's bridge detection has it: a
		 * designated port that proposes and hears nothing for the
		 * migration time.  Never where 802.1D is spoken: there,
		 * silence is a bridge whose port does not forward.
		 */
		if (p->role == STP_ROLE_DESIGNATED && p->edge_at != 0 &&
		    now >= p->edge_at && stp_edge(p) != STP_EDGE_OFF &&
		    !p->legacy && p->state != STP_FORWARDING) {
			p->edge_at = 0;
			p->operedge = 1;
			stp_forward(s, (uint16_t)i);
		}
		if (p->role == STP_ROLE_DESIGNATED && p->fd_at != 0 &&
		    now >= p->fd_at) {
			if (p->state == STP_DISCARDING) {
				stp_state(s, (uint16_t)i, STP_LEARNING);
				p->fd_at = now + stp_fwddelay(s);
			} else
				stp_forward(s, (uint16_t)i);
		}
	}
	for (i = 0; i < s->nports; i++) {
		p = &s->ports[i];
		if (!p->up)
			continue;
		if (now >= p->hello_at) {
			/*
			 * Until the neighbour is heard, or agrees, a proposal
			 * goes out every half second: a link's two ends do
			 * not come up at the same time, and what one sends
			 * before the other is there is lost.
			 */
			p->hello_at = now + ((p->rx == 0 || p->proposing) &&
			    !p->operedge ? SEC / 2 : STP_HELLO * SEC);
			if (p->role == STP_ROLE_DESIGNATED ||
			    p->tc_until > now)
				p->send = 1;
		}
		if (!p->send)
			continue;
		if (now / SEC != p->txsec) {
			p->txsec = now / SEC;
			p->txn = 0;
		}
		if (p->txn >= STP_TX_HOLD)
			continue;	/* the next second */
		p->txn++;
		p->send = 0;
		stp_send(s, (uint16_t)i);
	}
}

const char *
stp_role_str(enum stp_role r)
{
	switch (r) {
	case STP_ROLE_ROOT:
		return "root";
	case STP_ROLE_DESIGNATED:
		return "designated";
	case STP_ROLE_ALTERNATE:
		return "alternate";
	case STP_ROLE_BACKUP:
		return "backup";
	default:
		return "disabled";
	}
}

const char *
stp_state_str(enum stp_state st)
{
	switch (st) {
	case STP_FORWARDING:
		return "forwarding";
	case STP_LEARNING:
		return "learning";
	default:
		return "discarding";
	}
}
