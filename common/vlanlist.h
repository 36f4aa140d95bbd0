/* SPDX-License-Identifier: ISC */
/*
 * VLAN lists as people write them, in switchd.conf(5) and to switchctl:
 * "all", "none", or VLANs and ranges separated by commas (10,20,30-39).
 * A set of VLANs is a bitmap, one bit per VLAN ID.  Lists of port numbers
 * are written the same way (numlist_parse()).
 */
#ifndef VLANLIST_H
#define VLANLIST_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

#define VLANLIST_WORDS	64	/* 4096 bits */
#define VLANLIST_BITSET(bits, v)	(((bits)[(v) >> 6] >> ((v) & 63)) & 1)
/* Room for the longest list vlanlist_str() writes: every other VLAN. */
#define VLANLIST_STR_MAX	(VLAN_MAX / 2 * 5 + 1)

/* vlanlist.c */
int	numlist_parse(const char *, unsigned long min, unsigned long max,
	    uint64_t bits[VLANLIST_WORDS]);
void	numlist_str(const uint64_t bits[VLANLIST_WORDS], unsigned int min,
	    unsigned int max, char *, size_t);
int	vlanlist_parse(const char *, uint64_t bits[VLANLIST_WORDS]);
void	vlanlist_str(const uint64_t bits[VLANLIST_WORDS], char *, size_t);

#endif
