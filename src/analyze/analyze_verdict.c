/* netsift analyze: the plain-words verdict of a connection, and whether it
 * has problems. Every output format's analysis record uses these, so the text
 * report, JSON and the other formats say the same thing.
 *
 * Everything here reads a finished struct ns_an_conn; nothing is computed that
 * the engine did not already decide. Times are seconds since the first packet
 * of the capture.
 */
#include "analyze_report.h"
#include "diagnose.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTX_IN_VERDICT 3         /* retransmitted segments described per side */

/* ---------------------------------------------------------------- fast text
 * The verdict and the JSON report are written with the outbuf formatters, not
 * stdio: `analyze -o json` renders every connection, and printf-family calls
 * were most of its time. The output is byte for byte what the printf formats
 * ("%.6f", "%.3f", "%u", ...) gave. */

/* printf("%.6f", ns / 1e9) without printf when ns is a whole number of
 * microseconds (every classic pcap): the double is then within far less than
 * half a unit of the 6th decimal of ns / 1e9, so both round alike. */
void ns_an_ob_secs6(struct outbuf *ob, uint64_t ns)
{
	if (ns % 1000u) {
		char b[48];
		int n = snprintf(b, sizeof(b), "%.6f", (double)ns / 1e9);
		ob_mem(ob, b, n > 0 ? (size_t)n : 0);
		return;
	}
	uint64_t us = ns / 1000u;
	char *d = ob_reserve(ob, 32);
	size_t n = fmt_u64(d, us / 1000000u);
	d[n++] = '.';
	n += fmt_u_pad(d + n, us % 1000000u, 6);
	ob->len += n;
}

/* printf("%.3f", v): rare (retransmission details), so printf it is. */
static void ob_f3(struct outbuf *ob, double v)
{
	char b[48];
	int n = snprintf(b, sizeof(b), "%.3f", v);
	ob_mem(ob, b, n > 0 ? (size_t)n : 0);
}

/* "<n><noun>" with an "s" unless n is 1: "3 times", "1 episode". */
static void ob_count(struct outbuf *ob, uint64_t n, const char *noun)
{
	ob_u64(ob, n);
	ob_str(ob, noun);
	if (n != 1)
		ob_putc(ob, 's');
}

static void ob_frame_list(struct outbuf *ob, const struct ns_an_finding *f, unsigned max)
{
	unsigned n = f->nframes < max ? f->nframes : max;
	for (unsigned i = 0; i < n; i++) {
		if (i)
			OB_LIT(ob, ", ");
		ob_u64(ob, f->frames[i]);
	}
	if (f->count > n) {
		OB_LIT(ob, " and ");
		ob_u64(ob, f->count - n);
		OB_LIT(ob, " more");
	}
}

/* ---------------------------------------------------------------- verdict */

static void verdict_close(struct outbuf *ob, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	int rs = c->reset_by_initiator ? 0 : 1;

	switch (c->close) {
	case NS_AN_CLOSE_REFUSED:
		OB_LIT(ob, "Connection refused: the server answered the SYN (frame ");
		ob_u64(ob, c->syn_frame);
		OB_LIT(ob, ") with RST (frame ");
		ob_u64(ob, r->rst_frame);
		OB_LIT(ob, ").");
		break;
	case NS_AN_CLOSE_UNANSWERED:
		OB_LIT(ob, "SYN unanswered: the client sent ");
		ob_count(ob, c->syn_count, " SYN");
		OB_LIT(ob, " (first frame ");
		ob_u64(ob, c->syn_frame);
		OB_LIT(ob, ") and the server never replied.");
		break;
	case NS_AN_CLOSE_GRACEFUL: {
		bool ifirst = i->fin_frame < r->fin_frame;
		const struct ns_an_dir *a = ifirst ? i : r, *b = ifirst ? r : i;
		OB_LIT(ob, "Closed gracefully: ");
		ob_str(ob, who(c, ifirst ? 0 : 1));
		OB_LIT(ob, " FIN frame ");
		ob_u64(ob, a->fin_frame);
		OB_LIT(ob, " (ACKed frame ");
		ob_u64(ob, a->fin_acked_frame);
		OB_LIT(ob, "), ");
		ob_str(ob, who(c, ifirst ? 1 : 0));
		OB_LIT(ob, " FIN frame ");
		ob_u64(ob, b->fin_frame);
		OB_LIT(ob, " (ACKed frame ");
		ob_u64(ob, b->fin_acked_frame);
		OB_LIT(ob, ").");
		if (c->reset_frame) {
			OB_LIT(ob, " A RST from the ");
			ob_str(ob, who(c, rs));
			OB_LIT(ob, " followed at frame ");
			ob_u64(ob, c->reset_frame);
			ob_putc(ob, '.');
		}
		break;
	}
	case NS_AN_CLOSE_RESET:
		OB_LIT(ob, "The ");
		ob_str(ob, who(c, rs));
		OB_LIT(ob, " reset the connection at frame ");
		ob_u64(ob, c->reset_frame);
		OB_LIT(ob, " (");
		ns_an_ob_secs6(ob, rel_ns(c, c->reset_ts_ns));
		OB_LIT(ob, " s, RST seq ");
		ob_u64(ob, c->reset_rel_seq);
		OB_LIT(ob, " ack ");
		ob_u64(ob, c->reset_rel_ack);
		ob_putc(ob, ')');
		for (int s = 0; s < 2; s++) {
			if (!c->before_reset[s].valid)
				continue;
			if (s == 0 || !c->before_reset[0].valid)
				OB_LIT(ob, "; the ");
			else
				OB_LIT(ob, ", the ");
			ob_str(ob, who(c, s));
			OB_LIT(ob, "'s last packet before it was frame ");
			ob_u64(ob, c->before_reset[s].frame);
			OB_LIT(ob, " (seq ");
			ob_u64(ob, c->before_reset[s].rel_seq);
			OB_LIT(ob, " ack ");
			ob_u64(ob, c->before_reset[s].rel_ack);
			OB_LIT(ob, " len ");
			ob_u64(ob, c->before_reset[s].len);
			ob_putc(ob, ')');
		}
		if (i->fin_frame || r->fin_frame) {
			OB_LIT(ob, "; the ");
			ob_str(ob, i->fin_frame ? who(c, 0) : who(c, 1));
			OB_LIT(ob, " had sent FIN at frame ");
			ob_u64(ob, i->fin_frame ? i->fin_frame : r->fin_frame);
		}
		ob_putc(ob, '.');
		break;
	case NS_AN_CLOSE_HALF:
		for (int s = 0; s < 2; s++) {
			const struct ns_an_dir *d = side_dir(c, s);
			if (!d->fin_frame)
				continue;
			if (s && i->fin_frame)
				OB_LIT(ob, "; the ");
			else
				OB_LIT(ob, "Half-closed: the ");
			ob_str(ob, who(c, s));
			OB_LIT(ob, " sent FIN at frame ");
			ob_u64(ob, d->fin_frame);
			if (d->fin_acked_frame) {
				OB_LIT(ob, " (ACKed frame ");
				ob_u64(ob, d->fin_acked_frame);
				ob_putc(ob, ')');
			} else {
				OB_LIT(ob, " (never ACKed)");
			}
		}
		if (!i->fin_frame || !r->fin_frame) {
			OB_LIT(ob, "; the ");
			ob_str(ob, i->fin_frame ? who(c, 1) : who(c, 0));
			OB_LIT(ob, " never did");
		}
		ob_putc(ob, '.');
		break;
	case NS_AN_CLOSE_OPEN:
		OB_LIT(ob, "Still open at the end of the capture.");
		break;
	}
}

static void verdict_one_rtx(struct outbuf *ob, const struct ns_an_conn *c, int side,
			    const struct ns_an_rtx *r)
{
	uint32_t first = r->original_seen ? 1 : 0;
	OB_LIT(ob, " The ");
	ob_str(ob, who(c, side));
	OB_LIT(ob, " retransmitted ");
	if (r->tcpflags & NS_TCP_SYN)
		OB_LIT(ob, "its SYN, ");
	else if (r->tcpflags & NS_TCP_FIN)
		OB_LIT(ob, "its FIN, ");
	OB_LIT(ob, "seq ");
	ob_u64(ob, r->rel_seq);
	if (r->len) {
		OB_LIT(ob, " (");
		ob_u64(ob, r->len);
		OB_LIT(ob, " bytes)");
	}
	if (r->original_seen) {
		OB_LIT(ob, ", first sent in frame ");
		ob_u64(ob, r->frame[0]);
		OB_LIT(ob, " at ");
		ob_f3(ob, rel_s(c, r->ts_ns[0]));
		OB_LIT(ob, " s,");
	}
	uint32_t times = r->ntx - 1;
	ob_putc(ob, ' ');
	ob_count(ob, times, " time");
	OB_LIT(ob, ": frame");
	if (r->ntx_kept - first > 1)
		ob_putc(ob, 's');
	for (uint32_t t = first; t < r->ntx_kept; t++) {
		if (t > first)
			OB_LIT(ob, ", ");
		else
			ob_putc(ob, ' ');
		ob_u64(ob, r->frame[t]);
	}
	OB_LIT(ob, " at");
	for (uint32_t t = first; t < r->ntx_kept; t++) {
		if (t > first)
			OB_LIT(ob, ", ");
		else
			ob_putc(ob, ' ');
		ob_f3(ob, rel_s(c, r->ts_ns[t]));
	}
	OB_LIT(ob, " s");
	const char *bo = ns_an_backoff(r);
	if (strcmp(bo, "doubling") == 0) {
		OB_LIT(ob, " (back-off doubling)");
	} else if (strcmp(bo, "single") != 0) {
		OB_LIT(ob, " (intervals ");
		ob_str(ob, bo);
		ob_putc(ob, ')');
	}
	if (r->fast)
		OB_LIT(ob, " (fast retransmission)");
	if (r->spurious)
		OB_LIT(ob, " (spurious: already ACKed)");
	if (r->acked) {
		OB_LIT(ob, "; ACKed at frame ");
		ob_u64(ob, r->ack_frame);
		ob_putc(ob, '.');
	} else {
		OB_LIT(ob, "; never ACKed.");
	}
}

static void verdict_rtx(struct outbuf *ob, const struct ns_an_conn *c, int side)
{
	const struct ns_an_dir *d = side_dir(c, side);
	/* the diagnoses' series: every transmission of a segment, across ACKs */
	const char *series = ns_dx_series_text(c, side);
	if (series) {
		if (*series) {
			ob_putc(ob, ' ');
			ob_str(ob, series);
		}
		return;
	}
	for (uint32_t k = 0; k < d->nrtx && k < RTX_IN_VERDICT; k++)
		verdict_one_rtx(ob, c, side, &d->rtx[k]);
	if (d->rtx_segments > RTX_IN_VERDICT) {
		uint64_t more = d->rtx_segments - RTX_IN_VERDICT;
		OB_LIT(ob, " The ");
		ob_str(ob, who(c, side));
		OB_LIT(ob, " retransmitted ");
		ob_count(ob, more, " more segment");
		ob_putc(ob, '.');
	}
	const char *gu = ns_an_gave_up(c, side);
	if (gu && strcmp(gu, "reset") == 0) {
		OB_LIT(ob, " The ");
		ob_str(ob, who(c, side));
		OB_LIT(ob, " gave up: RST at frame ");
		ob_u64(ob, d->rst_frame);
		OB_LIT(ob, " after the last retry.");
	} else if (gu) {
		OB_LIT(ob, " The ");
		ob_str(ob, who(c, side));
		OB_LIT(ob, " gave up or was still retrying: nothing more was seen "
		       "until the end of the capture.");
	}
}

static void verdict_find(struct outbuf *ob, const struct ns_an_conn *c, int side,
			 enum ns_an_find f, const char *one, const char *many)
{
	const struct ns_an_finding *x = ns_an_finding(side_dir(c, side), f);
	if (!x->count)
		return;
	OB_LIT(ob, " The ");
	ob_str(ob, who(c, side));
	OB_LIT(ob, " sent ");
	ob_u64(ob, x->count);
	ob_putc(ob, ' ');
	ob_str(ob, x->count == 1 ? one : many);
	OB_LIT(ob, " (frame");
	if (x->count != 1)
		ob_putc(ob, 's');
	ob_putc(ob, ' ');
	ob_frame_list(ob, x, FRAMES_IN_TEXT);
	OB_LIT(ob, ").");
}

/* "; the <who> <verb> <n> <noun>[s] (frames <list>)" */
static void verdict_probes(struct outbuf *ob, const char *whom, const char *verb,
			   const char *noun, const struct ns_an_finding *f)
{
	OB_LIT(ob, "; the ");
	ob_str(ob, whom);
	ob_str(ob, verb);
	ob_count(ob, f->count, noun);
	OB_LIT(ob, " (frames ");
	ob_frame_list(ob, f, FRAMES_IN_TEXT);
	ob_putc(ob, ')');
}

static void verdict_zero_window(struct outbuf *ob, const struct ns_an_conn *c, int side)
{
	const struct ns_an_dir *d = side_dir(c, side), *o = side_dir(c, !side);
	const struct ns_an_finding *z = ns_an_finding(d, NS_FIND_ZERO_WINDOW);
	if (!z->count)
		return;
	OB_LIT(ob, " The ");
	ob_str(ob, who(c, side));
	OB_LIT(ob, " advertised a zero window ");
	ob_count(ob, z->count, " time");
	OB_LIT(ob, " in ");
	ob_count(ob, d->zw_episodes, " episode");
	OB_LIT(ob, " (from frame ");
	ob_u64(ob, z->nframes ? z->frames[0] : 0);
	ob_putc(ob, ')');
	const struct ns_an_finding *p = ns_an_finding(o, NS_FIND_ZW_PROBE);
	if (p->count)
		verdict_probes(ob, who(c, !side), " sent ", " zero-window probe", p);
	/* Linux probes a zero window with seq = next - 1 and no data, which
	 * Wireshark calls a keep-alive: name them for what they are here */
	const struct ns_an_finding *ka = ns_an_finding(o, NS_FIND_KEEP_ALIVE);
	if (ka->count)
		verdict_probes(ob, who(c, !side), " probed it with ", " keep-alive", ka);
	if (d->zw_reopen_frame) {
		OB_LIT(ob, "; the window reopened at frame ");
		ob_u64(ob, d->zw_reopen_frame);
	} else {
		OB_LIT(ob, "; the window never reopened");
	}
	ob_putc(ob, '.');
}

bool ns_an_has_problems(const struct ns_an_conn *c)
{
	static const enum ns_an_find bad[] = {
		NS_FIND_RETRANS, NS_FIND_FAST_RETRANS, NS_FIND_SPURIOUS, NS_FIND_OOO,
		NS_FIND_LOST, NS_FIND_ACK_LOST, NS_FIND_DUP_ACK, NS_FIND_ZERO_WINDOW,
		NS_FIND_ZW_PROBE, NS_FIND_WINDOW_FULL,
	};
	if (c->close == NS_AN_CLOSE_RESET || c->close == NS_AN_CLOSE_REFUSED ||
	    c->close == NS_AN_CLOSE_UNANSWERED || ns_dx_count(c))
		return true;
	for (int s = 0; s < 2; s++)
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			if (ns_an_finding(side_dir(c, s), bad[k])->count)
				return true;
	return false;
}

void ns_an_verdict_ob(struct outbuf *ob, const struct ns_an_conn *c)
{
	ns_dx_verdict_ob(ob, c);   /* the diagnoses first: main one first */
	verdict_close(ob, c);
	if (c->evicted)
		OB_LIT(ob, " Its analysis ended early: the connection limit (--max-conns) was reached"
		       " and it was the one idle longest.");
	for (int s = 0; s < 2; s++)
		verdict_rtx(ob, c, s);
	for (int s = 0; s < 2; s++)
		verdict_zero_window(ob, c, s);
	for (int s = 0; s < 2; s++) {
		verdict_find(ob, c, s, NS_FIND_DUP_ACK, "duplicate ACK", "duplicate ACKs");
		verdict_find(ob, c, s, NS_FIND_OOO, "out-of-order segment", "out-of-order segments");
		verdict_find(ob, c, s, NS_FIND_LOST, "segment after a gap (previous segment not captured)",
			     "segments after gaps (previous segments not captured)");
		verdict_find(ob, c, s, NS_FIND_ACK_LOST, "ACK for data not in the capture",
			     "ACKs for data not in the capture");
		verdict_find(ob, c, s, NS_FIND_WINDOW_FULL, "segment filling the peer's window",
			     "segments filling the peer's window");
		if (!ns_an_finding(side_dir(c, !s), NS_FIND_ZERO_WINDOW)->count)  /* else told above */
			verdict_find(ob, c, s, NS_FIND_KEEP_ALIVE, "keep-alive", "keep-alives");
	}
	if (c->capture_cut_frame) {
		/* a cut-short file is no evidence that nothing went wrong */
		OB_LIT(ob, " Incomplete: the capture ends at frame ");
		ob_u64(ob, c->capture_cut_frame);
		OB_LIT(ob, " (the file is cut short).");
	} else if (!ns_an_has_problems(c) && !ns_dx_count(c)) {
		OB_LIT(ob, " No problems found.");
	}
}

bool ns_an_write_verdict(FILE *fp, const struct ns_an_conn *c)
{
	struct outbuf ob;
	if (ob_init(&ob, -1, 1024) < 0)
		return false;
	ns_an_verdict_ob(&ob, c);
	bool ok = !ob.err && fwrite(ob.buf, 1, ob.len, fp) == ob.len;
	ob_free(&ob);
	return ok;
}

