/* Unit tests for dissect/ieee80211.c: 802.11 data frames, bare and behind
 * radiotap, PPI, Prism and AVS headers. */
#include "linkunit.h"

#define A6(x) x, x, x, x, x, x
#define SNAP4 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00
#define SNAP6 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd
/* data frame, FromDS: fc 08 02, duration, 3 addresses, sequence control */
#define DATA_HDR(fc0, fc1) fc0, fc1, 0x00, 0x00, A6(1), A6(2), A6(3), 0x10, 0x00

static void test_data_frames(void **state)
{
	static const uint8_t plain[] = { DATA_HDR(0x08, 0x02), SNAP4 };
	static const uint8_t plain6[] = { DATA_HDR(0x08, 0x01), SNAP6 };
	/* ToDS+FromDS: a fourth address */
	static const uint8_t wds[] = { DATA_HDR(0x08, 0x03), A6(4), SNAP4 };
	/* QoS data (subtype 8): 2 bytes of QoS control */
	static const uint8_t qos[] = { DATA_HDR(0x88, 0x02), 0x00, 0x00, SNAP4 };
	/* QoS + Order: 4 bytes of HT control too */
	static const uint8_t htc[] = { DATA_HDR(0x88, 0x82), 0x00, 0x00, 1, 2, 3, 4, SNAP4 };
	/* QoS, mesh control present, address extension 1 (6 + 6 bytes) */
	static const uint8_t mesh[] = { DATA_HDR(0x88, 0x03), A6(4), 0x00, 0x01,
		0x01, 0x1f, 1, 0, 0, 0, A6(5), SNAP4 };
	/* QoS A-MSDU: first subframe header DA, SA, length */
	static const uint8_t amsdu[] = { DATA_HDR(0x88, 0x02), 0x80, 0x00, A6(7), A6(8), 0x00, 36, SNAP4 };

	(void)state;
	lu_expect_ip4(NS_LINK_IEEE80211, plain, sizeof(plain));
	lu_expect_ip6(NS_LINK_IEEE80211, plain6, sizeof(plain6));
	lu_expect_ip4(NS_LINK_IEEE80211, wds, sizeof(wds));
	lu_expect_ip4(NS_LINK_IEEE80211, qos, sizeof(qos));
	lu_expect_ip4(NS_LINK_IEEE80211, htc, sizeof(htc));
	lu_expect_ip4(NS_LINK_IEEE80211, mesh, sizeof(mesh));
	lu_expect_ip4(NS_LINK_IEEE80211, amsdu, sizeof(amsdu));
	lu_expect_cut(NS_LINK_IEEE80211, plain, sizeof(plain));
	lu_expect_cut(NS_LINK_IEEE80211, htc, sizeof(htc));
	lu_expect_cut(NS_LINK_IEEE80211, mesh, sizeof(mesh));
}

static void test_not_ip(void **state)
{
	/* protected (WEP/WPA): the body is encrypted */
	static const uint8_t prot[] = { DATA_HDR(0x08, 0x42), SNAP4 };
	/* null data (subtype 4) and QoS null (12): no body */
	static const uint8_t null[] = { DATA_HDR(0x48, 0x01) };
	static const uint8_t qnull[] = { DATA_HDR(0xc8, 0x01), 0x00, 0x00 };
	/* beacon (management) */
	static const uint8_t beacon[] = { DATA_HDR(0x80, 0x00) };
	/* ACK (control, 10 bytes) */
	static const uint8_t ack[] = { 0xd4, 0x00, 0x00, 0x00, A6(1) };
	/* LLC that is not SNAP */
	static const uint8_t stp[] = { DATA_HDR(0x08, 0x02), 0x42, 0x42, 0x03 };
	/* protocol version 1 */
	static const uint8_t v1[] = { DATA_HDR(0x09, 0x02), SNAP4 };
	struct ns_packet pkt;

	(void)state;
	lu_expect_not_ip(NS_LINK_IEEE80211, prot, sizeof(prot), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_not_ip(NS_LINK_IEEE80211, null, sizeof(null), NULL, 0, 0);
	lu_expect_not_ip(NS_LINK_IEEE80211, qnull, sizeof(qnull), NULL, 0, 0);
	lu_expect_not_ip(NS_LINK_IEEE80211, beacon, sizeof(beacon), lu_ip4, 8, 0);
	lu_expect_not_ip(NS_LINK_IEEE80211, ack, sizeof(ack), NULL, 0, 0);
	lu_expect_not_ip(NS_LINK_IEEE80211, stp, sizeof(stp), lu_ip4, 8, 0);
	lu_expect_not_ip(NS_LINK_IEEE80211, v1, sizeof(v1), lu_ip4, sizeof(lu_ip4), 0);
	/* the QoS control itself cut */
	assert_int_equal(lu_dissect(NS_LINK_IEEE80211, qnull, sizeof(qnull), NULL, 0, NULL, 0, 25, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK | NS_F_TRUNCATED);
}

static void test_radiotap(void **state)
{
	/* it_len 8, nothing present */
	static const uint8_t bare[] = { 0, 0, 8, 0, 0, 0, 0, 0, DATA_HDR(0x08, 0x02), SNAP4 };
	/* TSFT + Flags (FCS at end): flags after 8 bytes of TSFT at offset 8 */
	static const uint8_t fcs[] = { 0, 0, 18, 0, 0x03, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0,
		DATA_HDR(0x08, 0x02), SNAP4 };
	/* an extended presence bitmap, Flags with DATAPAD: the 26-byte QoS
	 * header is padded to 28 */
	static const uint8_t pad[] = { 0, 0, 16, 0, 0x02, 0, 0, 0x80, 0, 0, 0, 0, 0x20, 0, 0, 0,
		DATA_HDR(0x88, 0x02), 0x00, 0x00, 0xee, 0xee, SNAP4 };
	static const uint8_t crc[4] = { 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t badver[] = { 1, 0, 8, 0, 0, 0, 0, 0, DATA_HDR(0x08, 0x02), SNAP4 };
	static const uint8_t shortlen[] = { 0, 0, 4, 0, 0, 0, 0, 0, DATA_HDR(0x08, 0x02), SNAP4 };
	/* the extension bit set in the last presence word that fits */
	static const uint8_t extpast[] = { 0, 0, 8, 0, 0, 0, 0, 0x80, DATA_HDR(0x08, 0x02), SNAP4 };
	struct ns_packet pkt;

	(void)state;
	lu_expect_ip4(NS_LINK_RADIOTAP, bare, sizeof(bare));
	lu_expect_ip4(NS_LINK_RADIOTAP, pad, sizeof(pad));
	lu_expect_cut(NS_LINK_RADIOTAP, fcs, sizeof(fcs));

	/* the FCS is the link's trailer, not IP payload */
	assert_int_equal(lu_dissect(NS_LINK_RADIOTAP, fcs, sizeof(fcs), lu_ip4, sizeof(lu_ip4),
				    crc, sizeof(crc), ~0u, &pkt), 0);
	assert_int_equal(pkt.link.trailer_len, 4);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip_cap_len, 28);
	assert_int_equal(pkt.ip_wire_len, 28);
	/* cut inside the FCS: the IP packet is whole */
	assert_int_equal(lu_dissect(NS_LINK_RADIOTAP, fcs, sizeof(fcs), lu_ip4, sizeof(lu_ip4),
				    crc, sizeof(crc), sizeof(fcs) + 30, &pkt), 0);
	assert_int_equal(pkt.flags, 0);

	assert_int_equal(lu_dissect(NS_LINK_RADIOTAP, badver, sizeof(badver), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	assert_int_equal(lu_dissect(NS_LINK_RADIOTAP, shortlen, sizeof(shortlen), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	assert_int_equal(lu_dissect(NS_LINK_RADIOTAP, extpast, sizeof(extpast), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
}

static void test_ppi(void **state)
{
	/* PPI, DLT 105, one 802.11-common field (20 bytes) with flags = FCS */
	static const uint8_t fcs[] = { 0, 0, 32, 0, 105, 0, 0, 0,
		2, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		DATA_HDR(0x08, 0x02), SNAP4 };
	/* PPI with an Ethernet frame inside */
	static const uint8_t eth[] = { 0, 0, 8, 0, 1, 0, 0, 0, A6(1), A6(2), 0x86, 0xdd };
	/* an unknown DLT inside: not IP */
	static const uint8_t unk[] = { 0, 0, 8, 0, 0x99, 0x99, 0, 0 };
	/* PPI inside PPI: refused */
	static const uint8_t nest[] = { 0, 0, 8, 0, 192, 0, 0, 0, 0, 0, 8, 0, 1, 0, 0, 0 };
	static const uint8_t crc[4] = { 1, 2, 3, 4 };
	struct ns_packet pkt;

	(void)state;
	lu_expect_ip6(NS_LINK_PPI, eth, sizeof(eth));
	lu_expect_cut(NS_LINK_PPI, fcs, sizeof(fcs));
	assert_int_equal(lu_dissect(NS_LINK_PPI, fcs, sizeof(fcs), lu_ip4, sizeof(lu_ip4),
				    crc, sizeof(crc), ~0u, &pkt), 0);
	assert_int_equal(pkt.link.type, NS_LINK_PPI);
	assert_int_equal(pkt.link.hdr_len, sizeof(fcs));
	assert_int_equal(pkt.link.trailer_len, 4);
	assert_int_equal(pkt.ip_wire_len, 28);
	lu_expect_not_ip(NS_LINK_PPI, unk, sizeof(unk), lu_ip4, sizeof(lu_ip4), 0);
	assert_int_equal(lu_dissect(NS_LINK_PPI, nest, sizeof(nest), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
}

static void test_prism_avs(void **state)
{
	uint8_t prism[144 + 32] = { 0x44, 0, 0, 0, 144, 0, 0, 0 };
	static const uint8_t wlan[] = { DATA_HDR(0x08, 0x02), SNAP4 };
	/* AVS v1: magic, length 64 */
	uint8_t avs[64 + 32] = { 0x80, 0x21, 0x10, 0x01, 0, 0, 0, 64 };
	uint8_t avsbad[8 + 32] = { 0x80, 0x21, 0x10, 0x01, 0, 0, 0, 4 };

	(void)state;
	memcpy(prism + 144, wlan, sizeof(wlan));
	lu_expect_ip4(NS_LINK_PRISM, prism, sizeof(prism));
	lu_expect_cut(NS_LINK_PRISM, prism, sizeof(prism));
	memcpy(avs + 64, wlan, sizeof(wlan));
	lu_expect_ip4(NS_LINK_AVS, avs, sizeof(avs));
	/* an AVS header under the Prism link type */
	lu_expect_ip4(NS_LINK_PRISM, avs, sizeof(avs));
	lu_expect_cut(NS_LINK_AVS, avs, sizeof(avs));
	{
		struct ns_packet pkt;

		assert_int_equal(lu_dissect(NS_LINK_AVS, avsbad, sizeof(avsbad), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
		assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_frames),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_radiotap),
		cmocka_unit_test(test_ppi),
		cmocka_unit_test(test_prism_avs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
