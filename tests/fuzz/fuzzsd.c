/* SPDX-License-Identifier: ISC */
/*
 * What the management and configuration harnesses share: a switch as
 * main() sets it up before the sockets, ports attached without a
 * client, a configuration file in memory, and a quiet log.
 */
#include <sys/mman.h>

#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzzsd.h"
#include "impair.h"
#include "port.h"

FILE *fuzzsd_err;

/*
 * The log writes to stdio's stderr, a plain variable in glibc: pointing
 * it at /dev/null silences the daemon's messages (thousands a second)
 * while libFuzzer and the sanitizers, which write to descriptor 2, are
 * still heard.  FUZZ_LOG=1 keeps the messages, to debug a finding.
 */
void
fuzzsd_quiet(void)
{
	FILE *null;

	if (fuzzsd_err != NULL)
		return;
	fuzzsd_err = stderr;
	if (getenv("FUZZ_LOG") != NULL)
		return;
	if ((null = fopen("/dev/null", "we")) == NULL)
		abort();
	stderr = null;
}

/*
 * As switchd -n NPORTS -a 600 -q 64 starts it, before the sockets.  The
 * loop is shared and never runs; the aging timer is in it only while
 * this switch lives.
 */
struct sw *
fuzzsd_new(uint32_t nports)
{
	static struct ev_loop *loop;
	static char ports[32];
	static char *settings[] = { ports, "aging 600", "queue 64" };
	char err[512];
	struct sw *sw;

	if (loop == NULL && (loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
		abort();
	snprintf(ports, sizeof(ports), "ports %u", nports);
	if ((sw = sw_new(loop, NULL, settings, 3, err, sizeof(err))) == NULL) {
		fprintf(fuzzsd_err, "sw_new: %s\n", err);
		abort();
	}
	return sw;
}

void
fuzzsd_free(struct sw *sw)
{
	/*
	 * The table goes with the switch: an empty count spares port_free()
	 * a sweep of every slot per port.
	 */
	sw->fwd->fdb->count = 0;
	sw_free(sw);
}

/* A unix port as attach.c makes it, on a descriptor that goes nowhere. */
int
fuzzsd_attach(struct sw *sw, uint16_t num, const char *descr)
{
	struct port *p;
	int fd;

	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		abort();
	if ((p = port_new(sw, num, PORT_UNIX, fd)) == NULL) {
		close(fd);
		return -1;
	}
	p->uid = getuid();
	p->gid = getgid();
	p->pid = 4242;
	snprintf(p->descr, sizeof(p->descr), "%s", descr);
	return 0;
}

/*
 * The tables are what the configuration says, and agree with each
 * other, whatever was applied or refused.
 */
void
fuzzsd_check(const struct sw *sw)
{
	const struct conf *c = sw->conf;
	const struct fwd *w = sw->fwd;
	uint32_t i, used = 0;
	int d;

	assert(c->nports >= 2 && c->nports <= FWD_PORTS_MAX);
	assert(w->nports == c->nports && w->fdb->nports == c->nports);
	assert(w->fdb->count <= w->fdb->limit);
	assert(w->fdb->limit == c->maclimit);
	assert(c->maclimit >= 1 && c->maclimit <= FDB_LIMIT_MAX);
	assert(w->fdb->aging == c->aging && c->aging <= CONF_AGING_MAX);
	assert(w->portmaclimit == c->portmaclimit &&
	    c->portmaclimit <= FDB_LIMIT_MAX);
	assert(c->qlen >= 1 && c->qlen <= CONF_QLEN_MAX);
	assert(w->hub == c->hub && (c->hub == 0 || c->hub == 1));
	assert(c->storm <= FWD_STORM_MAX);
	assert(!!ev_is_active(&sw->age_w) == (c->aging != 0));
	for (i = 0; i < c->nports; i++) {
		const struct vlan_port *vp = &w->ports[i].vlan;

		assert(vlan_port_equal(vp, &c->port[i].vlan));
		assert(w->ports[i].maclimit == c->port[i].maclimit);
		assert(w->ports[i].isolated == c->port[i].isolated);
		/* A port's own limit, or else the switch's. */
		assert(fwd_maclimit(w, (uint16_t)i) == (c->port[i].maclimit ?
		    c->port[i].maclimit : c->portmaclimit));
		assert(w->ports[i].storm == conf_storm(c, i));
		assert(c->port[i].storm <= FWD_STORM_MAX ||
		    c->port[i].storm == CONF_STORM_SWITCH);
		assert(w->ports[i].storm_tokens <=
		    (uint64_t)w->ports[i].storm * 1000);
		/* Mirroring as configured: no mirror port is a source. */
		assert(w->ports[i].mirror_to == c->port[i].mirror_to &&
		    w->ports[i].mirror == c->port[i].mirror);
		assert(c->port[i].mirror_to < c->nports);
		if (c->port[i].mirror_to != 0)
			assert(c->port[i].mirror == 0 &&
			    c->port[c->port[i].mirror_to].mirror != 0);
		/* An impaired direction runs while set, or while it holds. */
		for (d = 0; sw->ports[i] != NULL && d < 2; d++)
			assert(shape_on(&c->port[i].shape[d]) ?
			    sw->ports[i]->imp[d] != NULL :
			    sw->ports[i]->imp[d] == NULL ||
			    sw->ports[i]->imp[d]->count > 0);
		assert((sw->ports[i] != NULL) == (w->ports[i].in_use != 0));
		if (sw->ports[i] != NULL) {
			assert(sw->ports[i]->num == i);
			assert(sw->ports[i]->qlen == c->qlen);
			used++;
		}
		assert(vp->pvid <= VLAN_MAX);
		if (!vp->trunk)
			assert(vp->pvid >= VLAN_MIN);
		assert(c->port[i].maclimit <= FDB_LIMIT_MAX);
	}
	assert(used == w->nactive);
	assert(c->nmacs <= c->maclimit && c->nmacs <= CONF_MACS_MAX);
	for (i = 0; i < c->nmacs; i++)
		assert(fdb_static_port(w->fdb, c->macs[i].mac,
		    c->macs[i].vid) == c->macs[i].port);
}

/* The running configuration as switchctl config shows it. */
char *
fuzzsd_dump(const struct sw *sw)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &n)) == NULL)
		abort();
	conf_dump(sw->conf, f);
	if (fclose(f) != 0 || buf == NULL)
		abort();
	return buf;
}

/* Rewritten in place for each input: one descriptor for the whole run. */
void
fuzzsd_file_set(struct fuzzsd_file *f, const void *data, size_t len)
{
	if (f->fd == -1) {
		if ((f->fd = memfd_create("switchd-fuzz.conf",
		    MFD_CLOEXEC)) == -1)
			abort();
		snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	}
	if (ftruncate(f->fd, 0) == -1 ||
	    (len > 0 && pwrite(f->fd, data, len, 0) != (ssize_t)len))
		abort();
}
