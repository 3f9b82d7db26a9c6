/* etherip: Ethernet frames in IP, IP protocol 97 (RFC 3378).
 *
 * A 2-byte header, version (4 bits, which RFC 3378 fixes at 3) and 12
 * reserved bits, then the Ethernet frame. Another version is not EtherIP as
 * the RFC defines it: the packet stays the outer one, flagged bad_encap.
 */
#include "dissect.h"
#include "bytes.h"

#define ETHERIP_HDR_LEN  2u
#define ETHERIP_VERSION  3u

int ns_decode_etherip(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_ETHERIP };

	if (caplen > len)
		caplen = len;
	if (caplen == 0)
		return -1;	/* none of it captured: the outer IP says truncated */
	if (!ns_have(caplen, 0, ETHERIP_HDR_LEN) || data[0] >> 4 != ETHERIP_VERSION) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	if (caplen == ETHERIP_HDR_LEN)
		return -1;
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data + ETHERIP_HDR_LEN,
			      caplen - ETHERIP_HDR_LEN, len - ETHERIP_HDR_LEN);
}
