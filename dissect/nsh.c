/* nsh: Network Service Header (RFC 8300), ethertype 0x894f (and VXLAN-GPE
 * next protocol 4, the UDP-borne side's).
 *
 * Base header: ver(2) O(1) U(1) TTL(6) length(6) | U(4) MD type(4) | next
 * protocol(8); service path header: SPI(24) SI(8). Length is the whole NSH
 * in 4-byte words: MD type 1 has a fixed 16-byte context (length 6), MD type 2
 * variable TLVs (length >= 2); the payload starts where length says. Next
 * protocol: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS. id = the SPI.
 * Version other than 0, a length shorter than its MD type needs, or an MD
 * type RFC 8300 does not define for use (0 reserved, 0xf experimental) is
 * malformed: flagged bad_encap and not entered.
 */
#include "dissect.h"
#include "bytes.h"

#define NSH_BASE_LEN   8u	/* base + service path header */
#define NSH_MD1_LEN    24u	/* with the fixed context */
#define NSH_NP_IPV4    1u
#define NSH_NP_IPV6    2u
#define NSH_NP_ETHER   3u
#define NSH_NP_NSH     4u
#define NSH_NP_MPLS    5u

static int bad_nsh(struct ns_packet *pkt, uint32_t flags)
{
	pkt->flags |= NS_F_BAD_ENCAP | flags;
	return -1;
}

static ns_decoder_fn next_decoder(uint8_t np)
{
	switch (np) {
	case NSH_NP_IPV4:
		return ns_decode_ipv4;
	case NSH_NP_IPV6:
		return ns_decode_ipv6;
	case NSH_NP_ETHER:
		return ns_decode_ether_frame;
	case NSH_NP_NSH:
		return ns_decode_nsh;
	case NSH_NP_MPLS:
		return ns_decode_mpls;
	default:
		return NULL;
	}
}

static int decode_nothing(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	(void)data; (void)caplen; (void)len; (void)pkt;
	return -1;
}

int ns_decode_nsh(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_NSH, .has_id = true };
	uint32_t hlen;
	uint8_t md;
	ns_decoder_fn next;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, NSH_BASE_LEN))
		return bad_nsh(pkt, caplen < len ? NS_F_TRUNCATED : 0);
	hlen = (uint32_t)(ns_get16(data) & 0x3fu) * 4;
	md = data[2] & 0x0fu;
	if ((data[0] >> 6) != 0 || hlen < NSH_BASE_LEN)
		return bad_nsh(pkt, 0);
	if ((md == 1 && hlen != NSH_MD1_LEN) || (md != 1 && md != 2))
		return bad_nsh(pkt, 0);
	if (!ns_have(caplen, 0, hlen))
		return bad_nsh(pkt, caplen < len ? NS_F_TRUNCATED : NS_F_BAD_LENGTH);
	e.id = ns_get32(data + 4) >> 8;
	next = next_decoder(data[3]);
	if (!next)
		next = decode_nothing;	/* the path is still worth reporting */
	return ns_encap_enter(pkt, &e, next, data + hlen, caplen - hlen, len - hlen);
}
