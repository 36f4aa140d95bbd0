/* SPDX-License-Identifier: ISC */
/*
 * Learning table tests: what a switch user sees is where a station's
 * frames go, so every check is a lookup, a learn result, a count or a
 * walk.  Time is the `now` argument, a fake clock in seconds.  The
 * randomized tests run the table against a plain array model, which is
 * what catches a broken backward-shift deletion: an entry that becomes
 * unreachable shows up as a wrong lookup, a NEW where HIT was due, or a
 * duplicate in the walk.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fdb.h"

#define AGING		300
#define NPORTS		16

static const uint8_t test_key[FDB_HASHKEY_BYTES] = "switchd fdb key";

/* A locally administered unicast MAC numbered n. */
static void
test_mac(uint8_t mac[6], uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static uint32_t
test_mac_num(const uint8_t mac[6])
{
	return (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
	    (uint32_t)mac[4] << 8 | mac[5];
}

static enum fdb_learn
test_learn(struct fdb *f, uint32_t n, uint16_t vid, uint16_t port,
    uint32_t now, uint32_t portlimit, uint16_t *oldport)
{
	uint8_t mac[6];
	uint16_t dummy = 0xffff;

	test_mac(mac, n);
	return fdb_learn(f, mac, vid, port, now, portlimit,
	    oldport != NULL ? oldport : &dummy);
}

static int
test_lookup(const struct fdb *f, uint32_t n, uint16_t vid, uint32_t now)
{
	uint8_t mac[6];

	test_mac(mac, n);
	return fdb_lookup(f, mac, vid, now);
}

/* Per-port counts and total as found by walking the table. */
struct test_census {
	uint32_t	 total;
	uint32_t	 port[NPORTS];
};

static int
test_census_cb(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	struct test_census *c = arg;

	(void)mac;
	(void)vid;
	(void)seen;
	assert_true(port < NPORTS);
	c->total++;
	c->port[port]++;
	return 0;
}

/* fdb_portcount and count must agree with what is really in the table. */
static void
test_check_counts(const struct fdb *f)
{
	struct test_census c;
	uint16_t p;

	memset(&c, 0, sizeof(c));
	fdb_walk(f, test_census_cb, &c);
	assert_int_equal(c.total, f->count);
	for (p = 0; p < NPORTS; p++)
		assert_int_equal(fdb_portcount(f, p), c.port[p]);
}

static void
test_new_bad_limits(void **state)
{
	(void)state;
	assert_null(fdb_new(0, AGING, NPORTS));
	assert_null(fdb_new(FDB_LIMIT_MAX + 1, AGING, NPORTS));
}

static void
test_learn_lookup(void **state)
{
	struct fdb *f;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	assert_int_equal(test_lookup(f, 1, 1, 0), -1);
	assert_int_equal(test_learn(f, 1, 1, 3, 0, 0, NULL), FDB_NEW);
	assert_int_equal(f->count, 1);
	assert_int_equal(fdb_portcount(f, 3), 1);
	assert_int_equal(test_lookup(f, 1, 1, 0), 3);
	/* Same station again on the same port: refreshed, not re-added. */
	assert_int_equal(test_learn(f, 1, 1, 3, 5, 0, NULL), FDB_HIT);
	assert_int_equal(f->count, 1);
	assert_int_equal(fdb_portcount(f, 3), 1);
	/* Other stations and the same MAC in another VLAN are unknown. */
	assert_int_equal(test_lookup(f, 2, 1, 0), -1);
	assert_int_equal(test_lookup(f, 1, 2, 0), -1);
	/* Port 0 is a port like any other. */
	assert_int_equal(test_learn(f, 2, 1, 0, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_lookup(f, 2, 1, 0), 0);
	assert_int_equal(f->count, 2);
	test_check_counts(f);
	fdb_free(f);
}

static void
test_never_learned(void **state)
{
	static const uint8_t macs[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* broadcast */
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },	/* IPv4 multicast */
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },	/* IPv6 multicast */
		{ 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 },	/* STP */
		{ 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 },	/* local group */
		{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },	/* no station */
	};
	static const uint8_t local[6] = { 0x02, 0, 0, 0, 0, 0 };
	struct fdb *f;
	size_t i;
	uint16_t vid;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++)
		for (vid = 1; vid <= 2; vid++) {
			uint16_t old = 0xabcd;

			assert_int_equal(fdb_learn(f, macs[i], vid, 1, 0, 0,
			    &old), FDB_IGNORED);
			assert_int_equal(old, 0xabcd);
			assert_int_equal(fdb_lookup(f, macs[i], vid, 0), -1);
		}
	assert_int_equal(f->count, 0);
	assert_int_equal(fdb_portcount(f, 1), 0);
	/* The group bit is bit 0 of byte 0, nothing else: 02:... learns. */
	assert_int_equal(fdb_learn(f, local, 1, 1, 0, 0, &vid), FDB_NEW);
	assert_int_equal(fdb_lookup(f, local, 1, 0), 1);
	fdb_free(f);
}

/*
 * The all-zero key doubles as the empty-slot marker, so looking up
 * 00:00:00:00:00:00 in VLAN 0 must not "find" an empty slot.
 */
static void
test_zero_mac_lookup(void **state)
{
	static const uint8_t zero[6];
	struct fdb *f;
	uint16_t vid;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	for (vid = 0; vid <= 1; vid++)
		assert_int_equal(fdb_lookup(f, zero, vid, 0), -1);
	assert_int_equal(test_learn(f, 7, 0, 5, 0, 0, NULL), FDB_NEW);
	for (vid = 0; vid <= 1; vid++)
		assert_int_equal(fdb_lookup(f, zero, vid, 0), -1);
	fdb_free(f);
}

static void
test_two_vlans(void **state)
{
	struct fdb *f;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	assert_int_equal(test_learn(f, 1, 10, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 1, 20, 2, 0, 0, NULL), FDB_NEW);
	assert_int_equal(f->count, 2);
	assert_int_equal(test_lookup(f, 1, 10, 0), 1);
	assert_int_equal(test_lookup(f, 1, 20, 0), 2);
	/* Learning in VLAN 20 on port 3 is a move in 20 only. */
	assert_int_equal(test_learn(f, 1, 20, 3, 0, 0, NULL), FDB_MOVED);
	assert_int_equal(test_lookup(f, 1, 10, 0), 1);
	assert_int_equal(test_lookup(f, 1, 20, 0), 3);
	/* VLANs 4094 and 1 do not alias through the key layout. */
	assert_int_equal(test_learn(f, 1, 4094, 4, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_lookup(f, 1, 4094, 0), 4);
	assert_int_equal(test_lookup(f, 1, 1, 0), -1);
	assert_int_equal(fdb_flush(f, -1, 10), 1);
	assert_int_equal(test_lookup(f, 1, 10, 0), -1);
	assert_int_equal(test_lookup(f, 1, 20, 0), 3);
	test_check_counts(f);
	fdb_free(f);
}

static void
test_move(void **state)
{
	struct fdb *f;
	uint16_t old = 0;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	assert_int_equal(test_learn(f, 1, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 1, 1, 2, 10, 0, &old), FDB_MOVED);
	assert_int_equal(old, 1);
	assert_int_equal(test_lookup(f, 1, 1, 10), 2);
	assert_int_equal(f->count, 1);
	assert_int_equal(fdb_portcount(f, 1), 0);
	assert_int_equal(fdb_portcount(f, 2), 1);
	/* And back, from 2 this time. */
	assert_int_equal(test_learn(f, 1, 1, 1, 20, 0, &old), FDB_MOVED);
	assert_int_equal(old, 2);
	assert_int_equal(test_lookup(f, 1, 1, 20), 1);
	/* A move refreshes: 20 + AGING - 1 is still in time. */
	assert_int_equal(test_lookup(f, 1, 1, 20 + AGING - 1), 1);
	test_check_counts(f);
	fdb_free(f);
}

static void
test_full(void **state)
{
	struct fdb *f;
	uint32_t n;
	uint16_t old = 0;

	(void)state;
	assert_non_null(f = fdb_new(4, AGING, NPORTS));
	for (n = 1; n <= 4; n++)
		assert_int_equal(test_learn(f, n, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 5, 1, 1, 0, 0, NULL), FDB_FULL);
	assert_int_equal(test_learn(f, 6, 1, 2, 0, 0, NULL), FDB_FULL);
	/* Same MAC, new VLAN: a new entry, so refused too. */
	assert_int_equal(test_learn(f, 1, 2, 1, 0, 0, NULL), FDB_FULL);
	assert_int_equal(f->count, 4);
	assert_int_equal(test_lookup(f, 5, 1, 0), -1);
	assert_int_equal(test_lookup(f, 6, 1, 0), -1);
	assert_int_equal(test_lookup(f, 1, 2, 0), -1);
	/* Known stations still refresh and move while the table is full. */
	assert_int_equal(test_learn(f, 1, 1, 1, 0, 0, NULL), FDB_HIT);
	assert_int_equal(test_learn(f, 2, 1, 3, 0, 0, &old), FDB_MOVED);
	assert_int_equal(old, 1);
	assert_int_equal(test_lookup(f, 2, 1, 0), 3);
	assert_int_equal(f->count, 4);
	/* One flushed: room for exactly one more. */
	assert_int_equal(fdb_flush(f, 3, -1), 1);
	assert_int_equal(test_learn(f, 5, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 6, 1, 1, 0, 0, NULL), FDB_FULL);
	assert_int_equal(f->count, 4);
	test_check_counts(f);
	fdb_free(f);
}

static void
test_portfull(void **state)
{
	struct fdb *f;
	uint16_t old = 0;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	assert_int_equal(test_learn(f, 1, 1, 1, 0, 2, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 2, 1, 1, 0, 2, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 3, 1, 1, 0, 2, NULL), FDB_PORTFULL);
	assert_int_equal(test_lookup(f, 3, 1, 0), -1);
	assert_int_equal(fdb_portcount(f, 1), 2);
	/* Another port has its own budget. */
	assert_int_equal(test_learn(f, 3, 1, 2, 0, 2, NULL), FDB_NEW);
	assert_int_equal(fdb_portcount(f, 2), 1);
	/* Known stations on the full port still refresh. */
	assert_int_equal(test_learn(f, 1, 1, 1, 0, 2, NULL), FDB_HIT);
	/* Port limit 0 means no limit of its own. */
	assert_int_equal(test_learn(f, 4, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_portcount(f, 1), 3);
	/*
	 * Station 3 moves onto full port 1: it is not learned there, and
	 * the stale entry pointing at port 2 is gone (frames flood).
	 */
	assert_int_equal(test_learn(f, 3, 1, 1, 0, 2, &old), FDB_PORTFULL);
	assert_int_equal(old, 2);
	assert_int_equal(test_lookup(f, 3, 1, 0), -1);
	assert_int_equal(fdb_portcount(f, 2), 0);
	assert_int_equal(fdb_portcount(f, 1), 3);
	assert_int_equal(f->count, 3);
	test_check_counts(f);
	fdb_free(f);
}

static void
test_aging(void **state)
{
	struct fdb *f;

	(void)state;
	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	assert_int_equal(test_learn(f, 1, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_lookup(f, 1, 1, AGING - 1), 1);
	assert_int_equal(fdb_age(f, AGING - 1), 0);
	assert_int_equal(f->count, 1);
	assert_int_equal(test_lookup(f, 1, 1, AGING), -1);
	assert_int_equal(fdb_age(f, AGING), 1);
	assert_int_equal(f->count, 0);
	assert_int_equal(fdb_portcount(f, 1), 0);
	assert_int_equal(test_lookup(f, 1, 1, AGING), -1);
	assert_int_equal(test_learn(f, 2, 1, 2, 1000, 0, NULL), FDB_NEW);

	/* Learned at 1000; a refresh at 1200 pushes expiry to 1500. */
	assert_int_equal(test_lookup(f, 2, 1, 1000 + AGING - 1), 2);
	assert_int_equal(test_learn(f, 2, 1, 2, 1200, 0, NULL), FDB_HIT);
	assert_int_equal(test_lookup(f, 2, 1, 1000 + AGING), 2);
	assert_int_equal(fdb_age(f, 1000 + AGING), 0);
	assert_int_equal(test_lookup(f, 2, 1, 1200 + AGING - 1), 2);
	assert_int_equal(fdb_age(f, 1200 + AGING - 1), 0);
	assert_int_equal(test_lookup(f, 2, 1, 1200 + AGING), -1);
	assert_int_equal(fdb_age(f, 1200 + AGING), 1);
	assert_int_equal(f->count, 0);
	assert_int_equal(fdb_portcount(f, 2), 0);
	/* Once aged out it is simply new again. */
	assert_int_equal(test_learn(f, 2, 1, 2, 2000, 0, NULL), FDB_NEW);
	assert_int_equal(f->count, 1);
	test_check_counts(f);
	fdb_free(f);
}

/* Aging many entries at once, interleaved with survivors. */
static void
test_aging_many(void **state)
{
	struct fdb *f;
	uint32_t n;

	(void)state;
	assert_non_null(f = fdb_new(1000, AGING, NPORTS));
	for (n = 0; n < 1000; n++)
		assert_int_equal(test_learn(f, n, 1, (uint16_t)(n % NPORTS),
		    n % 2 ? 100 : 0, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_age(f, AGING), 500);
	assert_int_equal(f->count, 500);
	for (n = 0; n < 1000; n++)
		assert_int_equal(test_lookup(f, n, 1, AGING),
		    n % 2 ? (int)(n % NPORTS) : -1);
	test_check_counts(f);
	assert_int_equal(fdb_age(f, 100 + AGING), 500);
	assert_int_equal(f->count, 0);
	test_check_counts(f);
	fdb_free(f);
}

static void
test_aging_zero(void **state)
{
	struct fdb *f;

	(void)state;
	assert_non_null(f = fdb_new(100, 0, NPORTS));
	assert_int_equal(test_learn(f, 1, 1, 4, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_lookup(f, 1, 1, 1U << 31), 4);
	assert_int_equal(test_lookup(f, 1, 1, UINT32_MAX), 4);
	assert_int_equal(fdb_age(f, 1U << 31), 0);
	assert_int_equal(fdb_age(f, UINT32_MAX), 0);
	assert_int_equal(f->count, 1);
	assert_int_equal(test_lookup(f, 1, 1, UINT32_MAX), 4);
	fdb_free(f);
}

static void
test_flush(void **state)
{
	struct fdb *f;
	uint32_t n;
	uint16_t port, vid;

	(void)state;
	assert_non_null(f = fdb_new(1000, AGING, NPORTS));
	/* 20 stations on each of ports 1..3 in each of VLANs 10 and 20. */
	for (n = 0; n < 120; n++) {
		port = (uint16_t)(1 + n % 3);
		vid = n % 2 ? 20 : 10;
		assert_int_equal(test_learn(f, n, vid, port, 0, 0, NULL),
		    FDB_NEW);
	}
	assert_int_equal(f->count, 120);
	assert_int_equal(fdb_flush(f, 5, -1), 0);
	assert_int_equal(fdb_flush(f, -1, 30), 0);
	assert_int_equal(fdb_flush(f, 2, -1), 40);
	assert_int_equal(f->count, 80);
	assert_int_equal(fdb_portcount(f, 2), 0);
	assert_int_equal(fdb_portcount(f, 1), 40);
	assert_int_equal(fdb_portcount(f, 3), 40);
	for (n = 0; n < 120; n++)
		assert_int_equal(test_lookup(f, n, n % 2 ? 20 : 10, 0),
		    n % 3 == 1 ? -1 : (int)(1 + n % 3));
	/* Port and VLAN together: port 1 in VLAN 20 only. */
	assert_int_equal(fdb_flush(f, 1, 20), 20);
	assert_int_equal(fdb_portcount(f, 1), 20);
	for (n = 0; n < 120; n++)
		if (n % 3 == 0)
			assert_int_equal(test_lookup(f, n, n % 2 ? 20 : 10, 0),
			    n % 2 ? -1 : 1);
	assert_int_equal(fdb_flush(f, -1, 10), 40);
	assert_int_equal(f->count, 20);
	for (n = 0; n < 120; n++)
		assert_int_equal(test_lookup(f, n, n % 2 ? 20 : 10, 0),
		    n % 3 == 2 && n % 2 ? 3 : -1);
	test_check_counts(f);
	assert_int_equal(fdb_flush(f, -1, -1), 20);
	assert_int_equal(f->count, 0);
	assert_int_equal(fdb_flush(f, -1, -1), 0);
	test_check_counts(f);
	/* The table works as new afterwards. */
	assert_int_equal(test_learn(f, 0, 10, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_lookup(f, 0, 10, 0), 1);
	fdb_free(f);
}

static void
test_portcount_after_everything(void **state)
{
	struct fdb *f;
	uint32_t n;

	(void)state;
	assert_non_null(f = fdb_new(1000, AGING, NPORTS));
	for (n = 0; n < 300; n++)
		test_learn(f, n, 1, (uint16_t)(n % 5), 0, 0, NULL);
	test_check_counts(f);
	/* Move a third of them to port 7, later in time. */
	for (n = 0; n < 300; n += 3)
		assert_int_equal(test_learn(f, n, 1, 7, 100, 0, NULL),
		    FDB_MOVED);
	assert_int_equal(fdb_portcount(f, 7), 100);
	test_check_counts(f);
	assert_int_equal(fdb_flush(f, 4, -1), 40);	/* 60 minus moved */
	test_check_counts(f);
	assert_int_equal(fdb_age(f, AGING), 160);	/* all not moved */
	assert_int_equal(f->count, 100);
	assert_int_equal(fdb_portcount(f, 7), 100);
	for (n = 0; n < 5; n++)
		assert_int_equal(fdb_portcount(f, (uint16_t)n), 0);
	test_check_counts(f);
	/* Out of range ports count nothing. */
	assert_int_equal(fdb_portcount(f, NPORTS), 0);
	assert_int_equal(fdb_portcount(f, 0xffff), 0);
	fdb_free(f);
}

static void
test_setlimit(void **state)
{
	struct fdb *f;
	uint32_t n, found;
	int p;

	(void)state;
	assert_non_null(f = fdb_new(200, AGING, NPORTS));
	for (n = 0; n < 100; n++)
		assert_int_equal(test_learn(f, n, 1, (uint16_t)(n % NPORTS),
		    n, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_setlimit(f, 0), -1);
	assert_int_equal(fdb_setlimit(f, FDB_LIMIT_MAX + 1), -1);
	assert_int_equal(f->limit, 200);
	assert_int_equal(f->count, 100);

	/* Larger: everything kept, with its port and its age. */
	assert_int_equal(fdb_setlimit(f, 5000), 0);
	assert_int_equal(f->limit, 5000);
	assert_int_equal(f->count, 100);
	for (n = 0; n < 100; n++)
		assert_int_equal(test_lookup(f, n, 1, 100),
		    (int)(n % NPORTS));
	test_check_counts(f);
	assert_int_equal(test_lookup(f, 0, 1, AGING), -1);
	assert_int_equal(test_lookup(f, 1, 1, AGING), 1);
	assert_int_equal(test_learn(f, 1000, 1, 1, 100, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_flush(f, -1, -1), 101);

	/* Refill, then shrink below the count: keeps exactly the limit. */
	for (n = 0; n < 100; n++)
		assert_int_equal(test_learn(f, n, 1, (uint16_t)(n % NPORTS),
		    0, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_setlimit(f, 40), 0);
	assert_int_equal(f->limit, 40);
	assert_int_equal(f->count, 40);
	test_check_counts(f);
	for (found = 0, n = 0; n < 100; n++) {
		if ((p = test_lookup(f, n, 1, 0)) == -1)
			continue;
		assert_int_equal(p, (int)(n % NPORTS));
		found++;
	}
	assert_int_equal(found, 40);
	assert_int_equal(test_learn(f, 500, 1, 1, 0, 0, NULL), FDB_FULL);
	/* Kept entries are real: a flush of everything removes 40. */
	assert_int_equal(fdb_flush(f, -1, -1), 40);
	for (n = 0; n < 40; n++)
		assert_int_equal(test_learn(f, n, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(test_learn(f, 40, 1, 1, 0, 0, NULL), FDB_FULL);
	/* Shrink to exactly the count: nothing lost. */
	assert_int_equal(fdb_setlimit(f, 40), 0);
	assert_int_equal(f->count, 40);
	for (n = 0; n < 40; n++)
		assert_int_equal(test_lookup(f, n, 1, 0), 1);
	test_check_counts(f);
	fdb_free(f);
}

/* Walk visits every entry exactly once with its VLAN, port and time. */
struct test_walk {
	uint32_t	 visits[2000];
	uint32_t	 calls;
	uint32_t	 stop;		/* stop after this many, 0 = never */
};

static int
test_walk_cb(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	struct test_walk *w = arg;
	uint32_t n = test_mac_num(mac);

	assert_int_equal(mac[0], 0x02);
	assert_int_equal(mac[1], 0x00);
	assert_true(n < 1000);
	assert_int_equal(vid, n % 2 ? 7 : 4094);
	assert_int_equal(port, n % NPORTS);
	assert_int_equal(seen, n * 3);
	w->visits[n + (vid == 7 ? 1000 : 0)]++;
	w->calls++;
	return w->stop != 0 && w->calls >= w->stop;
}

static void
test_walk(void **state)
{
	struct test_walk *w;
	struct fdb *f;
	uint32_t n;

	(void)state;
	assert_non_null(w = calloc(1, sizeof(*w)));
	assert_non_null(f = fdb_new(1000, 0, NPORTS));
	fdb_walk(f, test_walk_cb, w);
	assert_int_equal(w->calls, 0);
	for (n = 0; n < 1000; n++)
		assert_int_equal(test_learn(f, n, n % 2 ? 7 : 4094,
		    (uint16_t)(n % NPORTS), n * 3, 0, NULL), FDB_NEW);
	fdb_walk(f, test_walk_cb, w);
	assert_int_equal(w->calls, 1000);
	for (n = 0; n < 1000; n++)
		assert_int_equal(w->visits[n + (n % 2 ? 1000 : 0)], 1);
	memset(w, 0, sizeof(*w));
	w->stop = 3;
	fdb_walk(f, test_walk_cb, w);
	assert_int_equal(w->calls, 3);
	free(w);
	fdb_free(f);
}

/*
 * Clusters that wrap past the end of the slot array are where backward
 * shift gets hard.  A station's home slot is found by learning it alone
 * in an empty table and seeing where it landed.
 */
static uint32_t
test_home(struct fdb *f, uint32_t n)
{
	uint32_t i, home = UINT32_MAX;

	assert_int_equal(f->count, 0);
	assert_int_equal(test_learn(f, n, 1, 0, 0, 0, NULL), FDB_NEW);
	for (i = 0; i <= f->mask; i++)
		if (f->tab[i].key != 0)
			home = i;
	assert_int_equal(fdb_flush(f, -1, -1), 1);
	return home;
}

#define WRAP_N	12

static void
test_wrap_cluster(void **state)
{
	struct fdb *f;
	uint32_t macs[WRAP_N], n, k, m, round;
	int want;

	(void)state;
	assert_non_null(f = fdb_new(32, AGING, NPORTS));
	fdb_setkey(f, test_key);
	assert_int_equal(f->mask, 63);
	/* 4 stations homed at each of slots 62, 63 and 0. */
	for (k = 0, n = 1; k < WRAP_N; n++) {
		uint32_t h = test_home(f, n), want_home = (62 + k / 4) & 63;

		assert_true(n < 100000);
		if (h == want_home)
			macs[k++] = n;
	}
	/*
	 * Delete each station in turn from the full cluster, in several
	 * insertion orders; every other station must stay reachable.
	 */
	for (round = 0; round < 3; round++)
		for (m = 0; m < WRAP_N; m++) {
			for (k = 0; k < WRAP_N; k++) {
				uint32_t j = round == 0 ? k :
				    round == 1 ? WRAP_N - 1 - k :
				    (k * 5) % WRAP_N;

				assert_int_equal(test_learn(f, macs[j], 1,
				    (uint16_t)j, 0, 0, NULL), FDB_NEW);
			}
			/* The cluster really wraps past the last slot. */
			assert_int_not_equal(f->tab[63].key, 0);
			assert_int_not_equal(f->tab[0].key, 0);
			assert_int_equal(fdb_flush(f, (int)m, -1), 1);
			for (k = 0; k < WRAP_N; k++) {
				want = k == m ? -1 : (int)k;
				assert_int_equal(test_lookup(f, macs[k], 1, 0),
				    want);
			}
			test_check_counts(f);
			assert_int_equal(fdb_flush(f, -1, -1), WRAP_N - 1);
		}
	/* Every other one aged out in a single sweep. */
	for (k = 0; k < WRAP_N; k++)
		assert_int_equal(test_learn(f, macs[k], 1, (uint16_t)k,
		    k % 2 ? 100 : 0, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_age(f, AGING), WRAP_N / 2);
	for (k = 0; k < WRAP_N; k++)
		assert_int_equal(test_lookup(f, macs[k], 1, AGING),
		    k % 2 ? (int)k : -1);
	test_check_counts(f);
	fdb_free(f);
}

/*
 * Addresses an attacker would choose against an unkeyed hash: the old
 * one, (key * C) >> 32 & mask, sends every key k with bits 32 to 47 of
 * k * C zero to slot 0 of any table up to 2^16 slots.  Those keys are
 * t * C^-1 mod 2^48 for t < 2^32; multicast ones are skipped.
 */
#define OLD_C		0x9e3779b97f4a7c15ULL

static uint32_t
test_old_hash(uint64_t key, uint32_t mask)
{
	return (uint32_t)((key * OLD_C) >> 32) & mask;
}

static void
test_collider(uint64_t *t, uint8_t mac[6])
{
	uint64_t inv = OLD_C, k;
	int i;

	for (i = 0; i < 5; i++)		/* Newton: 3, 6, ... 96 bits right */
		inv *= 2 - OLD_C * inv;
	assert_true(inv * OLD_C == 1);
	do {
		k = ++*t * inv & ((1ULL << 48) - 1);
	} while (k >> 40 & 1);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)(k >> (40 - 8 * i));
}

#define SPREAD_LEARNED	3000
#define SPREAD_UNKNOWN	1000

/*
 * With the key, addresses that all collide under the old hash spread
 * out: a lookup, of a known station or of an unknown destination, looks
 * at a couple of slots, not at thousands.  Probe counts, not time.
 */
static void
test_keyed_spread(void **state)
{
	static uint8_t macs[SPREAD_LEARNED + SPREAD_UNKNOWN][6];
	struct fdb *f;
	uint64_t t = 0, sum = 0;
	uint32_t i, n, max = 0;

	(void)state;
	assert_non_null(f = fdb_new(4096, AGING, NPORTS));
	fdb_setkey(f, test_key);
	assert_int_equal(f->mask, 8191);
	for (i = 0; i < SPREAD_LEARNED + SPREAD_UNKNOWN; i++) {
		test_collider(&t, macs[i]);
		assert_int_equal(test_old_hash(fdb_key(macs[i], 1), f->mask), 0);
	}
	for (i = 0; i < SPREAD_LEARNED; i++) {
		uint16_t old;

		assert_int_equal(fdb_learn(f, macs[i], 1, 1, 0, 0, &old),
		    FDB_NEW);
	}
	for (i = 0; i < SPREAD_LEARNED; i++) {
		assert_int_equal(fdb_lookup(f, macs[i], 1, 0), 1);
		n = fdb_probes(f, macs[i], 1);
		sum += n;
		max = n > max ? n : max;
	}
	/* Load 0.37: 1.3 probes on average, as for random keys. */
	assert_true(sum <= 2 * SPREAD_LEARNED);
	assert_true(max <= 32);
	for (i = SPREAD_LEARNED, sum = 0; i < SPREAD_LEARNED + SPREAD_UNKNOWN;
	    i++) {
		assert_int_equal(fdb_lookup(f, macs[i], 1, 0), -1);
		n = fdb_probes(f, macs[i], 1);
		sum += n;
		max = n > max ? n : max;
	}
	assert_true(sum <= 3 * SPREAD_UNKNOWN);
	assert_true(max <= 32);
	fdb_free(f);
}

struct test_order {
	uint8_t		 mac[64][6];
	uint32_t	 n;
};

static int
test_order_cb(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	struct test_order *o = arg;

	(void)vid;
	(void)port;
	(void)seen;
	memcpy(o->mac[o->n++], mac, 6);
	return 0;
}

/* The order of 64 stations in a table of 1024 slots, under key. */
static void
test_layout(const uint8_t *key, struct test_order *o)
{
	struct fdb *f;
	uint32_t n;

	assert_non_null(f = fdb_new(512, AGING, NPORTS));
	if (key != NULL)
		fdb_setkey(f, key);
	for (n = 0; n < 64; n++)
		assert_int_equal(test_learn(f, n, 1, 1, 0, 0, NULL), FDB_NEW);
	memset(o, 0, sizeof(*o));
	fdb_walk(f, test_order_cb, o);
	assert_int_equal(o->n, 64);
	fdb_free(f);
}

/*
 * The key decides where stations go: another key, another layout.  Each
 * table draws its own, and keeps it when it is resized.
 */
static void
test_key_matters(void **state)
{
	static const uint8_t zero[FDB_HASHKEY_BYTES];
	struct test_order a, b;
	uint8_t key[FDB_HASHKEY_BYTES];
	struct fdb *f, *g;

	(void)state;
	test_layout(test_key, &a);
	test_layout(test_key, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	memcpy(key, test_key, sizeof(key));
	key[0] ^= 1;
	test_layout(key, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));
	test_layout(NULL, &a);
	test_layout(NULL, &b);
	assert_memory_not_equal(&a, &b, sizeof(a));

	assert_non_null(f = fdb_new(100, AGING, NPORTS));
	assert_non_null(g = fdb_new(100, AGING, NPORTS));
	assert_memory_not_equal(f->hashkey, zero, sizeof(zero));
	assert_memory_not_equal(f->hashkey, g->hashkey, sizeof(key));
	memcpy(key, f->hashkey, sizeof(key));
	assert_int_equal(test_learn(f, 1, 1, 1, 0, 0, NULL), FDB_NEW);
	assert_int_equal(fdb_setlimit(f, 5000), 0);
	assert_memory_equal(f->hashkey, key, sizeof(key));
	assert_int_equal(test_lookup(f, 1, 1, 0), 1);
	fdb_free(f);
	fdb_free(g);
}

/*
 * The randomized model test.  Stations are numbered; the model is an
 * array indexed by (station, VLAN index).  Every operation's result is
 * compared with the model, and regularly the whole table is walked and
 * compared entry for entry.
 */
#define STRESS_MACS	1500
#define STRESS_VIDS	3
#define STRESS_KEYS	(STRESS_MACS * STRESS_VIDS)
#define STRESS_PORTS	8

static const uint16_t stress_vids[STRESS_VIDS] = { 1, 10, 4094 };

struct stress_ent {
	int		 present;
	uint16_t	 port;
	uint32_t	 seen;
};

struct stress {
	struct fdb	*f;
	struct stress_ent ent[STRESS_KEYS];
	uint32_t	 walked[STRESS_KEYS];
	uint32_t	 count;
	uint32_t	 pc[STRESS_PORTS];
	uint32_t	 limit, aging, portlimit;
	uint64_t	 rng;
	uint32_t	 op;
	uint32_t	 seed;
};

static uint32_t
stress_rand(struct stress *s, uint32_t n)
{
	/* xorshift64*: reproducible from the seed printed on failure. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

#define STRESS_EQ(s, a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b)							\
		fail_msg("seed %u op %u: %s = %lld, expected %lld",	\
		    (s)->seed, (s)->op, #a, _a, _b);			\
} while (0)

static int
stress_expired(const struct stress *s, const struct stress_ent *e,
    uint32_t now)
{
	return s->aging != 0 && now - e->seen >= s->aging;
}

static void
stress_del(struct stress *s, struct stress_ent *e)
{
	e->present = 0;
	s->pc[e->port]--;
	s->count--;
}

static void
stress_learn(struct stress *s, uint32_t key, uint16_t port, uint32_t now)
{
	struct stress_ent *e = &s->ent[key];
	enum fdb_learn want, got;
	uint16_t old = 0xffff, wantold = 0xffff;

	got = test_learn(s->f, key / STRESS_VIDS,
	    stress_vids[key % STRESS_VIDS], port, now, s->portlimit, &old);
	if (e->present) {
		e->seen = now;
		if (e->port == port)
			want = FDB_HIT;
		else if (s->portlimit != 0 && s->pc[port] >= s->portlimit) {
			wantold = e->port;
			stress_del(s, e);
			want = FDB_PORTFULL;
		} else {
			wantold = e->port;
			s->pc[e->port]--;
			s->pc[port]++;
			e->port = port;
			want = FDB_MOVED;
		}
	} else if (s->count >= s->limit)
		want = FDB_FULL;
	else if (s->portlimit != 0 && s->pc[port] >= s->portlimit)
		want = FDB_PORTFULL;
	else {
		e->present = 1;
		e->port = port;
		e->seen = now;
		s->pc[port]++;
		s->count++;
		want = FDB_NEW;
	}
	STRESS_EQ(s, got, want);
	if (want == FDB_MOVED || (want == FDB_PORTFULL && wantold != 0xffff))
		STRESS_EQ(s, old, wantold);
}

static void
stress_lookup(struct stress *s, uint32_t key, uint32_t now)
{
	const struct stress_ent *e = &s->ent[key];
	int want = e->present && !stress_expired(s, e, now) ? e->port : -1;

	STRESS_EQ(s, test_lookup(s->f, key / STRESS_VIDS,
	    stress_vids[key % STRESS_VIDS], now), want);
}

static void
stress_flush(struct stress *s, int port, int vidx)
{
	uint32_t key, want = 0;

	for (key = 0; key < STRESS_KEYS; key++) {
		struct stress_ent *e = &s->ent[key];

		if (e->present && (port < 0 || e->port == port) &&
		    (vidx < 0 || key % STRESS_VIDS == (uint32_t)vidx)) {
			stress_del(s, e);
			want++;
		}
	}
	STRESS_EQ(s, fdb_flush(s->f, port,
	    vidx < 0 ? -1 : stress_vids[vidx]), want);
}

static void
stress_age(struct stress *s, uint32_t now)
{
	uint32_t key, want = 0;

	for (key = 0; key < STRESS_KEYS; key++) {
		struct stress_ent *e = &s->ent[key];

		if (e->present && stress_expired(s, e, now)) {
			stress_del(s, e);
			want++;
		}
	}
	STRESS_EQ(s, fdb_age(s->f, now), want);
}

static int
stress_walk_cb(void *arg, const uint8_t *mac, uint16_t vid, uint16_t port,
    uint32_t seen)
{
	struct stress *s = arg;
	uint32_t n = test_mac_num(mac), v, key;

	for (v = 0; v < STRESS_VIDS && stress_vids[v] != vid; v++)
		;
	STRESS_EQ(s, v < STRESS_VIDS, 1);
	STRESS_EQ(s, n < STRESS_MACS, 1);
	key = n * STRESS_VIDS + v;
	s->walked[key]++;
	STRESS_EQ(s, s->walked[key], 1);
	STRESS_EQ(s, s->ent[key].present, 1);
	STRESS_EQ(s, port, s->ent[key].port);
	STRESS_EQ(s, seen, s->ent[key].seen);
	return 0;
}

static void
stress_check_all(struct stress *s, uint32_t now)
{
	uint32_t key, n = 0;
	uint16_t p;

	memset(s->walked, 0, sizeof(s->walked));
	fdb_walk(s->f, stress_walk_cb, s);
	for (key = 0; key < STRESS_KEYS; key++) {
		STRESS_EQ(s, s->walked[key], s->ent[key].present);
		n += s->walked[key];
		stress_lookup(s, key, now);
	}
	STRESS_EQ(s, n, s->count);
	STRESS_EQ(s, s->f->count, s->count);
	for (p = 0; p < STRESS_PORTS; p++)
		STRESS_EQ(s, fdb_portcount(s->f, p), s->pc[p]);
}

/* A smaller limit keeps some entries, which ones is up to the table. */
static void
stress_setlimit(struct stress *s, uint32_t limit, uint32_t now)
{
	uint32_t key, want = s->count < limit ? s->count : limit;

	STRESS_EQ(s, fdb_setlimit(s->f, limit), 0);
	memset(s->walked, 0, sizeof(s->walked));
	fdb_walk(s->f, stress_walk_cb, s);
	for (key = 0; key < STRESS_KEYS; key++)
		if (s->ent[key].present && s->walked[key] == 0)
			stress_del(s, &s->ent[key]);
	STRESS_EQ(s, s->count, want);
	s->limit = limit;
	stress_check_all(s, now);
}

static void
stress_run(uint32_t seed, uint32_t limit, uint32_t aging, uint32_t portlimit,
    uint32_t ops, int setlimit)
{
	uint8_t hashkey[FDB_HASHKEY_BYTES];
	struct stress *s;
	uint32_t now = 1, r, key;

	assert_non_null(s = calloc(1, sizeof(*s)));
	s->seed = seed;
	s->rng = 0x9e3779b97f4a7c15ULL * (seed + 1);
	s->limit = limit;
	s->aging = aging;
	s->portlimit = portlimit;
	assert_non_null(s->f = fdb_new(limit, aging, STRESS_PORTS));
	/* The layout too is reproducible from the seed. */
	memset(hashkey, (int)seed, sizeof(hashkey));
	fdb_setkey(s->f, hashkey);
	for (s->op = 0; s->op < ops; s->op++) {
		if (stress_rand(s, 64) == 0)
			now += 1 + stress_rand(s, 3);
		/* Half the traffic from a few busy stations. */
		key = stress_rand(s, 2) ? stress_rand(s, STRESS_KEYS) :
		    stress_rand(s, limit / 2 + 1);
		r = stress_rand(s, 10000);
		if (r < 7000)
			stress_learn(s, key, (uint16_t)stress_rand(s,
			    STRESS_PORTS), now);
		else if (r < 9600)
			stress_lookup(s, key, now);
		else if (r < 9700)
			stress_flush(s, (int)stress_rand(s, STRESS_PORTS), -1);
		else if (r < 9750)
			stress_flush(s, -1, (int)stress_rand(s, STRESS_VIDS));
		else if (r < 9800)
			stress_flush(s, (int)stress_rand(s, STRESS_PORTS),
			    (int)stress_rand(s, STRESS_VIDS));
		else if (r < 9803)
			stress_flush(s, -1, -1);
		else if (r < 9990)
			stress_age(s, now);
		else if (setlimit && r < 9992)
			stress_setlimit(s, limit / 2 + stress_rand(s, limit),
			    now);
		if (s->op % 1000 == 0)
			stress_check_all(s, now);
	}
	stress_check_all(s, now);
	fdb_free(s->f);
	free(s);
}

static void
test_stress_big(void **state)
{
	(void)state;
	stress_run(1, 1000, 60, 0, 200000, 0);
}

static void
test_stress_small(void **state)
{
	(void)state;
	/* 64 entries in 128 slots: dense, with clusters wrapping the end. */
	stress_run(2, 64, 60, 0, 200000, 0);
}

static void
test_stress_portlimit(void **state)
{
	(void)state;
	stress_run(3, 1000, 60, 150, 200000, 0);
}

static void
test_stress_setlimit(void **state)
{
	(void)state;
	stress_run(4, 1000, 60, 0, 100000, 1);
	stress_run(5, 64, 60, 20, 100000, 1);
}

static void
test_stress_noaging(void **state)
{
	(void)state;
	stress_run(6, 1000, 0, 0, 100000, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_bad_limits),
		cmocka_unit_test(test_learn_lookup),
		cmocka_unit_test(test_never_learned),
		cmocka_unit_test(test_zero_mac_lookup),
		cmocka_unit_test(test_two_vlans),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_portfull),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_aging_many),
		cmocka_unit_test(test_aging_zero),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_portcount_after_everything),
		cmocka_unit_test(test_setlimit),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_wrap_cluster),
		cmocka_unit_test(test_keyed_spread),
		cmocka_unit_test(test_key_matters),
		cmocka_unit_test(test_stress_big),
		cmocka_unit_test(test_stress_small),
		cmocka_unit_test(test_stress_portlimit),
		cmocka_unit_test(test_stress_setlimit),
		cmocka_unit_test(test_stress_noaging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
