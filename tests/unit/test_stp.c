/* SPDX-License-Identifier: ISC */
/*
 * Spanning tree without sockets: BPDUs parsed and built byte for byte,
 * and a few bridges (struct stp each) joined by simulated links, whose
 * BPDUs are delivered in order while a simulated clock runs.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stp.h"

#define NB	3	/* bridges */
#define NP	4	/* ports each */
#define QMAX	256

struct test_link {
	int	 b, p;		/* the other end, or b = -1 */
};

struct test_msg {
	int	 b, p;		/* where it arrives */
	uint8_t	 f[STP_BPDU_MAX];
	size_t	 len;
};

static struct stp	*tb[NB];
static struct test_link	 tl[NB][NP];
static struct test_msg	 tq[QMAX];
static unsigned int	 tqh, tqn;
static uint64_t		 tnow;
static unsigned int	 tflushes[NB][NP];

static void
test_send(void *arg, uint16_t port, const uint8_t *f, size_t len)
{
	int b = (int)(intptr_t)arg;
	struct test_msg *m;

	assert_true(len <= STP_BPDU_MAX);
	if (tl[b][port].b < 0)
		return;
	assert_true(tqn < QMAX);
	m = &tq[(tqh + tqn++) % QMAX];
	m->b = tl[b][port].b;
	m->p = tl[b][port].p;
	memcpy(m->f, f, len);
	m->len = len;
}

static void
test_flush(void *arg, uint16_t port)
{
	tflushes[(intptr_t)arg][port]++;
}

static void
test_setup(void)
{
	struct stp_ops ops = { .send = test_send, .flush = test_flush };
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	int b, p;

	tnow = 1000;
	tqh = tqn = 0;
	memset(tflushes, 0, sizeof(tflushes));
	for (b = 0; b < NB; b++) {
		mac[5] = (uint8_t)(b + 1);
		ops.arg = (void *)(intptr_t)b;
		tb[b] = stp_new(NP, mac, &ops);
		assert_non_null(tb[b]);
		stp_set(tb[b], 1, STP_PRIORITY_DEFAULT, 15, tnow);
		for (p = 0; p < NP; p++)
			tl[b][p].b = -1;
	}
}

static void
test_teardown(void)
{
	int b;

	for (b = 0; b < NB; b++)
		stp_free(tb[b]);
}

static void
test_link(int b1, int p1, int b2, int p2)
{
	tl[b1][p1].b = b2;
	tl[b1][p1].p = p2;
	tl[b2][p2].b = b1;
	tl[b2][p2].p = p1;
	stp_port_up(tb[b1], (uint16_t)p1, STP_COST_1G, STP_EDGE_AUTO, tnow);
	stp_port_up(tb[b2], (uint16_t)p2, STP_COST_1G, STP_EDGE_AUTO, tnow);
}

static void
test_unlink(int b, int p)
{
	struct test_link o = tl[b][p];

	tl[b][p].b = -1;
	tl[o.b][o.p].b = -1;
	stp_port_down(tb[b], (uint16_t)p, tnow);
	stp_port_down(tb[o.b], (uint16_t)o.p, tnow);
}

/* Deliver what is queued, and let ms milliseconds pass, 10 at a time. */
static void
test_run(unsigned int ms)
{
	struct test_msg m;
	unsigned int t;
	int b;

	for (t = 0; t <= ms; t += 10) {
		while (tqn > 0) {
			m = tq[tqh];
			tqh = (tqh + 1) % QMAX;
			tqn--;
			assert_int_equal(stp_rx(tb[m.b], (uint16_t)m.p, m.f,
			    m.len, tnow), 0);
		}
		tnow += 10;
		for (b = 0; b < NB; b++)
			stp_tick(tb[b], tnow);
	}
}

static void
test_port_is(int b, int p, enum stp_role role, enum stp_state st)
{
	assert_string_equal(stp_role_str(tb[b]->ports[p].role),
	    stp_role_str(role));
	assert_string_equal(stp_state_str(stp_port_state(tb[b], (uint16_t)p)),
	    stp_state_str(st));
}

static void
test_parse_build(void **state)
{
	struct stp_bpdu b, c;
	uint8_t f[STP_BPDU_MAX], src[6] = { 2, 1, 2, 3, 4, 5 };
	size_t n;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.type = STP_TYPE_RST;
	b.flags = STP_F_PROPOSAL | STP_FR_DESIGNATED << STP_F_ROLE_SHIFT;
	memset(b.v.root, 0x11, 8);
	b.v.cost = 20000;
	memset(b.v.bridge, 0x22, 8);
	b.v.port = 0x8003;
	b.age = 256;
	b.maxage = 20 * 256;
	b.hello = 2 * 256;
	b.fwddelay = 15 * 256;
	n = stp_build(&b, src, f, sizeof(f));
	assert_int_equal(n, 60);
	assert_int_equal(f[12], 0);
	assert_int_equal(f[13], 39);		/* LLC and 36 bytes */
	assert_int_equal(f[14], 0x42);
	assert_int_equal(f[19], 2);		/* version */
	assert_int_equal(f[20], STP_TYPE_RST);
	assert_int_equal(stp_parse(f, n, &c), 0);
	assert_int_equal(c.version, 2);
	assert_memory_equal(&c.v, &b.v, sizeof(b.v));
	assert_int_equal(c.flags, b.flags);
	assert_int_equal(c.fwddelay, b.fwddelay);

	/* Short, wrong LLC, wrong protocol, age past max age: refused. */
	assert_int_equal(stp_parse(f, 14 + 38, &c), -1);
	f[14] = 0xaa;
	assert_int_equal(stp_parse(f, n, &c), -1);
	f[14] = 0x42;
	f[18] = 1;
	assert_int_equal(stp_parse(f, n, &c), -1);
	f[18] = 0;
	f[17 + 27] = 0x20;
	assert_int_equal(stp_parse(f, n, &c), -1);
	f[17 + 27] = 0x01;
	/* An RST BPDU that says version 0 is no RST BPDU. */
	f[19] = 0;
	assert_int_equal(stp_parse(f, n, &c), -1);

	b.type = STP_TYPE_TCN;
	n = stp_build(&b, src, f, sizeof(f));
	assert_int_equal(stp_parse(f, n, &c), 0);
	assert_int_equal(c.type, STP_TYPE_TCN);
}

/* A malformed BPDU is counted, and changes nothing. */
static void
test_bad_counted(void **state)
{
	uint8_t f[60];

	(void)state;
	test_setup();
	test_link(0, 1, 1, 1);
	test_run(100);
	memset(f, 0, sizeof(f));
	memcpy(f, "\x01\x80\xc2\x00\x00\x00", 6);
	assert_int_equal(stp_rx(tb[0], 1, f, sizeof(f), tnow), -1);
	assert_int_equal(tb[0]->bad, 1);
	assert_int_equal(tb[0]->ports[1].bad, 1);
	test_port_is(0, 1, STP_ROLE_DESIGNATED, STP_FORWARDING);
	test_teardown();
}

/*
 * Two bridges joined twice: the lower ID is root, both its ports are
 * designated and forward at once by agreement; the other bridge has a
 * root port and an alternate.  The root port's link goes: the alternate
 * takes over at once.
 */
static void
test_two_links(void **state)
{
	(void)state;
	test_setup();
	test_link(0, 1, 1, 1);
	test_run(200);
	/* The second link comes up at one end first, as a plug's does. */
	tl[0][2].b = -1;
	stp_port_up(tb[0], 2, STP_COST_1G, STP_EDGE_AUTO, tnow);
	test_run(300);
	tl[0][2].b = 1;
	tl[0][2].p = 2;
	tl[1][2].b = 0;
	tl[1][2].p = 2;
	stp_port_up(tb[1], 2, STP_COST_1G, STP_EDGE_AUTO, tnow);
	test_run(200);
	test_port_is(0, 1, STP_ROLE_DESIGNATED, STP_FORWARDING);
	test_port_is(0, 2, STP_ROLE_DESIGNATED, STP_FORWARDING);
	test_port_is(1, 1, STP_ROLE_ROOT, STP_FORWARDING);
	test_port_is(1, 2, STP_ROLE_ALTERNATE, STP_DISCARDING);
	assert_int_equal(tb[1]->rootport, 1);
	assert_int_equal(tb[0]->rootport, -1);
	assert_memory_equal(tb[1]->root.root, tb[0]->id, 8);

	/* Still so after a minute: nothing expires while BPDUs flow. */
	test_run(60000);
	test_port_is(1, 1, STP_ROLE_ROOT, STP_FORWARDING);
	test_port_is(1, 2, STP_ROLE_ALTERNATE, STP_DISCARDING);

	test_unlink(1, 1);
	test_port_is(1, 2, STP_ROLE_ROOT, STP_FORWARDING);
	test_run(100);
	test_port_is(1, 2, STP_ROLE_ROOT, STP_FORWARDING);
	test_port_is(0, 2, STP_ROLE_DESIGNATED, STP_FORWARDING);
	test_teardown();
}

/* A triangle: exactly one port of the three links discards. */
static void
test_triangle(void **state)
{
	int b, p, discarding = 0;

	(void)state;
	test_setup();
	test_link(0, 1, 1, 1);
	test_link(1, 2, 2, 2);
	test_link(2, 3, 0, 3);
	test_run(500);
	for (b = 0; b < NB; b++)
		for (p = 1; p < NP; p++)
			if (tb[b]->ports[p].up &&
			    stp_port_state(tb[b], (uint16_t)p) != STP_FORWARDING)
				discarding++;
	assert_int_equal(discarding, 1);
	/* Bridge 2 (highest ID) blocks its port to bridge 1. */
	test_port_is(2, 2, STP_ROLE_ALTERNATE, STP_DISCARDING);
	test_port_is(2, 3, STP_ROLE_ROOT, STP_FORWARDING);
	test_teardown();
}

/*
 * A neighbour that speaks 802.1D alone: Config BPDUs in, and the port
 * speaks 802.1D back; being designated, it waits twice the forward
 * delay before it forwards.
 */
static void
test_legacy(void **state)
{
	struct stp_bpdu b;
	uint8_t f[STP_BPDU_MAX], src[6] = { 2, 9, 9, 9, 9, 9 };
	size_t n;

	(void)state;
	test_setup();
	tl[0][1].b = -1;
	stp_port_up(tb[0], 1, STP_COST_1G, STP_EDGE_AUTO, tnow);
	memset(&b, 0, sizeof(b));
	b.type = STP_TYPE_CONFIG;
	b.v.root[0] = 0x90;	/* worse than ours */
	memcpy(b.v.bridge, b.v.root, 8);
	b.v.port = 0x8001;
	b.maxage = 20 * 256;
	b.hello = 2 * 256;
	b.fwddelay = 15 * 256;
	n = stp_build(&b, src, f, sizeof(f));
	tnow += 3500;	/* past the migration delay */
	assert_int_equal(stp_rx(tb[0], 1, f, n, tnow), 0);
	assert_true(tb[0]->ports[1].legacy);
	test_port_is(0, 1, STP_ROLE_DESIGNATED, STP_DISCARDING);
	stp_tick(tb[0], tnow + 15000);
	test_port_is(0, 1, STP_ROLE_DESIGNATED, STP_LEARNING);
	stp_tick(tb[0], tnow + 30000);
	test_port_is(0, 1, STP_ROLE_DESIGNATED, STP_FORWARDING);

	/* The neighbour speaks RSTP now: so does the port again. */
	tnow += 31000;
	b.type = STP_TYPE_RST;
	b.flags = STP_FR_DESIGNATED << STP_F_ROLE_SHIFT;
	n = stp_build(&b, src, f, sizeof(f));
	assert_int_equal(stp_rx(tb[0], 1, f, n, tnow), 0);
	assert_false(tb[0]->ports[1].legacy);
	test_teardown();
}

/*
 * A link goes: the bridge whose alternate takes over tells the others of
 * the topology change, and they forget the stations learned on their
 * other ports.
 */
static void
test_topology_change(void **state)
{
	unsigned int before;

	(void)state;
	test_setup();
	test_link(0, 1, 1, 1);
	test_link(1, 2, 2, 2);
	test_link(2, 3, 0, 3);
	test_run(500);
	test_port_is(2, 2, STP_ROLE_ALTERNATE, STP_DISCARDING);
	before = tflushes[1][1];
	test_unlink(2, 3);
	test_port_is(2, 2, STP_ROLE_ROOT, STP_FORWARDING);
	/* (A second: BPDUs sent at most 6 a second, a port.) */
	test_run(1000);
	/* Bridge 1 heard it on port 2 and forgot what port 1 learned. */
	assert_true(tflushes[1][1] > before);
	assert_true(tb[1]->tcs > 0);
	test_teardown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_build),
		cmocka_unit_test(test_bad_counted),
		cmocka_unit_test(test_two_links),
		cmocka_unit_test(test_triangle),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_topology_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
