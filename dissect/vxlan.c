/* vxlan: Virtual eXtensible LAN (RFC 7348), UDP port 4789.
 *
 * flags(1) reserved(3) VNI(3) reserved(1), then an Ethernet frame. The I flag
 * (0x08) says the VNI is valid; like tshark we decode the frame either way
 * and report the VNI only when I is set.
 */
#include "dissect.h"
#include "bytes.h"

#define VXLAN_HDR_LEN 8u
#define VXLAN_FLAG_I  0x08u

int ns_decode_vxlan(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_VXLAN };

	if (caplen > len)
		caplen = len;
	if (caplen == 0)
		return -1;
	if (!ns_have(caplen, 0, VXLAN_HDR_LEN) || len < VXLAN_HDR_LEN) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	if (caplen == VXLAN_HDR_LEN)
		return -1;	/* no frame captured: the UDP packet stays */
	if (data[0] & VXLAN_FLAG_I) {
		e.has_id = true;
		e.id = ns_get32(data + 4) >> 8;
	}
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data + VXLAN_HDR_LEN,
			      caplen - VXLAN_HDR_LEN, len - VXLAN_HDR_LEN);
}
