/* Unit tests for the output formatters and memory streams (src/outbuf.c), the JSON event writer
 * (src/output/json_packet.c) on a hand-built packet, -e parsing and --local matching. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "outbuf.h"
#include "output/json.h"
#include "events.h"
#include "pipeline.h"

static void check_u64(uint64_t v)
{
	char got[32], want[32];
	size_t n = fmt_u64(got, v);

	got[n] = '\0';
	snprintf(want, sizeof(want), "%" PRIu64, v);
	assert_string_equal(got, want);
}

static void test_fmt_u64(void **state)
{
	static const uint64_t vals[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 65535, 99999,
		100000, 999999, 1000000, 9999999, 10000000, 99999999, 100000000,
		999999999, 1000000000, 4294967295ull, 4294967296ull, 9999999999ull,
		10000000000ull, 1000000000000000000ull, 1418145369924505488ull,
		1000000000000000001ull, 18446744073709551615ull,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		check_u64(vals[i]);
	for (uint64_t v = 1; v < UINT64_MAX / 3; v = v * 3 + 1)
		check_u64(v);
}

static void test_fmt_i64_pad_hex(void **state)
{
	char b[32];
	size_t n;
	const uint8_t bytes[] = { 0x00, 0x0a, 0xff, 0x7f };

	(void)state;
	n = fmt_i64(b, INT64_MIN);
	b[n] = '\0';
	assert_string_equal(b, "-9223372036854775808");
	n = fmt_i64(b, -5);
	b[n] = '\0';
	assert_string_equal(b, "-5");
	n = fmt_u_pad(b, 7, 6);
	b[n] = '\0';
	assert_string_equal(b, "000007");
	n = fmt_u_pad(b, 1234567, 6);
	b[n] = '\0';
	assert_string_equal(b, "1234567");
	n = fmt_hex(b, bytes, sizeof(bytes));
	b[n] = '\0';
	assert_string_equal(b, "000aff7f");
}

static char *ob_text(struct outbuf *ob)
{
	ob_putc(ob, '\0');
	return ob->buf;
}

static void test_json_str(void **state)
{
	struct outbuf ob;
	const char in[] = "a\"b\\c\n\t\x01\x7f\xc3\xa9";

	(void)state;
	assert_int_equal(ob_init(&ob, -1, 16), 0);
	ob_json_str(&ob, in, sizeof(in) - 1);
	assert_string_equal(ob_text(&ob), "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\\u00c3\\u00a9\"");
	ob_free(&ob);
}

/* Small memory buffer: the writers grow it (memory mode) and keep every byte. */
static void test_outbuf_grow(void **state)
{
	struct outbuf ob;
	char big[10000];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(ob_init(&ob, -1, 4096), 0);
	for (int i = 0; i < 1000; i++)
		ob_u64(&ob, 1234567890123ull);
	ob_mem(&ob, big, sizeof(big));
	assert_int_equal(ob.len, 13000 + sizeof(big));
	ob_free(&ob);
}

/* Through a pipe: a full buffer is flushed with write(2), in order. */
/* A memory stream: everything written comes back NUL-terminated, across
 * its 4 KiB stdio buffer and the growth of the outbuf behind it; an empty
 * one gives an empty string. */
static void test_memfile(void **state)
{
	struct ob_memfile m;
	char *buf = NULL;
	size_t len = 1;

	(void)state;
	assert_int_equal(ob_memfile_open(&m), 0);
	assert_true(ob_memfile_close(&m, &buf, &len));
	assert_non_null(buf);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);

	assert_int_equal(ob_memfile_open(&m), 0);
	for (int i = 0; i < 5000; i++)
		fprintf(m.fp, "%04d,", i);
	assert_true(ob_memfile_close(&m, &buf, &len));
	assert_int_equal(len, 25000);
	assert_int_equal(buf[len], '\0');
	assert_memory_equal(buf, "0000,0001,", 10);
	assert_memory_equal(buf + len - 5, "4999,", 5);
	free(buf);
}

static void test_outbuf_flush(void **state)
{
	struct outbuf ob;
	int fds[2];
	char rd[8192];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(ob_init(&ob, fds[1], 4096), 0);
	for (int i = 0; i < 1000; i++)
		ob_putc(&ob, (char)('a' + i % 26));
	for (int i = 0; i < 1000; i++)
		ob_u64(&ob, (uint64_t)i % 10);
	assert_int_equal(ob_flush(&ob), 0);
	close(fds[1]);
	n = read(fds[0], rd, sizeof(rd));
	assert_int_equal(n, 2000);
	assert_int_equal(rd[0], 'a');
	assert_int_equal(rd[26], 'a');
	assert_int_equal(rd[1000], '0');
	assert_int_equal(rd[1999], '9');
	close(fds[0]);
	ob_free(&ob);
}

/* A closed reader: the error is recorded once and later writes are dropped. */
static void test_outbuf_epipe(void **state)
{
	struct outbuf ob;
	int fds[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	assert_int_equal(ob_init(&ob, fds[1], 4096), 0);
	OB_LIT(&ob, "hello");
	assert_int_equal(ob_flush(&ob), -1);
	assert_int_equal(ob.err, EPIPE);
	for (int i = 0; i < 10000; i++)
		OB_LIT(&ob, "more");
	assert_int_equal(ob.err, EPIPE);
	close(fds[1]);
	ob_free(&ob);
}

/* IPv4 + TCP SYN with options, dissected for real and written as JSON. */
static const uint8_t syn[] = {
	0x45, 0x00, 0x00, 0x34, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x00, 0x50, 0x15, 0xb3, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x80, 0x02, 0xfe, 0x88, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07, 0x04, 0x02, 0x00, 0x00,
};

static void test_json_packet(void **state)
{
	struct ns_ctx ctx;
	static struct ns_packet pkt;
	struct outbuf ob;
	const char *want_tcp =
		"{\"timestamp\":1700000000000000001,\"eventName\":\"net_packet_tcp\","
		"\"processId\":7,\"threadId\":8,\"processName\":\"cu\\\"rl\",\"cgroupId\":9,"
		"\"userId\":10,\"frame\":3,\"argsNum\":6,\"args\":["
		"{\"name\":\"src\",\"type\":\"const char*\",\"value\":\"10.0.0.1\"},"
		"{\"name\":\"dst\",\"type\":\"const char*\",\"value\":\"10.0.0.2\"},"
		"{\"name\":\"src_port\",\"type\":\"u16\",\"value\":80},"
		"{\"name\":\"dst_port\",\"type\":\"u16\",\"value\":5555},"
		"{\"name\":\"metadata\",\"type\":\"trace.PacketMetadata\",\"value\":{"
		"\"srcIP\":\"10.0.0.1\",\"dstIP\":\"10.0.0.2\",\"srcPort\":80,\"dstPort\":5555,"
		"\"protocol\":\"TCP\",\"packetLen\":52,\"capturedLen\":52,\"iface\":\"eth0\","
		"\"direction\":\"egress\",\"flags\":[\"bad_ip_checksum\"]}},"
		"{\"name\":\"proto_tcp\",\"type\":\"trace.ProtoTCP\",\"value\":{"
		"\"srcPort\":80,\"dstPort\":5555,\"seq\":1,\"ack\":0,\"dataOffset\":8,"
		"\"FIN\":false,\"SYN\":true,\"RST\":false,\"PSH\":false,\"ACK\":false,"
		"\"URG\":false,\"ECE\":false,\"CWR\":false,\"NS\":false,\"window\":65160,"
		"\"checksum\":0,\"urgent\":0,\"options\":["
		"{\"kind\":2,\"name\":\"MSS\",\"length\":4,\"mss\":1460},"
		"{\"kind\":1,\"name\":\"NOP\",\"length\":1},"
		"{\"kind\":3,\"name\":\"WS\",\"length\":3,\"shift\":7},"
		"{\"kind\":4,\"name\":\"SACK_PERM\",\"length\":2},"
		"{\"kind\":0,\"name\":\"EOL\",\"length\":1}"
		"],\"payloadLen\":0}}]}\n";
	char *text, *nl;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.ts_ns = 1700000000000000001ull;
	ctx.frame = 3;
	ctx.wire_len = sizeof(syn);
	ctx.direction = NS_DIR_EGRESS;
	strcpy(ctx.iface, "eth0");
	ctx.task.pid = 7;
	ctx.task.tid = 8;
	ctx.task.cgroup_id = 9;
	ctx.task.uid = 10;
	strcpy(ctx.task.comm, "cu\"rl");
	assert_int_equal(ns_dissect(NS_LINK_RAW, syn, sizeof(syn), &ctx, &pkt), 0);
	assert_int_equal(out_packet_events(&pkt, NS_EV_PACKET_ALL), NS_EV_IPV4 | NS_EV_TCP);
	assert_int_equal(out_packet_events(&pkt, NS_EV_TCP | NS_EV_UDP), NS_EV_TCP);
	assert_int_equal(ob_init(&ob, -1, 4096), 0);
	assert_int_equal(out_json_packet(&ob, &pkt, syn + sizeof(syn),
					 NS_EV_IPV4 | NS_EV_TCP), 2);
	text = ob_text(&ob);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	/* the IP event comes first, with the same envelope and metadata */
	assert_non_null(strstr(text, "\"eventName\":\"net_packet_ipv4\""));
	assert_true(strstr(text, "\"options\":[]}}]}\n") == nl - 16);
	assert_string_equal(nl + 1, want_tcp);
	ob_free(&ob);

	/* only the transport event selected: it renders everything itself */
	assert_int_equal(ob_init(&ob, -1, 4096), 0);
	assert_int_equal(out_json_packet(&ob, &pkt, syn + sizeof(syn), NS_EV_TCP), 1);
	assert_string_equal(ob_text(&ob), want_tcp);
	ob_free(&ob);
}

/* Fields beyond the captured part of the TCP header are null. */
static void test_json_tcp_truncated(void **state)
{
	struct ns_ctx ctx;
	static struct ns_packet pkt;
	struct outbuf ob;
	char *text;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.wire_len = sizeof(syn);
	assert_int_equal(ns_dissect(NS_LINK_RAW, syn, 30, &ctx, &pkt), 0);
	assert_int_equal(ob_init(&ob, -1, 4096), 0);
	assert_int_equal(out_json_packet(&ob, &pkt, syn + 30, NS_EV_TCP), 1);
	text = ob_text(&ob);
	assert_non_null(strstr(text, "\"seq\":1,\"ack\":null,\"dataOffset\":null,\"FIN\":null"));
	assert_non_null(strstr(text, "\"window\":null,\"checksum\":null,\"urgent\":null,\"options\":[],\"payloadLen\":null}"));
	assert_non_null(strstr(text, "\"truncated\""));
	ob_free(&ob);
}

static void test_events_parse(void **state)
{
	uint32_t m = 0;
	char err[512];

	(void)state;
	assert_int_equal(ns_events_parse("net_packet_tcp,net_packet_ipv6", &m, err, sizeof(err)), 0);
	assert_int_equal(m, NS_EV_TCP | NS_EV_IPV6);
	assert_int_equal(ns_events_parse("net_packet_tcp,bogus", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown event 'bogus'"));
	assert_non_null(strstr(err, "net_packet_icmpv6"));
	assert_int_equal(ns_events_parse("", &m, err, sizeof(err)), -1);
	assert_string_equal(ns_event_name(NS_EV_UDP), "net_packet_udp");
}

static void test_cidr(void **state)
{
	struct ns_cidr c;
	struct ns_addr a = { .family = 4, .a = { 10, 1, 2, 3 } };
	struct ns_addr b = { .family = 4, .a = { 11, 1, 2, 3 } };
	struct ns_addr v6 = { .family = 6, .a = { 0xfe, 0x80, [15] = 1 } };

	(void)state;
	assert_int_equal(ns_cidr_parse("10.0.0.0/8", &c), 0);
	assert_true(ns_cidr_match(&c, &a));
	assert_false(ns_cidr_match(&c, &b));
	assert_false(ns_cidr_match(&c, &v6));
	assert_int_equal(ns_cidr_parse("10.1.2.3", &c), 0);
	assert_int_equal(c.bits, 32);
	assert_true(ns_cidr_match(&c, &a));
	assert_int_equal(ns_cidr_parse("fe80::/10", &c), 0);
	assert_true(ns_cidr_match(&c, &v6));
	assert_int_equal(ns_cidr_parse("fe80::/129", &c), -1);
	assert_int_equal(ns_cidr_parse("10.0.0.0/", &c), -1);
	assert_int_equal(ns_cidr_parse("10.0.0.0/8x", &c), -1);
	assert_int_equal(ns_cidr_parse("example.com", &c), -1);
	assert_int_equal(ns_cidr_parse("0.0.0.0/0", &c), 0);
	assert_true(ns_cidr_match(&c, &b));
}

/* The output registry: -o names per command kind, and the lists that
 * --help and the error messages print. */
static void test_output_registry(void **state)
{
	(void)state;
	assert_ptr_equal(ns_output_find("json", NS_OUT_EVENTS), &ns_output_json);
	assert_ptr_equal(ns_output_find("table", NS_OUT_EVENTS), &ns_output_table);
	assert_null(ns_output_find("text", NS_OUT_EVENTS));
	assert_null(ns_output_find("xml", NS_OUT_EVENTS));
	assert_null(ns_output_find("", NS_OUT_REPORT));
	assert_ptr_equal(ns_output_find("json", NS_OUT_REPORT), &ns_output_json);
	assert_ptr_equal(ns_output_find("text", NS_OUT_REPORT), &ns_output_table);
	assert_string_equal(ns_output_names(NS_OUT_EVENTS), "json or table");
	assert_string_equal(ns_output_names(NS_OUT_REPORT), "json, text, zeek, zeek-json or html");
	/* the conn.log formats serve analyze only, from the Zeek tracker */
	assert_ptr_equal(ns_output_find("zeek", NS_OUT_REPORT), &ns_output_zeek);
	assert_ptr_equal(ns_output_find("zeek-json", NS_OUT_REPORT), &ns_output_zeek_json);
	assert_null(ns_output_find("zeek", NS_OUT_EVENTS));
	assert_non_null(ns_output_zeek.zeek_conn);
	assert_null(ns_output_zeek.conn);
	/* html draws connections: analyze only, and it sees every packet */
	assert_ptr_equal(ns_output_find("html", NS_OUT_REPORT), &ns_output_html);
	assert_null(ns_output_find("html", NS_OUT_EVENTS));
	assert_non_null(ns_output_html.an_packet);
	assert_null(ns_output_json.an_packet);
	assert_null(ns_output_table.an_packet);
	assert_string_equal(ns_output_name(&ns_output_table, NS_OUT_REPORT), "text");
	assert_string_equal(ns_output_name(&ns_output_table, NS_OUT_EVENTS), "table");
	/* every format that offers events writes every kind of event */
	for (const struct ns_output *f = &ns_output_json; f; f = f == &ns_output_json ? &ns_output_table : NULL) {
		assert_non_null(f->packet);
		assert_non_null(f->flow);
		assert_non_null(f->dns);
		assert_non_null(f->tcp_analysis);
		assert_non_null(f->conn);
	}
}

/* The table format's packet member counts every selected event, on one line. */
static void test_output_table_packet(void **state)
{
	struct outbuf ob;
	struct ns_out o;
	struct ns_packet pkt;
	struct ns_ctx ctx;

	(void)state;
	memset(&pkt, 0, sizeof(pkt));
	memset(&ctx, 0, sizeof(ctx));
	pkt.ctx = &ctx;
	pkt.l3 = NS_L3_IPV4;
	pkt.src.family = pkt.dst.family = 4;
	assert_int_equal(ob_init(&ob, -1, 256), 0);
	assert_int_equal(ns_out_open(&o, &ns_output_table, &ob), 0);
	assert_int_equal(o.fmt->packet(&o, &pkt, NULL, NS_EV_IPV4), 1);
	assert_int_equal(ob.buf[ob.len - 1], '\n');
	ns_out_close(&o);
	ns_out_close(&o);   /* twice is harmless */
	ob_free(&ob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_u64),
		cmocka_unit_test(test_fmt_i64_pad_hex),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_outbuf_grow),
		cmocka_unit_test(test_memfile),
		cmocka_unit_test(test_outbuf_flush),
		cmocka_unit_test(test_outbuf_epipe),
		cmocka_unit_test(test_json_packet),
		cmocka_unit_test(test_json_tcp_truncated),
		cmocka_unit_test(test_events_parse),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_output_registry),
		cmocka_unit_test(test_output_table_packet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
