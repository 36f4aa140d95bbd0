/* SPDX-License-Identifier: ISC */
/*
 * The configuration file: the input is switchd.conf as a user may write
 * it, loaded the way switchd loads it at start and on a reload (defaults,
 * the file, then the command-line settings).  Whatever it holds, the
 * switch's tables must agree with each other afterwards, and the running
 * configuration, written out by conf_dump() (switchctl config), must be
 * a configuration the switch accepts line by line and that gives the
 * same configuration back.  A file with any error changes nothing at
 * all.  Every input starts from a new switch.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzzsd.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct fuzzsd_file conf_file = { -1, "" };

/* The dump, fed back line by line to a new switch, gives itself back. */
static void
fuzz_roundtrip(const char *dump)
{
	struct sw *sw;
	char line[CONF_LINE_MAX + 1], err[512], *again;
	const char *p, *nl;
	size_t n;

	sw = fuzzsd_new(FWD_PORTS_DEFAULT);
	for (p = dump; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert(nl != NULL);
		n = (size_t)(nl - p);
		/* What conf_load() would refuse as too long. */
		assert(n < CONF_LINE_MAX);
		memcpy(line, p, n);
		line[n] = '\0';
		err[0] = '\0';
		if (sw_set(sw, line, err, sizeof(err)) != 0) {
			fprintf(fuzzsd_err, "dump line refused: %.*s: %s\n",
			    (int)n, p, err);
			abort();
		}
	}
	again = fuzzsd_dump(sw);
	if (strcmp(again, dump) != 0) {
		fprintf(fuzzsd_err, "dump changed:\n%s---\n%s", dump, again);
		abort();
	}
	free(again);
	fuzzsd_free(sw);
}

/* A reload that fails leaves the configuration as it was, to the byte. */
static int
fuzz_reload(struct sw *sw)
{
	char err[512], *before, *after;
	int rc;

	before = fuzzsd_dump(sw);
	if ((rc = sw_reload(sw, err, sizeof(err))) == -1) {
		assert(err[0] != '\0');
		after = fuzzsd_dump(sw);
		assert(strcmp(before, after) == 0);
		free(after);
	}
	free(before);
	fuzzsd_check(sw);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw *sw;
	char *dump;

	fuzzsd_quiet();
	fuzzsd_file_set(&conf_file, data, size);
	sw = fuzzsd_new(FWD_PORTS_DEFAULT);
	sw->conffile = conf_file.path;

	/* As at start: defaults, the file, -a -q. */
	if (fuzz_reload(sw) == 0) {
		dump = fuzzsd_dump(sw);
		fuzz_roundtrip(dump);
		free(dump);
		(void)fuzz_reload(sw);	/* SIGHUP */
	}
	fuzzsd_free(sw);
	return 0;
}
