/* Unit tests for dissect/nsh.c: RFC 8300 base + service path header, MD
 * types 1 and 2, every next protocol, malformed headers, truncation. */
#include "l2enc_unit.h"

/* NSH with SPI 0x000abc, SI 255, md type and length (in words), next
 * protocol np; MD type 1 context / MD type 2 TLVs zero-filled. */
static uint32_t build(uint8_t *b, uint8_t md, uint8_t words, uint8_t np)
{
	memset(b, 0, (size_t)words * 4);
	b[0] = 0x0f;	/* ver 0, O 0, TTL 63: 0x0fc0 | length */
	b[1] = (uint8_t)(0xc0 | words);
	b[2] = md;
	b[3] = np;
	b[4] = 0x00; b[5] = 0x0a; b[6] = 0xbc; b[7] = 0xff;
	return (uint32_t)words * 4;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_nsh, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_md1_ipv4(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 1, 6, 1);

	(void)state;
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_NSH, true, 0xabc);
	assert_inner_ipv4_udp(&pkt);
}

/* MD type 2: the length says where the payload starts (no TLV, one TLV). */
static void test_md2(void **state)
{
	uint8_t b[128];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = build(b, 2, 2, 2);
	n += l2_ipv6_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_NSH, true, 0xabc);
	assert_inner_ipv6_udp(&pkt);

	n = build(b, 2, 4, 1);
	b[8] = 0x01; b[10] = 0x01; b[11] = 4;	/* class 1, type 1, 4 bytes */
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_inner_ipv4_udp(&pkt);
}

/* Ethernet, MPLS and NSH inside NSH. */
static void test_next_protocols(void **state)
{
	uint8_t b[160];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = build(b, 2, 2, 3);
	n += l2_eth(b + n, 0x0800);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_NSH, true, 0xabc);
	assert_inner_ipv4_udp(&pkt);

	n = build(b, 2, 2, 5);
	b[n++] = 0x00; b[n++] = 0x01; b[n++] = 0x01; b[n++] = 0x40;	/* label 16, S */
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 2);
	assert_int_equal(pkt.encap[1].type, NS_ENC_MPLS);
	assert_int_equal(pkt.encap[1].id, 16);
	assert_inner_ipv4_udp(&pkt);

	n = build(b, 2, 2, 4);
	n += build(b + n, 1, 6, 1);
	b[12] = 0x07;	/* the inner SPI: 0x070abc */
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 2);
	assert_int_equal(pkt.encap[0].id, 0xabc);
	assert_int_equal(pkt.encap[1].id, 0x070abc);
	assert_inner_ipv4_udp(&pkt);

	/* Unknown next protocol: the path is reported, nothing inside. */
	n = build(b, 2, 2, 0x42);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), -1);
	assert_one_encap(&pkt, NS_ENC_NSH, true, 0xabc);
	assert_int_equal(pkt.l3, NS_L3_NONE);
	assert_int_equal(pkt.flags, 0);
}

static void test_malformed(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n;
	static const struct { uint8_t md, words, ver; } bad[] = {
		{ 1, 2, 0 },	/* MD type 1 without its context */
		{ 1, 8, 0 },	/* MD type 1 is exactly 6 words */
		{ 2, 1, 0 },	/* shorter than the fixed headers */
		{ 2, 0, 0 },
		{ 0, 2, 0 },	/* reserved MD type */
		{ 0xf, 2, 0 },	/* experimental MD type */
		{ 2, 2, 1 },	/* version 1 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = build(b, bad[i].md, 6, 1);
		b[1] = (uint8_t)((b[1] & 0xc0) | bad[i].words);
		b[0] |= (uint8_t)(bad[i].ver << 6);
		n += l2_ipv4_udp(b + n);
		assert_int_equal(decode(b, n, n, &pkt), -1);
		assert_int_equal(pkt.nencap, 0);
		assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	}
	/* A length past the end of the layer. */
	n = build(b, 2, 2, 1);
	b[1] = 0xc0 | 20;
	assert_int_equal(decode(b, 40, 40, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_BAD_LENGTH);
}

static void test_truncated(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 1, 6, 1);

	(void)state;
	n += l2_ipv4_udp(b + n);
	for (uint32_t cap = 0; cap < n; cap++) {
		decode(b, cap, n, &pkt);
		if (cap < 24) {
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
}

/* suricata-verify decode-nsh-type2, through ns_dissect. */
static void test_dispatch(void **state)
{
	static const uint8_t f[] = {
		0x52, 0x54, 0x00, 0x00, 0x00, 0x01, 0x52, 0x54, 0x00, 0x00, 0x00, 0x02, 0x89, 0x4f, 0x00, 0x02,
		0x02, 0x01, 0x00, 0x00, 0x01, 0x02, 0x45, 0x00, 0x00, 0x22, 0x28, 0x44, 0x40, 0x00, 0x40, 0x11,
		0xe9, 0x6a, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0xcc, 0x99, 0xcc, 0xf0, 0x00, 0x0e,
		0x00, 0x00, 0x64, 0x61, 0x74, 0x61, 0x0a, 0x0a,
	};
	struct ns_packet pkt;

	(void)state;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, sizeof(f), sizeof(f), &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_NSH, true, 1);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.dst_port, 52464);
	assert_int_equal(pkt.flags, NS_F_BAD_IP_CHECKSUM);	/* as tshark says too */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md1_ipv4),
		cmocka_unit_test(test_md2),
		cmocka_unit_test(test_next_protocols),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
