/* Unit tests for dissect/pbb.c: 802.1ah I-TAG, then the customer frame. */
#include "l2enc_unit.h"

/* I-TAG with I-SID 0xabcdef (PCP 5, UCA set), customer frame with type. */
static uint32_t build(uint8_t *b, uint16_t type)
{
	uint32_t n = 4;

	b[0] = 0xa8; b[1] = 0xab; b[2] = 0xcd; b[3] = 0xef;
	n += l2_eth(b + n, type);
	return n;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_pbb, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_isid(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0800);

	(void)state;
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_PBB, true, 0xabcdef);
	assert_inner_ipv4_udp(&pkt);
}

/* A C-VLAN tag in the customer frame is followed. */
static void test_customer_vlan(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x8100);

	(void)state;
	b[n++] = 0x00; b[n++] = 0x64; b[n++] = 0x86; b[n++] = 0xdd;
	n += l2_ipv6_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_PBB, true, 0xabcdef);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_id[0], 100);
	assert_inner_ipv6_udp(&pkt);
}

static void test_not_ip(void **state)
{
	uint8_t b[96] = { 0 };
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0806);	/* ARP */

	(void)state;
	assert_int_equal(decode(b, n + 28, n + 28, &pkt), -1);
	assert_one_encap(&pkt, NS_ENC_PBB, true, 0xabcdef);
	assert_int_equal(pkt.flags, 0);
}

static void test_truncated(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0800);

	(void)state;
	n += l2_ipv4_udp(b + n);
	for (uint32_t cap = 0; cap < n; cap++) {
		decode(b, cap, n, &pkt);
		if (cap < 4) {
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else if (cap < 18) {	/* the customer Ethernet header is cut */
			assert_int_equal(pkt.nencap, 1);
			assert_int_equal(pkt.l3, NS_L3_NONE);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
}

/* Backbone frame: B-TAG (802.1ad, 0x88a8), then the I-TAG ethertype. */
static void test_dispatch(void **state)
{
	uint8_t f[128];
	struct ns_packet pkt;
	uint32_t n = l2_eth(f, 0x88a8);

	(void)state;
	f[n++] = 0x00; f[n++] = 0x0a; f[n++] = 0x88; f[n++] = 0xe7;
	n += build(f + n, 0x0800);
	n += l2_ipv4_udp(f + n);
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_PBB, true, 0xabcdef);
	assert_int_equal(pkt.link.vlan_id[0], 10);
	assert_inner_ipv4_udp(&pkt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isid),
		cmocka_unit_test(test_customer_vlan),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
