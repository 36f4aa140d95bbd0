/* SPDX-License-Identifier: ISC */
/*
 * corebench N [MACS]: forward N unicast frames through the pure core
 * (fwd_frame), with MACS extra stations learned first.  Run twice under
 * valgrind --tool=callgrind with different N: the difference in
 * instructions, divided by the difference in N, is the cost of one frame,
 * free of start-up and of timing noise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

int
main(int argc, char *argv[])
{
	static struct fwd_out out;
	uint8_t f[64], m[64];
	struct fwd *w;
	unsigned long n, macs = 0, i, sum = 0;

	if (argc < 2 || argc > 3)
		return 1;
	n = strtoul(argv[1], NULL, 10);
	if (argc == 3)
		macs = strtoul(argv[2], NULL, 10);
	if ((w = fwd_new(8, 65536, 300)) == NULL)
		return 1;
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
