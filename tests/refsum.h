/* SPDX-License-Identifier: ISC */
/*
 * The reference Internet checksum for the gso tests (unit and fuzz):
 * big-endian words one at a time, as plain as it can be written, so it
 * shares nothing with the fast sum in switchd/gso.c that it checks.
 */
#ifndef REFSUM_H
#define REFSUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t
refsum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static inline uint16_t
refsum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

#endif
