/*
 * What the management and configuration harnesses share: a switch as
 * main() sets it up before the sockets, ports attached without a
 * client, a configuration file in memory, and a quiet log.
 */
#include <sys/mman.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzzsd.h"
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

static char *fuzzsd_settings[] = { "aging 600", "queue 64" };

/*
 * As main() leaves it before the configuration is read, with nports
 * ports (FWD_PORTS_DEFAULT as in switchd, or fewer like switchd -n), and
 * two settings as if given as options.  The loop is shared and never
 * runs; the aging timer is in it only while this switch lives.
 */
void
fuzzsd_init(struct switchd *sd, const char *conffile, uint32_t nports)
{
	static struct ev_loop *loop;

	if (loop == NULL && (loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
		abort();
	memset(sd, 0, sizeof(*sd));
	sd->loop = loop;
	sd->ctlfd = -1;
	sd->mgmtfd = -1;
	LIST_INIT(&sd->mclients);
	LIST_INIT(&sd->pendings);
	sd->qlen = SWITCHD_QLEN_DEFAULT;
	sd->runuid = getuid();
	sd->rungid = getgid();
	sd->sockgid = (gid_t)-1;
	sd->mode = 0600;
	snprintf(sd->dir, sizeof(sd->dir), "/nonexistent/switchd-fuzz");
	snprintf(sd->ctlpath, sizeof(sd->ctlpath), "%s/ctl", sd->dir);
	snprintf(sd->mgmtpath, sizeof(sd->mgmtpath), "%s/mgmt", sd->dir);
	ev_init(&sd->age_w, NULL);
	if (switchd_resize(sd, nports) == -1)
		abort();
	sd->conffile = conffile;
	sd->settings = fuzzsd_settings;
	sd->nsettings = (int)(sizeof(fuzzsd_settings) /
	    sizeof(fuzzsd_settings[0]));
	sd->started = ev_now(sd->loop);
}

void
fuzzsd_free(struct switchd *sd)
{
	uint32_t i;

	ev_timer_stop(sd->loop, &sd->age_w);
	/*
	 * The table goes with the switch: an empty count spares port_free()
	 * a sweep of every slot per port.
	 */
	sd->fwd->fdb->count = 0;
	for (i = 0; i < sd->nports; i++)
		if (sd->ports[i] != NULL)
			port_free(sd->ports[i]);
	fwd_free(sd->fwd);
	free(sd->ports);
	free(sd->portcfg);
	sd->fwd = NULL;
	sd->ports = NULL;
	sd->portcfg = NULL;
}

/* A unix port as attach.c makes it, on a descriptor that goes nowhere. */
int
fuzzsd_attach(struct switchd *sd, uint16_t num, const char *descr)
{
	struct port *p;
	int fd;

	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		abort();
	if ((p = port_new(sd, num, PORT_UNIX, fd)) == NULL) {
		close(fd);
		return -1;
	}
	p->uid = getuid();
	p->gid = getgid();
	p->pid = 4242;
	snprintf(p->descr, sizeof(p->descr), "%s", descr);
	return 0;
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
