/* Unit tests for dissect/lan.c: FDDI, Token Ring, IP over FC, netANALYZER,
 * IPoIB, IP over IEEE 1394. */
#include "linkunit.h"

#define A6(x) x, x, x, x, x, x
#define SNAP4 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00
#define SNAP6 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd

static void test_fddi(void **state)
{
	static const uint8_t llc[] = { 0x50, A6(1), A6(2), SNAP4 };
	static const uint8_t llc6[] = { 0x57, A6(1), A6(2), SNAP6 };
	static const uint8_t smt[] = { 0x41, A6(1), A6(2) };

	(void)state;
	lu_expect_ip4(NS_LINK_FDDI, llc, sizeof(llc));
	lu_expect_ip6(NS_LINK_FDDI, llc6, sizeof(llc6));
	lu_expect_not_ip(NS_LINK_FDDI, smt, sizeof(smt), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_cut(NS_LINK_FDDI, llc, sizeof(llc));
}

static void test_token_ring(void **state)
{
	static const uint8_t plain[] = { 0x10, 0x40, A6(1), A6(2), SNAP4 };
	/* source-routed: 6 bytes of routing information */
	static const uint8_t routed[] = { 0x10, 0x40, A6(1), 0x82, 2, 2, 2, 2, 2,
		0x06, 0x30, 0x00, 0x10, 0x00, 0x20, SNAP6 };
	/* a MAC frame */
	static const uint8_t mac[] = { 0x10, 0x00, A6(1), A6(2) };

	(void)state;
	lu_expect_ip4(NS_LINK_TOKEN_RING, plain, sizeof(plain));
	lu_expect_ip6(NS_LINK_TOKEN_RING, routed, sizeof(routed));
	lu_expect_not_ip(NS_LINK_TOKEN_RING, mac, sizeof(mac), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_cut(NS_LINK_TOKEN_RING, routed, sizeof(routed));
}

static void test_others(void **state)
{
	static const uint8_t ipfc[] = { A6(1), 1, 1, A6(2), 2, 2, SNAP4 };
	static const uint8_t na[] = { 1, 2, 3, 4, A6(1), A6(2), 0x08, 0x00 };
	static const uint8_t nat[] = { 1, 2, 3, 4, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5,
		A6(1), A6(2), 0x86, 0xdd };
	uint8_t ipoib[44] = { 0 };
	uint8_t fw[18] = { 0 };
	static const uint8_t fcs[4] = { 9, 9, 9, 9 };
	struct ns_packet pkt;

	(void)state;
	ipoib[40] = 0x08;
	fw[16] = 0x86;
	fw[17] = 0xdd;
	lu_expect_ip4(NS_LINK_IPFC, ipfc, sizeof(ipfc));
	lu_expect_cut(NS_LINK_IPFC, ipfc, sizeof(ipfc));
	lu_expect_cut(NS_LINK_NETANALYZER, na, sizeof(na));
	assert_int_equal(lu_dissect(NS_LINK_NETANALYZER_TRANSPARENT, nat, sizeof(nat), lu_ip6, 40,
				    fcs, 4, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, sizeof(nat));
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.flags, 0);
	lu_expect_cut(NS_LINK_NETANALYZER_TRANSPARENT, nat, sizeof(nat));
	/* the Ethernet FCS is a trailer */
	assert_int_equal(lu_dissect(NS_LINK_NETANALYZER, na, sizeof(na), lu_ip4, 28, fcs, 4, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.trailer_len, 4);
	assert_int_equal(pkt.link.hdr_len, sizeof(na));
	assert_int_equal(pkt.ip_cap_len, 28);
	assert_int_equal(pkt.flags, 0);
	/* without it, the IP packet is 4 bytes short of its length */
	assert_int_equal(lu_dissect(NS_LINK_NETANALYZER, na, sizeof(na), lu_ip4, 28, NULL, 0, ~0u, &pkt), 0);
	assert_true(pkt.flags & (NS_F_TRUNCATED | NS_F_BAD_LENGTH));
	lu_expect_ip4(NS_LINK_IPOIB, ipoib, sizeof(ipoib));
	lu_expect_cut(NS_LINK_IPOIB, ipoib, sizeof(ipoib));
	lu_expect_ip6(NS_LINK_IEEE1394, fw, sizeof(fw));
	lu_expect_cut(NS_LINK_IEEE1394, fw, sizeof(fw));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fddi),
		cmocka_unit_test(test_token_ring),
		cmocka_unit_test(test_others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
