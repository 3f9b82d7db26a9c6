/* Unit tests for dissect/tcp.c: ns_decode_tcp on hand-built segments.
 * Truncation tests copy the bytes into a buffer of exactly caplen bytes so the
 * sanitizer build catches any read past the capture. */
#include "unit.h"

#define SEG_MAX 128

/* A segment: 20-byte header from the arguments, then opts, then payload.
 * data_offset is computed from optlen unless doff_override is nonzero. */
static size_t build_seg(uint8_t *b, uint8_t byte12_low, uint8_t flags13,
			const uint8_t *opts, size_t optlen, size_t paylen, uint8_t doff_override)
{
	static const uint8_t fixed[20] = {
		0x00, 0x50, 0x15, 0xb3,          /* ports 80 -> 5555 */
		0x00, 0x00, 0x00, 0x01,          /* seq 1 */
		0x00, 0x00, 0x00, 0x02,          /* ack 2 */
		0x00, 0x00,                      /* offset/flags set below */
		0xfe, 0x88,                      /* window 65160 */
		0x04, 0xd2,                      /* checksum 1234 */
		0x00, 0x07,                      /* urgent 7 */
	};
	uint8_t doff = doff_override ? doff_override : (uint8_t)((20 + optlen) / 4);

	memcpy(b, fixed, 20);
	b[12] = (uint8_t)(doff << 4 | (byte12_low & 0x0f));
	b[13] = flags13;
	if (optlen)
		memcpy(b + 20, opts, optlen);
	for (size_t i = 0; i < paylen; i++)
		b[20 + optlen + i] = (uint8_t)('a' + i);
	return 20 + optlen + paylen;
}

/* Decode caplen bytes of seg (declared length len) from an exact-size copy. */
static int decode_exact(const uint8_t *seg, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	int rc = unit_decode_exact(ns_decode_tcp, NS_L3_IPV4, seg, caplen, len, pkt);

	/* the header pointer, like the payload, must not point into the freed copy */
	pkt->tcp.hdr = seg;
	return rc;
}

static const uint8_t syn_opts[20] = {
	0x02, 0x04, 0x05, 0xb4,                          /* MSS 1460 */
	0x04, 0x02,                                      /* SACK_PERM */
	0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, /* TS 1 / 0 */
	0x01,                                            /* NOP */
	0x03, 0x03, 0x07,                                /* WS 7 */
};

static void test_syn_options(void **state)
{
	(void)state;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x02, syn_opts, sizeof(syn_opts), 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.hdr_avail, 20);
	assert_int_equal(pkt.tcp.src_port, 80);
	assert_int_equal(pkt.tcp.dst_port, 5555);
	assert_int_equal(pkt.tcp.seq, 1);
	assert_int_equal(pkt.tcp.ack, 2);
	assert_int_equal(pkt.tcp.data_offset, 10);
	assert_int_equal(pkt.tcp.flags, NS_TCP_SYN);
	assert_int_equal(pkt.tcp.window, 65160);
	assert_int_equal(pkt.tcp.checksum, 1234);
	assert_int_equal(pkt.tcp.urgent, 7);
	assert_true(pkt.tcp.has_mss);
	assert_int_equal(pkt.tcp.mss, 1460);
	assert_true(pkt.tcp.sack_permitted);
	assert_true(pkt.tcp.has_ts);
	assert_int_equal(pkt.tcp.ts_val, 1);
	assert_int_equal(pkt.tcp.ts_ecr, 0);
	assert_true(pkt.tcp.has_wscale);
	assert_int_equal(pkt.tcp.wscale, 7);
	assert_int_equal(pkt.tcp.nsack, 0);

	static const uint8_t kinds[] = { 2, 4, 8, 1, 3 }, lens[] = { 4, 2, 10, 1, 3 };
	static const uint16_t offs[] = { 20, 24, 26, 36, 37 };
	assert_int_equal(pkt.tcp.nopts, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(pkt.tcp.opts[i].kind, kinds[i]);
		assert_int_equal(pkt.tcp.opts[i].len, lens[i]);
		assert_int_equal(pkt.tcp.opts[i].off, offs[i]);
	}
	assert_int_equal(pkt.tcp.payload_len, 0);
	assert_null(pkt.payload);
	assert_int_equal(pkt.payload_caplen, 0);
}

static void test_sack_blocks(void **state)
{
	(void)state;
	static const uint8_t opts[20] = {
		0x01, 0x01,
		0x05, 0x12,                                      /* SACK, 2 blocks */
		0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0xc8,  /* 100..200 */
		0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xf0,  /* wraps are fine */
	};
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x10, opts, sizeof(opts), 10, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.nopts, 3);
	assert_int_equal(pkt.tcp.opts[2].kind, 5);
	assert_int_equal(pkt.tcp.opts[2].len, 18);
	assert_int_equal(pkt.tcp.nsack, 2);
	assert_int_equal(pkt.tcp.sack_left[0], 100);
	assert_int_equal(pkt.tcp.sack_right[0], 200);
	assert_int_equal(pkt.tcp.sack_left[1], 0xffffff00u);
	assert_int_equal(pkt.tcp.sack_right[1], 0xfffffff0u);
	assert_int_equal(pkt.tcp.payload_len, 10);
	assert_int_equal(pkt.payload_caplen, 10);
	assert_ptr_equal(pkt.payload, seg + 40);
	assert_int_equal(pkt.payload[0], 'a');
}

static void test_sack_four_blocks(void **state)
{
	(void)state;
	uint8_t opts[36] = { 0x01, 0x01, 0x05, 34 };
	for (int i = 0; i < 32; i++)
		opts[4 + i] = (uint8_t)i;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x10, opts, sizeof(opts), 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.nsack, 4);
	assert_int_equal(pkt.tcp.sack_left[3], 0x18191a1bu);
	assert_int_equal(pkt.tcp.sack_right[3], 0x1c1d1e1fu);
}

static void test_unknown_options(void **state)
{
	(void)state;
	static const uint8_t opts[16] = {
		30, 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,           /* MPTCP */
		254, 4, 0xf9, 0x89,                              /* experimental */
	};
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x18, opts, sizeof(opts), 3, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.nopts, 2);
	assert_int_equal(pkt.tcp.opts[0].kind, 30);
	assert_int_equal(pkt.tcp.opts[0].len, 12);
	assert_int_equal(pkt.tcp.opts[0].off, 20);
	assert_int_equal(pkt.tcp.opts[1].kind, 254);
	assert_int_equal(pkt.tcp.opts[1].len, 4);
	assert_int_equal(pkt.tcp.opts[1].off, 32);
	assert_false(pkt.tcp.has_mss);
	assert_int_equal(pkt.tcp.payload_len, 3);
}

/* One malformed option list: expect BAD_OPTIONS and nopts recorded before it. */
static void check_bad_options(const uint8_t *opts, size_t optlen, uint8_t want_nopts)
{
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x02, opts, optlen, 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_int_equal(pkt.tcp.nopts, want_nopts);
	assert_int_equal(pkt.tcp.payload_len, 0);
}

static void test_option_len_zero_one(void **state)
{
	(void)state;
	static const uint8_t len0[4] = { 0x01, 0x02, 0x00, 0x00 };
	static const uint8_t len1[4] = { 0x02, 0x01, 0x05, 0xb4 };
	static const uint8_t unk1[8] = { 0x01, 0x01, 0x01, 0x01, 77, 0x01, 0, 0 };
	check_bad_options(len0, sizeof(len0), 1);
	check_bad_options(len1, sizeof(len1), 0);
	check_bad_options(unk1, sizeof(unk1), 4);
}

static void test_option_past_header(void **state)
{
	(void)state;
	/* TS needs 10 bytes, only 4 remain in the header */
	static const uint8_t ts[8] = { 0x01, 0x01, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00 };
	/* the last option byte is a kind with no room for its length */
	static const uint8_t nolen[4] = { 0x01, 0x01, 0x01, 0x02 };
	check_bad_options(ts, sizeof(ts), 4);
	check_bad_options(nolen, sizeof(nolen), 3);
}

static void test_option_wrong_length_for_kind(void **state)
{
	(void)state;
	/* MSS with length 3: well delimited, so walking goes on, but flagged */
	static const uint8_t opts[8] = { 0x02, 0x03, 0x05, 0x01, 0x03, 0x03, 0x07, 0x00 };
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x02, opts, sizeof(opts), 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_false(pkt.tcp.has_mss);
	assert_true(pkt.tcp.has_wscale);
	assert_int_equal(pkt.tcp.nopts, 4);   /* MSS(len 3), NOP, WS, EOL */
	assert_int_equal(pkt.tcp.opts[0].kind, 2);
	assert_int_equal(pkt.tcp.opts[0].len, 3);
	assert_int_equal(pkt.tcp.opts[3].kind, 0);
}

static void test_eol_ends_list(void **state)
{
	(void)state;
	/* after EOL comes padding that would be malformed if walked */
	static const uint8_t opts[8] = { 0x01, 0x00, 0x02, 0x00, 0x08, 0x01, 0xff, 0xff };
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x02, opts, sizeof(opts), 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.nopts, 2);
	assert_int_equal(pkt.tcp.opts[1].kind, 0);
	assert_int_equal(pkt.tcp.opts[1].len, 1);
	assert_int_equal(pkt.tcp.opts[1].off, 21);
}

static void test_many_nops(void **state)
{
	(void)state;
	uint8_t opts[40];
	memset(opts, 0x01, sizeof(opts));
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x10, opts, sizeof(opts), 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.data_offset, 15);
	assert_int_equal(pkt.tcp.nopts, NS_MAX_TCP_OPTS);
}

static void test_data_offset_below_5(void **state)
{
	(void)state;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0, 0x10, NULL, 0, 6, 4);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.tcp.data_offset, 4);
	assert_true(pkt.flags & NS_F_BAD_HEADER);
	assert_false(pkt.flags & NS_F_BAD_LENGTH);
	assert_int_equal(pkt.tcp.nopts, 0);
	assert_int_equal(pkt.tcp.payload_len, 6);  /* counted after the fixed header */

	n = build_seg(seg, 0, 0x10, NULL, 0, 0, 0);
	seg[12] = 0x00;  /* offset 0 */
	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_HEADER);
}

static void test_data_offset_beyond_len(void **state)
{
	(void)state;
	static const uint8_t opts[4] = { 0x02, 0x04, 0x05, 0xb4 };
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	/* header claims 60 bytes, the segment has 24 */
	size_t n = build_seg(seg, 0, 0x02, opts, sizeof(opts), 0, 15);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_true(pkt.flags & NS_F_BAD_LENGTH);
	assert_false(pkt.flags & NS_F_TRUNCATED);
	assert_true(pkt.tcp.has_mss);  /* options inside the segment are still read */
	assert_int_equal(pkt.tcp.payload_len, 0);
	assert_null(pkt.payload);
}

static void test_len_below_fixed_header(void **state)
{
	(void)state;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	build_seg(seg, 0, 0x02, NULL, 0, 0, 0);

	assert_int_equal(decode_exact(seg, 12, 12, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.tcp.hdr_avail, 12);
	assert_int_equal(pkt.tcp.ack, 2);
	assert_int_equal(pkt.tcp.data_offset, 0);  /* byte 12 not in the segment */
	assert_int_equal(pkt.tcp.payload_len, 0);
}

/* Decode as the transport of a first fragment with more to come. */
static int decode_first_fragment(const uint8_t *seg, uint32_t caplen, uint32_t len,
				 struct ns_packet *pkt)
{
	uint8_t *copy = unit_copy_exact(seg, caplen);
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	pkt->l3 = NS_L3_IPV4;
	pkt->first_fragment = true;
	pkt->more_fragments = true;
	rc = ns_decode_tcp(copy, caplen, len, pkt);
	pkt->payload = NULL;
	pkt->tcp.hdr = seg;
	free(copy);
	return rc;
}

/* Issue 11: a first fragment may hold only part of the TCP header (8 bytes
 * is legal, RFC 791 / RFC 1858); the rest is in the next fragment, so a
 * short header there is not bad_length. Each field is read if its bytes
 * are in the fragment. */
static void test_first_fragment_short_header(void **state)
{
	(void)state;
	static const uint8_t opts[4] = { 0x02, 0x04, 0x05, 0xb4 };
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;

	build_seg(seg, 0, 0x02, NULL, 0, 0, 0);
	assert_int_equal(decode_first_fragment(seg, 8, 8, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.tcp.hdr_avail, 8);
	assert_int_equal(pkt.tcp.src_port, 80);
	assert_int_equal(pkt.tcp.seq, 1);
	assert_int_equal(pkt.tcp.ack, 0);
	assert_int_equal(pkt.tcp.payload_len, 0);

	/* the same 8 bytes as a whole datagram: malformed */
	assert_int_equal(decode_exact(seg, 8, 8, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);

	/* the fragment cut by the capture: truncated, not malformed */
	assert_int_equal(decode_first_fragment(seg, 6, 8, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.tcp.seq, 0);

	/* header of 60 bytes, the fragment holds 24: the options in it are
	 * read, the rest is the next fragment's */
	size_t n = build_seg(seg, 0, 0x02, opts, sizeof(opts), 0, 15);
	assert_int_equal(decode_first_fragment(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_true(pkt.tcp.has_mss);
	assert_int_equal(pkt.tcp.nopts, 1);
	assert_null(pkt.payload);
	assert_int_equal(decode_first_fragment(seg, 22, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_false(pkt.tcp.has_mss);

	/* a whole header in the first fragment: the payload is this
	 * fragment's share */
	n = build_seg(seg, 0, 0x18, NULL, 0, 10, 0);
	assert_int_equal(decode_first_fragment(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.payload_len, 10);
}

/* RFC 7323 2.3: a shift above 14 is used as 14. The option keeps its raw
 * byte (tshark shows it, with an expert note); the decoded value used for
 * window computations is clamped, and the list is flagged. */
static void test_wscale_above_14(void **state)
{
	(void)state;
	uint8_t opts[4] = { 0x01, 0x03, 0x03, 0 };
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	static const uint8_t shifts[] = { 0, 14, 15, 200, 255 };

	for (size_t i = 0; i < sizeof(shifts); i++) {
		opts[3] = shifts[i];
		size_t n = build_seg(seg, 0, 0x02, opts, sizeof(opts), 0, 0);
		assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
		assert_true(pkt.tcp.has_wscale);
		assert_int_equal(pkt.tcp.wscale, shifts[i] > 14 ? 14 : shifts[i]);
		assert_int_equal(pkt.flags, shifts[i] > 14 ? NS_F_BAD_OPTIONS : 0);
		assert_int_equal(pkt.tcp.nopts, 2);
		assert_int_equal(pkt.tcp.opts[1].kind, 3);
		assert_int_equal(pkt.tcp.hdr[pkt.tcp.opts[1].off + 2], shifts[i]);
	}
}

/* Issue 18 item 7: a second MSS, WS, SACK-permitted, SACK, timestamp or
 * TFO option is flagged, as Suricata's TCP_OPT_DUPLICATE; the first one's
 * value is kept. NOP and kinds that may repeat (MPTCP) are not. */
static void test_duplicate_options(void **state)
{
	(void)state;
	static const uint8_t mss2[8] = { 0x02, 0x04, 0x05, 0xb4, 0x02, 0x04, 0x02, 0x18 };
	static const uint8_t ws2[8] = { 0x03, 0x03, 0x07, 0x03, 0x03, 0x02, 0x01, 0x01 };
	static const uint8_t sackok2[4] = { 0x04, 0x02, 0x04, 0x02 };
	static const uint8_t ts2[20] = {
		0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,
		0x08, 0x0a, 0, 0, 0, 3, 0, 0, 0, 4,
	};
	static const uint8_t sack2[20] = {
		0x05, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,
		0x05, 0x0a, 0, 0, 0, 3, 0, 0, 0, 4,
	};
	static const uint8_t tfo2[4] = { 34, 2, 34, 2 };
	static const uint8_t mptcp2[8] = { 30, 4, 0, 0, 30, 4, 0, 0 };
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n;

	n = build_seg(seg, 0, 0x02, mss2, sizeof(mss2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_int_equal(pkt.tcp.mss, 1460);
	assert_int_equal(pkt.tcp.nopts, 2);

	n = build_seg(seg, 0, 0x02, ws2, sizeof(ws2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_int_equal(pkt.tcp.wscale, 7);

	n = build_seg(seg, 0, 0x02, sackok2, sizeof(sackok2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);

	n = build_seg(seg, 0, 0x10, ts2, sizeof(ts2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	assert_int_equal(pkt.tcp.ts_val, 1);

	n = build_seg(seg, 0, 0x10, sack2, sizeof(sack2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);

	n = build_seg(seg, 0, 0x02, tfo2, sizeof(tfo2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);

	n = build_seg(seg, 0, 0x10, mptcp2, sizeof(mptcp2), 0, 0);
	assert_int_equal(decode_exact(seg, (uint32_t)n, (uint32_t)n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.tcp.nopts, 2);
}

static void test_all_flags(void **state)
{
	(void)state;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	size_t n = build_seg(seg, 0x01, 0xff, NULL, 0, 0, 0);

	assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
	assert_int_equal(pkt.tcp.flags, 0x1ff);
	assert_int_equal(pkt.flags, 0);

	/* each bit alone lands on the right flag; reserved bits 1..3 ignored */
	static const struct { uint8_t b12, b13; uint16_t want; } one[] = {
		{ 0, 0x01, NS_TCP_FIN }, { 0, 0x02, NS_TCP_SYN }, { 0, 0x04, NS_TCP_RST },
		{ 0, 0x08, NS_TCP_PSH }, { 0, 0x10, NS_TCP_ACK }, { 0, 0x20, NS_TCP_URG },
		{ 0, 0x40, NS_TCP_ECE }, { 0, 0x80, NS_TCP_CWR }, { 0x01, 0, NS_TCP_NS },
		{ 0x0e, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		n = build_seg(seg, one[i].b12, one[i].b13, NULL, 0, 0, 0);
		assert_int_equal(decode_exact(seg, n, n, &pkt), 0);
		assert_int_equal(pkt.tcp.flags, one[i].want);
		assert_int_equal(pkt.tcp.data_offset, 5);
	}
}

/* Cut a SYN with options and payload at every length: no over-read (ASan),
 * fields present exactly up to the capture, truncated flagged. */
static void test_truncated_every_byte(void **state)
{
	(void)state;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;
	uint32_t n = (uint32_t)build_seg(seg, 0x01, 0xc2, syn_opts, sizeof(syn_opts), 5, 0);

	for (uint32_t cap = 0; cap <= n; cap++) {
		int rc = decode_exact(seg, cap, n, &pkt);
		assert_int_equal(rc, cap >= 4 ? 0 : -1);
		assert_int_equal(pkt.l4, NS_L4_TCP);
		assert_int_equal(pkt.tcp.hdr_avail, cap < 20 ? cap : 20);
		assert_int_equal(pkt.flags, cap < n ? NS_F_TRUNCATED : 0);
		assert_int_equal(pkt.tcp.src_port, cap >= 2 ? 80 : 0);
		assert_int_equal(pkt.tcp.dst_port, cap >= 4 ? 5555 : 0);
		assert_int_equal(pkt.tcp.seq, cap >= 8 ? 1 : 0);
		assert_int_equal(pkt.tcp.ack, cap >= 12 ? 2 : 0);
		assert_int_equal(pkt.tcp.data_offset, cap >= 13 ? 10 : 0);
		assert_int_equal(pkt.tcp.flags & NS_TCP_NS, cap >= 13 ? NS_TCP_NS : 0);
		assert_int_equal(pkt.tcp.flags & 0xff, cap >= 14 ? 0xc2 : 0);
		assert_int_equal(pkt.tcp.window, cap >= 16 ? 65160 : 0);
		assert_int_equal(pkt.tcp.checksum, cap >= 18 ? 1234 : 0);
		assert_int_equal(pkt.tcp.urgent, cap >= 20 ? 7 : 0);
		/* an option is recorded only once all its bytes are captured */
		assert_int_equal(pkt.tcp.has_mss, cap >= 24);
		assert_int_equal(pkt.tcp.sack_permitted, cap >= 26);
		assert_int_equal(pkt.tcp.has_ts, cap >= 36);
		assert_int_equal(pkt.tcp.has_wscale, cap >= 40);
		assert_int_equal(pkt.tcp.payload_len, cap >= 20 ? 5 : 0);
		assert_int_equal(pkt.payload_caplen, cap > 40 ? cap - 40 : 0);
		if (cap > 40)
			assert_ptr_equal(pkt.payload, seg + 40);
		else
			assert_null(pkt.payload);
	}
}

/* Random headers, lengths and captures: invariants only; ASan finds over-reads. */
static void test_random_segments(void **state)
{
	(void)state;
	uint32_t rng = 12345;
	uint8_t seg[SEG_MAX];
	struct ns_packet pkt;

	for (int iter = 0; iter < 20000; iter++) {
		unit_fill_random(seg, sizeof(seg), &rng);
		/* bias option bytes toward small kinds and lengths */
		for (size_t i = 20; i < 60; i++)
			if (seg[i] & 0x80)
				seg[i] &= 0x0f;
		uint32_t len = (rng >> 8) % (SEG_MAX + 1);
		uint32_t cap = len ? (rng >> 3) % (len + 1) : 0;
		decode_exact(seg, cap, len, &pkt);
		assert_true(pkt.tcp.hdr_avail <= cap);
		assert_true(pkt.tcp.nopts <= NS_MAX_TCP_OPTS);
		assert_true(pkt.tcp.nsack <= NS_MAX_SACK);
		for (int i = 0; i < pkt.tcp.nopts; i++)
			assert_true((uint32_t)pkt.tcp.opts[i].off + pkt.tcp.opts[i].len <= cap);
		if (pkt.payload)
			assert_true(pkt.payload - seg + pkt.payload_caplen <= cap);
		assert_true(pkt.payload_caplen <= pkt.tcp.payload_len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_options),
		cmocka_unit_test(test_sack_blocks),
		cmocka_unit_test(test_sack_four_blocks),
		cmocka_unit_test(test_unknown_options),
		cmocka_unit_test(test_option_len_zero_one),
		cmocka_unit_test(test_option_past_header),
		cmocka_unit_test(test_option_wrong_length_for_kind),
		cmocka_unit_test(test_eol_ends_list),
		cmocka_unit_test(test_many_nops),
		cmocka_unit_test(test_data_offset_below_5),
		cmocka_unit_test(test_data_offset_beyond_len),
		cmocka_unit_test(test_len_below_fixed_header),
		cmocka_unit_test(test_first_fragment_short_header),
		cmocka_unit_test(test_wscale_above_14),
		cmocka_unit_test(test_duplicate_options),
		cmocka_unit_test(test_all_flags),
		cmocka_unit_test(test_truncated_every_byte),
		cmocka_unit_test(test_random_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
