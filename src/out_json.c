/* JSON event output. Key order and number formatting are fixed by
 * notes-coord/json-format.md; this file is the only place that knows it. */
#include "out.h"

#include "bytes.h"

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

/* ---- which events a packet has ---- */

bool out_has_transport(const struct ns_packet *pkt)
{
	if (!pkt->first_fragment)
		return false;
	switch (pkt->l4) {
	case NS_L4_TCP: return pkt->tcp.hdr_avail >= 4;
	case NS_L4_UDP: return pkt->udp.hdr_avail >= 4;
	case NS_L4_ICMP:
	case NS_L4_ICMPV6: return pkt->icmp.hdr_avail >= 4;
	default: return false;
	}
}

uint32_t out_packet_events(const struct ns_packet *pkt, uint32_t events)
{
	uint32_t sel = 0;

	if (pkt->l3 == NS_L3_IPV4)
		sel |= NS_EV_IPV4;
	else if (pkt->l3 == NS_L3_IPV6)
		sel |= NS_EV_IPV6;
	else
		return 0;
	if (out_has_transport(pkt)) {
		switch (pkt->l4) {
		case NS_L4_TCP: sel |= NS_EV_TCP; break;
		case NS_L4_UDP: sel |= NS_EV_UDP; break;
		case NS_L4_ICMP: sel |= NS_EV_ICMP; break;
		case NS_L4_ICMPV6: sel |= NS_EV_ICMPV6; break;
		default: break;
		}
	}
	return sel & events;
}

/* ---- envelope ---- */

void oj_begin(struct outbuf *ob, const struct ns_ctx *ctx, const char *event,
	      unsigned nargs)
{
	OB_LIT(ob, "{\"timestamp\":");
	ob_u64(ob, ctx->ts_ns);
	OB_LIT(ob, ",\"eventName\":\"");
	ob_str(ob, event);           /* our own constant names: no escaping needed */
	OB_LIT(ob, "\",\"processId\":");
	ob_u64(ob, ctx->pid);
	OB_LIT(ob, ",\"threadId\":");
	ob_u64(ob, ctx->tid);
	OB_LIT(ob, ",\"processName\":");
	ob_json_str(ob, ctx->comm, strnlen(ctx->comm, sizeof(ctx->comm)));
	OB_LIT(ob, ",\"cgroupId\":");
	ob_u64(ob, ctx->cgroup_id);
	OB_LIT(ob, ",\"userId\":");
	ob_u64(ob, ctx->uid);
	OB_LIT(ob, ",\"frame\":");
	ob_u64(ob, ctx->frame);
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
 * not flushed in between (outbuf.gen). */
struct seg {
	size_t off, len;
	uint64_t gen;
	bool ok;
};

static bool seg_copy(struct outbuf *ob, const struct seg *s)
{
	if (!s->ok || s->gen != ob->gen || ob->cap - ob->len < s->len)
		return false;
	memcpy(ob->buf + ob->len, ob->buf + s->off, s->len);
	ob->len += s->len;
	return true;
}

static void seg_mark(struct outbuf *ob, struct seg *s)
{
	s->off = ob->len;
	s->gen = ob->gen;
	s->ok = false;
}

static void seg_done(struct outbuf *ob, struct seg *s)
{
	if (ob->gen == s->gen && ob->len >= s->off) {
		s->len = ob->len - s->off;
		s->ok = true;
	}
}

struct pktfmt {
	const struct ns_packet *pkt;
	const uint8_t *end;
	char src[NS_ADDR_STRLEN];
	char dst[NS_ADDR_STRLEN];
	size_t srclen, dstlen;
	uint16_t sport, dport;
	struct seg ts, env, sd, md;
};

static void put_key_u64(struct outbuf *ob, const char *key, size_t klen, uint64_t v)
{
	ob_mem(ob, key, klen);
	ob_u64(ob, v);
}
#define KEY_U64(ob, lit, v) put_key_u64((ob), (lit), sizeof(lit) - 1, (v))

static void put_bool(struct outbuf *ob, bool v)
{
	if (v)
		OB_LIT(ob, "true");
	else
		OB_LIT(ob, "false");
}

/* A pre-formatted address: quoted, or null when it was not captured. */
static void put_qstr(struct outbuf *ob, const char *s, size_t n)
{
	if (n == 0) {
		OB_LIT(ob, "null");
		return;
	}
	ob_putc(ob, '"');
	ob_mem(ob, s, n);
	ob_putc(ob, '"');
}

static void put_src_dst(struct outbuf *ob, struct pktfmt *f)
{
	if (seg_copy(ob, &f->sd))
		return;
	seg_mark(ob, &f->sd);
	OJ_ARG1(ob, "src", "const char*");
	put_qstr(ob, f->src, f->srclen);
	oj_arg_end(ob);
	OJ_ARGN(ob, "dst", "const char*");
	put_qstr(ob, f->dst, f->dstlen);
	oj_arg_end(ob);
	seg_done(ob, &f->sd);
}

static void put_ports(struct outbuf *ob, const struct pktfmt *f)
{
	OJ_ARGN(ob, "src_port", "u16");
	ob_u64(ob, f->sport);
	oj_arg_end(ob);
	OJ_ARGN(ob, "dst_port", "u16");
	ob_u64(ob, f->dport);
	oj_arg_end(ob);
}

static void put_flags(struct outbuf *ob, uint32_t flags)
{
	bool first = true;

	ob_putc(ob, '[');
	for (unsigned i = 0; i < 32 && flags; i++) {
		uint32_t bit = 1u << i;
		const char *name;
		if (!(flags & bit))
			continue;
		flags &= ~bit;
		name = ns_flag_name(bit);
		if (!name)
			continue;
		if (!first)
			ob_putc(ob, ',');
		first = false;
		ob_json_cstr(ob, name);
	}
	ob_putc(ob, ']');
}

/* Was the protocol field (v4) / next-header chain (v6) captured? */
static bool proto_known(const struct ns_packet *pkt)
{
	return pkt->l3 == NS_L3_IPV4 ? pkt->ip4.hdr_avail >= 10 : pkt->ip6.hdr_avail >= 7;
}

static void put_metadata(struct outbuf *ob, struct pktfmt *f)
{
	const struct ns_packet *pkt = f->pkt;
	const struct ns_ctx *ctx = pkt->ctx;
	const char *proto = ns_ipproto_name(pkt->ipproto);

	if (seg_copy(ob, &f->md))
		return;
	seg_mark(ob, &f->md);
	OJ_ARGN(ob, "metadata", "trace.PacketMetadata");
	OB_LIT(ob, "{\"srcIP\":");
	put_qstr(ob, f->src, f->srclen);
	OB_LIT(ob, ",\"dstIP\":");
	put_qstr(ob, f->dst, f->dstlen);
	KEY_U64(ob, ",\"srcPort\":", f->sport);
	KEY_U64(ob, ",\"dstPort\":", f->dport);
	OB_LIT(ob, ",\"protocol\":");
	if (!proto_known(pkt)) {
		OB_LIT(ob, "null");
	} else if (proto) {
		ob_json_cstr(ob, proto);
	} else {
		ob_putc(ob, '"');
		ob_u64(ob, pkt->ipproto);
		ob_putc(ob, '"');
	}
	KEY_U64(ob, ",\"packetLen\":", pkt->ip_wire_len);
	KEY_U64(ob, ",\"capturedLen\":", pkt->ip_cap_len);
	OB_LIT(ob, ",\"iface\":");
	ob_json_str(ob, ctx->iface, strnlen(ctx->iface, sizeof(ctx->iface)));
	switch (ctx->direction) {
	case NS_DIR_INGRESS: OB_LIT(ob, ",\"direction\":\"ingress\",\"flags\":"); break;
	case NS_DIR_EGRESS: OB_LIT(ob, ",\"direction\":\"egress\",\"flags\":"); break;
	default: OB_LIT(ob, ",\"direction\":\"unknown\",\"flags\":"); break;
	}
	put_flags(ob, pkt->flags);
	ob_putc(ob, '}');
	oj_arg_end(ob);
	seg_done(ob, &f->md);
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

static void put_proto_ipv4(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_ipv4 *ip = &f->pkt->ip4;
	uint16_t a = ip->hdr_avail;

	OJ_ARGN(ob, "proto_ipv4", "trace.ProtoIPv4");
	OB_LIT(ob, "{\"version\":");
	put_opt_u64(ob, a >= 1, ip->version);
	OB_LIT(ob, ",\"IHL\":");
	put_opt_u64(ob, a >= 1, ip->ihl);
	OB_LIT(ob, ",\"TOS\":");
	put_opt_u64(ob, a >= 2, ip->tos);
	OB_LIT(ob, ",\"length\":");
	put_opt_u64(ob, a >= 4, ip->total_len);
	OB_LIT(ob, ",\"id\":");
	put_opt_u64(ob, a >= 6, ip->id);
	OB_LIT(ob, ",\"flags\":");
	put_opt_u64(ob, a >= 8, ip->flags);
	OB_LIT(ob, ",\"fragOffset\":");
	put_opt_u64(ob, a >= 8, ip->frag_off);
	OB_LIT(ob, ",\"TTL\":");
	put_opt_u64(ob, a >= 9, ip->ttl);
	OB_LIT(ob, ",\"protocol\":");
	put_opt_u64(ob, a >= 10, ip->protocol);
	OB_LIT(ob, ",\"checksum\":");
	put_opt_u64(ob, a >= 12, ip->checksum);
	OB_LIT(ob, ",\"srcIP\":");
	put_qstr(ob, f->src, f->srclen);
	OB_LIT(ob, ",\"dstIP\":");
	put_qstr(ob, f->dst, f->dstlen);
	OB_LIT(ob, ",\"options\":");
	put_ip4_options(ob, f);
	ob_putc(ob, '}');
	oj_arg_end(ob);
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

	OJ_ARGN(ob, "proto_ipv6", "trace.ProtoIPv6");
	OB_LIT(ob, "{\"version\":");
	put_opt_u64(ob, a >= 1, ip->version);
	OB_LIT(ob, ",\"trafficClass\":");
	put_opt_u64(ob, a >= 2, ip->traffic_class);
	OB_LIT(ob, ",\"flowLabel\":");
	put_opt_u64(ob, a >= 4, ip->flow_label);
	OB_LIT(ob, ",\"length\":");
	put_opt_u64(ob, a >= 6, ip->payload_len);
	OB_LIT(ob, ",\"nextHeader\":");
	put_opt_u64(ob, a >= 7, ip->next_header);
	OB_LIT(ob, ",\"hopLimit\":");
	put_opt_u64(ob, a >= 8, ip->hop_limit);
	OB_LIT(ob, ",\"srcIP\":");
	put_qstr(ob, f->src, f->srclen);
	OB_LIT(ob, ",\"dstIP\":");
	put_qstr(ob, f->dst, f->dstlen);
	OB_LIT(ob, ",\"extensions\":[");
	for (unsigned i = 0; i < ip->next_ext && i < NS_MAX_IP6_EXT; i++) {
		if (i)
			ob_putc(ob, ',');
		put_ip6_ext(ob, &ip->ext[i]);
	}
	OB_LIT(ob, "]}");
	oj_arg_end(ob);
}

/* ---- TCP ---- */

static void put_sack_blocks(struct outbuf *ob, const uint8_t *v, size_t n)
{
	OB_LIT(ob, ",\"blocks\":[");
	for (size_t i = 0; i + 8 <= n; i += 8) {
		if (i)
			ob_putc(ob, ',');
		ob_putc(ob, '[');
		ob_u64(ob, ns_get32(v + i));
		ob_putc(ob, ',');
		ob_u64(ob, ns_get32(v + i + 4));
		ob_putc(ob, ']');
	}
	ob_putc(ob, ']');
}

/* Option-specific fields, read from the option's own bytes when its length is
 * the one the RFC defines and the bytes were captured. */
static void put_tcp_opt_fields(struct outbuf *ob, const struct pktfmt *f,
			       const struct ns_opt *o)
{
	const uint8_t *v = f->pkt->tcp.hdr + o->off + 2;
	size_t vlen = o->len >= 2 ? (size_t)o->len - 2 : 0;

	if (vlen == 0 || avail(f, v, vlen) < vlen)
		return;
	switch (o->kind) {
	case 2:
		if (vlen == 2)
			KEY_U64(ob, ",\"mss\":", ns_get16(v));
		break;
	case 3:
		if (vlen == 1)
			KEY_U64(ob, ",\"shift\":", v[0]);
		break;
	case 8:
		if (vlen == 8) {
			KEY_U64(ob, ",\"val\":", ns_get32(v));
			KEY_U64(ob, ",\"ecr\":", ns_get32(v + 4));
		}
		break;
	case 5:
		if (vlen % 8 == 0)
			put_sack_blocks(ob, v, vlen);
		break;
	default:
		break;
	}
}

static void put_tcp_options(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_tcp *t = &f->pkt->tcp;
	char nb[4];

	ob_putc(ob, '[');
	for (unsigned i = 0; t->hdr && i < t->nopts && i < NS_MAX_TCP_OPTS; i++) {
		const struct ns_opt *o = &t->opts[i];
		if (i)
			ob_putc(ob, ',');
		KEY_U64(ob, "{\"kind\":", o->kind);
		OB_LIT(ob, ",\"name\":\"");
		ob_str(ob, out_tcpopt_name(o->kind, nb));
		KEY_U64(ob, "\",\"length\":", o->len);
		put_tcp_opt_fields(ob, f, o);
		ob_putc(ob, '}');
	}
	ob_putc(ob, ']');
}


/* The nine flag booleans in one pass: one reservation, and fixed 16-byte copies
 * (a constant-size memcpy is two moves; a variable one is a slow rep movs). */
#define FLAG_KV(name) { ",\"" name "\":true", ",\"" name "\":false", \
			sizeof(",\"" name "\":true") - 1, sizeof(",\"" name "\":false") - 1 }
static const struct {
	char t[16], f[16];
	uint8_t tl, fl;
} tcp_flag_kv[9] = {
	FLAG_KV("FIN"), FLAG_KV("SYN"), FLAG_KV("RST"), FLAG_KV("PSH"), FLAG_KV("ACK"),
	FLAG_KV("URG"), FLAG_KV("ECE"), FLAG_KV("CWR"), FLAG_KV("NS"),
};

static void put_tcp_flags(struct outbuf *ob, const struct ns_tcp *t)
{
	char *d;
	size_t n = 0;

	if (t->hdr_avail < 14) {
		/* the flags byte was not captured; NS (in byte 12) may have been */
		OB_LIT(ob, ",\"FIN\":null,\"SYN\":null,\"RST\":null,\"PSH\":null,"
		       "\"ACK\":null,\"URG\":null,\"ECE\":null,\"CWR\":null,\"NS\":");
		if (t->hdr_avail >= 13)
			put_bool(ob, t->flags & NS_TCP_NS);
		else
			OB_LIT(ob, "null");
		return;
	}
	d = ob_reserve(ob, 9 * 16 + 16);
	for (unsigned i = 0; i < 9; i++) {
		if (t->flags & (1u << i)) {
			memcpy(d + n, tcp_flag_kv[i].t, 16);
			n += tcp_flag_kv[i].tl;
		} else {
			memcpy(d + n, tcp_flag_kv[i].f, 16);
			n += tcp_flag_kv[i].fl;
		}
	}
	ob->len += n;
}

static void put_proto_tcp(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_tcp *t = &f->pkt->tcp;
	uint16_t a = t->hdr_avail;

	OJ_ARGN(ob, "proto_tcp", "trace.ProtoTCP");
	KEY_U64(ob, "{\"srcPort\":", t->src_port);
	KEY_U64(ob, ",\"dstPort\":", t->dst_port);
	OB_LIT(ob, ",\"seq\":");
	put_opt_u64(ob, a >= 8, t->seq);
	OB_LIT(ob, ",\"ack\":");
	put_opt_u64(ob, a >= 12, t->ack);
	OB_LIT(ob, ",\"dataOffset\":");
	put_opt_u64(ob, a >= 13, t->data_offset);
	put_tcp_flags(ob, t);
	OB_LIT(ob, ",\"window\":");
	put_opt_u64(ob, a >= 16, t->window);
	OB_LIT(ob, ",\"checksum\":");
	put_opt_u64(ob, a >= 18, t->checksum);
	OB_LIT(ob, ",\"urgent\":");
	put_opt_u64(ob, a >= 20, t->urgent);
	OB_LIT(ob, ",\"options\":");
	put_tcp_options(ob, f);
	/* payloadLen needs the data offset: unknown when it was not captured */
	OB_LIT(ob, ",\"payloadLen\":");
	put_opt_u64(ob, a >= 13, t->payload_len);
	ob_putc(ob, '}');
	oj_arg_end(ob);
}

static void put_proto_udp(struct outbuf *ob, const struct pktfmt *f)
{
	const struct ns_udp *u = &f->pkt->udp;

	OJ_ARGN(ob, "proto_udp", "trace.ProtoUDP");
	KEY_U64(ob, "{\"srcPort\":", u->src_port);
	KEY_U64(ob, ",\"dstPort\":", u->dst_port);
	OB_LIT(ob, ",\"length\":");
	put_opt_u64(ob, u->hdr_avail >= 6, u->length);
	OB_LIT(ob, ",\"checksum\":");
	put_opt_u64(ob, u->hdr_avail >= 8, u->checksum);
	ob_putc(ob, '}');
	oj_arg_end(ob);
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
	bool echo = ic->has_echo && ic->hdr_avail >= 8;
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
	put_opt_u64(ob, echo, ic->id);
	OB_LIT(ob, ",\"seq\":");
	put_opt_u64(ob, echo, ic->seq);
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

/* oj_begin() for packet events, sharing the timestamp and envelope text. */
#define PKT_BEGIN(ob, f, name, nargs) do { \
	OB_LIT(ob, "{\"timestamp\":"); \
	put_ts(ob, f); \
	OB_LIT(ob, ",\"eventName\":\"" name "\""); \
	put_env(ob, f); \
	OB_LIT(ob, ",\"argsNum\":" #nargs ",\"args\":["); \
} while (0)

static void put_ts(struct outbuf *ob, struct pktfmt *f)
{
	if (seg_copy(ob, &f->ts))
		return;
	seg_mark(ob, &f->ts);
	ob_u64(ob, f->pkt->ctx->ts_ns);
	seg_done(ob, &f->ts);
}

static void put_env(struct outbuf *ob, struct pktfmt *f)
{
	const struct ns_ctx *ctx = f->pkt->ctx;

	if (seg_copy(ob, &f->env))
		return;
	seg_mark(ob, &f->env);
	OB_LIT(ob, ",\"processId\":");
	ob_u64(ob, ctx->pid);
	OB_LIT(ob, ",\"threadId\":");
	ob_u64(ob, ctx->tid);
	OB_LIT(ob, ",\"processName\":");
	ob_json_str(ob, ctx->comm, strnlen(ctx->comm, sizeof(ctx->comm)));
	OB_LIT(ob, ",\"cgroupId\":");
	ob_u64(ob, ctx->cgroup_id);
	OB_LIT(ob, ",\"userId\":");
	ob_u64(ob, ctx->uid);
	OB_LIT(ob, ",\"frame\":");
	ob_u64(ob, ctx->frame);
	seg_done(ob, &f->env);
}

static void event_ip(struct outbuf *ob, struct pktfmt *f)
{
	bool v4 = f->pkt->l3 == NS_L3_IPV4;

	if (v4)
		PKT_BEGIN(ob, f, "net_packet_ipv4", 4);
	else
		PKT_BEGIN(ob, f, "net_packet_ipv6", 4);
	put_src_dst(ob, f);
	put_metadata(ob, f);
	if (v4)
		put_proto_ipv4(ob, f);
	else
		put_proto_ipv6(ob, f);
	oj_end(ob);
}

static void event_transport(struct outbuf *ob, struct pktfmt *f, uint32_t ev)
{
	switch (ev) {
	case NS_EV_TCP:
		PKT_BEGIN(ob, f, "net_packet_tcp", 6);
		put_src_dst(ob, f);
		put_ports(ob, f);
		put_metadata(ob, f);
		put_proto_tcp(ob, f);
		break;
	case NS_EV_UDP:
		PKT_BEGIN(ob, f, "net_packet_udp", 6);
		put_src_dst(ob, f);
		put_ports(ob, f);
		put_metadata(ob, f);
		put_proto_udp(ob, f);
		break;
	case NS_EV_ICMP:
	case NS_EV_ICMPV6:
		if (ev == NS_EV_ICMP)
			PKT_BEGIN(ob, f, "net_packet_icmp", 4);
		else
			PKT_BEGIN(ob, f, "net_packet_icmpv6", 4);
		put_src_dst(ob, f);
		put_metadata(ob, f);
		put_proto_icmp(ob, f, ev == NS_EV_ICMPV6);
		break;
	default:
		return;
	}
	oj_end(ob);
}

unsigned out_json_packet(struct outbuf *ob, const struct ns_packet *pkt,
			 const uint8_t *end, uint32_t sel)
{
	struct pktfmt f;
	unsigned n = 0;
	uint32_t tr = sel & ~(uint32_t)(NS_EV_IPV4 | NS_EV_IPV6);

	if (!sel)
		return 0;
	f.pkt = pkt;
	f.end = end;
	f.srclen = pkt->src.family ? ns_addr_format(&pkt->src, f.src) : 0;
	f.dstlen = pkt->dst.family ? ns_addr_format(&pkt->dst, f.dst) : 0;
	f.sport = f.dport = 0;
	f.ts.ok = f.env.ok = f.sd.ok = f.md.ok = false;
	/* Ports go into the metadata only when the transport header was read. */
	if (out_has_transport(pkt)) {
		if (pkt->l4 == NS_L4_TCP) {
			f.sport = pkt->tcp.src_port;
			f.dport = pkt->tcp.dst_port;
		} else if (pkt->l4 == NS_L4_UDP) {
			f.sport = pkt->udp.src_port;
			f.dport = pkt->udp.dst_port;
		}
	}
	if (sel & (NS_EV_IPV4 | NS_EV_IPV6)) {
		event_ip(ob, &f);
		n++;
	}
	if (tr) {
		event_transport(ob, &f, tr);
		n++;
	}
	return n;
}

/* For other producers (net_packet_dns): the src, dst, src_port, dst_port and
 * metadata args of the packet, exactly as in its net_packet_udp/tcp event. */
void oj_packet_args(struct outbuf *ob, const struct ns_packet *pkt)
{
	struct pktfmt f;

	memset(&f, 0, sizeof(f));
	f.pkt = pkt;
	f.srclen = pkt->src.family ? ns_addr_format(&pkt->src, f.src) : 0;
	f.dstlen = pkt->dst.family ? ns_addr_format(&pkt->dst, f.dst) : 0;
	if (out_has_transport(pkt)) {
		if (pkt->l4 == NS_L4_TCP) {
			f.sport = pkt->tcp.src_port;
			f.dport = pkt->tcp.dst_port;
		} else if (pkt->l4 == NS_L4_UDP) {
			f.sport = pkt->udp.src_port;
			f.dport = pkt->udp.dst_port;
		}
	}
	put_src_dst(ob, &f);
	put_ports(ob, &f);
	put_metadata(ob, &f);
}
