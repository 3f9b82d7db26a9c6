/* timeseq: per-packet records of connections for drawing (timeseq.h). */
#include "analyze/timeseq.h"
#include "analyze/analyze.h"

#include <stdlib.h>
#include <string.h>

void ts_rec_init(struct ts_rec *r)
{
	memset(r, 0, sizeof(*r));
}

void ts_conn_free(struct ts_conn *c)
{
	if (!c)
		return;
	free(c->p);
	free(c->sack);
	free(c);
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

static bool grow(void **arr, uint32_t *cap, size_t elem)
{
	uint32_t nc = *cap ? *cap * 2 : 64;
	void *n = realloc(*arr, (size_t)nc * elem);
	if (!n)
		return false;
	*arr = n;
	*cap = nc;
	return true;
}

void ts_rec_packet(struct ts_rec *r, const struct ns_packet *pkt, const struct ns_an_pkt *a)
{
	if (!a->tcp || (r->only_one && a->stream != r->stream))
		return;
	struct ts_conn **s = slot(r, a->stream);
	if (!s)
		return;
	if (!*s) {
		*s = calloc(1, sizeof(**s));
		if (!*s)
			return;
		(*s)->stream = a->stream;
	}
	struct ts_conn *c = *s;
	if (c->truncated)
		return;
	if (c->n == c->cap && (c->n >= TS_MAX_PKTS || !grow((void **)&c->p, &c->cap, sizeof(*c->p)))) {
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
		    !grow((void **)&c->sack, &c->sack_cap, sizeof(*c->sack)))
			break;
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
}
