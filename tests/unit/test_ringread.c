/* Unit tests for the BPF ring buffer reader and time-order merge
 * (src/ringread.c), on fake rings laid out like the kernel's: 8-byte record
 * headers, 8-byte alignment, the data area mapped twice (here: written twice). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "live/ringread.h"

#define RSZ 4096u

struct fake {
	uint64_t consumer_pos;
	uint64_t producer_pos;
	uint8_t *data;           /* 2 * RSZ, exact size: ASan sees any over-read */
	struct ns_ring r;
};

static void fake_init(struct fake *f, uint64_t start)
{
	memset(f, 0, sizeof(*f));
	f->data = calloc(2, RSZ);
	assert_non_null(f->data);
	f->consumer_pos = f->producer_pos = start;
	f->r.consumer_pos = &f->consumer_pos;
	f->r.producer_pos = &f->producer_pos;
	f->r.data = f->data;
	f->r.mask = RSZ - 1;
	ns_ring_init(&f->r);
}

static void fake_free(struct fake *f)
{
	free(f->data);
}

/* Two empty rings and the array the reader gets (their state is copied now;
 * the records put afterwards are found through the shared positions). */
static void two_rings(struct fake f[2], struct ns_ring r[2])
{
	fake_init(&f[0], 0);
	fake_init(&f[1], 0);
	r[0] = f[0].r;
	r[1] = f[1].r;
}

static void free_two(struct fake f[2])
{
	fake_free(&f[0]);
	fake_free(&f[1]);
}

static void put_byte(struct fake *f, uint64_t pos, uint8_t v)
{
	f->data[pos & (RSZ - 1)] = v;
	f->data[(pos & (RSZ - 1)) + RSZ] = v;
}

static void put_u32(struct fake *f, uint64_t pos, uint32_t v)
{
	uint8_t b[4];

	memcpy(b, &v, 4);
	for (int i = 0; i < 4; i++)
		put_byte(f, pos + (uint64_t)i, b[i]);
}

/* Append a record: 8-byte timestamp then fill bytes (len >= 8), or len < 8
 * bytes of fill. Header bits as given. Returns the record's position. */
static uint64_t put_rec(struct fake *f, uint64_t ts, uint32_t len, uint32_t bits, uint8_t fill)
{
	uint64_t pos = f->producer_pos, p = pos + NS_RING_HDR_SZ;
	uint8_t tsb[8];

	memcpy(tsb, &ts, 8);
	for (uint32_t i = 0; i < len; i++)
		put_byte(f, p + i, len >= 8 && i < 8 ? tsb[i] : fill);
	put_u32(f, pos, len | bits);
	put_u32(f, pos + 4, 0);
	f->producer_pos += (len + NS_RING_HDR_SZ + 7u) & ~7u;
	return pos;
}

struct seen {
	uint64_t ts[64];
	uint32_t len[64];
	uint8_t fill[64];
	unsigned n;
	unsigned stop_at;        /* return -1 on this record (1-based), 0 = never */
};

static int collect(void *arg, const void *data, size_t size)
{
	struct seen *s = arg;
	const uint8_t *d = data;

	assert_true(s->n < 64);
	s->ts[s->n] = 0;
	if (size >= 8)
		memcpy(&s->ts[s->n], d, 8);
	s->len[s->n] = (uint32_t)size;
	s->fill[s->n] = size > 8 ? d[size - 1] : (size ? d[0] : 0);
	/* every byte of the record is readable (ASan) and as written */
	for (size_t i = size >= 8 ? 8 : 0; i < size; i++)
		assert_int_equal(d[i], s->fill[s->n]);
	s->n++;
	return s->stop_at && s->n == s->stop_at ? -1 : 0;
}

static void test_single_ring(void **state)
{
	struct fake f;
	struct seen s = { .n = 0 };

	(void)state;
	fake_init(&f, 0);
	put_rec(&f, 10, 20, 0, 0xa1);
	put_rec(&f, 11, 8, 0, 0);
	put_rec(&f, 12, 33, 0, 0xa3);
	assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &s), 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ts[0], 10);
	assert_int_equal(s.len[0], 20);
	assert_int_equal(s.fill[0], 0xa1);
	assert_int_equal(s.ts[2], 12);
	assert_int_equal(s.len[2], 33);
	/* everything read is handed back to the kernel */
	assert_int_equal(f.consumer_pos, f.producer_pos);
	/* nothing new: nothing delivered */
	assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &s), 0);
	fake_free(&f);
}

static void peek_collect(void *arg, const void *data, size_t size)
{
	(void)collect(arg, data, size);
}

/* The peek callback sees each committed record once, as soon as it is read,
 * also when its delivery waits (stamped after the limit); discarded and
 * uncommitted records are not seen. */
static void test_peek(void **state)
{
	struct fake f;
	struct seen peeked = { .n = 0 }, got = { .n = 0 };
	uint64_t busy;

	(void)state;
	fake_init(&f, 0);
	f.r.peek = peek_collect;
	f.r.peek_arg = &peeked;
	put_rec(&f, 10, 16, 0, 0xb1);
	put_rec(&f, 20, 16, NS_RING_DISCARD_BIT, 0xb2);
	put_rec(&f, 30, 16, 0, 0xb3);
	busy = put_rec(&f, 40, 16, NS_RING_BUSY_BIT, 0xb4);
	assert_int_equal(ns_rings_drain(&f.r, 1, 15, collect, &got), 1);
	assert_int_equal(got.n, 1);
	assert_int_equal(peeked.n, 2);
	assert_int_equal(peeked.ts[0], 10);
	assert_int_equal(peeked.ts[1], 30);
	/* committed now: peeked once, the waiting one not again */
	put_u32(&f, busy, 16);
	assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &got), 2);
	assert_int_equal(got.n, 3);
	assert_int_equal(peeked.n, 3);
	assert_int_equal(peeked.ts[2], 40);
	fake_free(&f);
}

static void test_merge_two_rings(void **state)
{
	struct fake f[2];
	struct ns_ring r[2];
	struct seen s = { .n = 0 };
	static const uint64_t want[] = { 1, 2, 3, 4, 5, 6, 7 };

	(void)state;
	two_rings(f, r);
	put_rec(&f[0], 1, 16, 0, 1);
	put_rec(&f[0], 4, 16, 0, 1);
	put_rec(&f[0], 5, 16, 0, 1);
	put_rec(&f[1], 2, 16, 0, 2);
	put_rec(&f[1], 3, 16, 0, 2);
	put_rec(&f[1], 6, 16, 0, 2);
	put_rec(&f[0], 7, 16, 0, 1);
	assert_int_equal(ns_rings_drain(r, 2, UINT64_MAX, collect, &s), 7);
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(s.ts[i], want[i]);
	assert_int_equal(s.fill[1], 2);
	assert_int_equal(s.fill[3], 1);
	free_two(f);
}

/* Records newer than the limit wait, and the kernel gets back only the space
 * of what was delivered. */
static void test_limit(void **state)
{
	struct fake f[2];
	struct ns_ring r[2];
	struct seen s = { .n = 0 };
	uint64_t p;

	(void)state;
	two_rings(f, r);
	put_rec(&f[0], 100, 16, 0, 1);
	p = put_rec(&f[0], 300, 16, 0, 1);
	put_rec(&f[1], 200, 16, 0, 2);
	assert_int_equal(ns_rings_drain(r, 2, 250, collect, &s), 2);
	assert_int_equal(s.ts[0], 100);
	assert_int_equal(s.ts[1], 200);
	assert_int_equal(f[0].consumer_pos, p);
	/* a record stamped 250 arrives late on the other ring: still in order */
	put_rec(&f[1], 250, 16, 0, 2);
	assert_int_equal(ns_rings_drain(r, 2, 1000, collect, &s), 2);
	assert_int_equal(s.ts[2], 250);
	assert_int_equal(s.ts[3], 300);
	assert_int_equal(f[0].consumer_pos, f[0].producer_pos);
	assert_int_equal(f[1].consumer_pos, f[1].producer_pos);
	free_two(f);
}

/* A reserved, uncommitted record holds back its ring (not the others); a
 * discarded one is skipped. */
static void test_busy_and_discard(void **state)
{
	struct fake f[2];
	struct ns_ring r[2];
	struct seen s = { .n = 0 };
	uint64_t busy;

	(void)state;
	two_rings(f, r);
	put_rec(&f[0], 1, 16, NS_RING_DISCARD_BIT, 9);
	busy = put_rec(&f[0], 2, 16, NS_RING_BUSY_BIT, 1);
	put_rec(&f[0], 3, 16, 0, 1);
	put_rec(&f[1], 4, 16, 0, 2);
	assert_int_equal(ns_rings_drain(r, 2, UINT64_MAX, collect, &s), 1);
	assert_int_equal(s.ts[0], 4);
	/* the discarded record's space is returned, the busy one's is not */
	assert_int_equal(f[0].consumer_pos, busy);
	put_u32(&f[0], busy, 16);  /* committed */
	assert_int_equal(ns_rings_drain(r, 2, UINT64_MAX, collect, &s), 2);
	assert_int_equal(s.ts[1], 2);
	assert_int_equal(s.ts[2], 3);
	free_two(f);
}

/* A record across the end of the ring is contiguous through the second
 * mapping; positions keep growing past the ring size. */
static void test_wrap(void **state)
{
	struct fake f;
	struct seen s = { .n = 0 };

	(void)state;
	fake_init(&f, 3 * RSZ - 24);
	put_rec(&f, 7, 100, 0, 0x5c);
	put_rec(&f, 8, 3000, 0, 0x5d);
	assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &s), 2);
	assert_int_equal(s.len[0], 100);
	assert_int_equal(s.fill[0], 0x5c);
	assert_int_equal(s.len[1], 3000);
	assert_int_equal(s.fill[1], 0x5d);
	assert_int_equal(f.consumer_pos, f.producer_pos);
	fake_free(&f);
}

static void test_stop(void **state)
{
	struct fake f;
	struct seen s = { .n = 0, .stop_at = 2 };

	(void)state;
	fake_init(&f, 0);
	put_rec(&f, 1, 16, 0, 1);
	put_rec(&f, 2, 16, 0, 1);
	put_rec(&f, 3, 16, 0, 1);
	assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &s), -1);
	assert_int_equal(s.n, 2);
	s.stop_at = 0;
	assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &s), 1);
	assert_int_equal(s.ts[2], 3);
	fake_free(&f);
}

/* A header claiming more than the ring holds (or more than was produced):
 * that ring is abandoned, nothing is read past it, the others go on. */
static void test_corrupt(void **state)
{
	struct fake f[2];
	struct ns_ring r[2];
	struct seen s = { .n = 0 };
	uint64_t p;

	(void)state;
	two_rings(f, r);
	put_rec(&f[0], 1, 16, 0, 1);
	p = put_rec(&f[0], 2, 16, 0, 1);
	put_u32(&f[0], p, RSZ + 8);
	put_rec(&f[1], 3, 16, 0, 2);
	assert_int_equal(ns_rings_drain(r, 2, UINT64_MAX, collect, &s), 2);
	assert_int_equal(s.ts[0], 1);
	assert_int_equal(s.ts[1], 3);
	assert_true(r[0].corrupt);
	assert_false(r[1].corrupt);
	/* longer than what was produced */
	fake_free(&f[0]);
	fake_init(&f[0], 0);
	p = put_rec(&f[0], 1, 16, 0, 1);
	put_u32(&f[0], p, 64);
	assert_int_equal(ns_rings_drain(&f[0].r, 1, UINT64_MAX, collect, &s), 0);
	assert_true(f[0].r.corrupt);
	free_two(f);
}

/* Records too short for a timestamp sort first and arrive whole. */
static void test_short_records(void **state)
{
	struct fake f[2];
	struct ns_ring r[2];
	struct seen s = { .n = 0 };

	(void)state;
	two_rings(f, r);
	put_rec(&f[0], 5, 16, 0, 1);
	put_rec(&f[1], 0, 3, 0, 0x77);
	put_rec(&f[1], 0, 0, 0, 0);
	assert_int_equal(ns_rings_drain(r, 2, UINT64_MAX, collect, &s), 3);
	assert_int_equal(s.len[0], 3);
	assert_int_equal(s.fill[0], 0x77);
	assert_int_equal(s.len[1], 0);
	assert_int_equal(s.ts[2], 5);
	free_two(f);
}

/* Many records through a small ring, consumer position published in
 * batches: every record once, in order, space always returned by the end. */
static void test_many_rounds(void **state)
{
	struct fake f;
	struct seen s;
	uint64_t ts = 0, next = 1;

	(void)state;
	fake_init(&f, 0);
	for (int round = 0; round < 500; round++) {
		unsigned k = (unsigned)(round % 7) + 1;

		for (unsigned i = 0; i < k; i++)
			put_rec(&f, ++ts, 8 + (uint32_t)((round * 13 + (int)i) % 300), 0, 0x33);
		assert_true(f.producer_pos - f.consumer_pos <= RSZ);
		memset(&s, 0, sizeof(s));
		assert_int_equal(ns_rings_drain(&f.r, 1, UINT64_MAX, collect, &s), (long)k);
		for (unsigned i = 0; i < k; i++)
			assert_int_equal(s.ts[i], next++);
		assert_int_equal(f.consumer_pos, f.producer_pos);
	}
	fake_free(&f);
}

static void test_cpulist(void **state)
{
	bool on[16];

	(void)state;
	assert_int_equal(ns_parse_cpulist("0-3,8,10-11\n", on, 16), 7);
	assert_true(on[0] && on[3] && on[8] && on[10] && on[11]);
	assert_false(on[4] || on[9] || on[12]);
	assert_int_equal(ns_parse_cpulist("0\n", on, 16), 1);
	assert_int_equal(ns_parse_cpulist("0-1", on, 16), 2);
	/* beyond the possible CPUs: ignored */
	assert_int_equal(ns_parse_cpulist("2-40\n", on, 16), 14);
	assert_int_equal(ns_parse_cpulist("", on, 16), 0);
	assert_int_equal(ns_parse_cpulist("x\n", on, 16), -1);
	assert_int_equal(ns_parse_cpulist("3-1\n", on, 16), -1);
	assert_int_equal(ns_parse_cpulist("1,,2\n", on, 16), -1);
	assert_int_equal(ns_parse_cpulist("1-\n", on, 16), -1);
	assert_int_equal(ns_parse_cpulist("1 2\n", on, 16), -1);
	assert_int_equal(ns_parse_cpulist("99999999999999999999\n", on, 16), -1);
}

/* A run interrupted on its CPU by another run that commits first: the ring
 * holds them out of time order, and they come out sorted, merged with the
 * other ring; space goes back only up to the first undelivered record. */
static void test_disorder_within_ring(void **state)
{
	struct fake f[2];
	struct ns_ring r[2];
	struct seen s = { .n = 0 };
	uint64_t p;

	(void)state;
	two_rings(f, r);
	put_rec(&f[0], 20, 16, 0, 1);   /* the interrupting run */
	put_rec(&f[0], 10, 16, 0, 1);   /* the interrupted one, stamped first */
	p = put_rec(&f[0], 40, 16, 0, 1);
	put_rec(&f[0], 30, 16, 0, 1);
	put_rec(&f[1], 15, 16, 0, 2);
	put_rec(&f[1], 35, 16, 0, 2);
	assert_int_equal(ns_rings_drain(r, 2, 32, collect, &s), 4);
	assert_int_equal(s.ts[0], 10);
	assert_int_equal(s.ts[1], 15);
	assert_int_equal(s.ts[2], 20);
	assert_int_equal(s.ts[3], 30);
	/* 40 is not delivered yet: its space and 30's stay with us */
	assert_int_equal(f[0].consumer_pos, p);
	assert_int_equal(ns_rings_drain(r, 2, UINT64_MAX, collect, &s), 2);
	assert_int_equal(s.ts[4], 35);
	assert_int_equal(s.ts[5], 40);
	assert_int_equal(f[0].consumer_pos, f[0].producer_pos);
	assert_int_equal(f[1].consumer_pos, f[1].producer_pos);
	free_two(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_ring),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_merge_two_rings),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_busy_and_discard),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_short_records),
		cmocka_unit_test(test_many_rounds),
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_disorder_within_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
