/* Unit tests for dissect/mpls.c: label stacks, the guess after the bottom of
 * the stack, MPLS over Ethernet, PPP, IP (137) and UDP (6635), truncation. */
#include "l2enc_unit.h"

static uint32_t put_lse(uint8_t *b, uint32_t label, int bos, uint8_t ttl)
{
	uint32_t v = label << 12 | (bos ? 0x100u : 0) | ttl;

	b[0] = (uint8_t)(v >> 24); b[1] = (uint8_t)(v >> 16); b[2] = (uint8_t)(v >> 8); b[3] = (uint8_t)v;
	return 4;
}

static int decode(const uint8_t *b, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_mpls, NS_L3_NONE, b, caplen, len, pkt);
}

static void test_one_label_ipv4(void **state)
{
	uint8_t b[64];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	n = put_lse(b, 16, 1, 64);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MPLS, true, 16);
	assert_int_equal(pkt.encap[0].depth, 1);
	assert_inner_ipv4_udp(&pkt);
}

static void test_stack_ipv6(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = 0;

	(void)state;
	n += put_lse(b + n, 100, 0, 1);
	n += put_lse(b + n, 0xfffff, 0, 2);
	n += put_lse(b + n, 2, 1, 3);	/* IPv6 explicit null at the bottom */
	n += l2_ipv6_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MPLS, true, 2);
	assert_int_equal(pkt.encap[0].depth, 3);
	assert_inner_ipv6_udp(&pkt);
}

/* First nibble 0: RFC 4385 control word, then an Ethernet frame. */
static void test_pseudowire(void **state)
{
	uint8_t b[96];
	struct ns_packet pkt;
	uint32_t n = 0;

	(void)state;
	n += put_lse(b + n, 1000, 1, 64);
	memset(b + n, 0, 4);	/* control word: flags 0, sequence 0 */
	n += 4;
	n += l2_eth(b + n, 0x0800);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MPLS, true, 1000);
	assert_inner_ipv4_udp(&pkt);

	/* No control word, destination MAC starting with nibble 0: only the
	 * reading without it finds an IP ethertype. */
	n = put_lse(b, 1000, 1, 64);
	n += l2_eth(b + n, 0x86dd);
	n += l2_ipv6_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_inner_ipv6_udp(&pkt);
}

/* Nibble 1 (PW associated channel) and others: no IP, the encapsulation is
 * still reported (nothing outside to fall back to). */
static void test_not_ip(void **state)
{
	uint8_t b[32] = { 0 };
	struct ns_packet pkt;

	(void)state;
	put_lse(b, 77, 1, 64);
	b[4] = 0x10;	/* ACH */
	assert_int_equal(decode(b, sizeof(b), sizeof(b), &pkt), -1);
	assert_one_encap(&pkt, NS_ENC_MPLS, true, 77);
	assert_int_equal(pkt.l3, NS_L3_NONE);
	b[4] = 0x90;
	assert_int_equal(decode(b, sizeof(b), sizeof(b), &pkt), -1);
	assert_int_equal(pkt.nencap, 1);
	/* Nothing after the bottom of the stack. */
	assert_int_equal(decode(b, 4, 4, &pkt), -1);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.flags & NS_F_BAD_ENCAP, 0);
}

/* Every cut inside the stack: bad_encap, truncated (the capture ended), no
 * encapsulation entered; every cut after it: entered, the inner cut. */
static void test_truncated(void **state)
{
	uint8_t b[64];
	struct ns_packet pkt;
	uint32_t n = 0;

	(void)state;
	n += put_lse(b + n, 20, 0, 64);
	n += put_lse(b + n, 21, 1, 64);
	n += l2_ipv4_udp(b + n);
	for (uint32_t cap = 0; cap < n; cap++) {
		int rc = decode(b, cap, n, &pkt);

		if (cap < 8) {
			assert_int_equal(rc, -1);
			assert_int_equal(pkt.nencap, 0);
			assert_int_equal(pkt.flags, NS_F_BAD_ENCAP | NS_F_TRUNCATED);
		} else {
			assert_int_equal(pkt.nencap, 1);
			assert_int_equal(pkt.encap[0].id, 21);
			assert_int_equal(pkt.encap[0].depth, 2);
			if (cap > 8) {
				assert_int_equal(pkt.l3, NS_L3_IPV4);
				assert_true(pkt.flags & NS_F_TRUNCATED);
			}
		}
	}
	/* The layer itself ends inside the stack: malformed, not cut. */
	assert_int_equal(decode(b, 6, 6, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

static void test_depth_limit(void **state)
{
	uint8_t b[257 * 4 + L2_IP4_LEN];
	struct ns_packet pkt;
	uint32_t n = 0;

	(void)state;
	for (uint32_t i = 0; i < 254; i++)
		n += put_lse(b + n, 16 + i, 0, 64);
	n += put_lse(b + n, 9999, 1, 64);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);	/* 255 labels: fine */
	assert_int_equal(pkt.encap[0].depth, 255);
	assert_int_equal(pkt.encap[0].id, 9999);

	n = 0;
	for (uint32_t i = 0; i < 255; i++)
		n += put_lse(b + n, 16 + i, 0, 64);
	n += put_lse(b + n, 9999, 1, 64);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), -1);	/* 256: malformed */
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.flags, NS_F_BAD_ENCAP);
}

/* The dispatch tables: ethertypes 0x8847/0x8848, PPP 0x0281, IP protocol
 * 137 and UDP port 6635. */
static void test_dispatch(void **state)
{
	uint8_t f[128];
	struct ns_packet pkt;
	uint32_t n;

	(void)state;
	for (int m = 0; m < 2; m++) {
		n = l2_eth(f, m ? 0x8848 : 0x8847);
		n += put_lse(f + n, 42, 1, 64);
		n += l2_ipv4_udp(f + n);
		assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
		assert_one_encap(&pkt, NS_ENC_MPLS, true, 42);
		assert_inner_ipv4_udp(&pkt);
	}

	n = 0;
	f[n++] = 0xff; f[n++] = 0x03; f[n++] = 0x02; f[n++] = 0x81;
	n += put_lse(f + n, 43, 1, 64);
	n += l2_ipv4_udp(f + n);
	assert_int_equal(l2_dissect(NS_LINK_PPP, f, n, n, &pkt), 0);
	assert_one_encap(&pkt, NS_ENC_MPLS, true, 43);

	/* MPLS-in-IP: the outer addresses and protocol are recorded. */
	n = l2_eth(f, 0x0800);
	l2_ipv4_udp(f + n);
	f[n + 9] = 137;
	f[n + 12] = 192; f[n + 13] = 0; f[n + 14] = 2; f[n + 15] = 1;
	f[n + 3] = 20 + 4 + L2_IP4_LEN;
	unit_ip4_checksum(f + n, 20);
	put_lse(f + n + 20, 44, 1, 64);
	l2_ipv4_udp(f + n + 24);
	n += 24 + L2_IP4_LEN;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].type, NS_ENC_MPLS);
	assert_int_equal(pkt.encap[0].ipproto, 137);
	assert_int_equal(pkt.encap[0].src.family, 4);
	assert_int_equal(pkt.encap[0].src.a[0], 192);
	assert_inner_ipv4_udp(&pkt);

	/* Garbage after the stack: the outer packet stays, protocol 137. */
	f[14 + 24] = 0x90;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 0);
	assert_int_equal(pkt.ipproto, 137);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.src.a[0], 192);

	/* MPLS over UDP, port 6635. */
	n = l2_eth(f, 0x0800);
	l2_ipv4_udp(f + n);
	f[n + 3] = 20 + 8 + 4 + L2_IP4_LEN;
	unit_ip4_checksum(f + n, 20);
	f[n + 22] = 6635 >> 8; f[n + 23] = 6635 & 0xff;
	f[n + 25] = 8 + 4 + L2_IP4_LEN;
	put_lse(f + n + 28, 45, 1, 64);
	l2_ipv4_udp(f + n + 32);
	n += 32 + L2_IP4_LEN;
	assert_int_equal(l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt), 0);
	assert_int_equal(pkt.nencap, 1);
	assert_int_equal(pkt.encap[0].id, 45);
	assert_int_equal(pkt.encap[0].ipproto, 17);
	assert_int_equal(pkt.encap[0].dport, 6635);
	assert_inner_ipv4_udp(&pkt);
}

/* Random bytes after the ethertype never read past the capture (the
 * sanitizer build checks) and never leave a half-entered tunnel. */
/* The labels of the two directions differ (each is the next hop's choice):
 * both directions of one connection get the same tunnel key, and the key of
 * a labelled packet is never "no tunnel". */
static void test_key_ignores_label(void **state)
{
	uint8_t b[64];
	struct ns_packet pkt;
	uint32_t n;
	uint64_t k;

	(void)state;
	n = put_lse(b, 100, 1, 64);
	n += l2_ipv4_udp(b + n);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	k = ns_encap_key(&pkt);
	assert_int_not_equal(k, 0);
	put_lse(b, 200, 1, 64);
	assert_int_equal(decode(b, n, n, &pkt), 0);
	assert_int_equal(pkt.encap[0].id, 200);
	assert_int_equal(ns_encap_key(&pkt), k);
}

static void test_fuzz(void **state)
{
	uint8_t f[80];
	struct ns_packet pkt;
	uint32_t seed = 1137;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		uint32_t n = 14 + (seed % 66);

		unit_fill_random(f, sizeof(f), &seed);
		l2_eth(f, 0x8847);
		l2_dissect(NS_LINK_ETHERNET, f, n, n, &pkt);
		assert_true(pkt.nencap <= NS_MAX_ENCAP);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_label_ipv4),
		cmocka_unit_test(test_stack_ipv6),
		cmocka_unit_test(test_pseudowire),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_key_ignores_label),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
