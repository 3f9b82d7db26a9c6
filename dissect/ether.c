/* ether: an Ethernet frame inside a tunnel, and 802.1Q/802.1ad tags.
 *
 * The capture's own link header is link.c's; this is the frame a tunnel
 * carries (VXLAN, GENEVE, GRE transparent bridging, ERSPAN, EtherIP, PBB...):
 * destination and source MAC, then an ethertype (VLAN tags are dispatched
 * through ns_decode_ethertype like any other). An 802.3 length in place of
 * the type carries LLC, which is not IP for us.
 */
#include "dissect.h"
#include "bytes.h"

#define ETH_HDR_LEN   14u
#define ETH_MIN_TYPE  0x0600u
#define VLAN_TAG_LEN  4u

int ns_decode_ether_frame(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	uint16_t type;

	if (!ns_have(caplen, 0, ETH_HDR_LEN) || len < ETH_HDR_LEN) {
		pkt->flags |= NS_F_BAD_ENCAP | NS_F_TRUNCATED;
		return -1;
	}
	type = ns_get16(data + 12);
	if (type == 0x8903)
		return ns_decode_fabricpath(data, caplen, len, pkt);	/* its own outer header */
	/* An 802.3 length (LLC follows): no IP. No payload: see ns_empty_inner. */
	if (type < ETH_MIN_TYPE)
		return -1;
	if (caplen == ETH_HDR_LEN && ns_empty_inner(pkt, len > ETH_HDR_LEN))
		return -1;
	return ns_decode_ethertype(type, data + ETH_HDR_LEN, caplen - ETH_HDR_LEN,
				   len - ETH_HDR_LEN, pkt);
}

/* One tag: TCI(2) then the next ethertype(2). The VLAN id is recorded while
 * there is room (the capture's own tags come first, from link.c). */
int ns_decode_vlan(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, VLAN_TAG_LEN) || len < VLAN_TAG_LEN) {
		/* Inside a tunnel, a cut tag is a cut inner frame. */
		pkt->flags |= NS_F_BAD_LINK | NS_F_TRUNCATED | (pkt->nencap ? NS_F_BAD_ENCAP : 0);
		return -1;
	}
	if (caplen == VLAN_TAG_LEN)
		return -1;	/* no payload captured */
	if (pkt->link.nvlan < NS_MAX_VLAN)
		pkt->link.vlan_id[pkt->link.nvlan++] = ns_get16(data) & 0x0fff;
	return ns_decode_ethertype(ns_get16(data + 2), data + VLAN_TAG_LEN, caplen - VLAN_TAG_LEN,
				   len - VLAN_TAG_LEN, pkt);
}
