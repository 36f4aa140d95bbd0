/* SPDX-License-Identifier: ISC */
/*
 * The port over IPv4 UDP multicast, as QEMU's -netdev socket,mcast= and
 * -netdev dgram: one raw frame per datagram, sent to GROUP:PORT, heard
 * by every member on the group, ourselves included.
 *
 * We send from a socket of our own, bound to an ephemeral port, and
 * receive on another bound to the group. A datagram whose source is our
 * sending socket's address is our own frame coming back, and is ignored;
 * any other member, even one on this host using PORT as its source
 * (QEMU does), has a different source address.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"

#include "switchplug.h"
#include "vdeconn.h"

#define MCAST_BURST	64	/* datagrams read per wakeup */
#define MCAST_SOCKBUF	(1024 * 1024)

static struct {
	struct ev_loop		*loop;
	char			 name[80];
	int			 rxfd, txfd;
	struct sockaddr_in	 group;
	struct sockaddr_in	 self;	/* where our datagrams come from */
	ev_io			 w;
	struct vdeconn		*vc;
	struct log_ratelim	 giant_rl, rx_rl, tx_rl;
	struct {
		uint64_t	 rx, own, giants, tx, txdrops;
	}			 st;
} mc = { .rxfd = -1, .txfd = -1 };

static void
mcast_warn(struct log_ratelim *rl, const char *what, const char *detail)
{
	int	 n;

	if ((n = log_ratelim(rl, ev_now(mc.loop), 1.0)) == 0)
		return;
	log_warnx("%s: %s%s%s%s", mc.name, what, detail ? ": " : "",
	    detail ? detail : "", n > 1 ? " (and others not logged)" : "");
}

static void
mcast_from_switch(void *arg, const unsigned char *f, size_t len)
{
	(void)arg;
	if (send(mc.txfd, f, len, MSG_DONTWAIT) == (ssize_t)len) {
		mc.st.tx++;
		return;
	}
	/* Datagrams may be lost anyway: drop rather than queue. */
	mc.st.txdrops++;
	if (errno != EAGAIN && errno != ENOBUFS)
		mcast_warn(&mc.tx_rl, "send", strerror(errno));
}

static void
mcast_drained(void *arg)
{
	(void)arg;
	ev_io_start(mc.loop, &mc.w);
}

static void
mcast_stats(void *arg)
{
	(void)arg;
	log_info("%s: in %" PRIu64 " datagrams, %" PRIu64 " of them our own, %"
	    PRIu64 " too long; out %" PRIu64 ", %" PRIu64 " dropped", mc.name,
	    mc.st.rx, mc.st.own, mc.st.giants, mc.st.tx, mc.st.txdrops);
}

static const struct vdeconn_cb mcast_vdeconn_cb = {
	.frame = mcast_from_switch,
	.drained = mcast_drained,
	.stats = mcast_stats,
};

static void
mcast_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	static unsigned char	 buf[FRAME_MAX];
	struct sockaddr_in	 from;
	socklen_t		 len;
	ssize_t			 n;
	int			 i;

	(void)revents;
	for (i = 0; i < MCAST_BURST; i++) {
		if (vdeconn_busy(mc.vc)) {
			/* mcast_drained() resumes. */
			ev_io_stop(loop, w);
			return;
		}
		len = sizeof(from);
		n = recvfrom(mc.rxfd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&from, &len);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				mcast_warn(&mc.rx_rl, "receive",
				    strerror(errno));
			return;
		}
		mc.st.rx++;
		if (len >= sizeof(from) && from.sin_family == AF_INET &&
		    from.sin_port == mc.self.sin_port &&
		    from.sin_addr.s_addr == mc.self.sin_addr.s_addr) {
			mc.st.own++;
			continue;
		}
		if (n > FRAME_MAX) {
			mc.st.giants++;
			mcast_warn(&mc.giant_rl, "datagram longer than a frame "
			    "dropped", NULL);
			continue;
		}
		vdeconn_send(mc.vc, buf, (size_t)n);
	}
}

static void
mcast_parse(const struct plug_opts *o, struct in_addr *ifaddr)
{
	char		 host[256], port[32], *end;
	unsigned long	 p;

	if (switchplug_hostport(o->addr, host, sizeof(host), port,
	    sizeof(port)) == -1 || host[0] == '\0')
		fatalx("-m: '%s' is not group:port", o->addr);
	memset(&mc.group, 0, sizeof(mc.group));
	mc.group.sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &mc.group.sin_addr) != 1 ||
	    !IN_MULTICAST(ntohl(mc.group.sin_addr.s_addr)))
		fatalx("-m: '%s' is not an IPv4 multicast group", host);
	p = strtoul(port, &end, 10);
	if (*end != '\0' || p == 0 || p > 65535)
		fatalx("-m: '%s' is not a port number", port);
	mc.group.sin_port = htons((uint16_t)p);
	ifaddr->s_addr = htonl(INADDR_ANY);
	if (o->ifaddr != NULL && inet_pton(AF_INET, o->ifaddr, ifaddr) != 1)
		fatalx("-I: '%s' is not an IPv4 address", o->ifaddr);
}

/* Bound to the group itself: unicast to PORT is not for us. */
static void
mcast_rx_socket(struct in_addr ifaddr)
{
	struct ip_mreq	 mreq;
	int		 on = 1, sz = MCAST_SOCKBUF;

	mc.rxfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (mc.rxfd == -1)
		fatal("%s: socket", mc.name);
	/* Other members on this host (QEMU, switchplug) bind it as well. */
	if (setsockopt(mc.rxfd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == -1)
		fatal("%s: SO_REUSEADDR", mc.name);
	(void)setsockopt(mc.rxfd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(mc.rxfd, (struct sockaddr *)&mc.group,
	    sizeof(mc.group)) == -1)
		fatal("%s: bind", mc.name);
	mreq.imr_multiaddr = mc.group.sin_addr;
	mreq.imr_interface = ifaddr;
	if (setsockopt(mc.rxfd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
	    sizeof(mreq)) == -1)
		fatal("%s: joining the group", mc.name);
}

/*
 * Connected to the group, so the kernel picks (and getsockname tells)
 * the source address our datagrams carry.
 */
static void
mcast_tx_socket(struct in_addr ifaddr, int ttl)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(mc.self);
	unsigned char		 loop = 1, t = (unsigned char)ttl;
	int			 sz = MCAST_SOCKBUF;

	mc.txfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (mc.txfd == -1)
		fatal("%s: socket", mc.name);
	if (setsockopt(mc.txfd, IPPROTO_IP, IP_MULTICAST_TTL, &t,
	    sizeof(t)) == -1)
		fatal("%s: TTL %d", mc.name, ttl);
	/* Members on this host hear us through the loopback. */
	if (setsockopt(mc.txfd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
	    sizeof(loop)) == -1)
		fatal("%s: IP_MULTICAST_LOOP", mc.name);
	if (ifaddr.s_addr != htonl(INADDR_ANY) &&
	    setsockopt(mc.txfd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
	    sizeof(ifaddr)) == -1)
		fatal("%s: interface %s", mc.name, inet_ntoa(ifaddr));
	(void)setsockopt(mc.txfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = ifaddr;
	if (bind(mc.txfd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		fatal("%s: bind %s", mc.name, inet_ntoa(ifaddr));
	if (connect(mc.txfd, (struct sockaddr *)&mc.group,
	    sizeof(mc.group)) == -1)
		fatal("%s: no route to the group (try -I)", mc.name);
	if (getsockname(mc.txfd, (struct sockaddr *)&mc.self, &len) == -1)
		fatal("%s: getsockname", mc.name);
}

void
mcast_start(struct ev_loop *loop, const struct plug_opts *o)
{
	struct in_addr	 ifaddr;
	int		 fail;

	mc.loop = loop;
	snprintf(mc.name, sizeof(mc.name), "mcast %s", o->addr);
	mcast_parse(o, &ifaddr);
	mcast_rx_socket(ifaddr);
	mcast_tx_socket(ifaddr, o->ttl);
	if ((mc.vc = vdeconn_open(loop, o, mc.name, &mcast_vdeconn_cb, NULL,
	    &fail)) == NULL)
		exit(1);
	ev_io_init(&mc.w, mcast_read_cb, mc.rxfd, EV_READ);
	ev_io_start(loop, &mc.w);
	log_info("%s: joined, sending from %s:%u with TTL %d", mc.name,
	    inet_ntoa(mc.self.sin_addr), ntohs(mc.self.sin_port), o->ttl);
}

void
mcast_stop(void)
{
	if (mc.loop == NULL)
		return;
	ev_io_stop(mc.loop, &mc.w);
	vdeconn_close(mc.vc);
	mc.vc = NULL;
	close(mc.rxfd);
	close(mc.txfd);
	mc.rxfd = mc.txfd = -1;
}
