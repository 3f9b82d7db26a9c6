/* Unit tests for dissect/ayiya.c: identity and signature lengths, the
 * forward opcode, next header 41/4, cuts. */
#include "encap.h"

/* IDLen 2 (4-byte identity), SigLen 5 (20-byte signature). */
static void wrap_ayiya(struct pk *p, uint8_t opcode, uint8_t next)
{
	uint8_t *h = pk_prepend(p, NULL, 8 + 4 + 20);

	h[0] = 0x21;
	h[1] = 0x52;
	h[2] = (uint8_t)(0x20 | opcode);
	h[3] = next;
	put32(h + 4, 1700000000);
}

static void test_ayiya(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_ayiya(&p, 1, 4);
	wrap_udp(&p, 5072, 5072);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_AYIYA, false, 0);
	sweep_cuts(&p, 28, 60, 60, NS_ENC_AYIYA, true);

	inner_udp6(&p);
	wrap_ayiya(&p, 1, 41);
	wrap_udp(&p, 40000, 5072);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.l3, NS_L3_IPV6);

	/* a heartbeat (opcode 0), another next header: plain UDP */
	inner_tcp4(&p);
	wrap_ayiya(&p, 0, 4);
	wrap_udp(&p, 40000, 5072);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	inner_tcp4(&p);
	wrap_ayiya(&p, 1, 6);
	wrap_udp(&p, 40000, 5072);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ayiya),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
