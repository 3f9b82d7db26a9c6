/* Unit tests for dissect/vntag.c: 4-byte VN-Tag, then an ethertype. */
#include "l2enc_unit.h"

/* d=1 p=0 dst_vif 0x2abc, l=0 ver 0 src_vif 0x123, then type. */
static uint32_t build(uint8_t *b, uint16_t type)
{
	b[0] = 0xaa; b[1] = 0xbc; b[2] = 0x01; b[3] = 0x23;
	b[4] = (uint8_t)(type >> 8); b[5] = (uint8_t)type;
	return 6;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_vntag, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_vif(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0800);

	(void)state;
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_VNTAG, true, 0x2abc);
	assert_inner_ipv4_udp(&pkt);
}

/* Frame 1 of suricata-verify decode-vntag-01: VN-Tag, 802.1Q 11, IPv4 (ends
 * at the IP header here), with 4 trailer bytes. */
static void test_vntag_vlan(void **state)
{
	uint8_t f[128] = {
		0x00, 0x00, 0x01, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x89, 0x26, 0x00, 0x00,
		0x00, 0x00, 0x81, 0x00, 0x00, 0x0b, 0x08, 0x00,
	};
	struct ns_packet pkt;
	uint32_t n = 24;

	(void)state;
	n += l2_ipv4_udp(f + n);
	n += 4;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_VNTAG, true, 0);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_id[0], 11);
	assert_inner_ipv4_udp(&pkt);
}

static void test_not_ip(void **state)
{
	uint8_t b[64] = { 0 };
	struct ns_packet pkt;

	(void)state;
	build(b, 0x0806);
	assert_int_equal(decode(b, sizeof(b), sizeof(b), &pkt), -1);
	assert_one_encap(&pkt, NS_ENC_VNTAG, true, 0x2abc);
	assert_int_equal(pkt.flags, 0);
}

static void test_truncated(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x86dd);

	(void)state;
	n += l2_ipv6_udp(b + n);
	for (uint32_t cap = 0; cap < n; cap++) {
		decode(b, cap, n, &pkt);
		if (cap < 6) {
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
	assert_int_equal(decode(b, 5, 5, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vif),
		cmocka_unit_test(test_vntag_vlan),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
