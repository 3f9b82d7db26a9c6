/* analyze --threads N: the same report, on N cores.
 *
 * One reader (the calling thread) reads, filters, dissects and reassembles
 * as for one thread (src/pipeline.c), and hands each packet the analysis
 * needs to the worker that owns its connection: TCP by a symmetric hash of
 * the 4-tuple and tunnel, an ICMP error by the TCP connection it quotes.
 * Each worker has its own engine (analyze.c) and its own connections.
 * Worker 0 is the reader itself: it analyses its packets as they are
 * decoded, as one thread does, and owns a smaller share (reading is the
 * rest of its work). The others run on threads of their own and dissect
 * the packet again from a copy of its bytes up to the TCP header (cheaper
 * than moving a decoded packet and its pointers between threads). Queues
 * are single-producer single-consumer rings of variable-size records.
 *
 * What one engine would see of the whole capture, the reader tells:
 *  - the capture's first TCP time and latest time, with every packet;
 *  - the sweeps (connections over by packet time handed over every 30 s of
 *    packet time): the reader keeps the engine's sweep clock and sends a
 *    sweep to every worker at the packet where one engine would sweep;
 *  - stream numbers: connections are numbered in the order their first
 *    packet came. A worker numbers a connection by its packet's place in
 *    the input (a sequence number), and logs it; the stream number is the
 *    count of connections made before it by all workers, known once every
 *    worker got past that place. A finished connection waits (kept, not
 *    freed, in a heap on its place) until then, is rendered on its
 *    worker's thread, and goes to the report under a lock, up to 64 at a
 *    time; the report orders by stream number as it does for one thread
 *    (json_analysis.c, table_analysis.c).
 * The output is so byte for byte that of --threads 1 (tests/threads.sh).
 * One difference by design: --max-conns is shared out, each worker holding
 * at most its share, so when the limit is reached which connection ends
 * early can differ (memory stays bounded by the same limit).
 */
#include "an_threads.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze.h"
#include "nshash.h"
#include "output/json.h"
#include "output/table.h"

#define RING_BYTES (1u << 20)          /* small enough to stay in cache */
#define MAX_RECORD (RING_BYTES / 2)
#define PUBLISH_EVERY 128         /* records written before the consumer is told */
#define TICK_EVERY 2048           /* a worker hears from the reader at least this often */
#ifndef SPIN
#define SPIN 64                   /* polls of an empty or full ring before sleeping */
#endif
#define HELD_MAX 64               /* rendered connections handed to the report at once */
#define HELD_BYTES (256u << 10)   /* or their bytes */
#define LOG_CHUNK 65536           /* creation log: entries per chunk */
#define LOG_CHUNKS 16384          /* and chunks (2^30 connections) */

enum { M_PAD = 1, M_PKT, M_REASM, M_SWEEP, M_TICK, M_END };

struct rec {                      /* a record in a ring; data follows */
	uint32_t len;             /* bytes of the whole record, a multiple of 8 */
	uint8_t kind;
	uint8_t lt;               /* enum ns_linktype of the data */
	uint8_t nencap;           /* M_REASM: the tunnels, after the data */
	bool have_t0;
	uint32_t caplen;
	uint64_t seq;             /* place in the input: orders stream numbers */
	uint64_t t0_ns, last_ts_ns;
	uint64_t arg;             /* M_SWEEP: its time; M_END: the capture cut frame */
	/* of the packet's context, what the analysis reads (not the interface
	 * and process: a record's bytes cross between cores, and cost) */
	uint64_t ts_ns, frame;
	uint32_t wire_len;
	const char *file;
};

/* Producer and consumer fields on cache lines of their own: a line both
 * write moves between the cores at every record. */
struct ring {
	uint8_t *buf;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	_Alignas(64) _Atomic size_t tail;      /* published producer position */
	_Alignas(64) size_t wtail;             /* producer: written, maybe not yet published */
	unsigned unpublished;
	_Alignas(64) _Atomic size_t head;      /* consumer position (bytes, never wraps back) */
	_Alignas(64) size_t rhead;             /* consumer: done, maybe not yet released */
	unsigned unreleased;
	_Alignas(64) _Atomic int cons_waiting;
	_Alignas(64) _Atomic int prod_waiting;
};

struct worker {
	struct ns_ant *t;
	unsigned id;
	pthread_t th;
	bool started;
	struct ring ring;
	struct ns_an *an;
	struct ns_ctx ctx;
	struct ns_packet pkt;
	/* finished connections waiting for their stream number */
	struct ns_an_conn **pend;
	size_t npend, cappend;
	/* the sequence numbers of the connections it made, ascending */
	uint64_t **log;
	_Atomic size_t nlog;
	_Atomic uint64_t done_seq; /* every record up to this one is done */
	struct outbuf scratch;     /* rendered JSON objects, one after the other */
	struct ns_an_rendered held[HELD_MAX]; /* rendered, not yet in the report */
	size_t nheld;
	uint64_t last_sent;        /* reader: seq of the last record sent here */
	bool failed;               /* out of memory: its connections may be missing */
};

struct ns_ant {
	unsigned n;
	struct worker *w;
	struct ns_out *out;
	enum ns_ant_format fmt;
	pthread_mutex_t out_mu;
	uint64_t seed;             /* the partition hash's key: any value gives the same output */
	/* the reader's view of the capture, as one engine would have it */
	uint64_t seq;
	bool have_t0;
	uint64_t t0_ns, last_ts_ns, next_sweep_ns;
	uint64_t cut_frame;
	bool ended;
	uint64_t evicted, nomem;
	_Atomic int out_err;       /* the report's output failed (EPIPE: stop reading) */
};

/* ---- the rings ---- */

static int ring_init(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->buf = malloc(RING_BYTES);
	if (!r->buf)
		return -1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	return 0;
}

static void ring_free(struct ring *r)
{
	if (!r->buf)
		return;
	free(r->buf);
	r->buf = NULL;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Wake the other side if it sleeps (the flags and positions are sequentially
 * consistent: a side that is about to sleep either sees the new position or
 * is seen waiting). */
static void ring_wake(struct ring *r, _Atomic int *flag)
{
	if (atomic_load(flag)) {
		pthread_mutex_lock(&r->mu);
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
}

static void ring_publish(struct ring *r)
{
	if (!r->unpublished)
		return;
	r->unpublished = 0;
	atomic_store(&r->tail, r->wtail);
	ring_wake(r, &r->cons_waiting);
}

/* Producer: room for n bytes (n <= MAX_RECORD, a multiple of 8), not wrapping. */
static struct rec *ring_reserve(struct ring *r, size_t n)
{
	size_t off = r->wtail & (RING_BYTES - 1);
	size_t need = off + n > RING_BYTES ? RING_BYTES - off + n : n;

	if (RING_BYTES - (r->wtail - atomic_load(&r->head)) < need) {
		ring_publish(r);   /* the worker must see what it is to make room with */
		for (int spin = 0; spin < SPIN; spin++) {
			if (RING_BYTES - (r->wtail - atomic_load(&r->head)) >= need)
				goto room;
			cpu_relax();
		}
		pthread_mutex_lock(&r->mu);
		atomic_store(&r->prod_waiting, 1);
		while (RING_BYTES - (r->wtail - atomic_load(&r->head)) < need)
			pthread_cond_wait(&r->cv, &r->mu);
		atomic_store(&r->prod_waiting, 0);
		pthread_mutex_unlock(&r->mu);
	}
room:
	if (off + n > RING_BYTES) {
		struct rec *pad = (struct rec *)(r->buf + off);
		pad->len = (uint32_t)(RING_BYTES - off);
		pad->kind = M_PAD;
		r->wtail += RING_BYTES - off;
		off = 0;
	}
	return (struct rec *)(r->buf + off);
}

static void ring_commit(struct ring *r, size_t n, bool now)
{
	r->wtail += n;
	if (++r->unpublished >= PUBLISH_EVERY || now)
		ring_publish(r);
}

/* Consumer: give the bytes of the records done back to the producer. */
static void ring_release(struct ring *r)
{
	r->unreleased = 0;
	atomic_store(&r->head, r->rhead);
	ring_wake(r, &r->prod_waiting);
}

/* Consumer: the next record (waits for one). */
static const struct rec *ring_next(struct ring *r)
{
	for (;;) {
		size_t head = r->rhead;
		if (atomic_load_explicit(&r->tail, memory_order_acquire) == head) {
			int spin;
			ring_release(r);   /* the producer may wait for room */
			for (spin = 0; spin < SPIN && atomic_load(&r->tail) == head; spin++)
				cpu_relax();
			if (spin == SPIN) {
				pthread_mutex_lock(&r->mu);
				atomic_store(&r->cons_waiting, 1);
				while (atomic_load(&r->tail) == head)
					pthread_cond_wait(&r->cv, &r->mu);
				atomic_store(&r->cons_waiting, 0);
				pthread_mutex_unlock(&r->mu);
			}
		}
		const struct rec *m = (const struct rec *)(r->buf + (head & (RING_BYTES - 1)));
		if (m->kind != M_PAD)
			return m;
		r->rhead = head + m->len;
	}
}

/* Consumer: done with m. The position is released in batches, or at once
 * when the producer waits for room. */
static void ring_pop(struct ring *r, const struct rec *m)
{
	r->rhead += m->len;
	if (++r->unreleased >= PUBLISH_EVERY ||
	    atomic_load_explicit(&r->prod_waiting, memory_order_relaxed))
		ring_release(r);
}

/* ---- stream numbers ---- */

static bool log_add(struct worker *w, uint64_t seq)
{
	size_t n = atomic_load_explicit(&w->nlog, memory_order_relaxed);
	size_t c = n / LOG_CHUNK;

	if (c >= LOG_CHUNKS)
		return false;
	if (!w->log[c] && !(w->log[c] = malloc(LOG_CHUNK * sizeof(uint64_t))))
		return false;
	w->log[c][n % LOG_CHUNK] = seq;
	atomic_store_explicit(&w->nlog, n + 1, memory_order_release);
	return true;
}

/* Connections worker v made before input place seq (v is past it). */
static uint64_t log_below(struct worker *v, uint64_t seq)
{
	size_t lo = 0, hi = atomic_load_explicit(&v->nlog, memory_order_acquire);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->log[mid / LOG_CHUNK][mid % LOG_CHUNK] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first input place some other worker has not done yet: connections
 * made before it can be numbered. */
static uint64_t others_past(const struct worker *w)
{
	uint64_t past = UINT64_MAX;

	for (unsigned i = 0; i < w->t->n; i++) {
		uint64_t d = atomic_load(&w->t->w[i].done_seq);
		if (i != w->id && d + 1 < past)
			past = d + 1;
	}
	return past;
}

/* The waiting connections are a min-heap on their place (c->stream until
 * numbered): the next one to number is on top, so a packet after which
 * none can be numbered costs one look, however many wait. */
static void pend_sift_down(struct worker *w, size_t i)
{
	struct ns_an_conn **h = w->pend;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < w->npend && h[l]->stream < h[m]->stream)
			m = l;
		if (l + 1 < w->npend && h[l + 1]->stream < h[m]->stream)
			m = l + 1;
		if (m == i)
			return;
		struct ns_an_conn *x = h[i];
		h[i] = h[m];
		h[m] = x;
		i = m;
	}
}

static void pend_push(struct worker *w, struct ns_an_conn *c)
{
	struct ns_an_conn **h = w->pend;
	size_t i = w->npend++;

	while (i > 0 && h[(i - 1) / 2]->stream > c->stream) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = c;
}

/* Hand the rendered connections to the report under its lock, all at once:
 * a lock taken per connection is contended when workers finish many
 * together (at a sweep, at the end), and every wait is a sleep. */
static void flush_rendered(struct worker *w)
{
	struct ns_ant *t = w->t;

	if (!w->nheld)
		return;
	pthread_mutex_lock(&t->out_mu);
	if (t->fmt == NS_ANT_JSON) {
		size_t off = 0;
		for (size_t i = 0; i < w->nheld; i++) {
			out_json_conn_block(t->out, w->held[i].stream, w->scratch.buf + off,
					    w->held[i].block_len);
			off += w->held[i].block_len;
		}
		if (t->out->ob->err)
			atomic_store(&t->out_err, t->out->ob->err);
	} else {
		for (size_t i = 0; i < w->nheld; i++)
			out_table_conn_add(t->out, &w->held[i]);
	}
	pthread_mutex_unlock(&t->out_mu);
	w->nheld = 0;
	w->scratch.len = 0;
}

/* A connection the report will lack: the run says so (out of memory). */
static void report_nomem(struct ns_ant *t)
{
	pthread_mutex_lock(&t->out_mu);
	t->out->err = ENOMEM;
	pthread_mutex_unlock(&t->out_mu);
}

static void render(struct worker *w, struct ns_an_conn *c)
{
	struct ns_an_rendered *it = &w->held[w->nheld];

	if (w->t->fmt == NS_ANT_JSON) {
		size_t at = w->scratch.len;
		uint64_t gen = w->scratch.gen;
		out_json_conn_render(w->t->out, &w->scratch, c);
		if (w->scratch.err || w->scratch.gen != gen) {
			/* it could not grow and dropped what it held, the objects
			 * before this one too: the report lacks them, and says so */
			w->scratch.err = 0;
			w->scratch.len = 0;
			w->nheld = 0;
			report_nomem(w->t);
			return;
		}
		*it = (struct ns_an_rendered){ .stream = c->stream, .block_len = w->scratch.len - at };
	} else if (!out_table_conn_render(c, it)) {
		report_nomem(w->t);
		return;
	}
	if (++w->nheld == HELD_MAX || w->scratch.len >= HELD_BYTES)
		flush_rendered(w);
}

/* Number, render and release the waiting connections whose place every
 * worker is past. */
static void resolve(struct worker *w)
{
	uint64_t past = others_past(w);

	while (w->npend && w->pend[0]->stream <= past) {
		struct ns_an_conn *c = w->pend[0];
		uint64_t place = c->stream, rank = 0;
		w->pend[0] = w->pend[--w->npend];
		pend_sift_down(w, 0);
		for (unsigned v = 0; v < w->t->n; v++)
			rank += log_below(&w->t->w[v], place);
		c->stream = rank;
		render(w, c);
		ns_an_release(w->an, c);
	}
}

/* The engine's done callback: the connection waits for its number. */
static void on_done(const struct ns_an_conn *c, void *user)
{
	struct worker *w = user;

	if (w->npend == w->cappend) {
		size_t cap = w->cappend ? w->cappend * 2 : 256;
		struct ns_an_conn **g = realloc(w->pend, cap * sizeof(*g));
		if (!g) {            /* not reported: the run says it is incomplete */
			w->failed = true;
			ns_an_release(w->an, c);
			return;
		}
		w->pend = g;
		w->cappend = cap;
	}
	/* the worker's own connection, kept for it (ns_an_set_threaded): its
	 * stream number is rewritten from the input place to the count */
	pend_push(w, (struct ns_an_conn *)c);
}

/* ---- the workers ---- */

static void run_packet(struct worker *w, const struct rec *m)
{
	const uint8_t *data = (const uint8_t *)(m + 1);

	w->ctx.ts_ns = m->ts_ns;
	w->ctx.frame = m->frame;
	w->ctx.wire_len = m->wire_len;
	w->ctx.file = m->file;
	ns_dissect((enum ns_linktype)m->lt, data, m->caplen, &w->ctx, &w->pkt);
	if (m->kind == M_REASM) {
		/* the datagram came through the tunnels of its last fragment (reasm.c) */
		w->pkt.nencap = m->nencap;
		memcpy(w->pkt.encap, data + ((m->caplen + 7) & ~7u),
		       sizeof(w->pkt.encap[0]) * m->nencap);
	}
	ns_an_sync(w->an, m->have_t0, m->t0_ns, m->last_ts_ns, m->seq);
	ns_an_packet(w->an, &w->pkt, NULL);
	if (ns_an_next_stream(w->an) != m->seq && !log_add(w, m->seq))
		w->failed = true;
}

static void finish(struct worker *w, const struct rec *m)
{
	struct timespec nap = { 0, 100000 };

	ns_an_sync(w->an, m->have_t0, m->t0_ns, m->last_ts_ns, m->seq);
	if (m->arg)
		ns_an_set_capture_cut(w->an, m->arg);
	ns_an_finish(w->an);
	/* nothing more comes from here: the others need not wait for it */
	atomic_store(&w->done_seq, UINT64_MAX - 1);
	while (w->npend) {
		resolve(w);
		if (w->npend)
			nanosleep(&nap, NULL);
	}
	flush_rendered(w);
}

static void sweep(struct worker *w, const struct rec *m)
{
	ns_an_sync(w->an, m->have_t0, m->t0_ns, m->last_ts_ns, m->seq);
	ns_an_sweep_at(w->an, m->arg);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		const struct rec *m = ring_next(&w->ring);
		uint8_t kind = m->kind;
		switch (kind) {
		case M_PKT:
		case M_REASM:
			run_packet(w, m);
			break;
		case M_SWEEP:
			sweep(w, m);
			break;
		case M_END:
			finish(w, m);
			ring_pop(&w->ring, m);
			out_json_free_scratch();
			return NULL;
		default:             /* M_TICK: only the place moves on */
			break;
		}
		if (kind != M_END)
			atomic_store_explicit(&w->done_seq, m->seq, memory_order_release);
		ring_pop(&w->ring, m);
		if (w->npend)
			resolve(w);
	}
}

/* ---- the reader's side ---- */

/* The reader's own worker (0): a sweep or the end, as the record would say. */
static void send_inline(struct ns_ant *t, uint8_t kind, uint64_t arg)
{
	struct worker *w = &t->w[0];
	struct rec m = {
		.kind = kind, .have_t0 = t->have_t0, .seq = ++t->seq,
		.t0_ns = t->t0_ns, .last_ts_ns = t->last_ts_ns, .arg = arg,
	};

	if (kind == M_SWEEP) {
		sweep(w, &m);
		atomic_store_explicit(&w->done_seq, m.seq, memory_order_release);
	} else if (kind == M_END) {
		finish(w, &m);
	}
}

/* The reader's own worker: the decoded packet as one thread analyses it. */
static void run_inline(struct ns_ant *t, const struct ns_packet *pkt)
{
	struct worker *w = &t->w[0];
	uint64_t seq = ++t->seq;

	ns_an_sync(w->an, t->have_t0, t->t0_ns, t->last_ts_ns, seq);
	ns_an_packet(w->an, pkt, NULL);
	if (ns_an_next_stream(w->an) != seq && !log_add(w, seq))
		w->failed = true;
}

static void send_rec(struct ns_ant *t, unsigned wi, uint8_t kind, uint64_t arg,
		     const struct ns_packet *pkt, const uint8_t *data, uint32_t caplen,
		     uint8_t lt)
{
	struct worker *w = &t->w[wi];
	size_t dlen;

	if (wi == 0) {
		send_inline(t, kind, arg);
		return;
	}

	/* no frame is near this (IP datagrams end at 64 KiB; readers cap
	 * records well below); kept so a record always fits the ring */
	if (caplen > MAX_RECORD - sizeof(struct rec) - sizeof(pkt->encap))
		caplen = (uint32_t)(MAX_RECORD - sizeof(struct rec) - sizeof(pkt->encap));
	dlen = (caplen + 7) & ~(size_t)7;
	size_t elen = kind == M_REASM ? sizeof(pkt->encap[0]) * pkt->nencap : 0;
	size_t n = sizeof(struct rec) + dlen + ((elen + 7) & ~(size_t)7);
	struct rec *m = ring_reserve(&w->ring, n);

	m->len = (uint32_t)n;
	m->kind = kind;
	m->lt = lt;
	m->nencap = kind == M_REASM ? pkt->nencap : 0;
	m->have_t0 = t->have_t0;
	m->caplen = caplen;
	m->seq = ++t->seq;
	m->t0_ns = t->t0_ns;
	m->last_ts_ns = t->last_ts_ns;
	m->arg = arg;
	if (pkt && pkt->ctx) {
		m->ts_ns = pkt->ctx->ts_ns;
		m->frame = pkt->ctx->frame;
		m->wire_len = pkt->ctx->wire_len;
		m->file = pkt->ctx->file;
	} else {
		m->ts_ns = m->frame = 0;
		m->wire_len = 0;
		m->file = NULL;
	}
	if (caplen)
		memcpy(m + 1, data, caplen);
	if (elen)
		memcpy((uint8_t *)(m + 1) + dlen, pkt->encap, elen);
	w->last_sent = m->seq;
	ring_commit(&w->ring, n, kind == M_END || kind == M_SWEEP);
}

/* 16 address bytes folded into 64 bits (v4 uses the first 4, the rest zero) */
static uint64_t fold(const struct ns_addr *a)
{
	uint64_t x, y;

	memcpy(&x, a->a, 8);
	memcpy(&y, a->a + 8, 8);
	return x ^ ns_rotl64(y, 29);
}

/* The worker of a connection: the same for both directions. Any function
 * gives the same output; this one spreads connections over 2n - 1 equal
 * shares, one for the reader's own worker 0 (it also reads and decodes
 * every packet) and two for each other (a crafted capture can at worst put
 * them all on one worker, never slow a table down: the engines' own tables
 * are keyed, nshash.h). */
static unsigned owner(const struct ns_ant *t, const struct ns_addr *a, uint16_t pa,
		      const struct ns_addr *b, uint16_t pb, uint64_t tunnel)
{
	uint64_t ea = fold(a) ^ ((uint64_t)pa << 48), eb = fold(b) ^ ((uint64_t)pb << 48);
	/* symmetric: a sum and a product of the two endpoints */
	uint64_t h = ns_fmix64((ea + eb) ^ ns_rotl64(ea * eb, 31) ^ tunnel ^ t->seed);

	unsigned share = (unsigned)((h >> 32) * (2 * t->n - 1) >> 32);

	return (share + 1) / 2;
}

/* The bytes a worker needs of a packet: up to the end of its (innermost)
 * TCP header. The engine reads headers only (segment lengths come from the
 * IP length fields, as for a capture cut by its snapshot length), so a
 * full-size segment's payload is not copied through the ring. */
static uint32_t headers_len(const struct ns_packet *pkt, const struct pipeline *p)
{
	const uint8_t *end = pkt->payload;

	if (pkt->l4 != NS_L4_TCP || !end || end < p->cur_data ||
	    end > p->cur_data + p->cur_caplen)
		return p->cur_caplen;
	return (uint32_t)(end - p->cur_data);
}

static void ant_packet(void *arg, struct pipeline *p, const struct ns_packet *pkt)
{
	struct ns_ant *t = arg;
	uint64_t ts = pkt->ctx ? pkt->ctx->ts_ns : 0;
	uint64_t tunnel;
	unsigned wi;

	if (ts > t->last_ts_ns)
		t->last_ts_ns = ts;
	/* the report cannot be written (a closed pipe): reading stops as
	 * with one thread (pipeline_done) */
	int err = atomic_load_explicit(&t->out_err, memory_order_relaxed);
	if (err && !p->ob->err)
		p->ob->err = err;
	tunnel = pkt->nencap ? ns_encap_key(pkt) : 0;
	if (pkt->l4 == NS_L4_ICMP || pkt->l4 == NS_L4_ICMPV6) {
		const struct ns_icmp_quote *q = &pkt->icmp.quote;
		if (!q->present || !q->has_ports || q->protocol != 6)
			return;
		wi = owner(t, &q->src, q->src_port, &q->dst, q->dst_port, tunnel);
	} else if (pkt->l4 == NS_L4_TCP && pkt->tcp.hdr_avail >= 20 && pkt->first_fragment) {
		/* the engine's clock (ns_an_packet): t0, then the sweeps */
		if (!t->have_t0) {
			t->have_t0 = true;
			t->t0_ns = ts;
		}
		if (ts >= t->next_sweep_ns) {
			if (t->next_sweep_ns)
				for (unsigned i = 0; i < t->n; i++)
					send_rec(t, i, M_SWEEP, ts, NULL, NULL, 0, 0);
			t->next_sweep_ns = ts + NS_AN_SWEEP_EVERY_NS;
		}
		wi = owner(t, &pkt->src, pkt->tcp.src_port, &pkt->dst, pkt->tcp.dst_port, tunnel);
	} else {
		return;              /* only moves the clock: sent with the next record */
	}
	if (wi == 0) {
		run_inline(t, pkt);
	} else if (pkt == &p->pkt) {
		send_rec(t, wi, M_PKT, 0, pkt, p->cur_data, headers_len(pkt, p), (uint8_t)p->cur_lt);
	} else {
		/* a datagram reassembled from fragments: its bytes start at the IP header */
		const uint8_t *ip = pkt->l3 == NS_L3_IPV4 ? pkt->ip4.hdr : pkt->ip6.hdr;
		if (!ip || !pkt->ctx)
			return;
		send_rec(t, wi, M_REASM, 0, pkt, ip, pkt->ctx->wire_len, NS_LINK_NONE);
	}
	/* the other workers hear the clock now and then, so a connection that
	 * waits for its number does not wait for long; the reader's own has
	 * done everything sent so far */
	for (unsigned i = 1; i < t->n; i++)
		if (t->seq - t->w[i].last_sent > TICK_EVERY)
			send_rec(t, i, M_TICK, 0, NULL, NULL, 0, 0);
	atomic_store_explicit(&t->w[0].done_seq, t->seq, memory_order_release);
	if (t->w[0].npend)
		resolve(&t->w[0]);
}

static void ant_end_source(void *arg, struct pipeline *p)
{
	struct ns_ant *t = arg;

	if (t->ended)
		return;
	t->ended = true;
	/* the reader's own worker last: it waits for the others to be past
	 * its connections' places, which the end tells them */
	for (unsigned i = t->n; i-- > 0;)
		send_rec(t, i, M_END, t->cut_frame, NULL, NULL, 0, 0);
	for (unsigned i = 0; i < t->n; i++) {
		struct worker *w = &t->w[i];
		if (w->started) {
			pthread_join(w->th, NULL);
			w->started = false;
		}
		t->evicted += ns_an_evicted(w->an);
		t->nomem += ns_an_nomem(w->an) + (w->failed ? 1 : 0);
	}
	if (t->out->fmt->input_end)
		t->out->fmt->input_end(t->out);
	ob_flush(t->out->ob);
	ob_flush(p->ob);
}

struct ns_consumer ns_ant_consumer(struct ns_ant *t)
{
	return (struct ns_consumer){
		.name = "analyze-threads", .arg = t,
		.packet = ant_packet, .end_source = ant_end_source,
	};
}

void ns_ant_set_capture_cut(struct ns_ant *t, uint64_t frame)
{
	t->cut_frame = frame;
}

uint64_t ns_ant_evicted(const struct ns_ant *t)
{
	return t->evicted;
}

uint64_t ns_ant_nomem(const struct ns_ant *t)
{
	return t->nomem;
}

struct ns_ant *ns_ant_new(unsigned nworkers, struct ns_out *out, enum ns_ant_format fmt,
			  bool acks, size_t max_conns)
{
	struct ns_ant *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->n = nworkers;
	t->out = out;
	t->fmt = fmt;
	t->seed = NS_HASH_DEFAULT_SEED;
	pthread_mutex_init(&t->out_mu, NULL);
	/* A worker's malloc arena grows and shrinks with mprotect(2) in small
	 * steps (a system call each, measured: 2000 per run of 600k packets);
	 * the main arena does not. Keep what was grown. */
	mallopt(M_TOP_PAD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	/* workers finish their share of a sweep one after the other: the report
	 * holds more out of order than with one thread before using its file */
	if (fmt == NS_ANT_JSON)
		out_json_set_spill_at(out, (size_t)32 << 20);
	t->w = calloc(nworkers, sizeof(*t->w));
	if (!t->w)
		goto fail;
	for (unsigned i = 0; i < nworkers; i++) {
		struct worker *w = &t->w[i];
		w->t = t;
		w->id = i;
		if ((i > 0 && ring_init(&w->ring) < 0) || ob_init(&w->scratch, -1, 4096) < 0 ||
		    !(w->log = calloc(LOG_CHUNKS, sizeof(*w->log))) ||
		    !(w->an = ns_an_new(on_done, w)))
			goto fail;
		ns_an_set_threaded(w->an);
		ns_an_set_ack_log(w->an, acks);
		/* each its share: memory bounded as for one thread */
		ns_an_set_max_conns(w->an, max_conns ? (max_conns + nworkers - 1) / nworkers : 0);
	}
	for (unsigned i = 1; i < nworkers; i++) {
		if (pthread_create(&t->w[i].th, NULL, worker_main, &t->w[i]) != 0)
			goto fail;
		t->w[i].started = true;
	}
	return t;
fail:
	ns_ant_free(t);
	return NULL;
}

void ns_ant_free(struct ns_ant *t)
{
	if (!t)
		return;
	if (t->w) {
		/* workers still running (a thread failed to start): end them */
		for (unsigned i = 0; i < t->n; i++)
			if (t->w[i].started) {
				send_rec(t, i, M_END, 0, NULL, NULL, 0, 0);
				pthread_join(t->w[i].th, NULL);
			}
		for (unsigned i = 0; i < t->n; i++) {
			struct worker *w = &t->w[i];
			for (size_t k = 0; k < w->npend; k++)
				ns_an_release(w->an, w->pend[k]);
			for (size_t k = 0; k < w->nheld; k++) {
				free(w->held[k].block);   /* NULL for JSON: its bytes are in scratch */
				free(w->held[k].row);
			}
			free(w->pend);
			ns_an_free(w->an);
			if (w->log)
				for (size_t c = 0; c < LOG_CHUNKS && w->log[c]; c++)
					free(w->log[c]);
			free(w->log);
			ob_free(&w->scratch);
			ring_free(&w->ring);
		}
		free(t->w);
	}
	pthread_mutex_destroy(&t->out_mu);
	free(t);
}
