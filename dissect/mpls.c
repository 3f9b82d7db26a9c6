/* mpls: MPLS label stacks (RFC 3032), ethertypes 0x8847 / 0x8848, PPP
 * protocols 0x0281 / 0x0283, MPLS-in-IP (IP protocol 137, RFC 4023) and
 * MPLS-over-UDP (port 6635, RFC 7510).
 *
 * Each label stack entry is label(20) TC(3) S(1) TTL(8); the walk stops at the
 * entry whose S (bottom-of-stack) bit is set. The whole stack is ONE
 * encapsulation: id = the bottom label, depth = labels in the stack.
 *
 * MPLS does not say what follows the stack. As tshark (packet-mpls.c) and
 * Suricata (decode-mpls.c) do, the first nibble guesses: 4 is IPv4, 6 is IPv6
 * (whatever the label), 0 is an Ethernet pseudowire with its RFC 4385 control
 * word (then the frame; tshark's heuristic picks the frame without the control
 * word when its addresses look like real ones, which needs the OUI database:
 * here that case is taken when only the no-control-word reading gives an IP
 * ethertype). Anything else (1: PW associated channel) is not IP.
 */
#include "dissect.h"
#include "bytes.h"

#define MPLS_LSE_LEN    4u
#define MPLS_BOS        0x00000100u
#define MPLS_MAX_DEPTH  255u
#define PW_CW_LEN       4u
#define ETH_HDR_LEN     14u

static int bad_mpls(struct ns_packet *pkt, uint32_t flags)
{
	pkt->flags |= NS_F_BAD_ENCAP | flags;
	return -1;
}

/* An ethertype we would follow to an IP packet at offset 12 of p. */
static bool ip_ethertype_at(const uint8_t *p, uint32_t caplen, uint32_t off)
{
	uint16_t t;

	if (!ns_have(caplen, off + 12, 2))
		return false;
	t = ns_get16(p + off + 12);
	return t == 0x0800 || t == 0x86dd || t == 0x8100 || t == 0x88a8 || t == 0x8847;
}

/* Ethernet pseudowire (first nibble 0): with the control word unless only
 * the reading without it finds an IP ethertype. */
static int decode_pw_eth(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	uint32_t off = PW_CW_LEN;

	if (!ip_ethertype_at(data, caplen, PW_CW_LEN) && ip_ethertype_at(data, caplen, 0))
		off = 0;
	if (!ns_have(caplen, off, 0) || len < off)
		return -1;
	return ns_decode_ether_frame(data + off, caplen - off, len - off, pkt);
}

/* What follows the bottom of the stack, by its first nibble. */
static int decode_payload(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	if (caplen < 1)
		return -1;
	switch (data[0] >> 4) {
	case 4:
		return ns_decode_ipv4(data, caplen, len, pkt);
	case 6:
		return ns_decode_ipv6(data, caplen, len, pkt);
	case 0:
		return decode_pw_eth(data, caplen, len, pkt);
	default:
		return -1;
	}
}

int ns_decode_mpls(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_MPLS, .has_id = true };
	uint32_t off = 0, depth = 0, lse = 0;

	if (caplen > len)
		caplen = len;
	/* The walk is bounded by the captured bytes: a stack without a bottom
	 * entry in them is cut (or malformed when the layer itself ends). */
	do {
		if (!ns_have(caplen, off, MPLS_LSE_LEN))
			return bad_mpls(pkt, caplen < len ? NS_F_TRUNCATED : 0);
		lse = ns_get32(data + off);
		off += MPLS_LSE_LEN;
		if (++depth > MPLS_MAX_DEPTH)
			return bad_mpls(pkt, 0);
	} while (!(lse & MPLS_BOS));
	e.id = lse >> 12;
	e.depth = (uint8_t)depth;
	return ns_encap_enter(pkt, &e, decode_payload, data + off, caplen - off, len - off);
}
