/* Unit tests for --schema tracee (src/output/tracee.c): Go's JSON string
 * escaping and gopacket's names, which Tracee prints. */
#include "unit.h"

#include "outbuf.h"
#include "output/tracee.h"

/* The buffer's text, NUL-terminated (memory mode: nothing was flushed). */
static char *ob_text(struct outbuf *ob)
{
	ob_putc(ob, '\0');
	return ob->buf;
}

static void check_str(const char *in, size_t n, const char *want)
{
	struct outbuf ob;

	assert_int_equal(ob_init(&ob, -1, 64), 0);
	tr_str(&ob, in, n);
	assert_string_equal(ob_text(&ob), want);
	ob_free(&ob);
}

/* encoding/json: <, > and & as \u00XX; controls as \u00XX except \n \r \t;
 * DEL and valid UTF-8 as they are; invalid bytes as U+FFFD; U+2028/9 escaped. */
static void test_go_escaping(void **state)
{
	(void)state;
	check_str("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_str("<a&b>", 5, "\"\\u003ca\\u0026b\\u003e\"");
	check_str("\n\r\t\x01\x1f\x7f", 6, "\"\\n\\r\\t\\u0001\\u001f\x7f\"");
	check_str("\xc3\xa9", 2, "\"\xc3\xa9\"");
	check_str("\xff" "a\xc3", 3, "\"\\ufffda\\ufffd\"");
	check_str("\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
	check_str("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");   /* a surrogate */
	check_str("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");
	check_str("", 0, "\"\"");
}

static void check_tc(uint8_t version, uint8_t type, uint8_t code, const char *want)
{
	struct ns_icmp ic;
	char buf[80];

	memset(&ic, 0, sizeof(ic));
	ic.version = version;
	ic.type = type;
	ic.code = code;
	assert_int_equal(tr_icmp_typecode(&ic, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

/* gopacket's ICMPv4TypeCode / ICMPv6TypeCode String(). */
static void test_icmp_typecode(void **state)
{
	(void)state;
	check_tc(4, 8, 0, "EchoRequest");
	check_tc(4, 0, 0, "EchoReply");
	check_tc(4, 8, 1, "EchoRequest(Code: 1)");
	check_tc(4, 3, 3, "DestinationUnreachable(Port)");
	check_tc(4, 3, 5, "DestinationUnreachable(SourceRoutingFailed)");
	check_tc(4, 3, 14, "DestinationUnreachable(HostPrecedence)");
	check_tc(4, 3, 16, "DestinationUnreachable(Code: 16)");
	check_tc(4, 5, 2, "Redirect(TOS+Net)");
	check_tc(4, 15, 0, "InfoRequest");
	check_tc(4, 42, 7, "42(7)");
	check_tc(6, 128, 0, "EchoRequest");
	check_tc(6, 1, 4, "DestinationUnreachable(PortUnreachable)");
	check_tc(6, 1, 9, "DestinationUnreachable(Code: 9)");
	check_tc(6, 128, 3, "EchoRequest(Code: 3)");
	check_tc(6, 200, 3, "200(3)");
}

/* gopacket's IPProtocol String(). */
static void test_ipproto_names(void **state)
{
	(void)state;
	assert_string_equal(tr_ipproto_name(6), "TCP");
	assert_string_equal(tr_ipproto_name(17), "UDP");
	assert_string_equal(tr_ipproto_name(1), "ICMPv4");
	assert_string_equal(tr_ipproto_name(58), "ICMPv6");
	assert_string_equal(tr_ipproto_name(0), "IPv6HopByHop");
	assert_string_equal(tr_ipproto_name(50), "IPSecESP");
	assert_string_equal(tr_ipproto_name(137), "MPLS");
	assert_string_equal(tr_ipproto_name(99), "UnknownIPProtocol");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_escaping),
		cmocka_unit_test(test_icmp_typecode),
		cmocka_unit_test(test_ipproto_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
