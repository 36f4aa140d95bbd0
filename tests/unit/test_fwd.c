/* SPDX-License-Identifier: ISC */
/*
 * Forwarding tests: a switch with a handful of ports, frames pushed in
 * one at a time with a fake clock, and the checks are what each port
 * would receive: which ports, tagged or not, and the counters a user
 * reads with switchctl.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "fwd.h"
#include "stp.h"

#define UNTAGGED	(-1)
#define AGING		300

static const uint8_t test_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t test_mcast4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t test_mcast6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

/* Station n's MAC: locally administered unicast. */
static const uint8_t *
test_sta(unsigned int n)
{
	static uint8_t macs[8][6];
	static unsigned int next;
	uint8_t *m = macs[next++ % 8];

	m[0] = 0x02;
	m[1] = 0x00;
	m[2] = 0x00;
	m[3] = 0x00;
	m[4] = (uint8_t)(n >> 8);
	m[5] = (uint8_t)n;
	return m;
}

/* A frame of exactly len bytes (heap, so overreads are caught). */
static uint8_t *
test_frame(const uint8_t *dst, const uint8_t *src, int tci, size_t len)
{
	uint8_t hdr[18], *f;
	size_t i, h = 12;

	memcpy(hdr, dst, 6);
	memcpy(hdr + 6, src, 6);
	if (tci != UNTAGGED) {
		hdr[h++] = 0x81;
		hdr[h++] = 0x00;
		hdr[h++] = (uint8_t)(tci >> 8);
		hdr[h++] = (uint8_t)tci;
	}
	hdr[h++] = 0x08;
	hdr[h++] = 0x00;
	assert_non_null(f = malloc(len != 0 ? len : 1));
	for (i = 0; i < len; i++)
		f[i] = i < h ? hdr[i] : (uint8_t)(i * 13 + 5);
	return f;
}

struct test_sw {
	struct fwd	*w;
	struct fwd_out	*o;
};

static struct test_sw *
test_sw_new(uint32_t nports, uint32_t fdblimit, uint16_t first,
    uint16_t last)
{
	struct test_sw *s;
	uint32_t p;

	assert_non_null(s = calloc(1, sizeof(*s)));
	assert_non_null(s->o = calloc(1, sizeof(*s->o)));
	assert_non_null(s->w = fwd_new(nports, fdblimit, AGING));
	for (p = first; p <= last; p++)
		assert_int_equal(fwd_port_add(s->w, (uint16_t)p), 0);
	return s;
}

static void
test_sw_free(struct test_sw *s)
{
	fwd_free(s->w);
	free(s->o);
	free(s);
}

static int
test_send(struct test_sw *s, uint16_t in, const uint8_t *dst,
    const uint8_t *src, int tci, size_t len, uint32_t now)
{
	uint8_t *f = test_frame(dst, src, tci, len);
	int rc;

	rc = fwd_frame(s->w, in, f, len, now, s->o);
	free(f);
	return rc;
}

/* An ordinary 60-byte untagged frame at time 0 that must be accepted. */
static void
test_send_ok(struct test_sw *s, uint16_t in, const uint8_t *dst,
    const uint8_t *src)
{
	assert_int_equal(test_send(s, in, dst, src, UNTAGGED, 60, 0), 0);
}

/*
 * Compare the destinations, in any order, with a list like "2 3t 4":
 * port numbers, 't' when the frame leaves that port tagged.
 */
static void
test_expect(const struct fwd_out *o, const char *want)
{
	static int8_t got[FWD_PORTS_MAX];
	const char *p = want;
	unsigned int i, n = 0;
	char *end;

	memset(got, -1, sizeof(got));
	for (i = 0; i < o->n; i++) {
		assert_true(o->dst[i].port < FWD_PORTS_MAX);
		/* Each port at most once. */
		assert_int_equal(got[o->dst[i].port], -1);
		assert_true(o->dst[i].tagged <= 1);
		got[o->dst[i].port] = (int8_t)o->dst[i].tagged;
	}
	while (*p != '\0') {
		unsigned long port;
		int tagged = 0;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		port = strtoul(p, &end, 10);
		assert_true(end != p);
		assert_true(port < FWD_PORTS_MAX);
		p = end;
		if (*p == 't') {
			tagged = 1;
			p++;
		}
		if (got[port] != tagged)
			fail_msg("want \"%s\": port %lu %s", want, port,
			    got[port] == -1 ? "missing" :
			    tagged ? "untagged" : "tagged");
		n++;
	}
	if (o->n != n) {
		for (i = 0; i < o->n; i++)
			print_message("dst %u%s\n", o->dst[i].port,
			    o->dst[i].tagged ? "t" : "");
		fail_msg("want \"%s\": got %u destinations", want, o->n);
	}
}

/* The frame does not leave by port, whatever else it does. */
static void
test_not_to(const struct fwd_out *o, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < o->n; i++)
		if (o->dst[i].port == port)
			fail_msg("frame leaves by port %u", port);
}

static struct fwd_port *
test_port(struct test_sw *s, uint16_t port)
{
	struct fwd_port *p = fwd_port(s->w, port);

	assert_non_null(p);
	return p;
}

static void
test_access(struct test_sw *s, uint16_t port, uint16_t vid)
{
	vlan_access(&test_port(s, port)->vlan, vid);
}

static void
test_trunk(struct test_sw *s, uint16_t port, uint16_t native,
    const uint16_t *vids, size_t n)
{
	struct vlan_port *vp = &test_port(s, port)->vlan;
	size_t i;

	vlan_trunk(vp, native);
	for (i = 0; i < n; i++)
		vlan_allow(vp, vids[i], 1);
}

static void
test_new_errors(void **state)
{
	struct fwd *w;

	(void)state;
	assert_null(fwd_new(0, 100, AGING));
	assert_null(fwd_new(FWD_PORTS_MAX + 1, 100, AGING));
	assert_null(fwd_new(4, 0, AGING));
	assert_non_null(w = fwd_new(4, 100, AGING));
	assert_null(fwd_port(w, 0));
	assert_int_equal(fwd_port_add(w, 4), -1);
	assert_int_equal(fwd_port_add(w, 0xffff), -1);
	assert_int_equal(fwd_port_add(w, 3), 0);
	assert_int_equal(fwd_port_add(w, 3), -1);
	assert_null(fwd_port(w, 4));
	assert_non_null(fwd_port(w, 3));
	/* New ports: access on VLAN 1, largest frame FRAME_MAX. */
	assert_int_equal(fwd_port(w, 3)->vlan.trunk, 0);
	assert_int_equal(fwd_port(w, 3)->vlan.pvid, VLAN_DEFAULT);
	assert_int_equal(fwd_port(w, 3)->maxlen, FRAME_MAX);
	assert_int_equal(w->nactive, 1);
	/* Deleting what is not there changes nothing. */
	fwd_port_del(w, 2);
	fwd_port_del(w, 4);
	assert_int_equal(w->nactive, 1);
	fwd_port_del(w, 3);
	fwd_port_del(w, 3);
	assert_int_equal(w->nactive, 0);
	assert_null(fwd_port(w, 3));
	fwd_free(w);
}

static void
test_flood_then_unicast(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);
	const uint8_t *a = test_sta(1), *b = test_sta(2);

	(void)state;
	test_send_ok(s, 1, b, a);
	test_expect(s->o, "2 3 4");
	assert_int_equal(s->o->learn, FDB_NEW);
	assert_int_equal(s->o->tag.vid, 1);
	test_send_ok(s, 3, a, b);
	test_expect(s->o, "1");
	assert_int_equal(s->o->learn, FDB_NEW);
	test_send_ok(s, 1, test_sta(2), a);
	test_expect(s->o, "3");
	assert_int_equal(s->o->learn, FDB_HIT);
	/* A third station reaches A directly too. */
	test_send_ok(s, 4, test_sta(1), test_sta(3));
	test_expect(s->o, "1");
	test_sw_free(s);
}

static void
test_flood_many_ports(void **state)
{
	struct test_sw *s = test_sw_new(64, 1000, 0, 63);
	unsigned int i;

	(void)state;
	test_send_ok(s, 0, test_bcast, test_sta(1));
	assert_int_equal(s->o->n, 63);
	for (i = 0; i < s->o->n; i++)
		assert_int_not_equal(s->o->dst[i].port, 0);
	test_send_ok(s, 63, test_bcast, test_sta(2));
	assert_int_equal(s->o->n, 63);
	for (i = 0; i < s->o->n; i++)
		assert_int_not_equal(s->o->dst[i].port, 63);
	test_send_ok(s, 63, test_sta(1), test_sta(2));
	test_expect(s->o, "0");
	test_sw_free(s);
}

/* The largest switch: a broadcast to 4095 ports fits in the output. */
static void
test_flood_max_ports(void **state)
{
	struct test_sw *s = test_sw_new(FWD_PORTS_MAX, 1000, 0,
	    FWD_PORTS_MAX - 1);
	static uint8_t seen[FWD_PORTS_MAX];
	unsigned int i;

	(void)state;
	test_send_ok(s, 7, test_bcast, test_sta(1));
	assert_int_equal(s->o->n, FWD_PORTS_MAX - 1);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < s->o->n; i++)
		seen[s->o->dst[i].port]++;
	for (i = 0; i < FWD_PORTS_MAX; i++)
		assert_int_equal(seen[i], i == 7 ? 0 : 1);
	test_sw_free(s);
}

static void
test_broadcast_multicast(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	/* Both stations known: group frames flood all the same. */
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_expect(s->o, "2 3 4");
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_expect(s->o, "1 3 4");
	test_send_ok(s, 2, test_mcast4, test_sta(2));
	test_expect(s->o, "1 3 4");
	test_send_ok(s, 3, test_mcast6, test_sta(3));
	test_expect(s->o, "1 2 4");
	/* A multicast source is never learned, so it cannot attract. */
	test_send_ok(s, 4, test_bcast, test_mcast4);
	assert_int_equal(s->o->learn, FDB_IGNORED);
	test_expect(s->o, "1 2 3");
	test_send_ok(s, 1, test_mcast4, test_sta(1));
	test_expect(s->o, "2 3 4");
	test_sw_free(s);
}

static void
test_unknown_unicast(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_send_ok(s, 1, test_sta(99), test_sta(1));
	test_expect(s->o, "2 3 4");
	test_send_ok(s, 3, test_sta(98), test_sta(3));
	test_expect(s->o, "1 2 4");
	test_sw_free(s);
}

static void
test_vlan_isolation(void **state)
{
	static const uint16_t both[] = { 10, 20 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 6);

	(void)state;
	test_access(s, 1, 10);
	test_access(s, 2, 10);
	test_access(s, 3, 20);
	test_access(s, 4, 20);
	test_trunk(s, 5, 0, both, 2);
	test_access(s, 6, 30);

	test_send_ok(s, 1, test_bcast, test_sta(1));
	assert_int_equal(s->o->tag.vid, 10);
	test_expect(s->o, "2 5t");
	test_send_ok(s, 3, test_bcast, test_sta(3));
	assert_int_equal(s->o->tag.vid, 20);
	test_expect(s->o, "4 5t");
	/* Alone in VLAN 30: accepted, goes nowhere. */
	test_send_ok(s, 6, test_bcast, test_sta(6));
	test_expect(s->o, "");

	/* X is known in VLAN 20 only; VLAN 10 never sees port 3. */
	test_send_ok(s, 3, test_bcast, test_sta(50));
	test_send_ok(s, 1, test_sta(50), test_sta(1));
	test_expect(s->o, "2 5t");
	assert_int_equal(test_send(s, 5, test_sta(50), test_sta(5), 20, 60,
	    0), 0);
	test_expect(s->o, "3");
	assert_int_equal(test_send(s, 5, test_sta(50), test_sta(5), 10, 60,
	    0), 0);
	test_expect(s->o, "1 2");
	/* The same MAC in VLAN 10 on port 2: two separate stations. */
	test_send_ok(s, 2, test_bcast, test_sta(50));
	test_expect(s->o, "1 5t");
	test_send_ok(s, 1, test_sta(50), test_sta(1));
	test_expect(s->o, "2");
	test_send_ok(s, 4, test_sta(50), test_sta(4));
	test_expect(s->o, "3");
	test_sw_free(s);
}

static void
test_trunk_tagging(void **state)
{
	static const uint16_t v1020[] = { 10, 20 }, v102030[] = { 10, 20, 30 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 5);

	(void)state;
	test_access(s, 1, 10);
	test_access(s, 2, 20);
	test_access(s, 3, 30);
	test_trunk(s, 4, 30, v1020, 2);
	test_trunk(s, 5, 0, v102030, 3);

	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_expect(s->o, "4t 5t");
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_expect(s->o, "4t 5t");
	test_send_ok(s, 3, test_bcast, test_sta(3));
	test_expect(s->o, "4 5t");

	assert_int_equal(test_send(s, 4, test_bcast, test_sta(4), 10, 64, 0),
	    0);
	assert_int_equal(s->o->tag.vid, 10);
	assert_int_equal(s->o->tag.tagged, 1);
	test_expect(s->o, "1 5t");
	/* Untagged on the trunk is its native VLAN 30. */
	assert_int_equal(test_send(s, 4, test_bcast, test_sta(4), UNTAGGED,
	    60, 0), 0);
	assert_int_equal(s->o->tag.vid, 30);
	test_expect(s->o, "3 5t");
	/* And so is the native VLAN tagged. */
	assert_int_equal(test_send(s, 4, test_bcast, test_sta(4), 30, 64, 0),
	    0);
	assert_int_equal(s->o->tag.vid, 30);
	test_expect(s->o, "3 5t");
	assert_int_equal(test_send(s, 5, test_bcast, test_sta(5), 20, 64, 0),
	    0);
	test_expect(s->o, "2 4t");
	assert_int_equal(test_send(s, 5, test_bcast, test_sta(5), 30, 64, 0),
	    0);
	test_expect(s->o, "3 4");
	/* Unicast to a known station keeps the tagging of its port. */
	assert_int_equal(test_send(s, 5, test_sta(1), test_sta(5), 10, 64, 0),
	    0);
	test_expect(s->o, "1");
	test_send_ok(s, 1, test_sta(5), test_sta(1));
	test_expect(s->o, "5t");
	test_send_ok(s, 3, test_sta(4), test_sta(3));
	test_expect(s->o, "4");
	test_sw_free(s);
}

/*
 * What leaves each port, byte for byte, once the I/O side has applied
 * each destination's tagging the way it is told to.
 */
static void
test_egress_bytes(void **state)
{
	static const uint16_t v10[] = { 10 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);
	uint8_t *in, out[FRAME_MAX + 4];
	const uint8_t *eg;
	unsigned int i;
	size_t n;

	(void)state;
	test_access(s, 1, 10);
	test_trunk(s, 2, 0, v10, 1);
	test_trunk(s, 3, 10, NULL, 0);

	/* Tagged PCP 5 in on trunk 2: untagged to 1 and 3 (native). */
	in = test_frame(test_bcast, test_sta(2), 5 << 13 | 10, 100);
	assert_int_equal(fwd_frame(s->w, 2, in, 100, 0, s->o), 0);
	test_expect(s->o, "1 3");
	for (i = 0; i < s->o->n; i++) {
		assert_int_equal(vlan_needs_rewrite(&s->o->tag,
		    s->o->dst[i].tagged), 1);
		n = vlan_rewrite(in, 100, &s->o->tag, s->o->dst[i].tagged,
		    out, sizeof(out));
		assert_int_equal(n, 96);
		assert_memory_equal(out, in, 12);
		assert_memory_equal(out + 12, in + 16, 84);
	}
	free(in);

	/* Priority-tagged PCP 6 in on access 1: tagged to 2, bare to 3. */
	in = test_frame(test_bcast, test_sta(1), 6 << 13, 80);
	assert_int_equal(fwd_frame(s->w, 1, in, 80, 0, s->o), 0);
	test_expect(s->o, "2t 3");
	for (i = 0; i < s->o->n; i++) {
		int tagged = s->o->dst[i].tagged;

		assert_int_equal(vlan_needs_rewrite(&s->o->tag, tagged), 1);
		n = vlan_rewrite(in, 80, &s->o->tag, tagged, out, sizeof(out));
		assert_int_equal(n, tagged ? 80 : 76);
		assert_memory_equal(out, in, 12);
		if (tagged) {
			assert_int_equal(out[12], 0x81);
			assert_int_equal(out[13], 0x00);
			assert_int_equal(out[14] << 8 | out[15], 6 << 13 | 10);
		}
		assert_memory_equal(out + (tagged ? 16 : 12), in + 16, 64);
	}
	free(in);

	/* Untagged in on 3: tagged VID 10 PCP 0 to 2, as is to 1. */
	in = test_frame(test_bcast, test_sta(3), UNTAGGED, 60);
	assert_int_equal(fwd_frame(s->w, 3, in, 60, 0, s->o), 0);
	test_expect(s->o, "1 2t");
	for (i = 0; i < s->o->n; i++) {
		int tagged = s->o->dst[i].tagged;

		if (!vlan_needs_rewrite(&s->o->tag, tagged)) {
			assert_int_equal(tagged, 0);
			eg = in;
			n = 60;
		} else {
			n = vlan_rewrite(in, 60, &s->o->tag, tagged, out,
			    sizeof(out));
			eg = out;
		}
		assert_int_equal(n, tagged ? 64 : 60);
		if (tagged)
			assert_int_equal(eg[14] << 8 | eg[15], 10);
		assert_memory_equal(eg + (tagged ? 16 : 12), in + 12, 48);
	}
	free(in);
	test_sw_free(s);
}

static void
test_runt_giant(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);
	struct fwd_port *p;
	static const size_t lens[] = { 0, 1, 13, 14, FRAME_MAX,
	    FRAME_MAX + 1, 65535 };
	static const int rcs[] = { -1, -1, -1, 0, 0, -1, -1 };
	uint64_t bytes = 0;
	size_t i;

	(void)state;
	p = test_port(s, 1);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t *f = test_frame(test_bcast, test_sta(10 + (unsigned int)i),
		    UNTAGGED, lens[i]);

		s->o->n = 99;
		assert_int_equal(fwd_frame(s->w, 1, f, lens[i], 0, s->o),
		    rcs[i]);
		if (rcs[i] == -1)
			assert_int_equal(s->o->n, 0);
		else
			test_expect(s->o, "2 3");
		bytes += lens[i];
		free(f);
	}
	assert_int_equal(p->st.drops[DROP_RUNT], 3);
	assert_int_equal(p->st.drops[DROP_GIANT], 2);
	assert_int_equal(p->st.drops[DROP_VLAN], 0);
	assert_int_equal(p->st.rx_frames, 7);
	assert_int_equal(p->st.rx_bytes, bytes);
	/* Only the two good frames' sources were learned. */
	assert_int_equal(s->w->fdb->count, 2);
	assert_int_equal(test_port(s, 2)->st.rx_frames, 0);

	/* A port's own limit. */
	p = test_port(s, 2);
	p->maxlen = 1518;
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(1), UNTAGGED,
	    1518, 0), 0);
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(1), UNTAGGED,
	    1519, 0), -1);
	assert_int_equal(p->st.drops[DROP_GIANT], 1);
	assert_int_equal(p->st.drops[DROP_RUNT], 0);
	test_sw_free(s);
}

static void
test_vlan_drops(void **state)
{
	static const uint16_t v10[] = { 10 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);
	struct fwd_port *p1, *p2;

	(void)state;
	test_access(s, 1, 10);
	test_trunk(s, 2, 0, v10, 1);
	test_access(s, 3, 10);
	p1 = test_port(s, 1);
	p2 = test_port(s, 2);

	assert_int_equal(test_send(s, 1, test_bcast, test_sta(1), 10, 64, 0),
	    -1);
	assert_int_equal(s->o->vlan, VLAN_DROP_TAGGED_ON_ACCESS);
	assert_int_equal(s->o->n, 0);
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(2), UNTAGGED,
	    60, 0), -1);
	assert_int_equal(s->o->vlan, VLAN_DROP_NO_NATIVE);
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(2), 20, 64, 0),
	    -1);
	assert_int_equal(s->o->vlan, VLAN_DROP_NOT_MEMBER);
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(2), 4095, 64,
	    0), -1);
	assert_int_equal(s->o->vlan, VLAN_DROP_RESERVED);
	assert_int_equal(p1->st.drops[DROP_VLAN], 1);
	assert_int_equal(p2->st.drops[DROP_VLAN], 3);
	assert_int_equal(p1->st.drops[DROP_RUNT] + p1->st.drops[DROP_GIANT],
	    0);
	assert_int_equal(p2->st.rx_frames, 3);
	/* Dropped frames teach the switch nothing. */
	assert_int_equal(s->w->fdb->count, 0);
	test_send_ok(s, 3, test_sta(1), test_sta(3));
	test_expect(s->o, "1 2t");
	/* The same ports pass what they may carry. */
	assert_int_equal(test_send(s, 2, test_sta(3), test_sta(2), 10, 64, 0),
	    0);
	assert_int_equal(s->o->vlan, VLAN_OK);
	test_expect(s->o, "3");
	assert_int_equal(p2->st.drops[DROP_VLAN], 3);
	test_sw_free(s);
}

static void
test_rx_counters(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);

	(void)state;
	assert_int_equal(test_send(s, 1, test_bcast, test_sta(1), UNTAGGED,
	    60, 0), 0);
	assert_int_equal(test_send(s, 1, test_sta(2), test_sta(1), UNTAGGED,
	    100, 0), 0);
	assert_int_equal(test_send(s, 1, test_sta(2), test_sta(1), UNTAGGED,
	    1514, 0), 0);
	assert_int_equal(test_send(s, 2, test_sta(1), test_sta(2), UNTAGGED,
	    42, 0), 0);
	assert_int_equal(test_port(s, 1)->st.rx_frames, 3);
	assert_int_equal(test_port(s, 1)->st.rx_bytes, 60 + 100 + 1514);
	assert_int_equal(test_port(s, 2)->st.rx_frames, 1);
	assert_int_equal(test_port(s, 2)->st.rx_bytes, 42);
	assert_int_equal(test_port(s, 3)->st.rx_frames, 0);
	assert_int_equal(test_port(s, 3)->st.rx_bytes, 0);
	test_sw_free(s);
}

static void
test_port_del(void **state)
{
	static const uint16_t v1020[] = { 10, 20 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);
	struct fwd_port *p;

	(void)state;
	test_trunk(s, 2, 1, v1020, 2);
	/* A behind port 2 in VLANs 1 and 10; B behind port 3. */
	test_send_ok(s, 2, test_bcast, test_sta(1));
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(1), 10, 64, 0),
	    0);
	test_send_ok(s, 3, test_bcast, test_sta(2));
	test_send_ok(s, 1, test_sta(1), test_sta(3));
	test_expect(s->o, "2");
	assert_int_equal(fdb_portcount(s->w->fdb, 2), 2);

	fwd_port_del(s->w, 2);
	assert_null(fwd_port(s->w, 2));
	assert_int_equal(fdb_portcount(s->w->fdb, 2), 0);
	/* A is forgotten in every VLAN; B is still known. */
	assert_int_equal(fdb_lookup(s->w->fdb, test_sta(1), 10, 0), -1);
	test_send_ok(s, 1, test_sta(1), test_sta(3));
	test_expect(s->o, "3 4");
	test_send_ok(s, 1, test_sta(2), test_sta(3));
	test_expect(s->o, "3");
	test_send_ok(s, 4, test_bcast, test_sta(4));
	test_expect(s->o, "1 3");

	/*
	 * Attached again: the port keeps its trunk configuration, but its
	 * counters and its stations start afresh.
	 */
	assert_int_equal(fwd_port_add(s->w, 2), 0);
	p = test_port(s, 2);
	assert_int_equal(p->vlan.trunk, 1);
	assert_int_equal(p->vlan.pvid, 1);
	assert_int_equal(p->st.rx_frames, 0);
	assert_int_equal(p->st.rx_bytes, 0);
	assert_int_equal(p->learn_refused, 0);
	test_send_ok(s, 1, test_sta(1), test_sta(3));
	test_expect(s->o, "2 3 4");
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(9), 10, 64, 0),
	    0);
	test_expect(s->o, "");
	assert_int_equal(test_port(s, 2)->st.rx_frames, 1);
	test_sw_free(s);
}

/*
 * A port configured before anything attaches to it (as the configuration
 * file does) carries that configuration from its first frame.
 */
static void
test_port_config_first(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);

	(void)state;
	vlan_access(&s->w->ports[5].vlan, 20);
	s->w->ports[5].maclimit = 1;
	test_access(s, 3, 20);
	assert_int_equal(fwd_port_add(s->w, 5), 0);
	assert_int_equal(test_port(s, 5)->vlan.pvid, 20);
	assert_int_equal(test_port(s, 5)->maclimit, 1);
	test_send_ok(s, 5, test_bcast, test_sta(5));
	assert_int_equal(s->o->tag.vid, 20);
	test_expect(s->o, "3");
	test_send_ok(s, 5, test_bcast, test_sta(6));
	assert_int_equal(s->o->learn, FDB_PORTFULL);
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_expect(s->o, "2");
	test_sw_free(s);
}

/*
 * Moving a port to another VLAN cuts off what was learned on it: frames
 * to its stations in the old VLAN flood (never to it) instead of being
 * sent to a port that no longer carries that VLAN.
 */
static void
test_port_reconf(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_send_ok(s, 3, test_bcast, test_sta(3));
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "2");
	test_access(s, 2, 10);
	fwd_port_reconf(s->w, 2);
	assert_int_equal(fdb_portcount(s->w->fdb, 2), 0);
	assert_int_equal(fdb_portcount(s->w->fdb, 3), 1);
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "3 4");
	test_send_ok(s, 1, test_sta(3), test_sta(1));
	test_expect(s->o, "3");
	/* Its station, now in VLAN 10, is learned there afresh. */
	test_send_ok(s, 2, test_bcast, test_sta(2));
	assert_int_equal(s->o->learn, FDB_NEW);
	assert_int_equal(s->o->tag.vid, 10);
	test_expect(s->o, "");
	/* Unattached or out of range: nothing happens. */
	fwd_port_reconf(s->w, 9);
	fwd_port_reconf(s->w, 16);
	fwd_port_reconf(s->w, 0xffff);
	assert_int_equal(s->w->fdb->count, 3);
	test_sw_free(s);
}

/*
 * A port's VLANs changed without its stations being flushed (the change
 * and the flush are separate steps, and a bug could skip the second):
 * frames to a station learned on it in a VLAN it has left still never
 * go out there, while the VLANs it keeps work as before.
 */
static void
test_stale_vlan(void **state)
{
	static const uint16_t v1020[] = { 10, 20 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	test_access(s, 1, 10);
	test_trunk(s, 2, 0, v1020, 2);
	test_access(s, 3, 20);
	test_access(s, 4, 10);
	/* A behind trunk 2 in VLANs 10 and 20; B behind access 4. */
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(1), 10, 64, 0),
	    0);
	assert_int_equal(test_send(s, 2, test_bcast, test_sta(1), 20, 64, 0),
	    0);
	test_send_ok(s, 4, test_bcast, test_sta(2));
	test_send_ok(s, 1, test_sta(1), test_sta(3));
	test_expect(s->o, "2t");
	test_send_ok(s, 1, test_sta(2), test_sta(3));
	test_expect(s->o, "4");

	/* The trunk drops VLAN 10, the access port moves to VLAN 30. */
	vlan_allow(&test_port(s, 2)->vlan, 10, 0);
	test_access(s, 4, 30);
	assert_int_equal(fdb_portcount(s->w->fdb, 2), 2);
	assert_int_equal(fdb_portcount(s->w->fdb, 4), 1);
	test_send_ok(s, 1, test_sta(1), test_sta(3));
	test_not_to(s->o, 2);
	test_send_ok(s, 1, test_sta(2), test_sta(3));
	test_not_to(s->o, 4);
	test_send_ok(s, 3, test_sta(1), test_sta(4));
	test_expect(s->o, "2t");
	test_sw_free(s);
}

/* Deleting ports in the middle of the flood list keeps the rest. */
static void
test_port_del_many(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 0, 9);

	(void)state;
	fwd_port_del(s->w, 0);
	fwd_port_del(s->w, 5);
	fwd_port_del(s->w, 9);
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_expect(s->o, "2 3 4 6 7 8");
	assert_int_equal(fwd_port_add(s->w, 9), 0);
	fwd_port_del(s->w, 3);
	test_send_ok(s, 8, test_bcast, test_sta(8));
	test_expect(s->o, "1 2 4 6 7 9");
	test_sw_free(s);
}

static void
test_moves(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	test_send_ok(s, 1, test_bcast, test_sta(1));
	assert_int_equal(s->o->learn, FDB_NEW);
	test_send_ok(s, 1, test_bcast, test_sta(1));
	assert_int_equal(s->o->learn, FDB_HIT);
	assert_int_equal(s->w->moves, 0);
	test_send_ok(s, 2, test_bcast, test_sta(1));
	assert_int_equal(s->o->learn, FDB_MOVED);
	assert_int_equal(s->o->moved_from, 1);
	assert_int_equal(s->w->moves, 1);
	test_send_ok(s, 3, test_sta(1), test_sta(3));
	test_expect(s->o, "2");
	test_send_ok(s, 1, test_bcast, test_sta(1));
	assert_int_equal(s->o->moved_from, 2);
	assert_int_equal(s->w->moves, 2);
	test_send_ok(s, 3, test_sta(1), test_sta(3));
	test_expect(s->o, "1");
	test_sw_free(s);
}

static void
test_table_full(void **state)
{
	struct test_sw *s = test_sw_new(8, 2, 1, 4);

	(void)state;
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_send_ok(s, 2, test_bcast, test_sta(2));
	assert_int_equal(s->w->learn_full, 0);
	/* C cannot be learned, but its frames still get through. */
	test_send_ok(s, 3, test_sta(1), test_sta(3));
	assert_int_equal(s->o->learn, FDB_FULL);
	test_expect(s->o, "1");
	assert_int_equal(s->w->learn_full, 1);
	assert_int_equal(test_port(s, 3)->learn_refused, 1);
	test_send_ok(s, 3, test_bcast, test_sta(3));
	test_expect(s->o, "1 2 4");
	test_send_ok(s, 3, test_sta(77), test_sta(3));
	test_expect(s->o, "1 2 4");
	assert_int_equal(s->w->learn_full, 3);
	/* Frames to C flood, so C still receives them. */
	test_send_ok(s, 1, test_sta(3), test_sta(1));
	test_expect(s->o, "2 3 4");
	assert_int_equal(s->w->fdb->count, 2);
	assert_int_equal(test_port(s, 1)->learn_refused, 0);
	test_sw_free(s);
}

static void
test_port_maclimit(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	test_port(s, 1)->maclimit = 1;
	test_send_ok(s, 1, test_bcast, test_sta(1));
	assert_int_equal(s->o->learn, FDB_NEW);
	test_send_ok(s, 1, test_sta(4), test_sta(2));
	assert_int_equal(s->o->learn, FDB_PORTFULL);
	test_expect(s->o, "2 3 4");
	assert_int_equal(test_port(s, 1)->learn_refused, 1);
	assert_int_equal(s->w->learn_full, 0);
	/* Other ports are not limited by it. */
	test_send_ok(s, 2, test_bcast, test_sta(3));
	test_send_ok(s, 2, test_bcast, test_sta(4));
	assert_int_equal(s->o->learn, FDB_NEW);
	test_send_ok(s, 3, test_sta(2), test_sta(5));
	test_expect(s->o, "1 2 4");
	test_send_ok(s, 3, test_sta(1), test_sta(5));
	test_expect(s->o, "1");
	test_sw_free(s);
}

/* The switch's limit holds every port without one of its own. */
static void
test_default_maclimit(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);
	unsigned int n;

	(void)state;
	assert_int_equal(fwd_maclimit(s->w, 1), FDB_PORTLIMIT_DEFAULT);
	fwd_set_portmaclimit(s->w, 2);
	test_port(s, 3)->maclimit = 3;
	assert_int_equal(fwd_maclimit(s->w, 1), 2);
	assert_int_equal(fwd_maclimit(s->w, 3), 3);
	for (n = 1; n <= 5; n++) {
		test_send_ok(s, 1, test_bcast, test_sta(n));
		assert_int_equal(s->o->learn, n <= 2 ? FDB_NEW : FDB_PORTFULL);
		test_send_ok(s, 2, test_bcast, test_sta(10 + n));
		assert_int_equal(s->o->learn, n <= 2 ? FDB_NEW : FDB_PORTFULL);
		test_send_ok(s, 3, test_bcast, test_sta(20 + n));
		assert_int_equal(s->o->learn, n <= 3 ? FDB_NEW : FDB_PORTFULL);
	}
	assert_int_equal(test_port(s, 1)->learn_refused, 3);
	assert_int_equal(fdb_portcount(s->w->fdb, 3), 3);
	/* 0: no limit but the table's. */
	fwd_set_portmaclimit(s->w, 0);
	assert_int_equal(fwd_maclimit(s->w, 1), 0);
	for (n = 3; n <= 50; n++) {
		test_send_ok(s, 1, test_bcast, test_sta(100 + n));
		assert_int_equal(s->o->learn, FDB_NEW);
	}
	test_sw_free(s);
}

static void
test_hub(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 5);

	(void)state;
	test_access(s, 5, 20);
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "2");
	s->w->hub = 1;
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "2 3 4");
	test_send_ok(s, 2, test_sta(1), test_sta(2));
	test_expect(s->o, "1 3 4");
	test_send_ok(s, 5, test_sta(1), test_sta(5));
	test_expect(s->o, "");
	/* Ingress checks still apply. */
	assert_int_equal(test_send(s, 1, test_sta(2), test_sta(1), UNTAGGED,
	    13, 0), -1);
	s->w->hub = 0;
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "2");
	test_sw_free(s);
}

static void
test_dst_on_ingress_port(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);

	(void)state;
	/* A and B both behind port 1 (another switch or a hub). */
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_send_ok(s, 1, test_sta(1), test_sta(2));
	test_expect(s->o, "");
	assert_int_equal(s->o->learn, FDB_NEW);
	/* A moves to port 2: B's frames now go there. */
	test_send_ok(s, 2, test_bcast, test_sta(1));
	test_send_ok(s, 1, test_sta(1), test_sta(2));
	test_expect(s->o, "2");
	test_sw_free(s);
}

static void
test_aging_floods(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	assert_int_equal(test_send(s, 1, test_bcast, test_sta(1), UNTAGGED,
	    60, 1000), 0);
	assert_int_equal(test_send(s, 2, test_sta(1), test_sta(2), UNTAGGED,
	    60, 1000 + AGING - 1), 0);
	test_expect(s->o, "1");
	assert_int_equal(test_send(s, 2, test_sta(1), test_sta(2), UNTAGGED,
	    60, 1000 + AGING), 0);
	test_expect(s->o, "1 3 4");
	/* Heard from again: known again, for another full period. */
	assert_int_equal(test_send(s, 1, test_bcast, test_sta(1), UNTAGGED,
	    60, 1000 + AGING), 0);
	assert_int_equal(test_send(s, 2, test_sta(1), test_sta(2), UNTAGGED,
	    60, 1000 + 2 * AGING - 1), 0);
	test_expect(s->o, "1");
	test_sw_free(s);
}

/*
 * A pinned address: frames claiming it from another port are dropped and
 * counted, its own port still uses it, and it neither ages nor goes with
 * a flush or with its port's client.
 */
static void
test_static(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);
	const uint8_t *gw = test_sta(9);

	(void)state;
	assert_int_equal(fdb_static_set(s->w->fdb, gw, 1, 1), 0);
	assert_int_equal(fdb_static_port(s->w->fdb, gw, 1), 1);
	/* Known before it ever speaks. */
	test_send_ok(s, 2, gw, test_sta(2));
	test_expect(s->o, "1");
	/* The spoofer on port 3 is dropped; the gateway keeps its traffic. */
	assert_int_equal(test_send(s, 3, test_bcast, gw, UNTAGGED, 60, 0), -1);
	assert_int_equal(s->o->learn, FDB_STATIC);
	assert_int_equal(s->o->moved_from, 1);
	assert_int_equal(test_port(s, 3)->st.drops[DROP_STATIC], 1);
	assert_int_equal(s->w->moves, 0);
	test_send_ok(s, 2, gw, test_sta(2));
	test_expect(s->o, "1");
	/* The gateway's own frames are fine. */
	test_send_ok(s, 1, test_sta(2), gw);
	test_expect(s->o, "2");
	/* In another VLAN the address is someone else's to learn. */
	test_access(s, 3, 20);
	test_access(s, 4, 20);
	test_send_ok(s, 3, test_bcast, gw);
	assert_int_equal(s->o->learn, FDB_NEW);
	/* The learned age; no aging, flush or detach takes the static one. */
	assert_int_equal(fdb_age(s->w->fdb, 100000), 2);
	assert_int_equal(fdb_flush(s->w->fdb, -1, -1), 0);
	fwd_port_del(s->w, 1);
	assert_int_equal(fdb_static_port(s->w->fdb, gw, 1), 1);
	assert_int_equal(test_send(s, 2, gw, test_sta(2), UNTAGGED, 60,
	    100000), 0);
	test_expect(s->o, "");
	assert_int_equal(fwd_port_add(s->w, 1), 0);
	test_send_ok(s, 2, gw, test_sta(2));
	test_expect(s->o, "1");
	/* Cleared, it is learned again like any other. */
	fdb_static_clear(s->w->fdb, gw, 1);
	assert_int_equal(fdb_static_port(s->w->fdb, gw, 1), -1);
	test_send_ok(s, 2, test_bcast, gw);
	assert_int_equal(s->o->learn, FDB_NEW);
	test_sw_free(s);
}

/* A full table makes room for a static entry; a learned one gives way. */
static void
test_static_full(void **state)
{
	struct test_sw *s = test_sw_new(16, 2, 1, 3);

	(void)state;
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_send_ok(s, 2, test_bcast, test_sta(2));
	assert_int_equal(fdb_count(s->w->fdb), 2);
	assert_int_equal(fdb_static_set(s->w->fdb, test_sta(9), 1, 3), 0);
	assert_int_equal(fdb_count(s->w->fdb), 2);
	assert_int_equal(fdb_static_set(s->w->fdb, test_sta(8), 1, 3), 0);
	/* Every entry static: no more room, and shrinking keeps them. */
	assert_int_equal(fdb_static_set(s->w->fdb, test_sta(7), 1, 3), -1);
	assert_int_equal(fdb_setlimit(s->w->fdb, 2), 0);
	assert_int_equal(fdb_static_port(s->w->fdb, test_sta(9), 1), 3);
	assert_int_equal(fdb_static_port(s->w->fdb, test_sta(8), 1), 3);
	test_sw_free(s);
}

/* Isolated ports reach the others, and not each other, flooded or not. */
static void
test_isolated(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	fwd_port_isolate(s->w, 1, 1);
	fwd_port_isolate(s->w, 2, 1);
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_expect(s->o, "3 4");
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_expect(s->o, "3 4");
	/* Known, and still not delivered between isolated ports. */
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "");
	test_send_ok(s, 3, test_bcast, test_sta(3));
	test_expect(s->o, "1 2 4");
	test_send_ok(s, 1, test_sta(3), test_sta(1));
	test_expect(s->o, "3");
	test_send_ok(s, 3, test_sta(2), test_sta(3));
	test_expect(s->o, "2");
	/* Hub mode floods, and keeps them apart too. */
	s->w->hub = 1;
	test_send_ok(s, 1, test_sta(3), test_sta(1));
	test_expect(s->o, "3 4");
	s->w->hub = 0;
	fwd_port_isolate(s->w, 2, 0);
	test_send_ok(s, 1, test_sta(2), test_sta(1));
	test_expect(s->o, "2");
	test_sw_free(s);
}

/*
 * Spanning tree: a discarding port takes nothing in, is sent nothing and
 * learns nothing; a learning port learns and forwards nothing.  BPDUs
 * are the switch's, whatever the port's state.  A new attachment
 * forwards until spanning tree says otherwise.
 */
static void
test_stp_states(void **state)
{
	static const uint8_t bpdu[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
	struct test_sw *s = test_sw_new(16, 1000, 1, 3);
	uint64_t blocked;

	(void)state;
	test_send_ok(s, 1, test_bcast, test_sta(1));
	test_expect(s->o, "2 3");
	fwd_port_stp(s->w, 1, STP_DISCARDING);
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_expect(s->o, "3");
	/* What port 1 learned is forgotten: frames to it flood, not there. */
	test_send_ok(s, 2, test_sta(1), test_sta(2));
	test_expect(s->o, "3");
	blocked = test_port(s, 1)->st.drops[DROP_BLOCKED];
	assert_int_equal(test_send(s, 1, test_bcast, test_sta(4), UNTAGGED,
	    60, 0), -1);
	assert_int_equal(test_port(s, 1)->st.drops[DROP_BLOCKED], blocked + 1);
	assert_int_equal(fdb_lookup(s->w->fdb, test_sta(4), 1, 0), -1);
	assert_int_equal(test_send(s, 1, bpdu, test_sta(4), UNTAGGED, 60, 0),
	    FWD_LOCAL);
	assert_int_equal(s->o->n, 0);
	fwd_port_stp(s->w, 1, STP_LEARNING);
	assert_int_equal(test_send(s, 1, test_bcast, test_sta(4), UNTAGGED,
	    60, 0), -1);
	assert_int_equal(fdb_lookup(s->w->fdb, test_sta(4), 1, 0), 1);
	/* A BPDU on a forwarding port goes nowhere either. */
	assert_int_equal(test_send(s, 2, bpdu, test_sta(2), UNTAGGED, 60, 0),
	    FWD_LOCAL);
	assert_int_equal(s->o->n, 0);
	fwd_port_del(s->w, 1);
	assert_int_equal(fwd_port_add(s->w, 1), 0);
	test_send_ok(s, 2, test_bcast, test_sta(2));
	test_expect(s->o, "1 3");
	test_sw_free(s);
}

/*
 * Storm control.  n frames from port `in` to dst at the fake clock's
 * msec; returns how many were forwarded (the others must be storm drops).
 */
static unsigned int
test_storm_send(struct test_sw *s, uint16_t in, const uint8_t *to,
    uint64_t msec, unsigned int n)
{
	uint64_t before = test_port(s, in)->st.drops[DROP_STORM];
	unsigned int i, ok = 0;
	uint8_t dst[6];
	int rc;

	memcpy(dst, to, sizeof(dst));	/* test_sta() reuses its buffers */
	fwd_clock(s->w, msec);
	for (i = 0; i < n; i++) {
		rc = test_send(s, in, dst, test_sta(in), UNTAGGED, 60,
		    (uint32_t)(msec / 1000));
		if (rc == 0) {
			assert_int_not_equal(s->o->n, 0);
			ok++;
		} else
			assert_int_equal(s->o->n, 0);
	}
	assert_int_equal(test_port(s, in)->st.drops[DROP_STORM] - before,
	    n - ok);
	return ok;
}

/* A full bucket of a second's worth, then the rate, never more. */
static void
test_storm_bucket(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	fwd_clock(s->w, 5000);
	fwd_port_storm(s->w, 1, 10);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 5000, 25), 10);
	/* A tenth of a second is one frame; half of that is none yet. */
	assert_int_equal(test_storm_send(s, 1, test_bcast, 5100, 5), 1);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 5150, 5), 0);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 5200, 5), 1);
	/* Over a quiet second the bucket fills, and holds no more. */
	assert_int_equal(test_storm_send(s, 1, test_bcast, 9000, 30), 10);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 9000, 1), 0);
	/* A long storm gets the rate: 10 a second, over 3 seconds. */
	assert_int_equal(test_storm_send(s, 1, test_bcast, 10000, 50) +
	    test_storm_send(s, 1, test_bcast, 11000, 50) +
	    test_storm_send(s, 1, test_bcast, 12000, 50), 30);
	assert_int_equal(test_port(s, 1)->st.rx_frames, 221);
	test_sw_free(s);
}

/* The drops are counted as storm drops on the port that floods. */
static void
test_storm_counted(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);
	int i;

	(void)state;
	fwd_port_storm(s->w, 2, 3);
	assert_int_equal(test_storm_send(s, 2, test_bcast, 0, 10), 3);
	assert_int_equal(test_port(s, 2)->st.drops[DROP_STORM], 7);
	for (i = 0; i < DROP_NR; i++)
		if (i != DROP_STORM)
			assert_int_equal(test_port(s, 2)->st.drops[i], 0);
	for (i = 1; i <= 4; i++)
		if (i != 2)
			assert_int_equal(test_port(s, (uint16_t)i)->
			    st.drops[DROP_STORM], 0);
	fwd_counters_reset(s->w, 2);
	assert_int_equal(test_port(s, 2)->st.drops[DROP_STORM], 0);
	test_sw_free(s);
}

static void
test_storm_off(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	fwd_port_storm(s->w, 1, 10);
	fwd_port_storm(s->w, 1, 0);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 5000), 5000);
	assert_int_equal(test_storm_send(s, 1, test_mcast4, 1, 5000), 5000);
	assert_int_equal(test_port(s, 1)->st.drops[DROP_STORM], 0);
	test_sw_free(s);
}

/* One port's storm takes nothing from another's bucket. */
static void
test_storm_ports(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	fwd_port_storm(s->w, 1, 5);
	fwd_port_storm(s->w, 2, 5);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 100), 5);
	assert_int_equal(test_storm_send(s, 2, test_bcast, 0, 3), 3);
	assert_int_equal(test_storm_send(s, 3, test_bcast, 0, 100), 100);
	assert_int_equal(test_storm_send(s, 2, test_bcast, 0, 100), 2);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 1), 0);
	assert_int_equal(test_port(s, 1)->st.drops[DROP_STORM], 96);
	assert_int_equal(test_port(s, 2)->st.drops[DROP_STORM], 98);
	test_sw_free(s);
}

/*
 * Whatever floods counts: multicast and unknown unicast as broadcast
 * do.  Unicast to a known station is never limited, even in a storm.
 */
static void
test_storm_unicast(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	test_send_ok(s, 2, test_bcast, test_sta(2));
	fwd_port_storm(s->w, 1, 4);
	assert_int_equal(test_storm_send(s, 1, test_mcast4, 0, 1) +
	    test_storm_send(s, 1, test_mcast6, 0, 1) +
	    test_storm_send(s, 1, test_sta(9), 0, 1) +
	    test_storm_send(s, 1, test_bcast, 0, 1), 4);
	assert_int_equal(test_storm_send(s, 1, test_sta(9), 0, 10) +
	    test_storm_send(s, 1, test_mcast6, 0, 10), 0);
	assert_int_equal(test_storm_send(s, 1, test_sta(2), 0, 10000), 10000);
	test_expect(s->o, "2");
	test_sw_free(s);
}

/*
 * In a hub everything floods: unicast is everyone's traffic there and
 * is not limited; broadcast and multicast are.
 */
static void
test_storm_hub(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	s->w->hub = 1;
	fwd_port_storm(s->w, 1, 2);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 5), 2);
	assert_int_equal(test_storm_send(s, 1, test_mcast4, 0, 5), 0);
	assert_int_equal(test_storm_send(s, 1, test_sta(9), 0, 100), 100);
	test_expect(s->o, "2 3 4");
	test_sw_free(s);
}

/*
 * A new limit, or a new attachment, starts with a full bucket; the same
 * limit set again (any other setting applied) does not refill it.
 */
static void
test_storm_reset(void **state)
{
	struct test_sw *s = test_sw_new(16, 1000, 1, 4);

	(void)state;
	fwd_port_storm(s->w, 1, 3);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 10), 3);
	fwd_port_storm(s->w, 1, 3);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 10), 0);
	fwd_port_storm(s->w, 1, 4);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 10), 4);
	fwd_port_del(s->w, 1);
	assert_int_equal(fwd_port_add(s->w, 1), 0);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 10), 4);
	/* Set while nobody is attached, it holds for the next one. */
	fwd_port_del(s->w, 1);
	fwd_port_storm(s->w, 1, 1);
	assert_int_equal(fwd_port_add(s->w, 1), 0);
	assert_int_equal(test_storm_send(s, 1, test_bcast, 0, 10), 1);
	test_sw_free(s);
}

static void
test_drop_str(void **state)
{
	(void)state;
	assert_string_equal(fwd_drop_str(DROP_RUNT), "runt");
	assert_string_equal(fwd_drop_str(DROP_GIANT), "giant");
	assert_string_equal(fwd_drop_str(DROP_VLAN), "vlan");
	assert_string_equal(fwd_drop_str(DROP_QUEUE), "queue");
	assert_string_equal(fwd_drop_str(DROP_ERROR), "error");
	assert_string_equal(fwd_drop_str(DROP_STATIC), "static");
	assert_string_equal(fwd_drop_str(DROP_STORM), "storm");
	assert_string_equal(fwd_drop_str(DROP_NR), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_errors),
		cmocka_unit_test(test_stp_states),
		cmocka_unit_test(test_flood_then_unicast),
		cmocka_unit_test(test_flood_many_ports),
		cmocka_unit_test(test_flood_max_ports),
		cmocka_unit_test(test_broadcast_multicast),
		cmocka_unit_test(test_unknown_unicast),
		cmocka_unit_test(test_vlan_isolation),
		cmocka_unit_test(test_trunk_tagging),
		cmocka_unit_test(test_egress_bytes),
		cmocka_unit_test(test_runt_giant),
		cmocka_unit_test(test_vlan_drops),
		cmocka_unit_test(test_rx_counters),
		cmocka_unit_test(test_port_del),
		cmocka_unit_test(test_port_del_many),
		cmocka_unit_test(test_port_config_first),
		cmocka_unit_test(test_port_reconf),
		cmocka_unit_test(test_stale_vlan),
		cmocka_unit_test(test_moves),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_port_maclimit),
		cmocka_unit_test(test_default_maclimit),
		cmocka_unit_test(test_hub),
		cmocka_unit_test(test_dst_on_ingress_port),
		cmocka_unit_test(test_aging_floods),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_static_full),
		cmocka_unit_test(test_isolated),
		cmocka_unit_test(test_storm_bucket),
		cmocka_unit_test(test_storm_counted),
		cmocka_unit_test(test_storm_off),
		cmocka_unit_test(test_storm_ports),
		cmocka_unit_test(test_storm_unicast),
		cmocka_unit_test(test_storm_hub),
		cmocka_unit_test(test_storm_reset),
		cmocka_unit_test(test_drop_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
