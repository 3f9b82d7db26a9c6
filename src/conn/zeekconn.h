/* Zeek-style connections for conn.log (netsift analyze -o zeek / zeek-json).
 *
 * A connection tracker of its own (not the TCP analysis engine of
 * src/analyze/), fed one decoded packet at a time, that follows Zeek's
 * session logic so that its records line up with Zeek's conn.log:
 *
 *  - TCP: TCPSessionAdapter's endpoint state machine (UpdateStateMachine and
 *    the Update*State helpers), history letters (update_history, ZeroWindow,
 *    DidRxmit, reassembler gaps), sizes from sequence space
 *    (TCP_Endpoint::Size), connection reuse (TCPSessionAdapter::IsReuse: a SYN
 *    after a close or reset starts a new connection even with the same ISN),
 *    and the timers that end a connection, in packet time: attempt
 *    (tcp_attempt_delay 5 s), close and reset delay (5 s), ExpireTimer
 *    (tcp_SYN_timeout 5 s, then every tcp_session_timer 6 s, linger 5 s),
 *    partial close (3 s), inactivity (tcp 5 min) -- zeek/zeek
 *    src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc and
 *    scripts/base/init-bare.zeek.
 *  - Roles: the first packet's sender originates, except that a first packet
 *    from a likely server port to a port that is not one is flipped (TCP only
 *    when that packet is not a plain SYN), history then starts with '^'
 *    (TCPAnalyzer/UDPAnalyzer::WantConnection); a SYN answering a SYN+ACK
 *    with the ISN the SYN+ACK acknowledged flips the roles.
 *  - UDP: endpoints active once they sent, 'D'/'d' history, payload bytes,
 *    udp_inactivity_timeout 1 min. ICMP/ICMPv6: one connection per address
 *    pair and type/counterpart type (or code) as the Community ID maps them,
 *    icmp_inactivity_timeout 1 min, conn_state OTH, payload bytes after the
 *    8-byte ICMP header.
 *  - conn_state: scripts/base/protocols/conn/main.zeek conn_state().
 *
 * Deliberate differences (man netsift-events(7)): the uid is a hash of the
 * connection's 5-tuple and first timestamp (deterministic; Zeek's is random),
 * no service (no protocol detection), local_orig/local_resp unset, no
 * tunnel_parents, no checksum verification ('C'), other IP protocols are not
 * logged.
 */
#ifndef NETSIFT_ZEEKCONN_H
#define NETSIFT_ZEEKCONN_H

#include <stdbool.h>
#include <stdint.h>

#include "dissect.h"
#include "communityid.h"

#define NS_ZK_HIST_MAX 64
#define NS_ZK_UID_LEN 19     /* "C" + 17 base62 digits + NUL */

/* One conn.log record. */
struct ns_zk_conn {
	uint64_t ts_ns;          /* first packet */
	uint64_t last_ns;        /* last packet that counted (Zeek's last_time) */
	char uid[NS_ZK_UID_LEN];
	struct ns_addr orig_h, resp_h;
	uint16_t orig_p, resp_p;
	uint8_t proto;           /* 6, 17, 1, 58 */
	const char *conn_state;
	uint64_t orig_bytes, resp_bytes;   /* written only when the duration is > 0 */
	uint64_t missed_bytes;
	char history[NS_ZK_HIST_MAX + 1];
	uint64_t orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes;
	char community_id[NS_CID_STRLEN];
};

typedef void (*ns_zk_emit_fn)(const struct ns_zk_conn *c, void *user);

struct ns_zk;

/* cid_seed: the Community ID seed. NULL on allocation failure. */
struct ns_zk *ns_zk_new(ns_zk_emit_fn emit, void *user, uint16_t cid_seed);
/* Feed one decoded packet (pkt->ctx gives the time). */
void ns_zk_packet(struct ns_zk *z, const struct ns_packet *pkt);
/* End of input: every connection still open is written, in the order they began. */
void ns_zk_finish(struct ns_zk *z);
void ns_zk_free(struct ns_zk *z);
/* Connections that could not be tracked for lack of memory. */
uint64_t ns_zk_dropped(const struct ns_zk *z);

/* The deterministic uid of a connection: "C" + base62 of a 96-bit hash of
 * the protocol, both endpoints (in either order: the result is the same) and
 * the first packet's time. */
void ns_zk_uid(uint8_t proto, const struct ns_addr *oa, uint16_t op,
	       const struct ns_addr *ra, uint16_t rp, uint64_t ts_ns, char out[NS_ZK_UID_LEN]);

#endif
