/* SPDX-License-Identifier: ISC */
/*
 * 802.1Q tests: which frames a port accepts and on which VLAN, and the
 * exact bytes that leave a port after tagging or untagging.  Frames live
 * in heap buffers of exactly their length so the sanitizers catch a
 * read past the end of a short frame.
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
#include "vlan.h"

#define UNTAGGED	(-1)

static const uint8_t test_dst[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t test_src[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/*
 * A frame of exactly len bytes: addresses, then a tag with this TCI
 * unless UNTAGGED, then EtherType 0x0800 and a counting payload, cut
 * wherever len ends.
 */
static uint8_t *
test_frame(size_t len, int tci)
{
	uint8_t hdr[18], *f;
	size_t i, h = 0;

	memcpy(hdr, test_dst, 6);
	memcpy(hdr + 6, test_src, 6);
	h = 12;
	if (tci != UNTAGGED) {
		hdr[h++] = 0x81;
		hdr[h++] = 0x00;
		hdr[h++] = (uint8_t)(tci >> 8);
		hdr[h++] = (uint8_t)tci;
	}
	hdr[h++] = 0x08;
	hdr[h++] = 0x00;
	assert_non_null(f = malloc(len));
	for (i = 0; i < len; i++)
		f[i] = i < h ? hdr[i] : (uint8_t)(i * 7 + 1);
	return f;
}

static enum vlan_verdict
test_ingress(const struct vlan_port *vp, size_t len, int tci,
    struct vlan_tag *t)
{
	uint8_t *f = test_frame(len, tci);
	enum vlan_verdict v;

	v = vlan_ingress(vp, f, len, t);
	free(f);
	return v;
}

static int
test_tci(int pcp, int dei, int vid)
{
	return pcp << 13 | dei << 12 | vid;
}

static void
test_access_untagged(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(test_ingress(&vp, 60, UNTAGGED, &t), VLAN_OK);
	assert_int_equal(t.vid, 10);
	assert_int_equal(t.tagged, 0);
	assert_int_equal(t.priotag, 0);
	assert_int_equal(t.pcp, 0);
	assert_int_equal(t.dei, 0);
}

static void
test_access_tagged_dropped(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;

	(void)state;
	vlan_access(&vp, 10);
	/* Even tagged with the port's own VLAN. */
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 10), &t),
	    VLAN_DROP_TAGGED_ON_ACCESS);
	assert_int_equal(test_ingress(&vp, 64, test_tci(7, 1, 20), &t),
	    VLAN_DROP_TAGGED_ON_ACCESS);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 1), &t),
	    VLAN_DROP_TAGGED_ON_ACCESS);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 4094), &t),
	    VLAN_DROP_TAGGED_ON_ACCESS);
}

static void
test_access_priotag(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(test_ingress(&vp, 64, test_tci(5, 1, 0), &t),
	    VLAN_OK);
	assert_int_equal(t.vid, 10);
	assert_int_equal(t.pcp, 5);
	assert_int_equal(t.dei, 1);
	assert_int_equal(t.priotag, 1);
	assert_int_equal(t.tagged, 0);
}

static void
test_reserved(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 4095), &t),
	    VLAN_DROP_RESERVED);
	vlan_trunk(&vp, 1);
	vlan_allow_all(&vp, 1);
	assert_int_equal(test_ingress(&vp, 64, test_tci(3, 0, 4095), &t),
	    VLAN_DROP_RESERVED);
	/* Allowing 4095 explicitly does nothing. */
	vlan_allow(&vp, 4095, 1);
	assert_int_equal(vlan_member(&vp, 4095), 0);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 4095), &t),
	    VLAN_DROP_RESERVED);
}

static void
test_trunk_no_native(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;

	(void)state;
	vlan_access(&vp, 1);
	vlan_trunk(&vp, 0);
	vlan_allow(&vp, 10, 1);
	vlan_allow(&vp, 20, 1);
	assert_int_equal(test_ingress(&vp, 64, test_tci(3, 1, 10), &t),
	    VLAN_OK);
	assert_int_equal(t.vid, 10);
	assert_int_equal(t.tagged, 1);
	assert_int_equal(t.priotag, 0);
	assert_int_equal(t.pcp, 3);
	assert_int_equal(t.dei, 1);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 20), &t),
	    VLAN_OK);
	assert_int_equal(t.vid, 20);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 30), &t),
	    VLAN_DROP_NOT_MEMBER);
	/* VLAN 1 was the access VLAN; a new trunk carries no VLAN by default. */
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 1), &t),
	    VLAN_DROP_NOT_MEMBER);
	assert_int_equal(test_ingress(&vp, 60, UNTAGGED, &t),
	    VLAN_DROP_NO_NATIVE);
	assert_int_equal(test_ingress(&vp, 64, test_tci(4, 0, 0), &t),
	    VLAN_DROP_NO_NATIVE);
	/* Removed from the list: dropped again. */
	vlan_allow(&vp, 20, 0);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 20), &t),
	    VLAN_DROP_NOT_MEMBER);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 10), &t),
	    VLAN_OK);
}

static void
test_trunk_native(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;

	(void)state;
	vlan_access(&vp, 1);
	vlan_trunk(&vp, 30);
	vlan_allow(&vp, 10, 1);
	vlan_allow(&vp, 20, 1);
	assert_int_equal(test_ingress(&vp, 60, UNTAGGED, &t), VLAN_OK);
	assert_int_equal(t.vid, 30);
	assert_int_equal(t.tagged, 0);
	/* The native VLAN tagged is accepted too, as tagged. */
	assert_int_equal(test_ingress(&vp, 64, test_tci(2, 0, 30), &t),
	    VLAN_OK);
	assert_int_equal(t.vid, 30);
	assert_int_equal(t.tagged, 1);
	assert_int_equal(t.pcp, 2);
	assert_int_equal(test_ingress(&vp, 64, test_tci(6, 0, 0), &t),
	    VLAN_OK);
	assert_int_equal(t.vid, 30);
	assert_int_equal(t.priotag, 1);
	assert_int_equal(t.tagged, 0);
	assert_int_equal(t.pcp, 6);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 20), &t),
	    VLAN_OK);
	assert_int_equal(t.vid, 20);
	assert_int_equal(t.tagged, 1);
	assert_int_equal(test_ingress(&vp, 64, test_tci(0, 0, 40), &t),
	    VLAN_DROP_NOT_MEMBER);
}

static void
test_membership(void **state)
{
	struct vlan_port vp;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(vlan_member(&vp, 10), 1);
	assert_int_equal(vlan_member(&vp, 20), 0);
	assert_int_equal(vlan_member(&vp, 0), 0);
	assert_int_equal(vlan_egress_tagged(&vp, 10), 0);

	vlan_trunk(&vp, 30);
	vlan_allow(&vp, 10, 1);
	vlan_allow(&vp, 1, 1);
	vlan_allow(&vp, 4094, 1);
	vlan_allow(&vp, 0, 1);		/* ignored */
	vlan_allow(&vp, 4095, 1);	/* ignored */
	assert_int_equal(vlan_member(&vp, 10), 1);
	assert_int_equal(vlan_member(&vp, 1), 1);
	assert_int_equal(vlan_member(&vp, 4094), 1);
	assert_int_equal(vlan_member(&vp, 30), 1);
	assert_int_equal(vlan_member(&vp, 20), 0);
	assert_int_equal(vlan_member(&vp, 63), 0);
	assert_int_equal(vlan_member(&vp, 64), 0);
	assert_int_equal(vlan_member(&vp, 0), 0);
	assert_int_equal(vlan_member(&vp, 4095), 0);
	assert_int_equal(vlan_egress_tagged(&vp, 10), 1);
	assert_int_equal(vlan_egress_tagged(&vp, 30), 0);

	/* Re-making a trunk only changes the native VLAN. */
	vlan_trunk(&vp, 0);
	assert_int_equal(vlan_member(&vp, 10), 1);
	assert_int_equal(vlan_member(&vp, 30), 0);
	assert_int_equal(vlan_member(&vp, 0), 0);
	assert_int_equal(vlan_egress_tagged(&vp, 10), 1);

	vlan_allow_all(&vp, 1);
	assert_int_equal(vlan_member(&vp, 1), 1);
	assert_int_equal(vlan_member(&vp, 2000), 1);
	assert_int_equal(vlan_member(&vp, 4094), 1);
	assert_int_equal(vlan_member(&vp, 4095), 0);
	assert_int_equal(vlan_member(&vp, 0), 0);
	vlan_allow_all(&vp, 0);
	assert_int_equal(vlan_member(&vp, 1), 0);
	assert_int_equal(vlan_member(&vp, 10), 0);
	assert_int_equal(vlan_member(&vp, 4094), 0);

	/* Back to access: the trunk's list is gone. */
	vlan_allow(&vp, 10, 1);
	vlan_access(&vp, 20);
	assert_int_equal(vp.trunk, 0);
	assert_int_equal(vlan_member(&vp, 10), 0);
	assert_int_equal(vlan_member(&vp, 20), 1);
	assert_int_equal(vlan_egress_tagged(&vp, 20), 0);
	/* And a trunk made from an access port starts empty. */
	vlan_trunk(&vp, 0);
	assert_int_equal(vlan_member(&vp, 10), 0);
	assert_int_equal(vlan_member(&vp, 20), 0);
}

/* Rewrite in into an exactly sized heap buffer and check the length. */
static uint8_t *
test_rewrite(const uint8_t *in, size_t len, const struct vlan_tag *t,
    int tagged, size_t want)
{
	uint8_t *out;

	assert_non_null(out = malloc(want));
	assert_int_equal(vlan_rewrite(in, len, t, tagged, out, want), want);
	return out;
}

static void
test_untag(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(100, test_tci(3, 0, 10)), *out;

	(void)state;
	vlan_access(&vp, 1);
	vlan_trunk(&vp, 0);
	vlan_allow(&vp, 10, 1);
	assert_int_equal(vlan_ingress(&vp, in, 100, &t), VLAN_OK);
	assert_int_equal(vlan_needs_rewrite(&t, 0), 1);
	out = test_rewrite(in, 100, &t, 0, 96);
	assert_memory_equal(out, test_dst, 6);
	assert_memory_equal(out + 6, test_src, 6);
	assert_int_equal(out[12], 0x08);
	assert_int_equal(out[13], 0x00);
	assert_memory_equal(out + 12, in + 16, 84);
	free(out);
	free(in);
}

static void
test_tag(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(60, UNTAGGED), *out;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, 60, &t), VLAN_OK);
	assert_int_equal(vlan_needs_rewrite(&t, 1), 1);
	assert_int_equal(vlan_needs_rewrite(&t, 0), 0);
	out = test_rewrite(in, 60, &t, 1, 64);
	assert_memory_equal(out, in, 12);
	assert_int_equal(out[12], 0x81);
	assert_int_equal(out[13], 0x00);
	assert_int_equal(out[14] << 8 | out[15], 10);
	assert_memory_equal(out + 16, in + 12, 48);
	free(out);
	free(in);

	/* A high VID and a trunk's native VLAN going out tagged elsewhere. */
	in = test_frame(60, UNTAGGED);
	vlan_trunk(&vp, 4094);
	assert_int_equal(vlan_ingress(&vp, in, 60, &t), VLAN_OK);
	out = test_rewrite(in, 60, &t, 1, 64);
	assert_int_equal(out[14] << 8 | out[15], 4094);
	assert_memory_equal(out + 16, in + 12, 48);
	free(out);
	free(in);
}

static void
test_priotag_rewrite(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(80, test_tci(6, 0, 0)), *out;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, 80, &t), VLAN_OK);
	/* Tagged: same length, VID written, PCP kept. */
	assert_int_equal(vlan_needs_rewrite(&t, 1), 1);
	out = test_rewrite(in, 80, &t, 1, 80);
	assert_memory_equal(out, in, 12);
	assert_int_equal(out[12], 0x81);
	assert_int_equal(out[13], 0x00);
	assert_int_equal(out[14] << 8 | out[15], test_tci(6, 0, 10));
	assert_memory_equal(out + 16, in + 16, 64);
	free(out);
	/* Untagged: the priority tag goes. */
	assert_int_equal(vlan_needs_rewrite(&t, 0), 1);
	out = test_rewrite(in, 80, &t, 0, 76);
	assert_memory_equal(out, in, 12);
	assert_memory_equal(out + 12, in + 16, 64);
	free(out);
	free(in);

	/* DEI is kept along with PCP. */
	in = test_frame(80, test_tci(1, 1, 0));
	assert_int_equal(vlan_ingress(&vp, in, 80, &t), VLAN_OK);
	out = test_rewrite(in, 80, &t, 1, 80);
	assert_int_equal(out[14] << 8 | out[15], test_tci(1, 1, 10));
	free(out);
	free(in);
}

static void
test_tagged_to_tagged(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(70, test_tci(5, 1, 20)), *out;

	(void)state;
	vlan_access(&vp, 1);
	vlan_trunk(&vp, 0);
	vlan_allow(&vp, 20, 1);
	assert_int_equal(vlan_ingress(&vp, in, 70, &t), VLAN_OK);
	assert_int_equal(vlan_needs_rewrite(&t, 1), 0);
	/* Had it been rewritten anyway, the bytes would be the same. */
	out = test_rewrite(in, 70, &t, 1, 70);
	assert_memory_equal(out, in, 70);
	free(out);
	free(in);
}

static void
test_outsize(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(60, UNTAGGED), out[128];

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, 60, &t), VLAN_OK);
	assert_int_equal(vlan_rewrite(in, 60, &t, 1, out, 63), 0);
	assert_int_equal(vlan_rewrite(in, 60, &t, 1, out, 0), 0);
	assert_int_equal(vlan_rewrite(in, 60, &t, 1, out, 64), 64);
	assert_int_equal(vlan_rewrite(in, 60, &t, 0, out, 59), 0);
	assert_int_equal(vlan_rewrite(in, 60, &t, 0, out, 60), 60);
	free(in);

	in = test_frame(64, test_tci(0, 0, 10));
	vlan_trunk(&vp, 0);
	vlan_allow(&vp, 10, 1);
	assert_int_equal(vlan_ingress(&vp, in, 64, &t), VLAN_OK);
	assert_int_equal(vlan_rewrite(in, 64, &t, 0, out, 59), 0);
	assert_int_equal(vlan_rewrite(in, 64, &t, 0, out, 60), 60);
	assert_int_equal(vlan_rewrite(in, 64, &t, 1, out, 63), 0);
	free(in);

	/* The largest frame gains a tag and must still fit FRAME_MAX + 4. */
	in = test_frame(FRAME_MAX, UNTAGGED);
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, FRAME_MAX, &t), VLAN_OK);
	free(test_rewrite(in, FRAME_MAX, &t, 1, FRAME_MAX + 4));
	free(in);
}

/* The shortest frames: 14 untagged, 18 tagged; 17 cannot hold a tag. */
static void
test_frame14(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(14, UNTAGGED), *out;

	(void)state;
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, 14, &t), VLAN_OK);
	assert_int_equal(t.vid, 10);
	assert_int_equal(t.tagged, 0);
	out = test_rewrite(in, 14, &t, 1, 18);
	assert_memory_equal(out, in, 12);
	assert_int_equal(out[12], 0x81);
	assert_int_equal(out[13], 0x00);
	assert_int_equal(out[14] << 8 | out[15], 10);
	assert_int_equal(out[16], 0x08);
	assert_int_equal(out[17], 0x00);
	assert_int_equal(vlan_rewrite(in, 14, &t, 1, out, 17), 0);
	free(out);
	/* Untagged in, untagged out: unchanged. */
	assert_int_equal(vlan_needs_rewrite(&t, 0), 0);
	free(in);
}

static void
test_frame18(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	uint8_t *in = test_frame(18, test_tci(4, 0, 10)), *out;

	(void)state;
	vlan_access(&vp, 1);
	vlan_trunk(&vp, 0);
	vlan_allow(&vp, 10, 1);
	assert_int_equal(vlan_ingress(&vp, in, 18, &t), VLAN_OK);
	assert_int_equal(t.vid, 10);
	assert_int_equal(t.tagged, 1);
	assert_int_equal(t.pcp, 4);
	out = test_rewrite(in, 18, &t, 0, 14);
	assert_memory_equal(out, in, 12);
	assert_int_equal(out[12], 0x08);
	assert_int_equal(out[13], 0x00);
	free(out);
	free(in);

	/* 18 bytes with a priority tag, on an access port. */
	in = test_frame(18, test_tci(4, 0, 0));
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, 18, &t), VLAN_OK);
	assert_int_equal(t.priotag, 1);
	out = test_rewrite(in, 18, &t, 1, 18);
	assert_int_equal(out[14] << 8 | out[15], test_tci(4, 0, 10));
	assert_int_equal(out[16], 0x08);
	free(out);
	out = test_rewrite(in, 18, &t, 0, 14);
	assert_int_equal(out[12], 0x08);
	free(out);
	/* The same 18 bytes tagged with VID 10 are refused on access. */
	free(in);
	in = test_frame(18, test_tci(0, 0, 10));
	assert_int_equal(vlan_ingress(&vp, in, 18, &t),
	    VLAN_DROP_TAGGED_ON_ACCESS);
	free(in);
}

static void
test_frame17(void **state)
{
	struct vlan_port vp;
	struct vlan_tag t;
	enum vlan_verdict v;
	uint8_t *in;
	size_t len;

	(void)state;
	/* 17 bytes untagged: an ordinary frame. */
	in = test_frame(17, UNTAGGED);
	vlan_access(&vp, 10);
	assert_int_equal(vlan_ingress(&vp, in, 17, &t), VLAN_OK);
	assert_int_equal(t.vid, 10);
	free(in);

	/*
	 * 16 and 17 bytes starting a VLAN 20 tag: too short to be a tagged
	 * frame, so never a VLAN 20 frame.  Whether it is dropped or taken
	 * as untagged on the port's own VLAN, nothing may be read past
	 * the end.
	 */
	for (len = 16; len <= 17; len++) {
		in = test_frame(len, test_tci(0, 0, 20));
		vlan_trunk(&vp, 0);
		vlan_allow(&vp, 20, 1);
		v = vlan_ingress(&vp, in, len, &t);
		assert_int_not_equal(v, VLAN_OK);
		vlan_trunk(&vp, 30);
		v = vlan_ingress(&vp, in, len, &t);
		if (v == VLAN_OK) {
			assert_int_equal(t.vid, 30);
			assert_int_equal(t.tagged, 0);
		}
		vlan_access(&vp, 10);
		v = vlan_ingress(&vp, in, len, &t);
		if (v == VLAN_OK) {
			assert_int_equal(t.vid, 10);
			assert_int_equal(t.tagged, 0);
		}
		free(in);
	}
}

static void
test_verdict_str(void **state)
{
	enum vlan_verdict v, w;

	(void)state;
	for (v = VLAN_OK; v <= VLAN_DROP_RESERVED; v++) {
		assert_non_null(vlan_verdict_str(v));
		assert_string_not_equal(vlan_verdict_str(v), "?");
		for (w = VLAN_OK; w < v; w++)
			assert_string_not_equal(vlan_verdict_str(v),
			    vlan_verdict_str(w));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access_untagged),
		cmocka_unit_test(test_access_tagged_dropped),
		cmocka_unit_test(test_access_priotag),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_trunk_no_native),
		cmocka_unit_test(test_trunk_native),
		cmocka_unit_test(test_membership),
		cmocka_unit_test(test_untag),
		cmocka_unit_test(test_tag),
		cmocka_unit_test(test_priotag_rewrite),
		cmocka_unit_test(test_tagged_to_tagged),
		cmocka_unit_test(test_outsize),
		cmocka_unit_test(test_frame14),
		cmocka_unit_test(test_frame18),
		cmocka_unit_test(test_frame17),
		cmocka_unit_test(test_verdict_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
