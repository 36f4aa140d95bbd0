#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "port.h"
#include "switchd.h"
#include "vde.h"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

#define ATTACH_PENDING_MAX	64	/* connections yet to send a request */
#define ATTACH_TIMEOUT		5.0	/* seconds to send it */
#define ATTACH_BUFSIZE		1024	/* data sockets' buffers, in frames */
#define ATTACH_GROUPS_MAX	256

/* A control connection that has not yet asked for a port. */
struct pending {
	LIST_ENTRY(pending) entry;
	struct switchd	*sd;
	int		 fd;
	ev_io		 w;
	ev_timer	 tmo;
	struct ucred	 cred;
	gid_t		 groups[ATTACH_GROUPS_MAX];
	int		 ngroups;
	size_t		 len;
	unsigned char	 buf[VDE_REQ_MAX + 1];
};

static void	attach_accept_cb(struct ev_loop *, ev_io *, int);

static void
attach_pending_free(struct pending *pd, int closefd)
{
	struct switchd *sd = pd->sd;

	ev_io_stop(sd->loop, &pd->w);
	ev_timer_stop(sd->loop, &pd->tmo);
	if (closefd)
		close(pd->fd);
	LIST_REMOVE(pd, entry);
	free(pd);
	/* A slot is free again: resume accepting if it was full. */
	if (sd->pending-- == ATTACH_PENDING_MAX && sd->ctlfd != -1 &&
	    !ev_is_active(&sd->ctl_pause_w))
		ev_io_start(sd->loop, &sd->ctl_w);
}

static void
attach_refuse(struct pending *pd, const char *fmt, const char *arg)
{
	struct switchd *sd = pd->sd;
	char msg[256];
	int n;

	sd->attach_refused++;
	if ((n = log_ratelim(&sd->attach_rl, ev_now(sd->loop), 1.0)) > 0) {
		snprintf(msg, sizeof(msg), fmt, arg);
		log_warnx("attach from uid=%ld pid=%ld refused: %s%s",
		    (long)pd->cred.uid, (long)pd->cred.pid, msg,
		    n > 1 ? " (and others not logged)" : "");
	}
	attach_pending_free(pd, 1);
}

/*
 * The client names its own socket: make sure it is one, and that it is
 * the client's, so nobody can point the switch at someone else's.
 */
static const char *
attach_check_path(const struct pending *pd, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return "cannot stat its socket";
	if (!S_ISSOCK(st.st_mode))
		return "its path is not a socket";
	if (pd->cred.uid != 0 && st.st_uid != pd->cred.uid)
		return "its socket belongs to another user";
	return NULL;
}

/* A port limited to a user or a group takes only them (and root). */
static int
attach_allowed(const struct pending *pd, int num)
{
	const struct portcfg *c = &pd->sd->portcfg[num];
	int i;

	if (pd->cred.uid == 0)
		return 1;
	if (c->uid != (uid_t)-1 && c->uid != pd->cred.uid)
		return 0;
	if (c->gid == (gid_t)-1 || c->gid == pd->cred.gid)
		return 1;
	for (i = 0; i < pd->ngroups; i++)
		if (pd->groups[i] == c->gid)
			return 1;
	return 0;
}

static int
attach_pick(const struct pending *pd, int want)
{
	struct switchd *sd = pd->sd;
	uint32_t i;

	if (want >= 0)
		return port_pick(sd, want) != -1 && attach_allowed(pd, want) ?
		    want : -1;
	for (i = 1; i < sd->nports; i++)
		if (sd->ports[i] == NULL && attach_allowed(pd, (int)i))
			return (int)i;
	return -1;
}

static int
attach_datasock(struct switchd *sd, const struct vde_req *req, int num,
    struct sockaddr_un *sun)
{
	int fd, sz = ATTACH_BUFSIZE * 2048;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* Room for bursts; the kernel caps it at its own maximum. */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	/* Connect before replying: the client unlinks its path after. */
	if (connect(fd, (const struct sockaddr *)&req->sun,
	    sizeof(req->sun)) == -1)
		goto fail;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((size_t)snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%03d.%d",
	    sd->dir, num, fd) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	(void)unlink(sun->sun_path);
	if (bind(fd, (struct sockaddr *)sun, sizeof(*sun)) == -1)
		goto fail;
	if (chmod(sun->sun_path, sd->mode) == -1) {
		(void)unlink(sun->sun_path);
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
	struct switchd *sd = pd->sd;
	struct sockaddr_un sun;
	struct vde_req req;
	struct port *p;
	const char *why;
	char num[16];
	int n, fd;

	if (vde_req_parse(pd->buf, pd->len, &req, &why) == -1) {
		attach_refuse(pd, "%s", why);
		return;
	}
	if (req.port == 0) {
		attach_refuse(pd, "%s", "port 0 is not offered");
		return;
	}
	if ((why = attach_check_path(pd, req.sun.sun_path)) != NULL) {
		attach_refuse(pd, "%s", why);
		return;
	}
	if ((n = attach_pick(pd, req.port)) == -1) {
		snprintf(num, sizeof(num), "%d", req.port);
		attach_refuse(pd, req.port < 0 ? "no free port it may use%s" :
		    "port %s is busy, out of range or reserved for another "
		    "user or group", req.port < 0 ? "" : num);
		return;
	}
	if ((fd = attach_datasock(sd, &req, n, &sun)) == -1) {
		attach_refuse(pd, "data socket: %s", strerror(errno));
		return;
	}
	if (write(pd->fd, &sun, sizeof(sun)) != sizeof(sun)) {
		(void)unlink(sun.sun_path);
		close(fd);
		attach_refuse(pd, "%s", "could not send the reply");
		return;
	}
	if ((p = port_new(sd, (uint16_t)n, PORT_UNIX, fd)) == NULL) {
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
		attach_refuse(pd, "%s", "request too long");
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
	attach_refuse(pd, "%s", pd->len == 0 ? "no request in time" :
	    "short request");
}

static void
attach_pause_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct switchd *sd = container_of(w, struct switchd, ctl_pause_w);

	(void)revents;
	if (sd->pending < ATTACH_PENDING_MAX)
		ev_io_start(loop, &sd->ctl_w);
}

static void
attach_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct switchd *sd = container_of(w, struct switchd, ctl_w);
	struct pending *pd;
	socklen_t len;
	int fd;

	(void)revents;
	fd = accept4(sd->ctlfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: pause rather than spin. */
			log_warn("attach: accept, pausing for a second");
			ev_io_stop(loop, w);
			ev_timer_set(&sd->ctl_pause_w, 1.0, 0.0);
			ev_timer_start(loop, &sd->ctl_pause_w);
		}
		return;
	}
	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		close(fd);
		return;
	}
	pd->sd = sd;
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
	ev_io_start(loop, &pd->w);
	ev_timer_start(loop, &pd->tmo);
	LIST_INSERT_HEAD(&sd->pendings, pd, entry);
	if (++sd->pending >= ATTACH_PENDING_MAX)
		ev_io_stop(loop, w);
}

/*
 * Another switchd answering on DIR/ctl owns the directory; a socket
 * nobody answers on was left by one that died, and is taken over.
 */
static int
attach_in_use(const struct sockaddr_un *sun)
{
	int fd, r;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return r == 0;
}

int
attach_listen(struct switchd *sd)
{
	struct sockaddr_un sun;
	mode_t dirmode;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/ctl",
	    sd->dir) >= sizeof(sun.sun_path) - 16) {
		log_warnx("socket directory %s: path too long", sd->dir);
		return -1;
	}
	/* Clients bind their own sockets in DIR: it needs x and w too. */
	dirmode = sd->mode | ((sd->mode & 0444) >> 2) | 0700;
	/* Shared: nobody may remove what another user put there. */
	if (dirmode & 0022)
		dirmode |= S_ISVTX;
	if (mkdir(sd->dir, dirmode) == -1 && errno != EEXIST) {
		log_warn("socket directory %s", sd->dir);
		return -1;
	}
	if (attach_in_use(&sun)) {
		log_warnx("%s: another switch is running there", sun.sun_path);
		return -1;
	}
	(void)unlink(sun.sun_path);
	sd->ctlfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (sd->ctlfd == -1 ||
	    bind(sd->ctlfd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("%s", sun.sun_path);
		return -1;
	}
	snprintf(sd->ctlpath, sizeof(sd->ctlpath), "%s", sun.sun_path);
	if (chmod(sd->dir, dirmode) == -1 || chmod(sd->ctlpath, sd->mode) == -1) {
		log_warn("chmod %s", sd->dir);
		return -1;
	}
	if (sd->sockgid != (gid_t)-1 &&
	    (chown(sd->dir, (uid_t)-1, sd->sockgid) == -1 ||
	    chown(sd->ctlpath, (uid_t)-1, sd->sockgid) == -1)) {
		log_warn("chown %s", sd->dir);
		return -1;
	}
	if (listen(sd->ctlfd, 128) == -1) {
		log_warn("listen %s", sd->ctlpath);
		return -1;
	}
	ev_io_init(&sd->ctl_w, attach_accept_cb, sd->ctlfd, EV_READ);
	ev_timer_init(&sd->ctl_pause_w, attach_pause_cb, 1.0, 0.0);
	return 0;
}

void
attach_start(struct switchd *sd)
{
	ev_io_start(sd->loop, &sd->ctl_w);
}

void
attach_close(struct switchd *sd)
{
	while (!LIST_EMPTY(&sd->pendings))
		attach_pending_free(LIST_FIRST(&sd->pendings), 1);
	if (sd->ctlfd == -1)
		return;
	ev_io_stop(sd->loop, &sd->ctl_w);
	ev_timer_stop(sd->loop, &sd->ctl_pause_w);
	close(sd->ctlfd);
	sd->ctlfd = -1;
	if (unlink(sd->ctlpath) == -1 && errno != ENOENT)
		log_warn("unlink %s", sd->ctlpath);
}
