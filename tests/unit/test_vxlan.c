/* Unit tests for dissect/vxlan.c (RFC 7348): VNI when I is set, an Ethernet
 * frame inside, cut at every length, a non-IP frame leaves the UDP packet. */
#include "encap.h"

static void wrap_vxlan(struct pk *p, uint8_t flags, uint32_t vni)
{
	uint8_t *h = pk_prepend(p, NULL, 8);

	h[0] = flags;
	put32(h + 4, vni << 8);
}

static void test_vxlan(void **state)
{
	(void)state;
	struct pk p;
	struct ns_packet pkt;

	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_vxlan(&p, 0x08, 4242);
	wrap_udp(&p, 54321, 4789);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_VXLAN, true, 4242);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.encap[0].sport, 54321);
	assert_int_equal(pkt.encap[0].dport, 4789);
	assert_int_equal(pkt.encap[0].ipproto, 17);
	sweep_cuts(&p, 28, 36, 50, NS_ENC_VXLAN, true);

	/* I clear: decoded, no VNI reported (as tshark does) */
	inner_tcp4(&p);
	wrap_eth(&p, 0x0800);
	wrap_vxlan(&p, 0x00, 4242);
	wrap_udp(&p, 54321, 4789);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_VXLAN, false, 0);

	/* an inner VLAN tag */
	inner_tcp4(&p);
	pk_prepend(&p, (const uint8_t[]){ 0x00, 0x64, 0x08, 0x00 }, 4);
	wrap_eth(&p, 0x8100);
	wrap_vxlan(&p, 0x08, 1);
	wrap_udp(&p, 54321, 4789);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_tunnel_tcp4(&p, NS_ENC_VXLAN, true, 1);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_id[0], 100);
	sweep_cuts_mid(&p, 28, 36, 50, 54, NS_ENC_VXLAN, true);

	/* ARP inside: the UDP packet stays, unflagged */
	inner_tcp4(&p);
	wrap_eth(&p, 0x0806);
	wrap_vxlan(&p, 0x08, 1);
	wrap_udp(&p, 54321, 4789);
	wrap_ipv4(&p, 17, OUTER_SRC, OUTER_DST);
	assert_int_equal(pk_dissect(&p, pk_len(&p), &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.dst_port, 4789);
	assert_int_equal(pkt.link.nvlan, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vxlan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
