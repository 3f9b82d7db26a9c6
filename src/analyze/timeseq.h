/* timeseq: what each TCP packet of a connection looked like to the analysis
 * (time, frame, relative seq/ack, length, window, flags, SACK blocks, RTT
 * sample), kept per connection so a connection can be drawn once it is over
 * (the HTML report's time-sequence graphs, `analyze --plot`).
 *
 * The engine (analyze.c) keeps summaries only; this recorder is fed from
 * outside it with what ns_an_packet() already returns for each packet (struct
 * ns_an_pkt: stream, direction, flags, relative numbers, RTT sample) plus the
 * packet's TCP header. No hook inside the engine is needed.
 *
 * Memory: 40 bytes per packet (plus 12 per SACK block) for every connection
 * still open; a connection's record is handed over with ts_rec_take() when
 * the engine finishes the connection, and freed by the caller. A record stops
 * growing at TS_MAX_PKTS packets, or when out of memory (it says so:
 * truncated; ts_rec.nomem counts the packets memory cost, for the run to
 * report).
 */
#ifndef NETSIFT_TIMESEQ_H
#define NETSIFT_TIMESEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect.h"

struct ns_an_pkt;

#define TS_MAX_PKTS (1u << 21)   /* 2 Mi packets (80 MiB) per connection at most */

struct ts_pkt {              /* 40 bytes */
	uint64_t ts_ns;
	uint64_t frame;
	uint32_t seq, ack;       /* relative, as the analysis gives them */
	uint32_t len;            /* payload bytes */
	uint32_t win;            /* the window field as sent (unscaled) */
	uint32_t rtt_us;         /* RTT sample this ACK gave (TS_NO_RTT: none) */
	uint16_t aflags;         /* enum ns_an_flag bits */
	uint8_t tcpflags;        /* NS_TCP_* bits (the low 8) */
	uint8_t from_init : 1;   /* sent by the initiator */
	uint8_t has_ack : 1;
	uint8_t nsack : 3;       /* SACK blocks, in ts_conn.sack[sack_off..] */
};
#define TS_NO_RTT UINT32_MAX

struct ts_sack {             /* one SACK block, relative to the receiver's view */
	uint32_t pkt;            /* index into ts_conn.p */
	uint32_t left, right;
};

struct ts_pool;

struct ts_conn {
	uint64_t stream;
	struct ts_pool *pool;    /* where its arrays came from (timeseq.c) */
	struct ts_pkt *p;
	uint32_t n, cap;
	struct ts_sack *sack;
	uint32_t nsack, sack_cap;
	bool truncated;          /* TS_MAX_PKTS reached or out of memory */
};

/* Connections being recorded, indexed by stream (streams are 0-based and
 * dense within one engine run). */
struct ts_rec {
	struct ts_conn **by_stream;
	size_t cap;
	bool only_one;           /* record only `stream` (--plot) */
	uint64_t stream;
	struct ts_pool *pool;    /* the records' memory, made at the first packet */
	uint64_t nomem;          /* packets not recorded for want of memory */
};

void ts_rec_init(struct ts_rec *r);
/* Record one packet the engine analysed (a->tcp false: ignored). */
void ts_rec_packet(struct ts_rec *r, const struct ns_packet *pkt, const struct ns_an_pkt *a);
/* Hand over stream's record (NULL if none); the caller frees it
 * (ts_conn_free) before ts_rec_free, which releases the memory it is in. */
struct ts_conn *ts_rec_take(struct ts_rec *r, uint64_t stream);
/* Forget every record (end of an input file: streams restart). */
void ts_rec_clear(struct ts_rec *r);
void ts_rec_free(struct ts_rec *r);
void ts_conn_free(struct ts_conn *c);

#endif
