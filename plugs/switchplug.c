/* SPDX-License-Identifier: ISC */
/*
 * switchplug: attach to a switch like any VM and carry that port's
 * frames over stdin/stdout, TCP, UDP multicast or VXLAN. See
 * switchplug(1).
 */

#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "fdb.h"
#include "log.h"
#include "vde.h"

#include "switchplug.h"
#include "vdeconn.h"
#include "vtep.h"

#define SWITCHPLUG_USAGE \
	"usage: switchplug [-rv] [-D descr] [-p port] dir\n" \
	"       switchplug [-rv] [-D descr] [-p port] -l [addr:]port dir\n" \
	"       switchplug [-rv] [-D descr] [-p port] -c host:port dir\n" \
	"       switchplug [-rv] [-D descr] [-I ifaddr] [-p port] " \
	"[-T ttl] -m group:port\n" \
	"                  dir\n" \
	"       switchplug [-rv] [-a seconds] [-D descr] [-I iface] " \
	"[-L local]\n" \
	"                  [-P dstport] [-p port] [-S min-max] [-T ttl] " \
	"-x vni -g group\n" \
	"                  dir\n" \
	"       switchplug [-rv] [-a seconds] [-D descr] [-L local] " \
	"[-P dstport]\n" \
	"                  [-p port] [-S min-max] -x vni -R peer " \
	"[-R peer ...] dir\n" \
	"       switchplug -h | -V\n"

static void
usage(void)
{
	fputs(SWITCHPLUG_USAGE, stderr);
	exit(1);
}

/* -h: the usage, then what each transport is, on stdout. */
static void
help(void)
{
	printf("%s\n"
	    "modes, the switch port in dir carried over:\n"
	    "  (none)          standard input and output, as vde_plug does\n"
	    "  -l [addr:]port  TCP, each connection a port; on 127.0.0.1 "
	    "unless addr\n"
	    "  -c host:port    TCP, connecting again whenever it breaks\n"
	    "  -m group:port   UDP multicast, with QEMU and other members\n"
	    "  -x vni          VXLAN, with Linux's vxlan devices and others; "
	    "to a group\n"
	    "                  (-g) or to peers (-R)\n"
	    "switchplug(1) has the details.\n", SWITCHPLUG_USAGE);
	exit(0);
}

/* The next delay after one of `prev` seconds. */
double
switchplug_backoff(double prev)
{
	if (prev < BACKOFF_MIN)
		return BACKOFF_MIN;
	return prev * 2 > BACKOFF_MAX ? BACKOFF_MAX : prev * 2;
}

/*
 * Splits "host:port", "[v6addr]:port" or "port" (host then empty).
 * Returns -1 when a part is missing or does not fit.
 */
int
switchplug_hostport(const char *arg, char *host, size_t hsize, char *port,
    size_t psize)
{
	const char	*h = arg, *p, *colon, *rb;
	size_t		 hlen;

	if (arg[0] == '[') {
		if ((rb = strchr(arg, ']')) == NULL || rb[1] != ':')
			return -1;
		h = arg + 1;
		hlen = (size_t)(rb - h);
		p = rb + 2;
	} else if ((colon = strrchr(arg, ':')) != NULL) {
		hlen = (size_t)(colon - arg);
		/* A bare IPv6 address needs its brackets. */
		if (hlen == 0 || memchr(arg, ':', hlen) != NULL)
			return -1;
		p = colon + 1;
	} else {
		hlen = 0;
		p = arg;
	}
	if (hlen >= hsize || *p == '\0' || strlen(p) >= psize)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memcpy(port, p, strlen(p) + 1);
	return 0;
}

static long
switchplug_number(int opt, const char *arg, long min, long max)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		fatalx("-%c: '%s' is not a number from %ld to %ld", opt, arg,
		    min, max);
	return n;
}

/* -S min-max: source ports, min no greater than max. */
static void
switchplug_range(struct plug_opts *o, const char *arg)
{
	char	 lo[8], *dash;
	size_t	 n;

	if ((dash = strchr(arg, '-')) == NULL ||
	    (n = (size_t)(dash - arg)) >= sizeof(lo))
		fatalx("-S: '%s' is not min-max", arg);
	memcpy(lo, arg, n);
	lo[n] = '\0';
	o->srcmin = (int)switchplug_number('S', lo, 1, 65535);
	o->srcmax = (int)switchplug_number('S', dash + 1, 1, 65535);
	if (o->srcmin > o->srcmax)
		fatalx("-S: '%s': min is greater than max", arg);
}

static void
switchplug_mode(struct plug_opts *o, enum switchplug_mode mode,
    const char *arg)
{
	if (o->mode != MODE_STDIO)
		fatalx("-l, -c, -m and -x: one transport at a time");
	o->mode = mode;
	o->addr = arg;
}

static void
switchplug_options(struct plug_opts *o, int argc, char *argv[], int *verbose)
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ NULL,		0,		NULL,	0 }
	};
	int	 ch, ttl = 0, vxopt = 0;

	while ((ch = getopt_long(argc, argv, "a:c:D:g:hI:L:l:m:P:p:R:rS:T:Vvx:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			/* The range of switchd's own -a. */
			o->aging = (unsigned long)switchplug_number(ch, optarg,
			    0, 1000000);
			vxopt = 1;
			break;
		case 'c':
			switchplug_mode(o, MODE_CONNECT, optarg);
			break;
		case 'D':
			if (strlen(optarg) > VDE_DESCR_MAX)
				fatalx("-D: longer than %d characters",
				    VDE_DESCR_MAX);
			o->descr = optarg;
			break;
		case 'g':
			o->group = optarg;
			vxopt = 1;
			break;
		case 'h':
			help();
			break;
		case 'I':
			o->ifaddr = optarg;
			break;
		case 'L':
			o->local = optarg;
			vxopt = 1;
			break;
		case 'l':
			switchplug_mode(o, MODE_LISTEN, optarg);
			break;
		case 'm':
			switchplug_mode(o, MODE_MCAST, optarg);
			break;
		case 'P':
			o->dstport = (int)switchplug_number(ch, optarg, 1,
			    65535);
			vxopt = 1;
			break;
		case 'p':
			o->port = (int)switchplug_number(ch, optarg, 1, 65535);
			break;
		case 'R':
			if (o->npeers == VXLAN_PEERS_MAX)
				fatalx("-R: more than %d peers", VXLAN_PEERS_MAX);
			o->peers[o->npeers++] = optarg;
			vxopt = 1;
			break;
		case 'r':
			o->reconnect = 1;
			break;
		case 'S':
			switchplug_range(o, optarg);
			vxopt = 1;
			break;
		case 'T':
			o->ttl = (int)switchplug_number(ch, optarg, 0, 255);
			ttl = 1;
			break;
		case 'V':
			printf("switchplug %s\n", VERSION);
			exit(0);
		case 'v':
			(*verbose)++;
			break;
		case 'x':
			switchplug_mode(o, MODE_VXLAN, optarg);
			o->vni = (unsigned long)switchplug_number(ch, optarg, 0,
			    VXLAN_VNI_MAX);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (o->mode != MODE_VXLAN && vxopt)
		fatalx("-a, -g, -L, -P, -R and -S go with -x");
	if (o->mode == MODE_VXLAN && (o->group != NULL) == (o->npeers > 0))
		fatalx("-x: a multicast group (-g) or peers (-R), one or the "
		    "other");
	if (o->mode != MODE_MCAST && o->group == NULL &&
	    (ttl || o->ifaddr != NULL))
		fatalx("-I and -T go with -m or -g");
	/* The switch is told where our socket is: the path must be whole. */
	if (realpath(argv[optind], o->dir) == NULL)
		fatal("%s", argv[optind]);
}

static void
switchplug_stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_debug("signal %d: exiting", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
switchplug_stats_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	vdeconn_stats_all();
}

int
main(int argc, char *argv[])
{
	static struct plug_opts	 o;
	struct ev_loop		*loop;
	ev_signal		 sigint_w, sigterm_w, sigusr1_w;
	int			 verbose = 0;

	log_init("switchplug", 1, 0);
	o.port = -1;
	o.ttl = 1;
	o.dstport = VXLAN_PORT;
	/* Linux's default ip_local_port_range, which its vxlan uses too. */
	o.srcmin = 32768;
	o.srcmax = 60999;
	o.aging = FDB_AGING_DEFAULT;
	switchplug_options(&o, argc, argv, &verbose);
	log_setverbose(verbose);

	if ((loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		fatalx("cannot start the event loop");
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&sigint_w, switchplug_stop_cb, SIGINT);
	ev_signal_init(&sigterm_w, switchplug_stop_cb, SIGTERM);
	ev_signal_init(&sigusr1_w, switchplug_stats_cb, SIGUSR1);
	ev_signal_start(loop, &sigint_w);
	ev_signal_start(loop, &sigterm_w);
	ev_signal_start(loop, &sigusr1_w);

	switch (o.mode) {
	case MODE_STDIO:
		stdio_start(loop, &o);
		break;
	case MODE_LISTEN:
		tcp_listen_start(loop, &o);
		break;
	case MODE_CONNECT:
		tcp_connect_start(loop, &o);
		break;
	case MODE_MCAST:
		mcast_start(loop, &o);
		break;
	case MODE_VXLAN:
		vxlan_start(loop, &o);
		break;
	}
	ev_run(loop, 0);

	if (log_getverbose() > 0)
		vdeconn_stats_all();
	stdio_stop();
	tcp_stop();
	mcast_stop();
	vxlan_stop();
	ev_loop_destroy(loop);
	return 0;
}
