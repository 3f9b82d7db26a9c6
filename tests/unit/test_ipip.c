/* Unit tests for dissect/ipip.c: 4in4 (protocol 4), 6in4 (41), 4in6, 6in6. */
#include "encap.h"

static void test_4in4(void **state)
{
	(void)state;
	struct pk p;

	inner_tcp4(&p);
	wrap_ipv4(&p, 4, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_IPIP, false, 0);
	sweep_cuts(&p, 20, 20, 20, NS_ENC_IPIP, true);
}

static void test_6in4(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_udp6(&p);
	wrap_ipv4(&p, 41, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, NS_ENC_IPIP);
	assert_int_equal(pkt.encap[0].ipproto, 41);
	assert_addr4(&pkt.encap[0].src, OUTER_SRC);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.src_port, 5353);
}

static void test_4in6_6in6(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_ipv6(&p, 4, 0xa, 0xb);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].src.family, 6);
	assert_int_equal(pkt.encap[0].ipproto, 4);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_addr4(&pkt.src, INNER_SRC);
	assert_int_equal(pkt.l4, NS_L4_TCP);

	inner_udp6(&p);
	wrap_ipv6(&p, 41, 0xa, 0xb);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].dst.a[15], 0xb);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.dst.a[15], 2);
	/* cut inside the outer IPv6 header, then at the inner one */
	for (uint32_t cut = 40; cut <= pk_len(&p); cut++) {
		pk_dissect(&p, cut, &pkt);
		assert_int_equal(pkt.nencap, cut > 40 ? 1 : 0);
		assert_int_equal(pkt.l3, NS_L3_IPV6);
	}
}

/* Protocol 4 carrying an IPv6 packet: the inner decoder says bad_version. */
static void test_version_mismatch(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_udp6(&p);
	wrap_ipv4(&p, 4, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_true(pkt.flags & NS_F_BAD_VERSION);
	assert_int_equal(pkt.l4, NS_L4_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_4in4),
		cmocka_unit_test(test_6in4),
		cmocka_unit_test(test_4in6_6in6),
		cmocka_unit_test(test_version_mismatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
