/* Unit tests for dissect/ether.c: ns_decode_ether_frame and ns_decode_vlan
 * called directly (as a tunnel would), whole, cut and with 802.3 lengths. */
#include "encap.h"

static int decode(const struct pk *p, uint32_t caplen, unit_decoder fn, uint8_t nencap,
		  struct ns_packet *pkt)
{
	uint8_t *copy = unit_copy_exact(pk_data(p), caplen);
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	pkt->nencap = nencap;
	if (nencap)	/* inside a tunnel carried in IP */
		pkt->encap[0].src.family = 4;
	rc = fn(copy, caplen, pk_len(p), pkt);
	free(copy);
	return rc;
}

static void test_frame(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	assert_int_equal(decode(&p, pk_len(&p), ns_decode_ether_frame, 1, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	for (uint32_t cut = 0; cut < 14; cut++) {
		assert_int_equal(decode(&p, cut, ns_decode_ether_frame, 1, &pkt), -1);
		assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		assert_int_equal(pkt.l3, NS_L3_NONE);
	}
	/* the header and nothing of its payload captured, inside an IP-borne
	 * tunnel: no IP (the outer packet is kept), truncated */
	assert_int_equal(decode(&p, 14, ns_decode_ether_frame, 1, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.l3, NS_L3_NONE);
	/* the same at the link level (no outer packet): the IP layer is
	 * reported, truncated, as for a capture's own Ethernet header */
	assert_int_equal(decode(&p, 14, ns_decode_ether_frame, 0, &pkt), 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_true(pkt.flags & NS_F_TRUNCATED);
	assert_int_equal(decode(&p, 15, ns_decode_ether_frame, 1, &pkt), 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_true(pkt.flags & NS_F_TRUNCATED);

	/* 802.3 length field: LLC, not IP */
	inner_tcp4(&p);
	wrap_eth(&p, 0x0040);
	assert_int_equal(decode(&p, pk_len(&p), ns_decode_ether_frame, 1, &pkt), -1);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_NONE);
}

static void test_vlan(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	/* two tags (802.1ad then 802.1Q) and IPv6 */
	inner_udp6(&p);
	pk_prepend(&p, (const uint8_t[]){ 0x20, 0x07, 0x86, 0xdd }, 4);
	pk_prepend(&p, (const uint8_t[]){ 0x00, 0x0a, 0x81, 0x00 }, 4);
	assert_int_equal(decode(&p, pk_len(&p), ns_decode_vlan, 1, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.link.nvlan, 2);
	assert_int_equal(pkt.link.vlan_id[0], 10);
	assert_int_equal(pkt.link.vlan_id[1], 7);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	/* cut tags: bad_link, and bad_encap inside a tunnel */
	assert_int_equal(decode(&p, 3, ns_decode_vlan, 1, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK | NS_F_TRUNCATED | NS_F_BAD_ENCAP);
	assert_int_equal(decode(&p, 3, ns_decode_vlan, 0, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK | NS_F_TRUNCATED);
	assert_int_equal(decode(&p, 4, ns_decode_vlan, 1, &pkt), -1);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(decode(&p, 7, ns_decode_vlan, 1, &pkt), -1);
	assert_true(pkt.flags & NS_F_BAD_ENCAP);
	assert_int_equal(pkt.link.nvlan, 1);

	/* more tags than NS_MAX_VLAN: decoded, the first ones recorded */
	inner_tcp4(&p);
	for (int i = 0; i < NS_MAX_VLAN + 2; i++)
		pk_prepend(&p, (const uint8_t[]){ 0x00, (uint8_t)(i + 1), i ? 0x81 : 0x08, 0x00 }, 4);
	assert_int_equal(decode(&p, pk_len(&p), ns_decode_vlan, 1, &pkt), 0);
	assert_int_equal(pkt.link.nvlan, NS_MAX_VLAN);
	assert_int_equal(pkt.l4, NS_L4_TCP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_vlan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
