/* BPF ring buffer reader and time-order merge (see ringread.h). */
#include "config.h"

#include <string.h>

#include "ringread.h"

static uint64_t load_acquire64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint32_t load_acquire32(const uint8_t *p)
{
	return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_ACQUIRE);
}

static void publish(struct ns_ring *r)
{
	if (r->published != r->cons) {
		__atomic_store_n(r->consumer_pos, r->cons, __ATOMIC_RELEASE);
		r->published = r->cons;
	}
}

void ns_ring_init(struct ns_ring *r)
{
	r->cons = load_acquire64(r->consumer_pos);
	r->published = r->cons;
	r->prod = load_acquire64(r->producer_pos);
	r->scan = r->cons;
	r->corrupt = false;
	r->whead = r->wtail = 0;
	r->ostart = r->oend = 0;
}

/* Bytes a record of len takes in the ring: header plus sample, 8-aligned. */
static uint64_t record_span(uint32_t len)
{
	return ((uint64_t)len + NS_RING_HDR_SZ + 7u) & ~(uint64_t)7u;
}

/* Put a delivered-to-be record's slot into the sorted order: from the end,
 * since records come nearly sorted. */
static void order_insert(struct ns_ring *r, uint16_t slot)
{
	uint32_t i;

	if (r->oend == NS_RING_WIN) {
		/* never full of live slots (the window is not): compact */
		memmove(r->order, r->order + r->ostart,
			(r->oend - r->ostart) * sizeof(r->order[0]));
		r->oend -= r->ostart;
		r->ostart = 0;
	}
	i = r->oend;
	while (i > r->ostart && r->win[r->order[i - 1]].ts > r->win[slot].ts) {
		r->order[i] = r->order[i - 1];
		i--;
	}
	r->order[i] = slot;
	r->oend++;
}

/* Read the committed records after r->scan into the window. The producer
 * position is read again only when what we had is used up, so a busy ring
 * costs one shared read per batch, not per record. */
static void scan_ring(struct ns_ring *r)
{
	bool reread = false;

	while (!r->corrupt && r->wtail - r->whead < NS_RING_WIN) {
		const uint8_t *hdr;
		struct ns_ring_ent *e;
		uint32_t raw, len;
		uint16_t slot;

		if (r->scan >= r->prod) {
			if (reread)
				return;
			r->prod = load_acquire64(r->producer_pos);
			reread = true;
			continue;
		}
		hdr = r->data + (r->scan & r->mask);
		raw = load_acquire32(hdr);
		if (raw & NS_RING_BUSY_BIT)
			return;  /* reserved, not yet committed: later */
		len = raw & ~(NS_RING_BUSY_BIT | NS_RING_DISCARD_BIT);
		/* the kernel never writes this; refuse to read past the ring */
		if (record_span(len) > r->mask + 1 || record_span(len) > r->prod - r->scan) {
			r->corrupt = true;
			return;
		}
		slot = (uint16_t)(r->wtail % NS_RING_WIN);
		e = &r->win[slot];
		e->pos = r->scan;
		e->len = len;
		e->ts = 0;
		e->done = (raw & NS_RING_DISCARD_BIT) != 0;
		if (!e->done && len >= sizeof(e->ts))
			memcpy(&e->ts, hdr + NS_RING_HDR_SZ, sizeof(e->ts));
		r->wtail++;
		r->scan += record_span(len);
		if (!e->done) {
			order_insert(r, slot);
			if (r->peek)
				r->peek(r->peek_arg, hdr + NS_RING_HDR_SZ, len);
		}
	}
}

/* Give back the space of the delivered records at the front of the window;
 * published every 1/16 of the ring, so the kernel sees the space come back
 * without a shared write per record. */
static void release(struct ns_ring *r)
{
	while (r->whead != r->wtail) {
		struct ns_ring_ent *e = &r->win[r->whead % NS_RING_WIN];

		if (!e->done)
			break;
		r->cons = e->pos + record_span(e->len);
		r->whead++;
	}
	if (r->cons - r->published >= (r->mask + 1) / 16)
		publish(r);
}

long ns_rings_drain(struct ns_ring *rings, unsigned n, uint64_t limit,
		    ns_ring_fn fn, void *arg)
{
	long delivered = 0;
	bool stopped = false;

	for (unsigned i = 0; i < n; i++) {
		scan_ring(&rings[i]);
		release(&rings[i]);  /* discarded records at the front */
	}
	while (!stopped) {
		struct ns_ring *best = NULL;
		struct ns_ring_ent *be = NULL;

		for (unsigned i = 0; i < n; i++) {
			struct ns_ring *r = &rings[i];
			struct ns_ring_ent *e;

			if (r->ostart == r->oend)
				continue;
			e = &r->win[r->order[r->ostart]];
			if (e->ts <= limit && (!be || e->ts < be->ts)) {
				best = r;
				be = e;
			}
		}
		if (!best)
			break;
		if (fn(arg, best->data + (be->pos & best->mask) + NS_RING_HDR_SZ, be->len) < 0)
			stopped = true;
		delivered++;
		be->done = 1;
		best->ostart++;
		if (best->ostart == best->oend)
			best->ostart = best->oend = 0;
		release(best);
		/* a full window may hide more records behind it */
		if (best->wtail - best->whead < NS_RING_WIN / 2 && best->scan < best->prod)
			scan_ring(best);
	}
	for (unsigned i = 0; i < n; i++)
		publish(&rings[i]);
	return stopped ? -1 : delivered;
}

int ns_parse_cpulist(const char *s, bool *on, unsigned n)
{
	int count = 0;

	for (unsigned i = 0; i < n; i++)
		on[i] = false;
	while (*s && *s != '\n') {
		unsigned long a = 0, b;
		const char *start = s;

		while (*s >= '0' && *s <= '9' && a < 1000000)
			a = a * 10 + (unsigned long)(*s++ - '0');
		if (s == start)
			return -1;
		b = a;
		if (*s == '-') {
			start = ++s;
			b = 0;
			while (*s >= '0' && *s <= '9' && b < 1000000)
				b = b * 10 + (unsigned long)(*s++ - '0');
			if (s == start || b < a)
				return -1;
		}
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -1;
		for (unsigned long c = a; c <= b && c < n; c++) {
			if (!on[c])
				count++;
			on[c] = true;
		}
	}
	return count;
}
