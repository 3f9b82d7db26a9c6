/* ppp: a PPP frame's protocol field (RFC 1661), for PPP carried in a tunnel
 * (PPTP's GRE, PPPoE) and for the PPP link types.
 *
 * Optional address/control bytes FF 03, then the protocol: one byte when
 * compressed (RFC 1661 6.5: the low bit of the last byte of the field is 1),
 * two otherwise. Protocols that carry a network layer map to an ethertype.
 */
#include "dissect.h"
#include "bytes.h"

uint16_t ns_ppp_ethertype(uint16_t proto)
{
	switch (proto) {
	case 0x0021:
		return 0x0800;	/* IPv4 */
	case 0x0057:
		return 0x86dd;	/* IPv6 */
	case 0x0281:
		return 0x8847;	/* MPLS unicast */
	case 0x0283:
		return 0x8848;	/* MPLS multicast */
	default:
		return 0;
	}
}

uint32_t ns_ppp_header(const uint8_t *p, uint32_t caplen, uint16_t *proto)
{
	uint32_t off = 0;

	/* 0xff cannot start a protocol field (its first byte is even), so a
	 * lone captured 0xff is a cut address/control pair. */
	if (ns_have(caplen, 0, 1) && p[0] == 0xff) {
		if (!ns_have(caplen, 0, 2))
			return 0;
		if (p[1] == 0x03)
			off = 2;
	}
	if (!ns_have(caplen, off, 1))
		return 0;
	if (p[off] & 1) {
		*proto = p[off];
		return off + 1;
	}
	if (!ns_have(caplen, off, 2))
		return 0;
	*proto = ns_get16(p + off);
	return off + 2;
}

int ns_decode_ppp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	uint16_t proto = 0;
	uint32_t off = ns_ppp_header(data, caplen, &proto);

	if (off == 0 || off > len) {
		pkt->flags |= NS_F_BAD_ENCAP | NS_F_TRUNCATED;
		return -1;
	}
	/* Nothing after the header: no network layer to report, rather than
	 * an empty one. Cut by the capture, see ns_empty_inner. */
	if (off == caplen && ns_empty_inner(pkt, len > off))
		return -1;
	return ns_decode_ethertype(ns_ppp_ethertype(proto), data + off, caplen - off, len - off, pkt);
}
