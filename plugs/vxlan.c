/* SPDX-License-Identifier: ISC */
/*
 * The port over VXLAN (RFC 7348), which Linux's vxlan devices, Open
 * vSwitch and hypervisors speak: each frame in a UDP datagram after an
 * 8-byte header naming the network (the VNI). Flooded frames (broadcast,
 * multicast, addresses not yet learned) go to a multicast group, or to
 * each peer of a list, once; a frame for an address learned goes to the
 * one endpoint it was heard from. The header, the endpoints and the
 * table are vtep.c's: this file moves datagrams.
 *
 * One socket, bound to the destination port on every address, receives
 * from the group and from peers alike. Sending, the UDP source port is
 * chosen by a hash of the inner flow, so that receivers spread flows
 * over their queues (RSS). A UDP socket cannot choose its source port
 * datagram by datagram: up to VXLAN_TXSOCKS sockets are bound to ports
 * spread over the range, and the hash picks one. They are never read:
 * a filter drops whatever comes to them.
 *
 * Datagrams are never fragmented (the RFC forbids it): one that does
 * not fit the path is refused by the kernel, counted and logged.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdb.h"
#include "frame.h"
#include "log.h"

#include "switchplug.h"
#include "vdeconn.h"
#include "vtep.h"

#define VXLAN_BURST	64		/* datagrams read per wakeup */
#define VXLAN_DGRAM	(VXLAN_HDRLEN + FRAME_MAX)
#define VXLAN_TXSOCKS	16		/* source ports, at most */
#define VXLAN_RCVBUF	(4 * 1024 * 1024)
#define VXLAN_SNDBUF	(1024 * 1024)

/* Kinds of trouble, each logged at its own pace. */
enum vxlan_warn {
	VXLAN_W_RX = VTEP_RX_NKINDS,	/* after vtep_rx's kinds */
	VXLAN_W_LEARN,
	VXLAN_W_BIG,
	VXLAN_W_TX,
	VXLAN_W_NKINDS
};

static struct {
	struct ev_loop		*loop;
	const struct plug_opts	*o;
	char			 name[32];
	int			 family;
	int			 rxfd;
	int			 txfd[VXLAN_TXSOCKS];
	in_port_t		 txport[VXLAN_TXSOCKS];
	unsigned int		 ntx;
	unsigned int		 ifindex;
	union vtep_addr		 local;
	union vtep_addr		 group;
	struct vtep		*vt;
	uint8_t			 hdr[VXLAN_HDRLEN];
	struct vdeconn		*vc;
	ev_io			 rx_w;
	ev_timer		 age_w;
	struct mmsghdr		 msg[VXLAN_BURST];
	struct iovec		 iov[VXLAN_BURST];
	union vtep_addr		 from[VXLAN_BURST];
	unsigned char		(*buf)[VXLAN_DGRAM];
	struct log_ratelim	 rl[VXLAN_W_NKINDS];
	struct {
		uint64_t	 tx, big, txdrops, txerr;
	}			 st;
} vx = { .rxfd = -1 };

static const char *const vxlan_rx_why[VTEP_RX_NKINDS] = {
	[VTEP_RX_SHORT] = "too short for a VXLAN and an Ethernet header",
	[VTEP_RX_NOFLAG] = "without the I flag",
	[VTEP_RX_VNI] = "for another VNI",
	[VTEP_RX_GIANT] = "with a frame longer than 9234 bytes",
};

/* Seconds, for the table: the coarse monotonic clock will do. */
static uint32_t
vxlan_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

static void	vxlan_warn(enum vxlan_warn, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Per-datagram trouble: counted by the caller, logged once a second. */
static void
vxlan_warn(enum vxlan_warn kind, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;
	int	 n;

	if ((n = log_ratelim(&vx.rl[kind], ev_now(vx.loop), 1.0)) == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 1)
		log_warnx("%s: %s (%d similar not logged)", vx.name, msg, n - 1);
	else
		log_warnx("%s: %s", vx.name, msg);
}

/* The address alone, as ip(8) writes it. */
static const char *
vxlan_ntop(const union vtep_addr *a, char *buf, size_t len)
{
	const void	*p = a->sa.sa_family == AF_INET ?
	    (const void *)&a->sin.sin_addr : (const void *)&a->sin6.sin6_addr;

	if (inet_ntop(a->sa.sa_family, p, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static socklen_t
vxlan_salen(const union vtep_addr *a)
{
	return a->sa.sa_family == AF_INET ? sizeof(a->sin) : sizeof(a->sin6);
}

static void
vxlan_send(int fd, struct vtep_endpoint *ep, const unsigned char *f,
    size_t len)
{
	struct iovec	 iov[2];
	struct msghdr	 m;
	char		 a[INET6_ADDRSTRLEN];

	iov[0].iov_base = vx.hdr;
	iov[0].iov_len = sizeof(vx.hdr);
	iov[1].iov_base = (void *)(uintptr_t)f;
	iov[1].iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_name = &ep->addr;
	m.msg_namelen = vxlan_salen(&ep->addr);
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	if (sendmsg(fd, &m, MSG_DONTWAIT) == (ssize_t)(len + VXLAN_HDRLEN)) {
		ep->tx++;
		vx.st.tx++;
		return;
	}
	switch (errno) {
	case EMSGSIZE:
		vx.st.big++;
		vxlan_warn(VXLAN_W_BIG, "frame of %zu bytes too big for the "
		    "path to %s (%zu bytes with the VXLAN, UDP and IP "
		    "headers): dropped", len, vxlan_ntop(&ep->addr, a,
		    sizeof(a)), len + (vx.family == AF_INET ? 36 : 56));
		break;
	case EAGAIN:
	case ENOBUFS:
		/* Datagrams may be lost anyway: drop rather than queue. */
		vx.st.txdrops++;
		break;
	default:
		vx.st.txerr++;
		vxlan_warn(VXLAN_W_TX, "send to %s: %s", vxlan_ntop(&ep->addr,
		    a, sizeof(a)), strerror(errno));
	}
}

/* Known unicast to its one endpoint; the rest to the group or peers. */
static void
vxlan_from_switch(void *arg, const unsigned char *f, size_t len)
{
	struct vtep	*vt = vx.vt;
	int		 fd, i;
	unsigned int	 j;

	(void)arg;
	fd = vx.txfd[vtep_flowhash(vt, f, len) % vx.ntx];
	if ((i = vtep_lookup(vt, f, vxlan_now())) >= 0) {
		vxlan_send(fd, &vt->ep[i], f, len);
		return;
	}
	for (j = 0; j < vt->nep; j++)
		if (vt->ep[j].flags & VTEP_EP_FLOOD)
			vxlan_send(fd, &vt->ep[j], f, len);
}

static void
vxlan_drained(void *arg)
{
	(void)arg;
	ev_io_start(vx.loop, &vx.rx_w);
}

static void
vxlan_stats_mac(void *arg, const uint8_t *m, unsigned int ep, uint32_t seen)
{
	char	 a[INET6_ADDRSTRLEN];

	log_info("%s: %02x:%02x:%02x:%02x:%02x:%02x behind %s, heard %" PRIu32
	    "s ago", vx.name, m[0], m[1], m[2], m[3], m[4], m[5],
	    vxlan_ntop(&vx.vt->ep[ep].addr, a, sizeof(a)),
	    *(uint32_t *)arg - seen);
}

/* SIGUSR1: the counters, the endpoints, then the table. */
static void
vxlan_stats(void *arg)
{
	const struct vtep	*vt = vx.vt;
	const uint64_t		*bad = vt->st.bad;
	char			 a[INET6_ADDRSTRLEN];
	uint32_t		 now = vxlan_now();
	unsigned int		 i, n = 0;

	(void)arg;
	log_info("%s: in %" PRIu64 " datagrams; dropped %" PRIu64 " too "
	    "short, %" PRIu64 " without the I flag, %" PRIu64 " for another "
	    "VNI, %" PRIu64 " too long; out %" PRIu64 ", %" PRIu64 " too big "
	    "for the path, %" PRIu64 " dropped, %" PRIu64 " errors", vx.name,
	    bad[VTEP_RX_OK], bad[VTEP_RX_SHORT], bad[VTEP_RX_NOFLAG],
	    bad[VTEP_RX_VNI], bad[VTEP_RX_GIANT], vx.st.tx, vx.st.big,
	    vx.st.txdrops, vx.st.txerr);
	for (i = 0; i < vt->nep; i++)
		if (vt->ep[i].flags & VTEP_EP_USED)
			n++;
	log_info("%s: %" PRIu32 " of %" PRIu32 " addresses learned, behind %u "
	    "of %d endpoints; not learned: %" PRIu64 " with the table full, %"
	    PRIu64 " with no endpoint free; %" PRIu64 " moved", vx.name,
	    vtep_count(vt), vt->maclimit, n, VTEP_ENDPOINTS_MAX,
	    vt->st.full, vt->st.noendpoint, vt->st.moved);
	for (i = 0; i < vt->nep; i++) {
		if (!(vt->ep[i].flags & VTEP_EP_USED))
			continue;
		log_info("%s: endpoint %s%s: %u addresses, out %" PRIu64
		    " datagrams, in %" PRIu64, vx.name,
		    vxlan_ntop(&vt->ep[i].addr, a, sizeof(a)),
		    !(vt->ep[i].flags & VTEP_EP_FLOOD) ? " (learned)" :
		    vx.o->group != NULL ? " (group)" : " (peer)",
		    vtep_macs(vt, i), vt->ep[i].tx, vt->ep[i].rx);
	}
	vtep_walk(vt, vxlan_stats_mac, &now);
}

static const struct vdeconn_cb vxlan_vdeconn_cb = {
	.frame = vxlan_from_switch,
	.drained = vxlan_drained,
	.stats = vxlan_stats,
};

static void
vxlan_input(const unsigned char *d, size_t len, const union vtep_addr *from,
    uint32_t now)
{
	enum vtep_rx	 r;
	char		 a[INET6_ADDRSTRLEN];

	if ((r = vtep_decap(vx.vt, d, len)) != VTEP_RX_OK) {
		vxlan_warn((enum vxlan_warn)r, "datagram of %zu bytes from %s "
		    "%s: dropped", len, vxlan_ntop(from, a, sizeof(a)),
		    vxlan_rx_why[r]);
		return;
	}
	d += VXLAN_HDRLEN;
	len -= VXLAN_HDRLEN;
	switch (vtep_learn(vx.vt, d, from, now)) {
	case VTEP_LEARN_FULL:
		vxlan_warn(VXLAN_W_LEARN, "address table full (%" PRIu32
		    "): not learned", vx.vt->maclimit);
		break;
	case VTEP_LEARN_NOENDPOINT:
		vxlan_warn(VXLAN_W_LEARN, "%d endpoints already: %s not "
		    "learned", VTEP_ENDPOINTS_MAX, vxlan_ntop(from, a,
		    sizeof(a)));
		break;
	default:
		break;
	}
	vdeconn_send(vx.vc, d, len);
}

static void
vxlan_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	uint32_t	 now;
	int		 i, n;

	(void)revents;
	if (vdeconn_busy(vx.vc)) {
		/* vxlan_drained() resumes. */
		ev_io_stop(loop, w);
		return;
	}
	for (i = 0; i < VXLAN_BURST; i++)
		vx.msg[i].msg_hdr.msg_namelen = sizeof(vx.from[i]);
	/* MSG_TRUNC: the length of a datagram too long, not what fit. */
	n = recvmmsg(vx.rxfd, vx.msg, VXLAN_BURST, MSG_DONTWAIT | MSG_TRUNC,
	    NULL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			vxlan_warn(VXLAN_W_RX, "receive: %s", strerror(errno));
		return;
	}
	now = vxlan_now();
	for (i = 0; i < n; i++)
		vxlan_input(vx.buf[i], vx.msg[i].msg_len, &vx.from[i], now);
}

static void
vxlan_age_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	uint32_t	 n;

	(void)loop;
	(void)w;
	(void)revents;
	if ((n = vtep_age(vx.vt, vxlan_now())) > 0)
		log_debug("%s: aging: %" PRIu32 " addresses expired", vx.name, n);
}

/* One address of the family (0: any), by getaddrinfo: names work too. */
static void
vxlan_resolve(const char *opt, const char *s, int family, union vtep_addr *a)
{
	struct addrinfo	 hints, *res;
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(s, NULL, &hints, &res)) != 0)
		fatalx("%s %s: %s%s", opt, s, gai_strerror(rc), family == 0 ?
		    "" : family == AF_INET ? " (as IPv4, as the others)" :
		    " (as IPv6, as the others)");
	memset(a, 0, sizeof(*a));
	memcpy(a, res->ai_addr, res->ai_addrlen <= sizeof(*a) ?
	    res->ai_addrlen : sizeof(*a));
	freeaddrinfo(res);
}

static int
vxlan_is_multicast(const union vtep_addr *a)
{
	if (a->sa.sa_family == AF_INET)
		return IN_MULTICAST(ntohl(a->sin.sin_addr.s_addr));
	return IN6_IS_ADDR_MULTICAST(&a->sin6.sin6_addr);
}

/* -I: an interface's name, or one of its addresses. */
static unsigned int
vxlan_ifindex(const char *s)
{
	struct ifaddrs		*ifa, *i;
	union vtep_addr		 a, b;
	unsigned int		 idx;

	if ((idx = if_nametoindex(s)) != 0)
		return idx;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, &a.sin.sin_addr) == 1)
		a.sa.sa_family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a.sin6.sin6_addr) == 1)
		a.sa.sa_family = AF_INET6;
	else
		fatalx("-I %s: no such interface", s);
	if (getifaddrs(&ifa) == -1)
		fatal("getifaddrs");
	for (i = ifa; i != NULL && idx == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family !=
		    a.sa.sa_family)
			continue;
		memset(&b, 0, sizeof(b));
		memcpy(&b, i->ifa_addr, vxlan_salen(&a));
		b.sin6.sin6_scope_id = 0;
		a.sin6.sin6_scope_id = 0;
		if (vtep_addr_equal(&a, &b))
			idx = if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifa);
	if (idx == 0)
		fatalx("-I %s: no interface has this address", s);
	return idx;
}

/* A socket of the family; IPv6 alone on an IPv6 one, to be clear. */
static int
vxlan_socket(void)
{
	int	 fd, on = 1;

	if ((fd = socket(vx.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("%s: socket", vx.name);
	if (vx.family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		fatal("%s: IPV6_V6ONLY", vx.name);
	return fd;
}

/* A peer that is this host would send us our own floods back. */
static void
vxlan_not_self(const char *s, const union vtep_addr *a)
{
	union vtep_addr	 b = *a;
	int		 fd = vxlan_socket(), self;

	b.sin.sin_port = 0;
	if (b.sa.sa_family == AF_INET6)
		b.sin6.sin6_port = 0;
	self = bind(fd, &b.sa, vxlan_salen(&b)) == 0;
	close(fd);
	if (self)
		fatalx("-R %s: an address of this host", s);
}

static void
vxlan_parse(const struct plug_opts *o)
{
	union vtep_addr	 a;
	int		 i;

	vx.family = 0;
	if (o->group != NULL) {
		vxlan_resolve("-g", o->group, 0, &vx.group);
		vx.family = vx.group.sa.sa_family;
		if (!vxlan_is_multicast(&vx.group))
			fatalx("-g %s: not a multicast group", o->group);
		if (vtep_flood_add(vx.vt, &vx.group) == -1)
			fatalx("-g: no endpoint left");
	}
	for (i = 0; i < o->npeers; i++) {
		vxlan_resolve("-R", o->peers[i], vx.family, &a);
		vx.family = a.sa.sa_family;
		if (vxlan_is_multicast(&a))
			fatalx("-R %s: a multicast group (-g is for groups)",
			    o->peers[i]);
		vxlan_not_self(o->peers[i], &a);
		if (vtep_flood_add(vx.vt, &a) == -1)
			fatalx("-R: no endpoint left");
	}
	memset(&vx.local, 0, sizeof(vx.local));
	vx.local.sa.sa_family = (sa_family_t)vx.family;
	if (o->local != NULL)
		vxlan_resolve("-L", o->local, vx.family, &vx.local);
	if (o->ifaddr != NULL)
		vx.ifindex = vxlan_ifindex(o->ifaddr);
}

/*
 * On every address, so that the group's datagrams come in as well as
 * those sent to us; but only the groups joined here, not every group
 * another socket of the host has joined.
 */
static void
vxlan_rx_socket(const struct plug_opts *o)
{
	union vtep_addr	 any;
	struct ip_mreqn	 mr;
	struct ipv6_mreq mr6;
	int		 sz = VXLAN_RCVBUF, off = 0;

	vx.rxfd = vxlan_socket();
	(void)setsockopt(vx.rxfd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&any, 0, sizeof(any));
	any.sa.sa_family = (sa_family_t)vx.family;
	if (vx.family == AF_INET) {
		any.sin.sin_port = htons((uint16_t)o->dstport);
		(void)setsockopt(vx.rxfd, IPPROTO_IP, IP_MULTICAST_ALL, &off,
		    sizeof(off));
	} else {
		any.sin6.sin6_port = htons((uint16_t)o->dstport);
		(void)setsockopt(vx.rxfd, IPPROTO_IPV6, IPV6_MULTICAST_ALL,
		    &off, sizeof(off));
	}
	if (bind(vx.rxfd, &any.sa, vxlan_salen(&any)) == -1)
		fatal("%s: UDP port %d%s", vx.name, o->dstport, errno ==
		    EADDRINUSE ? " (a vxlan device of this host, or another "
		    "switchplug?)" : "");
	if (o->group == NULL)
		return;
	if (vx.family == AF_INET) {
		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr = vx.group.sin.sin_addr;
		mr.imr_ifindex = (int)vx.ifindex;
		if (setsockopt(vx.rxfd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1)
			fatal("%s: joining %s", vx.name, o->group);
	} else {
		memset(&mr6, 0, sizeof(mr6));
		mr6.ipv6mr_multiaddr = vx.group.sin6.sin6_addr;
		mr6.ipv6mr_interface = vx.ifindex;
		if (setsockopt(vx.rxfd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr6,
		    sizeof(mr6)) == -1)
			fatal("%s: joining %s", vx.name, o->group);
	}
}

/* Never fragment; the group on the interface of -I, at TTL -T. */
static void
vxlan_tx_options(int fd, const struct plug_opts *o)
{
	static struct sock_filter	 drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog		 prog = { 1, &drop };
	struct ip_mreqn			 mr;
	int				 sz = VXLAN_SNDBUF, v, off = 0, ok;

	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		fatal("%s: SO_ATTACH_FILTER", vx.name);
	if (vx.family == AF_INET) {
		v = IP_PMTUDISC_DO;
		ok = setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v,
		    sizeof(v)) == 0;
	} else {
		v = IPV6_PMTUDISC_DO;
		ok = setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v,
		    sizeof(v)) == 0;
	}
	if (!ok)
		fatal("%s: path MTU discovery", vx.name);
	if (o->group == NULL)
		return;
	v = o->ttl;
	if (vx.family == AF_INET) {
		memset(&mr, 0, sizeof(mr));
		mr.imr_ifindex = (int)vx.ifindex;
		ok = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v,
		    sizeof(v)) == 0 &&
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off,
		    sizeof(off)) == 0 &&
		    (vx.ifindex == 0 || setsockopt(fd, IPPROTO_IP,
		    IP_MULTICAST_IF, &mr, sizeof(mr)) == 0);
	} else {
		ok = setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &v,
		    sizeof(v)) == 0 &&
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off,
		    sizeof(off)) == 0 &&
		    (vx.ifindex == 0 || setsockopt(fd, IPPROTO_IPV6,
		    IPV6_MULTICAST_IF, &vx.ifindex, sizeof(vx.ifindex)) == 0);
	}
	if (!ok)
		fatal("%s: multicast options", vx.name);
}

/*
 * Sockets on ports spread over min-max, one in each of ntx equal parts
 * of the range: the first port of a part that is free.
 */
static void
vxlan_tx_sockets(const struct plug_opts *o)
{
	unsigned int	 span = (unsigned int)(o->srcmax - o->srcmin + 1);
	unsigned int	 parts = span < VXLAN_TXSOCKS ? span : VXLAN_TXSOCKS;
	unsigned int	 k, p, lo, hi;
	union vtep_addr	 a = vx.local;
	int		 fd;

	for (k = 0; k < parts; k++) {
		lo = (unsigned int)o->srcmin + k * span / parts;
		hi = (unsigned int)o->srcmin + (k + 1) * span / parts;
		fd = vxlan_socket();
		for (p = lo; p < hi; p++) {
			a.sin.sin_port = htons((uint16_t)p);
			if (a.sa.sa_family == AF_INET6)
				a.sin6.sin6_port = htons((uint16_t)p);
			if (bind(fd, &a.sa, vxlan_salen(&a)) == 0)
				break;
			if (errno == EADDRNOTAVAIL)
				fatalx("-L %s: not an address of this host",
				    o->local);
			if (errno != EADDRINUSE)
				fatal("%s: bind", vx.name);
		}
		if (p == hi) {
			close(fd);
			continue;
		}
		vxlan_tx_options(fd, o);
		vx.txfd[vx.ntx] = fd;
		vx.txport[vx.ntx++] = (in_port_t)p;
	}
	if (vx.ntx == 0)
		fatalx("-S %d-%d: every port is taken", o->srcmin, o->srcmax);
}

static void
vxlan_hello(const struct plug_opts *o)
{
	char	 where[128], ifname[IF_NAMESIZE] = "";

	if (o->group != NULL)
		snprintf(where, sizeof(where), "group %s%s%s, TTL %d", o->group,
		    vx.ifindex ? " on " : "", vx.ifindex ?
		    if_indextoname(vx.ifindex, ifname) : "", o->ttl);
	else
		snprintf(where, sizeof(where), "%d peer%s", o->npeers,
		    o->npeers > 1 ? "s" : "");
	log_info("%s: on UDP port %d, flooding to %s; sending from %u ports "
	    "of %d-%d", vx.name, o->dstport, where, vx.ntx, o->srcmin,
	    o->srcmax);
}

void
vxlan_start(struct ev_loop *loop, const struct plug_opts *o)
{
	unsigned int	 i, every;
	int		 fail;

	vx.loop = loop;
	vx.o = o;
	snprintf(vx.name, sizeof(vx.name), "vxlan %lu", o->vni);
	if ((vx.vt = vtep_new((uint32_t)o->vni, htons((uint16_t)o->dstport),
	    FDB_LIMIT_DEFAULT, (uint32_t)o->aging)) == NULL)
		fatalx("%s: out of memory", vx.name);
	vtep_encap(vx.vt, vx.hdr);
	vxlan_parse(o);
	vxlan_rx_socket(o);
	vxlan_tx_sockets(o);
	if ((vx.buf = calloc(VXLAN_BURST, sizeof(*vx.buf))) == NULL)
		fatal("calloc");
	for (i = 0; i < VXLAN_BURST; i++) {
		vx.iov[i].iov_base = vx.buf[i];
		vx.iov[i].iov_len = sizeof(vx.buf[i]);
		vx.msg[i].msg_hdr.msg_name = &vx.from[i];
		vx.msg[i].msg_hdr.msg_iov = &vx.iov[i];
		vx.msg[i].msg_hdr.msg_iovlen = 1;
	}
	if ((vx.vc = vdeconn_open(loop, o, vx.name, &vxlan_vdeconn_cb, NULL,
	    &fail)) == NULL)
		exit(1);
	ev_io_init(&vx.rx_w, vxlan_read_cb, vx.rxfd, EV_READ);
	ev_io_start(loop, &vx.rx_w);
	/* Addresses expire within a tenth of the aging time, or 10 s. */
	every = o->aging / 10;
	every = every < 1 ? 1 : every > 10 ? 10 : every;
	ev_timer_init(&vx.age_w, vxlan_age_cb, every, every);
	if (o->aging > 0)
		ev_timer_start(loop, &vx.age_w);
	vxlan_hello(o);
}

void
vxlan_stop(void)
{
	unsigned int	 i;

	if (vx.loop == NULL)
		return;
	ev_io_stop(vx.loop, &vx.rx_w);
	ev_timer_stop(vx.loop, &vx.age_w);
	vdeconn_close(vx.vc);
	vx.vc = NULL;
	close(vx.rxfd);
	vx.rxfd = -1;
	for (i = 0; i < vx.ntx; i++)
		close(vx.txfd[i]);
	vx.ntx = 0;
	vtep_free(vx.vt);
	vx.vt = NULL;
	free(vx.buf);
	vx.buf = NULL;
}
