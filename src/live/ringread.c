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
	r->head = NULL;
	r->head_len = 0;
	r->head_ts = 0;
	r->corrupt = false;
}

/* Bytes a record of len takes in the ring: header plus sample, 8-aligned. */
static uint64_t record_span(uint32_t len)
{
	return ((uint64_t)len + NS_RING_HDR_SZ + 7u) & ~(uint64_t)7u;
}

/* Point r->head at the next committed record, skipping discarded ones. The
 * producer position is read again only when what we had is used up, so a
 * busy ring costs one shared read per batch, not per record. */
static void find_head(struct ns_ring *r)
{
	bool reread = false;

	r->head = NULL;
	while (!r->corrupt) {
		const uint8_t *hdr;
		uint32_t raw, len;

		if (r->cons >= r->prod) {
			if (reread)
				return;
			r->prod = load_acquire64(r->producer_pos);
			reread = true;
			continue;
		}
		hdr = r->data + (r->cons & r->mask);
		raw = load_acquire32(hdr);
		if (raw & NS_RING_BUSY_BIT)
			return;  /* reserved, not yet committed: later */
		len = raw & ~(NS_RING_BUSY_BIT | NS_RING_DISCARD_BIT);
		/* the kernel never writes this; refuse to read past the ring */
		if (record_span(len) > r->mask + 1 || record_span(len) > r->prod - r->cons) {
			r->corrupt = true;
			return;
		}
		if (raw & NS_RING_DISCARD_BIT) {
			r->cons += record_span(len);
			continue;
		}
		r->head = hdr + NS_RING_HDR_SZ;
		r->head_len = len;
		r->head_ts = 0;
		if (len >= sizeof(r->head_ts))
			memcpy(&r->head_ts, r->head, sizeof(r->head_ts));
		return;
	}
}

static void advance(struct ns_ring *r)
{
	r->cons += record_span(r->head_len);
	/* publish every 1/16 of the ring: the kernel sees the space come back
	 * without a shared write per record */
	if (r->cons - r->published >= (r->mask + 1) / 16)
		publish(r);
	find_head(r);
}

long ns_rings_drain(struct ns_ring *rings, unsigned n, uint64_t limit,
		    ns_ring_fn fn, void *arg)
{
	long delivered = 0;
	bool stopped = false;

	for (unsigned i = 0; i < n; i++)
		find_head(&rings[i]);
	while (!stopped) {
		struct ns_ring *best = NULL;

		for (unsigned i = 0; i < n; i++) {
			struct ns_ring *r = &rings[i];

			if (r->head && r->head_ts <= limit &&
			    (!best || r->head_ts < best->head_ts))
				best = r;
		}
		if (!best)
			break;
		if (fn(arg, best->head, best->head_len) < 0)
			stopped = true;
		delivered++;
		advance(best);
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
