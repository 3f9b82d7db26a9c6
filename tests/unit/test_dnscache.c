/* Unit tests for src/dnscache.c: validity in packet time, CNAME chains back to
 * the question, several names per address, the size bound. */
#include "unit.h"
#include "dns.h"
#include "flow/dnscache.h"
#include <stdio.h>

#define S 1000000000ull

static struct ns_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct ns_addr x;
	memset(&x, 0, sizeof(x));
	x.family = 4;
	x.a[0] = a; x.a[1] = b; x.a[2] = c; x.a[3] = d;
	return x;
}

static struct ns_dns msg;

static void add_rr(const char *owner, uint16_t type, uint32_t ttl,
		   const struct ns_addr *addr, const char *target)
{
	struct ns_dns_rr *rr = &msg.an[msg.nan++];
	memset(rr, 0, sizeof(*rr));
	strcpy(rr->name, owner);
	rr->type = type;
	rr->rclass = 1;
	rr->ttl = ttl;
	if (addr)
		rr->addr = *addr;
	if (target) {
		rr->has_target = true;
		strcpy(rr->target, target);
	}
}

static void response(const char *qname)
{
	memset(&msg, 0, offsetof(struct ns_dns, q));
	msg.qr = true;
	msg.nq = 1;
	msg.nan = 0;
	strcpy(msg.q[0].name, qname);
	msg.q[0].type = 1;
	msg.q[0].qclass = 1;
}

static void test_put_lookup_ttl(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2);
	const char *names[4];
	(void)state;

	ns_dnscache_put(c, &a, "a.example", 100 * S, 60);
	assert_int_equal(ns_dnscache_lookup(c, &a, 100 * S, names, 4), 1);
	assert_string_equal(names[0], "a.example");
	assert_int_equal(ns_dnscache_lookup(c, &a, 160 * S, names, 4), 1);    /* inclusive */
	assert_int_equal(ns_dnscache_lookup(c, &a, 160 * S + 1, names, 4), 0); /* expired */
	assert_int_equal(ns_dnscache_lookup(c, &a, 99 * S, names, 4), 0);      /* not yet */
	assert_int_equal(ns_dnscache_lookup(c, &b, 100 * S, names, 4), 0);
	ns_dnscache_free(c);
}

/* ns_dnscache_clear: empty, eviction count zero, usable again. */
static void test_clear(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(2);
	struct ns_addr a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2), d = v4(192, 0, 2, 3);
	const char *names[4];
	(void)state;

	ns_dnscache_put(c, &a, "a.example", 100 * S, 60);
	ns_dnscache_put(c, &b, "b.example", 100 * S, 60);
	ns_dnscache_put(c, &d, "d.example", 100 * S, 60);   /* evicts a */
	assert_int_equal(ns_dnscache_evicted(c), 1);
	ns_dnscache_clear(c);
	assert_int_equal(ns_dnscache_evicted(c), 0);
	assert_int_equal(ns_dnscache_lookup(c, &b, 100 * S, names, 4), 0);
	assert_int_equal(ns_dnscache_lookup(c, &d, 100 * S, names, 4), 0);
	ns_dnscache_put(c, &a, "a2.example", 100 * S, 60);
	ns_dnscache_put(c, &b, "b2.example", 100 * S, 60);
	assert_int_equal(ns_dnscache_evicted(c), 0);        /* two fit again */
	assert_int_equal(ns_dnscache_lookup(c, &a, 100 * S, names, 4), 1);
	assert_string_equal(names[0], "a2.example");
	ns_dnscache_free(c);
}

static void test_refresh(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr a = v4(192, 0, 2, 1);
	const char *names[4];
	(void)state;

	ns_dnscache_put(c, &a, "a.example", 100 * S, 60);
	ns_dnscache_put(c, &a, "A.EXAMPLE", 150 * S, 60);   /* same pair, extended */
	assert_int_equal(ns_dnscache_count(c), 1);
	assert_int_equal(ns_dnscache_lookup(c, &a, 120 * S, names, 4), 1);
	assert_int_equal(ns_dnscache_lookup(c, &a, 200 * S, names, 4), 1);
	/* refreshed after expiry: a new validity, the gap is not covered */
	ns_dnscache_put(c, &a, "a.example", 500 * S, 60);
	assert_int_equal(ns_dnscache_lookup(c, &a, 300 * S, names, 4), 0);
	assert_int_equal(ns_dnscache_lookup(c, &a, 520 * S, names, 4), 1);
	ns_dnscache_free(c);
}

static void test_ttl_zero_min(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr a = v4(192, 0, 2, 1);
	const char *names[4];
	(void)state;

	ns_dnscache_put(c, &a, "zero.example", 100 * S, 0);
	assert_int_equal(ns_dnscache_lookup(c, &a, 100 * S + S / 2, names, 4), 1);
	assert_int_equal(ns_dnscache_lookup(c, &a, 102 * S, names, 4), 0);
	/* TTL with the top bit set counts as 0 (RFC 2181) */
	ns_dnscache_put(c, &a, "neg.example", 100 * S, 0x80000000u);
	assert_int_equal(ns_dnscache_lookup(c, &a, 102 * S, names, 4), 0);
	ns_dnscache_free(c);
}

static void test_cname_chain(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr ip = v4(198, 51, 100, 9);
	struct ns_addr ip6;
	const char *names[4];
	(void)state;

	memset(&ip6, 0, sizeof(ip6));
	ip6.family = 6;
	ip6.a[0] = 0x20; ip6.a[1] = 0x01; ip6.a[15] = 9;
	response("www.example.com");
	add_rr("www.example.com", NS_DNS_T_CNAME, 300, NULL, "a.cdn.example");
	add_rr("A.cdn.example", NS_DNS_T_CNAME, 30, NULL, "b.cdn.example");
	add_rr("b.cdn.example", NS_DNS_T_A, 120, &ip, NULL);
	add_rr("b.cdn.example", NS_DNS_T_AAAA, 120, &ip6, NULL);
	assert_int_equal(ns_dnscache_add_response(c, &msg, 10 * S), 2);
	assert_int_equal(ns_dnscache_lookup(c, &ip, 10 * S, names, 4), 1);
	assert_string_equal(names[0], "www.example.com");
	assert_int_equal(ns_dnscache_lookup(c, &ip6, 10 * S, names, 4), 1);
	assert_string_equal(names[0], "www.example.com");
	/* the chain's smallest TTL (30 s) bounds the mapping */
	assert_int_equal(ns_dnscache_lookup(c, &ip, 40 * S, names, 4), 1);
	assert_int_equal(ns_dnscache_lookup(c, &ip, 41 * S, names, 4), 0);
	ns_dnscache_free(c);
}

static void test_cname_loop(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr ip = v4(198, 51, 100, 10);
	const char *names[4];
	(void)state;

	response("x.example");
	add_rr("x.example", NS_DNS_T_CNAME, 300, NULL, "y.example");
	add_rr("y.example", NS_DNS_T_CNAME, 300, NULL, "x.example");
	add_rr("y.example", NS_DNS_T_A, 300, &ip, NULL);
	assert_int_equal(ns_dnscache_add_response(c, &msg, 10 * S), 1);
	assert_int_equal(ns_dnscache_lookup(c, &ip, 10 * S, names, 4), 1);
	ns_dnscache_free(c);
}

static void test_queries_and_errors_ignored(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr ip = v4(198, 51, 100, 11);
	(void)state;

	response("q.example");
	add_rr("q.example", NS_DNS_T_A, 300, &ip, NULL);
	msg.qr = false;
	assert_int_equal(ns_dnscache_add_response(c, &msg, S), 0);
	msg.qr = true;
	msg.rcode = 3;
	assert_int_equal(ns_dnscache_add_response(c, &msg, S), 0);
	assert_int_equal(ns_dnscache_count(c), 0);
	ns_dnscache_free(c);
}

static void test_several_names_sorted(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(16);
	struct ns_addr ip = v4(203, 0, 113, 5);
	const char *names[2];
	(void)state;

	ns_dnscache_put(c, &ip, "zeta.example", S, 60);
	ns_dnscache_put(c, &ip, "alpha.example", S, 60);
	ns_dnscache_put(c, &ip, "mid.example", S, 60);
	assert_int_equal(ns_dnscache_lookup(c, &ip, S, names, 2), 2);
	assert_string_equal(names[0], "alpha.example");
	assert_string_equal(names[1], "mid.example");
	ns_dnscache_free(c);
}

static void test_bounded(void **state)
{
	struct ns_dnscache *c = ns_dnscache_new(4);
	const char *names[4];
	char nm[32];
	(void)state;

	for (int i = 0; i < 10; i++) {
		struct ns_addr ip = v4(10, 0, 0, (uint8_t)i);
		snprintf(nm, sizeof(nm), "h%d.example", i);
		ns_dnscache_put(c, &ip, nm, (uint64_t)i * S, 600);
	}
	assert_int_equal(ns_dnscache_count(c), 4);
	assert_int_equal(ns_dnscache_evicted(c), 6);   /* each counted (issue 17) */
	for (int i = 0; i < 10; i++) {
		struct ns_addr ip = v4(10, 0, 0, (uint8_t)i);
		size_t n = ns_dnscache_lookup(c, &ip, 20 * S, names, 4);
		assert_int_equal(n, i >= 6 ? 1 : 0);   /* the 4 most recent survive */
	}
	ns_dnscache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_lookup_ttl),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_ttl_zero_min),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_queries_and_errors_ignored),
		cmocka_unit_test(test_several_names_sorted),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
