/* SPDX-License-Identifier: ISC */
/*
 * VLAN lists as people write them, in switchd.conf(5) and to switchctl:
 * "all", "none", or VLANs and ranges separated by commas (10,20,30-39).
 * A set of VLANs is a bitmap, one bit per VLAN ID.
 */
#ifndef VLANLIST_H
#define VLANLIST_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

#define VLANLIST_WORDS	64	/* 4096 bits */
/* Room for the longest list vlanlist_str() writes: every other VLAN. */
#define VLANLIST_STR_MAX	(VLAN_MAX / 2 * 5 + 1)

/* vlanlist.c */
int	vlanlist_parse(const char *, uint64_t bits[VLANLIST_WORDS]);
void	vlanlist_str(const uint64_t bits[VLANLIST_WORDS], char *, size_t);

#endif
