/* reasm: IPv4 and IPv6 fragment reassembly for the later stages (flows,
 * DNS, analysis). Packet events stay per fragment; what is rebuilt here is
 * only handed to the pipeline's consumers, so a TCP SYN or a DNS answer
 * split across fragments still makes its flow or cache entry.
 *
 * Keys are the RFCs': IPv4 (src, dst, protocol, id) (RFC 791), IPv6 (src,
 * dst, id) (RFC 8200 4.5). Everything is bounded: datagrams in flight
 * (max_datagrams), bytes held for them (max_bytes), and time (packet time,
 * from the first fragment: 30 s for IPv4 as Linux's ipfrag_time, 60 s for
 * IPv6 as RFC 8200 and Linux's ip6frag_time).
 *
 * Overlap policy (Linux since 4.19 for both versions, RFC 5722 for IPv6): a
 * fragment whose bytes are all held already is a re-send and is ignored (the
 * first copy wins; `conflicts` counts re-sends whose bytes differ); a
 * fragment that overlaps held data only in part drops the whole datagram
 * (`overlap`). IPv6 atomic fragments (offset 0, M=0: RFC 6946) are complete
 * datagrams and pass through as they are.
 *
 * Every datagram ends in exactly one of: reassembled, timeout, unfinished,
 * overlap, limit, truncated, malformed. A datagram that failed stays known
 * (without its data) until its timeout, so its later fragments are absorbed
 * and it is counted once.
 */
#ifndef NETSIFT_REASM_H
#define NETSIFT_REASM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dissect.h"

#define NS_REASM_MAX_BYTES      (4u << 20)   /* as Linux's ipfrag_high_thresh */
#define NS_REASM_MAX_DATAGRAMS  1024u
#define NS_REASM_TIMEOUT4_NS    (30ull * 1000000000ull)
#define NS_REASM_TIMEOUT6_NS    (60ull * 1000000000ull)

struct ns_reasm_limits {
	uint64_t max_bytes;      /* memory held for datagrams in flight */
	uint32_t max_datagrams;  /* datagrams in flight (failed ones included) */
	uint64_t timeout4_ns;    /* from the first fragment, in packet time */
	uint64_t timeout6_ns;
};

struct ns_reasm_stats {
	uint64_t fragments;      /* fragments taken in (atomic ones included) */
	uint64_t atomic;         /* IPv6 atomic fragments, passed through whole */
	uint64_t duplicates;     /* re-sent fragments, identical: ignored */
	uint64_t conflicts;      /* re-sent fragments with other bytes: ignored, first wins */
	/* datagrams, each in exactly one of these */
	uint64_t reassembled;
	uint64_t timeout;        /* incomplete when their time ran out */
	uint64_t unfinished;     /* incomplete at the end of the input */
	uint64_t overlap;        /* a fragment overlapped held data in part */
	uint64_t limit;          /* evicted or refused for max_bytes / max_datagrams */
	uint64_t truncated;      /* a fragment was not captured whole (caplen < length) */
	uint64_t malformed;      /* impossible lengths or offsets, above 64 KiB, nested fragments */
};
/* Datagrams lost: the sum of the failure counters. */
uint64_t ns_reasm_drops(const struct ns_reasm_stats *st);

/* "netsift: stats: reassembly fragments=N ..." (one line), if any fragment
 * was seen. The prefix is the one of the end-of-run summary. */
void ns_reasm_print_stats(FILE *fp, const struct ns_reasm_stats *st);

struct ns_reasm;

/* lim NULL: the defaults above. NULL when out of memory. */
struct ns_reasm *ns_reasm_new(const struct ns_reasm_limits *lim);
void ns_reasm_free(struct ns_reasm *r);
/* Empty, counters zero, as ns_reasm_new() made it (the fuzz harnesses reuse
 * one table per input rather than allocate 80 KiB each time). */
void ns_reasm_clear(struct ns_reasm *r);

/* What a packet is to reassembly. NS_FRAG_NONE also for a packet whose
 * fragment fields could not be read. */
enum ns_frag_kind { NS_FRAG_NONE = 0, NS_FRAG_ATOMIC, NS_FRAG_PART };
enum ns_frag_kind ns_reasm_kind(const struct ns_packet *pkt);

enum ns_reasm_rc {
	NS_REASM_PASS = 0,       /* not a fragment, or an atomic one: use pkt as it is */
	NS_REASM_HELD,           /* a fragment, kept (or ignored, or its datagram dropped) */
	NS_REASM_DONE,           /* it completed a datagram: *out is that datagram, decoded */
};
/* Take one decoded packet (any packet: each moves the clock that times
 * datagrams out). ip/ipcap: its captured bytes from the IP header on
 * (pkt was decoded from them). pkt->ctx gives the packet time. On
 * NS_REASM_DONE, out is the rebuilt datagram decoded (ns_dissect with
 * NS_LINK_NONE, the context of the completing fragment with the datagram's
 * length); its pointers stay valid until the next call on r. */
enum ns_reasm_rc ns_reasm_packet(struct ns_reasm *r, const struct ns_packet *pkt,
				 const uint8_t *ip, uint32_t ipcap, struct ns_packet *out);
/* Time out the datagrams whose time ended before now_ns (packet time). */
void ns_reasm_expire(struct ns_reasm *r, uint64_t now_ns);
/* End of one input: what is still incomplete is dropped as unfinished. */
void ns_reasm_flush(struct ns_reasm *r);
const struct ns_reasm_stats *ns_reasm_stats(const struct ns_reasm *r);
/* Memory held now (for tests). */
uint64_t ns_reasm_bytes(const struct ns_reasm *r);

#endif
