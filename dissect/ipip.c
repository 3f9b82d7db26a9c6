/* ipip: IPv4 or IPv6 carried directly in IPv4 or IPv6 (RFC 2003 IP-in-IP,
 * RFC 4213 6in4 / "sit", RFC 2473 4in6 and 6in6). The outer protocol number
 * (4 or 41) says which version follows, as tshark and the kernel read it; a
 * version nibble that disagrees is the inner decoder's bad_version. */
#include "dissect.h"

int ns_decode_ipip(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_IPIP };

	if (caplen < 1)
		return -1;	/* nothing of the inner header: the outer packet stays */
	return ns_encap_enter(pkt, &e, pkt->ipproto == 4 ? ns_decode_ipv4 : ns_decode_ipv6,
			      data, caplen, len);
}
