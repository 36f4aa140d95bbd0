/* SPDX-License-Identifier: ISC */
/*
 * vdebench: a pair of VDE clients measuring a switch port to port.
 *
 *   vdebench [-s size] [-t seconds] [-m macs] [-b batch] DIR
 *	attach two ports to the switch at DIR (the VDE v3 protocol, as
 *	libvdeplug speaks it), let it learn both stations, then send
 *	unicast frames from one to the other for the given time.
 *   vdebench -P [-s size] [-t seconds]
 *	the same client pair over a socketpair: the limit with no switch.
 *   vdebench -i N DIR
 *	attach N idle ports and wait until killed.
 *   vdebench -c N DIR
 *	attach and detach a port N times (churn).
 *   vdebench -a N DIR
 *	attach N ports; each sends a frame to the next one's address and
 *	must receive the one meant for it.  Prints "ports N delivered N".
 *   vdebench -m MACS ...
 *	first send unicast frames from MACS distinct source addresses
 *	(not counted), as a MAC flood would.
 *   vdebench -k stream|dgram ...
 *	attach as QEMU's -netdev stream (DIR/stream: each frame behind a
 *	4-byte length) or -netdev dgram (DIR/dgram: a datagram from a
 *	socket of the client's own, sent with sendto()) instead of VDE.
 *
 * Prints one line: "sent N received N seconds S fps F gbps G loss L".
 * The receiver's time runs from its first frame to its last.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "stream.h"
#include "vde.h"

#define BATCH	32

enum kind { K_VDE, K_STREAM, K_DGRAM };

struct conn {
	int			 ctl;
	int			 data;
	struct sockaddr_un	 to;	/* K_DGRAM: DIR/dgram */
	char			 path[108];	/* K_DGRAM: its own */
	struct deframer		 df;	/* K_STREAM: what it reads */
};

static enum kind kind = K_VDE;

struct result {
	uint64_t	sent;
	uint64_t	received;
	double		first;
	double		last;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* QEMU's -netdev stream: a connection to DIR/stream. */
static void
sattach(const char *dir, struct conn *c)
{
	struct sockaddr_un sun;

	c->ctl = -1;
	if ((c->data = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		die("socket");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/stream", dir);
	if (connect(c->data, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die(sun.sun_path);
	if (deframer_init(&c->df, 4, STREAM_QEMU_MAX) == -1)
		die("deframer");
}

/* QEMU's -netdev dgram: a socket of its own, sending to DIR/dgram. */
static void
dattach(const char *dir, struct conn *c, int n)
{
	struct sockaddr_un sun;

	c->ctl = -1;
	if ((c->data = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		die("socket");
	snprintf(c->path, sizeof(c->path), "/tmp/vdebench.%d.%d",
	    (int)getpid(), n);
	unlink(c->path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", c->path);
	if (bind(c->data, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die(c->path);
	/* A switch running as another user writes here. */
	if (chmod(c->path, 0777) == -1)
		die(c->path);
	memset(&c->to, 0, sizeof(c->to));
	c->to.sun_family = AF_UNIX;
	snprintf(c->to.sun_path, sizeof(c->to.sun_path), "%s/dgram", dir);
}

static void
vattach(const char *dir, struct conn *c, int n)
{
	struct sockaddr_un sun, reply;
	unsigned char req[VDE_REQ_MAX];
	size_t len;
	char path[108];

	if (kind == K_STREAM) {
		sattach(dir, c);
		return;
	}
	if (kind == K_DGRAM) {
		dattach(dir, c, n);
		return;
	}
	if ((c->ctl = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    (c->data = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		die("socket");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/ctl", dir);
	if (connect(c->ctl, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die(sun.sun_path);
	snprintf(path, sizeof(path), "/tmp/vdebench.%d.%d", (int)getpid(), n);
	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (bind(c->data, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die(path);
	/* As libvdeplug does: a switch running as another user writes here. */
	if (chmod(path, 0777) == -1)
		die(path);
	if ((len = vde_req_build(req, sizeof(req), -1, path, "vdebench")) == 0)
		die("request");
	if (write(c->ctl, req, len) != (ssize_t)len)
		die("write request");
	if (read(c->ctl, &reply, sizeof(reply)) != sizeof(reply))
		die("read reply");
	if (connect(c->data, (struct sockaddr *)&reply, sizeof(reply)) == -1)
		die("connect data");
	unlink(path);
}

static void
vdetach(struct conn *c)
{
	if (c->ctl != -1)
		close(c->ctl);
	close(c->data);
	if (kind == K_DGRAM)
		unlink(c->path);
	if (kind == K_STREAM)
		deframer_free(&c->df);
}

/* One frame, in the attachment's framing; -1 and errno when not sent. */
static ssize_t
csend(struct conn *c, const void *f, size_t len, int flags)
{
	unsigned char hdr[4];
	struct iovec iov[2];
	struct msghdr mh;

	if (kind == K_DGRAM)
		return sendto(c->data, f, len, flags, (struct sockaddr *)&c->to,
		    sizeof(c->to));
	if (kind == K_VDE)
		return send(c->data, f, len, flags);
	/* A stream is written whole, or it would be out of step. */
	stream_hdr(hdr, 4, len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = 4;
	iov[1].iov_base = (void *)f;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	/* Refused, the switch closes it: the caller says what that means. */
	if (sendmsg(c->data, &mh, MSG_NOSIGNAL) != (ssize_t)(len + 4))
		return -1;
	return (ssize_t)len;
}

struct crecv_arg {
	unsigned char	*buf;
	size_t		 len;
	ssize_t		 got;
};

static void
crecv_cb(void *arg, const unsigned char *f, size_t len)
{
	struct crecv_arg *a = arg;

	if (a->got >= 0)
		return;		/* one at a time: later ones are dropped */
	a->got = (ssize_t)(len < a->len ? len : a->len);
	memcpy(a->buf, f, (size_t)a->got);
}

/*
 * One frame, or -1 when none has come (flags MSG_DONTWAIT).  A stream
 * is read a frame at a time, so that nothing is read past it.
 */
static ssize_t
crecv(struct conn *c, void *buf, size_t len, int flags)
{
	struct crecv_arg a = { buf, len, -1 };
	unsigned char in[4 + FRAME_MAX];
	ssize_t r;

	if (kind != K_STREAM)
		return recv(c->data, buf, len, flags);
	while (a.got < 0) {
		r = recv(c->data, in, c->df.need - c->df.have, flags);
		if (r <= 0)
			return -1;
		if (deframer_feed(&c->df, in, (size_t)r, crecv_cb, &a) == -1)
			die("stream out of step");
	}
	return a.got;
}

static void
frame_fill(unsigned char *f, size_t size, int from, int to)
{
	memset(f, 0, size);
	memcpy(f, "\x02\x00\x00\x00\x00", 5);
	f[5] = (unsigned char)to;
	memcpy(f + 6, "\x02\x00\x00\x00\x00", 5);
	f[11] = (unsigned char)from;
	f[12] = 0x08;
	f[13] = 0x00;
}

/* Frames from many source addresses on port A, to fill the table. */
static void
fill_macs(struct conn *c, unsigned int n, size_t size)
{
	unsigned char f[FRAME_MAX];
	unsigned int i;

	/* From port A but not "from 1": the receiver does not count these. */
	frame_fill(f, size, 3, 2);
	for (i = 0; i < n; i++) {
		f[6] = 0x06;
		f[8] = (unsigned char)(i >> 16);
		f[9] = (unsigned char)(i >> 8);
		f[10] = (unsigned char)i;
		while (csend(c, f, size, 0) == -1 && errno == EINTR)
			;
		if (i % 64 == 63)
			usleep(50);
	}
}

struct count_arg {
	size_t		 size;
	struct result	*r;
};

static void
count_cb(void *arg, const unsigned char *f, size_t len)
{
	struct count_arg *a = arg;

	if (a->r == NULL || len != a->size || f[11] != 1)
		return;
	if (a->r->received++ == 0)
		a->r->first = now();
	a->r->last = now();
}

/*
 * Frames from a stream until it is quiet for idle seconds, counted into
 * r (NULL: only read).
 */
static void
receiver_stream(struct conn *c, size_t size, double idle, struct result *r)
{
	static unsigned char buf[256 * 1024];
	struct pollfd pfd = { c->data, POLLIN, 0 };
	struct count_arg a = { size, r };
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, (int)(idle * 1000)) <= 0)
			break;
		if ((n = recv(c->data, buf, sizeof(buf), MSG_DONTWAIT)) <= 0)
			continue;
		if (deframer_feed(&c->df, buf, (size_t)n, count_cb, &a) == -1)
			die("stream out of step");
	}
}

static void
receiver(struct conn *c, size_t size, double idle, struct result *r)
{
	static unsigned char buf[BATCH][FRAME_MAX];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct pollfd pfd = { c->data, POLLIN, 0 };
	int i, n, fd = c->data;

	if (kind == K_STREAM) {
		receiver_stream(c, size, idle, r);
		return;
	}
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = FRAME_MAX;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		if (poll(&pfd, 1, (int)(idle * 1000)) <= 0)
			break;
		n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		for (i = 0; i < n && r != NULL; i++)
			if (mm[i].msg_len == size && buf[i][11] == 1) {
				if (r->received++ == 0)
					r->first = now();
				r->last = now();
			}
	}
}

/* batch frames behind their lengths, written whole, over and over. */
static uint64_t
sender_stream(struct conn *c, size_t size, double secs, int batch)
{
	static unsigned char buf[BATCH * (4 + FRAME_MAX)];
	size_t len = (size_t)batch * (4 + size), off;
	uint64_t sent = 0;
	double end = now() + secs;
	ssize_t w;
	int i;

	for (i = 0; i < batch; i++) {
		stream_hdr(buf + (size_t)i * (4 + size), 4, size);
		frame_fill(buf + (size_t)i * (4 + size) + 4, size, 1, 2);
	}
	while (now() < end) {
		for (off = 0; off < len; off += (size_t)w)
			if ((w = send(c->data, buf + off, len - off,
			    MSG_NOSIGNAL)) == -1) {
				if (errno != EINTR)
					die("write stream");
				w = 0;
			}
		sent += (uint64_t)batch;
	}
	return sent;
}

static uint64_t
sender(struct conn *c, size_t size, double secs, int batch)
{
	unsigned char f[FRAME_MAX];
	struct mmsghdr mm[BATCH];
	struct iovec iov;
	uint64_t sent = 0;
	double end = now() + secs;
	int i, n, fd = c->data;

	if (kind == K_STREAM)
		return sender_stream(c, size, secs, batch);
	frame_fill(f, size, 1, 2);
	iov.iov_base = f;
	iov.iov_len = size;
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < BATCH; i++) {
		mm[i].msg_hdr.msg_iov = &iov;
		mm[i].msg_hdr.msg_iovlen = 1;
		/* As QEMU's -netdev dgram sends: to the switch's address. */
		if (kind == K_DGRAM) {
			mm[i].msg_hdr.msg_name = &c->to;
			mm[i].msg_hdr.msg_namelen = sizeof(c->to);
		}
	}
	while (now() < end) {
		n = sendmmsg(fd, mm, (unsigned int)batch, 0);
		if (n > 0)
			sent += (uint64_t)n;
		else if (errno != EINTR && errno != EAGAIN && errno != ENOBUFS)
			die("sendmmsg");
	}
	return sent;
}

static void
churn(const char *dir, unsigned int n)
{
	struct conn c;
	unsigned int i;

	for (i = 0; i < n; i++) {
		vattach(dir, &c, 0);
		vdetach(&c);
	}
	printf("churn %u\n", n);
}

/* Port i has address ...:(i >> 8):(i & 255) and sends to port i + 1. */
static int
ring(const char *dir, unsigned int n)
{
	struct conn *c = calloc(n, sizeof(*c));
	unsigned char f[64], buf[FRAME_MAX];
	unsigned int i, got = 0;
	double end;
	ssize_t r;

	if (c == NULL)
		die("calloc");
	for (i = 0; i < n; i++) {
		vattach(dir, &c[i], (int)i);
		memset(f, 0, sizeof(f));
		memset(f, 0xff, 6);
		memcpy(f + 6, "\x02\x00\x00\x01", 4);
		f[10] = (unsigned char)(i >> 8);
		f[11] = (unsigned char)i;
		f[12] = 0x08;
		csend(&c[i], f, sizeof(f), 0);
	}
	usleep(300000);
	for (i = 0; i < n; i++)
		while (crecv(&c[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	for (i = 0; i < n; i++) {
		unsigned int to = (i + 1) % n;

		memcpy(f, "\x02\x00\x00\x01", 4);
		f[4] = (unsigned char)(to >> 8);
		f[5] = (unsigned char)to;
		f[10] = (unsigned char)(i >> 8);
		f[11] = (unsigned char)i;
		csend(&c[i], f, sizeof(f), 0);
	}
	end = now() + 5;
	for (i = 0; i < n && now() < end; ) {
		r = crecv(&c[i], buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 64 && buf[4] == (unsigned char)(i >> 8) &&
		    buf[5] == (unsigned char)i) {
			got++;
			i++;
		} else if (r < 0)
			usleep(1000);
	}
	printf("ports %u delivered %u\n", n, got);
	for (i = 0; i < n; i++)
		vdetach(&c[i]);
	free(c);
	return got == n ? 0 : 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vdebench [-P] [-a ports] [-b batch] [-c cycles] "
	    "[-i idle] [-k kind] [-m macs]\n                [-s size] "
	    "[-t seconds] [dir]\n");
	exit(1);
}

/* Idle ports wait to be killed: their sockets go with them. */
static struct conn	*idle_conns;
static unsigned int	 idle_n;

static void
idle_stop(int sig)
{
	unsigned int i;

	(void)sig;
	for (i = 0; i < idle_n; i++)
		if (idle_conns[i].path[0] != '\0')
			unlink(idle_conns[i].path);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	struct conn a, b;
	struct result *r;
	unsigned char f[FRAME_MAX];
	double secs = 3, el;
	size_t size = 64;
	unsigned int macs = 0, idle = 0, cycles = 0, nring = 0, i;
	int ch, pair = 0, batch = BATCH, sv[2], status;
	pid_t pid;

	while ((ch = getopt(argc, argv, "a:b:c:i:k:m:Ps:t:")) != -1) {
		switch (ch) {
		case 'a':
			nring = (unsigned int)atoi(optarg);
			break;
		case 'c':
			cycles = (unsigned int)atoi(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 'i':
			idle = (unsigned int)atoi(optarg);
			break;
		case 'k':
			if (strcmp(optarg, "vde") == 0)
				kind = K_VDE;
			else if (strcmp(optarg, "stream") == 0)
				kind = K_STREAM;
			else if (strcmp(optarg, "dgram") == 0)
				kind = K_DGRAM;
			else
				usage();
			break;
		case 'm':
			macs = (unsigned int)atoi(optarg);
			break;
		case 'P':
			pair = 1;
			break;
		case 's':
			size = (size_t)atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (size < FRAME_MIN || size > FRAME_MAX || batch < 1 || batch > BATCH ||
	    (!pair && argc != 1))
		usage();
	if (cycles > 0) {
		churn(argv[0], cycles);
		return 0;
	}
	if (nring > 0)
		return ring(argv[0], nring);
	if (idle > 0) {
		struct conn *c = calloc(idle, sizeof(*c));

		if (c == NULL)
			die("calloc");
		idle_conns = c;
		signal(SIGTERM, idle_stop);
		signal(SIGINT, idle_stop);
		for (i = 0; i < idle; i++, idle_n++)
			vattach(argv[0], &c[i], (int)i + 10);
		printf("attached %u\n", idle);
		fflush(stdout);
		pause();
		return 0;
	}
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		die("mmap");
	memset(r, 0, sizeof(*r));
	if (pair) {
		/* The limit of datagram sockets, whatever -k says. */
		kind = K_VDE;
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1)
			die("socketpair");
		a.ctl = b.ctl = -1;
		a.data = sv[0];
		b.data = sv[1];
	} else {
		vattach(argv[0], &a, 1);
		vattach(argv[0], &b, 2);
		/* Both stations announce themselves, so unicast is known. */
		frame_fill(f, 64, 2, 0xff);
		memset(f, 0xff, 6);
		if (csend(&b, f, 64, 0) == -1)
			die("announce");
		frame_fill(f, 64, 1, 0xff);
		memset(f, 0xff, 6);
		if (csend(&a, f, 64, 0) == -1)
			die("announce");
		if (macs > 0)
			fill_macs(&a, macs, 64);
		/* Drain what the announcements flooded, until all is quiet. */
		receiver(&b, size, 0.3, NULL);
	}
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		receiver(&b, size, 0.5, r);
		_exit(0);
	}
	r->sent = sender(&a, size, secs, batch);
	waitpid(pid, &status, 0);
	if (!pair) {
		vdetach(&a);
		vdetach(&b);
	}
	el = r->last - r->first;
	if (el <= 0)
		el = 1e-9;
	printf("sent %llu received %llu seconds %.3f fps %.0f gbps %.3f "
	    "loss %.4f\n", (unsigned long long)r->sent,
	    (unsigned long long)r->received, el, (double)r->received / el,
	    (double)r->received * (double)size * 8 / el / 1e9,
	    r->sent ? 100.0 * (double)(r->sent - r->received) /
	    (double)r->sent : 0.0);
	return 0;
}
