/* pppoe: PPP over Ethernet session stage (RFC 2516), ethertype 0x8864.
 *
 * ver(4)=1 type(4)=1, code(1)=0, session id(2), length(2), then a PPP frame
 * (protocol field, no address/control bytes) of `length` bytes; what follows
 * it in the frame is Ethernet padding. id = the session id. The discovery
 * stage (0x8863) carries no IP and is not registered.
 */
#include "dissect.h"
#include "bytes.h"

#define PPPOE_HDR_LEN   6u
#define PPPOE_VER_TYPE  0x11u
#define PPPOE_CODE_SESS 0x00u

int ns_decode_pppoe(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_PPPOE, .has_id = true };
	uint32_t plen;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, PPPOE_HDR_LEN)) {
		pkt->flags |= NS_F_BAD_ENCAP | (caplen < len ? NS_F_TRUNCATED : 0);
		return -1;
	}
	if (data[0] != PPPOE_VER_TYPE || data[1] != PPPOE_CODE_SESS) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	e.id = ns_get16(data + 2);
	plen = ns_get16(data + 4);
	len -= PPPOE_HDR_LEN;
	caplen -= PPPOE_HDR_LEN;
	/* The length field ends the PPP frame before any padding. One larger
	 * than the frame is flagged on the outer layer; the frame is the truth. */
	if (plen <= len)
		len = plen;
	else
		pkt->flags |= NS_F_BAD_LENGTH;
	if (caplen > len)
		caplen = len;
	return ns_encap_enter(pkt, &e, ns_decode_ppp, data + PPPOE_HDR_LEN, caplen, len);
}
