/* pseudo: link types that are a capturing OS's pseudo-header in front of a
 * packet: Solaris IPNET, Apple PKTAP, OpenBSD pflog and enc.
 */
#include "link.h"

/* ---- IPNET: version(1) family(1) htype(2) pktlen(4) ifindex(4)
 * grifindex(4) zsrc(4) zdst(4) ---- */
#define IPNET_HDR_LEN     24
#define IPNET_AF_INET     2
#define IPNET_AF_INET6    26

int ns_link_ipnet(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, IPNET_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = IPNET_HDR_LEN;
	switch (p[1]) {
	case IPNET_AF_INET:
		pkt->link.ethertype = NS_ETHERTYPE_IPV4;
		break;
	case IPNET_AF_INET6:
		pkt->link.ethertype = NS_ETHERTYPE_IPV6;
		break;
	default:
		pkt->link.ethertype = 0;
		break;
	}
	return 0;
}

/* ---- PKTAP: length(4) type_next(4) dlt(4) ifname(24) ..., little-endian
 * (written by Darwin on little-endian hosts); the frame, of the DLT named,
 * follows the header when type_next says it is a packet. ---- */
#define PKTAP_MIN_LEN     108	/* sizeof(struct pktap_header) */
#define PKTAP_REC_PACKET  1

int ns_link_pktap(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t len;
	enum ns_linktype inner;

	if (!ns_have(caplen, 0, 12))
		return ns_link_truncated(pkt);
	len = ns_get32le(p);
	if (len < PKTAP_MIN_LEN || len > 0xffff) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	if (!ns_have(caplen, 0, len))
		return ns_link_truncated(pkt);
	if (ns_get32le(p + 4) != PKTAP_REC_PACKET ||
	    ns_linktype_from_dlt(ns_get32le(p + 8), &inner) < 0) {
		pkt->link.hdr_len = (uint16_t)len;
		pkt->link.ethertype = 0;
		return 0;
	}
	return ns_link_nested(inner, p, caplen, len, pkt);
}

/* ---- pflog: length(1) af(1) action(1) reason(1) ifname(16) ...; the
 * header is `length` bytes rounded up to 4. ---- */
#define PFLOG_MIN_LEN     45	/* up to the rule direction (tcpdump's minimum) */

/* AF_INET6 differs between the BSDs: 24 (OpenBSD, NetBSD), 28 (FreeBSD),
 * 30 (Darwin). */
static uint16_t bsd_af_ethertype(uint32_t af)
{
	switch (af) {
	case 2:
		return NS_ETHERTYPE_IPV4;
	case 24:
	case 28:
	case 30:
		return NS_ETHERTYPE_IPV6;
	default:
		return 0;
	}
}

int ns_link_pflog(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t len;

	if (!ns_have(caplen, 0, 2))
		return ns_link_truncated(pkt);
	len = ((uint32_t)p[0] + 3) & ~3u;
	if (p[0] < PFLOG_MIN_LEN) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	if (!ns_have(caplen, 0, len))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)len;
	pkt->link.ethertype = bsd_af_ethertype(p[1]);
	return 0;
}

/* ---- enc: af(4, host order) spi(4) flags(4), then the IP packet ---- */
#define ENC_HDR_LEN       12

int ns_link_enc(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t af;

	if (!ns_have(caplen, 0, ENC_HDR_LEN))
		return ns_link_truncated(pkt);
	af = ns_get32le(p);
	if (af & 0xffff0000u)
		af = ns_get32(p);	/* written by a big-endian host */
	pkt->link.hdr_len = ENC_HDR_LEN;
	pkt->link.ethertype = bsd_af_ethertype(af);
	return 0;
}
