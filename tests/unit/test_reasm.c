/* Unit tests for src/reasm.c: IPv4/IPv6 fragment reassembly. Fragments are
 * hand-built byte arrays, decoded by the real dissector (NS_LINK_NONE) from
 * exact-size heap copies, then fed to the reassembler as the pipeline does. */
#include "unit.h"
#include "flow/reasm.h"

#define SEC 1000000000ull

static const uint8_t SRC4[4] = { 192, 0, 2, 1 }, DST4[4] = { 198, 51, 100, 7 };
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* The transport bytes of a test datagram: a UDP header (5353 -> 53, length
 * n) and a counting pattern. */
static void make_udp(uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 7 + 3);
	d[0] = 0x14; d[1] = 0xe9;               /* 5353 */
	d[2] = 0x00; d[3] = 0x35;               /* 53 */
	d[4] = (uint8_t)(n >> 8); d[5] = (uint8_t)n;
	d[6] = d[7] = 0;                        /* no checksum */
}

/* An IPv4 fragment of data[off, off+len) into buf; returns its length. */
static uint32_t frag4(uint8_t *buf, uint16_t id, uint8_t proto, const uint8_t *data,
		      uint32_t off, uint32_t len, bool more)
{
	uint32_t tot = 20 + len;
	uint16_t fw = (uint16_t)((more ? 0x2000 : 0) | (off / 8));

	memset(buf, 0, 20);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(tot >> 8); buf[3] = (uint8_t)tot;
	buf[4] = (uint8_t)(id >> 8); buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(fw >> 8); buf[7] = (uint8_t)fw;
	buf[8] = 64;
	buf[9] = proto;
	memcpy(buf + 12, SRC4, 4);
	memcpy(buf + 16, DST4, 4);
	unit_ip4_checksum(buf, 20);
	memcpy(buf + 20, data + off, len);
	return tot;
}

/* An IPv6 fragment: fixed header, optional 8-byte hop-by-hop header, the
 * fragment header, data[off, off+len). Returns its length. */
static uint32_t frag6(uint8_t *buf, uint32_t id, uint8_t next, const uint8_t *data,
		      uint32_t off, uint32_t len, bool more, bool hbh)
{
	uint32_t p = 40, plen;

	memset(buf, 0, 56);
	buf[0] = 0x60;
	buf[6] = hbh ? 0 : 44;
	buf[7] = 64;
	memcpy(buf + 8, SRC6, 16);
	memcpy(buf + 24, DST6, 16);
	if (hbh) {
		buf[p] = 44;           /* next: fragment; length 0 (8 bytes) */
		buf[p + 2] = 1;        /* PadN, 4 bytes of padding */
		buf[p + 3] = 4;
		p += 8;
	}
	buf[p] = next;
	buf[p + 2] = (uint8_t)(off >> 8);
	buf[p + 3] = (uint8_t)((off & 0xf8) | (more ? 1 : 0));
	buf[p + 4] = (uint8_t)(id >> 24); buf[p + 5] = (uint8_t)(id >> 16);
	buf[p + 6] = (uint8_t)(id >> 8); buf[p + 7] = (uint8_t)id;
	p += 8;
	memcpy(buf + p, data + off, len);
	plen = p - 40 + len;
	buf[4] = (uint8_t)(plen >> 8); buf[5] = (uint8_t)plen;
	return p + len;
}

/* Decode wire bytes of which caplen were captured (from an exact-size copy),
 * at time ts, and feed them. */
static enum ns_reasm_rc feed_cap(struct ns_reasm *r, const uint8_t *b, uint32_t caplen,
				 uint32_t wire, uint64_t ts, struct ns_packet *out)
{
	static struct ns_packet pkt;
	struct ns_ctx ctx = { .ts_ns = ts, .frame = 1, .wire_len = wire };
	uint8_t *copy = unit_copy_exact(b, caplen);
	enum ns_reasm_rc rc;

	assert_int_equal(ns_dissect(NS_LINK_NONE, copy, caplen, &ctx, &pkt), 0);
	rc = ns_reasm_packet(r, &pkt, copy, caplen, out);
	free(copy);
	return rc;
}

static enum ns_reasm_rc feed(struct ns_reasm *r, const uint8_t *b, uint32_t len, uint64_t ts,
			     struct ns_packet *out)
{
	return feed_cap(r, b, len, len, ts, out);
}

static struct ns_packet out;

/* The UDP datagram of n transport bytes came out whole. */
static void assert_udp4(const struct ns_packet *o, const uint8_t *data, uint32_t n)
{
	assert_int_equal(o->l3, NS_L3_IPV4);
	assert_int_equal(o->flags, 0);
	assert_int_equal(o->ip4.flags & 1, 0);
	assert_int_equal(o->ip4.frag_off, 0);
	assert_true(o->ip4.checksum_ok);
	assert_int_equal(o->ip4.total_len, 20 + n);
	assert_int_equal(o->l4, NS_L4_UDP);
	assert_int_equal(o->udp.dst_port, 53);
	assert_int_equal(o->payload_caplen, n - 8);
	assert_memory_equal(o->payload, data + 8, n - 8);
	assert_memory_equal(o->src.a, SRC4, 4);
}

static void test_in_order(void **state)
{
	uint8_t d[48], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	assert_int_equal(feed(r, b, frag4(b, 7, 17, d, 0, 24, true), 1, &out), NS_REASM_HELD);
	assert_true(ns_reasm_bytes(r) > 0);
	assert_int_equal(feed(r, b, frag4(b, 7, 17, d, 24, 24, false), 2, &out), NS_REASM_DONE);
	assert_udp4(&out, d, sizeof(d));
	assert_int_equal(out.ctx->ts_ns, 2);
	assert_int_equal(out.ctx->wire_len, 68);
	assert_int_equal(st->fragments, 2);
	assert_int_equal(st->reassembled, 1);
	assert_int_equal(ns_reasm_drops(st), 0);
	assert_int_equal(ns_reasm_bytes(r), 0);
	ns_reasm_free(r);
}

static void test_out_of_order(void **state)
{
	uint8_t d[100], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);

	(void)state;
	make_udp(d, sizeof(d));
	assert_int_equal(feed(r, b, frag4(b, 9, 17, d, 64, 36, false), 1, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 9, 17, d, 32, 32, true), 2, &out), NS_REASM_HELD);
	/* another datagram (other id) in between does not mix in */
	assert_int_equal(feed(r, b, frag4(b, 10, 17, d, 0, 32, true), 3, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 9, 17, d, 0, 32, true), 4, &out), NS_REASM_DONE);
	assert_udp4(&out, d, sizeof(d));
	/* same id, other protocol: another datagram (the IPv4 key has it) */
	assert_int_equal(feed(r, b, frag4(b, 10, 6, d, 32, 68, false), 5, &out), NS_REASM_HELD);
	ns_reasm_flush(r);
	assert_int_equal(ns_reasm_stats(r)->unfinished, 2);
	assert_int_equal(ns_reasm_stats(r)->reassembled, 1);
	assert_int_equal(ns_reasm_bytes(r), 0);
	ns_reasm_free(r);
}

static void test_duplicates(void **state)
{
	uint8_t d[48], b[128], alt[48];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	memcpy(alt, d, sizeof(d));
	memset(alt + 8, 0xaa, 16);
	assert_int_equal(feed(r, b, frag4(b, 1, 17, d, 0, 24, true), 1, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 1, 17, d, 0, 24, true), 2, &out), NS_REASM_HELD);
	assert_int_equal(st->duplicates, 1);
	/* same place, other bytes: the first copy wins (counted) */
	assert_int_equal(feed(r, b, frag4(b, 1, 17, alt, 0, 24, true), 3, &out), NS_REASM_HELD);
	assert_int_equal(st->conflicts, 1);
	/* a smaller fragment inside what is held: also a re-send */
	assert_int_equal(feed(r, b, frag4(b, 1, 17, d, 8, 8, true), 4, &out), NS_REASM_HELD);
	assert_int_equal(st->duplicates, 2);
	assert_int_equal(feed(r, b, frag4(b, 1, 17, d, 24, 24, false), 5, &out), NS_REASM_DONE);
	assert_udp4(&out, d, sizeof(d));
	assert_int_equal(ns_reasm_drops(st), 0);
	ns_reasm_free(r);
}

static void test_overlap(void **state)
{
	uint8_t d[48], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	assert_int_equal(feed(r, b, frag4(b, 2, 17, d, 0, 24, true), 1, &out), NS_REASM_HELD);
	/* 16..40 overlaps 0..24 in part: the whole datagram goes */
	assert_int_equal(feed(r, b, frag4(b, 2, 17, d, 16, 24, true), 2, &out), NS_REASM_HELD);
	assert_int_equal(st->overlap, 1);
	/* its other fragments are absorbed, and it is not counted again */
	assert_int_equal(feed(r, b, frag4(b, 2, 17, d, 24, 24, false), 3, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 2, 17, d, 0, 24, true), 4, &out), NS_REASM_HELD);
	ns_reasm_flush(r);
	assert_int_equal(st->overlap, 1);
	assert_int_equal(st->unfinished, 0);
	assert_int_equal(st->reassembled, 0);
	assert_int_equal(ns_reasm_drops(st), 1);
	ns_reasm_free(r);
}

static void test_bad_ends(void **state)
{
	uint8_t d[48], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	/* data past the last fragment's end */
	assert_int_equal(feed(r, b, frag4(b, 3, 17, d, 24, 24, true), 1, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 3, 17, d, 8, 12, false), 2, &out), NS_REASM_HELD);
	assert_int_equal(st->malformed, 1);
	/* two last fragments with different ends */
	assert_int_equal(feed(r, b, frag4(b, 4, 17, d, 24, 24, false), 3, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 4, 17, d, 24, 16, false), 4, &out), NS_REASM_HELD);
	assert_int_equal(st->malformed, 2);
	/* above 64 KiB: offset 8189 * 8 + 100 bytes */
	assert_int_equal(feed(r, b, frag4(b, 5, 17, d, 0, 8, true), 5, &out), NS_REASM_HELD);
	{
		uint8_t big[120];

		memset(big, 0, sizeof(big));
		frag4(big, 5, 17, d, 0, 8, false);
		big[2] = 0; big[3] = sizeof(big);         /* 20 + 100 */
		big[6] = (uint8_t)(8189 >> 8); big[7] = (uint8_t)(8189 & 0xff);
		unit_ip4_checksum(big, 20);
		assert_int_equal(feed(r, big, sizeof(big), 6, &out), NS_REASM_HELD);
	}
	assert_int_equal(st->malformed, 3);
	ns_reasm_flush(r);
	assert_int_equal(ns_reasm_drops(st), 3);
	ns_reasm_free(r);
}

static void test_timeout(void **state)
{
	uint8_t d[48], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	assert_int_equal(feed(r, b, frag4(b, 6, 17, d, 0, 24, true), 100 * SEC, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag6(b, 6, 17, d, 0, 24, true, false), 100 * SEC, &out),
			 NS_REASM_HELD);
	/* 29.9 s later: still in time */
	ns_reasm_expire(r, 129 * SEC);
	assert_int_equal(st->timeout, 0);
	/* 30 s: the IPv4 one times out; IPv6 has 60 s */
	assert_int_equal(feed(r, b, frag4(b, 6, 17, d, 24, 24, false), 130 * SEC, &out),
			 NS_REASM_HELD);
	assert_int_equal(st->timeout, 1);
	assert_int_equal(feed(r, b, frag6(b, 6, 17, d, 24, 24, false, false), 130 * SEC, &out),
			 NS_REASM_DONE);
	assert_int_equal(out.l3, NS_L3_IPV6);
	/* the late IPv4 fragment began a datagram of its own */
	ns_reasm_flush(r);
	assert_int_equal(st->unfinished, 1);
	assert_int_equal(st->reassembled, 1);
	ns_reasm_free(r);
}

static void test_limit_count(void **state)
{
	struct ns_reasm_limits lim = { .max_bytes = 1u << 20, .max_datagrams = 2,
				       .timeout4_ns = 30 * SEC, .timeout6_ns = 60 * SEC };
	uint8_t d[48], b[128];
	struct ns_reasm *r = ns_reasm_new(&lim);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	feed(r, b, frag4(b, 1, 17, d, 0, 24, true), 1, &out);
	feed(r, b, frag6(b, 2, 17, d, 0, 24, true, false), 2, &out);
	/* a third datagram: the oldest (id 1) is evicted */
	feed(r, b, frag4(b, 3, 17, d, 0, 24, true), 3, &out);
	assert_int_equal(st->limit, 1);
	assert_int_equal(feed(r, b, frag6(b, 2, 17, d, 24, 24, false, false), 4, &out),
			 NS_REASM_DONE);
	assert_int_equal(feed(r, b, frag4(b, 3, 17, d, 24, 24, false), 5, &out), NS_REASM_DONE);
	assert_int_equal(feed(r, b, frag4(b, 1, 17, d, 24, 24, false), 6, &out), NS_REASM_HELD);
	ns_reasm_flush(r);
	assert_int_equal(st->unfinished, 1);
	assert_int_equal(st->reassembled, 2);
	ns_reasm_free(r);
}

static void test_limit_bytes(void **state)
{
	struct ns_reasm_limits lim = { .max_bytes = 1, .max_datagrams = 16,
				       .timeout4_ns = 30 * SEC, .timeout6_ns = 60 * SEC };
	uint8_t d[48], b[128];
	struct ns_reasm *r;
	uint64_t one;

	(void)state;
	make_udp(d, sizeof(d));
	/* no room at all: refused, counted */
	r = ns_reasm_new(&lim);
	assert_int_equal(feed(r, b, frag4(b, 1, 17, d, 0, 24, true), 1, &out), NS_REASM_HELD);
	assert_int_equal(ns_reasm_stats(r)->limit, 1);
	assert_int_equal(ns_reasm_bytes(r), 0);
	ns_reasm_free(r);

	/* room for one datagram's bookkeeping and data: a second one evicts it */
	r = ns_reasm_new(NULL);
	feed(r, b, frag4(b, 1, 17, d, 0, 24, true), 1, &out);
	one = ns_reasm_bytes(r);
	ns_reasm_free(r);
	lim.max_bytes = one + one / 2;
	r = ns_reasm_new(&lim);
	feed(r, b, frag4(b, 1, 17, d, 0, 24, true), 1, &out);
	feed(r, b, frag4(b, 2, 17, d, 0, 24, true), 2, &out);
	assert_int_equal(ns_reasm_stats(r)->limit, 1);
	assert_true(ns_reasm_bytes(r) <= lim.max_bytes);
	assert_int_equal(feed(r, b, frag4(b, 2, 17, d, 24, 24, false), 3, &out), NS_REASM_DONE);
	assert_udp4(&out, d, sizeof(d));
	ns_reasm_free(r);
}

static void test_ipv6(void **state)
{
	uint8_t d[64], b[160];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);

	(void)state;
	make_udp(d, sizeof(d));
	/* with a hop-by-hop header before the fragment header (unfragmentable) */
	assert_int_equal(feed(r, b, frag6(b, 0xdeadbeef, 17, d, 40, 24, false, true), 1, &out),
			 NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag6(b, 0xdeadbeef, 17, d, 0, 40, true, true), 2, &out),
			 NS_REASM_DONE);
	assert_int_equal(out.l3, NS_L3_IPV6);
	assert_int_equal(out.flags, 0);
	assert_int_equal(out.ip6.payload_len, 8 + 64);
	assert_int_equal(out.ip6.next_header, 0);
	assert_int_equal(out.ip6.next_ext, 1);           /* the HBH header only */
	assert_int_equal(out.ip6.ext[0].next, 17);
	assert_int_equal(out.l4, NS_L4_UDP);
	assert_int_equal(out.udp.src_port, 5353);
	assert_int_equal(out.payload_caplen, 56);
	assert_memory_equal(out.payload, d + 8, 56);
	assert_memory_equal(out.dst.a, DST6, 16);
	/* id is the key (no protocol in it for IPv6) */
	assert_int_equal(feed(r, b, frag6(b, 1, 17, d, 0, 40, true, false), 3, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag6(b, 2, 17, d, 40, 24, false, false), 4, &out),
			 NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag6(b, 1, 17, d, 40, 24, false, false), 5, &out),
			 NS_REASM_DONE);
	assert_int_equal(out.ip6.next_ext, 0);
	assert_int_equal(out.ip6.next_header, 17);
	/* a non-last fragment not a multiple of 8 long (RFC 8200): malformed */
	assert_int_equal(feed(r, b, frag6(b, 3, 17, d, 0, 20, true, false), 6, &out),
			 NS_REASM_HELD);
	assert_int_equal(st->malformed, 1);
	ns_reasm_flush(r);
	assert_int_equal(st->unfinished, 1);
	assert_int_equal(st->reassembled, 2);
	ns_reasm_free(r);
}

static void test_atomic(void **state)
{
	uint8_t d[32], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);
	static struct ns_packet pkt;
	struct ns_ctx ctx = { .frame = 1 };
	uint32_t n;

	(void)state;
	make_udp(d, sizeof(d));
	n = frag6(b, 5, 17, d, 0, 32, false, false);
	ctx.wire_len = n;
	assert_int_equal(ns_dissect(NS_LINK_NONE, b, n, &ctx, &pkt), 0);
	assert_int_equal(ns_reasm_kind(&pkt), NS_FRAG_ATOMIC);
	assert_int_equal(ns_reasm_packet(r, &pkt, b, n, &out), NS_REASM_PASS);
	assert_int_equal(pkt.l4, NS_L4_UDP);  /* the packet itself is the datagram */
	assert_int_equal(ns_reasm_stats(r)->atomic, 1);
	assert_int_equal(ns_reasm_stats(r)->fragments, 1);
	/* a plain packet is no fragment */
	n = frag4(b, 5, 17, d, 0, 32, false);
	assert_int_equal(feed(r, b, n, 2, &out), NS_REASM_PASS);
	assert_int_equal(ns_reasm_stats(r)->fragments, 1);
	assert_int_equal(ns_reasm_bytes(r), 0);
	ns_reasm_free(r);
}

/* A TCP SYN whose header is split: 8 bytes in the first fragment (RFC 791
 * allows it), the other 12 in the second. */
static void test_tiny_first(void **state)
{
	uint8_t t[24], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);

	(void)state;
	memset(t, 0, sizeof(t));
	t[0] = 0x30; t[1] = 0x39;                /* 12345 */
	t[2] = 0x1f; t[3] = 0x90;                /* 8080 */
	t[4] = 0; t[5] = 0; t[6] = 0x10; t[7] = 0x01;   /* seq 4097 */
	t[12] = 0x60;                            /* data offset 6 */
	t[13] = 0x02;                            /* SYN */
	t[14] = 0xff; t[15] = 0xff;
	t[20] = 2; t[21] = 4; t[22] = 0x05; t[23] = 0xb4;  /* MSS 1460 */
	assert_int_equal(feed(r, b, frag4(b, 77, 6, t, 0, 8, true), 1, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 77, 6, t, 8, 16, false), 2, &out), NS_REASM_DONE);
	assert_int_equal(out.l4, NS_L4_TCP);
	assert_int_equal(out.flags, 0);
	assert_int_equal(out.tcp.flags, NS_TCP_SYN);
	assert_int_equal(out.tcp.seq, 4097);
	assert_int_equal(out.tcp.dst_port, 8080);
	assert_true(out.tcp.has_mss);
	assert_int_equal(out.tcp.mss, 1460);
	ns_reasm_free(r);
}

/* The first fragment's header (with its options) heads the datagram. */
static void test_ip4_options(void **state)
{
	uint8_t d[48], b[128], h[80];
	struct ns_reasm *r = ns_reasm_new(NULL);
	uint32_t n;

	(void)state;
	make_udp(d, sizeof(d));
	n = frag4(b, 8, 17, d, 0, 24, true);
	memcpy(h, b, 20);
	h[0] = 0x46;
	h[20] = 1; h[21] = 1; h[22] = 1; h[23] = 0;   /* NOP NOP NOP EOL */
	memcpy(h + 24, b + 20, n - 20);
	h[3] = (uint8_t)(n + 4);
	unit_ip4_checksum(h, 24);
	assert_int_equal(feed(r, h, n + 4, 1, &out), NS_REASM_HELD);
	assert_int_equal(feed(r, b, frag4(b, 8, 17, d, 24, 24, false), 2, &out), NS_REASM_DONE);
	assert_int_equal(out.ip4.ihl, 6);
	assert_int_equal(out.ip4.total_len, 24 + 48);
	assert_true(out.ip4.checksum_ok);
	assert_int_equal(out.ip4.nopts, 4);
	assert_int_equal(out.l4, NS_L4_UDP);
	assert_memory_equal(out.payload, d + 8, 40);
	ns_reasm_free(r);
}

/* caplen < wire length: the datagram cannot be rebuilt, counted once. */
static void test_truncated(void **state)
{
	uint8_t d[48], b[128];
	struct ns_reasm *r = ns_reasm_new(NULL);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);
	uint32_t n;

	(void)state;
	make_udp(d, sizeof(d));
	assert_int_equal(feed(r, b, frag4(b, 4, 17, d, 0, 24, true), 1, &out), NS_REASM_HELD);
	n = frag4(b, 4, 17, d, 24, 24, false);
	assert_int_equal(feed_cap(r, b, n - 4, n, 2, &out), NS_REASM_HELD);
	assert_int_equal(st->truncated, 1);
	/* the whole fragment again: the datagram already failed */
	assert_int_equal(feed(r, b, n, 3, &out), NS_REASM_HELD);
	/* a fragment cut inside its IP header: no key, counted alone */
	n = frag4(b, 5, 17, d, 24, 24, false);
	assert_int_equal(feed_cap(r, b, 16, n, 4, &out), NS_REASM_HELD);
	assert_int_equal(st->truncated, 2);
	/* IPv6, cut in the fragmentable part */
	n = frag6(b, 9, 17, d, 0, 24, true, false);
	assert_int_equal(feed_cap(r, b, n - 1, n, 5, &out), NS_REASM_HELD);
	assert_int_equal(st->truncated, 3);
	ns_reasm_flush(r);
	assert_int_equal(ns_reasm_drops(st), 3);
	assert_int_equal(st->reassembled, 0);
	assert_int_equal(ns_reasm_bytes(r), 0);
	ns_reasm_free(r);
}

/* Random fragment soup: never more than the limits, and all memory back. */
static void test_soup(void **state)
{
	struct ns_reasm_limits lim = { .max_bytes = 64 * 1024, .max_datagrams = 8,
				       .timeout4_ns = 30 * SEC, .timeout6_ns = 60 * SEC };
	uint8_t d[2048], b[2200];
	struct ns_reasm *r = ns_reasm_new(&lim);
	const struct ns_reasm_stats *st = ns_reasm_stats(r);
	uint32_t seed = 11;
	uint64_t ends;

	(void)state;
	unit_fill_random(d, sizeof(d), &seed);
	for (int i = 0; i < 20000; i++) {
		uint32_t v;
		unit_fill_random((uint8_t *)&v, sizeof(v), &seed);
		uint32_t off = (v % 256) * 8, len = 8 + (v >> 8) % 256 * 8;
		bool more = (v >> 16) & 3;
		if (off + len > sizeof(d))
			len = sizeof(d) - off;
		if (!len)
			continue;
		if ((v >> 20) & 1)
			feed(r, b, frag4(b, (uint16_t)(v >> 24) % 16, 17, d, off, len, more),
			     (uint64_t)i * SEC / 100, &out);
		else
			feed(r, b, frag6(b, (v >> 24) % 16, 17, d, off, len, more, false),
			     (uint64_t)i * SEC / 100, &out);
		assert_true(ns_reasm_bytes(r) <= lim.max_bytes);
	}
	ns_reasm_flush(r);
	assert_int_equal(ns_reasm_bytes(r), 0);
	ends = st->reassembled + ns_reasm_drops(st);
	assert_true(ends > 0);
	assert_true(ends <= st->fragments);
	ns_reasm_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_bad_ends),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_limit_count),
		cmocka_unit_test(test_limit_bytes),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_tiny_first),
		cmocka_unit_test(test_ip4_options),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_soup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
