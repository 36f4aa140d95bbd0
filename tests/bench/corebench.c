/* SPDX-License-Identifier: ISC */
/*
 * corebench N [MACS]: forward N unicast frames through the pure core
 * (fwd_frame), with MACS extra stations learned first.  Run twice under
 * valgrind --tool=callgrind with different N: the difference in
 * instructions, divided by the difference in N, is the cost of one frame,
 * free of start-up and of timing noise.
 *
 * corebench -a|-r MACS SECONDS: a table of the default size, MACS
 * stations learned on one port, then frames to unknown destinations
 * from another for SECONDS; prints the frames per second.  With -a the
 * addresses, learned and looked up, are chosen to share one home slot
 * under an unkeyed multiplicative hash, as an attacker who knows the
 * hash would choose them; with -r they are random.  A keyed hash makes
 * both rates the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fwd.h"

#define COREBENCH_DSTS	1024	/* unknown destinations, in turn */

/*
 * The n-th address, n from 1, whose key k = 1 << 48 | mac has
 * k * C mod 2^48 < 2^32 for C the multiplier of the old hash
 * ((k * C) >> 32 & mask): bits 32 to 47 of the product are zero, so
 * with up to 2^16 slots every such key hashes to slot 0.  They are
 * t * C^-1 mod 2^48 for small t; multicast ones are skipped.
 */
static void
corebench_collide(uint64_t *t, uint8_t mac[6])
{
	const uint64_t c = 0x9e3779b97f4a7c15ULL;
	uint64_t inv = c, k;
	int i;

	for (i = 0; i < 5; i++)		/* Newton: 3, 6, ... 96 bits right */
		inv *= 2 - c * inv;
	do {
		k = ++*t * inv & ((1ULL << 48) - 1);
	} while (k >> 40 & 1);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)(k >> (40 - 8 * i));
}

static void
corebench_mac(int adversarial, uint64_t *t, uint8_t mac[6])
{
	if (adversarial) {
		corebench_collide(t, mac);
		return;
	}
	if (getrandom(mac, 6, 0) != 6)
		abort();
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

static double
corebench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
corebench_attack(int adversarial, unsigned long macs, double secs)
{
	static struct fwd_out out;
	static uint8_t dst[COREBENCH_DSTS][6];
	uint8_t f[64];
	struct fwd *w;
	unsigned long i, n = 0;
	uint64_t t = 0;
	double start, el;

	if ((w = fwd_new(8, FDB_LIMIT_DEFAULT, 300)) == NULL)
		return 1;
	/* The table under the load of many ports: no limit per port. */
	fwd_set_portmaclimit(w, 0);
	fwd_port_add(w, 1);
	fwd_port_add(w, 2);
	memset(f, 0, sizeof(f));
	f[12] = 0x08;
	for (i = 0; i < macs; i++) {
		memset(f, 0xff, 6);
		corebench_mac(adversarial, &t, f + 6);
		fwd_frame(w, 1, f, sizeof(f), 0, &out);
	}
	for (i = 0; i < COREBENCH_DSTS; i++)
		corebench_mac(adversarial, &t, dst[i]);
	memcpy(f + 6, "\x02\0\0\0\0\x02", 6);
	start = corebench_now();
	do {
		for (i = 0; i < COREBENCH_DSTS; i++) {
			memcpy(f, dst[i], 6);
			fwd_frame(w, 2, f, sizeof(f), 0, &out);
		}
		n += COREBENCH_DSTS;
	} while ((el = corebench_now() - start) < secs);
	printf("%s %lu MACs learned (%u): frames %lu seconds %.2f fps %.0f\n",
	    adversarial ? "adversarial" : "random", macs, fdb_count(w->fdb),
	    n, el, n / el);
	fwd_free(w);
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct fwd_out out;
	uint8_t f[64], m[64];
	struct fwd *w;
	unsigned long n, macs = 0, i, sum = 0;

	if (argc == 4 && (strcmp(argv[1], "-a") == 0 ||
	    strcmp(argv[1], "-r") == 0))
		return corebench_attack(argv[1][1] == 'a',
		    strtoul(argv[2], NULL, 10), strtod(argv[3], NULL));
	if (argc < 2 || argc > 3)
		return 1;
	n = strtoul(argv[1], NULL, 10);
	if (argc == 3)
		macs = strtoul(argv[2], NULL, 10);
	if ((w = fwd_new(8, 65536, 300)) == NULL)
		return 1;
	fwd_set_portmaclimit(w, 0);	/* all MACS come in on one port */
	fwd_port_add(w, 1);
	fwd_port_add(w, 2);
	/* storm control on, as switchd runs by default */
	fwd_port_storm(w, 1, 1000);
	fwd_port_storm(w, 2, 1000);
	memset(f, 0, sizeof(f));
	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	memcpy(m, f, sizeof(m));
	for (i = 0; i < macs; i++) {
		m[6] = 0x06;
		m[8] = (uint8_t)(i >> 16);
		m[9] = (uint8_t)(i >> 8);
		m[10] = (uint8_t)i;
		fwd_frame(w, 1, m, sizeof(m), 0, &out);
	}
	/* the receiver announces itself */
	memcpy(m, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x02", 12);
	fwd_frame(w, 2, m, sizeof(m), 0, &out);
	for (i = 0; i < n; i++) {
		fwd_frame(w, 1, f, sizeof(f), 0, &out);
		sum += out.n;
	}
	fwd_free(w);
	printf("%lu frames, %lu delivered\n", n, sum);
	return sum == n ? 0 : 1;
}
