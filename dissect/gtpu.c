/* gtpu: GPRS Tunnelling Protocol, user plane, version 1 (3GPP TS 29.281),
 * UDP port 2152.
 *
 * Flags(8: version 3 bits = 1, PT = 1, spare, E, S, PN) | message type(8) |
 * length(16, the bytes after the 8 mandatory ones) | TEID(32); when any of
 * E, S or PN is set, sequence number(16), N-PDU number(8) and next
 * extension header type(8) follow, and with E a chain of extension headers,
 * each length(8, in 4-byte units, the length byte and next-type byte
 * included) ... next type(8), ending at type 0. Only message type 255
 * (G-PDU) carries a user packet, IPv4 or IPv6 by its first byte, as tshark's
 * default T-PDU heuristic reads it. Echo and error messages stay UDP.
 */
#include "dissect.h"
#include "bytes.h"

#define GTP_HDR_LEN     8u
#define GTP_OPT_LEN     4u
#define GTP_VERSION(b)  ((b) >> 5)
#define GTP_PT          0x10u
#define GTP_E           0x04u
#define GTP_S           0x02u
#define GTP_PN          0x01u
#define GTP_MSG_GPDU    255u

static int bad_gtp(struct ns_packet *pkt)
{
	pkt->flags |= NS_F_BAD_ENCAP;
	return -1;
}

/* Walks the extension headers from off, the next type byte at off - 1.
 * Returns the offset past them, 0 when cut or malformed (length 0). */
static uint32_t skip_extensions(const uint8_t *p, uint32_t caplen, uint32_t off)
{
	uint8_t next = p[off - 1];

	while (next != 0) {
		uint32_t elen;

		if (!ns_have(caplen, off, 1) || p[off] == 0)
			return 0;
		elen = (uint32_t)p[off] * 4u;
		if (!ns_have(caplen, off, elen))
			return 0;
		off += elen;
		next = p[off - 1];
	}
	return off;
}

/* tshark's T-PDU heuristic: an IPv4 header with IHL >= 5, or IPv6. */
static int decode_tpdu(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	if (data[0] >= 0x45 && data[0] <= 0x4f)
		return ns_decode_ipv4(data, caplen, len, pkt);
	if (data[0] >> 4 == 6)
		return ns_decode_ipv6(data, caplen, len, pkt);
	return -1;
}

int ns_decode_gtpu(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_GTPU, .has_id = true };
	uint32_t off = GTP_HDR_LEN, msglen;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, 2))
		return -1;
	if (GTP_VERSION(data[0]) != 1 || !(data[0] & GTP_PT) || data[1] != GTP_MSG_GPDU)
		return -1;	/* not GTPv1-U user data */
	if (!ns_have(caplen, 0, GTP_HDR_LEN))
		return bad_gtp(pkt);
	msglen = GTP_HDR_LEN + ns_get16(data + 2);
	if (msglen > len)
		return bad_gtp(pkt);
	/* What follows the message in the datagram is not its packet. */
	len = msglen;
	if (caplen > len)
		caplen = len;
	e.id = ns_get32(data + 4);
	if (data[0] & (GTP_E | GTP_S | GTP_PN)) {
		off += GTP_OPT_LEN;
		if (!ns_have(caplen, 0, off))
			return bad_gtp(pkt);
		if ((data[0] & GTP_E) && (off = skip_extensions(data, caplen, off)) == 0)
			return bad_gtp(pkt);
	}
	if (off >= caplen)
		return -1;	/* no packet captured */
	return ns_encap_enter(pkt, &e, decode_tpdu, data + off, caplen - off, len - off);
}
