/* SPDX-License-Identifier: ISC */
/*
 * vdepeer: a VDE v3 client for tests, able to do what no packaged client
 * does: send frames of any size, and misbehave on the control socket.
 *
 * usage: vdepeer [-cR] [-d descr] [-f mac] [-i seconds] [-m mac] [-n count]
 *            [-p port] [-r ms] [-T mac] [-t mac] [-w seconds] raw CTLDIR
 *            [HEX ...]
 *        vdepeer [options] size CTLDIR N[xCOUNT] ...
 *        vdepeer [-d descr] [-u user] ctl CTLDIR MODE [N]
 *
 * raw	Attach to the switch whose socket directory is CTLDIR and send
 *	each HEX argument (hex digits, ':' and '.' ignored) as one
 *	datagram; an empty HEX sends a 0-byte datagram.  Then stay attached
 *	for -w seconds (default 1), printing every frame received as one
 *	line of lowercase hex on stdout.
 * size	Like raw, but send one frame per size N: broadcast destination,
 *	source -m (default 02:00 and the pid, locally administered),
 *	EtherType 0x88b5, then the size as 2 big-endian bytes and a
 *	counting pattern; sizes under 14 are a cut header.  NxCOUNT sends
 *	COUNT such frames.
 *	-t sets the destination instead of broadcast; -T sets a second
 *	one, and the frames alternate between the two.
 * ctl	Misbehave on the control connection; MODE is one of
 *	garbage	 200 random bytes
 *	magic	 a request with a wrong magic
 *	version	 a request of version 2
 *	short	 the first 50 bytes of a request, then end of stream
 *	long	 a request padded to 300 bytes
 *	nopath	 a request naming a socket path that does not exist
 *	notsock	 a request naming a regular file
 *	symlink	 a request naming a symbolic link to its own socket
 *	otheruser a request, sent as -u user (default nobody), naming a
 *		 socket owned by root (so run this mode as root)
 *	silent	 connect and send nothing; wait up to 7 seconds
 *	hold N	 open N connections, send nothing, keep them until killed
 *	portbusy N  a good request for port N (0 asks for port 0)
 *
 * -p N asks for port N (default: any free port); -i waits that many
 * seconds between frames (the switch rate-limits its log per port);
 * -d sets the description (default "vdepeer"); -r MS makes a slow
 * reader, which takes one frame every MS milliseconds; -c prints, instead
 * of the frames, how many arrived ("N frames") when the wait is over;
 * -f MAC prints or counts only the frames from that source; -n COUNT
 * sends the raw frames COUNT times over.  -R gives each frame of size a
 * random source: the last 3 bytes of -m's, as a storm of many stations
 * would.
 *
 * Exit status: 0 attached (and frames sent), 2 refused (the switch
 * closed the control connection without a reply), 1 any other error,
 * including a switch that neither replies nor closes within 7 seconds.
 */

#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vde.h"

#define VDEPEER_REPLY_MS	7000	/* how long the switch has to answer */
#define VDEPEER_FRAME_MAX	65536	/* largest datagram sent or received */
#define VDEPEER_ETHERTYPE	0x88b5	/* IEEE local experimental */

enum { VDEPEER_OK = 0, VDEPEER_ERR = 1, VDEPEER_REFUSED = 2 };

struct vdepeer {
	const char	*dir;
	const char	*descr;
	const char	*user;
	int		 port;		/* -1: any */
	double		 wait;		/* seconds attached after sending */
	double		 interval;	/* seconds between frames */
	double		 pace;		/* seconds between reads, 0: at once */
	double		 next;		/* when a slow reader reads again */
	int		 count;		/* print a count, not the frames */
	unsigned long	 received;
	uint8_t		 mac[6];
	uint8_t		 dst[6];
	uint8_t		 dst2[6];
	int		 alternate;	/* -T: every other frame to dst2 */
	long		 repeat;	/* -n */
	uint8_t		 from[6];
	int		 filter;	/* only frames from this source */
	int		 randsrc;	/* size: a random source each frame */
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int		 ctl;		/* control stream */
	int		 data;		/* our datagram socket */
};

static void
vdepeer_usage(void)
{
	fprintf(stderr,
	    "usage: vdepeer [-cR] [-d descr] [-f mac] [-i seconds] [-m mac] "
	    "[-n count]\n"
	    "           [-p port] [-r ms] [-T mac] [-t mac] [-w seconds] raw "
	    "CTLDIR [HEX ...]\n"
	    "       vdepeer [options] size CTLDIR N[xCOUNT] ...\n"
	    "       vdepeer [-d descr] [-u user] ctl CTLDIR "
	    "garbage|magic|version|short|long|nopath|notsock|symlink|"
	    "otheruser|"
	    "silent|hold N|portbusy N\n");
	exit(VDEPEER_ERR);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
vdepeer_die(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	fprintf(stderr, "vdepeer: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	exit(VDEPEER_ERR);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
vdepeer_diex(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vdepeer: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(VDEPEER_ERR);
}

static long
vdepeer_number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		vdepeer_diex("%s: '%s' is not a number from %ld to %ld", what,
		    s, min, max);
	return v;
}

static double
vdepeer_seconds(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(v >= 0 && v <= 3600))
		vdepeer_diex("%s: '%s' is not a number of seconds from 0 to "
		    "3600", what, s);
	return v;
}

static void
vdepeer_mac(const char *s, uint8_t *mac)
{
	unsigned int m[6];
	char c;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3],
	    &m[4], &m[5], &c) != 6)
		vdepeer_diex("'%s' is not a MAC like 02:00:00:00:00:01", s);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
}

static double
vdepeer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
vdepeer_ctlpath(const struct vdepeer *vp, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if ((size_t)snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/ctl",
	    vp->dir) >= sizeof(sun->sun_path))
		vdepeer_diex("%s: path too long", vp->dir);
}

static int
vdepeer_connect(const struct vdepeer *vp)
{
	struct sockaddr_un sun;
	int fd;

	vdepeer_ctlpath(vp, &sun);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		vdepeer_die("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		vdepeer_die("connect %s", sun.sun_path);
	return fd;
}

/* Our end of the port, bound in DIR like libvdeplug does. */
static int
vdepeer_bind(struct vdepeer *vp, const char *tag)
{
	static int seq;
	struct sockaddr_un sun;
	int fd, sz = 1 << 20;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "%s/.vdepeer-%s-%ld-%d", vp->dir, tag, (long)getpid(), seq++) >=
	    sizeof(sun.sun_path))
		vdepeer_diex("%s: path too long", vp->dir);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		vdepeer_die("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	(void)unlink(sun.sun_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		vdepeer_die("bind %s", sun.sun_path);
	/* The switch runs as another user: it must be able to send to us. */
	if (chmod(sun.sun_path, 0666) == -1)
		vdepeer_die("chmod %s", sun.sun_path);
	snprintf(vp->path, sizeof(vp->path), "%s", sun.sun_path);
	return fd;
}

static void
vdepeer_write(int fd, const void *buf, size_t len)
{
	ssize_t r;

	if ((r = write(fd, buf, len)) == -1) {
		if (errno == EPIPE || errno == ECONNRESET) {
			fprintf(stderr, "vdepeer: refused: the switch closed "
			    "the connection while we wrote\n");
			exit(VDEPEER_REFUSED);
		}
		vdepeer_die("write to the control socket");
	}
	if ((size_t)r != len)
		vdepeer_diex("short write to the control socket (%zd of %zu)",
		    r, len);
}

/*
 * Waits for the switch's answer: 0 with its address, or the exit status
 * when it closed the connection (refused) or did something else.
 */
static int
vdepeer_reply(int fd, struct sockaddr_un *sun)
{
	unsigned char buf[sizeof(*sun) + 64];
	struct pollfd pfd;
	double end = vdepeer_now() + VDEPEER_REPLY_MS / 1000.0, left;
	size_t len = 0;
	ssize_t r;

	for (;;) {
		left = end - vdepeer_now();
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (left <= 0 || (r = poll(&pfd, 1, (int)(left * 1000) + 1)) == 0) {
			fprintf(stderr, "vdepeer: no answer from the switch "
			    "in %d ms\n", VDEPEER_REPLY_MS);
			return VDEPEER_ERR;
		}
		if (r == -1) {
			if (errno == EINTR)
				continue;
			vdepeer_die("poll");
		}
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0 || (r == -1 && errno == ECONNRESET)) {
			if (len != 0)
				break;
			fprintf(stderr, "vdepeer: refused: the switch closed "
			    "the connection\n");
			return VDEPEER_REFUSED;
		}
		if (r == -1)
			vdepeer_die("read from the control socket");
		len += (size_t)r;
		if (len >= sizeof(*sun))
			break;
	}
	if (vde_reply_parse(buf, len, sun) == -1) {
		fprintf(stderr, "vdepeer: bad reply from the switch (%zu "
		    "bytes)\n", len);
		return VDEPEER_ERR;
	}
	return VDEPEER_OK;
}

static void
vdepeer_hexline(const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s;
	size_t i;

	if ((s = malloc(len * 2 + 2)) == NULL)
		vdepeer_diex("out of memory");
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * len] = '\n';
	s[2 * len + 1] = '\0';
	fputs(s, stdout);
	fflush(stdout);
	free(s);
}

/*
 * Prints the frames that arrive for this many seconds.  The end of the
 * control stream means the switch let us go: an error.
 */
static void
vdepeer_listen(struct vdepeer *vp, double seconds)
{
	static unsigned char buf[VDEPEER_FRAME_MAX];
	struct pollfd pfd[2];
	double end = vdepeer_now() + seconds, left;
	ssize_t r;

	while ((left = end - vdepeer_now()) > 0) {
		if (vp->pace > 0 && vdepeer_now() < vp->next) {
			/* A slow reader: only the control stream meanwhile. */
			if (vp->next < end)
				left = vp->next - vdepeer_now();
			pfd[0].fd = -1;
		} else
			pfd[0].fd = vp->data;
		pfd[0].events = POLLIN;
		pfd[1].fd = vp->ctl;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, (int)(left * 1000) + 1) == -1) {
			if (errno == EINTR)
				continue;
			vdepeer_die("poll");
		}
		pfd[0].revents = pfd[0].fd == -1 ? 0 : pfd[0].revents;
		if (pfd[1].revents) {
			r = read(vp->ctl, buf, sizeof(buf));
			if (r <= 0)
				vdepeer_diex("the switch closed the control "
				    "connection");
		}
		if (pfd[0].revents & POLLIN) {
			r = recv(vp->data, buf, sizeof(buf), MSG_DONTWAIT);
			if (r == -1 && errno != EAGAIN && errno != EINTR)
				vdepeer_die("recv");
			if (r >= 0)
				vp->next = vdepeer_now() + vp->pace;
			if (r >= 0 && (!vp->filter || (r >= 12 &&
			    memcmp(buf + 6, vp->from, 6) == 0))) {
				vp->received++;
				if (!vp->count)
					vdepeer_hexline(buf, (size_t)r);
			}
		}
	}
}

/* A good request; our socket is kept in vp->data. */
static size_t
vdepeer_request(struct vdepeer *vp, unsigned char *req, size_t size, int port)
{
	size_t len;

	vp->data = vdepeer_bind(vp, "data");
	if ((len = vde_req_build(req, size, port, vp->path, vp->descr)) == 0)
		vdepeer_diex("cannot build a request for port %d", port);
	return len;
}

static void
vdepeer_attach(struct vdepeer *vp)
{
	unsigned char req[VDE_REQ_MAX];
	struct sockaddr_un sun;
	struct timeval tv = { 5, 0 };
	size_t len;
	int rc;

	vp->ctl = vdepeer_connect(vp);
	len = vdepeer_request(vp, req, sizeof(req), vp->port);
	vdepeer_write(vp->ctl, req, len);
	rc = vdepeer_reply(vp->ctl, &sun);
	(void)unlink(vp->path);
	if (rc != VDEPEER_OK)
		exit(rc);
	if (connect(vp->data, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		vdepeer_die("connect %s", sun.sun_path);
	/* A switch that stops reading must not hang the test. */
	(void)setsockopt(vp->data, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	fprintf(stderr, "vdepeer: attached, switch side %s\n", sun.sun_path);
}

static void
vdepeer_send(struct vdepeer *vp, const void *buf, size_t len, int first,
    int verbose)
{
	if (!first && vp->interval > 0)
		vdepeer_listen(vp, vp->interval);
	if (send(vp->data, buf, len, 0) == -1)
		vdepeer_die("send %zu bytes", len);
	if (verbose)
		fprintf(stderr, "vdepeer: sent %zu bytes\n", len);
}

static size_t
vdepeer_unhex(const char *s, unsigned char *buf, size_t size)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '.')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			vdepeer_diex("'%c' is not a hex digit", *s);
		if (hi == -1) {
			hi = v;
			continue;
		}
		if (n == size)
			vdepeer_diex("frame longer than %zu bytes", size);
		buf[n++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	if (hi != -1)
		vdepeer_diex("odd number of hex digits");
	return n;
}

static int
vdepeer_raw(struct vdepeer *vp, int argc, char **argv)
{
	static unsigned char buf[VDEPEER_FRAME_MAX];
	int i;

	long k;

	vdepeer_attach(vp);
	for (k = 0; k < vp->repeat; k++)
		for (i = 0; i < argc; i++)
			vdepeer_send(vp, buf, vdepeer_unhex(argv[i], buf,
			    sizeof(buf)), i == 0 && k == 0, vp->repeat == 1);
	if (vp->repeat > 1)
		fprintf(stderr, "vdepeer: sent %ld times %d frames\n",
		    vp->repeat, argc);
	vdepeer_listen(vp, vp->wait);
	if (vp->count)
		printf("%lu frames\n", vp->received);
	return VDEPEER_OK;
}

static size_t
vdepeer_frame(const struct vdepeer *vp, unsigned char *buf, size_t len)
{
	unsigned char hdr[16];
	size_t i;

	memcpy(hdr, vp->dst, 6);
	memcpy(hdr + 6, vp->mac, 6);
	hdr[12] = VDEPEER_ETHERTYPE >> 8;
	hdr[13] = VDEPEER_ETHERTYPE & 0xff;
	hdr[14] = (unsigned char)(len >> 8);
	hdr[15] = (unsigned char)len;
	for (i = 0; i < len; i++)
		buf[i] = i < sizeof(hdr) ? hdr[i] : (unsigned char)i;
	return len;
}

static int
vdepeer_size(struct vdepeer *vp, int argc, char **argv)
{
	static unsigned char buf[VDEPEER_FRAME_MAX];
	long n[64], count[64], k;
	uint32_t r = (uint32_t)getpid() | 1;
	char *x;
	int i;

	if (argc == 0 || argc > 64)
		vdepeer_usage();
	for (i = 0; i < argc; i++) {
		count[i] = 1;
		if ((x = strchr(argv[i], 'x')) != NULL) {
			*x++ = '\0';
			count[i] = vdepeer_number(x, 1, 10000000, "count");
		}
		n[i] = vdepeer_number(argv[i], 0, VDEPEER_FRAME_MAX, "size");
	}
	vdepeer_attach(vp);
	for (i = 0; i < argc; i++) {
		vdepeer_frame(vp, buf, (size_t)n[i]);
		for (k = 0; k < count[i]; k++) {
			if (vp->randsrc && n[i] >= 12) {
				r ^= r << 13;
				r ^= r >> 17;
				r ^= r << 5;
				memcpy(buf + 9, &r, 3);
			}
			if (vp->alternate)
				memcpy(buf, k % 2 ? vp->dst2 : vp->dst, 6);
			vdepeer_send(vp, buf, (size_t)n[i], i == 0 && k == 0,
			    count[i] == 1);
		}
		if (count[i] > 1)
			fprintf(stderr, "vdepeer: sent %ld frames of %ld "
			    "bytes\n", count[i], n[i]);
	}
	vdepeer_listen(vp, vp->wait);
	if (vp->count)
		printf("%lu frames\n", vp->received);
	return VDEPEER_OK;
}

/* Sends a request and reports what the switch made of it. */
static int
vdepeer_try(struct vdepeer *vp, const void *req, size_t len, int eof)
{
	struct sockaddr_un sun;
	int rc;

	if (len > 0)
		vdepeer_write(vp->ctl, req, len);
	if (eof && shutdown(vp->ctl, SHUT_WR) == -1)
		vdepeer_die("shutdown");
	if ((rc = vdepeer_reply(vp->ctl, &sun)) == VDEPEER_OK)
		fprintf(stderr, "vdepeer: the switch accepted it: %s\n",
		    sun.sun_path);
	return rc;
}

static int
vdepeer_otheruser(struct vdepeer *vp, const unsigned char *req, size_t len)
{
	struct passwd *pw;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		vdepeer_diex("otheruser: run as root, to own the socket named");
	if ((pw = getpwnam(vp->user)) == NULL)
		vdepeer_diex("otheruser: no such user '%s'", vp->user);
	if (pw->pw_uid == 0)
		vdepeer_diex("otheruser: '%s' is root", vp->user);
	fflush(NULL);
	if ((pid = fork()) == -1)
		vdepeer_die("fork");
	if (pid == 0) {
		/* Root may use any socket: ask as someone who may not. */
		if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
		    setuid(pw->pw_uid) == -1)
			vdepeer_die("becoming %s", vp->user);
		vp->ctl = vdepeer_connect(vp);
		_exit(vdepeer_try(vp, req, len, 0));
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			vdepeer_die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : VDEPEER_ERR;
}

/* Open n control connections, send nothing on any, keep them: never returns. */
static void __attribute__((noreturn))
vdepeer_hold(struct vdepeer *vp, int n)
{
	int i;

	for (i = 0; i < n; i++)
		(void)vdepeer_connect(vp);
	printf("holding %d\n", n);
	fflush(stdout);
	for (;;)
		pause();
}

static int
vdepeer_ctl(struct vdepeer *vp, int argc, char **argv)
{
	unsigned char req[512];
	const char *mode;
	uint32_t v;
	size_t len;
	int fd, rc, port = -1;

	if (argc < 1)
		vdepeer_usage();
	mode = argv[0];
	if (strcmp(mode, "portbusy") == 0) {
		if (argc != 2)
			vdepeer_usage();
		port = (int)vdepeer_number(argv[1], 0, 0xffffff, "portbusy");
	} else if (strcmp(mode, "hold") == 0) {
		if (argc != 2)
			vdepeer_usage();
		vdepeer_hold(vp, (int)vdepeer_number(argv[1], 1, 100000,
		    "hold"));
	} else if (argc != 1)
		vdepeer_usage();

	memset(req, 0, sizeof(req));
	if (strcmp(mode, "otheruser") == 0) {
		/* A socket of root's: the child asking is not root. */
		vp->data = vdepeer_bind(vp, "root");
		if (chmod(vp->path, 0600) == -1)
			vdepeer_die("chmod %s", vp->path);
		len = vde_req_build(req, sizeof(req), -1, vp->path, vp->descr);
		rc = vdepeer_otheruser(vp, req, len);
		(void)unlink(vp->path);
		return rc;
	}

	if (strcmp(mode, "symlink") == 0) {
		/* Its own socket, named through a link. */
		char link[sizeof(vp->path)];

		vp->data = vdepeer_bind(vp, "symlink");
		if ((size_t)snprintf(link, sizeof(link), "%s.link", vp->path) >=
		    sizeof(link))
			vdepeer_diex("symlink: path too long");
		(void)unlink(link);
		if (symlink(vp->path, link) == -1)
			vdepeer_die("symlink %s", link);
		vp->ctl = vdepeer_connect(vp);
		len = vde_req_build(req, sizeof(req), -1, link, vp->descr);
		rc = vdepeer_try(vp, req, len, 0);
		(void)unlink(link);
		(void)unlink(vp->path);
		return rc;
	}
	vp->ctl = vdepeer_connect(vp);
	if (strcmp(mode, "garbage") == 0) {
		if (getrandom(req, 200, 0) != 200)
			vdepeer_die("getrandom");
		memcpy(&v, req, sizeof(v));
		if (v == VDE_MAGIC)
			req[0] ^= 0xff;
		return vdepeer_try(vp, req, 200, 0);
	}
	if (strcmp(mode, "silent") == 0)
		return vdepeer_try(vp, NULL, 0, 0);
	if (strcmp(mode, "nopath") == 0 || strcmp(mode, "notsock") == 0) {
		snprintf(vp->path, sizeof(vp->path), "%s/.vdepeer-%s-%ld",
		    vp->dir, mode, (long)getpid());
		(void)unlink(vp->path);
		if (strcmp(mode, "notsock") == 0) {
			if ((fd = open(vp->path, O_WRONLY | O_CREAT | O_EXCL |
			    O_CLOEXEC, 0666)) == -1)
				vdepeer_die("%s", vp->path);
			close(fd);
		}
		len = vde_req_build(req, sizeof(req), -1, vp->path, vp->descr);
		rc = vdepeer_try(vp, req, len, 0);
		(void)unlink(vp->path);
		return rc;
	}

	len = vdepeer_request(vp, req, sizeof(req), port);
	if (strcmp(mode, "magic") == 0) {
		v = 0xdeadbeef;
		memcpy(req, &v, sizeof(v));
	} else if (strcmp(mode, "version") == 0) {
		v = 2;
		memcpy(req + 4, &v, sizeof(v));
	} else if (strcmp(mode, "short") == 0) {
		len = 50;
	} else if (strcmp(mode, "long") == 0) {
		memset(req + len, 'x', 300 - len);
		len = 300;
	} else if (strcmp(mode, "portbusy") != 0) {
		(void)unlink(vp->path);
		vdepeer_usage();
	}
	rc = vdepeer_try(vp, req, len, strcmp(mode, "short") == 0);
	(void)unlink(vp->path);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct vdepeer vp;
	pid_t pid = getpid();
	const char *cmd;
	int ch;

	memset(&vp, 0, sizeof(vp));
	vp.descr = "vdepeer";
	vp.user = "nobody";
	vp.port = -1;
	vp.wait = 1;
	vp.repeat = 1;
	vp.ctl = vp.data = -1;
	memset(vp.dst, 0xff, sizeof(vp.dst));
	vp.mac[0] = 0x02;
	vp.mac[2] = (uint8_t)(pid >> 24);
	vp.mac[3] = (uint8_t)(pid >> 16);
	vp.mac[4] = (uint8_t)(pid >> 8);
	vp.mac[5] = (uint8_t)pid;
	while ((ch = getopt(argc, argv, "+cd:f:i:m:n:p:Rr:T:t:u:w:")) != -1) {
		switch (ch) {
		case 'c':
			vp.count = 1;
			break;
		case 'R':
			vp.randsrc = 1;
			break;
		case 'r':
			vp.pace = vdepeer_number(optarg, 1, 3600000, "-r") /
			    1000.0;
			break;
		case 'd':
			vp.descr = optarg;
			break;
		case 'f':
			vdepeer_mac(optarg, vp.from);
			vp.filter = 1;
			break;
		case 'i':
			vp.interval = vdepeer_seconds(optarg, "-i");
			break;
		case 'm':
			vdepeer_mac(optarg, vp.mac);
			break;
		case 'p':
			vp.port = (int)vdepeer_number(optarg, 1, 0xffffff,
			    "-p");
			break;
		case 'n':
			vp.repeat = vdepeer_number(optarg, 1, 10000000, "-n");
			break;
		case 't':
			vdepeer_mac(optarg, vp.dst);
			break;
		case 'T':
			vdepeer_mac(optarg, vp.dst2);
			vp.alternate = 1;
			break;
		case 'u':
			vp.user = optarg;
			break;
		case 'w':
			vp.wait = vdepeer_seconds(optarg, "-w");
			break;
		default:
			vdepeer_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		vdepeer_usage();
	cmd = argv[0];
	vp.dir = argv[1];
	argc -= 2;
	argv += 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(cmd, "raw") == 0)
		return vdepeer_raw(&vp, argc, argv);
	if (strcmp(cmd, "size") == 0)
		return vdepeer_size(&vp, argc, argv);
	if (strcmp(cmd, "ctl") == 0)
		return vdepeer_ctl(&vp, argc, argv);
	vdepeer_usage();
}
