/* SPDX-License-Identifier: ISC */
/*
 * The port over TCP with QEMU's 4-byte framing (-netdev socket or
 * stream). Listening, every connection is a port of its own, attached
 * when it arrives and freed when it goes. Connecting, the port stays
 * while the connection is remade, with a growing delay, as often as it
 * breaks.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"

#include "session.h"
#include "switchplug.h"

#define TCP_CONNS_MAX	64	/* connections (ports) at once, listening */
#define TCP_RESERVE	4	/* descriptors kept free when accepting */
#define TCP_STABLE	10.0	/* seconds up before the delay starts over */
#define TCP_LISTEN_DEFAULT "127.0.0.1"	/* -l port: this host alone */

struct tcp_conn {
	LIST_ENTRY(tcp_conn)	 entry;
	int			 fd;
	char			 name[112];
	struct session		 s;
};

static struct {
	struct ev_loop		*loop;
	const struct plug_opts	*o;
	struct listener		 l;
	LIST_HEAD(, tcp_conn)	 conns;
	int			 nconns;
} srv = { .l.fd = -1 };

static struct {
	struct ev_loop		*loop;
	const struct plug_opts	*o;
	char			 host[256];
	char			 port[32];
	char			 name[300];
	struct addrinfo		*res;
	struct addrinfo		*cur;
	int			 fd;
	int			 err;		/* last connect error */
	ev_io			 w;
	ev_timer		 retry_w;
	double			 backoff;
	double			 since;		/* when connected */
	struct session		 s;
} cli = { .fd = -1 };

static void
tcp_sockopts(int fd)
{
	int	 on = 1;

	/* Frames are whole messages: no waiting to fill a segment. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/* A peer that vanished without a word is noticed, eventually. */
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
}

static void
tcp_addrstr(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	char	 host[INET6_ADDRSTRLEN + 20], serv[8];
	int	 n;

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		n = snprintf(buf, size, "?");
	else if (sa->sa_family == AF_INET6)
		n = snprintf(buf, size, "[%s]:%s", host, serv);
	else
		n = snprintf(buf, size, "%s:%s", host, serv);
	(void)n;	/* numeric addresses fit; a cut one is only a log */
}

static const char *
tcp_how(int how)
{
	switch (how) {
	case LINK_EOF:
		return "closed by the peer";
	case LINK_FRAMING:
		return "closed on a bad frame length";
	default:
		return "lost (I/O error)";
	}
}

/* Listening. */

static void
tcp_conn_free(struct tcp_conn *c)
{
	link_free(c->s.lk);
	vdeconn_close(c->s.vc);
	close(c->fd);
	LIST_REMOVE(c, entry);
	free(c);
	if (srv.nconns-- == TCP_CONNS_MAX)
		listener_hold(&srv.l, 0);
}

static void
tcp_conn_ended(struct session *s, int how)
{
	struct tcp_conn	*c = container_of(s, struct tcp_conn, s);

	log_info("%s: connection %s; port released", c->name, tcp_how(how));
	tcp_conn_free(c);
}

static void
tcp_accept_cb(struct listener *l, int fd, const struct sockaddr *sa,
    socklen_t len)
{
	struct ev_loop		*loop = l->loop;
	struct tcp_conn		*c;
	struct link		*lk;
	char			 peer[96];
	int			 fail;

	tcp_addrstr(sa, len, peer, sizeof(peer));
	if (srv.nconns >= TCP_CONNS_MAX) {
		log_warnx("tcp %s: refused, already %d connections", peer,
		    TCP_CONNS_MAX);
		close(fd);
		return;
	}
	tcp_sockopts(fd);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	c->fd = fd;
	snprintf(c->name, sizeof(c->name), "tcp %s", peer);
	c->s.ended = tcp_conn_ended;
	c->s.vc = vdeconn_open(loop, srv.o, c->name, &session_vdeconn_cb,
	    &c->s, &fail);
	if (c->s.vc == NULL) {
		if (fail == VDECONN_ABSENT)
			fatalx("%s: the switch is gone; exiting", c->name);
		log_warnx("%s: connection closed, no port for it", c->name);
		close(fd);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&srv.conns, c, entry);
	if (++srv.nconns == TCP_CONNS_MAX)
		listener_hold(l, 1);
	log_info("%s: connected", c->name);
	lk = link_new(loop, fd, fd, 4, c->name, &session_link_cb, &c->s);
	session_link(&c->s, lk);
}

static int
tcp_bind(struct addrinfo *ai)
{
	int	 fd, on = 1, off = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* "[::]:port" takes IPv4 too. */
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 16) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The first address of host:port that takes a listening socket. */
static int
tcp_listen_on(const char *host, const char *port, char *name, size_t size)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, rc, err = EADDRNOTAVAIL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		fatalx("-l %s:%s: %s", host, port, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = tcp_bind(ai)) != -1) {
			tcp_addrstr(ai->ai_addr, ai->ai_addrlen, name, size);
			break;
		}
		err = errno;
	}
	freeaddrinfo(res);
	errno = err;
	return fd;
}

void
tcp_listen_start(struct ev_loop *loop, const struct plug_opts *o)
{
	struct stat	 st;
	char		 host[256], port[32], name[300], ctl[PATH_MAX + 8];
	int		 fd;

	errno = 0;
	if (switchplug_hostport(o->addr, host, sizeof(host), port,
	    sizeof(port)) == -1)
		fatalx("-l: '%s' is not [addr:]port", o->addr);
	/* Connections come later: say now if the switch is not there. */
	if (!o->reconnect) {
		snprintf(ctl, sizeof(ctl), "%s/ctl", o->dir);
		if (stat(ctl, &st) == -1 || !S_ISSOCK(st.st_mode))
			fatalx("no switch at %s (%s: %s)", o->dir, ctl,
			    errno ? strerror(errno) : "not a socket");
	}
	/*
	 * Whoever connects gets a port on the switch, unasked: other hosts
	 * only when an address says so.
	 */
	fd = tcp_listen_on(host[0] != '\0' ? host : TCP_LISTEN_DEFAULT, port,
	    name, sizeof(name));
	if (fd == -1)
		fatal("-l %s: listen", o->addr);
	srv.loop = loop;
	srv.o = o;
	LIST_INIT(&srv.conns);
	/* A connection needs two descriptors more, for its switch port. */
	listener_init(&srv.l, loop, fd, TCP_RESERVE, "tcp", tcp_accept_cb);
	listener_start(&srv.l);
	log_info("tcp: listening on %s for %s", name, o->dir);
}

/* Connecting. */

static void	tcp_try(void);

static void
tcp_retry_later(void)
{
	cli.backoff = switchplug_backoff(cli.backoff);
	log_warnx("%s: %s; connecting again in %.2gs", cli.name,
	    cli.err ? strerror(cli.err) : "no address", cli.backoff);
	ev_timer_set(&cli.retry_w, cli.backoff, 0.);
	ev_timer_start(cli.loop, &cli.retry_w);
}

static void
tcp_cli_ended(struct session *s, int how)
{
	(void)s;
	session_unlink(&cli.s);
	close(cli.fd);
	cli.fd = -1;
	if (ev_now(cli.loop) - cli.since >= TCP_STABLE)
		cli.backoff = 0;
	cli.err = 0;
	cli.backoff = switchplug_backoff(cli.backoff);
	log_warnx("%s: connection %s; connecting again in %.2gs", cli.name,
	    tcp_how(how), cli.backoff);
	ev_timer_set(&cli.retry_w, cli.backoff, 0.);
	ev_timer_start(cli.loop, &cli.retry_w);
}

static void
tcp_connected(void)
{
	struct link	*lk;

	ev_io_stop(cli.loop, &cli.w);
	freeaddrinfo(cli.res);
	cli.res = cli.cur = NULL;
	cli.since = ev_now(cli.loop);
	tcp_sockopts(cli.fd);
	log_info("%s: connected", cli.name);
	lk = link_new(cli.loop, cli.fd, cli.fd, 4, cli.name, &session_link_cb,
	    &cli.s);
	session_link(&cli.s, lk);
}

static void
tcp_connect_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	socklen_t	 len = sizeof(cli.err);

	(void)loop;
	(void)w;
	(void)revents;
	if (getsockopt(cli.fd, SOL_SOCKET, SO_ERROR, &cli.err, &len) == -1)
		cli.err = errno;
	if (cli.err == 0) {
		tcp_connected();
		return;
	}
	ev_io_stop(cli.loop, &cli.w);
	close(cli.fd);
	cli.fd = -1;
	cli.cur = cli.cur->ai_next;
	tcp_try();
}

/* Tries the addresses in turn; when none answers, waits and starts over. */
static void
tcp_try(void)
{
	struct addrinfo	 hints;
	int		 rc;

	if (cli.res == NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICSERV;
		if ((rc = getaddrinfo(cli.host, cli.port, &hints,
		    &cli.res)) != 0) {
			log_warnx("%s: %s", cli.name, gai_strerror(rc));
			cli.res = NULL;
			cli.err = 0;
			tcp_retry_later();
			return;
		}
		cli.cur = cli.res;
	}
	for (; cli.cur != NULL; cli.cur = cli.cur->ai_next) {
		cli.fd = socket(cli.cur->ai_family, cli.cur->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, cli.cur->ai_protocol);
		if (cli.fd == -1) {
			cli.err = errno;
			continue;
		}
		if (connect(cli.fd, cli.cur->ai_addr,
		    cli.cur->ai_addrlen) == 0) {
			tcp_connected();
			return;
		}
		if (errno == EINPROGRESS) {
			ev_io_set(&cli.w, cli.fd, EV_WRITE);
			ev_io_start(cli.loop, &cli.w);
			return;
		}
		cli.err = errno;
		close(cli.fd);
		cli.fd = -1;
	}
	freeaddrinfo(cli.res);
	cli.res = cli.cur = NULL;
	tcp_retry_later();
}

static void
tcp_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	tcp_try();
}

void
tcp_connect_start(struct ev_loop *loop, const struct plug_opts *o)
{
	int	 fail;

	if (switchplug_hostport(o->addr, cli.host, sizeof(cli.host), cli.port,
	    sizeof(cli.port)) == -1 || cli.host[0] == '\0')
		fatalx("-c: '%s' is not host:port", o->addr);
	cli.loop = loop;
	cli.o = o;
	snprintf(cli.name, sizeof(cli.name), "tcp %s", o->addr);
	cli.s.ended = tcp_cli_ended;
	cli.s.vc = vdeconn_open(loop, o, cli.name, &session_vdeconn_cb,
	    &cli.s, &fail);
	if (cli.s.vc == NULL)
		exit(1);
	ev_io_init(&cli.w, tcp_connect_cb, -1, EV_WRITE);
	ev_timer_init(&cli.retry_w, tcp_retry_cb, 0., 0.);
	tcp_try();
}

void
tcp_stop(void)
{
	struct tcp_conn	*c;

	while ((c = LIST_FIRST(&srv.conns)) != NULL)
		tcp_conn_free(c);
	listener_close(&srv.l);
	if (cli.loop != NULL) {
		ev_io_stop(cli.loop, &cli.w);
		ev_timer_stop(cli.loop, &cli.retry_w);
		if (cli.s.lk != NULL)
			link_free(cli.s.lk);
		cli.s.lk = NULL;
		vdeconn_close(cli.s.vc);
		cli.s.vc = NULL;
		if (cli.fd != -1)
			close(cli.fd);
		cli.fd = -1;
		if (cli.res != NULL)
			freeaddrinfo(cli.res);
		cli.res = NULL;
	}
}
