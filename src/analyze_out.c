/* netsift analyze: the per-connection report, as text and as JSON.
 *
 * Everything here reads a finished struct ns_an_conn; nothing is computed that
 * the engine did not already decide, so text, JSON and `read --analysis`
 * agree. Times are seconds since the first packet of the capture.
 */
#include "analyze.h"
#include "outbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAMES_IN_TEXT 8         /* example frames listed per finding in text */
#define RTX_IN_VERDICT 3         /* retransmitted segments described per side */

static const struct ns_an_dir *side_dir(const struct ns_an_conn *c, int side)
{
	return side == 0 ? &c->init : &c->resp;
}

/* "client"/"server" once a SYN said who opened; else the neutral names. */
static const char *who(const struct ns_an_conn *c, int side)
{
	if (c->syn_seen)
		return side == 0 ? "client" : "server";
	return side == 0 ? "initiator" : "responder";
}

static double rel_s(const struct ns_an_conn *c, uint64_t ts)
{
	return ts >= c->capture_t0_ns ? (double)(ts - c->capture_t0_ns) / 1e9 : 0.0;
}

static void endpoint_text(FILE *fp, const struct ns_an_dir *d)
{
	char a[NS_ADDR_STRLEN];
	ns_addr_format(&d->addr, a);
	if (d->addr.family == 6)
		fprintf(fp, "[%s]:%u", a, d->port);
	else
		fprintf(fp, "%s:%u", a, d->port);
}

static void frame_list(FILE *fp, const struct ns_an_finding *f, unsigned max)
{
	unsigned n = f->nframes < max ? f->nframes : max;
	for (unsigned i = 0; i < n; i++)
		fprintf(fp, "%s%" PRIu64, i ? ", " : "", f->frames[i]);
	if (f->count > n)
		fprintf(fp, " and %" PRIu64 " more", f->count - n);
}

static uint64_t retrans_count(const struct ns_an_dir *d)
{
	return d->find[NS_FIND_RETRANS].count + d->find[NS_FIND_FAST_RETRANS].count +
	       d->find[NS_FIND_SPURIOUS].count;
}

/* ---------------------------------------------------------------- fast text
 * The verdict and the JSON report are written with the outbuf formatters, not
 * stdio: `analyze -o json` renders every connection, and printf-family calls
 * were most of its time. The output is byte for byte what the printf formats
 * ("%.6f", "%.3f", "%u", ...) gave. */

/* printf("%.6f", ns / 1e9) without printf when ns is a whole number of
 * microseconds (every classic pcap): the double is then within far less than
 * half a unit of the 6th decimal of ns / 1e9, so both round alike. */
static void ob_secs6(struct outbuf *ob, uint64_t ns)
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

static uint64_t rel_ns(const struct ns_an_conn *c, uint64_t ts)
{
	return ts >= c->capture_t0_ns ? ts - c->capture_t0_ns : 0;
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
		ob_secs6(ob, rel_ns(c, c->reset_ts_ns));
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
	const struct ns_an_finding *x = &side_dir(c, side)->find[f];
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
	const struct ns_an_finding *z = &d->find[NS_FIND_ZERO_WINDOW];
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
	const struct ns_an_finding *p = &o->find[NS_FIND_ZW_PROBE];
	if (p->count)
		verdict_probes(ob, who(c, !side), " sent ", " zero-window probe", p);
	/* Linux probes a zero window with seq = next - 1 and no data, which
	 * Wireshark calls a keep-alive: name them for what they are here */
	const struct ns_an_finding *ka = &o->find[NS_FIND_KEEP_ALIVE];
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
	    c->close == NS_AN_CLOSE_UNANSWERED)
		return true;
	for (int s = 0; s < 2; s++)
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			if (side_dir(c, s)->find[bad[k]].count)
				return true;
	return false;
}

void ns_an_verdict_ob(struct outbuf *ob, const struct ns_an_conn *c)
{
	verdict_close(ob, c);
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
		if (!side_dir(c, !s)->find[NS_FIND_ZERO_WINDOW].count)  /* else told above */
			verdict_find(ob, c, s, NS_FIND_KEEP_ALIVE, "keep-alive", "keep-alives");
	}
	if (!ns_an_has_problems(c))
		OB_LIT(ob, " No problems found.");
}

void ns_an_write_verdict(FILE *fp, const struct ns_an_conn *c)
{
	struct outbuf ob;
	if (ob_init(&ob, -1, 1024) < 0)
		return;
	ns_an_verdict_ob(&ob, c);
	fwrite(ob.buf, 1, ob.len, fp);
	ob_free(&ob);
}

/* ---------------------------------------------------------------- text */

static void text_problems(FILE *fp, const struct ns_an_conn *c)
{
	bool any = false;
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		for (int f = 0; f < NS_FIND_COUNT; f++) {
			const struct ns_an_finding *x = &d->find[f];
			if (!x->count || f == NS_FIND_WINDOW_UPDATE)
				continue;
			if (!any)
				fputs("  problems:\n", fp);
			any = true;
			fprintf(fp, "    %-9s %s x%" PRIu64 ": frames ", who(c, s),
				ns_an_find_name((enum ns_an_find)f), x->count);
			frame_list(fp, x, FRAMES_IN_TEXT);
			fputc('\n', fp);
		}
	}
}

static void text_rtx(FILE *fp, const struct ns_an_conn *c)
{
	if (!c->init.nrtx && !c->resp.nrtx)
		return;
	fputs("  retransmitted segments:\n", fp);
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		for (uint32_t k = 0; k < d->nrtx; k++) {
			const struct ns_an_rtx *r = &d->rtx[k];
			fprintf(fp, "    %-9s seq %" PRIu32 " len %" PRIu32 "%s%s, %" PRIu32
				" transmissions:", who(c, s), r->rel_seq, r->len,
				(r->tcpflags & NS_TCP_SYN) ? " SYN" : "",
				(r->tcpflags & NS_TCP_FIN) ? " FIN" : "", r->ntx);
			if (!r->original_seen)
				fputs(" (original not captured)", fp);
			for (uint32_t t = 0; t < r->ntx_kept; t++) {
				fprintf(fp, "%s frame %" PRIu64 " at %.6f", t ? "," : "", r->frame[t],
					rel_s(c, r->ts_ns[t]));
				if (t)
					fprintf(fp, " (+%.6f)",
						(double)(r->ts_ns[t] - r->ts_ns[t - 1]) / 1e9);
			}
			fprintf(fp, "; back-off %s", ns_an_backoff(r));
			if (r->acked)
				fprintf(fp, "; ACKed at frame %" PRIu64 "\n", r->ack_frame);
			else
				fputs("; never ACKed\n", fp);
		}
	}
}

static void opt_pair(FILE *fp, const char *name, bool ha, long a, bool hb, long b)
{
	fprintf(fp, "; %s ", name);
	if (ha) fprintf(fp, "%ld", a); else fputc('-', fp);
	fputc('/', fp);
	if (hb) fprintf(fp, "%ld", b); else fputc('-', fp);
}

static void text_handshake(FILE *fp, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	fputs("  handshake:", fp);
	if (!c->syn_frame && !c->synack_frame) {
		fputs(" not captured (connection seen midstream)\n", fp);
		return;
	}
	if (c->syn_frame)
		fprintf(fp, " SYN frame %" PRIu64, c->syn_frame);
	if (c->syn_count > 1)
		fprintf(fp, " (%u SYNs)", c->syn_count);
	if (c->synack_frame)
		fprintf(fp, ", SYN+ACK frame %" PRIu64, c->synack_frame);
	if (c->hs_ack_frame)
		fprintf(fp, ", ACK frame %" PRIu64, c->hs_ack_frame);
	/* Wireshark also times a RST answering the SYN; that is no RTT to show */
	if (c->irtt_ns && c->synack_frame)
		fprintf(fp, "; initial RTT %.3f ms", (double)c->irtt_ns / 1e6);
	opt_pair(fp, "ISN", i->syn_seen, (long)i->isn, r->syn_seen, (long)r->isn);
	opt_pair(fp, "MSS", i->has_mss, i->mss, r->has_mss, r->mss);
	opt_pair(fp, "window scale", i->wscale >= 0, i->wscale, r->wscale >= 0, r->wscale);
	for (int k = 0; k < 2; k++) {
		const struct ns_an_dir *d = k ? r : i;
		if (d->wscale >= 0 && d->wscale_offered > d->wscale)
			fprintf(fp, " (%s offered %u, used as %d: RFC 7323)",
				k ? "responder" : "initiator", d->wscale_offered, d->wscale);
	}
	fprintf(fp, "; SACK %s; timestamps %s\n",
		i->sack_perm && r->sack_perm ? "yes" : "no", i->ts && r->ts ? "yes" : "no");
}

static void stat_row(FILE *fp, const char *name, uint64_t a, uint64_t b)
{
	fprintf(fp, "    %-22s %12" PRIu64 " %12" PRIu64 "\n", name, a, b);
}

static void rtt_row(FILE *fp, const char *name, bool ha, double a, bool hb, double b)
{
	fprintf(fp, "    %-22s ", name);
	if (ha) fprintf(fp, "%12.3f ", a); else fprintf(fp, "%12s ", "-");
	if (hb) fprintf(fp, "%12.3f\n", b); else fprintf(fp, "%12s\n", "-");
}

static void text_stats(FILE *fp, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	fprintf(fp, "  %-24s %12s %12s\n", "stats", who(c, 0), who(c, 1));
	stat_row(fp, "packets", i->packets, r->packets);
	stat_row(fp, "payload bytes", i->payload_bytes, r->payload_bytes);
	stat_row(fp, "unique bytes", i->unique_bytes, r->unique_bytes);
	stat_row(fp, "retransmissions", retrans_count(i), retrans_count(r));
	stat_row(fp, "retransmitted bytes", i->retrans_bytes, r->retrans_bytes);
	stat_row(fp, "max transmissions", i->max_tx, r->max_tx);
	stat_row(fp, "window min", i->win_min, r->win_min);
	stat_row(fp, "window max", i->win_max, r->win_max);
	stat_row(fp, "window avg", i->win_n ? i->win_sum / i->win_n : 0,
		 r->win_n ? r->win_sum / r->win_n : 0);
	stat_row(fp, "RTT samples", i->rtt_n, r->rtt_n);
	rtt_row(fp, "RTT min ms", i->rtt_n, (double)i->rtt_min_ns / 1e6, r->rtt_n,
		(double)r->rtt_min_ns / 1e6);
	rtt_row(fp, "RTT avg ms", i->rtt_n, i->rtt_n ? (double)i->rtt_sum_ns / 1e6 / (double)i->rtt_n : 0,
		r->rtt_n, r->rtt_n ? (double)r->rtt_sum_ns / 1e6 / (double)r->rtt_n : 0);
	rtt_row(fp, "RTT max ms", i->rtt_n, (double)i->rtt_max_ns / 1e6, r->rtt_n,
		(double)r->rtt_max_ns / 1e6);
}

/* Frames as ranges of consecutive numbers: "51-56", "51-53, 55". */
static void text_frame_ranges(FILE *fp, const uint64_t *f, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		while (j + 1 < n && f[j + 1] == f[j] + 1)
			j++;
		fprintf(fp, "%s%" PRIu64, i ? ", " : "", f[i]);
		if (j > i)
			fprintf(fp, "-%" PRIu64, f[j]);
		i = j + 1;
	}
}

/* "frame 57 server ack 8761 (rel) covers frames 51-56 (6 segments, 8760
 * bytes = seq of frame 51 + 6 x 1460), RTT 0.211 ms" */
static void text_ack(FILE *fp, const struct ns_an_conn *c, const struct ns_an_ack *k)
{
	fprintf(fp, "    frame %" PRIu64 " %s ack %" PRIu32 " (rel) covers frame%s ",
		k->frame, who(c, k->by_initiator ? 0 : 1), k->rel_ack, k->nseg > 1 ? "s" : "");
	text_frame_ranges(fp, c->ack_frames + k->cover_off, k->nkept);
	if (k->nseg > k->nkept)       /* the engine keeps NS_AN_MAX_COVER per ACK */
		fprintf(fp, " and %" PRIu32 " more", k->nseg - k->nkept);
	fprintf(fp, " (%" PRIu32 " segment%s, %" PRIu32 " byte%s", k->nseg, k->nseg > 1 ? "s" : "",
		k->bytes, k->bytes == 1 ? "" : "s");
	/* SYN and FIN take one sequence number each: say so, the sizes
	 * are then not all data */
	if (k->ctl)
		fprintf(fp, " incl. %s", k->ctl == NS_TCP_SYN ? "SYN" :
			k->ctl == NS_TCP_FIN ? "FIN" : "SYN and FIN");
	/* the expert's check: ack = seq of the first + n x the segment size */
	if (k->nseg > 1 && k->seg_len && (uint64_t)k->seg_len * k->nseg == k->bytes)
		fprintf(fp, " = seq of frame %" PRIu64 " + %" PRIu32 " x %" PRIu32,
			k->lo_frame, k->nseg, k->seg_len);
	else if (k->nseg > 1)
		fprintf(fp, " from seq of frame %" PRIu64, k->lo_frame);
	fputc(')', fp);
	if (k->has_rtt)
		fprintf(fp, ", RTT %.3f ms\n", (double)k->rtt_ns / 1e6);
	else if (k->karn_frame)
		fprintf(fp, ", no RTT (Karn: frame %" PRIu64 " retransmitted)\n", k->karn_frame);
	else
		fputs(", no RTT\n", fp);
}

void ns_an_write_acks(FILE *fp, const struct ns_an_conn *c)
{
	if (!c->acks_on)
		return;
	if (!c->nacks) {
		fputs("  acks: none advancing\n", fp);
		return;
	}
	fprintf(fp, "  acks: %" PRIu32 " advancing%s\n", c->nacks,
		c->acks_incomplete ? " (list incomplete: out of memory)" : "");
	for (uint32_t i = 0; i < c->nacks; i++)
		text_ack(fp, c, &c->acks[i]);
}

/* "  tunnel: vxlan vni 42 10.0.0.1 <-> 10.0.0.2, ..." for a connection inside
 * tunnels, outermost first; nothing otherwise. */
static void text_tunnels(FILE *fp, const struct ns_an_conn *c)
{
	char a[NS_ADDR_STRLEN], b[NS_ADDR_STRLEN];

	if (!c->nencap)
		return;
	fputs("  tunnel:", fp);
	for (unsigned i = 0; i < c->nencap; i++) {
		const struct ns_encap *e = &c->encap[i];
		const char *id = ns_encap_id_name(e->type);

		fprintf(fp, "%s %s", i ? "," : "", ns_encap_name(e->type));
		if (id && e->has_id)
			fprintf(fp, " %s %" PRIu32, id, e->id);
		if (e->src.family) {
			ns_addr_format(&e->src, a);
			ns_addr_format(&e->dst, b);
			fprintf(fp, " %s <-> %s", a, b);
		}
	}
	fputc('\n', fp);
}

void ns_an_write_text(FILE *fp, const struct ns_an_conn *c)
{
	fprintf(fp, "Connection %" PRIu64 ": ", c->stream);
	endpoint_text(fp, &c->init);
	fputs(" -> ", fp);
	endpoint_text(fp, &c->resp);
	fprintf(fp, "  [%s %s] %s\n", ns_an_conn_state(c), c->history[0] ? c->history : "-",
		ns_an_has_problems(c) ? "PROBLEMS" : "ok");
	fputs("  verdict: ", fp);
	ns_an_write_verdict(fp, c);
	fputc('\n', fp);
	text_problems(fp, c);
	text_rtx(fp, c);
	fprintf(fp, "  endpoints: %s port %u %s, %s port %u %s%s\n",
		who(c, 0), c->init.port, ns_an_port_class(c->init.port), who(c, 1), c->resp.port,
		ns_an_port_class(c->resp.port),
		c->flipped ? " (first packet was the SYN+ACK: roles from it)" : "");
	text_tunnels(fp, c);
	fprintf(fp, "  frames %" PRIu64 "-%" PRIu64 ", %.6f s to %.6f s (%.6f s)\n",
		c->first_frame, c->last_frame, rel_s(c, c->first_ts_ns), rel_s(c, c->last_ts_ns),
		(double)(c->last_ts_ns - c->first_ts_ns) / 1e9);
	text_handshake(fp, c);
	fprintf(fp, "  close: %s\n", ns_an_close_name(c->close));
	text_stats(fp, c);
	ns_an_write_acks(fp, c);
	fputc('\n', fp);
}

void ns_an_write_summary_header(FILE *fp)
{
	fprintf(fp, "%-6s %-46s %-6s %-14s %-11s %7s %9s %5s %5s %5s %5s %5s %9s\n",
		"stream", "connection", "state", "history", "close", "packets", "bytes",
		"rexmt", "dupack", "ooo", "lost", "zwin", "rtt_ms");
}

void ns_an_write_summary_row(FILE *fp, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	char conn[160], ia[NS_ADDR_STRLEN], ra[NS_ADDR_STRLEN], rtt[32];
	ns_addr_format(&i->addr, ia);
	ns_addr_format(&r->addr, ra);
	snprintf(conn, sizeof(conn), "%s:%u>%s:%u", ia, i->port, ra, r->port);
	uint64_t n = i->rtt_n + r->rtt_n;
	if (n)
		snprintf(rtt, sizeof(rtt), "%.3f", (double)(i->rtt_sum_ns + r->rtt_sum_ns) / 1e6 / (double)n);
	else
		snprintf(rtt, sizeof(rtt), "-");
	fprintf(fp, "%-6" PRIu64 " %-46s %-6s %-14s %-11s %7" PRIu64 " %9" PRIu64
		" %5" PRIu64 " %5" PRIu64 " %5" PRIu64 " %5" PRIu64 " %5" PRIu64 " %9s\n",
		c->stream, conn, ns_an_conn_state(c), c->history[0] ? c->history : "-",
		ns_an_close_name(c->close), i->packets + r->packets,
		i->payload_bytes + r->payload_bytes, retrans_count(i) + retrans_count(r),
		i->find[NS_FIND_DUP_ACK].count + r->find[NS_FIND_DUP_ACK].count,
		i->find[NS_FIND_OOO].count + r->find[NS_FIND_OOO].count,
		i->find[NS_FIND_LOST].count + r->find[NS_FIND_LOST].count,
		i->find[NS_FIND_ZERO_WINDOW].count + r->find[NS_FIND_ZERO_WINDOW].count, rtt);
}

/* ---------------------------------------------------------------- JSON */

/* A JSON string as this report always wrote it: \" and \\, every other byte
 * outside printable ASCII as \u00xx (no \n shorthands). s has length n. */
static void js_mem(struct outbuf *ob, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ob_putc(ob, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			ob_putc(ob, (char)ch);
		} else if (ch == '"' || ch == '\\') {
			char *d = ob_reserve(ob, 2);
			d[0] = '\\';
			d[1] = (char)ch;
			ob->len += 2;
		} else {
			char *d = ob_reserve(ob, 6);
			memcpy(d, "\\u00", 4);
			d[4] = hex[ch >> 4];
			d[5] = hex[ch & 15];
			ob->len += 6;
		}
	}
	ob_putc(ob, '"');
}

static void js_str(struct outbuf *ob, const char *s)
{
	js_mem(ob, s, strlen(s));
}

static void js_bool(struct outbuf *ob, bool v)
{
	if (v)
		OB_LIT(ob, "true");
	else
		OB_LIT(ob, "false");
}

static void js_opt_u64(struct outbuf *ob, bool has, uint64_t v)
{
	if (has)
		ob_u64(ob, v);
	else
		OB_LIT(ob, "null");
}

static void js_time(struct outbuf *ob, const struct ns_an_conn *c, uint64_t ts)
{
	ob_secs6(ob, rel_ns(c, ts));
}

/* ,"key":value with the key a literal */
#define JS_KEY(ob, k) OB_LIT((ob), ",\"" k "\":")

/* The fixed-shape objects below are written through a cursor (outbuf.h):
 * one reservation of the most they can take, then no ob->len round trip
 * per member. */
#define P_KEY(p, k) P_LIT((p), ",\"" k "\":")

static char *p_opt(char *p, bool has, uint64_t v)
{
	if (has)
		return p_u64(p, v);
	return P_LIT(p, "null");
}

static char *p_bool(char *p, bool v)
{
	if (v)
		return P_LIT(p, "true");
	return P_LIT(p, "false");
}

static void js_endpoint(struct outbuf *ob, const struct ns_an_dir *d)
{
	char *p = ob_cursor(ob, 128 + NS_ADDR_STRLEN);
	const char *pc = ns_an_port_class(d->port);

	/* an address and a port class need no escaping */
	P_LIT(p, "{\"ip\":\"");
	p += ns_addr_format(&d->addr, p);
	P_LIT(p, "\",\"port\":");
	p = p_u64(p, d->port);
	P_LIT(p, ",\"portClass\":\"");
	p = p_mem(p, pc, strlen(pc));
	P_LIT(p, "\"}");
	ob_commit(ob, p);
}

/* 22 members: names under 32 bytes, numbers under 21 */
#define STATS_MAX (22 * (32 + 20) + 8)

static void js_stats(struct outbuf *ob, const struct ns_an_dir *d)
{
	char *p = ob_cursor(ob, STATS_MAX);

	P_LIT(p, "{\"packets\":");
	p = p_u64(p, d->packets);
	P_KEY(p, "payloadBytes");
	p = p_u64(p, d->payload_bytes);
	P_KEY(p, "uniqueBytes");
	p = p_u64(p, d->unique_bytes);
	P_KEY(p, "retransmissions");
	p = p_u64(p, retrans_count(d));
	P_KEY(p, "retransmittedBytes");
	p = p_u64(p, d->retrans_bytes);
	P_KEY(p, "fastRetransmissions");
	p = p_u64(p, d->find[NS_FIND_FAST_RETRANS].count);
	P_KEY(p, "spuriousRetransmissions");
	p = p_u64(p, d->find[NS_FIND_SPURIOUS].count);
	P_KEY(p, "duplicateAcks");
	p = p_u64(p, d->find[NS_FIND_DUP_ACK].count);
	P_KEY(p, "outOfOrder");
	p = p_u64(p, d->find[NS_FIND_OOO].count);
	P_KEY(p, "lostSegments");
	p = p_u64(p, d->find[NS_FIND_LOST].count);
	P_KEY(p, "ackedUnseen");
	p = p_u64(p, d->find[NS_FIND_ACK_LOST].count);
	P_KEY(p, "keepAlives");
	p = p_u64(p, d->find[NS_FIND_KEEP_ALIVE].count);
	P_KEY(p, "zeroWindows");
	p = p_u64(p, d->find[NS_FIND_ZERO_WINDOW].count);
	P_KEY(p, "zeroWindowProbes");
	p = p_u64(p, d->find[NS_FIND_ZW_PROBE].count);
	P_KEY(p, "windowFull");
	p = p_u64(p, d->find[NS_FIND_WINDOW_FULL].count);
	P_KEY(p, "windowUpdates");
	p = p_u64(p, d->find[NS_FIND_WINDOW_UPDATE].count);
	P_KEY(p, "windowMin");
	p = p_opt(p, d->win_seen, d->win_min);
	P_KEY(p, "windowMax");
	p = p_opt(p, d->win_seen, d->win_max);
	P_KEY(p, "windowAvg");
	p = p_opt(p, d->win_seen, d->win_n ? d->win_sum / d->win_n : 0);
	P_KEY(p, "rttSamples");
	p = p_u64(p, d->rtt_n);
	P_KEY(p, "rttMinUs");
	p = p_opt(p, d->rtt_n, d->rtt_min_ns / 1000);
	P_KEY(p, "rttAvgUs");
	p = p_opt(p, d->rtt_n, d->rtt_n ? d->rtt_sum_ns / d->rtt_n / 1000 : 0);
	P_KEY(p, "rttMaxUs");
	p = p_opt(p, d->rtt_n, d->rtt_max_ns / 1000);
	P_KEY(p, "maxTransmissions");
	p = p_u64(p, d->max_tx);
	*p++ = '}';
	ob_commit(ob, p);
}

/* 13 members */
#define HANDSHAKE_MAX (13 * (32 + 20) + 8)

static void js_handshake(struct outbuf *ob, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	char *p = ob_cursor(ob, HANDSHAKE_MAX);

	P_LIT(p, "{\"synFrame\":");
	p = p_opt(p, c->syn_frame, c->syn_frame);
	P_KEY(p, "synAckFrame");
	p = p_opt(p, c->synack_frame, c->synack_frame);
	P_KEY(p, "ackFrame");
	p = p_opt(p, c->hs_ack_frame, c->hs_ack_frame);
	P_KEY(p, "synCount");
	p = p_u64(p, c->syn_count);
	P_KEY(p, "initiatorIsn");
	p = p_opt(p, i->syn_seen, i->isn);
	P_KEY(p, "responderIsn");
	p = p_opt(p, r->syn_seen, r->isn);
	P_KEY(p, "initialRttUs");
	p = p_opt(p, c->irtt_ns, c->irtt_ns / 1000);
	P_KEY(p, "initiatorMss");
	p = p_opt(p, i->has_mss, i->mss);
	P_KEY(p, "responderMss");
	p = p_opt(p, r->has_mss, r->mss);
	P_KEY(p, "initiatorWindowScale");
	p = p_opt(p, i->wscale >= 0, (uint64_t)i->wscale);
	P_KEY(p, "responderWindowScale");
	p = p_opt(p, r->wscale >= 0, (uint64_t)r->wscale);
	P_KEY(p, "sackPermitted");
	p = p_bool(p, i->sack_perm && r->sack_perm);
	P_KEY(p, "timestamps");
	p = p_bool(p, i->ts && r->ts);
	*p++ = '}';
	ob_commit(ob, p);
}

static void js_before(struct outbuf *ob, const struct ns_an_conn *c, int s)
{
	if (!c->reset_frame || !c->before_reset[s].valid) {
		OB_LIT(ob, "null");
		return;
	}
	OB_LIT(ob, "{\"frame\":");
	ob_u64(ob, c->before_reset[s].frame);
	JS_KEY(ob, "seq");
	ob_u64(ob, c->before_reset[s].rel_seq);
	JS_KEY(ob, "ack");
	ob_u64(ob, c->before_reset[s].rel_ack);
	JS_KEY(ob, "len");
	ob_u64(ob, c->before_reset[s].len);
	ob_putc(ob, '}');
}

static void js_close(struct outbuf *ob, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	OB_LIT(ob, "{\"type\":");
	js_str(ob, ns_an_close_name(c->close));
	JS_KEY(ob, "resetBy");
	if (c->reset_frame)
		js_str(ob, c->reset_by_initiator ? "initiator" : "responder");
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "resetFrame");
	js_opt_u64(ob, c->reset_frame, c->reset_frame);
	JS_KEY(ob, "resetTime");
	if (c->reset_frame)
		js_time(ob, c, c->reset_ts_ns);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "resetSeq");
	js_opt_u64(ob, c->reset_frame, c->reset_rel_seq);
	JS_KEY(ob, "resetAck");
	js_opt_u64(ob, c->reset_frame, c->reset_rel_ack);
	JS_KEY(ob, "initiatorBeforeReset");
	js_before(ob, c, 0);
	JS_KEY(ob, "responderBeforeReset");
	js_before(ob, c, 1);
	JS_KEY(ob, "initiatorFinFrame");
	js_opt_u64(ob, i->fin_frame, i->fin_frame);
	JS_KEY(ob, "initiatorFinAckFrame");
	js_opt_u64(ob, i->fin_acked_frame, i->fin_acked_frame);
	JS_KEY(ob, "responderFinFrame");
	js_opt_u64(ob, r->fin_frame, r->fin_frame);
	JS_KEY(ob, "responderFinAckFrame");
	js_opt_u64(ob, r->fin_acked_frame, r->fin_acked_frame);
	JS_KEY(ob, "captureEnd");
	js_bool(ob, c->capture_end);
	ob_putc(ob, '}');
}

static void js_one_rtx(struct outbuf *ob, const struct ns_an_conn *c, int s,
		       const struct ns_an_rtx *r)
{
	OB_LIT(ob, "{\"from\":");
	if (s)
		OB_LIT(ob, "\"responder\"");
	else
		OB_LIT(ob, "\"initiator\"");
	JS_KEY(ob, "seq");
	ob_u64(ob, r->rel_seq);
	JS_KEY(ob, "len");
	ob_u64(ob, r->len);
	JS_KEY(ob, "syn");
	js_bool(ob, r->tcpflags & NS_TCP_SYN);
	JS_KEY(ob, "fin");
	js_bool(ob, r->tcpflags & NS_TCP_FIN);
	JS_KEY(ob, "transmissionCount");
	ob_u64(ob, r->ntx);
	JS_KEY(ob, "originalSeen");
	js_bool(ob, r->original_seen);
	JS_KEY(ob, "transmissions");
	ob_putc(ob, '[');
	for (uint32_t t = 0; t < r->ntx_kept; t++) {
		if (t)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"frame\":");
		ob_u64(ob, r->frame[t]);
		JS_KEY(ob, "time");
		js_time(ob, c, r->ts_ns[t]);
		ob_putc(ob, '}');
	}
	OB_LIT(ob, "],\"intervals\":[");
	for (uint32_t t = 1; t < r->ntx_kept; t++) {
		if (t > 1)
			ob_putc(ob, ',');
		if (r->ts_ns[t] >= r->ts_ns[t - 1]) {
			ob_secs6(ob, r->ts_ns[t] - r->ts_ns[t - 1]);
		} else {     /* time went backwards in the capture: printf's way */
			char b[48];
			int n = snprintf(b, sizeof(b), "%.6f",
					 (double)(r->ts_ns[t] - r->ts_ns[t - 1]) / 1e9);
			ob_mem(ob, b, n > 0 ? (size_t)n : 0);
		}
	}
	OB_LIT(ob, "],\"backoff\":");
	js_str(ob, ns_an_backoff(r));
	JS_KEY(ob, "fast");
	js_bool(ob, r->fast);
	JS_KEY(ob, "spurious");
	js_bool(ob, r->spurious);
	JS_KEY(ob, "acked");
	js_bool(ob, r->acked);
	JS_KEY(ob, "ackFrame");
	js_opt_u64(ob, r->acked, r->ack_frame);
	ob_putc(ob, '}');
}

static void js_rtx(struct outbuf *ob, const struct ns_an_conn *c)
{
	bool first = true;
	ob_putc(ob, '[');
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		for (uint32_t k = 0; k < d->nrtx; k++) {
			if (!first)
				ob_putc(ob, ',');
			first = false;
			js_one_rtx(ob, c, s, &d->rtx[k]);
		}
	}
	ob_putc(ob, ']');
}

static void js_finding(struct outbuf *ob, bool *first, const char *code, const char *from,
		       uint64_t count, const uint64_t *frames, uint32_t nframes)
{
	if (!*first)
		ob_putc(ob, ',');
	*first = false;
	OB_LIT(ob, "{\"code\":");
	js_str(ob, code);
	JS_KEY(ob, "from");
	if (from)
		js_str(ob, from);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "count");
	ob_u64(ob, count);
	OB_LIT(ob, ",\"frames\":[");
	for (uint32_t k = 0; k < nframes; k++) {
		if (k)
			ob_putc(ob, ',');
		ob_u64(ob, frames[k]);
	}
	OB_LIT(ob, "]}");
}

static void js_findings(struct outbuf *ob, const struct ns_an_conn *c)
{
	bool first = true;
	ob_putc(ob, '[');
	if (c->close == NS_AN_CLOSE_REFUSED) {
		uint64_t f[2] = { c->syn_frame, c->resp.rst_frame };
		js_finding(ob, &first, "refused", "responder", 1, f, 2);
	} else if (c->close == NS_AN_CLOSE_UNANSWERED) {
		js_finding(ob, &first, "unanswered", "initiator", c->syn_count, &c->syn_frame, 1);
	} else if (c->reset_frame) {
		js_finding(ob, &first, "reset", c->reset_by_initiator ? "initiator" : "responder",
			   1, &c->reset_frame, 1);
	}
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		const char *from = s ? "responder" : "initiator";
		for (int f = 0; f < NS_FIND_COUNT; f++)
			if (d->find[f].count)
				js_finding(ob, &first, ns_an_find_name((enum ns_an_find)f), from,
					   d->find[f].count, d->find[f].frames, d->find[f].nframes);
		for (uint32_t k = 0; k < d->nrtx; k++) {
			const struct ns_an_rtx *r = &d->rtx[k];
			if (strcmp(ns_an_backoff(r), "doubling") == 0)
				js_finding(ob, &first, "backoff", from, r->ntx, r->frame, r->ntx_kept);
		}
		const char *gu = ns_an_gave_up(c, s);
		if (gu && d->nrtx) {
			const struct ns_an_rtx *r = &d->rtx[d->nrtx - 1];
			uint64_t f = strcmp(gu, "reset") == 0 ? d->rst_frame : r->frame[r->ntx_kept - 1];
			js_finding(ob, &first, strcmp(gu, "reset") == 0 ? "gave_up_reset" : "gave_up",
				   from, 1, &f, 1);
		}
	}
	ob_putc(ob, ']');
}

/* "acks":[{"frame":57,"by":"responder","ack":8761,"covers":[51,...],
 * "segments":6,"bytes":8760,"rttUs":211},...] (--acks only) */
static void js_acks(struct outbuf *ob, const struct ns_an_conn *c)
{
	ob_putc(ob, '[');
	for (uint32_t i = 0; i < c->nacks; i++) {
		const struct ns_an_ack *k = &c->acks[i];
		if (i)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"frame\":");
		ob_u64(ob, k->frame);
		JS_KEY(ob, "by");
		js_str(ob, k->by_initiator ? "initiator" : "responder");
		JS_KEY(ob, "ack");
		ob_u64(ob, k->rel_ack);
		OB_LIT(ob, ",\"covers\":[");
		for (uint32_t j = 0; j < k->nkept; j++) {
			if (j)
				ob_putc(ob, ',');
			ob_u64(ob, c->ack_frames[k->cover_off + j]);
		}
		ob_putc(ob, ']');
		JS_KEY(ob, "segments");
		ob_u64(ob, k->nseg);
		JS_KEY(ob, "bytes");
		ob_u64(ob, k->bytes);
		JS_KEY(ob, "rttUs");
		js_opt_u64(ob, k->has_rtt, k->rtt_ns / 1000);
		ob_putc(ob, '}');
	}
	ob_putc(ob, ']');
}

void ns_an_json_ob(struct outbuf *ob, const struct ns_an_conn *c, const char *file)
{
	OB_LIT(ob, "{\"file\":");
	if (file)
		js_str(ob, file);
	else
		OB_LIT(ob, "null");
	JS_KEY(ob, "stream");
	ob_u64(ob, c->stream);
	JS_KEY(ob, "initiator");
	js_endpoint(ob, &c->init);
	JS_KEY(ob, "responder");
	js_endpoint(ob, &c->resp);
	if (c->nencap) {	/* only for a connection inside tunnels */
		JS_KEY(ob, "encap");
		ob_json_encap(ob, c->encap, c->nencap);
	}
	JS_KEY(ob, "firstFrame");
	ob_u64(ob, c->first_frame);
	JS_KEY(ob, "lastFrame");
	ob_u64(ob, c->last_frame);
	JS_KEY(ob, "startTime");
	js_time(ob, c, c->first_ts_ns);
	JS_KEY(ob, "endTime");
	js_time(ob, c, c->last_ts_ns);
	JS_KEY(ob, "connState");
	js_str(ob, ns_an_conn_state(c));
	JS_KEY(ob, "history");
	js_str(ob, c->history);
	JS_KEY(ob, "problems");
	js_bool(ob, ns_an_has_problems(c));
	JS_KEY(ob, "close");
	js_close(ob, c);
	JS_KEY(ob, "handshake");
	js_handshake(ob, c);
	JS_KEY(ob, "initiatorStats");
	js_stats(ob, &c->init);
	JS_KEY(ob, "responderStats");
	js_stats(ob, &c->resp);
	JS_KEY(ob, "retransmittedSegments");
	js_rtx(ob, c);
	JS_KEY(ob, "findings");
	js_findings(ob, c);
	JS_KEY(ob, "verdict");
	/* the verdict goes into a scratch buffer first, then escaped: it is
	 * plain ASCII text, but the escaping keeps the JSON valid whatever */
	/* one scratch buffer for all connections (a malloc and free each
	 * was measurable); it stays reachable, grown to the longest verdict */
	static struct outbuf v;
	if (v.buf || ob_init(&v, -1, 1024) == 0) {
		v.len = 0;
		ns_an_verdict_ob(&v, c);
		js_mem(ob, v.buf, v.len);
	} else {
		js_str(ob, "");
	}
	if (c->acks_on) {
		JS_KEY(ob, "acks");
		js_acks(ob, c);
		JS_KEY(ob, "acksIncomplete");
		js_bool(ob, c->acks_incomplete);
	}
	OB_LIT(ob, "}\n");
}

void ns_an_write_json(FILE *fp, const struct ns_an_conn *c, const char *file)
{
	struct outbuf ob;
	if (ob_init(&ob, -1, 4096) < 0)
		return;
	ns_an_json_ob(&ob, c, file);
	fwrite(ob.buf, 1, ob.len, fp);
	ob_free(&ob);
}
