/* Unit tests for src/communityid.c: Community ID v1.
 *
 * Expected values: corelight/community-id-spec baseline/baseline_deflt.json
 * (seed 0) and baseline/baseline_seed1.json (seed 1), which the spec's
 * reference implementation (community-id.py) computed on the spec's pcaps/
 * captures (icmp6, icmp, ipv6, sctp, tcp, udp, rsvp). For ICMP the baseline
 * lists the port equivalents; the tests give the packet's type and code and
 * let ns_cid_icmp_ports map them. The same tuples are also rebuilt as raw IP
 * packets, dissected, and hashed from the decoded packet. */
#include <arpa/inet.h>
#include <sys/socket.h>
#include "unit.h"
#include "communityid.h"

struct bl {
	uint8_t proto;
	const char *saddr, *daddr;
	int sport, dport;        /* TCP/UDP/SCTP ports, ICMP type and code; -1: none */
	const char *cid0, *cid1; /* seed 0, seed 1 */
};

static const struct bl baseline[] = {
	{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 0,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 0,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
	  "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=", "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=" },
	{ 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4,
	  "1:hLZd0XGWojozrvxqE0dWB1iM6R0=", "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=" },
	{ 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 0,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 0,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 0,
	  "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=", "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=" },
	{ 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 0,
	  "1:pkvHqCL88/tg1k4cPigmZXUtL00=", "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=" },
	{ 1, "192.168.0.89", "192.168.0.1", 8, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 1, "192.168.0.1", "192.168.0.89", 0, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 1, "10.0.0.1", "10.0.0.2", 11, 0,
	  "1:YHxtAirCG//0OzkcVAukqKQN9xM=", "1:XjUibYHaafLQ3pxQeiMI8g25q20=" },
	{ 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25,
	  "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
	  "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 132, "192.168.170.8", "192.168.170.56", 7, 7,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=", "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 132, "192.168.170.56", "192.168.170.8", 7, 7,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=", "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 6, "128.232.110.120", "66.35.250.204", 34855, 80,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 6, "66.35.250.204", "128.232.110.120", 80, 34855,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 17, "192.168.1.52", "8.8.8.8", 54585, 53,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 17, "8.8.8.8", "192.168.1.52", 53, 54585,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 46, "10.1.12.1", "10.1.12.2", -1, -1,
	  "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI=" },
	{ 46, "10.1.12.2", "10.1.12.1", -1, -1,
	  "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI=" },
};
#define NBL (sizeof(baseline) / sizeof(baseline[0]))

static struct ns_addr parse(const char *s)
{
	struct ns_addr a;

	memset(&a, 0, sizeof(a));
	if (strchr(s, ':')) {
		a.family = 6;
		assert_int_equal(inet_pton(AF_INET6, s, a.a), 1);
	} else {
		a.family = 4;
		assert_int_equal(inet_pton(AF_INET, s, a.a), 1);
	}
	return a;
}

static void tuple_of(const struct bl *b, struct ns_cid_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->src = parse(b->saddr);
	t->dst = parse(b->daddr);
	t->proto = b->proto;
	if (b->sport < 0)
		return;
	t->has_ports = true;
	if (b->proto == 1 || b->proto == 58) {
		ns_cid_icmp_ports(b->proto, (uint8_t)b->sport, (uint8_t)b->dport,
				  &t->sport, &t->dport, &t->one_way);
	} else {
		t->sport = (uint16_t)b->sport;
		t->dport = (uint16_t)b->dport;
	}
}

static void test_baseline_tuples(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBL; i++) {
		struct ns_cid_tuple t;
		char out[NS_CID_STRLEN];

		tuple_of(&baseline[i], &t);
		assert_int_equal(ns_community_id(0, &t, out), 0);
		assert_string_equal(out, baseline[i].cid0);
		assert_int_equal(ns_community_id(1, &t, out), 0);
		assert_string_equal(out, baseline[i].cid1);
	}
}

/* Build the baseline tuple as a raw IP packet (IPv4 or IPv6 header, then the
 * transport header), dissect it, and hash the decoded packet. */
static size_t build(const struct bl *b, uint8_t *p)
{
	struct ns_addr s = parse(b->saddr), d = parse(b->daddr);
	size_t l4len = b->proto == 6 ? 20 : 8;       /* TCP, or UDP/ICMP/SCTP/other: 8 */
	size_t ip = s.family == 4 ? 20 : 40, n;
	uint8_t *t = p + ip;

	memset(p, 0, ip + l4len);
	if (s.family == 4) {
		p[0] = 0x45;
		p[2] = (uint8_t)((ip + l4len) >> 8);
		p[3] = (uint8_t)(ip + l4len);
		p[8] = 64;
		p[9] = b->proto;
		memcpy(p + 12, s.a, 4);
		memcpy(p + 16, d.a, 4);
	} else {
		p[0] = 0x60;
		p[4] = (uint8_t)(l4len >> 8);
		p[5] = (uint8_t)l4len;
		p[6] = b->proto;
		p[7] = 64;
		memcpy(p + 8, s.a, 16);
		memcpy(p + 24, d.a, 16);
	}
	n = ip + l4len;
	if (b->sport < 0)
		return n;
	if (b->proto == 1 || b->proto == 58) {
		t[0] = (uint8_t)b->sport;
		t[1] = (uint8_t)b->dport;
		return n;
	}
	t[0] = (uint8_t)(b->sport >> 8);
	t[1] = (uint8_t)b->sport;
	t[2] = (uint8_t)(b->dport >> 8);
	t[3] = (uint8_t)b->dport;
	if (b->proto == 6) {
		t[12] = 5 << 4;
		t[13] = 0x02;                    /* SYN */
	} else if (b->proto == 17) {
		t[5] = 8;                        /* UDP length */
	}
	return n;
}

static void test_baseline_packets(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBL; i++) {
		uint8_t raw[80];
		size_t n = build(&baseline[i], raw);
		uint8_t *copy = unit_copy_exact(raw, (uint32_t)n);
		struct ns_ctx ctx;
		static struct ns_packet pkt;
		struct ns_cid_tuple t;
		char out[NS_CID_STRLEN];

		memset(&ctx, 0, sizeof(ctx));
		ctx.wire_len = (uint32_t)n;
		assert_int_equal(ns_dissect(NS_LINK_NONE, copy, (uint32_t)n, &ctx, &pkt), 0);
		assert_true(ns_cid_packet_tuple(&pkt, &t));
		assert_int_equal(ns_community_id(0, &t, out), 0);
		assert_string_equal(out, baseline[i].cid0);
		free(copy);
	}
}

/* The spec's README example: both directions order to 10.0.0.1, 127.0.0.1, 1234, 80. */
static void test_order_and_errors(void **state)
{
	struct ns_cid_tuple a, b;
	char x[NS_CID_STRLEN], y[NS_CID_STRLEN];
	(void)state;

	memset(&a, 0, sizeof(a));
	a.src = parse("10.0.0.1");
	a.dst = parse("127.0.0.1");
	a.proto = 6;
	a.has_ports = true;
	a.sport = 1234;
	a.dport = 80;
	b = a;
	b.src = a.dst;
	b.dst = a.src;
	b.sport = 80;
	b.dport = 1234;
	assert_int_equal(ns_community_id(0, &a, x), 0);
	assert_int_equal(ns_community_id(0, &b, y), 0);
	assert_string_equal(x, y);
	assert_int_equal(strlen(x), 30);
	/* one-way ICMP is not reordered: the two directions differ */
	uint16_t sp, dp;
	bool ow;
	ns_cid_icmp_ports(1, 3, 3, &sp, &dp, &ow);
	assert_true(ow);
	assert_int_equal(sp, 3);
	assert_int_equal(dp, 3);
	ns_cid_icmp_ports(1, 9, 0, &sp, &dp, &ow);   /* router advertisement -> solicitation */
	assert_false(ow);
	assert_int_equal(dp, 10);
	/* mixed families: no ID */
	b.dst = parse("::1");
	assert_int_equal(ns_community_id(0, &b, y), -1);
	assert_string_equal(y, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_tuples),
		cmocka_unit_test(test_baseline_packets),
		cmocka_unit_test(test_order_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
