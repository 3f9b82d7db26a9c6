/* Flow and DNS events for the pipeline: net_flow_tcp_begin, net_flow_tcp_end
 * and net_packet_dns, in JSON and in the table form.
 *
 * One struct ns_flowout holds the flow table (flow.c), the DNS cache
 * (dnscache.c) and a DNS decode buffer; it is registered as a pipeline
 * consumer, so `netsift read` and `netsift trace` produce the same flow
 * events from the same packets. DNS responses (UDP or TCP port 53) feed the
 * cache whenever flow events are selected; net_packet_dns is written only if
 * selected.
 */
#ifndef NETSIFT_OUT_FLOW_H
#define NETSIFT_OUT_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline.h"
#include "flow.h"

struct ns_flowout_opts {
	uint32_t max_flows;      /* --max-flows, 0 = NS_FLOW_DEFAULT_MAX */
	uint64_t timeout_ns;     /* --flow-timeout, 0 = NS_FLOW_DEFAULT_TIMEOUT_NS */
	bool no_capture_end;     /* --no-capture-end */
	uint32_t dns_cache_max;  /* 0 = NS_DNSCACHE_DEFAULT_MAX */
	bool stats;              /* print flow/DNS counters to stderr at the end */
};

/* getopt_long entries and their codes, for the commands that take them. */
enum {
	NS_FLOWOUT_OPT_MAX_FLOWS = 0x1f00,
	NS_FLOWOUT_OPT_TIMEOUT,
	NS_FLOWOUT_OPT_NO_CAPTURE_END,
};
#define NS_FLOWOUT_LONG_OPTS \
	{ "max-flows",      required_argument, NULL, NS_FLOWOUT_OPT_MAX_FLOWS }, \
	{ "flow-timeout",   required_argument, NULL, NS_FLOWOUT_OPT_TIMEOUT }, \
	{ "no-capture-end", no_argument,       NULL, NS_FLOWOUT_OPT_NO_CAPTURE_END }
#define NS_FLOWOUT_USAGE \
	"      --max-flows N    track at most N TCP flows at once (default 262144); when\n" \
	"                       full, the least recently active flow ends (idle_timeout)\n" \
	"      --flow-timeout S end a flow idle for S seconds of packet time (default 300)\n" \
	"      --no-capture-end do not end the flows still open at the end of the input\n"

/* Is c one of the codes above? Then apply it: 0, or -1 with a message in err. */
bool ns_flowout_is_opt(int c);
int ns_flowout_parse_opt(int c, const char *arg, struct ns_flowout_opts *o,
			 char *err, size_t errlen);

struct ns_flowout;

/* NULL with *err set on allocation failure. With no flow or DNS bit in
 * `events` it still works and does nothing. */
struct ns_flowout *ns_flowout_new(const struct ns_flowout_opts *o, uint32_t events,
				  char *err, size_t errlen);
void ns_flowout_free(struct ns_flowout *fo);
/* Back to the state ns_flowout_new() gave (empty tables, zero counters)
 * without reallocating: the fuzz harnesses reuse one per input. */
int ns_flowout_reset(struct ns_flowout *fo);

/* Does `events` need the flow/DNS consumer at all? */
bool ns_flowout_wanted(uint32_t events);

/* The consumer to hand to pipeline_add_consumer(). */
struct ns_consumer ns_flowout_consumer(struct ns_flowout *fo);

/* The consumer's steps, for sources that do not go through a pipeline. */
void ns_flowout_packet(struct ns_flowout *fo, struct pipeline *p, const struct ns_packet *pkt);
void ns_flowout_end_source(struct ns_flowout *fo, struct pipeline *p);

#endif
