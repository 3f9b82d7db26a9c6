/* Table output: one line per packet, in the spirit of the trace-reading
 * guide's summary lines:
 *   FRAME HH:MM:SS.uuuuuu SRC[:PORT] -> DST[:PORT] PROTO DETAILS [FLAGS]
 * Time is UTC. IPv6 endpoints with a port are written [addr]:port. */
#include "output/table.h"

void out_table_time(struct outbuf *ob, uint64_t ts_ns)
{
	uint64_t secs = ts_ns / 1000000000u;
	uint32_t usec = (uint32_t)(ts_ns % 1000000000u / 1000u);
	uint32_t tod = (uint32_t)(secs % 86400u);
	char *d = ob_reserve(ob, 16);
	size_t n = 0;

	n += fmt_u_pad(d + n, tod / 3600, 2);
	d[n++] = ':';
	n += fmt_u_pad(d + n, tod / 60 % 60, 2);
	d[n++] = ':';
	n += fmt_u_pad(d + n, tod % 60, 2);
	d[n++] = '.';
	n += fmt_u_pad(d + n, usec, 6);
	ob->len += n;
}

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

static void put_tcp(struct outbuf *ob, const struct ns_tcp *t)
{
	static const struct { uint16_t bit; char c; } fl[] = {
		{ NS_TCP_URG, 'U' }, { NS_TCP_ACK, 'A' }, { NS_TCP_PSH, 'P' },
		{ NS_TCP_RST, 'R' }, { NS_TCP_SYN, 'S' }, { NS_TCP_FIN, 'F' },
	};

	if (t->hdr_avail >= 14) {
		char *d = ob_reserve(ob, 7);
		d[0] = ' ';
		for (unsigned i = 0; i < 6; i++)
			d[1 + i] = (t->flags & fl[i].bit) ? fl[i].c : '.';
		ob->len += 7;
	}
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
	if (!ctx->pid && !ctx->comm[0])
		return;
	ob_str(ob, ctx->comm[0] ? ctx->comm : "?");
	if (ctx->pid) {         /* pid 0 is the "[kernel]" label: no number to add */
		ob_putc(ob, '[');
		ob_u64(ob, ctx->pid);
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
static void put_file_header(struct outbuf *ob, const char *file)
{
	static const char *last;

	if (!file || file == last)
		return;
	last = file;
	OB_LIT(ob, "==> ");
	ob_str(ob, file);
	OB_LIT(ob, " <==\n");
}

void out_table_packet(struct outbuf *ob, const struct ns_packet *pkt, uint32_t sel)
{
	bool tr = out_has_transport(pkt);
	bool ports = tr && (pkt->l4 == NS_L4_TCP || pkt->l4 == NS_L4_UDP);
	uint16_t sp = 0, dp = 0;
	const char *proto;

	if (!sel)
		return;
	put_file_header(ob, pkt->ctx->file);
	if (ports) {
		sp = pkt->l4 == NS_L4_TCP ? pkt->tcp.src_port : pkt->udp.src_port;
		dp = pkt->l4 == NS_L4_TCP ? pkt->tcp.dst_port : pkt->udp.dst_port;
	}
	ob_u64(ob, pkt->ctx->frame);
	ob_putc(ob, ' ');
	out_table_time(ob, pkt->ctx->ts_ns);
	ob_putc(ob, ' ');
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
	out_table_packet(o->ob, pkt, sel);
	return (unsigned)__builtin_popcount(sel);
}
