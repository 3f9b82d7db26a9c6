/* Unit tests for dissect/wccp.c: GRE 0x883e with (WCCPv2) and without
 * (WCCPv1) the redirect header. Each is GRE then WCCP. */
#include "encap.h"

static void test_wccp(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	for (int v2 = 0; v2 <= 1; v2++) {
		inner_tcp4(&p);
		if (v2)
			pk_prepend(&p, (const uint8_t[]){ 0x00, 0x5a, 0x01, 0x02 }, 4);
		pk_prepend(&p, (const uint8_t[]){ 0x00, 0x00, 0x88, 0x3e }, 4);
		wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
		assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
		assert_int_equal(pkt.flags, 0);
		assert_int_equal(pkt.nencap, 2);
		assert_int_equal(pkt.encap[0].type, NS_ENC_GRE);
		assert_int_equal(pkt.encap[1].type, NS_ENC_WCCP);
		assert_addr4(&pkt.src, INNER_SRC);
		assert_int_equal(pkt.l4, NS_L4_TCP);
		for (uint32_t cut = 20; cut <= pk_len(&p); cut++) {
			uint32_t ip = v2 ? 28 : 24;

			pk_dissect(&p, cut, &pkt);
			assert_int_equal(pkt.nencap, cut > ip ? 2 : 0);
			assert_int_equal(!!(pkt.flags & NS_F_BAD_ENCAP),
					 (cut > 20 && cut < 24) || (v2 && cut > 24 && cut < 28));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wccp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
