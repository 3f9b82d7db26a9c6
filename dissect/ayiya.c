/* ayiya: Anything In Anything (draft-massar-v6ops-ayiya-02), UDP port 5072.
 *
 * IDLen(4) IDType(4) | SigLen(4) HshMeth(4) | AutMeth(4) OpCode(4) |
 * NextHeader(8) | Epoch Time(32), then the identity (2^IDLen bytes) and the
 * signature (SigLen 4-byte words), then the payload. Only the "forward"
 * opcode carries a packet, named by NextHeader as an IP protocol: 41 IPv6,
 * 4 IPv4 (as Wireshark reads it). Heartbeats, echo and queries stay UDP.
 */
#include "dissect.h"
#include "bytes.h"

#define AYIYA_FIXED_LEN   8u
#define AYIYA_OP_FORWARD  1u

int ns_decode_ayiya(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_AYIYA };
	ns_decoder_fn inner;
	uint32_t off;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, AYIYA_FIXED_LEN)) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	if ((data[2] & 0x0f) != AYIYA_OP_FORWARD)
		return -1;
	switch (data[3]) {
	case 4:
		inner = ns_decode_ipv4;
		break;
	case 41:
		inner = ns_decode_ipv6;
		break;
	default:
		return -1;
	}
	off = AYIYA_FIXED_LEN + (1u << (data[0] >> 4)) + (uint32_t)(data[1] >> 4) * 4u;
	if (!ns_have(caplen, 0, off)) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	if (caplen == off)
		return -1;
	return ns_encap_enter(pkt, &e, inner, data + off, caplen - off, len - off);
}
