/* ieee80211: 802.11 data frames, bare (DLT_IEEE802_11) or behind a radio
 * header: radiotap, PPI, Prism, AVS.
 *
 * Only data frames carry IP: the MAC header (24 bytes; +6 for a fourth
 * address when both ToDS and FromDS are set; +2 QoS control in QoS subtypes;
 * +4 HT control when a QoS frame has the Order bit), an optional 802.11s mesh
 * control header, then LLC/SNAP. Protected frames are encrypted: nothing
 * behind their header is readable. Management, control and null-data frames
 * are not IP. The radio headers are skipped by their own length fields; the
 * ones that can say so tell whether a 4-byte FCS ends the frame.
 */
#include "link.h"

#define WLAN_FC_LEN        2
#define WLAN_DATA_HDR_LEN  24
#define WLAN_ADDR4_LEN     6
#define WLAN_QOS_LEN       2
#define WLAN_HTC_LEN       4
#define WLAN_TYPE_DATA     2
#define WLAN_FLAG_TODS     0x01
#define WLAN_FLAG_FROMDS   0x02
#define WLAN_FLAG_PROTECTED 0x40
#define WLAN_FLAG_ORDER    0x80
#define WLAN_SUB_QOS       0x8	/* subtype bit: QoS data */
#define WLAN_SUB_NODATA    0x4	/* subtype bit: null / CF-only, no body */
#define QOS_AMSDU          0x0080	/* QoS control: the body is an A-MSDU */
#define QOS_MESH_CONTROL   0x0100	/* QoS control: mesh control present (802.11s) */
#define MESH_AE_MASK       0x03	/* mesh flags: address extension mode */
#define MESH_HDR_LEN       6	/* flags, TTL, sequence number */
#define AMSDU_SUBHDR_LEN   14	/* DA, SA, length */
#define WLAN_FCS_LEN       4

#define RADIOTAP_MIN_LEN   8
#define RADIOTAP_TSFT      0x00000001u
#define RADIOTAP_FLAGS     0x00000002u
#define RADIOTAP_EXT       0x80000000u
#define RADIOTAP_F_FCS     0x10	/* frame ends with the FCS */
#define RADIOTAP_F_DATAPAD 0x20	/* padding between the 802.11 header and its body */

#define PPI_HDR_LEN        8
#define PPI_FIELD_HDR_LEN  4
#define PPI_80211_COMMON   2
#define PPI_COMMON_LEN     20
#define PPI_COMMON_F_FCS   0x0001

#define PRISM_HDR_LEN      144
#define AVS_MAGIC_MASK     0xfffffff0u
#define AVS_MAGIC          0x80211000u	/* 0x80211001 (v1), 0x80211002 (v2) */
#define AVS_MIN_LEN        8

/* Where the body of a data frame starts, given the first byte behind the MAC
 * header: an 802.11s mesh control header (as Wireshark recognises one: the
 * QoS bit says so and its flags byte has only address-extension bits). */
static uint32_t skip_mesh(const uint8_t *p, uint32_t caplen, uint32_t off, uint16_t qos,
			  bool has_qos)
{
	if (!has_qos || !(qos & QOS_MESH_CONTROL) || !ns_have(caplen, off, 1))
		return off;
	if (p[off] & (uint8_t)~MESH_AE_MASK)
		return off;
	return off + MESH_HDR_LEN + WLAN_ADDR4_LEN * (p[off] & MESH_AE_MASK);
}

/* One 802.11 frame at off. datapad: the radio header says the body starts on
 * a 4-byte boundary. */
static int wlan_frame(const uint8_t *p, uint32_t caplen, uint32_t off, bool datapad,
		      struct ns_packet *pkt)
{
	uint8_t fc0, fc1, subtype;
	uint32_t hlen = WLAN_DATA_HDR_LEN, body;
	uint16_t qos = 0;
	bool has_qos;

	if (!ns_have(caplen, off, WLAN_FC_LEN))
		return ns_link_truncated(pkt);
	fc0 = p[off];
	fc1 = p[off + 1];
	pkt->link.ethertype = 0;
	pkt->link.hdr_len = (uint16_t)off;
	/* protocol version 0 only; not a data frame: not IP */
	if ((fc0 & 0x03) != 0 || ((fc0 >> 2) & 0x03) != WLAN_TYPE_DATA)
		return 0;
	subtype = fc0 >> 4;
	has_qos = (subtype & WLAN_SUB_QOS) != 0;
	if ((fc1 & (WLAN_FLAG_TODS | WLAN_FLAG_FROMDS)) == (WLAN_FLAG_TODS | WLAN_FLAG_FROMDS))
		hlen += WLAN_ADDR4_LEN;
	if (has_qos) {
		if (!ns_have(caplen, off + hlen, WLAN_QOS_LEN))
			return ns_link_truncated(pkt);
		qos = ns_get16le(p + off + hlen);
		hlen += WLAN_QOS_LEN;
		if (fc1 & WLAN_FLAG_ORDER)
			hlen += WLAN_HTC_LEN;
	}
	if (!ns_have(caplen, off, hlen))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)(off + hlen);
	if ((subtype & WLAN_SUB_NODATA) || (fc1 & WLAN_FLAG_PROTECTED))
		return 0;	/* no body, or an encrypted one */
	if (datapad)
		hlen = (hlen + 3) & ~3u;
	body = off + hlen;
	if (has_qos && (qos & QOS_AMSDU)) {
		/* An A-MSDU: the first subframe's header, then its MSDU. */
		body += AMSDU_SUBHDR_LEN;
	}
	body = skip_mesh(p, caplen, body, qos, has_qos);
	if (body > 0xffff)
		return ns_link_truncated(pkt);
	if (!ns_have(caplen, body, 0))
		return ns_link_truncated(pkt);
	return ns_link_llc(p, caplen, body, pkt);
}

int ns_link_ieee80211(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return wlan_frame(p, caplen, 0, false, pkt);
}

/* Radiotap (radiotap.org): version(1) pad(1) length(2, LE) present(4, LE)...
 * The Flags field (present bit 1) follows the presence words and, when bit 0
 * is set, the 8-byte TSFT (aligned to 8 from the header start). */
int ns_link_radiotap(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t len, off, first, present;
	uint8_t flags = 0;

	if (!ns_have(caplen, 0, RADIOTAP_MIN_LEN))
		return ns_link_truncated(pkt);
	len = ns_get16le(p + 2);
	if (p[0] != 0 || len < RADIOTAP_MIN_LEN) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	if (!ns_have(caplen, 0, len))
		return ns_link_truncated(pkt);
	first = present = ns_get32le(p + 4);
	off = RADIOTAP_MIN_LEN;
	while (present & RADIOTAP_EXT) {
		if (!ns_have(len, off, 4)) {
			pkt->flags |= NS_F_BAD_LINK;	/* presence words past it_len */
			return -1;
		}
		present = ns_get32le(p + off);
		off += 4;
	}
	if (first & RADIOTAP_FLAGS) {
		if (first & RADIOTAP_TSFT)
			off = ((off + 7) & ~7u) + 8;
		if (ns_have(len, off, 1))
			flags = p[off];
	}
	if (wlan_frame(p, caplen, len, (flags & RADIOTAP_F_DATAPAD) != 0, pkt) < 0)
		return -1;
	if (flags & RADIOTAP_F_FCS)
		pkt->link.trailer_len = WLAN_FCS_LEN;
	return 0;
}

/* PPI (Per-Packet Information): version(1) flags(1) length(2, LE) dlt(4, LE),
 * then fields type(2) length(2) data; the 802.11-common field's flags say
 * whether the frame has an FCS. The frame is of the DLT named. */
int ns_link_ppi(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t len, dlt, off;
	bool fcs = false;
	enum ns_linktype inner;

	if (!ns_have(caplen, 0, PPI_HDR_LEN))
		return ns_link_truncated(pkt);
	len = ns_get16le(p + 2);
	dlt = ns_get32le(p + 4);
	if (p[0] != 0 || len < PPI_HDR_LEN) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	if (!ns_have(caplen, 0, len))
		return ns_link_truncated(pkt);
	for (off = PPI_HDR_LEN; ns_have(len, off, PPI_FIELD_HDR_LEN);) {
		uint32_t type = ns_get16le(p + off), flen = ns_get16le(p + off + 2);

		off += PPI_FIELD_HDR_LEN;
		if (!ns_have(len, off, flen))
			break;
		if (type == PPI_80211_COMMON && flen >= PPI_COMMON_LEN)
			fcs = (ns_get16le(p + off + 8) & PPI_COMMON_F_FCS) != 0;
		off += flen;
	}
	if (ns_linktype_from_dlt(dlt, &inner) < 0) {
		pkt->link.hdr_len = (uint16_t)len;
		pkt->link.ethertype = 0;
		return 0;
	}
	if (ns_link_nested(inner, p, caplen, len, pkt) < 0)
		return -1;
	if (fcs)
		pkt->link.trailer_len = WLAN_FCS_LEN;
	return 0;
}

/* AVS capture header: magic(4, BE), header length(4, BE), ... */
int ns_link_avs(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t len;

	if (!ns_have(caplen, 0, AVS_MIN_LEN))
		return ns_link_truncated(pkt);
	len = ns_get32(p + 4);
	if ((ns_get32(p) & AVS_MAGIC_MASK) != AVS_MAGIC || len < AVS_MIN_LEN || len > 0xffff) {
		pkt->flags |= NS_F_BAD_LINK;
		return -1;
	}
	if (!ns_have(caplen, 0, len))
		return ns_link_truncated(pkt);
	return wlan_frame(p, caplen, len, false, pkt);
}

/* Prism monitor header: 144 bytes (msgcode, msglen, device name, DID items).
 * Captures of this link type may hold an AVS header instead (as tcpdump and
 * Wireshark check): its magic says so. */
int ns_link_prism(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (ns_have(caplen, 0, 4) && (ns_get32(p) & AVS_MAGIC_MASK) == AVS_MAGIC)
		return ns_link_avs(p, caplen, pkt);
	if (!ns_have(caplen, 0, PRISM_HDR_LEN))
		return ns_link_truncated(pkt);
	return wlan_frame(p, caplen, PRISM_HDR_LEN, false, pkt);
}
