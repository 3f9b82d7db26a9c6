/* teredo: IPv6 over UDP through NATs (RFC 4380), UDP port 3544.
 *
 * Optionally an authentication indicator (0x0001, ID-len(1), AU-len(1),
 * client id, authentication value, nonce(8), confirmation(1)) and then an
 * origin indication (0x0000, obfuscated port(2), obfuscated IPv4(4)), and
 * then an IPv6 packet. Port 3544 is also any client's ephemeral port now and
 * then, so the IPv6 packet is checked first as tshark's Teredo heuristic does
 * (RFC 4380 section 5.2.1): version 6, a payload length within what Teredo
 * can carry, and the IPv6 length equal to what the UDP datagram holds.
 * Anything else stays plain UDP.
 */
#include "dissect.h"
#include "bytes.h"

#define TEREDO_AUTH_TYPE     0x0001u
#define TEREDO_AUTH_FIXED    13u      /* type, two lengths, nonce, confirmation */
#define TEREDO_ORIGIN_TYPE   0x0000u
#define TEREDO_ORIGIN_LEN    8u
#define IPV6_HDR_LEN         40u
#define TEREDO_MAX_PAYLOAD   65467u   /* 65535 - IPv6 header - UDP header - 20 (RFC 4380 5.2.1) */

/* The offset of the IPv6 header past the optional indicators into *off;
 * false when they are cut. */
static bool skip_indicators(const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	uint32_t o = 0;

	if (!ns_have(caplen, 0, 2))
		return false;
	if (ns_get16(p) == TEREDO_AUTH_TYPE) {
		if (!ns_have(caplen, 0, 4))
			return false;
		o = TEREDO_AUTH_FIXED + p[2] + p[3];
		if (!ns_have(caplen, o, 2))
			return false;
	}
	if (ns_get16(p + o) == TEREDO_ORIGIN_TYPE)
		o += TEREDO_ORIGIN_LEN;
	*off = o;
	return true;
}

int ns_decode_teredo(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_TEREDO };
	uint32_t off, plen;

	if (caplen > len)
		caplen = len;
	/* Version and payload length must be readable to tell Teredo at all. */
	if (!skip_indicators(data, caplen, &off) || !ns_have(caplen, off, 6))
		return -1;
	if (data[off] >> 4 != 6)
		return -1;
	plen = ns_get16(data + off + 4);
	if (plen > TEREDO_MAX_PAYLOAD || len - off != IPV6_HDR_LEN + plen)
		return -1;
	return ns_encap_enter(pkt, &e, ns_decode_ipv6, data + off, caplen - off, len - off);
}
