/* reasm: IPv4/IPv6 fragment reassembly (see reasm.h for the policy).
 *
 * A datagram in flight holds its fragmentable part in one buffer grown to
 * the highest end seen, and which 8-byte blocks of it are held in a bitmap:
 * fragments start on 8-byte boundaries and only the last may end off one,
 * so a block is either held or not, and "all bytes held already" (a re-send)
 * or "some held" (an overlap) is a bit count. The header comes from the
 * fragment at offset 0 (RFC 791 / RFC 8200 4.5: the first fragment's
 * unfragmentable part).
 */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "nshash.h"

#define MAX_PAYLOAD   65535u            /* fragmentable part (16-bit lengths) */
#define NBLOCKS       ((MAX_PAYLOAD + 8) / 8)
#define IP4_MIN_HDR   20u
#define IP6_HDR       40u
#define FRAG6_HDR     8u
#define IPPROTO_FRAG6 44
#define OUT_MAX       (IP6_HDR + MAX_PAYLOAD)
#define CAP_STEP      1024u             /* data buffers grow in these steps */

enum fam { F4 = 0, F6 = 1 };

struct dgram {
	struct dgram *hnext;             /* hash chain */
	struct dgram *older, *newer;     /* age list of its family */
	uint64_t deadline;
	uint8_t fam;
	uint8_t proto;                   /* IPv4 only (part of its key) */
	uint32_t id;
	uint64_t tunnel;                 /* ns_encap_key: fragments in other tunnels are others' */
	uint8_t src[16], dst[16];
	bool dead;                       /* failed and counted: absorbs its fragments */
	bool have_last;
	uint32_t total;                  /* fragmentable length, once the last fragment is in */
	uint32_t max_end;
	uint32_t blocks;                 /* 8-byte blocks held */
	uint8_t *hdr;                    /* unfragmentable part of the offset-0 fragment */
	uint32_t hdr_len;
	uint32_t nh_pos;                 /* IPv6: the byte that named the fragment header */
	uint8_t frag_next;               /* IPv6: the next header after it */
	uint8_t *data;
	uint32_t cap;
	uint8_t bits[(NBLOCKS + 7) / 8];
};

struct age {
	struct dgram *oldest, *newest;
};

struct ns_reasm {
	struct ns_reasm_limits lim;
	struct ns_reasm_stats st;
	struct dgram **tab;
	uint32_t mask;
	struct age age[2];
	uint32_t n;
	uint64_t bytes;
	struct ns_ctx ctx;               /* context of the datagram last rebuilt */
	uint8_t out[OUT_MAX];
};

/* One fragment, as read from its packet. */
struct frag {
	uint8_t fam, proto;
	uint32_t id;
	uint64_t tunnel;
	const uint8_t *src, *dst;
	uint32_t off, len;               /* within the fragmentable part */
	bool more;
	const uint8_t *payload;
	const uint8_t *hdr;              /* unfragmentable part */
	uint32_t hdr_len;
	uint32_t nh_pos;
	uint8_t next;
};

enum parse { P_OK, P_NOKEY, P_TRUNC, P_BAD, P_FOREIGN };

uint64_t ns_reasm_drops(const struct ns_reasm_stats *st)
{
	return st->timeout + st->unfinished + st->overlap + st->limit + st->truncated +
	       st->malformed;
}

void ns_reasm_print_stats(FILE *fp, const struct ns_reasm_stats *st)
{
	if (!st->fragments)
		return;
	fprintf(fp,
		"netsift: stats: reassembly fragments=%llu reassembled=%llu atomic=%llu "
		"duplicates=%llu conflicts=%llu dropped=%llu timeout=%llu unfinished=%llu "
		"overlap=%llu limit=%llu truncated=%llu malformed=%llu\n",
		(unsigned long long)st->fragments, (unsigned long long)st->reassembled,
		(unsigned long long)st->atomic, (unsigned long long)st->duplicates,
		(unsigned long long)st->conflicts, (unsigned long long)ns_reasm_drops(st),
		(unsigned long long)st->timeout, (unsigned long long)st->unfinished,
		(unsigned long long)st->overlap, (unsigned long long)st->limit,
		(unsigned long long)st->truncated, (unsigned long long)st->malformed);
}

/* ---- what a packet is ---- */

/* Index of the first IPv6 fragment header in pkt->ip6.ext, or -1. */
static int frag6_index(const struct ns_packet *pkt)
{
	for (unsigned i = 0; i < pkt->ip6.next_ext && i < NS_MAX_IP6_EXT; i++)
		if (pkt->ip6.ext[i].type == IPPROTO_FRAG6)
			return (int)i;
	return -1;
}

enum ns_frag_kind ns_reasm_kind(const struct ns_packet *pkt)
{
	if (pkt->l3 == NS_L3_IPV4) {
		/* flags and offset are bytes 6-7 */
		if (pkt->ip4.version != 4 || pkt->ip4.hdr_avail < 8)
			return NS_FRAG_NONE;
		return (pkt->ip4.flags & 1) || pkt->ip4.frag_off ? NS_FRAG_PART : NS_FRAG_NONE;
	}
	if (pkt->l3 == NS_L3_IPV6) {
		int i = frag6_index(pkt);
		if (i < 0)
			return NS_FRAG_NONE;
		if (pkt->ip6.ext[i].frag_off || pkt->ip6.ext[i].more_frags)
			return NS_FRAG_PART;
		return NS_FRAG_ATOMIC;
	}
	return NS_FRAG_NONE;
}

static enum parse parse4(const struct ns_packet *pkt, const uint8_t *ip, uint32_t ipcap,
			 struct frag *f)
{
	const struct ns_ipv4 *h = &pkt->ip4;
	uint32_t hlen = (uint32_t)h->ihl * 4, end;

	if (h->hdr_avail < IP4_MIN_HDR || ipcap < IP4_MIN_HDR)
		return P_NOKEY;    /* addresses not captured: no key */
	if (ip != h->hdr)
		return P_FOREIGN;
	f->fam = F4;
	f->proto = h->protocol;
	f->id = h->id;
	f->src = h->src.a;
	f->dst = h->dst.a;
	f->off = (uint32_t)h->frag_off * 8;
	f->more = h->flags & 1;
	if (hlen < IP4_MIN_HDR || h->total_len < hlen || pkt->ip_wire_len != h->total_len)
		return P_BAD;            /* bad IHL, TSO length 0, or shorter on the wire */
	if (ipcap < h->total_len)
		return P_TRUNC;
	f->len = h->total_len - hlen;
	f->payload = ip + hlen;
	f->hdr = ip;
	f->hdr_len = hlen;
	end = f->off + f->len;
	/* Linux (ip_frag_queue) cuts a non-last fragment to a multiple of 8. */
	if (f->more && (end & 7)) {
		end &= ~7u;
		if (end <= f->off)
			return P_BAD;
		f->len = end - f->off;
	}
	return f->len ? P_OK : P_BAD;
}

static enum parse parse6(const struct ns_packet *pkt, const uint8_t *ip, uint32_t ipcap,
			 struct frag *f)
{
	const struct ns_ipv6 *h = &pkt->ip6;
	int i = frag6_index(pkt);
	uint32_t fh = IP6_HDR, iplen;

	if (i < 0 || ipcap < IP6_HDR)
		return P_NOKEY;
	/* the bytes must be this packet's header (the caller finds it) */
	if ((ip[0] >> 4) != 6 || memcmp(ip + 8, h->src.a, 16) != 0 ||
	    memcmp(ip + 24, h->dst.a, 16) != 0)
		return P_FOREIGN;
	for (int j = 0; j < i; j++)
		fh += h->ext[j].len;
	f->fam = F6;
	f->proto = 0;
	f->id = h->ext[i].frag_id;
	f->src = h->src.a;
	f->dst = h->dst.a;
	f->off = (uint32_t)h->ext[i].frag_off * 8;
	f->more = h->ext[i].more_frags;
	f->nh_pos = i == 0 ? 6 : fh - h->ext[i - 1].len;
	f->next = h->ext[i].next;
	iplen = IP6_HDR + h->payload_len;
	if (h->payload_len == 0 || pkt->ip_wire_len != iplen || iplen < fh + FRAG6_HDR)
		return P_BAD;            /* jumbogram (RFC 2675: never fragmented) or bad length */
	if (ipcap < iplen)
		return P_TRUNC;
	f->len = iplen - fh - FRAG6_HDR;
	f->payload = ip + fh + FRAG6_HDR;
	f->hdr = ip;
	f->hdr_len = fh;
	/* RFC 8200 4.5: a non-last fragment is a multiple of 8 bytes long. */
	if (f->len == 0 || (f->more && (f->len & 7)))
		return P_BAD;
	return P_OK;
}

/* ---- the table ---- */

struct ns_reasm *ns_reasm_new(const struct ns_reasm_limits *lim)
{
	struct ns_reasm *r = calloc(1, sizeof(*r));
	uint32_t nb = 16;

	if (!r)
		return NULL;
	if (lim) {
		r->lim = *lim;
	} else {
		r->lim.max_bytes = NS_REASM_MAX_BYTES;
		r->lim.max_datagrams = NS_REASM_MAX_DATAGRAMS;
		r->lim.timeout4_ns = NS_REASM_TIMEOUT4_NS;
		r->lim.timeout6_ns = NS_REASM_TIMEOUT6_NS;
	}
	if (r->lim.max_datagrams == 0)
		r->lim.max_datagrams = 1;
	while (nb < r->lim.max_datagrams && nb < (1u << 20))
		nb <<= 1;
	r->tab = calloc(nb, sizeof(*r->tab));
	if (!r->tab) {
		free(r);
		return NULL;
	}
	r->mask = nb - 1;
	return r;
}

static uint32_t bucket(const struct ns_reasm *r, uint8_t fam, uint8_t proto, uint32_t id,
		       uint64_t tunnel, const uint8_t *src, const uint8_t *dst)
{
	uint8_t key[48];
	size_t alen = fam == F4 ? 4 : 16;

	memset(key, 0, sizeof(key));
	key[0] = fam;
	key[1] = proto;
	memcpy(key + 2, &id, 4);
	memcpy(key + 6, &tunnel, 8);
	memcpy(key + 14, src, alen);
	memcpy(key + 14 + alen, dst, alen);
	return (uint32_t)ns_hash_bytes(key, 14 + 2 * alen, NS_HASH_DEFAULT_SEED) & r->mask;
}

static struct dgram *lookup(struct ns_reasm *r, const struct frag *f, uint32_t b)
{
	size_t alen = f->fam == F4 ? 4 : 16;

	for (struct dgram *d = r->tab[b]; d; d = d->hnext)
		if (d->fam == f->fam && d->id == f->id && d->proto == f->proto &&
		    d->tunnel == f->tunnel && memcmp(d->src, f->src, alen) == 0 && memcmp(d->dst, f->dst, alen) == 0)
			return d;
	return NULL;
}

/* Give back a datagram's data (it failed, or it is going). */
static void release_data(struct ns_reasm *r, struct dgram *d)
{
	r->bytes -= (uint64_t)d->cap + d->hdr_len;
	free(d->data);
	free(d->hdr);
	d->data = d->hdr = NULL;
	d->cap = d->hdr_len = 0;
}

static void destroy(struct ns_reasm *r, struct dgram *d)
{
	struct age *a = &r->age[d->fam];
	uint32_t b = bucket(r, d->fam, d->proto, d->id, d->tunnel, d->src, d->dst);
	struct dgram **pp = &r->tab[b];

	while (*pp && *pp != d)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = d->hnext;
	if (d->older)
		d->older->newer = d->newer;
	else
		a->oldest = d->newer;
	if (d->newer)
		d->newer->older = d->older;
	else
		a->newest = d->older;
	release_data(r, d);
	r->bytes -= sizeof(*d);
	r->n--;
	free(d);
}

/* A datagram fails: counted once, in *counter, then kept without data until
 * its time is up so that its other fragments are absorbed. */
static void kill(struct ns_reasm *r, struct dgram *d, uint64_t *counter)
{
	if (d->dead)
		return;
	d->dead = true;
	(*counter)++;
	release_data(r, d);
}

/* The oldest datagram (first fragment earliest) other than keep. */
static struct dgram *oldest_but(struct ns_reasm *r, const struct dgram *keep)
{
	struct dgram *c[2];

	for (int i = 0; i < 2; i++) {
		c[i] = r->age[i].oldest;
		if (keep && c[i] == keep)
			c[i] = keep->newer;
	}
	if (!c[0] || !c[1])
		return c[0] ? c[0] : c[1];
	return c[0]->deadline - r->lim.timeout4_ns <= c[1]->deadline - r->lim.timeout6_ns ? c[0] : c[1];
}

/* Evict the oldest datagram (counted as limit unless already failed). */
static bool evict_one(struct ns_reasm *r, const struct dgram *keep)
{
	struct dgram *v = oldest_but(r, keep);

	if (!v)
		return false;
	if (!v->dead)
		r->st.limit++;
	destroy(r, v);
	return true;
}

/* Room for need more bytes, evicting the oldest others. */
static bool make_room(struct ns_reasm *r, uint64_t need, const struct dgram *keep)
{
	while (r->bytes + need > r->lim.max_bytes)
		if (!evict_one(r, keep))
			return false;
	return true;
}

static struct dgram *create(struct ns_reasm *r, const struct frag *f, uint32_t b, uint64_t now)
{
	struct age *a = &r->age[f->fam];
	size_t alen = f->fam == F4 ? 4 : 16;
	struct dgram *d;

	while (r->n >= r->lim.max_datagrams)
		if (!evict_one(r, NULL))
			break;
	if (!make_room(r, sizeof(*d), NULL))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->fam = f->fam;
	d->proto = f->proto;
	d->id = f->id;
	d->tunnel = f->tunnel;
	memcpy(d->src, f->src, alen);
	memcpy(d->dst, f->dst, alen);
	d->deadline = now + (f->fam == F4 ? r->lim.timeout4_ns : r->lim.timeout6_ns);
	/* bucket b was computed before evictions, which do not change it */
	d->hnext = r->tab[b];
	r->tab[b] = d;
	d->older = a->newest;
	if (a->newest)
		a->newest->newer = d;
	else
		a->oldest = d;
	a->newest = d;
	r->n++;
	r->bytes += sizeof(*d);
	return d;
}

void ns_reasm_expire(struct ns_reasm *r, uint64_t now)
{
	for (int i = 0; i < 2; i++) {
		struct dgram *d;
		while ((d = r->age[i].oldest) && d->deadline <= now) {
			if (!d->dead)
				r->st.timeout++;
			destroy(r, d);
		}
	}
}

void ns_reasm_flush(struct ns_reasm *r)
{
	for (int i = 0; i < 2; i++) {
		struct dgram *d;
		while ((d = r->age[i].oldest)) {
			if (!d->dead)
				r->st.unfinished++;
			destroy(r, d);
		}
	}
}

void ns_reasm_clear(struct ns_reasm *r)
{
	for (int i = 0; i < 2; i++)
		while (r->age[i].oldest)
			destroy(r, r->age[i].oldest);
	memset(&r->st, 0, sizeof(r->st));
}

void ns_reasm_free(struct ns_reasm *r)
{
	if (!r)
		return;
	for (int i = 0; i < 2; i++)
		while (r->age[i].oldest)
			destroy(r, r->age[i].oldest);
	free(r->tab);
	free(r);
}

const struct ns_reasm_stats *ns_reasm_stats(const struct ns_reasm *r)
{
	return &r->st;
}

uint64_t ns_reasm_bytes(const struct ns_reasm *r)
{
	return r->bytes;
}

/* ---- adding a fragment ---- */

static bool bit(const struct dgram *d, uint32_t i)
{
	return d->bits[i / 8] & (1u << (i % 8));
}

/* Grow d's buffer to hold end bytes. false: no room within the limits. */
static bool reserve(struct ns_reasm *r, struct dgram *d, uint32_t end)
{
	uint32_t cap;
	uint8_t *n;

	if (end <= d->cap)
		return true;
	cap = d->cap ? d->cap * 2 : CAP_STEP;
	if (cap < end)
		cap = end;
	cap = (cap + CAP_STEP - 1) / CAP_STEP * CAP_STEP;
	if (cap > MAX_PAYLOAD + 1)
		cap = MAX_PAYLOAD + 1;
	if (!make_room(r, cap - d->cap, d))
		return false;
	n = realloc(d->data, cap);
	if (!n)
		return false;
	r->bytes += cap - d->cap;
	d->data = n;
	d->cap = cap;
	return true;
}

static bool keep_header(struct ns_reasm *r, struct dgram *d, const struct frag *f)
{
	if (d->hdr)
		return true;
	if (!make_room(r, f->hdr_len, d) || !(d->hdr = malloc(f->hdr_len)))
		return false;
	memcpy(d->hdr, f->hdr, f->hdr_len);
	d->hdr_len = f->hdr_len;
	d->nh_pos = f->nh_pos;
	d->frag_next = f->next;
	r->bytes += f->hdr_len;
	return true;
}

/* RFC 1071 checksum of an IPv4 header, written into it. */
static void ip4_checksum(uint8_t *h, uint32_t hlen)
{
	uint32_t sum = 0;

	h[10] = h[11] = 0;
	for (uint32_t i = 0; i + 1 < hlen; i += 2)
		sum += ns_get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
}

/* The whole datagram into r->out; its length, or 0 if it is too big. */
static uint32_t build(struct ns_reasm *r, const struct dgram *d)
{
	uint32_t size = d->hdr_len + d->total;
	uint8_t *o = r->out;

	if (d->fam == F4 ? size > MAX_PAYLOAD : size - IP6_HDR > MAX_PAYLOAD)
		return 0;
	memcpy(o, d->hdr, d->hdr_len);
	memcpy(o + d->hdr_len, d->data, d->total);
	if (d->fam == F4) {
		o[2] = (uint8_t)(size >> 8);
		o[3] = (uint8_t)size;
		o[6] &= 0xc0;    /* keep RF and DF; clear MF and the offset */
		o[7] = 0;
		ip4_checksum(o, d->hdr_len);
	} else {
		uint32_t plen = size - IP6_HDR;
		o[4] = (uint8_t)(plen >> 8);
		o[5] = (uint8_t)plen;
		o[d->nh_pos] = d->frag_next;   /* the fragment header is gone */
	}
	return size;
}

/* Put f into d. Returns true when d is now complete. */
static bool add(struct ns_reasm *r, struct dgram *d, const struct frag *f)
{
	uint32_t end = f->off + f->len, b0 = f->off / 8, b1 = (end + 7) / 8, held = 0;

	if (end > MAX_PAYLOAD) {
		kill(r, d, &r->st.malformed);
		return false;
	}
	/* Linux's checks: the last fragment fixes the end; nothing may pass it */
	if (!f->more) {
		if ((d->have_last && end != d->total) || end < d->max_end) {
			kill(r, d, &r->st.malformed);
			return false;
		}
		d->have_last = true;
		d->total = end;
	} else if (d->have_last && end > d->total) {
		kill(r, d, &r->st.malformed);
		return false;
	}
	for (uint32_t i = b0; i < b1; i++)
		held += bit(d, i);
	if (held == b1 - b0 && end <= d->cap) {
		/* a re-send: the first copy stays */
		if (memcmp(d->data + f->off, f->payload, f->len) == 0)
			r->st.duplicates++;
		else
			r->st.conflicts++;
	} else if (held) {
		kill(r, d, &r->st.overlap);
		return false;
	} else {
		if (!reserve(r, d, end)) {
			kill(r, d, &r->st.limit);
			return false;
		}
		memcpy(d->data + f->off, f->payload, f->len);
		for (uint32_t i = b0; i < b1; i++)
			d->bits[i / 8] |= (uint8_t)(1u << (i % 8));
		d->blocks += b1 - b0;
		if (end > d->max_end)
			d->max_end = end;
	}
	if (f->off == 0 && !keep_header(r, d, f)) {
		kill(r, d, &r->st.limit);
		return false;
	}
	return d->hdr && d->have_last && d->blocks == (d->total + 7) / 8;
}

/* A fragment whose datagram cannot be known (its addresses were not
 * captured): counted alone. */
static enum ns_reasm_rc lone(uint64_t *counter)
{
	(*counter)++;
	return NS_REASM_HELD;
}

enum ns_reasm_rc ns_reasm_packet(struct ns_reasm *r, const struct ns_packet *pkt,
				 const uint8_t *ip, uint32_t ipcap, struct ns_packet *out)
{
	enum ns_frag_kind kind = ns_reasm_kind(pkt);
	uint64_t now = pkt->ctx ? pkt->ctx->ts_ns : 0;
	struct frag f;
	enum parse ps;
	struct dgram *d;
	uint32_t b, size;

	/* every packet moves the clock: datagrams past their time go now */
	ns_reasm_expire(r, now);
	if (kind == NS_FRAG_NONE)
		return NS_REASM_PASS;
	if (kind == NS_FRAG_ATOMIC) {
		/* RFC 6946: processed in isolation, whatever is in flight */
		r->st.fragments++;
		r->st.atomic++;
		return NS_REASM_PASS;
	}
	memset(&f, 0, sizeof(f));
	if (!ip)
		ipcap = 0;
	ps = pkt->l3 == NS_L3_IPV4 ? parse4(pkt, ip, ipcap, &f) : parse6(pkt, ip, ipcap, &f);
	if (ps == P_FOREIGN)   /* not bytes we can rebuild from: as it was */
		return NS_REASM_PASS;
	r->st.fragments++;
	if (ps == P_NOKEY)
		return lone(&r->st.truncated);
	f.tunnel = ns_encap_key(pkt);
	b = bucket(r, f.fam, f.proto, f.id, f.tunnel, f.src, f.dst);
	d = lookup(r, &f, b);
	if (!d && !(d = create(r, &f, b, now)))
		return lone(&r->st.limit);
	if (d->dead)
		return NS_REASM_HELD;
	if (ps == P_TRUNC) {
		kill(r, d, &r->st.truncated);
		return NS_REASM_HELD;
	}
	if (ps == P_BAD) {
		kill(r, d, &r->st.malformed);
		return NS_REASM_HELD;
	}
	if (!add(r, d, &f))
		return NS_REASM_HELD;
	size = build(r, d);
	if (!size || (d->fam == F6 && d->frag_next == IPPROTO_FRAG6)) {
		kill(r, d, &r->st.malformed);
		return NS_REASM_HELD;
	}
	destroy(r, d);
	if (pkt->ctx)
		r->ctx = *pkt->ctx;
	else
		memset(&r->ctx, 0, sizeof(r->ctx));
	r->ctx.wire_len = size;
	ns_dissect(NS_LINK_NONE, r->out, size, &r->ctx, out);
	/* The datagram came through the tunnels of its last fragment. */
	out->nencap = pkt->nencap;
	memcpy(out->encap, pkt->encap, sizeof(pkt->encap[0]) * pkt->nencap);
	if (ns_reasm_kind(out) == NS_FRAG_PART) {
		/* a fragment inside a fragment: not taken apart twice */
		r->st.malformed++;
		return NS_REASM_HELD;
	}
	r->st.reassembled++;
	return NS_REASM_DONE;
}
