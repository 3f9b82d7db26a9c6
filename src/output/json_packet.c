/* JSON event output. Key order and number formatting are fixed by
 * notes-coord/json-format.md; this file is the only place that knows it. */
#include "output/json.h"
#include "communityid.h"
#include "procctx.h"

#include "bytes.h"
#include <limits.h>

/* ---- names ---- */

static const char *num_name(uint8_t v, char *buf)
{
	size_t n = fmt_u64(buf, v);
	buf[n] = '\0';
	return buf;
}

const char *out_ip4opt_name(uint8_t kind, char *buf)
{
	switch (kind) {
	case 0: return "EOL";
	case 1: return "NOP";
	case 7: return "RR";
	case 68: return "TS";
	case 130: return "SEC";
	case 131: return "LSRR";
	case 133: return "ESEC";
	case 134: return "CIPSO";
	case 136: return "SID";
	case 137: return "SSRR";
	case 148: return "RTRALT";
	case 82: return "TR";
	case 25: return "QS";
	default: return num_name(kind, buf);
	}
}

const char *out_tcpopt_name(uint8_t kind, char *buf)
{
	switch (kind) {
	case 0: return "EOL";
	case 1: return "NOP";
	case 2: return "MSS";
	case 3: return "WS";
	case 4: return "SACK_PERM";
	case 5: return "SACK";
	case 8: return "TS";
	case 19: return "MD5";
	case 28: return "UTO";
	case 29: return "AO";
	case 30: return "MPTCP";
	case 34: return "TFO";
	case 253: case 254: return "EXP";
	default: return num_name(kind, buf);
	}
}

const char *out_ip6ext_name(uint8_t type, char *buf)
{
	switch (type) {
	case 0: return "HopByHop";
	case 43: return "Routing";
	case 44: return "Fragment";
	case 50: return "ESP";
	case 51: return "AH";
	case 60: return "DestinationOptions";
	case 135: return "Mobility";
	case 139: return "HIP";
	case 140: return "Shim6";
	default: return num_name(type, buf);
	}
}

const char *out_direction_name(uint8_t dir)
{
	switch (dir) {
	case NS_DIR_INGRESS: return "ingress";
	case NS_DIR_EGRESS: return "egress";
	default: return "unknown";
	}
}

/* ---- envelope ---- */

/* The process and container context (src/procctx.h) after "userId", only
 * when the source knows it (a live trace or its -w recording): offline
 * captures keep the envelope they always had. At most OJ_PROCCTX_MAX bytes. */
#define OJ_PROCCTX_MAX (400 + 2 * 6 * NS_CTX_PATH_MAX + 2 * NS_CONTAINER_ID_MAX)
static char *put_procctx(char *p, const struct ns_procctx *c)
{
	p = p_u64(p_mem(p, ",\"parentProcessId\":", 19), c->ppid);
	p = p_u64(p_mem(p, ",\"nsProcessId\":", 15), c->ns_pid);
	p = p_u64(p_mem(p, ",\"nsThreadId\":", 14), c->ns_tid);
	p = p_u64(p_mem(p, ",\"nsParentProcessId\":", 21), c->ns_ppid);
	p = p_u64(p_mem(p, ",\"pidNamespace\":", 16), c->pid_ns);
	p = p_u64(p_mem(p, ",\"mountNamespace\":", 18), c->mnt_ns);
	p = p_mem(p, ",\"executable\":\"", 15);
	p = fmt_json_body(p, c->exe, strlen(c->exe));
	p = p_mem(p, "\",\"cgroupPath\":\"", 16);
	p = fmt_json_body(p, c->cgroup, strlen(c->cgroup));
	p = p_mem(p, "\",\"containerId\":\"", 17);
	p = p_mem(p, c->container_id, strlen(c->container_id));
	p = p_mem(p, "\",\"containerRuntime\":\"", 22);
	p = p_mem(p, c->runtime, strlen(c->runtime));
	*p++ = '"';
	return p;
}

void oj_begin(struct outbuf *ob, const struct ns_ctx *ctx, const char *event,
	      unsigned nargs)
{
	OB_LIT(ob, "{\"timestamp\":");
	ob_u64(ob, ctx->ts_ns);
	OB_LIT(ob, ",\"eventName\":\"");
	ob_str(ob, event);           /* our own constant names: no escaping needed */
	OB_LIT(ob, "\",\"processId\":");
	ob_u64(ob, ctx->task.pid);
	OB_LIT(ob, ",\"threadId\":");
	ob_u64(ob, ctx->task.tid);
	OB_LIT(ob, ",\"processName\":");
	ob_json_str(ob, ctx->task.comm, strnlen(ctx->task.comm, sizeof(ctx->task.comm)));
	OB_LIT(ob, ",\"cgroupId\":");
	ob_u64(ob, ctx->task.cgroup_id);
	OB_LIT(ob, ",\"userId\":");
	ob_u64(ob, ctx->task.uid);
	if (ctx->task.proc)
		ob_commit(ob, put_procctx(ob_cursor(ob, OJ_PROCCTX_MAX), ctx->task.proc));
	OB_LIT(ob, ",\"frame\":");
	ob_u64(ob, ctx->frame);
	if (ctx->file) {
		OB_LIT(ob, ",\"file\":");
		ob_json_cstr(ob, ctx->file);
	}
	OB_LIT(ob, ",\"argsNum\":");
	ob_u64(ob, nargs);
	OB_LIT(ob, ",\"args\":[");
}

void oj_arg(struct outbuf *ob, bool first, const char *name, const char *type)
{
	if (!first)
		ob_putc(ob, ',');
	OB_LIT(ob, "{\"name\":\"");
	ob_str(ob, name);
	OB_LIT(ob, "\",\"type\":\"");
	ob_str(ob, type);
	OB_LIT(ob, "\",\"value\":");
}

/* Argument headers as single literals: one memcpy each. */
#define OJ_ARG1(ob, name, type) \
	OB_LIT(ob, "{\"name\":\"" name "\",\"type\":\"" type "\",\"value\":")
#define OJ_ARGN(ob, name, type) \
	OB_LIT(ob, ",{\"name\":\"" name "\",\"type\":\"" type "\",\"value\":")

/* ---- per-packet state shared by the events of one packet ----
 * The two events of a packet share most of their text (timestamp, envelope,
 * src/dst, metadata). The first event renders each shared piece and records
 * where it is in the output buffer; the second copies it, if the buffer was
 * not flushed in between (outbuf.gen).
 *
 * The hot pieces are written through a cursor (see outbuf.h): each reserves
 * the most it can take (the *_MAX below, all well under the smallest buffer
 * of 4 KiB), writes through a local pointer and commits it. */
struct seg {
	size_t off, len;
	uint64_t gen;
	bool ok;
};

/* Copy a recorded piece to p; false if it is gone (flushed) or unset. p
 * must have room for it (the reservation of the piece it stands for, which
 * includes the 32 bytes of slack of p_copy; the source has them: it lies
 * before p). */
static bool seg_copy_p(const struct outbuf *ob, const struct seg *s, char **p)
{
	if (!s->ok || s->gen != ob->gen)
		return false;
	*p = p_copy(*p, ob->buf + s->off, s->len);
	return true;
}

static void seg_mark_p(const struct outbuf *ob, struct seg *s, const char *p)
{
	s->off = (size_t)(p - ob->buf);
	s->gen = ob->gen;
	s->ok = false;
}

/* End of a piece written wholly through one cursor (no flush possible). */
static void seg_done_p(const struct outbuf *ob, struct seg *s, const char *p)
{
	s->len = (size_t)(p - ob->buf) - s->off;
	s->ok = true;
}

/* End of a piece that also went through ob_* calls (a flush possible). */
static void seg_done(struct outbuf *ob, struct seg *s)
{
	if (ob->gen == s->gen && ob->len >= s->off) {
		s->len = ob->len - s->off;
		s->ok = true;
	}
}

#define QADDR_MAX (NS_ADDR_STRLEN + 2)
#define PORT_MAX 5

struct pktfmt {
	const struct ns_packet *pkt;
	const uint8_t *end;
	/* src/dst as JSON values, formatted once per packet: an address in
	 * quotes, or null when it was not captured; ports as text */
	char qsrc[QADDR_MAX], qdst[QADDR_MAX];
	char psrc[8], pdst[8];
	uint8_t qsrclen, qdstlen, psrclen, pdstlen;
	uint16_t sport, dport;
	struct seg ts, env, sd, md;
	const char *cid;         /* read --community-id: the packet's Community ID, or NULL */
};

/* Whole-buffer copies of constant size (a few vector moves), then the cursor
 * moves by the length of the text: the reservations allow for the rest. */
#define P_FIXED(p, buf, n) (memcpy((p), (buf), sizeof(buf)), (p) + (n))
#define P_QSRC(p, f) P_FIXED(p, (f)->qsrc, (f)->qsrclen)
#define P_QDST(p, f) P_FIXED(p, (f)->qdst, (f)->qdstlen)
#define P_PSRC(p, f) P_FIXED(p, (f)->psrc, (f)->psrclen)
#define P_PDST(p, f) P_FIXED(p, (f)->pdst, (f)->pdstlen)

/* Recently formatted addresses: a capture has few hosts and every packet
 * names two of them three times; formatting them (IPv6's zero runs above
 * all) was a tenth of `read -o json`. Direct-mapped, keyed by the whole
 * address, so a hit is always the text the address formats to. */
#define ADDR_CACHE 64
/* Per thread, as the two caches below: read --threads renders on several
 * (src/read_threads.c). */
static _Thread_local struct addr_text {
	struct ns_addr a;
	uint8_t len;             /* 0: empty slot */
	char q[QADDR_MAX];
} addr_cache[ADDR_CACHE];

static size_t qaddr(const struct ns_addr *a, char *q)
{
	struct addr_text *e;
	uint32_t w0, w3;

	if (a->family != 4 && a->family != 6) {
		memcpy(q, "null", 4);
		return 4;
	}
	memcpy(&w0, a->a, 4);
	memcpy(&w3, a->a + 12, 4);
	e = &addr_cache[((w0 ^ w3 ^ a->family) * 0x9e3779b1u) >> 26];
	if (e->len == 0 || memcmp(&e->a, a, sizeof(*a)) != 0) {
		size_t n = ns_addr_format(a, e->q + 1);
		e->q[0] = '"';
		e->q[n + 1] = '"';
		e->a = *a;
		e->len = (uint8_t)(n + 2);
	}
	memcpy(q, e->q, QADDR_MAX);
	return e->len;
}

static void pktfmt_init(struct pktfmt *f, const struct ns_packet *pkt, const uint8_t *end)
{
	f->pkt = pkt;
	f->end = end;
	f->cid = NULL;
	f->qsrclen = (uint8_t)qaddr(&pkt->src, f->qsrc);
	f->qdstlen = (uint8_t)qaddr(&pkt->dst, f->qdst);
	f->sport = f->dport = 0;
	f->ts.ok = f->env.ok = f->sd.ok = f->md.ok = false;
	/* Ports go into the metadata only when the transport header was read. */
	if (out_has_transport(pkt)) {
		if (pkt->l4 == NS_L4_TCP) {
			f->sport = pkt->tcp.src_port;
			f->dport = pkt->tcp.dst_port;
		} else if (pkt->l4 == NS_L4_UDP) {
			f->sport = pkt->udp.src_port;
			f->dport = pkt->udp.dst_port;
		}
	}
	memset(f->psrc, 0, sizeof(f->psrc));
	memset(f->pdst, 0, sizeof(f->pdst));
	f->psrclen = (uint8_t)fmt_u64(f->psrc, f->sport);
	f->pdstlen = (uint8_t)fmt_u64(f->pdst, f->dport);
}

static void put_key_u64(struct outbuf *ob, const char *key, size_t klen, uint64_t v)
{
	ob_mem(ob, key, klen);
	ob_u64(ob, v);
}
#define KEY_U64(ob, lit, v) put_key_u64((ob), (lit), sizeof(lit) - 1, (v))
/* The same through a cursor. */
#define P_KEY_U64(p, lit, v) (P_LIT(p, lit), (p) = p_u64((p), (v)))

static void put_bool(struct outbuf *ob, bool v)
{
	if (v)
		OB_LIT(ob, "true");
	else
		OB_LIT(ob, "false");
}

static char *p_bool(char *p, bool v)
{
	if (v)
		return P_LIT(p, "true");
	return P_LIT(p, "false");
}

/* A field whose bytes may not have been captured: its value, or null. */
static char *p_opt_u64(char *p, bool have, uint64_t v)
{
	if (have)
		return p_u64(p, v);
	return P_LIT(p, "null");
}

#define SD_MAX (32 + 2 * (64 + QADDR_MAX))

static char *put_src_dst(struct outbuf *ob, char *p, struct pktfmt *f)
{
	if (seg_copy_p(ob, &f->sd, &p))
		return p;
	seg_mark_p(ob, &f->sd, p);
	P_LIT(p, "{\"name\":\"src\",\"type\":\"const char*\",\"value\":");
	p = P_QSRC(p, f);
	P_LIT(p, "},{\"name\":\"dst\",\"type\":\"const char*\",\"value\":");
	p = P_QDST(p, f);
	*p++ = '}';
	seg_done_p(ob, &f->sd, p);
	return p;
}

#define PORTS_MAX (2 * (64 + 8))

static char *put_ports(char *p, const struct pktfmt *f)
{
	P_LIT(p, ",{\"name\":\"src_port\",\"type\":\"u16\",\"value\":");
	p = P_PSRC(p, f);
	P_LIT(p, "},{\"name\":\"dst_port\",\"type\":\"u16\",\"value\":");
	p = P_PDST(p, f);
	*p++ = '}';
	return p;
}


/* Was the protocol field (v4) / next-header chain (v6) captured? */
static bool proto_known(const struct ns_packet *pkt)
{
	return pkt->l3 == NS_L3_IPV4 ? pkt->ip4.hdr_avail >= 10 : pkt->ip6.hdr_avail >= 7;
}

/* The metadata up to its flags: literals, numbers, the addresses, a
 * protocol name, and the interface name escaped. */
#define MD_MAX (512 + 32 + 2 * QADDR_MAX + 6 * NS_IFNAME_MAX)

/* Returns p, or NULL when it committed and wrote the rest through ob. */
static char *put_metadata(struct outbuf *ob, char *p, struct pktfmt *f)
{
	const struct ns_packet *pkt = f->pkt;
	const struct ns_ctx *ctx = pkt->ctx;
	const char *proto = ns_ipproto_name(pkt->ipproto);

	if (seg_copy_p(ob, &f->md, &p))
		return p;
	seg_mark_p(ob, &f->md, p);
	P_LIT(p, ",{\"name\":\"metadata\",\"type\":\"trace.PacketMetadata\",\"value\":{\"srcIP\":");
	p = P_QSRC(p, f);
	P_LIT(p, ",\"dstIP\":");
	p = P_QDST(p, f);
	P_LIT(p, ",\"srcPort\":");
	p = P_PSRC(p, f);
	P_LIT(p, ",\"dstPort\":");
	p = P_PDST(p, f);
	P_LIT(p, ",\"protocol\":");
	if (!proto_known(pkt)) {
		P_LIT(p, "null");
	} else if (proto) {
		/* IANA keywords: short and printable, nothing to escape */
		size_t n = strlen(proto);
		*p++ = '"';
		p = fmt_json_body(p, proto, n < 64 ? n : 64);
		*p++ = '"';
	} else {
		*p++ = '"';
		p = p_u64(p, pkt->ipproto);
		*p++ = '"';
	}
	P_KEY_U64(p, ",\"packetLen\":", pkt->ip_wire_len);
	P_KEY_U64(p, ",\"capturedLen\":", pkt->ip_cap_len);
	P_LIT(p, ",\"iface\":\"");
	p = fmt_json_body(p, ctx->iface, strnlen(ctx->iface, sizeof(ctx->iface)));
	switch (ctx->direction) {
	case NS_DIR_INGRESS: P_LIT(p, "\",\"direction\":\"ingress\",\"flags\":"); break;
	case NS_DIR_EGRESS: P_LIT(p, "\",\"direction\":\"egress\",\"flags\":"); break;
	default: P_LIT(p, "\",\"direction\":\"unknown\",\"flags\":"); break;
	}
	if (!pkt->flags && !pkt->nencap) {
		P_LIT(p, "[]}}");
		seg_done_p(ob, &f->md, p);
		return p;
	}
	ob_commit(ob, p);
	ob_json_flags(ob, pkt->flags);
	if (pkt->nencap) {
		OB_LIT(ob, ",\"encap\":");
		ob_json_encap(ob, pkt->encap, pkt->nencap);
	}
	OB_LIT(ob, "}}");
	seg_done(ob, &f->md);
	return NULL;
}


/* Bytes of [p, p+n) that lie inside the capture. */
static size_t avail(const struct pktfmt *f, const uint8_t *p, size_t n)
{
	if (!p || p >= f->end)
		return 0;
	return (size_t)(f->end - p) < n ? (size_t)(f->end - p) : n;
}

/* A field whose bytes may not have been captured: its value, or null. */
static void put_opt_u64(struct outbuf *ob, bool have, uint64_t v)
{
	if (have)
		ob_u64(ob, v);
	else
		OB_LIT(ob, "null");
}

/* ---- IPv4 / IPv6 ---- */

static void put_ip4_options(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_ipv4 *ip = &f->pkt->ip4;
	char nb[4];

	ob_putc(ob, '[');
	for (unsigned i = 0; i < ip->nopts && i < NS_MAX_IP_OPTS; i++) {
		const struct ns_opt *o = &ip->opts[i];
		const uint8_t *val = ip->hdr ? ip->hdr + o->off + 2 : NULL;
		size_t vlen = o->len > 2 ? (size_t)o->len - 2 : 0;

		if (i)
			ob_putc(ob, ',');
		KEY_U64(ob, "{\"kind\":", o->kind);
		OB_LIT(ob, ",\"name\":\"");
		ob_str(ob, out_ip4opt_name(o->kind, nb));
		KEY_U64(ob, "\",\"length\":", o->len);
		OB_LIT(ob, ",\"data\":\"");
		ob_hex(ob, val, avail(f, val, vlen));
		OB_LIT(ob, "\"}");
	}
	ob_putc(ob, ']');
}

#define IP_FIXED_MAX (512 + 2 * QADDR_MAX)

static void put_proto_ipv4(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_ipv4 *ip = &f->pkt->ip4;
	uint16_t a = ip->hdr_avail;
	char *p = ob_cursor(ob, IP_FIXED_MAX);

	P_LIT(p, ",{\"name\":\"proto_ipv4\",\"type\":\"trace.ProtoIPv4\",\"value\":{\"version\":");
	p = p_opt_u64(p, a >= 1, ip->version);
	P_LIT(p, ",\"IHL\":");
	p = p_opt_u64(p, a >= 1, ip->ihl);
	P_LIT(p, ",\"TOS\":");
	p = p_opt_u64(p, a >= 2, ip->tos);
	P_LIT(p, ",\"length\":");
	p = p_opt_u64(p, a >= 4, ip->total_len);
	P_LIT(p, ",\"id\":");
	p = p_opt_u64(p, a >= 6, ip->id);
	P_LIT(p, ",\"flags\":");
	p = p_opt_u64(p, a >= 8, ip->flags);
	P_LIT(p, ",\"fragOffset\":");
	p = p_opt_u64(p, a >= 8, ip->frag_off);
	P_LIT(p, ",\"TTL\":");
	p = p_opt_u64(p, a >= 9, ip->ttl);
	P_LIT(p, ",\"protocol\":");
	p = p_opt_u64(p, a >= 10, ip->protocol);
	P_LIT(p, ",\"checksum\":");
	p = p_opt_u64(p, a >= 12, ip->checksum);
	P_LIT(p, ",\"srcIP\":");
	p = P_QSRC(p, f);
	P_LIT(p, ",\"dstIP\":");
	p = P_QDST(p, f);
	P_LIT(p, ",\"options\":");
	if (ip->nopts == 0) {
		P_LIT(p, "[]}}");
		ob_commit(ob, p);
		return;
	}
	ob_commit(ob, p);
	put_ip4_options(ob, f);
	OB_LIT(ob, "}}");
}

static void put_ip6_ext(struct outbuf *ob, const struct ns_ip6_ext *e)
{
	char nb[4];

	KEY_U64(ob, "{\"type\":", e->type);
	OB_LIT(ob, ",\"name\":\"");
	ob_str(ob, out_ip6ext_name(e->type, nb));
	KEY_U64(ob, "\",\"nextHeader\":", e->next);
	KEY_U64(ob, ",\"length\":", e->len);
	if (e->type == 44) {
		KEY_U64(ob, ",\"fragOffset\":", e->frag_off);
		OB_LIT(ob, ",\"moreFragments\":");
		put_bool(ob, e->more_frags);
		KEY_U64(ob, ",\"id\":", e->frag_id);
	} else if (e->type == 43) {
		KEY_U64(ob, ",\"routingType\":", e->routing_type);
		KEY_U64(ob, ",\"segmentsLeft\":", e->segments_left);
	}
	ob_putc(ob, '}');
}

static void put_proto_ipv6(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_ipv6 *ip = &f->pkt->ip6;
	uint16_t a = ip->hdr_avail;
	char *p = ob_cursor(ob, IP_FIXED_MAX);

	P_LIT(p, ",{\"name\":\"proto_ipv6\",\"type\":\"trace.ProtoIPv6\",\"value\":{\"version\":");
	p = p_opt_u64(p, a >= 1, ip->version);
	P_LIT(p, ",\"trafficClass\":");
	p = p_opt_u64(p, a >= 2, ip->traffic_class);
	P_LIT(p, ",\"flowLabel\":");
	p = p_opt_u64(p, a >= 4, ip->flow_label);
	P_LIT(p, ",\"length\":");
	p = p_opt_u64(p, a >= 6, ip->payload_len);
	P_LIT(p, ",\"nextHeader\":");
	p = p_opt_u64(p, a >= 7, ip->next_header);
	P_LIT(p, ",\"hopLimit\":");
	p = p_opt_u64(p, a >= 8, ip->hop_limit);
	P_LIT(p, ",\"srcIP\":");
	p = P_QSRC(p, f);
	P_LIT(p, ",\"dstIP\":");
	p = P_QDST(p, f);
	P_LIT(p, ",\"extensions\":[");
	ob_commit(ob, p);
	for (unsigned i = 0; i < ip->next_ext && i < NS_MAX_IP6_EXT; i++) {
		if (i)
			ob_putc(ob, ',');
		put_ip6_ext(ob, &ip->ext[i]);
	}
	OB_LIT(ob, "]}}");
}

/* ---- TCP ---- */

static char *put_sack_blocks(char *p, const uint8_t *v, size_t n)
{
	P_LIT(p, ",\"blocks\":[");
	for (size_t i = 0; i + 8 <= n; i += 8) {
		if (i)
			*p++ = ',';
		*p++ = '[';
		p = p_u64(p, ns_get32(v + i));
		*p++ = ',';
		p = p_u64(p, ns_get32(v + i + 4));
		*p++ = ']';
	}
	*p++ = ']';
	return p;
}

/* Option-specific fields, read from the option's own bytes when its length is
 * the one the RFC defines and the bytes were captured. */
static char *put_tcp_opt_fields(char *p, const struct pktfmt *f, const struct ns_opt *o)
{
	const uint8_t *v = f->pkt->tcp.hdr + o->off + 2;
	size_t vlen = o->len >= 2 ? (size_t)o->len - 2 : 0;

	if (vlen == 0 || avail(f, v, vlen) < vlen)
		return p;
	switch (o->kind) {
	case 2:
		if (vlen == 2)
			P_KEY_U64(p, ",\"mss\":", ns_get16(v));
		break;
	case 3:
		if (vlen == 1)
			P_KEY_U64(p, ",\"shift\":", v[0]);
		break;
	case 8:
		if (vlen == 8) {
			P_KEY_U64(p, ",\"val\":", ns_get32(v));
			P_KEY_U64(p, ",\"ecr\":", ns_get32(v + 4));
		}
		break;
	case 5:
		if (vlen % 8 == 0)
			p = put_sack_blocks(p, v, vlen);
		break;
	default:
		break;
	}
	return p;
}

/* One option: its header and fields (SACK: at most 253 / 8 blocks of two
 * 10-digit numbers). */
#define TCP_OPT_MAX (128 + 32 * 24)

static void put_tcp_options(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_tcp *t = &f->pkt->tcp;
	char nb[4];

	ob_putc(ob, '[');
	for (unsigned i = 0; t->hdr && i < t->nopts && i < NS_MAX_TCP_OPTS; i++) {
		const struct ns_opt *o = &t->opts[i];
		char *p = ob_cursor(ob, TCP_OPT_MAX);
		const char *name = out_tcpopt_name(o->kind, nb);

		if (i)
			*p++ = ',';
		P_KEY_U64(p, "{\"kind\":", o->kind);
		P_LIT(p, ",\"name\":\"");
		p = p_mem(p, name, strlen(name));
		P_KEY_U64(p, "\",\"length\":", o->len);
		p = put_tcp_opt_fields(p, f, o);
		*p++ = '}';
		ob_commit(ob, p);
	}
	ob_putc(ob, ']');
}


/* The nine flag booleans in one pass: fixed 16-byte copies (a constant-size
 * memcpy is two moves; a variable one is a slow rep movs). */
#define FLAG_KV(name) { ",\"" name "\":true", ",\"" name "\":false", \
			sizeof(",\"" name "\":true") - 1, sizeof(",\"" name "\":false") - 1 }
static const struct {
	char t[16], f[16];
	uint8_t tl, fl;
} tcp_flag_kv[9] = {
	FLAG_KV("FIN"), FLAG_KV("SYN"), FLAG_KV("RST"), FLAG_KV("PSH"), FLAG_KV("ACK"),
	FLAG_KV("URG"), FLAG_KV("ECE"), FLAG_KV("CWR"), FLAG_KV("NS"),
};

/* p has room for 9 * 16 + 16 bytes. */
static char *put_tcp_flags(char *p, const struct ns_tcp *t)
{
	if (t->hdr_avail < 14) {
		/* the flags byte was not captured; NS (in byte 12) may have been */
		P_LIT(p, ",\"FIN\":null,\"SYN\":null,\"RST\":null,\"PSH\":null,"
		      "\"ACK\":null,\"URG\":null,\"ECE\":null,\"CWR\":null,\"NS\":");
		if (t->hdr_avail >= 13)
			return p_bool(p, t->flags & NS_TCP_NS);
		return P_LIT(p, "null");
	}
	for (unsigned i = 0; i < 9; i++) {
		if (t->flags & (1u << i)) {
			memcpy(p, tcp_flag_kv[i].t, 16);
			p += tcp_flag_kv[i].tl;
		} else {
			memcpy(p, tcp_flag_kv[i].f, 16);
			p += tcp_flag_kv[i].fl;
		}
	}
	return p;
}

#define TCP_FIXED_MAX 768

static void put_proto_tcp(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_tcp *t = &f->pkt->tcp;
	uint16_t a = t->hdr_avail;
	char *p = ob_cursor(ob, TCP_FIXED_MAX);

	P_LIT(p, ",{\"name\":\"proto_tcp\",\"type\":\"trace.ProtoTCP\",\"value\":{\"srcPort\":");
	p = p_u64(p, t->src_port);
	P_KEY_U64(p, ",\"dstPort\":", t->dst_port);
	P_LIT(p, ",\"seq\":");
	p = p_opt_u64(p, a >= 8, t->seq);
	P_LIT(p, ",\"ack\":");
	p = p_opt_u64(p, a >= 12, t->ack);
	P_LIT(p, ",\"dataOffset\":");
	p = p_opt_u64(p, a >= 13, t->data_offset);
	p = put_tcp_flags(p, t);
	P_LIT(p, ",\"window\":");
	p = p_opt_u64(p, a >= 16, t->window);
	P_LIT(p, ",\"checksum\":");
	p = p_opt_u64(p, a >= 18, t->checksum);
	P_LIT(p, ",\"urgent\":");
	p = p_opt_u64(p, a >= 20, t->urgent);
	P_LIT(p, ",\"options\":");
	if (t->hdr && t->nopts) {
		ob_commit(ob, p);
		put_tcp_options(ob, f);
		p = ob_cursor(ob, 128);
	} else {
		P_LIT(p, "[]");
	}
	/* payloadLen needs the data offset: unknown when it was not captured,
	 * and the segment's length is unknown in a first fragment */
	P_LIT(p, ",\"payloadLen\":");
	p = p_opt_u64(p, a >= 13 && !f->pkt->more_fragments, t->payload_len);
	P_LIT(p, "}}");
	ob_commit(ob, p);
}

static void put_proto_udp(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_udp *u = &f->pkt->udp;
	char *p = ob_cursor(ob, 256);

	P_LIT(p, ",{\"name\":\"proto_udp\",\"type\":\"trace.ProtoUDP\",\"value\":{\"srcPort\":");
	p = p_u64(p, u->src_port);
	P_KEY_U64(p, ",\"dstPort\":", u->dst_port);
	P_LIT(p, ",\"length\":");
	p = p_opt_u64(p, u->hdr_avail >= 6, u->length);
	P_LIT(p, ",\"checksum\":");
	p = p_opt_u64(p, u->hdr_avail >= 8, u->checksum);
	P_LIT(p, "}}");
	ob_commit(ob, p);
}

/* ---- ICMP / ICMPv6 ---- */

static void put_addr_q(struct outbuf *ob, const struct ns_addr *a)
{
	ob_putc(ob, '"');
	ob_addr(ob, a);
	ob_putc(ob, '"');
}

static void put_quote(struct outbuf *ob, const struct ns_icmp_quote *q)
{
	if (!q->present) {
		OB_LIT(ob, "null");
		return;
	}
	KEY_U64(ob, "{\"version\":", q->version);
	OB_LIT(ob, ",\"srcIP\":");
	put_addr_q(ob, &q->src);
	OB_LIT(ob, ",\"dstIP\":");
	put_addr_q(ob, &q->dst);
	KEY_U64(ob, ",\"protocol\":", q->protocol);
	OB_LIT(ob, ",\"srcPort\":");
	put_opt_u64(ob, q->has_ports, q->src_port);
	OB_LIT(ob, ",\"dstPort\":");
	put_opt_u64(ob, q->has_ports, q->dst_port);
	ob_putc(ob, '}');
}

static void put_proto_icmp(struct outbuf *ob, const struct pktfmt *f, bool v6)
{
	const struct ns_icmp *ic = &f->pkt->icmp;
	char tc[64];
	size_t n;

	if (v6)
		OJ_ARGN(ob, "proto_icmpv6", "trace.ProtoICMPv6");
	else
		OJ_ARGN(ob, "proto_icmp", "trace.ProtoICMP");
	n = ns_icmp_typecode(ic, tc, sizeof(tc));
	if (n >= sizeof(tc))
		n = strnlen(tc, sizeof(tc));
	OB_LIT(ob, "{\"typeCode\":");
	ob_json_str(ob, tc, n);
	KEY_U64(ob, ",\"type\":", ic->type);
	KEY_U64(ob, ",\"code\":", ic->code);
	KEY_U64(ob, ",\"checksum\":", ic->checksum);
	OB_LIT(ob, ",\"id\":");
	put_opt_u64(ob, ic->has_echo, ic->id);
	OB_LIT(ob, ",\"seq\":");
	put_opt_u64(ob, ic->has_seq, ic->seq);
	if (v6) {
		OB_LIT(ob, ",\"target\":");
		if (ic->has_target)
			put_addr_q(ob, &ic->target);
		else
			OB_LIT(ob, "null");
	}
	OB_LIT(ob, ",\"quoted\":");
	put_quote(ob, &ic->quote);
	ob_putc(ob, '}');
	oj_arg_end(ob);
}

/* ---- events ---- */

/* The envelope from ",\"processId\":" to ",\"frame\":" depends on the process
 * fields only, which a capture file leaves at zero for every packet: it is
 * rendered once and copied while they stay the same. */
#define ENV_MAX (256 + 6 * NS_COMM_MAX + OJ_PROCCTX_MAX)
static _Thread_local struct {
	bool ok;
	struct ns_task task;     /* what text was rendered from */
	size_t len;
	char text[ENV_MAX + 32];     /* + the slack of p_copy */
} env_cache;

/* ,"file":"PATH" when several inputs are read (netsift-events(7)):
 * rendered once per file. A path is at most PATH_MAX bytes, each at most 6
 * escaped. */
#define FILE_MAX (16 + 6 * PATH_MAX)
static _Thread_local struct {
	const char *src;
	size_t len;
	char text[FILE_MAX + 32];    /* + the slack of p_copy */
} file_cache;

static char *put_file(char *p, const char *file)
{
	if (file_cache.src != file) {
		size_t n = strnlen(file, PATH_MAX);
		char *e = file_cache.text;
		P_LIT(e, ",\"file\":\"");
		e = fmt_json_body(e, file, n);
		*e++ = '"';
		file_cache.len = (size_t)(e - file_cache.text);
		file_cache.src = file;
	}
	return p_copy(p, file_cache.text, file_cache.len);
}

static bool same_task(const struct ns_task *a, const struct ns_task *b)
{
	return a->pid == b->pid && a->tid == b->tid && a->uid == b->uid &&
	       a->cgroup_id == b->cgroup_id && a->proc == b->proc &&
	       memcmp(a->comm, b->comm, NS_COMM_MAX) == 0;
}

static char *put_env(char *p, const struct ns_ctx *ctx)
{
	if (!env_cache.ok || !same_task(&env_cache.task, &ctx->task)) {
		char *e = env_cache.text;
		P_KEY_U64(e, ",\"processId\":", ctx->task.pid);
		P_KEY_U64(e, ",\"threadId\":", ctx->task.tid);
		P_LIT(e, ",\"processName\":\"");
		e = fmt_json_body(e, ctx->task.comm, strnlen(ctx->task.comm, sizeof(ctx->task.comm)));
		P_KEY_U64(e, "\",\"cgroupId\":", ctx->task.cgroup_id);
		P_KEY_U64(e, ",\"userId\":", ctx->task.uid);
		if (ctx->task.proc)
			e = put_procctx(e, ctx->task.proc);
		P_LIT(e, ",\"frame\":");
		env_cache.len = (size_t)(e - env_cache.text);
		env_cache.task = ctx->task;
		env_cache.ok = true;
	}
	p = p_copy(p, env_cache.text, env_cache.len);
	p = p_u64(p, ctx->frame);
	return ctx->file ? put_file(p, ctx->file) : p;
}

/* Everything of a packet event up to its first argument, then its src and
 * dst arguments. Inlined: the name and argsNum literals are copied as
 * constants. */
#define HEAD_MAX (128 + ENV_MAX + 32 + 20 + FILE_MAX + SD_MAX)

static inline __attribute__((always_inline))
char *put_head(struct outbuf *ob, char *p, struct pktfmt *f, const char *name,
	       size_t namelen, const char *argsnum, size_t argsnumlen)
{
	P_LIT(p, "{\"timestamp\":");
	if (!seg_copy_p(ob, &f->ts, &p)) {
		seg_mark_p(ob, &f->ts, p);
		p = p_u64(p, f->pkt->ctx->ts_ns);
		seg_done_p(ob, &f->ts, p);
	}
	P_LIT(p, ",\"eventName\":\"");
	p = p_mem(p, name, namelen);
	*p++ = '"';
	if (!seg_copy_p(ob, &f->env, &p)) {
		seg_mark_p(ob, &f->env, p);
		p = put_env(p, f->pkt->ctx);
		seg_done_p(ob, &f->env, p);
	}
	p = p_mem(p, argsnum, argsnumlen);
	return put_src_dst(ob, p, f);
}
#define PUT_HEAD(ob, p, f, name, nargs) \
	put_head((ob), (p), (f), name, sizeof(name) - 1, \
		 ",\"argsNum\":" #nargs ",\"args\":[", sizeof(",\"argsNum\":" #nargs ",\"args\":[") - 1)

/* The end of a packet event; with --community-id a top-level
 * "communityId" key after the arguments (so args and argsNum stay as
 * without the option). */
static void event_end(struct outbuf *ob, const struct pktfmt *f)
{
	if (!f->cid) {
		oj_end(ob);
		return;
	}
	OB_LIT(ob, "],\"communityId\":");
	if (f->cid[0]) {
		ob_putc(ob, '"');
		ob_str(ob, f->cid);
		ob_putc(ob, '"');
	} else {
		OB_LIT(ob, "null");
	}
	OB_LIT(ob, "}\n");
}

/* The metadata argument; commits. */
static void put_metadata_ob(struct outbuf *ob, char *p, struct pktfmt *f)
{
	p = put_metadata(ob, p, f);
	if (p)
		ob_commit(ob, p);
}

static inline __attribute__((always_inline)) void event_ip(struct outbuf *ob, struct pktfmt *f)
{
	bool v4 = f->pkt->l3 == NS_L3_IPV4;
	char *p = ob_cursor(ob, HEAD_MAX + MD_MAX);

	if (v4)
		p = PUT_HEAD(ob, p, f, "net_packet_ipv4", 4);
	else
		p = PUT_HEAD(ob, p, f, "net_packet_ipv6", 4);
	put_metadata_ob(ob, p, f);
	if (v4)
		put_proto_ipv4(ob, f);
	else
		put_proto_ipv6(ob, f);
	event_end(ob, f);
}

static inline __attribute__((always_inline)) void event_transport(struct outbuf *ob, struct pktfmt *f, uint32_t ev)
{
	char *p = ob_cursor(ob, HEAD_MAX + PORTS_MAX + MD_MAX);

	switch (ev) {
	case NS_EV_TCP:
		p = PUT_HEAD(ob, p, f, "net_packet_tcp", 6);
		p = put_ports(p, f);
		put_metadata_ob(ob, p, f);
		put_proto_tcp(ob, f);
		break;
	case NS_EV_UDP:
		p = PUT_HEAD(ob, p, f, "net_packet_udp", 6);
		p = put_ports(p, f);
		put_metadata_ob(ob, p, f);
		put_proto_udp(ob, f);
		break;
	case NS_EV_ICMP:
		p = PUT_HEAD(ob, p, f, "net_packet_icmp", 4);
		put_metadata_ob(ob, p, f);
		put_proto_icmp(ob, f, false);
		break;
	case NS_EV_ICMPV6:
		p = PUT_HEAD(ob, p, f, "net_packet_icmpv6", 4);
		put_metadata_ob(ob, p, f);
		put_proto_icmp(ob, f, true);
		break;
	default:
		return;
	}
	event_end(ob, f);
}

/* The format's packet member (json.c). The only copy of this path: with a
 * second caller the compiler stops inlining event_ip and event_transport. */
unsigned out_json_packet_out(struct ns_out *o, const struct ns_packet *pkt,
			     const uint8_t *end, uint32_t sel)
{
	struct outbuf *ob = o->ob;
	struct pktfmt f;
	uint32_t tr = sel & ~(uint32_t)(NS_EV_IPV4 | NS_EV_IPV6);

	if (!sel)
		return 0;
	pktfmt_init(&f, pkt, end);
	char cid[NS_CID_STRLEN];
	if (o->cid_packets) {
		struct ns_cid_tuple t;
		cid[0] = '\0';
		if (ns_cid_packet_tuple(pkt, &t))
			ns_community_id(o->cid_seed, &t, cid);
		f.cid = cid;
	}
	if (sel & (NS_EV_IPV4 | NS_EV_IPV6))
		event_ip(ob, &f);
	if (tr)
		event_transport(ob, &f, tr);
	return out_json_packet_nevents(sel);
}

unsigned out_json_packet(struct outbuf *ob, const struct ns_packet *pkt,
			 const uint8_t *end, uint32_t sel)
{
	struct ns_out o = { .ob = ob };

	return out_json_packet_out(&o, pkt, end, sel);
}

/* For other producers (net_packet_dns): the src, dst, src_port, dst_port and
 * metadata args of the packet, exactly as in its net_packet_udp/tcp event. */
void oj_packet_args(struct outbuf *ob, const struct ns_packet *pkt)
{
	struct pktfmt f;
	char *p = ob_cursor(ob, SD_MAX + PORTS_MAX + MD_MAX);

	pktfmt_init(&f, pkt, NULL);
	p = put_src_dst(ob, p, &f);
	p = put_ports(p, &f);
	put_metadata_ob(ob, p, &f);
}
