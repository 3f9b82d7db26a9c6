/* timeseq: per-packet records of connections for drawing (timeseq.h). */
#include "analyze/timeseq.h"
#include "analyze/analyze.h"
#include "hugemap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---------------------------------------------------------------- memory
 *
 * A report records every TCP packet: thousands of small arrays, growing
 * by doubling. From malloc, each new page of them is a page fault, and on
 * a virtual machine the faults cost more than the recording (a third of
 * `analyze --report` on a capture of 12,000 connections). Arrays come
 * instead from a pool: blocks of a power of two from 64 bytes to 1 MiB,
 * carved from 2 MiB slabs on transparent huge pages (one fault per slab)
 * and recycled per size when a connection's record is freed; larger
 * blocks are mapped on their own and grown with mremap (no copy). The
 * pool is returned whole by ts_rec_free. With NS_EXACT_ALLOC (configure
 * --enable-exact-alloc) every block is its own malloc, for ASan. */
#define POOL_MIN_SHIFT 6
#define POOL_MAX_SHIFT 20
#define POOL_NCLASS (POOL_MAX_SHIFT - POOL_MIN_SHIFT + 1)
#define POOL_SLAB NS_HUGE_PAGE
#define POOL_FIRST_SLAB (64u << 10)   /* a small capture pays for 64 KiB, not 2 MiB */

struct pool_slab {
	struct pool_slab *next;
	size_t bytes;
	bool mapped;             /* mmap'd (POOL_SLAB), else malloc'd */
};

struct ts_pool {
	void *free[POOL_NCLASS]; /* recycled blocks, linked through their first word */
	uint8_t *bump, *end;     /* the current slab's uncarved part */
	struct pool_slab *slabs;
};

#ifndef NS_EXACT_ALLOC
static unsigned shift_of(size_t bytes)
{
	unsigned s = POOL_MIN_SHIFT;
	while (((size_t)1 << s) < bytes)
		s++;
	return s;
}

/* What is left of a slab goes to the free lists, largest pieces first. */
static void pool_spill_rest(struct ts_pool *pl)
{
	for (unsigned s = POOL_MAX_SHIFT; s >= POOL_MIN_SHIFT; s--)
		while ((size_t)(pl->end - pl->bump) >= ((size_t)1 << s)) {
			*(void **)pl->bump = pl->free[s - POOL_MIN_SHIFT];
			pl->free[s - POOL_MIN_SHIFT] = pl->bump;
			pl->bump += (size_t)1 << s;
		}
}

static bool pool_slab_new(struct ts_pool *pl)
{
	struct pool_slab *sl;
	size_t bytes = pl->slabs ? POOL_SLAB : POOL_FIRST_SLAB;

	if (pl->slabs) {
		/* populated: it is carved front to back */
		if (!(sl = ns_map_huge(bytes, true)))
			return false;
		sl->mapped = true;
	} else if (!(sl = malloc(bytes))) {
		return false;
	} else {
		sl->mapped = false;
	}
	pool_spill_rest(pl);
	sl->bytes = bytes;
	sl->next = pl->slabs;
	pl->slabs = sl;
	/* blocks start 64 bytes in: the header, and each block a cache line's
	 * multiple from the slab's start */
	pl->bump = (uint8_t *)sl + 64;
	pl->end = (uint8_t *)sl + bytes;
	return true;
}
#endif

/* A block of at least `bytes` (its size in *got); NULL if out of memory. */
static void *pool_get(struct ts_pool *pl, size_t bytes, size_t *got)
{
#ifdef NS_EXACT_ALLOC
	(void)pl;
	*got = bytes;
	return malloc(bytes);
#else
	unsigned s = shift_of(bytes);
	size_t size = (size_t)1 << s;

	*got = size;
	if (s > POOL_MAX_SHIFT)   /* not populated: half of it waits for growth */
		return ns_map_huge(size, false);
	void **head = &pl->free[s - POOL_MIN_SHIFT];
	if (*head) {
		void *b = *head;
		*head = *(void **)b;
		return b;
	}
	while ((size_t)(pl->end - pl->bump) < size)   /* a 2 MiB slab holds any class */
		if (!pool_slab_new(pl))
			return NULL;
	void *b = pl->bump;
	pl->bump += size;
	return b;
#endif
}

/* Give back a block of pool_get(bytes). */
static void pool_put(struct ts_pool *pl, void *b, size_t bytes)
{
	if (!b)
		return;
#ifdef NS_EXACT_ALLOC
	(void)pl;
	(void)bytes;
	free(b);
#else
	unsigned s = shift_of(bytes);
	if (s > POOL_MAX_SHIFT) {
		munmap(b, (size_t)1 << s);
		return;
	}
	*(void **)b = pl->free[s - POOL_MIN_SHIFT];
	pl->free[s - POOL_MIN_SHIFT] = b;
#endif
}

/* The block b of `bytes`, made at least `want` bytes, contents kept. */
static void *pool_resize(struct ts_pool *pl, void *b, size_t bytes, size_t want, size_t *got)
{
#ifdef NS_EXACT_ALLOC
	(void)pl;
	(void)bytes;
	*got = want;
	return realloc(b, want);
#else
	if (b && shift_of(bytes) > POOL_MAX_SHIFT) {
		size_t size = (size_t)1 << shift_of(want);
		void *m = mremap(b, (size_t)1 << shift_of(bytes), size, MREMAP_MAYMOVE);
		if (m == MAP_FAILED)
			return NULL;
		*got = size;
		return m;
	}
	void *n = pool_get(pl, want, got);
	if (n && b) {
		memcpy(n, b, bytes);
		pool_put(pl, b, bytes);
	}
	return n;
#endif
}

static void pool_free(struct ts_pool *pl)
{
	if (!pl)
		return;
	while (pl->slabs) {
		struct pool_slab *sl = pl->slabs;
		pl->slabs = sl->next;
		if (sl->mapped)
			munmap(sl, sl->bytes);
		else
			free(sl);
	}
	free(pl);
}

void ts_rec_init(struct ts_rec *r)
{
	memset(r, 0, sizeof(*r));
}

void ts_conn_free(struct ts_conn *c)
{
	if (!c)
		return;
	pool_put(c->pool, c->p, (size_t)c->cap * sizeof(*c->p));
	pool_put(c->pool, c->sack, (size_t)c->sack_cap * sizeof(*c->sack));
	pool_put(c->pool, c, sizeof(*c));
}

static struct ts_conn **slot(struct ts_rec *r, uint64_t stream)
{
	if (stream >= r->cap) {
		size_t cap = r->cap ? r->cap : 256;
		while (cap <= stream)
			cap *= 2;
		struct ts_conn **n = realloc(r->by_stream, cap * sizeof(*n));
		if (!n)
			return NULL;
		memset(n + r->cap, 0, (cap - r->cap) * sizeof(*n));
		r->by_stream = n;
		r->cap = cap;
	}
	return &r->by_stream[stream];
}

/* Double the array *arr of *cap elements (32 at first, rounded up to the
 * block: 51 packets). */
static bool grow(struct ts_pool *pl, void **arr, uint32_t *cap, size_t elem)
{
	size_t want = (*cap ? (size_t)*cap * 2 : 32) * elem, got;
	void *n = pool_resize(pl, *arr, (size_t)*cap * elem, want, &got);
	if (!n)
		return false;
	*arr = n;
	got /= elem;             /* a block may hold more than asked for */
	*cap = got > UINT32_MAX ? UINT32_MAX : (uint32_t)got;
	return true;
}

void ts_rec_packet(struct ts_rec *r, const struct ns_packet *pkt, const struct ns_an_pkt *a)
{
	if (!a->tcp || (r->only_one && a->stream != r->stream))
		return;
	struct ts_conn **s = slot(r, a->stream);
	if (!s || (!r->pool && !(r->pool = calloc(1, sizeof(*r->pool))))) {
		r->nomem++;
		return;
	}
	if (!*s) {
		size_t got;
		if (!(*s = pool_get(r->pool, sizeof(**s), &got))) {
			r->nomem++;
			return;
		}
		**s = (struct ts_conn){ .stream = a->stream, .pool = r->pool };
	}
	struct ts_conn *c = *s;
	if (c->truncated)
		return;
	if (c->n == c->cap && c->n < TS_MAX_PKTS &&
	    !grow(c->pool, (void **)&c->p, &c->cap, sizeof(*c->p)))
		r->nomem++;
	if (c->n == c->cap) {
		c->truncated = true;
		return;
	}
	const struct ns_tcp *t = &pkt->tcp;
	struct ts_pkt *p = &c->p[c->n];
	p->ts_ns = pkt->ctx ? pkt->ctx->ts_ns : 0;
	p->frame = pkt->ctx ? pkt->ctx->frame : 0;
	p->seq = a->rel_seq;
	p->ack = a->rel_ack;
	p->len = t->payload_len;
	p->win = t->window;
	p->rtt_us = TS_NO_RTT;
	if (a->has_rtt)
		p->rtt_us = a->rtt_ns / 1000 >= TS_NO_RTT ? TS_NO_RTT - 1 : (uint32_t)(a->rtt_ns / 1000);
	p->aflags = (uint16_t)a->flags;
	p->tcpflags = (uint8_t)t->flags;
	p->from_init = a->from_initiator;
	p->has_ack = (t->flags & NS_TCP_ACK) != 0;
	p->nsack = 0;
	/* SACK edges are in the peer's sequence space, like the ACK: the
	 * ACK's own absolute-to-relative offset converts them */
	for (unsigned k = 0; k < t->nsack && k < 7 && p->has_ack; k++) {
		if (c->nsack == c->sack_cap &&
		    !grow(c->pool, (void **)&c->sack, &c->sack_cap, sizeof(*c->sack))) {
			r->nomem++;
			break;
		}
		uint32_t base = t->ack - a->rel_ack;
		c->sack[c->nsack++] = (struct ts_sack){
			.pkt = c->n, .left = t->sack_left[k] - base, .right = t->sack_right[k] - base,
		};
		p->nsack++;
	}
	c->n++;
}

struct ts_conn *ts_rec_take(struct ts_rec *r, uint64_t stream)
{
	if (stream >= r->cap)
		return NULL;
	struct ts_conn *c = r->by_stream[stream];
	r->by_stream[stream] = NULL;
	return c;
}

void ts_rec_clear(struct ts_rec *r)
{
	for (size_t i = 0; i < r->cap; i++) {
		ts_conn_free(r->by_stream[i]);
		r->by_stream[i] = NULL;
	}
}

void ts_rec_free(struct ts_rec *r)
{
	ts_rec_clear(r);
	free(r->by_stream);
	r->by_stream = NULL;
	r->cap = 0;
	pool_free(r->pool);
	r->pool = NULL;
}
