/* Helpers for the link-type unit tests (test_ieee80211.c, test_wan.c, ...):
 * a link header + an IP packet in an exact-size heap buffer (ASan catches any
 * read past it), dissected as one frame. */
#ifndef NETSIFT_LINKUNIT_H
#define NETSIFT_LINKUNIT_H
#include "unit.h"

/* IPv4 10.0.0.1 -> 10.0.0.2, protocol 253, 8 bytes of payload (28 bytes). */
static const uint8_t lu_ip4[28] = {
	0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0xfd, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	1, 2, 3, 4, 5, 6, 7, 8,
};
/* IPv6 fe80::1 -> ff02::1, no next header (40 bytes). */
static const uint8_t lu_ip6[40] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 59, 0xff,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

/* Dissect hdr (hlen bytes) + payload (plen) + tail (tlen), of which only the
 * first cap bytes are captured (cap = ~0u: all). */
static inline int lu_dissect(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen,
			     const uint8_t *payload, uint32_t plen, const uint8_t *tail,
			     uint32_t tlen, uint32_t cap, struct ns_packet *pkt)
{
	uint32_t len = hlen + plen + tlen;
	uint8_t *buf = malloc(len ? len : 1);
	struct ns_ctx ctx;
	int rc;

	assert_non_null(buf);
	if (hlen)
		memcpy(buf, hdr, hlen);
	if (plen)
		memcpy(buf + hlen, payload, plen);
	if (tlen)
		memcpy(buf + hlen + plen, tail, tlen);
	if (plen >= 20 && (payload[0] >> 4) == 4)
		unit_ip4_checksum(buf + hlen, 20);
	if (cap > len)
		cap = len;
	memset(&ctx, 0, sizeof(ctx));
	ctx.wire_len = len;
	ctx.frame = 1;
	if (cap < len) {	/* an exact-size copy of the captured part */
		uint8_t *c = unit_copy_exact(buf, cap);

		free(buf);
		buf = c;
	}
	rc = ns_dissect(lt, buf, cap, &ctx, pkt);
	free(buf);
	pkt->payload = NULL;
	pkt->ip4.hdr = NULL;
	pkt->tcp.hdr = NULL;
	return rc;
}

/* hdr + the IPv4 test packet decodes to it, header hlen bytes long. */
static inline void lu_expect_ip4(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen)
{
	struct ns_packet pkt;

	assert_int_equal(lu_dissect(lt, hdr, hlen, lu_ip4, sizeof(lu_ip4), NULL, 0, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.type, lt);
	assert_int_equal(pkt.link.hdr_len, hlen);
	assert_int_equal(pkt.link.ethertype, 0x0800);
	assert_int_equal(pkt.l3, NS_L3_IPV4);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ipproto, 253);
	assert_int_equal(pkt.ip_wire_len, 28);
}

static inline void lu_expect_ip6(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen)
{
	struct ns_packet pkt;

	assert_int_equal(lu_dissect(lt, hdr, hlen, lu_ip6, sizeof(lu_ip6), NULL, 0, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, hlen);
	assert_int_equal(pkt.link.ethertype, 0x86dd);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.flags, 0);
}

/* hdr + payload is a frame without IP: not_ip (plus extra flags), -1. */
static inline void lu_expect_not_ip(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen,
				    const uint8_t *payload, uint32_t plen, uint32_t extra)
{
	struct ns_packet pkt;

	assert_int_equal(lu_dissect(lt, hdr, hlen, payload, plen, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.l3, NS_L3_NONE);
	assert_int_equal(pkt.flags, NS_F_NOT_IP | extra);
}

/* Every capture shorter than hlen: bad_link + truncated, -1, no read past. */
static inline void lu_expect_cut(enum ns_linktype lt, const uint8_t *hdr, uint32_t hlen)
{
	for (uint32_t cap = 0; cap < hlen; cap++) {
		struct ns_packet pkt;

		assert_int_equal(lu_dissect(lt, hdr, hlen, lu_ip4, sizeof(lu_ip4), NULL, 0, cap, &pkt), -1);
		assert_int_equal(pkt.l3, NS_L3_NONE);
		assert_int_equal(pkt.flags, NS_F_BAD_LINK | NS_F_TRUNCATED);
	}
}
#endif
