/* Unit tests for dissect/fabricpath.c: the 16-byte outer FabricPath header
 * (hierarchical DA/SA, 0x8903, FTag/TTL), then the inner Ethernet frame. */
#include "l2enc_unit.h"

/* Outer header to switch 0x5a3 (sub-switch 1, LID 7), inner frame of type. */
static uint32_t build(uint8_t *b, uint16_t type)
{
	static const uint8_t hdr[16] = {
		0x02, 0x05, 0xa3, 0x01, 0x00, 0x07,	/* DA: U/L, switch 0x5a3 */
		0x02, 0x00, 0x00, 0x00, 0x01, 0x71,	/* SA */
		0x89, 0x03, 0x00, 0x20,			/* ethertype, FTag 0 TTL 32 */
	};
	memcpy(b, hdr, sizeof(hdr));
	return 16 + l2_eth(b + 16, type);
}

/* Through ns_dissect: that is where the outer header is recognised. */
static void test_unicast(void **state)
{
	uint8_t f[128];
	struct ns_packet pkt;
	uint32_t n = build(f, 0x0800);

	(void)state;
	n += l2_ipv4_udp(f + n);
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_FABRICPATH, true, 0x5a3);
	assert_inner_ipv4_udp(&pkt);
}

/* Frame 2 of suricata-verify decode-dce: multicast DA (no switch id),
 * IPv6 OSPF hello inside. */
static void test_multicast_dce(void **state)
{
	static const uint8_t f[] = {
		0x33, 0x33, 0x00, 0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x00, 0x01, 0x71, 0x89, 0x03, 0x00, 0x20,
		0x33, 0x33, 0x00, 0x00, 0x00, 0x05, 0x02, 0x02, 0x8e, 0x79, 0x0a, 0xf7, 0x86, 0xdd, 0x60, 0x00,
		0x00, 0x00, 0x00, 0x40, 0x59, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11,
		0x00, 0x16, 0x00, 0x17, 0x01, 0x36, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x40, 0xc5, 0x0b, 0x88, 0x01, 0x0b, 0x0b,
		0x0b, 0x0b, 0x76, 0x85, 0x00, 0x00, 0x00, 0x00, 0x00, 0x83, 0x06, 0x00, 0x00, 0x13, 0x00, 0x0a,
		0x00, 0x28, 0xc5, 0x0b, 0x88, 0x01, 0xc5, 0x0b, 0x89, 0x01, 0xc5, 0x0b, 0xa2, 0x11, 0xc5, 0x0b,
		0x89, 0x11, 0xc5, 0x0b, 0xa0, 0x11, 0xc5, 0x0b, 0xa2, 0x01, 0xc5, 0x0b, 0x89, 0x01, 0xc5, 0x0b,
		0xa0, 0x01, 0xc5, 0x0b, 0x88, 0x11,
	};
	struct ns_packet pkt;

	(void)state;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, sizeof(f), sizeof(f), &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_FABRICPATH, false, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.ipproto, 89);
	assert_int_equal(pkt.ip6.payload_len, 64);
	assert_int_equal(pkt.flags, 0);
}

/* The direct entry: the frame must carry 0x8903 at offset 12. */
static void test_direct(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x86dd);

	(void)state;
	n += l2_ipv6_udp(b + n);
	assert_int_equal(unit_decode_exact(ns_decode_fabricpath, NS_L3_NONE, b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_FABRICPATH, true, 0x5a3);
	assert_inner_ipv6_udp(&pkt);
	b[13] = 0x04;
	assert_int_equal(unit_decode_exact(ns_decode_fabricpath, NS_L3_NONE, b, n, n, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

static void test_truncated(void **state)
{
	uint8_t f[128];
	struct ns_packet pkt;
	uint32_t n = build(f, 0x0800);

	(void)state;
	n += l2_ipv4_udp(f + n);
	for (uint32_t cap = 0; cap < n; cap++) {
		l2_dissect(NS_LINK_ETHERNET, f, cap, n, &pkt);
		assert_int_equal(pkt.l3 == NS_L3_NONE, cap < 30);
		if (cap < 14) {	/* the Ethernet header itself */
			assert_int_equal(pkt.nencap, 0);
			assert_true(pkt.flags & NS_F_BAD_LINK);
		} else if (cap < 16) {
			assert_int_equal(pkt.nencap, 0);
			assert_true(pkt.flags & NS_F_BAD_ENCAP);
		} else if (cap < 30) {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_BAD_ENCAP);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
}

/* 0x8903 behind a VLAN tag is no FabricPath header (tshark agrees). */
static void test_behind_vlan(void **state)
{
	uint8_t f[128];
	struct ns_packet pkt;
	uint32_t n = l2_eth(f, 0x8100);

	(void)state;
	f[n++] = 0; f[n++] = 5; f[n++] = 0x89; f[n++] = 0x03;
	n += l2_ipv4_udp(f + n);
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast),
		cmocka_unit_test(test_multicast_dce),
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_behind_vlan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
