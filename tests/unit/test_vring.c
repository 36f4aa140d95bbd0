/* SPDX-License-Identifier: ISC */
/*
 * The ring walker (switchd/vring.c) over a memory table of two regions,
 * the guest's side written by hand as a virtio driver would: chains taken
 * in order with their buffers where the descriptors say, a buffer that
 * crosses from one region into the next cut in two, indirect tables,
 * the used ring and the event indexes, chains looked at ahead without
 * being taken, a chain copied into another across both regions, and
 * each lie a guest can tell refused with its reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vring.h"

#define NUM	8
#define R0_GPA	0x100000	/* guest addresses of the two regions */
#define R1_GPA	(R0_GPA + sizeof(mem0))
#define UVA	0x7f0000000000ULL

static uint8_t mem0[16384] __attribute__((aligned(4096)));
static uint8_t mem1[16384] __attribute__((aligned(4096)));
static struct vring_mem tm;
static struct vring_split vr;
static struct vring_chain c;
/* Where the ring is, in region 0. */
static struct vring_desc *desc = (struct vring_desc *)(void *)mem0;
static struct vring_avail *avail = (struct vring_avail *)(void *)(mem0 + 1024);
static struct vring_used *used = (struct vring_used *)(void *)(mem0 + 2048);

static int
setup(void **state)
{
	(void)state;
	memset(mem0, 0, sizeof(mem0));
	memset(mem1, 0, sizeof(mem1));
	memset(&vr, 0, sizeof(vr));
	/* Adjacent for the guest, apart here. */
	tm.n = 2;
	tm.r[0] = (struct vring_region){ R0_GPA, UVA, sizeof(mem0), mem0 };
	tm.r[1] = (struct vring_region){ R1_GPA, UVA + sizeof(mem0),
	    sizeof(mem1), mem1 };
	assert_int_equal(vring_setup(&vr, &tm, NUM, UVA, UVA + 1024,
	    UVA + 2048), 0);
	vr.event_idx = 1;
	vr.indirect = 1;
	return 0;
}

static void
put(uint16_t i, uint64_t gpa, uint32_t len, uint16_t flags, uint16_t next)
{
	desc[i].addr = gpa;
	desc[i].len = len;
	desc[i].flags = flags;
	desc[i].next = next;
}

static void
offer(uint16_t head)
{
	avail->ring[avail->idx % NUM] = head;
	avail->idx++;
}

static void
test_setup_checks(void **state)
{
	struct vring_split v;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(vring_setup(&v, &tm, 6, UVA, UVA + 1024, UVA + 2048),
	    -1);
	assert_int_equal(vring_setup(&v, &tm, NUM, UVA + 8, UVA + 1024,
	    UVA + 2048), -1);
	assert_int_equal(vring_setup(&v, &tm, NUM, UVA, UVA + 1024,
	    UVA + 2 * sizeof(mem0)), -1);
	assert_int_equal(vring_setup(&v, &tm, 4096, UVA, UVA + 1024,
	    UVA + 2048), -1);
}

static void
test_chain(void **state)
{
	uint8_t out[64];

	(void)state;
	memcpy(mem0 + 4096, "hello, ", 7);
	memcpy(mem0 + 8192, "world", 5);
	put(3, R0_GPA + 4096, 7, VRING_DESC_F_NEXT, 5);
	put(5, R0_GPA + 8192, 5, 0, 0);
	offer(3);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.nseg, 2);
	assert_int_equal(c.len, 12);
	assert_int_equal(vring_read(&c, 0, out, sizeof(out)), 12);
	assert_memory_equal(out, "hello, world", 12);
	assert_int_equal(vring_read(&c, 5, out, 4), 4);
	assert_memory_equal(out, ", wo", 4);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 0);
}

static void
test_cross_regions(void **state)
{
	uint8_t in[100], out[100];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	/* 40 bytes at the end of region 0, 60 at the start of region 1. */
	put(0, R1_GPA - 40, 100, VRING_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(vring_pop(&vr, &tm, 1, &c), 1);
	assert_int_equal(c.nseg, 2);
	assert_int_equal(vring_write(&c, 0, in, sizeof(in)), 100);
	assert_memory_equal(mem0 + sizeof(mem0) - 40, in, 40);
	assert_memory_equal(mem1, in + 40, 60);
	assert_int_equal(vring_read(&c, 0, out, sizeof(out)), 100);
	assert_memory_equal(out, in, 100);
}

static void
test_indirect(void **state)
{
	struct vring_desc *t = (struct vring_desc *)(void *)(mem1 + 1024);

	(void)state;
	t[0] = (struct vring_desc){ R1_GPA + 4096, 12, VRING_DESC_F_NEXT, 2 };
	t[2] = (struct vring_desc){ R1_GPA + 8192, 1500, 0, 0 };
	put(1, R1_GPA + 1024, 3 * sizeof(*t), VRING_DESC_F_INDIRECT, 0);
	offer(1);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	assert_int_equal(c.head, 1);
	assert_int_equal(c.len, 1512);
	/* Nested: refused. */
	t[2] = (struct vring_desc){ R1_GPA + 1024, 48,
	    VRING_DESC_F_INDIRECT, 0 };
	offer(1);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_INDIRECT);
}

static void
test_lies(void **state)
{
	(void)state;
	/* Outside the table. */
	put(0, R1_GPA + sizeof(mem1) - 10, 64, 0, 0);
	offer(0);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_ADDR);
	/* A loop. */
	setup(NULL);
	put(0, R0_GPA + 4096, 10, VRING_DESC_F_NEXT, 1);
	put(1, R0_GPA + 4096, 10, VRING_DESC_F_NEXT, 0);
	offer(0);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_LOOP);
	/* A next beyond the table. */
	setup(NULL);
	put(0, R0_GPA + 4096, 10, VRING_DESC_F_NEXT, NUM);
	offer(0);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_NEXT);
	/* A head beyond the ring. */
	setup(NULL);
	offer(NUM + 3);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_HEAD);
	/* An index more than the ring ahead. */
	setup(NULL);
	avail->idx = NUM + 1;
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_IDX);
	/* A buffer for the device to write, on a ring it reads. */
	setup(NULL);
	put(0, R0_GPA + 4096, 10, VRING_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_DIR);
}

static void
test_used_and_events(void **state)
{
	uint16_t *used_event = (uint16_t *)(void *)&avail->ring[NUM];
	uint16_t *avail_event = (uint16_t *)(void *)&used->ring[NUM];

	(void)state;
	put(2, R0_GPA + 4096, 10, 0, 0);
	offer(2);
	offer(2);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	vring_push(&vr, c.head, 0);
	assert_int_equal(used->idx, 0);		/* not seen before publish */
	vring_publish(&vr);
	assert_int_equal(used->idx, 1);
	assert_int_equal(used->ring[0].id, 2);
	/* The first call always goes; then as the used event says. */
	assert_true(vring_need_call(&vr));
	*used_event = 5;
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	vring_push(&vr, c.head, 0);
	vring_publish(&vr);
	assert_false(vring_need_call(&vr));
	*used_event = 1;
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 0);
	/* Kicks asked for from where the switch is; one pending says so. */
	assert_int_equal(vring_kicks(&vr, 1), 0);
	assert_int_equal(*avail_event, 2);
	offer(2);
	assert_int_equal(vring_kicks(&vr, 1), 1);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	vring_unpop(&vr, 1);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	assert_int_equal(vr.last_avail, 3);
}

/* Chains ahead are looked at, not taken; a kick asked for beyond them. */
static void
test_peek(void **state)
{
	uint16_t *avail_event = (uint16_t *)(void *)&used->ring[NUM];
	uint8_t out[8];

	(void)state;
	memcpy(mem0 + 4096, "first", 5);
	memcpy(mem0 + 8192, "second", 6);
	put(1, R0_GPA + 4096, 5, 0, 0);
	put(2, R0_GPA + 8192, 6, 0, 0);
	offer(1);
	assert_int_equal(vring_peek(&vr, &tm, 1, 0, &c), 0);
	/* Nothing beyond the first: a kick when a second comes. */
	assert_int_equal(vring_kick_after(&vr, 1), 0);
	assert_int_equal(*avail_event, 1);
	offer(2);
	assert_int_equal(vring_kick_after(&vr, 1), 1);
	assert_int_equal(vring_peek(&vr, &tm, 1, 0, &c), 1);
	assert_int_equal(vring_read(&c, 0, out, sizeof(out)), 6);
	assert_memory_equal(out, "second", 6);
	assert_int_equal(vr.last_avail, 0);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	assert_int_equal(c.head, 1);
	assert_int_equal(vring_pop(&vr, &tm, 0, &c), 1);
	assert_int_equal(c.head, 2);
	/* A lie ahead is one too. */
	avail->idx = (uint16_t)(vr.last_avail + NUM + 1);
	assert_int_equal(vring_peek(&vr, &tm, 3, 0, &c), -1);
	assert_int_equal(vr.err, VRING_E_IDX);
}

/* From one chain into another, buffers of other sizes on each side. */
static void
test_splice(void **state)
{
	struct vring_chain src;
	uint8_t in[300], out[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7);
	memcpy(mem0 + 4096, in, 100);
	memcpy(mem0 + 6144, in + 100, 200);
	put(0, R0_GPA + 4096, 100, VRING_DESC_F_NEXT, 1);
	put(1, R0_GPA + 6144, 200, 0, 0);
	offer(0);
	assert_int_equal(vring_pop(&vr, &tm, 0, &src), 1);
	/* 30 bytes, then 200 across the regions, then 100. */
	put(2, R0_GPA + 8192, 30, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 3);
	put(3, R1_GPA - 90, 200, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 4);
	put(4, R1_GPA + 4096, 100, VRING_DESC_F_WRITE, 0);
	offer(2);
	assert_int_equal(vring_pop(&vr, &tm, 1, &c), 1);
	assert_int_equal(c.nseg, 4);
	/* The source from byte 20 on, to the chain from byte 10 on. */
	assert_int_equal(vring_splice(&c, 10, &src, 20, 280), 280);
	assert_int_equal(vring_read(&c, 10, out, 280), 280);
	assert_memory_equal(out, in + 20, 280);
	/* What does not fit in both is not copied. */
	assert_int_equal(vring_splice(&c, 300, &src, 0, 100), 30);
	assert_int_equal(vring_splice(&c, 0, &src, 250, 100), 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_setup_checks, setup),
		cmocka_unit_test_setup(test_chain, setup),
		cmocka_unit_test_setup(test_cross_regions, setup),
		cmocka_unit_test_setup(test_indirect, setup),
		cmocka_unit_test_setup(test_lies, setup),
		cmocka_unit_test_setup(test_used_and_events, setup),
		cmocka_unit_test_setup(test_peek, setup),
		cmocka_unit_test_setup(test_splice, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
