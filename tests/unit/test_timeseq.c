/* The per-packet record of connections (src/analyze/timeseq.c) and the
 * time-sequence graph drawn from it (src/output/html_svg.c), with packets
 * and analysis results built by hand. */
#include "unit.h"

#include <stdio.h>

#include "analyze/analyze.h"
#include "analyze/timeseq.h"
#include "output/html.h"

struct fx {
	struct ns_ctx ctx;
	struct ns_packet pkt;
	struct ns_an_pkt a;
};

/* One TCP packet of stream `stream` as the engine would describe it. */
static void mk(struct fx *f, uint64_t stream, bool from_init, uint64_t frame, uint64_t ts_ns,
	       uint32_t abs_seq, uint32_t rel_seq, uint32_t abs_ack, uint32_t rel_ack,
	       uint16_t flags, uint32_t len, uint16_t win, uint32_t aflags)
{
	memset(f, 0, sizeof(*f));
	f->ctx.frame = frame;
	f->ctx.ts_ns = ts_ns;
	f->ctx.wire_len = 60 + len;
	f->pkt.ctx = &f->ctx;
	f->pkt.l4 = NS_L4_TCP;
	f->pkt.first_fragment = true;
	f->pkt.tcp.hdr_avail = 20;
	f->pkt.tcp.seq = abs_seq;
	f->pkt.tcp.ack = abs_ack;
	f->pkt.tcp.flags = flags;
	f->pkt.tcp.window = win;
	f->pkt.tcp.payload_len = len;
	f->a.tcp = true;
	f->a.stream = stream;
	f->a.from_initiator = from_init;
	f->a.flags = aflags;
	f->a.rel_seq = rel_seq;
	f->a.rel_ack = rel_ack;
}

static void test_record_fields(void **state)
{
	(void)state;
	struct ts_rec r;
	struct fx f;
	ts_rec_init(&r);
	mk(&f, 3, true, 7, 5000, 1001, 1, 9001, 1, NS_TCP_ACK, 100, 512, NS_AN_RETRANSMISSION);
	ts_rec_packet(&r, &f.pkt, &f.a);
	/* an ACK with an RTT sample and two SACK blocks in the peer's space:
	 * relative to the same base as its ACK (abs 1001 = rel 1) */
	mk(&f, 3, false, 8, 9000, 9001, 1, 1001, 1, NS_TCP_ACK, 0, 0, NS_AN_ZERO_WINDOW);
	f.a.has_rtt = true;
	f.a.rtt_ns = 4000;
	f.pkt.tcp.nsack = 2;
	f.pkt.tcp.sack_left[0] = 1101;
	f.pkt.tcp.sack_right[0] = 1201;
	f.pkt.tcp.sack_left[1] = 1301;
	f.pkt.tcp.sack_right[1] = 1401;
	ts_rec_packet(&r, &f.pkt, &f.a);
	/* not TCP to the analysis: not recorded */
	f.a.tcp = false;
	ts_rec_packet(&r, &f.pkt, &f.a);

	assert_null(ts_rec_take(&r, 2));
	struct ts_conn *c = ts_rec_take(&r, 3);
	assert_non_null(c);
	assert_null(ts_rec_take(&r, 3));          /* handed over once */
	assert_int_equal(c->n, 2);
	assert_int_equal(c->p[0].frame, 7);
	assert_int_equal(c->p[0].ts_ns, 5000);
	assert_int_equal(c->p[0].seq, 1);
	assert_int_equal(c->p[0].len, 100);
	assert_int_equal(c->p[0].win, 512);
	assert_true(c->p[0].from_init);
	assert_int_equal(c->p[0].aflags, NS_AN_RETRANSMISSION);
	assert_int_equal(c->p[0].rtt_us, TS_NO_RTT);
	assert_false(c->p[1].from_init);
	assert_true(c->p[1].has_ack);
	assert_int_equal(c->p[1].rtt_us, 4);
	assert_int_equal(c->p[1].nsack, 2);
	assert_int_equal(c->nsack, 2);
	assert_int_equal(c->sack[0].pkt, 1);
	assert_int_equal(c->sack[0].left, 101);
	assert_int_equal(c->sack[0].right, 201);
	assert_int_equal(c->sack[1].left, 301);
	assert_int_equal(c->sack[1].right, 401);
	ts_conn_free(c);
	ts_rec_free(&r);
}

static void test_only_one_and_clear(void **state)
{
	(void)state;
	struct ts_rec r;
	struct fx f;
	ts_rec_init(&r);
	r.only_one = true;
	r.stream = 1;
	for (uint64_t s = 0; s < 3; s++) {
		mk(&f, s, true, s + 1, 0, 1, 1, 0, 0, NS_TCP_SYN, 0, 100, 0);
		ts_rec_packet(&r, &f.pkt, &f.a);
	}
	assert_null(ts_rec_take(&r, 0));
	assert_null(ts_rec_take(&r, 2));
	struct ts_conn *c = ts_rec_take(&r, 1);
	assert_non_null(c);
	assert_int_equal(c->n, 1);
	ts_conn_free(c);
	/* a stream far past the first slots grows the index; clear forgets it */
	r.only_one = false;
	mk(&f, 5000, true, 1, 0, 1, 1, 0, 0, NS_TCP_SYN, 0, 100, 0);
	ts_rec_packet(&r, &f.pkt, &f.a);
	ts_rec_clear(&r);
	assert_null(ts_rec_take(&r, 5000));
	ts_rec_free(&r);
}

/* The record's memory (a pool of power-of-two blocks; past 1 MiB a block
 * of its own, grown in place): a long connection keeps every packet
 * through its growth, and the blocks of records freed are used again
 * with nothing of the old record left in what is read. */
static void test_long_and_recycled(void **state)
{
	(void)state;
	struct ts_rec r;
	struct fx f;
	const uint32_t n = 60000;          /* 2.4 MB of records: past 1 MiB */
	ts_rec_init(&r);
	for (uint32_t i = 0; i < n; i++) {
		mk(&f, 0, i % 2 == 0, i + 1, 1000ull * i, 1000 + i, i, 0, 0, NS_TCP_ACK,
		   i % 1400, (uint16_t)i, 0);
		f.pkt.tcp.nsack = i % 3 == 0 ? 1 : 0;
		f.pkt.tcp.sack_left[0] = i;
		f.pkt.tcp.sack_right[0] = i + 10;
		ts_rec_packet(&r, &f.pkt, &f.a);
	}
	for (uint64_t s = 1; s <= 200; s++)          /* short ones beside it */
		for (uint32_t i = 0; i < (uint32_t)s; i++) {
			mk(&f, s, true, s * 1000 + i, 0, i, i, 0, 0, NS_TCP_ACK, 1, 1, 0);
			ts_rec_packet(&r, &f.pkt, &f.a);
		}
	struct ts_conn *c = ts_rec_take(&r, 0);
	assert_non_null(c);
	assert_false(c->truncated);
	assert_int_equal(c->n, n);
	assert_int_equal(c->nsack, n / 3);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(c->p[i].frame, i + 1);
		assert_int_equal(c->p[i].seq, i);
		assert_int_equal(c->p[i].len, i % 1400);
	}
	for (uint32_t k = 0; k < c->nsack; k++)
		assert_int_equal(c->sack[k].pkt, 3 * k);
	ts_conn_free(c);
	for (uint64_t s = 1; s <= 100; s++)
		ts_conn_free(ts_rec_take(&r, s));
	/* new records in the blocks just given back */
	for (uint64_t s = 201; s <= 300; s++)
		for (uint32_t i = 0; i < 70; i++) {
			mk(&f, s, false, s * 1000 + i, 0, i, i, 0, 0, NS_TCP_ACK, 2, 2, 0);
			ts_rec_packet(&r, &f.pkt, &f.a);
		}
	for (uint64_t s = 101; s <= 300; s++) {
		c = ts_rec_take(&r, s);
		assert_non_null(c);
		uint32_t want = s <= 200 ? (uint32_t)s : 70;
		assert_int_equal(c->n, want);
		for (uint32_t i = 0; i < want; i++) {
			assert_int_equal(c->p[i].frame, s * 1000 + i);
			assert_int_equal(c->p[i].from_init, s <= 200);
		}
		ts_conn_free(c);
	}
	ts_rec_free(&r);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A client sends 3 segments (the third a retransmission of the second),
 * the server advertises a zero window, reopens it, then resets. */
static void test_graph_marks(void **state)
{
	(void)state;
	struct ts_rec r;
	struct fx f;
	struct ns_an_conn c;
	const uint64_t ms = 1000000;
	ts_rec_init(&r);
	memset(&c, 0, sizeof(c));
	c.stream = 0;
	c.syn_seen = true;
	c.init.wscale = c.resp.wscale = -1;
	c.init.payload_bytes = 3000;
	c.capture_t0_ns = 0;
	c.first_ts_ns = 0;
	c.last_ts_ns = 100 * ms;
	mk(&f, 0, true, 1, 0, 100, 1, 0, 1, NS_TCP_ACK, 1000, 100, 0);
	ts_rec_packet(&r, &f.pkt, &f.a);
	mk(&f, 0, true, 2, 1 * ms, 1100, 1001, 0, 1, NS_TCP_ACK, 1000, 100, 0);
	ts_rec_packet(&r, &f.pkt, &f.a);
	mk(&f, 0, false, 3, 2 * ms, 0, 1, 1100, 1001, NS_TCP_ACK, 0, 0, NS_AN_ZERO_WINDOW);
	ts_rec_packet(&r, &f.pkt, &f.a);
	mk(&f, 0, false, 4, 3 * ms, 0, 1, 1100, 1001, NS_TCP_ACK, 0, 0, NS_AN_ZERO_WINDOW);
	ts_rec_packet(&r, &f.pkt, &f.a);
	mk(&f, 0, false, 5, 50 * ms, 0, 1, 1100, 1001, NS_TCP_ACK, 0, 8000, NS_AN_WINDOW_UPDATE);
	ts_rec_packet(&r, &f.pkt, &f.a);
	mk(&f, 0, true, 6, 60 * ms, 1100, 1001, 0, 1, NS_TCP_ACK, 1000, 100, NS_AN_RETRANSMISSION);
	ts_rec_packet(&r, &f.pkt, &f.a);
	mk(&f, 0, false, 7, 100 * ms, 0, 1, 2100, 2001, NS_TCP_RST | NS_TCP_ACK, 0, 0, 0);
	ts_rec_packet(&r, &f.pkt, &f.a);
	struct ts_conn *t = ts_rec_take(&r, 0);
	assert_non_null(t);

	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	html_tseq_svg(m, &c, t, true);
	html_small_svgs(m, &c, t);
	fclose(m);
	assert_non_null(strstr(buf, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_int_equal(count(buf, "class=\"retrans rtx\""), 1);
	assert_int_equal(count(buf, "class=\"seg\""), 2);
	assert_int_equal(count(buf, "<rect class=\"zw\""), 1);    /* one episode */
	assert_non_null(strstr(buf, "zero window 2 times from frame 3"));
	assert_non_null(strstr(buf, "reopened at frame 5"));
	assert_int_equal(count(buf, "class=\"mk mk-rst\""), 1);
	assert_non_null(strstr(buf, "frame 6: seq 1001-2001 (1000 bytes)"));
	assert_int_equal(count(buf, "<svg "), 4);  /* the graph and three small ones */
	free(buf);
	ts_conn_free(t);
	ts_rec_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_only_one_and_clear),
		cmocka_unit_test(test_long_and_recycled),
		cmocka_unit_test(test_graph_marks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
