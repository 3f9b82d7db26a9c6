/* Helpers shared by the writers of the analysis report: the verdict
 * (src/analyze_verdict.c) and each output format's analysis records
 * (src/output/). Internal to those files. */
#ifndef NETSIFT_ANALYZE_REPORT_H
#define NETSIFT_ANALYZE_REPORT_H

#include "analyze.h"
#include "communityid.h"
#include "outbuf.h"

#define FRAMES_IN_TEXT 8         /* example frames listed per finding in text */

static inline const struct ns_an_dir *side_dir(const struct ns_an_conn *c, int side)
{
	return side == 0 ? &c->init : &c->resp;
}

/* "client"/"server" once a SYN said who opened; else the neutral names. */
static inline const char *who(const struct ns_an_conn *c, int side)
{
	if (c->syn_seen)
		return side == 0 ? "client" : "server";
	return side == 0 ? "initiator" : "responder";
}

static inline double rel_s(const struct ns_an_conn *c, uint64_t ts)
{
	return ts >= c->capture_t0_ns ? (double)(ts - c->capture_t0_ns) / 1e9 : 0.0;
}

static inline uint64_t retrans_count(const struct ns_an_dir *d)
{
	return ns_an_finding(d, NS_FIND_RETRANS)->count +
	       ns_an_finding(d, NS_FIND_FAST_RETRANS)->count +
	       ns_an_finding(d, NS_FIND_SPURIOUS)->count;
}

/* The connection's Community ID (TCP, initiator first), as every format
 * that shows it writes it; 0, or -1 when it cannot be computed. */
static inline int an_community_id(const struct ns_an_conn *c, uint16_t seed,
				  char out[NS_CID_STRLEN])
{
	struct ns_cid_tuple t = {
		.src = c->init.addr, .dst = c->resp.addr, .proto = 6, .has_ports = true,
		.sport = c->init.port, .dport = c->resp.port,
	};
	return ns_community_id(seed, &t, out);
}

static inline uint64_t rel_ns(const struct ns_an_conn *c, uint64_t ts)
{
	return ts >= c->capture_t0_ns ? ts - c->capture_t0_ns : 0;
}

/* printf("%.6f", ns / 1e9), without printf for whole microseconds. */
void ns_an_ob_secs6(struct outbuf *ob, uint64_t ns);

#endif
