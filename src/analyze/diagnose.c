/* netsift analyze: diagnoses (see diagnose.h and man/netsift.1, DIAGNOSES).
 *
 * The rules follow how the captures are read in
 * /work/shared/spec/reading-tcp-traces.source.txt (handshake, retransmission
 * timer doubling, give-up after a number of retries, reset) and the timers of
 * real stacks: Linux (RTO minimum 200 ms, a tail-loss probe before the first
 * RTO, SYN and SYN-ACK timer 1 s initial, since 6.5 the first SYN retries 1 s
 * apart: tcp_syn_linear_timeouts) and Windows (SYN 3 s initial, data RTO
 * 300 ms initial); each doubling with up to about 20% timer slack.
 */
#include "diagnose.h"
#include "analyze.h"
#include "analyze_report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DX_RING 16               /* recent first transmissions remembered per side
				  * (older ones: from the engine's records at the end) */
/* Of those, kept in the connection's record; the rest are allocated when a
 * side sends a fifth. Most sides of short connections send three (SYN,
 * request, FIN): 576 bytes a side that every connection held in the table
 * touched, and first touches of memory are most of what analysing many
 * short connections costs. */
#define DX_RING_INLINE 4
#define DX_SERIES 16             /* retransmitted segments described per side */
#define DX_TX 16                 /* transmissions kept per series */
#define SERIES_IN_VERDICT 3     /* series told in full per side */
#define DX_ANSWER_RST 8          /* RSTs answering the peer kept per side */
#define MS 1000000ull
#define SEC 1000000000ull

static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

struct dx_orig {                 /* a first transmission */
	uint32_t seq, end;
	uint64_t frame, ts;
	uint16_t iplen;
	uint8_t ctl;             /* NS_TCP_SYN / NS_TCP_FIN */
	bool df, passed;
	bool ack_flag;
	uint64_t ack_frame, ack_ts; /* first ACK of the peer covering it */
};

struct dx_series {               /* every transmission of one segment */
	uint32_t seq, end, len;
	uint8_t ctl;
	bool ack_flag;           /* SYN-ACK / FIN-ACK */
	bool df;
	uint16_t iplen;
	uint32_t ntx, nkept;
	uint64_t frame[DX_TX], ts[DX_TX];
	bool original_seen, fast;
	uint64_t ack_frame;      /* first ACK of the peer covering it, in the capture */
	uint64_t ack_ts;
	uint32_t tx_after_ack;   /* transmissions more than 1 ms after that ACK */
	uint64_t first_after_ack;
};

/* What few connections have (a zero-window episode probed, RSTs answering
 * the peer): allocated at the first, so that the others do not carry its
 * 192 bytes per side (the memory a connection first touches is most of
 * what analysing many short ones costs). */
struct dx_rare {
	uint32_t nprobe_kept;
	uint64_t probe[8];             /* the first packets of the peer in the zero-window episode */
	uint64_t answer_rst[DX_ANSWER_RST], answer_to[DX_ANSWER_RST];
};

struct dx_side {
	struct dx_orig ring[DX_RING_INLINE];
	struct dx_orig *ring_more;     /* DX_RING - DX_RING_INLINE, at the first need */
	uint32_t ring_n, ring_pos;
	struct dx_series *ser;   /* grown on demand up to DX_SERIES: most connections have none */
	uint16_t nser, capser;   /* <= DX_SERIES */
	uint32_t ser_bits;       /* ser_bit() of every series: most segments need no search */
	uint64_t npk, last_frame, last_ts;
	/* IP of its non-RST packets */
	bool ip_seen;
	uint8_t ttl_min, ttl_max;
	uint16_t last_ipid;
	uint64_t last_ipid_frame;
	/* ACKs it sent */
	bool ack_set;
	uint32_t ack_hi;
	uint64_t ack_hi_frame, ack_hi_ts;
	/* its segments the peer ACKed or SACKed: the largest and the latest */
	uint16_t pass_max_iplen;
	uint32_t nomem;                /* its allocations that failed (ns_dx_nomem); here,
					  it fills what alignment left */
	uint64_t pass_max_frame;
	uint64_t pass_last_frame;
	uint16_t pass_last_iplen;
	uint64_t pass_last_by;         /* the peer's ACK or SACK that showed it */
	bool pass_last_sack;
	/* data, for "request ACKed, response late" */
	uint64_t last_data_frame, last_data_ts;
	uint32_t last_data_end;
	uint64_t first_data_frame;
	/* its window advertisements */
	bool in_zero;
	uint64_t zero_frame, zero_ts;  /* start of the current zero-window episode */
	uint32_t zero_ads;             /* advertisements in it */
	uint32_t nprobe;               /* packets of the peer during it (rare->probe: the first) */
	uint64_t zw_long_from, zw_long_to, zw_long_ns; /* longest episode that reopened */
	/* RSTs */
	uint64_t rst_frame, rst_ts;    /* its first RST */
	uint8_t rst_ttl;
	uint16_t rst_ipid;
	uint32_t rst_seq;
	bool rst_has_ack;
	bool rst_next_set;             /* where its sequence numbers were then */
	uint32_t rst_next;
	uint64_t rst_ttl_frame;        /* its last other packet before the RST */
	uint64_t answer_after;         /* the RST (either side's) that killed the connection */
	uint32_t nanswer;              /* RSTs right after a packet of the peer, after its first
					* RST/FIN or give-up, in rare->answer_*; none without rare */
	struct dx_rare *rare;          /* NULL until needed (or if it could not be allocated) */
	uint64_t fin_frame;
	uint32_t next_seq;             /* where its next new byte goes (from its packets) */
	bool next_set;
};

struct ns_dx {
	struct dx_side s[2];
	int last_side;
	uint64_t last_frame;
	/* ICMP error quoting the connection */
	uint64_t icmp_frame, icmp_ts;
	int icmp_about;          /* side whose packet it quotes */
	uint8_t icmp_type, icmp_code, icmp_ver;
	uint32_t icmp_mtu;
	struct ns_addr icmp_from;
	/* slow application: the longest response delay after an ACKed request */
	int slow_side;           /* the side that answered late, -1 none */
	uint64_t slow_req, slow_ack, slow_resp, slow_req_ts, slow_ack_ts, slow_resp_ts;
	/* conclusion: diag[] (NS_DX_MAX_DIAG) allocated at the first diagnosis,
	 * most connections have none (1.3 KiB less per connection in the table) */
	uint32_t ndiag;
	uint32_t nomem;          /* allocations for diagnoses and texts that failed */
	struct ns_dx_diag *diag;
	int near;
	char *vantage;
	char *series[2];
};

/* ---------------------------------------------------------------- feeding */

_Static_assert(sizeof(struct ns_dx) <= NS_DX_BYTES, "raise NS_DX_BYTES");
_Static_assert(_Alignof(struct ns_dx) <= _Alignof(uint64_t), "NS_DX_BYTES storage is uint64_t[]");

static void dx_init(struct ns_dx *x)
{
	x->slow_side = -1;
	x->near = -1;
	x->icmp_about = -1;
}

void ns_dx_attach(struct ns_an_conn *c, void *mem)
{
	c->dx = mem;
	dx_init(c->dx);
}

/* s's rare block, allocated at the first need; NULL if out of memory (what
 * it would hold is not kept: the diagnoses say less, and the run says so). */
static struct dx_rare *rare(struct dx_side *s)
{
	if (!s->rare && !(s->rare = calloc(1, sizeof(*s->rare))))
		s->nomem++;
	return s->rare;
}

static uint32_t probes_kept(const struct dx_side *s)
{
	return s->rare ? s->rare->nprobe_kept : 0;
}

static void ip_facts(const struct ns_packet *p, uint8_t *ttl, uint16_t *ipid, bool *df, uint16_t *len)
{
	if (p->l3 == NS_L3_IPV4) {
		*ttl = p->ip4.ttl;
		*ipid = p->ip4.id;
		*df = (p->ip4.flags & 2) != 0;
		*len = p->ip4.total_len;
	} else {
		*ttl = p->ip6.hop_limit;
		*ipid = 0;
		*df = true;      /* IPv6 routers never fragment */
		*len = (uint16_t)(p->ip6.payload_len + 40);
	}
}

/* One bit of 32 per (seq, ctl): a series whose bit is clear in ser_bits is
 * not there (series are never removed, so that answer is exact). */
static uint32_t ser_bit(uint32_t seq, uint8_t ctl)
{
	return 1u << ((((uint64_t)seq ^ ctl) * 0x9e3779b97f4a7c15ull) >> 59);
}

static struct dx_series *series_find(struct dx_side *s, uint32_t seq, uint8_t ctl)
{
	if (!(s->ser_bits & ser_bit(seq, ctl)))
		return NULL;
	for (uint32_t i = s->nser; i-- > 0;)
		if (s->ser[i].seq == seq && s->ser[i].ctl == ctl)
			return &s->ser[i];
	return NULL;
}

static void series_tx(struct dx_series *r, uint64_t frame, uint64_t ts)
{
	if (r->nkept < DX_TX) {
		r->frame[r->nkept] = frame;
		r->ts[r->nkept] = ts;
		r->nkept++;
	}
	r->ntx++;
	if (r->ack_frame && ts > r->ack_ts + MS) {
		if (!r->tx_after_ack)
			r->first_after_ack = frame;
		r->tx_after_ack++;
	}
}

/* The ring's entry i (< ring_n), wherever it is kept. */
static const struct dx_orig *ring_get(const struct dx_side *s, uint32_t i)
{
	return i < DX_RING_INLINE ? &s->ring[i] : &s->ring_more[i - DX_RING_INLINE];
}

static struct dx_orig *ring_at(struct dx_side *s, uint32_t i)
{
	return (struct dx_orig *)ring_get(s, i);
}

static const struct dx_orig *ring_find(const struct dx_side *s, uint32_t seq, uint8_t ctl)
{
	for (uint32_t i = 0; i < s->ring_n; i++) {
		const struct dx_orig *o = ring_get(s, i);
		if (o->seq == seq && o->ctl == ctl)
			return o;
	}
	return NULL;
}

/* Where the next first transmission goes: the oldest is overwritten once
 * the ring is full. Out of memory for its outer part, the ring holds
 * DX_RING_INLINE (counted). */
static struct dx_orig *ring_push(struct dx_side *s)
{
	if (s->ring_pos == DX_RING_INLINE && !s->ring_more &&
	    !(s->ring_more = malloc((DX_RING - DX_RING_INLINE) * sizeof(*s->ring_more)))) {
		s->nomem++;
		s->ring_pos = 0;
	}
	uint32_t cap = s->ring_more ? DX_RING : DX_RING_INLINE;
	struct dx_orig *n = ring_at(s, s->ring_pos);
	s->ring_pos = (s->ring_pos + 1) % cap;
	if (s->ring_n < cap)
		s->ring_n++;
	return n;
}

static void segment(struct dx_side *s, const struct ns_tcp *t, uint32_t aflags, uint64_t frame,
		    uint64_t ts, uint16_t iplen, bool df)
{
	uint8_t ctl = (uint8_t)(t->flags & (NS_TCP_SYN | NS_TCP_FIN));
	uint32_t len = t->payload_len;
	uint32_t end = t->seq + len + (ctl ? 1 : 0);
	struct dx_series *r = series_find(s, t->seq, ctl);
	const struct dx_orig *o = ring_find(s, t->seq, ctl);
	bool again = (aflags & NS_AN_ANY_RETRANS) || r || (o && o->end == end);
	if (!again) {
		*ring_push(s) = (struct dx_orig){ t->seq, end, frame, ts, iplen, ctl, df, false,
						  (t->flags & NS_TCP_ACK) != 0, 0, 0 };
		return;
	}
	if (!r) {
		if (s->nser == DX_SERIES)
			return;
		if (s->nser == s->capser) {
			uint32_t cap = s->capser ? 2 * s->capser : 2;
			struct dx_series *n = realloc(s->ser, cap * sizeof(*n));
			if (!n) {
				s->nomem++;
				return;
			}
			s->ser = n;
			s->capser = (uint16_t)cap;
		}
		r = &s->ser[s->nser++];
		s->ser_bits |= ser_bit(t->seq, ctl);
		memset(r, 0, sizeof(*r));
		r->seq = t->seq;
		r->end = end;
		r->len = len;
		r->ctl = ctl;
		r->ack_flag = (t->flags & NS_TCP_ACK) != 0;
		r->iplen = iplen;
		r->df = df;
		if (o) {
			series_tx(r, o->frame, o->ts);
			r->original_seen = true;
			r->ack_frame = o->ack_frame;
			r->ack_ts = o->ack_ts;
		} else {
			r->ntx = 1;  /* sent before the capture could tell */
		}
	}
	series_tx(r, frame, ts);
	r->fast |= (aflags & NS_AN_FAST_RETRANSMISSION) != 0;
}

/* The peer's ACK (and SACK blocks) cover segments of s. */
static void acked(struct dx_side *s, const struct ns_tcp *t, uint64_t frame, uint64_t ts)
{
	for (uint32_t i = 0; i < s->nser; i++) {
		struct dx_series *r = &s->ser[i];
		if (!r->ack_frame && seq_le(r->end, t->ack)) {
			r->ack_frame = frame;
			r->ack_ts = ts;
		}
	}
	for (uint32_t i = 0; i < s->ring_n; i++) {
		struct dx_orig *o = ring_at(s, i);
		if (!o->ack_frame && seq_le(o->end, t->ack)) {
			o->ack_frame = frame;
			o->ack_ts = ts;
		}
		if (o->passed || (o->ctl & NS_TCP_SYN))
			continue;
		bool in = seq_le(o->end, t->ack);
		for (uint8_t k = 0; k < t->nsack && !in; k++)
			in = seq_le(t->sack_left[k], o->seq) && seq_le(o->end, t->sack_right[k]);
		if (!in || series_find(s, o->seq, o->ctl))
			continue;
		o->passed = true;
		if (o->iplen > s->pass_max_iplen) {
			s->pass_max_iplen = o->iplen;
			s->pass_max_frame = o->frame;
		}
		if (o->frame > s->pass_last_frame) {
			s->pass_last_frame = o->frame;
			s->pass_last_iplen = o->iplen;
			s->pass_last_by = frame;
			s->pass_last_sack = !seq_le(o->end, t->ack);
		}
	}
}

static void window(struct dx_side *s, const struct ns_tcp *t, uint64_t frame, uint64_t ts)
{
	if (t->flags & (NS_TCP_SYN | NS_TCP_RST))
		return;
	if (t->window == 0) {
		if (!s->in_zero) {
			s->in_zero = true;
			s->zero_frame = frame;
			s->zero_ts = ts;
			s->zero_ads = 0;
			s->nprobe = 0;
			if (s->rare)
				s->rare->nprobe_kept = 0;
		}
		s->zero_ads++;
	} else if (s->in_zero) {
		s->in_zero = false;
		if (ts - s->zero_ts > s->zw_long_ns) {
			s->zw_long_ns = ts - s->zero_ts;
			s->zw_long_from = s->zero_frame;
			s->zw_long_to = frame;
		}
	}
}

void ns_dx_packet(struct ns_an_conn *c, int side, const struct ns_packet *p, uint32_t aflags,
		  uint64_t frame, uint64_t ts)
{
	struct ns_dx *x = c->dx;   /* the engine's (ns_dx_attach); none: not diagnosed */
	if (!x)
		return;
	struct dx_side *s = &x->s[side], *o = &x->s[!side];
	const struct ns_tcp *t = &p->tcp;
	uint8_t ttl;
	uint16_t ipid, iplen;
	bool df;
	ip_facts(p, &ttl, &ipid, &df, &iplen);

	if (t->flags & NS_TCP_RST) {
		if (!s->rst_frame) {
			s->rst_frame = frame;
			s->rst_ts = ts;
			s->rst_ttl = ttl;
			s->rst_ipid = ipid;
			s->rst_seq = t->seq;
			s->rst_has_ack = (t->flags & NS_TCP_ACK) != 0;
			s->rst_next_set = s->next_set;
			s->rst_next = s->next_seq;
			s->rst_ttl_frame = s->last_ipid_frame;
		}
		uint64_t dead = s->rst_frame < frame ? s->rst_frame : 0;
		if (o->rst_frame && (!dead || o->rst_frame < dead))
			dead = o->rst_frame;
		if (dead && x->last_side == !side && s->nanswer < DX_ANSWER_RST && rare(s)) {
			s->answer_after = s->answer_after ? s->answer_after : dead;
			s->rare->answer_rst[s->nanswer] = frame;
			s->rare->answer_to[s->nanswer++] = x->last_frame;
		}
	} else {
		if (!s->ip_seen || ttl < s->ttl_min)
			s->ttl_min = ttl;
		if (!s->ip_seen || ttl > s->ttl_max)
			s->ttl_max = ttl;
		s->ip_seen = true;
		s->last_ipid = ipid;
		s->last_ipid_frame = frame;
		if (t->payload_len || (t->flags & (NS_TCP_SYN | NS_TCP_FIN)))
			segment(s, t, aflags, frame, ts, iplen, df);
		uint32_t end = t->seq + t->payload_len + ((t->flags & (NS_TCP_SYN | NS_TCP_FIN)) ? 1 : 0);
		if (!s->next_set || seq_lt(s->next_seq, end)) {
			s->next_seq = end;
			s->next_set = true;
		}
		if ((t->flags & NS_TCP_FIN) && !s->fin_frame)
			s->fin_frame = frame;
	}
	if (t->flags & NS_TCP_ACK) {
		if (!s->ack_set || seq_lt(s->ack_hi, t->ack)) {
			s->ack_hi = t->ack;
			s->ack_hi_frame = frame;
			s->ack_hi_ts = ts;
			s->ack_set = true;
		}
		acked(o, t, frame, ts);
	}
	window(s, t, frame, ts);
	if (o->in_zero && o->zero_frame < frame) {
		if (o->nprobe < 8 && rare(o))
			o->rare->probe[o->rare->nprobe_kept++] = frame;
		o->nprobe++;
	}

	/* slow application: side answers data of the peer that it ACKed earlier */
	if (t->payload_len && !(aflags & NS_AN_ANY_RETRANS) && !(t->flags & NS_TCP_RST)) {
		/* the server answering late; a client taking its time before the
		 * next request is think time, not a fault */
		if (side == 1 && c->syn_seen && o->last_data_frame && o->last_data_frame > s->last_data_frame &&
		    s->ack_set && seq_le(o->last_data_end, s->ack_hi) && s->ack_hi_frame < frame) {
			uint64_t wait = ts - o->last_data_ts;
			uint64_t best = x->slow_side >= 0 ? x->slow_resp_ts - x->slow_req_ts : 0;
			if (wait > best) {
				x->slow_side = side;
				x->slow_req = o->last_data_frame;
				x->slow_req_ts = o->last_data_ts;
				x->slow_ack = s->ack_hi_frame;
				x->slow_ack_ts = s->ack_hi_ts;
				x->slow_resp = frame;
				x->slow_resp_ts = ts;
			}
		}
		if (!s->first_data_frame)
			s->first_data_frame = frame;
		s->last_data_frame = frame;
		s->last_data_ts = ts;
		s->last_data_end = t->seq + t->payload_len;
	}
	s->npk++;
	s->last_frame = frame;
	s->last_ts = ts;
	x->last_side = side;
	x->last_frame = frame;
}

void ns_dx_icmp(struct ns_an_conn *c, int side, const struct ns_packet *p, uint64_t frame,
		uint64_t ts)
{
	struct ns_dx *x = c->dx;
	if (!x || x->icmp_frame)
		return;
	x->icmp_frame = frame;
	x->icmp_ts = ts;
	x->icmp_about = side;
	x->icmp_type = p->icmp.type;
	x->icmp_code = p->icmp.code;
	x->icmp_ver = p->icmp.version;
	x->icmp_mtu = p->icmp.mtu;
	x->icmp_from = p->src;
}

/* ---------------------------------------------------------------- text */

struct sb {                      /* a small string builder over malloc */
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
}

static char *sb_take(struct sb *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return calloc(1, 1);
	return b->s;
}

static double secs(const struct ns_an_conn *c, uint64_t ts) { return rel_s(c, ts); }

/* "SYN", "SYN-ACK", "FIN-ACK", "FIN" or "seq N (L bytes)" */
static void seg_name(struct sb *b, const struct ns_an_conn *c, int side, const struct dx_series *r)
{
	const struct ns_an_dir *d = side_dir(c, side);
	if (r->ctl & NS_TCP_SYN) {
		sb_add(b, "its %s", r->ack_flag ? "SYN-ACK" : "SYN");
		return;
	}
	if (r->ctl & NS_TCP_FIN)
		sb_add(b, "its %s (seq %" PRIu32 "%s", r->ack_flag ? "FIN-ACK" : "FIN",
		       ns_an_rel(d, r->seq), r->len ? ", with data" : ")");
	else
		sb_add(b, "seq %" PRIu32, ns_an_rel(d, r->seq));
	if (r->len)
		sb_add(b, " (%" PRIu32 " bytes)", r->len);
	if ((r->ctl & NS_TCP_FIN) && r->len)
		sb_add(b, ")");
}

static bool near_ratio(double v, double target, double tol)
{
	return v >= target * (1 - tol) && v <= target * (1 + tol);
}

/* How the retransmission times were spaced, in the stacks' terms. */
static void backoff(struct sb *b, const struct dx_series *r)
{
	uint32_t n = r->nkept;
	double d[DX_TX];
	if (n < 2)
		return;
	for (uint32_t i = 1; i < n; i++)
		d[i] = (double)(r->ts[i] - r->ts[i - 1]) / 1e9;
	bool syn = (r->ctl & NS_TCP_SYN) != 0;
	if (r->fast && n == 2) {
		sb_add(b, "a fast retransmission %.3f ms after the original", d[1] * 1e3);
		return;
	}
	/* doubling from index k to the end (a ratio of 2 with 20% slack; Linux
	 * holds the RTO at 120 s once reached) */
	uint32_t from = 0;
	for (uint32_t k = 1; k + 1 < n && !from; k++) {
		bool ok = true;
		for (uint32_t i = k + 1; i < n && ok; i++) {
			double q = d[i] / d[i - 1];
			ok = (q >= 1.6 && q <= 2.5) || (d[i] >= 100 && q >= 0.8 && q <= 1.25);
		}
		if (ok)
			from = k;
	}
	bool constant = n >= 3;
	for (uint32_t i = 2; i < n && constant; i++)
		constant = near_ratio(d[i] / d[1], 1, 0.2);
	double first = from ? d[from] : d[1];
	const char *timer = NULL;
	if (syn && near_ratio(first, 1, 0.2))
		timer = r->ack_flag ? "the Linux SYN-ACK timer, 1 s initial" : "the Linux SYN timer, 1 s initial";
	else if (syn && near_ratio(first, 3, 0.2))
		timer = "the Windows SYN timer, 3 s initial";
	else if (!syn && first >= 0.19 && first < 0.25)
		timer = "Linux's RTO, 200 ms minimum";
	else if (!syn && near_ratio(first, 0.3, 0.2))
		timer = "as Windows' 300 ms initial RTO";
	if (n == 2) {
		sb_add(b, "once, after %.3f s%s%s%s", d[1], timer ? ": " : "", timer ? timer : "",
		       "");
	} else if (constant && syn) {
		sb_add(b, "%.3f s apart: Linux 6.5 and later, tcp_syn_linear_timeouts", d[1]);
	} else if (constant) {
		sb_add(b, "%.3f s apart, not backing off", d[1]);
	} else if (from == 1) {
		sb_add(b, "back-off doubling from %.3f s%s%s%s", d[1], timer ? ": " : "",
		       timer ? timer : "", "");
	} else if (from == 2 && !syn && near_ratio(d[2] / d[1], 1, 0.4)) {
		sb_add(b, "a tail-loss probe after %.3f s, then back-off doubling from %.3f s%s%s%s",
		       d[1], d[2], timer ? ": " : "", timer ? timer : "", "");
	} else if (from >= 2 && syn && near_ratio(d[1], 1, 0.2)) {
		sb_add(b, "1 s apart %" PRIu32 " times (tcp_syn_linear_timeouts), then doubling", from - 1);
	} else if (from == 2 && !syn) {
		sb_add(b, "a %s after %.3f s, then back-off doubling from %.3f s%s%s",
		       r->fast ? "fast retransmission" : "first retry", d[1], d[2],
		       timer ? ": " : "", timer ? timer : "");
	} else {
		sb_add(b, "irregular intervals");
	}
}

static void frames_at(struct sb *b, const struct ns_an_conn *c, const struct dx_series *r)
{
	sb_add(b, "frame%s ", r->nkept > 1 ? "s" : "");
	for (uint32_t i = 0; i < r->nkept; i++)
		sb_add(b, "%s%" PRIu64, i ? ", " : "", r->frame[i]);
	sb_add(b, " at ");
	for (uint32_t i = 0; i < r->nkept; i++)
		sb_add(b, "%s%.3f", i ? ", " : "", secs(c, r->ts[i]));
	sb_add(b, " s");
}

/* Is r the side's last series, unacknowledged, and did the side stop? How. */
static const char *series_gave_up(const struct ns_dx *x, int side, const struct dx_series *r,
				  uint64_t end_ts, uint64_t *rst)
{
	const struct dx_side *s = &x->s[side];
	uint64_t last = r->frame[r->nkept - 1], last_ts = r->ts[r->nkept - 1];
	*rst = 0;
	if (r->ack_frame && r->ack_frame > last)
		return NULL;
	if (s->rst_frame > last) {
		*rst = s->rst_frame;
		return "reset";
	}
	if (s->last_frame != last)
		return NULL;
	/* silence: longer than twice the last interval, so the next retry was due */
	if (r->nkept >= 2) {
		uint64_t gap = r->ts[r->nkept - 1] - r->ts[r->nkept - 2];
		if (end_ts > last_ts && end_ts - last_ts > 2 * gap + 200 * MS)
			return "silent";
	}
	return "capture end";
}

static void write_series(struct sb *b, const struct ns_an_conn *c, int side, uint64_t end_ts)
{
	const struct ns_dx *x = c->dx;
	const struct dx_side *s = &x->s[side];
	/* the first few in full; a give-up or a one-way loss shows in them */
	for (uint32_t i = 0; i < s->nser; i++) {
		const struct dx_series *r = &s->ser[i];
		if (i == SERIES_IN_VERDICT) {
			uint64_t all = side_dir(c, side)->rtx_segments;
			uint64_t more = (all > s->nser ? all : s->nser) - i;
			sb_add(b, " The %s re-sent %" PRIu64 " more segment%s.", who(c, side), more,
			       more == 1 ? "" : "s");
			break;
		}
		sb_add(b, "%sThe %s sent ", b->len ? " " : "", who(c, side));
		seg_name(b, c, side, r);
		sb_add(b, " %" PRIu32 " times: ", r->ntx);
		if (!r->original_seen)
			sb_add(b, "the first before the capture saw it, then ");
		frames_at(b, c, r);
		if (r->nkept >= 2) {
			sb_add(b, " (");
			backoff(b, r);
			sb_add(b, ")");
		} else if (r->fast) {
			sb_add(b, " (fast retransmission)");
		}
		if (r->ack_frame && r->tx_after_ack)
			sb_add(b, "; the %s ACKed it at frame %" PRIu64 " (%.3f s) but %" PRIu32
			       " more came after that ACK, so it never reached the %s",
			       who(c, !side), r->ack_frame, secs(c, r->ack_ts), r->tx_after_ack,
			       who(c, side));
		else if (r->ack_frame)
			sb_add(b, "; ACKed at frame %" PRIu64, r->ack_frame);
		else
			sb_add(b, "; never ACKed");
		uint64_t rst;
		const char *gu = series_gave_up(x, side, r, end_ts, &rst);
		if (gu && !strcmp(gu, "reset"))
			sb_add(b, "; the %s gave up after %" PRIu32 " transmissions: RST at frame %"
			       PRIu64 " (%.3f s)", who(c, side), r->ntx, rst, secs(c, s->rst_ts));
		else if (gu && !strcmp(gu, "silent"))
			sb_add(b, "; the %s gave up after %" PRIu32 " transmissions: nothing more "
			       "from it in the %.3f s until the capture ended", who(c, side), r->ntx,
			       (double)(end_ts - r->ts[r->nkept - 1]) / 1e9);
		else if (gu && !r->ack_frame && end_ts <= r->ts[r->nkept - 1])
			sb_add(b, "; the capture holds nothing after the last, so whether the %s "
			       "gave up cannot be told", who(c, side));
		else if (gu && !r->ack_frame)
			sb_add(b, "; the capture ended %.3f s after the last, too soon to tell "
			       "whether the %s gave up", (double)(end_ts - r->ts[r->nkept - 1]) / 1e9,
			       who(c, side));
		if (r->ctl & NS_TCP_SYN) {
			const struct dx_side *o = &x->s[!side];
			for (uint32_t k = 0; k < o->nanswer; k++)
				if (o->rare->answer_to[k] == r->frame[r->nkept - 1])
					sb_add(b, "; the last one was answered by the %s's RST (frame %"
					       PRIu64 ")", who(c, !side), o->rare->answer_rst[k]);
		}
		sb_add(b, ".");
	}
}

/* ---------------------------------------------------------------- rules */

static struct ns_dx_diag *diag_new(struct ns_dx *x, const char *kind, int from, const char *conf)
{
	if (x->ndiag == NS_DX_MAX_DIAG)
		return NULL;
	if (!x->diag && !(x->diag = malloc(NS_DX_MAX_DIAG * sizeof(*x->diag)))) {
		x->nomem++;     /* out of memory: this diagnosis is not made */
		return NULL;
	}
	struct ns_dx_diag *d = &x->diag[x->ndiag++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->from = from;
	d->confidence = conf;
	return d;
}

static void ev(struct ns_dx_diag *d, uint64_t frame)
{
	if (!frame || d->nframes == NS_DX_MAX_EVIDENCE)
		return;
	for (uint32_t i = 0; i < d->nframes; i++)
		if (d->frames[i] == frame)
			return;
	d->frames[d->nframes++] = frame;
}

static void ev_series(struct ns_dx_diag *d, const struct dx_series *r)
{
	for (uint32_t i = 0; i < r->nkept; i++)
		ev(d, r->frame[i]);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void diag_done(struct ns_dx_diag *d, struct sb *b)
{
	if (!d) {
		free(b->s);
		return;
	}
	qsort(d->frames, d->nframes, sizeof(d->frames[0]), cmp_u64);
	d->text = sb_take(b);
}

/* The side's retransmitted segment with the most transmissions, never ACKed. */
static const struct dx_series *stuck(const struct dx_side *s)
{
	const struct dx_series *best = NULL;
	for (uint32_t i = 0; i < s->nser; i++) {
		const struct dx_series *r = &s->ser[i];
		if (!r->ack_frame && (!best || r->ntx > best->ntx))
			best = r;
	}
	return best;
}

static void utc(char *buf, size_t n, uint64_t ts)
{
	time_t t = (time_t)(ts / SEC);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	size_t k = strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%06" PRIu64 " UTC", (uint64_t)(ts % SEC / 1000));
}

static void rule_setup(struct ns_dx *x, const struct ns_an_conn *c, uint64_t end_ts)
{
	struct sb b = { 0 };
	struct ns_dx_diag *d;
	char when[64];
	utc(when, sizeof(when), c->first_ts_ns);
	if (x->icmp_frame && x->icmp_about == 0 && !c->synack_frame) {
		char from[NS_ADDR_STRLEN], what[64];
		struct ns_icmp ic = { .version = x->icmp_ver, .type = x->icmp_type, .code = x->icmp_code };
		ns_addr_format(&x->icmp_from, from);
		ns_icmp_typecode(&ic, what, sizeof(what));
		bool host = (x->icmp_ver == 4 && x->icmp_type == 3 && x->icmp_code != 3) ||
			    (x->icmp_ver == 6 && x->icmp_type == 1 && x->icmp_code != 4);
		d = diag_new(x, host ? "unreachable" : "icmp_error", 1, "high");
		sb_add(&b, "%s: %s from %s at frame %" PRIu64 " answered the client's SYN (frame %"
		       PRIu64 ", %.3f s, %s) %.3f ms later; the client sent %" PRIu32 " SYN%s.",
		       host ? "Host unreachable" : "ICMP error", what, from, x->icmp_frame,
		       c->syn_frame, secs(c, c->first_ts_ns), when,
		       (double)(x->icmp_ts - c->syn_ts_ns) / 1e6, c->syn_count,
		       c->syn_count == 1 ? " and did not retry" : "s");
		if (d) {
			ev(d, c->syn_frame);
			ev(d, x->icmp_frame);
		}
		diag_done(d, &b);
		return;
	}
	if (c->close == NS_AN_CLOSE_REFUSED) {
		const struct dx_side *r = &x->s[1];
		d = diag_new(x, "refused", 1, "high");
		sb_add(&b, "Connection refused: the server answered the client's SYN (frame %" PRIu64
		       ", %.3f s, %s) with RST at frame %" PRIu64 ", %.3f ms later: nothing listens "
		       "on port %u there, or a firewall rejects with RST.", c->syn_frame,
		       secs(c, c->first_ts_ns), when, r->rst_frame,
		       (double)(r->rst_ts - c->syn_ts_ns) / 1e6, c->resp.port);
		if (d) {
			ev(d, c->syn_frame);
			ev(d, r->rst_frame);
		}
		diag_done(d, &b);
		return;
	}
	if (c->close == NS_AN_CLOSE_UNANSWERED) {
		const struct dx_series *r = NULL;
		for (uint32_t i = 0; i < x->s[0].nser && !r; i++)
			if (x->s[0].ser[i].ctl & NS_TCP_SYN)
				r = &x->s[0].ser[i];
		bool retried = r && r->ntx >= 2;
		if (!retried) {
			/* one SYN: a filter and a capture that ended early look alike */
			d = diag_new(x, "syn_unanswered", 0, "low");
			sb_add(&b, "The client's SYN (frame %" PRIu64 ", %.3f s, %s) got no answer "
			       "in the %.3f s the capture ran after it; with a single SYN a filter "
			       "cannot be told from a capture that ended too early.", c->syn_frame,
			       secs(c, c->first_ts_ns), when,
			       (double)(end_ts - c->first_ts_ns) / 1e9);
			if (d)
				ev(d, c->syn_frame);
			diag_done(d, &b);
			return;
		}
		d = diag_new(x, "filtered", 0, "medium");
		sb_add(&b, "No answer to the SYN, port %u filtered or host down: the client sent "
		       "its SYN %" PRIu32 " time%s (first at frame %" PRIu64 ", %.3f s, %s",
		       c->resp.port, c->syn_count, c->syn_count == 1 ? "" : "s", c->syn_frame,
		       secs(c, c->first_ts_ns), when);
		if (retried) {
			sb_add(&b, "; ");
			backoff(&b, r);
		}
		sb_add(&b, ") and got no SYN-ACK, no RST and no ICMP error");
		if (retried && end_ts > c->last_ts_ns)
			sb_add(&b, "; the capture ended %.3f s after the last SYN",
			       (double)(end_ts - c->last_ts_ns) / 1e9);
		sb_add(&b, ": a firewall drops its SYNs silently, or nothing answers at %s.",
		       "that address");
		if (d) {
			if (retried)
				ev_series(d, r);
			else
				ev(d, c->syn_frame);
		}
		diag_done(d, &b);
	}
}

/* Large segments never get through while smaller ones do: a path MTU
 * black hole (RFC 2923 3.1): DF set, no ICMP "too big" seen. */
static bool rule_mtu(struct ns_dx *x, const struct ns_an_conn *c)
{
	for (int side = 0; side < 2; side++) {
		const struct dx_side *s = &x->s[side];
		const struct dx_series *r = stuck(s);
		if (!r || r->ntx < 3 || !r->df || !r->len || !s->pass_max_iplen ||
		    s->pass_max_iplen >= r->iplen)
			continue;
		if (x->icmp_frame && x->icmp_mtu)
			continue;
		/* a smaller one sent after the large one got through: not a
		 * path that stopped carrying anything */
		if (s->pass_last_frame < r->frame[0])
			continue;
		struct sb b = { 0 };
		struct ns_dx_diag *d = diag_new(x, "mtu_black_hole", side, "high");
		sb_add(&b, "Path MTU black hole, %s to %s: the %s's %u-byte packet (", who(c, side),
		       who(c, !side), who(c, side), r->iplen);
		seg_name(&b, c, side, r);
		char when[64];
		utc(when, sizeof(when), r->ts[0]);
		sb_add(&b, ", DF set) was sent %" PRIu32 " times from %.3f s (%s; frames ", r->ntx,
		       secs(c, r->ts[0]), when);
		for (uint32_t i = 0; i < r->nkept; i++)
			sb_add(&b, "%s%" PRIu64, i ? ", " : "", r->frame[i]);
		sb_add(&b, ") and never ACKed, while %s packets got through (the %u-byte packet at "
		       "frame %" PRIu64 ", sent after it, was %s by the %s at frame %" PRIu64,
		       "smaller", s->pass_last_iplen, s->pass_last_frame,
		       s->pass_last_sack ? "SACKed" : "ACKed", who(c, !side), s->pass_last_by);
		if (s->pass_max_frame != s->pass_last_frame)
			sb_add(&b, "; the largest that got through: %u bytes, frame %" PRIu64,
			       s->pass_max_iplen, s->pass_max_frame);
		sb_add(&b, "), and no ICMP \"too big\" came back: on the way to the %s, %u-byte "
		       "packets are dropped silently while %u-byte ones pass.", who(c, !side),
		       r->iplen, s->pass_max_iplen);
		if (d) {
			ev_series(d, r);
			ev(d, s->pass_last_frame);
			ev(d, s->pass_last_by);
		}
		diag_done(d, &b);
		return true;
	}
	return false;
}

/* The peer behaves as if nothing of `side` arrived. */
static bool rule_one_way(struct ns_dx *x, const struct ns_an_conn *c)
{
	for (int side = 0; side < 2; side++) {
		const struct dx_side *s = &x->s[side], *o = &x->s[!side];
		const struct dx_series *mine = stuck(s);
		const struct dx_series *theirs = NULL;   /* re-sent after our ACK */
		for (uint32_t i = 0; i < o->nser; i++)
			if (o->ser[i].tx_after_ack && (!theirs || o->ser[i].tx_after_ack > theirs->tx_after_ack))
				theirs = &o->ser[i];
		bool mine_ok = mine && mine->ntx >= 3;
		bool peer_silent = mine_ok && o->last_frame < mine->frame[0];
		if (!(theirs && mine_ok) && !(theirs && theirs->tx_after_ack >= 2) && !peer_silent)
			continue;
		const char *conf = theirs && mine_ok ? "high" : "medium";
		struct sb b = { 0 };
		struct ns_dx_diag *d = diag_new(x, "one_way_loss", side, conf);
		if (!d) {
			diag_done(d, &b);
			return true;
		}
		if (theirs) {
			/* the last of our segments the peer acknowledged */
			const struct dx_orig *got = NULL;
			for (uint32_t i = 0; i < s->ring_n && o->ack_set; i++)
				if (ring_get(s, i)->end == o->ack_hi)
					got = ring_get(s, i);
			sb_add(&b, "One-way loss, %s to %s, past the capture point: nothing the %s sent ",
			       who(c, side), who(c, !side), who(c, side));
			if (got)
				sb_add(&b, "after %s (frame %" PRIu64 ", the last the %s ACKed, at frame %"
				       PRIu64 ") ", (got->ctl & NS_TCP_SYN) ? "its SYN" : "the segment",
				       got->frame, who(c, !side), o->ack_hi_frame);
			sb_add(&b, "reached the %s. The %s re-sent ", who(c, !side), who(c, !side));
			if (got)
				ev(d, got->frame);
			seg_name(&b, c, !side, theirs);
			sb_add(&b, " %" PRIu32 " times after the %s's ACK at frame %" PRIu64
			       " (%.3f s) was captured", theirs->tx_after_ack, who(c, side),
			       theirs->ack_frame, secs(c, theirs->ack_ts));
			ev_series(d, theirs);
			ev(d, theirs->ack_frame);
			if (mine_ok)
				sb_add(&b, ", and");
		} else {
			sb_add(&b, "One-way loss, %s to %s%s: ", who(c, side), who(c, !side),
			       mine->original_seen ? ", past the capture point" : "");
		}
		if (mine_ok) {
			sb_add(&b, "%sthe %s's ", theirs ? " " : "", who(c, side));
			seg_name(&b, c, side, mine);
			char when[64];
			utc(when, sizeof(when), mine->ts[0]);
			sb_add(&b, " was sent %" PRIu32 " times from frame %" PRIu64 " (%.3f s, %s) and "
			       "never ACKed", mine->ntx, mine->frame[0], secs(c, mine->ts[0]), when);
			ev_series(d, mine);
			if (peer_silent)
				sb_add(&b, "; the %s sent nothing after frame %" PRIu64
				       " (it may also have gone silent itself)", who(c, !side),
				       o->last_frame);
		}
		sb_add(&b, ".");
		if (o->ack_set)
			ev(d, o->ack_hi_frame);
		diag_done(d, &b);
		return true;
	}
	return false;
}

/* A RST whose TTL is not that of the side's other packets. */
static bool rule_middlebox(struct ns_dx *x, const struct ns_an_conn *c)
{
	for (int side = 0; side < 2; side++) {
		const struct dx_side *s = &x->s[side];
		if (!s->rst_frame || !s->ip_seen || s->npk < 2)
			continue;
		bool ttl_off = s->rst_ttl < s->ttl_min || s->rst_ttl > s->ttl_max;
		if (!ttl_off)
			continue;
		struct sb b = { 0 };
		struct ns_dx_diag *d = diag_new(x, "middlebox_reset", side, "high");
		sb_add(&b, "Reset by a middlebox, not by the %s: the RST at frame %" PRIu64
		       " (%.3f s) claims to come from the %s but has TTL %u, while the %s's own "
		       "packets have TTL %u", who(c, side), s->rst_frame, secs(c, s->rst_ts),
		       who(c, side), s->rst_ttl, who(c, side), s->ttl_min);
		if (s->ttl_max != s->ttl_min)
			sb_add(&b, "-%u", s->ttl_max);
		sb_add(&b, " (frame %" PRIu64 ")", s->rst_ttl_frame ? s->rst_ttl_frame : s->last_ipid_frame);
		if (s->rst_next_set && s->rst_seq != s->rst_next)
			sb_add(&b, "; its seq is %" PRId32 " bytes off where the %s was",
			       (int32_t)(s->rst_seq - s->rst_next), who(c, side));
		else if (s->rst_next_set)
			sb_add(&b, "; its seq is exactly where the %s was, as one that read the %s's "
			       "ACKs would make it", who(c, side), who(c, !side));
		sb_add(&b, ".");
		if (d) {
			ev(d, s->rst_frame);
			ev(d, s->rst_ttl_frame ? s->rst_ttl_frame : s->last_ipid_frame);
		}
		diag_done(d, &b);
		return true;
	}
	return false;
}

static bool rule_stall(struct ns_dx *x, const struct ns_an_conn *c, uint64_t end_ts)
{
	for (int side = 0; side < 2; side++) {
		const struct dx_side *s = &x->s[side], *o = &x->s[!side];
		if (!s->in_zero || s->rst_frame || o->rst_frame)
			continue;
		uint64_t dur = end_ts - s->zero_ts;
		if (dur < SEC)
			continue;
		uint32_t probes = s->nprobe;
		struct sb b = { 0 };
		struct ns_dx_diag *d = diag_new(x, "receiver_stall", side, probes >= 2 ? "high" : "medium");
		char when[64];
		utc(when, sizeof(when), s->zero_ts);
		sb_add(&b, "Receiver stall at the %s: its window has been zero since frame %" PRIu64
		       " (%.3f s, %s) and was still zero %.3f s later when the capture ended (its last "
		       "packet: frame %" PRIu64 ", window 0); the %s probed it %" PRIu32 " time%s "
		       "(frames", who(c, side), s->zero_frame, secs(c, s->zero_ts), when, (double)dur / 1e9,
		       s->last_frame, who(c, !side), probes, probes == 1 ? "" : "s");
		for (uint32_t k = 0; k < probes_kept(s); k++)
			sb_add(&b, "%s%" PRIu64, k ? ", " : " ", s->rare->probe[k]);
		sb_add(&b, "%s): the network delivers, the %s's application stopped reading.",
		       probes > 8 ? " and more" : "", who(c, side));
		if (d) {
			ev(d, s->zero_frame);
			for (uint32_t k = 0; k < probes_kept(s); k++)
				ev(d, s->rare->probe[k]);
			ev(d, s->last_frame);
		}
		diag_done(d, &b);
		return true;
	}
	return false;
}

static bool rule_paused(struct ns_dx *x, const struct ns_an_conn *c)
{
	bool any = false;
	for (int side = 0; side < 2; side++) {
		const struct dx_side *s = &x->s[side];
		if (s->zw_long_ns < 200 * MS)
			continue;
		struct sb b = { 0 };
		struct ns_dx_diag *d = diag_new(x, "receiver_paused", side, "medium");
		sb_add(&b, "The %s's application paused reading: its window was zero from frame %"
		       PRIu64 " to frame %" PRIu64 " (%.3f s), then reopened.", who(c, side),
		       s->zw_long_from, s->zw_long_to, (double)s->zw_long_ns / 1e9);
		if (d) {
			ev(d, s->zw_long_from);
			ev(d, s->zw_long_to);
		}
		diag_done(d, &b);
		any = true;
	}
	return any;
}

static bool rule_slow(struct ns_dx *x, const struct ns_an_conn *c)
{
	if (x->slow_side < 0 || !x->slow_ack_ts)
		return false;
	uint64_t wait = x->slow_resp_ts - x->slow_req_ts;
	uint64_t ackd = x->slow_ack_ts - x->slow_req_ts;
	uint64_t base = c->irtt_ns > MS ? c->irtt_ns : MS;
	if (wait < 500 * MS || wait < 20 * base || ackd * 4 > wait)
		return false;
	int side = x->slow_side;
	struct sb b = { 0 };
	struct ns_dx_diag *d = diag_new(x, "slow_application", side, "high");
	sb_add(&b, "Slow application at the %s: the %s's request (last segment frame %" PRIu64
	       ", %.3f s) was ACKed by the %s's kernel at frame %" PRIu64 " after %.3f ms, but "
	       "the answer came only at frame %" PRIu64 ", %.3f s after the request: the "
	       "network delivered it, the %s's application took that long.", who(c, side),
	       who(c, !side), x->slow_req, secs(c, x->slow_req_ts), who(c, side), x->slow_ack,
	       (double)ackd / 1e6, x->slow_resp, (double)wait / 1e9, who(c, side));
	if (d) {
		ev(d, x->slow_req);
		ev(d, x->slow_ack);
		ev(d, x->slow_resp);
	}
	diag_done(d, &b);
	return true;
}

/* RSTs a side's kernel sent for a socket it no longer had: each answers a
 * packet of the peer after the side had already reset or closed. */
static void rule_closed_socket(struct ns_dx *x, const struct ns_an_conn *c)
{
	for (int side = 0; side < 2; side++) {
		const struct dx_side *s = &x->s[side];
		if (!s->nanswer)
			continue;
		bool half = s->nanswer >= 2;
		struct sb b = { 0 };
		struct ns_dx_diag *d = diag_new(x, half ? "half_open" : "closed_socket_reset", side,
						"high");
		sb_add(&b, "%sthe %s's kernel answered the %s's packet%s at frame%s ",
		       half ? "Half-open connection: " : "Closed socket: ", who(c, side),
		       who(c, !side), s->nanswer > 1 ? "s" : "", s->nanswer > 1 ? "s" : "");
		for (uint32_t k = 0; k < s->nanswer; k++)
			sb_add(&b, "%s%" PRIu64, k ? ", " : "", s->rare->answer_to[k]);
		sb_add(&b, " with RST (frame%s ", s->nanswer > 1 ? "s" : "");
		for (uint32_t k = 0; k < s->nanswer; k++)
			sb_add(&b, "%s%" PRIu64, k ? ", " : "", s->rare->answer_rst[k]);
		const struct dx_side *killer = s->answer_after == s->rst_frame ? s : &x->s[!side];
		sb_add(&b, ") after the connection was reset at frame %" PRIu64 " (%.3f s, by the "
		       "%s): the socket was gone%s.", s->answer_after, secs(c, killer->rst_ts),
		       who(c, killer == s ? side : !side), half ? ", and the " : "");
		if (half) {
			b.len--;  /* drop the '.' */
			sb_add(&b, "%s kept sending into it.", who(c, !side));
		}
		if (d) {
			ev(d, s->answer_after);
			for (uint32_t k = 0; k < s->nanswer; k++) {
				ev(d, s->rare->answer_to[k]);
				ev(d, s->rare->answer_rst[k]);
			}
		}
		diag_done(d, &b);
	}
}

static void rule_peer_reset(struct ns_dx *x, const struct ns_an_conn *c)
{
	if (c->close != NS_AN_CLOSE_RESET)
		return;
	int side = c->reset_by_initiator ? 0 : 1;
	const struct dx_side *s = &x->s[side], *o = &x->s[!side];
	for (uint32_t i = 0; i < x->ndiag; i++)
		if (x->diag[i].from == side && (!strcmp(x->diag[i].kind, "middlebox_reset") ||
						!strcmp(x->diag[i].kind, "one_way_loss")))
			return;
	const struct dx_series *r = stuck(s);
	struct sb b = { 0 };
	struct ns_dx_diag *d;
	if (r && r->nkept && s->rst_frame > r->frame[r->nkept - 1]) {
		d = diag_new(x, "gave_up_reset", side, "high");
		sb_add(&b, "The %s gave up and reset the connection at frame %" PRIu64 " (%.3f s) "
		       "after sending ", who(c, side), s->rst_frame, secs(c, s->rst_ts));
		seg_name(&b, c, side, r);
		sb_add(&b, " %" PRIu32 " times without an ACK.", r->ntx);
		if (d)
			ev_series(d, r);
	} else {
		bool unread = o->last_data_frame && o->last_data_frame > s->last_data_frame;
		d = diag_new(x, "peer_reset", side, "medium");
		sb_add(&b, "Reset by the %s's application at frame %" PRIu64 " (%.3f s; TTL %u as "
		       "its other packets)%s.", who(c, side), s->rst_frame, secs(c, s->rst_ts),
		       s->rst_ttl, unread ? ", with data from the peer it had not answered" : "");
		if (d && unread)
			ev(d, o->last_data_frame);
	}
	if (d)
		ev(d, s->rst_frame);
	diag_done(d, &b);
}

/* Where the capture was taken. */
static void vantage(struct ns_dx *x, const struct ns_an_conn *c)
{
	struct sb b = { 0 };
	int near = -1;
	for (uint32_t i = 0; i < x->ndiag && near < 0; i++) {
		const struct ns_dx_diag *d = &x->diag[i];
		/* text is NULL when out of memory (counted below) */
		if (!strcmp(d->kind, "one_way_loss") && d->text &&
		    strstr(d->text, "past the capture point")) {
			near = d->from;
			sb_add(&b, "on the %s's side of the loss: the %s's packets are in the capture "
			       "but the %s acted as if they never arrived", who(c, near), who(c, near),
			       who(c, !near));
		}
	}
	const struct dx_side *a = &x->s[0], *z = &x->s[1];
	if (a->ip_seen && z->ip_seen) {
		static const uint8_t initial[] = { 64, 128, 255 };
		bool ia = false, iz = false;
		for (int k = 0; k < 3; k++) {
			ia |= a->ttl_max == initial[k];
			iz |= z->ttl_max == initial[k];
		}
		if (ia != iz) {
			int n = ia ? 0 : 1;
			const struct dx_side *f = ia ? z : a;
			uint8_t init = f->ttl_max <= 64 ? 64 : f->ttl_max <= 128 ? 128 : 255;
			if (near < 0)
				near = n;
			sb_add(&b, "%snear the %s: its packets have TTL %u as sent, the %s's %u "
			       "(%u hop%s from a start of %u)", b.len ? "; " : "", who(c, n),
			       ia ? a->ttl_max : z->ttl_max, who(c, !n), f->ttl_max,
			       init - f->ttl_max, init - f->ttl_max == 1 ? "" : "s", init);
		}
	}
	if (c->syn_frame && c->synack_frame && c->hs_ack_frame && x->s[1].nser + x->s[0].nser == 0) {
		/* handshake RTT split: SYN to SYN-ACK is the far side's share */
		const struct dx_orig *syn = ring_find(a, c->init.isn, NS_TCP_SYN);
		const struct dx_orig *sa = ring_find(z, c->resp.isn, NS_TCP_SYN);
		if (syn && sa && c->irtt_ns) {
			uint64_t t1 = sa->ts - syn->ts, t2 = c->irtt_ns > t1 ? c->irtt_ns - t1 : 0;
			int n = t1 > 4 * t2 && t1 - t2 >= MS ? 0 : t2 > 4 * t1 && t2 - t1 >= MS ? 1 : -1;
			if (n >= 0) {
				if (near < 0)
					near = n;
				sb_add(&b, "%snear the %s: of the %.3f ms handshake RTT, %.3f ms lie "
				       "between SYN and SYN-ACK and %.3f ms between SYN-ACK and ACK",
				       b.len ? "; " : "", who(c, n), (double)c->irtt_ns / 1e6,
				       (double)t1 / 1e6, (double)t2 / 1e6);
			}
		}
	}
	x->near = near;
	if (b.len || b.oom) {
		if (!(x->vantage = sb_take(&b)))
			x->nomem++;
	} else {
		free(b.s);
	}
}

/* A series whose first transmission left the ring (long windows): the
 * engine's record of the segment may still hold it. */
static void originals_from_engine(struct ns_dx *x, const struct ns_an_conn *c)
{
	for (int side = 0; side < 2; side++) {
		const struct ns_an_dir *d = side_dir(c, side);
		struct dx_side *s = &x->s[side];
		for (uint32_t i = 0; i < s->nser; i++) {
			struct dx_series *r = &s->ser[i];
			if (r->original_seen || r->nkept == DX_TX)
				continue;
			uint32_t rel = ns_an_rel(d, r->seq);
			for (uint32_t k = 0; k < d->nrtx; k++) {
				const struct ns_an_rtx *e = &d->rtx[k];
				if (e->rel_seq != rel || !e->original_seen || !e->ntx_kept ||
				    e->frame[0] >= r->frame[0])
					continue;
				memmove(r->frame + 1, r->frame, r->nkept * sizeof(r->frame[0]));
				memmove(r->ts + 1, r->ts, r->nkept * sizeof(r->ts[0]));
				r->frame[0] = e->frame[0];
				r->ts[0] = e->ts_ns[0];
				r->nkept++;
				r->original_seen = true;
				break;
			}
		}
	}
}

void ns_dx_conclude(struct ns_an_conn *c, uint64_t capture_last_ts)
{
	struct ns_dx *x = c->dx;
	if (!x)
		return;
	originals_from_engine(x, c);
	uint64_t end_ts = capture_last_ts > c->last_ts_ns ? capture_last_ts : c->last_ts_ns;
	rule_setup(x, c, end_ts);
	if (!x->ndiag) {
		rule_middlebox(x, c);
		if (!rule_mtu(x, c))
			rule_one_way(x, c);
		rule_stall(x, c, end_ts);
		rule_slow(x, c);
		rule_closed_socket(x, c);
		rule_peer_reset(x, c);
		rule_paused(x, c);
	}
	vantage(x, c);
	for (int side = 0; side < 2; side++) {
		if (!x->s[side].nser)
			continue;
		struct sb b = { 0 };
		write_series(&b, c, side, end_ts);
		if (!(x->series[side] = sb_take(&b)))
			x->nomem++;
	}
	for (uint32_t i = 0; i < x->ndiag; i++)
		if (!x->diag[i].text)
			x->nomem++;   /* made, but its sentence could not be */
}

uint32_t ns_dx_nomem(const struct ns_an_conn *c)
{
	const struct ns_dx *x = c->dx;

	return x ? x->nomem + x->s[0].nomem + x->s[1].nomem : 0;
}

void ns_dx_free(struct ns_an_conn *c)
{
	struct ns_dx *x = c->dx;
	if (!x)
		return;
	for (uint32_t i = 0; i < x->ndiag; i++)
		free(x->diag[i].text);
	free(x->vantage);
	free(x->series[0]);
	free(x->series[1]);
	free(x->diag);
	free(x->s[0].ser);
	free(x->s[1].ser);
	free(x->s[0].rare);
	free(x->s[1].rare);
	free(x->s[0].ring_more);
	free(x->s[1].ring_more);
	c->dx = NULL;
}

uint32_t ns_dx_count(const struct ns_an_conn *c)
{
	return c->dx ? c->dx->ndiag : 0;
}

const struct ns_dx_diag *ns_dx_get(const struct ns_an_conn *c, uint32_t i)
{
	return c->dx && i < c->dx->ndiag ? &c->dx->diag[i] : NULL;
}

int ns_dx_vantage(const struct ns_an_conn *c, const char **why)
{
	*why = c->dx ? c->dx->vantage : NULL;
	return c->dx ? c->dx->near : -1;
}

const char *ns_dx_series_text(const struct ns_an_conn *c, int side)
{
	if (!c->dx)
		return NULL;
	return c->dx->series[side] ? c->dx->series[side] : "";
}

/* ---------------------------------------------------------------- output */

void ns_dx_verdict_ob(struct outbuf *ob, const struct ns_an_conn *c)
{
	for (uint32_t i = 0; i < ns_dx_count(c); i++) {
		const struct ns_dx_diag *d = &c->dx->diag[i];
		if (!d->text)
			continue;
		ob_str(ob, d->text);
		OB_LIT(ob, " ");
	}
}

void ns_dx_json_ob(struct outbuf *ob, const struct ns_an_conn *c,
		   void (*js_str)(struct outbuf *, const char *))
{
	OB_LIT(ob, ",\"diagnoses\":[");
	for (uint32_t i = 0; i < ns_dx_count(c); i++) {
		const struct ns_dx_diag *d = &c->dx->diag[i];
		if (i)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"kind\":");
		js_str(ob, d->kind);
		OB_LIT(ob, ",\"from\":");
		js_str(ob, d->from < 0 ? "none" : d->from ? "responder" : "initiator");
		OB_LIT(ob, ",\"confidence\":");
		js_str(ob, d->confidence);
		OB_LIT(ob, ",\"frames\":[");
		for (uint32_t k = 0; k < d->nframes; k++) {
			if (k)
				ob_putc(ob, ',');
			ob_u64(ob, d->frames[k]);
		}
		OB_LIT(ob, "],\"text\":");
		js_str(ob, d->text ? d->text : "");
		ob_putc(ob, '}');
	}
	OB_LIT(ob, "],\"capturePoint\":");
	const char *why;
	int near = ns_dx_vantage(c, &why);
	if (!why) {
		OB_LIT(ob, "null");
		return;
	}
	OB_LIT(ob, "{\"near\":");
	js_str(ob, near < 0 ? "unknown" : near ? "responder" : "initiator");
	OB_LIT(ob, ",\"evidence\":");
	js_str(ob, why);
	ob_putc(ob, '}');
}
