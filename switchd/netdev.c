/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "listener.h"
#include "log.h"
#include "netdev.h"
#include "port.h"
#include "sockdir.h"
#include "sw.h"
#include "util.h"

#define NETDEV_GROUPS_MAX	256
/* Descriptors kept free: a connection is a port at once. */
#define NETDEV_RESERVE		8

struct netdev;

/* A socket QEMU attaches through: one for every port, or for one. */
struct ndsock {
	struct netdev	*nd;
	enum port_kind	 kind;		/* PORT_STREAM or PORT_DGRAM */
	int		 pin;		/* its port, or -1: any the peer may */
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct listener	 l;		/* of a stream socket */
};

struct netdev {
	struct sw	*sw;
	struct ev_loop	*loop;
	struct ndsock	*socks;		/* DIR/stream, then each port's */
	uint32_t	 nsocks;
	uint64_t	 refused;
	struct log_ratelim rl;
};

/* Who is on the other end, as the kernel says, and their groups. */
struct ndwho {
	struct attach_who w;
	gid_t		 groups[NETDEV_GROUPS_MAX];
};

static void	netdev_refuse(struct ndsock *, const struct attach_who *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));

static void
netdev_refuse(struct ndsock *s, const struct attach_who *w, const char *fmt,
    ...)
{
	struct netdev *nd = s->nd;
	char msg[256];
	va_list ap;
	int n;

	nd->refused++;
	if ((n = log_ratelim(&nd->rl, ev_now(nd->loop), 1.0)) == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: uid=%ld pid=%ld refused: %s%s", s->path, (long)w->uid,
	    (long)w->pid, msg, n > 1 ? " (and others not logged)" : "");
}

/*
 * The port a peer gets: its socket's, or the lowest it may have, within
 * the ports one user may hold.  -1 with why.
 */
static int
netdev_pick(struct ndsock *s, const struct attach_who *w, char *why,
    size_t len)
{
	struct sw *sw = s->nd->sw;
	const struct conf *c = sw->conf;
	int n;

	/* A port's own socket was given to its user: it is theirs. */
	if (s->pin == -1 && w->uid != 0 && c->userports != 0 &&
	    attach_ports_of(sw, w->uid) >= c->userports)
		return util_err(why, len, "this user holds %u ports, the most "
		    "one user may (userports)", c->userports);
	if ((n = attach_pick_for(sw, w, s->pin)) != -1)
		return n;
	if (s->pin == -1)
		return util_err(why, len, "no free port it may use");
	if (sw->ports[s->pin] != NULL)
		return util_err(why, len, "port %d, this socket's, is in use",
		    s->pin);
	return util_err(why, len, "port %d is reserved for another user or "
	    "group", s->pin);
}

/* A description: the peer's command name, in printable characters. */
static void
netdev_descr(struct port *p)
{
	char path[64], comm[32] = "";
	ssize_t r;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)p->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((r = read(fd, comm, sizeof(comm) - 1)) > 0)
			comm[r] = '\0';
		close(fd);
	}
	comm[strcspn(comm, "\n")] = '\0';
	for (i = 0; comm[i] != '\0'; i++)
		if (comm[i] < 0x20 || comm[i] >= 0x7f)
			comm[i] = '?';
	snprintf(p->descr, sizeof(p->descr), "%s", comm);
}

static void
netdev_accept_cb(struct listener *l, int fd, const struct sockaddr *sa,
    socklen_t salen)
{
	struct ndsock *s = container_of(l, struct ndsock, l);
	struct sw *sw = s->nd->sw;
	struct ucred cred;
	struct ndwho who;
	struct port *p;
	socklen_t len = sizeof(cred);
	char why[160];
	int num;

	(void)sa;
	(void)salen;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("%s: SO_PEERCRED", s->path);
		close(fd);
		return;
	}
	memset(&who, 0, sizeof(who));
	who.w.uid = cred.uid;
	who.w.gid = cred.gid;
	who.w.pid = cred.pid;
	who.w.groups = who.groups;
	len = sizeof(who.groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, who.groups, &len) == 0)
		who.w.ngroups = (int)(len / sizeof(gid_t));
	if ((num = netdev_pick(s, &who.w, why, sizeof(why))) == -1) {
		netdev_refuse(s, &who.w, "%s", why);
		close(fd);
		return;
	}
	if (port_admit(sw, fd, PORT_STREAM) == -1) {
		netdev_refuse(s, &who.w, "the memory budget is spent");
		close(fd);
		return;
	}
	if ((p = port_new(sw, (uint16_t)num, PORT_STREAM, fd)) == NULL) {
		netdev_refuse(s, &who.w, "out of memory");
		close(fd);
		return;
	}
	p->uid = cred.uid;
	p->gid = cred.gid;
	p->pid = cred.pid;
	netdev_descr(p);
	port_start(p);
}

/*
 * A socket for kind at path, a name in dirfd, with mode, owner and
 * group (-1: as made), in place of one a switch that died left there:
 * made as DIR/ctl is (sockdir.c).
 */
static int
netdev_sock(struct netdev *nd, int dirfd, enum port_kind kind, int pin,
    const char *path, mode_t mode, uid_t owner, gid_t group, char *err,
    size_t len)
{
	struct ndsock *s = &nd->socks[nd->nsocks];
	int type = kind == PORT_STREAM ? SOCK_STREAM : SOCK_DGRAM, fd;

	if (strlen(path) >= sizeof(s->path))
		return util_err(err, len, "%s: path too long", path);
	if (sockdir_clear_type(dirfd, path, type, err, len) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return util_err(err, len, "%s: %s", path, strerror(errno));
	if (sockdir_bind(dirfd, fd, path, mode, owner, group, err, len) ==
	    -1) {
		close(fd);
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, 128) == -1) {
		util_err(err, len, "%s: listen: %s", path, strerror(errno));
		close(fd);
		(void)unlinkat(dirfd, sockdir_name(path), 0);
		return -1;
	}
	s->nd = nd;
	s->kind = kind;
	s->pin = pin;
	snprintf(s->path, sizeof(s->path), "%s", path);
	listener_init(&s->l, nd->loop, fd, NETDEV_RESERVE, s->path,
	    netdev_accept_cb);
	nd->nsocks++;
	return 0;
}

/*
 * The privileged part: DIR/stream, in DIR (dirfd), with the mode, owner
 * and group of DIR/ctl.  Nothing is accepted before netdev_start().
 */
struct netdev *
netdev_new(struct sw *sw, int dirfd, const char *dir, mode_t mode,
    uid_t owner, gid_t group, char *err, size_t len)
{
	struct netdev *nd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	if ((nd = calloc(1, sizeof(*nd))) == NULL ||
	    (nd->socks = calloc(1, sizeof(*nd->socks))) == NULL) {
		free(nd);
		util_err(err, len, "out of memory");
		return NULL;
	}
	nd->sw = sw;
	nd->loop = sw->loop;
	if ((size_t)snprintf(path, sizeof(path), "%s/stream", dir) >=
	    sizeof(path)) {
		util_err(err, len, "socket directory %s: path too long", dir);
		netdev_free(nd);
		return NULL;
	}
	if (netdev_sock(nd, dirfd, PORT_STREAM, -1, path, mode, owner, group,
	    err, len) == -1) {
		netdev_free(nd);
		return NULL;
	}
	return nd;
}

void
netdev_start(struct netdev *nd)
{
	uint32_t i;

	for (i = 0; i < nd->nsocks; i++)
		listener_start(&nd->socks[i].l);
}

void
netdev_free(struct netdev *nd)
{
	struct ndsock *s;
	uint32_t i;

	if (nd == NULL)
		return;
	for (i = 0; i < nd->nsocks; i++) {
		s = &nd->socks[i];
		listener_close(&s->l);
		if (unlink(s->path) == -1 && errno != ENOENT)
			log_warn("unlink %s", s->path);
	}
	free(nd->socks);
	free(nd);
}

const char *
netdev_stream_path(const struct netdev *nd)
{
	return nd->socks[0].path;
}

const char *
netdev_dgram_path(const struct netdev *nd)
{
	(void)nd;
	return NULL;
}

uint64_t
netdev_refused(const struct netdev *nd)
{
	return nd->refused;
}

void
netdev_counters_reset(struct netdev *nd)
{
	nd->refused = 0;
}
