/* sixlowpan: IPv6 over IEEE 802.15.4 (RFC 4944 dispatch, mesh, broadcast and
 * fragment headers; RFC 6282 IPHC header compression with NHC UDP and NHC
 * extension headers; the uncompressed IPv6 dispatch 0x41).
 *
 * 6LoWPAN is a link adaptation layer, not a tunnel: no ns_encap entry. An
 * IPHC header is decompressed straight into pkt->ip6 (and pkt->udp for NHC
 * UDP); the IPv6 header is not in the packet's bytes, so ip6.hdr is NULL and
 * hdr_avail is 40 (every field known). Lengths elided by IPHC come from the
 * frame (or the FRAG1 datagram size), as RFC 6282 says and tshark does.
 *
 * Addresses: stateless modes are rebuilt (fe80::/64 with the inline IID, the
 * 16-bit form 0000:00ff:fe00:XXXX, or the IID of the link address: EUI-64
 * with the U/L bit flipped). Stateful modes (SAC/DAC = 1) need a context
 * shared out of band that a capture does not carry: such an address is
 * reported absent (family 0) with NS_F_ADDR_UNKNOWN, never guessed.
 *
 * Fragments: a FRAG1 carries the start of the datagram, so its IPv6 header
 * and transport header are decoded (NS_F_FRAGMENT, more_fragments; what is
 * missing is in the next fragments, not cut by the capture). A FRAGN carries
 * the middle of a datagram: no IP layer. (tshark shows an IPv6 layer only
 * once its 6LoWPAN reassembly completes.) Uncompressed IPv6 goes to
 * ns_decode_ipv6 on the bytes themselves. HC1 (RFC 4944 section 10,
 * obsoleted by RFC 6282), the paging dispatch and 6LoRH are not decoded.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define IPV6_HDR_LEN      40u
#define UDP_HDR_LEN       8u
#define LOWPAN_IPV6       0x41      /* uncompressed IPv6 */
#define LOWPAN_BC0        0x50      /* broadcast header, 1-byte sequence */
#define LOWPAN_IS_IPHC(b) (((b) & 0xe0) == 0x60)
#define LOWPAN_IS_MESH(b) (((b) & 0xc0) == 0x80)
#define LOWPAN_IS_FRAG1(b) (((b) & 0xf8) == 0xc0)
#define LOWPAN_IS_FRAGN(b) (((b) & 0xf8) == 0xe0)
#define MESH_V            0x20      /* originator is a 16-bit short address */
#define MESH_F            0x10      /* final destination is short */
#define MESH_HOPS_EXT     0x0f      /* hops left in the next byte */
#define FRAG1_LEN         4u

/* IPHC, first byte (RFC 6282 3.1.1) */
#define IPHC_TF(b)        (((b) >> 3) & 3)
#define IPHC_NH           0x04
#define IPHC_HLIM(b)      ((b) & 3)
/* second byte */
#define IPHC_CID          0x80
#define IPHC_SAC          0x40
#define IPHC_SAM(b)       (((b) >> 4) & 3)
#define IPHC_M            0x08
#define IPHC_DAC          0x04
#define IPHC_DAM(b)       ((b) & 3)

/* NHC (RFC 6282 4) */
#define NHC_IS_UDP(b)     (((b) & 0xf8) == 0xf0)
#define NHC_IS_EXT(b)     (((b) & 0xf0) == 0xe0)
#define NHC_UDP_C         0x04      /* checksum elided */
#define NHC_UDP_P(b)      ((b) & 3)
#define NHC_EXT_EID(b)    (((b) >> 1) & 7)
#define NHC_EXT_NH        0x01
#define IPPROTO_NONE      59

/* One frame's 6LoWPAN bytes and what decompression needs. */
struct lowpan {
	const uint8_t *p;
	uint32_t cap, len;       /* captured (<= len) and declared bytes */
	struct ns_lowpan_addrs ll;
	bool frag1;
	uint32_t dgram;          /* FRAG1: datagram size (uncompressed) */
};

enum rd { RD_OK, RD_CUT, RD_SHORT };

/* Can n bytes at off be read? RD_SHORT: past the declared length (a
 * malformed header), RD_CUT: past the capture. */
static enum rd have(const struct lowpan *l, uint32_t off, uint32_t n)
{
	if (!ns_have(l->len, off, n))
		return RD_SHORT;
	if (!ns_have(l->cap, off, n))
		return RD_CUT;
	return RD_OK;
}

static int stop(enum rd r, struct ns_packet *pkt)
{
	pkt->flags |= r == RD_SHORT ? NS_F_BAD_LENGTH : NS_F_TRUNCATED;
	return -1;
}

/* The interface id an elided address takes from a link address (RFC 6282
 * 3.2.2 / RFC 4944 6): EUI-64 with the U/L bit flipped, or a short address
 * as 0000:00ff:fe00:XXXX. False if the link address is absent. */
static bool iid_from_link(const uint8_t *a, uint8_t alen, uint8_t iid[8])
{
	if (alen == 8) {
		memcpy(iid, a, 8);
		iid[0] ^= 0x02;
		return true;
	}
	if (alen == 2) {
		static const uint8_t pre[6] = { 0, 0, 0, 0xff, 0xfe, 0 };

		memcpy(iid, pre, 6);
		memcpy(iid + 6, a, 2);
		return true;
	}
	return false;
}

/* ---- RFC 4944 headers before the payload dispatch ---- */

/* Mesh header: its originator and final destination replace the link
 * addresses for IPHC. Returns its length, 0 when it cannot be read. */
static uint32_t mesh_header(struct lowpan *l, uint32_t off, struct ns_packet *pkt)
{
	uint8_t b = l->p[off];
	uint32_t n = 1u + ((b & MESH_HOPS_EXT) == MESH_HOPS_EXT);
	uint8_t olen = (b & MESH_V) ? 2 : 8, flen = (b & MESH_F) ? 2 : 8;
	enum rd r = have(l, off, n + olen + flen);

	if (r != RD_OK) {
		stop(r, pkt);
		return 0;
	}
	l->ll.src_len = olen;
	memcpy(l->ll.src, l->p + off + n, olen);
	l->ll.dst_len = flen;
	memcpy(l->ll.dst, l->p + off + n + olen, flen);
	return n + olen + flen;
}

/* ---- IPHC ---- */

/* Traffic class and flow label (TF). Returns bytes read. */
static uint32_t iphc_tf(const uint8_t *q, uint8_t tf, struct ns_ipv6 *ip)
{
	/* inline order: ECN (2 bits), DSCP (6), then the flow label */
	switch (tf) {
	case 0:
		ip->traffic_class = (uint8_t)((q[0] & 0x3f) << 2 | q[0] >> 6);
		ip->flow_label = (uint32_t)(q[1] & 0x0f) << 16 | (uint32_t)q[2] << 8 | q[3];
		return 4;
	case 1:
		ip->traffic_class = q[0] >> 6;
		ip->flow_label = (uint32_t)(q[0] & 0x0f) << 16 | (uint32_t)q[1] << 8 | q[2];
		return 3;
	case 2:
		ip->traffic_class = (uint8_t)((q[0] & 0x3f) << 2 | q[0] >> 6);
		return 1;
	default:
		return 0;
	}
}

static const uint8_t tf_len[4] = { 4, 3, 1, 0 };

enum addr_kind { A_OK, A_UNKNOWN, A_RESERVED };

struct addr_mode {
	uint8_t inline_len;
	enum addr_kind kind;
};

/* Source address: bytes inline and whether it can be rebuilt. */
static struct addr_mode src_mode(uint8_t b1, uint8_t link_len)
{
	static const uint8_t inl[4] = { 16, 8, 2, 0 };
	uint8_t sam = IPHC_SAM(b1);
	struct addr_mode m = { inl[sam], A_OK };

	if (b1 & IPHC_SAC) {
		if (sam == 0)
			m.inline_len = 0;	/* the unspecified address :: */
		else
			m.kind = A_UNKNOWN;	/* prefix from a context */
	} else if (sam == 3 && !link_len) {
		m.kind = A_UNKNOWN;
	}
	return m;
}

static struct addr_mode dst_mode(uint8_t b1, uint8_t link_len)
{
	static const uint8_t inl[4] = { 16, 8, 2, 0 };
	static const uint8_t mcast[4] = { 16, 6, 4, 1 };
	uint8_t dam = IPHC_DAM(b1);
	struct addr_mode m = { inl[dam], A_OK };

	if (b1 & IPHC_M) {
		m.inline_len = mcast[dam];
		if (b1 & IPHC_DAC) {
			/* only DAM 00: 48 bits, prefix from a context */
			m.inline_len = 6;
			m.kind = dam == 0 ? A_UNKNOWN : A_RESERVED;
		}
	} else if (b1 & IPHC_DAC) {
		m.kind = dam == 0 ? A_RESERVED : A_UNKNOWN;
	} else if (dam == 3 && !link_len) {
		m.kind = A_UNKNOWN;
	}
	return m;
}

/* A stateless unicast address (SAC/DAC = 0, or SAC=1 SAM=00). */
static void unicast(const uint8_t *q, uint8_t mode, bool ctx, const uint8_t *la, uint8_t llen,
		    uint8_t a[16])
{
	memset(a, 0, 16);
	if (ctx)
		return;			/* :: */
	if (mode == 0) {
		memcpy(a, q, 16);
		return;
	}
	a[0] = 0xfe;
	a[1] = 0x80;
	if (mode == 1) {
		memcpy(a + 8, q, 8);
	} else if (mode == 2) {
		a[11] = 0xff;
		a[12] = 0xfe;
		memcpy(a + 14, q, 2);
	} else {
		iid_from_link(la, llen, a + 8);
	}
}

/* A stateless multicast address (M=1, DAC=0). */
static void multicast(const uint8_t *q, uint8_t dam, uint8_t a[16])
{
	memset(a, 0, 16);
	switch (dam) {
	case 0:
		memcpy(a, q, 16);
		break;
	case 1:		/* ffXX::00XX:XXXX:XXXX */
		a[0] = 0xff;
		a[1] = q[0];
		memcpy(a + 11, q + 1, 5);
		break;
	case 2:		/* ffXX::00XX:XXXX */
		a[0] = 0xff;
		a[1] = q[0];
		memcpy(a + 13, q + 1, 3);
		break;
	default:	/* ff02::00XX */
		a[0] = 0xff;
		a[1] = 0x02;
		a[15] = q[0];
		break;
	}
}

static void set_addr(struct ns_addr *x, struct ns_addr *y, const uint8_t a[16], bool known,
		     struct ns_packet *pkt)
{
	if (!known) {
		pkt->flags |= NS_F_ADDR_UNKNOWN;
		return;		/* family 0: no address */
	}
	x->family = y->family = 6;
	memcpy(x->a, a, 16);
	memcpy(y->a, a, 16);
}

/* The IPv6 protocol number an NHC byte stands for; -1 if none we know. */
static int nhc_proto(uint8_t b)
{
	static const int eid_proto[8] = { 0, 43, 44, 60, 135, -1, -1, 41 };

	if (NHC_IS_UDP(b))
		return 17;
	if (NHC_IS_EXT(b))
		return eid_proto[NHC_EXT_EID(b)];
	return -1;
}

/* Lengths of the rebuilt datagram. */
struct dgram {
	uint32_t ext;            /* uncompressed bytes of extension headers */
	uint32_t off;            /* where the compressed transport starts in the frame */
};

/* The IPv6 payload length: from the FRAG1 datagram size, or the frame's
 * bytes after the compressed headers plus what decompression adds. */
static uint32_t payload_len(const struct lowpan *l, uint32_t rest_wire, uint32_t added,
			    struct ns_packet *pkt)
{
	uint64_t plen = (uint64_t)rest_wire + added;

	if (l->frag1) {
		if (l->dgram < IPV6_HDR_LEN) {
			pkt->flags |= NS_F_BAD_LENGTH;
			return (uint32_t)plen;
		}
		plen = l->dgram - IPV6_HDR_LEN;
	}
	return (uint32_t)plen;
}

/* IPv6 lengths from the rebuilt header on: what was sent, what is here. */
static void ip_lengths(const struct lowpan *l, uint32_t off, uint32_t added, struct ns_packet *pkt)
{
	uint32_t wire = l->len > off ? l->len - off : 0;
	uint32_t cap = l->cap > off ? l->cap - off : 0;

	/* a cut frame is a cut datagram (a FRAG1 is settled by the caller) */
	if (l->cap < l->len)
		pkt->flags |= NS_F_TRUNCATED;
	pkt->ip6.payload_len = (uint16_t)payload_len(l, wire, added, pkt);
	pkt->ip_wire_len = IPV6_HDR_LEN + pkt->ip6.payload_len;
	pkt->ip_cap_len = IPV6_HDR_LEN + added + cap;
	if (pkt->ip_cap_len > pkt->ip_wire_len) {
		/* a FRAG1 holding more than its whole datagram */
		pkt->flags |= NS_F_BAD_LENGTH;
		pkt->ip_cap_len = pkt->ip_wire_len;
	}
}

/* A transport sent inline at off, tlen bytes long (its captured part
 * clamped to that). */
static void transport(const struct lowpan *l, uint32_t off, uint32_t tlen, struct ns_packet *pkt)
{
	uint32_t cap = l->cap > off ? l->cap - off : 0;

	ns_decode_transport(l->p + off, cap < tlen ? cap : tlen, tlen, pkt);
}

/* NHC UDP (RFC 6282 4.3) at off: ports, checksum, length rebuilt. */
static void nhc_udp(const struct lowpan *l, uint32_t off, uint32_t ext, struct ns_packet *pkt)
{
	static const uint8_t ports_len[4] = { 4, 3, 3, 1 };
	uint8_t b = l->p[off];
	uint32_t n = 1u + ports_len[NHC_UDP_P(b)] + ((b & NHC_UDP_C) ? 0 : 2);
	const uint8_t *q = l->p + off + 1;
	struct ns_udp *u = &pkt->udp;
	uint32_t body, end;
	enum rd r = have(l, off, n);

	pkt->ipproto = 17;
	pkt->ip6.next = 17;
	if (r != RD_OK) {
		stop(r, pkt);
		ip_lengths(l, off, ext, pkt);
		return;		/* the IPv6 header stands; no transport */
	}
	memset(u, 0, sizeof(*u));
	switch (NHC_UDP_P(b)) {
	case 0:
		u->src_port = ns_get16(q);
		u->dst_port = ns_get16(q + 2);
		break;
	case 1:
		u->src_port = ns_get16(q);
		u->dst_port = (uint16_t)(0xf000 | q[2]);
		break;
	case 2:
		u->src_port = (uint16_t)(0xf000 | q[0]);
		u->dst_port = ns_get16(q + 1);
		break;
	default:
		u->src_port = (uint16_t)(0xf0b0 | q[0] >> 4);
		u->dst_port = (uint16_t)(0xf0b0 | (q[0] & 0x0f));
		break;
	}
	/* an elided checksum was not sent: it stays unknown (hdr_avail 6) */
	u->hdr_avail = 6;
	if (!(b & NHC_UDP_C)) {
		u->checksum = ns_get16(q + ports_len[NHC_UDP_P(b)]);
		u->hdr_avail = UDP_HDR_LEN;
	}
	off += n;
	ip_lengths(l, off, ext + UDP_HDR_LEN, pkt);
	body = pkt->ip6.payload_len >= ext ? pkt->ip6.payload_len - ext : 0;
	if (body < UDP_HDR_LEN) {
		pkt->flags |= NS_F_BAD_LENGTH;
		body = UDP_HDR_LEN;
	}
	u->length = (uint16_t)body;
	u->payload_len = body - UDP_HDR_LEN;
	pkt->l4 = NS_L4_UDP;
	end = l->cap - off;
	if (end > u->payload_len)
		end = u->payload_len;
	if (end) {
		pkt->payload = l->p + off;
		pkt->payload_caplen = end;
	}
}

/* What follows the IPv6 header when its next header is NHC-compressed:
 * extension headers (each rebuilt padded to 8 bytes, recorded in ip6.ext)
 * and finally UDP or an inline next header. A next header that cannot be
 * read is "no next header" (59), as tshark shows it. */
static void nhc_chain(const struct lowpan *l, uint32_t off, struct ns_packet *pkt)
{
	struct ns_ipv6 *ip = &pkt->ip6;
	uint32_t ext = 0;
	uint8_t unrecorded = 0;
	uint8_t *nh = &ip->next_header;	/* the field that names what comes next */

	for (;;) {
		enum rd r = have(l, off, 1);
		uint8_t b, next;
		int proto;
		uint32_t elen, n;

		if (r != RD_OK || (proto = nhc_proto(l->p[off])) < 0) {
			if (r != RD_OK)
				stop(r, pkt);
			else
				pkt->flags |= NS_F_BAD_HEADER;	/* no NHC we know */
			*nh = IPPROTO_NONE;
			ip->next = IPPROTO_NONE;
			pkt->ipproto = IPPROTO_NONE;
			ip_lengths(l, l->len, ext, pkt);
			return;
		}
		*nh = (uint8_t)proto;
		if (proto == 17) {
			nhc_udp(l, off, ext, pkt);
			return;
		}
		b = l->p[off];
		ip->next = (uint8_t)proto;
		pkt->ipproto = (uint8_t)proto;
		if (proto == 44 || proto == 41) {
			/* a compressed fragment header or IPv6-in-IPv6: not
			 * decompressed; the packet ends at the IPv6 header */
			ip_lengths(l, off, ext, pkt);
			return;
		}
		/* EID, [next header], length, then that many bytes */
		n = 1u + !(b & NHC_EXT_NH);
		if ((r = have(l, off, n + 1)) != RD_OK) {
			stop(r, pkt);
			ip_lengths(l, off, ext, pkt);
			return;
		}
		elen = l->p[off + n];
		if ((r = have(l, off, n + 1 + elen)) != RD_OK) {
			stop(r, pkt);
			ip_lengths(l, off, ext, pkt);
			return;
		}
		next = (b & NHC_EXT_NH) ? 0 : l->p[off + 1];
		if (ip->next_ext < NS_MAX_IP6_EXT) {
			struct ns_ip6_ext *e = &ip->ext[ip->next_ext++];

			e->type = (uint8_t)proto;
			e->next = next;
			e->len = (uint16_t)((2u + elen + 7u) & ~7u);
			nh = &e->next;
		} else {
			pkt->flags |= NS_F_EXT_HDR_LIMIT;
			nh = &unrecorded;	/* walked, not recorded */
		}
		ext += (2u + elen + 7u) & ~7u;
		off += n + 1 + elen;
		if (!(b & NHC_EXT_NH)) {
			/* inline next header: the transport as sent */
			ip->next = next;
			pkt->ipproto = next;
			ip_lengths(l, off, ext, pkt);
			pkt->first_fragment = true;
			transport(l, off, pkt->ip6.payload_len > ext ? pkt->ip6.payload_len - ext : 0, pkt);
			return;
		}
	}
}

static int iphc(struct lowpan *l, uint32_t off, struct ns_packet *pkt)
{
	struct ns_ipv6 *ip = &pkt->ip6;
	uint8_t b0, b1, a[16];
	struct addr_mode sm, dm;
	uint32_t n;
	enum rd r;

	if ((r = have(l, off, 2)) != RD_OK)
		return stop(r, pkt);
	b0 = l->p[off];
	b1 = l->p[off + 1];
	sm = src_mode(b1, l->ll.src_len);
	dm = dst_mode(b1, l->ll.dst_len);
	if (dm.kind == A_RESERVED) {
		/* a reserved destination mode: the rest has no known layout */
		pkt->flags |= NS_F_BAD_HEADER;
		return -1;
	}
	n = 2u + ((b1 & IPHC_CID) ? 1 : 0) + tf_len[IPHC_TF(b0)] + !(b0 & IPHC_NH) +
	    (IPHC_HLIM(b0) == 0) + sm.inline_len + dm.inline_len;
	if ((r = have(l, off, n)) != RD_OK)
		return stop(r, pkt);

	const uint8_t *q = l->p + off + 2 + ((b1 & IPHC_CID) ? 1 : 0);
	static const uint8_t hlim[4] = { 0, 1, 64, 255 };

	pkt->l3 = NS_L3_IPV6;
	ip->hdr = NULL;		/* rebuilt: not in the packet */
	ip->hdr_avail = IPV6_HDR_LEN;
	ip->version = 6;
	q += iphc_tf(q, IPHC_TF(b0), ip);
	if (!(b0 & IPHC_NH))
		ip->next_header = *q++;
	ip->hop_limit = hlim[IPHC_HLIM(b0)];
	if (IPHC_HLIM(b0) == 0)
		ip->hop_limit = *q++;
	/* (an address that cannot be rebuilt is skipped over, not read) */
	if (sm.kind == A_OK)
		unicast(q, IPHC_SAM(b1), b1 & IPHC_SAC, l->ll.src, l->ll.src_len, a);
	set_addr(&ip->src, &pkt->src, a, sm.kind == A_OK, pkt);
	q += sm.inline_len;
	if (dm.kind == A_OK && (b1 & IPHC_M))
		multicast(q, IPHC_DAM(b1), a);
	else if (dm.kind == A_OK)
		unicast(q, IPHC_DAM(b1), false, l->ll.dst, l->ll.dst_len, a);
	set_addr(&ip->dst, &pkt->dst, a, dm.kind == A_OK, pkt);
	off += n;

	pkt->first_fragment = true;
	if (b0 & IPHC_NH) {
		nhc_chain(l, off, pkt);
		return 0;
	}
	ip->next = ip->next_header;
	pkt->ipproto = ip->next_header;
	ip_lengths(l, off, 0, pkt);
	transport(l, off, pkt->ip6.payload_len, pkt);
	return 0;
}

/* ---- dispatch ---- */

/* The IPv6 datagram (uncompressed or IPHC) at off. */
static int datagram(struct lowpan *l, uint32_t off, struct ns_packet *pkt)
{
	uint8_t b = l->p[off];

	if (b == LOWPAN_IPV6) {
		uint32_t wire = l->len - off - 1;

		off++;
		if (l->frag1 && l->dgram > wire)
			wire = l->dgram;	/* the rest is in the next fragments */
		return ns_decode_ipv6(l->p + off, l->cap - off, wire, pkt);
	}
	if (LOWPAN_IS_IPHC(b))
		return iphc(l, off, pkt);
	return -1;		/* NALP, ESC, HC1, paging: no IPv6 we decode */
}

int ns_decode_sixlowpan(const uint8_t *data, uint32_t caplen, uint32_t len,
			const struct ns_lowpan_addrs *ll, struct ns_packet *pkt)
{
	struct lowpan l = { .p = data, .cap = caplen, .len = len };
	uint32_t off = 0, n;
	enum rd r;
	int rc;

	if (l.len < l.cap)
		l.len = l.cap;
	if (ll)
		l.ll = *ll;
	if (l.ll.src_len > 8 || l.ll.dst_len > 8)
		return -1;
	if ((r = have(&l, off, 1)) != RD_OK)
		return r == RD_CUT ? stop(r, pkt) : -1;	/* an empty payload is no IP */
	/* RFC 4944 5.1: mesh, then broadcast, then fragment headers */
	if (LOWPAN_IS_MESH(data[off])) {
		if (!(n = mesh_header(&l, off, pkt)))
			return -1;
		off += n;
		if ((r = have(&l, off, 1)) != RD_OK)
			return stop(r, pkt);
	}
	if (data[off] == LOWPAN_BC0) {
		if ((r = have(&l, off, 3)) != RD_OK)
			return stop(r, pkt);
		off += 2;
	}
	if (LOWPAN_IS_FRAGN(data[off]))
		return -1;	/* the middle of a datagram: no header in it */
	if (LOWPAN_IS_FRAG1(data[off])) {
		if ((r = have(&l, off, FRAG1_LEN + 1)) != RD_OK)
			return stop(r, pkt);
		l.frag1 = true;
		l.dgram = (uint32_t)(data[off] & 0x07) << 8 | data[off + 1];
		off += FRAG1_LEN;
	}
	rc = datagram(&l, off, pkt);
	if (l.frag1 && pkt->l3 != NS_L3_NONE) {
		pkt->flags |= NS_F_FRAGMENT;
		/* What a whole frame lacks is in the next fragments: not cut
		 * by the capture. */
		if (l.cap == l.len)
			pkt->flags &= ~NS_F_TRUNCATED;
		pkt->more_fragments = pkt->first_fragment && pkt->ip_cap_len < pkt->ip_wire_len;
	}
	return pkt->l3 != NS_L3_NONE ? 0 : rc < 0 ? -1 : rc;
}

int ns_decode_lowpan_frame(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return ns_decode_sixlowpan(data, caplen, len, &pkt->link.lowpan, pkt);
}
