/* Unit tests for dissect/macsec.c: integrity-only SecTAG with and without
 * the SCI, the ICV, the short length, encrypted frames, malformed ones. */
#include "l2enc_unit.h"

#define ICV 16u

/* SecTAG (TCI tci, SL sl, PN 68, SCI when tci has SC), ethertype, IPv4,
 * then a 16-byte ICV. Returns the whole length. */
static uint32_t build(uint8_t *b, uint8_t tci, uint8_t sl, bool v6)
{
	uint32_t n = 0;

	b[n++] = tci;
	b[n++] = sl;
	b[n++] = 0; b[n++] = 0; b[n++] = 0; b[n++] = 68;
	if (tci & 0x20) {
		static const uint8_t sci[8] = { 0x2e, 0xb7, 0x3f, 0x39, 0x95, 0xc3, 0x00, 0x01 };
		memcpy(b + n, sci, 8);
		n += 8;
	}
	b[n++] = v6 ? 0x86 : 0x08;
	b[n++] = v6 ? 0xdd : 0x00;
	n += v6 ? l2_ipv6_udp(b + n) : l2_ipv4_udp(b + n);
	memset(b + n, 0xee, ICV);
	return n + ICV;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_macsec, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_integrity_only(void **state)
{
	uint8_t b[128];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = build(b, 0x20, 0, false);	/* with SCI */
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MACSEC, false, 0);
	assert_inner_ipv4_udp(&pkt);	/* the ICV is not IP payload: no bad_length */
	assert_int_equal(pkt.ip_cap_len, L2_IP4_LEN);

	n = build(b, 0x00, 0, true);	/* without */
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MACSEC, false, 0);
	assert_inner_ipv6_udp(&pkt);
}

/* Short length: the secure data is SL bytes, padding follows the ICV. */
static void test_short_length(void **state)
{
	uint8_t b[128] = { 0 };
	struct ns_packet pkt;
	uint32_t n = build(b, 0x00, 2 + L2_IP4_LEN, false);

	(void)state;
	assert_int_equal(decode(b, n + 12, n + 12, &pkt), 0);
	assert_inner_ipv4_udp(&pkt);
	assert_int_equal(pkt.ip_cap_len, L2_IP4_LEN);
	b[1] = 1;	/* not even the ethertype */
	assert_int_equal(decode(b, n, n, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_BAD_LENGTH);
}

/* E or C set: encrypted (or an unknown cipher suite): reported, no IP. */
static void test_encrypted(void **state)
{
	uint8_t b[128];
	struct ns_packet pkt;
	static const uint8_t tcis[] = { 0x2c, 0x0c, 0x08, 0x04 };

	(void)state;
	for (size_t i = 0; i < sizeof(tcis); i++) {
		uint32_t n = build(b, tcis[i], 0, false);

		assert_int_equal(decode(b, n, n, &pkt), -1);
		assert_one_encap(&pkt, NS_ENC_MACSEC, false, 0);
		assert_int_equal(pkt.l3, NS_L3_NONE);
		assert_int_equal(pkt.flags, 0);
	}
}

static void test_malformed(void **state)
{
	uint8_t b[128];
	struct ns_packet pkt;
	uint32_t n = build(b, 0xa0, 0, false);	/* version bit */

	(void)state;
	assert_int_equal(decode(b, n, n, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	/* No room for the ethertype and the ICV after the SecTAG. */
	n = build(b, 0x20, 0, false);
	assert_int_equal(decode(b, 14 + 17, 14 + 17, &pkt), -1);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_BAD_LENGTH);
}

static void test_truncated(void **state)
{
	uint8_t b[128];
	struct ns_packet pkt;
	uint32_t n = build(b, 0x20, 0, false);

	(void)state;
	for (uint32_t cap = 0; cap < n; cap++) {
		decode(b, cap, n, &pkt);
		if (cap < 16) {	/* SecTAG with SCI, then the ethertype */
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else if (cap < 16 + L2_IP4_LEN) {
			assert_int_equal(pkt.nencap, 1);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		} else {	/* only ICV bytes missing: the packet is whole */
			assert_int_equal(pkt.nencap, 1);
			assert_inner_ipv4_udp(&pkt);
		}
	}
}

/* Through ns_dissect: ethertype 0x88e5. */
static void test_dispatch(void **state)
{
	uint8_t f[160];
	struct ns_packet pkt;
	uint32_t n = l2_eth(f, 0x88e5);

	(void)state;
	n += build(f + n, 0x20, 0, false);
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MACSEC, false, 0);
	assert_inner_ipv4_udp(&pkt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integrity_only),
		cmocka_unit_test(test_short_length),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
