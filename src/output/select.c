/* What every output format shares: which packet events a packet yields
 * (output.h). */
#include "output/output.h"

#include "events.h"

/* ---- which events a packet has ---- */

uint32_t out_packet_events(const struct ns_packet *pkt, uint32_t events)
{
	uint32_t sel = 0;

	if (pkt->l3 == NS_L3_IPV4)
		sel |= NS_EV_IPV4;
	else if (pkt->l3 == NS_L3_IPV6)
		sel |= NS_EV_IPV6;
	else
		return 0;
	if (out_has_transport(pkt)) {
		switch (pkt->l4) {
		case NS_L4_TCP: sel |= NS_EV_TCP; break;
		case NS_L4_UDP: sel |= NS_EV_UDP; break;
		case NS_L4_ICMP: sel |= NS_EV_ICMP; break;
		case NS_L4_ICMPV6: sel |= NS_EV_ICMPV6; break;
		default: break;
		}
	}
	return sel & events;
}
