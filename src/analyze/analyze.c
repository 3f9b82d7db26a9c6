/* netsift TCP conversation analysis engine. See analyze.h.
 *
 * Per packet, three independent readings are made:
 *  1. Wireshark's sequence analysis (tcp_analyze_sequence_number in
 *     packet-tcp.c), reproduced check for check and in the same order, so the
 *     flags agree with tshark's tcp.analysis.* fields;
 *  2. bookkeeping an expert does by hand: handshake, ACK <-> data coverage,
 *     RTT per segment (Karn's rule), every transmission of a retransmitted
 *     segment, how the connection closed;
 *  3. Zeek's endpoint state machine and history letters (conn_state, history).
 * Memory per connection is bounded: the unacknowledged-segment list is capped
 * as in Wireshark, and detail records have fixed sizes.
 */
#include "analyze.h"
#include "diagnose.h"
#include "hugemap.h"
#include "nshash.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- sequence arithmetic (RFC 1982 style, as Wireshark's GT_SEQ etc.) ---- */
static bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

#define SYNFIN (NS_TCP_SYN | NS_TCP_FIN)
#define SYNFINRST (NS_TCP_SYN | NS_TCP_FIN | NS_TCP_RST)

/* Wireshark: out-of-order threshold before the initial RTT is known. */
#define OOO_DEFAULT_NS 3000000ull
/* Wireshark: a fast retransmission follows the last dup ACK within 20 ms. */
#define FAST_RT_NS 20000000ull
/* Eviction: closed connections idle this long are over; open ones much later. */
#define CLOSED_IDLE_NS (120ull * 1000000000ull)
#define OPEN_IDLE_NS (3600ull * 1000000000ull)
#define SWEEP_EVERY_NS NS_AN_SWEEP_EVERY_NS
/* RFC 7323 2.3: a window scale option above 14 is used as 14 (a shift of
 * 255 would be undefined behaviour in C, and a nonsense window). */
#define WSCALE_MAX 14
/* Holes in a direction's data remembered for the unique-bytes count. */
#define MAX_HOLES 8

struct seg {                 /* Wireshark's tcp_unacked_t */
	uint32_t seq, nextseq;
	uint64_t frame, ts;
	bool rtx;                /* retransmitted, or itself a retransmission (Karn) */
	uint8_t ctl;             /* NS_TCP_SYN / NS_TCP_FIN it carries (for --acks) */
};

/* Unacknowledged segments kept inside the connection before the list goes to
 * the heap: short connections (most of them) never allocate one. */
#define INLINE_SEGS 4

struct dstate {              /* Wireshark's per-flow analysis state + Zeek's */
	uint32_t nomem;          /* allocations that failed: details lost (ns_an_nomem) */
	bool base_set;
	uint32_t nextseq;        /* 0 = unknown, as in Wireshark */
	uint64_t nextseq_ts, nextseq_frame;
	uint32_t maxseqtobeacked;
	uint32_t lastack;
	uint64_t lastack_ts;
	uint32_t window;         /* raw header value of the last packet */
	int32_t win_scale;       /* -1 unknown, -2 not used, else the shift */
	uint32_t lastsegflags;
	uint32_t dupacknum;
	struct seg *segs;        /* inl until more than INLINE_SEGS are unacked */
	uint32_t nsegs, capsegs;
	struct seg inl[INLINE_SEGS];
	uint32_t rtx_open;       /* rtx[] before this index are all ACKed */
	uint32_t rtx_cap;        /* records allocated in the public rtx[] */
	bool in_zw;              /* last advertisement was a zero window */
	/* unique bytes: the highest data sequence number seen, and the holes
	 * below it (sequence space skipped, not yet seen) */
	bool hi_set;
	uint8_t nholes;
	uint32_t hi;
	struct { uint32_t lo, hi; } holes[MAX_HOLES];
	/* Zeek history bookkeeping */
	uint32_t hist_seen;
	bool has_last_syn, has_last_fin, has_last_rst;
	uint32_t last_syn, last_fin, last_rst;
	uint64_t cnt_t, thr_t, cnt_w, thr_w, cnt_g, thr_g;
};

struct conn {
	/* chain fields first: a lookup walking past this connection touches
	 * one cache line, not the far end of a 1.7 KiB structure */
	struct conn *next;       /* hash chain */
	/* what points at this one (the bucket or the previous one's next):
	 * unlinking an evicted or finished connection does not walk its
	 * chain, touching other connections that are cold in the cache */
	struct conn **pprev;
	uint32_t hash;
	uint16_t hist_len;
	/* least recently active last: who goes when max_conns is reached */
	struct conn *lru_prev, *lru_next;
	struct ns_an_conn pub;   /* the report handed to the callback */
	struct dstate d[2];      /* [0] initiator -> responder, [1] the reverse */
	/* the diagnoses' record (pub.dx, ns_dx_attach): in the slab with the
	 * connection, not a calloc per connection (that calloc, and the page
	 * faults of the heap growing and shrinking under it, were a third of
	 * the time of a run over many short connections) */
	uint64_t dxmem[NS_DX_BYTES / sizeof(uint64_t)];
};

/* Connections are carved from slabs and recycled through a free list: no
 * malloc per connection. Slabs grow with the input: the first holds
 * SLAB_FIRST connections, each next one twice as many, up to SLAB_BYTES (a
 * transparent huge page where the kernel allows it, mapped populated: one
 * page fault per slab instead of one per page). A small capture so costs
 * a few KiB, not 2 MiB of pages cleared up front (what made a run over a
 * one-packet capture take 20 ms). Memory stays bounded by the most
 * connections held at once (max_conns).
 * With NS_EXACT_ALLOC (configure --enable-exact-alloc) every connection is
 * its own heap block of its exact size, freed when it ends, so ASan sees an
 * access past one connection or after its end. */
#define SLAB_BYTES NS_HUGE_PAGE
#define SLAB_FIRST 8u

struct slab {
	struct slab *next;
	size_t used;             /* connections carved so far */
	size_t cap;              /* connections it holds */
	bool mapped;             /* mmap'd (SLAB_BYTES), else calloc'd */
	struct conn conns[];
};

struct ns_an {
	ns_an_conn_cb done;
	void *user;
	struct slab *slabs;      /* the newest first: connections are carved from it */
	struct conn *free_conns; /* recycled, linked through next */
	size_t slab_cap;         /* connections in the next slab */
	struct conn *lru_head, *lru_tail;
	size_t max_conns;        /* 0: no limit */
	uint64_t evicted;        /* connections ended early for max_conns */
	uint64_t nomem;          /* allocations that failed: the analysis is incomplete */
	struct conn **buckets;
	size_t nbuckets, nconns;
	/* the connection of the last TCP packet: consecutive packets mostly
	 * belong to one, which then costs no hash and no chain walk */
	struct conn *last;
	uint64_t next_stream;
	uint64_t next_sweep_ns;
	bool have_t0;
	uint64_t t0_ns;          /* first packet of the capture */
	bool ack_log;            /* new connections keep their advancing ACKs */
	uint64_t cut_frame;      /* ns_an_set_capture_cut, 0: the input ended normally */
	uint64_t last_ts_ns;     /* the capture's latest packet (diagnoses: silence until the end) */
	/* --threads (an_threads.c): a worker's engine keeps finished connections
	 * for the callback to release, and sweeps when told (the reader knows
	 * the whole capture's clock) */
	bool keep;
	bool external_sweep;
};

/* ---------------------------------------------------------------- names */

static const char *const flag_names[NS_AN_FLAG_COUNT] = {
	"retransmission", "fast_retransmission", "spurious_retransmission",
	"out_of_order", "lost_segment", "ack_lost_segment", "duplicate_ack",
	"keep_alive", "keep_alive_ack", "zero_window", "zero_window_probe",
	"zero_window_probe_ack", "window_full", "window_update", "ports_reused",
};

const char *ns_an_flag_name(uint32_t flag_bit)
{
	for (unsigned i = 0; i < NS_AN_FLAG_COUNT; i++)
		if (flag_bit == (1u << i))
			return flag_names[i];
	return NULL;
}

static const char *const find_names[NS_FIND_COUNT] = {
	"retransmission", "fast_retransmission", "spurious_retransmission",
	"out_of_order", "lost_segment", "ack_lost_segment", "duplicate_ack",
	"keep_alive", "zero_window", "zero_window_probe", "window_full",
	"window_update",
};

const char *ns_an_find_name(enum ns_an_find f)
{
	return (unsigned)f < NS_FIND_COUNT ? find_names[f] : NULL;
}

const char *ns_an_close_name(enum ns_an_close c)
{
	switch (c) {
	case NS_AN_CLOSE_OPEN: return "open";
	case NS_AN_CLOSE_GRACEFUL: return "graceful";
	case NS_AN_CLOSE_HALF: return "half-closed";
	case NS_AN_CLOSE_RESET: return "reset";
	case NS_AN_CLOSE_REFUSED: return "refused";
	case NS_AN_CLOSE_UNANSWERED: return "unanswered";
	}
	return "open";
}

const char *ns_an_port_class(uint16_t port)
{
	if (port <= 1023)
		return "well-known";
	if (port <= 49151)
		return "registered";
	return "dynamic";
}

uint32_t ns_an_rel(const struct ns_an_dir *d, uint32_t seq)
{
	return seq - d->isn;
}

/* Zeek's conn_state() from base/protocols/conn/main.zeek, on endpoint states. */
const char *ns_an_conn_state(const struct ns_an_conn *c)
{
	uint8_t os = c->init.zstate, rs = c->resp.zstate;
	bool o_inactive = os == NS_ZS_INACTIVE || os == NS_ZS_PARTIAL;
	bool r_inactive = rs == NS_ZS_INACTIVE || rs == NS_ZS_PARTIAL;

	if (rs == NS_ZS_RESET) {
		if (os == NS_ZS_SYN_SENT || os == NS_ZS_SYN_ACK_SENT ||
		    (os == NS_ZS_RESET && c->init.zsize == 0 && c->resp.zsize == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == NS_ZS_RESET) {
		if (r_inactive) {
			/* /^\^?S[^HAFGIQ]*R.*$/ on the history */
			const char *h = c->history;
			if (*h == '^')
				h++;
			if (*h == 'S') {
				for (h++; *h && !strchr("HAFGIQ", *h); h++)
					if (*h == 'R')
						return "RSTOS0";
			}
			return "OTH";
		}
		return "RSTO";
	}
	if (rs == NS_ZS_CLOSED && os == NS_ZS_CLOSED)
		return "SF";
	if (os == NS_ZS_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == NS_ZS_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == NS_ZS_SYN_SENT && rs == NS_ZS_INACTIVE)
		return "S0";
	if (os == NS_ZS_ESTABLISHED && rs == NS_ZS_ESTABLISHED)
		return "S1";
	return "OTH";
}

/* ---------------------------------------------------------------- table */

/* Keyed (SipHash-1-3 under the process key, see nshash.h), so a capture
 * cannot be built to put its connections in one chain. Symmetric: the two
 * endpoints are hashed in a canonical order, so both directions of a
 * connection hash alike. IPv4 packs an endpoint into one word. */
static uint32_t hash_tuple(const struct ns_packet *p, uint64_t tunnel)
{
	uint64_t w[6];
	size_t n;

	if (p->src.family == 6) {
		uint64_t s[2], d[2];
		memcpy(s, p->src.a, 16);
		memcpy(d, p->dst.a, 16);
		int c = memcmp(p->src.a, p->dst.a, 16);
		bool swap = c > 0 || (c == 0 && p->tcp.src_port > p->tcp.dst_port);
		w[0] = swap ? d[0] : s[0];
		w[1] = swap ? d[1] : s[1];
		w[2] = swap ? s[0] : d[0];
		w[3] = swap ? s[1] : d[1];
		w[4] = swap ? (uint64_t)p->tcp.dst_port << 16 | p->tcp.src_port
			    : (uint64_t)p->tcp.src_port << 16 | p->tcp.dst_port;
		w[5] = tunnel;
		n = 6;
	} else {
		uint32_t s4, d4;
		memcpy(&s4, p->src.a, 4);
		memcpy(&d4, p->dst.a, 4);
		uint64_t a = (uint64_t)s4 << 16 | p->tcp.src_port;
		uint64_t b = (uint64_t)d4 << 16 | p->tcp.dst_port;
		w[0] = a < b ? a : b;
		w[1] = a < b ? b : a;
		w[2] = tunnel;
		n = 3;
	}
	uint64_t h = ns_hash_bytes(w, n * 8, NS_HASH_DEFAULT_SEED ^ 0xa1);
	return (uint32_t)(h ^ h >> 32);
}

static bool endpoint_is(const struct ns_an_dir *d, const struct ns_addr *a, uint16_t port)
{
	return d->port == port && ns_addr_equal(&d->addr, a);
}

/* Which side sent p: 0 initiator, 1 responder, -1 not this connection. */
static int conn_side(const struct conn *c, const struct ns_packet *p)
{
	const struct ns_an_conn *pc = &c->pub;
	if (endpoint_is(&pc->init, &p->src, p->tcp.src_port) &&
	    endpoint_is(&pc->resp, &p->dst, p->tcp.dst_port))
		return 0;
	if (endpoint_is(&pc->resp, &p->src, p->tcp.src_port) &&
	    endpoint_is(&pc->init, &p->dst, p->tcp.dst_port))
		return 1;
	return -1;
}

static void chain_push(struct conn **head, struct conn *c)
{
	c->next = *head;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = head;
	*head = c;
}

static void chain_remove(struct conn *c)
{
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
}

/* Found connections move to the front of their chain: a busy connection
 * sharing a bucket with idle ones (closed connections stay for minutes) is
 * then found without touching theirs, which are cold in the cache. */
static struct conn *lookup(struct ns_an *an, const struct ns_packet *p, uint32_t h,
			   uint64_t tunnel, int *side)
{
	struct conn **head = &an->buckets[h & (an->nbuckets - 1)];
	for (struct conn **pp = head, *c; (c = *pp) != NULL; pp = &c->next) {
		if (c->hash != h || c->pub.tunnel != tunnel)
			continue;
		*side = conn_side(c, p);
		if (*side < 0)
			continue;
		if (pp != head) {
			chain_remove(c);
			chain_push(head, c);
		}
		return c;
	}
	return NULL;
}

static int grow(struct ns_an *an)
{
	size_t nb = an->nbuckets * 2;
	struct conn **b = calloc(nb, sizeof(*b));
	if (!b)
		return -1;
	for (size_t i = 0; i < an->nbuckets; i++) {
		struct conn *c = an->buckets[i], *next;
		for (; c; c = next) {
			next = c->next;
			chain_push(&b[c->hash & (nb - 1)], c);
		}
	}
	free(an->buckets);
	an->buckets = b;
	an->nbuckets = nb;
	return 0;
}

static void lru_unlink(struct ns_an *an, struct conn *c)
{
	if (c->lru_prev)
		c->lru_prev->lru_next = c->lru_next;
	else
		an->lru_head = c->lru_next;
	if (c->lru_next)
		c->lru_next->lru_prev = c->lru_prev;
	else
		an->lru_tail = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

static void lru_push(struct ns_an *an, struct conn *c)
{
	c->lru_prev = NULL;
	c->lru_next = an->lru_head;
	if (an->lru_head)
		an->lru_head->lru_prev = c;
	an->lru_head = c;
	if (!an->lru_tail)
		an->lru_tail = c;
}

static void lru_touch(struct ns_an *an, struct conn *c)
{
	if (an->lru_head == c)
		return;
	lru_unlink(an, c);
	lru_push(an, c);
}

static void unlink_conn(struct ns_an *an, struct conn *c)
{
	chain_remove(c);
	an->nconns--;
	lru_unlink(an, c);
	if (an->last == c)
		an->last = NULL;
}

static void free_dir(struct ns_an_dir *d)
{
	for (int f = 0; d->find && f < NS_FIND_COUNT; f++)
		free(d->find[f].frames);
	free(d->find);
	free(d->rtx);
}

#define SLAB_CONNS ((SLAB_BYTES - sizeof(struct slab)) / sizeof(struct conn))

#ifndef NS_EXACT_ALLOC
/* One transparent huge page, populated: a connection's first touch of its
 * memory, not the work done with it, was the larger part of analysing many
 * short connections (one page fault, and on a virtual machine one host
 * fault, per 4 KiB). */
static struct slab *slab_map(void)
{
	return ns_map_huge(SLAB_BYTES, true);
}

static struct slab *slab_new(struct ns_an *an)
{
	size_t cap = an->slab_cap ? an->slab_cap : SLAB_FIRST;
	struct slab *s;

	if (cap >= SLAB_CONNS) {
		/* MAP_POPULATE: the slab's pages in one call, not a page
		 * fault each (~500 per slab, 5% of a run) */
		s = slab_map();
		if (!s)
			return NULL;
		s->cap = SLAB_CONNS;
		s->mapped = true;
	} else {
		s = calloc(1, sizeof(*s) + cap * sizeof(struct conn));
		if (!s)
			return NULL;
		s->cap = cap;
		an->slab_cap = cap * 2;
	}
	s->next = an->slabs;
	an->slabs = s;
	return s;
}
#endif

/* A zeroed connection from the free list or the current slab; NULL if out of
 * memory. */
static struct conn *conn_alloc(struct ns_an *an)
{
#ifdef NS_EXACT_ALLOC
	(void)an;
	return calloc(1, sizeof(struct conn));
#else
	struct conn *c = an->free_conns;
	if (c) {
		an->free_conns = c->next;
		memset(c, 0, sizeof(*c));
	} else {
		struct slab *s = an->slabs;
		if ((!s || s->used == s->cap) && !(s = slab_new(an)))
			return NULL;
		/* never used: still zeros (fresh mapping or calloc; clearing
		 * them again cost as much as the kernel's clearing) */
		c = &s->conns[s->used++];
	}
	return c;
#endif
}

static void free_conn(struct ns_an *an, struct conn *c)
{
	free(c->pub.acks);
	free(c->pub.ack_frames);
	free(c->pub.encap);
	an->nomem += ns_dx_nomem(&c->pub);
	ns_dx_free(&c->pub);
	for (int i = 0; i < 2; i++)
		if (c->d[i].segs != c->d[i].inl)
			free(c->d[i].segs);
	free_dir(&c->pub.init);
	free_dir(&c->pub.resp);
#ifdef NS_EXACT_ALLOC
	(void)an;
	free(c);
#else
	c->next = an->free_conns;
	an->free_conns = c;
#endif
}

static void init_dstate(struct dstate *s)
{
	s->window = UINT32_MAX;  /* Wireshark starts with G_MAXUINT32: no first dup ACK */
	s->win_scale = -1;
	s->thr_t = s->thr_w = s->thr_g = 1;
}

static void finish_conn(struct ns_an *an, struct conn *c, bool capture_end);

/* A new connection whose first packet is p. The initiator is the SYN's sender;
 * a first SYN+ACK names its receiver (Zeek flips, history starts with '^');
 * otherwise, midstream, the first sender. */
static struct conn *new_conn(struct ns_an *an, const struct ns_packet *p, uint32_t h,
			     uint64_t tunnel, int *side)
{
	if (an->max_conns && an->nconns >= an->max_conns && an->lru_tail) {
		/* at the limit: the connection idle longest ends now, with
		 * a note in its record, and is counted */
		struct conn *old = an->lru_tail;
		old->pub.evicted = true;
		an->evicted++;
		finish_conn(an, old, false);
	}
	/* at most one connection per two buckets: a lookup for a new connection
	 * (a SYN, a packet of an evicted one) then mostly finds its bucket
	 * empty, not a chain of connections cold in the cache to walk */
	if (2 * (an->nconns + 1) > an->nbuckets && grow(an) < 0)
		return NULL;
	struct conn *c = conn_alloc(an);
	if (!c)
		return NULL;
	bool flip = (p->tcp.flags & (NS_TCP_SYN | NS_TCP_ACK)) == (NS_TCP_SYN | NS_TCP_ACK);
	struct ns_an_dir *src = flip ? &c->pub.resp : &c->pub.init;
	struct ns_an_dir *dst = flip ? &c->pub.init : &c->pub.resp;
	src->addr = p->src;
	src->port = p->tcp.src_port;
	dst->addr = p->dst;
	dst->port = p->tcp.dst_port;
	c->pub.init.wscale = c->pub.resp.wscale = -1;
	c->pub.stream = an->next_stream++;
	c->pub.tunnel = tunnel;
	if (p->nencap) {
		size_t n = sizeof(*c->pub.encap) * p->nencap;
		/* Without memory the connection is still analysed, its tunnels
		 * not shown (and counted). */
		if ((c->pub.encap = malloc(n)) != NULL) {
			memcpy(c->pub.encap, p->encap, n);
			c->pub.nencap = p->nencap;
		} else {
			an->nomem++;
		}
	}
	c->pub.first_frame = p->ctx ? p->ctx->frame : 0;
	c->pub.file = p->ctx ? p->ctx->file : NULL;
	c->pub.first_ts_ns = p->ctx ? p->ctx->ts_ns : 0;
	c->pub.capture_t0_ns = an->t0_ns;
	c->pub.syn_seen = (p->tcp.flags & NS_TCP_SYN) != 0;
	c->pub.flipped = flip;
	c->pub.acks_on = an->ack_log;
	if (flip) {
		c->pub.history[0] = '^';
		c->hist_len = 1;
	}
	init_dstate(&c->d[0]);
	init_dstate(&c->d[1]);
	c->pub.priv = c;
	ns_dx_attach(&c->pub, c->dxmem);
	c->hash = h;
	chain_push(&an->buckets[h & (an->nbuckets - 1)], c);
	an->nconns++;
	lru_push(an, c);
	*side = flip ? 1 : 0;
	return c;
}

/* ---------------------------------------------------------------- findings */

const struct ns_an_finding *ns_an_finding(const struct ns_an_dir *d, enum ns_an_find f)
{
	static const struct ns_an_finding none;
	return d->find && (unsigned)f < NS_FIND_COUNT ? &d->find[f] : &none;
}

/* false when out of memory: the count stays right, the example is lost
 * (and without the direction's findings block, the count too) */
static bool finding(struct ns_an_dir *d, enum ns_an_find which, uint64_t frame)
{
	if (!d->find && !(d->find = calloc(NS_FIND_COUNT, sizeof(*d->find))))
		return false;
	struct ns_an_finding *f = &d->find[which];
	f->count++;
	if (f->nframes >= NS_AN_MAX_FRAMES)
		return true;
	if (!f->frames) {
		f->frames = malloc(NS_AN_MAX_FRAMES * sizeof(*f->frames));
		if (!f->frames)
			return false;
	}
	f->frames[f->nframes++] = frame;
	return true;
}

/* ---------------------------------------------------------------- Zeek */

static void hist_add(struct conn *c, int side, char code)
{
	if (c->hist_len >= NS_AN_HIST_MAX)
		return;
	c->pub.history[c->hist_len++] = side == 0 ? code : (char)tolower((unsigned char)code);
	c->pub.history[c->hist_len] = '\0';
}

/* Zeek's CheckHistory: add the letter the first time only; true if seen before. */
static bool hist_check(struct conn *c, int side, uint32_t bit, char code)
{
	struct dstate *s = &c->d[side];
	if (s->hist_seen & bit)
		return true;
	s->hist_seen |= bit;
	hist_add(c, side, code);
	return false;
}

/* Zeek's ScaledHistoryEntry: letter at the 1st, 10th, 100th, ... occurrence. */
static void hist_scaled(struct conn *c, int side, char code, uint64_t *cnt, uint64_t *thr)
{
	if (++*cnt == *thr) {
		hist_add(c, side, code);
		*thr *= 10;
	}
}

enum { H_SYN = 1, H_FIN = 2, H_RST = 4, H_DATA = 8, H_ACK = 16, H_MULTI = 32, H_FINRST = 64 };

/* Zeek compares a repeated SYN, FIN or RST with the last one by its sequence
 * number relative to the endpoint's first SYN: only equality matters, so the
 * absolute number serves, and stays right when our relative base moves (a
 * SYN+ACK with a new ISN, a RST's provisional base). */
static void zeek_history(struct conn *c, int side, const struct ns_tcp *t, uint32_t seq)
{
	struct dstate *s = &c->d[side];
	uint16_t fl = t->flags;
	int bits = !!(fl & NS_TCP_SYN) + !!(fl & NS_TCP_FIN) + !!(fl & NS_TCP_RST);

	if (bits > 1) {
		if ((fl & NS_TCP_FIN) && (fl & NS_TCP_RST))
			hist_check(c, side, H_FINRST, 'I');
		else
			hist_check(c, side, H_MULTI, 'Q');
		return;
	}
	if (bits == 1) {
		if (fl & NS_TCP_SYN) {
			char code = (fl & NS_TCP_ACK) ? 'H' : 'S';
			if (hist_check(c, side, H_SYN, code) && s->has_last_syn && seq != s->last_syn)
				hist_add(c, side, code);
			s->last_syn = seq;
			s->has_last_syn = true;
		}
		if (fl & NS_TCP_FIN) {
			uint32_t end = seq + t->payload_len;
			if (hist_check(c, side, H_FIN, 'F') && s->has_last_fin && end != s->last_fin)
				hist_add(c, side, 'F');
			s->last_fin = end;
			s->has_last_fin = true;
		}
		if (fl & NS_TCP_RST) {
			if (hist_check(c, side, H_RST, 'R') && s->has_last_rst && seq != s->last_rst)
				hist_add(c, side, 'R');
			s->last_rst = seq;
			s->has_last_rst = true;
		}
		return;
	}
	if (t->payload_len)
		hist_check(c, side, H_DATA, 'D');
	else if (fl & NS_TCP_ACK)
		hist_check(c, side, H_ACK, 'A');
}

static void zset(struct ns_an_dir *e, uint8_t st)
{
	e->zprev = e->zstate;
	e->zstate = st;
}

/* Zeek's TCP_Analyzer::UpdateStateMachine and its Update*State helpers. */
static void zeek_state(struct conn *c, int side, const struct ns_tcp *t)
{
	struct ns_an_dir *e = side == 0 ? &c->pub.init : &c->pub.resp;
	struct ns_an_dir *peer = side == 0 ? &c->pub.resp : &c->pub.init;
	uint16_t fl = t->flags;
	bool syn = fl & NS_TCP_SYN, fin = fl & NS_TCP_FIN, rst = fl & NS_TCP_RST;
	bool ack = fl & NS_TCP_ACK;

	switch (e->zstate) {
	case NS_ZS_INACTIVE:
		if (syn) {
			if (side == 0) {
				zset(e, ack ? NS_ZS_SYN_ACK_SENT : NS_ZS_SYN_SENT);
			} else {
				if (!ack && peer->zstate == NS_ZS_SYN_ACK_SENT)
					zset(peer, NS_ZS_ESTABLISHED);
				if (peer->zstate == NS_ZS_SYN_SENT)
					zset(peer, NS_ZS_ESTABLISHED);
				zset(e, NS_ZS_ESTABLISHED);
			}
		}
		if (fin)
			zset(e, NS_ZS_CLOSED);
		if (rst)
			zset(e, NS_ZS_RESET);
		if (e->zstate == NS_ZS_INACTIVE) {
			/* An ACK of the SYN before the SYN+ACK does not make a
			 * partial connection (Zeek's "eccentric TCPs"). */
			if (!(side == 1 && t->payload_len == 0 && c->pub.init.zstate == NS_ZS_SYN_SENT))
				zset(e, NS_ZS_PARTIAL);
		}
		break;
	case NS_ZS_SYN_SENT:
	case NS_ZS_SYN_ACK_SENT:
		if (fin)
			zset(e, NS_ZS_CLOSED);
		if (rst)
			zset(e, NS_ZS_RESET);
		break;
	case NS_ZS_ESTABLISHED:
	case NS_ZS_PARTIAL:
		if (syn && e->zstate == NS_ZS_PARTIAL && peer->zstate == NS_ZS_INACTIVE && !ack)
			zset(e, NS_ZS_SYN_SENT);
		if (fin && !rst) {
			zset(e, NS_ZS_CLOSED);
			/* FIN then RST from the peer was a normal close after all */
			if (peer->zstate == NS_ZS_RESET && peer->zprev == NS_ZS_CLOSED)
				zset(peer, NS_ZS_CLOSED);
		}
		if (rst)
			zset(e, NS_ZS_RESET);
		break;
	case NS_ZS_CLOSED:
		/* after a FIN exchange a RST does not change the state */
		if (rst && peer->zstate != NS_ZS_CLOSED)
			zset(e, NS_ZS_RESET);
		break;
	default:
		break;
	}
}

/* Zeek's zero-window letter: not on RSTs, not after the peer reset, not from an
 * endpoint that already sent its FIN, not on SYNs (their window is unscaled). */
static void zeek_window(struct conn *c, int side, const struct ns_tcp *t)
{
	struct ns_an_dir *e = side == 0 ? &c->pub.init : &c->pub.resp;
	struct ns_an_dir *peer = side == 0 ? &c->pub.resp : &c->pub.init;
	if (t->window != 0 || (t->flags & (NS_TCP_RST | NS_TCP_SYN)))
		return;
	if (peer->zstate == NS_ZS_RESET || e->zstate == NS_ZS_CLOSED)
		return;
	hist_scaled(c, side, 'W', &c->d[side].cnt_w, &c->d[side].thr_w);
}

/* ---------------------------------------------------------------- segments */

static void seg_add(struct dstate *s, uint32_t seq, uint32_t nextseq, uint64_t frame,
		    uint64_t ts, bool rtx, uint8_t ctl)
{
	if (!s->capsegs) {
		s->segs = s->inl;
		s->capsegs = INLINE_SEGS;
	}
	if (s->nsegs == s->capsegs) {
		uint32_t cap = s->capsegs * 2;
		if (cap > NS_AN_MAX_UNACKED)
			cap = NS_AN_MAX_UNACKED;
		bool inl = s->segs == s->inl;
		struct seg *n = realloc(inl ? NULL : s->segs, cap * sizeof(*n));
		if (!n) {
			s->nomem++;
			return;
		}
		if (inl)
			memcpy(n, s->inl, s->nsegs * sizeof(*n));
		s->segs = n;
		s->capsegs = cap;
	}
	s->segs[s->nsegs++] = (struct seg){ seq, nextseq, frame, ts, rtx, ctl };
}

/* Mark every unacked segment overlapping [seq, end) as retransmitted (Karn). */
static void seg_mark_rtx(struct dstate *s, uint32_t seq, uint32_t end)
{
	for (uint32_t i = 0; i < s->nsegs; i++)
		if (seq_lt(s->segs[i].seq, end) && seq_gt(s->segs[i].nextseq, seq))
			s->segs[i].rtx = true;
}

/* One segment the ACK covers: its frame, and what --acks says about them all
 * (the lowest seq, whether they share one length). */
static void cover_note(struct ns_an_pkt *o, const struct seg *g)
{
	uint32_t len = g->nextseq - g->seq;
	o->ctl |= g->ctl;
	if (!o->ncover) {
		o->lo_seq = g->seq;
		o->lo_frame = g->frame;
		o->seg_len = len;
	} else {
		if (seq_lt(g->seq, o->lo_seq)) {
			o->lo_seq = g->seq;
			o->lo_frame = g->frame;
		}
		if (o->seg_len != len)
			o->seg_len = 0;
	}
	if (o->ncover < NS_AN_MAX_COVER)
		o->cover[o->ncover] = g->frame;
	o->ncover++;
}

/* Wireshark's removal loop: drop the segments `ack` covers, report them. */
static void seg_ack(struct dstate *rs, uint32_t ack, uint64_t ts, struct ns_an_pkt *o,
		    struct ns_an_dir *sender)
{
	uint32_t w = 0;
	bool ambiguous = false;
	for (uint32_t i = 0; i < rs->nsegs; i++) {
		struct seg *g = &rs->segs[i];
		if (ack == g->nextseq) {
			if (ts >= g->ts) {
				o->has_rtt = true;
				o->rtt_ns = ts - g->ts;
				o->rtt_frame = g->frame;
			}
			ambiguous |= g->rtx;
		} else if (seq_gt(ack, g->seq) && seq_le(ack, g->nextseq)) {
			g->seq = ack;    /* partly acked: keep the rest */
			rs->segs[w++] = *g;
			continue;
		} else if (seq_gt(g->nextseq, ack)) {
			rs->segs[w++] = *g;
			continue;
		}
		ambiguous |= g->rtx;
		if (g->rtx && !o->karn_frame)
			o->karn_frame = g->frame;
		cover_note(o, g);
	}
	rs->nsegs = w;
	/* Karn: an ACK that covers a retransmitted segment gives no sample */
	if (ambiguous)
		o->has_rtt = false;
	if (o->has_rtt) {
		struct ns_an_dir *d = sender;
		if (!d->rtt_n || o->rtt_ns < d->rtt_min_ns)
			d->rtt_min_ns = o->rtt_ns;
		if (o->rtt_ns > d->rtt_max_ns)
			d->rtt_max_ns = o->rtt_ns;
		d->rtt_sum_ns += o->rtt_ns;
		d->rtt_n++;
	}
}

/* ---------------------------------------------------------------- retransmissions */

static struct ns_an_rtx *rtx_find(struct ns_an_dir *d, struct dstate *s, uint32_t rel)
{
	for (uint32_t i = d->nrtx; i-- > s->rtx_open;)
		if (!d->rtx[i].acked && d->rtx[i].rel_seq == rel)
			return &d->rtx[i];
	return NULL;
}

static void rtx_tx(struct ns_an_dir *d, struct ns_an_rtx *r, uint64_t frame, uint64_t ts)
{
	if (r->ntx_kept < NS_AN_MAX_TX) {
		r->frame[r->ntx_kept] = frame;
		r->ts_ns[r->ntx_kept] = ts;
		r->ntx_kept++;
	}
	r->ntx++;
	if (r->ntx > d->max_tx)
		d->max_tx = r->ntx;
}

/* Room for one more detailed retransmission record: the array grows by
 * doubling up to NS_AN_MAX_RTX_REC. NULL when full or out of memory. */
static struct ns_an_rtx *rtx_new(struct ns_an_dir *d, struct dstate *s)
{
	if (d->nrtx >= NS_AN_MAX_RTX_REC)
		return NULL;
	if (d->nrtx == s->rtx_cap) {
		uint32_t cap = s->rtx_cap ? s->rtx_cap * 2 : 4;
		if (cap > NS_AN_MAX_RTX_REC)
			cap = NS_AN_MAX_RTX_REC;
		struct ns_an_rtx *n = realloc(d->rtx, cap * sizeof(*n));
		if (!n) {
			s->nomem++;
			return NULL;
		}
		d->rtx = n;
		s->rtx_cap = cap;
	}
	return &d->rtx[d->nrtx++];
}

/* Record one retransmission of [seq, seq+len) with every transmission seen. */
static void rtx_record(struct ns_an_dir *d, struct dstate *s, const struct ns_tcp *t,
		       uint64_t frame, uint64_t ts, uint32_t aflags)
{
	uint32_t rel = ns_an_rel(d, t->seq);
	struct ns_an_rtx *r = rtx_find(d, s, rel);
	if (!r) {
		d->rtx_segments++;
		r = rtx_new(d, s);
		if (!r)
			goto mark;
		memset(r, 0, sizeof(*r));
		r->rel_seq = rel;
		r->len = t->payload_len;
		r->tcpflags = t->flags & SYNFIN;
		for (uint32_t i = 0; i < s->nsegs; i++) {
			if (s->segs[i].seq == t->seq) {
				rtx_tx(d, r, s->segs[i].frame, s->segs[i].ts);
				r->original_seen = true;
				break;
			}
		}
		if (!r->original_seen)
			r->ntx = 1;      /* the original was sent before we can tell */
	}
	rtx_tx(d, r, frame, ts);
	r->fast |= (aflags & NS_AN_FAST_RETRANSMISSION) != 0;
	r->spurious |= (aflags & NS_AN_SPURIOUS_RETRANS) != 0;
mark:
	seg_mark_rtx(s, t->seq, t->seq + t->payload_len + ((t->flags & SYNFIN) ? 1 : 0));
}

/* An ACK from the other side covers retransmitted segments: note which frame. */
static void rtx_acked(struct ns_an_dir *d, struct dstate *s, uint32_t ack, uint64_t frame)
{
	uint32_t rel_ack = ns_an_rel(d, ack);
	for (uint32_t i = s->rtx_open; i < d->nrtx; i++) {
		struct ns_an_rtx *r = &d->rtx[i];
		uint32_t end = r->rel_seq + r->len + (r->tcpflags ? 1 : 0);
		if (!r->acked && seq_le(end, rel_ack)) {
			r->acked = true;
			r->ack_frame = frame;
		}
	}
	while (s->rtx_open < d->nrtx && d->rtx[s->rtx_open].acked)
		s->rtx_open++;
}

/* ---------------------------------------------------------------- Wireshark */

struct pctx {                /* one packet, as the analysis sees it */
	const struct ns_tcp *t;
	uint64_t frame, ts;
	uint32_t seglen;
};

/* handshake() stores the shift clamped; clamping here too keeps every shift
 * defined whatever the state. */
static uint32_t rev_shift(const struct dstate *r)
{
	if (r->win_scale < 0)
		return 0;
	return r->win_scale > WSCALE_MAX ? WSCALE_MAX : (uint32_t)r->win_scale;
}

/* The checks of tcp_analyze_sequence_number() up to "finished_fwd". */
static uint32_t ws_fwd_checks(struct dstate *f, struct dstate *r, const struct pctx *x)
{
	const struct ns_tcp *t = x->t;
	uint32_t seq = t->seq, ack = t->ack, seglen = x->seglen, win = t->window;
	uint16_t fl = t->flags;
	uint32_t a = 0;

	if (seglen == 1 && seq == f->nextseq && r->window == 0)
		return NS_AN_ZERO_WINDOW_PROBE;
	if (win == 0 && !(fl & SYNFINRST))
		a |= NS_AN_ZERO_WINDOW;
	if (f->nextseq && seq_gt(seq, f->nextseq) && !(fl & NS_TCP_RST))
		a |= NS_AN_LOST_SEGMENT;
	if (seglen <= 1 && seq == f->nextseq - 1 && !(fl & SYNFINRST))
		a |= NS_AN_KEEP_ALIVE;
	if (seglen == 0 && win && win != f->window && seq == f->nextseq &&
	    ack == f->lastack && !(fl & SYNFINRST))
		a |= NS_AN_WINDOW_UPDATE;
	if (seglen > 0 && r->win_scale != -1 &&
	    seq + seglen == r->lastack + (r->window << rev_shift(r)) && !(fl & SYNFINRST))
		a |= NS_AN_WINDOW_FULL;

	bool same = seglen == 0 && seq == f->nextseq && ack == f->lastack && !(fl & SYNFINRST);
	if (same && win && win == f->window && (r->lastsegflags & NS_AN_KEEP_ALIVE))
		return a | NS_AN_KEEP_ALIVE_ACK;
	if (seglen == 0 && win == 0 && win == f->window && seq == f->nextseq &&
	    (ack == f->lastack || ack == f->lastack + 1) &&
	    (r->lastsegflags & NS_AN_ZERO_WINDOW_PROBE) && !(fl & SYNFINRST))
		return a | NS_AN_ZERO_WINDOW_PROBE_ACK;
	if (same && win && win == f->window) {
		f->dupacknum++;
		a |= NS_AN_DUP_ACK;
	}
	return a;
}

/* Retransmission / fast retransmission / out-of-order / spurious, in the
 * order of current Wireshark: spurious first (the data was already ACKed,
 * whatever else is true of it), then fast retransmission, out-of-order, and
 * the generic retransmission. A SYN or FIN occupies one sequence number: a
 * resent SYN, SYN+ACK or FIN ends exactly at nextseq, so it is a
 * retransmission, never out-of-order. */
static uint32_t ws_retrans(const struct dstate *f, const struct dstate *r,
			   const struct pctx *x, uint32_t a, uint64_t irtt)
{
	const struct ns_tcp *t = x->t;
	uint32_t seq = t->seq, seglen = x->seglen;
	uint32_t ctl = (t->flags & SYNFIN) ? 1 : 0;

	if (!(seglen > 0 || ctl) || (a & NS_AN_KEEP_ALIVE))
		return 0;
	bool not_adv = f->nextseq && seq_lt(seq, f->nextseq);
	/* a >1-byte segment right after a zero-window probe adds new data */
	if (seglen > 1 && f->nextseq - 1 == seq)
		not_adv = false;
	/* ends at or below what the peer ACKed: ACKed data sent again */
	if (seglen > 0 && r->lastack && seq_le(seq + seglen, r->lastack))
		return NS_AN_SPURIOUS_RETRANS;
	if (not_adv && r->dupacknum >= 2 && r->lastack == seq &&
	    x->ts - r->lastack_ts < FAST_RT_NS)
		return NS_AN_FAST_RETRANSMISSION;
	uint64_t thres = irtt ? irtt : OOO_DEFAULT_NS;
	if (not_adv && x->ts - f->nextseq_ts < thres && f->nextseq != seq + seglen + ctl)
		return NS_AN_OUT_OF_ORDER;
	return not_adv ? NS_AN_RETRANSMISSION : 0;
}

/* What the next packets are checked against: the highest sequence number
 * sent, the last ACK and window, the flags (Wireshark's state updates after
 * "finished_checking_retransmission_type"). */
static void ws_remember(struct dstate *f, const struct pctx *x, uint32_t a, uint32_t nextseq)
{
	bool zwp = a & NS_AN_ZERO_WINDOW_PROBE;
	if ((seq_gt(nextseq, f->nextseq) || !f->nextseq) && !zwp) {
		f->nextseq = nextseq;
		f->nextseq_frame = x->frame;
		f->nextseq_ts = x->ts;
	}
	if ((x->t->seq == f->maxseqtobeacked || !f->maxseqtobeacked) && !zwp)
		f->maxseqtobeacked = f->nextseq;
	f->window = x->t->window;
	f->lastack = x->t->ack;
	f->lastack_ts = x->ts;
	f->lastsegflags = a;
}

/* tcp_analyze_sequence_number(), whole. Returns the packet's flags. */
static uint32_t ws_analyze(struct conn *c, int side, const struct pctx *x, struct ns_an_pkt *o)
{
	struct dstate *f = &c->d[side], *r = &c->d[!side];
	const struct ns_tcp *t = x->t;
	uint32_t seq = t->seq, ack = t->ack, seglen = x->seglen;
	uint16_t fl = t->flags;

	uint32_t a = ws_fwd_checks(f, r, x);
	if (ack != f->lastack)
		f->dupacknum = 0;
	if (r->maxseqtobeacked && seq_gt(ack, r->maxseqtobeacked) && (fl & NS_TCP_ACK)) {
		a |= NS_AN_ACK_LOST_SEGMENT;
		r->maxseqtobeacked = r->nextseq;
	}
	a |= ws_retrans(f, r, x, a, c->pub.irtt_ns);

	uint32_t nextseq = seq + seglen;
	if (seglen || (fl & SYNFIN)) {
		if (fl & SYNFIN)
			nextseq++;
		if (a & NS_AN_ANY_RETRANS) {
			struct ns_an_dir *d = side == 0 ? &c->pub.init : &c->pub.resp;
			rtx_record(d, f, t, x->frame, x->ts, a);
		}
		if (f->nsegs < NS_AN_MAX_UNACKED)
			seg_add(f, seq, nextseq, x->frame, x->ts, (a & NS_AN_ANY_RETRANS) != 0,
				(uint8_t)(fl & SYNFIN));
	}
	/* A RST from a side not seen otherwise (base unset: see bases()) says
	 * nothing about where its sequence space is: an injected RST's numbers
	 * must not make the real SYN+ACK look lost or retransmitted. */
	if (!((fl & NS_TCP_RST) && !f->base_set))
		ws_remember(f, x, a, nextseq);
	/* RTT belongs to the data sender's direction, as in tcptrace */
	if (fl & NS_TCP_ACK)
		seg_ack(r, ack, x->ts, o, side == 0 ? &c->pub.resp : &c->pub.init);
	return a;
}

/* ---------------------------------------------------------------- bookkeeping */

static void handshake(struct conn *c, int side, const struct pctx *x)
{
	const struct ns_tcp *t = x->t;
	struct ns_an_conn *pc = &c->pub;
	struct ns_an_dir *d = side == 0 ? &pc->init : &pc->resp;
	struct dstate *f = &c->d[side], *r = &c->d[!side];
	bool syn = t->flags & NS_TCP_SYN, ack = t->flags & NS_TCP_ACK;

	if (syn) {
		d->syn_seen = true;
		d->has_mss = t->has_mss;
		d->mss = t->mss;
		/* the shift actually used: above 14 means 14 (RFC 7323 2.3) */
		uint8_t shift = t->wscale > WSCALE_MAX ? WSCALE_MAX : t->wscale;
		d->wscale = t->has_wscale ? (int8_t)shift : -1;
		d->wscale_offered = t->has_wscale ? t->wscale : 0;
		d->sack_perm = t->sack_permitted;
		d->ts = t->has_ts;
		if (!ack) {
			if (!pc->syn_frame)
				pc->syn_frame = x->frame;
			pc->syn_count++;
			pc->syn_ts_ns = x->ts;
			f->win_scale = t->has_wscale ? shift : -1;
		} else {
			if (!pc->synack_frame)
				pc->synack_frame = x->frame;
			/* scaling is used only when both SYNs offered it */
			if (t->has_wscale && r->win_scale >= 0) {
				f->win_scale = shift;
			} else {
				f->win_scale = -2;
				r->win_scale = -2;
			}
		}
	} else if (ack && pc->syn_ts_ns && !pc->irtt_ns && x->ts > pc->syn_ts_ns) {
		/* Wireshark's initial RTT: most recent SYN to the first bare ACK */
		pc->irtt_ns = x->ts - pc->syn_ts_ns;
		if (side == 0 && pc->synack_frame)
			pc->hs_ack_frame = x->frame;
	}
}

/* Wireshark's relative sequence bases: the SYN's seq, else seq-1; the other
 * side's from the first ACK (ack-1) until that side is seen. A RST gives
 * provisional bases only (for its relative numbers): one injected by a
 * middlebox before the SYN+ACK carries numbers of its own choosing, and the
 * real SYN+ACK that follows must set the responder's ISN, not look like a
 * new connection. */
static void bases(struct conn *c, int side, const struct ns_tcp *t)
{
	struct ns_an_dir *d = side == 0 ? &c->pub.init : &c->pub.resp;
	struct ns_an_dir *o = side == 0 ? &c->pub.resp : &c->pub.init;
	bool rst = (t->flags & (NS_TCP_RST | NS_TCP_SYN)) == NS_TCP_RST;
	if (!c->d[side].base_set) {
		d->isn = (t->flags & NS_TCP_SYN) ? t->seq : t->seq - 1;
		c->d[side].base_set = !rst;
	}
	if (!c->d[!side].base_set && (t->flags & NS_TCP_ACK)) {
		o->isn = t->ack - 1;
		c->d[!side].base_set = !rst;
	}
}

static void window_stats(struct conn *c, int side, const struct ns_tcp *t, uint64_t frame)
{
	struct ns_an_dir *d = side == 0 ? &c->pub.init : &c->pub.resp;
	struct dstate *s = &c->d[side];
	if (t->flags & (NS_TCP_SYN | NS_TCP_RST))
		return;          /* SYN windows are unscaled; RST windows mean nothing */
	if (t->window == 0 && !(t->flags & NS_TCP_FIN)) {
		if (!s->in_zw)
			d->zw_episodes++;
		s->in_zw = true;
	} else if (t->window && s->in_zw) {
		s->in_zw = false;
		d->zw_reopen_frame = frame;
	}
	uint64_t w = (uint64_t)t->window << rev_shift(&c->d[side]);
	if (!d->win_seen || w < d->win_min)
		d->win_min = w;
	if (w > d->win_max)
		d->win_max = w;
	d->win_sum += w;
	d->win_n++;
	d->win_seen = true;
}

/* A gap [lo, hi) skipped by a segment that started beyond the highest data.
 * When all slots are used the oldest hole is forgotten: data filling it later
 * is then not counted (an undercount, never a double count). */
static void hole_add(struct dstate *s, uint32_t lo, uint32_t hi)
{
	if (s->nholes == MAX_HOLES) {
		memmove(&s->holes[0], &s->holes[1], (MAX_HOLES - 1) * sizeof(s->holes[0]));
		s->nholes--;
	}
	s->holes[s->nholes].lo = lo;
	s->holes[s->nholes].hi = hi;
	s->nholes++;
}

/* Bytes of [seq, end) inside the holes, which shrink by what they give (a
 * hole is counted once, however many segments fill it). */
static uint32_t holes_fill(struct dstate *s, uint32_t seq, uint32_t end)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->nholes;) {
		uint32_t lo = s->holes[i].lo, hi = s->holes[i].hi;
		uint32_t a = seq_gt(seq, lo) ? seq : lo;
		uint32_t b = seq_lt(end, hi) ? end : hi;
		if (!seq_lt(a, b)) {
			i++;
			continue;
		}
		n += b - a;
		if (a == lo && b == hi) {            /* filled: drop it */
			memmove(&s->holes[i], &s->holes[i + 1],
				(s->nholes - i - 1) * sizeof(s->holes[0]));
			s->nholes--;
			continue;
		}
		if (a == lo) {
			s->holes[i].lo = b;
		} else if (b == hi) {
			s->holes[i].hi = a;
		} else {                             /* filled in the middle: split */
			s->holes[i].hi = a;
			if (s->nholes < MAX_HOLES) {
				memmove(&s->holes[i + 2], &s->holes[i + 1],
					(s->nholes - i - 1) * sizeof(s->holes[0]));
				s->holes[i + 1].lo = b;
				s->holes[i + 1].hi = hi;
				s->nholes++;
				i++;
			}
		}
		i++;
	}
	return n;
}

/* Payload bytes of this segment never seen before in its direction: beyond
 * the highest data seen, or filling a hole left below it (a segment captured
 * late is new data, as tcptrace and Zeek count it). Retransmissions,
 * keep-alive bytes and repeats of anything seen add nothing. */
static uint32_t fresh_bytes(struct dstate *s, const struct ns_tcp *t, uint32_t len)
{
	uint32_t seq = t->seq;
	if (t->flags & NS_TCP_SYN) {
		seq++;                   /* data on a SYN follows the SYN's number */
		if (!s->hi_set) {
			s->hi = seq;
			s->hi_set = true;
		}
	}
	if (!len)
		return 0;
	uint32_t end = seq + len;
	if (!s->hi_set) {
		s->hi = end;
		s->hi_set = true;
		return len;
	}
	uint32_t n = holes_fill(s, seq, seq_lt(end, s->hi) ? end : s->hi);
	if (seq_gt(end, s->hi)) {
		if (seq_gt(seq, s->hi)) {
			hole_add(s, s->hi, seq);
			n += len;
		} else {
			n += end - s->hi;
		}
		s->hi = end;
	}
	return n;
}

static void count_findings(struct ns_an_dir *d, struct dstate *s, uint32_t a, uint64_t frame,
			   uint32_t seglen)
{
	static const struct { uint32_t flag; enum ns_an_find f; } map[] = {
		{ NS_AN_RETRANSMISSION, NS_FIND_RETRANS },
		{ NS_AN_FAST_RETRANSMISSION, NS_FIND_FAST_RETRANS },
		{ NS_AN_SPURIOUS_RETRANS, NS_FIND_SPURIOUS },
		{ NS_AN_OUT_OF_ORDER, NS_FIND_OOO },
		{ NS_AN_LOST_SEGMENT, NS_FIND_LOST },
		{ NS_AN_ACK_LOST_SEGMENT, NS_FIND_ACK_LOST },
		{ NS_AN_DUP_ACK, NS_FIND_DUP_ACK },
		{ NS_AN_KEEP_ALIVE, NS_FIND_KEEP_ALIVE },
		{ NS_AN_ZERO_WINDOW, NS_FIND_ZERO_WINDOW },
		{ NS_AN_ZERO_WINDOW_PROBE, NS_FIND_ZW_PROBE },
		{ NS_AN_WINDOW_FULL, NS_FIND_WINDOW_FULL },
		{ NS_AN_WINDOW_UPDATE, NS_FIND_WINDOW_UPDATE },
	};
	for (size_t i = 0; a && i < sizeof(map) / sizeof(map[0]); i++)
		if ((a & map[i].flag) && !finding(d, map[i].f, frame))
			s->nomem++;
	if (a & NS_AN_ANY_RETRANS)
		d->retrans_bytes += seglen;
}

/* FIN and RST bookkeeping for the close verdict. */
static void close_track(struct conn *c, int side, const struct pctx *x)
{
	const struct ns_tcp *t = x->t;
	struct ns_an_conn *pc = &c->pub;
	struct ns_an_dir *d = side == 0 ? &pc->init : &pc->resp;
	struct ns_an_dir *o = side == 0 ? &pc->resp : &pc->init;

	if ((t->flags & NS_TCP_ACK) && o->fin_frame && !o->fin_acked_frame &&
	    seq_gt(t->ack, o->fin_seq))
		o->fin_acked_frame = x->frame;
	if ((t->flags & NS_TCP_FIN) && !d->fin_frame) {
		d->fin_frame = x->frame;
		d->fin_seq = t->seq + x->seglen;
	}
	if ((t->flags & NS_TCP_RST) && !d->rst_frame)
		d->rst_frame = x->frame;
	if ((t->flags & NS_TCP_RST) && !pc->reset_frame) {
		pc->reset_frame = x->frame;
		pc->reset_ts_ns = x->ts;
		pc->reset_by_initiator = side == 0;
		pc->reset_rel_seq = ns_an_rel(d, t->seq);
		pc->reset_rel_ack = ns_an_rel(o, t->ack);
		const struct ns_an_dir *sides[2] = { &pc->init, &pc->resp };
		for (int i = 0; i < 2; i++) {
			const struct ns_an_dir *s = sides[i];
			const struct ns_an_dir *peer = sides[!i];
			pc->before_reset[i].valid = s->sent_any;
			pc->before_reset[i].frame = s->last_frame;
			pc->before_reset[i].rel_seq = ns_an_rel(s, s->last_seq);
			pc->before_reset[i].rel_ack = ns_an_rel(peer, s->last_ack);
			pc->before_reset[i].len = s->last_len;
		}
	}
	d->sent_any = true;
	d->last_seq = t->seq;
	d->last_ack = t->ack;
	d->last_len = x->seglen;
	d->last_frame = x->frame;
}

static enum ns_an_close classify(const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	if (c->syn_seen && !c->synack_frame && r->rst_frame && !r->payload_bytes)
		return NS_AN_CLOSE_REFUSED;
	if (c->syn_seen && !r->packets)
		return NS_AN_CLOSE_UNANSWERED;
	bool both_fin = i->fin_frame && r->fin_frame && i->fin_acked_frame && r->fin_acked_frame;
	if (both_fin && (!c->reset_frame || (c->reset_frame > i->fin_acked_frame &&
					     c->reset_frame > r->fin_acked_frame)))
		return NS_AN_CLOSE_GRACEFUL;
	if (c->reset_frame)
		return NS_AN_CLOSE_RESET;
	if (i->fin_frame || r->fin_frame)
		return NS_AN_CLOSE_HALF;
	return NS_AN_CLOSE_OPEN;
}

/* ---------------------------------------------------------------- ACK log */

/* arr (cap elements of elem bytes) with room for need elements: arr itself,
 * or its doubled reallocation (*cap updated); NULL if out of memory (arr is
 * then unchanged and still owned by the caller). */
static void *grow_arr(void *arr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return arr;
	uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > UINT32_MAX)
		return NULL;
	void *n = realloc(arr, (size_t)ncap * elem);
	if (n)
		*cap = (uint32_t)ncap;
	return n;
}

/* --acks: remember the ACK whose coverage seg_ack() just worked out. */
static void ack_log(struct conn *c, int side, const struct ns_an_pkt *o, uint64_t frame,
		    uint32_t ack)
{
	struct ns_an_conn *pc = &c->pub;
	const struct ns_an_dir *od = side == 0 ? &pc->resp : &pc->init;
	uint32_t kept = o->ncover < NS_AN_MAX_COVER ? o->ncover : NS_AN_MAX_COVER;

	if (pc->acks_incomplete)
		return;
	if (pc->nacks == UINT32_MAX || pc->nack_frames > UINT32_MAX - kept) {
		pc->acks_incomplete = true;   /* the report says so */
		return;
	}
	struct ns_an_ack *acks = grow_arr(pc->acks, &pc->acks_cap, pc->nacks + 1,
					  sizeof(*acks));
	if (acks)
		pc->acks = acks;
	uint64_t *frames = grow_arr(pc->ack_frames, &pc->ack_frames_cap,
				    pc->nack_frames + kept, sizeof(*frames));
	if (frames)
		pc->ack_frames = frames;
	if (!acks || !frames) {
		pc->acks_incomplete = true;   /* the record says so; the run too */
		c->d[side].nomem++;
		return;
	}
	pc->acks[pc->nacks++] = (struct ns_an_ack){
		.frame = frame, .by_initiator = side == 0, .rel_ack = ns_an_rel(od, ack),
		.nseg = o->ncover, .nkept = kept, .cover_off = pc->nack_frames,
		.bytes = ack - o->lo_seq, .seg_len = o->seg_len, .lo_frame = o->lo_frame,
		.ctl = o->ctl,
		.has_rtt = o->has_rtt, .rtt_ns = o->rtt_ns, .karn_frame = o->karn_frame,
	};
	memcpy(pc->ack_frames + pc->nack_frames, o->cover, kept * sizeof(*o->cover));
	pc->nack_frames += kept;
}

void ns_an_set_ack_log(struct ns_an *an, bool on)
{
	an->ack_log = on;
}

/* ---------------------------------------------------------------- lifecycle */

static void finish_conn(struct ns_an *an, struct conn *c, bool capture_end)
{
	an->nomem += c->d[0].nomem + c->d[1].nomem;
	unlink_conn(an, c);
	c->pub.close = classify(&c->pub);
	c->pub.capture_end = capture_end;
	if (capture_end && an->cut_frame && (c->pub.close == NS_AN_CLOSE_OPEN ||
	    c->pub.close == NS_AN_CLOSE_HALF || c->pub.close == NS_AN_CLOSE_UNANSWERED))
		c->pub.capture_cut_frame = an->cut_frame;   /* its end was not captured */
	ns_dx_conclude(&c->pub, an->last_ts_ns);
	if (an->done)
		an->done(&c->pub, an->user);
	if (!an->keep)
		free_conn(an, c);
}

static bool conn_closed(const struct conn *c)
{
	const struct ns_an_conn *p = &c->pub;
	return p->reset_frame || (p->init.fin_frame && p->resp.fin_frame);
}

static int cmp_stream(const void *x, const void *y);

/* Hand over connections that are over by packet time (bounded memory), in
 * stream order: bucket order depends on the hash key, output must not. */
static void sweep(struct ns_an *an, uint64_t now)
{
	struct conn **due = NULL;
	size_t n = 0, cap = 0;

	for (size_t b = 0; b < an->nbuckets; b++) {
		for (struct conn *c = an->buckets[b]; c; c = c->next) {
			uint64_t idle = now > c->pub.last_ts_ns ? now - c->pub.last_ts_ns : 0;
			if (idle <= (conn_closed(c) ? CLOSED_IDLE_NS : OPEN_IDLE_NS))
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct conn **g = realloc(due, nc * sizeof(*g));
				if (!g) {
					/* the rest stay until a later sweep or the
					 * end, later than one engine with memory
					 * would end them: said (ns_an_nomem) */
					an->nomem++;
					goto out;
				}
				due = g;
				cap = nc;
			}
			due[n++] = c;
		}
	}
out:
	if (n > 1)
		qsort(due, n, sizeof(*due), cmp_stream);
	for (size_t i = 0; i < n; i++)
		finish_conn(an, due[i], false);
	free(due);
}

struct ns_an *ns_an_new(ns_an_conn_cb done, void *user)
{
	struct ns_an *an = calloc(1, sizeof(*an));
	if (!an)
		return NULL;
	an->nbuckets = 64;
	an->buckets = calloc(an->nbuckets, sizeof(*an->buckets));
	if (!an->buckets) {
		free(an);
		return NULL;
	}
	an->done = done;
	an->user = user;
	an->max_conns = NS_AN_DEFAULT_MAX_CONNS;
	return an;
}

void ns_an_set_threaded(struct ns_an *an)
{
	an->keep = true;
	an->external_sweep = true;
}

void ns_an_release(struct ns_an *an, const struct ns_an_conn *c)
{
	free_conn(an, c->priv);
}

void ns_an_sync(struct ns_an *an, bool have_t0, uint64_t t0_ns, uint64_t last_ts_ns,
		uint64_t next_stream)
{
	if (have_t0 && !an->have_t0) {
		an->have_t0 = true;
		an->t0_ns = t0_ns;
	}
	if (last_ts_ns > an->last_ts_ns)
		an->last_ts_ns = last_ts_ns;
	an->next_stream = next_stream;
}

uint64_t ns_an_next_stream(const struct ns_an *an)
{
	return an->next_stream;
}

void ns_an_sweep_at(struct ns_an *an, uint64_t now_ns)
{
	sweep(an, now_ns);
}

void ns_an_set_max_conns(struct ns_an *an, size_t max)
{
	an->max_conns = max;
}

uint64_t ns_an_evicted(const struct ns_an *an)
{
	return an->evicted;
}

uint64_t ns_an_nomem(const struct ns_an *an)
{
	uint64_t n = an->nomem;

	for (size_t b = 0; b < an->nbuckets; b++)
		for (const struct conn *c = an->buckets[b]; c; c = c->next)
			n += c->d[0].nomem + c->d[1].nomem;
	return n;
}

size_t ns_an_active(const struct ns_an *an)
{
	return an->nconns;
}

/* Find the packet's connection, starting a new one for a new SYN on a used
 * 4-tuple (Wireshark: a SYN whose seq differs from that side's base). */
static struct conn *conn_for(struct ns_an *an, const struct ns_packet *p, int *side, uint32_t *a)
{
	uint64_t tunnel = p->nencap ? ns_encap_key(p) : 0;
	struct conn *c = an->last;
	uint32_t h;
	if (c && c->pub.tunnel == tunnel && (*side = conn_side(c, p)) >= 0) {
		h = c->hash;     /* its 4-tuple and tunnel are the packet's */
	} else {
		h = hash_tuple(p, tunnel);
		c = lookup(an, p, h, tunnel, side);
	}
	const struct ns_tcp *t = &p->tcp;
	if (c && (t->flags & NS_TCP_SYN) && c->d[*side].base_set) {
		struct ns_an_dir *d = *side == 0 ? &c->pub.init : &c->pub.resp;
		if (t->seq != d->isn && !(t->flags & NS_TCP_ACK)) {
			finish_conn(an, c, false);
			c = NULL;
			*a |= NS_AN_PORTS_REUSED;
		} else if (t->seq != d->isn) {
			/* A SYN+ACK with another ISN: the responder answers a new
			 * connection on the 4-tuple. Wireshark flags it and keeps
			 * the conversation, rebased on the new ISN. */
			d->isn = t->seq;
			*a |= NS_AN_PORTS_REUSED;
		}
	}
	if (!c)
		c = new_conn(an, p, h, tunnel, side);
	an->last = c;
	return c;
}

/* An ICMP error quoting a TCP packet of a known connection: the diagnoses
 * want it (host unreachable, too big). The lookup runs on a copy carrying the
 * quoted addresses and ports. */
static void icmp_quote(struct ns_an *an, const struct ns_packet *p)
{
	const struct ns_icmp_quote *q = &p->icmp.quote;
	if (!q->present || !q->has_ports || q->protocol != 6)
		return;
	struct ns_packet k;         /* only what lookup() reads is set */
	k.src = q->src;
	k.dst = q->dst;
	k.tcp.src_port = q->src_port;
	k.tcp.dst_port = q->dst_port;
	uint64_t tunnel = p->nencap ? ns_encap_key(p) : 0;
	int side;
	struct conn *c = lookup(an, &k, hash_tuple(&k, tunnel), tunnel, &side);
	if (c)
		ns_dx_icmp(&c->pub, side, p, p->ctx ? p->ctx->frame : 0, p->ctx ? p->ctx->ts_ns : 0);
}

uint32_t ns_an_packet(struct ns_an *an, const struct ns_packet *p, struct ns_an_pkt *out)
{
	struct ns_an_pkt local;
	struct ns_an_pkt *o = out ? out : &local;
	/* cover[] is last and only read up to ncover: not worth clearing per packet */
	memset(o, 0, offsetof(struct ns_an_pkt, cover));
	if (p->ctx && p->ctx->ts_ns > an->last_ts_ns)
		an->last_ts_ns = p->ctx->ts_ns;
	if (p->l4 == NS_L4_ICMP || p->l4 == NS_L4_ICMPV6)
		icmp_quote(an, p);
	/* only TCP with the whole fixed header captured can be analysed */
	if (p->l4 != NS_L4_TCP || p->tcp.hdr_avail < 20 || !p->first_fragment)
		return 0;

	struct pctx x = { .t = &p->tcp, .seglen = p->tcp.payload_len };
	x.frame = p->ctx ? p->ctx->frame : 0;
	x.ts = p->ctx ? p->ctx->ts_ns : 0;
	if (!an->have_t0) {
		an->t0_ns = x.ts;
		an->have_t0 = true;
	}
	if (!an->external_sweep && x.ts >= an->next_sweep_ns) {
		if (an->next_sweep_ns)
			sweep(an, x.ts);
		an->next_sweep_ns = x.ts + SWEEP_EVERY_NS;
	}

	int side = 0;
	uint32_t a = 0;
	struct conn *c = conn_for(an, p, &side, &a);
	if (!c) {
		an->nomem++;     /* this packet is not analysed */
		return 0;
	}
	lru_touch(an, c);
	struct ns_an_conn *pc = &c->pub;
	struct ns_an_dir *d = side == 0 ? &pc->init : &pc->resp;
	struct ns_an_dir *od = side == 0 ? &pc->resp : &pc->init;

	pc->last_frame = x.frame;
	pc->last_ts_ns = x.ts;
	d->packets++;
	d->payload_bytes += x.seglen;
	d->zsize += x.seglen;

	bases(c, side, x.t);
	handshake(c, side, &x);
	a |= ws_analyze(c, side, &x, o);
	if (pc->acks_on && o->ncover)
		ack_log(c, side, o, x.frame, x.t->ack);
	if (x.t->flags & NS_TCP_ACK)
		rtx_acked(od, &c->d[!side], x.t->ack, x.frame);
	count_findings(d, &c->d[side], a, x.frame, x.seglen);
	/* a RST before anything else of its side has nothing to be placed
	 * against, and must not fix where that side's data starts */
	if ((x.t->flags & NS_TCP_RST) && !c->d[side].hi_set)
		d->unique_bytes += x.seglen;
	else
		d->unique_bytes += fresh_bytes(&c->d[side], x.t, x.seglen);
	window_stats(c, side, x.t, x.frame);
	close_track(c, side, &x);

	/* Zeek: history before the state machine, as TCP_Analyzer does */
	zeek_history(c, side, x.t, x.t->seq);
	if ((a & (NS_AN_ANY_RETRANS | NS_AN_OUT_OF_ORDER)) && x.seglen)
		hist_scaled(c, side, 'T', &c->d[side].cnt_t, &c->d[side].thr_t);
	if (a & NS_AN_ACK_LOST_SEGMENT)
		hist_scaled(c, !side, 'G', &c->d[!side].cnt_g, &c->d[!side].thr_g);
	zeek_window(c, side, x.t);
	zeek_state(c, side, x.t);

	ns_dx_packet(pc, side, p, a, x.frame, x.ts);
	o->tcp = true;
	o->stream = pc->stream;
	o->from_initiator = side == 0;
	o->flags = a;
	o->rel_seq = ns_an_rel(d, x.t->seq);
	o->rel_ack = (x.t->flags & NS_TCP_ACK) ? ns_an_rel(od, x.t->ack) : 0;
	return a;
}

const char *ns_an_backoff(const struct ns_an_rtx *r)
{
	if (r->ntx_kept < 3)
		return "single";
	bool doubling = true, constant = true;
	for (uint32_t i = 2; i < r->ntx_kept; i++) {
		double prev = (double)(r->ts_ns[i - 1] - r->ts_ns[i - 2]);
		double cur = (double)(r->ts_ns[i] - r->ts_ns[i - 1]);
		if (prev <= 0) {
			doubling = constant = false;
			break;
		}
		double q = cur / prev;
		/* RTO doubles, with timer slack; Linux caps it at 120 s */
		if (!(q >= 1.5 && q <= 2.6) && !(cur >= 100e9 && q >= 0.8 && q <= 1.25))
			doubling = false;
		if (!(q >= 0.8 && q <= 1.25))
			constant = false;
	}
	return doubling ? "doubling" : constant ? "constant" : "irregular";
}

const char *ns_an_gave_up(const struct ns_an_conn *c, int side)
{
	const struct ns_an_dir *d = side == 0 ? &c->init : &c->resp;
	if (!d->nrtx)
		return NULL;
	const struct ns_an_rtx *r = &d->rtx[d->nrtx - 1];
	if (r->acked)
		return NULL;
	uint64_t last = r->ntx_kept ? r->frame[r->ntx_kept - 1] : 0;
	if (d->rst_frame && d->rst_frame > last)
		return "reset";
	/* nothing but silence after the last retry */
	if (c->capture_end && d->last_frame == last)
		return "capture end";
	return NULL;
}

static int cmp_stream(const void *x, const void *y)
{
	const struct conn *a = *(struct conn *const *)x, *b = *(struct conn *const *)y;
	return a->pub.stream < b->pub.stream ? -1 : a->pub.stream > b->pub.stream;
}

void ns_an_set_capture_cut(struct ns_an *an, uint64_t frame)
{
	an->cut_frame = frame;
}

void ns_an_finish(struct ns_an *an)
{
	size_t n = an->nconns, k = 0;
	uint64_t lo = UINT64_MAX, hi = 0;
	struct conn **all;

	if (n == 0)
		return;
	for (size_t b = 0; b < an->nbuckets; b++)
		for (struct conn *c = an->buckets[b]; c; c = c->next) {
			if (c->pub.stream < lo)
				lo = c->pub.stream;
			if (c->pub.stream > hi)
				hi = c->pub.stream;
		}
	/* Deterministic report order, by stream. Streams are unique, and those
	 * still held usually span little more than their number: each goes
	 * straight to its slot (sorting pointers whose keys lie in 2 KiB
	 * connections was a cache miss per comparison). */
	if (hi - lo < 4 * (uint64_t)n + 1024) {
		size_t span = (size_t)(hi - lo) + 1;
		all = calloc(span, sizeof(*all));
		if (all) {
			for (size_t b = 0; b < an->nbuckets; b++)
				for (struct conn *c = an->buckets[b]; c; c = c->next)
					all[c->pub.stream - lo] = c;
			for (size_t i = 0; i < span; i++)
				if (all[i])
					finish_conn(an, all[i], true);
			free(all);
			return;
		}
	}
	all = malloc(n * sizeof(*all));
	if (!all) {
		/* every connection is still reported, in table order; the
		 * run is told it is incomplete */
		an->nomem++;
		for (size_t b = 0; b < an->nbuckets; b++)
			while (an->buckets[b])
				finish_conn(an, an->buckets[b], true);
		return;
	}
	for (size_t b = 0; b < an->nbuckets; b++)
		for (struct conn *c = an->buckets[b]; c; c = c->next)
			all[k++] = c;
	qsort(all, k, sizeof(*all), cmp_stream);
	for (size_t i = 0; i < k; i++)
		finish_conn(an, all[i], true);
	free(all);
}

void ns_an_free(struct ns_an *an)
{
	if (!an)
		return;
	for (size_t b = 0; b < an->nbuckets; b++) {
		struct conn *c = an->buckets[b], *next;
		for (; c; c = next) {
			next = c->next;
			free_conn(an, c);
		}
	}
	while (an->slabs) {
		struct slab *s = an->slabs;
		an->slabs = s->next;
		if (s->mapped)
			munmap(s, SLAB_BYTES);
		else
			free(s);
	}
	free(an->buckets);
	free(an);
}
