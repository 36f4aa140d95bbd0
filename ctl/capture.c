/* SPDX-License-Identifier: ISC */
/*
 * The records of a capture (a 16-byte header, big-endian: kind, 0, port,
 * length, seconds, microseconds; then the frame) become pcap records on
 * standard output, in this host's byte order, as tcpdump and wireshark
 * read them.  The capture ends with the count, with ^C or SIGTERM, or
 * when what reads standard output has gone (EPIPE): switchctl closes
 * its side, and the switch sends what it has left and a last record
 * that says how many frames it copied and how many it lost.
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "capture.h"
#include "client.h"
#include "log.h"

#define CAPTURE_BUF	(256 * 1024)	/* more than the largest record */
#define CAPTURE_HDR	16
#define CAPTURE_SNAPLEN	262144		/* frames are never cut */
#define CAPTURE_ETHERNET 1		/* pcap's LINKTYPE_ETHERNET */
#define CAPTURE_OUT	(64 * 1024)	/* written at once */

struct capture {
	uint64_t	 count;		/* 0: no limit */
	uint64_t	 written;
	int		 outerr;	/* what writing stdout failed with */
	uint8_t		 out[CAPTURE_OUT];
	size_t		 outlen;
	int		 done;		/* the last record came */
	json_object	*end;		/* what it said */
};

static volatile sig_atomic_t capture_stop;

static void
capture_sig(int sig)
{
	(void)sig;
	capture_stop = 1;
}

static uint32_t
capture_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * What is buffered, to standard output: a reader that is slow is waited
 * for, whatever signal comes meanwhile; one that is gone ends it all.
 */
static void
capture_flush(struct capture *c)
{
	size_t off = 0;
	ssize_t r;

	while (c->outerr == 0 && off < c->outlen) {
		r = write(STDOUT_FILENO, c->out + off, c->outlen - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			c->outerr = errno;
			capture_stop = 1;
		} else
			off += (size_t)r;
	}
	c->outlen = 0;
}

static void
capture_out(struct capture *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	while (len > 0 && c->outerr == 0) {
		if (c->outlen == sizeof(c->out))
			capture_flush(c);
		n = sizeof(c->out) - c->outlen < len ?
		    sizeof(c->out) - c->outlen : len;
		memcpy(c->out + c->outlen, p, n);
		c->outlen += n;
		p += n;
		len -= n;
	}
}

/* pcap's file header: microseconds, Ethernet, frames whole. */
static void
capture_header(struct capture *c)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t	 zone;
		uint32_t sigfigs, snaplen, linktype;
	} h = { 0xa1b2c3d4, 2, 4, 0, 0, CAPTURE_SNAPLEN, CAPTURE_ETHERNET };

	capture_out(c, &h, sizeof(h));
	capture_flush(c);
}

static void
capture_frame(struct capture *c, const uint8_t *r, uint32_t len)
{
	uint32_t h[4] = { capture_u32(r + 8), capture_u32(r + 12), len, len };

	if (c->outerr != 0 || (c->count != 0 && c->written >= c->count))
		return;
	capture_out(c, h, sizeof(h));
	capture_out(c, r + CAPTURE_HDR, len);
	if (c->count != 0 && ++c->written >= c->count)
		capture_stop = 1;
}

/*
 * The complete records in buf: how many bytes they took, or -1 when the
 * switch sent something that is not one.
 */
static ssize_t
capture_records(struct capture *c, const uint8_t *buf, size_t have)
{
	size_t off = 0;
	uint32_t len;
	char *json;

	while (!c->done && have - off >= CAPTURE_HDR) {
		len = capture_u32(buf + off + 4);
		if (len > CAPTURE_BUF - CAPTURE_HDR)
			return -1;
		if (have - off < CAPTURE_HDR + len)
			break;
		switch (buf[off]) {
		case 'i':
		case 'o':
			capture_frame(c, buf + off, len);
			break;
		case 'e':
			if ((json = strndup((const char *)buf + off +
			    CAPTURE_HDR, len)) == NULL)
				fatal("strndup");
			c->end = json_tokener_parse(json);
			free(json);
			c->done = 1;
			break;
		default:
			return -1;
		}
		off += CAPTURE_HDR + len;
	}
	return (ssize_t)off;
}

/* Wait for the switch; after asking it to stop, at most until deadline. */
static int
capture_wait(int fd, int stopping, const struct timespec *deadline)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct timespec now;
	long ms = -1;

	if (stopping) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (deadline->tv_sec - now.tv_sec) * 1000 +
		    (deadline->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return 0;
	}
	return poll(&pfd, 1, (int)ms);
}

static uint64_t
capture_get(json_object *o, const char *key)
{
	json_object *v;

	return o != NULL && json_object_object_get_ex(o, key, &v) ?
	    json_object_get_uint64(v) : 0;
}

/* How it went, on standard error: standard output is the capture's. */
static void
capture_summary(const struct capture *c, int json)
{
	uint64_t lost = capture_get(c->end, "lost");

	if (json) {
		fprintf(stderr, "%s\n", json_object_to_json_string_ext(c->end,
		    JSON_C_TO_STRING_PLAIN));
		return;
	}
	fprintf(stderr, "switchctl: capture: %" PRIu64 " frames, %" PRIu64
	    " lost%s\n", capture_get(c->end, "frames"), lost, lost ?
	    " (the capture did not keep up; the switch's traffic lost "
	    "nothing)" : "");
}

/* Read records until the last; 0, or 1 after saying what went wrong. */
static int
capture_loop(struct capture *c, struct client *cl, uint8_t *buf)
{
	struct timespec deadline;
	int fd = client_fd(cl), stopping = 0, r;
	size_t have = client_rest(cl, buf, CAPTURE_BUF);
	ssize_t n;

	for (;;) {
		if ((n = capture_records(c, buf, have)) == -1) {
			log_warnx("capture: the switch sent something that is "
			    "not a capture record");
			return 1;
		}
		memmove(buf, buf + n, have - (size_t)n);
		have -= (size_t)n;
		capture_flush(c);
		if (c->done)
			return 0;
		if (capture_stop && !stopping) {
			/* The switch ends it on our end of the connection. */
			shutdown(fd, SHUT_WR);
			stopping = 1;
			clock_gettime(CLOCK_MONOTONIC, &deadline);
			deadline.tv_sec += CLIENT_TIMEOUT;
		}
		r = capture_wait(fd, stopping, &deadline);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0) {
			log_warnx("capture: the switch did not end it within "
			    "%d seconds", CLIENT_TIMEOUT);
			return 1;
		}
		if (r == -1 || (n = read(fd, buf + have, CAPTURE_BUF -
		    have)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("capture");
			return 1;
		}
		if (n == 0) {
			log_warnx("capture: the switch closed the connection "
			    "(did it stop?)");
			return 1;
		}
		have += (size_t)n;
	}
}

int
capture_run(struct client *cl, const char *request, uint64_t count, int json)
{
	static struct capture c;
	struct sigaction sa;
	json_object *r;
	uint8_t *buf;
	int rc;

	if (isatty(STDOUT_FILENO)) {
		log_warnx("capture writes pcap on standard output: pipe it to "
		    "tcpdump -r - or wireshark -k -i -, or into a file");
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.count = count;
	if ((buf = malloc(CAPTURE_BUF)) == NULL)
		fatal("malloc");
	if ((r = client_call(cl, request)) == NULL) {
		free(buf);
		return 1;
	}
	json_object_put(r);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = capture_sig;	/* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	capture_header(&c);
	rc = capture_loop(&c, cl, buf);
	free(buf);
	if (c.outerr != 0 && c.outerr != EPIPE) {
		errno = c.outerr;
		log_warn("capture: standard output");
		rc = 1;
	}
	if (c.done)
		capture_summary(&c, json);
	json_object_put(c.end);
	return rc;
}
