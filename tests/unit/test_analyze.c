/* Unit tests for src/analyze.c: hand-built TCP packet sequences, checked
 * against Wireshark's tcp.analysis.* definitions and Zeek's conn_state and
 * history. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include "analyze/analyze.h"

#define MS 1000000ull
#define S 1000000000ull

enum { C = 0, SV = 1 };          /* who sends: client or server */
#define SYN NS_TCP_SYN
#define ACK NS_TCP_ACK
#define FIN NS_TCP_FIN
#define RST NS_TCP_RST
#define PSH NS_TCP_PSH

/* A test capture: feeds packets, keeps copies of the finished connections. */
struct cap {
	struct ns_an *an;
	uint64_t frame;
	struct ns_an_conn conns[8];
	unsigned nconns;
	/* the engine frees a connection's arrays after done(): the copies' own */
	struct ns_an_rtx rtx[8][2][NS_AN_MAX_RTX_REC];
	struct ns_an_finding find[8][2][NS_FIND_COUNT];
	uint64_t frames[8][2][NS_FIND_COUNT][NS_AN_MAX_FRAMES];
	struct ns_an_pkt last;   /* analysis of the last packet fed */
	uint16_t cport;          /* client port */
	int wscale;              /* window scale offered in SYNs, -1 none */
	/* the text and JSON report of each, rendered in done(): the diagnoses
	 * (c->dx) are valid in the callback only */
	bool render;
	char *report[8];
};

static void done(const struct ns_an_conn *c, void *user)
{
	struct cap *k = user;
	if (k->nconns >= 8)
		return;
	unsigned i = k->nconns++;
	size_t rlen = 0;
	FILE *m = k->render ? open_memstream(&k->report[i], &rlen) : NULL;
	if (m) {
		ns_an_write_text(m, c);
		ns_an_write_json(m, c, "x.pcap");
		fclose(m);
	}
	k->conns[i] = *c;
	k->conns[i].dx = NULL;   /* freed after done(): the copy reports without it */
	struct ns_an_dir *dirs[2] = { &k->conns[i].init, &k->conns[i].resp };
	for (int s = 0; s < 2; s++) {
		struct ns_an_dir *d = dirs[s];
		if (d->nrtx) {
			memcpy(k->rtx[i][s], d->rtx, d->nrtx * sizeof(*d->rtx));
			d->rtx = k->rtx[i][s];
		}
		if (!d->find)
			continue;
		memcpy(k->find[i][s], d->find, sizeof(k->find[i][s]));
		d->find = k->find[i][s];
		for (int f = 0; f < NS_FIND_COUNT; f++) {
			if (!d->find[f].nframes)
				continue;
			memcpy(k->frames[i][s][f], d->find[f].frames,
			       d->find[f].nframes * sizeof(uint64_t));
			d->find[f].frames = k->frames[i][s][f];
		}
	}
}

static void cap_init(struct cap *k)
{
	memset(k, 0, sizeof(*k));
	k->an = ns_an_new(done, k);
	assert_non_null(k->an);
	k->cport = 50000;
	k->wscale = -1;
}

static void cap_end(struct cap *k)
{
	ns_an_finish(k->an);
	ns_an_free(k->an);
	k->an = NULL;
}

/* Client 10.0.0.1:cport <-> server 10.0.0.2:80. Returns the packet's flags. */
static uint32_t pkt(struct cap *k, int from, uint64_t t_ns, uint16_t flags, uint32_t seq,
		    uint32_t ack, uint16_t win, uint32_t len)
{
	static struct ns_packet p;
	struct ns_ctx ctx = { .ts_ns = 1000 * S + t_ns, .frame = ++k->frame };
	struct ns_addr a = { .family = 4, .a = { 10, 0, 0, 1 } };
	struct ns_addr b = { .family = 4, .a = { 10, 0, 0, 2 } };

	memset(&p, 0, sizeof(p));
	p.ctx = &ctx;
	p.l3 = NS_L3_IPV4;
	p.src = from == C ? a : b;
	p.dst = from == C ? b : a;
	p.ipproto = 6;
	p.first_fragment = true;
	p.l4 = NS_L4_TCP;
	p.tcp.hdr_avail = 20;
	p.tcp.src_port = from == C ? k->cport : 80;
	p.tcp.dst_port = from == C ? 80 : k->cport;
	p.tcp.seq = seq;
	p.tcp.ack = ack;
	p.tcp.flags = flags;
	p.tcp.window = win;
	p.tcp.payload_len = len;
	if ((flags & SYN) && k->wscale >= 0) {
		p.tcp.has_wscale = true;
		p.tcp.wscale = (uint8_t)k->wscale;
	}
	if (flags & SYN) {
		p.tcp.has_mss = true;
		p.tcp.mss = 1460;
	}
	return ns_an_packet(k->an, &p, &k->last);
}

/* Client ISN 1000, server ISN 5000; handshake at t = 0, 1 ms, 2 ms. */
static void handshake(struct cap *k)
{
	pkt(k, C, 0, SYN, 1000, 0, 64240, 0);
	pkt(k, SV, 1 * MS, SYN | ACK, 5000, 1001, 65160, 0);
	pkt(k, C, 2 * MS, ACK, 1001, 5001, 502, 0);
}

static const struct ns_an_conn *only(struct cap *k)
{
	assert_int_equal(k->nconns, 1);
	return &k->conns[0];
}

/* ---- handshake, graceful close, SF ---- */
static void test_graceful(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	pkt(&k, C, 3 * MS, ACK | PSH, 1001, 5001, 502, 100);
	assert_int_equal(pkt(&k, SV, 4 * MS, ACK, 5001, 1101, 509, 0), 0);
	assert_int_equal(k.last.ncover, 1);
	assert_int_equal(k.last.cover[0], 4);
	assert_true(k.last.has_rtt);
	assert_int_equal(k.last.rtt_ns, 1 * MS);
	pkt(&k, SV, 5 * MS, ACK | PSH, 5001, 1101, 509, 200);
	pkt(&k, C, 6 * MS, ACK, 1101, 5201, 502, 0);
	pkt(&k, C, 7 * MS, FIN | ACK, 1101, 5201, 502, 0);
	pkt(&k, SV, 8 * MS, FIN | ACK, 5201, 1102, 509, 0);
	pkt(&k, C, 9 * MS, ACK, 1102, 5202, 502, 0);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_string_equal(ns_an_conn_state(c), "SF");
	assert_string_equal(c->history, "ShADadFf");
	assert_int_equal(c->close, NS_AN_CLOSE_GRACEFUL);
	assert_int_equal(c->syn_frame, 1);
	assert_int_equal(c->synack_frame, 2);
	assert_int_equal(c->hs_ack_frame, 3);
	assert_int_equal(c->irtt_ns, 2 * MS);
	assert_int_equal(c->init.fin_frame, 8);
	assert_int_equal(c->init.fin_acked_frame, 9);
	assert_int_equal(c->resp.fin_acked_frame, 10);
	assert_int_equal(c->init.payload_bytes, 100);
	assert_int_equal(c->resp.payload_bytes, 200);
	assert_int_equal(c->init.rtt_n, 3);      /* SYN, data, FIN */
	assert_string_equal(ns_an_port_class(c->init.port), "dynamic");
	assert_string_equal(ns_an_port_class(c->resp.port), "well-known");
	assert_string_equal(ns_an_port_class(8080), "registered");
}

/* ---- RTO back-off doubling, never ACKed, gave up ---- */
static void backoff_run(struct cap *k, bool reset)
{
	static const uint64_t at[] = { 10, 210, 610, 1410, 3010, 6210 };  /* ms */
	handshake(k);
	for (unsigned i = 0; i < 6; i++) {
		uint32_t a = pkt(k, C, at[i] * MS, ACK | PSH, 1001, 5001, 502, 100);
		assert_int_equal(a, i ? NS_AN_RETRANSMISSION : 0);
	}
	if (reset)
		pkt(k, C, 9000 * MS, RST | ACK, 1101, 5001, 0, 0);
	cap_end(k);
}

static void test_backoff_giveup(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	backoff_run(&k, false);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_RETRANS)->count, 5);
	assert_int_equal(c->init.nrtx, 1);
	const struct ns_an_rtx *r = &c->init.rtx[0];
	assert_int_equal(r->ntx, 6);
	assert_true(r->original_seen);
	assert_int_equal(r->frame[0], 4);
	assert_int_equal(r->frame[5], 9);
	assert_int_equal(r->rel_seq, 1);
	assert_false(r->acked);
	assert_string_equal(ns_an_backoff(r), "doubling");
	assert_string_equal(ns_an_gave_up(c, 0), "capture end");
	assert_null(ns_an_gave_up(c, 1));
	assert_int_equal(c->close, NS_AN_CLOSE_OPEN);
	assert_string_equal(ns_an_conn_state(c), "S1");
	assert_string_equal(c->history, "ShADT");

	cap_init(&k);
	backoff_run(&k, true);
	c = only(&k);
	assert_string_equal(ns_an_gave_up(c, 0), "reset");
	assert_int_equal(c->close, NS_AN_CLOSE_RESET);
	assert_true(c->reset_by_initiator);
	assert_int_equal(c->reset_frame, 10);
	assert_int_equal(c->reset_rel_seq, 101);
	assert_true(c->before_reset[0].valid);
	assert_int_equal(c->before_reset[0].frame, 9);
	assert_int_equal(c->before_reset[0].rel_seq, 1);
	assert_int_equal(c->before_reset[0].len, 100);
	assert_int_equal(c->before_reset[1].frame, 2);
	assert_string_equal(ns_an_conn_state(c), "RSTO");
	assert_string_equal(c->history, "ShADTR");
}

static void test_backoff_shapes(void **state)
{
	struct ns_an_rtx r;
	(void)state;
	memset(&r, 0, sizeof(r));
	r.ntx_kept = 2;
	assert_string_equal(ns_an_backoff(&r), "single");
	uint64_t constant[] = { 0, 200, 400, 600 }, odd[] = { 0, 200, 300, 900 };
	r.ntx_kept = 4;
	for (int i = 0; i < 4; i++)
		r.ts_ns[i] = constant[i] * MS;
	assert_string_equal(ns_an_backoff(&r), "constant");
	for (int i = 0; i < 4; i++)
		r.ts_ns[i] = odd[i] * MS;
	assert_string_equal(ns_an_backoff(&r), "irregular");
}

/* ---- duplicate ACKs, fast retransmission, ACK after a retransmission ---- */
static void test_dupack_fast_retransmit(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	for (uint32_t i = 0; i < 4; i++)   /* frames 4-7: seq 1001, 2001, 3001, 4001 */
		pkt(&k, C, (10 + i) * MS, ACK, 1001 + 1000 * i, 5001, 502, 1000);
	assert_int_equal(pkt(&k, SV, 20 * MS, ACK, 5001, 2001, 509, 0), 0);
	assert_int_equal(pkt(&k, SV, 21 * MS, ACK, 5001, 2001, 509, 0), NS_AN_DUP_ACK);
	assert_int_equal(pkt(&k, SV, 22 * MS, ACK, 5001, 2001, 509, 0), NS_AN_DUP_ACK);
	assert_int_equal(pkt(&k, C, 23 * MS, ACK, 2001, 5001, 502, 1000),
			 NS_AN_FAST_RETRANSMISSION);
	/* the cumulative ACK covers frame 11 (a retransmission): Karn, no RTT */
	pkt(&k, SV, 24 * MS, ACK, 5001, 5001, 509, 0);
	assert_false(k.last.has_rtt);
	assert_int_equal(k.last.ncover, 4);     /* frames 5, 6, 7 and 11 */
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_DUP_ACK)->count, 2);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_FAST_RETRANS)->count, 1);
	assert_true(c->init.rtx[0].fast);
	assert_true(c->init.rtx[0].acked);
	assert_int_equal(c->init.rtx[0].ack_frame, 12);
	assert_int_equal(c->init.rtx[0].frame[0], 5);
	assert_int_equal(c->init.rtx[0].frame[1], 11);
}

/* ---- zero window, zero-window probe, keep-alive, window update ---- */
static void test_zero_window(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	pkt(&k, C, 10 * MS, ACK, 1001, 5001, 502, 1000);
	assert_int_equal(pkt(&k, SV, 11 * MS, ACK, 5001, 2001, 0, 0), NS_AN_ZERO_WINDOW);
	assert_int_equal(pkt(&k, C, 200 * MS, ACK, 2001, 5001, 502, 1), NS_AN_ZERO_WINDOW_PROBE);
	assert_int_equal(pkt(&k, SV, 201 * MS, ACK, 5001, 2001, 0, 0),
			 NS_AN_ZERO_WINDOW | NS_AN_ZERO_WINDOW_PROBE_ACK);
	/* Linux probes with seq = snd_una - 1 and no data: a keep-alive to Wireshark */
	assert_int_equal(pkt(&k, C, 400 * MS, ACK, 2000, 5001, 502, 0), NS_AN_KEEP_ALIVE);
	assert_int_equal(pkt(&k, SV, 401 * MS, ACK, 5001, 2001, 0, 0), NS_AN_ZERO_WINDOW);
	assert_int_equal(pkt(&k, SV, 500 * MS, ACK, 5001, 2001, 509, 0), NS_AN_WINDOW_UPDATE);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_ZERO_WINDOW)->count, 3);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_ZW_PROBE)->count, 1);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_KEEP_ALIVE)->count, 1);
	assert_int_equal(c->resp.zw_episodes, 1);
	assert_int_equal(c->resp.zw_reopen_frame, 10);
	assert_int_equal(c->resp.win_min, 0);
	assert_int_equal(c->resp.win_max, 509);
	assert_non_null(strchr(c->history, 'w'));
}

/* ---- out-of-order (soon after) vs retransmission (late); lost segment ---- */
static void test_ooo_vs_retrans_and_lost(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);             /* initial RTT 2 ms: the out-of-order window */
	assert_int_equal(pkt(&k, C, 10 * MS, ACK, 2001, 5001, 502, 1000), NS_AN_LOST_SEGMENT);
	assert_int_equal(pkt(&k, C, 10 * MS + 500000, ACK, 1001, 5001, 502, 1000),
			 NS_AN_OUT_OF_ORDER);
	assert_int_equal(pkt(&k, C, 500 * MS, ACK, 1001, 5001, 502, 1000), NS_AN_RETRANSMISSION);
	/* ACK beyond anything seen from the client: it ACKs unseen data */
	assert_int_equal(pkt(&k, SV, 501 * MS, ACK, 5001, 4001, 509, 0), NS_AN_ACK_LOST_SEGMENT);
	/* data already ACKed, sent again: spurious */
	assert_int_equal(pkt(&k, C, 900 * MS, ACK, 2001, 5001, 502, 1000),
			 NS_AN_SPURIOUS_RETRANS);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_LOST)->count, 1);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_OOO)->count, 1);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_RETRANS)->count, 1);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_SPURIOUS)->count, 1);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_ACK_LOST)->count, 1);
	assert_true(c->init.rtx[0].acked);
	/* Zeek: a content gap in the client's data, retransmitted client data */
	assert_non_null(strchr(c->history, 'G'));
	assert_non_null(strchr(c->history, 'T'));
}

/* ---- resets by each side ---- */
static void test_reset_by_responder(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	pkt(&k, C, 3 * MS, ACK | PSH, 1001, 5001, 502, 10);
	pkt(&k, SV, 4 * MS, RST | ACK, 5001, 1011, 0, 0);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->close, NS_AN_CLOSE_RESET);
	assert_false(c->reset_by_initiator);
	assert_int_equal(c->reset_rel_ack, 11);
	assert_int_equal(c->before_reset[0].frame, 4);
	assert_string_equal(ns_an_conn_state(c), "RSTR");
	assert_string_equal(c->history, "ShADr");
	/* a RST's zero window is not a zero-window advertisement */
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_ZERO_WINDOW)->count, 0);
}

static void test_refused(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	pkt(&k, C, 0, SYN, 1000, 0, 64240, 0);
	pkt(&k, SV, 1 * MS, RST | ACK, 0, 1001, 0, 0);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->close, NS_AN_CLOSE_REFUSED);
	assert_string_equal(ns_an_conn_state(c), "REJ");
	assert_string_equal(c->history, "Sr");
}

static void test_unanswered_syn(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	pkt(&k, C, 0, SYN, 1000, 0, 64240, 0);
	assert_int_equal(pkt(&k, C, 1 * S, SYN, 1000, 0, 64240, 0), NS_AN_RETRANSMISSION);
	assert_int_equal(pkt(&k, C, 3 * S, SYN, 1000, 0, 64240, 0), NS_AN_RETRANSMISSION);
	pkt(&k, C, 7 * S, SYN, 1000, 0, 64240, 0);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->close, NS_AN_CLOSE_UNANSWERED);
	assert_string_equal(ns_an_conn_state(c), "S0");
	assert_string_equal(c->history, "S");
	assert_int_equal(c->syn_count, 4);
	assert_int_equal(c->init.rtx[0].ntx, 4);
	assert_int_equal(c->init.rtx[0].tcpflags, SYN);
	assert_string_equal(ns_an_backoff(&c->init.rtx[0]), "doubling");
	assert_string_equal(ns_an_gave_up(c, 0), "capture end");
}

/* ---- the rest of Zeek's conn_state letters ---- */
static const struct ns_an_conn *state_of(struct cap *k, void (*steps)(struct cap *))
{
	cap_init(k);
	steps(k);
	cap_end(k);
	return only(k);
}

static void st_s2(struct cap *k) { handshake(k); pkt(k, C, 5 * MS, FIN | ACK, 1001, 5001, 502, 0); }
static void st_s3(struct cap *k) { handshake(k); pkt(k, SV, 5 * MS, FIN | ACK, 5001, 1001, 509, 0); }
static void st_rstos0(struct cap *k) { pkt(k, C, 0, SYN, 1000, 0, 64240, 0); pkt(k, C, 5 * MS, RST, 1001, 0, 0, 0); }
static void st_rstrh(struct cap *k) { pkt(k, SV, 0, SYN | ACK, 5000, 1001, 65160, 0); pkt(k, SV, 5 * MS, RST, 5001, 0, 0, 0); }
static void st_sh(struct cap *k) { pkt(k, C, 0, SYN, 1000, 0, 64240, 0); pkt(k, C, 5 * MS, FIN, 1001, 0, 502, 0); }
static void st_shr(struct cap *k) { pkt(k, SV, 0, SYN | ACK, 5000, 1001, 65160, 0); pkt(k, SV, 5 * MS, FIN | ACK, 5001, 1001, 509, 0); }
static void st_oth(struct cap *k) { pkt(k, C, 0, ACK, 1001, 5001, 502, 10); pkt(k, SV, 1 * MS, ACK, 5001, 1011, 509, 0); }
static void st_rsto_after_fin(struct cap *k)
{
	handshake(k);
	pkt(k, SV, 5 * MS, FIN | ACK, 5001, 1001, 509, 0);
	pkt(k, C, 6 * MS, RST | ACK, 1001, 5002, 0, 0);
}

static void test_conn_states(void **state)
{
	struct cap k;
	const struct ns_an_conn *c;
	(void)state;
	c = state_of(&k, st_s2);
	assert_string_equal(ns_an_conn_state(c), "S2");
	assert_int_equal(c->close, NS_AN_CLOSE_HALF);
	c = state_of(&k, st_s3);
	assert_string_equal(ns_an_conn_state(c), "S3");
	c = state_of(&k, st_rstos0);
	assert_string_equal(ns_an_conn_state(c), "RSTOS0");
	assert_string_equal(c->history, "SR");
	c = state_of(&k, st_rstrh);
	assert_string_equal(ns_an_conn_state(c), "RSTRH");
	assert_string_equal(c->history, "^hr");
	assert_true(c->flipped);
	c = state_of(&k, st_sh);
	assert_string_equal(ns_an_conn_state(c), "SH");
	assert_string_equal(c->history, "SF");
	c = state_of(&k, st_shr);
	assert_string_equal(ns_an_conn_state(c), "SHR");
	assert_string_equal(c->history, "^hf");
	c = state_of(&k, st_oth);
	assert_string_equal(ns_an_conn_state(c), "OTH");
	assert_string_equal(c->history, "Da");
	assert_false(c->syn_seen);
	c = state_of(&k, st_rsto_after_fin);
	assert_string_equal(ns_an_conn_state(c), "RSTO");
	assert_string_equal(c->history, "ShAfR");
}

/* ---- a new SYN with another ISN on the same 4-tuple is a new connection ---- */
static void test_port_reuse(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	pkt(&k, C, 5 * MS, FIN | ACK, 1001, 5001, 502, 0);
	pkt(&k, SV, 6 * MS, FIN | ACK, 5001, 1002, 509, 0);
	pkt(&k, C, 7 * MS, ACK, 1002, 5002, 502, 0);
	assert_int_equal(pkt(&k, C, 2 * S, SYN, 900000, 0, 64240, 0), NS_AN_PORTS_REUSED);
	assert_int_equal(k.last.stream, 1);
	cap_end(&k);
	assert_int_equal(k.nconns, 2);
	assert_int_equal(k.conns[0].stream, 0);
	assert_string_equal(ns_an_conn_state(&k.conns[0]), "SF");
	assert_int_equal(k.conns[1].first_frame, 7);
}

/* ---- window scaling: windows scaled when both SYNs offered it; window full ---- */
static void test_window_scale_full(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	k.wscale = 2;
	handshake(&k);             /* client's ACK: 502 << 2 */
	/* server advertised 65160 raw on its SYN (unscaled); after the ACK of frame 4
	 * the server's window is 10 << 2 = 40 bytes: a 40-byte segment fills it */
	pkt(&k, C, 3 * MS, ACK, 1001, 5001, 502, 20);
	pkt(&k, SV, 4 * MS, ACK, 5001, 1021, 10, 0);
	assert_int_equal(pkt(&k, C, 5 * MS, ACK, 1021, 5001, 502, 40), NS_AN_WINDOW_FULL);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->init.win_max, 502 * 4);
	assert_int_equal(c->resp.win_min, 40);
	assert_int_equal(c->init.wscale, 2);
}

/* ---- bounded memory: long connections and many finished ones ---- */
static void test_bounded(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	uint32_t seq = 1001;
	for (uint32_t i = 0; i < 200000; i++) {  /* 200k segments, each ACKed */
		pkt(&k, C, (3 + i) * MS, ACK, seq, 5001, 502, 100);
		seq += 100;
		if (i % 2)
			pkt(&k, SV, (3 + i) * MS + 100000, ACK, 5001, seq, 509, 0);
	}
	assert_int_equal(ns_an_active(k.an), 1);
	/* closed connections are handed over once idle, not kept to the end */
	for (uint16_t p = 0; p < 500; p++) {
		k.cport = (uint16_t)(1024 + p);
		uint64_t t = 300 * S + p * 1 * S;
		pkt(&k, C, t, SYN, 1000, 0, 64240, 0);
		pkt(&k, SV, t + MS, RST | ACK, 0, 1001, 0, 0);
	}
	assert_true(ns_an_active(k.an) < 200);
	cap_end(&k);
}

/* ---- report: text and JSON mention the facts ---- */
static void test_report(void **state)
{
	struct cap k;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	cap_init(&k);
	backoff_run(&k, true);
	FILE *m = open_memstream(&buf, &len);
	ns_an_write_json(m, &k.conns[0], "x.pcap");
	ns_an_write_text(m, &k.conns[0]);
	fclose(m);
	assert_non_null(strstr(buf, "\"connState\":\"RSTO\""));
	assert_non_null(strstr(buf, "\"backoff\":\"doubling\""));
	assert_non_null(strstr(buf, "\"resetBy\":\"initiator\""));
	assert_non_null(strstr(buf, "\"initiator\":{\"ip\":\"10.0.0.1\",\"port\":50000,\"portClass\":\"dynamic\"}"));
	assert_non_null(strstr(buf, "retransmitted seq 1 (100 bytes), first sent in frame 4 at"));
	assert_non_null(strstr(buf, "5 times: frames 5, 6, 7, 8, 9 at"));
	assert_non_null(strstr(buf, "(back-off doubling); never ACKed."));
	assert_non_null(strstr(buf, "gave up: RST at frame 10"));
	assert_non_null(strstr(buf, "The client reset the connection at frame 10"));
	free(buf);
}

/* ---- diagnoses: the series of one segment, its back-off and the give-up,
 * in the report rendered while the connection was handed over ---- */
static void test_report_diagnoses(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	k.render = true;
	backoff_run(&k, true);
	const char *r = k.report[0];
	assert_non_null(r);
	assert_non_null(strstr(r, "The client sent seq 1 (100 bytes) 6 times: frames 4, 5, 6, 7, 8, 9 at "));
	/* 0.2, 0.4, 0.8, 1.6, 3.2 s: Linux's 200 ms minimum RTO, doubling */
	assert_non_null(strstr(r, "(back-off doubling from 0.200 s: Linux's RTO, 200 ms minimum); never ACKed"));
	assert_non_null(strstr(r, "the client gave up after 6 transmissions: RST at frame 10"));
	/* the server sent nothing after its SYN-ACK (frame 2) */
	assert_non_null(strstr(r, "One-way loss, client to server, past the capture point"));
	assert_non_null(strstr(r, "\"diagnoses\":[{\"kind\":\"one_way_loss\",\"from\":\"initiator\",\"confidence\":\"medium\",\"frames\":[2,4,5,6,7,8,9]"));
	for (unsigned i = 0; i < k.nconns; i++)
		free(k.report[i]);
}

/* --acks: the engine logs each advancing ACK with the frames it covers. */
struct ack_copy {
	uint32_t nacks;
	struct ns_an_ack acks[8];
	uint64_t frames[32];
	char text[2048];
};

static void ack_done(const struct ns_an_conn *c, void *user)
{
	struct ack_copy *a = user;
	a->nacks = c->nacks;
	if (!c->nacks || c->nacks > 8 || c->nack_frames > 32)
		return;
	memcpy(a->acks, c->acks, c->nacks * sizeof(*c->acks));
	memcpy(a->frames, c->ack_frames, c->nack_frames * sizeof(*c->ack_frames));
	FILE *m = fmemopen(a->text, sizeof(a->text) - 1, "w");
	if (m) {
		ns_an_write_acks(m, c);
		fclose(m);
	}
}

static void test_ack_log(void **state)
{
	(void)state;
	struct cap k;
	struct ack_copy a;
	memset(&a, 0, sizeof(a));
	cap_init(&k);
	ns_an_free(k.an);
	k.an = ns_an_new(ack_done, &a);
	assert_non_null(k.an);
	ns_an_set_ack_log(k.an, true);
	handshake(&k);                                   /* frames 1-3 */
	pkt(&k, C, 10 * MS, ACK, 1001, 5001, 502, 100);  /* 4 */
	pkt(&k, C, 11 * MS, ACK, 1101, 5001, 502, 100);  /* 5 */
	pkt(&k, C, 12 * MS, ACK, 1201, 5001, 502, 100);  /* 6 */
	pkt(&k, SV, 15 * MS, ACK, 5001, 1301, 509, 0);   /* 7: covers 4-6 */
	pkt(&k, C, 20 * MS, ACK, 1301, 5001, 502, 100);  /* 8 */
	pkt(&k, C, 220 * MS, ACK, 1301, 5001, 502, 100); /* 9: retransmission */
	pkt(&k, SV, 221 * MS, ACK, 5001, 1401, 509, 0);  /* 10: covers 8, 9 */
	cap_end(&k);

	assert_int_equal(a.nacks, 4);                    /* frames 2, 3, 7, 10 */
	const struct ns_an_ack *x = &a.acks[2];
	assert_int_equal(x->frame, 7);
	assert_false(x->by_initiator);
	assert_int_equal(x->rel_ack, 301);
	assert_int_equal(x->nseg, 3);
	assert_int_equal(x->bytes, 300);
	assert_int_equal(x->seg_len, 100);
	assert_int_equal(x->lo_frame, 4);
	assert_int_equal(a.frames[x->cover_off], 4);
	assert_int_equal(a.frames[x->cover_off + 2], 6);
	assert_true(x->has_rtt);
	assert_int_equal(x->rtt_ns, 3 * MS);             /* from frame 6 */
	x = &a.acks[3];
	assert_int_equal(x->nseg, 2);
	assert_false(x->has_rtt);                        /* Karn */
	assert_int_equal(x->karn_frame, 8);
	assert_non_null(strstr(a.text, "frame 7 server ack 301 (rel) covers frames 4-6 "
				"(3 segments, 300 bytes = seq of frame 4 + 3 x 100), RTT 3.000 ms\n"));
	assert_non_null(strstr(a.text, "no RTT (Karn: frame 8 retransmitted)"));

	/* off by default: nothing kept */
	memset(&a, 0, sizeof(a));
	struct cap k2;
	cap_init(&k2);
	ns_an_free(k2.an);
	k2.an = ns_an_new(ack_done, &a);
	assert_non_null(k2.an);
	handshake(&k2);
	pkt(&k2, C, 10 * MS, ACK, 1001, 5001, 502, 100);
	pkt(&k2, SV, 15 * MS, ACK, 5001, 1101, 509, 0);
	cap_end(&k2);
	assert_int_equal(a.nacks, 0);
	assert_string_equal(a.text, "");
}


/* ---- a window scale above 14 is used as 14 (RFC 7323 2.3) ---- */
static void test_window_scale_clamped(void **state)
{
	struct cap k;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	cap_init(&k);
	k.wscale = 255;            /* a shift of 255: undefined in C, nonsense in TCP */
	handshake(&k);
	pkt(&k, C, 3 * MS, ACK, 1001, 5001, 502, 20);
	pkt(&k, SV, 4 * MS, ACK, 5001, 1021, 10, 0);
	/* the server's window is 10 << 14 bytes: a segment up to its edge fills it */
	assert_int_equal(pkt(&k, C, 5 * MS, ACK, 1021, 5001, 502, 10u << 14), NS_AN_WINDOW_FULL);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->init.win_max, 502u << 14);
	assert_int_equal(c->resp.win_min, 10u << 14);
	assert_int_equal(c->init.wscale, 14);
	assert_int_equal(c->init.wscale_offered, 255);
	FILE *m = open_memstream(&buf, &len);
	ns_an_write_text(m, c);
	ns_an_write_json(m, c, NULL);
	fclose(m);
	assert_non_null(strstr(buf, "initiator offered 255, used as 14"));
	assert_non_null(strstr(buf, "\"windowMax\":8224768"));
	assert_null(strstr(buf, "9223372036854775808"));
	free(buf);
}

/* ---- a SYN, SYN+ACK or FIN sent again is a retransmission, not out-of-order:
 * each occupies one sequence number, so it ends exactly at nextseq ---- */
static void test_syn_fin_retransmission(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	pkt(&k, C, 0, SYN, 1000, 0, 64240, 0);
	/* within the 3 ms out-of-order window (no initial RTT yet) */
	assert_int_equal(pkt(&k, C, 1 * MS, SYN, 1000, 0, 64240, 0), NS_AN_RETRANSMISSION);
	pkt(&k, SV, 1 * MS + 500000, SYN | ACK, 5000, 1001, 65160, 0);
	assert_int_equal(pkt(&k, SV, 2 * MS, SYN | ACK, 5000, 1001, 65160, 0),
			 NS_AN_RETRANSMISSION);
	pkt(&k, C, 2 * MS + 100000, ACK, 1001, 5001, 502, 0);   /* initial RTT 2.1 ms */
	pkt(&k, C, 10 * MS, FIN | ACK, 1001, 5001, 502, 0);
	assert_int_equal(pkt(&k, C, 11 * MS, FIN | ACK, 1001, 5001, 502, 0),
			 NS_AN_RETRANSMISSION);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_RETRANS)->count, 2);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_RETRANS)->count, 1);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_OOO)->count, 0);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_OOO)->count, 0);
	assert_int_equal(c->init.nrtx, 2);
	assert_int_equal(c->init.rtx[0].tcpflags, SYN);
	assert_int_equal(c->init.rtx[1].tcpflags, FIN);
}

/* ---- spurious is checked first; its boundary is "ends at or below the ACK" ---- */
static void test_spurious_boundary_and_order(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);                                    /* initial RTT 2 ms */
	pkt(&k, C, 10 * MS, ACK, 1001, 5001, 502, 1000);  /* 4 */
	pkt(&k, SV, 11 * MS, ACK, 5001, 2001, 509, 0);    /* 5: ACKs all of it */
	/* sent again, ending exactly at the ACK: spurious */
	assert_int_equal(pkt(&k, C, 500 * MS, ACK, 1001, 5001, 502, 1000),
			 NS_AN_SPURIOUS_RETRANS);
	/* one byte past the ACK: some of it was not ACKed, a plain retransmission */
	assert_int_equal(pkt(&k, C, 900 * MS, ACK, 1001, 5001, 502, 1001),
			 NS_AN_RETRANSMISSION);
	cap_end(&k);

	/* ACKed data sent again within the out-of-order window: spurious
	 * before out-of-order, as Wireshark checks it */
	cap_init(&k);
	handshake(&k);
	pkt(&k, C, 10 * MS, ACK, 1001, 5001, 502, 1000);
	pkt(&k, C, 10 * MS, ACK, 2001, 5001, 502, 1000);
	pkt(&k, SV, 10 * MS + 200000, ACK, 5001, 2001, 509, 0);
	assert_int_equal(pkt(&k, C, 10 * MS + 500000, ACK, 1001, 5001, 502, 1000),
			 NS_AN_SPURIOUS_RETRANS);
	/* not ACKed, within the window: still out-of-order */
	assert_int_equal(pkt(&k, C, 10 * MS + 600000, ACK, 2001, 5001, 502, 500),
			 NS_AN_OUT_OF_ORDER);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_SPURIOUS)->count, 1);
	assert_int_equal(ns_an_finding(&c->init, NS_FIND_OOO)->count, 1);
	assert_true(c->init.rtx[0].spurious);
}

/* ---- a SYN+ACK with a new ISN on a known 4-tuple: ports reused ---- */
static void test_synack_new_isn(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	/* the same SYN+ACK again is a retransmission, not a reuse */
	assert_int_equal(pkt(&k, SV, 3 * MS, SYN | ACK, 5000, 1001, 65160, 0) &
			 NS_AN_PORTS_REUSED, 0);
	assert_true(pkt(&k, SV, 4 * MS, SYN | ACK, 90000, 1001, 65160, 0) & NS_AN_PORTS_REUSED);
	assert_int_equal(k.last.stream, 0);               /* Wireshark keeps the stream */
	assert_int_equal(k.last.rel_seq, 0);              /* rebased on the new ISN */
	pkt(&k, SV, 5 * MS, ACK, 90001, 1001, 509, 10);
	assert_int_equal(k.last.rel_seq, 1);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->resp.isn, 90000);
	/* Zeek repeats the letter for a SYN+ACK with another sequence number */
	assert_string_equal(c->history, "ShAhd");
}

/* ---- a RST injected before the SYN+ACK gives no ISN ---- */
static void test_injected_rst_before_synack(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	pkt(&k, C, 0, SYN, 1000, 0, 64240, 0);
	/* a middlebox forges the server's RST with numbers of its own */
	pkt(&k, SV, 500000, RST | ACK, 777777, 1001, 0, 0);
	assert_int_equal(pkt(&k, SV, 1 * MS, SYN | ACK, 5000, 1001, 65160, 0), 0);
	assert_int_equal(k.last.rel_seq, 0);
	assert_int_equal(pkt(&k, C, 2 * MS, ACK, 1001, 5001, 502, 0), 0);
	assert_int_equal(k.last.rel_ack, 1);
	assert_int_equal(pkt(&k, SV, 3 * MS, ACK | PSH, 5001, 1001, 509, 100), 0);
	assert_int_equal(k.last.rel_seq, 1);
	assert_int_equal(pkt(&k, C, 4 * MS, ACK, 1001, 5101, 502, 0), 0);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->resp.isn, 5000);
	assert_int_equal(c->resp.unique_bytes, 100);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_LOST)->count, 0);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_RETRANS)->count, 0);
	assert_int_equal(ns_an_finding(&c->resp, NS_FIND_OOO)->count, 0);
}

/* ---- unique bytes: a hole filled late is new data, once ---- */
static void test_unique_bytes_holes(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	handshake(&k);
	pkt(&k, C, 10 * MS, ACK, 1001, 5001, 502, 100);           /* [1001, 1101) */
	assert_int_equal(pkt(&k, C, 11 * MS, ACK, 1201, 5001, 502, 100),
			 NS_AN_LOST_SEGMENT);                      /* hole [1101, 1201) */
	/* the hole's middle, then all of it: 50 new bytes, then the 20 + 30 left */
	pkt(&k, C, 12 * MS, ACK, 1121, 5001, 502, 50);
	pkt(&k, C, 500 * MS, ACK, 1101, 5001, 502, 100);
	/* the same bytes again, and overlapping: nothing new */
	pkt(&k, C, 900 * MS, ACK, 1101, 5001, 502, 100);
	pkt(&k, C, 1300 * MS, ACK, 1051, 5001, 502, 200);
	/* beyond the highest byte seen, partly overlapping: only the new part */
	pkt(&k, C, 1400 * MS, ACK, 1251, 5001, 502, 100);
	cap_end(&k);
	const struct ns_an_conn *c = only(&k);
	assert_int_equal(c->init.payload_bytes, 750);
	assert_int_equal(c->init.unique_bytes, 350);
}

/* Issue 17: --max-conns. At the limit a new connection ends the one idle
 * longest, marked evicted and counted; the others keep going. Slabs grow
 * with the number of connections, so many of them still work. */
static void test_max_conns(void **state)
{
	struct cap k;
	(void)state;
	cap_init(&k);
	ns_an_set_max_conns(k.an, 2);
	for (uint16_t p = 0; p < 3; p++) {
		k.cport = (uint16_t)(1024 + p);
		pkt(&k, C, p * MS, SYN, 1000, 0, 64240, 0);
	}
	/* the third connection made the first (idle longest) go */
	assert_int_equal(k.nconns, 1);
	assert_true(k.conns[0].evicted);
	assert_int_equal(k.conns[0].init.port, 1024);
	assert_false(k.conns[0].capture_end);
	/* a packet of the second makes the third the one idle longest */
	k.cport = 1025;
	pkt(&k, C, 10 * MS, SYN, 1000, 0, 64240, 0);
	k.cport = 1027;
	pkt(&k, C, 11 * MS, SYN, 1000, 0, 64240, 0);
	assert_int_equal(k.nconns, 2);
	assert_int_equal(k.conns[1].init.port, 1026);
	assert_int_equal(ns_an_evicted(k.an), 2);
	assert_int_equal(ns_an_active(k.an), 2);
	cap_end(&k);
	assert_int_equal(k.nconns, 4);
	assert_false(k.conns[2].evicted);          /* ended by the capture's end */
	assert_true(k.conns[2].capture_end);

	/* no limit: 5000 connections held at once (several slabs) */
	cap_init(&k);
	ns_an_set_max_conns(k.an, 0);
	for (uint16_t p = 0; p < 5000; p++) {
		k.cport = (uint16_t)(1024 + p);
		pkt(&k, C, p * MS, SYN, 1000, 0, 64240, 0);
	}
	assert_int_equal(ns_an_active(k.an), 5000);
	assert_int_equal(ns_an_evicted(k.an), 0);
	cap_end(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graceful),
		cmocka_unit_test(test_backoff_giveup),
		cmocka_unit_test(test_backoff_shapes),
		cmocka_unit_test(test_dupack_fast_retransmit),
		cmocka_unit_test(test_zero_window),
		cmocka_unit_test(test_ooo_vs_retrans_and_lost),
		cmocka_unit_test(test_reset_by_responder),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_unanswered_syn),
		cmocka_unit_test(test_conn_states),
		cmocka_unit_test(test_port_reuse),
		cmocka_unit_test(test_window_scale_full),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_max_conns),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_diagnoses),
		cmocka_unit_test(test_ack_log),
		cmocka_unit_test(test_window_scale_clamped),
		cmocka_unit_test(test_syn_fin_retransmission),
		cmocka_unit_test(test_spurious_boundary_and_order),
		cmocka_unit_test(test_synack_new_isn),
		cmocka_unit_test(test_injected_rst_before_synack),
		cmocka_unit_test(test_unique_bytes_holes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
