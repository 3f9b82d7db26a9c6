/* wan: WAN and carrier link types: Frame Relay (and FRF.16 multilink), ATM
 * (SunATM, RFC 1483 LLC), the PPP variants, MPLS, DOCSIS and Endace ERF.
 */
#include "link.h"

/* ---- Frame Relay (Q.922 address, then RFC 2427 multiprotocol) ---- */
#define FR_EA_BIT        0x01	/* last byte of the address */
#define FR_CONTROL_UI    0x03
#define NLPID_IP         0xcc
#define NLPID_IP6        0x8e
#define NLPID_SNAP       0x80
#define NLPID_PPP        0xcf
#define SNAP_OUI_LEN     3

/* Q.922 address length: 2, 3 or 4 bytes, the EA bit marks the last; 0 when
 * the address is invalid, -1 when it is cut. */
static int q922_addr_len(const uint8_t *p, uint32_t caplen, uint32_t off)
{
	uint32_t n;

	if (!ns_have(caplen, off, 1))
		return -1;
	if (p[off] & FR_EA_BIT)
		return 0;	/* a one-byte address does not exist */
	for (n = 2; n <= 4; n++) {
		if (!ns_have(caplen, off, n))
			return -1;
		if (p[off + n - 1] & FR_EA_BIT)
			return (int)n;
	}
	return 0;
}

/* A Frame Relay frame at off, as tcpdump's fr_print reads it: address, then
 * either a Cisco-style ethertype (no UI control byte) or UI, an optional pad
 * byte and an NLPID. */
static int fr_frame(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	int alen = q922_addr_len(p, caplen, off);
	uint32_t a, hlen;
	uint8_t nlpid;

	if (alen < 0)
		return ns_link_truncated(pkt);
	if (alen == 0) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	a = off + (uint32_t)alen;
	if (!ns_have(caplen, a, 2))
		return ns_link_truncated(pkt);
	pkt->link.ethertype = 0;
	if (p[a] != FR_CONTROL_UI) {
		/* Cisco encapsulation: a 2-byte ethertype right after the address */
		pkt->link.hdr_len = (uint16_t)(a + 2);
		pkt->link.ethertype = ns_get16(p + a);
		return 0;
	}
	/* UI, then a pad byte (0) or the NLPID */
	hlen = a + 1 + (p[a + 1] == 0 ? 2 : 1);
	if (!ns_have(caplen, 0, hlen))
		return ns_link_truncated(pkt);
	nlpid = p[hlen - 1];
	pkt->link.hdr_len = (uint16_t)hlen;
	switch (nlpid) {
	case NLPID_IP:
		pkt->link.ethertype = NS_ETHERTYPE_IPV4;
		break;
	case NLPID_IP6:
		pkt->link.ethertype = NS_ETHERTYPE_IPV6;
		break;
	case NLPID_SNAP:
		/* OUI(3) PID(2), no LLC header: an ethertype when the OUI is 0 */
		if (!ns_have(caplen, hlen, SNAP_OUI_LEN + 2))
			return ns_link_truncated(pkt);
		pkt->link.hdr_len = (uint16_t)(hlen + SNAP_OUI_LEN + 2);
		if (p[hlen] == 0 && p[hlen + 1] == 0 && p[hlen + 2] == 0)
			pkt->link.ethertype = ns_get16(p + hlen + SNAP_OUI_LEN);
		break;
	case NLPID_PPP:
		return ns_link_ppp_at(p, caplen, hlen, pkt);
	default:
		break;	/* Q.933, CLNP, IS-IS, ...: not IP */
	}
	return 0;
}

int ns_link_frelay(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return fr_frame(p, caplen, 0, pkt);
}

/* FRF.16 multilink: control frames (B, E and C bits, then 0) carry no
 * packet; a data fragment has a 2-byte header, and only the first fragment
 * (B bit) starts a Frame Relay frame. */
#define MFR_B_BIT        0x80
#define MFR_E_BIT        0x40
#define MFR_C_BIT        0x20
#define MFR_FRAG_HDR_LEN 2

int ns_link_mfr(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, MFR_FRAG_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = MFR_FRAG_HDR_LEN;
	pkt->link.ethertype = 0;
	if ((p[0] & (MFR_B_BIT | MFR_E_BIT | MFR_C_BIT)) == (MFR_B_BIT | MFR_E_BIT | MFR_C_BIT) &&
	    p[1] == 0)
		return 0;	/* a control frame */
	if (!(p[0] & MFR_B_BIT))
		return 0;	/* a later fragment: no header to find the packet by */
	return fr_frame(p, caplen, MFR_FRAG_HDR_LEN, pkt);
}

/* ---- ATM ---- */
#define SUNATM_HDR_LEN   4	/* flags/type, VPI, VCI(2) */
#define SUNATM_TYPE_MASK 0x0f
#define SUNATM_PT_LANE   0x01
#define SUNATM_PT_LLC    0x02
#define LANE_LECID_LEN   2
#define VCI_METAC        1	/* VPI 0: meta-signalling */
#define VCI_BCC          2	/* broadcast signalling */
#define VCI_OAMF4SC      3	/* segment OAM F4 */
#define VCI_OAMF4EC      4	/* end-to-end OAM F4 */
#define VCI_PPC          5	/* point-to-point signalling */
#define VCI_ILMIC        16	/* ILMI */

/* An AAL5 PDU whose traffic type is not known: LLC/SNAP when it starts like
 * one, IP (VC-multiplexed, RFC 2684) when the version nibble says so. */
static int atm_guess(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	if (ns_have(caplen, off, 3) && p[off] == 0xaa && p[off + 1] == 0xaa && p[off + 2] == 0x03)
		return ns_link_llc(p, caplen, off, pkt);
	if (ns_have(caplen, off, 1) && (p[off] >> 4 == 4 || p[off] >> 4 == 6))
		return ns_link_ip_by_version(p, caplen, off, pkt);
	if (off > caplen)
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)off;
	pkt->link.ethertype = 0;
	return 0;
}

int ns_link_sunatm(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint8_t vpi;
	uint16_t vci;

	if (!ns_have(caplen, 0, SUNATM_HDR_LEN))
		return ns_link_truncated(pkt);
	vpi = p[1];
	vci = ns_get16(p + 2);
	pkt->link.hdr_len = SUNATM_HDR_LEN;
	pkt->link.ethertype = 0;
	if (vpi == 0) {
		switch (vci) {
		case VCI_METAC:
		case VCI_BCC:
		case VCI_OAMF4SC:
		case VCI_OAMF4EC:
		case VCI_PPC:
		case VCI_ILMIC:
			return 0;	/* signalling, OAM, ILMI: not IP */
		default:
			break;
		}
	}
	switch (p[0] & SUNATM_TYPE_MASK) {
	case SUNATM_PT_LANE:
		/* LAN emulation: LE client id, then an Ethernet frame */
		return ns_link_ether_at(p, caplen, SUNATM_HDR_LEN + LANE_LECID_LEN, pkt);
	case SUNATM_PT_LLC:
		return ns_link_llc(p, caplen, SUNATM_HDR_LEN, pkt);
	default:
		return atm_guess(p, caplen, SUNATM_HDR_LEN, pkt);
	}
}

int ns_link_atm_rfc1483(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return ns_link_llc(p, caplen, 0, pkt);
}

/* ---- PPP variants ---- */
#define CHDLC_UNICAST    0x0f
#define CHDLC_BCAST      0x8f
#define PPPOE_HDR_LEN    6

/* PPP in HDLC framing, or Cisco HDLC on the same serial link type. */
int ns_link_ppp_serial(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (ns_have(caplen, 0, 1) && (p[0] == CHDLC_UNICAST || p[0] == CHDLC_BCAST))
		return ns_link_chdlc_at(p, caplen, 0, pkt);
	return ns_link_ppp_at(p, caplen, 0, pkt);
}

/* pppd's capture: direction (0 in, 1 out) where the FF address would be. */
int ns_link_ppp_pppd(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, 2))
		return ns_link_truncated(pkt);
	return ns_link_ppp_at(p, caplen, p[1] == 0x03 ? 2 : 1, pkt);
}

/* PPPoE: the session header is the PPPoE decoder's, reached by its ethertype. */
int ns_link_ppp_ether(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	(void)p;
	if (!ns_have(caplen, 0, PPPOE_HDR_LEN))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = 0;
	pkt->link.ethertype = NS_ETHERTYPE_PPPOE_SESSION;
	return 0;
}

/* A label stack first: MPLS's decoder, by its ethertype. */
int ns_link_mpls(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	(void)p; (void)caplen;
	pkt->link.hdr_len = 0;
	pkt->link.ethertype = NS_ETHERTYPE_MPLS;
	return 0;
}

/* ---- DOCSIS: FC(1) MAC_PARM(1) LEN(2) [EHDR] HCS(2); a packet PDU (FC type
 * 0) carries an Ethernet frame with its CRC. ---- */
#define DOCSIS_HDR_LEN   6
#define DOCSIS_FC_TYPE(fc) ((fc) >> 6)
#define DOCSIS_FC_EHDR   0x01
#define DOCSIS_FC_PACKET 0

int ns_link_docsis(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t hlen = DOCSIS_HDR_LEN;

	if (!ns_have(caplen, 0, DOCSIS_HDR_LEN))
		return ns_link_truncated(pkt);
	if (p[0] & DOCSIS_FC_EHDR)
		hlen += p[1];
	if (!ns_have(caplen, 0, hlen))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)hlen;
	pkt->link.ethertype = 0;
	if (DOCSIS_FC_TYPE(p[0]) != DOCSIS_FC_PACKET)
		return 0;	/* ATM PDU, MAC management, requests: not IP */
	if (ns_link_ether_at(p, caplen, hlen, pkt) < 0)
		return -1;
	pkt->link.trailer_len = 4;
	return 0;
}

/* ---- Endace ERF: ts(8) type(1) flags(1) rlen(2) lctr(2) wlen(2), optional
 * 8-byte extension headers (type bit 7; each says if another follows). ---- */
#define ERF_HDR_LEN      16
#define ERF_EXT_LEN      8
#define ERF_TYPE_MORE    0x80
#define ERF_ETH_PAD      2
#define ERF_MC_HDR_LEN   4

static int erf_hdlc(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	/* PoS carries PPP (FF 03) or Cisco HDLC (0F / 8F) */
	if (ns_have(caplen, off, 1) && (p[off] == CHDLC_UNICAST || p[off] == CHDLC_BCAST))
		return ns_link_chdlc_at(p, caplen, off, pkt);
	return ns_link_ppp_at(p, caplen, off, pkt);
}

int ns_link_erf(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t off = ERF_HDR_LEN;
	uint8_t type;

	if (!ns_have(caplen, 0, ERF_HDR_LEN))
		return ns_link_truncated(pkt);
	type = p[8];
	if (type & ERF_TYPE_MORE) {
		do {
			if (!ns_have(caplen, off, ERF_EXT_LEN))
				return ns_link_truncated(pkt);
			off += ERF_EXT_LEN;
		} while (p[off - ERF_EXT_LEN] & ERF_TYPE_MORE);
	}
	if (off > 0xffff)
		return ns_link_truncated(pkt);
	switch (type & 0x7f) {
	case 2:	 /* ETH */
	case 11: /* COLOR_ETH */
	case 16: /* DSM_COLOR_ETH */
	case 20: /* COLOR_HASH_ETH */
		if (ns_link_ether_at(p, caplen, off + ERF_ETH_PAD, pkt) < 0)
			return -1;
		pkt->link.trailer_len = 4;	/* the Ethernet FCS */
		return 0;
	case 1:	 /* HDLC_POS */
	case 10: /* COLOR_HDLC_POS */
	case 15: /* DSM_COLOR_HDLC_POS */
	case 19: /* COLOR_HASH_POS */
		return erf_hdlc(p, caplen, off, pkt);
	case 5:	 /* MC_HDLC */
	case 17: /* COLOR_MC_HDLC_POS */
		return erf_hdlc(p, caplen, off + ERF_MC_HDR_LEN, pkt);
	case 22: /* IPV4 */
	case 23: /* IPV6 */
		return ns_link_ip_by_version(p, caplen, off, pkt);
	default:
		pkt->link.hdr_len = (uint16_t)off;
		pkt->link.ethertype = 0;
		return 0;
	}
}
