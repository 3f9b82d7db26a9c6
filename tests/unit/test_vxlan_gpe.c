/* Unit tests for dissect/vxlan_gpe.c: each next protocol, I flag, version. */
#include "encap.h"

static void wrap_gpe(struct pk *p, uint8_t flags, uint8_t next, uint32_t vni)
{
	uint8_t *h = pk_prepend(p, NULL, 8);

	h[0] = flags;
	h[3] = next;
	put32(h + 4, vni << 8);
}

static void test_next_protocols(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_gpe(&p, 0x0c, 1, 77);
	wrap_udp(&p, 1000, 4790);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_VXLAN_GPE, true, 77);
	sweep_cuts(&p, 28, 36, 36, NS_ENC_VXLAN_GPE, true);

	inner_udp6(&p);
	wrap_gpe(&p, 0x0c, 2, 77);
	wrap_udp(&p, 1000, 4790);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.l3, NS_L3_IPV6);

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_gpe(&p, 0x04, 3, 77);	/* I clear: no VNI */
	wrap_udp(&p, 1000, 4790);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_VXLAN_GPE, false, 0);
	sweep_cuts(&p, 28, 36, 50, NS_ENC_VXLAN_GPE, true);

	/* an unassigned next protocol: plain UDP */
	inner_tcp4(&p);
	wrap_gpe(&p, 0x0c, 99, 77);
	wrap_udp(&p, 1000, 4790);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);
}

static void test_version(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_gpe(&p, 0x1c, 1, 77);	/* version 1 */
	wrap_udp(&p, 1000, 4790);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_protocols),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
