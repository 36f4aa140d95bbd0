/* SPDX-License-Identifier: ISC */
/*
 * The management protocol: each line of the input is one request, as a
 * client writes them to DIR/mgmt, handed to mgmt_request() the way
 * mgmt.c's reader does (the newline taken off).  The switch has three
 * unix ports and a tap attached and a few MACs learned, and a
 * configuration file to reload.  Each reply must be one line of JSON, an
 * object with "ok", and an "error" when not ok; after each request the
 * switch's tables must still agree with each other.  Each line is sent
 * first by a client that may only look, which must change nothing, then
 * by root.  Every input starts from a new switch.
 *
 * Bounded for speed: the switch has 32 ports (switchd -n 32), and
 * "ports" above 64 and "maclimit" above 65536 are not sent.  Commands
 * that walk every VLAN, port or MAC slot would otherwise take seconds
 * under the sanitizers, for no new code; the configuration harness tries
 * the full ranges.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conf.h"
#include "number.h"
#include "frame.h"
#include "mgmt.h"
#include "port.h"
#include "fuzzsd.h"

#define FUZZ_PORTS	32
#define FUZZ_PORTS_MAX	64
#define FUZZ_MACS_MAX	65536

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char reload_conf[] =
    "# what reload reads\n"
    "maclimit 1000\n"
    "aging 120\n"
    "port 3 trunk 10,20-30 native 5\n"
    "port 4 access 30\n"
    "port 5 user root\n"
    "port 6 group root\n"
    "port 7 maclimit 4\n";

static struct fuzzsd_file reload_file = { -1, "" };

/* A frame from mac ..:n on port p, so that "macs" has something to show. */
static void
fuzz_learn(struct sw *sw, uint16_t p, uint8_t n)
{
	static struct fwd_out o;
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	f[6] = 0x02;
	f[11] = n;
	f[12] = 0x08;
	(void)fwd_frame(sw->fwd, p, f, sizeof(f), sw_now(), &o);
}

static struct sw *
fuzz_setup(void)
{
	struct sw *sw;
	struct port *p;
	int fd;

	sw = fuzzsd_new(FUZZ_PORTS);
	sw->conffile = reload_file.path;
	assert(fuzzsd_attach(sw, 1, "QEMU") == 0);
	assert(fuzzsd_attach(sw, 2, "switchplug 1.0 ssh") == 0);
	assert(fuzzsd_attach(sw, 7, "") == 0);
	if ((fd = dup(0)) == -1)
		abort();
	if ((p = port_new(sw, 9, PORT_TAP, fd)) == NULL)
		abort();
	snprintf(p->ifname, sizeof(p->ifname), "tap0");
	snprintf(p->descr, sizeof(p->descr), "tap tap0");
	fuzz_learn(sw, 1, 1);
	fuzz_learn(sw, 2, 2);
	fuzz_learn(sw, 7, 3);
	fuzz_learn(sw, 9, 4);
	return sw;
}

static void
fuzz_check_reply(const char *out)
{
	json_object *r, *ok, *err;
	size_t n;

	assert(out != NULL);
	n = strlen(out);
	assert(n > 0 && out[n - 1] == '\n');
	assert(memchr(out, '\n', n - 1) == NULL);
	r = json_tokener_parse(out);
	assert(r != NULL && json_object_is_type(r, json_type_object));
	assert(json_object_object_get_ex(r, "ok", &ok));
	assert(json_object_is_type(ok, json_type_boolean));
	if (!json_object_get_boolean(ok)) {
		assert(json_object_object_get_ex(r, "error", &err));
		assert(json_object_is_type(err, json_type_string));
		assert(json_object_get_string_len(err) > 0);
	}
	json_object_put(r);
}

/* What is learned sits on an attached port that carries its VLAN. */
static int
fuzz_check_mac(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	const struct sw *sw = arg;

	(void)mac;
	(void)seen;
	assert(port < sw->conf->nports && sw->ports[port] != NULL);
	assert(vlan_member(&sw->fwd->ports[port].vlan, vid));
	return 0;
}

/* A table size beyond the bound: the request is not sent. */
static int
fuzz_too_big(const uint8_t *req, size_t len)
{
	char line[64], *argv[3];
	unsigned long n;

	if (len >= sizeof(line))
		return 0;
	memcpy(line, req, len);
	line[len] = '\0';
	if (conf_split(line, argv, 3) != 2 ||
	    number_parse(argv[1], 0, ~0UL, &n) == -1)
		return 0;
	return (strcmp(argv[0], "maclimit") == 0 && n > FUZZ_MACS_MAX) ||
	    (strcmp(argv[0], "ports") == 0 && n > FUZZ_PORTS_MAX);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mgmt_peer root = { 0, 1, MGMT_CHANGE };
	static const struct mgmt_peer looker = { 12345, 2, MGMT_LOOK };
	struct sw *sw;
	struct mgmt *m;
	const uint8_t *nl;
	size_t off, n;
	uint32_t macs, nports;
	char *out, *before, *after;
	int ok;

	fuzzsd_quiet();
	if (reload_file.fd == -1)
		fuzzsd_file_set(&reload_file, reload_conf, strlen(reload_conf));
	sw = fuzz_setup();
	if ((m = mgmt_new(sw, NULL)) == NULL)
		abort();
	for (off = 0; off < size; off += n + 1) {
		nl = memchr(data + off, '\n', size - off);
		n = nl != NULL ? (size_t)(nl - (data + off)) : size - off;
		if (fuzz_too_big(data + off, n))
			continue;
		before = fuzzsd_dump(sw);
		macs = fdb_count(sw->fwd->fdb);
		nports = sw_nattached(sw);
		out = mgmt_request(m, &looker, (const char *)data + off, n);
		fuzz_check_reply(out);
		free(out);
		after = fuzzsd_dump(sw);
		assert(strcmp(before, after) == 0);
		assert(fdb_count(sw->fwd->fdb) == macs);
		assert(sw_nattached(sw) == nports);
		free(after);
		out = mgmt_request(m, &root, (const char *)data + off, n);
		fuzz_check_reply(out);
		/* A refused request changed no setting. */
		ok = strstr(out, "\"ok\":true") != NULL;
		if (!ok) {
			after = fuzzsd_dump(sw);
			assert(strcmp(before, after) == 0);
			free(after);
		}
		free(before);
		free(out);
		fuzzsd_check(sw);
	}
	fdb_walk(sw->fwd->fdb, fuzz_check_mac, sw);
	mgmt_free(m);
	fuzzsd_free(sw);
	log_setverbose(0);
	return 0;
}
