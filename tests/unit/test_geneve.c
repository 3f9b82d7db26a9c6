/* Unit tests for dissect/geneve.c (RFC 8926): options skipped by length,
 * Ethernet and IP payloads, version, cuts. */
#include "encap.h"

static void wrap_geneve(struct pk *p, uint8_t ver, uint8_t optwords, uint16_t proto, uint32_t vni)
{
	uint8_t *o = pk_prepend(p, NULL, optwords * 4u);
	uint8_t *h;

	for (uint32_t i = 0; i < optwords * 4u; i++)
		o[i] = 0xee;
	h = pk_prepend(p, NULL, 8);
	h[0] = (uint8_t)(ver << 6 | optwords);
	h[1] = 0x40;	/* C: critical options present; no effect on the layout */
	put16(h + 2, proto);
	put32(h + 4, vni << 8);
}

static void test_ethernet(void **state)
{
	(void)state;
	struct pk p;

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_geneve(&p, 0, 0, 0x6558, 123);
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GENEVE, true, 123);
	sweep_cuts(&p, 28, 36, 50, NS_ENC_GENEVE, true);

	/* with 3 words of options */
	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_geneve(&p, 0, 3, 0x6558, 0xffffff);
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GENEVE, true, 0xffffff);
	sweep_cuts(&p, 28, 48, 62, NS_ENC_GENEVE, true);
}

static void test_ip_payload(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_geneve(&p, 0, 1, 0x0800, 7);
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_GENEVE, true, 7);
	sweep_cuts(&p, 28, 40, 40, NS_ENC_GENEVE, true);

	inner_udp6(&p);
	wrap_geneve(&p, 0, 0, 0x86dd, 7);
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.l4, NS_L4_UDP);
}

static void test_malformed(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	/* version 1: not decoded, flagged */
	inner_tcp4(&p);
	wrap_geneve(&p, 1, 0, 0x0800, 7);
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);

	/* options longer than the datagram */
	pk_init(&p);
	wrap_geneve(&p, 0, 0, 0x0800, 7);
	((uint8_t *)pk_data(&p))[0] = 0x3f;
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);

	/* an unknown protocol type: plain UDP, unflagged */
	inner_tcp4(&p);
	wrap_geneve(&p, 0, 0, 0x1234, 7);
	wrap_udp(&p, 35671, 6081);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_ip_payload),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
