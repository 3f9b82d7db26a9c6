/* netsift TCP flow tracker: net_flow_tcp_begin / net_flow_tcp_end.
 *
 * Pure logic (no I/O): fed one dissected packet at a time, by `netsift read`
 * and by live tracing alike, it calls back with flow events. The table is a
 * fixed pool of max_flows entries allocated at creation (pages are touched
 * only as flows are used), a hash keyed by the 4-tuple (both directions map
 * to one entry), and three LRU lists (half-open, open, closed) so idle expiry
 * by packet time costs O(1) per packet. Nothing is allocated per packet.
 *
 * Per connection (see man netsift-events(7)):
 *  - SYN: remembered (initiator = its sender, ISN); no event yet.
 *  - SYN+ACK (or, if it was not captured, the first later packet after the
 *    SYN): begin. Without any SYN seen, the first packet begins the flow with
 *    midstream=true (initiator inferred from the ports, direction "unknown").
 *  - first FIN or RST after begin: end (reason fin/rst, terminatedBy the
 *    sender's role). The entry lingers, closed, so trailing packets of the
 *    close do not start a new flow.
 *  - a SYN refused (RST) or never answered: no events at all. A SYN+ACK
 *    answering the SYN after such a RST (one injected by a middlebox) still
 *    begins the flow.
 *  - a SYN+ACK captured before its SYN: begin; the SYN is part of the flow.
 *  - a new SYN (different ISN) on an open 4-tuple: the old flow ends
 *    (reason port_reuse), a new one starts.
 *  - idle longer than the timeout, or evicted because the table is full:
 *    end with reason idle_timeout; still open at the end of input:
 *    capture_end (ns_flow_finish).
 */
#ifndef NETSIFT_FLOW_H
#define NETSIFT_FLOW_H

#include <stdint.h>
#include <stdbool.h>
#include "dissect.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ns_flow_evtype { NS_FLOW_EV_BEGIN = 1, NS_FLOW_EV_END = 2 };

enum ns_flow_reason {
	NS_FLOW_R_NONE = 0,
	NS_FLOW_R_FIN,
	NS_FLOW_R_RST,
	NS_FLOW_R_IDLE,          /* idle past the timeout, or evicted (table full) */
	NS_FLOW_R_CAPTURE_END,
	NS_FLOW_R_PORT_REUSE,    /* a new SYN on the 4-tuple while it was open */
};

enum ns_flow_side { NS_FLOW_SIDE_NONE = 0, NS_FLOW_SIDE_INITIATOR, NS_FLOW_SIDE_RESPONDER };
enum ns_flow_dir { NS_FLOW_DIR_UNKNOWN = 0, NS_FLOW_DIR_INCOMING, NS_FLOW_DIR_OUTGOING };

struct ns_flow_event {
	uint8_t type;            /* enum ns_flow_evtype */
	uint8_t reason;          /* enum ns_flow_reason (end only) */
	uint8_t terminated_by;   /* enum ns_flow_side (end by fin/rst only, else NONE) */
	uint8_t direction;       /* enum ns_flow_dir */
	bool midstream;
	uint64_t ts_ns;          /* time of the packet that triggered the event */
	uint64_t frame;          /* and its frame number */
	/* begin: src = initiator. end: src = the side that sent the FIN/RST; for
	 * the other reasons src = initiator. */
	struct ns_addr src, dst;
	uint16_t src_port, dst_port;
	uint64_t start_ns;       /* first packet of the flow: DNS names are looked up as of then */
	uint64_t duration_ns;    /* end: ts_ns - start_ns */
	uint64_t ini_packets, ini_bytes, rsp_packets, rsp_bytes;  /* bytes: IP-level */
	/* process attribution: the first packet of the flow that had one */
	struct ns_task task;     /* task.proc interned (src/procctx.h), NULL if unknown */
	/* the tunnels the flow's first packet came through (valid during the callback) */
	const struct ns_encap *encap;
	uint8_t nencap;
};

typedef void (*ns_flow_emit_fn)(const struct ns_flow_event *ev, void *user);

#define NS_FLOW_DEFAULT_MAX (1u << 18)                 /* 262144 flows */
#define NS_FLOW_DEFAULT_TIMEOUT_NS (300ull * 1000000000ull)
#define NS_FLOW_HALFOPEN_TIMEOUT_NS (60ull * 1000000000ull)
/* Closed entries are kept this long after their last packet (packet time):
 * longer than Linux's largest retransmission interval (TCP_RTO_MAX, 120 s),
 * so FINs retransmitted after the close find their connection. */
#define NS_FLOW_CLOSED_LINGER_NS (130ull * 1000000000ull)

struct ns_flow_config {
	uint32_t max_flows;          /* entries in the pool (open, half-open and closed); 0 = default */
	uint64_t timeout_ns;         /* idle timeout of an open flow; 0 = default */
	uint64_t halfopen_timeout_ns;/* SYN not answered; 0 = min(60 s, timeout) */
	uint64_t linger_ns;          /* closed entry kept for trailing packets; 0 = NS_FLOW_CLOSED_LINGER_NS */
	uint64_t seed;               /* hash seed; 0 = NS_HASH_DEFAULT_SEED */
};

struct ns_flow_stats {
	uint64_t tcp_packets;        /* TCP packets looked at */
	uint64_t ignored;            /* TCP without flags captured, or lone RST */
	uint64_t begins, ends;
	uint64_t evicted_full;       /* open flows ended because the table was full */
	/* Entries replaced because the table was full that had no begin event
	 * (a SYN not answered yet) or had ended already (kept for trailing
	 * packets): no event is lost, but the SYN+ACK or FIN that follows
	 * then starts a midstream flow. Counted so nothing goes unseen. */
	uint64_t evicted_halfopen;
	uint64_t evicted_closed;
	uint64_t expired_idle;       /* open flows ended by the idle timeout */
	uint32_t active, max_active; /* entries in use (all states) */
	uint64_t encap_nomem;        /* flows whose tunnel list did not fit in memory */
};

struct ns_flow_table;

/* NULL on allocation failure. cfg may be NULL (defaults). */
struct ns_flow_table *ns_flow_new(const struct ns_flow_config *cfg, ns_flow_emit_fn emit, void *user);
void ns_flow_free(struct ns_flow_table *t);

/* Feed one dissected packet (anything: every packet advances the clock and may
 * expire idle flows; only TCP changes flow state). */
void ns_flow_packet(struct ns_flow_table *t, const struct ns_packet *pkt);

/* End of input: end every open flow with reason capture_end, in the order the
 * flows began, timestamp = latest packet time seen, frame = last frame seen.
 * With emit_end false the open flows are dropped silently (--no-capture-end). */
void ns_flow_finish(struct ns_flow_table *t, bool emit_end);

/* Forget every flow (after ns_flow_finish): the next input is a new capture,
 * whose frame numbers and 4-tuples have nothing to do with the last one.
 * Counters are kept. */
void ns_flow_reset(struct ns_flow_table *t);
/* ns_flow_reset() and the counters and flow numbering back to zero: the
 * table as ns_flow_new() made it, without reallocating it. */
void ns_flow_clear(struct ns_flow_table *t);

const struct ns_flow_stats *ns_flow_get_stats(const struct ns_flow_table *t);

const char *ns_flow_reason_name(uint8_t reason);     /* "fin", "rst", ... NULL for none */
const char *ns_flow_side_name(uint8_t side);         /* "initiator", "responder", NULL */
const char *ns_flow_dir_name(uint8_t dir);           /* "incoming", "outgoing", "unknown" */

#ifdef __cplusplus
}
#endif
#endif
