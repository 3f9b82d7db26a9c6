/* pbb: IEEE 802.1ah Provider Backbone Bridges (MAC-in-MAC), ethertype 0x88e7.
 *
 * The I-TAG: I-PCP(3) I-DEI(1) UCA(1) reserved(3) I-SID(24), then the whole
 * customer frame (C-DA, C-SA, ethertype...). id = the I-SID. The backbone
 * B-TAG (0x88a8) before it is an ordinary VLAN tag.
 */
#include "dissect.h"
#include "bytes.h"

#define PBB_ITAG_LEN 4u

int ns_decode_pbb(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_PBB, .has_id = true };

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, PBB_ITAG_LEN)) {
		pkt->flags |= NS_F_BAD_ENCAP | (caplen < len ? NS_F_TRUNCATED : 0);
		return -1;
	}
	e.id = ns_get32(data) & 0x00ffffffu;
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data + PBB_ITAG_LEN,
			      caplen - PBB_ITAG_LEN, len - PBB_ITAG_LEN);
}
