/* Unit tests for dissect/ieee802154.c: the MAC header is walked; a data
 * frame's payload is 6LoWPAN (test_sixlowpan.c tests that layer). */
#include "linkunit.h"

static void test_wpan(void **state)
{
	/* data, PAN id compression, short dst and src: 2+1+2+2+2 */
	static const uint8_t shorts[] = { 0x41, 0x88, 0x01, 0xcd, 0xab, 0xff, 0xff, 0x01, 0x00 };
	/* data, extended dst and src, no compression: 2+1+2+8+2+8 */
	static const uint8_t ext[] = { 0x01, 0xcc, 0x02, 0xcd, 0xab, 1, 2, 3, 4, 5, 6, 7, 8,
		0xcd, 0xab, 1, 2, 3, 4, 5, 6, 7, 8 };
	/* ACK: frame control and sequence number only */
	static const uint8_t ack[] = { 0x02, 0x00, 0x07 };
	/* 2015 frame, sequence number suppressed */
	static const uint8_t nosq[] = { 0x41, 0xa9, 0xcd, 0xab, 0xff, 0xff, 0x01, 0x00 };
	static const uint8_t lowpan[] = { 0x7a, 0x33, 0x3a, 0x80, 0x00, 0x00, 0x00, 0x00 };
	struct ns_packet pkt;

	(void)state;
	/* IPHC, ICMPv6 inline: IPv6 from the data frames */
	assert_int_equal(lu_dissect(NS_LINK_IEEE802154_NOFCS, shorts, sizeof(shorts), lowpan,
				    sizeof(lowpan), NULL, 0, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, sizeof(shorts));
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.l4, NS_L4_ICMPV6);
	assert_int_equal(lu_dissect(NS_LINK_IEEE802154_NOFCS, ext, sizeof(ext), lowpan,
				    sizeof(lowpan), NULL, 0, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, sizeof(ext));
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	lu_expect_not_ip(NS_LINK_IEEE802154, ack, sizeof(ack), lowpan, 2, 0);
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, nosq, sizeof(nosq), NULL, 0, 0);
	lu_expect_cut(NS_LINK_IEEE802154, ext, sizeof(ext));
	lu_expect_cut(NS_LINK_IEEE802154_NOFCS, shorts, sizeof(shorts));
	lu_dissect(NS_LINK_IEEE802154, ext, sizeof(ext), lowpan, 8, NULL, 0, ~0u, &pkt);
	assert_int_equal(pkt.link.hdr_len, sizeof(ext));
	assert_int_equal(pkt.link.trailer_len, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wpan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
