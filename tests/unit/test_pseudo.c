/* Unit tests for dissect/pseudo.c: IPNET, PKTAP, pflog, enc, and the DLT
 * table (dissect/link.c) that PKTAP and PPI use. */
#include "linkunit.h"

static void test_ipnet(void **state)
{
	uint8_t v4[24] = { 2, 2 }, v6[24] = { 2, 26 }, other[24] = { 2, 9 };

	(void)state;
	lu_expect_ip4(NS_LINK_IPNET, v4, sizeof(v4));
	lu_expect_ip6(NS_LINK_IPNET, v6, sizeof(v6));
	lu_expect_not_ip(NS_LINK_IPNET, other, sizeof(other), lu_ip4, 28, 0);
	lu_expect_cut(NS_LINK_IPNET, v4, sizeof(v4));
}

static void test_pktap(void **state)
{
	uint8_t eth[108 + 14] = { 108, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	uint8_t raw[108] = { 108, 0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0 };
	uint8_t notpkt[108] = { 108, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0 };
	uint8_t nest[108] = { 108, 0, 0, 0, 1, 0, 0, 0, 0x02, 0x01, 0, 0 };	/* DLT 258 */
	uint8_t small[12] = { 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	struct ns_packet pkt;

	(void)state;
	eth[108 + 12] = 0x08;
	lu_expect_ip4(NS_LINK_PKTAP, eth, sizeof(eth));
	assert_int_equal(lu_dissect(NS_LINK_PKTAP, eth, sizeof(eth), lu_ip4, 28, NULL, 0, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.type, NS_LINK_PKTAP);
	lu_expect_cut(NS_LINK_PKTAP, eth, sizeof(eth));
	lu_expect_ip6(NS_LINK_PKTAP, raw, sizeof(raw));
	lu_expect_not_ip(NS_LINK_PKTAP, notpkt, sizeof(notpkt), lu_ip4, 28, 0);
	assert_int_equal(lu_dissect(NS_LINK_PKTAP, nest, sizeof(nest), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	assert_int_equal(lu_dissect(NS_LINK_PKTAP, small, sizeof(small), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
}

static void test_pflog_enc(void **state)
{
	uint8_t v4[64] = { 61, 2 }, v6[64] = { 61, 24 }, fbsd6[64] = { 61, 28 };
	uint8_t tooshort[64] = { 20, 2 };
	static const uint8_t enc4[] = { 2, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0 };
	static const uint8_t enc6be[] = { 0, 0, 0, 24, 0, 0, 0x10, 0, 0, 0, 0, 0 };
	struct ns_packet pkt;

	(void)state;
	lu_expect_ip4(NS_LINK_PFLOG, v4, sizeof(v4));
	lu_expect_ip6(NS_LINK_PFLOG, v6, sizeof(v6));
	lu_expect_ip6(NS_LINK_PFLOG, fbsd6, sizeof(fbsd6));
	lu_expect_cut(NS_LINK_PFLOG, v4, sizeof(v4));
	assert_int_equal(lu_dissect(NS_LINK_PFLOG, tooshort, sizeof(tooshort), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	lu_expect_ip4(NS_LINK_ENC, enc4, sizeof(enc4));
	lu_expect_ip6(NS_LINK_ENC, enc6be, sizeof(enc6be));
	lu_expect_cut(NS_LINK_ENC, enc4, sizeof(enc4));
}

static void test_dlt_table(void **state)
{
	enum ns_linktype lt;

	(void)state;
	assert_int_equal(ns_linktype_from_dlt(1, &lt), 0);
	assert_int_equal(lt, NS_LINK_ETHERNET);
	assert_int_equal(ns_linktype_from_dlt(127, &lt), 0);
	assert_int_equal(lt, NS_LINK_RADIOTAP);
	assert_int_equal(ns_linktype_from_dlt(239, &lt), 0);
	assert_int_equal(lt, NS_LINK_NFLOG);
	assert_int_equal(ns_linktype_from_dlt(149, &lt), 0);	/* USER2 */
	assert_int_equal(lt, NS_LINK_OPAQUE);
	assert_int_equal(ns_linktype_from_dlt(99, &lt), -1);
	assert_int_equal(ns_linktype_from_dlt(0xffffffffu, &lt), -1);
	/* an opaque link type: every frame not_ip, not bad_link */
	lu_expect_not_ip(NS_LINK_OPAQUE, NULL, 0, lu_ip4, 28, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipnet),
		cmocka_unit_test(test_pktap),
		cmocka_unit_test(test_pflog_enc),
		cmocka_unit_test(test_dlt_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
