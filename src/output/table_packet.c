/* Table output: one line per packet, in the spirit of the trace-reading
 * guide's summary lines:
 *   FRAME [TIME] [IFACE] [In|Out] [COMM[PID]] SRC[:PORT] -> DST[:PORT] PROTO DETAILS [FLAGS]
 * TIME as tcpdump's -t options say (table_time.c). IPv6 endpoints with a
 * port are written [addr]:port. */
#include "output/table.h"

void out_table_endpoint(struct outbuf *ob, const struct ns_addr *a, bool port, uint16_t p)
{
	bool br = port && a->family == 6;

	if (br)
		ob_putc(ob, '[');
	ob_addr(ob, a);
	if (br)
		ob_putc(ob, ']');
	if (port) {
		ob_putc(ob, ':');
		ob_u64(ob, p);
	}
}

/* The nine flags with tcpdump's letters, in its order (print-tcp.c
 * tcp_flag_values): "[S]", "[S.]", "[P.]", "[SEW]", "[none]"; AE (the
 * former NS bit) is tcpdump's "e". */
static void put_tcp_flags(struct outbuf *ob, uint16_t flags)
{
	static const struct { uint16_t bit; char c; } fl[9] = {
		{ NS_TCP_FIN, 'F' }, { NS_TCP_SYN, 'S' }, { NS_TCP_RST, 'R' },
		{ NS_TCP_PSH, 'P' }, { NS_TCP_ACK, '.' }, { NS_TCP_URG, 'U' },
		{ NS_TCP_ECE, 'E' }, { NS_TCP_CWR, 'W' }, { NS_TCP_NS, 'e' },
	};
	char *d = ob_reserve(ob, 16);
	size_t n = 0;

	d[n++] = ' ';
	d[n++] = '[';
	for (unsigned i = 0; i < 9; i++)
		if (flags & fl[i].bit)
			d[n++] = fl[i].c;
	if (n == 2) {
		memcpy(d + n, "none", 4);
		n += 4;
	}
	d[n++] = ']';
	ob->len += n;
}

static void put_tcp(struct outbuf *ob, const struct ns_tcp *t)
{
	if (t->hdr_avail >= 14)
		put_tcp_flags(ob, t->flags);
	if (t->hdr_avail >= 13) {
		OB_LIT(ob, " len=");
		ob_u64(ob, t->payload_len);
	}
	if (t->hdr_avail >= 8) {
		OB_LIT(ob, " seq=");
		ob_u64(ob, t->seq);
	}
	if (t->hdr_avail >= 12) {
		OB_LIT(ob, " ack=");
		ob_u64(ob, t->ack);
	}
	if (t->hdr_avail >= 16) {
		OB_LIT(ob, " win=");
		ob_u64(ob, t->window);
	}
}

static void put_icmp(struct outbuf *ob, const struct ns_icmp *ic)
{
	char tc[64];
	size_t n = ns_icmp_typecode(ic, tc, sizeof(tc));

	if (n >= sizeof(tc))
		n = strnlen(tc, sizeof(tc));
	ob_putc(ob, ' ');
	ob_mem(ob, tc, n);
	if (ic->has_echo && ic->hdr_avail >= 8) {
		OB_LIT(ob, " id=");
		ob_u64(ob, ic->id);
		OB_LIT(ob, " seq=");
		ob_u64(ob, ic->seq);
	}
	if (ic->quote.present) {
		OB_LIT(ob, " quoted=");
		out_table_endpoint(ob, &ic->quote.src, ic->quote.has_ports, ic->quote.src_port);
		OB_LIT(ob, "->");
		out_table_endpoint(ob, &ic->quote.dst, ic->quote.has_ports, ic->quote.dst_port);
	}
}

static void put_flags(struct outbuf *ob, uint32_t flags)
{
	bool first = true;

	if (!flags)
		return;
	OB_LIT(ob, " [");
	for (unsigned i = 0; i < 32; i++) {
		const char *name;
		if (!(flags & (1u << i)) || !(name = ns_flag_name(1u << i)))
			continue;
		if (!first)
			ob_putc(ob, ',');
		first = false;
		ob_str(ob, name);
	}
	ob_putc(ob, ']');
}

/* "comm[pid] " when the source knows the process (live tracing, netsift's own
 * pcapng); nothing for plain captures, so their lines stay as they were. */
static void put_process(struct outbuf *ob, const struct ns_ctx *ctx)
{
	if (!ctx->task.pid && !ctx->task.comm[0])
		return;
	ob_str(ob, ctx->task.comm[0] ? ctx->task.comm : "?");
	if (ctx->task.pid) {         /* pid 0 is the "[kernel]" label: no number to add */
		ob_putc(ob, '[');
		ob_u64(ob, ctx->task.pid);
		ob_putc(ob, ']');
	}
	ob_putc(ob, ' ');
}

/* The tunnels a packet came through, outermost first: "<vxlan vni=42
 * 10.0.0.1->10.0.0.2> ". Nothing for a plain packet. */
static void put_encap(struct outbuf *ob, const struct ns_packet *pkt)
{
	for (unsigned i = 0; i < pkt->nencap; i++) {
		const struct ns_encap *e = &pkt->encap[i];
		const char *id = ns_encap_id_name(e->type);

		ob_putc(ob, '<');
		ob_str(ob, ns_encap_name(e->type));
		if (id && e->has_id) {
			ob_putc(ob, ' ');
			ob_str(ob, id);
			ob_putc(ob, '=');
			ob_u64(ob, e->id);
		}
		if (e->src.family) {
			ob_putc(ob, ' ');
			out_table_endpoint(ob, &e->src, e->sport || e->dport, e->sport);
			OB_LIT(ob, "->");
			out_table_endpoint(ob, &e->dst, e->sport || e->dport, e->dport);
		}
		OB_LIT(ob, "> ");
	}
}

/* Several inputs: a line "==> PATH <==" (as tail(1) names its files) before
 * the first packet of each file and whenever --merge switches file. */
static void put_file_header(struct ns_out *o, const char *file)
{
	struct outbuf *ob = o->ob;

	if (!file || file == o->last_file)
		return;
	o->last_file = file;
	OB_LIT(ob, "==> ");
	ob_str(ob, file);
	OB_LIT(ob, " <==\n");
}

/* "IFACE In " / "IFACE Out ", as tcpdump -i any; each part only when known. */
static void put_iface(struct outbuf *ob, const struct ns_ctx *ctx)
{
	if (ctx->iface[0]) {
		ob_mem(ob, ctx->iface, strnlen(ctx->iface, sizeof(ctx->iface)));
		ob_putc(ob, ' ');
	}
	if (ctx->direction == NS_DIR_INGRESS)
		OB_LIT(ob, "In ");
	else if (ctx->direction == NS_DIR_EGRESS)
		OB_LIT(ob, "Out ");
}

void out_table_packet(struct ns_out *o, const struct ns_packet *pkt, uint32_t sel)
{
	struct outbuf *ob = o->ob;
	bool tr = out_has_transport(pkt);
	bool ports = tr && (pkt->l4 == NS_L4_TCP || pkt->l4 == NS_L4_UDP);
	uint16_t sp = 0, dp = 0;
	const char *proto;

	if (!sel)
		return;
	put_file_header(o, pkt->ctx->file);
	if (ports) {
		sp = pkt->l4 == NS_L4_TCP ? pkt->tcp.src_port : pkt->udp.src_port;
		dp = pkt->l4 == NS_L4_TCP ? pkt->tcp.dst_port : pkt->udp.dst_port;
	}
	ob_u64(ob, pkt->ctx->frame);
	ob_putc(ob, ' ');
	out_table_time(o, pkt->ctx->ts_ns);
	put_iface(ob, pkt->ctx);
	put_process(ob, pkt->ctx);
	put_encap(ob, pkt);
	out_table_endpoint(ob, &pkt->src, ports, sp);
	OB_LIT(ob, " -> ");
	out_table_endpoint(ob, &pkt->dst, ports, dp);
	ob_putc(ob, ' ');
	proto = ns_ipproto_name(pkt->ipproto);
	if (proto)
		ob_str(ob, proto);
	else
		ob_u64(ob, pkt->ipproto);
	if (tr) {
		switch (pkt->l4) {
		case NS_L4_TCP:
			put_tcp(ob, &pkt->tcp);
			break;
		case NS_L4_UDP:
			OB_LIT(ob, " len=");
			ob_u64(ob, pkt->udp.payload_len);
			break;
		case NS_L4_ICMP:
		case NS_L4_ICMPV6:
			put_icmp(ob, &pkt->icmp);
			break;
		default:
			break;
		}
	} else {
		OB_LIT(ob, " ip_len=");
		ob_u64(ob, pkt->ip_wire_len);
	}
	put_flags(ob, pkt->flags);
	ob_putc(ob, '\n');
}

/* The format's packet member (table.c): one line for all of sel's events. */
unsigned out_table_packet_out(struct ns_out *o, const struct ns_packet *pkt,
			      const uint8_t *end, uint32_t sel)
{
	(void)end;
	out_table_packet(o, pkt, sel);
	return (unsigned)__builtin_popcount(sel);
}
