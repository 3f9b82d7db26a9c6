/* Unit tests for the encapsulation framework of dissect/dissect.c:
 * ns_encap_enter (outer layers recorded, inner decoded, outer put back when
 * nothing IP is inside), the NS_MAX_ENCAP limit and ns_encap_key. */
#include "unit.h"

/* An IPv4 header (no options) for proto with total length tot at b. The
 * checksum is left 0: these tests look at the layers, not at it. */
static size_t ip4(uint8_t *b, uint8_t proto, uint16_t tot, uint8_t s, uint8_t d)
{
	const uint8_t h[20] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 1, 0x40, 0, 64, proto, 0, 0,
				10, 0, 0, s, 10, 0, 0, d };
	memcpy(b, h, sizeof(h));
	return sizeof(h);
}

/* IPv4 (1->2) / GRE key `key` / IPv4 (7->8) / 20-byte TCP SYN 1000->80. */
static size_t gre_tcp(uint8_t *b, uint32_t key)
{
	size_t n = ip4(b, 47, 20 + 8 + 40, 1, 2);
	const uint8_t gre[8] = { 0x20, 0, 0x08, 0x00, (uint8_t)(key >> 24), (uint8_t)(key >> 16),
				 (uint8_t)(key >> 8), (uint8_t)key };
	memcpy(b + n, gre, sizeof(gre));
	n += sizeof(gre);
	n += ip4(b + n, 6, 40, 7, 8);
	const uint8_t tcp[20] = { 0x03, 0xe8, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff };
	memcpy(b + n, tcp, sizeof(tcp));
	return n + sizeof(tcp);
}

static int dissect(const uint8_t *b, size_t n, struct ns_packet *pkt)
{
	static struct ns_ctx ctx;
	uint8_t *copy = unit_copy_exact(b, (uint32_t)n);
	int rc;

	ctx.wire_len = (uint32_t)n;
	rc = ns_dissect(NS_LINK_RAW, copy, (uint32_t)n, &ctx, pkt);
	free(copy);
	pkt->payload = NULL;	/* pointed into the copy */
	return rc;
}

static void test_gre_inner(void **state)
{
	(void)state;
	uint8_t b[128];
	struct ns_packet pkt;

	assert_int_equal(dissect(b, gre_tcp(b, 42), &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, NS_ENC_GRE);
	assert_true(pkt.encap[0].has_id);
	assert_int_equal(pkt.encap[0].id, 42);
	assert_int_equal(pkt.encap[0].ipproto, 47);
	assert_int_equal(pkt.encap[0].src.a[3], 1);
	assert_int_equal(pkt.encap[0].dst.a[3], 2);
	/* The packet is the inner one. */
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.src.a[3], 7);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.tcp.dst_port, 80);
	assert_int_equal(pkt.ip_wire_len, 40);
	/* The outer header's bad checksum is the outer layers' flag, not the
	 * inner packet's. */
	assert_true(pkt.encap[0].flags & NS_F_BAD_IP_CHECKSUM);
}

/* GRE carrying ARP: nothing IP inside, the packet stays the outer one. */
static void test_restore_outer(void **state)
{
	(void)state;
	uint8_t b[128];
	struct ns_packet pkt;
	size_t n = gre_tcp(b, 42);

	b[22] = 0x08;
	b[23] = 0x06;	/* GRE protocol ARP */
	assert_int_equal(dissect(b, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.src.a[3], 1);
	assert_int_equal(pkt.ipproto, 47);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.ip_wire_len, 68);
}

/* GRE bridging an Ethernet frame with a VLAN tag and ARP inside: nothing IP
 * inside, the packet stays the outer one, and so does its VLAN list (the
 * inner frame's tag was counted while it was decoded). */
static void test_restore_outer_vlans(void **state)
{
	(void)state;
	uint8_t b[128];
	size_t n = ip4(b, 47, 20 + 4 + 18 + 28, 1, 2);
	const uint8_t gre[4] = { 0, 0, 0x65, 0x58 };	/* transparent Ethernet bridging */
	const uint8_t eth[18] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
				  0x81, 0x00, 0x00, 0x05, 0x08, 0x06 };
	struct ns_packet pkt;

	memcpy(b + n, gre, sizeof(gre));
	n += sizeof(gre);
	memcpy(b + n, eth, sizeof(eth));
	n += sizeof(eth);
	memset(b + n, 0, 28);	/* ARP */
	n += 28;
	assert_int_equal(dissect(b, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.src.a[3], 1);
	assert_int_equal(pkt.ipproto, 47);
	assert_int_equal(pkt.link.nvlan, 0);
}

/* Ten IP-in-IP headers: NS_MAX_ENCAP are recorded, the rest is flagged. */
static void test_limit(void **state)
{
	(void)state;
	uint8_t b[20 * 10 + 20];
	struct ns_packet pkt;
	size_t n = 0;

	for (int i = 0; i < 10; i++)
		n += ip4(b + n, 4, (uint16_t)(sizeof(b) - n), (uint8_t)i, 99);
	n += ip4(b + n, 17, 20, 50, 51);
	assert_int_equal(dissect(b, n, &pkt), 0);
	assert_int_equal(pkt.nencap, NS_MAX_ENCAP);
	assert_true(pkt.flags & NS_F_ENCAP_LIMIT);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.src.a[3], NS_MAX_ENCAP);	/* the layer reached */
}

/* IP protocol 143: an Ethernet frame right after the IP header (SRv6 L2);
 * cut inside the frame's header, the packet stays the outer one, flagged. */
static void test_ip_ethernet(void **state)
{
	(void)state;
	uint8_t b[20 + 14 + 20 + 8];
	struct ns_packet pkt;
	size_t n = ip4(b, 143, sizeof(b), 1, 2);

	memset(b + n, 0, 12);
	b[n + 12] = 0x08;
	b[n + 13] = 0x00;
	n += 14;
	n += ip4(b + n, 17, 28, 7, 8);
	memset(b + n, 0, 8);
	b[n + 5] = 8;
	n += 8;
	assert_int_equal(dissect(b, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, NS_ENC_IP_ETHERNET);
	assert_string_equal(ns_encap_name(NS_ENC_IP_ETHERNET), "ethernet");
	assert_int_equal(pkt.src.a[3], 7);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(dissect(b, 20 + 10, &pkt), 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.src.a[3], 1);
	assert_true(pkt.flags & NS_F_BAD_ENCAP);
}

static void test_key(void **state)
{
	(void)state;
	uint8_t b[128];
	struct ns_packet pkt;
	size_t n = gre_tcp(b, 42);
	uint64_t k;

	dissect(b, n, &pkt);
	k = ns_encap_key(&pkt);
	assert_int_not_equal(k, 0);
	/* The other direction of the same tunnel: outer addresses swapped. */
	b[15] = 2;
	b[19] = 1;
	dissect(b, n, &pkt);
	assert_int_equal(ns_encap_key(&pkt), k);
	/* Other tunnel endpoints, same key: the same connection may cross
	 * different endpoints in its two directions. */
	b[15] = 3;
	dissect(b, n, &pkt);
	assert_int_equal(ns_encap_key(&pkt), k);
	/* Another GRE key: another tunnel. */
	dissect(b, gre_tcp(b, 43), &pkt);
	assert_int_not_equal(ns_encap_key(&pkt), k);
	/* The inner packet alone: no tunnel, key 0. */
	dissect(b + 28, 40, &pkt);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(ns_encap_key(&pkt), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gre_inner),
		cmocka_unit_test(test_restore_outer),
		cmocka_unit_test(test_restore_outer_vlans),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_ip_ethernet),
		cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
