/* Flow and DNS events as table lines, one per event, in the packet lines'
 * layout:
 * Table lines, one per event, in the packet lines' layout:
 *   FRAME HH:MM:SS.uuuuuu SRC:PORT -> DST:PORT FLOW begin DIRECTION [midstream] [src=NAMES] [dst=NAMES]
 *   FRAME HH:MM:SS.uuuuuu SRC:PORT -> DST:PORT FLOW end REASON [by=SIDE] dur=S.uuuuuus pkts=I/R bytes=I/R DIRECTION ...
 *   FRAME HH:MM:SS.uuuuuu SRC:PORT -> DST:PORT DNS query|response ID QTYPE QNAME [RCODE] [-> TYPE DATA, ...]
 */
#include "output/table.h"
#include "output/output.h"
#include "dns.h"
#include "flow/flow.h"

/* "comm[pid] " when the process is known, as on the packet lines. */
static void put_proc(struct outbuf *ob, const char *comm, uint32_t pid)
{
	if (!pid && !comm[0])
		return;
	ob_mem(ob, comm[0] ? comm : "?", comm[0] ? strnlen(comm, NS_COMM_MAX) : 1);
	if (pid) {
		ob_putc(ob, '[');
		ob_u64(ob, pid);
		ob_putc(ob, ']');
	}
	ob_putc(ob, ' ');
}

static void put_line_head(struct ns_out *o, uint64_t frame, uint64_t ts,
			  const char *comm, uint32_t pid,
			  const struct ns_addr *src, uint16_t sport,
			  const struct ns_addr *dst, uint16_t dport)
{
	struct outbuf *ob = o->ob;

	ob_u64(ob, frame);
	ob_putc(ob, ' ');
	out_table_time(o, ts);
	put_proc(ob, comm, pid);
	out_table_endpoint(ob, src, true, sport);
	OB_LIT(ob, " -> ");
	out_table_endpoint(ob, dst, true, dport);
}

static void put_seconds(struct outbuf *ob, uint64_t ns)
{
	char *d;

	ob_u64(ob, ns / 1000000000u);
	ob_putc(ob, '.');
	d = ob_reserve(ob, 6);
	ob->len += fmt_u_pad(d, ns % 1000000000u / 1000u, 6);
	ob_putc(ob, 's');
}

static void table_names(struct outbuf *ob, const char *key, const char *const *v, size_t n)
{
	if (n == 0)
		return;
	ob_putc(ob, ' ');
	ob_str(ob, key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_putc(ob, ',');
		ob_str(ob, v[i]);   /* DNS presentation form: printable ASCII, no spaces */
	}
}

void out_table_flow(struct ns_out *o, const struct ns_flow_event *ev, const struct ns_flow_domains *d)
{
	struct outbuf *ob = o->ob;
	put_line_head(o, ev->frame, ev->ts_ns, ev->task.comm, ev->task.pid, &ev->src, ev->src_port, &ev->dst, ev->dst_port);
	if (ev->type == NS_FLOW_EV_BEGIN) {
		OB_LIT(ob, " FLOW begin ");
		ob_str(ob, ns_flow_dir_name(ev->direction));
		if (ev->midstream)
			OB_LIT(ob, " midstream");
	} else {
		const char *by = ns_flow_side_name(ev->terminated_by);
		OB_LIT(ob, " FLOW end ");
		ob_str(ob, ns_flow_reason_name(ev->reason));
		if (by) {
			OB_LIT(ob, " by=");
			ob_str(ob, by);
		}
		OB_LIT(ob, " dur=");
		put_seconds(ob, ev->duration_ns);
		OB_LIT(ob, " pkts=");
		ob_u64(ob, ev->ini_packets);
		ob_putc(ob, '/');
		ob_u64(ob, ev->rsp_packets);
		OB_LIT(ob, " bytes=");
		ob_u64(ob, ev->ini_bytes);
		ob_putc(ob, '/');
		ob_u64(ob, ev->rsp_bytes);
		ob_putc(ob, ' ');
		ob_str(ob, ns_flow_dir_name(ev->direction));
	}
	table_names(ob, "src=", d->src, d->nsrc);
	table_names(ob, "dst=", d->dst, d->ndst);
	for (unsigned i = 0; i < ev->nencap; i++) {
		const struct ns_encap *e = &ev->encap[i];
		const char *id = ns_encap_id_name(e->type);

		OB_LIT(ob, " in=");
		ob_str(ob, ns_encap_name(e->type));
		if (id && e->has_id) {
			ob_putc(ob, ':');
			ob_u64(ob, e->id);
		}
	}
	ob_putc(ob, '\n');
}

void out_table_dns(struct ns_out *o, const struct ns_packet *pkt, uint16_t sport,
		      uint16_t dport, const struct ns_dns *m)
{
	struct outbuf *ob = o->ob;
	const char *rc = ns_dns_rcode_name(m->rcode);

	put_line_head(o, pkt->ctx ? pkt->ctx->frame : 0, pkt->ctx ? pkt->ctx->ts_ns : 0,
		      pkt->ctx ? pkt->ctx->task.comm : "", pkt->ctx ? pkt->ctx->task.pid : 0,
		      &pkt->src, sport, &pkt->dst, dport);
	OB_LIT(ob, " DNS ");
	if (m->qr)
		OB_LIT(ob, "response");
	else
		OB_LIT(ob, "query");
	OB_LIT(ob, " id=");
	ob_u64(ob, m->id);
	for (uint8_t i = 0; i < m->nq; i++) {
		const char *t = ns_dns_type_name(m->q[i].type);
		ob_putc(ob, ' ');
		if (t)
			ob_str(ob, t);
		else
			ob_u64(ob, m->q[i].type);
		ob_putc(ob, ' ');
		ob_str(ob, m->q[i].name);
	}
	if (m->qr && m->rcode != 0) {
		OB_LIT(ob, " [");
		if (rc)
			ob_str(ob, rc);
		else
			ob_u64(ob, m->rcode);
		ob_putc(ob, ']');
	}
	for (uint8_t i = 0; i < m->nan; i++) {
		const struct ns_dns_rr *rr = &m->an[i];
		const char *t = ns_dns_type_name(rr->type);
		if (i)
			OB_LIT(ob, ", ");
		else
			OB_LIT(ob, " -> ");
		if (t)
			ob_str(ob, t);
		else
			ob_u64(ob, rr->type);
		if (rr->addr.family) {
			ob_putc(ob, ' ');
			ob_addr(ob, &rr->addr);
		} else if (rr->has_target) {
			ob_putc(ob, ' ');
			ob_str(ob, rr->target);
		}
	}
	if (m->errors)
		OB_LIT(ob, " [partial]");
	ob_putc(ob, '\n');
}
