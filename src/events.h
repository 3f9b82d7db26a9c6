/* Event selection: one bit per event netsift can emit. The CLI parses -e into a
 * mask; the pipeline and every consumer (packet output, flow tracker, DNS) test
 * their bit. New producers add their event here and in events.c. */
#ifndef NETSIFT_EVENTS_H
#define NETSIFT_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum ns_event {
	NS_EV_IPV4       = 1u << 0,  /* net_packet_ipv4 */
	NS_EV_IPV6       = 1u << 1,  /* net_packet_ipv6 */
	NS_EV_TCP        = 1u << 2,  /* net_packet_tcp */
	NS_EV_UDP        = 1u << 3,  /* net_packet_udp */
	NS_EV_ICMP       = 1u << 4,  /* net_packet_icmp */
	NS_EV_ICMPV6     = 1u << 5,  /* net_packet_icmpv6 */
	NS_EV_FLOW_BEGIN = 1u << 6,  /* net_flow_tcp_begin (flow tracker) */
	NS_EV_FLOW_END   = 1u << 7,  /* net_flow_tcp_end (flow tracker) */
	NS_EV_DNS        = 1u << 8,  /* net_packet_dns (DNS decoder) */
	NS_EV_TCP_ANALYSIS = 1u << 9, /* net_tcp_analysis (read --analysis) */
};

#define NS_EV_PACKET_ALL (NS_EV_IPV4 | NS_EV_IPV6 | NS_EV_TCP | NS_EV_UDP | \
			  NS_EV_ICMP | NS_EV_ICMPV6)
#define NS_EV_FLOW_ALL   (NS_EV_FLOW_BEGIN | NS_EV_FLOW_END)
/* What `netsift read` and `netsift trace` emit without -e: every packet event and the TCP flow events. */
#define NS_EV_DEFAULT    (NS_EV_PACKET_ALL | NS_EV_FLOW_ALL)

struct ns_event_desc {
	const char *name;
	uint32_t bit;
	bool available;  /* false: a name we reserve but do not produce yet */
};

/* All known events, in the order `--help` and error messages list them. */
extern const struct ns_event_desc ns_events[];
extern const size_t ns_nevents;

/* Name of one event bit, NULL if unknown. */
const char *ns_event_name(uint32_t bit);

/* Parse "net_packet_tcp,net_packet_udp" into *mask. On error returns -1 and
 * writes one line (no newline) naming the bad entry and listing valid names. */
int ns_events_parse(const char *list, uint32_t *mask, char *err, size_t errlen);

#endif
