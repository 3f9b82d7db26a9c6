/* Unit tests for dissect/etherip.c (RFC 3378). */
#include "encap.h"

static void test_etherip(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	pk_prepend(&p, (const uint8_t[]){ 0x30, 0x00 }, 2);
	wrap_ipv4(&p, 97, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_ETHERIP, false, 0);
	sweep_cuts(&p, 20, 22, 36, NS_ENC_ETHERIP, true);

	/* version 2: not RFC 3378 */
	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	pk_prepend(&p, (const uint8_t[]){ 0x20, 0x00 }, 2);
	wrap_ipv4(&p, 97, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_etherip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
