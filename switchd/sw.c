/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "log.h"
#include "port.h"
#include "sw.h"
#include "util.h"

/*
 * Attach and detach lines: a host's taps and machines that start at
 * once are logged whole, then one line in SW_ATTACH_LOG_EVERY seconds;
 * what is left out is counted, and said by the next line or, once
 * SW_ATTACH_LOG_QUIET seconds pass without one, by a line of its own.
 */
#define SW_ATTACH_LOG_BURST	20
#define SW_ATTACH_LOG_EVERY	0.5
#define SW_ATTACH_LOG_QUIET	1.0

static void	sw_attach_log_cb(struct ev_loop *, ev_timer *, int);
static struct stp *sw_stp_new(struct sw *, uint32_t nports);

uint32_t
sw_now(void)
{
	struct timespec ts;

	/* Seconds are all the MAC table needs: the coarse clock will do. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

/* Milliseconds for storm control; a vDSO call, read once a batch. */
uint64_t
sw_msec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Nanoseconds, for impaired links: the same clock as sw_msec(). */
uint64_t
sw_nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static void
sw_age_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sw *sw = container_of(w, struct sw, age_w);
	uint32_t n;

	(void)loop;
	(void)revents;
	if ((n = fdb_age(sw->fwd->fdb, sw_now())) > 0)
		log_debug("aging: %u MAC entries expired", n);
}

static void
sw_stp_send(void *arg, uint16_t port, const uint8_t *f, size_t len)
{
	struct sw *sw = arg;

	/* A mirror port sends nothing of the switch's own either. */
	if (port < sw->conf->nports && sw->ports[port] != NULL &&
	    sw->fwd->ports[port].mirror == 0)
		port_xmit(sw->ports[port], f, len);
}

static void
sw_stp_state(void *arg, uint16_t port, enum stp_state st)
{
	struct sw *sw = arg;

	fwd_port_stp(sw->fwd, port, st);
	if (port < sw->conf->nports && sw->ports[port] != NULL)
		log_info("%s: spanning tree: %s, %s", port_name(sw->ports[port]),
		    stp_role_str(sw->stp->ports[port].role),
		    stp_state_str(st));
}

static void
sw_stp_flush(void *arg, uint16_t port)
{
	struct sw *sw = arg;

	fdb_flush(sw->fwd->fdb, port, -1);
}

static void
sw_stp_guard(void *arg, uint16_t port)
{
	struct sw *sw = arg;

	if (port < sw->conf->nports && sw->ports[port] != NULL)
		port_guard(sw->ports[port]);
}

static struct stp *
sw_stp_new(struct sw *sw, uint32_t nports)
{
	struct stp_ops ops = {
		.send = sw_stp_send,
		.state = sw_stp_state,
		.flush = sw_stp_flush,
		.guard = sw_stp_guard,
		.arg = sw
	};

	return stp_new(nports, sw->mac, &ops);
}

static void
sw_stp_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sw *sw = container_of(w, struct sw, stp_w);

	(void)loop;
	(void)revents;
	stp_tick(sw->stp, sw_msec());
}

/*
 * A port joins spanning tree with what its kind suggests: a virtual
 * machine is an end station and forwards at once (it still takes part
 * if it ever sends a BPDU); a tap or a switchplug may lead to another
 * bridge, and forwards once it heard no BPDU for a few seconds.
 */
void
sw_stp_up(struct sw *sw, struct port *p)
{
	uint32_t cost = STP_COST_10G;
	enum stp_edge edge = STP_EDGE_ON;

	if (p->kind == PORT_TAP)
		edge = STP_EDGE_AUTO;
	else if (strncmp(p->descr, "switchplug", 10) == 0) {
		edge = STP_EDGE_AUTO;
		cost = STP_COST_1G;
	}
	stp_port_up(sw->stp, p->num, cost, edge, sw_msec());
}

/* One timer, a tenth of the aging time apart, and none for "never". */
static void
sw_aging_timer(struct sw *sw)
{
	double every = sw->conf->aging / 10.0;

	ev_timer_stop(sw->loop, &sw->age_w);
	if (sw->conf->aging == 0)
		return;
	every = every < 1 ? 1 : every > 30 ? 30 : every;
	ev_timer_set(&sw->age_w, every, every);
	ev_timer_start(sw->loop, &sw->age_w);
}

struct sw *
sw_new(struct ev_loop *loop, const char *conffile, char * const *settings,
    int nsettings, char *err, size_t len)
{
	struct sw *sw;
	struct conf *c;

	if ((sw = calloc(1, sizeof(*sw))) == NULL) {
		util_err(err, len, "out of memory");
		return NULL;
	}
	sw->loop = loop;
	sw->conffile = conffile;
	sw->settings = settings;
	sw->nsettings = nsettings;
	sw->started = ev_now(loop);
	LIST_INIT(&sw->snoops);
	ev_init(&sw->age_w, sw_age_cb);
	ev_init(&sw->stp_w, sw_stp_cb);
	/* A locally administered address of the bridge's own. */
	randombytes_buf(sw->mac, sizeof(sw->mac));
	sw->mac[0] = (uint8_t)((sw->mac[0] & 0xfc) | 0x02);
	ev_init(&sw->attach_log_w, sw_attach_log_cb);
	sw->attach_log_w.repeat = SW_ATTACH_LOG_QUIET;
	/* The defaults run first, so that the first apply is a difference. */
	if ((sw->conf = conf_new(FWD_PORTS_DEFAULT)) == NULL ||
	    (sw->fwd = fwd_new(sw->conf->nports, sw->conf->maclimit,
	    sw->conf->aging)) == NULL ||
	    (sw->stp = sw_stp_new(sw, sw->conf->nports)) == NULL ||
	    (sw->ports = calloc(sw->conf->nports, sizeof(*sw->ports))) ==
	    NULL) {
		util_err(err, len, "out of memory");
		sw_free(sw);
		return NULL;
	}
	if (sw_configure(sw, &c, err, len) == -1) {
		sw_free(sw);
		return NULL;
	}
	if (sw_apply(sw, c, err, len) == -1) {
		conf_free(c);
		sw_free(sw);
		return NULL;
	}
	return sw;
}

void
sw_free(struct sw *sw)
{
	uint32_t i;

	if (sw == NULL)
		return;
	ev_timer_stop(sw->loop, &sw->age_w);
	ev_timer_stop(sw->loop, &sw->stp_w);
	ev_timer_stop(sw->loop, &sw->attach_log_w);
	/* No new roles, BPDUs or log lines as the ports go one by one. */
	if (sw->stp != NULL)
		sw->stp->on = 0;
	snoop_free_all(sw);
	for (i = 0; sw->ports != NULL && i < sw->conf->nports; i++)
		if (sw->ports[i] != NULL)
			port_free(sw->ports[i]);
	free(sw->ports);
	fwd_free(sw->fwd);
	stp_free(sw->stp);
	conf_free(sw->conf);
	free(sw);
}

/*
 * A new configuration from the defaults, the file and the command-line
 * settings, in that order: what was changed at run time and is in
 * neither is undone.
 */
int
sw_configure(const struct sw *sw, struct conf **out, char *err, size_t len)
{
	char line[CONF_LINE_MAX];
	struct conf *c;
	int i;

	if ((c = conf_new(FWD_PORTS_DEFAULT)) == NULL)
		return util_err(err, len, "out of memory");
	if (sw->conffile != NULL && conf_load(c, sw->conffile, err,
	    len) == -1) {
		conf_free(c);
		return -1;
	}
	for (i = 0; i < sw->nsettings; i++) {
		snprintf(line, sizeof(line), "%s", sw->settings[i]);
		if (conf_set(c, line, err, len) == -1) {
			conf_free(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

uint32_t
sw_nattached(const struct sw *sw)
{
	uint32_t i, n = 0;

	for (i = 0; i < sw->conf->nports; i++)
		n += sw->ports[i] != NULL;
	return n;
}

void
sw_log_attach(struct sw *sw, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if ((n = log_ratelim_burst(&sw->attach_rl, ev_now(sw->loop),
	    SW_ATTACH_LOG_EVERY, SW_ATTACH_LOG_BURST)) == 0) {
		sw->attach_unlogged++;
		ev_timer_again(sw->loop, &sw->attach_log_w);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 1)
		log_info("%s (%d attach and detach lines not logged)", msg,
		    n - 1);
	else
		log_info("%s", msg);
}

static void
sw_attach_log_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sw *sw = container_of(w, struct sw, attach_log_w);

	(void)revents;
	ev_timer_stop(loop, w);
	if (sw->attach_rl.suppressed == 0)
		return;
	log_info("%u attach and detach lines not logged",
	    sw->attach_rl.suppressed);
	sw->attach_rl.suppressed = 0;
}

/*
 * A port's own socket is made at start, while switchd may still give it
 * to its user: once made, it and its owner change only with a restart.
 */
static int
sw_socks_same(const struct sw *sw, const struct conf *nc, char *err,
    size_t len)
{
	const struct conf *oc = sw->conf;
	const struct conf_port *o, *n;
	static const struct conf_port none;
	uint32_t i, max = oc->nports > nc->nports ? oc->nports : nc->nports;

	if (sw->netdev == NULL)
		return 0;
	for (i = 1; i < max; i++) {
		o = i < oc->nports ? &oc->port[i] : &none;
		n = i < nc->nports ? &nc->port[i] : &none;
		if (o->sock == CONF_SOCK_NONE && n->sock == CONF_SOCK_NONE)
			continue;
		if (o->sock != n->sock || strcmp(o->sockpath,
		    n->sockpath) != 0 || o->uid != n->uid || o->gid != n->gid)
			return util_err(err, len, "port %u: its own socket, and "
			    "who it belongs to, change only with a restart", i);
	}
	return 0;
}

/* What a configuration must be whole, whatever the switch runs now. */
static int
sw_whole(const struct conf *nc, char *err, size_t len)
{
	if (nc->nmacs > nc->maclimit)
		return util_err(err, len, "mac: %u static addresses, more than "
		    "the table holds (maclimit %u)", nc->nmacs, nc->maclimit);
	if (port_sndbuf(nc) == 0)
		return util_err(err, len, "memory: %llu bytes are too little "
		    "for %u ports", (unsigned long long)nc->memory, nc->nports);
	return 0;
}

/* What needs memory is made first: past it, nothing can fail. */
static int
sw_prepare(struct sw *sw, const struct conf *nc, struct fwd **w,
    struct port ***ports, struct stp **stp, char *err, size_t len)
{
	const struct conf *oc = sw->conf;

	*w = NULL;
	*ports = NULL;
	*stp = NULL;
	if (nc->nports != oc->nports && sw_nattached(sw) > 0)
		return util_err(err, len, "ports: the number of ports changes "
		    "only with a restart");
	if (nc->qlen != oc->qlen && sw_nattached(sw) > 0)
		return util_err(err, len, "queue: the queue length changes "
		    "only with a restart");
	if (sw_socks_same(sw, nc, err, len) == -1)
		return -1;
	if (sw_whole(nc, err, len) == -1)
		return -1;
	if (nc->nports != oc->nports) {
		*w = fwd_new(nc->nports, nc->maclimit, nc->aging);
		*ports = calloc(nc->nports, sizeof(**ports));
		*stp = sw_stp_new(sw, nc->nports);
		if (*w == NULL || *ports == NULL || *stp == NULL) {
			fwd_free(*w);
			free(*ports);
			stp_free(*stp);
			return util_err(err, len, "ports: out of memory");
		}
	} else if (nc->maclimit != oc->maclimit &&
	    fdb_setlimit(sw->fwd->fdb, nc->maclimit) == -1)
		return util_err(err, len, "maclimit: out of memory");
	return 0;
}

/*
 * The static addresses of nc replace those that run (fresh: in a new,
 * empty table).  There is room: nc has no more than its table holds,
 * and a learned entry gives way to a static one.
 */
static void
sw_statics(struct sw *sw, const struct conf *nc, int fresh)
{
	const struct conf_mac *m;
	uint32_t i;

	for (i = 0; !fresh && i < sw->conf->nmacs; i++) {
		m = &sw->conf->macs[i];
		if (conf_mac_find(nc, m->mac, m->vid) == NULL)
			fdb_static_clear(sw->fwd->fdb, m->mac, m->vid);
	}
	for (i = 0; i < nc->nmacs; i++) {
		m = &nc->macs[i];
		if (fdb_static_set(sw->fwd->fdb, m->mac, m->vid, m->port) == -1)
			fatalx("static address on port %u: no room in the "
			    "table", m->port);
	}
}

/*
 * Run nc instead of the configuration that runs now, and own it; on
 * failure nothing changed and nc is still the caller's.  Stations stay
 * learned on every port whose VLANs did not change.
 */
int
sw_apply(struct sw *sw, struct conf *nc, char *err, size_t len)
{
	struct port **ports;
	struct fwd *w;
	struct stp *stp;
	uint32_t i;
	int aging;

	if (sw_prepare(sw, nc, &w, &ports, &stp, err, len) == -1)
		return -1;
	if (w != NULL) {
		fwd_free(sw->fwd);
		free(sw->ports);
		stp_free(sw->stp);
		sw->fwd = w;
		sw->ports = ports;
		sw->stp = stp;
	}
	aging = nc->aging != sw->conf->aging || w != NULL;
	sw->fwd->hub = nc->hub;
	fdb_setaging(sw->fwd->fdb, nc->aging);
	fwd_set_portmaclimit(sw->fwd, nc->portmaclimit);
	for (i = 0; i < nc->nports; i++) {
		fwd_port_set(sw->fwd, (uint16_t)i, &nc->port[i].vlan,
		    nc->port[i].maclimit);
		fwd_port_isolate(sw->fwd, (uint16_t)i, nc->port[i].isolated);
		fwd_port_storm(sw->fwd, (uint16_t)i, conf_storm(nc, i));
		fwd_port_mirror(sw->fwd, (uint16_t)i, nc->port[i].mirror_to,
		    nc->port[i].mirror);
		stp_port_set(sw->stp, (uint16_t)i, nc->port[i].stp_cost,
		    (enum stp_edge)nc->port[i].stp_edge, nc->port[i].bpduguard);
	}
	stp_set(sw->stp, nc->stp, nc->stp_priority, nc->stp_fwddelay,
	    sw_msec());
	if (nc->stp && !ev_is_active(&sw->stp_w)) {
		ev_timer_set(&sw->stp_w, 0.1, 0.1);
		ev_timer_start(sw->loop, &sw->stp_w);
	} else if (!nc->stp)
		ev_timer_stop(sw->loop, &sw->stp_w);
	sw_statics(sw, nc, w != NULL);
	conf_free(sw->conf);
	sw->conf = nc;
	for (i = 0; i < nc->nports; i++)
		if (sw->ports[i] != NULL)
			port_reconf(sw->ports[i]);
	if (aging || !ev_is_active(&sw->age_w))
		sw_aging_timer(sw);
	return 0;
}

/* The file again (SIGHUP, switchctl reload): all of it, or nothing. */
int
sw_reload(struct sw *sw, char *err, size_t len)
{
	struct conf *c;

	if (sw->conffile == NULL)
		return util_err(err, len, "no configuration file: switchd "
		    "was started without -f");
	if (sw_configure(sw, &c, err, len) == -1)
		return -1;
	if (sw_apply(sw, c, err, len) == -1) {
		conf_free(c);
		return -1;
	}
	return 0;
}

/*
 * What sw_reload() would read, the file and then the settings, checked
 * as it would check them, by a switch that does not run (switchd -c).
 * What depends on the running switch, such as a new number of ports
 * while clients are attached, is left for the reload to find.
 */
int
sw_check(const char *conffile, char * const *settings, int nsettings,
    char *err, size_t len)
{
	struct sw sw;
	struct conf *c;
	int r;

	memset(&sw, 0, sizeof(sw));
	sw.conffile = conffile;
	sw.settings = settings;
	sw.nsettings = nsettings;
	if (sw_configure(&sw, &c, err, len) == -1)
		return -1;
	r = sw_whole(c, err, len);
	conf_free(c);
	return r;
}

/* One setting, as switchctl sends it, on top of what runs. */
int
sw_set(struct sw *sw, const char *line, char *err, size_t len)
{
	char copy[CONF_LINE_MAX + 1];
	struct conf *c;

	if (strlen(line) >= sizeof(copy))
		return util_err(err, len, "line longer than %d characters",
		    CONF_LINE_MAX);
	snprintf(copy, sizeof(copy), "%s", line);
	if ((c = conf_dup(sw->conf)) == NULL)
		return util_err(err, len, "out of memory");
	if (conf_set(c, copy, err, len) == -1 ||
	    sw_apply(sw, c, err, len) == -1) {
		conf_free(c);
		return -1;
	}
	return 0;
}
