/* Flow and DNS events: the pipeline consumer that runs the flow tracker and
 * the DNS cache, and hands net_flow_tcp_begin / net_flow_tcp_end /
 * net_packet_dns to the output format (src/output/: JSON in json_flow.c,
 * table lines in table_flow.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_flow.h"
#include "output/output.h"
#include "dns.h"
#include "dnscache.h"
#include "bytes.h"

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

/* ---- flow events ---- */

/* Names as of the flow's first packet, so begin and end agree and a long
 * connection keeps the name its DNS answer gave even after the TTL ran out. */
static void lookup_domains(const struct ns_flowout *fo, const struct ns_flow_event *ev,
			   struct ns_flow_domains *d)
{
	d->nsrc = ns_dnscache_lookup(fo->cache, &ev->src, ev->start_ns, d->src, NS_FLOW_MAX_DOMAINS);
	d->ndst = ns_dnscache_lookup(fo->cache, &ev->dst, ev->start_ns, d->dst, NS_FLOW_MAX_DOMAINS);
}
static void on_flow_event(const struct ns_flow_event *ev, void *user)
{
	struct ns_flowout *fo = user;
	struct pipeline *p = fo->p;
	uint32_t bit = ev->type == NS_FLOW_EV_BEGIN ? NS_EV_FLOW_BEGIN : NS_EV_FLOW_END;
	struct ns_flow_domains d;

	if (!p || !p->emit || !(fo->events & bit) || p->ob->err || !p->out.fmt->flow)
		return;
	lookup_domains(fo, ev, &d);
	p->out.fmt->flow(&p->out, ev, &d);
	p->st.events++;
}

/* ---- net_packet_dns ---- */

/* One decoded DNS message of pkt: cache its answers, write its event. */
static void dns_message(struct ns_flowout *fo, struct pipeline *p, const struct ns_packet *pkt,
			uint16_t sport, uint16_t dport)
{
	const struct ns_dns *m = &fo->msg;

	fo->dns_messages++;
	if (fo->cache && pkt->ctx)
		fo->dns_answers_cached += ns_dnscache_add_response(fo->cache, m, pkt->ctx->ts_ns);
	if (!(fo->events & NS_EV_DNS) || !p->emit || p->ob->err || !p->out.fmt->dns)
		return;
	p->out.fmt->dns(&p->out, pkt, sport, dport, m);
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

/* Entries dropped to make room (flow table full, DNS cache full). */
static uint64_t drops(const struct ns_flowout *fo)
{
	const struct ns_flow_stats *st;

	if (!fo->flows)
		return 0;
	st = ns_flow_get_stats(fo->flows);
	return st->evicted_full + st->evicted_halfopen + st->evicted_closed +
	       ns_dnscache_evicted(fo->cache);
}

static void print_stats(const struct ns_flowout *fo)
{
	const struct ns_flow_stats *st;

	if (!fo->flows)
		return;
	st = ns_flow_get_stats(fo->flows);
	fprintf(stderr,
		"netsift: flow stats: tcp_packets=%llu begins=%llu ends=%llu expired_idle=%llu "
		"evicted_full=%llu evicted_halfopen=%llu evicted_closed=%llu max_active=%u "
		"dns_messages=%llu dns_cached=%llu dns_evicted=%llu\n",
		(unsigned long long)st->tcp_packets, (unsigned long long)st->begins,
		(unsigned long long)st->ends, (unsigned long long)st->expired_idle,
		(unsigned long long)st->evicted_full,
		(unsigned long long)st->evicted_halfopen,
		(unsigned long long)st->evicted_closed, st->max_active,
		(unsigned long long)fo->dns_messages,
		(unsigned long long)fo->dns_answers_cached,
		(unsigned long long)ns_dnscache_evicted(fo->cache));
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
	if (fo->flows) {
		ns_flow_finish(fo->flows, fo->capture_end);
		p->st.flow_encap_nomem = ns_flow_get_stats(fo->flows)->encap_nomem;
	}
	/* nothing dropped without a count: the line also without -v when the
	 * table or the cache had to drop an entry */
	if (fo->stats || drops(fo))
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

int ns_flowout_reset(struct ns_flowout *fo)
{
	fo->p = NULL;
	fo->dns_messages = fo->dns_answers_cached = 0;
	if (fo->flows)
		ns_flow_clear(fo->flows);
	if (fo->cache)
		ns_dnscache_clear(fo->cache);
	return 0;
}

void ns_flowout_free(struct ns_flowout *fo)
{
	if (!fo)
		return;
	ns_flow_free(fo->flows);
	ns_dnscache_free(fo->cache);
	free(fo);
}

