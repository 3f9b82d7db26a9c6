/* Unit tests for dissect/pppoe.c: PPPoE session stage, then PPP. */
#include "l2enc_unit.h"

/* PPPoE session header (session 0x1234) + PPP protocol + inner packet. */
static uint32_t build(uint8_t *b, uint16_t proto, bool v6)
{
	uint32_t inner = v6 ? l2_ipv6_udp(b + 8) : l2_ipv4_udp(b + 8);
	uint32_t plen = 2 + inner;

	b[0] = 0x11; b[1] = 0x00; b[2] = 0x12; b[3] = 0x34;
	b[4] = (uint8_t)(plen >> 8); b[5] = (uint8_t)plen;
	b[6] = (uint8_t)(proto >> 8); b[7] = (uint8_t)proto;
	return 6 + plen;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_pppoe, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_session_ip(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = build(b, 0x0021, false);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_PPPOE, true, 0x1234);
	assert_int_equal(pkt.encap[0].flags, 0);
	assert_inner_ipv4_udp(&pkt);

	n = build(b, 0x0057, true);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_PPPOE, true, 0x1234);
	assert_inner_ipv6_udp(&pkt);
}

/* Ethernet padding after the PPPoE payload is not part of it. */
static void test_padding_and_length(void **state)
{
	uint8_t b[96] = { 0 };
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = build(b, 0x0021, false);
	assert_int_equal(decode(b, n + 10, n + 10, &pkt), 0);
	assert_inner_ipv4_udp(&pkt);
	assert_int_equal(pkt.ip_cap_len, L2_IP4_LEN);

	/* A length beyond the frame: flagged on the PPPoE layer, decoded. */
	b[5] += 8;
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_int_equal(pkt.encap[0].flags, NS_F_BAD_LENGTH);
	assert_inner_ipv4_udp(&pkt);
}

static void test_malformed(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0021, false);

	(void)state;
	b[0] = 0x12;	/* version 1, type 2 */
	assert_int_equal(decode(b, n, n, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	b[0] = 0x11;
	b[1] = 0x09;	/* PADI code in a session frame */
	assert_int_equal(decode(b, n, n, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

/* LCP and other control protocols: the session is reported, no IP. */
static void test_control(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0xc021, false);

	(void)state;
	assert_int_equal(decode(b, n, n, &pkt), -1);
	assert_one_encap(&pkt, NS_ENC_PPPOE, true, 0x1234);
	assert_int_equal(pkt.l3, NS_L3_NONE);
}

static void test_truncated(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x0021, false);

	(void)state;
	for (uint32_t cap = 0; cap < n; cap++) {
		decode(b, cap, n, &pkt);
		if (cap < 6) {
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else if (cap < 8) {	/* the PPP protocol field is cut */
			assert_int_equal(pkt.nencap, 1);
			assert_int_equal(pkt.l3, NS_L3_NONE);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_int_equal(pkt.l3, NS_L3_IPV4);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
}

/* Ethertype 0x8864 is dispatched; discovery (0x8863) is not IP. */
static void test_dispatch(void **state)
{
	uint8_t f[128];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = l2_eth(f, 0x8864);
	n += build(f + n, 0x0021, false);
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_PPPOE, true, 0x1234);
	assert_inner_ipv4_udp(&pkt);

	f[13] = 0x63;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_NOT_IP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_ip),
		cmocka_unit_test(test_padding_and_length),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
