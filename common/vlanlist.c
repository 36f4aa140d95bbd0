/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "vlanlist.h"

#define VLANLIST_BIT(bits, v)	(((bits)[(v) >> 6] >> ((v) & 63)) & 1)

/* The bits of every VLAN named; -1 when s is not a list of VLANs. */
int
vlanlist_parse(const char *s, uint64_t bits[VLANLIST_WORDS])
{
	char *buf, *tok, *save = NULL, *dash;
	unsigned long a, b, v;
	int bad = 0;

	memset(bits, 0, VLANLIST_WORDS * sizeof(*bits));
	if (strcmp(s, "none") == 0)
		return 0;
	if (strcmp(s, "all") == 0) {
		for (v = VLAN_MIN; v <= VLAN_MAX; v++)
			bits[v >> 6] |= 1ULL << (v & 63);
		return 0;
	}
	/* Every comma separates two members: no empty list, no ",,". */
	if (*s == '\0' || *s == ',' || s[strlen(s) - 1] == ',' ||
	    strstr(s, ",,") != NULL || (buf = strdup(s)) == NULL)
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok != NULL && !bad;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((dash = strchr(tok, '-')) != NULL)
			*dash++ = '\0';
		b = a = 0;
		if (number_parse(tok, VLAN_MIN, VLAN_MAX, &a) == -1 ||
		    (dash != NULL && (number_parse(dash, VLAN_MIN, VLAN_MAX,
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

/* The shortest form: "all", "none", or runs like 10,20,30-39. */
void
vlanlist_str(const uint64_t bits[VLANLIST_WORDS], char *buf, size_t len)
{
	unsigned int v, start, n = 0, all = 1;
	size_t off = 0;

	buf[0] = '\0';
	for (v = VLAN_MIN; v <= VLAN_MAX; v++)
		if (!VLANLIST_BIT(bits, v))
			all = 0;
	if (all) {
		snprintf(buf, len, "all");
		return;
	}
	for (v = VLAN_MIN; v <= VLAN_MAX; v = start + 1) {
		start = v;
		if (!VLANLIST_BIT(bits, v))
			continue;
		while (start < VLAN_MAX && VLANLIST_BIT(bits, start + 1))
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
