/* Zeek-style connection tracking for conn.log (zeekconn.h). Each step cites
 * the Zeek function it follows; zeek/zeek
 * src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc unless named
 * otherwise. Times are packet times in nanoseconds. */
#include "conn/zeekconn.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "nshash.h"

#define SEC 1000000000ull
/* scripts/base/init-bare.zeek */
#define TCP_SYN_TIMEOUT (5 * SEC)
#define TCP_SESSION_TIMER (6 * SEC)
#define TCP_CONNECTION_LINGER (5 * SEC)
#define TCP_ATTEMPT_DELAY (5 * SEC)
#define TCP_CLOSE_DELAY (5 * SEC)
#define TCP_RESET_DELAY (5 * SEC)
#define TCP_PARTIAL_CLOSE_DELAY (3 * SEC)
#define TCP_INACTIVITY (300 * SEC)
#define UDP_INACTIVITY (60 * SEC)
#define ICMP_INACTIVITY (60 * SEC)
#define TOO_LARGE_SEQ_DELTA 1048576
#define SWEEP_EVERY (5 * SEC)   /* emission and memory only: expiry is exact at lookup */

enum zs { ZS_INACTIVE, ZS_SYN_SENT, ZS_SYN_ACK_SENT, ZS_PARTIAL, ZS_ESTABLISHED,
	  ZS_CLOSED, ZS_RESET };

/* Connection::CheckHistory masks (Conn.h HIST_*), per endpoint */
enum { H_SYN = 1, H_FIN = 2, H_RST = 4, H_FINRST = 8, H_DATA = 16, H_ACK = 32, H_MULTI = 64 };

#define MAX_BLOCKS 16

struct ep {
	uint8_t state, prev_state;
	bool did_close;
	bool is_orig;
	uint32_t start;          /* StartSeq */
	int64_t last_rel;        /* LastSeq - StartSeq, unwrapped */
	int64_t ack_rel;         /* AckSeq - StartSeq */
	int fin_cnt;
	int64_t fin_rel;         /* FIN_seq: relative seq just past the FIN */
	uint32_t hist_seen;
	bool has_hist_syn, has_hist_fin, has_hist_rst;
	int64_t hist_last_syn, hist_last_fin, hist_last_rst;
	uint32_t n_rxmit, thr_rxmit, n_win0, thr_win0, n_gap, thr_gap;
	/* reassembly frontier (TCP_Reassembler's last_reassem_seq) and the
	 * blocks seen above it, in relative data sequence numbers */
	int64_t frontier;
	uint8_t nblocks;
	int64_t blo[MAX_BLOCKS], bhi[MAX_BLOCKS];
	/* ConnSize analyzer, UDP/ICMP sizes */
	uint64_t pkts, ip_bytes, size;
	bool active;             /* UDP/ICMP: sent something */
};

struct zconn {
	struct zconn *hnext;             /* hash chain */
	struct zconn *prev, *next;       /* creation order */
	uint64_t hash;
	/* key: canonical (lower endpoint first) */
	uint8_t proto;
	uint64_t tunnel;
	struct ns_addr ka, kb;
	uint16_t kpa, kpb;
	/* roles */
	struct ns_addr oa, ra;
	uint16_t op, rp;
	struct ep e[2];                  /* [0] originator, [1] responder */
	uint64_t start_ns, last_ns;
	char history[NS_ZK_HIST_MAX + 1];
	uint8_t hist_len;
	bool is_active;                  /* TCPSessionAdapter::is_active */
	bool is_partial;
	uint8_t first_seen;              /* 1 orig, 2 resp (first_packet_seen) */
	unsigned nflips;
	uint64_t attempt_at, delete_at, reset_at, partial_close_at, expire_base;
	uint64_t missed;
	char cid[NS_CID_STRLEN];
};

struct ns_zk {
	ns_zk_emit_fn emit;
	void *user;
	uint16_t seed;
	struct zconn **buckets;
	size_t nbuckets, nconns;
	struct zconn *head, *tail;
	uint64_t next_sweep;
	uint64_t dropped;
};

/* ---------------------------------------------------------------- uid */

void ns_zk_uid(uint8_t proto, const struct ns_addr *oa, uint16_t op,
	       const struct ns_addr *ra, uint16_t rp, uint64_t ts_ns, char out[NS_ZK_UID_LEN])
{
	static const char b62[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint8_t key[1 + 17 + 2 + 17 + 2 + 8];
	size_t n = 0;
	int c = memcmp(oa->a, ra->a, oa->family == 6 ? 16 : 4);

	/* either role order gives the same uid: analyze -o json (whose
	 * initiator may be Zeek's responder) names a connection as -o zeek does */
	if (oa->family > ra->family || (oa->family == ra->family && (c > 0 || (c == 0 && op > rp)))) {
		const struct ns_addr *ta = oa;
		uint16_t tp = op;
		oa = ra;
		op = rp;
		ra = ta;
		rp = tp;
	}

	key[n++] = proto;
	memset(key, 0, sizeof(key));
	key[n++] = oa->family;
	memcpy(key + n, oa->a, oa->family == 6 ? 16 : 4);
	n += 16;
	key[n++] = (uint8_t)(op >> 8);
	key[n++] = (uint8_t)op;
	key[n++] = ra->family;
	memcpy(key + n, ra->a, ra->family == 6 ? 16 : 4);
	n += 16;
	key[n++] = (uint8_t)(rp >> 8);
	key[n++] = (uint8_t)rp;
	for (int i = 0; i < 8; i++)
		key[n++] = (uint8_t)(ts_ns >> (8 * i));
	/* 96 bits, as Zeek's uids carry (base62, 17 digits) */
	/* a fixed key, not the per-run table key: uids must be the same
	 * in every run (golden tests, joining two runs' logs) */
	uint64_t hi = ns_siphash13(key, n, NS_HASH_DEFAULT_SEED, 0x6e65747369667475ull);
	uint64_t lo = ns_siphash13(key, n, ~NS_HASH_DEFAULT_SEED, 0x6e65747369667475ull) >> 32;
	out[0] = 'C';
	for (int i = 17; i >= 1; i--) {
		/* (hi:lo) / 62 with lo 32 bits wide */
		uint64_t r1 = hi % 62;
		hi /= 62;
		uint64_t cur = (r1 << 32) | lo;
		lo = cur / 62;
		out[i] = b62[cur % 62];
	}
	out[18] = '\0';
}

/* ---------------------------------------------------------------- roles */

/* A port a server likely listens on: the ports Zeek's default analyzers
 * register (Analyzer::register_for_ports fills likely_server_ports), for
 * any transport. */
static bool likely_server_port(uint16_t p)
{
	static const uint16_t ports[] = {
		21, 22, 23, 25, 53, 67, 68, 69, 80, 81, 88, 110, 111, 123, 135, 137, 138,
		139, 143, 161, 162, 389, 443, 445, 502, 514, 563, 585, 587, 614, 631, 636,
		750, 853, 989, 990, 992, 993, 995, 1080, 1194, 1812, 1813, 1883, 2123,
		2152, 2811, 3128, 3268, 3306, 3389, 3544, 4789, 5060, 5072, 5222, 5223,
		5269, 5353, 5355, 5432, 5900, 6081, 6379, 6666, 6667, 6668, 6669, 8000,
		8080, 8443, 8888, 20000,
	};
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == p)
			return true;
	return false;
}

/* ---------------------------------------------------------------- history */

static void hist_add(struct zconn *c, char code)
{
	if (c->hist_len >= NS_ZK_HIST_MAX)
		return;
	c->history[c->hist_len++] = code;
	c->history[c->hist_len] = '\0';
}

/* TCP_Endpoint::CheckHistory -> Connection::CheckHistory: the letter the
 * first time only (lower case for the responder); true if seen before. */
static bool hist_check(struct zconn *c, struct ep *e, uint32_t bit, char code)
{
	if (e->hist_seen & bit)
		return true;
	e->hist_seen |= bit;
	hist_add(c, e->is_orig ? code : (char)tolower((unsigned char)code));
	return false;
}

/* Connection::ScaledHistoryEntry: at the 1st, 10th, 100th, ... time. */
static void hist_scaled(struct zconn *c, struct ep *e, char code, uint32_t *cnt, uint32_t *thr)
{
	if (*thr == 0)
		*thr = 1;
	if (++*cnt == *thr) {
		hist_add(c, e->is_orig ? code : (char)tolower((unsigned char)code));
		*thr *= 10;
	}
}

/* ---------------------------------------------------------------- table */

static int addr_cmp(const struct ns_addr *a, const struct ns_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, a->family == 6 ? 16 : 4);
}

struct key {
	uint8_t proto;
	uint64_t tunnel;
	struct ns_addr a, b;
	uint16_t pa, pb;
};

static uint64_t key_hash(const struct key *k)
{
	uint8_t buf[1 + 8 + 17 + 17 + 4];
	size_t n = 0;
	memset(buf, 0, sizeof(buf));
	buf[n++] = k->proto;
	memcpy(buf + n, &k->tunnel, 8);
	n += 8;
	buf[n++] = k->a.family;
	memcpy(buf + n, k->a.a, k->a.family == 6 ? 16 : 4);
	n += 16;
	buf[n++] = k->b.family;
	memcpy(buf + n, k->b.a, k->b.family == 6 ? 16 : 4);
	n += 16;
	memcpy(buf + n, &k->pa, 2);
	n += 2;
	memcpy(buf + n, &k->pb, 2);
	n += 2;
	return ns_hash_bytes(buf, n, NS_HASH_DEFAULT_SEED);
}

static bool key_eq(const struct zconn *c, const struct key *k)
{
	return c->proto == k->proto && c->tunnel == k->tunnel && c->kpa == k->pa &&
	       c->kpb == k->pb && addr_cmp(&c->ka, &k->a) == 0 && addr_cmp(&c->kb, &k->b) == 0;
}

static void key_make(struct key *k, uint8_t proto, uint64_t tunnel,
		     const struct ns_addr *s, uint16_t sp, const struct ns_addr *d, uint16_t dp)
{
	int c = addr_cmp(s, d);
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->tunnel = tunnel;
	if (c < 0 || (c == 0 && sp <= dp)) {
		k->a = *s; k->pa = sp; k->b = *d; k->pb = dp;
	} else {
		k->a = *d; k->pa = dp; k->b = *s; k->pb = sp;
	}
}

static int grow(struct ns_zk *z)
{
	size_t nb = z->nbuckets ? z->nbuckets * 2 : 1024;
	struct zconn **b = calloc(nb, sizeof(*b));
	if (!b)
		return -1;
	for (size_t i = 0; i < z->nbuckets; i++) {
		struct zconn *c = z->buckets[i], *nx;
		for (; c; c = nx) {
			nx = c->hnext;
			size_t bi = c->hash & (nb - 1);
			c->hnext = b[bi];
			b[bi] = c;
		}
	}
	free(z->buckets);
	z->buckets = b;
	z->nbuckets = nb;
	return 0;
}

static struct zconn *lookup(struct ns_zk *z, const struct key *k, uint64_t h)
{
	if (!z->nbuckets)
		return NULL;
	for (struct zconn *c = z->buckets[h & (z->nbuckets - 1)]; c; c = c->hnext)
		if (c->hash == h && key_eq(c, k))
			return c;
	return NULL;
}

/* ---------------------------------------------------------------- records */

static const char *conn_state(const struct zconn *c)
{
	const struct ep *o = &c->e[0], *r = &c->e[1];

	if (c->proto == 17) {
		if (o->active)
			return r->active ? "SF" : "S0";
		return r->active ? "SHR" : "OTH";
	}
	if (c->proto != 6)
		return "OTH";
	/* scripts/base/protocols/conn/main.zeek conn_state() */
	uint8_t os = o->state, rs = r->state;
	bool o_inactive = os == ZS_INACTIVE || os == ZS_PARTIAL;
	bool r_inactive = rs == ZS_INACTIVE || rs == ZS_PARTIAL;
	if (rs == ZS_RESET) {
		if (os == ZS_SYN_SENT || os == ZS_SYN_ACK_SENT ||
		    (os == ZS_RESET && o->size == 0 && r->size == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == ZS_RESET) {
		if (r_inactive) {
			/* /^\^?S[^HAFGIQ]*R.*$/ on the history */
			const char *h = c->history;
			if (*h == '^')
				h++;
			if (*h == 'S')
				for (h++; *h && !strchr("HAFGIQ", *h); h++)
					if (*h == 'R')
						return "RSTOS0";
			return "OTH";
		}
		return "RSTO";
	}
	if (rs == ZS_CLOSED && os == ZS_CLOSED)
		return "SF";
	if (os == ZS_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == ZS_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == ZS_SYN_SENT && rs == ZS_INACTIVE)
		return "S0";
	if (os == ZS_ESTABLISHED && rs == ZS_ESTABLISHED)
		return "S1";
	return "OTH";
}

/* TCP_Endpoint::Size: sequence space sent (or acked), without SYN and FIN. */
static uint64_t tcp_size(const struct ep *e, const struct ep *peer)
{
	if (e->state == ZS_INACTIVE)
		return 0;
	bool no_data_acked = e->ack_rel == 0 || e->ack_rel == 1;
	if (e->prev_state == ZS_SYN_SENT && e->state == ZS_RESET &&
	    peer->state == ZS_INACTIVE && !no_data_acked)
		return 0;
	int64_t s = e->last_rel > e->ack_rel ? e->last_rel : e->ack_rel;
	if (s < 0)
		s = 0;
	uint64_t size = (uint64_t)s;
	if (size != 0)
		--size;
	if (e->fin_cnt > 0 && size != 0)
		--size;
	return size;
}

static void emit(struct ns_zk *z, struct zconn *c)
{
	struct ns_zk_conn r;

	memset(&r, 0, sizeof(r));
	r.ts_ns = c->start_ns;
	r.last_ns = c->last_ns;
	r.orig_h = c->oa;
	r.resp_h = c->ra;
	r.orig_p = c->op;
	r.resp_p = c->rp;
	r.proto = c->proto;
	ns_zk_uid(c->proto, &c->oa, c->op, &c->ra, c->rp, c->start_ns, r.uid);
	if (c->proto == 6) {
		c->e[0].size = tcp_size(&c->e[0], &c->e[1]);
		c->e[1].size = tcp_size(&c->e[1], &c->e[0]);
	}
	r.conn_state = conn_state(c);
	r.orig_bytes = c->e[0].size;
	r.resp_bytes = c->e[1].size;
	r.missed_bytes = c->missed;
	memcpy(r.history, c->history, sizeof(r.history));
	r.orig_pkts = c->e[0].pkts;
	r.orig_ip_bytes = c->e[0].ip_bytes;
	r.resp_pkts = c->e[1].pkts;
	r.resp_ip_bytes = c->e[1].ip_bytes;
	memcpy(r.community_id, c->cid, sizeof(r.community_id));
	z->emit(&r, z->user);
}

static void unlink_conn(struct ns_zk *z, struct zconn *c)
{
	struct zconn **pp = &z->buckets[c->hash & (z->nbuckets - 1)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	if (c->prev)
		c->prev->next = c->next;
	else
		z->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		z->tail = c->prev;
	z->nconns--;
}

static void remove_conn(struct ns_zk *z, struct zconn *c)
{
	emit(z, c);
	unlink_conn(z, c);
	free(c);
}

/* ---------------------------------------------------------------- timers */

static bool any_state(const struct zconn *c, uint8_t s)
{
	return c->e[0].state == s || c->e[1].state == s;
}

/* Has a Zeek timer removed c by time t? Between two packets of c its state
 * does not change, so each timer's condition is the one after c's last packet. */
static bool expired(const struct zconn *c, uint64_t t)
{
	const struct ep *o = &c->e[0], *r = &c->e[1];

	if (c->proto != 6)
		return t >= c->last_ns + (c->proto == 17 ? UDP_INACTIVITY : ICMP_INACTIVITY);
	/* Connection::InactivityTimer */
	if (t >= c->last_ns + TCP_INACTIVITY)
		return true;
	if (c->delete_at && t >= c->delete_at)            /* ConnDeleteTimer */
		return true;
	if (c->reset_at && t >= c->reset_at)              /* ResetTimer */
		return true;
	if (!c->is_active)
		return false;
	/* AttemptTimer */
	if (c->attempt_at && t >= c->attempt_at &&
	    (o->state == ZS_SYN_SENT || o->state == ZS_SYN_ACK_SENT) && r->state == ZS_INACTIVE)
		return true;
	/* PartialCloseTimer */
	if (c->partial_close_at && t >= c->partial_close_at &&
	    o->state != ZS_INACTIVE && r->state != ZS_INACTIVE &&
	    (!o->did_close || !r->did_close) && !any_state(c, ZS_RESET))
		return true;
	/* ExpireTimer: ticks at expire_base + k * tcp_session_timer; the first
	 * tick after last_time + linger decides */
	if (c->expire_base) {
		uint64_t after = c->last_ns + TCP_CONNECTION_LINGER;
		uint64_t tick = c->expire_base;
		if (tick <= after)
			tick += ((after - tick) / TCP_SESSION_TIMER + 1) * TCP_SESSION_TIMER;
		if (t >= tick) {
			if ((o->did_close || r->did_close) &&
			    ((o->did_close && r->did_close) || any_state(c, ZS_RESET) ||
			     any_state(c, ZS_INACTIVE)))
				return true;
			if (o->state == ZS_INACTIVE && r->state == ZS_INACTIVE)
				return true;
		}
	}
	return false;
}

static void sweep(struct ns_zk *z, uint64_t t)
{
	struct zconn *c = z->head, *nx;
	for (; c; c = nx) {
		nx = c->next;
		if (expired(c, t))
			remove_conn(z, c);
	}
}

/* ---------------------------------------------------------------- TCP */

static void set_state(struct ep *e, uint8_t s)
{
	e->prev_state = e->state;
	e->state = s;
}

/* Connection::FlipRoles / TCPSessionAdapter::FlipRoles */
static void flip_roles(struct zconn *c)
{
	struct ep tmp = c->e[0];
	struct ns_addr ta = c->oa;
	uint16_t tp = c->op;

	c->e[0] = c->e[1];
	c->e[1] = tmp;
	c->e[0].is_orig = true;
	c->e[1].is_orig = false;
	c->oa = c->ra;
	c->op = c->rp;
	c->ra = ta;
	c->rp = tp;
	c->first_seen = (uint8_t)((c->first_seen & 1) << 1 | (c->first_seen & 2) >> 1);
	c->nflips++;
	hist_add(c, '^');
}

static int64_t rel_of(const struct ep *e, uint32_t seq)
{
	uint32_t last_abs = e->start + (uint32_t)e->last_rel;
	return e->last_rel + (int32_t)(seq - last_abs);
}

/* init_endpoint */
static void init_endpoint(struct ep *e, uint16_t fl, uint32_t seq, uint32_t past)
{
	bool syn = fl & NS_TCP_SYN;
	switch (e->state) {
	case ZS_INACTIVE:
		if (syn) {
			e->start = seq;
			e->last_rel = (int32_t)(past - seq);
		} else {
			e->start = seq - 1;
			e->last_rel = 1;
		}
		e->ack_rel = 0;
		e->frontier = 1;
		e->nblocks = 0;
		break;
	case ZS_SYN_SENT:
	case ZS_SYN_ACK_SENT:
	case ZS_ESTABLISHED:
	case ZS_PARTIAL:
		if (syn && (seq != e->start || e->state == ZS_ESTABLISHED || e->state == ZS_PARTIAL)) {
			e->start = seq;
			e->ack_rel = 0;
			e->last_rel = (int32_t)(past - seq);
			e->frontier = 1;
			e->nblocks = 0;
		}
		break;
	case ZS_RESET:
		if (syn && e->prev_state == ZS_INACTIVE) {
			e->start = seq;
			e->ack_rel = 0;
			e->last_rel = (int32_t)(past - seq);
			e->frontier = 1;
			e->nblocks = 0;
		}
		break;
	default:
		break;
	}
}

/* update_history */
static void update_history(struct zconn *c, struct ep *e, uint16_t fl, int64_t rel, uint32_t len)
{
	int bits = !!(fl & NS_TCP_SYN) + !!(fl & NS_TCP_FIN) + !!(fl & NS_TCP_RST);

	if (bits > 1) {
		if ((fl & NS_TCP_FIN) && (fl & NS_TCP_RST))
			hist_check(c, e, H_FINRST, 'I');
		else
			hist_check(c, e, H_MULTI, 'Q');
		return;
	}
	if (bits == 1) {
		if (fl & NS_TCP_SYN) {
			char code = (fl & NS_TCP_ACK) ? 'H' : 'S';
			if (hist_check(c, e, H_SYN, code) && rel != e->hist_last_syn)
				hist_add(c, e->is_orig ? code : (char)tolower((unsigned char)code));
			e->hist_last_syn = rel;
		}
		if (fl & NS_TCP_FIN) {
			if (hist_check(c, e, H_FIN, 'F') && rel + len != e->hist_last_fin)
				hist_add(c, e->is_orig ? 'F' : 'f');
			e->hist_last_fin = rel + len;
		}
		if (fl & NS_TCP_RST) {
			if (hist_check(c, e, H_RST, 'R') && rel != e->hist_last_rst)
				hist_add(c, e->is_orig ? 'R' : 'r');
			e->hist_last_rst = rel;
		}
		return;
	}
	if (len)
		hist_check(c, e, H_DATA, 'D');
	else if (fl & NS_TCP_ACK)
		hist_check(c, e, H_ACK, 'A');
}

/* update_last_seq; returns delta_last */
static int32_t update_last_seq(struct zconn *c, struct ep *e, uint32_t past, uint16_t fl, uint32_t len)
{
	int64_t prel = rel_of(e, past);
	int32_t delta = (int32_t)(prel - e->last_rel);

	if ((fl & (NS_TCP_SYN | NS_TCP_RST)) &&
	    (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
		;
	else if ((fl & NS_TCP_FIN) && e->last_rel == 1)
		e->last_rel = prel;
	else if (e->state == ZS_RESET)
		;
	else if (delta > 0)
		e->last_rel = prel;
	else if (len > 0)
		hist_scaled(c, e, 'T', &e->n_rxmit, &e->thr_rxmit);  /* DidRxmit */
	return delta;
}

/* ConnectionClosed (without DataPending: netsift does not defer) */
static void connection_closed(struct zconn *c, struct ep *e, struct ep *peer, bool gen_event)
{
	if (e->did_close)
		return;
	e->did_close = true;
	bool complete = e->state == ZS_RESET || peer->did_close || peer->state == ZS_INACTIVE;
	if (complete) {
		if ((e->prev_state != ZS_INACTIVE || peer->state != ZS_INACTIVE) && gen_event)
			c->is_active = false;              /* ConnectionFinished */
		/* CancelTimers */
		c->attempt_at = c->partial_close_at = c->expire_base = 0;
		c->reset_at = 0;
		c->delete_at = c->last_ns + TCP_CLOSE_DELAY;
	} else if (e->prev_state == ZS_INACTIVE) {
		c->partial_close_at = c->last_ns + TCP_PARTIAL_CLOSE_DELAY;
	} else if (!c->expire_base) {
		c->expire_base = c->last_ns + TCP_SESSION_TIMER;
	}
}

/* UpdateStateMachine and its Update*State helpers; returns do_close and
 * sets *gen_event. */
static bool update_state(struct zconn *c, uint64_t t, struct ep *e, struct ep *peer,
			 uint32_t seq, uint32_t len, int32_t delta_last, uint16_t fl, bool *gen_event)
{
	bool syn = fl & NS_TCP_SYN, fin = fl & NS_TCP_FIN, rst = fl & NS_TCP_RST;
	bool ack = fl & NS_TCP_ACK, do_close = false;
	(void)delta_last;

	*gen_event = false;
	switch (e->state) {
	case ZS_INACTIVE:
		if (syn) {
			if (e->is_orig) {
				set_state(e, ack ? ZS_SYN_ACK_SENT : ZS_SYN_SENT);
				c->attempt_at = t + TCP_ATTEMPT_DELAY;
			} else {
				if (!ack && peer->state == ZS_SYN_ACK_SENT && seq == e->start) {
					/* SYN/SYN-ACK reversal: flip and establish */
					c->is_partial = false;
					flip_roles(c);
					/* e and peer now point at swapped slots: the
					 * roles moved, the endpoints did not */
					struct ep *ne = &c->e[0], *np = &c->e[1];
					e = ne;
					peer = np;
					set_state(peer, ZS_ESTABLISHED);
				}
				if (peer->state == ZS_SYN_SENT)
					set_state(peer, ZS_ESTABLISHED);
				set_state(e, ZS_ESTABLISHED);
			}
		}
		if (fin) {
			set_state(e, ZS_CLOSED);
			do_close = *gen_event = true;
		}
		if (rst) {
			set_state(e, ZS_RESET);
			bool reject = e->is_orig ? peer->state == ZS_ESTABLISHED
				: (peer->state == ZS_SYN_SENT || peer->state == ZS_SYN_ACK_SENT);
			do_close = true;
			*gen_event = !reject;
		}
		if (e->state == ZS_INACTIVE) {
			if (!e->is_orig && len == 0 && c->e[0].state == ZS_SYN_SENT)
				;  /* eccentric TCPs ack the SYN before the SYN+ACK */
			else if (ack && peer->state == ZS_ESTABLISHED) {
				set_state(e, ZS_ESTABLISHED);
				c->is_partial = false;
			} else {
				set_state(e, ZS_PARTIAL);
			}
		}
		break;
	case ZS_SYN_SENT:
	case ZS_SYN_ACK_SENT:
		if (fin) {
			set_state(e, ZS_CLOSED);
			do_close = *gen_event = true;
		}
		if (rst) {
			set_state(e, ZS_RESET);
			c->is_active = false;              /* ConnectionReset */
			do_close = true;
		}
		break;
	case ZS_ESTABLISHED:
	case ZS_PARTIAL:
		if (syn && e->state == ZS_PARTIAL && peer->state == ZS_INACTIVE && !ack)
			set_state(e, ZS_SYN_SENT);
		if (fin && !rst) {
			set_state(e, ZS_CLOSED);
			if (peer->state == ZS_RESET && peer->prev_state == ZS_CLOSED)
				set_state(peer, ZS_CLOSED);
			do_close = *gen_event = true;
		}
		if (rst) {
			set_state(e, ZS_RESET);
			do_close = true;
			if (peer->state != ZS_RESET || peer->prev_state != ZS_ESTABLISHED)
				c->is_active = false;      /* ConnectionReset */
		}
		break;
	case ZS_CLOSED:
		if (rst && peer->state != ZS_CLOSED) {
			set_state(e, ZS_RESET);
			if (!e->did_close)
				do_close = true;
			c->reset_at = t + TCP_RESET_DELAY;
		}
		break;
	default:
		break;
	}
	if (do_close) {
		/* the endpoints may have been flipped above: find them again */
		connection_closed(c, e, peer, *gen_event);
	}
	return do_close;
}

static void drop_block(struct ep *e, uint8_t i)
{
	e->blo[i] = e->blo[e->nblocks - 1];
	e->bhi[i] = e->bhi[e->nblocks - 1];
	e->nblocks--;
}

/* TCP_Reassembler: data [lo, hi) of endpoint e arrived. Blocks above the
 * frontier are kept merged; the frontier swallows the blocks it reaches. */
static void reasm_data(struct ep *e, int64_t lo, int64_t hi)
{
	if (hi > e->frontier) {
		if (lo <= e->frontier) {
			e->frontier = hi;
		} else {
			uint8_t i;
			for (i = 0; i < e->nblocks; i++)
				if (lo <= e->bhi[i] && hi >= e->blo[i])
					break;
			if (i < e->nblocks) {
				if (lo < e->blo[i])
					e->blo[i] = lo;
				if (hi > e->bhi[i])
					e->bhi[i] = hi;
				/* it may now touch another block */
				for (uint8_t j = 0; j < e->nblocks; j++) {
					if (j != i && e->blo[j] <= e->bhi[i] && e->bhi[j] >= e->blo[i]) {
						if (e->blo[j] < e->blo[i])
							e->blo[i] = e->blo[j];
						if (e->bhi[j] > e->bhi[i])
							e->bhi[i] = e->bhi[j];
						drop_block(e, j);
						break;
					}
				}
			} else if (e->nblocks < MAX_BLOCKS) {
				e->blo[e->nblocks] = lo;
				e->bhi[e->nblocks] = hi;
				e->nblocks++;
			}
			/* else: too many holes; this block will count as missing */
		}
	}
	bool moved = true;
	while (moved) {
		moved = false;
		for (uint8_t i = 0; i < e->nblocks; i++) {
			if (e->blo[i] <= e->frontier) {
				if (e->bhi[i] > e->frontier)
					e->frontier = e->bhi[i];
				drop_block(e, i);
				moved = true;
				break;
			}
		}
	}
}

/* TCP_Reassembler::AckReceived / TrimToSeq / Undelivered: what the peer
 * acknowledged of e's data but was never seen is a content gap. */
static void reasm_ack(struct zconn *c, struct ep *e, struct ep *peer, int64_t ack)
{
	if (e->fin_cnt > 0 && ack >= e->fin_rel)
		ack = e->fin_rel - 1;
	if (ack <= e->frontier)
		return;
	int64_t missing = ack - e->frontier;
	for (uint8_t i = 0; i < e->nblocks; i++) {
		int64_t lo = e->blo[i] > e->frontier ? e->blo[i] : e->frontier;
		int64_t hi = e->bhi[i] < ack ? e->bhi[i] : ack;
		if (hi > lo)
			missing -= hi - lo;
	}
	bool skip = ack <= 2 && c->is_partial;
	if (!skip && missing > 0) {
		/* report_gap: not for partial connections (report_gaps_for_partial F) */
		if (e->state != ZS_PARTIAL && peer->state != ZS_PARTIAL)
			c->missed += (uint64_t)missing;
		/* only gaps inside an established connection go into the history */
		if (e->state == ZS_ESTABLISHED && peer->state == ZS_ESTABLISHED)
			hist_scaled(c, e, 'G', &e->n_gap, &e->thr_gap);
	}
	e->frontier = ack;
	reasm_data(e, ack, ack);
}

static void tcp_packet(struct zconn *c, int side, const struct ns_packet *pkt, uint64_t t)
{
	const struct ns_tcp *tp = &pkt->tcp;
	struct ep *e = &c->e[side], *peer = &c->e[!side];
	uint16_t fl = tp->flags;
	uint32_t len = tp->payload_len;
	uint32_t seg = len + !!(fl & NS_TCP_SYN) + !!(fl & NS_TCP_FIN);
	if (fl & NS_TCP_RST)
		seg -= len;
	uint32_t past = tp->seq + seg;

	/* SetPartialStatus */
	if (e->is_orig) {
		if (!(c->first_seen & 1))
			c->is_partial = !(fl & NS_TCP_SYN) || (fl & NS_TCP_ACK);
	} else if (!(c->first_seen & 2) && !c->is_partial) {
		c->is_partial = !(fl & NS_TCP_SYN);
	}
	init_endpoint(e, fl, tp->seq, past);
	int64_t rel = rel_of(e, tp->seq);
	bool underflow = rel < 0;
	update_history(c, e, fl, rel, len);
	/* update_window: the zero-window letter */
	if (tp->window == 0 && !(fl & NS_TCP_RST) && peer->state != ZS_CLOSED && e->state != ZS_RESET)
		hist_scaled(c, e, 'W', &e->n_win0, &e->thr_win0);
	if (!c->e[0].did_close || !c->e[1].did_close)
		c->last_ns = t;
	if (fl & NS_TCP_FIN) {
		e->fin_cnt++;
		e->fin_rel = rel + seg;
	}
	int64_t rel_ack = 0;
	bool have_ack = false;
	if (fl & NS_TCP_ACK) {
		if (peer->state == ZS_INACTIVE) {
			/* init_peer */
			peer->start = tp->ack - 1;
			peer->ack_rel = 0;
			peer->last_rel = 0;
			peer->frontier = 1;
			peer->nblocks = 0;
			rel_ack = 1;
		} else {
			uint32_t ack_abs = peer->start + (uint32_t)peer->ack_rel;
			int32_t d = (int32_t)(tp->ack - ack_abs);
			rel_ack = peer->ack_rel + d;
			if (rel_ack < 0) {
				rel_ack = 0;
			} else if (!(fl & NS_TCP_RST)) {
				/* update_ack_seq */
				if (!(tp->ack == 0 && d > TOO_LARGE_SEQ_DELTA) && d > 0)
					peer->ack_rel = rel_ack;
			}
		}
		have_ack = true;
	}
	int32_t delta_last = update_last_seq(c, e, past, fl, len);
	bool gen;
	unsigned flips = c->nflips;
	update_state(c, t, e, peer, tp->seq, len, delta_last, fl, &gen);
	if (c->nflips != flips)
		side = !side;   /* the roles moved between the slots */
	struct ep *snd = &c->e[side], *rcv = &c->e[!side];
	if (have_ack && rel_ack > 0)
		reasm_ack(c, rcv, snd, rel_ack);     /* peer->AckReceived */
	if (len > 0 && !(fl & NS_TCP_RST) && !underflow) {
		int64_t dseq = (fl & NS_TCP_SYN) ? rel + 1 : rel;
		reasm_data(snd, dseq, dseq + len);
	}
	c->first_seen |= (uint8_t)(side == 0 ? 1 : 2);
}

/* ---------------------------------------------------------------- packets */

static uint32_t ip_total_len(const struct ns_packet *pkt)
{
	if (pkt->l3 == NS_L3_IPV4)
		return pkt->ip4.total_len;
	return (uint32_t)pkt->ip6.payload_len + 40;
}

/* IP_Hdr::PayloadLen: after the IPv4 header or the IPv6 extension headers */
static uint32_t ip_payload_len(const struct ns_packet *pkt)
{
	if (pkt->l3 == NS_L3_IPV4) {
		uint32_t hl = (uint32_t)pkt->ip4.ihl * 4;
		return pkt->ip4.total_len > hl ? pkt->ip4.total_len - hl : 0;
	}
	uint32_t l = pkt->ip6.payload_len;
	for (uint8_t i = 0; i < pkt->ip6.next_ext && i < NS_MAX_IP6_EXT; i++)
		l = l > pkt->ip6.ext[i].len ? l - pkt->ip6.ext[i].len : 0;
	return l;
}

struct ns_zk *ns_zk_new(ns_zk_emit_fn emitfn, void *user, uint16_t cid_seed)
{
	struct ns_zk *z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	z->emit = emitfn;
	z->user = user;
	z->seed = cid_seed;
	if (grow(z) < 0) {
		free(z);
		return NULL;
	}
	return z;
}

void ns_zk_packet(struct ns_zk *z, const struct ns_packet *pkt)
{
	uint64_t t = pkt->ctx ? pkt->ctx->ts_ns : 0;
	uint16_t sp, dp;
	bool one_way = false;
	struct key k;

	if (!z->next_sweep)
		z->next_sweep = t + SWEEP_EVERY;
	else if (t >= z->next_sweep) {
		sweep(z, t);
		z->next_sweep = t + SWEEP_EVERY;
	}
	if ((pkt->l3 != NS_L3_IPV4 && pkt->l3 != NS_L3_IPV6) || !pkt->first_fragment)
		return;
	switch (pkt->l4) {
	case NS_L4_TCP:
		if (pkt->tcp.hdr_avail < 14)
			return;   /* no flags: Zeek drops it as a bad header */
		sp = pkt->tcp.src_port;
		dp = pkt->tcp.dst_port;
		break;
	case NS_L4_UDP:
		if (pkt->udp.hdr_avail < 4)
			return;
		sp = pkt->udp.src_port;
		dp = pkt->udp.dst_port;
		break;
	case NS_L4_ICMP:
	case NS_L4_ICMPV6:
		if (pkt->icmp.hdr_avail < 2)
			return;
		ns_cid_icmp_ports(pkt->ipproto, pkt->icmp.type, pkt->icmp.code, &sp, &dp, &one_way);
		break;
	default:
		return;   /* other IP protocols: not logged (see zeekconn.h) */
	}
	uint8_t proto = pkt->ipproto;
	key_make(&k, proto, pkt->nencap ? ns_encap_key(pkt) : 0, &pkt->src, sp, &pkt->dst, dp);
	uint64_t h = key_hash(&k);
	struct zconn *c = lookup(z, &k, h);
	if (c && expired(c, t)) {
		remove_conn(z, c);
		c = NULL;
	}
	/* TCPSessionAdapter::IsReuse */
	if (c && proto == 6 && (pkt->tcp.flags & NS_TCP_SYN)) {
		const struct ep *corig = &c->e[0];
		bool reuse = true;
		if (pkt->tcp.flags & NS_TCP_ACK) {
			if (c->e[0].state != ZS_INACTIVE)
				reuse = false;
			corig = &c->e[1];
		}
		if (reuse && !c->e[0].did_close && !c->e[1].did_close) {
			if (pkt->tcp.seq == corig->start)
				reuse = false;
			else if (!(pkt->tcp.flags & NS_TCP_ACK) && corig->state == ZS_SYN_ACK_SENT &&
				 c->e[1].state == ZS_INACTIVE && pkt->tcp.seq == c->e[1].start)
				reuse = false;
		}
		if (reuse) {
			remove_conn(z, c);
			c = NULL;
		}
	}
	if (!c) {
		if (z->nconns + 1 > z->nbuckets && grow(z) < 0) {
			z->dropped++;
			return;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			z->dropped++;
			return;
		}
		c->proto = proto;
		c->tunnel = k.tunnel;
		c->ka = k.a;
		c->kb = k.b;
		c->kpa = k.pa;
		c->kpb = k.pb;
		c->hash = h;
		c->oa = pkt->src;
		c->op = sp;
		c->ra = pkt->dst;
		c->rp = dp;
		c->e[0].is_orig = true;
		c->start_ns = c->last_ns = t;
		c->is_active = true;
		if (proto == 6)
			c->expire_base = t + TCP_SYN_TIMEOUT;
		struct ns_cid_tuple ct;
		if (ns_cid_packet_tuple(pkt, &ct))
			ns_community_id(z->seed, &ct, c->cid);
		size_t bi = h & (z->nbuckets - 1);
		c->hnext = z->buckets[bi];
		z->buckets[bi] = c;
		c->prev = z->tail;
		if (z->tail)
			z->tail->next = c;
		else
			z->head = c;
		z->tail = c;
		z->nconns++;
		/* WantConnection: roles by likely server ports */
		bool flip = false;
		if (proto == 6) {
			uint16_t f = pkt->tcp.flags;
			if ((!(f & NS_TCP_SYN) || (f & NS_TCP_ACK)) && likely_server_port(sp))
				flip = !likely_server_port(dp) || sp < dp;
		} else if (proto == 17) {
			flip = likely_server_port(sp) && !likely_server_port(dp);
		}
		if (flip)
			flip_roles(c);
	}
	/* which role sent this packet (ICMP: a reply's "ports" are the
	 * request's, swapped, so the same test holds) */
	int side = addr_cmp(&pkt->src, &c->oa) == 0 && sp == c->op ? 0 : 1;
	struct ep *e = &c->e[side];
	e->pkts++;
	e->ip_bytes += ip_total_len(pkt);
	if (proto == 6) {
		tcp_packet(c, side, pkt, t);
		return;
	}
	c->last_ns = t;
	e->active = true;
	if (proto == 17) {
		/* UDP analyzer: the UDP length less its header */
		e->size += pkt->udp.length >= 8 ? pkt->udp.length - 8u : pkt->udp.payload_len;
		hist_check(c, e, H_DATA, 'D');
	} else {
		/* ICMP analyzer: the IP payload less the 8-byte ICMP header */
		uint32_t l = ip_payload_len(pkt);
		e->size += l > 8 ? l - 8 : 0;
	}
}

void ns_zk_finish(struct ns_zk *z)
{
	while (z->head)
		remove_conn(z, z->head);
	z->next_sweep = 0;
}

void ns_zk_free(struct ns_zk *z)
{
	if (!z)
		return;
	struct zconn *c = z->head, *nx;
	for (; c; c = nx) {
		nx = c->next;
		free(c);
	}
	free(z->buckets);
	free(z);
}

uint64_t ns_zk_dropped(const struct ns_zk *z)
{
	return z->dropped;
}
