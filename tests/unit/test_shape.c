/* SPDX-License-Identifier: ISC */
/*
 * Link impairment frame by frame (switchd/shape.c): the token bucket's
 * rate over time and its burst, delay and jitter, loss and duplicates
 * in the proportions asked, order kept, a full queue, and the words of
 * switchd.conf(5) read and written back.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shape.h"

#define MS	1000000ULL	/* nanoseconds */
#define SEC	(1000 * MS)

/* The words, as switchd.conf(5) has them after "egress". */
static int
test_parse(const char *words, struct shape_conf *c, char *err, size_t len)
{
	char buf[256], *argv[16], *p, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (p = strtok_r(buf, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		argv[argc++] = p;
	return shape_parse(c, argc, argv, err, len);
}

static struct shape_conf
test_conf(const char *words)
{
	struct shape_conf c;
	char err[256];

	if (test_parse(words, &c, err, sizeof(err)) == -1)
		fail_msg("'%s': %s", words, err);
	return c;
}

static void
test_bad(const char *words, const char *want)
{
	struct shape_conf c;
	char err[256];

	assert_int_equal(test_parse(words, &c, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': '%s', without '%s'", words, err, want);
}

/* 1000-byte frames offered at twice the rate for a second: half go. */
static void
test_rate(void **state)
{
	struct shape_conf c = test_conf("rate 10mbit");
	struct shape s;
	uint64_t t, when, last = 0, sent_bits = 0;
	int n;

	(void)state;
	shape_init(&s, &c, 1, 0);
	/* 20 Mbit/s: a 1000-byte frame every 400 us, for 1 s. */
	for (t = 0; t < SEC; t += 400000) {
		n = shape_frame(&s, t, 1000, 1, &when);
		assert_int_equal(n, 1);
		assert_true(when >= t);
		assert_true(when >= last);
		last = when;
		if (when <= SEC)
			sent_bits += 8000;
	}
	/* What went within the second: 10 Mbit and a bucket, within 1 %. */
	assert_true(sent_bits >= 9900000 && sent_bits <= 10100000 +
	    SHAPE_BURST_MIN);
	/* The last of 2500 frames (20 Mbit) goes after 2 s, less a burst. */
	assert_true(last >= 2 * SEC - 3 * MS && last <= 2 * SEC);
}

/* An idle link lets a burst through at once, then paces. */
static void
test_burst(void **state)
{
	struct shape_conf c = test_conf("rate 1gbit");
	struct shape s;
	uint64_t when;
	int i, at_once = 0;

	(void)state;
	shape_init(&s, &c, 1, 5 * SEC);
	/* 1 ms of 1 Gbit/s is 125000 bytes: 82 frames of 1514. */
	for (i = 0; i < 200; i++) {
		assert_int_equal(shape_frame(&s, 5 * SEC, 1514, 1, &when), 1);
		at_once += when == 5 * SEC;
	}
	assert_int_equal(at_once, 82);
	/* The 200th goes when 200 frames' bits are paid, less the burst. */
	assert_true(when >= 5 * SEC + (200 - 83) * 12112ULL &&
	    when <= 5 * SEC + (200 - 81) * 12112ULL);
}

static void
test_delay_jitter(void **state)
{
	struct shape_conf c = test_conf("delay 40ms");
	struct shape s;
	uint64_t t, when, prev = 0, min = UINT64_MAX, max = 0;
	int i;

	(void)state;
	shape_init(&s, &c, 7, 0);
	assert_int_equal(shape_frame(&s, SEC, 100, 1, &when), 1);
	assert_true(when == SEC + 40 * MS);

	c = test_conf("delay 40ms jitter 5ms");
	shape_set(&s, &c, 2 * SEC);
	/* A frame every 20 ms: jitter spreads them, never reorders. */
	for (i = 0, t = 3 * SEC; i < 1000; i++, t += 20 * MS) {
		assert_int_equal(shape_frame(&s, t, 100, 1, &when), 1);
		assert_true(when >= prev);
		prev = when;
		if (when - t < min)
			min = when - t;
		if (when - t > max)
			max = when - t;
	}
	assert_true(min >= 35 * MS && min < 36 * MS);
	assert_true(max <= 45 * MS && max > 44 * MS);
}

/* 10 % over 100000 frames: 10 % within 0.5 %, the same for a seed. */
static void
test_loss_dup(void **state)
{
	struct shape_conf c = test_conf("loss 10% duplicate 1%");
	struct shape s;
	uint64_t when;
	int i, n, lost = 0, dup = 0;

	(void)state;
	shape_init(&s, &c, 42, 0);
	for (i = 0; i < 100000; i++) {
		n = shape_frame(&s, (uint64_t)i * MS, 60, 1, &when);
		assert_true(n >= 0 && n <= 2);
		lost += n == SHAPE_LOST;
		dup += n == 2;
		if (n > 0)
			assert_true(when == (uint64_t)i * MS);
	}
	assert_true(lost >= 9500 && lost <= 10500);
	/* Of those not lost, 1 %. */
	assert_true(dup >= 800 && dup <= 1000);

	c = test_conf("loss 100%");
	shape_set(&s, &c, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(shape_frame(&s, 0, 60, 1, &when), SHAPE_LOST);
	c = test_conf("loss 0.0001%");
	assert_int_equal(c.loss, 1);
}

/* No room to hold: the frame that would wait is refused, and costs nothing. */
static void
test_full(void **state)
{
	struct shape_conf c = test_conf("rate 1mbit");
	struct shape s;
	uint64_t when;
	int i;

	(void)state;
	shape_init(&s, &c, 1, 0);
	/* The bucket's two frames go at once, even without room. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(shape_frame(&s, 0, 1518, 0, &when), 1);
		assert_true(when == 0);
	}
	assert_int_equal(shape_frame(&s, 0, 1518, 0, &when), SHAPE_FULL);
	assert_int_equal(shape_frame(&s, 0, 1518, 1, &when), 1);
	/* 1518 bytes at 1 Mbit/s: 12.144 ms, owed by the third alone. */
	assert_true(when == 12144000);
	/* Behind a frame that waits, every frame waits. */
	c = test_conf("delay 10ms");
	shape_set(&s, &c, 0);
	assert_int_equal(shape_frame(&s, 1 * MS, 60, 0, &when), SHAPE_FULL);
	/* Off: frames still go after those let through before. */
	memset(&c, 0, sizeof(c));
	shape_set(&s, &c, 1 * MS);
	assert_int_equal(shape_frame(&s, 1 * MS, 60, 1, &when), 1);
	assert_true(when == 12144000);
	assert_int_equal(shape_frame(&s, 13 * MS, 60, 0, &when), 1);
	assert_true(when == 13 * MS);
}

static void
test_words(void **state)
{
	static const char *const same[] = {
		"rate 10mbit delay 40ms jitter 5ms loss 1% duplicate 0.1%",
		"rate 1.5gbit", "rate 64kbit", "rate 1.234567mbit",
		"delay 1.5ms", "delay 500us", "delay 2s", "jitter 10s",
		"loss 0.0001%", "loss 100%", "duplicate 12.5%", "off",
	};
	struct shape_conf c;
	char buf[SHAPE_STR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		c = test_conf(same[i]);
		shape_str(&c, buf, sizeof(buf));
		assert_string_equal(buf, same[i]);
	}
	c = test_conf("loss 1% rate 10000kbit");
	assert_true(c.rate == 10000000 && c.loss == 10000);
	shape_str(&c, buf, sizeof(buf));
	assert_string_equal(buf, "rate 10mbit loss 1%");
	c = test_conf("rate 8000bit delay 0ms");
	assert_true(c.rate == 8000 && c.delay == 0);

	test_bad("rate", "each with its value");
	test_bad("rate 10", "not a rate");
	test_bad("rate 10mbps", "not a rate");
	test_bad("rate 999bit", "not a rate");
	test_bad("rate 101gbit", "not a rate");
	test_bad("rate 0x10mbit", "not a rate");
	test_bad("rate 1e3kbit", "not a rate");
	test_bad("rate -1mbit", "not a rate");
	test_bad("delay 40", "not a time");
	test_bad("delay 11s", "not a time");
	test_bad("jitter 1.2.3ms", "not a time");
	test_bad("loss 10", "not a percentage");
	test_bad("loss 101%", "not a percentage");
	test_bad("duplicate .5%", "not a percentage");
	test_bad("delay 1ms delay 2ms", "given twice");
	test_bad("speed 10mbit", "not rate, delay");
	test_bad("off rate", "not rate, delay");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_delay_jitter),
		cmocka_unit_test(test_loss_dup),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
