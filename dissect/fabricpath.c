/* fabricpath: Cisco FabricPath (MAC-in-MAC with hierarchical addresses).
 *
 * Not an ethertype after an ordinary Ethernet header but a different outer
 * header: outer DA(6) and SA(6) in FabricPath's hierarchical format
 * (end node id, U/L, I/G, OOO, switch id(12), sub-switch id(8), LID(16)),
 * ethertype 0x8903, FTag(10)/TTL(6), then the whole inner Ethernet frame.
 * tshark's cfp dissector finds it the same way: an Ethernet heuristic on
 * 0x8903 at offset 12 of the frame, so this decoder takes the frame from its
 * first byte and is called where a whole Ethernet frame is decoded.
 * id = the switch id of a unicast outer DA (a multicast DA has none).
 */
#include "dissect.h"
#include "bytes.h"

#define FP_HDR_LEN   16u
#define FP_ETHERTYPE 0x8903u
#define FP_IG_BIT    0x01u

int ns_decode_fabricpath(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_FABRICPATH };

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, FP_HDR_LEN)) {
		pkt->flags |= NS_F_BAD_ENCAP | (caplen < len ? NS_F_TRUNCATED : 0);
		return -1;
	}
	if (ns_get16(data + 12) != FP_ETHERTYPE) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	if (!(data[0] & FP_IG_BIT)) {
		e.has_id = true;
		e.id = (uint32_t)(data[1] & 0x0fu) << 8 | data[2];
	}
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data + FP_HDR_LEN,
			      caplen - FP_HDR_LEN, len - FP_HDR_LEN);
}
