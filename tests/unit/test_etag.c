/* Unit tests for dissect/etag.c: 6-byte 802.1BR E-Tag, then an ethertype. */
#include "l2enc_unit.h"

/* E-DEI set, ingress E-CID 0, GRP 0, E-CID base 0x0d3, ext 0x05. */
static uint32_t build(uint8_t *b, uint16_t type)
{
	b[0] = 0x10; b[1] = 0x00; b[2] = 0x00; b[3] = 0xd3; b[4] = 0x00; b[5] = 0x05;
	b[6] = (uint8_t)(type >> 8); b[7] = (uint8_t)type;
	return 8;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_etag, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_ecid(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0800);

	(void)state;
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_ETAG, true, 0x050d3);
	assert_inner_ipv4_udp(&pkt);
	b[5] = 0;	/* as in suricata-verify decode-etag-01: E-CID 211 */
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_int_equal(pkt.encap[0].id, 211);
}

static void test_dispatch(void **state)
{
	uint8_t f[128] = { 0 };
	struct ns_packet pkt;
	uint32_t n = l2_eth(f, 0x893f);

	(void)state;
	n += build(f + n, 0x86dd);
	n += l2_ipv6_udp(f + n);
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n + 6, n + 6, &pkt), 0);	/* + trailer */
	assert_one_encap(&pkt, NS_ENC_ETAG, true, 0x050d3);
	assert_inner_ipv6_udp(&pkt);

	f[20] = 0x88; f[21] = 0xcc;	/* LLDP: not IP, the tag still reported */
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), -1);
	assert_one_encap(&pkt, NS_ENC_ETAG, true, 0x050d3);
	assert_int_equal(pkt.flags, NS_F_NOT_IP);
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
		if (cap < 8) {
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
	assert_int_equal(decode(b, 7, 7, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecid),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
