/* Unit tests for dissect/sixlowpan.c: 6LoWPAN in IEEE 802.15.4 data frames
 * (RFC 4944 dispatch, mesh, broadcast and fragment headers; RFC 6282 IPHC,
 * NHC UDP and extension headers), whole frames through ns_dissect. Every
 * frame is also cut at every byte and shortened at every byte. */
#include "linkunit.h"

/* MAC: data, PAN id compression, extended dst and src (2+1+2+8+8). The
 * addresses are sent little-endian: dst 10:05:00:81:00:01:00:01, src
 * 00:02:00:02:40:02:10:02 (those of tcpdump's 802_15_4-data.pcap). */
static const uint8_t mac_ext[] = {
	0x41, 0xcc, 0x01, 0xcd, 0xab,
	0x01, 0x00, 0x01, 0x00, 0x81, 0x00, 0x05, 0x10,
	0x02, 0x10, 0x02, 0x40, 0x02, 0x00, 0x02, 0x00,
};
/* MAC: data, PAN id compression, short dst 0x1234 and src 0x5678. */
static const uint8_t mac_short[] = { 0x41, 0x88, 0x01, 0xcd, 0xab, 0x34, 0x12, 0x78, 0x56 };

/* fe80::202:2:4002:1002 and fe80::1205:81:1:1: the IIDs of mac_ext */
static const uint8_t ll_src_ext[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x02, 0, 0x02, 0x40, 0x02, 0x10, 0x02 };
static const uint8_t ll_dst_ext[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x12, 0x05, 0, 0x81, 0, 0x01, 0, 0x01 };
/* fe80::ff:fe00:5678 and fe80::ff:fe00:1234: the IIDs of mac_short */
static const uint8_t ll_src_short[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0x56, 0x78 };
static const uint8_t ll_dst_short[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0x12, 0x34 };

/* IPHC TF=11 NH=1 HLIM=10 (64), SAM=11 DAM=11, then an NHC byte (0xb0) that
 * is none RFC 6282 defines: the payload of 802_15_4-data.pcap. */
static const uint8_t p_tcpdump[] = { 0x7e, 0x33, 0xb0, 0x04, 0x01, 0x27, 0x10, 0x8f, 0xf1, 0x68,
	0x75, 0xec, 0x6c, 0x6f, 0x00 };
/* IPHC NH=1, NHC UDP ports and checksum inline, 4 bytes of payload. */
static const uint8_t p_udp[] = { 0x7e, 0x33, 0xf0, 0x16, 0x33, 0x04, 0xd2, 0xbe, 0xef, 'a', 'b', 'c', 'd' };
/* NHC UDP with 4-bit ports (0xf0b1 -> 0xf0b2) and the checksum elided. */
static const uint8_t p_udp4[] = { 0x7e, 0x33, 0xf7, 0x12, 'x', 'y' };
/* RFC 6282 3.1.1 fields inline: TF=00 (ECN 10, DSCP 100101, flow label
 * 0xbcdef), next header 58, hop limit 33, SAM=01 (64-bit IID), DAM=10
 * (16-bit), then ICMPv6 echo request. */
static const uint8_t p_inline[] = { 0x60, 0x12, 0xa5, 0x0b, 0xcd, 0xef, 58, 33,
	1, 2, 3, 4, 5, 6, 7, 8, 0x12, 0x34,
	128, 0, 0, 0, 0x12, 0x34, 0, 1 };
/* TF=01 (ECN 10, flow 0x12345), NH 58, HLIM=11 (255), M=1 DAM=11: ff02::1a */
static const uint8_t p_mcast8[] = { 0x6b, 0x3b, 0x81, 0x23, 0x45, 58, 0x1a, 128, 0, 0, 0, 0, 1, 0, 1 };
/* M=1 DAM=01 (48 bits: ff05::1:203:405), DAM=10 (32 bits: ff05::102:304) */
static const uint8_t p_mcast48[] = { 0x7a, 0x39, 58, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05, 128, 0, 0, 0, 0, 1, 0, 1 };
static const uint8_t p_mcast32[] = { 0x7a, 0x3a, 58, 0x05, 0x01, 0x02, 0x03, 4, 128, 0, 0, 0, 0, 1, 0, 1 };
/* mesh (V=1, F=1: short originator 0x0099 and final 0x00aa, 5 hops),
 * broadcast (sequence 7), then IPHC with NHC UDP */
static const uint8_t p_mesh[] = { 0xb5, 0x00, 0x99, 0x00, 0xaa, 0x50, 0x07, 0x7e, 0x33, 0xf0,
	0, 1, 0, 2, 0, 3, 'm' };
/* FRAG1 (datagram 200 bytes, tag 7), IPHC with NHC UDP */
static const uint8_t p_frag1[] = { 0xc0, 200, 0x00, 0x07, 0x7e, 0x33, 0xf0, 0x16, 0x33, 0x04, 0xd2,
	0xbe, 0xef, 'f', 'r', 'a', 'g' };
/* FRAGN (datagram 200, tag 7, offset 5*8) */
static const uint8_t p_fragn[] = { 0xe0, 200, 0x00, 0x07, 5, 'r', 'e', 's', 't' };
/* SAC=1 SAM=11 (a context's prefix), DAM=11 stateless; next header 17 inline */
static const uint8_t p_ctx[] = { 0x7a, 0x73, 17, 0, 1, 0, 2, 0, 12, 0, 0, 'c', 'x', 'y', 'z' };
/* SAC=1 SAM=00: the unspecified address :: */
static const uint8_t p_unspec[] = { 0x7a, 0x43, 17, 0, 1, 0, 2, 0, 8, 0, 0 };
/* DAC=1 DAM=00: reserved */
static const uint8_t p_reserved[] = { 0x7a, 0x34, 17, 0, 1, 0, 2, 0, 8, 0, 0 };
/* NHC hop-by-hop (NH=1: next is NHC) with 2 option bytes (PadN 0), NHC UDP */
static const uint8_t p_ext[] = { 0x7e, 0x33, 0xe1, 0x02, 0x01, 0x00, 0xf0, 0, 7, 0, 8, 0, 9, 'e' };
/* Uncompressed IPv6 (dispatch 0x41): lu_ip6 follows. */
static const uint8_t p_ipv6[] = { 0x41 };

static void frame(const uint8_t *mac, uint32_t mlen, const uint8_t *p, uint32_t plen, struct ns_packet *pkt,
		  int want_rc)
{
	assert_int_equal(lu_dissect(NS_LINK_IEEE802154_NOFCS, mac, mlen, p, plen, NULL, 0, ~0u, pkt),
			 want_rc);
}

static void assert_addr(const struct ns_addr *a, const uint8_t want[16])
{
	assert_int_equal(a->family, 6);
	assert_memory_equal(a->a, want, 16);
}

static void test_tcpdump_frame(void **state)
{
	struct ns_packet pkt;

	(void)state;
	/* with its FCS, as captured (38 bytes) */
	static const uint8_t fcs[2] = { 0x1d, 0xb6 };
	static const uint8_t mac2015[] = { 0x21, 0xec, 0x01, 0x4d, 0xab,
		0x01, 0x00, 0x01, 0x00, 0x81, 0x00, 0x05, 0x10,
		0x02, 0x10, 0x02, 0x40, 0x02, 0x00, 0x02, 0x00 };

	/* 802.15.4-2015, extended addresses, no PAN id compression: the
	 * destination PAN id only (table 7-2) */
	assert_int_equal(lu_dissect(NS_LINK_IEEE802154, mac2015, sizeof(mac2015), p_tcpdump,
				    sizeof(p_tcpdump), fcs, 2, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, 21);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_null(pkt.ip6.hdr);
	assert_int_equal(pkt.ip6.hdr_avail, 40);
	assert_int_equal(pkt.ip6.version, 6);
	assert_int_equal(pkt.ip6.traffic_class, 0);
	assert_int_equal(pkt.ip6.flow_label, 0);
	assert_int_equal(pkt.ip6.hop_limit, 64);
	assert_addr(&pkt.src, ll_src_ext);
	assert_addr(&pkt.dst, ll_dst_ext);
	assert_addr(&pkt.ip6.src, ll_src_ext);
	/* an NHC we do not know: no next header, as tshark shows it */
	assert_int_equal(pkt.ip6.next_header, 59);
	assert_int_equal(pkt.ipproto, 59);
	assert_int_equal(pkt.ip6.payload_len, 0);
	assert_int_equal(pkt.ip_wire_len, 40);
	assert_int_equal(pkt.flags, NS_F_BAD_HEADER);
	assert_int_equal(pkt.nencap, 0);
}

static void test_nhc_udp(void **state)
{
	struct ns_packet pkt;

	(void)state;
	frame(mac_ext, sizeof(mac_ext), p_udp, sizeof(p_udp), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_addr(&pkt.src, ll_src_ext);
	assert_addr(&pkt.dst, ll_dst_ext);
	assert_int_equal(pkt.ip6.next_header, 17);
	assert_int_equal(pkt.ip6.payload_len, 12);
	assert_int_equal(pkt.ip_wire_len, 52);
	assert_int_equal(pkt.ip_cap_len, 52);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.hdr_avail, 8);
	assert_int_equal(pkt.udp.src_port, 5683);
	assert_int_equal(pkt.udp.dst_port, 1234);
	assert_int_equal(pkt.udp.length, 12);
	assert_int_equal(pkt.udp.checksum, 0xbeef);
	assert_int_equal(pkt.udp.payload_len, 4);
	assert_int_equal(pkt.payload_caplen, 4);

	/* 4-bit ports, checksum elided: not sent, so unknown (hdr_avail 6) */
	frame(mac_short, sizeof(mac_short), p_udp4, sizeof(p_udp4), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_addr(&pkt.src, ll_src_short);
	assert_addr(&pkt.dst, ll_dst_short);
	assert_int_equal(pkt.udp.src_port, 0xf0b1);
	assert_int_equal(pkt.udp.dst_port, 0xf0b2);
	assert_int_equal(pkt.udp.hdr_avail, 6);
	assert_int_equal(pkt.udp.length, 10);
	assert_int_equal(pkt.payload_caplen, 2);
}

static void test_inline_fields(void **state)
{
	static const uint8_t src[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t dst[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0x12, 0x34 };
	static const uint8_t m8[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a };
	static const uint8_t m48[16] = { 0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5 };
	static const uint8_t m32[16] = { 0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 };
	struct ns_packet pkt;

	(void)state;
	frame(mac_short, sizeof(mac_short), p_inline, sizeof(p_inline), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip6.traffic_class, 0x96);	/* DSCP 100101, ECN 10 */
	assert_int_equal(pkt.ip6.flow_label, 0xbcdef);
	assert_int_equal(pkt.ip6.hop_limit, 33);
	assert_int_equal(pkt.ip6.next_header, 58);
	assert_addr(&pkt.src, src);
	assert_addr(&pkt.dst, dst);
	assert_int_equal(pkt.l4, NS_L4_ICMPV6);
	assert_int_equal(pkt.icmp.type, 128);
	assert_int_equal(pkt.icmp.id, 0x1234);
	assert_int_equal(pkt.ip6.payload_len, 8);

	frame(mac_short, sizeof(mac_short), p_mcast8, sizeof(p_mcast8), &pkt, 0);
	assert_int_equal(pkt.ip6.traffic_class, 2);
	assert_int_equal(pkt.ip6.flow_label, 0x12345);
	assert_int_equal(pkt.ip6.hop_limit, 255);
	assert_addr(&pkt.dst, m8);
	frame(mac_short, sizeof(mac_short), p_mcast48, sizeof(p_mcast48), &pkt, 0);
	assert_addr(&pkt.dst, m48);
	frame(mac_short, sizeof(mac_short), p_mcast32, sizeof(p_mcast32), &pkt, 0);
	assert_addr(&pkt.dst, m32);
	assert_int_equal(pkt.flags, 0);
}

static void test_uncompressed(void **state)
{
	uint8_t p[1 + sizeof(lu_ip6)];
	struct ns_packet pkt;

	(void)state;
	p[0] = p_ipv6[0];
	memcpy(p + 1, lu_ip6, sizeof(lu_ip6));
	frame(mac_ext, sizeof(mac_ext), p, sizeof(p), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.ip6.hop_limit, 0xff);
	assert_int_equal(pkt.ip6.next_header, 59);
	/* (lu_dissect writes an IPv4 checksum into a payload starting 0x4X:
	 * bytes 9-10 of the source address here) */
	assert_memory_equal(pkt.dst.a, lu_ip6 + 24, 16);
	assert_int_equal(pkt.src.a[15], 1);
}

static void test_mesh_broadcast(void **state)
{
	static const uint8_t src[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0x99 };
	static const uint8_t dst[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0xaa };
	struct ns_packet pkt;

	(void)state;
	/* the mesh originator and final destination replace the MAC's */
	frame(mac_ext, sizeof(mac_ext), p_mesh, sizeof(p_mesh), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_addr(&pkt.src, src);
	assert_addr(&pkt.dst, dst);
	assert_int_equal(pkt.udp.src_port, 1);
	assert_int_equal(pkt.udp.length, 9);
}

static void test_fragments(void **state)
{
	struct ns_packet pkt;

	(void)state;
	/* FRAG1: the datagram's headers are here, the rest comes later */
	frame(mac_ext, sizeof(mac_ext), p_frag1, sizeof(p_frag1), &pkt, 0);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_true(pkt.first_fragment);
	assert_true(pkt.more_fragments);
	assert_int_equal(pkt.ip6.payload_len, 160);
	assert_int_equal(pkt.ip_wire_len, 200);
	assert_int_equal(pkt.ip_cap_len, 52);
	assert_int_equal(pkt.udp.length, 160);
	assert_int_equal(pkt.payload_caplen, 4);
	/* cut by the capture: truncated as well */
	assert_int_equal(lu_dissect(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), p_frag1,
				    sizeof(p_frag1), NULL, 0, sizeof(mac_ext) + sizeof(p_frag1) - 1, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT | NS_F_TRUNCATED);
	/* FRAGN: the middle of a datagram, no IP header */
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), p_fragn, sizeof(p_fragn), 0);
}

static void test_contexts(void **state)
{
	static const uint8_t zero[16] = { 0 };
	struct ns_packet pkt;

	(void)state;
	/* a stateful source: its prefix is not in the capture */
	frame(mac_ext, sizeof(mac_ext), p_ctx, sizeof(p_ctx), &pkt, 0);
	assert_int_equal(pkt.flags, NS_F_ADDR_UNKNOWN);
	assert_int_equal(pkt.src.family, 0);
	assert_int_equal(pkt.ip6.src.family, 0);
	assert_addr(&pkt.dst, ll_dst_ext);
	assert_int_equal(pkt.l4, NS_L4_UDP);
	assert_int_equal(pkt.udp.length, 12);
	/* SAC=1 SAM=00 is ::, no context needed */
	frame(mac_ext, sizeof(mac_ext), p_unspec, sizeof(p_unspec), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_addr(&pkt.src, zero);
	/* an elided IID without a link address to take it from */
	static const uint8_t mac_nosrc[] = { 0x41, 0x08, 0x01, 0xcd, 0xab, 0x34, 0x12 };
	frame(mac_nosrc, sizeof(mac_nosrc), p_unspec, sizeof(p_unspec), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	frame(mac_nosrc, sizeof(mac_nosrc), p_udp, sizeof(p_udp), &pkt, 0);
	assert_int_equal(pkt.flags, NS_F_ADDR_UNKNOWN);
	assert_int_equal(pkt.src.family, 0);
	assert_addr(&pkt.dst, ll_dst_short);
	/* a reserved mode: nothing after it can be placed */
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), p_reserved,
			 sizeof(p_reserved), NS_F_BAD_HEADER);
}

static void test_ext_headers(void **state)
{
	struct ns_packet pkt;

	(void)state;
	frame(mac_ext, sizeof(mac_ext), p_ext, sizeof(p_ext), &pkt, 0);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip6.next_header, 0);
	assert_int_equal(pkt.ip6.next_ext, 1);
	assert_int_equal(pkt.ip6.ext[0].type, 0);
	assert_int_equal(pkt.ip6.ext[0].next, 17);
	assert_int_equal(pkt.ip6.ext[0].len, 8);
	assert_int_equal(pkt.ip6.next, 17);
	assert_int_equal(pkt.ip6.payload_len, 8 + 9);
	assert_int_equal(pkt.udp.length, 9);
	assert_int_equal(pkt.udp.dst_port, 8);
}

static void test_not_lowpan(void **state)
{
	static const uint8_t nalp[] = { 0x00, 1, 2, 3 };
	static const uint8_t hc1[] = { 0x42, 0xff, 0x01 };
	/* a secured data frame: its payload is not readable */
	static const uint8_t mac_sec[] = { 0x49, 0x88, 0x01, 0xcd, 0xab, 0x34, 0x12, 0x78, 0x56 };

	(void)state;
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), nalp, sizeof(nalp), 0);
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), hc1, sizeof(hc1), 0);
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, mac_sec, sizeof(mac_sec), p_udp, sizeof(p_udp), 0);
	lu_expect_not_ip(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), NULL, 0, 0);
}

static const struct {
	const uint8_t *p;
	uint32_t len;
} payloads[] = {
	{ p_tcpdump, sizeof(p_tcpdump) }, { p_udp, sizeof(p_udp) }, { p_udp4, sizeof(p_udp4) },
	{ p_inline, sizeof(p_inline) }, { p_mcast8, sizeof(p_mcast8) }, { p_mcast48, sizeof(p_mcast48) },
	{ p_mcast32, sizeof(p_mcast32) }, { p_mesh, sizeof(p_mesh) }, { p_frag1, sizeof(p_frag1) },
	{ p_ctx, sizeof(p_ctx) }, { p_unspec, sizeof(p_unspec) }, { p_ext, sizeof(p_ext) },
};

/* Cut by the capture at every byte: truncated, no read past (ASan). */
static void test_cut_everywhere(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		uint32_t total = (uint32_t)sizeof(mac_ext) + payloads[i].len;

		for (uint32_t cap = 0; cap < total; cap++) {
			struct ns_packet pkt;

			lu_dissect(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), payloads[i].p,
				   payloads[i].len, NULL, 0, cap, &pkt);
			assert_true(pkt.flags & NS_F_TRUNCATED);
		}
	}
}

/* Shortened (a whole frame, but not all the bytes its headers need): never
 * truncated, never a read past the end; and every byte value in the
 * dispatch and IPHC bytes. */
static void test_short_and_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		for (uint32_t n = 0; n < payloads[i].len; n++) {
			struct ns_packet pkt;

			lu_dissect(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), payloads[i].p, n,
				   NULL, 0, ~0u, &pkt);
			assert_false(pkt.flags & NS_F_TRUNCATED);
		}
	}
	/* every value of each of the first bytes (dispatch, IPHC, NHC, mesh and
	 * fragment fields), at every length */
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		for (uint32_t pos = 0; pos < 4 && pos < payloads[i].len; pos++) {
			for (uint32_t v = 0; v < 256; v++) {
				uint8_t p[64];
				struct ns_packet pkt;

				memcpy(p, payloads[i].p, payloads[i].len);
				p[pos] = (uint8_t)v;
				for (uint32_t n = 0; n <= payloads[i].len; n++)
					lu_dissect(NS_LINK_IEEE802154_NOFCS, mac_ext, sizeof(mac_ext), p,
						   n, NULL, 0, ~0u, &pkt);
			}
		}
	}
}

/* The decoder on its own, without link addresses. */
static void test_direct(void **state)
{
	struct ns_packet pkt;

	(void)state;
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(unit_decode_exact(ns_decode_lowpan_frame, 0, p_udp, sizeof(p_udp), sizeof(p_udp), &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_ADDR_UNKNOWN);
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(ns_decode_sixlowpan(p_inline, sizeof(p_inline), sizeof(p_inline), NULL, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	pkt.payload = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcpdump_frame),
		cmocka_unit_test(test_nhc_udp),
		cmocka_unit_test(test_inline_fields),
		cmocka_unit_test(test_uncompressed),
		cmocka_unit_test(test_mesh_broadcast),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_contexts),
		cmocka_unit_test(test_ext_headers),
		cmocka_unit_test(test_not_lowpan),
		cmocka_unit_test(test_cut_everywhere),
		cmocka_unit_test(test_short_and_malformed),
		cmocka_unit_test(test_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
