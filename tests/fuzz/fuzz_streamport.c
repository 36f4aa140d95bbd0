/* SPDX-License-Identifier: ISC */
/*
 * A stream port of switchd, as QEMU's -netdev stream reaches it
 * (switchd/port.c): the input's first 4 bytes choose how the rest is cut
 * into writes; the rest is what a peer sends on port 1's connection.  The
 * switch runs as a hub, so every frame goes out to port 2, a stream port
 * whose peer reads slowly (a small socket buffer: short writes), and to
 * port 3, a unix datagram port.
 *
 * Checked besides the sanitizers: what port 2 writes is always in step
 * (a 4-byte length from 14 to 9234, then that many bytes), and its
 * frames are, in order, frames of the input (untagged, as all ports are
 * access ports of VLAN 1); the switch closes port 1
 * exactly when the input has a length of 0 or over 69632 before its
 * end, and counts it.
 */
#include <sys/socket.h>

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "fuzzsd.h"
#include "port.h"
#include "stream.h"
#include "sw.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The frames of the input, read plainly; where it breaks, if it does. */
#define FSP_FRAMES	16384	/* of 18 bytes at least, in -max_len */

struct fsp_ref {
	size_t		 off[FSP_FRAMES];
	size_t		 len[FSP_FRAMES];
	size_t		 n;
	int		 broken;
};

static struct fsp_ref	 ref;
static const uint8_t	*input;
static size_t		 matched;	/* frames of ref seen at port 2 */

static void
fsp_reference(const uint8_t *s, size_t len)
{
	size_t off = 0, flen;

	ref.n = 0;
	ref.broken = 0;
	while (len - off >= 4) {
		flen = (size_t)s[off] << 24 | (size_t)s[off + 1] << 16 |
		    (size_t)s[off + 2] << 8 | s[off + 3];
		if (flen == 0 || flen > STREAM_QEMU_MAX) {
			ref.broken = 1;
			return;
		}
		if (len - off - 4 < flen)
			return;
		/* Runts and giants are dropped: they never reach port 2. */
		if (flen >= FRAME_MIN && flen <= FRAME_MAX) {
			assert(ref.n < FSP_FRAMES);
			ref.off[ref.n] = off + 4;
			ref.len[ref.n++] = flen;
		}
		off += 4 + flen;
	}
}

/*
 * Whether f is frame i of the input as an access port of VLAN 1 sends
 * it: untagged, an 802.1Q tag taken off.
 */
static int
fsp_is(size_t i, const unsigned char *f, size_t len)
{
	const uint8_t *g = input + ref.off[i];

	if (ref.len[i] >= 18 && g[12] == 0x81 && g[13] == 0x00)
		return ref.len[i] - 4 == len && memcmp(g, f, 12) == 0 &&
		    memcmp(g + 16, f + 12, len - 12) == 0;
	return ref.len[i] == len && memcmp(g, f, len) == 0;
}

/* A frame port 2 wrote: the next of the input's, some perhaps dropped. */
static void
fsp_out(void *arg, const unsigned char *f, size_t len)
{
	(void)arg;
	assert(len >= FRAME_MIN && len <= FRAME_MAX);
	while (matched < ref.n && !fsp_is(matched, f, len))
		matched++;
	assert(matched < ref.n);
	matched++;
}

static void
fsp_drain(int fd, struct deframer *d)
{
	static unsigned char buf[65536];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		assert(deframer_feed(d, buf, (size_t)r, fsp_out, NULL) == 0);
	assert(r == -1 && errno == EAGAIN);
}

static int
fsp_pair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == -1)
		abort();
	return sv[0];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw *sw;
	struct port *p;
	struct deframer d;
	int in[2], out[2], dg[2], small = 4096, rounds;
	uint32_t seed;
	uint64_t errors;
	size_t off = 0, n;
	ssize_t w;
	char err[256];

	fuzzsd_quiet();
	if (size < 4)
		return 0;
	memcpy(&seed, data, 4);
	input = data + 4;
	size -= 4;
	fsp_reference(input, size);
	matched = 0;

	/* One switch for the run; each input has ports of its own. */
	if (sw == NULL && ((sw = fuzzsd_new(4)) == NULL ||
	    sw_set(sw, "hub on", err, sizeof(err)) == -1 ||
	    sw_set(sw, "storm 0", err, sizeof(err)) == -1))
		abort();
	p = port_new(sw, 1, PORT_STREAM, fsp_pair(SOCK_STREAM, in));
	port_start(p);
	p = port_new(sw, 2, PORT_STREAM, fsp_pair(SOCK_STREAM, out));
	(void)setsockopt(out[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	(void)setsockopt(out[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	port_start(p);
	port_start(port_new(sw, 3, PORT_UNIX, fsp_pair(SOCK_DGRAM, dg)));
	if (deframer_init(&d, 4, STREAM_QEMU_MAX) == -1)
		abort();
	d.nozero = 1;
	errors = sw->stream_errors;

	/* Written in pieces of 1 to 4096 bytes, as the seed says. */
	for (rounds = 0; off < size && sw->ports[1] != NULL; rounds++) {
		n = 1 + (seed = seed * 1103515245 + 12345) % 4096;
		if (n > size - off)
			n = size - off;
		if ((w = send(in[1], input + off, n, MSG_NOSIGNAL)) > 0)
			off += (size_t)w;
		ev_run(sw->loop, EVRUN_NOWAIT);
		fsp_drain(out[1], &d);
		while (recv(dg[1], err, sizeof(err), MSG_DONTWAIT) > 0)
			;
	}
	/* What is left is read, and port 2 writes all it queued. */
	for (rounds = 0; rounds < 10000 && (sw->ports[1] != NULL ||
	    sw->ports[2]->qcount > 0); rounds++) {
		if (sw->ports[1] != NULL && off == size) {
			shutdown(in[1], SHUT_WR);
			off++;
		}
		ev_run(sw->loop, EVRUN_NOWAIT);
		fsp_drain(out[1], &d);
	}
	assert(sw->ports[1] == NULL && sw->ports[2]->qcount == 0);
	assert(sw->ports[2]->txoff == 0 && d.have == 0);
	assert((sw->stream_errors - errors == 1) == ref.broken);

	deframer_free(&d);
	port_free(sw->ports[2]);
	port_free(sw->ports[3]);
	close(in[1]);
	close(out[1]);
	close(dg[1]);
	return 0;
}
