/* link: the link-layer header of every supported linktype.
 *
 * Each decoder consumes its header, records what it learnt in pkt->link and
 * leaves in pkt->link.ethertype what follows (0x0800 / 0x86dd for IP; a
 * non-IP value or 0 otherwise). A link header that is not fully captured sets
 * NS_F_BAD_LINK | NS_F_TRUNCATED and returns -1: nothing behind it can be
 * located. Whether the payload is IP is decided by the caller (ns_dissect).
 */
#include "link.h"

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

int ns_link_truncated(struct ns_packet *pkt)
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
			return ns_link_truncated(pkt);
		pkt->link.vlan_id[pkt->link.nvlan++] = ns_get16(p + *off) & 0x0fff;
		*type = ns_get16(p + *off + 2);
		*off += VLAN_TAG_LEN;
	}
	return 0;
}

/* 802.2 LLC at off. Only SNAP with an Ethernet-compatible OUI carries an
 * ethertype (RFC 1042 / 802.1H); anything else is not IP for us. */
int ns_link_llc(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	uint32_t oui;

	if (!ns_have(caplen, off, 3))
		return ns_link_truncated(pkt);
	if (p[off] != 0xaa || p[off + 1] != 0xaa || p[off + 2] != 0x03) {
		pkt->link.ethertype = 0;
		pkt->link.hdr_len = (uint16_t)(off + 3);
		return 0;
	}
	if (!ns_have(caplen, off, LLC_SNAP_LEN))
		return ns_link_truncated(pkt);
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
		return ns_link_llc(p, caplen, off, pkt);
	pkt->link.ethertype = type;
	pkt->link.hdr_len = (uint16_t)off;
	return 0;
}

int ns_link_ether_at(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	if (!ns_have(caplen, off, ETH_HDR_LEN))
		return ns_link_truncated(pkt);
	return finish_ethertype(p, caplen, off + ETH_HDR_LEN, ns_get16(p + off + 12), true, pkt);
}

static int decode_ethernet(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return ns_link_ether_at(p, caplen, 0, pkt);
}

/* Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
static int decode_sll(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint16_t proto;

	if (!ns_have(caplen, 0, SLL_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.has_pkttype = true;
	pkt->link.pkttype = ns_get16(p);
	proto = ns_get16(p + 14);
	if (proto == SLL_P_802_2)
		return ns_link_llc(p, caplen, SLL_HDR_LEN, pkt);
	/* libpcap re-inserts offloaded VLAN tags behind the cooked header. */
	return finish_ethertype(p, caplen, SLL_HDR_LEN, proto, false, pkt);
}

/* Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
 * halen(1) addr(8). */
static int decode_sll2(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint16_t proto;

	if (!ns_have(caplen, 0, SLL2_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.has_pkttype = true;
	pkt->link.pkttype = p[10];
	pkt->link.sll2_ifindex = ns_get32(p + 4);
	proto = ns_get16(p);
	if (proto == SLL_P_802_2)
		return ns_link_llc(p, caplen, SLL2_HDR_LEN, pkt);
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
		return ns_link_truncated(pkt);
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
int ns_link_ip_by_version(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	if (!ns_have(caplen, off, 1))
		return ns_link_truncated(pkt);
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
int ns_link_ppp_at(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	uint16_t proto = 0;
	uint32_t n;

	if (off > caplen)
		return ns_link_truncated(pkt);
	n = ns_ppp_header(p + off, caplen - off, &proto);
	if (n == 0)
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)(off + n);
	pkt->link.ethertype = ns_ppp_ethertype(proto);
	return 0;
}

static int decode_ppp(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return ns_link_ppp_at(p, caplen, 0, pkt);
}

/* Cisco HDLC: address(1) control(1) ethertype(2). */
int ns_link_chdlc_at(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	if (!ns_have(caplen, off, C_HDLC_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)(off + C_HDLC_HDR_LEN);
	pkt->link.ethertype = ns_get16(p + off + 2);
	return 0;
}

static int decode_c_hdlc(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return ns_link_chdlc_at(p, caplen, 0, pkt);
}

static int decode_raw(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return ns_link_ip_by_version(p, caplen, 0, pkt);
}

static int decode_ipv4(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	(void)p; (void)caplen;
	pkt->link.ethertype = NS_ETHERTYPE_IPV4;
	return 0;
}

static int decode_ipv6(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	(void)p; (void)caplen;
	pkt->link.ethertype = NS_ETHERTYPE_IPV6;
	return 0;
}

static int decode_null_host(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return decode_null(p, caplen, false, pkt);
}

static int decode_loop(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return decode_null(p, caplen, true, pkt);
}

static int decode_slip(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, SLIP_HDR_LEN))
		return ns_link_truncated(pkt);
	return ns_link_ip_by_version(p, caplen, SLIP_HDR_LEN, pkt);
}

/* Known link types whose frames carry nothing we decode: the frame is there
 * (and reported not_ip), the file is not rejected. */
static int decode_opaque(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	(void)p; (void)caplen;
	pkt->link.ethertype = 0;
	return 0;
}

/* The decoder of each link type, indexed by enum ns_linktype. */
static const ns_link_fn link_table[] = {
	[NS_LINK_NONE] = decode_raw,
	[NS_LINK_ETHERNET] = decode_ethernet,
	[NS_LINK_RAW] = decode_raw,
	[NS_LINK_IPV4] = decode_ipv4,
	[NS_LINK_IPV6] = decode_ipv6,
	[NS_LINK_NULL] = decode_null_host,
	[NS_LINK_LOOP] = decode_loop,
	[NS_LINK_SLL] = decode_sll,
	[NS_LINK_SLL2] = decode_sll2,
	[NS_LINK_PPP] = decode_ppp,
	[NS_LINK_C_HDLC] = decode_c_hdlc,
	[NS_LINK_SLIP] = decode_slip,
	[NS_LINK_IEEE80211] = ns_link_ieee80211,
	[NS_LINK_RADIOTAP] = ns_link_radiotap,
	[NS_LINK_PPI] = ns_link_ppi,
	[NS_LINK_PRISM] = ns_link_prism,
	[NS_LINK_AVS] = ns_link_avs,
	[NS_LINK_NFLOG] = ns_link_nflog,
	[NS_LINK_FDDI] = ns_link_fddi,
	[NS_LINK_TOKEN_RING] = ns_link_token_ring,
	[NS_LINK_IPFC] = ns_link_ipfc,
	[NS_LINK_NETANALYZER] = ns_link_netanalyzer,
	[NS_LINK_NETANALYZER_TRANSPARENT] = ns_link_netanalyzer_transparent,
	[NS_LINK_IPOIB] = ns_link_ipoib,
	[NS_LINK_IEEE1394] = ns_link_ieee1394,
	[NS_LINK_ARCNET] = ns_link_arcnet,
	[NS_LINK_ARCNET_LINUX] = ns_link_arcnet_linux,
	[NS_LINK_FRELAY] = ns_link_frelay,
	[NS_LINK_MFR] = ns_link_mfr,
	[NS_LINK_SUNATM] = ns_link_sunatm,
	[NS_LINK_ATM_RFC1483] = ns_link_atm_rfc1483,
	[NS_LINK_PPP_SERIAL] = ns_link_ppp_serial,
	[NS_LINK_PPP_PPPD] = ns_link_ppp_pppd,
	[NS_LINK_PPP_ETHER] = ns_link_ppp_ether,
	[NS_LINK_MPLS] = ns_link_mpls,
	[NS_LINK_DOCSIS] = ns_link_docsis,
	[NS_LINK_ERF] = ns_link_erf,
	[NS_LINK_IEEE802154] = ns_link_ieee802154,
	[NS_LINK_IEEE802154_NOFCS] = ns_link_ieee802154_nofcs,
	[NS_LINK_IPNET] = ns_link_ipnet,
	[NS_LINK_PKTAP] = ns_link_pktap,
	[NS_LINK_PFLOG] = ns_link_pflog,
	[NS_LINK_ENC] = ns_link_enc,
	[NS_LINK_OPAQUE] = decode_opaque,
};

int ns_decode_link(enum ns_linktype link, const uint8_t *data, uint32_t caplen, struct ns_packet *pkt)
{
	pkt->link.type = (uint8_t)link;
	if ((unsigned)link >= sizeof(link_table) / sizeof(link_table[0]) || !link_table[link]) {
		pkt->flags |= NS_F_BAD_LINK;	/* an enum value we do not know */
		return -1;
	}
	return link_table[link](data, caplen, pkt);
}

int ns_link_nested(enum ns_linktype inner, const uint8_t *p, uint32_t caplen, uint32_t off,
		   struct ns_packet *pkt)
{
	uint8_t outer = pkt->link.type;
	uint32_t total;
	int rc;

	/* A header that names itself again (PPI in PPI) could recurse without
	 * end on crafted input: one level only. */
	if (inner == NS_LINK_PPI || inner == NS_LINK_PKTAP) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	if (off > caplen)
		return ns_link_truncated(pkt);
	rc = ns_decode_link(inner, p + off, caplen - off, pkt);
	pkt->link.type = outer;
	if (rc < 0)
		return rc;
	total = off + pkt->link.hdr_len;
	if (total > 0xffff) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	pkt->link.hdr_len = (uint16_t)total;
	return 0;
}

/* libpcap LINKTYPE_ values (the numbers in files, equal to the DLT_ ones
 * except where a DLT differs between OSes) and our link types. */
struct dlt_entry {
	uint16_t dlt;
	uint8_t lt;
};

static const struct dlt_entry dlt_table[] = {
	{ 0, NS_LINK_NULL },
	{ 1, NS_LINK_ETHERNET },
	{ 6, NS_LINK_TOKEN_RING },      /* IEEE802 (Token Ring) */
	{ 7, NS_LINK_ARCNET },          /* ARCNET (BSD) */
	{ 8, NS_LINK_SLIP },
	{ 9, NS_LINK_PPP },
	{ 10, NS_LINK_FDDI },
	{ 11, NS_LINK_ATM_RFC1483 },    /* LLC/SNAP-encapsulated ATM */
	{ 12, NS_LINK_RAW },            /* DLT_RAW (Linux, most OSes) */
	{ 14, NS_LINK_RAW },            /* DLT_RAW (OpenBSD) */
	{ 19, NS_LINK_ATM_RFC1483 },    /* ATM_CLIP (Linux Classical IP over ATM) */
	{ 50, NS_LINK_PPP_SERIAL },     /* PPP_HDLC */
	{ 51, NS_LINK_PPP_ETHER },      /* PPPoE */
	{ 101, NS_LINK_RAW },
	{ 104, NS_LINK_C_HDLC },
	{ 105, NS_LINK_IEEE80211 },
	{ 107, NS_LINK_FRELAY },
	{ 108, NS_LINK_LOOP },
	{ 109, NS_LINK_ENC },
	{ 113, NS_LINK_SLL },
	{ 117, NS_LINK_PFLOG },
	{ 119, NS_LINK_PRISM },
	{ 122, NS_LINK_IPFC },
	{ 123, NS_LINK_SUNATM },
	{ 127, NS_LINK_RADIOTAP },
	{ 129, NS_LINK_ARCNET_LINUX },
	{ 138, NS_LINK_IEEE1394 },
	{ 143, NS_LINK_DOCSIS },
	{ 163, NS_LINK_AVS },
	{ 166, NS_LINK_PPP_PPPD },
	{ 182, NS_LINK_MFR },
	{ 192, NS_LINK_PPI },
	{ 195, NS_LINK_IEEE802154 },
	{ 197, NS_LINK_ERF },
	{ 219, NS_LINK_MPLS },
	{ 226, NS_LINK_IPNET },
	{ 228, NS_LINK_IPV4 },
	{ 229, NS_LINK_IPV6 },
	{ 230, NS_LINK_IEEE802154_NOFCS },
	{ 239, NS_LINK_NFLOG },
	{ 240, NS_LINK_NETANALYZER },
	{ 241, NS_LINK_NETANALYZER_TRANSPARENT },
	{ 242, NS_LINK_IPOIB },
	{ 258, NS_LINK_PKTAP },
	{ 276, NS_LINK_SLL2 },
};

/* Link types that never carry an IP packet as Wireshark and tcpdump decode
 * them: accepted, every frame not_ip. */
static bool dlt_is_opaque(uint32_t dlt)
{
	switch (dlt) {
	case 3:     /* AX25 */
	case 144:   /* LINUX_IRDA */
	case 177:   /* LINUX_LAPD */
	case 187:   /* BLUETOOTH_HCI_H4 */
	case 189:   /* USB_LINUX */
	case 201:   /* BLUETOOTH_HCI_H4_WITH_PHDR */
	case 220:   /* USB_LINUX_MMAPPED */
	case 227:   /* CAN_SOCKETCAN */
	case 249:   /* USBPCAP */
	case 251:   /* BLUETOOTH_LE_LL */
	case 253:   /* NETLINK */
	case 254:   /* BLUETOOTH_LINUX_MONITOR */
	case 256:   /* BLUETOOTH_LE_LL_WITH_PHDR */
	case 271:   /* VSOCK */
	case 272:   /* NORDIC_BLE */
		return true;
	default:
		/* LINKTYPE_USER0..15: private, nothing decodes them by default. */
		return dlt >= 147 && dlt <= 162;
	}
}

int ns_linktype_from_dlt(uint32_t dlt, enum ns_linktype *lt)
{
	for (size_t i = 0; i < sizeof(dlt_table) / sizeof(dlt_table[0]); i++) {
		if (dlt_table[i].dlt == dlt) {
			*lt = (enum ns_linktype)dlt_table[i].lt;
			return 0;
		}
	}
	if (dlt_is_opaque(dlt)) {
		*lt = NS_LINK_OPAQUE;
		return 0;
	}
	return -1;
}
