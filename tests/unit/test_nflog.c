/* Unit tests for dissect/nflog.c: Linux NFLOG TLVs. */
#include "linkunit.h"

/* family, version, resource id; a packet-header TLV (8 bytes: hw proto,
 * hook, pad), a prefix TLV of 5 bytes (padded to 8), then the payload TLV. */
#define NFLOG_HDR(fam) fam, 0, 0, 5, \
	8, 0, 1, 0, 0x08, 0x00, 3, 0, \
	9, 0, 10, 0, 'a', 'b', 'c', 'd', 'e', 0, 0, 0

static void test_nflog(void **state)
{
	static const uint8_t v4[] = { NFLOG_HDR(2), 32, 0, 9, 0 };
	static const uint8_t v6[] = { NFLOG_HDR(10), 44, 0, 9, 0 };
	/* big-endian TLV lengths and types (a big-endian capturing host) */
	static const uint8_t be[] = { 2, 0, 0, 5, 0, 8, 0, 1, 0x08, 0x00, 3, 0, 0, 32, 0, 9 };
	/* another family: not IP */
	static const uint8_t arp[] = { NFLOG_HDR(7), 32, 0, 9, 0 };
	/* no payload TLV */
	static const uint8_t nopay[] = { NFLOG_HDR(2) };
	/* a TLV length below its own header */
	static const uint8_t bad[] = { 2, 0, 0, 5, 2, 0, 1, 0 };
	/* a TLV after the payload: the link's trailer */
	static const uint8_t uid[] = { 0, 0, 0, 0, 8, 0, 11, 0, 0, 0, 0, 0 };
	struct ns_packet pkt;

	(void)state;
	lu_expect_ip4(NS_LINK_NFLOG, v4, sizeof(v4));
	lu_expect_ip6(NS_LINK_NFLOG, v6, sizeof(v6));
	lu_expect_ip4(NS_LINK_NFLOG, be, sizeof(be));
	lu_expect_not_ip(NS_LINK_NFLOG, arp, sizeof(arp), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_not_ip(NS_LINK_NFLOG, nopay, sizeof(nopay), NULL, 0, 0);
	lu_expect_cut(NS_LINK_NFLOG, v4, 4);
	assert_int_equal(lu_dissect(NS_LINK_NFLOG, bad, sizeof(bad), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	/* the payload TLV is 4 + 28 bytes; what follows is not the packet's */
	assert_int_equal(lu_dissect(NS_LINK_NFLOG, v4, sizeof(v4), lu_ip4, sizeof(lu_ip4), uid,
				    sizeof(uid), ~0u, &pkt), 0);
	assert_int_equal(pkt.link.trailer_len, sizeof(uid));
	assert_int_equal(pkt.ip_cap_len, 28);
	assert_int_equal(pkt.flags, 0);
	/* every cut inside the TLVs before the payload: not IP, no overread */
	for (uint32_t cap = 4; cap < sizeof(v4); cap++) {
		assert_int_equal(lu_dissect(NS_LINK_NFLOG, v4, sizeof(v4), lu_ip4, 28, NULL, 0, cap, &pkt), -1);
		assert_int_equal(pkt.l3, NS_L3_NONE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nflog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
