/* Helpers shared by the unit tests of the Ethernet-level encapsulations
 * (test_mpls, test_pppoe, test_pbb, test_fabricpath, test_vntag, test_etag,
 * test_nsh, test_macsec): hand-built inner packets and whole-frame decoding. */
#ifndef NETSIFT_L2ENC_UNIT_H
#define NETSIFT_L2ENC_UNIT_H
#include "unit.h"

#define L2_IP4_LEN 32u	/* IPv4 20 + UDP 8 + 4 bytes of data */
#define L2_IP6_LEN 52u	/* IPv6 40 + UDP 8 + 4 */

/* IPv4 10.0.0.1 -> 10.0.0.2, UDP 1234 -> 53, "abcd". Returns its length. */
static inline uint32_t l2_ipv4_udp(uint8_t *b)
{
	static const uint8_t p[L2_IP4_LEN] = {
		0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x04, 0xd2, 0, 53, 0, 12, 0, 0, 'a', 'b', 'c', 'd',
	};
	memcpy(b, p, sizeof(p));
	unit_ip4_checksum(b, 20);
	return L2_IP4_LEN;
}

/* IPv6 2001:db8::1 -> 2001:db8::2, UDP 1234 -> 53, "abcd". */
static inline uint32_t l2_ipv6_udp(uint8_t *b)
{
	memset(b, 0, L2_IP6_LEN);
	b[0] = 0x60;
	b[5] = 12;
	b[6] = 17;
	b[7] = 64;
	b[8] = 0x20; b[9] = 0x01; b[10] = 0x0d; b[11] = 0xb8; b[23] = 1;
	b[24] = 0x20; b[25] = 0x01; b[26] = 0x0d; b[27] = 0xb8; b[39] = 2;
	b[40] = 0x04; b[41] = 0xd2; b[43] = 53; b[45] = 12;
	memcpy(b + 48, "abcd", 4);
	return L2_IP6_LEN;
}

/* Ethernet header 00:11:22:33:44:55 <- 00:66:77:88:99:aa with type. */
static inline uint32_t l2_eth(uint8_t *b, uint16_t type)
{
	static const uint8_t mac[12] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa };
	memcpy(b, mac, 12);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	return 14;
}

/* ns_dissect on an exact-size copy of the first caplen bytes of an n-byte
 * record of link type `link` (wire length n). */
static inline int l2_dissect(enum ns_linktype link, const uint8_t *src, uint32_t caplen, uint32_t n,
			     struct ns_packet *pkt)
{
	uint8_t *copy = unit_copy_exact(src, caplen);
	struct ns_ctx ctx = { .wire_len = n };
	int rc = ns_dissect(link, copy, caplen, &ctx, pkt);

	free(copy);
	pkt->payload = NULL;	/* pointed into the copy */
	pkt->ip4.hdr = NULL;
	pkt->tcp.hdr = NULL;
	pkt->ctx = NULL;
	return rc;
}

/* The inner packet is l2_ipv4_udp's. */
static inline void assert_inner_ipv4_udp(const struct ns_packet *pkt)
{
	assert_int_equal(pkt->l3, NS_L3_IPV4);
	assert_int_equal(pkt->l4, NS_L4_UDP);
	assert_int_equal(pkt->udp.src_port, 1234);
	assert_int_equal(pkt->udp.dst_port, 53);
	assert_int_equal(pkt->ip_wire_len, L2_IP4_LEN);
	assert_int_equal(pkt->flags, 0);
}

static inline void assert_inner_ipv6_udp(const struct ns_packet *pkt)
{
	assert_int_equal(pkt->l3, NS_L3_IPV6);
	assert_int_equal(pkt->l4, NS_L4_UDP);
	assert_int_equal(pkt->udp.dst_port, 53);
	assert_int_equal(pkt->flags, 0);
}

/* One encapsulation of this type (and id when has_id). */
static inline void assert_one_encap(const struct ns_packet *pkt, uint8_t type, bool has_id, uint32_t id)
{
	assert_int_equal(pkt->nencap, 1);
	assert_int_equal(pkt->encap[0].type, type);
	assert_int_equal(pkt->encap[0].has_id, has_id);
	if (has_id)
		assert_int_equal(pkt->encap[0].id, id);
	assert_int_equal(pkt->encap[0].src.family, 0);
	assert_int_equal(pkt->encap[0].ipproto, 0);
}
#endif
