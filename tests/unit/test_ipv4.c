/* Unit tests for dissect/ipv4.c: header fields, options, checksum, lengths,
 * fragments and truncation at every byte. */
#include "unit.h"

#define PROTO_TEST 253	/* experimental: dispatched as NS_L4_OTHER */

/* Checksum over the header length that h's IHL says. */
static void fix_checksum(uint8_t *h)
{
	unit_ip4_checksum(h, (uint32_t)(h[0] & 0x0f) * 4);
}

/* A basic header into buf: 192.168.1.10 -> 10.20.30.40, given IHL, total
 * length, protocol and fragment word; payload bytes are 0xee. */
static void build(uint8_t *buf, uint32_t buflen, uint8_t ihl, uint16_t total_len,
		  uint8_t proto, uint16_t frag)
{
	memset(buf, 0xee, buflen);
	memset(buf, 0, (size_t)ihl * 4 < buflen ? (size_t)ihl * 4 : buflen);
	buf[0] = (uint8_t)(0x40 | ihl);
	buf[1] = 0xb8;	/* DSCP EF */
	buf[2] = (uint8_t)(total_len >> 8);
	buf[3] = (uint8_t)total_len;
	buf[4] = 0xab;
	buf[5] = 0xcd;
	buf[6] = (uint8_t)(frag >> 8);
	buf[7] = (uint8_t)frag;
	buf[8] = 64;
	buf[9] = proto;
	buf[12] = 192; buf[13] = 168; buf[14] = 1; buf[15] = 10;
	buf[16] = 10; buf[17] = 20; buf[18] = 30; buf[19] = 40;
}

/* Decode from a heap copy of exactly caplen bytes (ASan sees overreads). */
static void decode(const uint8_t *src, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt)
{
	unit_decode_exact(ns_decode_ipv4, NS_L3_NONE, src, caplen, wirelen, pkt);
	/* pointers into the copy must not be used after this */
	pkt->ip4.hdr = NULL;
	pkt->payload = NULL;
}

static void test_basic_fields(void **state)
{
	uint8_t b[28];
	struct ns_packet pkt;
	char s[NS_ADDR_STRLEN];

	(void)state;
	build(b, sizeof(b), 5, 28, PROTO_TEST, 0x4000);	/* DF */
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.ip4.hdr_avail, 20);
	assert_int_equal(pkt.ip4.version, 4);
	assert_int_equal(pkt.ip4.ihl, 5);
	assert_int_equal(pkt.ip4.tos, 0xb8);
	assert_int_equal(pkt.ip4.total_len, 28);
	assert_int_equal(pkt.ip4.id, 0xabcd);
	assert_int_equal(pkt.ip4.flags, 2);
	assert_int_equal(pkt.ip4.frag_off, 0);
	assert_int_equal(pkt.ip4.ttl, 64);
	assert_int_equal(pkt.ip4.protocol, PROTO_TEST);
	assert_int_equal(pkt.ip4.checksum, (uint16_t)(b[10] << 8 | b[11]));
	assert_true(pkt.ip4.checksum_ok);
	assert_int_equal(pkt.ip4.nopts, 0);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
	assert_true(pkt.first_fragment);
	assert_int_equal(pkt.ip_wire_len, 28);
	assert_int_equal(pkt.ip_cap_len, 28);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 8);
	ns_addr_format(&pkt.src, s);
	assert_string_equal(s, "192.168.1.10");
	ns_addr_format(&pkt.ip4.dst, s);
	assert_string_equal(s, "10.20.30.40");
	assert_true(ns_addr_equal(&pkt.dst, &pkt.ip4.dst));
}

static void test_known_checksum(void **state)
{
	/* A real header (Wikipedia's IPv4 checksum example): b861 verifies. */
	static const uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	struct ns_packet pkt;

	(void)state;
	/* only the header captured, 0x73 bytes on the wire */
	decode(h, sizeof(h), 0x73, &pkt);
	assert_true(pkt.ip4.checksum_ok);
	assert_int_equal(pkt.ip4.checksum, 0xb861);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 0x73);
	assert_int_equal(pkt.ip_cap_len, 20);
}

static void test_bad_checksum(void **state)
{
	uint8_t b[28];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 5, 28, PROTO_TEST, 0);
	fix_checksum(b);
	b[11] ^= 0x01;
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_IP_CHECKSUM);
	assert_false(pkt.ip4.checksum_ok);
	/* still decoded through to the transport */
	assert_int_equal(pkt.l4, NS_L4_OTHER);
}

static void test_options(void **state)
{
	/* IHL 10: RR (7, len 11, ptr 4, two addresses), NOP, router alert
	 * (148, len 4), timestamp (68, len 4), NOP, EOL, padding */
	uint8_t b[44];
	static const uint8_t opts[24] = {
		7, 11, 4, 10, 0, 0, 1, 10, 0, 0, 2,
		1,
		148, 4, 0, 0,
		68, 4, 5, 0,
		1, 0, 0, 0,
	};
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 11, 44, PROTO_TEST, 0);
	memcpy(b + 20, opts, sizeof(opts));
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip4.nopts, 6);
	assert_int_equal(pkt.ip4.opts[0].kind, 7);
	assert_int_equal(pkt.ip4.opts[0].len, 11);
	assert_int_equal(pkt.ip4.opts[0].off, 20);
	assert_int_equal(pkt.ip4.opts[1].kind, 1);
	assert_int_equal(pkt.ip4.opts[1].len, 1);
	assert_int_equal(pkt.ip4.opts[1].off, 31);
	assert_int_equal(pkt.ip4.opts[2].kind, 148);
	assert_int_equal(pkt.ip4.opts[2].len, 4);
	assert_int_equal(pkt.ip4.opts[3].kind, 68);
	assert_int_equal(pkt.ip4.opts[3].off, 36);
	assert_int_equal(pkt.ip4.opts[4].kind, 1);
	assert_int_equal(pkt.ip4.opts[5].kind, 0);
	assert_int_equal(pkt.ip4.opts[5].len, 1);
	assert_int_equal(pkt.ip4.opts[5].off, 41);
	/* the transport starts after the options */
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 0);
}

static void test_many_nops(void **state)
{
	uint8_t b[60];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 15, 60, PROTO_TEST, 0);
	memset(b + 20, 1, 40);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	/* 40 NOPs: valid, the first NS_MAX_IP_OPTS recorded */
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip4.nopts, NS_MAX_IP_OPTS);
}

static void expect_bad_options(const uint8_t *opts, uint32_t n, uint8_t nopts)
{
	uint8_t b[24 + 8];
	struct ns_packet pkt;

	build(b, sizeof(b), 6, sizeof(b), PROTO_TEST, 0);
	memset(b + 20, 0, 4);
	memcpy(b + 20, opts, n);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_int_equal(pkt.ip4.nopts, nopts);
	/* the header length is still known: transport decoded */
	assert_int_equal(pkt.l4, NS_L4_OTHER);
}

static void test_bad_options(void **state)
{
	static const uint8_t len0[] = { 68, 0, 0, 0 };
	static const uint8_t len1[] = { 1, 130, 1, 0 };
	static const uint8_t past[] = { 1, 7, 7, 0 };	/* RR of 7 bytes at offset 21 */
	static const uint8_t nolen[] = { 1, 1, 1, 7 };	/* kind at the last byte */

	(void)state;
	expect_bad_options(len0, sizeof(len0), 0);
	expect_bad_options(len1, sizeof(len1), 1);
	expect_bad_options(past, sizeof(past), 1);
	expect_bad_options(nolen, sizeof(nolen), 3);
}

/* One option list in a 40-byte header (IHL 10) before 8 bytes of payload. */
static void decode_opts(const uint8_t *opts, uint32_t n, struct ns_packet *pkt)
{
	uint8_t b[40 + 8];

	assert_true(n <= 20);
	build(b, sizeof(b), 10, sizeof(b), PROTO_TEST, 0);
	memcpy(b + 20, opts, n);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), pkt);
}

/* Issue 11: an option shorter than its kind's fixed fields (RFC 791 route
 * and timestamp pointers, RFC 1108 classification level, ...) is
 * bad_options; it is recorded, then the walk stops (tshark stops there with
 * an exception). A fixed-length option that is longer is flagged but its
 * framing holds: the walk goes on. */
static void test_option_minimums(void **state)
{
	static const struct { uint8_t kind, min; bool exact; } k[] = {
		{ 7, 3, false }, { 131, 3, false }, { 137, 3, false }, { 130, 3, false },
		{ 133, 3, false }, { 68, 4, false }, { 134, 6, false }, { 149, 6, false },
		{ 136, 4, true }, { 11, 4, true }, { 12, 4, true }, { 148, 4, true },
		{ 25, 8, true }, { 82, 12, true },
	};
	uint8_t o[20];
	struct ns_packet pkt;

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		/* too short, then NOP, EOL: only the short one recorded */
		memset(o, 0, sizeof(o));
		o[0] = k[i].kind;
		o[1] = (uint8_t)(k[i].min - 1);
		o[k[i].min - 1] = 1;
		decode_opts(o, sizeof(o), &pkt);
		assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
		assert_int_equal(pkt.ip4.nopts, 1);
		assert_int_equal(pkt.ip4.opts[0].kind, k[i].kind);
		assert_int_equal(pkt.ip4.opts[0].len, k[i].min - 1);
		assert_int_equal(pkt.l4, NS_L4_OTHER);

		/* exactly the minimum: fine, NOP and EOL follow */
		o[1] = k[i].min;
		o[k[i].min - 1] = 0;
		o[k[i].min] = 1;
		decode_opts(o, sizeof(o), &pkt);
		assert_int_equal(pkt.flags, 0);
		assert_int_equal(pkt.ip4.nopts, 3);

		/* one more: fine unless the length is fixed */
		o[1] = (uint8_t)(k[i].min + 1);
		o[k[i].min] = 0;
		o[k[i].min + 1] = 1;
		decode_opts(o, sizeof(o), &pkt);
		assert_int_equal(pkt.flags, k[i].exact ? NS_F_BAD_OPTIONS : 0);
		assert_int_equal(pkt.ip4.nopts, 3);
	}
}

/* suricata-verify firewall__tcp-session-decode-malformed-ipv4 frame 8: a
 * security option of length 2, EOL, padding; IHL 8 before a TCP header. */
static void test_security_option_len2(void **state)
{
	static const uint8_t opts[12] = { 0x82, 0x02, 0, 0, 0, 0, 0, 0, 0x78, 0x78, 0x78, 0 };
	uint8_t b[32 + 20];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 8, sizeof(b), 6, 0);
	memcpy(b + 20, opts, sizeof(opts));
	memset(b + 32, 0, 20);
	b[32 + 12] = 0x50;
	b[32 + 13] = 0x10;
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_int_equal(pkt.ip4.nopts, 1);
	assert_int_equal(pkt.ip4.opts[0].kind, 130);
	/* IHL still says where TCP starts */
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.tcp.flags, NS_TCP_ACK);
}

static void test_ihl_too_small(void **state)
{
	uint8_t b[28];
	struct ns_packet pkt;

	(void)state;
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		build(b, sizeof(b), ihl, 28, 6, 0);
		decode(b, sizeof(b), sizeof(b), &pkt);
		assert_true(pkt.flags & NS_F_BAD_HEADER);
		assert_false(pkt.flags & NS_F_TRUNCATED);
		assert_int_equal(pkt.l3, NS_L3_IPV4);
		assert_int_equal(pkt.l4, NS_L4_NONE);
		assert_false(pkt.ip4.checksum_ok);
		assert_int_equal(pkt.ip4.ihl, ihl);
		assert_int_equal(pkt.ip4.ttl, 64);
	}
}

static void test_bad_version(void **state)
{
	uint8_t b[28];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 5, 28, 6, 0);
	b[0] = 0x55;
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_VERSION);
	assert_int_equal(pkt.ip4.version, 5);
	assert_int_equal(pkt.l4, NS_L4_NONE);
}

static void test_lying_total_len(void **state)
{
	uint8_t b[40];
	struct ns_packet pkt;

	(void)state;
	/* claims 1500 bytes, 40 on the wire: bad_length, not truncated */
	build(b, sizeof(b), 5, 1500, PROTO_TEST, 0);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.ip4.total_len, 1500);
	assert_int_equal(pkt.ip_wire_len, 40);
	assert_int_equal(pkt.ip_cap_len, 40);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 20);

	/* shorter than the header */
	build(b, sizeof(b), 6, 20, PROTO_TEST, 0);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.ip_wire_len, 40);
	assert_int_equal(pkt.payload_caplen, 16);

	/* claims more than the wire, snaplen-cut too: both */
	build(b, sizeof(b), 5, 1500, PROTO_TEST, 0);
	fix_checksum(b);
	decode(b, 30, 1000, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH | NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 1000);
	assert_int_equal(pkt.ip_cap_len, 30);

	/* BIG TCP: total_len 0 on a packet above 64 KiB is not an error */
	build(b, sizeof(b), 5, 0, PROTO_TEST, 0);
	fix_checksum(b);
	decode(b, sizeof(b), 70000, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 70000);
	assert_int_equal(pkt.ip_cap_len, 40);
	/* ... and on a small packet too (Wireshark: "presumed TSO") */
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip_wire_len, 40);
	assert_int_equal(pkt.payload_caplen, 20);
}

static void test_padding_clamped(void **state)
{
	/* 28-byte datagram in a 46-byte minimum Ethernet payload */
	uint8_t b[46];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 5, 28, PROTO_TEST, 0);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip_wire_len, 28);
	assert_int_equal(pkt.ip_cap_len, 28);
	assert_int_equal(pkt.payload_caplen, 8);
}

static void test_padding_clamped_udp(void **state)
{
	/* Through the real UDP decoder: its view ends at total_len. */
	uint8_t b[46];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 5, 30, 17, 0);
	b[20] = 0x30; b[21] = 0x39;	/* 12345 */
	b[22] = 0x00; b[23] = 0x35;	/* 53 */
	b[24] = 0x00; b[25] = 10;	/* UDP length 10 */
	b[26] = 0; b[27] = 0;
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.ip_wire_len, 30);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.src_port, 12345);
	assert_int_equal(pkt.udp.dst_port, 53);
	assert_int_equal(pkt.udp.payload_len, 2);
	assert_int_equal(pkt.payload_caplen, 2);
	assert_false(pkt.flags & (NS_F_TRUNCATED | NS_F_BAD_LENGTH));
}

static void test_fragments(void **state)
{
	uint8_t b[28];
	struct ns_packet pkt;

	(void)state;
	/* first fragment: MF, offset 0: transport decoded */
	build(b, sizeof(b), 5, 28, PROTO_TEST, 0x2000);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_true(pkt.first_fragment);
	assert_int_equal(pkt.ip4.flags, 1);
	assert_int_equal(pkt.l4, NS_L4_OTHER);

	/* middle fragment: MF, offset 185 (1480 bytes) */
	build(b, sizeof(b), 5, 28, 6, 0x2000 | 185);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_false(pkt.first_fragment);
	assert_int_equal(pkt.ip4.frag_off, 185);
	assert_int_equal(pkt.ipproto, 6);
	assert_int_equal(pkt.l4, NS_L4_NONE);

	/* last fragment: no MF, offset != 0 */
	build(b, sizeof(b), 5, 28, 17, 370);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_false(pkt.first_fragment);
	assert_int_equal(pkt.ip4.flags, 0);
	assert_int_equal(pkt.l4, NS_L4_NONE);

	/* RF + DF only: not a fragment */
	build(b, sizeof(b), 5, 28, PROTO_TEST, 0xc000);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip4.flags, 6);
}

/* Issue 11: a first fragment holding 8 bytes of transport (the minimum a
 * fragment carries) is legitimate: no bad_length, the fields that are in
 * it are read. The same bytes as a whole datagram are malformed. */
static void test_first_fragment_8_bytes(void **state)
{
	static const uint8_t tcp8[8] = { 0x30, 0x39, 0x1f, 0x90, 0, 0, 0, 1 };
	static const uint8_t udp8[8] = { 0x13, 0xc4, 0x13, 0xc4, 0x05, 0xc8, 0, 0 };	/* len 1480 */
	uint8_t b[28];
	struct ns_packet pkt;

	(void)state;
	build(b, sizeof(b), 5, 28, 6, 0x2000);
	memcpy(b + 20, tcp8, 8);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_true(pkt.first_fragment);
	assert_true(pkt.more_fragments);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.tcp.hdr_avail, 8);
	assert_int_equal(pkt.tcp.src_port, 12345);
	assert_int_equal(pkt.tcp.dst_port, 8080);
	assert_int_equal(pkt.tcp.seq, 1);

	/* not a fragment: an 8-byte TCP segment is impossible */
	build(b, sizeof(b), 5, 28, 6, 0x4000);
	memcpy(b + 20, tcp8, 8);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_false(pkt.more_fragments);

	/* UDP: the header's length is the whole datagram's */
	build(b, sizeof(b), 5, 28, 17, 0x2000);
	memcpy(b + 20, udp8, 8);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.length, 1480);
	assert_int_equal(pkt.payload_caplen, 0);

	/* ... and as a whole datagram, a UDP length past it is malformed */
	build(b, sizeof(b), 5, 28, 17, 0);
	memcpy(b + 20, udp8, 8);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);

	/* a last fragment has no transport and no more fragments */
	build(b, sizeof(b), 5, 28, 6, 185);
	fix_checksum(b);
	decode(b, sizeof(b), sizeof(b), &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_false(pkt.first_fragment);
	assert_false(pkt.more_fragments);
	assert_int_equal(pkt.l4, NS_L4_NONE);
}

/* Cut a 32-byte header (with options) + 8 bytes at every length. */
static void test_truncated_every_byte(void **state)
{
	uint8_t b[40];
	static const uint8_t opts[12] = { 7, 7, 4, 0, 0, 0, 0, 1, 148, 4, 0, 0 };

	(void)state;
	build(b, sizeof(b), 8, 40, PROTO_TEST, 0);
	memcpy(b + 20, opts, sizeof(opts));
	fix_checksum(b);
	for (uint32_t cap = 0; cap <= sizeof(b); cap++) {
		struct ns_packet pkt;

		decode(b, cap, sizeof(b), &pkt);
		assert_int_equal(pkt.l3, NS_L3_IPV4);
		assert_int_equal(pkt.ip4.hdr_avail, cap < 20 ? cap : 20);
		assert_int_equal(pkt.ip_wire_len, 40);
		assert_int_equal(pkt.ip_cap_len, cap);
		if (cap < sizeof(b))
			assert_int_equal(pkt.flags, NS_F_TRUNCATED);
		else
			assert_int_equal(pkt.flags, 0);
		/* the checksum is judged only over a whole header */
		assert_int_equal(pkt.ip4.checksum_ok, cap >= 32);
		assert_int_equal(pkt.l4, cap >= 32 ? NS_L4_OTHER : NS_L4_NONE);
		if (cap >= 32)
			assert_int_equal(pkt.payload_caplen, cap - 32);
		/* options recorded only when whole */
		assert_int_equal(pkt.ip4.nopts, cap >= 32 ? 3 : cap >= 28 ? 2 : cap >= 27 ? 1 : 0);
		assert_int_equal(pkt.src.family, cap >= 16 ? 4 : 0);
		assert_int_equal(pkt.dst.family, cap >= 20 ? 4 : 0);
		if (cap >= 10)
			assert_int_equal(pkt.ipproto, PROTO_TEST);
	}
}

/* Random headers must never crash or read past caplen (run under ASan). */
static void test_fuzz(void **state)
{
	uint8_t b[80];
	uint32_t seed = 12345;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		struct ns_packet pkt;
		uint32_t cap, wire;

		unit_fill_random(b, sizeof(b), &seed);
		b[0] = (uint8_t)(0x40 | (b[0] & 0x0f));
		if (iter & 1)
			b[9] = (uint8_t)(iter & 2 ? 6 : 17);
		cap = (seed >> 8) % (sizeof(b) + 1);
		wire = cap + (seed >> 20) % 100;
		decode(b, cap, wire, &pkt);
		assert_true(pkt.ip_cap_len <= cap);
		assert_true(pkt.ip_cap_len <= pkt.ip_wire_len);
		assert_true(pkt.ip_wire_len <= wire);
		assert_true(pkt.payload_caplen <= cap);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_fields),
		cmocka_unit_test(test_known_checksum),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_many_nops),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_option_minimums),
		cmocka_unit_test(test_security_option_len2),
		cmocka_unit_test(test_ihl_too_small),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_lying_total_len),
		cmocka_unit_test(test_padding_clamped),
		cmocka_unit_test(test_padding_clamped_udp),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_first_fragment_8_bytes),
		cmocka_unit_test(test_truncated_every_byte),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
