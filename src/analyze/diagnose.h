/* netsift analyze: diagnoses, what an analyst concludes from a connection's
 * packets (one-way loss, MTU black hole, filtered port, receiver stall, ...),
 * each with the frames it rests on and a confidence.
 *
 * Fed by the engine (analyze.c) with every TCP packet of a connection and the
 * ICMP errors that quote one; concluded once when the connection is handed
 * over. Its own per-connection record (ns_an_conn.dx) keeps what the engine's
 * report does not: every transmission of a segment as one series (even across
 * ACKs the sender evidently never got), IP TTL/ID/DF/length per side, window
 * and RST history. See man/netsift.1 (analyze, DIAGNOSES) for the rules.
 */
#ifndef NETSIFT_DIAGNOSE_H
#define NETSIFT_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>
#include "dissect.h"

struct ns_an_conn;
struct outbuf;

#define NS_DX_MAX_DIAG 8
#define NS_DX_MAX_EVIDENCE 16

struct ns_dx_diag {
	const char *kind;        /* stable snake_case: "one_way_loss", ... */
	int from;                /* side it concerns (0 initiator, 1 responder), -1 none */
	const char *confidence;  /* "high", "medium", "low" */
	uint32_t nframes;
	uint64_t frames[NS_DX_MAX_EVIDENCE];
	char *text;              /* one or two sentences, each citing frames */
};

/* Engine hooks (analyze.c). dx is the connection's record, which the engine
 * attaches to every connection it makes (ns_dx_attach); without one the hooks
 * do nothing. aflags: the packet's enum ns_an_flag bits. */
void ns_dx_packet(struct ns_an_conn *c, int side, const struct ns_packet *p, uint32_t aflags,
		  uint64_t frame, uint64_t ts);
/* An ICMP error quoting a packet of c sent by `side`. */
void ns_dx_icmp(struct ns_an_conn *c, int side, const struct ns_packet *p, uint64_t frame,
		uint64_t ts);
/* The connection is over; capture_last_ts: the capture's last packet so far. */
void ns_dx_conclude(struct ns_an_conn *c, uint64_t capture_last_ts);
/* Allocations for c's diagnoses that failed (what they would have held is
 * missing: the engine adds them to ns_an_nomem). */
uint32_t ns_dx_nomem(const struct ns_an_conn *c);
/* Frees what the record holds (the record itself is the engine's). */
void ns_dx_free(struct ns_an_conn *c);
/* The record in storage of the engine's (its connection slab: no malloc per
 * connection): NS_DX_BYTES zeroed bytes aligned as uint64_t, owned by the
 * caller and valid until ns_dx_free(c). */
#define NS_DX_BYTES 1176u
void ns_dx_attach(struct ns_an_conn *c, void *mem);

/* Report (valid after ns_dx_conclude, in the engine's callback). */
uint32_t ns_dx_count(const struct ns_an_conn *c);
const struct ns_dx_diag *ns_dx_get(const struct ns_an_conn *c, uint32_t i);
/* Where the capture was taken: side 0/1, -1 unknown; *why: the evidence. */
int ns_dx_vantage(const struct ns_an_conn *c, const char **why);
/* The retransmission series of one side, as sentences (empty when none);
 * NULL when the connection has no record (then the engine's list is used). */
const char *ns_dx_series_text(const struct ns_an_conn *c, int side);

/* Renderers: the diagnoses' sentences (main first) for the verdict; the
 * JSON "diagnoses" array and "capturePoint" value. */
void ns_dx_verdict_ob(struct outbuf *ob, const struct ns_an_conn *c);
void ns_dx_json_ob(struct outbuf *ob, const struct ns_an_conn *c,
		   void (*js_str)(struct outbuf *, const char *));

#endif
