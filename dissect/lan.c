/* lan: LAN link types other than Ethernet: FDDI, Token Ring, IP over Fibre
 * Channel, IP over InfiniBand, IP over IEEE 1394, and Hilscher netANALYZER
 * (Ethernet behind a 4-byte status header).
 *
 * FDDI, Token Ring and Fibre Channel carry 802.2 LLC (link.c's, shared);
 * the others name an ethertype or hold an Ethernet frame.
 */
#include "link.h"

#define FDDI_HDR_LEN         13	/* frame control, dst(6), src(6) */
#define FDDI_FC_CLFF         0xf0	/* class, length, format bits */
#define FDDI_FC_LLC_ASYNC    0x50	/* asynchronous LLC frame */

#define TR_HDR_LEN           14	/* access control, frame control, dst(6), src(6) */
#define TR_FC_LLC            0x40	/* frame type bits 01: LLC frame */
#define TR_FC_TYPE_MASK      0xc0
#define TR_SRC_ROUTE         0x80	/* in the first source byte: routing info follows */
#define TR_RIF_LEN_MASK      0x1f	/* routing control: RIF length in bytes */

#define IPFC_HDR_LEN         16	/* network header: dst(8), src(8) (RFC 2625) */

#define NETANALYZER_HDR_LEN  4
#define NETANALYZER_PREAMBLE 8	/* 7-byte preamble + SFD, transparent mode */
#define ETH_FCS_LEN          4

#define IPOIB_HDR_LEN        44	/* as tcpdump: addresses, then the ethertype at 40 */
#define IPOIB_TYPE_OFF       40

#define IEEE1394_HDR_LEN     18	/* dst EUI-64(8), src EUI-64(8), ethertype(2) */

int ns_link_fddi(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, FDDI_HDR_LEN))
		return ns_link_truncated(pkt);
	if ((p[0] & FDDI_FC_CLFF) != FDDI_FC_LLC_ASYNC) {
		/* SMT, MAC, void, token frames: no LLC */
		pkt->link.hdr_len = FDDI_HDR_LEN;
		pkt->link.ethertype = 0;
		return 0;
	}
	return ns_link_llc(p, caplen, FDDI_HDR_LEN, pkt);
}

/* Token Ring (802.5): when the source address's top bit is set a routing
 * information field follows, its length in the low 5 bits of its first byte. */
int ns_link_token_ring(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t off = TR_HDR_LEN;

	if (!ns_have(caplen, 0, TR_HDR_LEN))
		return ns_link_truncated(pkt);
	if (p[8] & TR_SRC_ROUTE) {
		if (!ns_have(caplen, off, 1))
			return ns_link_truncated(pkt);
		off += p[off] & TR_RIF_LEN_MASK;
	}
	if ((p[1] & TR_FC_TYPE_MASK) != TR_FC_LLC) {
		/* a MAC frame: ring management, not LLC */
		if (off > caplen)
			return ns_link_truncated(pkt);
		pkt->link.hdr_len = (uint16_t)off;
		pkt->link.ethertype = 0;
		return 0;
	}
	return ns_link_llc(p, caplen, off, pkt);
}

int ns_link_ipfc(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, IPFC_HDR_LEN))
		return ns_link_truncated(pkt);
	return ns_link_llc(p, caplen, IPFC_HDR_LEN, pkt);
}

/* netANALYZER: a 4-byte status header, then the Ethernet frame with its FCS. */
int ns_link_netanalyzer(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, NETANALYZER_HDR_LEN))
		return ns_link_truncated(pkt);
	if (ns_link_ether_at(p, caplen, NETANALYZER_HDR_LEN, pkt) < 0)
		return -1;
	pkt->link.trailer_len = ETH_FCS_LEN;
	return 0;
}

/* netANALYZER transparent mode: the status header, the preamble and SFD,
 * then the Ethernet frame with its FCS. */
int ns_link_netanalyzer_transparent(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, NETANALYZER_HDR_LEN + NETANALYZER_PREAMBLE))
		return ns_link_truncated(pkt);
	if (ns_link_ether_at(p, caplen, NETANALYZER_HDR_LEN + NETANALYZER_PREAMBLE, pkt) < 0)
		return -1;
	pkt->link.trailer_len = ETH_FCS_LEN;
	return 0;
}

int ns_link_ipoib(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, IPOIB_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = IPOIB_HDR_LEN;
	pkt->link.ethertype = ns_get16(p + IPOIB_TYPE_OFF);
	return 0;
}

int ns_link_ieee1394(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, IEEE1394_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = IEEE1394_HDR_LEN;
	pkt->link.ethertype = ns_get16(p + 16);
	return 0;
}
