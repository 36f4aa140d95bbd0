/* SPDX-License-Identifier: ISC */
/*
 * switchd: a virtual Ethernet switch.  QEMU and libvdeplug programs attach
 * through DIR/ctl; taps made at start are ports too.  Root is needed only
 * to make taps, and is given up before the first frame is read.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "fwd.h"
#include "log.h"
#include "mgmt.h"
#include "netdev.h"
#include "port.h"
#include "priv.h"
#include "sockdir.h"
#include "sw.h"
#include "tap.h"
#include "util.h"

#define SWITCHD_TAPS_MAX	16

struct options {
	const char	*dir;
	const char	*conffile;
	const char	*user;
	const char	*group;
	const char	*pidfile;
	const char	*mgmtpath;
	const char	*mgmtgroup;
	const char	*admgroup;	/* may change the switch too */
	const char	*taps[SWITCHD_TAPS_MAX];
	int		 ntaps;
	int		 check;		/* -c: check the configuration, exit */
	int		 daemonize;
	int		 verbose;
	long		 mode;
	/* settings given as options, applied after the file, as lines */
	char		*settings[8 + SWITCHD_TAPS_MAX];
	int		 nsettings;

	/* Decided while still root. */
	uid_t		 runuid;	/* who the daemon runs as */
	gid_t		 rungid;
	gid_t		 sockgid;	/* (gid_t)-1: leave as is */
	mode_t		 sockmode;
	int		 pidfd;		/* locked for the daemon's life */
};

/* What main() runs, for the signal handlers. */
struct switchd {
	struct sw	*sw;
	struct attach	*attach;
	struct mgmt	*mgmt;
	ev_signal	 sigint_w, sigterm_w, sighup_w;
};

/* On stderr with status 1; with -h, on stdout with status 0. */
static void
usage(int help)
{
	fprintf(help ? stdout : stderr,
	    "usage: switchd [-cdhVvx] [-A group] [-a seconds] [-b memory] "
	    "[-f file]\n"
	    "               [-G group] [-g group] [-M macs] [-m mode] "
	    "[-n ports]\n"
	    "               [-p pidfile] [-q frames] [-S path] [-s dir] "
	    "[-t ifname] [-u user]\n");
	exit(help ? 0 : 1);
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
	struct switchd *sd = container_of(w, struct switchd, sighup_w);
	char err[512];

	(void)loop;
	(void)revents;
	if (sd->sw->conffile == NULL) {
		log_info("reload: no configuration file (-f)");
		return;
	}
	log_info("reloading %s", sd->sw->conffile);
	if (sw_reload(sd->sw, err, sizeof(err)) == -1)
		log_warnx("reload: %s; nothing was changed", err);
}

/* Clients are told absolute paths, and daemon() moves to /. */
static const char *
switchd_abspath(const char *opt, const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (path == NULL || path[0] == '/')
		return path;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal("getcwd");
	if ((size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
		fatalx("%s: path too long", opt);
	return buf;
}

static void
switchd_paths(struct options *o)
{
	static char dir[PATH_MAX], mgmt[PATH_MAX], pid[PATH_MAX];

	if (o->dir == NULL) {
		if (util_sockdir(dir, sizeof(dir)) == -1)
			fatalx("socket directory: path too long");
		o->dir = dir;
	} else
		o->dir = switchd_abspath("-s", o->dir, dir, sizeof(dir));
	o->mgmtpath = switchd_abspath("-S", o->mgmtpath, mgmt, sizeof(mgmt));
	o->pidfile = switchd_abspath("-p", o->pidfile, pid, sizeof(pid));
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
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv,
	    "A:a:b:cdf:G:g:hM:m:n:p:q:S:s:t:u:Vvx", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			o->admgroup = optarg;
			break;
		case 'a':
			switchd_setting(o, "aging", optarg);
			break;
		case 'b':
			switchd_setting(o, "memory", optarg);
			break;
		case 'c':
			o->check = 1;
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
		case 'h':
			usage(1);
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
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);
}

/* Whether this process may give its files to gid. */
static int
switchd_ingroup(gid_t gid)
{
	gid_t groups[NGROUPS_MAX];
	int i, n;

	if (getegid() == gid)
		return 1;
	if ((n = getgroups(NGROUPS_MAX, groups)) == -1)
		fatal("getgroups");
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/* Who runs the switch and who may attach, decided while still root. */
static void
switchd_identity(struct options *o)
{
	char err[256];

	o->runuid = geteuid();
	o->rungid = getegid();
	o->sockgid = (gid_t)-1;
	if (geteuid() == 0) {
		if (priv_lookup(o->user, o->group, &o->runuid, &o->rungid,
		    &o->sockgid, err, sizeof(err)) == -1)
			fatalx("%s", err);
	} else {
		if (o->user != NULL)
			fatalx("-u: only root can run the switch as another "
			    "user");
		if (o->group != NULL && priv_group(o->group, &o->sockgid) == -1)
			fatalx("-g: no such group '%s'", o->group);
		/* Checked before anything is made, not when chown fails. */
		if (o->group != NULL && !switchd_ingroup(o->sockgid))
			fatalx("-g %s: you are not in this group; only root "
			    "can give the sockets to a group of others",
			    o->group);
	}
	if (o->mode >= 0)
		o->sockmode = (mode_t)o->mode;
	else
		o->sockmode = o->group != NULL ? 0660 : 0600;
}

/*
 * -c: the file and the settings among the options, read and checked as
 * a reload would: root reads the file as the user the switch runs as.
 * Nothing else is done.
 */
static int
switchd_check(struct options *o)
{
	char err[512];

	if (geteuid() == 0) {
		switchd_identity(o);
		priv_drop(o->runuid, o->rungid);
		if (o->conffile != NULL && access(o->conffile, R_OK) == -1) {
			log_warn("%s: the user switchd runs as (uid %ld) "
			    "cannot read it, and so cannot reload it",
			    o->conffile, (long)o->runuid);
			return 1;
		}
	}
	if (sw_check(o->conffile, o->settings, o->nsettings, err,
	    sizeof(err)) == -1) {
		log_warnx("%s; the configuration is not valid", err);
		return 1;
	}
	if (o->conffile != NULL)
		log_info("%s: configuration OK", o->conffile);
	else
		log_info("configuration OK");
	return 0;
}

/*
 * The host behind a tap is the VMs' gateway: its address is pinned to the
 * tap's port, as a setting kept across reloads, so that no client can
 * take the host's traffic.  A trunk's host side has no one VLAN to pin it
 * in, and is left as it is.
 */
static void
switchd_pin_tap(struct sw *sw, struct options *o, const struct port *p)
{
	const struct vlan_port *vp = &sw->conf->port[p->num].vlan;
	char val[64], err[256];
	uint8_t m[6];

	if (vp->trunk)
		return;
	if (tap_hwaddr(p->fd, m) == -1) {
		log_warn("tap %s: cannot read its address to pin it", p->ifname);
		return;
	}
	snprintf(val, sizeof(val), "add %02x:%02x:%02x:%02x:%02x:%02x vlan %u "
	    "port %u", m[0], m[1], m[2], m[3], m[4], m[5], vp->pvid, p->num);
	switchd_setting(o, "mac", val);
	if (sw_set(sw, o->settings[o->nsettings - 1], err, sizeof(err)) == -1)
		fatalx("tap %s: %s", p->ifname, err);
	sw->nsettings = o->nsettings;
	log_info("tap %s: its address %s", p->ifname, val);
}

static void
switchd_taps(struct sw *sw, struct options *o)
{
	char err[256];
	struct port *p;
	int i, fd, num, offload;

	for (i = 0; i < o->ntaps; i++) {
		if ((fd = tap_open(o->taps[i], &offload, err, sizeof(err))) ==
		    -1)
			fatalx("%s", err);
		if ((num = port_pick(sw, -1)) == -1 ||
		    (p = port_new(sw, (uint16_t)num, PORT_TAP, fd)) == NULL)
			fatalx("tap %s: no free port", o->taps[i]);
		p->vnet = 1;
		p->offload = offload;
		sw->fwd->ports[num].maxlen = PORT_VNET_MAX;
		if (!offload)
			log_warnx("tap %s: the kernel refused checksum and "
			    "segmentation offloads; frames cross one by one",
			    o->taps[i]);
		snprintf(p->ifname, sizeof(p->ifname), "%s", o->taps[i]);
		snprintf(p->descr, sizeof(p->descr), "tap %s", o->taps[i]);
		switchd_pin_tap(sw, o, p);
	}
}

/*
 * DIR and DIR/ctl belong to the user the switch will run as (when root
 * starts it) and to -g's group.
 */
static struct attach *
switchd_attach(struct sw *sw, struct options *o)
{
	struct attach *a;
	char err[512];
	uid_t owner = (uid_t)-1;
	gid_t group = o->sockgid;

	if (geteuid() == 0) {
		owner = o->runuid;
		if (group == (gid_t)-1)
			group = o->rungid;
	}
	if ((a = attach_new(sw, o->dir, o->sockmode, o->runuid, owner, group,
	    err, sizeof(err))) == NULL)
		fatalx("%s", err);
	/* QEMU's stream and dgram sockets, beside DIR/ctl and like it. */
	if ((sw->netdev = netdev_new(sw, attach_dirfd(a), o->dir,
	    o->sockmode, owner, group, err, sizeof(err))) == NULL) {
		attach_free(a);
		fatalx("%s", err);
	}
	return a;
}

/*
 * DIR/mgmt unless -S: the run user's only, or -G's group's too, or
 * else -A's.  Anyone who can connect may look; root, the run user and
 * -A's group may change the switch.  -S goes in a directory of its own
 * choosing, looked at through a descriptor as DIR is.
 */
static struct mgmt *
switchd_mgmt(struct sw *sw, struct attach *a, struct options *o)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)], err[512];
	struct mgmt *m;
	uid_t owner = (uid_t)-1;
	gid_t gid = (gid_t)-1, admgid = (gid_t)-1;
	int dirfd, r;

	if (o->mgmtgroup != NULL && priv_group(o->mgmtgroup, &gid) == -1)
		fatalx("-G: no such group '%s'", o->mgmtgroup);
	if (o->admgroup != NULL && priv_group(o->admgroup, &admgid) == -1)
		fatalx("-A: no such group '%s'", o->admgroup);
	if (gid == (gid_t)-1)
		gid = admgid;
	if ((o->mgmtpath == NULL ? (size_t)snprintf(path, sizeof(path),
	    "%s/mgmt", o->dir) : (size_t)snprintf(path, sizeof(path), "%s",
	    o->mgmtpath)) >= sizeof(path))
		fatalx("management socket: path too long");
	if ((m = mgmt_new(sw, a)) == NULL)
		fatal("management");
	mgmt_admins(m, o->runuid, admgid);
	if (geteuid() == 0)
		owner = o->runuid;
	if (o->mgmtpath == NULL)
		dirfd = attach_dirfd(a);
	else if ((dirfd = sockdir_parent(path, err, sizeof(err))) == -1)
		fatalx("management socket: %s", err);
	r = mgmt_listen(m, dirfd, path, gid != (gid_t)-1 ? 0660 : 0600, owner,
	    gid != (gid_t)-1 ? gid : geteuid() == 0 ? o->rungid : (gid_t)-1,
	    err, sizeof(err));
	if (o->mgmtpath != NULL)
		close(dirfd);
	if (r == -1) {
		attach_free(a);
		fatalx("%s", err);
	}
	return m;
}

/*
 * The pidfile is taken before anything else is made, and kept locked
 * while the switch runs: a lock cannot go stale, whereas a pid may name
 * another process by now.  It is opened without following a link, and
 * only a plain file of the user who starts the switch is written: root
 * acts later on the pid it reads from there (rc.vdenetwork stop).
 */
static void
switchd_pidfile_lock(struct options *o)
{
	struct stat st;
	char pid[32];
	ssize_t n;

	o->pidfd = -1;
	if (o->pidfile == NULL)
		return;
	if ((o->pidfd = open(o->pidfile, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0644)) == -1) {
		if (errno == ELOOP)
			fatalx("pidfile %s is a symbolic link, which is not "
			    "followed; remove it, or give another path with -p",
			    o->pidfile);
		fatal("pidfile %s", o->pidfile);
	}
	if (fstat(o->pidfd, &st) == -1)
		fatal("pidfile %s", o->pidfile);
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		fatalx("pidfile %s is not a plain file with one name (a pipe, a "
		    "device, a hard link?), so it is not written; remove it, or "
		    "give another path with -p", o->pidfile);
	if (st.st_uid != geteuid())
		fatalx("pidfile %s belongs to uid %ld, who could write another "
		    "pid in it, so it is not used; remove it, or give another "
		    "path with -p", o->pidfile, (long)st.st_uid);
	if (flock(o->pidfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK)
			fatal("pidfile %s: lock", o->pidfile);
		n = pread(o->pidfd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strspn(pid, "0123456789")] = '\0';
		fatalx("pidfile %s is held by another switchd (pid %s), which "
		    "is running", o->pidfile, pid[0] != '\0' ? pid : "unknown");
	}
}

/* The pid, again after daemon(): the lock stays with the descriptor. */
static void
switchd_pidfile_write(struct options *o)
{
	char pid[32];
	int n;

	if (o->pidfd == -1)
		return;
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(o->pidfd, 0) == -1 ||
	    pwrite(o->pidfd, pid, (size_t)n, 0) != n)
		fatal("pidfile %s", o->pidfile);
}

static void
switchd_signals(struct switchd *sd, struct ev_loop *loop)
{
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&sd->sigint_w, switchd_stop_cb, SIGINT);
	ev_signal_init(&sd->sigterm_w, switchd_stop_cb, SIGTERM);
	ev_signal_init(&sd->sighup_w, switchd_hup_cb, SIGHUP);
	ev_signal_start(loop, &sd->sigint_w);
	ev_signal_start(loop, &sd->sigterm_w);
	ev_signal_start(loop, &sd->sighup_w);
}

/* Say who may attach, and how to let others in: the mode decides it. */
static void
switchd_who(const struct options *o)
{
	struct passwd *pw = getpwuid(o->runuid);
	struct group *gr;
	char user[64], group[64];
	gid_t gid = o->sockgid;

	if (gid == (gid_t)-1)
		gid = geteuid() == 0 ? o->rungid : getegid();
	gr = getgrgid(gid);
	if (pw != NULL)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "uid %ld", (long)o->runuid);
	if (gr != NULL)
		snprintf(group, sizeof(group), "%s", gr->gr_name);
	else
		snprintf(group, sizeof(group), "%ld", (long)gid);

	if (o->sockmode & 0006)
		log_info("who may attach: anyone on this machine (mode %04o)",
		    (unsigned int)o->sockmode);
	else if (o->sockmode & 0060)
		log_info("who may attach: root, %s and the members of group "
		    "%s (mode %04o)", user, group, (unsigned int)o->sockmode);
	else
		log_info("who may attach: root and %s alone (mode %04o); to "
		    "let others attach, start with -g GROUP -m 660 and put "
		    "them in GROUP", user, (unsigned int)o->sockmode);
}

/* stdin and stdout to /dev/null, as daemon() would; stderr is kept. */
static void
switchd_nullio(void)
{
	int fd;

	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("/dev/null");
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1)
		fatal("dup2");
	if (fd > STDERR_FILENO)
		close(fd);
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct switchd sd;
	struct ev_loop *loop;
	struct netdev *nd;
	char err[512];
	uint32_t i;
	int tosyslog;

	/* Whatever the parent left open is not ours to keep. */
	closefrom(STDERR_FILENO + 1);
	memset(&o, 0, sizeof(o));
	memset(&sd, 0, sizeof(sd));
	o.mode = -1;
	switchd_options(&o, argc, argv);
	/* Start-up errors go to the terminal, even with -d. */
	log_init("switchd", 1, o.verbose);
	if (o.check)
		exit(switchd_check(&o));
	switchd_paths(&o);
	switchd_identity(&o);
	switchd_pidfile_lock(&o);
	switchd_pidfile_write(&o);

	if ((loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		fatalx("cannot start the event loop");
	if ((sd.sw = sw_new(loop, o.conffile, o.settings, o.nsettings, err,
	    sizeof(err))) == NULL)
		fatalx("%s; not starting", err);

	/* The privileged part: directory, control socket, taps. */
	sd.attach = switchd_attach(sd.sw, &o);
	sd.mgmt = switchd_mgmt(sd.sw, sd.attach, &o);
	switchd_taps(sd.sw, &o);
	if (o.daemonize) {
		/* With no syslog to take them, logs stay on stderr. */
		tosyslog = log_syslog_ok();
		if (!tosyslog)
			log_warnx("no syslog (%s is not a socket): logging to "
			    "standard error", _PATH_LOG);
		if (daemon(0, !tosyslog) == -1)
			fatal("daemon");
		if (!tosyslog)
			switchd_nullio();
		log_init("switchd", !tosyslog, o.verbose);
	}
	switchd_pidfile_write(&o);
	priv_drop(o.runuid, o.rungid);
	if (access(o.dir, W_OK | X_OK) == -1)
		fatal("socket directory %s: the user switchd runs as (uid %ld) "
		    "cannot create sockets there; check its parent directories",
		    o.dir, (long)o.runuid);
	netdev_check(sd.sw->netdev);

	switchd_signals(&sd, loop);
	for (i = 0; i < sd.sw->conf->nports; i++)
		if (sd.sw->ports[i] != NULL)
			port_start(sd.sw->ports[i]);
	attach_start(sd.attach);
	netdev_start(sd.sw->netdev);
	mgmt_start(sd.mgmt);
	log_info("switch %s ready, %u ports; attach a VM with: "
	    "qemu-system-x86_64 -netdev vde,id=net0,sock=%s "
	    "-device virtio-net-pci,netdev=net0", o.dir,
	    sd.sw->conf->nports - 1, o.dir);
	log_info("a QEMU without VDE attaches with: -netdev stream,id=net0,"
	    "server=off,addr.type=unix,addr.path=%s",
	    netdev_stream_path(sd.sw->netdev));
	log_info("or, faster, with its memory shared: -object "
	    "memory-backend-memfd,id=mem,size=1G,share=on -numa node,memdev=mem "
	    "-chardev socket,id=c0,path=%s -netdev vhost-user,id=net0,"
	    "chardev=c0", netdev_vhost_path(sd.sw->netdev));
	switchd_who(&o);
	ev_run(loop, 0);

	/* The control and management sockets use the switch's loop. */
	mgmt_free(sd.mgmt);
	attach_free(sd.attach);
	nd = sd.sw->netdev;
	sw_free(sd.sw);
	/* After the ports, which tell it when they go. */
	netdev_free(nd);
	if (o.pidfile != NULL)
		(void)unlink(o.pidfile);
	free((char *)o.conffile);
	for (i = 0; i < (uint32_t)o.nsettings; i++)
		free(o.settings[i]);
	ev_loop_destroy(loop);
	return 0;
}
