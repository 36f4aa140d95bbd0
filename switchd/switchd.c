/*
 * switchd: a virtual Ethernet switch.  QEMU and libvdeplug programs attach
 * through DIR/ctl; taps made at start are ports too.  Root is needed only
 * to make taps, and is given up before the first frame is read.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "conf.h"
#include "mgmt.h"
#include "port.h"
#include "priv.h"
#include "switchd.h"
#include "tap.h"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

#define SWITCHD_DIR_ROOT	"/run/switchd"

struct options {
	const char	*dir;
	const char	*conffile;
	const char	*user;
	const char	*group;
	const char	*pidfile;
	const char	*mgmtpath;
	const char	*mgmtgroup;
	const char	*taps[SWITCHD_TAPS_MAX];
	int		 ntaps;
	int		 daemonize;
	int		 verbose;
	long		 mode;
	/* settings given as options, applied after the file, as lines */
	char		*settings[8];
	int		 nsettings;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: switchd [-dVvx] [-a seconds] [-f file] [-G group] "
	    "[-g group] [-M macs]\n"
	    "               [-m mode] [-n ports] [-p pidfile] [-q frames] "
	    "[-S path] [-s dir]\n"
	    "               [-t ifname] [-u user]\n");
	exit(1);
}

uint32_t
switchd_now(struct switchd *sd)
{
	struct timespec ts;

	(void)sd;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

int
switchd_resize(struct switchd *sd, uint32_t nports)
{
	struct fwd *w;
	struct port **ports;
	struct portcfg *cfg;
	uint32_t i;

	w = fwd_new(nports, sd->fwd ? sd->fwd->fdb->limit : FDB_LIMIT_DEFAULT,
	    sd->fwd ? sd->fwd->fdb->aging : FDB_AGING_DEFAULT);
	ports = calloc(nports, sizeof(*ports));
	cfg = calloc(nports, sizeof(*cfg));
	if (w == NULL || ports == NULL || cfg == NULL) {
		fwd_free(w);
		free(ports);
		free(cfg);
		return -1;
	}
	for (i = 0; i < nports; i++) {
		cfg[i].uid = (uid_t)-1;
		cfg[i].gid = (gid_t)-1;
	}
	if (sd->fwd != NULL)
		w->hub = sd->fwd->hub;
	fwd_free(sd->fwd);
	free(sd->ports);
	free(sd->portcfg);
	sd->fwd = w;
	sd->ports = ports;
	sd->portcfg = cfg;
	sd->nports = nports;
	return 0;
}

static void
switchd_age_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct switchd *sd = container_of(w, struct switchd, age_w);
	uint32_t n;

	(void)loop;
	(void)revents;
	if ((n = fdb_age(sd->fwd->fdb, switchd_now(sd))) > 0)
		log_debug("aging: %u MAC entries expired", n);
}

/* One timer, a tenth of the aging time apart, and none for "never". */
void
switchd_aging_timer(struct switchd *sd)
{
	uint32_t aging = sd->fwd->fdb->aging;
	double every = aging / 10.0;

	if (sd->loop == NULL)
		return;
	ev_timer_stop(sd->loop, &sd->age_w);
	if (aging == 0)
		return;
	every = every < 1 ? 1 : every > 30 ? 30 : every;
	ev_timer_set(&sd->age_w, every, every);
	ev_timer_start(sd->loop, &sd->age_w);
}

static int
switchd_configure(struct switchd *sd)
{
	char err[256], line[CONF_LINE_MAX];
	int i, bad = 0;

	if (sd->conffile != NULL && conf_load(sd, sd->conffile) == -1)
		bad = 1;
	for (i = 0; i < sd->nsettings; i++) {
		snprintf(line, sizeof(line), "%s", sd->settings[i]);
		if (conf_exec(sd, line, err, sizeof(err)) == -1) {
			log_warnx("%s", err);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * Back to the defaults, then the file and the options again: what was
 * changed at run time and is not in the file is undone.
 */
int
switchd_reload(struct switchd *sd)
{
	struct vlan_port *old;
	uint32_t i, n = sd->nports;
	int rc = 0;

	if (sd->conffile == NULL) {
		log_info("reload: no configuration file (-f)");
		return 0;
	}
	log_info("reloading %s", sd->conffile);
	if ((old = calloc(sd->nports, sizeof(*old))) == NULL) {
		log_warn("reload");
		return -1;
	}
	for (i = 0; i < sd->nports; i++)
		old[i] = sd->fwd->ports[i].vlan;
	conf_reset(sd);
	if (switchd_configure(sd) == -1) {
		log_warnx("%s: the lines above were not applied", sd->conffile);
		rc = -1;
	}
	/*
	 * Stations stay learned on every port whose VLANs did not change.
	 * A "ports" line may have made a new, empty table: compare only
	 * the ports both have.
	 */
	for (i = 0; i < n && i < sd->nports; i++)
		if (memcmp(&old[i], &sd->fwd->ports[i].vlan, sizeof(*old)) != 0)
			fwd_port_reconf(sd->fwd, (uint16_t)i);
	free(old);
	return rc;
}

static void
switchd_stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("signal %d: shutting down", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
switchd_hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	(void)switchd_reload(container_of(w, struct switchd, sighup_w));
}

static void
switchd_default_dir(struct options *o)
{
	static char buf[PATH_MAX];
	const char *xdg;

	char cwd[PATH_MAX];

	/* Clients are told absolute paths, and daemon() moves to /. */
	if (o->dir != NULL && o->dir[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			fatal("getcwd");
		if (strlen(cwd) + strlen(o->dir) + 2 > sizeof(buf))
			fatalx("-s: path too long");
		strcpy(buf, cwd);
		strcat(buf, "/");
		strcat(buf, o->dir);
		o->dir = buf;
	}
	if (o->dir != NULL)
		return;
	if (geteuid() == 0)
		o->dir = SWITCHD_DIR_ROOT;
	else if ((xdg = getenv("XDG_RUNTIME_DIR")) != NULL && *xdg == '/') {
		snprintf(buf, sizeof(buf), "%s/switchd", xdg);
		o->dir = buf;
	} else {
		snprintf(buf, sizeof(buf), "/tmp/switchd-%ld", (long)getuid());
		o->dir = buf;
	}
}

static void
switchd_setting(struct options *o, const char *name, const char *val)
{
	char *s;

	if ((size_t)o->nsettings >= sizeof(o->settings) / sizeof(o->settings[0]))
		fatalx("too many options");
	if (asprintf(&s, "%s %s", name, val) == -1)
		fatal("asprintf");
	o->settings[o->nsettings++] = s;
}

static void
switchd_options(struct options *o, int argc, char *argv[])
{
	char *end;
	int ch;

	while ((ch = getopt(argc, argv, "a:df:G:g:M:m:n:p:q:S:s:t:u:Vvx")) != -1) {
		switch (ch) {
		case 'a':
			switchd_setting(o, "aging", optarg);
			break;
		case 'd':
			o->daemonize = 1;
			break;
		case 'f':
			/* Reloads happen after daemon() has moved to /. */
			if ((o->conffile = realpath(optarg, NULL)) == NULL)
				fatal("-f %s", optarg);
			break;
		case 'G':
			o->mgmtgroup = optarg;
			break;
		case 'g':
			o->group = optarg;
			break;
		case 'M':
			switchd_setting(o, "maclimit", optarg);
			break;
		case 'm':
			errno = 0;
			o->mode = strtol(optarg, &end, 8);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    o->mode < 0 || o->mode > 0777)
				fatalx("-m: '%s' is not an octal mode like "
				    "660", optarg);
			break;
		case 'n':
			switchd_setting(o, "ports", optarg);
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'q':
			switchd_setting(o, "queue", optarg);
			break;
		case 'S':
			o->mgmtpath = optarg;
			break;
		case 's':
			o->dir = optarg;
			break;
		case 't':
			if (o->ntaps == SWITCHD_TAPS_MAX)
				fatalx("-t: at most %d taps", SWITCHD_TAPS_MAX);
			o->taps[o->ntaps++] = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'V':
			printf("switchd %s\n", VERSION);
			exit(0);
		case 'v':
			o->verbose++;
			break;
		case 'x':
			switchd_setting(o, "hub", "on");
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* Who runs the switch and who may attach, decided while still root. */
static void
switchd_identity(struct switchd *sd, struct options *o)
{
	sd->runuid = geteuid();
	sd->rungid = getegid();
	sd->sockgid = (gid_t)-1;
	if (geteuid() == 0) {
		if (priv_lookup(o->user, o->group, &sd->runuid, &sd->rungid,
		    &sd->sockgid) == -1)
			exit(1);
	} else {
		if (o->user != NULL)
			fatalx("-u: only root can run the switch as another "
			    "user");
		if (o->group != NULL && priv_group(o->group, &sd->sockgid) == -1)
			fatalx("-g: no such group '%s'", o->group);
	}
	if (o->mode >= 0)
		sd->mode = (mode_t)o->mode;
	else
		sd->mode = o->group != NULL ? 0660 : 0600;
}

static void
switchd_taps(struct switchd *sd, struct options *o)
{
	char err[256];
	struct port *p;
	int i, fd, num, offload;

	for (i = 0; i < o->ntaps; i++) {
		if ((fd = tap_open(o->taps[i], &offload, err, sizeof(err))) ==
		    -1)
			fatalx("%s", err);
		if ((num = port_pick(sd, -1)) == -1 ||
		    (p = port_new(sd, (uint16_t)num, PORT_TAP, fd)) == NULL)
			fatalx("tap %s: no free port", o->taps[i]);
		p->vnet = 1;
		p->offload = offload;
		sd->fwd->ports[num].maxlen = PORT_VNET_MAX;
		if (!offload)
			log_warnx("tap %s: the kernel refused checksum and "
			    "segmentation offloads; frames cross one by one",
			    o->taps[i]);
		snprintf(p->ifname, sizeof(p->ifname), "%s", o->taps[i]);
		snprintf(p->descr, sizeof(p->descr), "tap %s", o->taps[i]);
	}
}

/* DIR/mgmt unless -S: the run user's only, or -G's group's too. */
static void
switchd_mgmt(struct switchd *sd, struct options *o)
{
	char path[sizeof(sd->mgmtpath)];
	gid_t gid = (gid_t)-1;

	if (o->mgmtgroup != NULL && priv_group(o->mgmtgroup, &gid) == -1)
		fatalx("-G: no such group '%s'", o->mgmtgroup);
	if ((o->mgmtpath == NULL ? (size_t)snprintf(path, sizeof(path),
	    "%.*s/mgmt", (int)sizeof(path), sd->dir) : (size_t)snprintf(path,
	    sizeof(path), "%s", o->mgmtpath)) >= sizeof(path))
		fatalx("management socket: path too long");
	if (mgmt_listen(sd, path, gid != (gid_t)-1 ? 0660 : 0600, gid) == -1)
		exit(1);
	if (geteuid() == 0 && chown(sd->mgmtpath, sd->runuid,
	    gid != (gid_t)-1 ? gid : sd->rungid) == -1)
		fatal("chown %s", sd->mgmtpath);
}

static void
switchd_pidfile(const char *path)
{
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL)
		fatal("pidfile %s", path);
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) == EOF)
		fatal("pidfile %s", path);
}

static void
switchd_shutdown(struct switchd *sd, struct options *o)
{
	uint32_t i;

	for (i = 0; i < sd->nports; i++)
		if (sd->ports[i] != NULL)
			port_free(sd->ports[i]);
	attach_close(sd);
	if (o->pidfile != NULL)
		(void)unlink(o->pidfile);
	fwd_free(sd->fwd);
	free(sd->ports);
	free(sd->portcfg);
	mgmt_close(sd);
	free((char *)o->conffile);
	for (i = 0; i < (uint32_t)o->nsettings; i++)
		free(o->settings[i]);
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct switchd sd;
	uint32_t i;

	/* Whatever the parent left open is not ours to keep. */
	closefrom(STDERR_FILENO + 1);
	memset(&o, 0, sizeof(o));
	memset(&sd, 0, sizeof(sd));
	o.mode = -1;
	sd.ctlfd = -1;
	sd.mgmtfd = -1;
	LIST_INIT(&sd.mclients);
	sd.qlen = SWITCHD_QLEN_DEFAULT;
	LIST_INIT(&sd.pendings);
	switchd_options(&o, argc, argv);
	/* Start-up errors go to the terminal, even with -d. */
	log_init("switchd", 1, o.verbose);
	switchd_default_dir(&o);
	snprintf(sd.dir, sizeof(sd.dir), "%s", o.dir);
	switchd_identity(&sd, &o);

	if ((sd.loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		fatalx("cannot start the event loop");
	ev_timer_init(&sd.age_w, switchd_age_cb, 1.0, 1.0);
	if (switchd_resize(&sd, FWD_PORTS_DEFAULT) == -1)
		fatalx("out of memory");
	sd.conffile = o.conffile;
	sd.settings = o.settings;
	sd.nsettings = o.nsettings;
	if (switchd_configure(&sd) == -1)
		fatalx("configuration errors, not starting");
	switchd_aging_timer(&sd);

	/* The privileged part: directory, control socket, taps. */
	if (attach_listen(&sd) == -1)
		exit(1);
	if (geteuid() == 0 && (chown(sd.dir, sd.runuid, sd.sockgid !=
	    (gid_t)-1 ? sd.sockgid : sd.rungid) == -1 || chown(sd.ctlpath,
	    sd.runuid, sd.sockgid != (gid_t)-1 ? sd.sockgid : sd.rungid) == -1))
		fatal("chown %s", sd.dir);
	switchd_mgmt(&sd, &o);
	switchd_taps(&sd, &o);
	if (o.daemonize) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("switchd", 0, o.verbose);
	}
	if (o.pidfile != NULL)
		switchd_pidfile(o.pidfile);
	if (priv_drop(sd.runuid, sd.rungid) == -1)
		exit(1);
	if (access(sd.dir, W_OK | X_OK) == -1)
		fatal("socket directory %s: the user switchd runs as (uid %ld) "
		    "cannot create sockets there; check its parent directories",
		    sd.dir, (long)sd.runuid);

	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&sd.sigint_w, switchd_stop_cb, SIGINT);
	ev_signal_init(&sd.sigterm_w, switchd_stop_cb, SIGTERM);
	ev_signal_init(&sd.sighup_w, switchd_hup_cb, SIGHUP);
	ev_signal_start(sd.loop, &sd.sigint_w);
	ev_signal_start(sd.loop, &sd.sigterm_w);
	ev_signal_start(sd.loop, &sd.sighup_w);
	for (i = 0; i < sd.nports; i++)
		if (sd.ports[i] != NULL)
			port_start(sd.ports[i]);
	attach_start(&sd);
	mgmt_start(&sd);
	sd.started = ev_now(sd.loop);
	log_info("switch %s ready, %u ports; attach a VM with: "
	    "qemu-system-x86_64 -netdev vde,id=net0,sock=%s "
	    "-device virtio-net-pci,netdev=net0", sd.dir, sd.nports - 1,
	    sd.dir);
	ev_run(sd.loop, 0);

	switchd_shutdown(&sd, &o);
	ev_loop_destroy(sd.loop);
	return 0;
}
