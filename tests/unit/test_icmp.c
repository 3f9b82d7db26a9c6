/* Unit tests for dissect/icmp.c: ns_decode_icmp, the quoted-datagram reader
 * (IPv4 side; IPv6 quotes are in test_icmpv6.c) and the ICMPv4 typeCode names.
 * Inputs are copied into buffers of exactly caplen bytes so the sanitizer
 * build catches any read past the capture. */
#include "unit.h"

#define MSG_MAX 128

static const uint8_t ip_a[4] = { 10, 0, 0, 2 };
static const uint8_t ip_b[4] = { 10, 0, 0, 1 };

/* IPv4 header without checksum: ihl words, given proto/total length/fragment field. */
static size_t put_ipv4(uint8_t *b, uint8_t ihl, uint8_t proto, uint16_t total_len,
		       uint16_t frag_field)
{
	memset(b, 0, (size_t)ihl * 4);
	b[0] = (uint8_t)(0x40 | ihl);
	b[2] = (uint8_t)(total_len >> 8);
	b[3] = (uint8_t)total_len;
	b[4] = 0xab;
	b[5] = 0xcd;
	b[6] = (uint8_t)(frag_field >> 8);
	b[7] = (uint8_t)frag_field;
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, ip_a, 4);
	memcpy(b + 16, ip_b, 4);
	for (size_t i = 20; i < (size_t)ihl * 4; i++)
		b[i] = 0x01;  /* NOP options */
	return (size_t)ihl * 4;
}

/* Ports 40000 -> 9 and 4 more bytes (UDP length/checksum or TCP seq). */
static size_t put_ports(uint8_t *b)
{
	static const uint8_t p[8] = { 0x9c, 0x40, 0x00, 0x09, 0x00, 0x08, 0x12, 0x34 };
	memcpy(b, p, sizeof(p));
	return sizeof(p);
}

/* ICMP header: type, code, checksum 0x1234, second word w. */
static size_t put_icmp(uint8_t *b, uint8_t type, uint8_t code, uint32_t w)
{
	b[0] = type;
	b[1] = code;
	b[2] = 0x12;
	b[3] = 0x34;
	b[4] = (uint8_t)(w >> 24);
	b[5] = (uint8_t)(w >> 16);
	b[6] = (uint8_t)(w >> 8);
	b[7] = (uint8_t)w;
	return 8;
}

/* Error message quoting IPv4 (ihl, proto, frag) + 8 transport bytes. */
static size_t build_error(uint8_t *b, uint8_t type, uint8_t code, uint32_t w,
			  uint8_t ihl, uint8_t proto, uint16_t frag)
{
	size_t n = put_icmp(b, type, code, w);
	n += put_ipv4(b + n, ihl, proto, (uint16_t)(ihl * 4 + 8), frag);
	n += put_ports(b + n);
	return n;
}

static int decode_exact(const uint8_t *d, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return unit_decode_exact(ns_decode_icmp, NS_L3_IPV4, d, caplen, len, pkt);
}

static void test_echo_request(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = put_icmp(m, 8, 0, 0x04d20007);
	memset(m + n, 0x61, 16);
	n += 16;

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.l4, NS_L4_ICMP);
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(pkt.icmp.version, 4);
	assert_int_equal(pkt.icmp.hdr_avail, 8);
	assert_int_equal(pkt.icmp.type, 8);
	assert_int_equal(pkt.icmp.code, 0);
	assert_int_equal(pkt.icmp.checksum, 0x1234);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 1234);
	assert_int_equal(pkt.icmp.seq, 7);
	assert_false(pkt.icmp.quote.present);
	assert_false(pkt.icmp.has_gateway);
	assert_int_equal(pkt.icmp.mtu, 0);
	assert_ptr_equal(pkt.payload, m + 8);
	assert_int_equal(pkt.payload_caplen, 16);
	assert_icmp_typecode(&pkt.icmp, "EchoRequest");

	put_icmp(m, 0, 0, 0x04d20007);
	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_true(pkt.icmp.has_echo);
	assert_icmp_typecode(&pkt.icmp, "EchoReply");
}

/* Issue 11: id/seq of an echo cut by the capture, each reported when its
 * own bytes were captured (tshark does the same: icmp.ident from 6 bytes). */
static void test_echo_cut_every_byte(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = put_icmp(m, 8, 0, 0x04d20007);

	for (uint32_t cap = 0; cap <= n; cap++) {
		decode_exact(m, cap, (uint32_t)n, &pkt);
		assert_int_equal(pkt.icmp.has_echo, cap >= 6);
		assert_int_equal(pkt.icmp.has_seq, cap >= 8);
		assert_int_equal(pkt.icmp.id, cap >= 6 ? 1234 : 0);
		assert_int_equal(pkt.icmp.seq, cap >= 8 ? 7 : 0);
		if (cap < n)
			assert_true(pkt.flags & NS_F_TRUNCATED);
	}

	/* RFC 8335 extended echo: the 8-bit sequence number is byte 6 */
	put_icmp(m, 42, 0, 0x04d20900);
	decode_exact(m, 7, (uint32_t)n, &pkt);
	assert_true(pkt.icmp.has_echo);
	assert_true(pkt.icmp.has_seq);
	assert_int_equal(pkt.icmp.id, 1234);
	assert_int_equal(pkt.icmp.seq, 9);
	decode_exact(m, 6, (uint32_t)n, &pkt);
	assert_true(pkt.icmp.has_echo);
	assert_false(pkt.icmp.has_seq);

	/* not an echo: bytes 4..7 are no identifier */
	put_icmp(m, 3, 3, 0x04d20007);
	decode_exact(m, 8, 8, &pkt);
	assert_false(pkt.icmp.has_echo);
	assert_false(pkt.icmp.has_seq);
}

static void test_other_idseq_types(void **state)
{
	(void)state;
	static const struct { uint8_t type; const char *name; } t[] = {
		{ 13, "TimestampRequest" }, { 14, "TimestampReply" },
		{ 15, "InformationRequest" }, { 16, "InformationReply" },
		{ 17, "AddressMaskRequest" }, { 18, "AddressMaskReply" },
	};
	uint8_t m[MSG_MAX] = { 0 };
	struct ns_packet pkt;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		put_icmp(m, t[i].type, 0, 0x00050006);
		assert_int_equal(decode_exact(m, 20, 20, &pkt), 0);
		assert_true(pkt.icmp.has_echo);
		assert_int_equal(pkt.icmp.id, 5);
		assert_int_equal(pkt.icmp.seq, 6);
		assert_false(pkt.icmp.quote.present);
		assert_icmp_typecode(&pkt.icmp, t[i].name);
	}
}

static void test_port_unreachable_udp(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 3, 3, 0, 5, 17, 0x4000 /* DF */);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_false(pkt.icmp.has_echo);
	assert_icmp_typecode(&pkt.icmp, "DestinationUnreachable(Port)");
	const struct ns_icmp_quote *q = &pkt.icmp.quote;
	assert_true(q->present);
	assert_int_equal(q->version, 4);
	assert_int_equal(q->src.family, 4);
	assert_memory_equal(q->src.a, ip_a, 4);
	assert_int_equal(q->dst.family, 4);
	assert_memory_equal(q->dst.a, ip_b, 4);
	assert_int_equal(q->protocol, 17);
	assert_int_equal(q->ttl, 64);
	assert_int_equal(q->total_len, 28);
	assert_int_equal(q->id, 0xabcd);
	assert_true(q->has_ports);
	assert_int_equal(q->src_port, 40000);
	assert_int_equal(q->dst_port, 9);
}

/* Cut the message at every byte: the quote appears at 20 quoted bytes, its
 * ports at 24; nothing is read past the capture. */
static void test_quote_truncated_every_byte(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	uint32_t n = (uint32_t)build_error(m, 3, 3, 0, 5, 17, 0);

	for (uint32_t cap = 0; cap <= n; cap++) {
		int rc = decode_exact(m, cap, n, &pkt);
		assert_int_equal(rc, cap >= 4 ? 0 : -1);
		assert_int_equal(pkt.l4, NS_L4_ICMP);
		assert_int_equal(pkt.flags, cap < n ? NS_F_TRUNCATED : 0);
		assert_int_equal(pkt.icmp.hdr_avail, cap < 8 ? cap : 8);
		assert_int_equal(pkt.icmp.type, cap >= 1 ? 3 : 0);
		assert_int_equal(pkt.icmp.code, cap >= 2 ? 3 : 0);
		assert_int_equal(pkt.icmp.checksum, cap >= 4 ? 0x1234 : 0);
		assert_int_equal(pkt.icmp.quote.present, cap >= 28);
		assert_int_equal(pkt.icmp.quote.has_ports, cap >= 32);
		if (cap >= 28)
			assert_int_equal(pkt.icmp.quote.protocol, 17);
	}
}

static void test_quote_with_ip_options(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	uint32_t n = (uint32_t)build_error(m, 3, 3, 0, 7, 6, 0);  /* IHL 7: 8 option bytes */

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_true(pkt.icmp.quote.present);
	assert_int_equal(pkt.icmp.quote.protocol, 6);
	assert_true(pkt.icmp.quote.has_ports);
	assert_int_equal(pkt.icmp.quote.src_port, 40000);
	assert_int_equal(pkt.icmp.quote.dst_port, 9);

	/* ports need IHL*4 + 4 bytes: 8 + 28 + 4 */
	assert_int_equal(decode_exact(m, 39, n, &pkt), 0);
	assert_true(pkt.icmp.quote.present);
	assert_false(pkt.icmp.quote.has_ports);
	assert_int_equal(decode_exact(m, 40, n, &pkt), 0);
	assert_true(pkt.icmp.quote.has_ports);
}

static void test_quote_fragments_and_protocols(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n;

	/* first fragment (MF, offset 0): ports are there */
	n = build_error(m, 11, 1, 0, 5, 17, 0x2000);
	decode_exact(m, n, n, &pkt);
	assert_true(pkt.icmp.quote.has_ports);
	assert_icmp_typecode(&pkt.icmp, "TimeExceeded(FragmentReassemblyTimeExceeded)");

	/* non-first fragment: the quoted bytes are not a transport header */
	n = build_error(m, 11, 1, 0, 5, 17, 0x2000 | 185);
	decode_exact(m, n, n, &pkt);
	assert_true(pkt.icmp.quote.present);
	assert_false(pkt.icmp.quote.has_ports);

	/* SCTP and UDP-Lite have ports; ICMP and GRE do not */
	static const struct { uint8_t proto; bool ports; } p[] = {
		{ 132, true }, { 136, true }, { 1, false }, { 47, false },
	};
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		n = build_error(m, 3, 1, 0, 5, p[i].proto, 0);
		decode_exact(m, n, n, &pkt);
		assert_true(pkt.icmp.quote.present);
		assert_int_equal(pkt.icmp.quote.protocol, p[i].proto);
		assert_int_equal(pkt.icmp.quote.has_ports, p[i].ports);
	}
}

static void test_quote_not_ip(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 3, 3, 0, 5, 17, 0);

	m[8] = 0x44;  /* IHL 4 */
	decode_exact(m, n, n, &pkt);
	assert_false(pkt.icmp.quote.present);
	m[8] = 0x55;  /* version 5 */
	decode_exact(m, n, n, &pkt);
	assert_false(pkt.icmp.quote.present);
	m[8] = 0x65;  /* "IPv6" but only 28 quoted bytes */
	decode_exact(m, n, n, &pkt);
	assert_false(pkt.icmp.quote.present);
}

static void test_frag_needed_mtu(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 3, 4, 1500, 5, 6, 0x4000);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.icmp.mtu, 1500);
	assert_icmp_typecode(&pkt.icmp, "DestinationUnreachable(FragmentationNeeded)");
	assert_true(pkt.icmp.quote.has_ports);
	assert_int_equal(pkt.icmp.quote.protocol, 6);

	/* other unreachable codes do not carry an MTU */
	n = build_error(m, 3, 1, 1500, 5, 6, 0);
	decode_exact(m, n, n, &pkt);
	assert_int_equal(pkt.icmp.mtu, 0);
	assert_icmp_typecode(&pkt.icmp, "DestinationUnreachable(Host)");
}

static void test_time_exceeded(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 11, 0, 0, 5, 17, 0);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_icmp_typecode(&pkt.icmp, "TimeExceeded(TTLExceeded)");
	assert_true(pkt.icmp.quote.present);
	assert_int_equal(pkt.icmp.quote.dst_port, 9);
}

static void test_redirect_gateway(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 5, 1, 0xc0a801feu, 5, 6, 0);
	static const uint8_t gw[4] = { 192, 168, 1, 254 };

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_true(pkt.icmp.has_gateway);
	assert_int_equal(pkt.icmp.gateway.family, 4);
	assert_memory_equal(pkt.icmp.gateway.a, gw, 4);
	assert_false(pkt.icmp.has_echo);
	assert_icmp_typecode(&pkt.icmp, "Redirect(Host)");
	assert_true(pkt.icmp.quote.has_ports);

	/* gateway needs the whole second word */
	decode_exact(m, 7, n, &pkt);
	assert_false(pkt.icmp.has_gateway);
}

static void test_parameter_problem(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 12, 0, 0x14000000u, 5, 17, 0);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.icmp.pointer, 20);
	assert_icmp_typecode(&pkt.icmp, "ParameterProblem(PointerIndicatesError)");
	assert_true(pkt.icmp.quote.present);
}

static void test_source_quench_quotes(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	size_t n = build_error(m, 4, 0, 0, 5, 6, 0);

	decode_exact(m, n, n, &pkt);
	assert_icmp_typecode(&pkt.icmp, "SourceQuench");
	assert_true(pkt.icmp.quote.has_ports);
}

static void test_unknown_types(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	/* an unknown type with what looks like a quote: not read as one
	 * (44: unassigned; 42/43 are RFC 8335 extended echo, which has id/seq) */
	size_t n = build_error(m, 44, 3, 0, 5, 17, 0);

	assert_int_equal(decode_exact(m, n, n, &pkt), 0);
	assert_int_equal(pkt.flags, 0);
	assert_false(pkt.icmp.has_echo);
	assert_false(pkt.icmp.quote.present);
	assert_icmp_typecode(&pkt.icmp, "Type(44)Code(3)");

	/* echo replies are not errors: no quote even if the bytes look like one */
	put_icmp(m, 0, 0, 0);
	decode_exact(m, n, n, &pkt);
	assert_false(pkt.icmp.quote.present);
}

static void test_short_lengths(void **state)
{
	(void)state;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;
	put_icmp(m, 8, 0, 0x00010002);

	/* IP declared only 4 bytes: an ICMP message needs 8 */
	assert_int_equal(decode_exact(m, 4, 4, &pkt), 0);
	assert_int_equal(pkt.flags, NS_F_BAD_LENGTH);
	assert_int_equal(pkt.icmp.hdr_avail, 4);
	assert_int_equal(pkt.icmp.type, 8);
	assert_false(pkt.icmp.has_echo);

	/* 3 bytes: no event for the caller, type/code still set */
	assert_int_equal(decode_exact(m, 3, 8, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_TRUNCATED);
	assert_int_equal(pkt.icmp.type, 8);

	/* caplen beyond len is clamped to len; the identifier (bytes 4-5)
	 * is inside, the sequence number is not */
	assert_int_equal(decode_exact(m, 8, 6, &pkt), 0);
	assert_int_equal(pkt.icmp.hdr_avail, 6);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 1);
	assert_false(pkt.icmp.has_seq);
}

static void test_typecode_names(void **state)
{
	(void)state;
	static const struct { uint8_t type, code; const char *name; } t[] = {
		{ 0, 0, "EchoReply" },
		{ 3, 0, "DestinationUnreachable(Net)" },
		{ 3, 1, "DestinationUnreachable(Host)" },
		{ 3, 2, "DestinationUnreachable(Protocol)" },
		{ 3, 3, "DestinationUnreachable(Port)" },
		{ 3, 4, "DestinationUnreachable(FragmentationNeeded)" },
		{ 3, 5, "DestinationUnreachable(SourceRouteFailed)" },
		{ 3, 6, "DestinationUnreachable(NetUnknown)" },
		{ 3, 7, "DestinationUnreachable(HostUnknown)" },
		{ 3, 8, "DestinationUnreachable(SourceIsolated)" },
		{ 3, 9, "DestinationUnreachable(NetAdminProhibited)" },
		{ 3, 10, "DestinationUnreachable(HostAdminProhibited)" },
		{ 3, 11, "DestinationUnreachable(NetTOS)" },
		{ 3, 12, "DestinationUnreachable(HostTOS)" },
		{ 3, 13, "DestinationUnreachable(CommAdminProhibited)" },
		{ 3, 14, "DestinationUnreachable(HostPrecedenceViolation)" },
		{ 3, 15, "DestinationUnreachable(PrecedenceCutoff)" },
		{ 3, 16, "DestinationUnreachable(16)" },
		{ 4, 0, "SourceQuench" },
		{ 5, 0, "Redirect(Net)" },
		{ 5, 1, "Redirect(Host)" },
		{ 5, 2, "Redirect(TOSNet)" },
		{ 5, 3, "Redirect(TOSHost)" },
		{ 5, 4, "Redirect(4)" },
		{ 8, 0, "EchoRequest" },
		{ 8, 1, "EchoRequest(1)" },
		{ 9, 0, "RouterAdvertisement" },
		{ 9, 16, "RouterAdvertisement(16)" },
		{ 10, 0, "RouterSolicitation" },
		{ 11, 0, "TimeExceeded(TTLExceeded)" },
		{ 11, 1, "TimeExceeded(FragmentReassemblyTimeExceeded)" },
		{ 11, 2, "TimeExceeded(2)" },
		{ 12, 0, "ParameterProblem(PointerIndicatesError)" },
		{ 12, 1, "ParameterProblem(MissingOption)" },
		{ 12, 2, "ParameterProblem(BadLength)" },
		{ 12, 255, "ParameterProblem(255)" },
		{ 13, 0, "TimestampRequest" },
		{ 14, 0, "TimestampReply" },
		{ 15, 0, "InformationRequest" },
		{ 16, 0, "InformationReply" },
		{ 17, 0, "AddressMaskRequest" },
		{ 18, 0, "AddressMaskReply" },
		{ 1, 0, "Type(1)Code(0)" },
		{ 19, 0, "Type(19)Code(0)" },
		{ 255, 255, "Type(255)Code(255)" },
		/* ICMPv6 type numbers mean nothing in ICMPv4 */
		{ 128, 0, "Type(128)Code(0)" },
	};
	struct ns_icmp ic;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&ic, 0, sizeof(ic));
		ic.version = 4;
		ic.type = t[i].type;
		ic.code = t[i].code;
		assert_icmp_typecode(&ic, t[i].name);
	}
}

static void test_typecode_small_buffer(void **state)
{
	(void)state;
	struct ns_icmp ic;
	char buf[8];

	memset(&ic, 0, sizeof(ic));
	ic.version = 4;
	ic.type = 3;
	ic.code = 3;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(ns_icmp_typecode(&ic, buf, 5), 4);
	assert_string_equal(buf, "Dest");
	assert_int_equal(buf[5], 'x');
	assert_int_equal(ns_icmp_typecode(&ic, buf, 0), 0);
}

static void test_random(void **state)
{
	(void)state;
	uint32_t rng = 4242;
	uint8_t m[MSG_MAX];
	struct ns_packet pkt;

	for (int iter = 0; iter < 20000; iter++) {
		unit_fill_random(m, sizeof(m), &rng);
		static const uint8_t types[] = { 0, 3, 4, 5, 8, 11, 12, 13, 42 };
		m[0] = types[(rng >> 4) % sizeof(types)];
		m[8] = (uint8_t)(0x40 | (m[8] & 0x0f));  /* mostly a quoted IPv4 header */
		uint32_t len = (rng >> 8) % (MSG_MAX + 1);
		uint32_t cap = len ? (rng >> 3) % (len + 1) : 0;
		decode_exact(m, cap, len, &pkt);
		assert_true(pkt.icmp.hdr_avail <= cap);
		if (pkt.payload)
			assert_true(pkt.payload - m + pkt.payload_caplen <= cap);
		if (pkt.icmp.quote.has_ports)
			assert_true(pkt.icmp.quote.present);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_request),
		cmocka_unit_test(test_echo_cut_every_byte),
		cmocka_unit_test(test_other_idseq_types),
		cmocka_unit_test(test_port_unreachable_udp),
		cmocka_unit_test(test_quote_truncated_every_byte),
		cmocka_unit_test(test_quote_with_ip_options),
		cmocka_unit_test(test_quote_fragments_and_protocols),
		cmocka_unit_test(test_quote_not_ip),
		cmocka_unit_test(test_frag_needed_mtu),
		cmocka_unit_test(test_time_exceeded),
		cmocka_unit_test(test_redirect_gateway),
		cmocka_unit_test(test_parameter_problem),
		cmocka_unit_test(test_source_quench_quotes),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_short_lengths),
		cmocka_unit_test(test_typecode_names),
		cmocka_unit_test(test_typecode_small_buffer),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
