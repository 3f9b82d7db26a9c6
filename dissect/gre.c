/* gre: Generic Routing Encapsulation, IP protocol 47.
 *
 * Version 0 (RFC 2784, keys and sequence numbers of RFC 2890, and the routing
 * field of RFC 1701) and version 1, the enhanced GRE of PPTP (RFC 2637) which
 * carries PPP. The protocol field is an ethertype, so the payload goes through
 * the ethertype dispatch: IPv4, IPv6, transparent Ethernet bridging (0x6558),
 * MPLS, ERSPAN... A GRE header we cannot read, or another version, leaves the
 * packet as the outer one, flagged bad_encap; so does a GRE packet with no
 * payload (PPTP acknowledgments, keepalive replies), unflagged.
 *
 * ERSPAN's protocol 0x88be is two formats, told apart by the GRE header as
 * Wireshark and the kernel do: with a sequence number the ERSPAN type II
 * header follows, without one (type I) the mirrored frame itself.
 */
#include "dissect.h"
#include "bytes.h"

#define GRE_C        0x8000u   /* checksum (and offset) present */
#define GRE_R        0x4000u   /* routing present (RFC 1701) */
#define GRE_K        0x2000u   /* key present */
#define GRE_S        0x1000u   /* sequence number present */
#define GRE_A        0x0080u   /* v1: acknowledgment number present */
#define GRE_VER      0x0007u
#define GRE_PROTO_PPP 0x880bu
#define GRE_PROTO_ERSPAN 0x88beu

static int bad_gre(struct ns_packet *pkt)
{
	pkt->flags |= NS_F_BAD_ENCAP;
	return -1;
}

/* RFC 1701 source route entries: AF(2) offset(1) length(1) then length bytes,
 * ending with the NULL entry, address family 0 and length 0 (an entry of
 * another family with length 0 is just empty, as Wireshark reads it).
 * Returns the offset past them, 0 if cut. */
static uint32_t skip_routing(const uint8_t *p, uint32_t caplen, uint32_t off)
{
	for (;;) {
		if (!ns_have(caplen, off, 4))
			return 0;
		uint16_t af = ns_get16(p + off);
		uint8_t sre_len = p[off + 3];
		off += 4;
		if (af == 0 && sre_len == 0)
			return off;
		if (!ns_have(caplen, off, sre_len))
			return 0;
		off += sre_len;
	}
}

int ns_decode_gre(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_GRE };
	uint16_t fl, proto;
	uint32_t off = 4;

	if (caplen > len)
		caplen = len;
	if (caplen == 0)
		return -1;	/* none of it captured: the outer IP says truncated */
	if (!ns_have(caplen, 0, 4))
		return bad_gre(pkt);
	fl = ns_get16(data);
	proto = ns_get16(data + 2);
	switch (fl & GRE_VER) {
	case 0:
		if (fl & (GRE_C | GRE_R))
			off += 4;
		if (fl & GRE_K) {
			if (!ns_have(caplen, off, 4))
				return bad_gre(pkt);
			e.has_id = true;
			e.id = ns_get32(data + off);
			off += 4;
		}
		if (fl & GRE_S)
			off += 4;
		if ((fl & GRE_R) && (off = skip_routing(data, caplen, off)) == 0)
			return bad_gre(pkt);
		break;
	case 1:
		/* PPTP: the key field is payload length(2) and call id(2). */
		if (!(fl & GRE_K) || proto != GRE_PROTO_PPP)
			return bad_gre(pkt);
		if (!ns_have(caplen, off, 4))
			return bad_gre(pkt);
		e.has_id = true;
		e.id = ns_get16(data + off + 2);
		off += 4;
		if (fl & GRE_S)
			off += 4;
		if (fl & GRE_A)
			off += 4;
		break;
	default:
		return bad_gre(pkt);
	}
	if (!ns_have(caplen, off, 0))
		return bad_gre(pkt);
	if (off == caplen)
		return -1;	/* no payload, or none captured: the outer packet stays */
	if (proto == GRE_PROTO_ERSPAN && (fl & GRE_S))
		return ns_encap_enter(pkt, &e, ns_decode_erspan, data + off, caplen - off, len - off);
	if (proto == GRE_PROTO_PPP)
		return ns_encap_enter(pkt, &e, ns_decode_ppp, data + off, caplen - off, len - off);
	return ns_encap_enter_ethertype(pkt, &e, proto, data + off, caplen - off, len - off);
}
