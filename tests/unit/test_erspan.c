/* Unit tests for dissect/erspan.c: type I (GRE 0x88be, no sequence), type II
 * (0x88be with a sequence, 8-byte header), type III (0x22eb, 12-byte header
 * and the optional 8-byte platform sub-header), cuts and bad versions. */
#include "encap.h"

/* GRE with protocol proto, sequence number when seq. Returns its length. */
static uint32_t wrap_gre(struct pk *p, uint16_t proto, bool seq)
{
	uint8_t h[8] = { 0 };

	put16(h, seq ? 0x1000 : 0);
	put16(h + 2, proto);
	put32(h + 4, 99);
	pk_prepend(p, h, seq ? 8 : 4);
	return seq ? 8 : 4;
}

/* Two layers: the GRE one with the outer addresses, the ERSPAN one. */
static void assert_erspan(const struct pk *p, bool has_id, uint32_t session)
{
	struct ns_packet pkt;

	assert_int_equal(pk_dissect(p, pk_len(p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 2);
	assert_int_equal(pkt.encap[0].type, NS_ENC_GRE);
	assert_addr4(&pkt.encap[0].src, OUTER_SRC);
	assert_int_equal(pkt.encap[1].type, NS_ENC_ERSPAN);
	assert_int_equal(pkt.encap[1].has_id, has_id);
	assert_int_equal(pkt.encap[1].id, session);
	assert_int_equal(pkt.encap[1].src.family, 0);
	assert_addr4(&pkt.src, INNER_SRC);
	assert_int_equal(pkt.l4, NS_L4_TCP);
}

/* Cuts: GRE ends at gre_end, ERSPAN at hdr_end, the inner IP starts 14
 * bytes later. A cut at one of these boundaries is only truncated. */
static void sweep(const struct pk *p, uint32_t gre_end, uint32_t hdr_end)
{
	for (uint32_t cut = 20; cut <= pk_len(p); cut++) {
		struct ns_packet pkt;

		pk_dissect(p, cut, &pkt);
		if (cut <= hdr_end + 14) {
			assert_int_equal(pkt.nencap, 0);
			assert_addr4(&pkt.src, OUTER_SRC);
			assert_int_equal(!!(pkt.flags & NS_F_BAD_ENCAP),
					 cut > 20 && cut != gre_end && cut != hdr_end &&
					 cut != hdr_end + 14);
		} else {
			assert_int_equal(pkt.nencap, 2);
			assert_int_equal(pkt.l3, NS_L3_IPV4);
		}
	}
}

static void test_type1(void **state)
{
	(void)state;
	struct pk p;

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_gre(&p, 0x88be, false);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_erspan(&p, false, 0);
	sweep(&p, 24, 24);
}

static void test_type2(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	uint8_t h[8] = { 0x10, 0x17, 0x08, 0x64, 0, 0, 0, 5 };	/* ver 1, VLAN 23, En 1, session 100 */

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	pk_prepend(&p, h, 8);
	wrap_gre(&p, 0x88be, true);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_erspan(&p, true, 100);
	sweep(&p, 28, 36);

	/* an unknown version */
	h[0] = 0x30;
	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	pk_prepend(&p, h, 8);
	wrap_gre(&p, 0x88be, true);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.ipproto, 47);
}

static void test_type3(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	uint8_t h[20] = { 0x20, 0x00, 0x03, 0xff, 1, 2, 3, 4, 0, 0, 0x00, 0x00,
			  0x1c, 0, 0, 0, 0, 0, 0, 0 };	/* ver 2, session 1023 */

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	pk_prepend(&p, h, 12);
	wrap_gre(&p, 0x22eb, true);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_erspan(&p, true, 1023);
	sweep(&p, 28, 40);

	/* with the platform sub-header (O set); no GRE sequence either */
	h[11] = 0x01;
	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	pk_prepend(&p, h, 20);
	wrap_gre(&p, 0x22eb, false);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_erspan(&p, true, 1023);
	for (uint32_t cut = 36; cut < 44; cut++) {	/* inside the sub-header */
		pk_dissect(&p, cut, &pkt);
		assert_int_equal(pkt.nencap, 0);
		assert_true(pkt.flags & NS_F_BAD_ENCAP);
	}

	/* frame type IP (2): not decoded, as tshark does; no flag */
	h[10] = 0x08;
	h[11] = 0;
	inner_tcp4(&p);
	pk_prepend(&p, h, 12);
	wrap_gre(&p, 0x22eb, true);
	wrap_ipv4(&p, 47, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type1),
		cmocka_unit_test(test_type2),
		cmocka_unit_test(test_type3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
