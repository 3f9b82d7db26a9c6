/* The analysis report as JSON (`netsift analyze -o json`): one object per
 * connection per line, in a stable key order.
 */
#include "analyze/analyze_report.h"
#include "conn/zeekconn.h"
#include "analyze/diagnose.h"
#include "output/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- JSON */

/* A JSON string as this report always wrote it: \" and \\, every other byte
 * outside printable ASCII as \u00xx (no \n shorthands). s has length n. */
static void js_mem(struct outbuf *ob, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ob_putc(ob, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			ob_putc(ob, (char)ch);
		} else if (ch == '"' || ch == '\\') {
			char *d = ob_reserve(ob, 2);
			d[0] = '\\';
			d[1] = (char)ch;
			ob->len += 2;
		} else {
			char *d = ob_reserve(ob, 6);
			memcpy(d, "\\u00", 4);
			d[4] = hex[ch >> 4];
			d[5] = hex[ch & 15];
			ob->len += 6;
		}
	}
	ob_putc(ob, '"');
}

static void js_str(struct outbuf *ob, const char *s)
{
	js_mem(ob, s, strlen(s));
}

static void js_bool(struct outbuf *ob, bool v)
{
	if (v)
		OB_LIT(ob, "true");
	else
		OB_LIT(ob, "false");
}

static void js_opt_u64(struct outbuf *ob, bool has, uint64_t v)
{
	if (has)
		ob_u64(ob, v);
	else
		OB_LIT(ob, "null");
}

static void js_time(struct outbuf *ob, const struct ns_an_conn *c, uint64_t ts)
{
	ns_an_ob_secs6(ob, rel_ns(c, ts));
}

/* ,"key":value with the key a literal */
#define JS_KEY(ob, k) OB_LIT((ob), ",\"" k "\":")

/* The fixed-shape objects below are written through a cursor (outbuf.h):
 * one reservation of the most they can take, then no ob->len round trip
 * per member. */
#define P_KEY(p, k) P_LIT((p), ",\"" k "\":")

static char *p_opt(char *p, bool has, uint64_t v)
{
	if (has)
		return p_u64(p, v);
	return P_LIT(p, "null");
}

static char *p_bool(char *p, bool v)
{
	if (v)
		return P_LIT(p, "true");
	return P_LIT(p, "false");
}

static void js_endpoint(struct outbuf *ob, const struct ns_an_dir *d)
{
	char *p = ob_cursor(ob, 128 + NS_ADDR_STRLEN);
	const char *pc = ns_an_port_class(d->port);

	/* an address and a port class need no escaping */
	P_LIT(p, "{\"ip\":\"");
	p += ns_addr_format(&d->addr, p);
	P_LIT(p, "\",\"port\":");
	p = p_u64(p, d->port);
	P_LIT(p, ",\"portClass\":\"");
	p = p_mem(p, pc, strlen(pc));
	P_LIT(p, "\"}");
	ob_commit(ob, p);
}

/* 22 members: names under 32 bytes, numbers under 21 */
#define STATS_MAX (22 * (32 + 20) + 8)

static void js_stats(struct outbuf *ob, const struct ns_an_dir *d)
{
	char *p = ob_cursor(ob, STATS_MAX);

	P_LIT(p, "{\"packets\":");
	p = p_u64(p, d->packets);
	P_KEY(p, "payloadBytes");
	p = p_u64(p, d->payload_bytes);
	P_KEY(p, "uniqueBytes");
	p = p_u64(p, d->unique_bytes);
	P_KEY(p, "retransmissions");
	p = p_u64(p, retrans_count(d));
	P_KEY(p, "retransmittedBytes");
	p = p_u64(p, d->retrans_bytes);
	P_KEY(p, "fastRetransmissions");
	p = p_u64(p, ns_an_finding(d, NS_FIND_FAST_RETRANS)->count);
	P_KEY(p, "spuriousRetransmissions");
	p = p_u64(p, ns_an_finding(d, NS_FIND_SPURIOUS)->count);
	P_KEY(p, "duplicateAcks");
	p = p_u64(p, ns_an_finding(d, NS_FIND_DUP_ACK)->count);
	P_KEY(p, "outOfOrder");
	p = p_u64(p, ns_an_finding(d, NS_FIND_OOO)->count);
	P_KEY(p, "lostSegments");
	p = p_u64(p, ns_an_finding(d, NS_FIND_LOST)->count);
	P_KEY(p, "ackedUnseen");
	p = p_u64(p, ns_an_finding(d, NS_FIND_ACK_LOST)->count);
	P_KEY(p, "keepAlives");
	p = p_u64(p, ns_an_finding(d, NS_FIND_KEEP_ALIVE)->count);
	P_KEY(p, "zeroWindows");
	p = p_u64(p, ns_an_finding(d, NS_FIND_ZERO_WINDOW)->count);
	P_KEY(p, "zeroWindowProbes");
	p = p_u64(p, ns_an_finding(d, NS_FIND_ZW_PROBE)->count);
	P_KEY(p, "windowFull");
	p = p_u64(p, ns_an_finding(d, NS_FIND_WINDOW_FULL)->count);
	P_KEY(p, "windowUpdates");
	p = p_u64(p, ns_an_finding(d, NS_FIND_WINDOW_UPDATE)->count);
	P_KEY(p, "windowMin");
	p = p_opt(p, d->win_seen, d->win_min);
	P_KEY(p, "windowMax");
	p = p_opt(p, d->win_seen, d->win_max);
	P_KEY(p, "windowAvg");
	p = p_opt(p, d->win_seen, d->win_n ? d->win_sum / d->win_n : 0);
	P_KEY(p, "rttSamples");
	p = p_u64(p, d->rtt_n);
	P_KEY(p, "rttMinUs");
	p = p_opt(p, d->rtt_n, d->rtt_min_ns / 1000);
	P_KEY(p, "rttAvgUs");
	p = p_opt(p, d->rtt_n, d->rtt_n ? d->rtt_sum_ns / d->rtt_n / 1000 : 0);
	P_KEY(p, "rttMaxUs");
	p = p_opt(p, d->rtt_n, d->rtt_max_ns / 1000);
	P_KEY(p, "maxTransmissions");
	p = p_u64(p, d->max_tx);
	*p++ = '}';
	ob_commit(ob, p);
}

/* 13 members */
#define HANDSHAKE_MAX (13 * (32 + 20) + 8)

static void js_handshake(struct outbuf *ob, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	char *p = ob_cursor(ob, HANDSHAKE_MAX);

	P_LIT(p, "{\"synFrame\":");
	p = p_opt(p, c->syn_frame, c->syn_frame);
	P_KEY(p, "synAckFrame");
	p = p_opt(p, c->synack_frame, c->synack_frame);
	P_KEY(p, "ackFrame");
	p = p_opt(p, c->hs_ack_frame, c->hs_ack_frame);
	P_KEY(p, "synCount");
	p = p_u64(p, c->syn_count);
	P_KEY(p, "initiatorIsn");
	p = p_opt(p, i->syn_seen, i->isn);
	P_KEY(p, "responderIsn");
	p = p_opt(p, r->syn_seen, r->isn);
	P_KEY(p, "initialRttUs");
	p = p_opt(p, c->irtt_ns, c->irtt_ns / 1000);
	P_KEY(p, "initiatorMss");
	p = p_opt(p, i->has_mss, i->mss);
	P_KEY(p, "responderMss");
	p = p_opt(p, r->has_mss, r->mss);
	P_KEY(p, "initiatorWindowScale");
	p = p_opt(p, i->wscale >= 0, (uint64_t)i->wscale);
	P_KEY(p, "responderWindowScale");
	p = p_opt(p, r->wscale >= 0, (uint64_t)r->wscale);
	P_KEY(p, "sackPermitted");
	p = p_bool(p, i->sack_perm && r->sack_perm);
	P_KEY(p, "timestamps");
	p = p_bool(p, i->ts && r->ts);
	*p++ = '}';
	ob_commit(ob, p);
}

static void js_before(struct outbuf *ob, const struct ns_an_conn *c, int s)
{
	if (!c->reset_frame || !c->before_reset[s].valid) {
		OB_LIT(ob, "null");
		return;
	}
	OB_LIT(ob, "{\"frame\":");
	ob_u64(ob, c->before_reset[s].frame);
	JS_KEY(ob, "seq");
	ob_u64(ob, c->before_reset[s].rel_seq);
	JS_KEY(ob, "ack");
	ob_u64(ob, c->before_reset[s].rel_ack);
	JS_KEY(ob, "len");
	ob_u64(ob, c->before_reset[s].len);
	ob_putc(ob, '}');
}

static void js_close(struct outbuf *ob, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	OB_LIT(ob, "{\"type\":");
	js_str(ob, ns_an_close_name(c->close));
	JS_KEY(ob, "resetBy");
	if (c->reset_frame)
		js_str(ob, c->reset_by_initiator ? "initiator" : "responder");
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "resetFrame");
	js_opt_u64(ob, c->reset_frame, c->reset_frame);
	JS_KEY(ob, "resetTime");
	if (c->reset_frame)
		js_time(ob, c, c->reset_ts_ns);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "resetSeq");
	js_opt_u64(ob, c->reset_frame, c->reset_rel_seq);
	JS_KEY(ob, "resetAck");
	js_opt_u64(ob, c->reset_frame, c->reset_rel_ack);
	JS_KEY(ob, "initiatorBeforeReset");
	js_before(ob, c, 0);
	JS_KEY(ob, "responderBeforeReset");
	js_before(ob, c, 1);
	JS_KEY(ob, "initiatorFinFrame");
	js_opt_u64(ob, i->fin_frame, i->fin_frame);
	JS_KEY(ob, "initiatorFinAckFrame");
	js_opt_u64(ob, i->fin_acked_frame, i->fin_acked_frame);
	JS_KEY(ob, "responderFinFrame");
	js_opt_u64(ob, r->fin_frame, r->fin_frame);
	JS_KEY(ob, "responderFinAckFrame");
	js_opt_u64(ob, r->fin_acked_frame, r->fin_acked_frame);
	JS_KEY(ob, "captureEnd");
	js_bool(ob, c->capture_end);
	if (c->evicted) {
		/* only then: records of a run within the limit are unchanged */
		JS_KEY(ob, "endedBy");
		OB_LIT(ob, "\"max_conns\"");
	}
	ob_putc(ob, '}');
}

static void js_one_rtx(struct outbuf *ob, const struct ns_an_conn *c, int s,
		       const struct ns_an_rtx *r)
{
	OB_LIT(ob, "{\"from\":");
	if (s)
		OB_LIT(ob, "\"responder\"");
	else
		OB_LIT(ob, "\"initiator\"");
	JS_KEY(ob, "seq");
	ob_u64(ob, r->rel_seq);
	JS_KEY(ob, "len");
	ob_u64(ob, r->len);
	JS_KEY(ob, "syn");
	js_bool(ob, r->tcpflags & NS_TCP_SYN);
	JS_KEY(ob, "fin");
	js_bool(ob, r->tcpflags & NS_TCP_FIN);
	JS_KEY(ob, "transmissionCount");
	ob_u64(ob, r->ntx);
	JS_KEY(ob, "originalSeen");
	js_bool(ob, r->original_seen);
	JS_KEY(ob, "transmissions");
	ob_putc(ob, '[');
	for (uint32_t t = 0; t < r->ntx_kept; t++) {
		if (t)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"frame\":");
		ob_u64(ob, r->frame[t]);
		JS_KEY(ob, "time");
		js_time(ob, c, r->ts_ns[t]);
		ob_putc(ob, '}');
	}
	OB_LIT(ob, "],\"intervals\":[");
	for (uint32_t t = 1; t < r->ntx_kept; t++) {
		if (t > 1)
			ob_putc(ob, ',');
		if (r->ts_ns[t] >= r->ts_ns[t - 1]) {
			ns_an_ob_secs6(ob, r->ts_ns[t] - r->ts_ns[t - 1]);
		} else {     /* time went backwards in the capture: printf's way */
			char b[48];
			int n = snprintf(b, sizeof(b), "%.6f",
					 (double)(r->ts_ns[t] - r->ts_ns[t - 1]) / 1e9);
			ob_mem(ob, b, n > 0 ? (size_t)n : 0);
		}
	}
	OB_LIT(ob, "],\"backoff\":");
	js_str(ob, ns_an_backoff(r));
	JS_KEY(ob, "fast");
	js_bool(ob, r->fast);
	JS_KEY(ob, "spurious");
	js_bool(ob, r->spurious);
	JS_KEY(ob, "acked");
	js_bool(ob, r->acked);
	JS_KEY(ob, "ackFrame");
	js_opt_u64(ob, r->acked, r->ack_frame);
	ob_putc(ob, '}');
}

static void js_rtx(struct outbuf *ob, const struct ns_an_conn *c)
{
	bool first = true;
	ob_putc(ob, '[');
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		for (uint32_t k = 0; k < d->nrtx; k++) {
			if (!first)
				ob_putc(ob, ',');
			first = false;
			js_one_rtx(ob, c, s, &d->rtx[k]);
		}
	}
	ob_putc(ob, ']');
}

static void js_finding(struct outbuf *ob, bool *first, const char *code, const char *from,
		       uint64_t count, const uint64_t *frames, uint32_t nframes)
{
	if (!*first)
		ob_putc(ob, ',');
	*first = false;
	OB_LIT(ob, "{\"code\":");
	js_str(ob, code);
	JS_KEY(ob, "from");
	if (from)
		js_str(ob, from);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "count");
	ob_u64(ob, count);
	OB_LIT(ob, ",\"frames\":[");
	for (uint32_t k = 0; k < nframes; k++) {
		if (k)
			ob_putc(ob, ',');
		ob_u64(ob, frames[k]);
	}
	OB_LIT(ob, "]}");
}

static void js_findings(struct outbuf *ob, const struct ns_an_conn *c)
{
	bool first = true;
	ob_putc(ob, '[');
	if (c->close == NS_AN_CLOSE_REFUSED) {
		uint64_t f[2] = { c->syn_frame, c->resp.rst_frame };
		js_finding(ob, &first, "refused", "responder", 1, f, 2);
	} else if (c->close == NS_AN_CLOSE_UNANSWERED) {
		js_finding(ob, &first, "unanswered", "initiator", c->syn_count, &c->syn_frame, 1);
	} else if (c->reset_frame) {
		js_finding(ob, &first, "reset", c->reset_by_initiator ? "initiator" : "responder",
			   1, &c->reset_frame, 1);
	}
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		const char *from = s ? "responder" : "initiator";
		for (int f = 0; f < NS_FIND_COUNT; f++) {
			const struct ns_an_finding *x = ns_an_finding(d, (enum ns_an_find)f);
			if (x->count)
				js_finding(ob, &first, ns_an_find_name((enum ns_an_find)f), from,
					   x->count, x->frames, x->nframes);
		}
		for (uint32_t k = 0; k < d->nrtx; k++) {
			const struct ns_an_rtx *r = &d->rtx[k];
			if (strcmp(ns_an_backoff(r), "doubling") == 0)
				js_finding(ob, &first, "backoff", from, r->ntx, r->frame, r->ntx_kept);
		}
		const char *gu = ns_an_gave_up(c, s);
		if (gu && d->nrtx) {
			const struct ns_an_rtx *r = &d->rtx[d->nrtx - 1];
			uint64_t f = strcmp(gu, "reset") == 0 ? d->rst_frame : r->frame[r->ntx_kept - 1];
			js_finding(ob, &first, strcmp(gu, "reset") == 0 ? "gave_up_reset" : "gave_up",
				   from, 1, &f, 1);
		}
	}
	ob_putc(ob, ']');
}

/* "acks":[{"frame":57,"by":"responder","ack":8761,"covers":[51,...],
 * "segments":6,"bytes":8760,"rttUs":211},...] (--acks only) */
static void js_acks(struct outbuf *ob, const struct ns_an_conn *c)
{
	ob_putc(ob, '[');
	for (uint32_t i = 0; i < c->nacks; i++) {
		const struct ns_an_ack *k = &c->acks[i];
		if (i)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"frame\":");
		ob_u64(ob, k->frame);
		JS_KEY(ob, "by");
		js_str(ob, k->by_initiator ? "initiator" : "responder");
		JS_KEY(ob, "ack");
		ob_u64(ob, k->rel_ack);
		OB_LIT(ob, ",\"covers\":[");
		for (uint32_t j = 0; j < k->nkept; j++) {
			if (j)
				ob_putc(ob, ',');
			ob_u64(ob, c->ack_frames[k->cover_off + j]);
		}
		ob_putc(ob, ']');
		JS_KEY(ob, "segments");
		ob_u64(ob, k->nseg);
		JS_KEY(ob, "bytes");
		ob_u64(ob, k->bytes);
		JS_KEY(ob, "rttUs");
		js_opt_u64(ob, k->has_rtt, k->rtt_ns / 1000);
		ob_putc(ob, '}');
	}
	ob_putc(ob, ']');
}

/* Epoch seconds with 6 decimals (Zeek's ts), from nanoseconds. */
static void js_epoch6(struct outbuf *ob, uint64_t ns)
{
	uint64_t us = (ns + 500) / 1000;
	char b[32];
	int n = snprintf(b, sizeof(b), "%llu.%06llu", (unsigned long long)(us / 1000000),
			 (unsigned long long)(us % 1000000));
	ob_mem(ob, b, (size_t)n);
}

/* uid (src/conn/zeekconn.h: the same connection gets the same uid in
 * -o zeek), Community ID, epoch ts and duration. */
static void js_ids(struct outbuf *ob, const struct ns_an_conn *c, uint16_t seed)
{
	char uid[NS_ZK_UID_LEN], cid[NS_CID_STRLEN];

	ns_zk_uid(6, &c->init.addr, c->init.port, &c->resp.addr, c->resp.port,
		  c->first_ts_ns, uid);
	JS_KEY(ob, "uid");
	js_str(ob, uid);
	JS_KEY(ob, "communityId");
	if (an_community_id(c, seed, cid) == 0)
		js_str(ob, cid);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "ts");
	js_epoch6(ob, c->first_ts_ns);
	JS_KEY(ob, "duration");
	js_epoch6(ob, c->last_ts_ns - c->first_ts_ns);
}

static void an_json(struct outbuf *ob, const struct ns_an_conn *c, const char *file,
		    uint16_t seed);

/* the verdict's scratch buffer (an_json): one per thread */
static _Thread_local struct outbuf verdict_scratch;

void out_json_free_scratch(void)
{
	ob_free(&verdict_scratch);
	memset(&verdict_scratch, 0, sizeof(verdict_scratch));
}

void ns_an_json_ob(struct outbuf *ob, const struct ns_an_conn *c, const char *file)
{
	an_json(ob, c, file, 0);
}

static void an_json(struct outbuf *ob, const struct ns_an_conn *c, const char *file,
		    uint16_t seed)
{
	OB_LIT(ob, "{\"file\":");
	if (file)
		js_str(ob, file);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "stream");
	ob_u64(ob, c->stream);
	js_ids(ob, c, seed);
	JS_KEY(ob, "initiator");
	js_endpoint(ob, &c->init);
	JS_KEY(ob, "responder");
	js_endpoint(ob, &c->resp);
	if (c->nencap) {	/* only for a connection inside tunnels */
		JS_KEY(ob, "encap");
		ob_json_encap(ob, c->encap, c->nencap);
	}
	JS_KEY(ob, "firstFrame");
	ob_u64(ob, c->first_frame);
	JS_KEY(ob, "lastFrame");
	ob_u64(ob, c->last_frame);
	JS_KEY(ob, "startTime");
	js_time(ob, c, c->first_ts_ns);
	JS_KEY(ob, "endTime");
	js_time(ob, c, c->last_ts_ns);
	JS_KEY(ob, "connState");
	js_str(ob, ns_an_conn_state(c));
	JS_KEY(ob, "history");
	js_str(ob, c->history);
	JS_KEY(ob, "problems");
	js_bool(ob, ns_an_has_problems(c));
	JS_KEY(ob, "close");
	js_close(ob, c);
	JS_KEY(ob, "handshake");
	js_handshake(ob, c);
	JS_KEY(ob, "initiatorStats");
	js_stats(ob, &c->init);
	JS_KEY(ob, "responderStats");
	js_stats(ob, &c->resp);
	JS_KEY(ob, "retransmittedSegments");
	js_rtx(ob, c);
	JS_KEY(ob, "findings");
	js_findings(ob, c);
	ns_dx_json_ob(ob, c, js_str);  /* "diagnoses":[...],"capturePoint":... */
	JS_KEY(ob, "verdict");
	/* the verdict goes into a scratch buffer first, then escaped: it is
	 * plain ASCII text, but the escaping keeps the JSON valid whatever */
	/* one scratch buffer for all connections (a malloc and free each
	 * was measurable), grown to the longest verdict; one per thread
	 * (analyze --threads), freed by out_json_free_scratch */
	struct outbuf *vp = &verdict_scratch;
#define v (*vp)
	if (v.buf || ob_init(&v, -1, 1024) == 0) {
		v.len = 0;
		ns_an_verdict_ob(&v, c);
		js_mem(ob, v.buf, v.len);
	} else {
		/* no scratch memory: our own text, ASCII without quotes or
		 * backslashes (analyze_verdict.c), needs no escaping */
		ob_putc(ob, '"');
		ns_an_verdict_ob(ob, c);
		ob_putc(ob, '"');
	}
#undef v
	if (c->acks_on) {
		JS_KEY(ob, "acks");
		js_acks(ob, c);
		JS_KEY(ob, "acksIncomplete");
		js_bool(ob, c->acks_incomplete);
	}
	OB_LIT(ob, "}\n");
}

void ns_an_write_json(FILE *fp, const struct ns_an_conn *c, const char *file)
{
	struct outbuf ob;
	if (ob_init(&ob, -1, 4096) < 0)
		return;
	ns_an_json_ob(&ob, c, file);
	fwrite(ob.buf, 1, ob.len, fp);
	ob_free(&ob);
}

/* ---------------------------------------------------------------- the report
 * Connections finish in any order; they are written in stream order, each as
 * soon as every earlier one is out, so memory stays bounded by the
 * connections in flight, not by the capture. */

struct rendered {            /* one finished connection, waiting for its turn */
	uint64_t stream;
	char *block;             /* the JSON line, unless spilled */
	size_t block_len;
	bool spilled;            /* waiting in the spill file, at spill_off */
	uint64_t spill_off;
};

struct json_report {
	struct ns_out *out;
	/* a min-heap on stream of the connections that finished before an
	 * earlier one */
	struct rendered *items;
	size_t n, cap;
	struct outbuf scratch;   /* renders an out-of-order object */
	uint64_t next_emit;      /* next stream number to write */
	/* A connection open from early on holds back every later one: past
	 * SPILL_AT bytes in memory, waiting objects go to an unlinked temporary
	 * file, so memory stays bounded however long the capture */
	size_t held;             /* bytes of waiting objects in memory */
	FILE *spill;             /* NULL until needed */
	uint64_t spill_end;
	size_t spill_at;         /* SPILL_AT, or more (out_json_set_spill_at) */
};

#define SPILL_AT (1u << 20)

static int items_room(struct json_report *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct rendered *n = realloc(r->items, cap * sizeof(*n));
		if (!n) {
			r->out->err = ENOMEM;
			return -1;
		}
		r->items = n;
		r->cap = cap;
	}
	return 0;
}

/* ---- the reorder heap (items[0] has the lowest stream) ---- */

static void heap_swap(struct rendered *a, struct rendered *b)
{
	struct rendered t = *a;
	*a = *b;
	*b = t;
}

static void heap_push(struct json_report *r, struct rendered it)
{
	size_t i = r->n++;
	r->items[i] = it;
	while (i && r->items[(i - 1) / 2].stream > r->items[i].stream) {
		heap_swap(&r->items[(i - 1) / 2], &r->items[i]);
		i = (i - 1) / 2;
	}
}

static struct rendered heap_pop(struct json_report *r)
{
	struct rendered top = r->items[0];
	size_t i = 0;
	r->items[0] = r->items[--r->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < r->n && r->items[l].stream < r->items[m].stream)
			m = l;
		if (l + 1 < r->n && r->items[l + 1].stream < r->items[m].stream)
			m = l + 1;
		if (m == i)
			break;
		heap_swap(&r->items[i], &r->items[m]);
		i = m;
	}
	return top;
}

/* Copy a spilled object to the output. */
static void unspill(struct json_report *r, const struct rendered *it)
{
	char buf[16384];
	uint64_t off = it->spill_off;
	size_t left = it->block_len;

	while (left) {
		size_t k = left < sizeof(buf) ? left : sizeof(buf);
		ssize_t got = pread(fileno(r->spill), buf, k, (off_t)off);
		if (got <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			r->out->err = ENOMEM;   /* reported as a failure of the run */
			return;
		}
		ob_mem(r->out->ob, buf, (size_t)got);
		off += (uint64_t)got;
		left -= (size_t)got;
	}
}

/* Park an object outside memory; false when that is not possible. */
static bool spill(struct json_report *r, struct rendered *it, const char *data, size_t len)
{
	if (!r->spill && !(r->spill = tmpfile()))
		return false;
	for (size_t done = 0; done < len;) {
		ssize_t k = pwrite(fileno(r->spill), data + done, len - done,
				   (off_t)(r->spill_end + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	it->spilled = true;
	it->spill_off = r->spill_end;
	it->block_len = len;
	r->spill_end += len;
	return true;
}

/* Write the waiting objects that are next in stream order; with all, every
 * one left (end of file: a stream lost to out-of-memory must not block). */
static void json_drain(struct json_report *r, bool all)
{
	while (r->n && (all || r->items[0].stream <= r->next_emit)) {
		struct rendered it = heap_pop(r);
		if (it.spilled) {
			unspill(r, &it);
		} else {
			ob_mem(r->out->ob, it.block, it.block_len);
			free(it.block);
			r->held -= it.block_len;
		}
		r->next_emit = it.stream + 1;
	}
	/* nothing waits: start the file over (if anything was written: a
	 * truncate per connection was 1% of a run) */
	if (!r->n && r->spill && r->spill_end) {
		r->spill_end = 0;
		if (ftruncate(fileno(r->spill), 0) != 0)
			r->spill_end = 0;   /* harmless: offsets simply restart */
	}
}

static void report_conn(struct json_report *r, const struct ns_an_conn *c)
{
	if (c->stream == r->next_emit) {
		/* the common case: straight into the output, no copy */
		an_json(r->out->ob, c, c->file ? c->file : r->out->file, r->out->cid_seed);
		r->next_emit++;
		json_drain(r, false);
		return;
	}
	if (items_room(r) < 0)
		return;
	r->scratch.len = 0;
	an_json(&r->scratch, c, c->file ? c->file : r->out->file, r->out->cid_seed);
	struct rendered it = { .stream = c->stream, .block_len = r->scratch.len };
	if (r->held + it.block_len > r->spill_at &&
	    spill(r, &it, r->scratch.buf, r->scratch.len)) {
		heap_push(r, it);
		return;
	}
	it.block = malloc(it.block_len);
	if (!it.block) {
		r->out->err = ENOMEM;
		return;
	}
	memcpy(it.block, r->scratch.buf, it.block_len);
	r->held += it.block_len;
	heap_push(r, it);
}

/* analyze --threads: a worker renders a connection on its own thread ... */
void out_json_conn_render(const struct ns_out *o, struct outbuf *ob, const struct ns_an_conn *c)
{
	an_json(ob, c, c->file ? c->file : o->file, o->cid_seed);
}

/* ... and the rendered object takes its place in stream order (one caller
 * at a time). */
void out_json_set_spill_at(struct ns_out *o, size_t bytes)
{
	struct json_report *r = o->priv;

	if (r && bytes > r->spill_at)
		r->spill_at = bytes;
}

void out_json_conn_block(struct ns_out *o, uint64_t stream, const char *data, size_t len)
{
	struct json_report *r = o->priv;

	if (!r)
		return;
	if (stream == r->next_emit) {
		ob_mem(r->out->ob, data, len);
		r->next_emit++;
		json_drain(r, false);
		return;
	}
	if (items_room(r) < 0)
		return;
	struct rendered it = { .stream = stream, .block_len = len };
	if (r->held + len > r->spill_at && spill(r, &it, data, len)) {
		heap_push(r, it);
		return;
	}
	it.block = malloc(len ? len : 1);
	if (!it.block) {
		r->out->err = ENOMEM;
		return;
	}
	memcpy(it.block, data, len);
	r->held += len;
	heap_push(r, it);
}

/* The report's state is made at the first input: `read` never needs it. */
void out_json_input_begin(struct ns_out *o)
{
	struct json_report *r = o->priv;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r || ob_init(&r->scratch, -1, 4096) < 0) {
			free(r);
			o->err = ENOMEM;
			return;
		}
		o->priv = r;
	}
	r->out = o;
	r->next_emit = 0;    /* stream numbers restart with each file */
	if (r->spill_at < SPILL_AT)
		r->spill_at = SPILL_AT;
}

void out_json_conn(struct ns_out *o, const struct ns_an_conn *c)
{
	if (o->priv)
		report_conn(o->priv, c);
}

/* End of one input: every waiting connection goes out (one lost to
 * out-of-memory must not hold the others back). */
void out_json_input_end(struct ns_out *o)
{
	if (o->priv)
		json_drain(o->priv, true);
}

void out_json_close(struct ns_out *o)
{
	struct json_report *r = o->priv;

	if (!r)
		return;
	free(r->items);
	ob_free(&r->scratch);
	if (r->spill)
		fclose(r->spill);
	free(r);
	o->priv = NULL;
}

/* net_tcp_analysis (read --analysis): see cmd_analyze.c for its shape. */
void out_json_tcp_analysis(struct ns_out *out, const struct ns_packet *pkt,
			    const struct ns_an_pkt *o)
{
	struct outbuf *ob = out->ob;
	oj_begin(ob, pkt->ctx, "net_tcp_analysis", 6);
	oj_arg(ob, true, "stream", "u64");
	ob_u64(ob, o->stream);
	oj_arg_end(ob);
	oj_arg(ob, false, "flags", "const char**");
	ob_putc(ob, '[');
	bool first = true;
	for (unsigned i = 0; i < NS_AN_FLAG_COUNT; i++) {
		if (!(o->flags & (1u << i)))
			continue;
		if (!first)
			ob_putc(ob, ',');
		first = false;
		ob_json_cstr(ob, ns_an_flag_name(1u << i));
	}
	ob_putc(ob, ']');
	oj_arg_end(ob);
	oj_arg(ob, false, "relSeq", "u32");
	ob_u64(ob, o->rel_seq);
	oj_arg_end(ob);
	oj_arg(ob, false, "relAck", "u32");
	ob_u64(ob, o->rel_ack);
	oj_arg_end(ob);
	oj_arg(ob, false, "ackedFrames", "u64[]");
	ob_putc(ob, '[');
	for (uint32_t i = 0; i < o->ncover && i < NS_AN_MAX_COVER; i++) {
		if (i)
			ob_putc(ob, ',');
		ob_u64(ob, o->cover[i]);
	}
	ob_putc(ob, ']');
	oj_arg_end(ob);
	oj_arg(ob, false, "ackRttNs", "u64");
	if (o->has_rtt)
		ob_u64(ob, o->rtt_ns);
	else
		OB_LIT(ob, "null");
	oj_arg_end(ob);
	oj_end(ob);
}
