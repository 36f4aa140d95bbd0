/* SPDX-License-Identifier: ISC */
/*
 * The VXLAN endpoint of switchplug -x (plugs/vtep.c), datagram by
 * datagram: the header on the wire as RFC 7348 draws it, which datagrams
 * are refused and counted, behind which endpoint an address is learned
 * and where a frame for it goes, what becomes of endpoints learned once
 * their addresses go, and the limits.  Time is the `now` argument.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "frame.h"
#include "vtep.h"

#define AGING	300

/* 10.70.0.n, or fd70::n */
static union vtep_addr
addr(int family, int n)
{
	union vtep_addr	 a;

	memset(&a, 0, sizeof(a));
	a.sa.sa_family = (sa_family_t)family;
	if (family == AF_INET)
		a.sin.sin_addr.s_addr = htonl(0x0a460000U | (uint32_t)n);
	else {
		a.sin6.sin6_addr.s6_addr[0] = 0xfd;
		a.sin6.sin6_addr.s6_addr[1] = 0x70;
		a.sin6.sin6_addr.s6_addr[15] = (uint8_t)n;
	}
	a.sin.sin_port = htons(40000);	/* a source port: not kept */
	return a;
}

/* A 60-byte frame to dst from src, MACs 02:00:00:00:00:NN; 0xff: all ones. */
static void
frame(uint8_t *f, int dst, int src)
{
	memset(f, 0, 60);
	memset(f, dst == 0xff ? 0xff : 0, 6);
	if (dst != 0xff) {
		f[0] = 0x02;
		f[5] = (uint8_t)dst;
	}
	f[6] = 0x02;
	f[11] = (uint8_t)src;
	f[12] = 0x08;
	f[13] = 0x06;
}

static struct vtep *
new_vtep(uint32_t limit)
{
	struct vtep	*v = vtep_new(42, htons(4789), limit, AGING);

	assert_non_null(v);
	return v;
}

static void
test_header(void **state)
{
	static const uint8_t want42[8] = { 0x08, 0, 0, 0, 0, 0, 42, 0 };
	static const uint8_t wantmax[8] = { 0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0 };
	struct vtep	*v = new_vtep(16);
	uint8_t		 h[8];

	(void)state;
	vtep_encap(v, h);
	assert_memory_equal(h, want42, 8);
	vtep_free(v);
	v = vtep_new(0xabcdef, htons(4789), 16, AGING);
	vtep_encap(v, h);
	assert_memory_equal(h, wantmax, 8);
	vtep_free(v);
	assert_null(vtep_new(VXLAN_VNI_MAX + 1, htons(4789), 16, AGING));
}

static void
test_decap(void **state)
{
	struct vtep	*v = new_vtep(16);
	uint8_t		*d = calloc(1, VXLAN_HDRLEN + FRAME_MAX + 1);

	(void)state;
	assert_non_null(d);
	vtep_encap(v, d);
	frame(d + 8, 0xff, 1);
	assert_int_equal(vtep_decap(v, d, 8 + 60), VTEP_RX_OK);
	assert_int_equal(vtep_decap(v, d, 8 + FRAME_MIN), VTEP_RX_OK);
	assert_int_equal(vtep_decap(v, d, 8 + FRAME_MAX), VTEP_RX_OK);
	assert_int_equal(vtep_decap(v, d, 8 + FRAME_MIN - 1), VTEP_RX_SHORT);
	assert_int_equal(vtep_decap(v, d, 0), VTEP_RX_SHORT);
	assert_int_equal(vtep_decap(v, d, 8 + FRAME_MAX + 1), VTEP_RX_GIANT);
	/* Reserved bits are ignored on receipt (RFC 7348, section 5). */
	d[0] = 0xff;
	d[1] = d[2] = d[3] = d[7] = 0xff;
	assert_int_equal(vtep_decap(v, d, 68), VTEP_RX_OK);
	d[0] = 0xf7;	/* all but I */
	assert_int_equal(vtep_decap(v, d, 68), VTEP_RX_NOFLAG);
	vtep_encap(v, d);
	d[6] = 43;
	assert_int_equal(vtep_decap(v, d, 68), VTEP_RX_VNI);
	d[6] = 42;
	d[4] = 1;	/* 65578: only the low byte matched */
	assert_int_equal(vtep_decap(v, d, 68), VTEP_RX_VNI);
	assert_int_equal(v->st.bad[VTEP_RX_OK], 4);
	assert_int_equal(v->st.bad[VTEP_RX_SHORT], 2);
	assert_int_equal(v->st.bad[VTEP_RX_GIANT], 1);
	assert_int_equal(v->st.bad[VTEP_RX_NOFLAG], 1);
	assert_int_equal(v->st.bad[VTEP_RX_VNI], 2);
	free(d);
	vtep_free(v);
}

static int
flood_count(const struct vtep *v)
{
	unsigned int	 i;
	int		 n = 0;

	for (i = 0; i < v->nep; i++)
		if (v->ep[i].flags & VTEP_EP_FLOOD)
			n++;
	return n;
}

static void
test_learn_lookup(void **state)
{
	struct vtep		*v = new_vtep(16);
	union vtep_addr		 p2 = addr(AF_INET, 2), p3 = addr(AF_INET, 3);
	uint8_t			 f[60];
	int			 i2, i3;

	(void)state;
	i2 = vtep_flood_add(v, &p2);
	i3 = vtep_flood_add(v, &p3);
	assert_true(i2 >= 0 && i3 >= 0 && i2 != i3);
	assert_int_equal(vtep_flood_add(v, &p2), i2);	/* once */
	assert_int_equal(flood_count(v), 2);
	/* The endpoint keeps the destination port, not the source's. */
	assert_int_equal(ntohs(v->ep[i2].addr.sin.sin_port), 4789);

	frame(f, 0xff, 7);
	assert_int_equal(vtep_learn(v, f, &p2, 10), VTEP_LEARN_NEW);
	assert_int_equal(vtep_learn(v, f, &p2, 11), VTEP_LEARN_HIT);
	frame(f, 7, 1);
	assert_int_equal(vtep_lookup(v, f, 12), i2);
	frame(f, 8, 1);
	assert_int_equal(vtep_lookup(v, f, 12), -1);	/* unknown: flood */
	frame(f, 0xff, 1);
	assert_int_equal(vtep_lookup(v, f, 12), -1);	/* broadcast */
	f[0] = 0x01;					/* multicast */
	assert_int_equal(vtep_lookup(v, f, 12), -1);

	/* Station 7 moves behind 3. */
	frame(f, 0xff, 7);
	assert_int_equal(vtep_learn(v, f, &p3, 20), VTEP_LEARN_MOVED);
	frame(f, 7, 1);
	assert_int_equal(vtep_lookup(v, f, 21), i3);
	assert_int_equal(v->st.moved, 1);
	assert_int_equal(vtep_macs(v, (unsigned int)i2), 0);
	assert_int_equal(vtep_macs(v, (unsigned int)i3), 1);
	/* A peer stays a peer with no address behind it. */
	assert_int_equal(flood_count(v), 2);

	/* Group and zero sources are never learned. */
	frame(f, 0xff, 9);
	f[6] = 0x01;
	assert_int_equal(vtep_learn(v, f, &p2, 22), VTEP_LEARN_IGNORED);
	memset(f + 6, 0, 6);
	assert_int_equal(vtep_learn(v, f, &p2, 22), VTEP_LEARN_IGNORED);
	assert_int_equal(vtep_count(v), 1);
	vtep_free(v);
}

/* Endpoints learned live as long as an address does behind them. */
static void
test_learned_endpoints(void **state)
{
	struct vtep		*v = new_vtep(16);
	union vtep_addr		 g = addr(AF_INET, 0), p5 = addr(AF_INET, 5);
	union vtep_addr		 p6 = addr(AF_INET, 6);
	uint8_t			 f[60];
	int			 i5, i6;

	(void)state;
	g.sin.sin_addr.s_addr = htonl(0xef01012a);	/* 239.1.1.42 */
	assert_int_equal(vtep_flood_add(v, &g), 0);
	frame(f, 0xff, 1);
	assert_int_equal(vtep_learn(v, f, &p5, 100), VTEP_LEARN_NEW);
	frame(f, 1, 2);
	i5 = vtep_lookup(v, f, 100);
	assert_true(i5 > 0);
	assert_int_equal(v->ep[i5].flags, VTEP_EP_USED);
	assert_true(vtep_addr_equal(&v->ep[i5].addr, &p5));
	assert_int_equal(ntohs(v->ep[i5].addr.sin.sin_port), 4789);
	assert_int_equal(v->ep[i5].rx, 1);

	/* Station 1 moves to 6: endpoint 5 has nobody left, and goes. */
	frame(f, 0xff, 1);
	assert_int_equal(vtep_learn(v, f, &p6, 110), VTEP_LEARN_MOVED);
	frame(f, 1, 2);
	i6 = vtep_lookup(v, f, 110);
	assert_true(i6 > 0);
	assert_true(vtep_addr_equal(&v->ep[i6].addr, &p6));
	assert_int_equal(v->ep[i5].flags & VTEP_EP_USED, i5 == i6 ?
	    VTEP_EP_USED : 0);

	/* Aged out: the address goes, then its endpoint. */
	assert_int_equal(vtep_lookup(v, f, 110 + AGING), -1);
	assert_int_equal(vtep_age(v, 110 + AGING), 1);
	assert_int_equal(vtep_count(v), 0);
	assert_int_equal(v->nep, 1);		/* the group alone */
	assert_int_equal(v->ep[0].flags, VTEP_EP_USED | VTEP_EP_FLOOD);
	vtep_free(v);
}

static void
test_limits(void **state)
{
	struct vtep		*v = new_vtep(4);
	union vtep_addr		 a;
	uint8_t			 f[60];
	int			 n;

	(void)state;
	/* The address table: 4, then full; the newcomer's endpoint goes. */
	for (n = 1; n <= 4; n++) {
		a = addr(AF_INET, 10 + n);
		frame(f, 0xff, n);
		assert_int_equal(vtep_learn(v, f, &a, 1), VTEP_LEARN_NEW);
	}
	a = addr(AF_INET, 20);
	frame(f, 0xff, 5);
	assert_int_equal(vtep_learn(v, f, &a, 1), VTEP_LEARN_FULL);
	assert_int_equal(v->st.full, 1);
	assert_int_equal(v->nep, 4);
	frame(f, 5, 1);
	assert_int_equal(vtep_lookup(v, f, 1), -1);
	vtep_free(v);

	/* Every endpoint taken: nothing learned from a new one. */
	v = new_vtep(1024);
	for (n = 0; n < VTEP_ENDPOINTS_MAX; n++) {
		a = addr(AF_INET6, 0);
		a.sin6.sin6_addr.s6_addr[14] = (uint8_t)(n >> 8);
		a.sin6.sin6_addr.s6_addr[15] = (uint8_t)n;
		assert_int_equal(vtep_flood_add(v, &a), n);
	}
	assert_int_equal(vtep_flood_add(v, &(union vtep_addr){ .sin6 = {
	    .sin6_family = AF_INET6, .sin6_addr = { .s6_addr = { 1 } } } }),
	    -1);
	a = addr(AF_INET6, 0);
	a.sin6.sin6_addr.s6_addr[0] = 0xfe;
	frame(f, 0xff, 1);
	assert_int_equal(vtep_learn(v, f, &a, 1), VTEP_LEARN_NOENDPOINT);
	assert_int_equal(v->st.noendpoint, 1);
	/* A known one still learns. */
	a = addr(AF_INET6, 3);
	assert_int_equal(vtep_learn(v, f, &a, 1), VTEP_LEARN_NEW);
	vtep_free(v);
}

static void
test_addr_equal(void **state)
{
	union vtep_addr	 a = addr(AF_INET6, 1), b = addr(AF_INET6, 1);
	union vtep_addr	 c = addr(AF_INET, 1);

	(void)state;
	b.sin6.sin6_port = htons(1);
	assert_true(vtep_addr_equal(&a, &b));
	b.sin6.sin6_scope_id = 2;
	assert_false(vtep_addr_equal(&a, &b));
	assert_false(vtep_addr_equal(&a, &c));
	b = addr(AF_INET6, 2);
	assert_false(vtep_addr_equal(&a, &b));
}

/* A TCP segment of 10.42.0.1:sport -> 10.42.0.2:80, after tags tags. */
static size_t
tcp_frame(uint8_t *f, uint16_t sport, int tags, uint8_t fill)
{
	size_t	 o = 12;
	int	 t;

	memset(f, fill, 100);
	frame(f, 2, 1);
	for (t = 0; t < tags; t++) {
		f[o] = 0x81;
		f[o + 1] = 0x00;
		f[o + 2] = 0;
		f[o + 3] = (uint8_t)(10 + t);
		o += 4;
	}
	f[o] = 0x08;
	f[o + 1] = 0x00;
	o += 2;
	f[o] = 0x45;
	f[o + 6] = f[o + 7] = 0;		/* not a fragment */
	f[o + 9] = 6;
	memcpy(f + o + 12, "\x0a\x2a\x00\x01\x0a\x2a\x00\x02", 8);
	f[o + 20] = (uint8_t)(sport >> 8);
	f[o + 21] = (uint8_t)sport;
	f[o + 22] = 0;
	f[o + 23] = 80;
	return o + 40;
}

static void
test_flowhash(void **state)
{
	struct vtep	*v = new_vtep(16);
	uint8_t		 f[100], g[100];
	size_t		 lf, lg, n;
	uint32_t	 h;
	int		 differ = 0, p;

	(void)state;
	lf = tcp_frame(f, 1000, 0, 0x00);
	h = vtep_flowhash(v, f, lf);
	/* The same flow: other payload, other length, VLAN tags. */
	lg = tcp_frame(g, 1000, 0, 0x55);
	assert_int_equal(vtep_flowhash(v, g, lg + 10), h);
	lg = tcp_frame(g, 1000, 2, 0x00);
	assert_int_equal(vtep_flowhash(v, g, lg), h);
	/* Other source ports, other flows: not all on one hash. */
	for (p = 1001; p < 1017; p++) {
		lg = tcp_frame(g, (uint16_t)p, 0, 0x00);
		differ += vtep_flowhash(v, g, lg) != h;
	}
	assert_true(differ >= 14);
	/* A later fragment has no ports: hashed by addresses alone, as the
	 * first fragment's ports would be were it one. */
	lg = tcp_frame(g, 1001, 0, 0x00);
	g[14 + 6] = 0x01;
	f[14 + 6] = 0x01;
	assert_int_equal(vtep_flowhash(v, g, lg), vtep_flowhash(v, f, lf));
	/* Any length, none read past. */
	for (n = 0; n <= lf; n++) {
		uint8_t *c = malloc(n ? n : 1);

		assert_non_null(c);
		memcpy(c, f, n);
		(void)vtep_flowhash(v, c, n);
		free(c);
	}
	vtep_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_decap),
		cmocka_unit_test(test_learn_lookup),
		cmocka_unit_test(test_learned_endpoints),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_addr_equal),
		cmocka_unit_test(test_flowhash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
