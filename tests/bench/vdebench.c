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
#include "vde.h"

#define BATCH	32

struct conn {
	int	ctl;
	int	data;
};

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

static void
vattach(const char *dir, struct conn *c, int n)
{
	struct sockaddr_un sun, reply;
	unsigned char req[VDE_REQ_MAX];
	size_t len;
	char path[108];

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
fill_macs(int fd, unsigned int n, size_t size)
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
		while (send(fd, f, size, 0) == -1 && errno == EINTR)
			;
		if (i % 64 == 63)
			usleep(50);
	}
}

static void
receiver(int fd, size_t size, double idle, struct result *r)
{
	static unsigned char buf[BATCH][FRAME_MAX];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct pollfd pfd = { fd, POLLIN, 0 };
	int i, n;

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
		for (i = 0; i < n; i++)
			if (mm[i].msg_len == size && buf[i][11] == 1) {
				if (r->received++ == 0)
					r->first = now();
				r->last = now();
			}
	}
}

static uint64_t
sender(int fd, size_t size, double secs, int batch)
{
	unsigned char f[FRAME_MAX];
	struct mmsghdr mm[BATCH];
	struct iovec iov;
	uint64_t sent = 0;
	double end = now() + secs;
	int i, n;

	frame_fill(f, size, 1, 2);
	iov.iov_base = f;
	iov.iov_len = size;
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < BATCH; i++) {
		mm[i].msg_hdr.msg_iov = &iov;
		mm[i].msg_hdr.msg_iovlen = 1;
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
		close(c.ctl);
		close(c.data);
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
		send(c[i].data, f, sizeof(f), 0);
	}
	usleep(300000);
	for (i = 0; i < n; i++)
		while (recv(c[i].data, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	for (i = 0; i < n; i++) {
		unsigned int to = (i + 1) % n;

		memcpy(f, "\x02\x00\x00\x01", 4);
		f[4] = (unsigned char)(to >> 8);
		f[5] = (unsigned char)to;
		f[10] = (unsigned char)(i >> 8);
		f[11] = (unsigned char)i;
		send(c[i].data, f, sizeof(f), 0);
	}
	end = now() + 5;
	for (i = 0; i < n && now() < end; ) {
		r = recv(c[i].data, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 64 && buf[4] == (unsigned char)(i >> 8) &&
		    buf[5] == (unsigned char)i) {
			got++;
			i++;
		} else if (r < 0)
			usleep(1000);
	}
	printf("ports %u delivered %u\n", n, got);
	for (i = 0; i < n; i++) {
		close(c[i].ctl);
		close(c[i].data);
	}
	free(c);
	return got == n ? 0 : 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vdebench [-P] [-a ports] [-b batch] [-c cycles] "
	    "[-i idle] [-m macs]\n                [-s size] [-t seconds] "
	    "[dir]\n");
	exit(1);
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

	while ((ch = getopt(argc, argv, "a:b:c:i:m:Ps:t:")) != -1) {
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

		for (i = 0; i < idle; i++)
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
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1)
			die("socketpair");
		a.data = sv[0];
		b.data = sv[1];
	} else {
		vattach(argv[0], &a, 1);
		vattach(argv[0], &b, 2);
		/* Both stations announce themselves, so unicast is known. */
		frame_fill(f, 64, 2, 0xff);
		memset(f, 0xff, 6);
		send(b.data, f, 64, 0);
		frame_fill(f, 64, 1, 0xff);
		memset(f, 0xff, 6);
		send(a.data, f, 64, 0);
		if (macs > 0)
			fill_macs(a.data, macs, 64);
		/* Drain what the announcements flooded, until all is quiet. */
		for (;;) {
			struct pollfd pfd = { b.data, POLLIN, 0 };

			if (poll(&pfd, 1, 300) <= 0)
				break;
			while (recv(b.data, f, sizeof(f), MSG_DONTWAIT) > 0)
				;
		}
	}
	if ((pid = fork()) == -1)
		die("fork");
	if (pid == 0) {
		receiver(b.data, size, 0.5, r);
		_exit(0);
	}
	r->sent = sender(a.data, size, secs, batch);
	waitpid(pid, &status, 0);
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
