/*
 * The configuration file: the input is switchd.conf as a user may write
 * it, loaded the way switchd loads it at start and on a reload (defaults,
 * the file, then the command-line settings).  Whatever it holds, the
 * switch's tables must agree with each other afterwards, and the running
 * configuration, written out by conf_dump() (switchctl config), must be
 * a configuration the switch accepts line by line and that gives the
 * same configuration back.  A reload must leave the tables as sound.
 * Every input starts from a new switch.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzzsd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct fuzzsd_file conf_file = { -1, "" };

static void
fuzz_check_state(const struct switchd *sd)
{
	const struct fwd *w = sd->fwd;
	uint32_t i;

	assert(sd->nports >= 2 && sd->nports <= FWD_PORTS_MAX);
	assert(w->nports == sd->nports && w->fdb->nports == sd->nports);
	assert(w->fdb->count <= w->fdb->limit);
	assert(w->fdb->limit >= 1 && w->fdb->limit <= FDB_LIMIT_MAX);
	assert(w->fdb->aging <= 1000000);
	assert(sd->qlen >= 1 && sd->qlen <= 65536);
	assert(w->hub == 0 || w->hub == 1);
	for (i = 0; i < sd->nports; i++) {
		const struct vlan_port *vp = &w->ports[i].vlan;

		assert(sd->ports[i] == NULL && !w->ports[i].in_use);
		assert(vp->pvid <= VLAN_MAX);
		if (!vp->trunk)
			assert(vp->pvid >= VLAN_MIN);
		assert(w->ports[i].maclimit <= FDB_LIMIT_MAX);
	}
}

static char *
fuzz_dump(struct switchd *sd)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &n)) == NULL)
		abort();
	conf_dump(sd, f);
	if (fclose(f) != 0 || buf == NULL)
		abort();
	return buf;
}

/* The dump, fed back line by line to a new switch, gives itself back. */
static void
fuzz_roundtrip(const char *dump)
{
	struct switchd sd;
	char line[CONF_LINE_MAX + 1], err[256], *again;
	const char *p, *nl;
	size_t n;

	fuzzsd_init(&sd, NULL, FWD_PORTS_DEFAULT);
	for (p = dump; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert(nl != NULL);
		n = (size_t)(nl - p);
		/* What conf_load() would refuse as too long. */
		assert(n < CONF_LINE_MAX);
		memcpy(line, p, n);
		line[n] = '\0';
		err[0] = '\0';
		if (conf_exec(&sd, line, err, sizeof(err)) != 0) {
			fprintf(fuzzsd_err, "dump line refused: %.*s: %s\n",
			    (int)n, p, err);
			abort();
		}
	}
	again = fuzz_dump(&sd);
	if (strcmp(again, dump) != 0) {
		fprintf(fuzzsd_err, "dump changed:\n%s---\n%s", dump, again);
		abort();
	}
	free(again);
	fuzzsd_free(&sd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct switchd sd;
	char *dump;

	fuzzsd_quiet();
	fuzzsd_file_set(&conf_file, data, size);
	fuzzsd_init(&sd, conf_file.path, FWD_PORTS_DEFAULT);

	(void)switchd_reload(&sd);	/* as at start: defaults, file, -a -q */
	fuzz_check_state(&sd);
	dump = fuzz_dump(&sd);
	fuzz_roundtrip(dump);
	free(dump);

	(void)switchd_reload(&sd);	/* SIGHUP */
	fuzz_check_state(&sd);
	fuzzsd_free(&sd);
	return 0;
}
