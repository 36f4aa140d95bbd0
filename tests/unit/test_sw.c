/* SPDX-License-Identifier: ISC */
/*
 * The switch's attach and detach lines: a burst is logged whole, what
 * comes after it is counted, and once the switch has been quiet for a
 * second a line of its own says how many were left out.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "log.h"
#include "sw.h"

/* How many times what is in s. */
static int
test_count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void
test_attach_log(void **state)
{
	struct ev_loop *loop = ev_default_loop(0);
	struct sw *sw;
	char err[256], *out;
	FILE *f;
	int i, saved;

	(void)state;
	log_init("switchd", 1, 0);
	assert_non_null(sw = sw_new(loop, NULL, NULL, 0, err, sizeof(err)));

	/* 25 at the same moment (the loop's clock stands still): 20 pass. */
	f = capture_begin(&saved);
	for (i = 0; i < 25; i++)
		sw_log_attach(sw, "port %d: attached", i + 1);
	out = capture_end(f, saved);
	assert_int_equal(test_count(out, ": attached"), 20);
	assert_non_null(strstr(out, "port 20: attached\n"));
	assert_null(strstr(out, "port 21: attached"));
	assert_int_equal(sw->attach_unlogged, 5);

	/* A second of quiet: a line of its own says how many were left out. */
	f = capture_begin(&saved);
	ev_run(loop, EVRUN_ONCE);
	out = capture_end(f, saved);
	assert_string_equal(out,
	    "switchd: 5 attach and detach lines not logged\n");

	/* And the next line passes, with nothing more to tell. */
	f = capture_begin(&saved);
	ev_now_update(loop);
	sw_log_attach(sw, "port 26: detached");
	out = capture_end(f, saved);
	assert_string_equal(out, "switchd: port 26: detached\n");
	assert_int_equal(sw->attach_unlogged, 5);

	/* Left out again: the next line to pass tells it. */
	f = capture_begin(&saved);
	for (i = 0; i < 10 && sw->attach_unlogged == 5; i++)
		sw_log_attach(sw, "port %d: attached", 27 + i);
	out = capture_end(f, saved);
	assert_string_equal(out, "switchd: port 27: attached\n");
	assert_int_equal(sw->attach_unlogged, 6);
	sleep(1);
	ev_now_update(loop);
	f = capture_begin(&saved);
	sw_log_attach(sw, "port 40: attached");
	out = capture_end(f, saved);
	assert_string_equal(out, "switchd: port 40: attached "
	    "(1 attach and detach lines not logged)\n");
	sw_free(sw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
