/* ip_ethernet: an Ethernet frame directly in IP, IP protocol 143 (IANA
 * "Ethernet", used by SRv6 End.DX2 / H.Encaps.L2, RFC 8986): no header of its
 * own, the frame follows the IP header (and the IPv6 routing header). */
#include "dissect.h"

int ns_decode_ip_ethernet(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_IP_ETHERNET };

	if (caplen > len)
		caplen = len;
	if (caplen == 0)
		return -1;	/* none of it captured: the outer IP says truncated */
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data, caplen, len);
}
