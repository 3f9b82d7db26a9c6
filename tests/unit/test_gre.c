/* Unit tests for dissect/gre.c: GRE version 0 (RFC 2784/2890 with checksum,
 * key, sequence; RFC 1701 routing) and version 1 (PPTP, RFC 2637) carrying
 * PPP, from hand-built packets, cut at every length and malformed. */
#include "encap.h"

#define GRE_C 0x8000u
#define GRE_R 0x4000u
#define GRE_K 0x2000u
#define GRE_S 0x1000u
#define GRE_A 0x0080u

/* GRE v0 flags fl, protocol proto, optional fields as the flags say
 * (checksum 0, key 0x01020304, sequence 7), around what p holds. */
static uint32_t wrap_gre0(struct pk *p, uint16_t fl, uint16_t proto)
{
	uint8_t h[16];
	uint32_t n = 4;

	put16(h, fl);
	put16(h + 2, proto);
	if (fl & (GRE_C | GRE_R)) {
		put32(h + n, 0);
		n += 4;
	}
	if (fl & GRE_K) {
		put32(h + n, 0x01020304);
		n += 4;
	}
	if (fl & GRE_S) {
		put32(h + n, 7);
		n += 4;
	}
	pk_prepend(p, h, n);
	return n;
}

static void test_plain(void **state)
{
	(void)state;
	struct pk p;

	inner_tcp4(&p);
	wrap_gre0(&p, 0, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, false, 0);
	sweep_cuts(&p, 20, 24, 24, NS_ENC_GRE, true);
}

static void test_checksum_key_seq(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	uint32_t n;

	inner_tcp4(&p);
	n = wrap_gre0(&p, GRE_C | GRE_K | GRE_S, 0x0800);
	assert_int_equal(n, 16);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, true, 0x01020304);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.encap[0].ipproto, 47);
	assert_int_equal(pkt.encap[0].sport, 0);
	sweep_cuts(&p, 20, 36, 36, NS_ENC_GRE, true);

	/* key alone, and sequence alone */
	inner_tcp4(&p);
	wrap_gre0(&p, GRE_K, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, true, 0x01020304);
	sweep_cuts(&p, 20, 28, 28, NS_ENC_GRE, true);
	inner_tcp4(&p);
	wrap_gre0(&p, GRE_S, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, false, 0);
}

static void test_ipv6_inner_and_outer(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	/* ip6gre: IPv6 in GRE in IPv6 */
	inner_udp6(&p);
	wrap_gre0(&p, GRE_K, 0x86dd);
	wrap_ipv6(&p, 47, 0xa, 0xb);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, NS_ENC_GRE);
	assert_int_equal(pkt.encap[0].src.family, 6);
	assert_int_equal(pkt.encap[0].src.a[15], 0xa);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.src.a[15], 1);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.dst_port, 53);
}

/* RFC 1701 routing: two SREs, the list ends at address family 0, length 0. */
static void test_routing(void **state)
{
	(void)state;
	static const uint8_t sres[] = {
		0x08, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,  /* AF IPv4, 8 bytes */
		0x12, 0x34, 0x00, 0x00,                          /* another AF, empty */
		0x00, 0x00, 0x00, 0x00,                          /* NULL SRE */
	};
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	pk_prepend(&p, sres, sizeof(sres));
	wrap_gre0(&p, GRE_R | GRE_K, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, true, 0x01020304);
	sweep_cuts(&p, 20, 32 + sizeof(sres), 32 + sizeof(sres), NS_ENC_GRE, true);

	/* the list never ends: bad_encap, the outer packet stays */
	pk_init(&p);
	pk_append(&p, sres, 16);
	wrap_gre0(&p, GRE_R, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.ipproto, 47);
}

/* PPTP: GRE v1, K always (payload length, call id), S and A optional, PPP. */
static void test_pptp(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	uint8_t h[16];
	uint32_t plen;

	inner_tcp4(&p);
	pk_prepend(&p, (const uint8_t[]){ 0xff, 0x03, 0x00, 0x21 }, 4);
	plen = pk_len(&p);
	put16(h, GRE_K | GRE_S | GRE_A | 1);
	put16(h + 2, 0x880b);
	put16(h + 4, (uint16_t)plen);
	put16(h + 6, 0x4242);		/* call id */
	put32(h + 8, 5);		/* sequence */
	put32(h + 12, 4);		/* acknowledgment */
	pk_prepend(&p, h, 16);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, true, 0x4242);
	sweep_cuts(&p, 20, 36, 40, NS_ENC_GRE, true);

	/* compressed PPP: no address/control, 1-byte protocol */
	inner_tcp4(&p);
	pk_prepend(&p, (const uint8_t[]){ 0x21 }, 1);
	put16(h, GRE_K | GRE_S | 1);
	put16(h + 4, (uint16_t)pk_len(&p));
	pk_prepend(&p, h, 12);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, true, 0x4242);

	/* an acknowledgment alone has no payload: the outer packet, unflagged */
	pk_init(&p);
	put16(h, GRE_K | GRE_A | 1);
	put16(h + 4, 0);
	put32(h + 8, 9);
	pk_prepend(&p, h, 12);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	assert_addr4(&pkt.src, OUTER_SRC);

	/* v1 without K, or not PPP: malformed */
	inner_tcp4(&p);
	put16(h, GRE_S | 1);
	pk_prepend(&p, h, 8);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
	inner_tcp4(&p);
	put16(h, GRE_K | 1);
	put16(h + 2, 0x0800);
	pk_prepend(&p, h, 8);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

static void test_malformed(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	/* versions 2..7 do not exist */
	for (uint16_t v = 2; v <= 7; v++) {
		inner_tcp4(&p);
		wrap_gre0(&p, v, 0x0800);
		wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
		assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
		assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
		assert_int_equal(pkt.nencap, 0);
	}
	/* an ethertype with no IP inside (ARP): the outer packet, unflagged */
	inner_tcp4(&p);
	wrap_gre0(&p, 0, 0x0806);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	/* a GRE header and nothing after it (keepalive reply) */
	pk_init(&p);
	wrap_gre0(&p, 0, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	/* an inner packet that is not IPv4 although GRE says so */
	inner_udp6(&p);
	wrap_gre0(&p, 0, 0x0800);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_true(pkt.flags & NS_F_BAD_VERSION);
}

/* Transparent Ethernet bridging (gretap): an Ethernet frame inside. */
static void test_teb(void **state)
{
	(void)state;
	struct pk p;

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_gre0(&p, GRE_K, 0x6558);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GRE, true, 0x01020304);
	sweep_cuts(&p, 20, 28, 42, NS_ENC_GRE, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_checksum_key_seq),
		cmocka_unit_test(test_ipv6_inner_and_outer),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_pptp),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_teb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
