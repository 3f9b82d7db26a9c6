/* link: the link-layer header of every supported linktype.
 *
 * Each decoder consumes its header, records what it learnt in pkt->link and
 * leaves in pkt->link.ethertype what follows (0x0800 / 0x86dd for IP; a
 * non-IP value or 0 otherwise). A link header that is not fully captured sets
 * NS_F_BAD_LINK | NS_F_TRUNCATED and returns -1: nothing behind it can be
 * located. Whether the payload is IP is decided by the caller (ns_dissect).
 */
#include "dissect.h"
#include "bytes.h"

#define ETHERTYPE_IPV4   0x0800
#define ETHERTYPE_IPV6   0x86dd
#define ETHERTYPE_8021Q  0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_QINQ   0x9100	/* pre-standard QinQ outer tag */
#define ETH_HDR_LEN      14
#define ETH_MIN_TYPE     0x0600	/* below: an 802.3 length field */
#define VLAN_TAG_LEN     4
#define LLC_SNAP_LEN     8	/* DSAP, SSAP, control, OUI(3), type(2) */
#define SLL_HDR_LEN      16
#define SLL2_HDR_LEN     20
#define SLL_P_802_2      0x0004	/* SLL protocol: an 802.2 LLC frame follows */
#define NULL_HDR_LEN     4
#define C_HDLC_HDR_LEN   4
#define SLIP_HDR_LEN     16

static int link_truncated(struct ns_packet *pkt)
{
	pkt->flags |= NS_F_BAD_LINK | NS_F_TRUNCATED;
	return -1;
}

static bool is_vlan_tpid(uint16_t type)
{
	return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ;
}

/* Walk 802.1Q / 802.1ad tags starting at off, whose type field (already
 * read) is *type. Each tag: TCI(2) then the next type(2). */
static int walk_vlan(const uint8_t *p, uint32_t caplen, uint32_t *off, uint16_t *type,
		     struct ns_packet *pkt)
{
	while (is_vlan_tpid(*type)) {
		if (pkt->link.nvlan >= NS_MAX_VLAN) {
			/* Deeper stacks than we record: malformed for us (as
			 * Suricata's VLAN_HEADER_TOO_MANY_LAYERS). */
			pkt->flags |= NS_F_BAD_LINK;
			return -1;
		}
		if (!ns_have(caplen, *off, VLAN_TAG_LEN))
			return link_truncated(pkt);
		pkt->link.vlan_id[pkt->link.nvlan++] = ns_get16(p + *off) & 0x0fff;
		*type = ns_get16(p + *off + 2);
		*off += VLAN_TAG_LEN;
	}
	return 0;
}

/* 802.2 LLC at off. Only SNAP with an Ethernet-compatible OUI carries an
 * ethertype (RFC 1042 / 802.1H); anything else is not IP for us. */
static int decode_llc(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	uint32_t oui;

	if (!ns_have(caplen, off, 3))
		return link_truncated(pkt);
	if (p[off] != 0xaa || p[off + 1] != 0xaa || p[off + 2] != 0x03) {
		pkt->link.ethertype = 0;
		pkt->link.hdr_len = (uint16_t)(off + 3);
		return 0;
	}
	if (!ns_have(caplen, off, LLC_SNAP_LEN))
		return link_truncated(pkt);
	oui = (uint32_t)p[off + 3] << 16 | (uint32_t)p[off + 4] << 8 | p[off + 5];
	pkt->link.hdr_len = (uint16_t)(off + LLC_SNAP_LEN);
	pkt->link.ethertype = (oui == 0x000000 || oui == 0x0000f8) ? ns_get16(p + off + 6) : 0;
	return 0;
}

/* After a header whose type field says "ethertype" (Ethernet, SLL, SLL2):
 * VLAN tags, then either an ethertype or (Ethernet only) an 802.3 length. */
static int finish_ethertype(const uint8_t *p, uint32_t caplen, uint32_t off, uint16_t type,
			    bool type_may_be_len, struct ns_packet *pkt)
{
	if (walk_vlan(p, caplen, &off, &type, pkt) < 0)
		return -1;
	if (type_may_be_len && type < ETH_MIN_TYPE)
		return decode_llc(p, caplen, off, pkt);
	pkt->link.ethertype = type;
	pkt->link.hdr_len = (uint16_t)off;
	return 0;
}

static int decode_ethernet(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, ETH_HDR_LEN))
		return link_truncated(pkt);
	return finish_ethertype(p, caplen, ETH_HDR_LEN, ns_get16(p + 12), true, pkt);
}

/* Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
static int decode_sll(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint16_t proto;

	if (!ns_have(caplen, 0, SLL_HDR_LEN))
		return link_truncated(pkt);
	pkt->link.has_pkttype = true;
	pkt->link.pkttype = ns_get16(p);
	proto = ns_get16(p + 14);
	if (proto == SLL_P_802_2)
		return decode_llc(p, caplen, SLL_HDR_LEN, pkt);
	/* libpcap re-inserts offloaded VLAN tags behind the cooked header. */
	return finish_ethertype(p, caplen, SLL_HDR_LEN, proto, false, pkt);
}

/* Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
 * halen(1) addr(8). */
static int decode_sll2(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint16_t proto;

	if (!ns_have(caplen, 0, SLL2_HDR_LEN))
		return link_truncated(pkt);
	pkt->link.has_pkttype = true;
	pkt->link.pkttype = p[10];
	pkt->link.sll2_ifindex = ns_get32(p + 4);
	proto = ns_get16(p);
	if (proto == SLL_P_802_2)
		return decode_llc(p, caplen, SLL2_HDR_LEN, pkt);
	return finish_ethertype(p, caplen, SLL2_HDR_LEN, proto, false, pkt);
}

/* BSD address families of DLT_NULL / DLT_LOOP: AF_INET is 2 everywhere;
 * AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD), 30 (Darwin). */
static uint16_t af_to_ethertype(uint32_t af)
{
	switch (af) {
	case 2:
		return ETHERTYPE_IPV4;
	case 24:
	case 28:
	case 30:
		return ETHERTYPE_IPV6;
	default:
		return 0;
	}
}

static int decode_null(const uint8_t *p, uint32_t caplen, bool big_endian, struct ns_packet *pkt)
{
	uint32_t af;

	if (!ns_have(caplen, 0, NULL_HDR_LEN))
		return link_truncated(pkt);
	if (big_endian) {
		af = ns_get32(p);
	} else {
		/* DLT_NULL is in the capturing host's order, which the file does
		 * not tell us. AF values are small, so a value with high bits set
		 * was written in the other order (as tcpdump does). */
		af = ns_get32le(p);
		if (af & 0xffff0000u)
			af = ns_get32(p);
	}
	pkt->link.hdr_len = NULL_HDR_LEN;
	pkt->link.ethertype = af_to_ethertype(af);
	return 0;
}

/* Payload is IP with no type field (RAW, SLIP, NONE): the version nibble says
 * which. Anything else is a bad version of what the link claims is IP. */
static int ip_by_version(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	if (!ns_have(caplen, off, 1))
		return link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)off;
	switch (p[off] >> 4) {
	case 4:
		pkt->link.ethertype = ETHERTYPE_IPV4;
		break;
	case 6:
		pkt->link.ethertype = ETHERTYPE_IPV6;
		break;
	default:
		pkt->link.ethertype = 0;
		pkt->flags |= NS_F_BAD_VERSION;
		break;
	}
	return 0;
}

/* PPP (RFC 1661/1662): the header is ppp.c's, shared with PPP in tunnels. */
static int decode_ppp(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint16_t proto = 0;
	uint32_t off = ns_ppp_header(p, caplen, &proto);

	if (off == 0)
		return link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)off;
	pkt->link.ethertype = ns_ppp_ethertype(proto);
	return 0;
}

/* Cisco HDLC: address(1) control(1) ethertype(2). */
static int decode_c_hdlc(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, C_HDLC_HDR_LEN))
		return link_truncated(pkt);
	pkt->link.hdr_len = C_HDLC_HDR_LEN;
	pkt->link.ethertype = ns_get16(p + 2);
	return 0;
}

int ns_decode_link(enum ns_linktype link, const uint8_t *data, uint32_t caplen, struct ns_packet *pkt)
{
	pkt->link.type = (uint8_t)link;
	switch (link) {
	case NS_LINK_NONE:
	case NS_LINK_RAW:
		return ip_by_version(data, caplen, 0, pkt);
	case NS_LINK_IPV4:
		pkt->link.ethertype = ETHERTYPE_IPV4;
		return 0;
	case NS_LINK_IPV6:
		pkt->link.ethertype = ETHERTYPE_IPV6;
		return 0;
	case NS_LINK_ETHERNET:
		return decode_ethernet(data, caplen, pkt);
	case NS_LINK_NULL:
		return decode_null(data, caplen, false, pkt);
	case NS_LINK_LOOP:
		return decode_null(data, caplen, true, pkt);
	case NS_LINK_SLL:
		return decode_sll(data, caplen, pkt);
	case NS_LINK_SLL2:
		return decode_sll2(data, caplen, pkt);
	case NS_LINK_PPP:
		return decode_ppp(data, caplen, pkt);
	case NS_LINK_C_HDLC:
		return decode_c_hdlc(data, caplen, pkt);
	case NS_LINK_SLIP:
		if (!ns_have(caplen, 0, SLIP_HDR_LEN))
			return link_truncated(pkt);
		return ip_by_version(data, caplen, SLIP_HDR_LEN, pkt);
	}
	pkt->flags |= NS_F_BAD_LINK;	/* an enum value we do not know */
	return -1;
}
