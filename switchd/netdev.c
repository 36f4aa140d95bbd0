/* SPDX-License-Identifier: ISC */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sodium.h>
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
#include "vhost.h"

#define NETDEV_GROUPS_MAX	256
/* Descriptors kept free: a connection is a port at once. */
#define NETDEV_RESERVE		8
#define NETDEV_BUCKETS		1024	/* of datagram peers */
#define NETDEV_CHECK		1.0	/* seconds between looks at them */

#define NETDEV_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

/* The sockets every port may come by, in DIR. */
#define NETDEV_SHARED	3
static const char *const netdev_names[NETDEV_SHARED] = {
	"stream", "dgram", "vhost"
};
static const enum port_kind netdev_kinds[NETDEV_SHARED] = {
	PORT_STREAM, PORT_DGRAM, PORT_VHOST
};

struct netdev;

/* A socket QEMU attaches through: one for every port, or for one. */
struct ndsock {
	struct netdev	*nd;
	enum port_kind	 kind;		/* PORT_STREAM, _DGRAM or _VHOST */
	int		 pin;		/* its port, or -1: any the peer may */
	char		 path[NETDEV_PATH_MAX];
	struct listener	 l;		/* of a stream socket */
	int		 fd;		/* of a datagram socket */
	ev_io		 io;
};

/*
 * A sender address on a datagram socket: a port, or a port cut off by
 * switchctl disconnect (p NULL), which stays out until its socket goes.
 */
struct ndpeer {
	LIST_ENTRY(ndpeer) entry;
	struct ndsock	*s;
	struct port	*p;
	/* The socket file it had: an inode number is soon used again. */
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 ctim;
	pid_t		 pid;		/* who sent its first frame */
	char		 path[NETDEV_PATH_MAX];
};

struct netdev {
	struct sw	*sw;
	struct ev_loop	*loop;
	/* DIR/stream, DIR/dgram, DIR/vhost, then ports' own */
	struct ndsock	*socks;
	uint32_t	 nsocks;
	/* Peers by address, a keyed hash: the addresses are the peers'. */
	LIST_HEAD(, ndpeer) peers[NETDEV_BUCKETS];
	unsigned char	 key[crypto_shorthash_KEYBYTES];
	ev_timer	 check_w;
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
	if (port_admit(sw, fd, s->kind) == -1) {
		netdev_refuse(s, &who.w, "the memory budget is spent");
		close(fd);
		return;
	}
	p = s->kind == PORT_VHOST ? vhost_new(sw, (uint16_t)num, fd) :
	    port_new(sw, (uint16_t)num, PORT_STREAM, fd);
	if (p == NULL) {
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

/* The peers that came to socket s from path. */
static struct ndpeer *
netdev_peer_find(struct ndsock *s, const char *path)
{
	struct netdev *nd = s->nd;
	unsigned char h[crypto_shorthash_BYTES];
	struct ndpeer *pr;
	uint64_t v;

	crypto_shorthash(h, (const unsigned char *)path, strlen(path),
	    nd->key);
	memcpy(&v, h, sizeof(v));
	LIST_FOREACH(pr, &nd->peers[v % NETDEV_BUCKETS], entry)
		if (pr->s == s && strcmp(pr->path, path) == 0)
			return pr;
	return NULL;
}

static void
netdev_peer_add(struct netdev *nd, struct ndpeer *pr)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, (const unsigned char *)pr->path,
	    strlen(pr->path), nd->key);
	memcpy(&v, h, sizeof(v));
	LIST_INSERT_HEAD(&nd->peers[v % NETDEV_BUCKETS], pr, entry);
}

/*
 * A datagram port ends: its address is forgotten, unless switchctl cut
 * it off, when it stays out for as long as its socket is there.
 */
static void
netdev_peer_gone(struct port *p)
{
	struct ndpeer *pr = p->owner;

	pr->p = NULL;
	if (p->cut)
		return;
	LIST_REMOVE(pr, entry);
	free(pr);
}

/* The switch's group, by name where it has one. */
static const char *
netdev_group(char *buf, size_t len)
{
	struct group *gr;

	if ((gr = getgrgid(getegid())) != NULL)
		snprintf(buf, len, "%s", gr->gr_name);
	else
		snprintf(buf, len, "%ld", (long)getegid());
	return buf;
}

/* A peer's supplementary groups, from /proc: datagrams carry none. */
static int
netdev_groups(pid_t pid, gid_t *groups, int max)
{
	char path[64], line[4096], *s, *end;
	unsigned long g;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (s = line + 7; n < max; s = end) {
			errno = 0;
			g = strtoul(s, &end, 10);
			if (end == s || errno != 0 || g > (gid_t)-2)
				break;
			groups[n++] = (gid_t)g;
		}
		break;
	}
	fclose(f);
	return n;
}

/*
 * The sender's socket, opened once without following a link and checked
 * (a socket, the sender's own), then connected to through the
 * descriptor: a name swapped meanwhile changes nothing.  Replies go out
 * of a socket of the port's own, so that one slow reader fills no
 * buffer but its own.  The port's descriptor, or -1 with why.
 */
static int
netdev_dgram_open(struct netdev *nd, const char *path, uid_t uid,
    struct ndpeer *pr, char *why, size_t len)
{
	struct sockaddr_un sun;
	struct stat st;
	char gname[64];
	int pfd, fd;

	if ((pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return util_err(why, len, "cannot open its socket %s: %s",
		    path, strerror(errno));
	if (fstat(pfd, &st) == -1)
		util_err(why, len, "cannot stat its socket %s: %s", path,
		    strerror(errno));
	else if (!S_ISSOCK(st.st_mode))
		util_err(why, len, "its address %s is not a socket", path);
	else if (uid != 0 && st.st_uid != uid)
		util_err(why, len, "its socket %s belongs to another user",
		    path);
	else
		goto open;
	close(pfd);
	return -1;
open:
	pr->dev = st.st_dev;
	pr->ino = st.st_ino;
	pr->ctim = st.st_ctim;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		util_err(why, len, "socket: %s", strerror(errno));
		close(pfd);
		return -1;
	}
	if (port_admit(nd->sw, fd, PORT_DGRAM) == -1) {
		util_err(why, len, "the memory budget is spent");
		goto fail;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/proc/self/fd/%d", pfd);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EACCES)
			util_err(why, len, "the switch may not write to its "
			    "socket %s: give it group %s, the switch's, and "
			    "let that group write it (umask 007)", path,
			    netdev_group(gname, sizeof(gname)));
		else
			util_err(why, len, "cannot reach its socket %s: %s",
			    path, strerror(errno));
		goto fail;
	}
	close(pfd);
	return fd;
fail:
	close(fd);
	close(pfd);
	return -1;
}

/* The first frame from a sender address: a port, or refused. */
static struct port *
netdev_dgram_new(struct ndsock *s, const char *path, const struct ucred *cred)
{
	struct netdev *nd = s->nd;
	struct ndpeer *pr;
	struct ndwho who;
	struct port *p;
	char why[256];
	int num, fd;

	memset(&who, 0, sizeof(who));
	who.w.uid = cred->uid;
	who.w.gid = cred->gid;
	who.w.pid = cred->pid;
	who.w.groups = who.groups;
	who.w.ngroups = netdev_groups(cred->pid, who.groups,
	    NETDEV_GROUPS_MAX);
	if (path[0] != '/') {
		netdev_refuse(s, &who.w, "its address %s is not an absolute "
		    "path", path);
		return NULL;
	}
	if ((num = netdev_pick(s, &who.w, why, sizeof(why))) == -1) {
		netdev_refuse(s, &who.w, "%s", why);
		return NULL;
	}
	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		netdev_refuse(s, &who.w, "out of memory");
		return NULL;
	}
	if ((fd = netdev_dgram_open(nd, path, cred->uid, pr, why,
	    sizeof(why))) == -1) {
		free(pr);
		netdev_refuse(s, &who.w, "%s", why);
		return NULL;
	}
	if ((p = port_new(nd->sw, (uint16_t)num, PORT_DGRAM, fd)) == NULL) {
		close(fd);
		free(pr);
		netdev_refuse(s, &who.w, "out of memory");
		return NULL;
	}
	pr->s = s;
	pr->p = p;
	pr->pid = cred->pid;
	snprintf(pr->path, sizeof(pr->path), "%s", path);
	netdev_peer_add(nd, pr);
	p->owner = pr;
	p->gone = netdev_peer_gone;
	p->uid = cred->uid;
	p->gid = cred->gid;
	p->pid = cred->pid;
	snprintf(p->descr, sizeof(p->descr), "%s", path);
	port_start(p);
	return p;
}

/* Which port a datagram is from (port_dgram_rx()): NULL drops it. */
static struct port *
netdev_from(void *arg, const struct sockaddr_un *sun, socklen_t len,
    const struct ucred *cred)
{
	struct ndsock *s = arg;
	struct attach_who w;
	struct ndpeer *pr;
	char path[NETDEV_PATH_MAX];
	size_t n;

	memset(&w, 0, sizeof(w));
	if (cred != NULL) {
		w.uid = cred->uid;
		w.pid = cred->pid;
	}
	n = len > offsetof(struct sockaddr_un, sun_path) ?
	    len - offsetof(struct sockaddr_un, sun_path) : 0;
	if (n == 0 || sun->sun_path[0] == '\0') {
		netdev_refuse(s, &w, "it sends from a socket with no name "
		    "(unbound, or abstract): what is for it could not reach "
		    "it");
		return NULL;
	}
	if (n >= sizeof(path))
		n = sizeof(path) - 1;
	memcpy(path, sun->sun_path, n);
	path[n] = '\0';
	pr = netdev_peer_find(s, path);
	/* Another process at an address cut off has made a socket anew. */
	if (pr != NULL && pr->p == NULL && cred != NULL &&
	    cred->pid != pr->pid) {
		LIST_REMOVE(pr, entry);
		free(pr);
		pr = NULL;
	}
	if (pr != NULL) {
		if (pr->p == NULL)
			netdev_refuse(s, &w, "%s was disconnected by "
			    "switchctl: its frames are dropped until its "
			    "socket goes", path);
		return pr->p;
	}
	if (cred == NULL) {
		netdev_refuse(s, &w, "no credentials came with its frame");
		return NULL;
	}
	return netdev_dgram_new(s, path, cred);
}

static void
netdev_dgram_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ndsock *s = container_of(w, struct ndsock, io);

	(void)loop;
	(void)revents;
	port_dgram_rx(s->nd->sw, s->fd, netdev_from, s);
}

/*
 * Whether a peer's socket is still the one it sent from: there, the same
 * file, and someone listening on it.  Only a peer silent for a while is
 * probed: one that sends is alive.
 */
static const char *
netdev_peer_lost(const struct ndpeer *pr, uint32_t now)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, r, e;

	if (lstat(pr->path, &st) == -1 && errno == ENOENT)
		return "its socket is gone";
	if (st.st_dev != pr->dev || st.st_ino != pr->ino ||
	    st.st_ctim.tv_sec != pr->ctim.tv_sec ||
	    st.st_ctim.tv_nsec != pr->ctim.tv_nsec)
		return "its socket was replaced";
	if (pr->p == NULL || now - pr->p->lastrx < 2)
		return NULL;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return NULL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", pr->path);
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	close(fd);
	return r == -1 && e == ECONNREFUSED ? "its socket is closed" : NULL;
}

/*
 * Once a second: a datagram port ends when its socket goes, or after
 * the aging time without a frame; a peer cut off is forgotten once its
 * socket goes.
 */
static void
netdev_check_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct netdev *nd = container_of(w, struct netdev, check_w);
	uint32_t i, now = sw_now(), aging = nd->sw->conf->aging;
	struct ndpeer *pr, *next;
	const char *why;

	(void)loop;
	(void)revents;
	for (i = 0; i < NETDEV_BUCKETS; i++)
		for (pr = LIST_FIRST(&nd->peers[i]); pr != NULL; pr = next) {
			next = LIST_NEXT(pr, entry);
			why = netdev_peer_lost(pr, now);
			if (why == NULL && pr->p != NULL && aging != 0 &&
			    now - pr->p->lastrx >= aging)
				why = "no frame for the aging time";
			if (why == NULL)
				continue;
			if (pr->p == NULL) {
				LIST_REMOVE(pr, entry);
				free(pr);
				continue;
			}
			sw_log_attach(nd->sw, "%s: detached: %s",
			    port_name(pr->p), why);
			port_free(pr->p);
		}
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
	int type = kind == PORT_DGRAM ? SOCK_DGRAM : SOCK_STREAM, fd;

	if (strlen(path) >= sizeof(s->path))
		return util_err(err, len, "%s: path too long", path);
	if (sockdir_clear_type(dirfd, path, type, err, len) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return util_err(err, len, "%s: %s", path, strerror(errno));
	/* Who sent each datagram, from the kernel. */
	if (type == SOCK_DGRAM && setsockopt(fd, SOL_SOCKET, SO_PASSCRED,
	    &(int){ 1 }, sizeof(int)) == -1) {
		close(fd);
		return util_err(err, len, "%s: SO_PASSCRED: %s", path,
		    strerror(errno));
	}
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
	s->l.fd = -1;
	s->fd = -1;
	if (type == SOCK_STREAM)
		listener_init(&s->l, nd->loop, fd, NETDEV_RESERVE, s->path,
		    netdev_accept_cb);
	else {
		s->fd = fd;
		ev_io_init(&s->io, netdev_dgram_cb, fd, EV_READ);
	}
	nd->nsocks++;
	return 0;
}

/*
 * Port num's own socket (switchd.conf(5): port N stream|dgram PATH): its
 * user's and group's alone when it has them, else as DIR/ctl is.
 */
static int
netdev_pinned(struct netdev *nd, uint32_t num, mode_t mode, uid_t owner,
    gid_t group, char *err, size_t len)
{
	const struct conf_port *cp = &nd->sw->conf->port[num];
	const char *kind = conf_sock_name(cp->sock);
	char why[512];
	int dirfd, r;

	if (cp->uid != (uid_t)-1 || cp->gid != (gid_t)-1) {
		mode = cp->gid != (gid_t)-1 ? 0660 : 0600;
		if (cp->uid != (uid_t)-1)
			owner = cp->uid;
		if (cp->gid != (gid_t)-1)
			group = cp->gid;
	}
	if ((dirfd = sockdir_parent(cp->sockpath, why, sizeof(why))) == -1)
		return util_err(err, len, "port %u %s: %s", num, kind, why);
	r = netdev_sock(nd, dirfd, cp->sock == CONF_SOCK_STREAM ? PORT_STREAM :
	    cp->sock == CONF_SOCK_DGRAM ? PORT_DGRAM : PORT_VHOST, (int)num,
	    cp->sockpath, mode, owner, group, why, sizeof(why));
	close(dirfd);
	if (r == -1)
		return util_err(err, len, "port %u %s: %s", num, kind, why);
	return 0;
}

/*
 * The privileged part: DIR/stream and DIR/dgram, in DIR (dirfd), with
 * the mode, owner and group of DIR/ctl, and the sockets of single ports
 * that the configuration names.  Nothing is read before netdev_start().
 */
struct netdev *
netdev_new(struct sw *sw, int dirfd, const char *dir, mode_t mode,
    uid_t owner, gid_t group, char *err, size_t len)
{
	struct netdev *nd = NULL;
	char path[NETDEV_PATH_MAX];
	uint32_t i, n = NETDEV_SHARED;

	for (i = 1; i < sw->conf->nports; i++)
		n += sw->conf->port[i].sock != CONF_SOCK_NONE;
	if (sodium_init() == -1 || (nd = calloc(1, sizeof(*nd))) == NULL ||
	    (nd->socks = calloc(n, sizeof(*nd->socks))) == NULL) {
		free(nd);
		util_err(err, len, "out of memory");
		return NULL;
	}
	nd->sw = sw;
	nd->loop = sw->loop;
	crypto_shorthash_keygen(nd->key);
	for (i = 0; i < NETDEV_BUCKETS; i++)
		LIST_INIT(&nd->peers[i]);
	ev_timer_init(&nd->check_w, netdev_check_cb, NETDEV_CHECK,
	    NETDEV_CHECK);
	for (i = 0; i < NETDEV_SHARED; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    netdev_names[i]) >= sizeof(path)) {
			util_err(err, len, "socket directory %s: path too "
			    "long", dir);
			netdev_free(nd);
			return NULL;
		}
		if (netdev_sock(nd, dirfd, netdev_kinds[i], -1, path, mode,
		    owner, group, err, len) == -1) {
			netdev_free(nd);
			return NULL;
		}
	}
	for (i = 1; i < sw->conf->nports; i++)
		if (sw->conf->port[i].sock != CONF_SOCK_NONE &&
		    netdev_pinned(nd, i, mode, owner, group, err, len) == -1) {
			netdev_free(nd);
			return NULL;
		}
	return nd;
}

/*
 * Once switchd runs as its user: a port's own socket in a directory that
 * user may not write to cannot be removed at exit.  It is replaced at
 * the next start, so this is said, not refused.
 */
void
netdev_check(const struct netdev *nd)
{
	const struct ndsock *s;
	char dir[NETDEV_PATH_MAX];
	uint32_t i;

	for (i = NETDEV_SHARED; i < nd->nsocks; i++) {
		s = &nd->socks[i];
		snprintf(dir, sizeof(dir), "%.*s", (int)(sockdir_name(s->path) -
		    s->path - 1), s->path);
		if (dir[0] == '\0')
			snprintf(dir, sizeof(dir), "/");
		if (access(dir, W_OK | X_OK) == 0)
			continue;
		log_warnx("port %d %s %s: the user switchd runs as (uid %ld) "
		    "may not write to %s, so the socket stays there when the "
		    "switch exits (and is replaced when it starts)", s->pin,
		    conf_sock_name(nd->sw->conf->port[s->pin].sock), s->path,
		    (long)geteuid(), dir);
	}
}

void
netdev_start(struct netdev *nd)
{
	uint32_t i;

	for (i = 0; i < nd->nsocks; i++)
		if (nd->socks[i].kind != PORT_DGRAM)
			listener_start(&nd->socks[i].l);
		else
			ev_io_start(nd->loop, &nd->socks[i].io);
	ev_timer_start(nd->loop, &nd->check_w);
}

void
netdev_free(struct netdev *nd)
{
	struct ndsock *s;
	struct ndpeer *pr;
	uint32_t i;

	if (nd == NULL)
		return;
	ev_timer_stop(nd->loop, &nd->check_w);
	/* The ports went first: what is left was cut off by switchctl. */
	for (i = 0; i < NETDEV_BUCKETS; i++)
		while ((pr = LIST_FIRST(&nd->peers[i])) != NULL) {
			LIST_REMOVE(pr, entry);
			free(pr);
		}
	for (i = 0; i < nd->nsocks; i++) {
		s = &nd->socks[i];
		listener_close(&s->l);
		if (s->fd != -1) {
			ev_io_stop(nd->loop, &s->io);
			close(s->fd);
		}
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
	return nd->socks[1].path;
}

const char *
netdev_vhost_path(const struct netdev *nd)
{
	return nd->socks[2].path;
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
