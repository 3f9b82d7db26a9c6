/* Unit tests for dissect/udp.c: ns_decode_udp on hand-built datagrams.
 * Inputs are copied into buffers of exactly caplen bytes so the sanitizer
 * build catches any read past the capture. */
#include "unit.h"

/* 53 -> 40000, UDP length ulen, checksum 1234, then paylen payload bytes. */
static size_t build_dgram(uint8_t *b, uint16_t ulen, size_t paylen)
{
	static const uint8_t hdr[8] = { 0x00, 0x35, 0x9c, 0x40, 0, 0, 0x04, 0xd2 };
	memcpy(b, hdr, 8);
	b[4] = (uint8_t)(ulen >> 8);
	b[5] = (uint8_t)ulen;
	for (size_t i = 0; i < paylen; i++)
		b[8 + i] = (uint8_t)i;
	return 8 + paylen;
}

static int decode_exact(const uint8_t *d, uint32_t caplen, uint32_t len, uint8_t l3,
			struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_udp, l3, d, caplen, len, pkt);
}

static void test_normal(void **state)
{
	(void)state;
	uint8_t d[64];
	struct ns_packet pkt;
	size_t n = build_dgram(d, 20, 12);

	assert_int_equal(decode_exact(d, n, n, NS_L3_IPV4, &pkt), 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.udp.hdr_avail, 8);
	assert_int_equal(pkt.udp.src_port, 53);
	assert_int_equal(pkt.udp.dst_port, 40000);
	assert_int_equal(pkt.udp.length, 20);
	assert_int_equal(pkt.udp.checksum, 1234);
	assert_int_equal(pkt.udp.payload_len, 12);
	assert_int_equal(pkt.payload_caplen, 12);
	assert_ptr_equal(pkt.payload, d + 8);
}

static void test_empty_payload(void **state)
{
	(void)state;
	uint8_t d[64];
	struct ns_packet pkt;
	size_t n = build_dgram(d, 8, 0);

	assert_int_equal(decode_exact(d, n, n, NS_L3_IPV4, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.udp.payload_len, 0);
	assert_null(pkt.payload);
}

static void test_bad_length(void **state)
{
	(void)state;
	uint8_t d[64];
	struct ns_packet pkt;

	/* UDP length below the header size: payload from the IP length */
	size_t n = build_dgram(d, 4, 12);
	assert_int_equal(decode_exact(d, n, n, NS_L3_IPV4, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.udp.length, 4);
	assert_int_equal(pkt.udp.payload_len, 12);

	/* UDP length beyond what IP carried */
	n = build_dgram(d, 100, 12);
	assert_int_equal(decode_exact(d, n, n, NS_L3_IPV4, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.udp.payload_len, 12);
	assert_int_equal(pkt.payload_caplen, 12);

	/* zero over IPv4 (and over IPv6 without a jumbogram) is just wrong */
	n = build_dgram(d, 0, 12);
	assert_int_equal(decode_exact(d, n, n, NS_L3_IPV6, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);

	/* IP says fewer bytes than a UDP header */
	assert_int_equal(decode_exact(d, 6, 6, NS_L3_IPV4, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.udp.hdr_avail, 6);
	assert_int_equal(pkt.udp.payload_len, 0);
	assert_null(pkt.payload);
}

static void test_trailing_bytes(void **state)
{
	(void)state;
	uint8_t d[64];
	struct ns_packet pkt;
	/* UDP says 10 bytes, IP carried 20: the datagram ends where UDP says */
	size_t n = build_dgram(d, 10, 12);

	assert_int_equal(decode_exact(d, n, n, NS_L3_IPV4, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.udp.payload_len, 2);
	assert_int_equal(pkt.payload_caplen, 2);
}

static void test_jumbogram_length_zero(void **state)
{
	(void)state;
	uint8_t d[64];
	struct ns_packet pkt;
	build_dgram(d, 0, 12);

	assert_int_equal(decode_exact(d, 20, 70000, NS_L3_IPV6, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.udp.payload_len, 70000 - 8);
	assert_int_equal(pkt.payload_caplen, 12);
}

static void test_truncated_every_byte(void **state)
{
	(void)state;
	uint8_t d[64];
	struct ns_packet pkt;
	uint32_t n = (uint32_t)build_dgram(d, 20, 12);

	for (uint32_t cap = 0; cap <= n; cap++) {
		int rc = decode_exact(d, cap, n, NS_L3_IPV4, &pkt);
		assert_int_equal(rc, cap >= 4 ? 0 : -1);
		assert_int_equal(pkt.l4, NS_L4_UDP);
		assert_int_equal(pkt.udp.hdr_avail, cap < 8 ? cap : 8);
		assert_int_equal(pkt.flags, cap < n ? NS_F_TRUNCATED : 0);
		assert_int_equal(pkt.udp.src_port, cap >= 2 ? 53 : 0);
		assert_int_equal(pkt.udp.dst_port, cap >= 4 ? 40000 : 0);
		assert_int_equal(pkt.udp.length, cap >= 6 ? 20 : 0);
		assert_int_equal(pkt.udp.checksum, cap >= 8 ? 1234 : 0);
		assert_int_equal(pkt.udp.payload_len, 12);
		assert_int_equal(pkt.payload_caplen, cap > 8 ? cap - 8 : 0);
	}
}

/* The first fragment of a 1000-byte datagram: its UDP length covers the whole
 * datagram, more than this fragment holds. That is no bad_length. */
static void test_first_fragment_length(void **state)
{
	(void)state;
	uint8_t d[36] = {
		0x45, 0, 0, 36, 0x12, 0x34, 0x20, 0x00, 64, 17, 0, 0,  /* MF set, offset 0 */
		10, 0, 0, 1, 10, 0, 0, 2,
	};
	struct ns_packet pkt;
	struct ns_ctx ctx = { .wire_len = sizeof(d) };

	build_dgram(d + 20, 1000, 8);
	assert_int_equal(ns_dissect(NS_LINK_RAW, d, sizeof(d), &ctx, &pkt), 0);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_true(pkt.flags & NS_F_FRAGMENT);
	assert_false(pkt.flags & NS_F_BAD_LENGTH);
	assert_int_equal(pkt.udp.length, 1000);
	assert_int_equal(pkt.udp.payload_len, 8);

	/* The same length in an unfragmented packet is a lie. */
	d[6] = 0;
	assert_int_equal(ns_dissect(NS_LINK_RAW, d, sizeof(d), &ctx, &pkt), 0);
	assert_true(pkt.flags & NS_F_BAD_LENGTH);
}

static void test_random(void **state)
{
	(void)state;
	uint32_t rng = 777;
	uint8_t d[80];
	struct ns_packet pkt;

	for (int iter = 0; iter < 20000; iter++) {
		unit_fill_random(d, sizeof(d), &rng);
		d[4] = 0;  /* keep the UDP length in a range that sometimes fits */
		d[5] &= 0x7f;
		uint32_t len = (rng >> 8) % (sizeof(d) + 1);
		uint32_t cap = len ? (rng >> 3) % (len + 1) : 0;
		decode_exact(d, cap, len, (rng & 1) ? NS_L3_IPV4 : NS_L3_IPV6, &pkt);
		assert_true(pkt.udp.hdr_avail <= cap);
		if (pkt.payload)
			assert_true(pkt.payload - d + pkt.payload_caplen <= cap);
		assert_true(pkt.payload_caplen <= pkt.udp.payload_len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_jumbogram_length_zero),
		cmocka_unit_test(test_truncated_every_byte),
		cmocka_unit_test(test_first_fragment_length),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
