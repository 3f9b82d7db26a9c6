/* dissect: the top-level entry point, transport dispatch and name tables.
 *
 * ns_dissect() zeroes the packet, decodes the link layer (which says whether
 * IPv4 or IPv6 follows, by ethertype or version nibble) and hands the rest to
 * the IP decoders, which in turn call ns_decode_transport(). Like Suricata's
 * decode.c: one entry per layer, each layer told how many bytes it may read.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

int ns_dissect(enum ns_linktype link, const uint8_t *data, uint32_t caplen,
	       const struct ns_ctx *ctx, struct ns_packet *pkt)
{
	uint32_t wire, off;
	const uint8_t *ip;

	/* The size is hidden from the compiler on purpose: as a constant, gcc
	 * inlines this 680-byte clear as `rep stos`, whose start-up cost made it
	 * a tenth of the dissector's time per packet; libc's memset uses vector
	 * stores. */
	size_t zn = sizeof(*pkt);
	__asm__("" : "+r"(zn));
	memset(pkt, 0, zn);
	pkt->ctx = ctx;
	/* A source that reports a wire length below the captured one is broken;
	 * trust the bytes we actually have. */
	wire = ctx ? ctx->wire_len : caplen;
	if (wire < caplen)
		wire = caplen;

	/* NS_LINK_NONE is handled by ns_decode_link like RAW: no header, the
	 * version nibble decides. */
	if (ns_decode_link(link, data, caplen, pkt) < 0)
		return -1;

	off = pkt->link.hdr_len;
	if (off > caplen)	/* cannot happen: the link decoder checked */
		return -1;
	ip = off ? data + off : data;	/* avoid NULL + 0 when caplen is 0 */

	switch (pkt->link.ethertype) {
	case ETHERTYPE_IPV4:
		ns_decode_ipv4(ip, caplen - off, wire - off, pkt);
		return 0;
	case ETHERTYPE_IPV6:
		ns_decode_ipv6(ip, caplen - off, wire - off, pkt);
		return 0;
	default:
		pkt->flags |= NS_F_NOT_IP;
		return -1;
	}
}

void ns_decode_transport(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	switch (pkt->ipproto) {
	case 6:
		ns_decode_tcp(data, caplen, len, pkt);
		return;
	case 17:
		ns_decode_udp(data, caplen, len, pkt);
		return;
	case 1:
		if (pkt->l3 == NS_L3_IPV4) {
			ns_decode_icmp(data, caplen, len, pkt);
			return;
		}
		break;
	case 58:
		if (pkt->l3 == NS_L3_IPV6) {
			ns_decode_icmpv6(data, caplen, len, pkt);
			return;
		}
		break;
	default:
		break;
	}
	/* Something we do not decode: the whole rest is its payload. */
	pkt->l4 = NS_L4_OTHER;
	pkt->payload = data;
	pkt->payload_caplen = caplen;
}

static const char *const flag_names[NS_F_COUNT] = {
	"truncated", "bad_ip_checksum", "bad_length", "fragment", "bad_header",
	"bad_version", "bad_options", "ext_hdr_limit", "not_ip", "bad_link",
};

const char *ns_flag_name(uint32_t flag_bit)
{
	for (unsigned int i = 0; i < NS_F_COUNT; i++)
		if (flag_bit == (1u << i))
			return flag_names[i];
	return NULL;
}

/* IANA "Assigned Internet Protocol Numbers" keywords, except 58 which the
 * event format calls "ICMPv6" (IANA: "IPv6-ICMP"). */
static const char *const ipproto_names[256] = {
	[0] = "HOPOPT",
	[1] = "ICMP",
	[2] = "IGMP",
	[4] = "IPv4",
	[6] = "TCP",
	[8] = "EGP",
	[9] = "IGP",
	[17] = "UDP",
	[27] = "RDP",
	[33] = "DCCP",
	[41] = "IPv6",
	[43] = "IPv6-Route",
	[44] = "IPv6-Frag",
	[46] = "RSVP",
	[47] = "GRE",
	[50] = "ESP",
	[51] = "AH",
	[58] = "ICMPv6",
	[59] = "IPv6-NoNxt",
	[60] = "IPv6-Opts",
	[88] = "EIGRP",
	[89] = "OSPFIGP",
	[94] = "IPIP",
	[97] = "ETHERIP",
	[103] = "PIM",
	[108] = "IPComp",
	[112] = "VRRP",
	[115] = "L2TP",
	[132] = "SCTP",
	[135] = "Mobility Header",
	[136] = "UDPLite",
	[137] = "MPLS-in-IP",
	[139] = "HIP",
	[140] = "Shim6",
	[143] = "Ethernet",
};

const char *ns_ipproto_name(uint8_t proto)
{
	return ipproto_names[proto];
}
