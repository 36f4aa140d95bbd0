/* SPDX-License-Identifier: ISC */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "frame.h"
#include "listener.h"
#include "log.h"
#include "port.h"
#include "sockdir.h"
#include "sw.h"
#include "util.h"
#include "vde.h"

#define ATTACH_PENDING_MAX	64	/* connections yet to send a request */
#define ATTACH_PENDING_USER	4	/* of them, from one user (root aside) */
#define ATTACH_TIMEOUT		5.0	/* seconds to send it */
#define ATTACH_GROUPS_MAX	256
/* Descriptors kept free: a connection that becomes a port needs one more. */
#define ATTACH_RESERVE		8

struct pending;

struct attach {
	struct sw	*sw;
	char		 dir[PATH_MAX];
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 dirfd;		/* DIR, as checked: sockets go there */
	mode_t		 mode;		/* of the sockets; DIR gets x bits */
	struct listener	 l;
	uint32_t	 npending;	/* connections yet to ask */
	LIST_HEAD(, pending) pendings;
	uint64_t	 refused;
	struct log_ratelim rl;
	/* The last refusals, a ring: refused % ATTACH_REFUSALS is next. */
	struct attach_refusal last[ATTACH_REFUSALS];
};

/* A control connection that has not yet asked for a port. */
struct pending {
	LIST_ENTRY(pending) entry;
	struct attach	*a;
	int		 fd;
	ev_io		 w;
	ev_timer	 tmo;
	struct ucred	 cred;
	gid_t		 groups[ATTACH_GROUPS_MAX];
	int		 ngroups;
	size_t		 len;
	unsigned char	 buf[VDE_REQ_MAX + 1];
};

static void
attach_pending_free(struct pending *pd, int closefd)
{
	struct attach *a = pd->a;

	ev_io_stop(a->sw->loop, &pd->w);
	ev_timer_stop(a->sw->loop, &pd->tmo);
	if (closefd)
		close(pd->fd);
	LIST_REMOVE(pd, entry);
	free(pd);
	/* A slot is free again: resume accepting if it was full. */
	if (a->npending-- == ATTACH_PENDING_MAX)
		listener_hold(&a->l, 0);
}

static int	attach_pending_of(const struct attach *, uid_t);
static void	attach_refuse(struct pending *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	attach_misdirected(struct pending *, const char *);

static void
attach_refuse(struct pending *pd, const char *fmt, ...)
{
	struct attach *a = pd->a;
	struct attach_refusal *r = &a->last[a->refused % ATTACH_REFUSALS];
	va_list ap;
	int n;

	/* Kept even when not logged: switchctl info shows them. */
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->when = time(NULL);
	r->uid = pd->cred.uid;
	r->pid = pd->cred.pid;
	a->refused++;
	if ((n = log_ratelim(&a->rl, ev_now(a->sw->loop), 1.0)) > 0) {
		log_warnx("attach from uid=%ld pid=%ld refused: %s%s",
		    (long)pd->cred.uid, (long)pd->cred.pid, r->why,
		    n > 1 ? " (and others not logged)" : "");
	}
	attach_pending_free(pd, 1);
}

/*
 * The client names its own socket.  Open that name once, without
 * following a link, check what was opened (a socket, the client's own),
 * and connect through the descriptor later: no name is looked up twice,
 * so nobody can swap the socket for a link to someone else's between
 * the check and the connect.  An O_PATH descriptor, or -1 with err.
 */
static int
attach_open_path(const struct pending *pd, const char *path, char *err,
    size_t len)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return util_err(err, len, "cannot open its socket: %s",
		    strerror(errno));
	if (fstat(fd, &st) == -1)
		util_err(err, len, "cannot stat its socket: %s",
		    strerror(errno));
	else if (S_ISLNK(st.st_mode))
		util_err(err, len, "its path is a symbolic link");
	else if (!S_ISSOCK(st.st_mode))
		util_err(err, len, "its path is not a socket");
	else if (pd->cred.uid != 0 && st.st_uid != pd->cred.uid)
		util_err(err, len, "its socket belongs to another user");
	else
		return fd;
	close(fd);
	return -1;
}

/*
 * A port limited to a user or a group takes only them (and root).  The
 * same rule for every way in: DIR/ctl here, DIR/stream and DIR/dgram
 * (netdev.c).
 */
int
attach_may(const struct sw *sw, const struct attach_who *w, int num)
{
	const struct conf_port *c = &sw->conf->port[num];
	int i;

	if (w->uid == 0)
		return 1;
	if (c->uid != (uid_t)-1 && c->uid != w->uid)
		return 0;
	if (c->gid == (gid_t)-1 || c->gid == w->gid)
		return 1;
	for (i = 0; i < w->ngroups; i++)
		if (w->groups[i] == c->gid)
			return 1;
	return 0;
}

/*
 * Port want, or the lowest free one w may have; a port with a socket
 * of its own (switchd.conf(5), port N stream) is reached by that socket
 * or by its number, never given as any free port.
 */
int
attach_pick_for(struct sw *sw, const struct attach_who *w, int want)
{
	uint32_t i;

	if (want >= 0)
		return port_pick(sw, want) != -1 && attach_may(sw, w, want) ?
		    want : -1;
	for (i = 1; i < sw->conf->nports; i++)
		if (sw->ports[i] == NULL && sw->conf->port[i].sock ==
		    CONF_SOCK_NONE && attach_may(sw, w, (int)i))
			return (int)i;
	return -1;
}

static int
attach_pick(const struct pending *pd, int want)
{
	struct attach_who w = { pd->cred.uid, pd->cred.gid, pd->cred.pid,
	    pd->groups, pd->ngroups };

	return attach_pick_for(pd->a->sw, &w, want);
}

static int
attach_datasock(struct attach *a, int pathfd, int num,
    struct sockaddr_un *sun, char *err, size_t len)
{
	struct sockaddr_un peer;
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return util_err(err, len, "%s", strerror(errno));
	/* Buffers sized from the memory budget, which must have room. */
	if (port_sockbuf(a->sw, fd) == -1) {
		close(fd);
		return util_err(err, len, "the memory budget is spent");
	}
	/*
	 * Connect before replying: the client unlinks its path after.
	 * Through the descriptor attach_open_path() checked, not the name.
	 */
	memset(&peer, 0, sizeof(peer));
	peer.sun_family = AF_UNIX;
	snprintf(peer.sun_path, sizeof(peer.sun_path), "/proc/self/fd/%d",
	    pathfd);
	if (connect(fd, (const struct sockaddr *)&peer, sizeof(peer)) == -1) {
		util_err(err, len, "%s", strerror(errno));
		goto fail;
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((size_t)snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%03d.%d",
	    a->dir, num, fd) >= sizeof(sun->sun_path)) {
		util_err(err, len, "%s", strerror(ENAMETOOLONG));
		goto fail;
	}
	/* One left by a switch that died on this directory. */
	(void)unlinkat(a->dirfd, sockdir_name(sun->sun_path), 0);
	if (sockdir_bind(a->dirfd, fd, sun->sun_path, a->mode, (uid_t)-1,
	    (gid_t)-1, err, len) == -1) {
		(void)unlinkat(a->dirfd, sockdir_name(sun->sun_path), 0);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static void
attach_request(struct pending *pd)
{
	struct attach *a = pd->a;
	struct sockaddr_un sun;
	struct vde_req req;
	struct port *p;
	char why[128];
	int n, fd, pathfd;

	if (vde_req_parse(pd->buf, pd->len, &req, why, sizeof(why)) == -1) {
		attach_misdirected(pd, why);
		return;
	}
	if (req.port == 0) {
		attach_refuse(pd, "%s", "port 0 is not offered");
		return;
	}
	if (pd->cred.uid != 0 && a->sw->conf->userports != 0 &&
	    attach_ports_of(a->sw, pd->cred.uid) >= a->sw->conf->userports) {
		attach_refuse(pd, "this user holds %u ports, the most one user "
		    "may (userports)", a->sw->conf->userports);
		return;
	}
	if ((pathfd = attach_open_path(pd, req.sun.sun_path, why,
	    sizeof(why))) == -1) {
		attach_refuse(pd, "%s", why);
		return;
	}
	if ((n = attach_pick(pd, req.port)) == -1) {
		close(pathfd);
		if (req.port < 0)
			attach_refuse(pd, "no free port it may use");
		else
			attach_refuse(pd, "port %d is busy, out of range or "
			    "reserved for another user or group", req.port);
		return;
	}
	fd = attach_datasock(a, pathfd, n, &sun, why, sizeof(why));
	close(pathfd);
	if (fd == -1) {
		attach_refuse(pd, "data socket: %s", why);
		return;
	}
	if (write(pd->fd, &sun, sizeof(sun)) != sizeof(sun)) {
		(void)unlink(sun.sun_path);
		close(fd);
		attach_refuse(pd, "%s", "could not send the reply");
		return;
	}
	if ((p = port_new(a->sw, (uint16_t)n, PORT_UNIX, fd)) == NULL) {
		(void)unlink(sun.sun_path);
		close(fd);
		attach_refuse(pd, "%s", "out of memory");
		return;
	}
	snprintf(p->descr, sizeof(p->descr), "%s", req.descr);
	snprintf(p->path, sizeof(p->path), "%s", sun.sun_path);
	p->uid = pd->cred.uid;
	p->gid = pd->cred.gid;
	p->pid = pd->cred.pid;
	p->ctlfd = pd->fd;
	port_ctl_init(p);
	attach_pending_free(pd, 0);
	port_start(p);
}

/*
 * Refuse a request that is not one, and say where it belongs when it is
 * QEMU's -netdev stream framing (a frame after its length, 4 bytes big
 * endian) sent to the VDE control socket: QEMU itself tells its user
 * nothing.
 */
static void
attach_misdirected(struct pending *pd, const char *why)
{
	uint32_t len;

	if (pd->len >= 4) {
		len = (uint32_t)pd->buf[0] << 24 | (uint32_t)pd->buf[1] << 16 |
		    (uint32_t)pd->buf[2] << 8 | pd->buf[3];
		if (len >= FRAME_MIN && len <= STREAM_QEMU_MAX) {
			attach_refuse(pd, "%s; this is QEMU -netdev stream "
			    "framing: give QEMU addr.path=%s/stream, not "
			    "%s/ctl", why, pd->a->dir, pd->a->dir);
			return;
		}
	}
	attach_refuse(pd, "%s", why);
}

static void
attach_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct pending *pd = container_of(w, struct pending, w);
	ssize_t r;

	(void)loop;
	(void)revents;
	r = read(pd->fd, pd->buf + pd->len, sizeof(pd->buf) - pd->len);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		attach_refuse(pd, "%s", pd->len == 0 ?
		    "closed without a request" : "short request");
		return;
	}
	pd->len += (size_t)r;
	if (pd->len > VDE_REQ_MAX) {
		attach_misdirected(pd, "request too long");
		return;
	}
	/* The request comes in one write; wait only for a cut header. */
	if (pd->len >= VDE_REQ_HDRLEN)
		attach_request(pd);
}

static void
attach_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct pending *pd = container_of(w, struct pending, tmo);

	(void)loop;
	(void)revents;
	if (pd->len == 0)
		attach_refuse(pd, "%s", "no request in time");
	else
		attach_misdirected(pd, "short request");
}

static int
attach_pending_of(const struct attach *a, uid_t uid)
{
	const struct pending *pd;
	int n = 0;

	LIST_FOREACH(pd, &a->pendings, entry)
		n += pd->cred.uid == uid;
	return n;
}

/* The ports a user holds: every port attached by that uid, taps aside. */
uint32_t
attach_ports_of(const struct sw *sw, uid_t uid)
{
	uint32_t i, n = 0;

	for (i = 0; i < sw->conf->nports; i++)
		n += sw->ports[i] != NULL && sw->ports[i]->kind != PORT_TAP &&
		    sw->ports[i]->uid == uid;
	return n;
}

static void
attach_accept_cb(struct listener *l, int fd, const struct sockaddr *sa,
    socklen_t salen)
{
	struct attach *a = container_of(l, struct attach, l);
	struct pending *pd;
	socklen_t len;

	(void)sa;
	(void)salen;
	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		close(fd);
		return;
	}
	pd->a = a;
	pd->fd = fd;
	len = sizeof(pd->cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &pd->cred, &len) == -1) {
		log_warn("attach: SO_PEERCRED");
		close(fd);
		free(pd);
		return;
	}
	len = sizeof(pd->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, pd->groups, &len) == 0)
		pd->ngroups = (int)(len / sizeof(gid_t));
	ev_io_init(&pd->w, attach_read_cb, fd, EV_READ);
	ev_timer_init(&pd->tmo, attach_timeout_cb, ATTACH_TIMEOUT, 0.0);
	ev_io_start(a->sw->loop, &pd->w);
	ev_timer_start(a->sw->loop, &pd->tmo);
	LIST_INSERT_HEAD(&a->pendings, pd, entry);
	if (++a->npending >= ATTACH_PENDING_MAX)
		listener_hold(&a->l, 1);
	/* One user cannot take every place in the waiting room. */
	if (attach_pending_of(a, pd->cred.uid) > ATTACH_PENDING_USER &&
	    pd->cred.uid != 0)
		attach_refuse(pd, "%d connections of this user are waiting to "
		    "ask for a port already", ATTACH_PENDING_USER);
}

/*
 * DIR and DIR/ctl, made, owned and opened to who may attach.  DIR is
 * checked before anything in it is touched (sockdir_open()), and a
 * switch that answers on DIR/ctl keeps it: only the socket of one that
 * died is taken over.
 */
static int
attach_listen(struct attach *a, uid_t runuid, uid_t owner, gid_t group,
    char *err, size_t len)
{
	mode_t dirmode;
	int fd;

	/* Room for the data sockets' names too. */
	if ((size_t)snprintf(a->path, sizeof(a->path), "%s/ctl", a->dir) >=
	    sizeof(a->path) - 16)
		return util_err(err, len, "socket directory %s: path too long",
		    a->dir);
	/* Clients bind their own sockets in DIR: it needs x and w too. */
	dirmode = a->mode | ((a->mode & 0444) >> 2) | 0700;
	/* Shared: nobody may remove what another user put there. */
	if (dirmode & 0022)
		dirmode |= S_ISVTX;
	if ((a->dirfd = sockdir_open(a->dir, runuid, err, len)) == -1 ||
	    sockdir_clear(a->dirfd, a->path, err, len) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return util_err(err, len, "socket: %s", strerror(errno));
	if (sockdir_bind(a->dirfd, fd, a->path, a->mode, owner, group, err,
	    len) == -1) {
		close(fd);
		return -1;
	}
	listener_init(&a->l, a->sw->loop, fd, ATTACH_RESERVE,
	    "attach", attach_accept_cb);
	if (sockdir_own(a->dirfd, a->dir, dirmode, owner, group, err,
	    len) == -1)
		return -1;
	if (listen(fd, 128) == -1)
		return util_err(err, len, "listen %s: %s", a->path,
		    strerror(errno));
	return 0;
}

/*
 * The privileged part: the directory and the control socket, with mode
 * `mode` (DIR gets the matching x bits), owned by owner and group where
 * they are not -1.  An existing DIR must be root's or runuid's, the user
 * the switch runs as.  Nothing is accepted before attach_start().
 */
struct attach *
attach_new(struct sw *sw, const char *dir, mode_t mode, uid_t runuid,
    uid_t owner, gid_t group, char *err, size_t len)
{
	struct attach *a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		util_err(err, len, "out of memory");
		return NULL;
	}
	a->sw = sw;
	a->mode = mode;
	a->l.fd = -1;
	a->dirfd = -1;
	LIST_INIT(&a->pendings);
	if ((size_t)snprintf(a->dir, sizeof(a->dir), "%s", dir) >=
	    sizeof(a->dir)) {
		util_err(err, len, "socket directory %s: path too long", dir);
		free(a);
		return NULL;
	}
	if (attach_listen(a, runuid, owner, group, err, len) == -1) {
		attach_free(a);
		return NULL;
	}
	return a;
}

void
attach_start(struct attach *a)
{
	listener_start(&a->l);
}

void
attach_free(struct attach *a)
{
	if (a == NULL)
		return;
	while (!LIST_EMPTY(&a->pendings))
		attach_pending_free(LIST_FIRST(&a->pendings), 1);
	if (a->l.fd != -1) {
		listener_close(&a->l);
		if (unlinkat(a->dirfd, "ctl", 0) == -1 && errno != ENOENT)
			log_warn("unlink %s", a->path);
	}
	if (a->dirfd != -1)
		close(a->dirfd);
	free(a);
}

const char *
attach_dir(const struct attach *a)
{
	return a->dir;
}

int
attach_dirfd(const struct attach *a)
{
	return a->dirfd;
}

const char *
attach_path(const struct attach *a)
{
	return a->path;
}

uint64_t
attach_refused(const struct attach *a)
{
	return a->refused;
}

/* The i-th last refusal (0: the last one), or NULL. */
const struct attach_refusal *
attach_refusal(const struct attach *a, unsigned int i)
{
	if (i >= ATTACH_REFUSALS || i >= a->refused)
		return NULL;
	return &a->last[(a->refused - 1 - i) % ATTACH_REFUSALS];
}

void
attach_counters_reset(struct attach *a)
{
	a->refused = 0;
}
