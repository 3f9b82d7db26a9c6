/* Unit tests for src/conn/zeekconn.c: Zeek's connection boundaries, roles,
 * states, histories and sizes on hand-built IPv4 packets. Expected values
 * follow zeek/zeek TCPSessionAdapter.cc (IsReuse, AttemptTimer, the state
 * machine), TCPAnalyzer/UDPAnalyzer::WantConnection (likely_server_ports)
 * and scripts/base/protocols/conn/main.zeek (conn_state). */
#include "unit.h"
#include "conn/zeekconn.h"

#define MAXC 16
static struct ns_zk_conn got[MAXC];
static int ngot;

static void collect(const struct ns_zk_conn *c, void *user)
{
	(void)user;
	assert_true(ngot < MAXC);
	got[ngot++] = *c;
}

#define SEC 1000000000ull
enum { A = 1, B = 2 };   /* hosts 10.0.0.1 and 10.0.0.2 */

/* One IPv4 packet from host `from` to the other: TCP (proto 6) with flags,
 * seq, ack, payload length; or UDP (17) with payload length. */
static void feed(struct ns_zk *z, uint64_t t, int from, uint8_t proto, uint16_t sport,
		 uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t plen)
{
	uint8_t raw[20 + 20 + 400];
	size_t l4 = proto == 6 ? 20 : 8, n = 20 + l4 + plen;
	struct ns_ctx ctx;
	static struct ns_packet pkt;

	assert_true(n <= sizeof(raw));
	memset(raw, 0, n);
	raw[0] = 0x45;
	raw[2] = (uint8_t)(n >> 8);
	raw[3] = (uint8_t)n;
	raw[8] = 64;
	raw[9] = proto;
	raw[12] = raw[16] = 10;
	raw[15] = (uint8_t)from;
	raw[19] = (uint8_t)(from == A ? B : A);
	uint8_t *t4 = raw + 20;
	t4[0] = (uint8_t)(sport >> 8);
	t4[1] = (uint8_t)sport;
	t4[2] = (uint8_t)(dport >> 8);
	t4[3] = (uint8_t)dport;
	if (proto == 6) {
		for (int i = 0; i < 4; i++) {
			t4[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
			t4[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
		}
		t4[12] = 5 << 4;
		t4[13] = flags;
		t4[14] = 0x10;           /* window 4096 */
	} else {
		t4[4] = (uint8_t)((8 + plen) >> 8);
		t4[5] = (uint8_t)(8 + plen);
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.ts_ns = t;
	ctx.wire_len = (uint32_t)n;
	assert_int_equal(ns_dissect(NS_LINK_NONE, raw, (uint32_t)n, &ctx, &pkt), 0);
	ns_zk_packet(z, &pkt);
}

#define SYN 0x02
#define RST 0x04
#define ACK 0x10
#define FIN 0x01
#define PSH 0x08

static struct ns_zk *start(void)
{
	ngot = 0;
	struct ns_zk *z = ns_zk_new(collect, NULL, 0);
	assert_non_null(z);
	return z;
}

static void done(struct ns_zk *z)
{
	ns_zk_finish(z);
	ns_zk_free(z);
}

/* Three refused SYNs with the same ISN: Zeek closes the connection at the
 * RST (did_close), so each later SYN is a reuse: 3 x REJ "Sr". */
static void test_refused_same_isn(void **state)
{
	(void)state;
	struct ns_zk *z = start();
	for (int i = 0; i < 3; i++) {
		uint64_t t = (uint64_t)i * SEC;
		feed(z, t, A, 6, 40000, 81, SYN, 1000, 0, 0);
		feed(z, t + 1000, B, 6, 81, 40000, RST | ACK, 0, 1001, 0);
	}
	done(z);
	assert_int_equal(ngot, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(got[i].conn_state, "REJ");
		assert_string_equal(got[i].history, "Sr");
		assert_int_equal(got[i].orig_pkts, 1);
		assert_int_equal(got[i].resp_pkts, 1);
	}
	assert_string_not_equal(got[0].uid, got[1].uid);
}

/* SYNs never answered, retransmitted at 0, 1, 3 and 7 s: the attempt timer
 * (tcp_attempt_delay 5 s) removes the first connection; the SYN at 7 s
 * starts another. */
static void test_attempt_timeout(void **state)
{
	(void)state;
	struct ns_zk *z = start();
	feed(z, 0, A, 6, 40001, 80, SYN, 5000, 0, 0);
	feed(z, 1 * SEC, A, 6, 40001, 80, SYN, 5000, 0, 0);
	feed(z, 3 * SEC, A, 6, 40001, 80, SYN, 5000, 0, 0);
	feed(z, 7 * SEC, A, 6, 40001, 80, SYN, 5000, 0, 0);
	done(z);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0].conn_state, "S0");
	assert_string_equal(got[0].history, "S");
	assert_int_equal(got[0].orig_pkts, 3);
	assert_int_equal(got[1].orig_pkts, 1);
	assert_int_equal(got[1].ts_ns, 7 * SEC);
}

/* First seen at the SYN+ACK from port 80: roles flipped (history '^'), the
 * client's ACK establishes it: S1. */
static void test_synack_first(void **state)
{
	(void)state;
	struct ns_zk *z = start();
	feed(z, 0, B, 6, 80, 40002, SYN | ACK, 9000, 1001, 0);
	feed(z, 1000, A, 6, 40002, 80, ACK, 1001, 9001, 0);
	done(z);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].orig_h.a[3], A);
	assert_int_equal(got[0].orig_p, 40002);
	assert_int_equal(got[0].resp_p, 80);
	assert_string_equal(got[0].history, "^hA");
	assert_string_equal(got[0].conn_state, "S1");
}

/* A full exchange, FINs both ways: SF with sizes from sequence space; then a
 * SYN with the same ISN 2 s later is a new connection (closed: reuse). */
static void test_sf_then_reuse(void **state)
{
	(void)state;
	struct ns_zk *z = start();
	feed(z, 0, A, 6, 40003, 80, SYN, 100, 0, 0);
	feed(z, 1000, B, 6, 80, 40003, SYN | ACK, 500, 101, 0);
	feed(z, 2000, A, 6, 40003, 80, ACK, 101, 501, 0);
	feed(z, 3000, A, 6, 40003, 80, PSH | ACK, 101, 501, 50);
	feed(z, 4000, B, 6, 80, 40003, PSH | ACK, 501, 151, 200);
	feed(z, 5000, A, 6, 40003, 80, FIN | ACK, 151, 701, 0);
	feed(z, 6000, B, 6, 80, 40003, FIN | ACK, 701, 152, 0);
	feed(z, 7000, A, 6, 40003, 80, ACK, 152, 702, 0);
	feed(z, 2 * SEC, A, 6, 40003, 80, SYN, 100, 0, 0);
	done(z);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0].conn_state, "SF");
	assert_string_equal(got[0].history, "ShADdFf");   /* B sent no pure ACK */
	assert_int_equal(got[0].orig_bytes, 50);
	assert_int_equal(got[0].resp_bytes, 200);
	assert_int_equal(got[0].orig_pkts, 5);
	assert_int_equal(got[0].orig_ip_bytes, 5 * 40 + 50);
	assert_int_equal(got[0].missed_bytes, 0);
	/* no packet after both FINs moves the end (Zeek's last_time) */
	assert_int_equal(got[0].last_ns, 6000);
	assert_string_equal(got[1].conn_state, "S0");
}

/* Data acknowledged but never seen: a content gap (missed_bytes, 'G'). */
static void test_gap(void **state)
{
	(void)state;
	struct ns_zk *z = start();
	feed(z, 0, A, 6, 40004, 80, SYN, 100, 0, 0);
	feed(z, 1000, B, 6, 80, 40004, SYN | ACK, 500, 101, 0);
	feed(z, 2000, A, 6, 40004, 80, ACK, 101, 501, 0);
	feed(z, 3000, A, 6, 40004, 80, ACK, 101, 501, 100);
	/* 101+100 .. 401 not captured; B acks up to 401 */
	feed(z, 4000, B, 6, 80, 40004, ACK, 501, 401, 0);
	done(z);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].missed_bytes, 200);
	assert_string_equal(got[0].history, "ShADaG");
	assert_int_equal(got[0].orig_bytes, 300);
}

/* UDP: the first packet from port 53 to a port that is no likely server
 * port flips the roles ("^d"); 70 s of silence (udp_inactivity_timeout
 * 1 min) ends the connection. */
static void test_udp(void **state)
{
	(void)state;
	struct ns_zk *z = start();
	feed(z, 0, B, 17, 53, 40005, 0, 0, 0, 100);
	feed(z, 1 * SEC, A, 17, 40005, 53, 0, 0, 0, 30);
	feed(z, 71 * SEC, A, 17, 40005, 53, 0, 0, 0, 30);
	done(z);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[0].orig_h.a[3], A);
	assert_string_equal(got[0].history, "^dD");
	assert_string_equal(got[0].conn_state, "SF");
	assert_int_equal(got[0].orig_bytes, 30);
	assert_int_equal(got[0].resp_bytes, 100);
	assert_string_equal(got[1].conn_state, "S0");
	assert_string_equal(got[1].history, "D");
}

/* The uid does not depend on which side is named first. */
static void test_uid(void **state)
{
	struct ns_addr a, b;
	char u1[NS_ZK_UID_LEN], u2[NS_ZK_UID_LEN];
	(void)state;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.family = b.family = 4;
	a.a[3] = 1;
	b.a[3] = 2;
	ns_zk_uid(6, &a, 1, &b, 2, 42, u1);
	ns_zk_uid(6, &b, 2, &a, 1, 42, u2);
	assert_string_equal(u1, u2);
	assert_int_equal(strlen(u1), 18);
	assert_int_equal(u1[0], 'C');
	ns_zk_uid(6, &a, 1, &b, 2, 43, u2);
	assert_string_not_equal(u1, u2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_same_isn),
		cmocka_unit_test(test_attempt_timeout),
		cmocka_unit_test(test_synack_first),
		cmocka_unit_test(test_sf_then_reuse),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
