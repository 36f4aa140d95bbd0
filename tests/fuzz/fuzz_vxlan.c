/* SPDX-License-Identifier: ISC */
/*
 * What switchplug -x does with each datagram from the network
 * (plugs/vtep.c): the header checked, the inner source learned behind
 * the sender, and, for the frames going the other way, the endpoint
 * looked up and the flow hashed for the source port.
 *
 * The input is records: a byte choosing the sender among 300 addresses,
 * IPv4 and IPv6 (more than the endpoints there is room for) and, in its
 * high bit, a jump in time past the aging; two bytes of length (big
 * endian); the datagram.  Besides the sanitizers: decapsulation agrees
 * with a plain reading of RFC 7348; an address learned is found behind
 * its sender; the table and the endpoints keep their limits; no learned
 * endpoint is left with no address behind it; the addresses behind the
 * endpoints add up to the table's count.
 */
#include <arpa/inet.h>

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "vtep.h"

#define FUZZ_MACS	64	/* small: the table fills */
#define FUZZ_AGING	300

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static union vtep_addr
fuzz_sender(unsigned int n)
{
	union vtep_addr	 a;

	memset(&a, 0, sizeof(a));
	n %= 300;
	if (n & 1) {
		a.sin6.sin6_family = AF_INET6;
		a.sin6.sin6_addr.s6_addr[0] = 0xfd;
		a.sin6.sin6_addr.s6_addr[14] = (uint8_t)(n >> 8);
		a.sin6.sin6_addr.s6_addr[15] = (uint8_t)n;
		a.sin6.sin6_port = htons((uint16_t)(40000 + n));
	} else {
		a.sin.sin_family = AF_INET;
		a.sin.sin_addr.s_addr = htonl(0x0a000000U | n);
		a.sin.sin_port = htons((uint16_t)(40000 + n));
	}
	return a;
}

/* RFC 7348 read plainly, in the order vtep_decap() reports. */
static enum vtep_rx
fuzz_reference(const uint8_t *d, size_t len)
{
	if (len < 8 + FRAME_MIN)
		return VTEP_RX_SHORT;
	if (!(d[0] & 0x08))
		return VTEP_RX_NOFLAG;
	if (d[4] != 0 || d[5] != 0 || d[6] != 42)
		return VTEP_RX_VNI;
	if (len > 8 + FRAME_MAX)
		return VTEP_RX_GIANT;
	return VTEP_RX_OK;
}

static void
fuzz_invariants(const struct vtep *v)
{
	unsigned int	 i, sum = 0;

	assert(v->nep <= VTEP_ENDPOINTS_MAX);
	assert(vtep_count(v) <= FUZZ_MACS);
	for (i = 0; i < VTEP_ENDPOINTS_MAX; i++) {
		if (!(v->ep[i].flags & VTEP_EP_USED)) {
			assert(vtep_macs(v, i) == 0);
			continue;
		}
		assert(i < v->nep);
		if (!(v->ep[i].flags & VTEP_EP_FLOOD))
			assert(vtep_macs(v, i) > 0);
		sum += vtep_macs(v, i);
	}
	assert(sum == vtep_count(v));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtep		*v;
	union vtep_addr		 from, peer;
	uint8_t			*d, dst[FRAME_MIN];
	uint32_t		 now = 1000;
	size_t			 len;
	enum vtep_rx		 r;
	enum vtep_learn		 l;
	int			 i;

	v = vtep_new(42, htons(4789), FUZZ_MACS, FUZZ_AGING);
	assert(v != NULL);
	/* Two peers given at start, as -R would. */
	peer = fuzz_sender(0);
	assert(vtep_flood_add(v, &peer) == 0);
	peer = fuzz_sender(1);
	assert(vtep_flood_add(v, &peer) == 1);

	while (size >= 3) {
		from = fuzz_sender(data[0] & 0x7f ? (unsigned int)data[0] *
		    (data[1] | 1U) : data[0]);
		if (data[0] & 0x80) {
			now += FUZZ_AGING + 1;
			(void)vtep_age(v, now);
			fuzz_invariants(v);
		}
		len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		/* A copy of its own size: ASan sees a read past the end. */
		if ((d = malloc(len ? len : 1)) == NULL)
			break;
		memcpy(d, data, len);
		data += len;
		size -= len;

		r = vtep_decap(v, d, len);
		assert(r == fuzz_reference(d, len));
		if (r == VTEP_RX_OK) {
			l = vtep_learn(v, d + 8, &from, now);
			memcpy(dst, d + 8 + 6, 6);
			memset(dst + 6, 0, sizeof(dst) - 6);
			i = vtep_lookup(v, dst, now);
			switch (l) {
			case VTEP_LEARN_HIT:
			case VTEP_LEARN_NEW:
			case VTEP_LEARN_MOVED:
				assert(i >= 0 && i < (int)v->nep);
				assert(vtep_addr_equal(&v->ep[i].addr, &from));
				assert(v->ep[i].addr.sin.sin_port ==
				    htons(4789));
				break;
			case VTEP_LEARN_IGNORED:
				assert(i == -1 || !(dst[0] & 1));
				break;
			default:
				break;
			}
			/* The frame goes the other way too, as it is. */
			(void)vtep_flowhash(v, d + 8, len - 8);
			(void)vtep_lookup(v, d + 8, now);
		}
		(void)vtep_flowhash(v, d, len);
		free(d);
		fuzz_invariants(v);
		now++;
	}
	vtep_free(v);
	return 0;
}
