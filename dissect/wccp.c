/* wccp: Web Cache Communication Protocol redirection in GRE (protocol 0x883e).
 *
 * WCCPv1 puts the redirected IPv4 packet right after the GRE header; WCCPv2
 * (draft-mclaggan-wccp-v2rev1 section 4.12) adds a 4-byte redirect header
 * first (flags, service id, alternate and primary bucket). Both use the same
 * GRE protocol, so, as Wireshark does, a first byte that does not begin an
 * IPv4 header (version nibble 4) means the redirect header is there.
 */
#include "dissect.h"
#include "bytes.h"

#define WCCP2_REDIRECT_LEN 4u

int ns_decode_wccp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_WCCP };
	uint32_t off = 0;

	if (caplen > len)
		caplen = len;
	if (caplen == 0)
		return -1;
	if (data[0] >> 4 != 4) {
		off = WCCP2_REDIRECT_LEN;
		if (!ns_have(caplen, 0, off)) {
			pkt->flags |= NS_F_BAD_ENCAP;
			return -1;
		}
		if (caplen == off)
			return -1;
	}
	return ns_encap_enter(pkt, &e, ns_decode_ipv4, data + off, caplen - off, len - off);
}
