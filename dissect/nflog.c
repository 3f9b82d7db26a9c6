/* nflog: Linux NFLOG (DLT_NFLOG, 239), what `tcpdump -i nflog:N` captures.
 *
 * Header: address family(1), version(1), resource id(2, BE). Then TLVs:
 * length(2) type(2) value, the length counting the 4-byte TLV header, each
 * TLV padded to a multiple of 4. Lengths and types are in the capturing
 * host's byte order (libpcap does not convert them): little-endian first, and
 * big-endian when the little-endian reading cannot be right. The packet is
 * the value of NFULA_PAYLOAD (9); the family says IPv4 (2) or IPv6 (10).
 */
#include "link.h"

#define NFLOG_HDR_LEN     4
#define NFLOG_TLV_HDR_LEN 4
#define NFULA_PAYLOAD     9
#define NFPROTO_IPV4      2
#define NFPROTO_IPV6      10

/* The TLV length at off in the byte order that fits what remains (both
 * readings are >= 4 and within the frame, or the little-endian one wins). */
static uint32_t tlv_len(const uint8_t *p, uint32_t off, uint32_t remain, bool *big)
{
	uint32_t le = ns_get16le(p + off), be = ns_get16(p + off);

	if (*big)
		return be;
	if ((le < NFLOG_TLV_HDR_LEN || le > remain) && be >= NFLOG_TLV_HDR_LEN && be <= remain) {
		*big = true;
		return be;
	}
	return le;
}

int ns_link_nflog(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t off = NFLOG_HDR_LEN;
	bool big = false;

	if (!ns_have(caplen, 0, NFLOG_HDR_LEN))
		return ns_link_truncated(pkt);
	while (ns_have(caplen, off, NFLOG_TLV_HDR_LEN)) {
		uint32_t len = tlv_len(p, off, caplen - off, &big);
		uint32_t type = big ? ns_get16(p + off + 2) : ns_get16le(p + off + 2);

		if (len < NFLOG_TLV_HDR_LEN) {
			pkt->flags |= NS_F_BAD_LINK;
			return -1;
		}
		/* NFNL_NFA_NEST / NFA_TYPE flag bits live in the top of type */
		if ((type & 0x7fff) == NFULA_PAYLOAD) {
			uint32_t data = off + NFLOG_TLV_HDR_LEN;
			uint32_t end = off + len;

			if (data > 0xffff)
				return ns_link_truncated(pkt);
			pkt->link.hdr_len = (uint16_t)data;
			switch (p[0]) {
			case NFPROTO_IPV4:
				pkt->link.ethertype = NS_ETHERTYPE_IPV4;
				break;
			case NFPROTO_IPV6:
				pkt->link.ethertype = NS_ETHERTYPE_IPV6;
				break;
			default:
				pkt->link.ethertype = 0;
				break;
			}
			/* TLVs after the payload are not the packet's. When the
			 * TLV says it runs past the capture, the capture was cut. */
			if (end < caplen && caplen - end <= 0xffff)
				pkt->link.trailer_len = (uint16_t)(caplen - end);
			return 0;
		}
		len = (len + 3) & ~3u;
		if (len > caplen - off)
			break;
		off += len;
	}
	/* No payload TLV captured: nothing behind the header we can read. */
	if (off > caplen)
		off = caplen;
	pkt->link.hdr_len = (uint16_t)(off > 0xffff ? 0xffff : off);
	pkt->link.ethertype = 0;
	return 0;
}
