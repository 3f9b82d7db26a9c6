/* Unit tests for dissect/ipv6.c: fixed header, extension-header chains,
 * fragments, lengths (incl. jumbograms) and truncation at every byte. */
#include "unit.h"

#define PROTO_TEST 253	/* experimental: dispatched as NS_L4_OTHER */

/* A packet under construction. */
struct pb {
	uint8_t b[1600];	/* room for a chain of 150 fragment headers */
	uint32_t len;
};

/* Fixed header 2001:db8::1 -> 2001:db8::2; payload_len is set by finish(). */
static void start(struct pb *p, uint8_t next)
{
	static const uint8_t hdr[40] = {
		0x6a, 0xbc, 0xde, 0xf1, 0, 0, 0, 33,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	};

	memset(p, 0, sizeof(*p));
	memcpy(p->b, hdr, sizeof(hdr));
	p->b[6] = next;
	p->len = 40;
}

static void add(struct pb *p, const uint8_t *bytes, uint32_t n)
{
	assert_true(p->len + n <= sizeof(p->b));
	memcpy(p->b + p->len, bytes, n);
	p->len += n;
}

/* payload_len = everything after the fixed header */
static void finish(struct pb *p)
{
	p->b[4] = (uint8_t)((p->len - 40) >> 8);
	p->b[5] = (uint8_t)(p->len - 40);
}

/* Decode from a heap copy of exactly caplen bytes (ASan sees overreads). */
static void decode(const uint8_t *src, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt)
{
	unit_decode_exact(ns_decode_ipv6, NS_L3_NONE, src, caplen, wirelen, pkt);
	pkt->payload = NULL;
}

static const uint8_t payload8[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };

static void test_basic(void **state)
{
	struct pb p;
	struct ns_packet pkt;
	char s[NS_ADDR_STRLEN];

	(void)state;
	start(&p, PROTO_TEST);
	add(&p, payload8, 8);
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.l3, NS_L3_IPV6);
	assert_int_equal(pkt.ip6.hdr_avail, 40);
	assert_int_equal(pkt.ip6.version, 6);
	assert_int_equal(pkt.ip6.traffic_class, 0xab);
	assert_int_equal(pkt.ip6.flow_label, 0xcdef1);
	assert_int_equal(pkt.ip6.payload_len, 8);
	assert_int_equal(pkt.ip6.next_header, PROTO_TEST);
	assert_int_equal(pkt.ip6.next, PROTO_TEST);
	assert_int_equal(pkt.ip6.hop_limit, 33);
	assert_int_equal(pkt.ip6.next_ext, 0);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
	assert_true(pkt.first_fragment);
	assert_int_equal(pkt.ip_wire_len, 48);
	assert_int_equal(pkt.ip_cap_len, 48);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 8);
	ns_addr_format(&pkt.src, s);
	assert_string_equal(s, "2001:db8::1");
	ns_addr_format(&pkt.ip6.dst, s);
	assert_string_equal(s, "2001:db8::2");
}

/* HBH -> Routing -> Fragment (first, MF) -> DestOpts -> PROTO_TEST */
static void build_chain(struct pb *p)
{
	static const uint8_t hbh[8] = { 43, 0, 1, 4, 0, 0, 0, 0 };	/* PadN */
	static const uint8_t rt[24] = { 44, 2, 0, 1, 0, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	static const uint8_t frag[8] = { 60, 0, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78 };
	static const uint8_t dst[16] = { PROTO_TEST, 1, 1, 12 };	/* PadN 12 */

	start(p, 0);
	add(p, hbh, sizeof(hbh));
	add(p, rt, sizeof(rt));
	add(p, frag, sizeof(frag));
	add(p, dst, sizeof(dst));
	add(p, payload8, sizeof(payload8));
	finish(p);
}

static void test_ext_chain(void **state)
{
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	build_chain(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_true(pkt.first_fragment);
	assert_int_equal(pkt.ip6.next_header, 0);
	assert_int_equal(pkt.ip6.next_ext, 4);
	assert_int_equal(pkt.ip6.ext[0].type, 0);
	assert_int_equal(pkt.ip6.ext[0].next, 43);
	assert_int_equal(pkt.ip6.ext[0].len, 8);
	assert_int_equal(pkt.ip6.ext[1].type, 43);
	assert_int_equal(pkt.ip6.ext[1].next, 44);
	assert_int_equal(pkt.ip6.ext[1].len, 24);
	assert_int_equal(pkt.ip6.ext[1].routing_type, 0);
	assert_int_equal(pkt.ip6.ext[1].segments_left, 1);
	assert_int_equal(pkt.ip6.ext[2].type, 44);
	assert_int_equal(pkt.ip6.ext[2].next, 60);
	assert_int_equal(pkt.ip6.ext[2].len, 8);
	assert_int_equal(pkt.ip6.ext[2].frag_off, 0);
	assert_true(pkt.ip6.ext[2].more_frags);
	assert_int_equal(pkt.ip6.ext[2].frag_id, 0x12345678);
	assert_int_equal(pkt.ip6.ext[3].type, 60);
	assert_int_equal(pkt.ip6.ext[3].next, PROTO_TEST);
	assert_int_equal(pkt.ip6.ext[3].len, 16);
	assert_int_equal(pkt.ip6.next, PROTO_TEST);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 8);
	assert_int_equal(pkt.ip_wire_len, p.len);
}

static void test_nonfirst_fragment(void **state)
{
	static const uint8_t frag[8] = { 6, 0, 0x05, 0xc8, 0, 0, 0, 7 };	/* offset 185, last */
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	start(&p, 44);
	add(&p, frag, sizeof(frag));
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_false(pkt.first_fragment);
	assert_int_equal(pkt.ip6.next_ext, 1);
	assert_int_equal(pkt.ip6.ext[0].frag_off, 185);
	assert_false(pkt.ip6.ext[0].more_frags);
	assert_int_equal(pkt.ip6.ext[0].frag_id, 7);
	assert_int_equal(pkt.ipproto, 6);
	assert_int_equal(pkt.l4, NS_L4_NONE);

	/* an atomic fragment (offset 0, no MF, RFC 6946): a Fragment header
	 * makes a fragment (as tshark says), but the datagram is whole: the
	 * transport is decoded and its lengths are the datagram's */
	p.b[42] = 0;
	p.b[43] = 0;
	p.b[40] = PROTO_TEST;
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_true(pkt.first_fragment);
	assert_false(pkt.more_fragments);
	assert_int_equal(pkt.l4, NS_L4_OTHER);

	/* a first fragment (offset 0, MF): more to come */
	p.b[43] = 1;
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_true(pkt.first_fragment);
	assert_true(pkt.more_fragments);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
}

static void test_truncated_every_byte(void **state)
{
	/* where the fields of each extension header in build_chain() end
	 * (HBH: 2, routing: 4, fragment: 8, dest-opts: 2 bytes); a header is
	 * recorded once they are captured */
	static const uint32_t fields_end[4] = { 42, 52, 80, 82 };
	struct pb p;

	(void)state;
	build_chain(&p);
	for (uint32_t cap = 0; cap <= p.len; cap++) {
		struct ns_packet pkt;
		uint8_t nexts = 0;

		decode(p.b, cap, p.len, &pkt);
		for (int i = 0; i < 4; i++)
			if (cap >= fields_end[i])
				nexts++;
		assert_int_equal(pkt.l3, NS_L3_IPV6);
		assert_int_equal(pkt.ip6.hdr_avail, cap < 40 ? cap : 40);
		assert_int_equal(pkt.ip_cap_len, cap);
		assert_int_equal(pkt.ip_wire_len, p.len);
		if (cap < p.len)
			assert_true(pkt.flags & NS_F_TRUNCATED);
		else
			assert_false(pkt.flags & NS_F_TRUNCATED);
		assert_false(pkt.flags & (NS_F_BAD_LENGTH | NS_F_BAD_VERSION | NS_F_EXT_HDR_LIMIT));
		assert_int_equal(pkt.ip6.next_ext, nexts);
		/* the next-header reached: the last header wholly captured */
		assert_int_equal(pkt.ipproto, cap >= 96 ? PROTO_TEST : cap >= 80 ? 60 :
				 cap >= 72 ? 44 : cap >= 48 ? 43 : 0);
		if (nexts >= 2) {
			assert_int_equal(pkt.ip6.ext[1].segments_left, 1);
			assert_int_equal(pkt.ip6.ext[1].len, 24);
		}
		assert_int_equal(pkt.l4, cap >= 96 ? NS_L4_OTHER : NS_L4_NONE);
		assert_int_equal(pkt.src.family, cap >= 24 ? 6 : 0);
		assert_int_equal(pkt.dst.family, cap >= 40 ? 6 : 0);
		if (cap >= 96)
			assert_int_equal(pkt.payload_caplen, cap - 96);
	}
}

static void test_ext_limit(void **state)
{
	static const uint8_t dst[8] = { 60, 0, 1, 4, 0, 0, 0, 0 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	/* exactly NS_MAX_IP6_EXT headers: fine */
	start(&p, 60);
	for (int i = 0; i < NS_MAX_IP6_EXT; i++)
		add(&p, dst, sizeof(dst));
	p.b[p.len - 8] = PROTO_TEST;
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip6.next_ext, NS_MAX_IP6_EXT);
	assert_int_equal(pkt.l4, NS_L4_OTHER);

	/* one more: not recorded (flagged), but the walk goes on to the
	 * transport as tshark's does */
	start(&p, 60);
	for (int i = 0; i < NS_MAX_IP6_EXT + 1; i++)
		add(&p, dst, sizeof(dst));
	p.b[p.len - 8] = PROTO_TEST;
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_EXT_HDR_LIMIT);
	assert_int_equal(pkt.ip6.next_ext, NS_MAX_IP6_EXT);
	assert_int_equal(pkt.ip6.ext[NS_MAX_IP6_EXT - 1].next, 60);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	assert_int_equal(pkt.payload_caplen, 8);

	/* cut inside the headers past the limit: truncated, no transport */
	decode(p.b, 40 + 8 * NS_MAX_IP6_EXT + 4, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_EXT_HDR_LIMIT | NS_F_TRUNCATED);
	assert_int_equal(pkt.ip6.next_ext, NS_MAX_IP6_EXT);
	assert_int_equal(pkt.ipproto, 60);
	assert_int_equal(pkt.l4, NS_L4_NONE);
}

/* suricata-verify ipv6-malformed-fragments-11: 150 atomic fragment headers,
 * then ICMPv6. tshark walks them all to the echo request. */
static void test_long_fragment_chain(void **state)
{
	static const uint8_t frag[8] = { 44, 0, 0, 0, 0, 0, 0, 9 };
	static const uint8_t echo[8] = { 128, 0, 0, 0, 0, 7, 0, 1 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	start(&p, 44);
	for (int i = 0; i < 150; i++)
		add(&p, frag, sizeof(frag));
	p.b[p.len - 8] = 58;
	add(&p, echo, sizeof(echo));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT | NS_F_EXT_HDR_LIMIT);
	assert_int_equal(pkt.ip6.next_ext, NS_MAX_IP6_EXT);
	assert_true(pkt.first_fragment);
	assert_false(pkt.more_fragments);
	assert_int_equal(pkt.ipproto, 58);
	assert_int_equal(pkt.l4, NS_L4_ICMPV6);
	assert_true(pkt.icmp.has_seq);
	assert_int_equal(pkt.icmp.id, 7);

	/* a non-first fragment header past the recorded ones still makes
	 * the rest opaque */
	p.b[40 + 8 * 100 + 2] = 0x01;	/* offset 32 */
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT | NS_F_EXT_HDR_LIMIT);
	assert_false(pkt.first_fragment);
	assert_int_equal(pkt.ipproto, 44);
	assert_int_equal(pkt.l4, NS_L4_NONE);

	/* one with MF set deep in the chain: a first fragment */
	p.b[40 + 8 * 100 + 2] = 0;
	p.b[40 + 8 * 100 + 3] = 1;
	decode(p.b, p.len, p.len, &pkt);
	assert_true(pkt.first_fragment);
	assert_true(pkt.more_fragments);
	assert_int_equal(pkt.l4, NS_L4_ICMPV6);

	/* a lone atomic fragment header (suricata-verify firewall
	 * tcp-session-ipv6-decode-malformed frame 4) is a fragment */
	start(&p, 44);
	add(&p, frag, sizeof(frag));
	p.b[40] = 58;
	add(&p, echo, sizeof(echo));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_FRAGMENT);
	assert_int_equal(pkt.l4, NS_L4_ICMPV6);
}

/* Hop-by-hop and destination options: a TLV running past its header is
 * bad_options; a header cut by the capture is checked as far as it goes. */
static void test_option_tlvs(void **state)
{
	/* Pad1, PadN(2), PadN(0): exactly 8 bytes */
	static const uint8_t good[8] = { PROTO_TEST, 0, 0, 1, 2, 0, 0, 0 };
	/* PadN claiming 6 bytes from offset 2 -> ends at 10 > 8 */
	static const uint8_t over[8] = { PROTO_TEST, 0, 1, 6, 0, 0, 0, 0 };
	/* an option type in the last byte: no room for its length */
	static const uint8_t nolen[8] = { PROTO_TEST, 0, 0, 0, 0, 0, 0, 0x3e };
	struct pb p;
	struct ns_packet pkt;
	uint8_t first;

	(void)state;
	for (first = 0; first <= 60; first += 60) {
		start(&p, first);
		add(&p, good, sizeof(good));
		add(&p, payload8, sizeof(payload8));
		finish(&p);
		decode(p.b, p.len, p.len, &pkt);
		assert_int_equal(pkt.flags, 0);
		assert_int_equal(pkt.l4, NS_L4_OTHER);

		memcpy(p.b + 40, over, sizeof(over));
		decode(p.b, p.len, p.len, &pkt);
		assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
		/* the header's own length still says where the next one is */
		assert_int_equal(pkt.l4, NS_L4_OTHER);
		assert_int_equal(pkt.ip6.next_ext, 1);

		/* cut before the overrun can be seen: only truncated */
		decode(p.b, 43, p.len, &pkt);
		assert_int_equal(pkt.flags, NS_F_TRUNCATED);

		memcpy(p.b + 40, nolen, sizeof(nolen));
		decode(p.b, p.len, p.len, &pkt);
		assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS);
	}

	/* a destination options header past the recorded ones is checked too */
	start(&p, 60);
	for (int i = 0; i < NS_MAX_IP6_EXT; i++) {
		add(&p, good, sizeof(good));
		p.b[p.len - 8] = 60;
	}
	add(&p, over, sizeof(over));
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_OPTIONS | NS_F_EXT_HDR_LIMIT);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
}

static void test_hbh_not_first(void **state)
{
	static const uint8_t dst[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t hbh[8] = { 17, 0, 1, 4, 0, 0, 0, 0 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	start(&p, 60);
	add(&p, dst, sizeof(dst));
	add(&p, hbh, sizeof(hbh));
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_HEADER);
	assert_int_equal(pkt.ip6.next_ext, 1);
	assert_int_equal(pkt.ipproto, 0);
	assert_int_equal(pkt.l4, NS_L4_NONE);
}

static void test_walk_ends(void **state)
{
	static const uint8_t hbh_nonxt[8] = { 59, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t ah[24] = { PROTO_TEST, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5 };
	static const uint8_t mh[8] = { 139, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t hip[16] = { 140, 1 };
	static const uint8_t shim6[8] = { 59, 0 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	/* ESP ends the walk: its payload is opaque */
	start(&p, 50);
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ipproto, 50);
	assert_int_equal(pkt.ip6.next_ext, 0);
	assert_int_equal(pkt.l4, NS_L4_OTHER);

	/* HBH then No Next Header */
	start(&p, 0);
	add(&p, hbh_nonxt, sizeof(hbh_nonxt));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ipproto, 59);
	assert_int_equal(pkt.ip6.next_ext, 1);

	/* AH: length in 4-byte units + 2 */
	start(&p, 51);
	add(&p, ah, sizeof(ah));
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip6.ext[0].type, 51);
	assert_int_equal(pkt.ip6.ext[0].len, 24);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
	assert_int_equal(pkt.payload_caplen, 8);

	/* Mobility, HIP, Shim6 are walked too */
	start(&p, 135);
	add(&p, mh, sizeof(mh));
	add(&p, hip, sizeof(hip));
	add(&p, shim6, sizeof(shim6));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip6.next_ext, 3);
	assert_int_equal(pkt.ip6.ext[0].type, 135);
	assert_int_equal(pkt.ip6.ext[1].type, 139);
	assert_int_equal(pkt.ip6.ext[1].len, 16);
	assert_int_equal(pkt.ip6.ext[2].type, 140);
	assert_int_equal(pkt.ipproto, 59);
}

static void test_lengths(void **state)
{
	static const uint8_t hbh16[16] = { PROTO_TEST, 1, 1, 12 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	/* payload_len beyond the wire: bad_length, use the wire */
	start(&p, PROTO_TEST);
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	p.b[5] = 200;
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.ip_wire_len, 48);
	assert_int_equal(pkt.payload_caplen, 8);

	/* an extension header running past payload_len */
	start(&p, 0);
	add(&p, hbh16, sizeof(hbh16));
	finish(&p);
	p.b[5] = 8;
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.ip_wire_len, 48);
	/* recorded (its fields are there), but the walk stops */
	assert_int_equal(pkt.ip6.next_ext, 1);
	assert_int_equal(pkt.ip6.ext[0].len, 16);
	assert_int_equal(pkt.ipproto, 0);
	assert_int_equal(pkt.l4, NS_L4_NONE);

	/* Ethernet padding: 40 + 8 in a 46-byte minimum payload... and more */
	start(&p, PROTO_TEST);
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	p.len = 60;
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip_wire_len, 48);
	assert_int_equal(pkt.ip_cap_len, 48);
	assert_int_equal(pkt.payload_caplen, 8);

	/* snaplen-cut: truncated, not bad length */
	decode(p.b, 44, 48, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_cap_len, 44);
	assert_int_equal(pkt.payload_caplen, 4);
}

static void test_jumbo(void **state)
{
	/* HBH with a Jumbo Payload option (RFC 2675): 70000 bytes after the
	 * fixed header */
	static const uint8_t hbh[8] = { PROTO_TEST, 0, 0xc2, 4, 0, 1, 0x11, 0x70 };
	/* Pad1, PadN(0), then jumbo 65536 */
	static const uint8_t pad_then_jumbo[16] = { PROTO_TEST, 1, 0, 1, 0, 0xc2, 4, 0, 1, 0, 0,
		1, 2, 0, 0, 0 };
	static const uint8_t hbh_no_jumbo[8] = { PROTO_TEST, 0, 1, 4, 0, 0, 0, 0 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	start(&p, 0);
	add(&p, hbh, sizeof(hbh));
	add(&p, payload8, sizeof(payload8));
	/* payload_len stays 0; snaplen-cut capture of the whole jumbogram */
	decode(p.b, p.len, 70040, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 70040);
	assert_int_equal(pkt.ip_cap_len, p.len);
	assert_int_equal(pkt.ipproto, PROTO_TEST);
	assert_int_equal(pkt.l4, NS_L4_OTHER);
	/* trailing bytes on the wire are clamped off */
	decode(p.b, p.len, 70100, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 70040);
	/* a jumbo length beyond the wire is a bad length */
	decode(p.b, p.len, 60000, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED | NS_F_BAD_LENGTH);
	assert_int_equal(pkt.ip_wire_len, 60000);
	/* the option itself not captured: trust the wire */
	decode(p.b, 44, 70100, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 70100);

	start(&p, 0);
	add(&p, pad_then_jumbo, sizeof(pad_then_jumbo));
	decode(p.b, p.len, 65576, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 65576);

	/* payload_len 0 with an HBH header lacking the option: bad length */
	start(&p, 0);
	add(&p, hbh_no_jumbo, sizeof(hbh_no_jumbo));
	add(&p, payload8, sizeof(payload8));
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.ip_wire_len, p.len);

	/* BIG TCP without the HBH header: payload_len 0, > 64 KiB on the wire */
	start(&p, PROTO_TEST);
	add(&p, payload8, sizeof(payload8));
	decode(p.b, p.len, 100000, &pkt);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.ip_wire_len, 100000);

	/* payload_len 0 on a small packet without jumbo: the payload is empty */
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.ip_wire_len, 40);
	assert_int_equal(pkt.payload_caplen, 0);
}

static void test_bad_version(void **state)
{
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	start(&p, 6);
	add(&p, payload8, sizeof(payload8));
	finish(&p);
	p.b[0] = 0x40;
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_VERSION);
	assert_int_equal(pkt.l4, NS_L4_NONE);
	decode(p.b, 10, p.len, &pkt);
	assert_int_equal(pkt.flags, NS_F_BAD_VERSION | NS_F_TRUNCATED);
}

static void test_tcp_dispatch(void **state)
{
	/* ports 443 -> 50000, data offset 5, SYN|ACK */
	static const uint8_t tcp[20] = { 0x01, 0xbb, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 2,
		0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0 };
	struct pb p;
	struct ns_packet pkt;

	(void)state;
	start(&p, 6);
	add(&p, tcp, sizeof(tcp));
	finish(&p);
	decode(p.b, p.len, p.len, &pkt);
	assert_int_equal(pkt.l4, NS_L4_TCP);
	assert_int_equal(pkt.tcp.src_port, 443);
	assert_int_equal(pkt.tcp.dst_port, 50000);
	assert_int_equal(pkt.tcp.payload_len, 0);
}

/* Random chains must never crash or read past caplen (run under ASan). */
static void test_fuzz(void **state)
{
	static const uint8_t nhs[] = { 0, 43, 44, 60, 51, 135, 139, 140, 50, 59, 6, 17, 58 };
	uint8_t b[160];
	uint32_t seed = 777;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		struct ns_packet pkt;
		uint32_t cap, wire;

		unit_fill_random(b, sizeof(b), &seed);
		b[0] = (uint8_t)(0x60 | (b[0] & 0x0f));
		b[4] = 0;
		b[6] = nhs[b[6] % sizeof(nhs)];
		/* make the chain plausible: small lengths, known next headers */
		for (uint32_t off = 40; off + 2 <= sizeof(b); off += 8) {
			b[off] = nhs[b[off] % sizeof(nhs)];
			b[off + 1] &= 1;
		}
		cap = (seed >> 8) % (sizeof(b) + 1);
		wire = cap + (seed >> 20) % 64;
		decode(b, cap, wire, &pkt);
		assert_true(pkt.ip_cap_len <= cap);
		assert_true(pkt.ip_cap_len <= pkt.ip_wire_len);
		assert_true(pkt.ip_wire_len <= wire);
		assert_true(pkt.payload_caplen <= cap);
		assert_true(pkt.ip6.next_ext <= NS_MAX_IP6_EXT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_ext_chain),
		cmocka_unit_test(test_nonfirst_fragment),
		cmocka_unit_test(test_truncated_every_byte),
		cmocka_unit_test(test_ext_limit),
		cmocka_unit_test(test_long_fragment_chain),
		cmocka_unit_test(test_option_tlvs),
		cmocka_unit_test(test_hbh_not_first),
		cmocka_unit_test(test_walk_ends),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_jumbo),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_tcp_dispatch),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
