/* Unit tests for dissect/gtpu.c (3GPP TS 29.281): G-PDU with and without
 * the optional fields and extension headers, other messages, bad lengths. */
#include "encap.h"

/* GTPv1-U G-PDU, TEID 0xdeadbeef, flags fl; ext: extension headers bytes. */
static void wrap_gtp(struct pk *p, uint8_t fl, uint8_t type, const uint8_t *ext, uint32_t extlen,
		     uint8_t next_ext)
{
	uint8_t *h;

	if (extlen)
		pk_prepend(p, ext, extlen);
	if (fl & 0x07) {
		h = pk_prepend(p, NULL, 4);
		put16(h, 1234);
		h[3] = next_ext;
	}
	h = pk_prepend(p, NULL, 8);
	put16(h + 2, (uint16_t)(pk_len(p) - 8));
	h[0] = fl;
	h[1] = type;
	put32(h + 4, 0xdeadbeef);
}

static void udp_ip(struct pk *p)
{
	wrap_udp(p, 2152, 2152);
	wrap_ipv4(p, 17, OUTER_SRC, OUTER_DST);
}

static void test_gpdu(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	/* PDU session container (type 0x85): length 1 word, then none */
	static const uint8_t ext[4] = { 0x01, 0x10, 0x05, 0x00 };

	inner_tcp4(&p);
	wrap_gtp(&p, 0x30, 255, NULL, 0, 0);
	udp_ip(&p);
	assert_tunnel_tcp4(&p, NS_ENC_GTPU, true, 0xdeadbeef);
	/* one byte is too little to tell GTP-U: not flagged */
	sweep_cuts_mid(&p, 28, 36, 29, 36, NS_ENC_GTPU, true);

	inner_tcp4(&p);
	wrap_gtp(&p, 0x32, 255, NULL, 0, 0);	/* S */
	udp_ip(&p);
	assert_tunnel_tcp4(&p, NS_ENC_GTPU, true, 0xdeadbeef);
	sweep_cuts_mid(&p, 28, 40, 29, 40, NS_ENC_GTPU, true);

	inner_udp6(&p);
	wrap_gtp(&p, 0x34, 255, ext, 4, 0x85);	/* E */
	udp_ip(&p);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].id, 0xdeadbeef);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	for (uint32_t cut = 37; cut < 44; cut++) {
		pk_dissect(&p, cut, &pkt);
		assert_int_equal(pkt.nencap, 0);
		assert_true(pkt.flags & NS_F_BAD_ENCAP);
	}
}

static void test_not_gpdu(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;
	static const uint8_t zero_ext[4] = { 0x00, 0, 0, 0 };

	/* echo request (1), GTP' (PT 0), version 2: plain UDP, unflagged */
	static const uint8_t fl_type[3][2] = { { 0x32, 1 }, { 0x20, 255 }, { 0x50, 255 } };
	for (int i = 0; i < 3; i++) {
		inner_tcp4(&p);
		wrap_gtp(&p, fl_type[i][0], fl_type[i][1], NULL, 0, 0);
		udp_ip(&p);
		assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
		assert_int_equal(pkt.flags, 0);
		assert_int_equal(pkt.nencap, 0);
		assert_int_equal(pkt.l4, NS_L4_UDP);
	}
	/* an extension header of length 0 */
	inner_tcp4(&p);
	wrap_gtp(&p, 0x34, 255, zero_ext, 4, 0x85);
	udp_ip(&p);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	assert_int_equal(pkt.nencap, 0);
	/* a length beyond the datagram */
	inner_tcp4(&p);
	wrap_gtp(&p, 0x30, 255, NULL, 0, 0);
	put16((uint8_t *)pk_data(&p) + 2, 1000);
	udp_ip(&p);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
	/* a payload that is not IP */
	pk_init(&p);
	pk_append(&p, (const uint8_t[]){ 0xff, 0x03, 0xc0, 0x21 }, 4);
	wrap_gtp(&p, 0x30, 255, NULL, 0, 0);
	udp_ip(&p);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpdu),
		cmocka_unit_test(test_not_gpdu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
