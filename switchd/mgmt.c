/* SPDX-License-Identifier: ISC */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "conf.h"
#include "impair.h"
#include "listener.h"
#include "log.h"
#include "mgmt.h"
#include "netdev.h"
#include "vhost.h"
#include "vhu.h"
#include "number.h"
#include "port.h"
#include "snoop.h"
#include "sockdir.h"
#include "sw.h"
#include "util.h"

/* Descriptors kept free when accepting a management client. */
#define MGMT_RESERVE	4
/* Supplementary groups read at once; a client with more takes longer. */
#define MGMT_GROUPS	64

struct mclient;

struct mgmt {
	struct sw	*sw;
	struct attach	*attach;	/* for its counters, may be NULL */
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct listener	 l;
	uint32_t	 nclients;
	LIST_HEAD(, mclient) clients;
	uid_t		 runuid;	/* may change, as root may */
	gid_t		 admgid;	/* its members too, unless -1 */
	char		 admins[160];	/* who may, in words */
	uint64_t	 refused;
	struct log_ratelim rl;
	const struct mgmt_peer *peer;	/* who sent the request being answered */
	struct snoop	*newsnoop;	/* a capture asked for, for mgmt_process() */
};

struct mclient {
	LIST_ENTRY(mclient) entry;
	struct mgmt	*m;
	struct mgmt_peer peer;
	int		 fd;
	ev_io		 r_w;
	ev_io		 w_w;
	ev_timer	 idle_w;
	int		 closing;	/* close once the reply is out */
	size_t		 inlen;
	char		 in[MGMT_LINE_MAX + 1];
	char		*out;
	size_t		 outlen;
	size_t		 outoff;
	struct snoop	*snoop;		/* once the reply is out, a capture */
};

typedef int (*mgmt_fn)(struct mgmt *, int, char **, json_object *,
    char *, size_t);

/*
 * A request is the first entry its words match.  The level comes before
 * the function, so an entry without one does not build.
 */
struct mgmt_cmd {
	const char	*name;		/* first word; NULL: any setting */
	const char	*sub;		/* second word it must have, or NULL */
	int		 argc;		/* words it must have, or 0 */
	enum mgmt_level	 level;
	mgmt_fn		 fn;
};

static int	mgmt_info(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_ports(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_macs(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_vlans(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_config(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_stp(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_disconnect(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_counters(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_loglevel(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_reload(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_set(struct mgmt *, int, char **, json_object *,
		    char *, size_t);
static int	mgmt_capture(struct mgmt *, int, char **, json_object *,
		    char *, size_t);

/* "ports N" and "port N ..." are settings; "ports" and "port N" shows. */
static const struct mgmt_cmd mgmt_cmds[] = {
	{ "info",	NULL,	 0, MGMT_LOOK,	 mgmt_info },
	{ "ports",	NULL,	 1, MGMT_LOOK,	 mgmt_ports },
	{ "port",	NULL,	 2, MGMT_LOOK,	 mgmt_ports },
	{ "macs",	"flush", 0, MGMT_CHANGE, mgmt_macs },
	{ "macs",	NULL,	 0, MGMT_LOOK,	 mgmt_macs },
	{ "vlans",	NULL,	 0, MGMT_LOOK,	 mgmt_vlans },
	{ "config",	NULL,	 0, MGMT_LOOK,	 mgmt_config },
	{ "stp",	NULL,	 1, MGMT_LOOK,	 mgmt_stp },
	{ "disconnect",	NULL,	 0, MGMT_CHANGE, mgmt_disconnect },
	{ "counters",	NULL,	 0, MGMT_CHANGE, mgmt_counters },
	{ "loglevel",	NULL,	 0, MGMT_CHANGE, mgmt_loglevel },
	{ "reload",	NULL,	 0, MGMT_CHANGE, mgmt_reload },
	/* Other users' frames: for those who may change the switch. */
	{ "capture",	NULL,	 0, MGMT_CHANGE, mgmt_capture },
	{ NULL,		NULL,	 0, MGMT_CHANGE, mgmt_set },
};

static void
mgmt_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *
mgmt_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* The last refusals at DIR/ctl, the last first: who, when, and why. */
static json_object *
mgmt_refusals(const struct attach *a)
{
	const struct attach_refusal *rf;
	json_object *arr, *o;
	unsigned int i;

	arr = json_object_new_array();
	for (i = 0; a != NULL && (rf = attach_refusal(a, i)) != NULL; i++) {
		o = json_object_new_object();
		mgmt_add(o, "time", json_object_new_int64((int64_t)rf->when));
		mgmt_add(o, "uid", json_object_new_int64(rf->uid));
		mgmt_add(o, "pid", json_object_new_int64(rf->pid));
		mgmt_add(o, "reason", json_object_new_string(rf->why));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The captures running: whose, of what, and how they keep up. */
static json_object *
mgmt_captures(const struct sw *sw)
{
	const struct snoop *s;
	json_object *a = json_object_new_array(), *o;
	char *ports;

	LIST_FOREACH(s, &sw->snoops, entry) {
		if (s->fd == -1)
			continue;
		o = json_object_new_object();
		mgmt_add(o, "uid", json_object_new_int64(s->uid));
		mgmt_add(o, "pid", json_object_new_int64(s->pid));
		if (s->spec.all)
			mgmt_add(o, "ports", json_object_new_string("all"));
		else if ((ports = malloc(VLANLIST_STR_MAX)) != NULL) {
			numlist_str(s->spec.ports, 1, FWD_PORTS_MAX - 1, ports,
			    VLANLIST_STR_MAX);
			mgmt_add(o, "ports", json_object_new_string(ports));
			free(ports);
		}
		mgmt_add(o, "vlan", json_object_new_int(s->spec.vid));
		mgmt_add(o, "count", mgmt_u64(s->spec.count));
		mgmt_add(o, "frames", mgmt_u64(s->frames));
		mgmt_add(o, "lost", mgmt_u64(s->lost));
		mgmt_add(o, "queued", mgmt_u64(s->qlen));
		json_object_array_add(a, o);
	}
	return a;
}

static int
mgmt_info(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	const struct conf *c = sw->conf;

	(void)argv;
	if (argc != 1)
		return util_err(err, len, "usage: info");
	mgmt_add(r, "version", json_object_new_string(VERSION));
	mgmt_add(r, "protocol", json_object_new_int(MGMT_PROTOCOL));
	mgmt_add(r, "uptime", mgmt_u64((uint64_t)(ev_now(sw->loop) -
	    sw->started)));
	if (m->attach != NULL) {
		mgmt_add(r, "dir", json_object_new_string(
		    attach_dir(m->attach)));
		mgmt_add(r, "ctl", json_object_new_string(
		    attach_path(m->attach)));
	}
	if (sw->netdev != NULL) {
		mgmt_add(r, "stream", json_object_new_string(
		    netdev_stream_path(sw->netdev)));
		if (netdev_dgram_path(sw->netdev) != NULL)
			mgmt_add(r, "dgram", json_object_new_string(
			    netdev_dgram_path(sw->netdev)));
		mgmt_add(r, "vhost", json_object_new_string(
		    netdev_vhost_path(sw->netdev)));
	}
	mgmt_add(r, "mgmt", json_object_new_string(m->path));
	mgmt_add(r, "ports", mgmt_u64(sw_nattached(sw)));
	mgmt_add(r, "ports_max", mgmt_u64(c->nports - 1));
	mgmt_add(r, "macs", mgmt_u64(fdb_count(sw->fwd->fdb)));
	mgmt_add(r, "macs_max", mgmt_u64(c->maclimit));
	mgmt_add(r, "portmaclimit", mgmt_u64(c->portmaclimit));
	mgmt_add(r, "aging", mgmt_u64(c->aging));
	mgmt_add(r, "hub", json_object_new_boolean(c->hub));
	mgmt_add(r, "queue_max", mgmt_u64(c->qlen));
	mgmt_add(r, "storm", mgmt_u64(c->storm));
	mgmt_add(r, "userports", mgmt_u64(c->userports));
	mgmt_add(r, "memory", mgmt_u64(sw->mem_fixed + sw->mem_queued));
	mgmt_add(r, "memory_queued", mgmt_u64(sw->mem_queued));
	mgmt_add(r, "memory_max", mgmt_u64(c->memory));
	mgmt_add(r, "memory_drops", mgmt_u64(sw->mem_drops));
	mgmt_add(r, "mgmt_clients", mgmt_u64(m->nclients));
	mgmt_add(r, "mgmt_clients_max", mgmt_u64(MGMT_CLIENTS_MAX));
	mgmt_add(r, "moves", mgmt_u64(sw->fwd->moves));
	mgmt_add(r, "learn_full", mgmt_u64(sw->fwd->learn_full));
	mgmt_add(r, "attach_refused", mgmt_u64(m->attach != NULL ?
	    attach_refused(m->attach) : 0));
	mgmt_add(r, "attach_refusals", mgmt_refusals(m->attach));
	mgmt_add(r, "attach_unlogged", mgmt_u64(sw->attach_unlogged));
	mgmt_add(r, "mgmt_refused", mgmt_u64(m->refused));
	mgmt_add(r, "netdev_refused", mgmt_u64(sw->netdev != NULL ?
	    netdev_refused(sw->netdev) : 0));
	mgmt_add(r, "stream_errors", mgmt_u64(sw->stream_errors));
	mgmt_add(r, "vhost_errors", mgmt_u64(sw->vhost_errors));
	mgmt_add(r, "captures", mgmt_captures(sw));
	mgmt_add(r, "captures_max", mgmt_u64(SNOOP_MAX));
	mgmt_add(r, "loglevel", json_object_new_string(log_getverbose() ?
	    "debug" : "info"));
	return 0;
}

static const char *
mgmt_kind(const struct port *p)
{
	if (p->kind == PORT_TAP)
		return "tap";
	if (p->kind == PORT_STREAM)
		return "stream";
	if (p->kind == PORT_DGRAM)
		return "dgram";
	if (p->kind == PORT_VHOST)
		return "vhost";
	if (strncmp(p->descr, "switchplug", 10) == 0)
		return "plug";
	return "unix";
}

static json_object *
mgmt_vlan(const struct vlan_port *vp)
{
	json_object *v = json_object_new_object();
	char buf[VLANLIST_STR_MAX];

	if (!vp->trunk) {
		mgmt_add(v, "mode", json_object_new_string("access"));
		mgmt_add(v, "vlan", json_object_new_int(vp->pvid));
		return v;
	}
	vlanlist_str(vp->allowed, buf, sizeof(buf));
	mgmt_add(v, "mode", json_object_new_string("trunk"));
	mgmt_add(v, "allowed", json_object_new_string(buf));
	mgmt_add(v, "native", json_object_new_int(vp->pvid));
	return v;
}

/* Who may attach to port n, when not anyone. */
static void
mgmt_port_allow(const struct sw *sw, uint32_t n, json_object *o)
{
	const struct conf_port *cp = &sw->conf->port[n];
	struct passwd *pw;
	struct group *gr;
	char id[32];

	if (cp->uid != (uid_t)-1) {
		snprintf(id, sizeof(id), "%lu", (unsigned long)cp->uid);
		pw = getpwuid(cp->uid);
		mgmt_add(o, "allow_user", json_object_new_string(pw ?
		    pw->pw_name : id));
	}
	if (cp->gid != (gid_t)-1) {
		snprintf(id, sizeof(id), "%lu", (unsigned long)cp->gid);
		gr = getgrgid(cp->gid);
		mgmt_add(o, "allow_group", json_object_new_string(gr ?
		    gr->gr_name : id));
	}
	/* Its own socket, the one way to it besides its number. */
	if (cp->sock != CONF_SOCK_NONE) {
		mgmt_add(o, "socket", json_object_new_string(cp->sockpath));
		mgmt_add(o, "socket_kind", json_object_new_string(
		    conf_sock_name(cp->sock)));
	}
}

/*
 * One direction of a port's impairment: its setting, and with p, what
 * it did and holds.
 */
static json_object *
mgmt_shape(const struct sw *sw, uint32_t n, const struct port *p, int dir)
{
	const struct shape_conf *c = &sw->conf->port[n].shape[dir];
	const struct fwd_stats *st = &sw->fwd->ports[n].st;
	const struct impair *im = p != NULL ? p->imp[dir] : NULL;
	json_object *o = json_object_new_object();
	char buf[SHAPE_STR_MAX];

	shape_str(c, buf, sizeof(buf));
	mgmt_add(o, "setting", json_object_new_string(buf));
	mgmt_add(o, "rate", mgmt_u64(c->rate));
	mgmt_add(o, "delay", mgmt_u64(c->delay));
	mgmt_add(o, "jitter", mgmt_u64(c->jitter));
	mgmt_add(o, "loss", mgmt_u64(c->loss));
	mgmt_add(o, "duplicate", mgmt_u64(c->dup));
	if (p == NULL)
		return o;
	mgmt_add(o, "lost", mgmt_u64(st->imp_lost[dir]));
	mgmt_add(o, "duplicated", mgmt_u64(st->imp_dup[dir]));
	mgmt_add(o, "delayed", mgmt_u64(st->imp_held[dir]));
	mgmt_add(o, "overflow", mgmt_u64(st->imp_full[dir]));
	mgmt_add(o, "queue", mgmt_u64(im != NULL ? im->count : 0));
	mgmt_add(o, "queue_bytes", mgmt_u64(im != NULL ? im->bytes : 0));
	return o;
}

/*
 * A port's part in mirroring and captures, and its impairment: what its
 * number has, attached or not (p NULL).
 */
static void
mgmt_port_shape(const struct sw *sw, uint32_t n, const struct port *p,
    json_object *o)
{
	static const char *const dir[] = { "", "rx", "tx", "both" };
	const struct conf_port *cp = &sw->conf->port[n];
	uint64_t src[VLANLIST_WORDS];
	json_object *mo;
	char *list;
	uint32_t i;

	if (cp->mirror != 0 && (list = malloc(VLANLIST_STR_MAX)) != NULL) {
		memset(src, 0, sizeof(src));
		for (i = 1; i < sw->conf->nports; i++)
			if (sw->conf->port[i].mirror_to == n)
				src[i >> 6] |= 1ULL << (i & 63);
		numlist_str(src, 1, sw->conf->nports - 1, list,
		    VLANLIST_STR_MAX);
		mo = json_object_new_object();
		mgmt_add(mo, "sources", json_object_new_string(list));
		mgmt_add(mo, "direction", json_object_new_string(
		    dir[cp->mirror & 3]));
		mgmt_add(o, "mirror", mo);
		free(list);
	}
	if (cp->mirror_to != 0) {
		mgmt_add(o, "mirror_to", json_object_new_int(cp->mirror_to));
		mgmt_add(o, "mirror_direction", json_object_new_string(
		    dir[sw->conf->port[cp->mirror_to].mirror & 3]));
	}
	mgmt_add(o, "ingress", mgmt_shape(sw, n, p, SHAPE_IN));
	mgmt_add(o, "egress", mgmt_shape(sw, n, p, SHAPE_OUT));
	if (p == NULL)
		return;
	mgmt_add(o, "mirrored", mgmt_u64(sw->fwd->ports[n].st.mirrored));
	mgmt_add(o, "captures", mgmt_u64(snoop_count(sw, (uint16_t)n)));
	mgmt_add(o, "captured", mgmt_u64(sw->fwd->ports[n].st.captured));
	mgmt_add(o, "capture_lost", mgmt_u64(
	    sw->fwd->ports[n].st.capture_lost));
}

/* A port number with nothing attached: its settings alone. */
static json_object *
mgmt_port_unused(struct sw *sw, uint32_t n)
{
	const struct fwd_port *fp = &sw->fwd->ports[n];
	json_object *o = json_object_new_object();

	mgmt_add(o, "port", json_object_new_int((int)n));
	mgmt_add(o, "attached", json_object_new_boolean(0));
	mgmt_add(o, "vlan", mgmt_vlan(&fp->vlan));
	mgmt_add(o, "maclimit", mgmt_u64(fwd_maclimit(sw->fwd, n)));
	mgmt_add(o, "maclimit_own", json_object_new_boolean(fp->maclimit != 0));
	mgmt_add(o, "isolated", json_object_new_boolean(fp->isolated));
	mgmt_add(o, "storm", mgmt_u64(fp->storm));
	mgmt_port_shape(sw, n, NULL, o);
	mgmt_port_allow(sw, n, o);
	return o;
}

/* What a vhost-user front-end and the switch agreed on, and its pace. */
static json_object *
mgmt_vhost(const struct port *p)
{
	json_object *o = json_object_new_object(), *f;
	struct vhost_info vi;
	const char *name;
	unsigned int bit;

	vhost_info((struct port *)p, &vi);
	f = json_object_new_array();
	for (bit = 0; bit < 64; bit++)
		if ((vi.features >> bit & 1) &&
		    (name = vhu_feature(bit)) != NULL)
			json_object_array_add(f, json_object_new_string(name));
	mgmt_add(o, "features", f);
	mgmt_add(o, "features_bits", mgmt_u64(vi.features));
	mgmt_add(o, "protocol_features", mgmt_u64(vi.protocol));
	mgmt_add(o, "rx_ring", mgmt_u64(vi.ring_size[0]));
	mgmt_add(o, "tx_ring", mgmt_u64(vi.ring_size[1]));
	mgmt_add(o, "rx_up", json_object_new_boolean(vi.ring_up[0]));
	mgmt_add(o, "tx_up", json_object_new_boolean(vi.ring_up[1]));
	mgmt_add(o, "kicks", mgmt_u64(vi.kicks));
	mgmt_add(o, "calls", mgmt_u64(vi.calls));
	mgmt_add(o, "kicks_per_s", json_object_new_double(vi.kick_rate));
	mgmt_add(o, "calls_per_s", json_object_new_double(vi.call_rate));
	mgmt_add(o, "regions", mgmt_u64(vi.regions));
	mgmt_add(o, "memory", mgmt_u64(vi.memory));
	return o;
}

static json_object *
mgmt_port(struct sw *sw, const struct port *p)
{
	const struct fwd_port *fp = &sw->fwd->ports[p->num];
	json_object *o = json_object_new_object(), *d;
	struct passwd *pw;
	int i;

	mgmt_add(o, "port", json_object_new_int(p->num));
	mgmt_add(o, "attached", json_object_new_boolean(1));
	mgmt_add(o, "kind", json_object_new_string(mgmt_kind(p)));
	mgmt_add(o, "descr", json_object_new_string(p->descr));
	if (p->kind == PORT_TAP) {
		mgmt_add(o, "ifname", json_object_new_string(p->ifname));
		mgmt_add(o, "offload", json_object_new_boolean(p->offload));
	} else {
		mgmt_add(o, "uid", json_object_new_int64(p->uid));
		mgmt_add(o, "pid", json_object_new_int64(p->pid));
		pw = getpwuid(p->uid);
		mgmt_add(o, "user", json_object_new_string(pw ? pw->pw_name :
		    "?"));
	}
	mgmt_add(o, "vlan", mgmt_vlan(&fp->vlan));
	mgmt_add(o, "rx_frames", mgmt_u64(fp->st.rx_frames));
	mgmt_add(o, "rx_bytes", mgmt_u64(fp->st.rx_bytes));
	mgmt_add(o, "tx_frames", mgmt_u64(fp->st.tx_frames));
	mgmt_add(o, "tx_bytes", mgmt_u64(fp->st.tx_bytes));
	d = json_object_new_object();
	for (i = 0; i < DROP_NR; i++)
		mgmt_add(d, fwd_drop_str(i), mgmt_u64(fp->st.drops[i]));
	mgmt_add(o, "drops", d);
	mgmt_add(o, "macs", mgmt_u64(fdb_portcount(sw->fwd->fdb, p->num)));
	mgmt_add(o, "maclimit", mgmt_u64(fwd_maclimit(sw->fwd, p->num)));
	mgmt_add(o, "maclimit_own", json_object_new_boolean(fp->maclimit != 0));
	mgmt_add(o, "isolated", json_object_new_boolean(fp->isolated));
	mgmt_add(o, "learn_refused", mgmt_u64(fp->learn_refused));
	mgmt_add(o, "storm", mgmt_u64(fp->storm));
	mgmt_add(o, "queue", mgmt_u64(p->qcount));
	mgmt_add(o, "queue_max", mgmt_u64(p->qlen));
	if (p->kind == PORT_VHOST)
		mgmt_add(o, "vhost", mgmt_vhost(p));
	mgmt_port_shape(sw, p->num, p, o);
	mgmt_port_allow(sw, p->num, o);
	return o;
}

static int
mgmt_portnum(struct sw *sw, const char *s, struct port **pp, char *err,
    size_t len)
{
	unsigned long n;

	if (number_parse(s, 1, sw->conf->nports - 1, &n) == -1)
		return util_err(err, len, "'%s' is not a port number from 1 "
		    "to %u", s, sw->conf->nports - 1);
	if (pp != NULL && (*pp = sw->ports[n]) == NULL)
		return util_err(err, len, "nothing is attached to port %lu",
		    n);
	return (int)n;
}

static int
mgmt_ports(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	json_object *a;
	uint32_t i;
	int n;

	/*
	 * "port N" shows one port, attached or not: its settings are its
	 * number's.  "ports" shows those in use.
	 */
	if (argc == 2) {
		if ((n = mgmt_portnum(sw, argv[1], NULL, err, len)) == -1)
			return -1;
		mgmt_add(r, "port", sw->ports[n] != NULL ?
		    mgmt_port(sw, sw->ports[n]) : mgmt_port_unused(sw,
		    (uint32_t)n));
		return 0;
	}
	if (argc != 1)
		return util_err(err, len, "usage: ports | port N");
	a = json_object_new_array();
	for (i = 0; i < sw->conf->nports; i++)
		if (sw->ports[i] != NULL)
			json_object_array_add(a, mgmt_port(sw, sw->ports[i]));
	mgmt_add(r, "ports", a);
	return 0;
}

struct mgmt_macsel {
	const struct fdb *fdb;
	json_object	*a;
	int		 port;
	int		 vid;
	uint32_t	 now;
};

static int
mgmt_mac_cb(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	struct mgmt_macsel *s = arg;
	json_object *o;
	char buf[18];

	if ((s->port >= 0 && port != s->port) || (s->vid >= 0 && vid != s->vid))
		return 0;
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
	o = json_object_new_object();
	mgmt_add(o, "mac", json_object_new_string(buf));
	mgmt_add(o, "vlan", json_object_new_int(vid));
	mgmt_add(o, "port", json_object_new_int(port));
	if (fdb_static_port(s->fdb, mac, vid) == port) {
		mgmt_add(o, "age", mgmt_u64(0));
		mgmt_add(o, "static", json_object_new_boolean(1));
	} else {
		mgmt_add(o, "age", mgmt_u64(s->now - seen));
		mgmt_add(o, "static", json_object_new_boolean(0));
	}
	json_object_array_add(s->a, o);
	return 0;
}

/* macs [flush] [port N] [vlan V] */
static int
mgmt_macs(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	struct mgmt_macsel s = { sw->fwd->fdb, NULL, -1, -1, sw_now() };
	unsigned long v;
	int i = 1, flush = 0;

	if (argc > 1 && strcmp(argv[1], "flush") == 0) {
		flush = 1;
		i++;
	}
	for (; i < argc; i += 2) {
		if (i + 1 >= argc)
			return util_err(err, len, "usage: macs [flush] "
			    "[port N] [vlan V]");
		if (strcmp(argv[i], "port") == 0) {
			if ((s.port = mgmt_portnum(sw, argv[i + 1], NULL, err,
			    len)) == -1)
				return -1;
		} else if (strcmp(argv[i], "vlan") == 0) {
			if (number_parse(argv[i + 1], VLAN_MIN, VLAN_MAX,
			    &v) == -1)
				return util_err(err, len, "'%s' is not a VLAN "
				    "from 1 to 4094", argv[i + 1]);
			s.vid = (int)v;
		} else
			return util_err(err, len, "usage: macs [flush] "
			    "[port N] [vlan V]");
	}
	if (flush) {
		mgmt_add(r, "flushed", mgmt_u64(fdb_flush(sw->fwd->fdb,
		    s.port, s.vid)));
		return 0;
	}
	s.a = json_object_new_array();
	fdb_walk(sw->fwd->fdb, mgmt_mac_cb, &s);
	mgmt_add(r, "macs", s.a);
	return 0;
}

static json_object *
mgmt_bridgeid(const uint8_t *id)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%02x%02x.%02x%02x%02x%02x%02x%02x",
	    id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
	return json_object_new_string(buf);
}

/* Spanning tree: who is root, and each attached port's part in it. */
static int
mgmt_stp(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	const struct stp *s = m->sw->stp;
	const struct stp_port *sp;
	json_object *a, *o;
	uint32_t i;

	(void)argc;
	(void)argv;
	(void)err;
	(void)len;
	mgmt_add(r, "enabled", json_object_new_boolean(s->on));
	mgmt_add(r, "bridge_id", mgmt_bridgeid(s->id));
	mgmt_add(r, "root_id", mgmt_bridgeid(s->root.root));
	mgmt_add(r, "root_cost", mgmt_u64(s->root.cost));
	mgmt_add(r, "root_port", json_object_new_int(s->rootport < 0 ? 0 :
	    s->rootport));
	mgmt_add(r, "forward_delay", mgmt_u64(s->root_fwddelay / 256));
	mgmt_add(r, "topology_changes", mgmt_u64(s->tcs));
	mgmt_add(r, "bad_bpdus", mgmt_u64(s->bad));
	mgmt_add(r, "bpduguard_shut", mgmt_u64(s->guarded));
	a = json_object_new_array();
	for (i = 0; i < s->nports; i++) {
		sp = &s->ports[i];
		if (!sp->up || m->sw->ports[i] == NULL)
			continue;
		o = json_object_new_object();
		mgmt_add(o, "port", json_object_new_int((int)i));
		mgmt_add(o, "role", json_object_new_string(s->on ?
		    stp_role_str(sp->role) : "disabled"));
		mgmt_add(o, "state", json_object_new_string(
		    stp_state_str(stp_port_state(s, (uint16_t)i))));
		mgmt_add(o, "cost", mgmt_u64(stp_port_cost(s, (uint16_t)i)));
		mgmt_add(o, "edge", json_object_new_boolean(sp->operedge));
		mgmt_add(o, "protocol", json_object_new_string(sp->legacy ?
		    "stp" : "rstp"));
		mgmt_add(o, "bpduguard", json_object_new_boolean(sp->guard));
		mgmt_add(o, "bpdu_tx", mgmt_u64(sp->tx));
		mgmt_add(o, "bpdu_rx", mgmt_u64(sp->rx));
		mgmt_add(o, "bpdu_bad", mgmt_u64(sp->bad));
		mgmt_add(o, "topology_changes", mgmt_u64(sp->tcs));
		json_object_array_add(a, o);
	}
	mgmt_add(r, "ports", a);
	return 0;
}

static int
mgmt_vlans(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	json_object *a, *o, *acc, *tr;
	uint32_t i;
	unsigned int v;

	(void)argv;
	if (argc != 1)
		return util_err(err, len, "usage: vlans");
	a = json_object_new_array();
	for (v = VLAN_MIN; v <= VLAN_MAX; v++) {
		acc = tr = NULL;
		for (i = 0; i < sw->conf->nports; i++) {
			const struct vlan_port *vp = &sw->fwd->ports[i].vlan;

			if (sw->ports[i] == NULL || !vlan_member(vp, (uint16_t)v))
				continue;
			if (vp->trunk) {
				if (tr == NULL)
					tr = json_object_new_array();
				json_object_array_add(tr,
				    json_object_new_int((int)i));
			} else {
				if (acc == NULL)
					acc = json_object_new_array();
				json_object_array_add(acc,
				    json_object_new_int((int)i));
			}
		}
		if (acc == NULL && tr == NULL)
			continue;
		o = json_object_new_object();
		mgmt_add(o, "vlan", json_object_new_int((int)v));
		mgmt_add(o, "access", acc ? acc : json_object_new_array());
		mgmt_add(o, "trunk", tr ? tr : json_object_new_array());
		json_object_array_add(a, o);
	}
	mgmt_add(r, "vlans", a);
	return 0;
}

static int
mgmt_config(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	(void)argv;
	if (argc != 1)
		return util_err(err, len, "usage: config");
	if ((f = open_memstream(&buf, &n)) == NULL)
		return util_err(err, len, "out of memory");
	conf_dump(sw->conf, f);
	fclose(f);
	mgmt_add(r, "config", json_object_new_string(buf ? buf : ""));
	free(buf);
	return 0;
}

static int
mgmt_disconnect(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	struct port *p;

	(void)r;
	if (argc != 2)
		return util_err(err, len, "usage: disconnect N");
	if (mgmt_portnum(sw, argv[1], &p, err, len) == -1)
		return -1;
	log_info("%s: disconnected by switchctl", port_name(p));
	/* A datagram peer has no connection to close: it is kept out. */
	p->cut = 1;
	port_free(p);
	return 0;
}

static int
mgmt_counters(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	struct port *p = NULL;

	(void)r;
	if (argc < 2 || argc > 3 || strcmp(argv[1], "reset") != 0)
		return util_err(err, len, "usage: counters reset [N]");
	if (argc == 3 && mgmt_portnum(sw, argv[2], &p, err, len) == -1)
		return -1;
	fwd_counters_reset(sw->fwd, p != NULL ? p->num : -1);
	if (p == NULL && m->attach != NULL)
		attach_counters_reset(m->attach);
	if (p == NULL && sw->netdev != NULL)
		netdev_counters_reset(sw->netdev);
	if (p == NULL) {
		sw->mem_drops = 0;
		sw->attach_unlogged = 0;
		m->refused = 0;
		sw->stream_errors = 0;
		sw->vhost_errors = 0;
	}
	return 0;
}

static int
mgmt_loglevel(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	(void)m;
	(void)r;
	if (argc != 2 || (strcmp(argv[1], "info") != 0 &&
	    strcmp(argv[1], "debug") != 0))
		return util_err(err, len, "usage: loglevel info | debug");
	log_setverbose(strcmp(argv[1], "debug") == 0);
	return 0;
}

static int
mgmt_reload(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	char why[512];

	(void)argv;
	(void)r;
	if (argc != 1)
		return util_err(err, len, "usage: reload");
	if (sw->conffile == NULL)
		return util_err(err, len, "no configuration file: switchd "
		    "was started without -f");
	log_info("reloading %s, asked by switchctl", sw->conffile);
	if (sw_reload(sw, why, sizeof(why)) == -1) {
		log_warnx("reload: %s; nothing was changed", why);
		return util_err(err, len, "%s has errors; nothing was changed: "
		    "%s", sw->conffile, why);
	}
	return 0;
}

/* A line of switchd.conf(5), its words as they came. */
static int
mgmt_set(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	char line[MGMT_LINE_MAX + 1];
	size_t n = 0;
	int i;

	(void)r;
	line[0] = '\0';
	for (i = 0; i < argc && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s",
		    i > 0 ? " " : "", argv[i]);
	if (sw_set(m->sw, line, err, len) == -1)
		return -1;
	log_info("set by switchctl: %s", line);
	return 0;
}

/*
 * capture [port LIST] [vlan V] [count N]: once the reply is out, the
 * connection carries the frames (snoop.c); mgmt_process() hands it over.
 */
static int
mgmt_capture(struct mgmt *m, int argc, char **argv, json_object *r,
    char *err, size_t len)
{
	struct sw *sw = m->sw;
	struct snoop_spec spec;
	unsigned long v;
	char *list;
	int i, seen = 0;

	memset(&spec, 0, sizeof(spec));
	spec.all = 1;
	for (i = 1; i < argc; i += 2) {
		if (i + 1 == argc)
			return util_err(err, len, "usage: capture [port N[,...]] "
			    "[vlan V] [count N]");
		if (strcmp(argv[i], "port") == 0 && !(seen & 1)) {
			if (numlist_parse(argv[i + 1], 1, sw->conf->nports - 1,
			    spec.ports) == -1)
				return util_err(err, len, "capture: '%s' is not "
				    "a list of ports from 1 to %u (like 3,5-7)",
				    argv[i + 1], sw->conf->nports - 1);
			spec.all = 0;
			seen |= 1;
		} else if (strcmp(argv[i], "vlan") == 0 && !(seen & 2)) {
			if (number_parse(argv[i + 1], VLAN_MIN, VLAN_MAX,
			    &v) == -1)
				return util_err(err, len, "capture: '%s' is not "
				    "a VLAN from %d to %d", argv[i + 1],
				    VLAN_MIN, VLAN_MAX);
			spec.vid = (int)v;
			seen |= 2;
		} else if (strcmp(argv[i], "count") == 0 && !(seen & 4)) {
			if (number_parse(argv[i + 1], 1, ULONG_MAX, &v) == -1)
				return util_err(err, len, "capture: count '%s' "
				    "is not a number of frames, 1 or more",
				    argv[i + 1]);
			spec.count = v;
			seen |= 4;
		} else
			return util_err(err, len, "usage: capture [port N[,...]] "
			    "[vlan V] [count N]");
	}
	if ((m->newsnoop = snoop_new(sw, &spec, m->peer->uid, m->peer->pid,
	    err, len)) == NULL)
		return -1;
	if (!spec.all && (list = malloc(VLANLIST_STR_MAX)) != NULL) {
		numlist_str(spec.ports, 1, FWD_PORTS_MAX - 1, list,
		    VLANLIST_STR_MAX);
		mgmt_add(r, "ports", json_object_new_string(list));
		free(list);
	} else
		mgmt_add(r, "ports", json_object_new_string("all"));
	mgmt_add(r, "vlan", json_object_new_int(spec.vid));
	mgmt_add(r, "count", mgmt_u64(spec.count));
	mgmt_add(r, "queue", mgmt_u64(SNOOP_QUEUE));
	return 0;
}

static const struct mgmt_cmd *
mgmt_lookup(int argc, char **argv)
{
	const struct mgmt_cmd *mc;
	size_t i;

	for (i = 0; i < nitems(mgmt_cmds); i++) {
		mc = &mgmt_cmds[i];
		if (mc->name == NULL ? !conf_known(argv[0]) :
		    strcmp(argv[0], mc->name) != 0)
			continue;
		if (mc->sub != NULL && (argc < 2 || strcmp(argv[1],
		    mc->sub) != 0))
			continue;
		if (mc->argc != 0 && argc != mc->argc)
			continue;
		return mc;
	}
	return NULL;
}

/*
 * A change, or a capture, asked by a client that may only look: refused,
 * counted.  A capture shows other users' frames: it takes the same right.
 */
static int
mgmt_refuse(struct mgmt *m, const struct mgmt_peer *peer,
    const struct mgmt_cmd *mc, const char *line, char *err, size_t len)
{
	int capture = mc->fn == mgmt_capture, n;

	m->refused++;
	if ((n = log_ratelim(&m->rl, ev_now(m->sw->loop), 1.0)) > 0)
		log_warnx("management request from uid=%ld pid=%ld refused: "
		    "'%.64s' %s, and only %s may%s",
		    (long)peer->uid, (long)peer->pid, line, capture ?
		    "captures other users' frames" : "changes the switch",
		    m->admins, n > 1 ? " (and others not logged)" : "");
	return util_err(err, len, "permission denied: %s needs %s", capture ?
	    "capturing frames" : "changing the switch", m->admins);
}

static int
mgmt_dispatch(struct mgmt *m, const struct mgmt_peer *peer, char *line,
    json_object *r, char *err, size_t len)
{
	char copy[MGMT_LINE_MAX + 1], *argv[CONF_ARGS_MAX];
	const struct mgmt_cmd *mc;
	int argc;

	log_debug("management: %s", line);
	snprintf(copy, sizeof(copy), "%s", line);
	if ((argc = conf_split(copy, argv, CONF_ARGS_MAX)) == -1)
		return util_err(err, len, "too many words");
	if (argc == 0)
		return util_err(err, len, "empty request");
	if ((mc = mgmt_lookup(argc, argv)) == NULL)
		return util_err(err, len, "unknown command '%s'", argv[0]);
	if (mc->level == MGMT_NONE || mc->level > peer->level)
		return mgmt_refuse(m, peer, mc, line, err, len);
	m->peer = peer;
	return mc->fn(m, argc, argv, r, err, len);
}

/*
 * Entry i of the table, for tests to try each: -1 past the last.  A
 * NULL name stands for every setting of switchd.conf(5).
 */
int
mgmt_command(size_t i, const char **name, const char **sub, int *argc,
    enum mgmt_level *level)
{
	if (i >= nitems(mgmt_cmds))
		return -1;
	*name = mgmt_cmds[i].name;
	*sub = mgmt_cmds[i].sub;
	*argc = mgmt_cmds[i].argc;
	*level = mgmt_cmds[i].level;
	return 0;
}

/*
 * One request line in, one JSON reply line out (malloc'd, ending in a
 * newline).  The line is untrusted: any bytes, any length.
 */
char *
mgmt_request(struct mgmt *m, const struct mgmt_peer *peer, const char *req,
    size_t reqlen)
{
	char line[MGMT_LINE_MAX + 1], err[512], *out;
	json_object *r = json_object_new_object();
	const char *s;
	size_t i;
	int rc;

	err[0] = '\0';
	/* A capture asked for by a caller that did not take it. */
	snoop_free(m->newsnoop);
	m->newsnoop = NULL;
	if (reqlen > MGMT_LINE_MAX)
		rc = util_err(err, sizeof(err), "request longer than %d bytes",
		    MGMT_LINE_MAX);
	else {
		memcpy(line, req, reqlen);
		line[reqlen] = '\0';
		/*
		 * Commands, numbers and account names are ASCII; replies
		 * quote the request, and JSON strings must be valid text.
		 */
		for (i = 0; i < reqlen; i++)
			if (line[i] == '\0' || (unsigned char)line[i] >= 0x7f ||
			    ((unsigned char)line[i] < 0x20 && line[i] != '\t' &&
			    line[i] != '\r'))
				break;
		if (i < reqlen)
			rc = util_err(err, sizeof(err), "request has control "
			    "characters or bytes that are not ASCII");
		else
			rc = mgmt_dispatch(m, peer, line, r, err,
			    sizeof(err));
	}
	if (rc == -1) {
		json_object_put(r);
		r = json_object_new_object();
		mgmt_add(r, "error", json_object_new_string(err));
	}
	mgmt_add(r, "ok", json_object_new_boolean(rc == 0));
	s = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);
	if (asprintf(&out, "%s\n", s) == -1) {
		out = NULL;
		snoop_free(m->newsnoop);
		m->newsnoop = NULL;
	}
	json_object_put(r);
	return out;
}

static void
mgmt_client_free(struct mclient *c)
{
	struct ev_loop *loop = c->m->sw->loop;

	ev_io_stop(loop, &c->r_w);
	ev_io_stop(loop, &c->w_w);
	ev_timer_stop(loop, &c->idle_w);
	if (c->fd != -1)
		close(c->fd);
	snoop_free(c->snoop);
	free(c->out);
	LIST_REMOVE(c, entry);
	c->m->nclients--;
	free(c);
}

static void	mgmt_process(struct mclient *);

static void
mgmt_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mclient *c = container_of(w, struct mclient, w_w);
	ssize_t r;

	(void)revents;
	while (c->outoff < c->outlen) {
		r = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
		if (r == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			mgmt_client_free(c);
			return;
		}
		c->outoff += (size_t)r;
	}
	free(c->out);
	c->out = NULL;
	ev_io_stop(loop, w);
	if (c->snoop != NULL) {
		/*
		 * The connection is the capture's now, and no management
		 * client's: what the client sent after asking ends it.
		 */
		snoop_start(c->snoop, c->fd, c->inlen > 0);
		c->snoop = NULL;
		c->fd = -1;
		mgmt_client_free(c);
		return;
	}
	if (c->closing) {
		mgmt_client_free(c);
		return;
	}
	ev_io_start(loop, &c->r_w);
	mgmt_process(c);
}

static void
mgmt_reply(struct mclient *c, char *out)
{
	if (out == NULL) {
		mgmt_client_free(c);
		return;
	}
	c->out = out;
	c->outlen = strlen(out);
	c->outoff = 0;
	/* One reply at a time: read nothing more until it is out. */
	ev_io_stop(c->m->sw->loop, &c->r_w);
	ev_io_start(c->m->sw->loop, &c->w_w);
}

/* Answer the first complete line in the buffer, if there is one. */
static void
mgmt_process(struct mclient *c)
{
	char *nl, *out;
	size_t n;

	if ((nl = memchr(c->in, '\n', c->inlen)) == NULL) {
		if (c->inlen == sizeof(c->in)) {
			c->closing = 1;
			mgmt_reply(c, mgmt_request(c->m, &c->peer, c->in,
			    c->inlen));
		}
		return;
	}
	n = (size_t)(nl - c->in);
	out = mgmt_request(c->m, &c->peer, c->in, n);
	memmove(c->in, nl + 1, c->inlen - n - 1);
	c->inlen -= n + 1;
	c->snoop = c->m->newsnoop;
	c->m->newsnoop = NULL;
	mgmt_reply(c, out);
}

static void
mgmt_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mclient *c = container_of(w, struct mclient, r_w);
	ssize_t r;

	(void)revents;
	r = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		mgmt_client_free(c);
		return;
	}
	c->inlen += (size_t)r;
	ev_timer_again(loop, &c->idle_w);
	mgmt_process(c);
}

static void
mgmt_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	mgmt_client_free(container_of(w, struct mclient, idle_w));
}

/*
 * What the client at fd may do, from the credentials it connected with:
 * its supplementary groups are asked for only when they matter.  A
 * client whose groups cannot be had may look.
 */
static enum mgmt_level
mgmt_peer_level(struct mgmt *m, int fd, const struct ucred *cred)
{
	gid_t buf[MGMT_GROUPS], *groups = buf;
	socklen_t len = sizeof(buf);
	enum mgmt_level level;
	int n = 0;

	if (m->admgid != (gid_t)-1 && mgmt_level(m, cred->uid, cred->gid,
	    NULL, 0) != MGMT_CHANGE) {
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, buf, &len) == 0)
			n = (int)(len / sizeof(gid_t));
		else if (errno == ERANGE && (groups = malloc(len)) != NULL &&
		    getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups,
		    &len) == 0)
			n = (int)(len / sizeof(gid_t));
		else if (log_ratelim(&m->rl, ev_now(m->sw->loop), 1.0) > 0)
			log_warn("management: SO_PEERGROUPS of uid=%ld "
			    "pid=%ld", (long)cred->uid, (long)cred->pid);
	}
	level = mgmt_level(m, cred->uid, cred->gid, groups, n);
	if (groups != buf)
		free(groups);
	return level;
}

static void
mgmt_accept_cb(struct listener *l, int fd, const struct sockaddr *sa,
    socklen_t salen)
{
	struct mgmt *m = container_of(l, struct mgmt, l);
	struct mclient *c;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char msg[128];
	int mine = 0;

	(void)sa;
	(void)salen;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("management: SO_PEERCRED");
		close(fd);
		return;
	}
	LIST_FOREACH(c, &m->clients, entry)
		mine += c->peer.uid == cred.uid;
	/* One user cannot take every place: root's are never refused. */
	if (m->nclients >= MGMT_CLIENTS_MAX ||
	    (cred.uid != 0 && mine >= MGMT_CLIENTS_USER)) {
		snprintf(msg, sizeof(msg), "{\"error\":\"too many management "
		    "clients (%d%s); try again\",\"ok\":false}\n",
		    m->nclients >= MGMT_CLIENTS_MAX ? MGMT_CLIENTS_MAX :
		    MGMT_CLIENTS_USER, m->nclients >= MGMT_CLIENTS_MAX ? "" :
		    " of this user");
		(void)!write(fd, msg, strlen(msg));
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->m = m;
	c->fd = fd;
	c->peer.uid = cred.uid;
	c->peer.pid = cred.pid;
	c->peer.level = mgmt_peer_level(m, fd, &cred);
	m->nclients++;
	LIST_INSERT_HEAD(&m->clients, c, entry);
	/* Forwarding first: management waits while frames are pending. */
	ev_io_init(&c->r_w, mgmt_read_cb, fd, EV_READ);
	ev_io_init(&c->w_w, mgmt_write_cb, fd, EV_WRITE);
	ev_set_priority(&c->r_w, EV_MINPRI);
	ev_set_priority(&c->w_w, EV_MINPRI);
	ev_init(&c->idle_w, mgmt_idle_cb);
	c->idle_w.repeat = MGMT_IDLE;
	ev_timer_again(m->sw->loop, &c->idle_w);
	snprintf(msg, sizeof(msg), "{\"switchd\":\"%s\",\"protocol\":%d}\n",
	    VERSION, MGMT_PROTOCOL);
	mgmt_reply(c, strdup(msg));
}

/* A management handler with no socket yet: mgmt_request() works. */
struct mgmt *
mgmt_new(struct sw *sw, struct attach *a)
{
	struct mgmt *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->sw = sw;
	m->attach = a;
	m->l.fd = -1;
	LIST_INIT(&m->clients);
	mgmt_admins(m, geteuid(), (gid_t)-1);
	return m;
}

/*
 * Who may change the switch besides root: the user it runs as, and the
 * members of group unless it is -1.  Said by name in refusals.
 */
void
mgmt_admins(struct mgmt *m, uid_t runuid, gid_t group)
{
	struct passwd *pw;
	struct group *gr;
	char user[64], grp[64];

	m->runuid = runuid;
	m->admgid = group;
	if ((pw = getpwuid(runuid)) != NULL)
		snprintf(user, sizeof(user), "user %s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "uid %ld", (long)runuid);
	if (group != (gid_t)-1 && (gr = getgrgid(group)) != NULL)
		snprintf(grp, sizeof(grp), "group %s", gr->gr_name);
	else
		snprintf(grp, sizeof(grp), "gid %ld", (long)group);
	if (runuid == 0 && group == (gid_t)-1)
		snprintf(m->admins, sizeof(m->admins), "root");
	else if (runuid == 0)
		snprintf(m->admins, sizeof(m->admins), "root or %s", grp);
	else if (group == (gid_t)-1)
		snprintf(m->admins, sizeof(m->admins), "root or %s", user);
	else
		snprintf(m->admins, sizeof(m->admins), "root, %s or %s", user,
		    grp);
}

/*
 * What a client of uid, gid and supplementary groups may do, if it can
 * connect at all: the socket's owner, group and mode decide that.
 */
enum mgmt_level
mgmt_level(const struct mgmt *m, uid_t uid, gid_t gid, const gid_t *groups,
    int ngroups)
{
	int i;

	if (uid == 0 || uid == m->runuid)
		return MGMT_CHANGE;
	if (m->admgid == (gid_t)-1)
		return MGMT_LOOK;
	if (gid == m->admgid)
		return MGMT_CHANGE;
	for (i = 0; i < ngroups; i++)
		if (groups[i] == m->admgid)
			return MGMT_CHANGE;
	return MGMT_LOOK;
}

/*
 * The socket at path, a name in the directory dirfd, with mode, owned
 * by owner and group where they are not -1.  A switch that answers
 * there keeps its socket, and this one is not made; only the socket of
 * one that died is taken over (sockdir_clear()).
 */
int
mgmt_listen(struct mgmt *m, int dirfd, const char *path, mode_t mode,
    uid_t owner, gid_t group, char *err, size_t len)
{
	char why[256];
	int fd;

	if (strlen(path) >= sizeof(m->path))
		return util_err(err, len, "management socket %s: path too "
		    "long", path);
	if (sockdir_clear(dirfd, path, why, sizeof(why)) == -1)
		return util_err(err, len, "management socket: %s", why);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return util_err(err, len, "management socket %s: %s", path,
		    strerror(errno));
	if (sockdir_bind(dirfd, fd, path, mode, owner, group, why,
	    sizeof(why)) == -1) {
		close(fd);
		return util_err(err, len, "management socket: %s", why);
	}
	if (listen(fd, 128) == -1) {
		util_err(err, len, "management socket %s: listen: %s", path,
		    strerror(errno));
		close(fd);
		(void)unlinkat(dirfd, sockdir_name(path), 0);
		return -1;
	}
	snprintf(m->path, sizeof(m->path), "%s", path);
	listener_init(&m->l, m->sw->loop, fd, MGMT_RESERVE, "management",
	    mgmt_accept_cb);
	ev_set_priority(&m->l.io, EV_MINPRI);
	return 0;
}

void
mgmt_start(struct mgmt *m)
{
	listener_start(&m->l);
}

void
mgmt_free(struct mgmt *m)
{
	if (m == NULL)
		return;
	while (!LIST_EMPTY(&m->clients))
		mgmt_client_free(LIST_FIRST(&m->clients));
	snoop_free(m->newsnoop);
	if (m->l.fd != -1) {
		listener_close(&m->l);
		if (unlink(m->path) == -1 && errno != ENOENT)
			log_warn("unlink %s", m->path);
	}
	free(m);
}
