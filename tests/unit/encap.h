/* Helpers for the encapsulation unit tests: packets built from the inside
 * out (each wrap_* prepends one header with lengths that fit what it
 * wraps), decoded by ns_dissect from an exact-size copy, and a sweep that
 * cuts a packet at every length and checks where the tunnel appears. */
#ifndef NETSIFT_UNIT_ENCAP_H
#define NETSIFT_UNIT_ENCAP_H
#include "unit.h"

#define PK_ROOM 2048u
struct pk {
	uint8_t b[2 * PK_ROOM];
	uint32_t start, end;
};

static inline void pk_init(struct pk *p)
{
	p->start = p->end = PK_ROOM;
}

static inline uint32_t pk_len(const struct pk *p)
{
	return p->end - p->start;
}

static inline const uint8_t *pk_data(const struct pk *p)
{
	return p->b + p->start;
}

static inline uint8_t *pk_prepend(struct pk *p, const uint8_t *h, uint32_t n)
{
	assert_true(p->start >= n);
	p->start -= n;
	if (h)
		memcpy(p->b + p->start, h, n);
	else
		memset(p->b + p->start, 0, n);
	return p->b + p->start;
}

static inline void pk_append(struct pk *p, const uint8_t *d, uint32_t n)
{
	assert_true(p->end + n <= sizeof(p->b));
	memcpy(p->b + p->end, d, n);
	p->end += n;
}

static inline void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/* IPv4 header (20 bytes, DF, TTL 64) over what is there, protocol proto. */
static inline void wrap_ipv4(struct pk *p, uint8_t proto, uint32_t src, uint32_t dst)
{
	uint32_t n = pk_len(p) + 20;
	uint8_t *h = pk_prepend(p, NULL, 20);

	h[0] = 0x45;
	put16(h + 2, (uint16_t)n);
	put16(h + 4, 0x1234);
	h[6] = 0x40;
	h[8] = 64;
	h[9] = proto;
	put32(h + 12, src);
	put32(h + 16, dst);
	unit_ip4_checksum(h, 20);
}

/* IPv6 header, next header nh, addresses 2001:db8::<s> -> 2001:db8::<d>. */
static inline void wrap_ipv6(struct pk *p, uint8_t nh, uint8_t s, uint8_t d)
{
	uint32_t n = pk_len(p);
	uint8_t *h = pk_prepend(p, NULL, 40);

	h[0] = 0x60;
	put16(h + 4, (uint16_t)n);
	h[6] = nh;
	h[7] = 64;
	put16(h + 8, 0x2001);
	put16(h + 10, 0x0db8);
	h[23] = s;
	put16(h + 24, 0x2001);
	put16(h + 26, 0x0db8);
	h[39] = d;
}

static inline void wrap_udp(struct pk *p, uint16_t sport, uint16_t dport)
{
	uint32_t n = pk_len(p) + 8;
	uint8_t *h = pk_prepend(p, NULL, 8);

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (uint16_t)n);
}

static inline void wrap_eth(struct pk *p, uint16_t type)
{
	static const uint8_t macs[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0, 0 };
	uint8_t *h = pk_prepend(p, macs, 14);

	put16(h + 12, type);
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define OUTER_SRC IP4(192, 0, 2, 1)
#define OUTER_DST IP4(192, 0, 2, 2)
#define INNER_SRC IP4(10, 0, 0, 1)
#define INNER_DST IP4(10, 0, 0, 2)

/* The innermost packet: IPv4 10.0.0.1 -> 10.0.0.2, TCP 40000 -> 80 SYN. */
static inline void inner_tcp4(struct pk *p)
{
	uint8_t *t;

	pk_init(p);
	t = pk_prepend(p, NULL, 20);
	put16(t, 40000);
	put16(t + 2, 80);
	put32(t + 4, 1000);
	t[12] = 0x50;
	t[13] = 0x02;
	put16(t + 14, 65535);
	wrap_ipv4(p, 6, INNER_SRC, INNER_DST);
}

/* Or IPv6 2001:db8::1 -> 2001:db8::2, UDP 5353 -> 53 with 4 payload bytes. */
static inline void inner_udp6(struct pk *p)
{
	static const uint8_t pay[4] = { 1, 2, 3, 4 };

	pk_init(p);
	pk_append(p, pay, 4);
	wrap_udp(p, 5353, 53);
	wrap_ipv6(p, 17, 1, 2);
}

/* Decode the first caplen bytes of p (wire length: all of it) as a raw IP
 * capture, from an exact-size copy. Pointers in pkt are not to be used. */
static inline int pk_dissect(const struct pk *p, uint32_t caplen, struct ns_packet *pkt)
{
	struct ns_ctx ctx = { .wire_len = pk_len(p) };
	uint8_t *copy = unit_copy_exact(pk_data(p), caplen);
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	rc = ns_dissect(NS_LINK_RAW, copy, caplen, &ctx, pkt);
	free(copy);
	return rc;
}

static inline void assert_addr4(const struct ns_addr *a, uint32_t want)
{
	assert_int_equal(a->family, 4);
	assert_int_equal((uint32_t)a->a[0] << 24 | (uint32_t)a->a[1] << 16 |
			 (uint32_t)a->a[2] << 8 | a->a[3], want);
}

/* The whole packet: one tunnel of this type (and id when has_id) between
 * OUTER_SRC and OUTER_DST, the inner TCP packet with no flag. */
static inline void assert_tunnel_tcp4(const struct pk *p, uint8_t type, bool has_id, uint32_t id)
{
	struct ns_packet pkt;

	assert_int_equal(pk_dissect(p, pk_len(p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, type);
	assert_int_equal(pkt.encap[0].has_id, has_id);
	if (has_id)
		assert_int_equal(pkt.encap[0].id, id);
	assert_int_equal(pkt.encap[0].flags, 0);
	assert_addr4(&pkt.encap[0].src, OUTER_SRC);
	assert_addr4(&pkt.encap[0].dst, OUTER_DST);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_addr4(&pkt.src, INNER_SRC);
	assert_addr4(&pkt.dst, INNER_DST);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.tcp.src_port, 40000);
	assert_int_equal(pkt.tcp.dst_port, 80);
}

/* Cut p at every length. Up to inner_ip bytes (where the inner IP header
 * starts) the packet is the outer one, with no tunnel; past it the tunnel
 * is entered and the inner IP layer is the packet's. A cut inside the
 * tunnel's header (hdr_start to hdr_end) or inside an inner Ethernet header
 * (hdr_end to inner_ip) is flagged bad_encap when flags_cut says so; a cut
 * right at a boundary is only truncated. */
static inline void sweep_cuts_mid(const struct pk *p, uint32_t hdr_start, uint32_t hdr_end,
				  uint32_t mid, uint32_t inner_ip, uint8_t type, bool flags_cut)
{
	for (uint32_t cut = 0; cut <= pk_len(p); cut++) {
		struct ns_packet pkt;

		pk_dissect(p, cut, &pkt);
		if (getenv("UNIT_VERBOSE"))
			print_message("cut %u: nencap %u flags 0x%x\n", cut, pkt.nencap, pkt.flags);
		if (cut < 20)
			continue;	/* not even the outer IPv4 header */
		if (cut <= inner_ip) {
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.l3, NS_L3_IPV4);
			assert_addr4(&pkt.src, OUTER_SRC);
			assert_true(pkt.flags & NS_F_TRUNCATED);
			bool in_hdr = ((cut > hdr_start && cut < hdr_end) ||
				       (cut > hdr_end && cut < inner_ip)) && cut != mid;
			if (flags_cut)
				assert_int_equal(!!(pkt.flags & NS_F_BAD_ENCAP), in_hdr);
			else
				assert_false(pkt.flags & NS_F_BAD_ENCAP);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_int_equal(pkt.encap[0].type, type);
			assert_int_equal(pkt.l3, NS_L3_IPV4);
			if (cut >= inner_ip + 20)
				assert_addr4(&pkt.src, INNER_SRC);
			if (cut < pk_len(p))
				assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
}

/* The same, with one more boundary (mid) inside the inner headers, where a
 * cut is not flagged either (an inner Ethernet header before a VLAN tag). */
static inline void sweep_cuts(const struct pk *p, uint32_t hdr_start, uint32_t hdr_end,
			      uint32_t inner_ip, uint8_t type, bool flags_cut)
{
	sweep_cuts_mid(p, hdr_start, hdr_end, 0, inner_ip, type, flags_cut);
}
#endif
