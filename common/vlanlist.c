/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "vlanlist.h"


/*
 * The bits of every number from min to max named in a list like
 * 1,3,5-7; -1 when s is not one.  Port lists are written the same way.
 */
int
numlist_parse(const char *s, unsigned long min, unsigned long max,
    uint64_t bits[VLANLIST_WORDS])
{
	char *buf, *tok, *save = NULL, *dash;
	unsigned long a, b, v;
	int bad = 0;

	memset(bits, 0, VLANLIST_WORDS * sizeof(*bits));
	if (max >= VLANLIST_WORDS * 64)
		return -1;
	/* Every comma separates two members: no empty list, no ",,". */
	if (*s == '\0' || *s == ',' || s[strlen(s) - 1] == ',' ||
	    strstr(s, ",,") != NULL || (buf = strdup(s)) == NULL)
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok != NULL && !bad;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(tok, '-')) != NULL)
			*dash++ = '\0';
		b = a = 0;
		if (number_parse(tok, min, max, &a) == -1 ||
		    (dash != NULL && (number_parse(dash, min, max,
		    &b) == -1 || b < a))) {
			bad = 1;
			break;
		}
		if (dash == NULL)
			b = a;
		for (v = a; v <= b; v++)
			bits[v >> 6] |= 1ULL << (v & 63);
	}
	free(buf);
	return bad ? -1 : 0;
}

/* The bits of every VLAN named; -1 when s is not a list of VLANs. */
int
vlanlist_parse(const char *s, uint64_t bits[VLANLIST_WORDS])
{
	unsigned long v;

	memset(bits, 0, VLANLIST_WORDS * sizeof(*bits));
	if (strcmp(s, "none") == 0)
		return 0;
	if (strcmp(s, "all") == 0) {
		for (v = VLAN_MIN; v <= VLAN_MAX; v++)
			bits[v >> 6] |= 1ULL << (v & 63);
		return 0;
	}
	return numlist_parse(s, VLAN_MIN, VLAN_MAX, bits);
}

/* The shortest form of a list of numbers: runs like 10,20,30-39, or "none". */
void
numlist_str(const uint64_t bits[VLANLIST_WORDS], unsigned int min,
    unsigned int max, char *buf, size_t len)
{
	unsigned int v, start, n = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (v = min; v <= max; v = start + 1) {
		start = v;
		if (!VLANLIST_BITSET(bits, v))
			continue;
		while (start < max && VLANLIST_BITSET(bits, start + 1))
			start++;
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%u",
			    n++ ? "," : "", v);
		if (start > v && off < len)
			off += (size_t)snprintf(buf + off, len - off, "-%u",
			    start);
	}
	if (n == 0)
		snprintf(buf, len, "none");
}

/* The shortest form: "all", "none", or runs like 10,20,30-39. */
void
vlanlist_str(const uint64_t bits[VLANLIST_WORDS], char *buf, size_t len)
{
	unsigned int v;

	for (v = VLAN_MIN; v <= VLAN_MAX; v++)
		if (!VLANLIST_BITSET(bits, v))
			break;
	if (v > VLAN_MAX)
		snprintf(buf, len, "all");
	else
		numlist_str(bits, VLAN_MIN, VLAN_MAX, buf, len);
}
