/* TCP flow tracker. See flow.h for the model and the per-connection rules.
 *
 * Layout: a pool of `cap` struct flow entries (indices, not pointers, so the
 * links are 4 bytes), a power-of-two bucket array of chain heads, and one
 * doubly-linked LRU list per state class. "Time" is packet time: the clock is
 * the latest timestamp seen, so replaying a capture expires flows exactly as
 * live tracing of the same packets would.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "flow.h"
#include "nshash.h"

#define NIL UINT32_MAX

enum { ST_FREE = 0, ST_HALF, ST_OPEN, ST_CLOSED };
enum { L_HALF = 0, L_OPEN, L_CLOSED, L_COUNT };

/* Canonical 4-tuple: endpoint 0 is the smaller (address, port). No padding
 * holes with garbage: always built from a zeroed struct, compared with memcmp. */
struct flow_key {
	uint8_t a[2][16];
	uint16_t port[2];
	uint8_t family;
	uint8_t pad[3];
	uint64_t tunnel;         /* ns_encap_key: the same 4-tuple in another tunnel is another flow */
};

struct flow {
	struct flow_key key;
	struct ns_encap *encap;  /* tunnels of its first packet (heap, tunnelled flows only) */
	uint8_t nencap;
	uint32_t hnext;          /* hash chain (NIL ends) or free-list link */
	uint32_t prev, next;     /* LRU list of its state class; head = most recent */
	uint8_t state;
	uint8_t ini;             /* canonical endpoint (0/1) that initiated */
	uint8_t dir;             /* enum ns_flow_dir, frozen at begin */
	bool dir_known;
	bool midstream;
	bool has_isn;
	bool has_rsp_isn;
	bool has_proc;
	bool began;              /* a begin event was emitted */
	uint32_t isn;            /* initiator's SYN sequence number */
	uint32_t rsp_isn;        /* responder's, from its SYN or from the SYN+ACK that acks it */
	uint64_t begin_seq;      /* order of begin events (capture_end order) */
	uint64_t first_ns;       /* first packet of the flow */
	uint64_t touch_ns;       /* clock at the last packet (for expiry) */
	uint64_t pkts[2], bytes[2];  /* per canonical endpoint (sender) */
	struct ns_task task;
};

struct lru {
	uint32_t head, tail;
};

struct ns_flow_table {
	struct ns_flow_config cfg;
	ns_flow_emit_fn emit;
	void *user;
	struct flow *pool;
	uint32_t cap;
	uint32_t hwm;            /* entries ever handed out (pool[hwm..] untouched) */
	uint32_t free_head;
	uint32_t *buckets;
	uint32_t mask;
	struct lru lists[L_COUNT];
	uint64_t timeouts[L_COUNT];
	uint64_t clock;          /* latest packet time seen */
	uint64_t last_frame;
	bool any_packet;
	uint64_t next_begin_seq;
	const struct ns_packet *cur;  /* packet being processed: events take its time/frame */
	struct ns_flow_stats st;
};

/* ---- lists ---- */

static uint8_t list_of(uint8_t state)
{
	return state == ST_HALF ? L_HALF : state == ST_OPEN ? L_OPEN : L_CLOSED;
}

static void list_unlink(struct ns_flow_table *t, uint32_t i)
{
	struct flow *f = &t->pool[i];
	struct lru *l = &t->lists[list_of(f->state)];

	if (f->prev != NIL)
		t->pool[f->prev].next = f->next;
	else
		l->head = f->next;
	if (f->next != NIL)
		t->pool[f->next].prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NIL;
}

static void list_push(struct ns_flow_table *t, uint32_t i)
{
	struct flow *f = &t->pool[i];
	struct lru *l = &t->lists[list_of(f->state)];

	f->prev = NIL;
	f->next = l->head;
	if (l->head != NIL)
		t->pool[l->head].prev = i;
	l->head = i;
	if (l->tail == NIL)
		l->tail = i;
	f->touch_ns = t->clock;
}

/* Mark activity, and move between lists when the state changes. */
static void set_state(struct ns_flow_table *t, uint32_t i, uint8_t state)
{
	/* already the most recent of its list: only the time moves (the common
	 * case of a busy flow; relinking would write to its neighbours) */
	if (state == t->pool[i].state && t->lists[list_of(state)].head == i) {
		t->pool[i].touch_ns = t->clock;
		return;
	}
	list_unlink(t, i);
	t->pool[i].state = state;
	list_push(t, i);
}

static void touch(struct ns_flow_table *t, uint32_t i)
{
	set_state(t, i, t->pool[i].state);
}

/* ---- hash ---- */

/* Keyed (see nshash.h). An IPv4 key is 24 zero bytes of address padding:
 * hashed without them, three words instead of six. */
static uint32_t bucket_of(const struct ns_flow_table *t, const struct flow_key *k)
{
	if (k->family == 4) {
		uint64_t w[3];
		uint32_t a0, a1;
		memcpy(&a0, k->a[0], 4);
		memcpy(&a1, k->a[1], 4);
		w[0] = (uint64_t)a0 << 32 | a1;
		/* ports, family and zero padding: one word (see make_key) */
		memcpy(&w[1], (const uint8_t *)k + offsetof(struct flow_key, port), 8);
		w[2] = k->tunnel;
		return (uint32_t)ns_hash_bytes(w, sizeof(w), t->cfg.seed) & t->mask;
	}
	return (uint32_t)ns_hash_bytes(k, sizeof(*k), t->cfg.seed) & t->mask;
}

/* Word-wise equality (keys have no garbage padding, see struct flow_key):
 * inline, where memcmp was a library call per probe. */
static bool key_eq(const struct flow_key *x, const struct flow_key *y)
{
	uint64_t a[sizeof(*x) / 8], b[sizeof(*y) / 8], d = 0;

	memcpy(a, x, sizeof(a));
	memcpy(b, y, sizeof(b));
	for (size_t w = 0; w < sizeof(a) / 8; w++)
		d |= a[w] ^ b[w];
	return d == 0;
}

static uint32_t lookup(const struct ns_flow_table *t, const struct flow_key *k, uint32_t b)
{
	for (uint32_t i = t->buckets[b]; i != NIL; i = t->pool[i].hnext)
		if (key_eq(&t->pool[i].key, k))
			return i;
	return NIL;
}

static void hash_unlink(struct ns_flow_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[bucket_of(t, &t->pool[i].key)];

	while (*pp != NIL && *pp != i)
		pp = &t->pool[*pp].hnext;
	if (*pp == i)
		*pp = t->pool[i].hnext;
}

/* ---- events ---- */

static void emit(struct ns_flow_table *t, const struct flow *f, uint8_t type,
		 uint8_t reason, int by, uint64_t ts, uint64_t frame)
{
	struct ns_flow_event ev;
	uint8_t s = by >= 0 ? (uint8_t)by : f->ini;
	uint8_t rsp = (uint8_t)!f->ini;

	if (type == NS_FLOW_EV_BEGIN)
		t->st.begins++;
	else
		t->st.ends++;
	if (!t->emit)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.reason = reason;
	ev.terminated_by = by < 0 ? NS_FLOW_SIDE_NONE :
		(uint8_t)by == f->ini ? NS_FLOW_SIDE_INITIATOR : NS_FLOW_SIDE_RESPONDER;
	/* An inferred initiator gives no direction: never a guess presented as fact. */
	ev.direction = f->midstream ? NS_FLOW_DIR_UNKNOWN : f->dir;
	ev.midstream = f->midstream;
	ev.ts_ns = ts;
	ev.frame = frame;
	ev.src.family = ev.dst.family = f->key.family;
	memcpy(ev.src.a, f->key.a[s], 16);
	memcpy(ev.dst.a, f->key.a[!s], 16);
	ev.src_port = f->key.port[s];
	ev.dst_port = f->key.port[!s];
	ev.start_ns = f->first_ns;
	if (type == NS_FLOW_EV_END)
		ev.duration_ns = ts > f->first_ns ? ts - f->first_ns : 0;
	ev.ini_packets = f->pkts[f->ini];
	ev.ini_bytes = f->bytes[f->ini];
	ev.rsp_packets = f->pkts[rsp];
	ev.rsp_bytes = f->bytes[rsp];
	ev.task = f->task;
	ev.encap = f->encap;
	ev.nencap = f->nencap;
	t->emit(&ev, t->user);
}

/* Time and frame of the packet being processed (or of the end of input). */
static uint64_t ev_ts(const struct ns_flow_table *t)
{
	return t->cur && t->cur->ctx ? t->cur->ctx->ts_ns : t->clock;
}

static uint64_t ev_frame(const struct ns_flow_table *t)
{
	return t->cur && t->cur->ctx ? t->cur->ctx->frame : t->last_frame;
}

static void begin(struct ns_flow_table *t, uint32_t i)
{
	struct flow *f = &t->pool[i];

	f->begin_seq = t->next_begin_seq++;
	f->began = true;
	f->dir_known = true;     /* frozen: begin and end agree */
	set_state(t, i, ST_OPEN);
	emit(t, f, NS_FLOW_EV_BEGIN, NS_FLOW_R_NONE, -1, ev_ts(t), ev_frame(t));
}

static void end(struct ns_flow_table *t, uint32_t i, uint8_t reason, int by)
{
	emit(t, &t->pool[i], NS_FLOW_EV_END, reason, by, ev_ts(t), ev_frame(t));
	set_state(t, i, ST_CLOSED);
}

/* ---- allocation and expiry ---- */

static void release(struct ns_flow_table *t, uint32_t i)
{
	free(t->pool[i].encap);
	t->pool[i].encap = NULL;
	hash_unlink(t, i);
	list_unlink(t, i);
	t->pool[i].state = ST_FREE;
	t->pool[i].hnext = t->free_head;
	t->free_head = i;
	t->st.active--;
}

static void expire(struct ns_flow_table *t)
{
	for (int l = 0; l < L_COUNT; l++) {
		uint32_t i;
		while ((i = t->lists[l].tail) != NIL &&
		       t->clock - t->pool[i].touch_ns > t->timeouts[l]) {
			if (l == L_OPEN) {
				t->st.expired_idle++;
				end(t, i, NS_FLOW_R_IDLE, -1);
			}
			release(t, i);
		}
	}
}

/* Table full: drop the least recently used closed entry, else half-open,
 * else end the least recently active open flow. */
static void evict_one(struct ns_flow_table *t)
{
	static const int order[L_COUNT] = { L_CLOSED, L_HALF, L_OPEN };

	for (int k = 0; k < L_COUNT; k++) {
		uint32_t i = t->lists[order[k]].tail;
		if (i == NIL)
			continue;
		if (order[k] == L_OPEN) {
			t->st.evicted_full++;
			end(t, i, NS_FLOW_R_IDLE, -1);
		} else if (order[k] == L_HALF) {
			t->st.evicted_halfopen++;
		} else {
			t->st.evicted_closed++;
		}
		release(t, i);
		return;
	}
}

/* The pool is used front to back as flows come: with transparent huge pages
 * its first use faults once per 2 MiB instead of once per 4 KiB page, and a
 * page fault is expensive on a virtual machine (on the many-connections
 * bench capture the first touch of each new entry was a tenth of
 * flows-only). A hint: without it, 4 KiB pages. Only large pools (a
 * calloc of this size is a mapping of its own, so the hint touches no
 * other allocation). */
static void ask_huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + 4095u) & ~(uintptr_t)4095u;
	uintptr_t e = ((uintptr_t)p + len) & ~(uintptr_t)4095u;

	if (len >= (4u << 20) && e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

static uint32_t alloc_entry(struct ns_flow_table *t, const struct flow_key *k)
{
	uint32_t i;

	if (t->free_head == NIL && t->hwm == t->cap)
		evict_one(t);
	if (t->free_head != NIL) {
		i = t->free_head;
		t->free_head = t->pool[i].hnext;
	} else if (t->hwm < t->cap) {
		i = t->hwm++;
	} else {
		return NIL;      /* unreachable: evict_one freed one (cap >= 1) */
	}
	memset(&t->pool[i], 0, sizeof(t->pool[i]));
	t->pool[i].key = *k;
	t->pool[i].prev = t->pool[i].next = NIL;
	/* bucket computed after a possible eviction (which does not move buckets) */
	uint32_t b = bucket_of(t, k);
	t->pool[i].hnext = t->buckets[b];
	t->buckets[b] = i;
	t->st.active++;
	if (t->st.active > t->st.max_active)
		t->st.max_active = t->st.active;
	return i;
}

/* ---- per-packet helpers ---- */

struct seg {
	uint8_t side;            /* canonical endpoint that sent the packet */
	bool syn, ack, fin, rst;
	uint32_t seq, ackno;
	const struct ns_packet *pkt;
};

static void count(struct flow *f, const struct seg *s)
{
	const struct ns_ctx *c = s->pkt->ctx;

	/* The initiator's ISN from the SYN+ACK that ACKs it, when the SYN was
	 * not seen first (captured after it, or not at all): the SYN, when it
	 * comes, is then part of this connection, not a new one. */
	if (s->syn && s->ack && s->side != f->ini && !f->has_isn) {
		f->isn = s->ackno - 1;
		f->has_isn = true;
	}
	/* The responder's ISN: its own SYN, or the ACK of a SYN+ACK from the
	 * initiator (simultaneous open). Its SYN is then no new connection. */
	if (s->syn && !f->has_rsp_isn) {
		if (s->side != f->ini) {
			f->rsp_isn = s->seq;
			f->has_rsp_isn = true;
		} else if (s->ack) {
			f->rsp_isn = s->ackno - 1;
			f->has_rsp_isn = true;
		}
	}

	f->pkts[s->side]++;
	f->bytes[s->side] += s->pkt->ip_wire_len;
	if (!f->has_proc && c && c->task.pid) {
		f->has_proc = true;
		f->task = c->task;
	}
}

/* Until begin, the first packet with a known direction decides, relative to
 * whether its sender is the initiator. */
static void learn_dir(struct flow *f, const struct seg *s)
{
	const struct ns_ctx *c = s->pkt->ctx;
	bool from_ini = s->side == f->ini;

	if (f->dir_known || !c || c->direction == NS_DIR_UNKNOWN)
		return;
	f->dir_known = true;
	if ((c->direction == NS_DIR_EGRESS) == from_ini)
		f->dir = NS_FLOW_DIR_OUTGOING;
	else
		f->dir = NS_FLOW_DIR_INCOMING;
}

/* Which endpoint started a connection whose handshake we did not see: the
 * one on the client-looking port (well-known < 1024 < registered < 32768 <=
 * ephemeral), else the sender of the first packet. Only a hint: such flows
 * are flagged midstream and get direction "unknown". */
static uint8_t guess_initiator(const struct flow *f, uint8_t sender)
{
	uint16_t ps = f->key.port[sender], pr = f->key.port[!sender];
	int cs = ps < 1024 ? 0 : ps < 32768 ? 1 : 2;
	int cr = pr < 1024 ? 0 : pr < 32768 ? 1 : 2;

	if (cs < cr)
		return (uint8_t)!sender;
	return sender;
}

/* (Re)start entry i as a half-open flow from a SYN. */
static void start_half(struct ns_flow_table *t, uint32_t i, const struct seg *s)
{
	struct flow *f = &t->pool[i];
	struct flow_key k = f->key;
	uint32_t hnext = f->hnext;
	struct ns_encap *encap = f->encap;   /* the key's tunnel: still this one */
	uint8_t nencap = f->nencap;

	list_unlink(t, i);
	memset(f, 0, sizeof(*f));
	f->key = k;
	f->hnext = hnext;
	f->encap = encap;
	f->nencap = nencap;
	f->prev = f->next = NIL;
	f->state = ST_HALF;
	f->ini = s->side;
	f->isn = s->seq;
	f->has_isn = true;
	f->first_ns = s->pkt->ctx ? s->pkt->ctx->ts_ns : 0;
	list_push(t, i);
	count(f, s);
	learn_dir(f, s);
}

/* A SYN that starts a new connection on this tuple: not a retransmission of
 * the initiator's SYN we already have. */
static bool new_syn(const struct flow *f, const struct seg *s)
{
	if (!s->syn || s->ack)
		return false;
	if (s->side == f->ini)
		return !(f->has_isn && s->seq == f->isn);
	return !(f->has_rsp_isn && s->seq == f->rsp_isn);
}

static void on_new(struct ns_flow_table *t, const struct flow_key *k, const struct seg *s)
{
	uint32_t i;
	struct flow *f;

	if (s->rst) {            /* a lone RST belongs to no connection we can show */
		t->st.ignored++;
		return;
	}
	i = alloc_entry(t, k);
	if (i == NIL)
		return;
	f = &t->pool[i];
	f->first_ns = s->pkt->ctx ? s->pkt->ctx->ts_ns : 0;
	if (s->pkt->nencap) {
		size_t n = sizeof(*f->encap) * s->pkt->nencap;
		/* Without memory the flow is still followed, its tunnels not
		 * shown: counted, and netsift read says so (exit 1). */
		if ((f->encap = malloc(n)) != NULL) {
			memcpy(f->encap, s->pkt->encap, n);
			f->nencap = s->pkt->nencap;
		} else {
			t->st.encap_nomem++;
		}
	}
	if (s->syn && !s->ack) {
		f->state = ST_CLOSED;   /* any list; start_half moves it */
		list_push(t, i);
		start_half(t, i, s);
		return;
	}
	f->state = ST_HALF;
	list_push(t, i);
	if (s->syn) {            /* SYN+ACK, its SYN not captured: roles are still clear */
		f->ini = (uint8_t)!s->side;
	} else {
		f->ini = guess_initiator(f, s->side);
		f->midstream = true;
	}
	count(f, s);
	learn_dir(f, s);
	begin(t, i);
	if (s->fin)
		end(t, i, NS_FLOW_R_FIN, s->side);
}

static void on_half(struct ns_flow_table *t, uint32_t i, const struct seg *s)
{
	struct flow *f = &t->pool[i];

	if (s->syn && !s->ack && s->side == f->ini && s->seq != f->isn) {
		start_half(t, i, s);     /* a new attempt: the old one never answered */
		return;
	}
	count(f, s);
	learn_dir(f, s);
	if (s->rst) {            /* refused or aborted handshake: no events */
		set_state(t, i, ST_CLOSED);
		return;
	}
	if (s->syn && !s->ack) { /* retransmission, or the other side's SYN (simultaneous open) */
		touch(t, i);
		return;
	}
	/* SYN+ACK, or a later packet whose SYN+ACK was not captured */
	begin(t, i);
	if (s->fin)
		end(t, i, NS_FLOW_R_FIN, s->side);
}

static void on_open(struct ns_flow_table *t, uint32_t i, const struct seg *s)
{
	struct flow *f = &t->pool[i];

	if (new_syn(f, s)) {
		end(t, i, NS_FLOW_R_PORT_REUSE, -1);
		start_half(t, i, s);
		return;
	}
	count(f, s);
	if (s->rst || s->fin)
		end(t, i, s->rst ? NS_FLOW_R_RST : NS_FLOW_R_FIN, s->side);
	else
		touch(t, i);
}

/* A SYN+ACK answering the initiator's SYN in a handshake that a RST closed
 * before it began: the RST was not the responder's (a middlebox injects one
 * ahead of the real answer), and the connection goes on. */
static bool answers_after_rst(const struct flow *f, const struct seg *s)
{
	return !f->began && s->syn && s->ack && !s->rst && s->side != f->ini &&
	       f->has_isn && s->ackno == f->isn + 1;
}

static void on_closed(struct ns_flow_table *t, uint32_t i, const struct seg *s)
{
	struct flow *f = &t->pool[i];

	if (new_syn(f, s)) {
		start_half(t, i, s);
	} else if (answers_after_rst(f, s)) {
		count(f, s);
		learn_dir(f, s);
		begin(t, i);
		if (s->fin)
			end(t, i, NS_FLOW_R_FIN, s->side);
	} else {
		touch(t, i);     /* trailing packets of the close keep it lingering */
	}
}

/* memcmp(x, y, 16) < 0, == 0, > 0 (bytes as unsigned, first byte most
 * significant), two words at a time: memcmp was a library call per packet. */
static int cmp16(const uint8_t *x, const uint8_t *y)
{
	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;
		memcpy(&a, x + i, 8);
		memcpy(&b, y + i, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		a = __builtin_bswap64(a);
		b = __builtin_bswap64(b);
#endif
		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

static void make_key(const struct ns_packet *pkt, struct flow_key *k, uint8_t *side)
{
	int c = cmp16(pkt->src.a, pkt->dst.a);
	bool swap = c > 0 || (c == 0 && pkt->tcp.src_port > pkt->tcp.dst_port);
	uint64_t p0 = swap ? pkt->tcp.dst_port : pkt->tcp.src_port;
	uint64_t p1 = swap ? pkt->tcp.src_port : pkt->tcp.dst_port;
	uint64_t fam = pkt->src.family, w;
	_Static_assert(sizeof(*k) == 48 && offsetof(struct flow_key, port) == 32 &&
		       offsetof(struct flow_key, family) == 36 &&
		       offsetof(struct flow_key, tunnel) == 40, "flow_key layout");

	memcpy(k->a[swap], pkt->src.a, 16);
	memcpy(k->a[!swap], pkt->dst.a, 16);
	/* The last word (port[0], port[1], family, zero padding) is computed in
	 * a register and stored at once: the hash reads the key a word at a time
	 * right away, and a load spanning several small stores cannot be
	 * forwarded from them. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = p0 | p1 << 16 | fam << 32;
#else
	w = p0 << 48 | p1 << 32 | fam << 24;
#endif
	memcpy((uint8_t *)k + offsetof(struct flow_key, port), &w, sizeof(w));
	k->tunnel = pkt->nencap ? ns_encap_key(pkt) : 0;
	*side = swap;
}

void ns_flow_packet(struct ns_flow_table *t, const struct ns_packet *pkt)
{
	struct flow_key k;
	struct seg s;
	uint64_t ts;
	uint32_t i;

	/* Every packet is a tick of the clock: idle flows expire, and the end of
	 * the input is its last packet, TCP or not. */
	ts = pkt->ctx ? pkt->ctx->ts_ns : 0;
	if (!t->any_packet || ts > t->clock)
		t->clock = ts;
	t->any_packet = true;
	t->last_frame = pkt->ctx ? pkt->ctx->frame : 0;
	t->cur = pkt;
	expire(t);
	if (pkt->l4 != NS_L4_TCP || (pkt->l3 != NS_L3_IPV4 && pkt->l3 != NS_L3_IPV6)) {
		t->cur = NULL;
		return;
	}
	t->st.tcp_packets++;
	if (pkt->tcp.hdr_avail < 14) {   /* flags not captured: cannot follow the state */
		t->st.ignored++;
		t->cur = NULL;
		return;
	}

	make_key(pkt, &k, &s.side);
	s.syn = pkt->tcp.flags & NS_TCP_SYN;
	s.ack = pkt->tcp.flags & NS_TCP_ACK;
	s.fin = pkt->tcp.flags & NS_TCP_FIN;
	s.rst = pkt->tcp.flags & NS_TCP_RST;
	s.seq = pkt->tcp.seq;
	s.ackno = pkt->tcp.ack;
	s.pkt = pkt;

	i = lookup(t, &k, bucket_of(t, &k));
	if (i == NIL)
		on_new(t, &k, &s);
	else if (t->pool[i].state == ST_HALF)
		on_half(t, i, &s);
	else if (t->pool[i].state == ST_OPEN)
		on_open(t, i, &s);
	else
		on_closed(t, i, &s);
	t->cur = NULL;
}

static int cmp_begin_seq(const void *a, const void *b, void *pool)
{
	const struct flow *p = pool;
	uint64_t x = p[*(const uint32_t *)a].begin_seq, y = p[*(const uint32_t *)b].begin_seq;

	return x < y ? -1 : x > y;
}

void ns_flow_finish(struct ns_flow_table *t, bool emit_end)
{
	uint32_t n = 0, *idx;

	for (uint32_t i = t->lists[L_OPEN].head; i != NIL; i = t->pool[i].next)
		n++;
	if (n == 0)
		return;
	t->cur = NULL;
	idx = malloc((size_t)n * sizeof(*idx));
	if (!idx) {              /* no memory: least recently active first */
		while (t->lists[L_OPEN].tail != NIL) {
			uint32_t i = t->lists[L_OPEN].tail;
			if (emit_end)
				end(t, i, NS_FLOW_R_CAPTURE_END, -1);
			else
				set_state(t, i, ST_CLOSED);
		}
		return;
	}
	n = 0;
	for (uint32_t i = t->lists[L_OPEN].head; i != NIL; i = t->pool[i].next)
		idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_begin_seq, t->pool);
	for (uint32_t k = 0; k < n; k++) {
		if (emit_end)
			end(t, idx[k], NS_FLOW_R_CAPTURE_END, -1);
		else
			set_state(t, idx[k], ST_CLOSED);
	}
	free(idx);
}

static void free_encaps(struct ns_flow_table *t)
{
	for (uint32_t i = 0; i < t->hwm; i++) {
		free(t->pool[i].encap);
		t->pool[i].encap = NULL;
	}
}

void ns_flow_reset(struct ns_flow_table *t)
{
	uint64_t nb = (uint64_t)t->mask + 1;

	free_encaps(t);
	memset(t->buckets, 0xff, nb * sizeof(*t->buckets));
	for (int l = 0; l < L_COUNT; l++)
		t->lists[l].head = t->lists[l].tail = NIL;
	t->free_head = NIL;
	t->hwm = 0;
	t->clock = 0;
	t->last_frame = 0;
	t->any_packet = false;
	t->cur = NULL;
	t->st.active = 0;
}

void ns_flow_clear(struct ns_flow_table *t)
{
	ns_flow_reset(t);
	t->next_begin_seq = 0;
	memset(&t->st, 0, sizeof(t->st));
}

/* ---- setup ---- */

static uint64_t pick(uint64_t v, uint64_t dflt)
{
	return v ? v : dflt;
}

struct ns_flow_table *ns_flow_new(const struct ns_flow_config *cfg, ns_flow_emit_fn emit_fn, void *user)
{
	struct ns_flow_table *t = calloc(1, sizeof(*t));
	uint64_t nb = 1;

	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	t->cfg.max_flows = (uint32_t)pick(t->cfg.max_flows, NS_FLOW_DEFAULT_MAX);
	if (t->cfg.max_flows > (1u << 30))
		t->cfg.max_flows = 1u << 30;
	t->cfg.timeout_ns = pick(t->cfg.timeout_ns, NS_FLOW_DEFAULT_TIMEOUT_NS);
	uint64_t short_to = t->cfg.timeout_ns < NS_FLOW_HALFOPEN_TIMEOUT_NS ?
		t->cfg.timeout_ns : NS_FLOW_HALFOPEN_TIMEOUT_NS;
	t->cfg.halfopen_timeout_ns = pick(t->cfg.halfopen_timeout_ns, short_to);
	/* Not tied to the idle timeout: a peer retransmits its FIN (or data)
	 * after the close with intervals up to its maximum RTO, and each of
	 * those would otherwise start a midstream flow of its own. */
	t->cfg.linger_ns = pick(t->cfg.linger_ns, NS_FLOW_CLOSED_LINGER_NS);
	t->cfg.seed = pick(t->cfg.seed, NS_HASH_DEFAULT_SEED);
	t->timeouts[L_HALF] = t->cfg.halfopen_timeout_ns;
	t->timeouts[L_OPEN] = t->cfg.timeout_ns;
	t->timeouts[L_CLOSED] = t->cfg.linger_ns;

	t->cap = t->cfg.max_flows;
	/* at least two buckets per flow: a full table's chains stay short
	 * (half a flow each), and every step of a chain is a cache miss on a
	 * flow far in memory (at one bucket per flow, 1M flows took 2.5
	 * times as long as 500k) */
	while (nb < 2 * (uint64_t)t->cap)
		nb <<= 1;
	t->mask = (uint32_t)(nb - 1);
	/* calloc'd pool: the kernel maps pages only as entries are first used */
	t->pool = calloc(t->cap, sizeof(*t->pool));
	t->buckets = malloc(nb * sizeof(*t->buckets));
	if (!t->pool || !t->buckets) {
		ns_flow_free(t);
		return NULL;
	}
	ask_huge_pages(t->pool, t->cap * sizeof(*t->pool));
	memset(t->buckets, 0xff, nb * sizeof(*t->buckets));   /* all NIL */
	for (int l = 0; l < L_COUNT; l++)
		t->lists[l].head = t->lists[l].tail = NIL;
	t->free_head = NIL;
	t->emit = emit_fn;
	t->user = user;
	return t;
}

void ns_flow_free(struct ns_flow_table *t)
{
	if (!t)
		return;
	if (t->pool)
		free_encaps(t);
	free(t->pool);
	free(t->buckets);
	free(t);
}

const struct ns_flow_stats *ns_flow_get_stats(const struct ns_flow_table *t)
{
	return &t->st;
}

const char *ns_flow_reason_name(uint8_t reason)
{
	switch (reason) {
	case NS_FLOW_R_FIN: return "fin";
	case NS_FLOW_R_RST: return "rst";
	case NS_FLOW_R_IDLE: return "idle_timeout";
	case NS_FLOW_R_CAPTURE_END: return "capture_end";
	case NS_FLOW_R_PORT_REUSE: return "port_reuse";
	default: return NULL;
	}
}

const char *ns_flow_side_name(uint8_t side)
{
	switch (side) {
	case NS_FLOW_SIDE_INITIATOR: return "initiator";
	case NS_FLOW_SIDE_RESPONDER: return "responder";
	default: return NULL;
	}
}

const char *ns_flow_dir_name(uint8_t dir)
{
	switch (dir) {
	case NS_FLOW_DIR_INCOMING: return "incoming";
	case NS_FLOW_DIR_OUTGOING: return "outgoing";
	default: return "unknown";
	}
}
