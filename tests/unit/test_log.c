/* SPDX-License-Identifier: ISC */
/*
 * Logging tests: the rate limiter lets one message per interval through,
 * or a burst and then one an interval, and reports how many it held back; foreground output is
 * "progname: message" on stderr.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "log.h"

static void
test_ratelim(void **state)
{
	struct log_ratelim	 rl = { 0 };

	(void)state;
	assert_int_equal(log_ratelim(&rl, 100.0, 1.0), 1);
	assert_int_equal(log_ratelim(&rl, 100.1, 1.0), 0);
	assert_int_equal(log_ratelim(&rl, 100.5, 1.0), 0);
	assert_int_equal(log_ratelim(&rl, 100.99, 1.0), 0);
	assert_int_equal(rl.suppressed, 3);
	/* One interval later: allowed, and told about the 3 held back. */
	assert_int_equal(log_ratelim(&rl, 101.0, 1.0), 4);
	assert_int_equal(rl.suppressed, 0);
	assert_int_equal(log_ratelim(&rl, 101.5, 1.0), 0);
	assert_int_equal(log_ratelim(&rl, 103.0, 1.0), 2);
	/* Nothing suppressed in between: a plain 1. */
	assert_int_equal(log_ratelim(&rl, 105.0, 1.0), 1);
}

/* A clock that steps back must not mute the caller for that long. */
static void
test_ratelim_backwards(void **state)
{
	struct log_ratelim	 rl = { 0 };

	(void)state;
	assert_int_equal(log_ratelim(&rl, 5000.0, 10.0), 1);
	assert_int_equal(log_ratelim(&rl, 5001.0, 10.0), 0);
	assert_int_equal(log_ratelim(&rl, 3.0, 10.0), 2);
	assert_int_equal(log_ratelim(&rl, 4.0, 10.0), 0);
}

/* A zeroed limiter allows its first message even at a small clock. */
static void
test_ratelim_first(void **state)
{
	struct log_ratelim	 rl = { 0 };

	(void)state;
	assert_int_equal(log_ratelim(&rl, 0.5, 10.0), 1);
	assert_int_equal(log_ratelim(&rl, 1.0, 10.0), 0);
}

/* A burst passes at once, then one an interval, counting the others. */
static void
test_ratelim_burst(void **state)
{
	struct log_ratelim	 rl = { 0 };
	int			 i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(log_ratelim_burst(&rl, 100.0 + i * 0.01, 1.0,
		    5), 1);
	for (i = 0; i < 50; i++)
		assert_int_equal(log_ratelim_burst(&rl, 100.05 + i * 0.01, 1.0,
		    5), 0);
	/* The clock ran from the first of the burst: one more at 101. */
	assert_int_equal(log_ratelim_burst(&rl, 100.99, 1.0, 5), 0);
	assert_int_equal(log_ratelim_burst(&rl, 101.0, 1.0, 5), 52);
	assert_int_equal(log_ratelim_burst(&rl, 101.5, 1.0, 5), 0);
	/* 2.5 intervals give two; the half counts later. */
	assert_int_equal(log_ratelim_burst(&rl, 103.5, 1.0, 5), 2);
	assert_int_equal(log_ratelim_burst(&rl, 103.6, 1.0, 5), 1);
	assert_int_equal(log_ratelim_burst(&rl, 103.7, 1.0, 5), 0);
	assert_int_equal(log_ratelim_burst(&rl, 104.0, 1.0, 5), 2);
	/* Quiet for long: the whole burst again, no more. */
	for (i = 0; i < 5; i++)
		assert_int_equal(log_ratelim_burst(&rl, 200.0, 1.0, 5), 1);
	assert_int_equal(log_ratelim_burst(&rl, 200.0, 1.0, 5), 0);
	assert_int_equal(rl.suppressed, 1);
	/* A clock stepped back allows one, not a burst. */
	assert_int_equal(log_ratelim_burst(&rl, 10.0, 1.0, 5), 2);
	assert_int_equal(log_ratelim_burst(&rl, 10.0, 1.0, 5), 0);
}

/* Runs fn with stderr sent to a file and returns what it wrote. */
static char *
test_capture(void (*fn)(void))
{
	FILE *f;
	int saved;

	f = capture_begin(&saved);
	fn();
	return capture_end(f, saved);
}

static void
test_emit(void)
{
	log_init("switchtest", 1, 0);
	log_info("port %d up", 3);
	log_debug("hidden %d", 1);
	errno = ENOENT;
	log_warn("open %s", "/nonexistent");
	assert_int_equal(errno, ENOENT);	/* logging keeps errno */
	log_warnx("plain");
	log_setverbose(1);
	log_debug("shown %d", 2);
}

static void
test_output(void **state)
{
	char	 want[512];

	(void)state;
	snprintf(want, sizeof(want),
	    "switchtest: port 3 up\n"
	    "switchtest: open /nonexistent: %s\n"
	    "switchtest: plain\n"
	    "switchtest: shown 2\n", strerror(ENOENT));
	assert_string_equal(test_capture(test_emit), want);
	assert_int_equal(log_getverbose(), 1);
	log_setverbose(0);
}

/* fatal must say why and exit 1, so init scripts see the failure. */
static void
test_fatalx(void **state)
{
	char	 out[256];
	pid_t	 pid;
	ssize_t	 n;
	int	 fds[2], status;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDERR_FILENO) == -1)
			_exit(2);
		log_init("switchtest", 1, 0);
		fatalx("cannot continue: %s", "no ports");
	}
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	assert_true(n > 0);
	out[n] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_string_equal(out, "switchtest: cannot continue: no ports\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratelim),
		cmocka_unit_test(test_ratelim_backwards),
		cmocka_unit_test(test_ratelim_first),
		cmocka_unit_test(test_ratelim_burst),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_fatalx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
