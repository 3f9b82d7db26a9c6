/* etag: IEEE 802.1BR bridge port extension E-Tag, ethertype 0x893f.
 *
 * E-PCP(3) E-DEI(1) ingress_E-CID_base(12), reserved(2) GRP(2)
 * E-CID_base(12), ingress_E-CID_ext(8), E-CID_ext(8), then the ethertype of
 * the payload. id = the E-CID, ext << 12 | base (tshark's E-CID).
 */
#include "dissect.h"
#include "bytes.h"

#define ETAG_LEN 6u

int ns_decode_etag(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_ETAG, .has_id = true };
	uint16_t type;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, ETAG_LEN + 2)) {
		pkt->flags |= NS_F_BAD_ENCAP | (caplen < len ? NS_F_TRUNCATED : 0);
		return -1;
	}
	e.id = (uint32_t)data[5] << 12 | (ns_get16(data + 2) & 0x0fffu);
	type = ns_get16(data + ETAG_LEN);
	return ns_encap_enter_ethertype(pkt, &e, type, data + ETAG_LEN + 2,
					caplen - ETAG_LEN - 2, len - ETAG_LEN - 2);
}
