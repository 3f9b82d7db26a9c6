/* vxlan_gpe: VXLAN Generic Protocol Extension (draft-ietf-nvo3-vxlan-gpe),
 * UDP port 4790.
 *
 * Flags(8: R R Ver(2) I P B O) Reserved(16) Next Protocol(8) VNI(24)
 * Reserved(8), then the payload the next protocol names: 1 IPv4, 2 IPv6,
 * 3 Ethernet, 4 NSH, 5 MPLS. Those go through the ethertype dispatch (NSH is
 * ethertype 0x894f), so every decoder it knows serves here too. Like
 * Wireshark, the next protocol is read whatever the P bit says; the VNI is
 * reported when the I bit is set. A version other than 0 is not decoded.
 */
#include "dissect.h"
#include "bytes.h"

#define GPE_HDR_LEN   8u
#define GPE_FLAG_I    0x08u
#define GPE_VER(b)    (((b) >> 4) & 0x3u)

static uint16_t gpe_ethertype(uint8_t next)
{
	switch (next) {
	case 1:
		return 0x0800;	/* IPv4 */
	case 2:
		return 0x86dd;	/* IPv6 */
	case 3:
		return 0x6558;	/* Ethernet */
	case 4:
		return 0x894f;	/* NSH */
	case 5:
		return 0x8847;	/* MPLS */
	default:
		return 0;
	}
}

int ns_decode_vxlan_gpe(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_VXLAN_GPE };
	uint16_t type;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, GPE_HDR_LEN) || GPE_VER(data[0]) != 0) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	type = gpe_ethertype(data[3]);
	if (type == 0 || caplen == GPE_HDR_LEN)
		return -1;	/* a payload we do not decode, or none */
	if (data[0] & GPE_FLAG_I) {
		e.has_id = true;
		e.id = ns_get32(data + 4) >> 8;
	}
	return ns_encap_enter_ethertype(pkt, &e, type, data + GPE_HDR_LEN, caplen - GPE_HDR_LEN,
					len - GPE_HDR_LEN);
}
