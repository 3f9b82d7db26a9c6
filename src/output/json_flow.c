/* Flow and DNS events as JSON: net_flow_tcp_begin, net_flow_tcp_end and
 * net_packet_dns (notes-coord/json-format.md). */
#include <string.h>

#include "output/json.h"
#include "output/output.h"
#include "dns.h"
#include "flow/flow.h"
#include "communityid.h"

static void put_addr_json(struct outbuf *ob, const struct ns_addr *a)
{
	ob_putc(ob, '"');
	ob_addr(ob, a);
	ob_putc(ob, '"');
}

static void json_domains(struct outbuf *ob, const char *name, const char *const *v, size_t n)
{
	oj_arg(ob, false, name, "const char**");
	ob_putc(ob, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_putc(ob, ',');
		ob_json_cstr(ob, v[i]);
	}
	ob_putc(ob, ']');
	oj_arg_end(ob);
}

static void json_u64_arg(struct outbuf *ob, const char *name, uint64_t v)
{
	oj_arg(ob, false, name, "u64");
	ob_u64(ob, v);
	oj_arg_end(ob);
}

static void json_str_arg(struct outbuf *ob, const char *name, const char *v)
{
	oj_arg(ob, false, name, "const char*");
	if (v)
		ob_json_cstr(ob, v);
	else
		OB_LIT(ob, "null");
	oj_arg_end(ob);
}

void oj_flow_ctx(struct ns_ctx *c, const struct ns_flow_event *ev)
{
	memset(c, 0, sizeof(*c));
	c->ts_ns = ev->ts_ns;
	c->frame = ev->frame;
	c->task = ev->task;
}

void out_json_flow(struct ns_out *o, const struct ns_flow_event *ev, const struct ns_flow_domains *d)
{
	struct outbuf *ob = o->ob;
	struct ns_ctx c;
	bool begin = ev->type == NS_FLOW_EV_BEGIN;

	oj_flow_ctx(&c, ev);
	/* "encap" is an extra argument, only for a flow inside tunnels. */
	oj_begin(ob, &c, begin ? "net_flow_tcp_begin" : "net_flow_tcp_end",
		 (begin ? 9u : 15u) + (ev->nencap ? 1u : 0u));
	oj_arg(ob, true, "connectionDirection", "const char*");
	ob_json_cstr(ob, ns_flow_dir_name(ev->direction));
	oj_arg_end(ob);
	oj_arg(ob, false, "srcIP", "const char*");
	put_addr_json(ob, &ev->src);
	oj_arg_end(ob);
	oj_arg(ob, false, "dstIP", "const char*");
	put_addr_json(ob, &ev->dst);
	oj_arg_end(ob);
	oj_arg(ob, false, "srcPort", "u16");
	ob_u64(ob, ev->src_port);
	oj_arg_end(ob);
	oj_arg(ob, false, "dstPort", "u16");
	ob_u64(ob, ev->dst_port);
	oj_arg_end(ob);
	json_domains(ob, "srcDomains", d->src, d->nsrc);
	json_domains(ob, "dstDomains", d->dst, d->ndst);
	if (begin) {
		oj_arg(ob, false, "midstream", "bool");
		if (ev->midstream)
			OB_LIT(ob, "true");
		else
			OB_LIT(ob, "false");
		oj_arg_end(ob);
	} else {
		json_str_arg(ob, "reason", ns_flow_reason_name(ev->reason));
		json_str_arg(ob, "terminatedBy", ns_flow_side_name(ev->terminated_by));
		json_u64_arg(ob, "durationNs", ev->duration_ns);
		json_u64_arg(ob, "initiatorPackets", ev->ini_packets);
		json_u64_arg(ob, "initiatorBytes", ev->ini_bytes);
		json_u64_arg(ob, "responderPackets", ev->rsp_packets);
		json_u64_arg(ob, "responderBytes", ev->rsp_bytes);
	}
	/* Community ID v1 of the connection (the same for begin and end) */
	struct ns_cid_tuple t = {
		.src = ev->src, .dst = ev->dst, .proto = 6, .has_ports = true,
		.sport = ev->src_port, .dport = ev->dst_port,
	};
	char cid[NS_CID_STRLEN];
	json_str_arg(ob, "communityId", ns_community_id(o->cid_seed, &t, cid) == 0 ? cid : NULL);
	if (ev->nencap) {
		oj_arg(ob, false, "encap", "[]trace.Encap");
		ob_json_encap(ob, ev->encap, ev->nencap);
		oj_arg_end(ob);
	}
	oj_end(ob);
}

static void json_name_or_num(struct outbuf *ob, const char *name, uint16_t v)
{
	if (name) {
		ob_json_cstr(ob, name);
	} else {
		ob_putc(ob, '"');
		ob_u64(ob, v);
		ob_putc(ob, '"');
	}
}

/* A question and a resource record both start with name, type and class:
 * opens the object and writes those three members. */
static void json_name_type_class(struct outbuf *ob, const char *name, uint16_t type,
				 uint16_t rclass)
{
	OB_LIT(ob, "{\"name\":");
	ob_json_cstr(ob, name);
	OB_LIT(ob, ",\"type\":");
	json_name_or_num(ob, ns_dns_type_name(type), type);
	OB_LIT(ob, ",\"class\":");
	json_name_or_num(ob, ns_dns_class_name(rclass), rclass);
}

static void json_rr_data(struct outbuf *ob, const struct ns_dns_rr *rr)
{
	if (rr->addr.family) {
		put_addr_json(ob, &rr->addr);
	} else if (rr->has_target) {
		ob_json_cstr(ob, rr->target);
	} else {
		OB_LIT(ob, "null");
	}
}

static void json_proto_dns(struct outbuf *ob, const struct ns_dns *m)
{
	oj_arg(ob, false, "proto_dns", "trace.ProtoDNS");
	OB_LIT(ob, "{\"ID\":");
	ob_u64(ob, m->id);
	OB_LIT(ob, ",\"QR\":");
	ob_u64(ob, m->qr);
	OB_LIT(ob, ",\"opCode\":");
	json_name_or_num(ob, ns_dns_opcode_name(m->opcode), m->opcode);
	OB_LIT(ob, ",\"AA\":");
	ob_u64(ob, m->aa);
	OB_LIT(ob, ",\"TC\":");
	ob_u64(ob, m->tc);
	OB_LIT(ob, ",\"RD\":");
	ob_u64(ob, m->rd);
	OB_LIT(ob, ",\"RA\":");
	ob_u64(ob, m->ra);
	OB_LIT(ob, ",\"Z\":");
	ob_u64(ob, m->z);
	OB_LIT(ob, ",\"responseCode\":");
	json_name_or_num(ob, ns_dns_rcode_name(m->rcode), m->rcode);
	OB_LIT(ob, ",\"QDCount\":");
	ob_u64(ob, m->qdcount);
	OB_LIT(ob, ",\"ANCount\":");
	ob_u64(ob, m->ancount);
	OB_LIT(ob, ",\"NSCount\":");
	ob_u64(ob, m->nscount);
	OB_LIT(ob, ",\"ARCount\":");
	ob_u64(ob, m->arcount);
	OB_LIT(ob, ",\"questions\":[");
	for (uint8_t i = 0; i < m->nq; i++) {
		if (i)
			ob_putc(ob, ',');
		json_name_type_class(ob, m->q[i].name, m->q[i].type, m->q[i].qclass);
		ob_putc(ob, '}');
	}
	OB_LIT(ob, "],\"answers\":[");
	for (uint8_t i = 0; i < m->nan; i++) {
		const struct ns_dns_rr *rr = &m->an[i];
		if (i)
			ob_putc(ob, ',');
		json_name_type_class(ob, rr->name, rr->type, rr->rclass);
		OB_LIT(ob, ",\"TTL\":");
		ob_u64(ob, rr->ttl);
		OB_LIT(ob, ",\"data\":");
		json_rr_data(ob, rr);
		ob_putc(ob, '}');
	}
	/* true when counts promised more than could be read */
	OB_LIT(ob, "],\"partial\":");
	if (m->errors)
		OB_LIT(ob, "true");
	else
		OB_LIT(ob, "false");
	ob_putc(ob, '}');
	oj_arg_end(ob);
}

void out_json_dns(struct ns_out *o, const struct ns_packet *pkt, uint16_t sport,
		  uint16_t dport, const struct ns_dns *m)
{
	struct outbuf *ob = o->ob;
	(void)sport;
	(void)dport;
	oj_begin(ob, pkt->ctx, "net_packet_dns", 6);
	oj_packet_args(ob, pkt);
	json_proto_dns(ob, m);
	oj_end(ob);
}
