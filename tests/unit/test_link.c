/* Unit tests for dissect/link.c (every linktype) and dissect/dissect.c
 * (ns_dissect, transport dispatch, flag and protocol names). */
#include "unit.h"

/* A 28-byte IPv4 packet 10.0.0.1 -> 10.0.0.2, protocol 253 (experimental,
 * so no transport decoder is involved), 8 bytes of payload. */
static const uint8_t ip4_pkt[28] = {
	0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0xfd, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	1, 2, 3, 4, 5, 6, 7, 8,
};

/* IPv6 fe80::1 -> ff02::1, next header 59 (no next header), payload 0. */
static const uint8_t ip6_pkt[40] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 59, 0xff,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

/* Build link header + payload into a heap buffer of exactly the frame size,
 * so ASan catches any read past it. */
struct frame {
	uint8_t *buf;
	uint32_t len;
};

static struct frame make(const uint8_t *hdr, uint32_t hlen, const uint8_t *payload, uint32_t plen)
{
	struct frame f;

	f.len = hlen + plen;
	f.buf = malloc(f.len ? f.len : 1);
	assert_non_null(f.buf);
	if (hlen)
		memcpy(f.buf, hdr, hlen);
	if (plen)
		memcpy(f.buf + hlen, payload, plen);
	if (plen >= 20 && (payload[0] >> 4) == 4)
		unit_ip4_checksum(f.buf + hlen, 20);
	return f;
}

static int dissect(enum ns_linktype lt, struct frame *f, struct ns_packet *pkt)
{
	struct ns_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.wire_len = f->len;
	ctx.frame = 1;
	return ns_dissect(lt, f->buf, f->len, &ctx, pkt);
}

/* The frame must decode to the IPv4 test packet behind hlen bytes of link. */
static void expect_ip4(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen, uint16_t ethertype)
{
	struct ns_packet pkt;
	struct frame f = make(hdr, hlen, ip4_pkt, sizeof(ip4_pkt));

	assert_int_equal(dissect(lt, &f, &pkt), 0);
	assert_int_equal(pkt.link.type, lt);
	assert_int_equal(pkt.link.hdr_len, hlen);
	assert_int_equal(pkt.link.ethertype, ethertype);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip4.ttl, 64);
	assert_int_equal(pkt.ipproto, 253);
	assert_int_equal(pkt.ip_wire_len, 28);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 8);
	free(f.buf);
}

static void expect_ip6(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen)
{
	struct ns_packet pkt;
	struct frame f = make(hdr, hlen, ip6_pkt, sizeof(ip6_pkt));

	assert_int_equal(dissect(lt, &f, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, hlen);
	assert_int_equal(pkt.link.ethertype, 0x86dd);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip6.hop_limit, 255);
	assert_int_equal(pkt.ipproto, 59);
	free(f.buf);
}

static void expect_not_ip(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen,
			  const uint8_t *payload, uint32_t plen, uint32_t extra_flags)
{
	struct ns_packet pkt;
	struct frame f = make(hdr, hlen, payload, plen);

	assert_int_equal(dissect(lt, &f, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_NOT_IP | extra_flags);
	assert_int_equal(pkt.l3, NS_L3_NONE);
	free(f.buf);
}

/* Every prefix shorter than the link header: bad_link + truncated, -1, and
 * no read past the prefix (ASan). */
static void expect_truncated_link(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen)
{
	for (uint32_t cap = 0; cap < hlen; cap++) {
		struct ns_packet pkt;
		struct frame f = make(hdr, cap, NULL, 0);

		assert_int_equal(dissect(lt, &f, &pkt), -1);
		assert_int_equal(pkt.flags, NS_F_BAD_LINK | NS_F_TRUNCATED);
		assert_int_equal(pkt.l3, NS_L3_NONE);
		free(f.buf);
	}
}

#define ETH(t1, t2) \
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, t1, t2

static void test_ethernet(void **state)
{
	static const uint8_t e4[] = { ETH(0x08, 0x00) };
	static const uint8_t e6[] = { ETH(0x86, 0xdd) };
	static const uint8_t arp[] = { ETH(0x08, 0x06) };

	(void)state;
	expect_ip4(NS_LINK_ETHERNET, e4, sizeof(e4), 0x0800);
	expect_ip6(NS_LINK_ETHERNET, e6, sizeof(e6));
	expect_not_ip(NS_LINK_ETHERNET, arp, sizeof(arp), ip4_pkt, 28, 0);
	expect_truncated_link(NS_LINK_ETHERNET, e4, sizeof(e4));
}

static void test_vlan_stacks(void **state)
{
	static const uint8_t one[] = { ETH(0x81, 0x00), 0x20, 0x64, 0x08, 0x00 };
	static const uint8_t qinq[] = { ETH(0x88, 0xa8), 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x86, 0xdd };
	static const uint8_t four[] = { ETH(0x91, 0x00), 0x0f, 0xff, 0x88, 0xa8, 0x00, 0x02,
		0x81, 0x00, 0x00, 0x03, 0x81, 0x00, 0x00, 0x04, 0x08, 0x00 };
	static const uint8_t five[] = { ETH(0x81, 0x00), 0x00, 0x01, 0x81, 0x00, 0x00, 0x02,
		0x81, 0x00, 0x00, 0x03, 0x81, 0x00, 0x00, 0x04, 0x81, 0x00, 0x00, 0x05, 0x08, 0x00 };
	struct ns_packet pkt;
	struct frame f;

	(void)state;
	expect_ip4(NS_LINK_ETHERNET, one, sizeof(one), 0x0800);
	f = make(one, sizeof(one), ip4_pkt, sizeof(ip4_pkt));
	dissect(NS_LINK_ETHERNET, &f, &pkt);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_id[0], 100);	/* PCP bits masked off */
	free(f.buf);

	expect_ip6(NS_LINK_ETHERNET, qinq, sizeof(qinq));
	f = make(qinq, sizeof(qinq), ip6_pkt, sizeof(ip6_pkt));
	dissect(NS_LINK_ETHERNET, &f, &pkt);
	assert_int_equal(pkt.link.nvlan, 2);
	assert_int_equal(pkt.link.vlan_id[0], 10);
	assert_int_equal(pkt.link.vlan_id[1], 20);
	free(f.buf);

	expect_ip4(NS_LINK_ETHERNET, four, sizeof(four), 0x0800);
	f = make(four, sizeof(four), ip4_pkt, sizeof(ip4_pkt));
	dissect(NS_LINK_ETHERNET, &f, &pkt);
	assert_int_equal(pkt.link.nvlan, 4);
	assert_int_equal(pkt.link.vlan_id[0], 0xfff);
	assert_int_equal(pkt.link.vlan_id[3], 4);
	free(f.buf);

	/* More tags than NS_MAX_VLAN: malformed for us, not truncated. */
	f = make(five, sizeof(five), ip4_pkt, sizeof(ip4_pkt));
	assert_int_equal(dissect(NS_LINK_ETHERNET, &f, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	free(f.buf);

	/* A tag cut anywhere. */
	expect_truncated_link(NS_LINK_ETHERNET, qinq, sizeof(qinq));
	expect_truncated_link(NS_LINK_ETHERNET, four, sizeof(four));
}

static void test_llc(void **state)
{
	/* 802.3 length + LLC/SNAP with OUI 0 and an IP ethertype */
	static const uint8_t snap4[] = { ETH(0x00, 0x24), 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00 };
	/* 802.1H bridge-tunnel OUI */
	static const uint8_t snap6[] = { ETH(0x00, 0x30), 0xaa, 0xaa, 0x03, 0x00, 0x00, 0xf8, 0x86, 0xdd };
	/* Cisco OUI: CDP, not an ethertype */
	static const uint8_t cdp[] = { ETH(0x00, 0x30), 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00 };
	/* STP: LLC 42 42 03 */
	static const uint8_t stp[] = { ETH(0x00, 0x26), 0x42, 0x42, 0x03 };
	/* VLAN, then an 802.3 length */
	static const uint8_t vsnap[] = { ETH(0x81, 0x00), 0x00, 0x07, 0x00, 0x24,
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00 };
	static const uint8_t zeros[8];

	(void)state;
	expect_ip4(NS_LINK_ETHERNET, snap4, sizeof(snap4), 0x0800);
	expect_ip6(NS_LINK_ETHERNET, snap6, sizeof(snap6));
	expect_ip4(NS_LINK_ETHERNET, vsnap, sizeof(vsnap), 0x0800);
	expect_not_ip(NS_LINK_ETHERNET, cdp, sizeof(cdp), zeros, sizeof(zeros), 0);
	expect_not_ip(NS_LINK_ETHERNET, stp, sizeof(stp), zeros, sizeof(zeros), 0);
	/* cut inside the LLC/SNAP header: after the 14 Ethernet bytes */
	for (uint32_t cap = 14; cap < sizeof(snap4); cap++) {
		struct ns_packet pkt;
		struct frame f = make(snap4, cap, NULL, 0);

		assert_int_equal(dissect(NS_LINK_ETHERNET, &f, &pkt), -1);
		assert_int_equal(pkt.flags, NS_F_BAD_LINK | NS_F_TRUNCATED);
		free(f.buf);
	}
}

static void test_sll(void **state)
{
	static const uint8_t sll4[16] = { 0x00, 0x04, 0x00, 0x01, 0x00, 0x06,
		1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 };
	static const uint8_t sll6[16] = { 0x00, 0x00, 0x03, 0x04, 0x00, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd };
	/* libpcap re-inserted VLAN tag */
	static const uint8_t sllv[20] = { 0x00, 0x01, 0x00, 0x01, 0x00, 0x06,
		1, 2, 3, 4, 5, 6, 0, 0, 0x81, 0x00, 0x00, 0x2a, 0x08, 0x00 };
	static const uint8_t sllarp[16] = { 0x00, 0x01, 0x00, 0x01, 0x00, 0x06,
		1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x06 };
	struct ns_packet pkt;
	struct frame f;

	(void)state;
	expect_ip4(NS_LINK_SLL, sll4, sizeof(sll4), 0x0800);
	f = make(sll4, sizeof(sll4), ip4_pkt, sizeof(ip4_pkt));
	dissect(NS_LINK_SLL, &f, &pkt);
	assert_true(pkt.link.has_pkttype);
	assert_int_equal(pkt.link.pkttype, 4);	/* PACKET_OUTGOING */
	free(f.buf);
	expect_ip6(NS_LINK_SLL, sll6, sizeof(sll6));
	expect_ip4(NS_LINK_SLL, sllv, sizeof(sllv), 0x0800);
	f = make(sllv, sizeof(sllv), ip4_pkt, sizeof(ip4_pkt));
	dissect(NS_LINK_SLL, &f, &pkt);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_id[0], 42);
	free(f.buf);
	expect_not_ip(NS_LINK_SLL, sllarp, sizeof(sllarp), ip4_pkt, 28, 0);
	expect_truncated_link(NS_LINK_SLL, sll4, sizeof(sll4));
	expect_truncated_link(NS_LINK_SLL, sllv, sizeof(sllv));
}

static void test_sll2(void **state)
{
	static const uint8_t sll2[20] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
		0x00, 0x01, 0x03, 0x06, 1, 2, 3, 4, 5, 6, 0, 0 };
	static const uint8_t sll2v6[20] = { 0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
		0x00, 0x01, 0x00, 0x06, 1, 2, 3, 4, 5, 6, 0, 0 };
	struct ns_packet pkt;
	struct frame f;

	(void)state;
	expect_ip4(NS_LINK_SLL2, sll2, sizeof(sll2), 0x0800);
	f = make(sll2, sizeof(sll2), ip4_pkt, sizeof(ip4_pkt));
	dissect(NS_LINK_SLL2, &f, &pkt);
	assert_true(pkt.link.has_pkttype);
	assert_int_equal(pkt.link.pkttype, 3);	/* PACKET_OTHERHOST */
	assert_int_equal(pkt.link.sll2_ifindex, 0x102);
	free(f.buf);
	expect_ip6(NS_LINK_SLL2, sll2v6, sizeof(sll2v6));
	expect_truncated_link(NS_LINK_SLL2, sll2, sizeof(sll2));
}

static void test_null_loop(void **state)
{
	static const uint8_t le2[4] = { 2, 0, 0, 0 }, be2[4] = { 0, 0, 0, 2 };
	static const uint8_t le24[4] = { 24, 0, 0, 0 }, le28[4] = { 28, 0, 0, 0 };
	static const uint8_t le30[4] = { 30, 0, 0, 0 }, be30[4] = { 0, 0, 0, 30 };
	static const uint8_t be24[4] = { 0, 0, 0, 24 }, le7[4] = { 7, 0, 0, 0 };

	(void)state;
	expect_ip4(NS_LINK_NULL, le2, 4, 0x0800);
	expect_ip4(NS_LINK_NULL, be2, 4, 0x0800);
	expect_ip6(NS_LINK_NULL, le24, 4);
	expect_ip6(NS_LINK_NULL, le28, 4);
	expect_ip6(NS_LINK_NULL, le30, 4);
	expect_ip6(NS_LINK_NULL, be30, 4);
	expect_not_ip(NS_LINK_NULL, le7, 4, ip4_pkt, 28, 0);
	expect_truncated_link(NS_LINK_NULL, le2, 4);
	/* DLT_LOOP is always big-endian */
	expect_ip4(NS_LINK_LOOP, be2, 4, 0x0800);
	expect_ip6(NS_LINK_LOOP, be24, 4);
	expect_not_ip(NS_LINK_LOOP, le2, 4, ip4_pkt, 28, 0);
	expect_truncated_link(NS_LINK_LOOP, be2, 4);
}

static void test_raw(void **state)
{
	static const uint8_t v5[20] = { 0x50 };

	(void)state;
	expect_ip4(NS_LINK_RAW, NULL, 0, 0x0800);
	expect_ip6(NS_LINK_RAW, NULL, 0);
	expect_ip4(NS_LINK_NONE, NULL, 0, 0x0800);
	expect_ip6(NS_LINK_NONE, NULL, 0);
	expect_ip4(NS_LINK_IPV4, NULL, 0, 0x0800);
	expect_ip6(NS_LINK_IPV6, NULL, 0);
	/* RAW/NONE need the version nibble: nothing captured is a link problem */
	expect_truncated_link(NS_LINK_RAW, ip4_pkt, 1);
	expect_truncated_link(NS_LINK_NONE, ip4_pkt, 1);
	expect_not_ip(NS_LINK_RAW, NULL, 0, v5, sizeof(v5), NS_F_BAD_VERSION);
	expect_not_ip(NS_LINK_NONE, NULL, 0, v5, sizeof(v5), NS_F_BAD_VERSION);
}

static void test_raw_version_mismatch(void **state)
{
	struct ns_packet pkt;
	struct frame f = make(NULL, 0, ip6_pkt, sizeof(ip6_pkt));

	(void)state;
	/* LINKTYPE_IPV4 says v4; the bytes say 6: an IPv4 layer, flagged */
	assert_int_equal(dissect(NS_LINK_IPV4, &f, &pkt), 0);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_true(pkt.flags & NS_F_BAD_VERSION);
	assert_int_equal(pkt.l4, NS_L4_NONE);
	free(f.buf);
	f = make(NULL, 0, ip4_pkt, sizeof(ip4_pkt));
	assert_int_equal(dissect(NS_LINK_IPV6, &f, &pkt), 0);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_true(pkt.flags & NS_F_BAD_VERSION);
	assert_int_equal(pkt.l4, NS_L4_NONE);
	free(f.buf);
}

static void test_ppp(void **state)
{
	static const uint8_t full4[] = { 0xff, 0x03, 0x00, 0x21 };
	static const uint8_t full6[] = { 0xff, 0x03, 0x00, 0x57 };
	static const uint8_t noac4[] = { 0x00, 0x21 };
	static const uint8_t comp4[] = { 0x21 };
	static const uint8_t accomp6[] = { 0xff, 0x03, 0x57 };
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21 };
	static const uint8_t zeros[8];

	(void)state;
	expect_ip4(NS_LINK_PPP, full4, sizeof(full4), 0x0800);
	expect_ip6(NS_LINK_PPP, full6, sizeof(full6));
	expect_ip4(NS_LINK_PPP, noac4, sizeof(noac4), 0x0800);
	expect_ip4(NS_LINK_PPP, comp4, sizeof(comp4), 0x0800);
	expect_ip6(NS_LINK_PPP, accomp6, sizeof(accomp6));
	expect_not_ip(NS_LINK_PPP, lcp, sizeof(lcp), zeros, sizeof(zeros), 0);
	expect_truncated_link(NS_LINK_PPP, full4, sizeof(full4));
	expect_truncated_link(NS_LINK_PPP, noac4, sizeof(noac4));
}

static void test_c_hdlc_slip(void **state)
{
	static const uint8_t hdlc4[] = { 0x0f, 0x00, 0x08, 0x00 };
	static const uint8_t hdlc6[] = { 0x8f, 0x00, 0x86, 0xdd };
	static const uint8_t slarp[] = { 0x8f, 0x00, 0x80, 0x35 };
	static const uint8_t slip[16] = { 0x01, 0x40 };
	static const uint8_t zeros[20];

	(void)state;
	expect_ip4(NS_LINK_C_HDLC, hdlc4, sizeof(hdlc4), 0x0800);
	expect_ip6(NS_LINK_C_HDLC, hdlc6, sizeof(hdlc6));
	expect_not_ip(NS_LINK_C_HDLC, slarp, sizeof(slarp), zeros, sizeof(zeros), 0);
	expect_truncated_link(NS_LINK_C_HDLC, hdlc4, sizeof(hdlc4));
	expect_ip4(NS_LINK_SLIP, slip, sizeof(slip), 0x0800);
	expect_ip6(NS_LINK_SLIP, slip, sizeof(slip));
	/* 16 bytes of pseudo-header and the version byte */
	expect_truncated_link(NS_LINK_SLIP, slip, sizeof(slip) + 1);
}

static void test_unknown_linktype(void **state)
{
	struct ns_packet pkt;
	struct frame f = make(NULL, 0, ip4_pkt, sizeof(ip4_pkt));

	(void)state;
	assert_int_equal(dissect((enum ns_linktype)99, &f, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
	free(f.buf);
}

/* ns_dissect zeroes the packet, sets ctx, and uses ctx->wire_len. */
static void test_dissect_ctx(void **state)
{
	static const uint8_t e4[] = { ETH(0x08, 0x00) };
	struct ns_packet pkt;
	struct ns_ctx ctx;
	struct frame f = make(e4, sizeof(e4), ip4_pkt, sizeof(ip4_pkt));

	(void)state;
	memset(&pkt, 0xa5, sizeof(pkt));
	memset(&ctx, 0, sizeof(ctx));
	ctx.wire_len = f.len;
	assert_int_equal(ns_dissect(NS_LINK_ETHERNET, f.buf, f.len, &ctx, &pkt), 0);
	assert_ptr_equal(pkt.ctx, &ctx);
	assert_int_equal(pkt.tcp.src_port, 0);
	assert_int_equal(pkt.ip6.next_ext, 0);
	assert_int_equal(pkt.link.nvlan, 0);
	assert_int_equal(pkt.src.family, 4);
	assert_int_equal(pkt.src.a[3], 1);
	assert_int_equal(pkt.dst.a[3], 2);
	/* snaplen 14+20: the rest is on the wire, not captured */
	assert_int_equal(ns_dissect(NS_LINK_ETHERNET, f.buf, 34, &ctx, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 28);
	assert_int_equal(pkt.ip_cap_len, 20);
	/* NULL ctx: wire length = captured length */
	assert_int_equal(ns_dissect(NS_LINK_ETHERNET, f.buf, f.len, NULL, &pkt), 0);
	assert_null(pkt.ctx);
	assert_int_equal(pkt.flags, 0);
	free(f.buf);
}

static void test_transport_dispatch(void **state)
{
	uint8_t data[8] = { 0 };
	struct ns_packet pkt;

	(void)state;
	/* ICMP (1) is only ICMP over IPv4, ICMPv6 (58) only over IPv6. */
	memset(&pkt, 0, sizeof(pkt));
	pkt.l3 = NS_L3_IPV6;
	pkt.ipproto = 1;
	ns_decode_transport(data, sizeof(data), sizeof(data), &pkt);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_ptr_equal(pkt.payload, data);
	assert_int_equal(pkt.payload_caplen, 8);
	memset(&pkt, 0, sizeof(pkt));
	pkt.l3 = NS_L3_IPV4;
	pkt.ipproto = 58;
	ns_decode_transport(data, sizeof(data), sizeof(data), &pkt);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	memset(&pkt, 0, sizeof(pkt));
	pkt.l3 = NS_L3_IPV4;
	pkt.ipproto = 47;
	ns_decode_transport(data, 4, sizeof(data), &pkt);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 4);
}

static void test_flag_names(void **state)
{
	static const char *const want[NS_F_COUNT] = {
		"truncated", "bad_ip_checksum", "bad_length", "fragment", "bad_header",
		"bad_version", "bad_options", "ext_hdr_limit", "not_ip", "bad_link", "encap_limit", "bad_encap", "addr_unknown",
	};

	(void)state;
	for (int i = 0; i < NS_F_COUNT; i++)
		assert_string_equal(ns_flag_name(1u << i), want[i]);
	assert_string_equal(ns_flag_name(NS_F_BAD_LINK), "bad_link");
	assert_null(ns_flag_name(0));
	assert_null(ns_flag_name(1u << NS_F_COUNT));
	assert_null(ns_flag_name(NS_F_TRUNCATED | NS_F_FRAGMENT));
	assert_null(ns_flag_name(0x80000000u));
}

static void test_ipproto_names(void **state)
{
	(void)state;
	assert_string_equal(ns_ipproto_name(0), "HOPOPT");
	assert_string_equal(ns_ipproto_name(1), "ICMP");
	assert_string_equal(ns_ipproto_name(2), "IGMP");
	assert_string_equal(ns_ipproto_name(4), "IPv4");
	assert_string_equal(ns_ipproto_name(6), "TCP");
	assert_string_equal(ns_ipproto_name(17), "UDP");
	assert_string_equal(ns_ipproto_name(41), "IPv6");
	assert_string_equal(ns_ipproto_name(43), "IPv6-Route");
	assert_string_equal(ns_ipproto_name(44), "IPv6-Frag");
	assert_string_equal(ns_ipproto_name(47), "GRE");
	assert_string_equal(ns_ipproto_name(50), "ESP");
	assert_string_equal(ns_ipproto_name(51), "AH");
	assert_string_equal(ns_ipproto_name(58), "ICMPv6");
	assert_string_equal(ns_ipproto_name(59), "IPv6-NoNxt");
	assert_string_equal(ns_ipproto_name(60), "IPv6-Opts");
	assert_string_equal(ns_ipproto_name(89), "OSPFIGP");
	assert_string_equal(ns_ipproto_name(103), "PIM");
	assert_string_equal(ns_ipproto_name(112), "VRRP");
	assert_string_equal(ns_ipproto_name(115), "L2TP");
	assert_string_equal(ns_ipproto_name(132), "SCTP");
	assert_string_equal(ns_ipproto_name(136), "UDPLite");
	assert_string_equal(ns_ipproto_name(137), "MPLS-in-IP");
	assert_null(ns_ipproto_name(253));
	assert_null(ns_ipproto_name(255));
	assert_null(ns_ipproto_name(200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_vlan_stacks),
		cmocka_unit_test(test_llc),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_null_loop),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_raw_version_mismatch),
		cmocka_unit_test(test_ppp),
		cmocka_unit_test(test_c_hdlc_slip),
		cmocka_unit_test(test_unknown_linktype),
		cmocka_unit_test(test_dissect_ctx),
		cmocka_unit_test(test_transport_dispatch),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_ipproto_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
