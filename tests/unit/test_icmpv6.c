/* Unit tests for dissect/icmpv6.c: ns_decode_icmpv6, the IPv6 side of the
 * quoted-datagram reader (extension header walk) and the ICMPv6 typeCode names.
 * Inputs are copied into buffers of exactly caplen bytes so the sanitizer
 * build catches any read past the capture. */
#include "unit.h"

#define MSG_MAX 192

static const uint8_t a_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t a_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t a_ll[16] = { 0xfe, 0x80, [15] = 1 };

static size_t put_icmp6(uint8_t *b, uint8_t type, uint8_t code, uint32_t w)
{
	b[0] = type;
	b[1] = code;
	b[2] = 0xbe;
	b[3] = 0xef;
	b[4] = (uint8_t)(w >> 24);
	b[5] = (uint8_t)(w >> 16);
	b[6] = (uint8_t)(w >> 8);
	b[7] = (uint8_t)w;
	return 8;
}

static size_t put_ipv6(uint8_t *b, uint8_t next, uint16_t plen)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	b[4] = (uint8_t)(plen >> 8);
	b[5] = (uint8_t)plen;
	b[6] = next;
	b[7] = 64;
	memcpy(b + 8, a_src, 16);
	memcpy(b + 24, a_dst, 16);
	return 40;
}

/* Generic extension header of len bytes (multiple of 8) naming next. */
static size_t put_ext(uint8_t *b, uint8_t next, size_t len)
{
	memset(b, 0, len);
	b[0] = next;
	b[1] = (uint8_t)(len / 8 - 1);
	if (len > 2)
		b[2] = 0x01, b[3] = (uint8_t)(len - 4);  /* one PadN filling the rest */
	return len;
}

static size_t put_frag(uint8_t *b, uint8_t next, uint16_t off_units, bool more)
{
	memset(b, 0, 8);
	b[0] = next;
	uint16_t f = (uint16_t)(off_units << 3 | (more ? 1 : 0));
	b[2] = (uint8_t)(f >> 8);
	b[3] = (uint8_t)f;
	b[7] = 0x2a;
	return 8;
}

/* UDP 40000 -> 9 */
static size_t put_udp(uint8_t *b)
{
	static const uint8_t u[8] = { 0x9c, 0x40, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00 };
	memcpy(b, u, 8);
	return 8;
}

static int decode_exact(const uint8_t *d, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_icmpv6, NS_L3_IPV6, d, caplen, len, pkt);
}

static void quote_exact(const uint8_t *d, uint32_t caplen, struct ns_icmp_quote *q)
{
	uint8_t *copy = unit_copy_exact(d, caplen);

	ns_decode_icmp_quote(copy, caplen, q);
	free(copy);
}

static void test_echo(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = put_icmp6(m, 128, 0, 0x00420003);
	memset(m + n, 0x55, 32);
	n += 32;

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.l4, NS_L4_ICMPV6);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.icmp.version, 6);
	assert_int_equal(pkt.icmp.type, 128);
	assert_int_equal(pkt.icmp.checksum, 0xbeef);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 0x42);
	assert_int_equal(pkt.icmp.seq, 3);
	assert_false(pkt.icmp.has_target);
	assert_false(pkt.icmp.quote.present);
	assert_ptr_equal(pkt.payload, m + 8);
	assert_int_equal(pkt.payload_caplen, 32);
	assert_icmp_typecode(&pkt.icmp, "EchoRequest");

	m[0] = 129;
	decode_exact(m, n, n, &pkt);
	assert_true(pkt.icmp.has_echo);
	assert_icmp_typecode(&pkt.icmp, "EchoReply");

	/* each of id and seq when its bytes were captured (as tshark) */
	decode_exact(m, 7, n, &pkt);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 0x42);
	assert_false(pkt.icmp.has_seq);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	decode_exact(m, 6, n, &pkt);
	assert_true(pkt.icmp.has_echo);
	assert_false(pkt.icmp.has_seq);
	decode_exact(m, 5, n, &pkt);
	assert_false(pkt.icmp.has_echo);
	assert_false(pkt.icmp.has_seq);
	decode_exact(m, 8, n, &pkt);
	assert_true(pkt.icmp.has_seq);
	assert_int_equal(pkt.icmp.seq, 3);
}

static void test_neighbor_discovery(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = put_icmp6(m, 135, 0, 0);
	memcpy(m + n, a_ll, 16);
	n += 16;
	static const uint8_t sll[8] = { 1, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	memcpy(m + n, sll, 8);
	n += 8;

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_true(pkt.icmp.has_target);
	assert_int_equal(pkt.icmp.target.family, 6);
	assert_memory_equal(pkt.icmp.target.a, a_ll, 16);
	assert_false(pkt.icmp.has_echo);
	assert_false(pkt.icmp.quote.present);
	assert_icmp_typecode(&pkt.icmp, "NeighborSolicitation");

	put_icmp6(m, 136, 0, 0x60000000u);  /* solicited + override */
	decode_exact(m, n, n, &pkt);
	assert_true(pkt.icmp.has_target);
	assert_memory_equal(pkt.icmp.target.a, a_ll, 16);
	assert_icmp_typecode(&pkt.icmp, "NeighborAdvertisement");

	/* target cut by the capture */
	decode_exact(m, 23, n, &pkt);
	assert_false(pkt.icmp.has_target);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);

	/* IP declared a message too short for a target */
	decode_exact(m, 20, 20, &pkt);
	assert_false(pkt.icmp.has_target);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
}

static void test_redirect_target(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = put_icmp6(m, 137, 0, 0);
	memcpy(m + n, a_ll, 16);   /* target: the better first hop */
	n += 16;
	memcpy(m + n, a_dst, 16);  /* destination */
	n += 16;

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_true(pkt.icmp.has_target);
	assert_memory_equal(pkt.icmp.target.a, a_ll, 16);
	assert_icmp_typecode(&pkt.icmp, "Redirect");
}

/* Error message quoting IPv6 + UDP with the given type/code/second word. */
static size_t build_error_udp(uint8_t *m, uint8_t type, uint8_t code, uint32_t w)
{
	size_t n = put_icmp6(m, type, code, w);
	n += put_ipv6(m + n, 17, 8);
	n += put_udp(m + n);
	return n;
}

static void assert_quote_udp(const struct ns_icmp_quote *q)
{
	assert_true(q->present);
	assert_int_equal(q->version, 6);
	assert_int_equal(q->src.family, 6);
	assert_memory_equal(q->src.a, a_src, 16);
	assert_int_equal(q->dst.family, 6);
	assert_memory_equal(q->dst.a, a_dst, 16);
	assert_int_equal(q->protocol, 17);
	assert_true(q->has_ports);
	assert_int_equal(q->src_port, 40000);
	assert_int_equal(q->dst_port, 9);
}

static void test_dest_unreachable_udp(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error_udp(m, 1, 4, 0);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_icmp_typecode(&pkt.icmp, "DestinationUnreachable(PortUnreachable)");
	assert_quote_udp(&pkt.icmp.quote);
	assert_int_equal(pkt.icmp.quote.ttl, 64);
	assert_int_equal(pkt.icmp.quote.total_len, 8);
	assert_int_equal(pkt.icmp.quote.id, 0);
}

static void test_packet_too_big(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error_udp(m, 2, 0, 1280);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.icmp.mtu, 1280);
	assert_icmp_typecode(&pkt.icmp, "PacketTooBig");
	assert_quote_udp(&pkt.icmp.quote);
}

static void test_time_exceeded_and_param_problem(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error_udp(m, 3, 0, 0);

	decode_exact(m, n, n, &pkt);
	assert_icmp_typecode(&pkt.icmp, "TimeExceeded(HopLimitExceeded)");
	assert_quote_udp(&pkt.icmp.quote);

	n = build_error_udp(m, 4, 1, 6);
	decode_exact(m, n, n, &pkt);
	assert_int_equal(pkt.icmp.pointer6, 6);
	assert_int_equal(pkt.icmp.mtu, 0);
	assert_icmp_typecode(&pkt.icmp, "ParameterProblem(UnrecognizedNextHeader)");
	assert_quote_udp(&pkt.icmp.quote);
}

/* Quoted IPv6 with HBH, Fragment (offset 0), Destination options, AH, then UDP. */
static size_t build_ext_chain(uint8_t *m)
{
	size_t n = put_icmp6(m, 1, 0, 0);
	n += put_ipv6(m + n, 0, 56);
	n += put_ext(m + n, 44, 8);
	n += put_frag(m + n, 60, 0, true);
	n += put_ext(m + n, 51, 16);
	/* AH: payload length 4 => (4 + 2) * 4 = 24 bytes */
	memset(m + n, 0, 24);
	m[n] = 17;
	m[n + 1] = 4;
	n += 24;
	n += put_udp(m + n);
	return n;
}

static void test_quote_ext_headers(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_ext_chain(m);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_quote_udp(&pkt.icmp.quote);
	assert_icmp_typecode(&pkt.icmp, "DestinationUnreachable(NoRouteToDst)");
}

/* Cut at every byte: the quote appears at 40 quoted bytes; the protocol is
 * wherever the walk had to stop; ports only with the whole chain + 4. */
static void test_quote_ext_truncated_every_byte(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	uint32_t n = (uint32_t)build_ext_chain(m);
	/* quoted offsets: HBH 40, frag 48, dstopts 56, AH 72, UDP 96 */
	const uint32_t q0 = 8;

	for (uint32_t cap = 0; cap <= n; cap++) {
		int rc = decode_exact(m, cap, n, &pkt);
		assert_int_equal(rc, cap >= 4 ? 0 : -1);
		assert_int_equal(pkt.flags, cap < n ? NS_F_TRUNCATED : 0);
		const struct ns_icmp_quote *q = &pkt.icmp.quote;
		assert_int_equal(q->present, cap >= q0 + 40);
		if (!q->present)
			continue;
		uint8_t want = cap < q0 + 42 ? 0 : cap < q0 + 52 ? 44 : cap < q0 + 58 ? 60 :
			       cap < q0 + 74 ? 51 : 17;
		assert_int_equal(q->protocol, want);
		assert_int_equal(q->has_ports, cap >= q0 + 100);
	}
}

static void test_quote_non_first_fragment(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = put_icmp6(m, 3, 1, 0);
	n += put_ipv6(m + n, 44, 16);
	n += put_frag(m + n, 17, 100, false);
	n += put_udp(m + n);

	decode_exact(m, n, n, &pkt);
	assert_icmp_typecode(&pkt.icmp, "TimeExceeded(FragmentReassemblyTimeExceeded)");
	assert_true(pkt.icmp.quote.present);
	assert_int_equal(pkt.icmp.quote.protocol, 17);
	assert_false(pkt.icmp.quote.has_ports);
}

static void test_quote_no_next_and_long_chain(void **state)
{
	(void)state;
	uint8_t b[MSG_MAX];
	struct ns_icmp_quote q;

	/* no next header */
	size_t n = put_ipv6(b, 59, 0);
	quote_exact(b, (uint32_t)n, &q);
	assert_true(q.present);
	assert_int_equal(q.protocol, 59);
	assert_false(q.has_ports);

	/* a chain whose next header was not captured: the walk stops on an
	 * ext header */
	n = put_ipv6(b, 60, 0);
	for (int i = 0; i < NS_MAX_IP6_EXT + 2; i++)
		n += put_ext(b + n, 60, 8);
	quote_exact(b, (uint32_t)n, &q);
	assert_true(q.present);
	assert_int_equal(q.protocol, 60);
	assert_false(q.has_ports);

	/* a chain longer than NS_MAX_IP6_EXT is walked to the transport, as
	 * the packet's own chain is (suricata-verify ipv6-malformed-fragments-11
	 * quotes 150 fragment headers) */
	n = put_ipv6(b, 60, 0);
	for (int i = 0; i < NS_MAX_IP6_EXT + 2; i++)
		n += put_ext(b + n, i == NS_MAX_IP6_EXT + 1 ? 17 : 60, 8);
	b[n] = 0x12, b[n + 1] = 0x34, b[n + 2] = 0, b[n + 3] = 53;
	n += 4;
	quote_exact(b, (uint32_t)n, &q);
	assert_int_equal(q.protocol, 17);
	assert_true(q.has_ports);
	assert_int_equal(q.src_port, 0x1234);
	assert_int_equal(q.dst_port, 53);

	/* an extension length pointing far past the capture */
	n = put_ipv6(b, 0, 0);
	n += put_ext(b + n, 17, 8);
	b[41] = 255;
	quote_exact(b, (uint32_t)n, &q);
	assert_int_equal(q.protocol, 17);
	assert_false(q.has_ports);

	/* an IPv4 quote inside ICMPv6 (translators) is read as IPv4 */
	memset(b, 0, 28);
	b[0] = 0x45;
	b[9] = 17;
	b[20] = 0x12;
	b[21] = 0x34;
	quote_exact(b, 28, &q);
	assert_true(q.present);
	assert_int_equal(q.version, 4);
	assert_int_equal(q.src_port, 0x1234);

	quote_exact(b, 0, &q);
	assert_false(q.present);
}

static void test_short_and_unknown(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX] = { 0 };
	struct ns_packet pkt;

	put_icmp6(m, 200, 7, 0);
	assert_int_equal(decode_exact(m, 4, 4, &pkt), 0);
	assert_int_equal(pkt.flags, 0);  /* unknown types only need 4 bytes */
	assert_icmp_typecode(&pkt.icmp, "Type(200)Code(7)");

	put_icmp6(m, 128, 0, 0x00070009);
	assert_int_equal(decode_exact(m, 6, 6, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	/* the identifier's bytes are there: reported; the sequence's are not */
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 7);
	assert_false(pkt.icmp.has_seq);

	assert_int_equal(decode_exact(m, 2, 2, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.icmp.type, 128);

	assert_int_equal(decode_exact(m, 0, 8, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.icmp.hdr_avail, 0);

	/* an error with a code-only body: no quote */
	put_icmp6(m, 1, 3, 0);
	assert_int_equal(decode_exact(m, 8, 8, &pkt), 0);
	assert_false(pkt.icmp.quote.present);
	assert_null(pkt.payload);
}

static void test_typecode_names(void **state)
{
	(void)state;
	static const struct { uint8_t type, code; const char *name; } t[] = {
		{ 1, 0, "DestinationUnreachable(NoRouteToDst)" },
		{ 1, 1, "DestinationUnreachable(AdminProhibited)" },
		{ 1, 2, "DestinationUnreachable(BeyondScopeOfSrc)" },
		{ 1, 3, "DestinationUnreachable(AddressUnreachable)" },
		{ 1, 4, "DestinationUnreachable(PortUnreachable)" },
		{ 1, 5, "DestinationUnreachable(SrcAddressFailedPolicy)" },
		{ 1, 6, "DestinationUnreachable(RejectRouteToDst)" },
		{ 1, 7, "DestinationUnreachable(7)" },
		{ 2, 0, "PacketTooBig" },
		{ 2, 1, "PacketTooBig(1)" },
		{ 3, 0, "TimeExceeded(HopLimitExceeded)" },
		{ 3, 1, "TimeExceeded(FragmentReassemblyTimeExceeded)" },
		{ 3, 2, "TimeExceeded(2)" },
		{ 4, 0, "ParameterProblem(ErroneousHeaderField)" },
		{ 4, 1, "ParameterProblem(UnrecognizedNextHeader)" },
		{ 4, 2, "ParameterProblem(UnrecognizedIPv6Option)" },
		{ 4, 3, "ParameterProblem(3)" },
		{ 128, 0, "EchoRequest" },
		{ 129, 0, "EchoReply" },
		{ 129, 9, "EchoReply(9)" },
		{ 130, 0, "MLDv1MulticastListenerQuery" },
		{ 131, 0, "MLDv1MulticastListenerReport" },
		{ 132, 0, "MLDv1MulticastListenerDone" },
		{ 133, 0, "RouterSolicitation" },
		{ 134, 0, "RouterAdvertisement" },
		{ 135, 0, "NeighborSolicitation" },
		{ 136, 0, "NeighborAdvertisement" },
		{ 137, 0, "Redirect" },
		{ 143, 0, "MLDv2MulticastListenerReport" },
		{ 0, 0, "Type(0)Code(0)" },
		{ 8, 0, "Type(8)Code(0)" },   /* ICMPv4 numbers mean nothing here */
		{ 138, 0, "Type(138)Code(0)" },
		{ 255, 1, "Type(255)Code(1)" },
	};
	struct ns_icmp ic;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&ic, 0, sizeof(ic));
		ic.version = 6;
		ic.type = t[i].type;
		ic.code = t[i].code;
		assert_icmp_typecode(&ic, t[i].name);
	}
}

static void test_random(void **state)
{
	(void)state;
	uint32_t rng = 99;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	static const uint8_t types[] = { 1, 2, 3, 4, 128, 135, 136, 137, 200 };
	static const uint8_t nexts[] = { 0, 43, 44, 51, 60, 6, 17, 59 };

	for (int iter = 0; iter < 20000; iter++) {
		unit_fill_random(m, sizeof(m), &rng);
		m[0] = types[(rng >> 4) % sizeof(types)];
		m[8] = 0x60;
		m[14] = nexts[(rng >> 9) % sizeof(nexts)];
		/* steer extension headers toward walkable, short ones */
		for (size_t off = 48; off + 1 < sizeof(m); off += 8) {
			m[off] = nexts[(m[off] >> 2) % sizeof(nexts)];
			m[off + 1] &= 0x03;
		}
		uint32_t len = (rng >> 8) % (MSG_MAX + 1);
		uint32_t cap = len ? (rng >> 3) % (len + 1) : 0;
		decode_exact(m, cap, len, &pkt);
		assert_true(pkt.icmp.hdr_avail <= cap);
		if (pkt.payload)
			assert_true(pkt.payload - m + pkt.payload_caplen <= cap);
		if (pkt.icmp.has_target)
			assert_true(cap >= 24);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_neighbor_discovery),
		cmocka_unit_test(test_redirect_target),
		cmocka_unit_test(test_dest_unreachable_udp),
		cmocka_unit_test(test_packet_too_big),
		cmocka_unit_test(test_time_exceeded_and_param_problem),
		cmocka_unit_test(test_quote_ext_headers),
		cmocka_unit_test(test_quote_ext_truncated_every_byte),
		cmocka_unit_test(test_quote_non_first_fragment),
		cmocka_unit_test(test_quote_no_next_and_long_chain),
		cmocka_unit_test(test_short_and_unknown),
		cmocka_unit_test(test_typecode_names),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
