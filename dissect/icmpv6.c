/* ICMPv6 (RFC 4443), neighbour discovery (RFC 4861), MLD (RFC 2710, 3810).
 * The header start, the payload and the quoted datagram of error messages are
 * read by code shared with ICMPv4 (icmp.c); type names live there too.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

enum {
	ICMP6_DST_UNREACH = 1, ICMP6_PACKET_TOO_BIG = 2, ICMP6_TIME_EXCEEDED = 3,
	ICMP6_PARAM_PROB = 4, ICMP6_ECHO_REQUEST = 128, ICMP6_ECHO_REPLY = 129,
	MLD_LISTENER_QUERY = 130, MLD_LISTENER_REPORT = 131, MLD_LISTENER_DONE = 132,
	ND_ROUTER_SOLICIT = 133, ND_ROUTER_ADVERT = 134, ND_NEIGHBOR_SOLICIT = 135,
	ND_NEIGHBOR_ADVERT = 136, ND_REDIRECT = 137, MLDV2_LISTENER_REPORT = 143,
	ICMP6_EXT_ECHO_REQUEST = 160, ICMP6_EXT_ECHO_REPLY = 161,
};

/* Smallest valid message of each known type (header included). Unknown
 * types only need the 4-byte type/code/checksum. */
static uint32_t icmp6_min_len(uint8_t type)
{
	switch (type) {
	case ICMP6_DST_UNREACH: case ICMP6_PACKET_TOO_BIG:
	case ICMP6_TIME_EXCEEDED: case ICMP6_PARAM_PROB:
	case ICMP6_ECHO_REQUEST: case ICMP6_ECHO_REPLY:
	case ND_ROUTER_SOLICIT: case MLDV2_LISTENER_REPORT:
		return 8;
	case ND_ROUTER_ADVERT:
		return 16;
	case MLD_LISTENER_QUERY: case MLD_LISTENER_REPORT: case MLD_LISTENER_DONE:
	case ND_NEIGHBOR_SOLICIT: case ND_NEIGHBOR_ADVERT:
		return 24;
	case ND_REDIRECT:
		return 40;
	default:
		return 4;
	}
}

static bool icmp6_is_error(uint8_t type)
{
	return type >= ICMP6_DST_UNREACH && type <= ICMP6_PARAM_PROB;
}

/* Type-specific fields after the 4-byte header, each only if captured. */
static void icmp6_body(const uint8_t *p, uint32_t caplen, struct ns_icmp *ic)
{
	switch (ic->type) {
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
		ns_icmp_idseq(p, caplen, false, ic);
		break;
	case ICMP6_EXT_ECHO_REQUEST:
	case ICMP6_EXT_ECHO_REPLY:
		/* RFC 8335: 16-bit identifier, 8-bit sequence number, flags */
		ns_icmp_idseq(p, caplen, true, ic);
		break;
	case ICMP6_PACKET_TOO_BIG:
		if (caplen >= 8)
			ic->mtu = ns_get32(p + 4);
		break;
	case ICMP6_PARAM_PROB:
		if (caplen >= 8)
			ic->pointer6 = ns_get32(p + 4);
		break;
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
	case ND_REDIRECT:
		/* the target address sits at bytes 8..23 in all three */
		if (ns_have(caplen, 8, 16)) {
			ic->has_target = true;
			ic->target.family = 6;
			memcpy(ic->target.a, p + 8, 16);
		}
		break;
	default:
		break;
	}
}

int ns_decode_icmpv6(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_icmp *ic = &pkt->icmp;

	caplen = ns_icmp_begin(data, caplen, len, 6, pkt);
	/* the type is needed to know the minimum length */
	if (len < 4 || (caplen >= 1 && len < icmp6_min_len(ic->type)))
		pkt->flags |= NS_F_BAD_LENGTH;
	else if (caplen < len)
		pkt->flags |= NS_F_TRUNCATED;
	icmp6_body(data, caplen, ic);
	return ns_icmp_end(data, caplen, icmp6_is_error(ic->type), pkt);
}
