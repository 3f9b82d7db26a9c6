/* Reading BPF ring buffers (BPF_MAP_TYPE_RINGBUF) that are mapped into our
 * memory, and merging several of them (one per CPU) into one stream in time
 * order.
 *
 * Why not libbpf's ring_buffer: it consumes ring after ring, so with one ring
 * per CPU a SYN-ACK received on one CPU could come out before the SYN sent on
 * another; and it publishes the consumer position after every record, a cache
 * line the kernel reads on every reservation. Here records are merged by their
 * timestamp and the position is published in batches.
 *
 * No libbpf and no I/O: live_bpf.c maps the rings, the unit test builds fake
 * ones in plain memory. The layout is the kernel's (linux/bpf.h, ringbuf.c):
 * every record starts with an 8-byte header {u32 len, u32 page offset}, bit 31
 * of len = still being written, bit 30 = discarded; records are padded to 8
 * bytes; the data pages are mapped twice in a row, so a record that wraps
 * around the end is still contiguous.
 */
#ifndef NETSIFT_RINGREAD_H
#define NETSIFT_RINGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_RING_HDR_SZ 8u
#define NS_RING_BUSY_BIT (1u << 31)
#define NS_RING_DISCARD_BIT (1u << 30)

/* Records of one ring read but not yet handed back to the kernel: a program
 * run can stamp its record, be interrupted by another run on the same CPU
 * (a softirq, or a preempting task) that commits first, and commit after it,
 * so a ring is only nearly in time order. The reader looks ahead this many
 * records per ring and delivers them sorted. When the reader falls behind
 * (a slow CPU, a sanitizer build), records past the window are unseen, so
 * the window must span more time than a record can be out of order: 1024
 * records were 16 ms at 64,000 packets/s per CPU, and a CI run under ASan
 * retimed 841 of 386,045 records by up to 16 ms; 16384 are 256 ms there
 * (425 KiB per CPU). */
#define NS_RING_WIN 16384u

struct ns_ring_ent {
	uint64_t ts;
	uint64_t pos;                  /* the record's header in the ring */
	uint32_t len;                  /* sample length */
	uint32_t done;                 /* delivered or discarded: space can go back */
};

/* Called for each record as it is first read from its ring, before it waits
 * in the window for its turn (records are delivered up to the merge's
 * look-behind later): for work that cannot wait, such as reading /proc of a
 * process that may soon exit. */
typedef void (*ns_ring_peek_fn)(void *arg, const void *data, size_t size);

struct ns_ring {
	/* optional, set by the caller: see ns_ring_peek_fn */
	ns_ring_peek_fn peek;
	void *peek_arg;
	/* set up by the caller */
	uint64_t *consumer_pos;        /* shared page, written by us */
	const uint64_t *producer_pos;  /* shared page, written by the kernel */
	const uint8_t *data;           /* 2 * (mask + 1) bytes */
	uint64_t mask;                 /* ring size - 1 (a power of two) */
	/* reader state: ns_ring_init() */
	uint64_t cons;                 /* our position, published in batches */
	uint64_t published;
	uint64_t prod;                 /* last producer position read */
	uint64_t scan;                 /* next record to look at (>= cons) */
	bool corrupt;                  /* a header that cannot be: ring abandoned */
	/* records between cons and scan: win[seq % NS_RING_WIN] for seq in
	 * [whead, wtail), in ring order; order[ostart..oend) are the slots of
	 * those not yet delivered, sorted by time (stable) */
	uint32_t whead, wtail;
	uint32_t ostart, oend;
	struct ns_ring_ent win[NS_RING_WIN];
	uint16_t order[NS_RING_WIN];
};

/* Reset the reader state from the ring's shared positions. */
void ns_ring_init(struct ns_ring *r);

/* Called for each record, in time order; return negative to stop. */
typedef int (*ns_ring_fn)(void *arg, const void *data, size_t size);

/* Deliver the committed records of n rings in order of their timestamp (the
 * first 8 bytes of a record, native order; a shorter record sorts as 0), only
 * those stamped <= limit; later ones stay for the next call. Within a ring,
 * records are sorted too (up to NS_RING_WIN ahead; equal stamps keep the
 * ring's order). Returns the number delivered, or -1 if fn stopped. */
long ns_rings_drain(struct ns_ring *rings, unsigned n, uint64_t limit,
		    ns_ring_fn fn, void *arg);

/* Parse a kernel CPU list ("0-3,8,10-11\n", as in
 * /sys/devices/system/cpu/online) into on[0..n-1]. Returns the number of
 * CPUs set, or -1 on a malformed list. CPUs >= n are ignored. */
int ns_parse_cpulist(const char *s, bool *on, unsigned n);

#endif
