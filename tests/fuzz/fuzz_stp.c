/* SPDX-License-Identifier: ISC */
/*
 * BPDUs from a peer into spanning tree (switchd/stp.c): a bridge of four
 * ports, spanning tree on, fed a sequence of records:
 *
 *	op (1 byte), then what it takes
 *
 * op < 0x80: a frame on port op & 3 of n bytes (the next byte), which
 *	follow; with op & 0x04 the bytes are a BPDU's, after a correct
 *	Ethernet and LLC header, so that they reach the BPDU itself.
 * op >= 0x80: (op & 0x3f) * 100 ms pass, and the clock ticks; with
 *	op & 0x40, port (op & 3) goes down, or up again.
 *
 * Checks, besides the sanitizers: every BPDU the bridge sends parses
 * back; a malformed BPDU is counted; there is at most one root port,
 * it is the one the bridge names, and it forwards; alternate and backup
 * ports discard; a port that is down forwards nothing it learned.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stp.h"

#define NPORTS	4

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_send(void *arg, uint16_t port, const uint8_t *f, size_t len)
{
	struct stp_bpdu b;

	(void)arg;
	assert(port < NPORTS);
	assert(len >= 60 && len <= STP_BPDU_MAX);
	assert(stp_parse(f, len, &b) == 0);
}

static void
fuzz_check(const struct stp *s)
{
	const struct stp_port *p;
	int i, roots = 0;

	for (i = 0; i < NPORTS; i++) {
		p = &s->ports[i];
		if (!p->up)
			continue;
		if (p->role == STP_ROLE_ROOT) {
			roots++;
			assert(s->rootport == i);
			assert(p->state == STP_FORWARDING);
		}
		if (p->role == STP_ROLE_ALTERNATE ||
		    p->role == STP_ROLE_BACKUP)
			assert(p->state == STP_DISCARDING);
	}
	assert(roots <= 1);
	assert(roots == 1 || s->rootport < 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t hdr[17] = { 0x01, 0x80, 0xc2, 0, 0, 0,
	    0x02, 0, 0, 0, 0, 0x01, 0, 0, 0x42, 0x42, 0x03 };
	struct stp_ops ops = { .send = fuzz_send };
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x80 }, f[17 + 255];
	struct stp *s;
	uint64_t now = 1000, bad;
	size_t i = 0, len;
	uint8_t op;
	int p;

	if ((s = stp_new(NPORTS, mac, &ops)) == NULL)
		abort();
	stp_set(s, 1, STP_PRIORITY_DEFAULT, STP_FWD_DELAY_DEFAULT, now);
	for (p = 0; p < NPORTS; p++)
		stp_port_up(s, (uint16_t)p, STP_COST_1G, p == 3 ?
		    STP_EDGE_ON : STP_EDGE_AUTO, now);
	while (i < n) {
		op = d[i++];
		if (op & 0x80) {
			p = op & 3;
			if (op & 0x40) {
				if (s->ports[p].up)
					stp_port_down(s, (uint16_t)p, now);
				else
					stp_port_up(s, (uint16_t)p, STP_COST_1G,
					    STP_EDGE_AUTO, now);
			}
			now += (uint64_t)(op & 0x3f) * 100;
			stp_tick(s, now);
			fuzz_check(s);
			continue;
		}
		if (i >= n)
			break;
		len = d[i++];
		if (len > n - i)
			len = n - i;
		p = op & 3;
		if (op & 0x04) {
			memcpy(f, hdr, sizeof(hdr));
			f[12] = (uint8_t)((len + 3) >> 8);
			f[13] = (uint8_t)(len + 3);
			memcpy(f + sizeof(hdr), d + i, len);
			len += sizeof(hdr);
		} else
			memcpy(f, d + i, len);
		i += op & 0x04 ? len - sizeof(hdr) : len;
		bad = s->bad;
		if (stp_rx(s, (uint16_t)p, f, len, now) == -1)
			assert(s->bad == bad + 1);
		else
			assert(s->bad == bad);
		fuzz_check(s);
	}
	stp_free(s);
	return 0;
}
