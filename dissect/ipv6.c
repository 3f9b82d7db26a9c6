/* ipv6: the IPv6 fixed header (RFC 8200), the extension-header chain and the
 * hand-off to transport.
 *
 * The chain is walked within both limits at once: the declared length (a
 * header past it is NS_F_BAD_LENGTH) and the captured bytes (a header past
 * them is NS_F_TRUNCATED). Either stops the walk and the transport is not
 * decoded: where it starts is unknown. Option TLVs of hop-by-hop and
 * destination options headers are checked, not recorded.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define IPV6_HDR_LEN   40
#define IPPROTO_HOPOPT 0
#define IPPROTO_ROUTE  43
#define IPPROTO_FRAG   44
#define IPPROTO_AH     51
#define IPPROTO_DSTOPT 60
#define IPPROTO_MH     135
#define IPPROTO_HIP    139
#define IPPROTO_SHIM6  140
#define FRAG_HDR_LEN   8
#define OPT_PAD1       0
#define OPT_JUMBO      0xc2

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void read_fixed(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	struct ns_ipv6 *ip = &pkt->ip6;

	ip->hdr_avail = (uint16_t)min_u32(caplen, IPV6_HDR_LEN);
	if (ns_have(caplen, 0, 1))
		ip->version = p[0] >> 4;
	if (ns_have(caplen, 0, 4)) {
		uint32_t w = ns_get32(p);

		ip->traffic_class = (uint8_t)(w >> 20);
		ip->flow_label = w & 0xfffff;
	}
	if (ns_have(caplen, 4, 2))
		ip->payload_len = ns_get16(p + 4);
	if (ns_have(caplen, 6, 1)) {
		ip->next_header = p[6];
		ip->next = p[6];
		pkt->ipproto = p[6];
	}
	if (ns_have(caplen, 7, 1))
		ip->hop_limit = p[7];
	/* Each copy is written from the packet bytes, not copied from the
	 * other: a struct copy right after byte stores to the same struct
	 * defeats store forwarding and stalled every packet. */
	if (ns_have(caplen, 8, 16)) {
		ip->src.family = pkt->src.family = 6;
		memcpy(ip->src.a, p + 8, 16);
		memcpy(pkt->src.a, p + 8, 16);
	} else {
		pkt->src = ip->src;
	}
	if (ns_have(caplen, 24, 16)) {
		ip->dst.family = pkt->dst.family = 6;
		memcpy(ip->dst.a, p + 24, 16);
		memcpy(pkt->dst.a, p + 24, 16);
	} else {
		pkt->dst = ip->dst;
	}
}

enum jumbo { JUMBO_ABSENT, JUMBO_UNKNOWN, JUMBO_VALUE };

/* Look for a Jumbo Payload option (RFC 2675) in a hop-by-hop header right
 * behind the fixed header, in captured bytes only. JUMBO_ABSENT: no HBH
 * header, or a whole one without the option; JUMBO_UNKNOWN: the option (or
 * the part of the header that could hold it) was not captured. */
static enum jumbo hbh_jumbo(const uint8_t *p, uint32_t caplen, uint32_t *value)
{
	uint32_t off, end, hbh_end;

	if (!ns_have(caplen, 0, IPV6_HDR_LEN))
		return JUMBO_UNKNOWN;
	if (p[6] != IPPROTO_HOPOPT)
		return JUMBO_ABSENT;
	if (!ns_have(caplen, IPV6_HDR_LEN, 2))
		return JUMBO_UNKNOWN;
	hbh_end = IPV6_HDR_LEN + ((uint32_t)p[IPV6_HDR_LEN + 1] + 1) * 8;
	end = min_u32(caplen, hbh_end);
	off = IPV6_HDR_LEN + 2;
	while (off < end) {
		if (p[off] == OPT_PAD1) {
			off++;
			continue;
		}
		if (off + 1 >= end)
			break;
		if (p[off] == OPT_JUMBO) {
			if (p[off + 1] != 4 || !ns_have(end, off + 2, 4))
				return JUMBO_UNKNOWN;
			*value = ns_get32(p + off + 2);
			return JUMBO_VALUE;
		}
		off += 2u + p[off + 1];
	}
	return caplen >= hbh_end ? JUMBO_ABSENT : JUMBO_UNKNOWN;
}

/* Length from the IP header on: 40 + payload_len when sane. */
static uint32_t ip6_length(const uint8_t *p, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt)
{
	uint64_t len;
	uint32_t jumbo = 0;

	if (!ns_have(caplen, 4, 2))
		return wirelen;
	len = IPV6_HDR_LEN + (uint64_t)pkt->ip6.payload_len;
	if (pkt->ip6.payload_len == 0) {
		/* Jumbogram (RFC 2675): the length is in the HBH option. Linux
		 * BIG TCP captures show it too, or (newer kernels) no HBH at
		 * all, just a packet above 64 KiB: trust the wire there. */
		switch (hbh_jumbo(p, caplen, &jumbo)) {
		case JUMBO_VALUE:
			len = IPV6_HDR_LEN + (uint64_t)jumbo;
			break;
		case JUMBO_UNKNOWN:
			return wirelen;
		case JUMBO_ABSENT:
			if (p[6] == IPPROTO_HOPOPT) {
				/* an HBH header, but no jumbo option in it */
				pkt->flags |= NS_F_BAD_LENGTH;
				return wirelen;
			}
			if (wirelen > IPV6_HDR_LEN + 0xffff)
				return wirelen;
			break;
		}
	}
	if (len > wirelen) {
		pkt->flags |= NS_F_BAD_LENGTH;
		return wirelen;
	}
	return (uint32_t)len;
}

static bool is_ext_header(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPT:
	case IPPROTO_ROUTE:
	case IPPROTO_FRAG:
	case IPPROTO_DSTOPT:
	case IPPROTO_AH:
	case IPPROTO_MH:
	case IPPROTO_HIP:
	case IPPROTO_SHIM6:
		return true;
	default:
		return false;
	}
}

static uint32_t ext_len(uint8_t type, const uint8_t *h)
{
	if (type == IPPROTO_FRAG)
		return FRAG_HDR_LEN;
	if (type == IPPROTO_AH)	/* RFC 4302: in 4-byte units, minus 2 */
		return ((uint32_t)h[1] + 2) * 4;
	return ((uint32_t)h[1] + 1) * 8;
}

/* Bytes of an extension header that hold the fields we report. */
static uint32_t ext_fields_len(uint8_t type)
{
	if (type == IPPROTO_FRAG)
		return FRAG_HDR_LEN;
	if (type == IPPROTO_ROUTE)
		return 4;	/* next, len, routing type, segments left */
	return 2;	/* next, len */
}

/* Why a header (or its fields) cannot be read: past the declared length
 * (cap never exceeds it) or past the capture. */
static bool ext_stop(uint32_t cap, uint32_t iplen, uint32_t off, uint32_t n, struct ns_packet *pkt)
{
	if (!ns_have(iplen, off, n)) {
		pkt->flags |= NS_F_BAD_LENGTH;
		return true;
	}
	if (!ns_have(cap, off, n)) {
		pkt->flags |= NS_F_TRUNCATED;
		return true;
	}
	return false;
}

/* Hop-by-hop and destination options (RFC 8200 4.2): TLVs filling the
 * header after its 2 bytes. One that runs past the header's end is
 * NS_F_BAD_OPTIONS. Only captured bytes are read: a header cut by the
 * capture is checked as far as it goes. */
static void check_tlvs(const uint8_t *h, uint32_t len, uint32_t cap, struct ns_packet *pkt)
{
	uint32_t off = 2;

	while (off < len && off < cap) {
		if (h[off] == OPT_PAD1) {
			off++;
			continue;
		}
		if (off + 1 >= len) {	/* no room for the length byte */
			pkt->flags |= NS_F_BAD_OPTIONS;
			return;
		}
		if (off + 1 >= cap)
			return;
		off += 2u + h[off + 1];
		if (off > len) {
			pkt->flags |= NS_F_BAD_OPTIONS;
			return;
		}
	}
}

/* Record one header (only the first NS_MAX_IP6_EXT are kept). */
static void record_ext(const uint8_t *h, uint8_t nh, uint32_t len, struct ns_packet *pkt)
{
	struct ns_ipv6 *ip = &pkt->ip6;
	struct ns_ip6_ext *e;

	if (ip->next_ext >= NS_MAX_IP6_EXT) {
		pkt->flags |= NS_F_EXT_HDR_LIMIT;
		return;
	}
	e = &ip->ext[ip->next_ext++];
	e->type = nh;
	e->next = h[0];
	e->len = (uint16_t)len;
	if (nh == IPPROTO_ROUTE) {
		e->routing_type = h[2];
		e->segments_left = h[3];
	} else if (nh == IPPROTO_FRAG) {
		e->frag_off = ns_get16(h + 2) >> 3;
		e->more_frags = h[3] & 1;
		e->frag_id = ns_get32(h + 4);
	}
}

/* Walk the chain from byte 40. On return *offp is where the protocol in
 * ip6.next starts. Returns false if the walk stopped on an error. A header
 * whose own fields were captured is recorded even if its body was not (as
 * tshark shows it); the walk stops there all the same.
 *
 * The whole chain is walked, however long (each header takes at least 8
 * bytes, so the packet length bounds it): only the first NS_MAX_IP6_EXT are
 * recorded (NS_F_EXT_HDR_LIMIT says some were not), but the transport is
 * still found and any Fragment header still makes the packet a fragment. */
static bool walk_ext(const uint8_t *p, uint32_t cap, uint32_t iplen, uint32_t *offp,
		     struct ns_packet *pkt)
{
	struct ns_ipv6 *ip = &pkt->ip6;
	uint32_t off = IPV6_HDR_LEN;
	uint8_t nh = ip->next_header;

	while (is_ext_header(nh)) {
		const uint8_t *h = p + off;
		uint32_t len;
		uint16_t frag_off = 0;

		if (nh == IPPROTO_HOPOPT && off != IPV6_HDR_LEN) {
			/* RFC 8200 4.1: hop-by-hop only right after the fixed
			 * header; elsewhere 0 is not a valid next header. */
			pkt->flags |= NS_F_BAD_HEADER;
			return false;
		}
		if (ext_stop(cap, iplen, off, ext_fields_len(nh), pkt))
			return false;
		len = ext_len(nh, h);
		record_ext(h, nh, len, pkt);
		if ((nh == IPPROTO_HOPOPT || nh == IPPROTO_DSTOPT) && ns_have(iplen, off, len))
			check_tlvs(h, len, cap - off, pkt);
		if (nh == IPPROTO_FRAG) {
			/* RFC 8200 4.5: a Fragment header makes a fragment,
			 * an atomic one (offset 0, M=0, RFC 6946) too, as
			 * tshark counts it */
			pkt->flags |= NS_F_FRAGMENT;
			frag_off = ns_get16(h + 2) >> 3;
			if (frag_off == 0 && (h[3] & 1))
				pkt->more_fragments = true;
		}
		if (ext_stop(cap, iplen, off, len, pkt))
			return false;
		off += len;
		ip->next = h[0];
		*offp = off;
		if (nh == IPPROTO_FRAG && frag_off != 0) {
			/* What follows is the middle of the original packet,
			 * not a header. */
			pkt->first_fragment = false;
			pkt->more_fragments = false;
			return true;
		}
		nh = h[0];
	}
	return true;
}

int ns_decode_ipv6(const uint8_t *data, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt)
{
	struct ns_ipv6 *ip = &pkt->ip6;
	uint32_t iplen, ipcap, off = IPV6_HDR_LEN;

	if (wirelen < caplen)
		wirelen = caplen;
	pkt->l3 = NS_L3_IPV6;
	ip->hdr = data;
	read_fixed(data, caplen, pkt);

	iplen = ip6_length(data, caplen, wirelen, pkt);
	ipcap = min_u32(caplen, iplen);
	pkt->ip_wire_len = iplen;
	pkt->ip_cap_len = ipcap;
	if (ipcap < iplen)
		pkt->flags |= NS_F_TRUNCATED;
	if (caplen < IPV6_HDR_LEN) {
		pkt->flags |= NS_F_TRUNCATED;
		if (caplen >= 1 && ip->version != 6)
			pkt->flags |= NS_F_BAD_VERSION;
		return 0;
	}
	if (ip->version != 6) {
		pkt->flags |= NS_F_BAD_VERSION;
		return 0;
	}
	if (iplen < IPV6_HDR_LEN)	/* wire shorter than the fixed header */
		return 0;

	pkt->first_fragment = true;
	if (!walk_ext(data, ipcap, iplen, &off, pkt)) {
		pkt->ipproto = ip->next;
		return 0;
	}
	pkt->ipproto = ip->next;
	if (pkt->first_fragment)
		ns_decode_transport(data + off, ipcap - off, iplen - off, pkt);
	return 0;
}
