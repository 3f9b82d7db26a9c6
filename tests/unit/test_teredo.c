/* Unit tests for dissect/teredo.c (RFC 4380): the indicators, the IPv6
 * checks that keep other traffic on port 3544 plain UDP, cuts. */
#include "encap.h"

static void outer(struct pk *p, uint16_t sport, uint16_t dport)
{
	wrap_udp(p, sport, dport);
	wrap_ipv4(p, 17, OUTER_SRC, OUTER_DST);
}

static void assert_teredo(const struct pk *p)
{
	struct ns_packet pkt;

	assert_int_equal(pk_dissect(p, pk_len(p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, NS_ENC_TEREDO);
	assert_int_equal(pkt.encap[0].has_id, false);
	assert_addr4(&pkt.encap[0].src, OUTER_SRC);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.dst_port, 53);
}

/* Teredo never flags: a cut packet is not known to be Teredo. */
static void sweep(const struct pk *p, uint32_t ip6)
{
	for (uint32_t cut = 28; cut < pk_len(p); cut++) {
		struct ns_packet pkt;

		pk_dissect(p, cut, &pkt);
		assert_false(pkt.flags & NS_F_BAD_ENCAP);
		assert_int_equal(pkt.nencap, cut >= ip6 + 6 ? 1 : 0);
	}
}

static void test_plain(void **state)
{
	(void)state;
	struct pk p;

	inner_udp6(&p);
	outer(&p, 3544, 50000);
	assert_teredo(&p);
	sweep(&p, 28);
}

static void test_indicators(void **state)
{
	(void)state;
	struct pk p;
	static const uint8_t origin[8] = { 0, 0, 0xab, 0xcd, 0x3f, 0xff, 0xfd, 0xfe };
	uint8_t auth[13 + 3 + 2] = { 0, 1, 3, 2 };

	inner_udp6(&p);
	pk_prepend(&p, origin, 8);
	outer(&p, 50000, 3544);
	assert_teredo(&p);
	sweep(&p, 36);

	/* authentication (3-byte id, 2-byte value), then origin */
	inner_udp6(&p);
	pk_prepend(&p, origin, 8);
	pk_prepend(&p, auth, sizeof(auth));
	outer(&p, 50000, 3544);
	assert_teredo(&p);
	sweep(&p, 28 + sizeof(auth) + 8);

	/* authentication alone */
	inner_udp6(&p);
	pk_prepend(&p, auth, sizeof(auth));
	outer(&p, 50000, 3544);
	assert_teredo(&p);
}

static void test_not_teredo(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	uint8_t *h;

	/* IPv4 inside: not Teredo */
	inner_tcp4(&p);
	outer(&p, 3544, 50000);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);

	/* IPv6 payload length disagreeing with the datagram */
	inner_udp6(&p);
	h = (uint8_t *)pk_data(&p);
	put16(h + 4, 13);
	outer(&p, 3544, 50000);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);

	/* an authentication indicator longer than the datagram */
	pk_init(&p);
	pk_append(&p, (const uint8_t[]){ 0, 1, 0xff, 0xff, 0, 0, 0, 0 }, 8);
	outer(&p, 3544, 50000);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_indicators),
		cmocka_unit_test(test_not_teredo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
