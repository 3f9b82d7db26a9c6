/* Unit tests for src/flow.c: the per-connection state machine (handshake,
 * simultaneous open, RST before established, FIN both ways, port reuse,
 * midstream, refused), expiry and eviction, capture_end, and the hash. */
#include "unit.h"
#include "flow/flow.h"
#include "src/nshash.h"
#include <stdio.h>
#include <stdlib.h>

#define S 1000000000ull
#define MAXEV 256

static struct ns_flow_event evs[MAXEV];
static int nev;

static void collect(const struct ns_flow_event *ev, void *user)
{
	(void)user;
	assert_true(nev < MAXEV);
	evs[nev++] = *ev;
}

/* A TCP packet between two IPv4 hosts (last octet given), as the dissector
 * would fill it. */
struct pk {
	struct ns_ctx ctx;
	struct ns_packet pkt;
};
static struct pk pk;
static uint64_t frame_no;

enum { F = NS_TCP_FIN, SY = NS_TCP_SYN, R = NS_TCP_RST, A = NS_TCP_ACK, P = NS_TCP_PSH };

static const struct ns_packet *tcp(uint8_t from, uint16_t sport, uint8_t to, uint16_t dport,
				   uint16_t flags, uint32_t seq, uint64_t ts, uint8_t dir)
{
	memset(&pk, 0, sizeof(pk));
	pk.ctx.ts_ns = ts;
	pk.ctx.frame = ++frame_no;
	pk.ctx.direction = dir;
	pk.pkt.ctx = &pk.ctx;
	pk.pkt.l3 = NS_L3_IPV4;
	pk.pkt.l4 = NS_L4_TCP;
	pk.pkt.ipproto = 6;
	pk.pkt.src.family = pk.pkt.dst.family = 4;
	pk.pkt.src.a[0] = pk.pkt.dst.a[0] = 10;
	pk.pkt.src.a[3] = from;
	pk.pkt.dst.a[3] = to;
	pk.pkt.ip_wire_len = 52;
	pk.pkt.first_fragment = true;
	pk.pkt.tcp.hdr_avail = 20;
	pk.pkt.tcp.src_port = sport;
	pk.pkt.tcp.dst_port = dport;
	pk.pkt.tcp.flags = flags;
	pk.pkt.tcp.seq = seq;
	return &pk.pkt;
}

/* Client 10.0.0.1:40000, server 10.0.0.2:80. */
#define C(fl, seq, t) tcp(1, 40000, 2, 80, (fl), (seq), (t), NS_DIR_EGRESS)
#define V(fl, seq, t) tcp(2, 80, 1, 40000, (fl), (seq), (t), NS_DIR_INGRESS)

static struct ns_flow_table *table(uint32_t max, uint64_t timeout)
{
	struct ns_flow_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = max;
	cfg.timeout_ns = timeout;
	nev = 0;
	frame_no = 0;
	return ns_flow_new(&cfg, collect, NULL);
}

static void handshake(struct ns_flow_table *t, uint64_t t0)
{
	ns_flow_packet(t, C(SY, 1000, t0));
	ns_flow_packet(t, V(SY | A, 5000, t0 + 1000));
	ns_flow_packet(t, C(A, 1001, t0 + 2000));
}

static void assert_ev(int i, uint8_t type, uint8_t src_last_octet, uint64_t frame)
{
	assert_true(i < nev);
	assert_int_equal(evs[i].type, type);
	assert_int_equal(evs[i].src.a[3], src_last_octet);
	assert_int_equal(evs[i].frame, frame);
}

static void test_graceful_close_by_initiator(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	handshake(t, 1 * S);
	assert_int_equal(nev, 1);
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 2);      /* begin at the SYN+ACK, src = initiator */
	assert_int_equal(evs[0].src_port, 40000);
	assert_int_equal(evs[0].dst_port, 80);
	assert_int_equal(evs[0].direction, NS_FLOW_DIR_OUTGOING);
	assert_false(evs[0].midstream);
	assert_int_equal(evs[0].ts_ns, 1 * S + 1000);
	ns_flow_packet(t, C(A | P, 1001, 2 * S));
	ns_flow_packet(t, C(F | A, 1101, 3 * S));  /* frame 5 */
	ns_flow_packet(t, V(F | A, 5001, 3 * S + 10));
	ns_flow_packet(t, C(A, 1102, 3 * S + 20));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	assert_ev(1, NS_FLOW_EV_END, 1, 5);
	assert_int_equal(evs[1].reason, NS_FLOW_R_FIN);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_INITIATOR);
	assert_int_equal(evs[1].duration_ns, 2 * S);
	assert_int_equal(evs[1].ini_packets, 4);
	assert_int_equal(evs[1].rsp_packets, 1);
	assert_int_equal(evs[1].ini_bytes, 4 * 52);
	assert_int_equal(evs[1].direction, NS_FLOW_DIR_OUTGOING);
	const struct ns_flow_stats *st = ns_flow_get_stats(t);
	assert_int_equal(st->begins, 1);
	assert_int_equal(st->ends, 1);
	ns_flow_free(t);
}

static void test_close_by_responder_incoming(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	/* seen from the server: the client's SYN arrives (ingress) */
	ns_flow_packet(t, tcp(1, 40000, 2, 80, SY, 7, S, NS_DIR_INGRESS));
	ns_flow_packet(t, tcp(2, 80, 1, 40000, SY | A, 9, S + 1, NS_DIR_EGRESS));
	ns_flow_packet(t, tcp(2, 80, 1, 40000, F | A, 10, S + 2, NS_DIR_EGRESS));
	assert_int_equal(nev, 2);
	assert_int_equal(evs[0].direction, NS_FLOW_DIR_INCOMING);
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 2);
	assert_ev(1, NS_FLOW_EV_END, 2, 3);        /* end: src = the side that sent FIN */
	assert_int_equal(evs[1].src_port, 80);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_RESPONDER);
	assert_int_equal(evs[1].reason, NS_FLOW_R_FIN);
	ns_flow_free(t);
}

static void test_direction_unknown(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, tcp(1, 40000, 2, 80, SY, 7, S, NS_DIR_UNKNOWN));
	ns_flow_packet(t, tcp(2, 80, 1, 40000, SY | A, 9, S + 1, NS_DIR_UNKNOWN));
	/* a later packet with a direction does not change what begin said */
	ns_flow_packet(t, tcp(2, 80, 1, 40000, R, 10, S + 2, NS_DIR_INGRESS));
	assert_int_equal(nev, 2);
	assert_int_equal(evs[0].direction, NS_FLOW_DIR_UNKNOWN);
	assert_int_equal(evs[1].direction, NS_FLOW_DIR_UNKNOWN);
	assert_int_equal(evs[1].reason, NS_FLOW_R_RST);
	ns_flow_free(t);
}

static void test_refused_no_events(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, C(SY, 1000, S));
	ns_flow_packet(t, V(R | A, 0, S + 10));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 0);
	/* unanswered SYNs (retransmitted, same ISN): nothing either */
	ns_flow_packet(t, tcp(1, 40001, 2, 81, SY, 5, 2 * S, 0));
	ns_flow_packet(t, tcp(1, 40001, 2, 81, SY, 5, 3 * S, 0));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 0);
	ns_flow_free(t);
}

static void test_rst_after_synack(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, C(SY, 1000, S));
	ns_flow_packet(t, V(SY | A, 5000, S + 10));
	ns_flow_packet(t, C(R, 1001, S + 20));     /* e.g. a SYN scanner */
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].reason, NS_FLOW_R_RST);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_INITIATOR);
	ns_flow_packet(t, V(R, 5001, S + 30));     /* a second RST: no second end */
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	ns_flow_free(t);
}

static void test_simultaneous_open(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, tcp(1, 5000, 2, 6000, SY, 100, S, 0));
	ns_flow_packet(t, tcp(2, 6000, 1, 5000, SY, 200, S + 1, 0));
	ns_flow_packet(t, tcp(1, 5000, 2, 6000, SY | A, 100, S + 2, 0));
	ns_flow_packet(t, tcp(2, 6000, 1, 5000, SY | A, 200, S + 3, 0));
	assert_int_equal(nev, 1);
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 3);
	ns_flow_packet(t, tcp(2, 6000, 1, 5000, F | A, 201, S + 4, 0));
	ns_flow_packet(t, tcp(1, 5000, 2, 6000, F | A, 101, S + 5, 0));
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_RESPONDER);
	ns_flow_free(t);
}

/* The other SYN of a simultaneous open captured after the first SYN+ACK. */
static void test_simultaneous_open_crossing(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	const struct ns_packet *p;
	(void)state;
	ns_flow_packet(t, tcp(1, 5000, 2, 6000, SY, 100, S, 0));
	p = tcp(1, 5000, 2, 6000, SY | A, 100, S + 1, 0);
	pk.pkt.tcp.ack = 201;                      /* acks the peer's SYN (ISN 200) */
	ns_flow_packet(t, p);
	ns_flow_packet(t, tcp(2, 6000, 1, 5000, SY, 200, S + 2, 0));
	ns_flow_packet(t, tcp(2, 6000, 1, 5000, SY | A, 200, S + 3, 0));
	assert_int_equal(nev, 1);                  /* no port_reuse */
	ns_flow_packet(t, tcp(2, 6000, 1, 5000, SY, 999, S + 4, 0));
	assert_int_equal(nev, 2);                  /* a different ISN is a new connection */
	assert_int_equal(evs[1].reason, NS_FLOW_R_PORT_REUSE);
	ns_flow_free(t);
}

static void test_port_reuse(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	handshake(t, S);
	/* no FIN seen; the client reuses the 4-tuple with a new ISN */
	ns_flow_packet(t, C(SY, 999999, 10 * S));  /* frame 4 */
	assert_int_equal(nev, 2);
	assert_ev(1, NS_FLOW_EV_END, 1, 4);
	assert_int_equal(evs[1].reason, NS_FLOW_R_PORT_REUSE);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_NONE);
	ns_flow_packet(t, V(SY | A, 77, 10 * S + 5));
	assert_int_equal(nev, 3);
	assert_ev(2, NS_FLOW_EV_BEGIN, 1, 5);
	assert_int_equal(evs[2].start_ns, 10 * S);
	/* a retransmitted SYN (same ISN) is not a new connection */
	ns_flow_packet(t, C(SY, 999999, 10 * S + 6));
	assert_int_equal(nev, 3);
	ns_flow_finish(t, true);
	assert_int_equal(nev, 4);
	assert_int_equal(evs[3].reason, NS_FLOW_R_CAPTURE_END);
	ns_flow_free(t);
}

static void test_reuse_after_close(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	handshake(t, S);
	ns_flow_packet(t, C(F | A, 1001, 2 * S));
	ns_flow_packet(t, V(F | A, 5001, 2 * S + 1));
	ns_flow_packet(t, C(A, 1002, 2 * S + 2));
	assert_int_equal(nev, 2);
	ns_flow_packet(t, C(SY, 70000, 3 * S));    /* a new ISN: a new connection */
	ns_flow_packet(t, V(SY | A, 80000, 3 * S + 1));
	assert_int_equal(nev, 3);                  /* a fresh begin, no port_reuse end */
	assert_int_equal(evs[2].type, NS_FLOW_EV_BEGIN);
	ns_flow_free(t);
}

static void test_midstream(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	/* first packet: data from the server; the client port looks ephemeral */
	ns_flow_packet(t, V(A | P, 5000, S));
	assert_int_equal(nev, 1);
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 1);
	assert_true(evs[0].midstream);
	assert_int_equal(evs[0].direction, NS_FLOW_DIR_UNKNOWN);  /* initiator only inferred */
	ns_flow_packet(t, C(A, 1000, 2 * S));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	assert_ev(1, NS_FLOW_EV_END, 1, 2);
	assert_int_equal(evs[1].reason, NS_FLOW_R_CAPTURE_END);
	assert_int_equal(evs[1].ts_ns, 2 * S);
	assert_true(evs[1].midstream);
	assert_int_equal(evs[1].ini_packets, 1);
	assert_int_equal(evs[1].rsp_packets, 1);
	ns_flow_free(t);
}

static void test_midstream_fin_and_lone_rst(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, C(F | A, 1000, S));      /* only the close was captured */
	ns_flow_packet(t, V(F | A, 5000, S + 1));
	ns_flow_packet(t, C(A, 1001, S + 2));
	assert_int_equal(nev, 2);
	assert_true(evs[0].midstream);
	assert_int_equal(evs[1].reason, NS_FLOW_R_FIN);
	/* a RST on an unknown tuple is no connection */
	ns_flow_packet(t, tcp(3, 1234, 4, 443, R, 1, 2 * S, 0));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	ns_flow_free(t);
}

static void test_synack_only_and_missing_synack(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	/* SYN not captured: the SYN+ACK still says who initiated */
	ns_flow_packet(t, V(SY | A, 5000, S));
	assert_int_equal(nev, 1);
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 1);
	assert_false(evs[0].midstream);
	assert_int_equal(evs[0].direction, NS_FLOW_DIR_OUTGOING);  /* SYN+ACK came in */
	/* SYN+ACK not captured: begin at the next packet after the SYN */
	ns_flow_packet(t, tcp(1, 40002, 2, 80, SY, 1, 2 * S, 0));
	ns_flow_packet(t, tcp(1, 40002, 2, 80, A, 2, 2 * S + 5, 0));
	assert_int_equal(nev, 2);
	assert_ev(1, NS_FLOW_EV_BEGIN, 1, 3);
	assert_false(evs[1].midstream);
	assert_int_equal(evs[1].start_ns, 2 * S);
	ns_flow_free(t);
}

static void test_new_isn_while_half_open(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, C(SY, 1, S));
	ns_flow_packet(t, C(SY, 2, 5 * S));        /* new attempt, new ISN */
	ns_flow_packet(t, V(SY | A, 9, 5 * S + 1));
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].start_ns, 5 * S);
	ns_flow_free(t);
}

static void test_idle_timeout(void **state)
{
	struct ns_flow_table *t = table(0, 10 * S);
	(void)state;
	handshake(t, S);
	ns_flow_packet(t, tcp(7, 1111, 8, 22, SY, 1, 5 * S, 0));   /* frame 4 */
	assert_int_equal(nev, 1);
	ns_flow_packet(t, tcp(7, 1111, 8, 22, SY, 1, 20 * S, 0));  /* frame 5: clock passes 11 s */
	assert_int_equal(nev, 2);
	assert_ev(1, NS_FLOW_EV_END, 1, 5);
	assert_int_equal(evs[1].reason, NS_FLOW_R_IDLE);
	assert_int_equal(evs[1].ts_ns, 20 * S);
	assert_int_equal(ns_flow_get_stats(t)->expired_idle, 1);
	/* the expired flow's next packet starts a new (midstream) flow */
	ns_flow_packet(t, C(A, 1002, 21 * S));
	assert_int_equal(nev, 3);
	assert_true(evs[2].midstream);
	ns_flow_free(t);
}

static void test_non_tcp_ticks_clock(void **state)
{
	struct ns_flow_table *t = table(0, 10 * S);
	(void)state;
	handshake(t, S);
	tcp(9, 5353, 10, 5353, 0, 0, 5 * S, 0);
	pk.pkt.l4 = NS_L4_UDP;                     /* frame 4: not TCP */
	ns_flow_packet(t, &pk.pkt);
	assert_int_equal(nev, 1);
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].frame, 4);         /* capture_end at the last packet */
	assert_int_equal(evs[1].ts_ns, 5 * S);
	ns_flow_reset(t);
	handshake(t, 100 * S);
	tcp(9, 5353, 10, 5353, 0, 0, 200 * S, 0);
	pk.pkt.l4 = NS_L4_UDP;
	ns_flow_packet(t, &pk.pkt);                /* idle expiry caused by a UDP packet */
	assert_int_equal(nev, 4);
	assert_int_equal(evs[3].reason, NS_FLOW_R_IDLE);
	assert_int_equal(evs[3].ts_ns, 200 * S);
	ns_flow_free(t);
}

/* ns_flow_clear: the table as new, so the same packets give the same
 * events and counters again (the fuzz harnesses reuse one table). */
static void test_clear_as_new(void **state)
{
	struct ns_flow_table *t = table(2, 0);
	(void)state;
	for (int round = 0; round < 2; round++) {
		nev = 0;
		frame_no = 0;
		for (uint8_t h = 1; h <= 3; h++) {
			ns_flow_packet(t, tcp(h, 40000, 100, 80, SY, 1, h * S, 0));
			ns_flow_packet(t, tcp(100, 80, h, 40000, SY | A, 1, h * S + 1, 0));
		}
		ns_flow_finish(t, true);
		assert_int_equal(nev, 6);
		assert_int_equal(evs[2].frame, 5);
		assert_int_equal(ns_flow_get_stats(t)->begins, 3);
		assert_int_equal(ns_flow_get_stats(t)->evicted_full, 1);
		ns_flow_clear(t);
		assert_int_equal(ns_flow_get_stats(t)->begins, 0);
		assert_int_equal(ns_flow_get_stats(t)->evicted_full, 0);
		assert_int_equal(ns_flow_get_stats(t)->active, 0);
	}
	ns_flow_free(t);
}

static void test_eviction_when_full(void **state)
{
	struct ns_flow_table *t = table(2, 0);
	(void)state;
	for (uint8_t h = 1; h <= 3; h++) {
		ns_flow_packet(t, tcp(h, 40000, 100, 80, SY, 1, h * S, 0));
		ns_flow_packet(t, tcp(100, 80, h, 40000, SY | A, 1, h * S + 1, 0));
	}
	/* begin 1, begin 2, end 1 (evicted at the third SYN), begin 3 */
	assert_int_equal(nev, 4);
	assert_int_equal(evs[2].type, NS_FLOW_EV_END);
	assert_int_equal(evs[2].src.a[3], 1);
	assert_int_equal(evs[2].reason, NS_FLOW_R_IDLE);
	assert_int_equal(evs[2].frame, 5);
	assert_int_equal(ns_flow_get_stats(t)->evicted_full, 1);
	assert_true(ns_flow_get_stats(t)->max_active <= 2);
	ns_flow_finish(t, true);
	assert_int_equal(nev, 6);
	assert_int_equal(evs[4].src.a[3], 2);      /* capture_end in begin order */
	assert_int_equal(evs[5].src.a[3], 3);
	assert_int_equal(evs[5].frame, 6);
	ns_flow_free(t);
}

static void test_no_capture_end(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	handshake(t, S);
	ns_flow_finish(t, false);
	ns_flow_finish(t, true);                   /* nothing left open */
	assert_int_equal(nev, 1);
	ns_flow_free(t);
}

static void test_ipv6(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	const struct ns_packet *p;
	(void)state;
	for (int i = 0; i < 3; i++) {
		bool fromc = i != 1;
		p = tcp(0, 0, 0, 0, (uint16_t)(i == 0 ? SY : i == 1 ? (SY | A) : (F | A)), 1, S + (uint64_t)i, 0);
		pk.pkt.l3 = NS_L3_IPV6;
		pk.pkt.src.family = pk.pkt.dst.family = 6;
		memset(pk.pkt.src.a, 0, 16);
		memset(pk.pkt.dst.a, 0, 16);
		pk.pkt.src.a[0] = pk.pkt.dst.a[0] = 0xfe;
		pk.pkt.src.a[15] = fromc ? 1 : 2;
		pk.pkt.dst.a[15] = fromc ? 2 : 1;
		pk.pkt.tcp.src_port = fromc ? 50000 : 443;
		pk.pkt.tcp.dst_port = fromc ? 443 : 50000;
		ns_flow_packet(t, p);
	}
	assert_int_equal(nev, 2);
	assert_int_equal(evs[0].src.family, 6);
	assert_int_equal(evs[0].src.a[15], 1);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_INITIATOR);
	ns_flow_free(t);
}

/* Random packets on a few tuples: begin/end always pair up per flow. */
static void test_random_pairs(void **state)
{
	struct ns_flow_table *t = table(8, 30 * S);
	uint32_t x = 42;
	int open[16];
	(void)state;
	memset(open, 0, sizeof(open));
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		uint8_t c = (uint8_t)(1 + (x >> 8) % 12);
		bool fromc = (x >> 12) & 1;
		static const uint16_t fl[] = { SY, SY | A, A, A | P, F | A, R, R | A, SY };
		uint16_t f = fl[(x >> 16) % 8];
		uint32_t seq = (x >> 20) % 3;
		uint64_t ts = (uint64_t)i * (S / 10);
		if (fromc)
			ns_flow_packet(t, tcp(c, 40000, 200, 80, f, seq, ts, 0));
		else
			ns_flow_packet(t, tcp(200, 80, c, 40000, f, seq, ts, 0));
		for (int k = 0; k < nev; k++) {
			const struct ns_flow_event *e = &evs[k];
			uint8_t cl = e->src.a[3] == 200 ? e->dst.a[3] : e->src.a[3];
			if (e->type == NS_FLOW_EV_BEGIN) {
				assert_int_equal(open[cl], 0);
				open[cl] = 1;
			} else {
				assert_int_equal(open[cl], 1);
				open[cl] = 0;
				assert_true(e->reason != NS_FLOW_R_NONE);
			}
		}
		nev = 0;
	}
	ns_flow_finish(t, true);
	const struct ns_flow_stats *st = ns_flow_get_stats(t);
	assert_int_equal(st->begins, st->ends);
	assert_true(st->begins > 100);
	assert_true(st->max_active <= 8);
	ns_flow_free(t);
}

/* 10.0.x.y:port keys spread evenly: no bucket gets a crowd. */
static void test_hash_spread(void **state)
{
	enum { NB = 1 << 16 };
	uint32_t *cnt = calloc(NB, sizeof(*cnt));
	uint32_t used = 0, maxc = 0;
	(void)state;
	for (uint32_t i = 0; i < NB; i++) {
		uint8_t key[40];
		memset(key, 0, sizeof(key));
		key[0] = 10; key[2] = (uint8_t)(i >> 8); key[3] = (uint8_t)i;
		key[16] = 10; key[19] = 1;
		key[32] = 0x50; key[34] = 0x9c; key[35] = 0x40;
		uint32_t b = (uint32_t)ns_hash_bytes(key, sizeof(key), NS_HASH_DEFAULT_SEED) & (NB - 1);
		if (cnt[b]++ == 0)
			used++;
		if (cnt[b] > maxc)
			maxc = cnt[b];
	}
	/* a random function fills 1 - 1/e = 63% of the buckets, max load ~8 */
	assert_true(used > NB * 60 / 100);
	assert_true(maxc <= 12);
	free(cnt);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ns_flow_reason_name(NS_FLOW_R_IDLE), "idle_timeout");
	assert_string_equal(ns_flow_reason_name(NS_FLOW_R_CAPTURE_END), "capture_end");
	assert_null(ns_flow_reason_name(NS_FLOW_R_NONE));
	assert_string_equal(ns_flow_side_name(NS_FLOW_SIDE_RESPONDER), "responder");
	assert_null(ns_flow_side_name(NS_FLOW_SIDE_NONE));
	assert_string_equal(ns_flow_dir_name(NS_FLOW_DIR_UNKNOWN), "unknown");
}


/* The SYN+ACK captured before its SYN (capture reordering): one flow. */
static void test_synack_before_syn(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	V(SY | A, 5000, S);
	pk.pkt.tcp.ack = 1001;                     /* acks the client's ISN 1000 */
	ns_flow_packet(t, &pk.pkt);
	ns_flow_packet(t, C(SY, 1000, S + 10));    /* the SYN, late */
	ns_flow_packet(t, C(A, 1001, S + 20));
	assert_int_equal(nev, 1);                  /* no port_reuse, no second begin */
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 1);
	assert_false(evs[0].midstream);
	ns_flow_packet(t, C(F | A, 1001, S + 30));
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].reason, NS_FLOW_R_FIN);
	assert_int_equal(evs[1].ini_packets, 3);
	/* a SYN with another ISN is still a new connection */
	ns_flow_packet(t, C(SY, 70000, 2 * S));
	ns_flow_packet(t, V(SY | A, 80000, 2 * S + 1));
	assert_int_equal(nev, 3);
	assert_ev(2, NS_FLOW_EV_BEGIN, 1, 6);
	ns_flow_free(t);
}

/* FINs retransmitted long after the close find the closed connection: no
 * midstream flow of their own, whatever the idle timeout. */
static void test_fin_retransmitted_after_close(void **state)
{
	struct ns_flow_table *t = table(0, 10 * S);
	(void)state;
	handshake(t, S);
	ns_flow_packet(t, C(F | A, 1001, 2 * S));
	ns_flow_packet(t, V(A, 5001, 2 * S + 1));
	ns_flow_packet(t, V(F | A, 5001, 2 * S + 2));
	assert_int_equal(nev, 2);
	/* the server's FIN is never ACKed: RTO back-off, up to Linux's 120 s */
	uint64_t at = 2 * S + 2;
	for (uint64_t rto = 1 * S; rto <= 120 * S; rto *= 2) {
		at += rto;
		ns_flow_packet(t, V(F | A, 5001, at));
	}
	at += 120 * S;
	ns_flow_packet(t, V(F | A, 5001, at));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	assert_int_equal(ns_flow_get_stats(t)->begins, 1);
	ns_flow_free(t);

	/* the default linger is not the idle timeout's */
	t = table(0, 0);
	handshake(t, S);
	ns_flow_packet(t, C(R | A, 1001, 2 * S));
	ns_flow_packet(t, V(F | A, 5001, 100 * S));
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].reason, NS_FLOW_R_RST);
	ns_flow_free(t);
}

/* A RST injected before the SYN+ACK (by a middlebox): the real SYN+ACK
 * that follows still begins the connection. */
static void test_synack_after_injected_rst(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	ns_flow_packet(t, C(SY, 1000, S));
	V(R | A, 0, S + 10);
	pk.pkt.tcp.ack = 1001;
	ns_flow_packet(t, &pk.pkt);
	assert_int_equal(nev, 0);
	V(SY | A, 5000, S + 20);                   /* frame 3 */
	pk.pkt.tcp.ack = 1001;
	ns_flow_packet(t, &pk.pkt);
	assert_int_equal(nev, 1);
	assert_ev(0, NS_FLOW_EV_BEGIN, 1, 3);
	assert_false(evs[0].midstream);
	assert_int_equal(evs[0].start_ns, S);
	ns_flow_packet(t, C(A, 1001, S + 30));
	ns_flow_packet(t, C(F | A, 1001, S + 40));
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].reason, NS_FLOW_R_FIN);
	/* a SYN+ACK for another ISN after a refusal begins nothing */
	ns_flow_packet(t, tcp(1, 40001, 2, 80, SY, 10, 2 * S, 0));
	ns_flow_packet(t, tcp(2, 80, 1, 40001, R | A, 0, 2 * S + 1, 0));
	tcp(2, 80, 1, 40001, SY | A, 50, 2 * S + 2, 0);
	pk.pkt.tcp.ack = 12345;
	ns_flow_packet(t, &pk.pkt);
	ns_flow_finish(t, true);
	assert_int_equal(nev, 2);
	ns_flow_free(t);
}

/* A segment with both RST and FIN ends the flow as a reset. */
static void test_rst_fin_segment(void **state)
{
	struct ns_flow_table *t = table(0, 0);
	(void)state;
	handshake(t, S);
	ns_flow_packet(t, V(R | F | A, 5001, 2 * S));
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].reason, NS_FLOW_R_RST);
	assert_int_equal(evs[1].terminated_by, NS_FLOW_SIDE_RESPONDER);
	ns_flow_free(t);
}

/* Issue 17: replacing a half-open or a closed entry to make room emits
 * nothing, but is counted (evicted_halfopen, evicted_closed). */
static void test_eviction_counts_halfopen_and_closed(void **state)
{
	struct ns_flow_table *t = table(2, 0);
	(void)state;
	for (uint8_t h = 1; h <= 5; h++)
		ns_flow_packet(t, tcp(h, 40000, 100, 80, SY, 1, h * S, 0));
	assert_int_equal(nev, 0);
	assert_int_equal(ns_flow_get_stats(t)->evicted_halfopen, 3);
	assert_int_equal(ns_flow_get_stats(t)->evicted_full, 0);
	ns_flow_free(t);

	t = table(1, 0);
	ns_flow_packet(t, tcp(1, 40000, 100, 80, SY, 1, 1 * S, 0));
	ns_flow_packet(t, tcp(100, 80, 1, 40000, SY | A, 1, 1 * S + 1, 0));
	ns_flow_packet(t, tcp(1, 40000, 100, 80, R, 2, 1 * S + 2, 0));
	assert_int_equal(nev, 2);                 /* begin, end (rst): closed, lingering */
	ns_flow_packet(t, tcp(2, 40000, 100, 80, SY, 1, 2 * S, 0));
	assert_int_equal(ns_flow_get_stats(t)->evicted_closed, 1);
	assert_int_equal(ns_flow_get_stats(t)->evicted_halfopen, 0);
	ns_flow_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graceful_close_by_initiator),
		cmocka_unit_test(test_close_by_responder_incoming),
		cmocka_unit_test(test_direction_unknown),
		cmocka_unit_test(test_refused_no_events),
		cmocka_unit_test(test_rst_after_synack),
		cmocka_unit_test(test_simultaneous_open),
		cmocka_unit_test(test_simultaneous_open_crossing),
		cmocka_unit_test(test_port_reuse),
		cmocka_unit_test(test_reuse_after_close),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_midstream_fin_and_lone_rst),
		cmocka_unit_test(test_synack_only_and_missing_synack),
		cmocka_unit_test(test_new_isn_while_half_open),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_non_tcp_ticks_clock),
		cmocka_unit_test(test_eviction_when_full),
		cmocka_unit_test(test_clear_as_new),
		cmocka_unit_test(test_eviction_counts_halfopen_and_closed),
		cmocka_unit_test(test_no_capture_end),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_random_pairs),
		cmocka_unit_test(test_hash_spread),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_synack_before_syn),
		cmocka_unit_test(test_fin_retransmitted_after_close),
		cmocka_unit_test(test_synack_after_injected_rst),
		cmocka_unit_test(test_rst_fin_segment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
