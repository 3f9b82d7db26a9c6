/* Output formats (src/output/): what every format is given to write.
 *
 * The records are: packet events, flow events, DNS events, per-packet TCP
 * analysis events (read --analysis), and per-connection analysis records.
 */
#ifndef NETSIFT_OUTPUT_H
#define NETSIFT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "dissect.h"

struct ns_flow_event;
struct ns_dns;
struct ns_an_pkt;
struct ns_an_conn;

/* Which packet events a decoded packet yields under the mask `events`
 * (a subset of NS_EV_PACKET_ALL; 0 = none). */
uint32_t out_packet_events(const struct ns_packet *pkt, uint32_t events);

/* Is the transport header readable enough for a transport event (its first
 * 4 bytes captured, and not a non-first fragment)? */
bool out_has_transport(const struct ns_packet *pkt);

/* The names the DNS cache gives the two ends of a flow, as of its first
 * packet (so begin and end agree). */
#define NS_FLOW_MAX_DOMAINS 8
struct ns_flow_domains {
	const char *src[NS_FLOW_MAX_DOMAINS], *dst[NS_FLOW_MAX_DOMAINS];
	size_t nsrc, ndst;
};

#endif
