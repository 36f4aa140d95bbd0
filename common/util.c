/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

int
util_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int
util_sockdir(char *buf, size_t len)
{
	const char *xdg;
	int n;

	if (geteuid() == 0)
		n = snprintf(buf, len, "/run/switchd");
	else if ((xdg = getenv("XDG_RUNTIME_DIR")) != NULL && *xdg == '/')
		n = snprintf(buf, len, "%s/switchd", xdg);
	else
		n = snprintf(buf, len, "/tmp/switchd-%ld", (long)getuid());
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
