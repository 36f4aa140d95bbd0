/* SPDX-License-Identifier: ISC */
/*
 * A port's own socket in switchd.conf(5): "port N stream|dgram PATH
 * [user U] [group G]" is read, refused when it is wrong, written back
 * by conf_dump() in words that read back the same, and changed only
 * with a restart once the switch has made its sockets.  Mirror ports
 * and impaired links: what is refused, and what reads back the same.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "log.h"
#include "sw.h"

static int
test_set(struct conf *c, const char *line, char *err, size_t len)
{
	char buf[CONF_LINE_MAX + 1];

	snprintf(buf, sizeof(buf), "%s", line);
	return conf_set(c, buf, err, len);
}

static void
test_sock_lines(void **state)
{
	struct conf *c;
	char err[256];

	(void)state;
	assert_non_null(c = conf_new(16));
	assert_int_equal(test_set(c, "port 5 stream /run/sw/vm5.sock user 1000",
	    err, sizeof(err)), 0);
	assert_int_equal(c->port[5].sock, CONF_SOCK_STREAM);
	assert_string_equal(c->port[5].sockpath, "/run/sw/vm5.sock");
	assert_int_equal(c->port[5].uid, 1000);
	assert_int_equal(test_set(c, "port 6 dgram /run/sw/vm6.sock group 100 "
	    "user 1001", err, sizeof(err)), 0);
	assert_int_equal(c->port[6].sock, CONF_SOCK_DGRAM);
	assert_int_equal(c->port[6].uid, 1001);
	assert_int_equal(c->port[6].gid, 100);
	assert_int_equal(test_set(c, "port 7 stream /run/sw/vm7.sock", err,
	    sizeof(err)), 0);
	assert_int_equal(c->port[7].uid, (uid_t)-1);

	/* Wrong: nothing changes, and the error says why. */
	assert_int_equal(test_set(c, "port 8 stream vm8.sock", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not an absolute path"));
	assert_int_equal(test_set(c, "port 8 dgram /run/sw/vm5.sock", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "is the socket of port 5 already"));
	assert_int_equal(test_set(c, "port 8 stream /x user 1 mode 2", err,
	    sizeof(err)), -1);
	assert_int_equal(test_set(c, "port 8 stream /x user", err,
	    sizeof(err)), -1);
	assert_int_equal(test_set(c, "port 8 stream /x user nosuchuser.x",
	    err, sizeof(err)), -1);
	assert_int_equal(c->port[8].sock, CONF_SOCK_NONE);
	assert_int_equal(c->port[8].uid, (uid_t)-1);
	conf_free(c);
}

/*
 * c, dumped, has each line of want, and reads back into a new
 * configuration that is the same.
 */
static void
test_round_trip(struct conf *c, const char *const *want)
{
	struct conf *d;
	char err[256], *buf = NULL, *line, *save;
	size_t n = 0;
	FILE *f;

	assert_non_null(d = conf_new(c->nports));
	assert_non_null(f = open_memstream(&buf, &n));
	conf_dump(c, f);
	fclose(f);
	for (; *want != NULL; want++)
		if (strstr(buf, *want) == NULL)
			fail_msg("'%s' is not in %s", *want, buf);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		assert_int_equal(conf_set(d, line, err, sizeof(err)), 0);
	assert_memory_equal(c->port, d->port, c->nports * sizeof(*c->port));
	free(buf);
	conf_free(d);
}

/* What conf_dump() writes reads back as the same configuration. */
static void
test_sock_dump(void **state)
{
	static const char *const want[] = { "port 5 stream /run/sw/vm5.sock\n",
	    "port 6 dgram /run/sw/vm6.sock\n", NULL };
	struct conf *c;
	char err[256];

	(void)state;
	assert_non_null(c = conf_new(16));
	assert_int_equal(test_set(c, "port 5 stream /run/sw/vm5.sock user 1000",
	    err, sizeof(err)), 0);
	assert_int_equal(test_set(c, "port 6 dgram /run/sw/vm6.sock group 100",
	    err, sizeof(err)), 0);
	test_round_trip(c, want);
	conf_free(c);
}

/* Once the sockets are made, a change to them is refused whole. */
static void
test_sock_restart(void **state)
{
	struct ev_loop *loop = ev_default_loop(0);
	struct sw *sw;
	char err[256];

	(void)state;
	log_init("switchd", 1, 0);
	assert_non_null(sw = sw_new(loop, NULL, NULL, 0, err, sizeof(err)));
	/* Before the sockets are made: as any setting. */
	assert_int_equal(sw_set(sw, "port 5 stream /run/sw/vm5.sock", err,
	    sizeof(err)), 0);
	sw->netdev = (struct netdev *)sw;	/* made: any non-NULL will do */
	assert_int_equal(sw_set(sw, "port 5 stream /run/sw/other.sock", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "change only with a restart"));
	assert_int_equal(sw_set(sw, "port 5 user 1000", err, sizeof(err)), -1);
	assert_int_equal(sw_set(sw, "port 6 dgram /run/sw/vm6.sock", err,
	    sizeof(err)), -1);
	assert_string_equal(sw->conf->port[5].sockpath, "/run/sw/vm5.sock");
	assert_int_equal(sw->conf->port[6].sock, CONF_SOCK_NONE);
	/* Everything else still changes. */
	assert_int_equal(sw_set(sw, "port 5 access 20", err, sizeof(err)), 0);
	sw->netdev = NULL;
	sw_free(sw);
}

static void
test_mirror_lines(void **state)
{
	struct conf *c;
	char err[256];

	(void)state;
	assert_non_null(c = conf_new(16));
	assert_int_equal(test_set(c, "port 7 mirror port 2,4-5 rx", err,
	    sizeof(err)), 0);
	assert_int_equal(c->port[7].mirror, CONF_MIRROR_RX);
	assert_int_equal(c->port[2].mirror_to, 7);
	assert_int_equal(c->port[4].mirror_to, 7);
	assert_int_equal(c->port[5].mirror_to, 7);
	assert_int_equal(c->port[3].mirror_to, 0);
	/* A new list replaces the old one. */
	assert_int_equal(test_set(c, "port 7 mirror port 3", err,
	    sizeof(err)), 0);
	assert_int_equal(c->port[7].mirror, CONF_MIRROR_RX | CONF_MIRROR_TX);
	assert_int_equal(c->port[2].mirror_to, 0);
	assert_int_equal(c->port[3].mirror_to, 7);

	assert_int_equal(test_set(c, "port 8 mirror port 7", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "port 7 is a mirror port itself"));
	assert_int_equal(test_set(c, "port 3 mirror port 1", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "a mirror port is no source"));
	assert_int_equal(test_set(c, "port 8 mirror port 3", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "mirrored to port 7 already"));
	assert_int_equal(test_set(c, "port 8 mirror port 8", err,
	    sizeof(err)), -1);
	assert_int_equal(test_set(c, "port 8 mirror port 16", err,
	    sizeof(err)), -1);
	assert_int_equal(test_set(c, "port 8 mirror port 1 in", err,
	    sizeof(err)), -1);
	assert_int_equal(c->port[8].mirror, 0);

	/* Fewer ports: a source cannot lose its mirror, nor a mirror all. */
	assert_int_equal(test_set(c, "ports 7", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "port 3 is mirrored to port 7"));
	assert_int_equal(test_set(c, "port 7 mirror port 12", err,
	    sizeof(err)), 0);
	assert_int_equal(test_set(c, "ports 10", err, sizeof(err)), 0);
	assert_int_equal(c->port[7].mirror, 0);
	assert_int_equal(test_set(c, "port 7 mirror port 1", err,
	    sizeof(err)), 0);
	assert_int_equal(test_set(c, "port 7 mirror off", err,
	    sizeof(err)), 0);
	assert_int_equal(c->port[7].mirror, 0);
	assert_int_equal(c->port[1].mirror_to, 0);
	conf_free(c);
}

/* Mirroring and impairment, dumped, read back the same. */
static void
test_shape_dump(void **state)
{
	static const char *const want[] = { "port 3 egress rate 10mbit "
	    "delay 40ms jitter 5ms loss 1% duplicate 0.1%\n",
	    "port 3 ingress delay 1.5ms\n", "port 9 mirror port 1,3-5,8 tx\n",
	    NULL };
	struct conf *c;
	char err[256];

	(void)state;
	assert_non_null(c = conf_new(16));
	assert_int_equal(test_set(c, "port 3 egress rate 10mbit delay 40ms "
	    "jitter 5ms loss 1% duplicate 0.1%", err, sizeof(err)), 0);
	assert_int_equal(test_set(c, "port 3 ingress delay 1.5ms", err,
	    sizeof(err)), 0);
	assert_int_equal(test_set(c, "port 9 mirror port 1,3-5,8 tx", err,
	    sizeof(err)), 0);
	assert_int_equal(test_set(c, "port 4 egress speed 1", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "port 4 egress: 'speed' is not rate"));
	test_round_trip(c, want);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sock_lines),
		cmocka_unit_test(test_sock_dump),
		cmocka_unit_test(test_sock_restart),
		cmocka_unit_test(test_mirror_lines),
		cmocka_unit_test(test_shape_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
