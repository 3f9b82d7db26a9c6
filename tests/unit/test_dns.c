/* Unit tests for dissect/dns.c: header, questions, answers, name compression
 * and its loop protection, truncation, escaping, limits. Messages are built
 * by hand with the small writer below. */
#include "unit.h"
#include "dns.h"
#include <stdio.h>
#include <stdlib.h>

struct msg {
	uint8_t b[4096];
	uint32_t n;
};

static void put8(struct msg *m, uint8_t v) { m->b[m->n++] = v; }
static void put16(struct msg *m, uint16_t v) { put8(m, (uint8_t)(v >> 8)); put8(m, (uint8_t)v); }
static void put32(struct msg *m, uint32_t v) { put16(m, (uint16_t)(v >> 16)); put16(m, (uint16_t)v); }

static void header(struct msg *m, uint16_t flags, uint16_t qd, uint16_t an)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

/* Labels of a dotted name, then the root (or a pointer if ptr >= 0). */
static uint32_t name(struct msg *m, const char *dotted, int ptr)
{
	uint32_t at = m->n;
	const char *p = dotted;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		put8(m, (uint8_t)l);
		memcpy(m->b + m->n, p, l);
		m->n += (uint32_t)l;
		p += l;
		if (*p == '.')
			p++;
	}
	if (ptr >= 0)
		put16(m, (uint16_t)(0xc000 | ptr));
	else
		put8(m, 0);
	return at;
}

static void rr_head(struct msg *m, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static struct ns_dns d;   /* large: keep off the stack */

static void test_query(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0x0100, 1, 0);
	name(&m, "www.Example.com", -1);
	put16(&m, NS_DNS_T_A);
	put16(&m, 1);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_int_equal(d.id, 0x1234);
	assert_false(d.qr);
	assert_true(d.rd);
	assert_int_equal(d.opcode, 0);
	assert_int_equal(d.qdcount, 1);
	assert_int_equal(d.nq, 1);
	assert_string_equal(d.q[0].name, "www.Example.com");
	assert_int_equal(d.q[0].type, 1);
	assert_int_equal(d.q[0].qclass, 1);
	assert_int_equal(d.nan, 0);
	assert_int_equal(d.errors, 0);
}

/* www.example.com CNAME cdn.example.net (compressed), A and AAAA of it. */
static void build_cname_response(struct msg *m)
{
	uint32_t qname, cdn;

	header(m, 0x8180, 1, 3);
	qname = name(m, "www.example.com", -1);
	put16(m, NS_DNS_T_A);
	put16(m, 1);
	/* answer 1: owner = pointer to the question, CNAME cdn.example.net */
	put16(m, (uint16_t)(0xc000 | qname));
	rr_head(m, NS_DNS_T_CNAME, 300, 0);
	uint32_t rdlen_at = m->n - 2, rd = m->n;
	cdn = name(m, "cdn.example.net", -1);
	m->b[rdlen_at] = (uint8_t)((m->n - rd) >> 8);
	m->b[rdlen_at + 1] = (uint8_t)(m->n - rd);
	/* answer 2: A, owner = pointer to cdn */
	put16(m, (uint16_t)(0xc000 | cdn));
	rr_head(m, NS_DNS_T_A, 60, 4);
	put8(m, 192); put8(m, 0); put8(m, 2); put8(m, 7);
	/* answer 3: AAAA, owner = "edge" + pointer to cdn's "example.net" */
	name(m, "edge", (int)cdn + 4);
	rr_head(m, NS_DNS_T_AAAA, 30, 16);
	for (int i = 0; i < 16; i++)
		put8(m, (uint8_t)(i == 0 ? 0x20 : i == 1 ? 0x01 : i == 15 ? 1 : 0));
}

static void test_response_compression(void **state)
{
	struct msg m;
	(void)state;
	build_cname_response(&m);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_true(d.qr);
	assert_true(d.ra);
	assert_int_equal(d.rcode, 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.nan, 3);
	assert_string_equal(d.an[0].name, "www.example.com");
	assert_int_equal(d.an[0].type, NS_DNS_T_CNAME);
	assert_int_equal(d.an[0].ttl, 300);
	assert_true(d.an[0].has_target);
	assert_string_equal(d.an[0].target, "cdn.example.net");
	assert_string_equal(d.an[1].name, "cdn.example.net");
	assert_int_equal(d.an[1].addr.family, 4);
	assert_int_equal(d.an[1].addr.a[3], 7);
	assert_string_equal(d.an[2].name, "edge.example.net");
	assert_int_equal(d.an[2].addr.family, 6);
	assert_int_equal(d.an[2].addr.a[15], 1);
}

static void test_pointer_self_loop(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0x8180, 1, 0);
	put16(&m, 0xc000 | 12);   /* points at itself */
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_int_equal(d.nq, 0);
	assert_true(d.errors & NS_DNS_E_BAD_NAME);
}

static void test_pointer_two_step_loop(void **state)
{
	struct msg m;
	char out[NS_DNS_NAME_MAX];
	uint32_t next = 0;
	(void)state;
	/* offset 12: "a" then pointer to 17; offset 17: "b" then pointer to 12 */
	header(&m, 0, 0, 0);
	put8(&m, 1); put8(&m, 'a'); put16(&m, 0xc000 | 17);  /* 12..15 */
	put8(&m, 0);                                        /* 16 */
	put8(&m, 1); put8(&m, 'b'); put16(&m, 0xc000 | 12);  /* 17..20 */
	assert_int_equal(ns_dns_read_name(m.b, m.n, 17, out, &next), -1);
	assert_string_equal(out, "");
	/* a forward pointer is refused too */
	assert_int_equal(ns_dns_read_name(m.b, m.n, 12, out, &next), -1);
}

static void test_pointer_chain_backwards_ok(void **state)
{
	struct msg m;
	char out[NS_DNS_NAME_MAX];
	uint32_t next = 0, com, ex;
	(void)state;
	header(&m, 0, 0, 0);
	com = name(&m, "com", -1);
	ex = name(&m, "example", (int)com);
	uint32_t www = name(&m, "www", (int)ex);
	assert_int_equal(ns_dns_read_name(m.b, m.n, www, out, &next), 0);
	assert_string_equal(out, "www.example.com");
	assert_int_equal(next, m.n);
}

static void test_truncated(void **state)
{
	struct msg m = { .n = 0 };
	(void)state;
	assert_int_equal(ns_decode_dns(m.b, 0, &d), -1);
	assert_int_equal(ns_decode_dns(NULL, 0, &d), -1);
	build_cname_response(&m);
	assert_int_equal(ns_decode_dns(m.b, 11, &d), -1);
	/* every shorter length decodes without reading past it (ASan checks) */
	for (uint32_t len = 12; len < m.n; len++) {
		uint8_t *copy = unit_copy_exact(m.b, len);
		assert_int_equal(ns_decode_dns(copy, len, &d), 0);
		assert_true(d.errors & NS_DNS_E_TRUNCATED);
		assert_true(d.nan < 3);
		free(copy);
	}
	/* just the header and the question */
	assert_int_equal(ns_decode_dns(m.b, 12 + 17 + 4, &d), 0);
	assert_int_equal(d.nq, 1);
	assert_int_equal(d.nan, 0);
}

static void test_name_too_long(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0, 1, 0);
	for (int i = 0; i < 5; i++) {           /* 5 * 64 = 320 octets */
		put8(&m, 63);
		memset(m.b + m.n, 'x', 63);
		m.n += 63;
	}
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_true(d.errors & NS_DNS_E_BAD_NAME);
	assert_int_equal(d.nq, 0);

	/* 255 octets exactly is fine: 3 * 64 + 62 + root = 255 */
	header(&m, 0, 1, 0);
	for (int i = 0; i < 3; i++) {
		put8(&m, 63);
		memset(m.b + m.n, 'y', 63);
		m.n += 63;
	}
	put8(&m, 61);
	memset(m.b + m.n, 'z', 61);
	m.n += 61;
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(strlen(d.q[0].name), 63 * 3 + 61 + 3);
}

static void test_escapes_and_root(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0, 2, 0);
	put8(&m, 5);
	memcpy(m.b + m.n, "a.b c", 5);
	m.n += 5;
	put8(&m, 3);
	memcpy(m.b + m.n, "x\\y", 3);
	m.n += 3;
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	put8(&m, 0);            /* the root */
	put16(&m, NS_DNS_T_NS);
	put16(&m, 1);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_string_equal(d.q[0].name, "a\\.b\\032c.x\\\\y");
	assert_string_equal(d.q[1].name, ".");
}

static void test_bad_label_type(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0, 1, 0);
	put8(&m, 0x41);         /* extended label type */
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_true(d.errors & NS_DNS_E_BAD_NAME);
}

static void test_too_many_answers(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0x8180, 1, 40);
	name(&m, "many.example", -1);
	put16(&m, 1);
	put16(&m, 1);
	for (int i = 0; i < 40; i++) {
		put16(&m, 0xc000 | 12);
		rr_head(&m, NS_DNS_T_A, 5, 4);
		put8(&m, 10); put8(&m, 0); put8(&m, 0); put8(&m, (uint8_t)i);
	}
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_int_equal(d.nan, NS_DNS_MAX_AN);
	assert_true(d.errors & NS_DNS_E_TOO_MANY);
	assert_false(d.errors & NS_DNS_E_TRUNCATED);
	assert_int_equal(d.an[31].addr.a[3], 31);
}

static void test_bad_rdata(void **state)
{
	struct msg m;
	(void)state;
	header(&m, 0x8180, 1, 2);
	name(&m, "r.example", -1);
	put16(&m, 1);
	put16(&m, 1);
	put16(&m, 0xc000 | 12);
	rr_head(&m, NS_DNS_T_A, 5, 5);       /* A with 5 bytes */
	for (int i = 0; i < 5; i++)
		put8(&m, 1);
	put16(&m, 0xc000 | 12);
	rr_head(&m, NS_DNS_T_CNAME, 5, 2);   /* name runs past its rdata */
	put8(&m, 1);
	put8(&m, 'q');
	put8(&m, 0);
	assert_int_equal(ns_decode_dns(m.b, m.n, &d), 0);
	assert_true(d.errors & NS_DNS_E_BAD_RDATA);
	assert_int_equal(d.nan, 2);
	assert_int_equal(d.an[0].addr.family, 0);
	assert_false(d.an[1].has_target);
}

static void test_name_equal_and_names(void **state)
{
	(void)state;
	assert_true(ns_dns_name_equal("WWW.Example.COM", "www.example.com"));
	assert_false(ns_dns_name_equal("www.example.com", "www.example.co"));
	assert_string_equal(ns_dns_type_name(28), "AAAA");
	assert_null(ns_dns_type_name(9999));
	assert_string_equal(ns_dns_class_name(1), "IN");
	assert_string_equal(ns_dns_class_name(0x8001), "IN");
	assert_string_equal(ns_dns_opcode_name(0), "query");
	assert_string_equal(ns_dns_rcode_name(3), "name error");
}

/* Random and mutated messages: never a crash or an out-of-bounds read. */
static void test_fuzz(void **state)
{
	struct msg m;
	uint32_t x = 12345;
	(void)state;
	for (int it = 0; it < 20000; it++) {
		build_cname_response(&m);
		uint32_t len = m.n;
		for (int k = 0; k < 4; k++) {
			x = x * 1103515245u + 12345u;
			m.b[(x >> 8) % len] = (uint8_t)(x >> 20);
		}
		x = x * 1103515245u + 12345u;
		len = 12 + (x >> 8) % (len - 11);
		uint8_t *copy = unit_copy_exact(m.b, len);
		(void)ns_decode_dns(copy, len, &d);
		assert_true(d.nq <= NS_DNS_MAX_QD && d.nan <= NS_DNS_MAX_AN);
		for (uint8_t i = 0; i < d.nan; i++)
			assert_true(strlen(d.an[i].name) < NS_DNS_NAME_MAX);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response_compression),
		cmocka_unit_test(test_pointer_self_loop),
		cmocka_unit_test(test_pointer_two_step_loop),
		cmocka_unit_test(test_pointer_chain_backwards_ok),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_escapes_and_root),
		cmocka_unit_test(test_bad_label_type),
		cmocka_unit_test(test_too_many_answers),
		cmocka_unit_test(test_bad_rdata),
		cmocka_unit_test(test_name_equal_and_names),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
