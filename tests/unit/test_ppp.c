/* Unit tests for dissect/ppp.c: the header forms of RFC 1661 (address and
 * control or not, 1- or 2-byte protocol), the protocol map, cuts. */
#include "encap.h"

static void test_header(void **state)
{
	(void)state;
	uint16_t proto = 0;

	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0xff, 0x03, 0x00, 0x21 }, 4, &proto), 4);
	assert_int_equal(proto, 0x0021);
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0xff, 0x03, 0x57 }, 3, &proto), 3);
	assert_int_equal(proto, 0x0057);
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0x00, 0x57 }, 2, &proto), 2);
	assert_int_equal(proto, 0x0057);
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0x21 }, 1, &proto), 1);
	assert_int_equal(proto, 0x0021);
	/* cut */
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0xff }, 1, &proto), 0);
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0xff, 0x03 }, 2, &proto), 0);
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0xff, 0x03, 0x00 }, 3, &proto), 0);
	assert_int_equal(ns_ppp_header((const uint8_t[]){ 0x00 }, 1, &proto), 0);
	assert_int_equal(ns_ppp_header(NULL, 0, &proto), 0);

	assert_int_equal(ns_ppp_ethertype(0x0021), 0x0800);
	assert_int_equal(ns_ppp_ethertype(0x0057), 0x86dd);
	assert_int_equal(ns_ppp_ethertype(0x0281), 0x8847);
	assert_int_equal(ns_ppp_ethertype(0x0283), 0x8848);
	assert_int_equal(ns_ppp_ethertype(0xc021), 0);	/* LCP */
}

static int decode(const struct pk *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint8_t *copy = unit_copy_exact(pk_data(p), caplen);
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	rc = ns_decode_ppp(copy, caplen, pk_len(p), pkt);
	free(copy);
	return rc;
}

static void test_decode(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_udp6(&p);
	pk_prepend(&p, (const uint8_t[]){ 0xff, 0x03, 0x00, 0x57 }, 4);
	assert_int_equal(decode(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	for (uint32_t cut = 1; cut < 4; cut++) {
		assert_int_equal(decode(&p, cut, &pkt), -1);
		assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
	}
	/* header only, cut by the capture at the link level: the IPv6 layer
	 * is reported, truncated */
	assert_int_equal(decode(&p, 4, &pkt), 0);
	assert_true(pkt.flags & NS_F_TRUNCATED);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(decode(&p, 5, &pkt), 0);
	assert_int_equal(pkt.l3, NS_L3_IPV6);

	/* LCP: no network layer */
	pk_init(&p);
	pk_append(&p, (const uint8_t[]){ 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 }, 8);
	assert_int_equal(decode(&p, pk_len(&p), &pkt), -1);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
