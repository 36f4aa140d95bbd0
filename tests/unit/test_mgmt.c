/* SPDX-License-Identifier: ISC */
/*
 * The management request handler, mgmt_request(), against a real switch
 * state: ports attached over socketpairs, MACs in the real table, the
 * settings of conf.c.  Every reply, whatever the input, must be one line
 * of valid JSON (UTF-8 included) with "ok"; what a user would read in
 * switchctl is checked field by field.
 */

#include <sys/socket.h>

#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "attach.h"
#include "conf.h"
#include "mgmt.h"
#include "port.h"
#include "sw.h"
#include "util.h"

#define TEST_NPORTS	8

static struct sw	*sw;
static struct mgmt	*test_m;
static struct attach	*test_a;
static char		 test_dir[64];
static json_object	*test_last;	/* the last reply, freed by the next */
static int		 test_peer[TEST_NPORTS];	/* other ends */
static char		*test_options[] = { "ports 8" };
static uint32_t		 test_ago;	/* seconds test_learn() goes back */
/* Who sends the requests: root, unless a test says otherwise. */
static const struct mgmt_peer test_root = { 0, 1, MGMT_CHANGE };
static const struct mgmt_peer *test_as;

/* A switch as switchd -n 8 makes it, with no sockets. */
static int
test_setup(void **state)
{
	char err[256], path[96];

	(void)state;
	memset(test_peer, -1, sizeof(test_peer));
	test_ago = 0;
	test_as = &test_root;
	sw = sw_new(ev_default_loop(0), NULL, test_options, 1, err,
	    sizeof(err));
	assert_non_null(sw);
	/* Real sockets in a directory of its own, as switchd -s makes. */
	snprintf(test_dir, sizeof(test_dir), "/tmp/test_mgmt.XXXXXX");
	assert_non_null(mkdtemp(test_dir));
	test_a = attach_new(sw, test_dir, 0600, geteuid(), (uid_t)-1,
	    (gid_t)-1, err, sizeof(err));
	if (test_a == NULL)
		fail_msg("attach_new: %s", err);
	assert_non_null(test_m = mgmt_new(sw, test_a));
	snprintf(path, sizeof(path), "%s/mgmt", test_dir);
	if (mgmt_listen(test_m, attach_dirfd(test_a), path, 0600, (uid_t)-1,
	    (gid_t)-1, err, sizeof(err)) == -1)
		fail_msg("mgmt_listen: %s", err);
	log_setverbose(0);
	return 0;
}

static int
test_teardown(void **state)
{
	uint32_t i;

	(void)state;
	json_object_put(test_last);
	test_last = NULL;
	mgmt_free(test_m);
	attach_free(test_a);
	sw_free(sw);
	assert_int_equal(rmdir(test_dir), 0);
	for (i = 0; i < TEST_NPORTS; i++)
		if (test_peer[i] != -1)
			close(test_peer[i]);
	log_setverbose(0);
	return 0;
}

/* A unix port as a VDE client makes one, the other end kept open. */
static struct port *
test_attach(uint16_t num, uid_t uid, pid_t pid, const char *descr)
{
	struct port *p;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	assert_non_null(p = port_new(sw, num, PORT_UNIX, sv[0]));
	test_peer[num] = sv[1];
	p->uid = uid;
	p->pid = pid;
	snprintf(p->descr, sizeof(p->descr), "%s", descr);
	return p;
}

static struct port *
test_attach_tap(uint16_t num, const char *ifname)
{
	struct port *p;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	assert_non_null(p = port_new(sw, num, PORT_TAP, sv[0]));
	test_peer[num] = sv[1];
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	snprintf(p->descr, sizeof(p->descr), "tap %s", ifname);
	return p;
}

static void
test_learn(uint8_t last, uint16_t vid, uint16_t port)
{
	const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, last };
	uint16_t old;

	assert_int_equal(fdb_learn(sw->fwd->fdb, mac, vid, port, sw_now() - test_ago,
	    0, &old), FDB_NEW);
}

/*
 * The one place replies are checked for form: a single line, ending in
 * a newline, that a strict parser validating UTF-8 takes as an object
 * with a boolean "ok".
 */
static json_object *
test_req(const char *line, size_t len)
{
	struct json_tokener *tok;
	json_object *r, *ok;
	char *out;
	size_t n;

	json_object_put(test_last);
	test_last = NULL;
	assert_non_null(out = mgmt_request(test_m, test_as, line, len));
	n = strlen(out);
	assert_true(n >= 2);
	assert_int_equal(out[n - 1], '\n');
	assert_ptr_equal(strchr(out, '\n'), out + n - 1);
	assert_non_null(tok = json_tokener_new());
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	r = json_tokener_parse_ex(tok, out, (int)n - 1);
	if (r == NULL)
		fail_msg("reply to a %zu-byte request is not JSON (%s): %s",
		    len, json_tokener_error_desc(json_tokener_get_error(tok)),
		    out);
	json_tokener_free(tok);
	free(out);
	assert_true(json_object_is_type(r, json_type_object));
	assert_true(json_object_object_get_ex(r, "ok", &ok));
	assert_true(json_object_is_type(ok, json_type_boolean));
	test_last = r;
	return r;
}

static json_object *
test_key(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
	if (!json_object_is_type(v, type))
		fail_msg("\"%s\" is a %s, not a %s", key,
		    json_type_to_name(json_object_get_type(v)),
		    json_type_to_name(type));
	return v;
}

static int64_t
test_int(json_object *o, const char *key)
{
	return json_object_get_int64(test_key(o, key, json_type_int));
}

static const char *
test_str(json_object *o, const char *key)
{
	return json_object_get_string(test_key(o, key, json_type_string));
}

static json_object *
test_ok(const char *line)
{
	json_object *r = test_req(line, strlen(line));

	if (!json_object_get_boolean(test_key(r, "ok", json_type_boolean)))
		fail_msg("'%s' failed: %s", line,
		    json_object_to_json_string(r));
	return r;
}

/* The request fails, and its error says what is wrong (want in it). */
static void
test_err_len(const char *line, size_t len, const char *want)
{
	json_object *r = test_req(line, len);
	const char *e;

	if (json_object_get_boolean(test_key(r, "ok", json_type_boolean)))
		fail_msg("request %.60s did not fail", line);
	e = test_str(r, "error");
	if (strstr(e, want) == NULL)
		fail_msg("error for %.60s is \"%s\", without \"%s\"", line, e,
		    want);
}

static void
test_err(const char *line, const char *want)
{
	test_err_len(line, strlen(line), want);
}

static const char *
test_config(void)
{
	return test_str(test_ok("config"), "config");
}

static void
test_empty(void **state)
{
	(void)state;
	test_err("", "empty request");
	test_err("   \t  ", "empty request");
	test_err("\r", "empty request");
	test_err("# only a comment", "empty request");
	test_err_len("info", 0, "empty request");
}

static void
test_oversized(void **state)
{
	char buf[MGMT_LINE_MAX + 2];

	(void)state;
	/* 1024 bytes is still a request: "info" and 1020 spaces. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "info", 4);
	buf[MGMT_LINE_MAX] = '\0';
	test_ok(buf);
	/* 1025 is not, and nothing of it is obeyed. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "hub on ", 7);
	buf[MGMT_LINE_MAX + 1] = '\0';
	test_err_len(buf, MGMT_LINE_MAX + 1, "longer than 1024");
	assert_int_equal(sw->fwd->hub, 0);
	/* A huge one is cut short, not copied. */
	{
		size_t n = 1 << 20;
		char *big = malloc(n);

		assert_non_null(big);
		memset(big, 'a', n);
		test_err_len(big, n, "longer than 1024");
		free(big);
	}
}

static void
test_control_chars(void **state)
{
	static const char nul[] = "in\0fo";
	static const char nul_set[] = "hub on\0ignored";

	(void)state;
	test_err_len(nul, sizeof(nul) - 1, "control characters");
	test_err_len(nul_set, sizeof(nul_set) - 1, "control characters");
	assert_int_equal(sw->fwd->hub, 0);
	test_err("info\nhub on", "control characters");
	assert_int_equal(sw->fwd->hub, 0);
	test_err("\x1b[2Jinfo", "control characters");
	test_err("info\x01", "control characters");
	test_err("\x7f", "control characters");
	/* Tabs and a CR (from a telnet-like client) separate words. */
	test_ok("port\t1\taccess 7\r");
	assert_int_equal(sw->fwd->ports[1].vlan.pvid, 7);
	/* Quotes and backslashes come back escaped, still valid JSON. */
	test_err("\"}{\\", "unknown command '\"}{\\'");
}

/* Bytes that are not UTF-8 must not make the reply invalid JSON. */
static void
test_not_utf8(void **state)
{
	(void)state;
	test_req("\xff\xfe", 2);
	test_req("info \xc3", 6);
	test_req("port 1 user \xe9t\xe9", 15);
	/* The protocol is ASCII: even valid UTF-8 is refused, not echoed. */
	test_err("port 1 user \xc3\xa9t\xc3\xa9", "not ASCII");
}

static void
test_words(void **state)
{
	(void)state;
	/* 17 words are too many; 16 reach the command, which objects. */
	test_err("a b c d e f g h i j k l m n o p q", "too many words");
	test_err("info b c d e f g h i j k l m n o p", "usage: info");
	test_err("macs port 1 port 1 port 1 port 1 port 1 port 1 port 1 "
	    "port 1 port", "too many words");
	test_err("frobnicate", "unknown command 'frobnicate'");
	test_err("INFO", "unknown command 'INFO'");
	test_err("set port 1 access 10", "unknown command 'set'");
	test_err("info extra", "usage: info");
	test_err("ports extra", "'extra'");
	test_err("vlans 1", "usage: vlans");
	test_err("config x", "usage: config");
	test_err("reload now", "usage: reload");
}

static void
test_info(void **state)
{
	json_object *r;
	char path[96];

	(void)state;
	test_attach(1, 0, 100, "a");
	test_attach(3, 0, 101, "b");
	test_learn(1, 1, 1);
	r = test_ok("info");
	assert_string_equal(test_str(r, "version"), VERSION);
	assert_int_equal(test_int(r, "protocol"), MGMT_PROTOCOL);
	assert_true(test_int(r, "uptime") >= 0);
	snprintf(path, sizeof(path), "%s/ctl", test_dir);
	assert_string_equal(test_str(r, "dir"), test_dir);
	assert_string_equal(test_str(r, "ctl"), path);
	snprintf(path, sizeof(path), "%s/mgmt", test_dir);
	assert_string_equal(test_str(r, "mgmt"), path);
	assert_int_equal(test_int(r, "ports"), 2);
	assert_int_equal(test_int(r, "ports_max"), TEST_NPORTS - 1);
	assert_int_equal(test_int(r, "macs"), 1);
	assert_int_equal(test_int(r, "macs_max"), FDB_LIMIT_DEFAULT);
	assert_int_equal(test_int(r, "aging"), FDB_AGING_DEFAULT);
	assert_false(json_object_get_boolean(test_key(r, "hub",
	    json_type_boolean)));
	assert_int_equal(test_int(r, "queue_max"), CONF_QLEN_DEFAULT);
	assert_int_equal(test_int(r, "mgmt_clients_max"), MGMT_CLIENTS_MAX);
	test_int(r, "mgmt_clients");
	test_int(r, "moves");
	test_int(r, "learn_full");
	test_int(r, "attach_refused");
	assert_string_equal(test_str(r, "loglevel"), "info");
}

static void
test_port_shape(json_object *p, int num)
{
	json_object *d, *v;
	int i;

	assert_int_equal(test_int(p, "port"), num);
	assert_true(json_object_get_boolean(test_key(p, "attached",
	    json_type_boolean)));
	test_str(p, "kind");
	test_str(p, "descr");
	v = test_key(p, "vlan", json_type_object);
	test_str(v, "mode");
	test_int(p, "rx_frames");
	test_int(p, "rx_bytes");
	test_int(p, "tx_frames");
	test_int(p, "tx_bytes");
	d = test_key(p, "drops", json_type_object);
	for (i = 0; i < DROP_NR; i++)
		assert_int_equal(test_int(d, fwd_drop_str(i)), 0);
	assert_int_equal(json_object_object_length(d), DROP_NR);
	test_int(p, "macs");
	test_int(p, "maclimit");
	test_int(p, "learn_refused");
	assert_int_equal(test_int(p, "storm"), CONF_STORM_DEFAULT);
	assert_int_equal(test_int(p, "queue"), 0);
	assert_int_equal(test_int(p, "queue_max"), CONF_QLEN_DEFAULT);
}

static void
test_ports(void **state)
{
	json_object *a, *p, *v;

	(void)state;
	a = test_key(test_ok("ports"), "ports", json_type_array);
	assert_int_equal(json_object_array_length(a), 0);

	test_attach(2, 0, 4242, "vdeplug: user=root pid=4242");
	test_attach(5, 0, 77, "switchplug: vm1");
	test_attach_tap(6, "tap7");
	test_learn(1, 1, 2);
	test_learn(2, 1, 2);
	sw->fwd->ports[2].st.rx_frames = 11;
	sw->fwd->ports[2].st.tx_bytes = 1234;
	a = test_key(test_ok("ports"), "ports", json_type_array);
	assert_int_equal(json_object_array_length(a), 3);
	p = json_object_array_get_idx(a, 0);
	test_port_shape(p, 2);
	assert_string_equal(test_str(p, "kind"), "unix");
	assert_string_equal(test_str(p, "descr"),
	    "vdeplug: user=root pid=4242");
	assert_int_equal(test_int(p, "uid"), 0);
	assert_int_equal(test_int(p, "pid"), 4242);
	assert_string_equal(test_str(p, "user"), "root");
	assert_int_equal(test_int(p, "rx_frames"), 11);
	assert_int_equal(test_int(p, "tx_bytes"), 1234);
	assert_int_equal(test_int(p, "macs"), 2);
	v = test_key(p, "vlan", json_type_object);
	assert_string_equal(test_str(v, "mode"), "access");
	assert_int_equal(test_int(v, "vlan"), 1);

	p = json_object_array_get_idx(a, 1);
	test_port_shape(p, 5);
	assert_string_equal(test_str(p, "kind"), "plug");

	p = json_object_array_get_idx(a, 2);
	test_port_shape(p, 6);
	assert_string_equal(test_str(p, "kind"), "tap");
	assert_string_equal(test_str(p, "ifname"), "tap7");
	assert_false(json_object_object_get_ex(p, "pid", NULL));
}

static void
test_port_one(void **state)
{
	json_object *p, *v;

	(void)state;
	test_attach(3, 0, 1, "x");
	test_ok("port 3 trunk 10,20-29 native 5");
	p = test_key(test_ok("port 3"), "port", json_type_object);
	test_port_shape(p, 3);
	v = test_key(p, "vlan", json_type_object);
	assert_string_equal(test_str(v, "mode"), "trunk");
	assert_string_equal(test_str(v, "allowed"), "10,20-29");
	assert_int_equal(test_int(v, "native"), 5);
	test_ok("port 3 trunk all");
	p = test_key(test_ok("port 3"), "port", json_type_object);
	v = test_key(p, "vlan", json_type_object);
	assert_string_equal(test_str(v, "allowed"), "all");
	assert_int_equal(test_int(v, "native"), 0);


	/* Nothing on port 4: its settings all the same. */
	p = test_key(test_ok("port 4"), "port", json_type_object);
	assert_int_equal(test_int(p, "port"), 4);
	assert_false(json_object_get_boolean(test_key(p, "attached",
	    json_type_boolean)));
	v = test_key(p, "vlan", json_type_object);
	assert_string_equal(test_str(v, "mode"), "access");
	assert_int_equal(test_int(v, "vlan"), 1);
	assert_int_equal(test_int(p, "storm"), CONF_STORM_DEFAULT);
	assert_false(json_object_object_get_ex(p, "kind", NULL));
	assert_false(json_object_object_get_ex(p, "rx_frames", NULL));
	assert_false(json_object_object_get_ex(p, "allow_user", NULL));
	test_ok("port 4 access 42");
	test_ok("port 4 maclimit 7");
	test_ok("port 4 isolated on");
	test_ok("port 4 user root");
	test_ok("port 4 group root");
	p = test_key(test_ok("port 4"), "port", json_type_object);
	v = test_key(p, "vlan", json_type_object);
	assert_int_equal(test_int(v, "vlan"), 42);
	assert_int_equal(test_int(p, "maclimit"), 7);
	assert_true(json_object_get_boolean(test_key(p, "maclimit_own",
	    json_type_boolean)));
	assert_true(json_object_get_boolean(test_key(p, "isolated",
	    json_type_boolean)));
	assert_string_equal(test_str(p, "allow_user"), "root");
	assert_string_equal(test_str(p, "allow_group"), "root");

	test_err("port 0", "'0' is not a port number from 1 to 7");
	test_err("port 8", "'8' is not a port number from 1 to 7");
	test_err("port x", "'x'");
	test_err("port -1", "'-1'");
	test_err("port +3", "'+3'");
	test_err("port 3x", "'3x'");
	test_err("port 0x3", "'0x3'");
	test_err("port 99999999999999999999999", "'99999999999999999999999'");
}

static void
test_macs(void **state)
{
	json_object *a, *m;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_attach(2, 0, 2, "b");
	test_ago = 7;
	test_learn(0xa1, 1, 1);
	test_learn(0xa2, 10, 1);
	test_learn(0xb1, 10, 2);
	a = test_key(test_ok("macs"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 3);
	a = test_key(test_ok("macs port 2"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	m = json_object_array_get_idx(a, 0);
	assert_string_equal(test_str(m, "mac"), "02:00:00:00:00:b1");
	assert_int_equal(test_int(m, "vlan"), 10);
	assert_int_equal(test_int(m, "port"), 2);
	/* A second may have ticked since. */
	assert_in_range(test_int(m, "age"), 7, 8);
	a = test_key(test_ok("macs vlan 10"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 2);
	a = test_key(test_ok("macs port 1 vlan 10"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	a = test_key(test_ok("macs vlan 10 port 1"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	a = test_key(test_ok("macs port 3"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 0);

	test_err("macs vlan 0", "'0' is not a VLAN from 1 to 4094");
	test_err("macs vlan 4095", "'4095'");
	test_err("macs vlan ten", "'ten'");
	test_err("macs port 8", "'8'");
	test_err("macs port", "usage: macs");
	test_err("macs color 1", "usage: macs");
	test_err("macs flush port", "usage: macs");

	assert_int_equal(test_int(test_ok("macs flush vlan 10"), "flushed"),
	    2);
	assert_int_equal(test_int(test_ok("info"), "macs"), 1);
	assert_int_equal(test_int(test_ok("macs flush port 2"), "flushed"),
	    0);
	assert_int_equal(test_int(test_ok("macs flush"), "flushed"), 1);
	a = test_key(test_ok("macs"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 0);
}

static void
test_vlans(void **state)
{
	json_object *a, *v;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_attach(2, 0, 2, "b");
	test_attach(3, 0, 3, "c");
	/* Configured but empty: not a member of anything shown. */
	test_ok("port 4 access 30");
	test_ok("port 2 access 20");
	test_ok("port 3 trunk 20,21 native 1");
	a = test_key(test_ok("vlans"), "vlans", json_type_array);
	assert_int_equal(json_object_array_length(a), 3);
	v = json_object_array_get_idx(a, 0);
	assert_int_equal(test_int(v, "vlan"), 1);
	assert_string_equal(json_object_to_json_string(test_key(v, "access",
	    json_type_array)), "[ 1 ]");
	assert_string_equal(json_object_to_json_string(test_key(v, "trunk",
	    json_type_array)), "[ 3 ]");
	v = json_object_array_get_idx(a, 1);
	assert_int_equal(test_int(v, "vlan"), 20);
	assert_string_equal(json_object_to_json_string(test_key(v, "access",
	    json_type_array)), "[ 2 ]");
	assert_string_equal(json_object_to_json_string(test_key(v, "trunk",
	    json_type_array)), "[ 3 ]");
	v = json_object_array_get_idx(a, 2);
	assert_int_equal(test_int(v, "vlan"), 21);
	assert_string_equal(json_object_to_json_string(test_key(v, "access",
	    json_type_array)), "[ ]");
}

static void
test_settings(void **state)
{
	json_object *p;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_learn(1, 1, 1);
	test_ok("port 3 access 10");
	assert_non_null(strstr(test_config(), "\nport 3 access 10\n"));
	/* A port's new VLAN forgets what it learned on the old one. */
	test_ok("port 1 access 20");
	assert_int_equal(test_int(test_ok("info"), "macs"), 0);
	test_ok("port 2 trunk 10,20-22 native 5");
	assert_non_null(strstr(test_config(),
	    "\nport 2 trunk 10,20-22 native 5\n"));
	test_ok("port 2 trunk all");
	assert_non_null(strstr(test_config(), "\nport 2 trunk all\n"));
	/* Every port has the switch's limit until it has one of its own. */
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "maclimit"), FDB_PORTLIMIT_DEFAULT);
	assert_false(json_object_get_boolean(test_key(p, "maclimit_own",
	    json_type_boolean)));
	assert_int_equal(test_int(test_ok("info"), "portmaclimit"),
	    FDB_PORTLIMIT_DEFAULT);
	test_ok("port 1 maclimit 2");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "maclimit"), 2);
	assert_true(json_object_get_boolean(test_key(p, "maclimit_own",
	    json_type_boolean)));
	test_ok("portmaclimit 5");
	assert_int_equal(test_int(test_ok("info"), "portmaclimit"), 5);
	assert_non_null(strstr(test_config(), "\nportmaclimit 5\n"));
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "maclimit"), 2);
	test_ok("port 1 maclimit 0");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "maclimit"), 5);
	test_ok("portmaclimit 0");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "maclimit"), 0);
	test_ok("port 1 maclimit 2");
	/* Storm control: the switch's limit, or the port's own. */
	assert_int_equal(test_int(test_ok("info"), "storm"), 1000);
	test_ok("storm 500");
	assert_int_equal(test_int(test_ok("info"), "storm"), 500);
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "storm"), 500);
	test_ok("port 1 storm 0");
	test_ok("storm 700");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "storm"), 0);
	assert_non_null(strstr(test_config(), "\nstorm 700\n"));
	assert_non_null(strstr(test_config(), "\nport 1 storm 0\n"));
	test_ok("port 1 storm default");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "storm"), 700);
	assert_null(strstr(test_config(), "port 1 storm"));
	test_ok("port 5 user root");
	test_ok("port 5 group root");
	assert_non_null(strstr(test_config(), "\nport 5 user root\n"
	    "port 5 group root\n"));
	test_ok("port 5 user any");
	assert_null(strstr(test_config(), "port 5 user"));

	test_ok("aging 60");
	assert_int_equal(test_int(test_ok("info"), "aging"), 60);
	/* The aging timer runs a tenth of the aging time apart. */
	assert_true(ev_is_active(&sw->age_w));
	assert_true(sw->age_w.repeat > 5.9 && sw->age_w.repeat < 6.1);
	test_ok("aging 0");
	assert_false(ev_is_active(&sw->age_w));
	test_ok("aging 60");
	test_ok("maclimit 100");
	assert_int_equal(test_int(test_ok("info"), "macs_max"), 100);
	test_ok("hub on");
	assert_true(json_object_get_boolean(test_key(test_ok("info"), "hub",
	    json_type_boolean)));
	/* With a port in use, the tables keep their size. */
	test_err("ports 16", "only with a restart");
	test_err("queue 16", "only with a restart");
	assert_int_equal(test_int(test_ok("info"), "ports_max"),
	    TEST_NPORTS - 1);
}

/* Static addresses and isolated ports, as switchctl set sends them. */
static void
test_static_isolated(void **state)
{
	json_object *a, *m, *p;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_ok("mac add 02:00:00:00:00:09 vlan 1 port 3");
	assert_non_null(strstr(test_config(),
	    "\nmac add 02:00:00:00:00:09 vlan 1 port 3\n"));
	a = test_key(test_ok("macs"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	m = json_object_array_get_idx(a, 0);
	assert_int_equal(test_int(m, "port"), 3);
	assert_true(json_object_get_boolean(test_key(m, "static",
	    json_type_boolean)));
	/* Moved by a second add; a flush leaves it. */
	test_ok("mac add 02:00:00:00:00:09 vlan 1 port 5");
	test_ok("macs flush");
	a = test_key(test_ok("macs port 5"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	test_err("mac add ff:ff:ff:ff:ff:ff vlan 1 port 3", "not a station");
	test_err("mac add 00:00:00:00:00:00 vlan 1 port 3", "not a station");
	test_err("mac add 02:00:00:00:00:0g vlan 1 port 3", "not a station");
	test_err("mac add 02:00:00:00:00:1 vlan 1 port 3", "not a station");
	test_err("mac add 02:00:00:00:00:01 vlan 0 port 3", "not a VLAN");
	test_err("mac add 02:00:00:00:00:01 vlan 1 port 8", "not a port");
	test_err("mac add 02:00:00:00:00:01 vlan 1", "usage: mac add");
	test_err("mac del 02:00:00:00:00:08 vlan 1", "no such static");
	/* The table must hold them all: refused, and nothing changes. */
	test_ok("mac add 02:00:00:00:00:01 vlan 1 port 3");
	test_err("maclimit 1", "more than the table holds");
	assert_int_equal(test_int(test_ok("info"), "macs_max"), 16384);
	test_ok("mac del 02:00:00:00:00:09 vlan 1");
	test_ok("mac del 02:00:00:00:00:01 vlan 1");
	a = test_key(test_ok("macs"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 0);
	assert_null(strstr(test_config(), "mac add"));

	test_ok("port 1 isolated on");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_true(json_object_get_boolean(test_key(p, "isolated",
	    json_type_boolean)));
	assert_non_null(strstr(test_config(), "\nport 1 isolated on\n"));
	test_ok("port 1 isolated off");
	assert_null(strstr(test_config(), "isolated"));
	test_err("port 1 isolated yes", "usage: port N isolated");
}

static void
test_settings_idle(void **state)
{
	(void)state;
	test_ok("queue 64");
	assert_int_equal(test_int(test_ok("info"), "queue_max"), 64);
	test_ok("ports 16");
	assert_int_equal(test_int(test_ok("info"), "ports_max"), 15);
	test_ok("port 15 access 2");
	test_err("port 16 access 2", "'16' is not a port from 1 to 15");
}

static void
test_bad_numbers(void **state)
{
	(void)state;
	test_err("port 3 access 4095", "'4095' is not a VLAN");
	test_err("port 3 access 0", "'0' is not a VLAN");
	test_err("port 3 access ten", "'ten'");
	test_err("port 3 access -1", "'-1'");
	test_err("port 3 access 1.5", "'1.5'");
	test_err("port 3 access", "port 3 access");
	test_err("port 3 trunk 10-5", "'10-5'");
	test_err("port 3 trunk 1,x", "'1,x'");
	test_err("port 3 trunk 5000", "'5000'");
	test_err("port 3 trunk 1 native 5000", "'5000'");
	test_err("port 3 trunk 1 native", "usage: port N trunk");
	test_err("port 3 trunk 1 vlan 2", "usage: port N trunk");
	test_err("port 3 maclimit many", "'many'");
	test_err("port 3 color red", "unknown setting 'color'");
	test_err("port 3 user nosuchuser-xyzzy", "'nosuchuser-xyzzy'");
	test_err("port 3 group nosuchgroup-xyzzy", "'nosuchgroup-xyzzy'");
	test_err("port 0 access 1", "'0' is not a port");
	test_err("port 8 access 1", "'8' is not a port from 1 to 7");
	test_err("port abc access 1", "'abc'");
	test_err("aging -1", "'-1'");
	test_err("aging 1000001", "'1000001'");
	test_err("aging 99999999999999999999999", "'99999999999999999999999'");
	test_err("maclimit 0", "'0'");
	test_err("maclimit 0x10", "'0x10'");
	test_err("portmaclimit -1", "'-1'");
	test_err("portmaclimit 4194305", "'4194305'");
	test_err("ports 1", "'1'");
	test_err("ports 4097", "'4097'");
	test_err("queue 0", "'0'");
	test_err("queue 65537", "'65537'");
	test_err("hub maybe", "'maybe'");
	test_err("storm -1", "'-1'");
	test_err("storm 10000001", "'10000001'");
	test_err("port 3 storm lots", "'lots'");
	test_err("port 3 storm", "''");
	test_err("hub", "wrong number of arguments");
	test_err("aging 1 2", "wrong number of arguments");
	/* None of it changed anything. */
	assert_string_equal(test_config(), "ports 8\nmaclimit 16384\n"
	    "aging 300\nhub off\nqueue 256\nportmaclimit 1024\nstorm 1000\n"
	    "userports 64\nmemory 384M\nstp off\nstp priority 32768\n"
	    "stp forward-delay 15\n");
}

static void
test_disconnect(void **state)
{
	json_object *a;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_attach(2, 0, 2, "b");
	test_learn(1, 1, 1);
	test_learn(2, 1, 2);
	test_ok("disconnect 1");
	a = test_key(test_ok("ports"), "ports", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	assert_int_equal(test_int(json_object_array_get_idx(a, 0), "port"), 2);
	a = test_key(test_ok("macs"), "macs", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	assert_int_equal(test_int(json_object_array_get_idx(a, 0), "port"), 2);
	test_err("disconnect 1", "nothing is attached to port 1");
	test_err("disconnect", "usage: disconnect N");
	test_err("disconnect 1 2", "usage: disconnect N");
	test_err("disconnect x", "'x'");
}

static void
test_counters(void **state)
{
	json_object *p;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_attach(2, 0, 2, "b");
	sw->fwd->ports[1].st.rx_frames = 5;
	sw->fwd->ports[1].st.drops[DROP_VLAN] = 3;
	sw->fwd->ports[2].st.tx_frames = 9;
	sw->fwd->moves = 4;
	test_ok("counters reset 1");
	p = test_key(test_ok("port 1"), "port", json_type_object);
	assert_int_equal(test_int(p, "rx_frames"), 0);
	assert_int_equal(test_int(test_key(p, "drops", json_type_object),
	    "vlan"), 0);
	p = test_key(test_ok("port 2"), "port", json_type_object);
	assert_int_equal(test_int(p, "tx_frames"), 9);
	assert_int_equal(test_int(test_ok("info"), "moves"), 4);
	test_ok("counters reset");
	p = test_key(test_ok("port 2"), "port", json_type_object);
	assert_int_equal(test_int(p, "tx_frames"), 0);
	assert_int_equal(test_int(test_ok("info"), "moves"), 0);
	test_err("counters", "usage: counters reset");
	test_err("counters clear", "usage: counters reset");
	test_err("counters reset 1 2", "usage: counters reset");
	test_err("counters reset 3", "nothing is attached to port 3");
	test_err("counters reset x", "'x'");
}

static void
test_loglevel(void **state)
{
	(void)state;
	test_ok("loglevel debug");
	assert_int_equal(log_getverbose(), 1);
	assert_string_equal(test_str(test_ok("info"), "loglevel"), "debug");
	test_ok("loglevel info");
	assert_int_equal(log_getverbose(), 0);
	test_err("loglevel trace", "usage: loglevel");
	test_err("loglevel", "usage: loglevel");
}

static void
test_reload(void **state)
{
	char path[] = "/tmp/test_mgmt.XXXXXX", *before;
	FILE *f;
	int fd;

	(void)state;
	test_err("reload", "without -f");
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "aging 120\nport 4 access 30\n");
	fclose(f);
	sw->conffile = path;
	test_ok("port 5 access 40");
	test_ok("reload");
	/* The file again, and what was set since forgotten. */
	assert_string_equal(test_config(), "ports 8\nmaclimit 16384\n"
	    "aging 120\nhub off\nqueue 256\nportmaclimit 1024\nstorm 1000\n"
	    "userports 64\nmemory 384M\nstp off\nstp priority 32768\n"
	    "stp forward-delay 15\nport 4 access 30\n");
	/*
	 * A file with one bad line among good ones changes nothing: not
	 * the good lines before it, not those after.
	 */
	test_ok("hub on");
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "aging 90\nport 4 access 4095\nport 6 access 60\n"
	    "maclimit 0\n");
	fclose(f);
	before = strdup(test_config());
	assert_non_null(before);
	test_err("reload", "nothing was changed");
	test_err("reload", ":2: port 4 access: '4095' is not a VLAN");
	test_err("reload", "(and 1 more errors)");
	assert_string_equal(test_config(), before);
	assert_int_equal(test_int(test_ok("info"), "aging"), 120);
	assert_int_equal(unlink(path), 0);
	test_err("reload", path);
	assert_string_equal(test_config(), before);
	free(before);
	sw->conffile = NULL;
}

/*
 * A capture is answered with what it will copy, and its queue counted
 * in the budget until a caller takes it or the next request drops it;
 * a wrong one says what is wrong.
 */
static void
test_capture(void **state)
{
	json_object *r;
	uint64_t fixed = sw->mem_fixed;

	(void)state;
	r = test_ok("capture port 1,3-4 vlan 10 count 5");
	assert_string_equal(test_str(r, "ports"), "1,3-4");
	assert_int_equal(json_object_get_int(test_key(r, "vlan",
	    json_type_int)), 10);
	assert_int_equal(json_object_get_int(test_key(r, "count",
	    json_type_int)), 5);
	assert_true(sw->mem_fixed > fixed);
	assert_int_equal(sw->nsnoop, 1);
	assert_string_equal(test_str(test_ok("capture"), "ports"), "all");
	assert_int_equal(sw->nsnoop, 1);
	test_ok("info");
	assert_int_equal(sw->nsnoop, 0);
	assert_true(sw->mem_fixed == fixed);
	test_err("capture port 0", "not a list of ports");
	test_err("capture port 1-x", "not a list of ports");
	test_err("capture vlan 4095", "not a VLAN");
	test_err("capture count 0", "count '0'");
	test_err("capture port 1 port 2", "usage: capture");
	test_err("capture port", "usage: capture");
	test_err("capture frames 3", "usage: capture");
	assert_int_equal(sw->nsnoop, 0);
}

/*
 * Request line as a client that may only look: a show command must be
 * answered, a change refused with the words switchctl prints.
 */
static void
test_looking(const char *line, enum mgmt_level level)
{
	static const struct mgmt_peer looker = { 54321, 99, MGMT_LOOK };
	json_object *r;
	const char *e;
	int ok;

	test_as = &looker;
	r = test_req(line, strlen(line));
	test_as = &test_root;
	ok = json_object_get_boolean(test_key(r, "ok", json_type_boolean));
	if (level == MGMT_LOOK && !ok)
		fail_msg("'%s' only looks, and was refused to a client that "
		    "may look: %s", line, json_object_to_json_string(r));
	if (level == MGMT_LOOK)
		return;
	if (ok)
		fail_msg("'%s' changes the switch, and a client that may only "
		    "look was let do it", line);
	e = test_str(r, "error");
	/* A capture shows frames rather than change anything. */
	if (strstr(e, strncmp(line, "capture", 7) == 0 ?
	    "permission denied: capturing frames needs root" :
	    "permission denied: changing the switch needs root") != e)
		fail_msg("'%s' refused with \"%s\", not permission denied",
		    line, e);
}

/*
 * Every request of the table has a level.  A client that may only look
 * has each show command answered, and each change refused, counted, and
 * without effect; every setting of switchd.conf(5) is a change.
 */
static void
test_levels(void **state)
{
	static const char *shows[] = { "info", "ports", "port 1", "macs",
	    "macs port 1 vlan 1", "vlans", "config" };
	const char *name, *sub, *set;
	char line[128], *before;
	enum mgmt_level level;
	size_t i, j;
	int argc, k, looks = 0, changes = 0;
	json_object *a;

	(void)state;
	test_attach(1, 0, 1, "a");
	test_learn(1, 1, 1);
	sw->fwd->ports[1].st.rx_frames = 5;
	assert_non_null(before = strdup(test_config()));
	for (i = 0; mgmt_command(i, &name, &sub, &argc, &level) == 0; i++) {
		if (level != MGMT_LOOK && level != MGMT_CHANGE)
			fail_msg("request %zu ('%s') has no level", i,
			    name != NULL ? name : "a setting");
		if (name == NULL) {
			/* Four words: "port N" alone is a show command. */
			for (j = 0; (set = conf_name(j)) != NULL; j++) {
				snprintf(line, sizeof(line), "%s 1 1 1", set);
				test_looking(line, level);
				changes += level == MGMT_CHANGE;
			}
			assert_true(j > 0);
			continue;
		}
		snprintf(line, sizeof(line), "%s%s%s", name, sub != NULL ?
		    " " : "", sub != NULL ? sub : "");
		for (k = sub != NULL ? 2 : 1; k < argc; k++)
			strncat(line, " 1", sizeof(line) - strlen(line) - 1);
		test_looking(line, level);
		looks += level == MGMT_LOOK;
		changes += level == MGMT_CHANGE;
	}
	assert_true(looks > 0 && changes > 0);
	/* And whatever the table says, these only look. */
	for (i = 0; i < nitems(shows); i++)
		test_looking(shows[i], MGMT_LOOK);
	/* Nothing changed: settings, ports, MACs, counters, log level. */
	assert_string_equal(test_config(), before);
	free(before);
	a = test_key(test_ok("ports"), "ports", json_type_array);
	assert_int_equal(json_object_array_length(a), 1);
	assert_int_equal(test_int(test_ok("info"), "macs"), 1);
	assert_int_equal(sw->fwd->ports[1].st.rx_frames, 5);
	assert_int_equal(log_getverbose(), 0);
	assert_int_equal(test_int(test_ok("info"), "mgmt_refused"), changes);
	test_ok("counters reset");
	assert_int_equal(test_int(test_ok("info"), "mgmt_refused"), 0);
}

/* Root, the user the switch runs as, and the admin group may change. */
static void
test_admins(void **state)
{
	static const gid_t none[] = { 10, 20 }, some[] = { 10, 54322 };
	static const struct mgmt_peer looker = { 54323, 99, MGMT_LOOK };
	struct passwd *pw;
	char want[128];

	(void)state;
	mgmt_admins(test_m, 54321, 54322);
	assert_int_equal(mgmt_level(test_m, 0, 0, NULL, 0), MGMT_CHANGE);
	assert_int_equal(mgmt_level(test_m, 54321, 1, NULL, 0), MGMT_CHANGE);
	assert_int_equal(mgmt_level(test_m, 54323, 54322, NULL, 0),
	    MGMT_CHANGE);
	assert_int_equal(mgmt_level(test_m, 54323, 54323, some, 2),
	    MGMT_CHANGE);
	assert_int_equal(mgmt_level(test_m, 54323, 54323, none, 2),
	    MGMT_LOOK);
	assert_int_equal(mgmt_level(test_m, 54323, 54323, NULL, 0),
	    MGMT_LOOK);
	/* Without a group, only root and the user. */
	mgmt_admins(test_m, 54321, (gid_t)-1);
	assert_int_equal(mgmt_level(test_m, 54323, 54322, some, 2),
	    MGMT_LOOK);
	assert_int_equal(mgmt_level(test_m, 54321, 1, NULL, 0), MGMT_CHANGE);

	/* The refusal names them, by name where there is one. */
	test_as = &looker;
	if (getpwuid(54321) == NULL && getgrgid(54322) == NULL) {
		mgmt_admins(test_m, 54321, 54322);
		test_err("hub on", "permission denied: changing the switch "
		    "needs root, uid 54321 or gid 54322");
	}
	mgmt_admins(test_m, 0, (gid_t)-1);
	test_err("hub on", "permission denied: changing the switch needs "
	    "root");
	assert_non_null(getgrgid(0));
	snprintf(want, sizeof(want), "permission denied: changing the switch "
	    "needs root or group %s", getgrgid(0)->gr_name);
	mgmt_admins(test_m, 0, 0);
	test_err("hub on", want);
	if ((pw = getpwnam("nobody")) != NULL) {
		snprintf(want, sizeof(want), "permission denied: changing the "
		    "switch needs root, user nobody or group %s",
		    getgrgid(0)->gr_name);
		mgmt_admins(test_m, pw->pw_uid, 0);
		test_err("hub on", want);
	}
	test_as = &test_root;
	assert_int_equal(sw->fwd->hub, 0);
}

/* Back to a switch with the defaults and 8 ports, as a reload does. */
static void
test_defaults(void)
{
	struct conf *c;
	char err[256], line[] = "ports 8";

	assert_non_null(c = conf_new(FWD_PORTS_DEFAULT));
	assert_int_equal(conf_set(c, line, err, sizeof(err)), 0);
	assert_int_equal(sw_apply(sw, c, err, sizeof(err)), 0);
}

/* What config prints, fed back line by line, gives the same config. */
static void
test_config_round_trip(void **state)
{
	char *dump, *line, *save = NULL;

	(void)state;
	test_ok("aging 77");
	test_ok("maclimit 999");
	test_ok("hub on");
	test_ok("port 1 access 11");
	test_ok("port 2 trunk 1-3,4000-4094 native 2");
	test_ok("port 3 trunk 7");
	test_ok("port 4 maclimit 9");
	test_ok("port 5 user root");
	test_ok("port 6 group root");
	test_ok("port 7 isolated on");
	test_ok("mac add 02:00:00:00:00:09 vlan 1 port 3");
	test_ok("mac add 02:00:00:00:00:0A vlan 20 port 4");
	assert_non_null(dump = strdup(test_config()));
	test_defaults();
	assert_string_not_equal(test_config(), dump);
	{
		char *copy = strdup(dump);

		assert_non_null(copy);
		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			test_ok(line);
		free(copy);
	}
	assert_string_equal(test_config(), dump);
	free(dump);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_oversized, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_control_chars, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_not_utf8, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_words, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_info, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_ports, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_port_one, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_macs, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_vlans, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_settings, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_static_isolated,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_settings_idle, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_bad_numbers, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_disconnect, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_counters, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_loglevel, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_reload, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_config_round_trip,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_capture, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_levels, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_admins, test_setup,
		    test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
