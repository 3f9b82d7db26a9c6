/* Flow and DNS events: the pipeline consumer that runs the flow tracker and
 * the DNS cache, and writes net_flow_tcp_begin / net_flow_tcp_end /
 * net_packet_dns as JSON (notes-coord/json-format.md) or table lines.
 *
 * Table lines, one per event, in the packet lines' layout:
 *   FRAME HH:MM:SS.uuuuuu SRC:PORT -> DST:PORT FLOW begin DIRECTION [midstream] [src=NAMES] [dst=NAMES]
 *   FRAME HH:MM:SS.uuuuuu SRC:PORT -> DST:PORT FLOW end REASON [by=SIDE] dur=S.uuuuuus pkts=I/R bytes=I/R DIRECTION ...
 *   FRAME HH:MM:SS.uuuuuu SRC:PORT -> DST:PORT DNS query|response ID QTYPE QNAME [RCODE] [-> TYPE DATA, ...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_flow.h"
#include "out.h"
#include "dns.h"
#include "dnscache.h"
#include "bytes.h"

#define MAX_DOMAINS 8
#define DNS_PORT 53

struct ns_flowout {
	uint32_t events;
	bool capture_end;
	bool stats;
	struct ns_flow_table *flows;   /* NULL when no flow event is selected */
	struct ns_dnscache *cache;     /* idem */
	struct pipeline *p;            /* the pipeline of the current call */
	struct ns_dns msg;             /* decode scratch: large, not on the stack */
	uint64_t dns_messages, dns_answers_cached;
};

/* ---- options ---- */

bool ns_flowout_is_opt(int c)
{
	return c == NS_FLOWOUT_OPT_MAX_FLOWS || c == NS_FLOWOUT_OPT_TIMEOUT ||
	       c == NS_FLOWOUT_OPT_NO_CAPTURE_END;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int ns_flowout_parse_opt(int c, const char *arg, struct ns_flowout_opts *o,
			 char *err, size_t errlen)
{
	uint64_t v;

	switch (c) {
	case NS_FLOWOUT_OPT_MAX_FLOWS:
		if (parse_u64(arg, 1u << 30, &v) < 0) {
			snprintf(err, errlen, "bad --max-flows '%s' (1 to %u)", arg, 1u << 30);
			return -1;
		}
		o->max_flows = (uint32_t)v;
		return 0;
	case NS_FLOWOUT_OPT_TIMEOUT:
		if (parse_u64(arg, 365ull * 86400, &v) < 0) {
			snprintf(err, errlen, "bad --flow-timeout '%s' (seconds, 1 to %llu)",
				 arg, 365ull * 86400);
			return -1;
		}
		o->timeout_ns = v * 1000000000ull;
		return 0;
	case NS_FLOWOUT_OPT_NO_CAPTURE_END:
		o->no_capture_end = true;
		return 0;
	default:
		snprintf(err, errlen, "not a flow option");
		return -1;
	}
}

/* ---- shared formatting ---- */

static void put_line_head(struct outbuf *ob, uint64_t frame, uint64_t ts,
			  const struct ns_addr *src, uint16_t sport,
			  const struct ns_addr *dst, uint16_t dport)
{
	ob_u64(ob, frame);
	ob_putc(ob, ' ');
	out_table_time(ob, ts);
	ob_putc(ob, ' ');
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

static void put_addr_json(struct outbuf *ob, const struct ns_addr *a)
{
	ob_putc(ob, '"');
	ob_addr(ob, a);
	ob_putc(ob, '"');
}

/* ---- flow events ---- */

struct domains {
	const char *src[MAX_DOMAINS], *dst[MAX_DOMAINS];
	size_t nsrc, ndst;
};

/* Names as of the flow's first packet, so begin and end agree and a long
 * connection keeps the name its DNS answer gave even after the TTL ran out. */
static void lookup_domains(const struct ns_flowout *fo, const struct ns_flow_event *ev,
			   struct domains *d)
{
	d->nsrc = ns_dnscache_lookup(fo->cache, &ev->src, ev->start_ns, d->src, MAX_DOMAINS);
	d->ndst = ns_dnscache_lookup(fo->cache, &ev->dst, ev->start_ns, d->dst, MAX_DOMAINS);
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

static void json_flow(struct outbuf *ob, const struct ns_flow_event *ev, const struct domains *d)
{
	struct ns_ctx c;
	bool begin = ev->type == NS_FLOW_EV_BEGIN;

	memset(&c, 0, sizeof(c));
	c.ts_ns = ev->ts_ns;
	c.frame = ev->frame;
	c.pid = ev->pid;
	c.tid = ev->tid;
	c.uid = ev->uid;
	c.cgroup_id = ev->cgroup_id;
	memcpy(c.comm, ev->comm, sizeof(c.comm));
	/* "encap" is an extra argument, only for a flow inside tunnels. */
	oj_begin(ob, &c, begin ? "net_flow_tcp_begin" : "net_flow_tcp_end",
		 (begin ? 8u : 14u) + (ev->nencap ? 1u : 0u));
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
	if (ev->nencap) {
		oj_arg(ob, false, "encap", "[]trace.Encap");
		ob_json_encap(ob, ev->encap, ev->nencap);
		oj_arg_end(ob);
	}
	oj_end(ob);
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

static void table_flow(struct outbuf *ob, const struct ns_flow_event *ev, const struct domains *d)
{
	put_line_head(ob, ev->frame, ev->ts_ns, &ev->src, ev->src_port, &ev->dst, ev->dst_port);
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

static void on_flow_event(const struct ns_flow_event *ev, void *user)
{
	struct ns_flowout *fo = user;
	struct pipeline *p = fo->p;
	uint32_t bit = ev->type == NS_FLOW_EV_BEGIN ? NS_EV_FLOW_BEGIN : NS_EV_FLOW_END;
	struct domains d;

	if (!p || !p->emit || !(fo->events & bit) || p->ob->err)
		return;
	lookup_domains(fo, ev, &d);
	if (p->fmt == OUT_TABLE)
		table_flow(p->ob, ev, &d);
	else
		json_flow(p->ob, ev, &d);
	p->st.events++;
}

/* ---- net_packet_dns ---- */

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

static void table_dns(struct outbuf *ob, const struct ns_packet *pkt, uint16_t sport,
		      uint16_t dport, const struct ns_dns *m)
{
	const char *rc = ns_dns_rcode_name(m->rcode);

	put_line_head(ob, pkt->ctx ? pkt->ctx->frame : 0, pkt->ctx ? pkt->ctx->ts_ns : 0,
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

/* One decoded DNS message of pkt: cache its answers, write its event. */
static void dns_message(struct ns_flowout *fo, struct pipeline *p, const struct ns_packet *pkt,
			uint16_t sport, uint16_t dport)
{
	const struct ns_dns *m = &fo->msg;

	fo->dns_messages++;
	if (fo->cache && pkt->ctx)
		fo->dns_answers_cached += ns_dnscache_add_response(fo->cache, m, pkt->ctx->ts_ns);
	if (!(fo->events & NS_EV_DNS) || !p->emit || p->ob->err)
		return;
	if (p->fmt == OUT_TABLE) {
		table_dns(p->ob, pkt, sport, dport, m);
	} else {
		oj_begin(p->ob, pkt->ctx, "net_packet_dns", 6);
		oj_packet_args(p->ob, pkt);
		json_proto_dns(p->ob, m);
		oj_end(p->ob);
	}
	p->st.events++;
}

/* DNS over UDP: the datagram is one message. Over TCP: each message has a
 * 2-byte length; without stream reassembly we only take segments made of whole
 * messages (the usual case for queries and small answers). */
static void dns_packet(struct ns_flowout *fo, struct pipeline *p, const struct ns_packet *pkt)
{
	uint16_t sport, dport;
	const uint8_t *d = pkt->payload;
	uint32_t n = pkt->payload_caplen;

	/* A fragment holds part of a message (the reassembled datagram comes
	 * later, whole); an atomic fragment is whole. */
	if (!d || n < 12 || !pkt->first_fragment || pkt->more_fragments)
		return;
	if (pkt->l4 == NS_L4_UDP && pkt->udp.hdr_avail >= 4) {
		sport = pkt->udp.src_port;
		dport = pkt->udp.dst_port;
		if (sport != DNS_PORT && dport != DNS_PORT)
			return;
		if (ns_decode_dns(d, n, &fo->msg) == 0)
			dns_message(fo, p, pkt, sport, dport);
		return;
	}
	if (pkt->l4 != NS_L4_TCP || pkt->tcp.hdr_avail < 4)
		return;
	sport = pkt->tcp.src_port;
	dport = pkt->tcp.dst_port;
	if (sport != DNS_PORT && dport != DNS_PORT)
		return;
	/* whole messages only: check the framing first, then decode */
	uint32_t off = 0;
	while (off < n) {
		if (!ns_have(n, off, 2))
			return;
		uint32_t len = ns_get16(d + off);
		if (len < 12 || !ns_have(n, off + 2, len))
			return;
		off += 2 + len;
	}
	for (off = 0; off < n; off += 2u + ns_get16(d + off))
		if (ns_decode_dns(d + off + 2, ns_get16(d + off), &fo->msg) == 0)
			dns_message(fo, p, pkt, sport, dport);
}

/* ---- the consumer ---- */

bool ns_flowout_wanted(uint32_t events)
{
	return events & (NS_EV_FLOW_ALL | NS_EV_DNS);
}

void ns_flowout_packet(struct ns_flowout *fo, struct pipeline *p, const struct ns_packet *pkt)
{
	fo->p = p;
	/* DNS first: a response and the connection it names can share a frame
	 * only over TCP, and then the answer precedes the new flow anyway. */
	dns_packet(fo, p, pkt);
	if (fo->flows)
		ns_flow_packet(fo->flows, pkt);
}

static void print_stats(const struct ns_flowout *fo)
{
	const struct ns_flow_stats *st;

	if (!fo->flows)
		return;
	st = ns_flow_get_stats(fo->flows);
	fprintf(stderr,
		"netsift: flow stats: tcp_packets=%llu begins=%llu ends=%llu expired_idle=%llu "
		"evicted_full=%llu max_active=%u dns_messages=%llu dns_cached=%llu\n",
		(unsigned long long)st->tcp_packets, (unsigned long long)st->begins,
		(unsigned long long)st->ends, (unsigned long long)st->expired_idle,
		(unsigned long long)st->evicted_full, st->max_active,
		(unsigned long long)fo->dns_messages,
		(unsigned long long)fo->dns_answers_cached);
}

void ns_flowout_end_source(struct ns_flowout *fo, struct pipeline *p)
{
	fo->p = p;
	if (!fo->flows)
		return;
	ns_flow_finish(fo->flows, fo->capture_end);
	ns_flow_reset(fo->flows);
}

static void cons_packet(void *arg, struct pipeline *p, const struct ns_packet *pkt)
{
	ns_flowout_packet(arg, p, pkt);
}

static void cons_end_source(void *arg, struct pipeline *p)
{
	ns_flowout_end_source(arg, p);
}

/* End of all input. A source that has no per-file end (live tracing, stopped
 * by a signal) ends its open flows here; after end_source there are none. */
static void cons_finish(void *arg, struct pipeline *p)
{
	struct ns_flowout *fo = arg;

	fo->p = p;
	if (fo->flows)
		ns_flow_finish(fo->flows, fo->capture_end);
	if (fo->stats)
		print_stats(fo);
}

struct ns_consumer ns_flowout_consumer(struct ns_flowout *fo)
{
	struct ns_consumer c = {
		.name = "flow",
		.arg = fo,
		.packet = cons_packet,
		.end_source = cons_end_source,
		.finish = cons_finish,
	};
	return c;
}

struct ns_flowout *ns_flowout_new(const struct ns_flowout_opts *o, uint32_t events,
				  char *err, size_t errlen)
{
	struct ns_flowout *fo = calloc(1, sizeof(*fo));
	struct ns_flow_config cfg;

	if (!fo) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fo->events = events;
	fo->capture_end = !(o && o->no_capture_end);
	fo->stats = o && o->stats;
	if (events & NS_EV_FLOW_ALL) {
		memset(&cfg, 0, sizeof(cfg));
		if (o) {
			cfg.max_flows = o->max_flows;
			cfg.timeout_ns = o->timeout_ns;
		}
		fo->flows = ns_flow_new(&cfg, on_flow_event, fo);
		fo->cache = ns_dnscache_new(o ? o->dns_cache_max : 0);
		if (!fo->flows || !fo->cache) {
			snprintf(err, errlen, "out of memory for the flow table");
			ns_flowout_free(fo);
			return NULL;
		}
	}
	return fo;
}

void ns_flowout_free(struct ns_flowout *fo)
{
	if (!fo)
		return;
	ns_flow_free(fo->flows);
	ns_dnscache_free(fo->cache);
	free(fo);
}
