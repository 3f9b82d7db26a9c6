/* vntag: Cisco VN-Tag (802.1Qbh draft), ethertype 0x8926.
 *
 * d(1) p(1) dst_vif(14) l(1) r(1) ver(2) src_vif(12), then the ethertype of
 * the payload. id = the destination VIF (a VIF list id when p is set; tshark
 * shows the same 14 bits either way).
 */
#include "dissect.h"
#include "bytes.h"

#define VNTAG_LEN 4u

int ns_decode_vntag(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_VNTAG, .has_id = true };
	uint16_t type;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, VNTAG_LEN + 2)) {
		pkt->flags |= NS_F_BAD_ENCAP | (caplen < len ? NS_F_TRUNCATED : 0);
		return -1;
	}
	e.id = ns_get16(data) & 0x3fffu;
	type = ns_get16(data + VNTAG_LEN);
	return ns_encap_enter_ethertype(pkt, &e, type, data + VNTAG_LEN + 2,
					caplen - VNTAG_LEN - 2, len - VNTAG_LEN - 2);
}
