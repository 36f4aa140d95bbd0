/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdlib.h>

#include "number.h"

/*
 * A decimal number from min to max, and nothing else: strtoul alone
 * takes " -1", "+1" and "1x".  out may be NULL to only check.
 */
int
number_parse(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < min || v > max)
		return -1;
	if (out != NULL)
		*out = v;
	return 0;
}
