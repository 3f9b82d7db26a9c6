/* Nested tunnels: GRE, then IP-in-IP, then GENEVE, then the packet; and the
 * NS_MAX_ENCAP limit (encap_limit) with IP-in-IP nine deep. */
#include "encap.h"

static void test_three_deep(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	uint8_t *g;

	inner_tcp4(&p);
	g = pk_prepend(&p, NULL, 8);			/* GENEVE, VNI 5 */
	put16(g + 2, 0x0800);
	put32(g + 4, 5u << 8);
	wrap_udp(&p, 1111, 6081);
	wrap_ipv4(&p, 17, IP4(172, 16, 0, 1), IP4(172, 16, 0, 2));
	wrap_ipv4(&p, 4, IP4(198, 51, 100, 1), IP4(198, 51, 100, 2));
	pk_prepend(&p, (const uint8_t[]){ 0x20, 0x00, 0x08, 0x00, 0, 0, 0, 9 }, 8);	/* GRE key 9 */
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);

	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 3);
	assert_int_equal(pkt.encap[0].type, NS_ENC_GRE);
	assert_int_equal(pkt.encap[0].id, 9);
	assert_addr4(&pkt.encap[0].src, OUTER_SRC);
	assert_int_equal(pkt.encap[1].type, NS_ENC_IPIP);
	assert_addr4(&pkt.encap[1].src, IP4(198, 51, 100, 1));
	assert_int_equal(pkt.encap[1].ipproto, 4);
	assert_int_equal(pkt.encap[2].type, NS_ENC_GENEVE);
	assert_int_equal(pkt.encap[2].id, 5);
	assert_addr4(&pkt.encap[2].dst, IP4(172, 16, 0, 2));
	assert_int_equal(pkt.encap[2].dport, 6081);
	assert_addr4(&pkt.src, INNER_SRC);
	assert_int_equal(pkt.l4, NS_L4_TCP);

	/* every cut: the depth never goes down as more is captured */
	uint8_t prev = 0;
	for (uint32_t cut = 20; cut <= pk_len(&p); cut++) {
		pk_dissect(&p, cut, &pkt);
		assert_true(pkt.nencap >= prev);
		assert_true(pkt.nencap <= 3);
		assert_int_equal(pkt.l3, NS_L3_IPV4);
		prev = pkt.nencap;
	}
}

static void test_limit(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	for (int i = 0; i < NS_MAX_ENCAP + 1; i++)
		wrap_ipv4(&p, 4, IP4(10, 9, i, 1), IP4(10, 9, i, 2));
	/* NS_MAX_ENCAP + 1 tunnels: the last one is not entered */
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, NS_MAX_ENCAP);
	assert_true(pkt.flags & NS_F_ENCAP_LIMIT);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.ipproto, 4);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_addr4(&pkt.src, IP4(10, 9, 0, 1));	/* the innermost wrapper reached */
	assert_addr4(&pkt.encap[0].src, IP4(10, 9, NS_MAX_ENCAP, 1));

	/* exactly NS_MAX_ENCAP: decoded to the end, no flag */
	inner_tcp4(&p);
	for (int i = 0; i < NS_MAX_ENCAP; i++)
		wrap_ipv4(&p, 4, IP4(10, 9, i, 1), IP4(10, 9, i, 2));
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, NS_MAX_ENCAP);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_addr4(&pkt.src, INNER_SRC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_deep),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
