/* The graphs of one connection as inline SVG, from its per-packet record.
 *
 * The time-sequence graph follows tcptrace's (-G, viewed in xplot; see
 * tcptrace's plotter.c and tcpdump.c conventions): one direction's data
 * segments as vertical bars from seq to seq+len at the time they were
 * sent, the peer's cumulative ACK and ACK + receive window as step lines,
 * SACK blocks as bars at the time of the ACK carrying them; here also the
 * retransmissions (red), fast (orange) and spurious ones (pink) and
 * out-of-order segments (teal) in their own colours, zero-window episodes
 * as shaded bands, SYN/FIN/RST marks. Every mark has a <title> with its
 * frame number (hover), so a reader can go to the frame in Wireshark.
 *
 * Decimation: up to HTML_MAX_POINTS marks of a kind are drawn one by one;
 * past that, consecutive marks of one kind in the same pixel column merge
 * into one (its title gives the frame range), and lines keep per column
 * their first, lowest, highest and last point. A graph stays a few hundred
 * KiB at most whatever the connection's length.
 */
#include "output/html.h"
#include "analyze/analyze_report.h"
#include "analyze/timeseq.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

const char html_graph_css[] =
	"svg.g{font:11px sans-serif;background:#fff}"
	".g .ax{stroke:#444;fill:none}.g .grid{stroke:#e4e4e4}"
	".g text{fill:#333}.g .ttl{font-weight:bold;font-size:12px}"
	".g .seg{stroke:#1f3f8f;stroke-width:1.5}"
	".g .rtx{stroke:#e00000;stroke-width:5}"
	".g .frtx{stroke:#ff8c00;stroke-width:5}"
	".g .srtx{stroke:#e7298a;stroke-width:5}"
	".g .ooo{stroke:#00a6a6;stroke-width:3}"
	".g .probe{stroke:#666;stroke-width:3}"
	".g .rev{fill:none}"
	".g .ack{stroke:#1a9641;stroke-width:1.5;fill:none}"
	".g .win{stroke:#d4a000;stroke-width:1.5;fill:none}"
	".g .sack{stroke:#8e44ad;stroke-width:2.5}"
	".g .zw{fill:#ff3b30;fill-opacity:.16;stroke:#e00000;stroke-dasharray:4 3}"
	".g .zwl{fill:#c00000;font-weight:bold}"
	".g .rstl{stroke:#c00000;stroke-width:2;stroke-dasharray:6 3}"
	".g .mk-rst{fill:#c00000;font-weight:bold;font-size:13px}"
	".g .mk-syn,.g .mk-fin{fill:#333;font-weight:bold}"
	".g .lr{fill:#e00000;font-weight:bold}"
	".g .tp{fill:#1f3f8f;fill-opacity:.75}"
	".g .rtt{fill:#1a9641}"
	".g .fl{stroke:#8e44ad;stroke-width:1.2;fill:none}"
	".g line.sw{stroke-width:6}"
	".dense .rtx,.dense .frtx,.dense .srtx,.dense .ooo,.dense .probe{stroke-width:2}";

void html_esc(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

/* ---------------------------------------------------------------- axes */

struct frame {
	double t0, t1, y0, y1;   /* data ranges */
	double x, y, w, h;       /* plot area in SVG units */
};

static double fx(const struct frame *f, double t)
{
	if (f->t1 <= f->t0)
		return f->x + f->w / 2;
	return f->x + (t - f->t0) / (f->t1 - f->t0) * f->w;
}

/* Values past the top are drawn at the edge (a window far above the data). */
static double fy(const struct frame *f, double v)
{
	double r = f->y1 > f->y0 ? (v - f->y0) / (f->y1 - f->y0) : 0.5;
	if (r > 1.0)
		r = 1.0;
	if (r < 0.0)
		r = 0.0;
	return f->y + f->h - r * f->h;
}

/* A round tick step (1, 2 or 5 times a power of ten) giving about n ticks. */
static double nice_step(double span, int n)
{
	double raw = span / n, p = 1;
	if (!(raw > 0))
		return 1;
	while (p * 10 <= raw)
		p *= 10;
	while (p > raw)
		p /= 10;
	double m = raw / p;
	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* 1500 -> "1.5k", 2000000 -> "2M" */
static void fmt_num(char *b, size_t n, double v)
{
	const char *u = "";
	if (v >= 1e9) { v /= 1e9; u = "G"; }
	else if (v >= 1e6) { v /= 1e6; u = "M"; }
	else if (v >= 1e3) { v /= 1e3; u = "k"; }
	snprintf(b, n, "%.4g%s", v, u);
}

static void axes(FILE *fp, const struct frame *f, int nx, int ny, bool ynum_units)
{
	double sx = nice_step(f->t1 - f->t0, nx), sy = nice_step(f->y1 - f->y0, ny);
	char b[32];
	/* ticks at whole multiples of the step (no accumulated rounding),
	 * none below 0 (the padding before a connection starting at 0) */
	for (long long k = (long long)(f->t0 / sx); (double)k * sx <= f->t1 + sx * 1e-6; k++) {
		double v = (double)k * sx;
		if (v < f->t0 - sx * 1e-6 || k < 0)
			continue;
		double x = fx(f, v);
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.6g</text>",
			x, f->y, x, f->y + f->h, x, f->y + f->h + 14, v);
	}
	for (long long k = (long long)(f->y0 / sy); (double)k * sy <= f->y1 + sy * 1e-6; k++) {
		double v = (double)k * sy;
		if (v < f->y0 - sy * 1e-6)
			continue;
		double y = fy(f, v);
		if (ynum_units)
			fmt_num(b, sizeof(b), v);
		else
			snprintf(b, sizeof(b), "%.6g", v);
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
			f->x, y, f->x + f->w, y, f->x - 4, y + 4, b);
	}
	fprintf(fp, "<rect class=\"ax\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
		f->x, f->y, f->w, f->h);
}

/* ---------------------------------------------------------------- lines */

struct pt { double x, y; };
struct pts { struct pt *p; size_t n, cap; bool lost; };

static void pts_add(struct pts *s, double x, double y)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct pt *n = realloc(s->p, cap * sizeof(*n));
		if (!n) {         /* out of memory: the graph is not made (view.lost) */
			s->lost = true;
			return;
		}
		s->p = n;
		s->cap = cap;
	}
	s->p[s->n++] = (struct pt){ x, y };
}

/* A line decimated as it is built (M4): per pixel column only the first,
 * lowest, highest and last point, in time order; at pixel resolution the
 * drawn line is the same, and a long connection costs no memory here. */
struct line {
	struct pts out;
	size_t cnt;              /* points in the current column */
	long col;
	struct pt first, lo, hi, last;
	size_t lo_i, hi_i;       /* their order within the column */
};

static void line_flush(struct line *l)
{
	if (!l->cnt)
		return;
	pts_add(&l->out, l->first.x, l->first.y);
	struct pt a = l->lo_i < l->hi_i ? l->lo : l->hi, b = l->lo_i < l->hi_i ? l->hi : l->lo;
	size_t ai = l->lo_i < l->hi_i ? l->lo_i : l->hi_i, bi = l->lo_i < l->hi_i ? l->hi_i : l->lo_i;
	if (ai != 0)
		pts_add(&l->out, a.x, a.y);
	if (bi != 0 && bi != ai)
		pts_add(&l->out, b.x, b.y);
	if (l->cnt > 1 && bi != l->cnt - 1)
		pts_add(&l->out, l->last.x, l->last.y);
	l->cnt = 0;
}

static void line_add(struct line *l, double x, double y)
{
	struct pt p = { x, y };
	if (l->cnt && (long)x == l->col) {
		if (y < l->lo.y) { l->lo = p; l->lo_i = l->cnt; }
		if (y > l->hi.y) { l->hi = p; l->hi_i = l->cnt; }
		l->last = p;
		l->cnt++;
		return;
	}
	line_flush(l);
	l->col = (long)x;
	l->first = l->lo = l->hi = l->last = p;
	l->lo_i = l->hi_i = 0;
	l->cnt = 1;
}

static double line_last_y(const struct line *l)
{
	return l->cnt ? l->last.y : l->out.n ? l->out.p[l->out.n - 1].y : 0;
}

static bool line_empty(const struct line *l)
{
	return !l->cnt && !l->out.n;
}

static void polyline(FILE *fp, bool *lost, const char *cls, const char *title,
		     struct line *l)
{
	line_flush(l);
	if (l->out.lost)
		*lost = true;
	if (l->out.n >= 2) {
		fprintf(fp, "<polyline class=\"%s\" points=\"", cls);
		for (size_t i = 0; i < l->out.n; i++)
			fprintf(fp, "%.1f,%.1f ", l->out.p[i].x, l->out.p[i].y);
		fprintf(fp, "\"><title>%s</title></polyline>", title);
	}
	free(l->out.p);
	memset(l, 0, sizeof(*l));
}

/* ---------------------------------------------------------------- bars */

enum kind { K_SEG, K_RTX, K_FRTX, K_SRTX, K_OOO, K_PROBE, K_NKIND };
static const char *const kind_class[K_NKIND] = {
	"seg", "retrans rtx", "retrans frtx", "retrans srtx", "ooo", "probe",
};
static const char *const kind_name[K_NKIND] = {
	"", ", retransmission", ", fast retransmission", ", spurious retransmission",
	", out of order", ", keep-alive / zero-window probe",
};

static enum kind seg_kind(const struct ts_pkt *p)
{
	if (p->aflags & NS_AN_SPURIOUS_RETRANS) return K_SRTX;
	if (p->aflags & NS_AN_FAST_RETRANSMISSION) return K_FRTX;
	if (p->aflags & NS_AN_RETRANSMISSION) return K_RTX;
	if (p->aflags & NS_AN_OUT_OF_ORDER) return K_OOO;
	if (p->aflags & (NS_AN_KEEP_ALIVE | NS_AN_ZERO_WINDOW_PROBE)) return K_PROBE;
	return K_SEG;
}

struct bar {                 /* one bar, or several merged in one column */
	bool on;
	enum kind k;
	long col;
	double x, ylo, yhi;      /* SVG units (ylo is the lower value: larger y) */
	uint64_t f0, f1;         /* frames */
	uint32_t s0, s1;         /* sequence range */
	uint32_t n;
	double t;
};

static void bar_out(FILE *fp, const struct bar *b, bool dense)
{
	double y0 = b->ylo, y1 = b->yhi;
	/* a bare SYN/FIN is still visible; a retransmission or other
	 * anomaly is seen at first glance even on a long connection */
	double min = b->k == K_SEG ? 3 : dense ? 6 : 16;
	if (y0 - y1 < min) {
		double m = (y0 + y1) / 2;
		y0 = m + min / 2;
		y1 = m - min / 2;
	}
	fprintf(fp, "<path class=\"%s\" d=\"M%.1f %.1fV%.1f\"><title>", kind_class[b->k],
		b->x, y0, y1);
	if (b->n == 1)
		fprintf(fp, "frame %" PRIu64 ": seq %" PRIu32 "-%" PRIu32 " (%" PRIu32
			" bytes) at %.6f s%s", b->f0, b->s0, b->s1, b->s1 - b->s0, b->t, kind_name[b->k]);
	else
		fprintf(fp, "frames %" PRIu64 "-%" PRIu64 ": %" PRIu32 " segments, seq %" PRIu32
			"-%" PRIu32 "%s", b->f0, b->f1, b->n, b->s0, b->s1, kind_name[b->k]);
	fputs("</title></path>", fp);
}

/* ---------------------------------------------------------------- the graph */

struct view {                /* what the graphs of a connection share */
	const struct ns_an_conn *c;
	const struct ts_conn *t;
	int side;                /* the data sender: 0 initiator, 1 responder */
	uint32_t shift;          /* the receiver's window scale */
	bool dense;              /* many anomalies: thinner, shorter marks */
	bool *lost;              /* set when out of memory: the drawing lacks something */
};

static bool is_sender(const struct view *v, const struct ts_pkt *p)
{
	return p->from_init == (v->side == 0);
}

static double tsec(const struct view *v, uint64_t ns)
{
	return (double)rel_ns(v->c, ns) / 1e9;
}

/* The window the receiver advertised, scaled as the analysis scales it:
 * scaling is on when both SYNs offered it (or only this side's SYN was
 * seen); a SYN's own window is never scaled. */
static uint64_t scaled_win(const struct view *v, const struct ts_pkt *p)
{
	if (p->tcpflags & NS_TCP_SYN)
		return p->win;
	return (uint64_t)p->win << v->shift;
}

static void view_init(struct view *v, const struct ns_an_conn *c, const struct ts_conn *t,
		      bool *lost)
{
	*lost = false;
	v->lost = lost;
	v->c = c;
	v->t = t;
	v->side = c->resp.payload_bytes > c->init.payload_bytes ? 1 : 0;
	const struct ns_an_dir *r = side_dir(c, !v->side), *s = side_dir(c, v->side);
	v->shift = 0;
	v->dense = false;
	uint32_t nspecial = 0;
	for (uint32_t i = 0; i < t->n && !v->dense; i++)
		if (is_sender(v, &t->p[i]) && seg_kind(&t->p[i]) != K_SEG)
			v->dense = ++nspecial > 100;
	if (r->wscale >= 0 && !(s->syn_seen && s->wscale < 0))
		v->shift = (uint32_t)r->wscale;
}

static void ranges(const struct view *v, struct frame *f)
{
	const struct ts_conn *t = v->t;
	double ymin = 0, data_hi = 0, ack_hi = 0, win_hi = 0;
	bool first = true;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct ts_pkt *p = &t->p[i];
		double lo, hi;
		if (is_sender(v, p)) {
			lo = p->seq;
			hi = (double)p->seq + p->len + ((p->tcpflags & (NS_TCP_SYN | NS_TCP_FIN)) ? 1 : 0);
			if (hi > data_hi) data_hi = hi;
		} else if (p->has_ack) {
			lo = hi = p->ack;
			if (hi > ack_hi) ack_hi = hi;
			double w = (double)p->ack + (double)scaled_win(v, p);
			if (!(p->tcpflags & NS_TCP_RST) && w > win_hi) win_hi = w;
		} else {
			continue;
		}
		if (first || lo < ymin) ymin = lo;
		first = false;
	}
	double top = data_hi > ack_hi ? data_hi : ack_hi;
	double span = top - ymin > 1 ? top - ymin : 1;
	/* the window line counts only while it stays near the data */
	if (win_hi > top)
		top = win_hi < top + span * 0.5 ? win_hi : top + span * 0.5;
	f->y0 = ymin;
	f->y1 = top + (top - ymin) * 0.04 + 1;
	f->t0 = tsec(v, v->c->first_ts_ns);
	f->t1 = tsec(v, v->c->last_ts_ns);
	if (f->t1 - f->t0 < 1e-6)
		f->t1 = f->t0 + 1e-6;
	double pad = (f->t1 - f->t0) * 0.02;
	f->t0 -= pad;
	f->t1 += pad;
}

static void draw_zero_windows(FILE *fp, const struct view *v, const struct frame *f)
{
	const struct ts_conn *t = v->t;
	bool in = false;
	uint64_t f0 = 0;
	double x0 = 0, tt0 = 0;
	uint32_t nadv = 0;
	const char *rw = who(v->c, !v->side);
	for (uint32_t i = 0; i <= t->n; i++) {
		const struct ts_pkt *p = i < t->n ? &t->p[i] : NULL;
		if (p && (is_sender(v, p) || (p->tcpflags & (NS_TCP_SYN | NS_TCP_RST))))
			continue;
		bool zero = p && p->win == 0 && !(p->tcpflags & NS_TCP_FIN);
		if (p && zero) {
			if (!in) {
				in = true;
				f0 = p->frame;
				tt0 = tsec(v, p->ts_ns);
				x0 = fx(f, tt0);
				nadv = 0;
			}
			nadv++;
			continue;
		}
		if (!in || (p && p->win == 0))
			continue;
		/* reopened by p, or never (end of the record) */
		double t1 = p ? tsec(v, p->ts_ns) : f->t1, x1 = fx(f, t1);
		double w = x1 - x0 < 4 ? 4 : x1 - x0;
		fprintf(fp, "<rect class=\"zw\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			"<title>zero window: the %s advertised a zero window %" PRIu32 " time%s from frame %"
			PRIu64 " at %.6f s", x0, f->y, w, f->h, rw, nadv, nadv == 1 ? "" : "s", f0, tt0);
		if (p)
			fprintf(fp, "; reopened at frame %" PRIu64 " at %.6f s (%.3f s later)",
				p->frame, t1, t1 - tt0);
		else
			fputs("; never reopened", fp);
		fprintf(fp, "</title></rect><text class=\"zwl\" x=\"%.1f\" y=\"%.1f\">zero window</text>",
			x0 + 3, f->y + 14);
		in = false;
	}
}

static void draw_lines(FILE *fp, const struct view *v, const struct frame *f)
{
	const struct ts_conn *t = v->t;
	struct line ack = { 0 }, win = { 0 };
	bool have = false;
	double pa = 0, pw = 0;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct ts_pkt *p = &t->p[i];
		if (is_sender(v, p) || !p->has_ack || (p->tcpflags & NS_TCP_RST))
			continue;
		double x = fx(f, tsec(v, p->ts_ns));
		double ya = fy(f, p->ack), yw = fy(f, (double)p->ack + (double)scaled_win(v, p));
		if (have) {
			line_add(&ack, x, pa);
			line_add(&win, x, pw);
		}
		line_add(&ack, x, ya);
		line_add(&win, x, yw);
		pa = ya;
		pw = yw;
		have = true;
	}
	if (have) {   /* the lines run on to the end of the connection */
		double xe = fx(f, tsec(v, v->c->last_ts_ns));
		line_add(&ack, xe, pa);
		line_add(&win, xe, pw);
	}
	char title[96];
	snprintf(title, sizeof(title), "receive window: ACK + window advertised by the %s",
		 who(v->c, !v->side));
	polyline(fp, v->lost, "win", title, &win);
	snprintf(title, sizeof(title), "cumulative ACK from the %s", who(v->c, !v->side));
	polyline(fp, v->lost, "ack", title, &ack);
}

static void draw_sacks(FILE *fp, const struct view *v, const struct frame *f)
{
	const struct ts_conn *t = v->t;
	bool dec = t->nsack > HTML_MAX_POINTS;
	struct bar b = { 0 };
	for (uint32_t i = 0; i <= t->nsack; i++) {
		const struct ts_sack *s = i < t->nsack ? &t->sack[i] : NULL;
		const struct ts_pkt *p = s ? &t->p[s->pkt] : NULL;
		if (p && is_sender(v, p))
			continue;    /* the sender's SACKs are about the other direction */
		double x = p ? fx(f, tsec(v, p->ts_ns)) : 0;
		if (p && b.on && dec && (long)x == b.col) {
			if (fy(f, s->left) > b.ylo) b.ylo = fy(f, s->left);
			if (fy(f, s->right) < b.yhi) b.yhi = fy(f, s->right);
			b.f1 = p->frame;
			b.n++;
			continue;
		}
		if (b.on) {
			fprintf(fp, "<path class=\"sack\" d=\"M%.1f %.1fV%.1f\"><title>", b.x, b.ylo, b.yhi);
			if (b.n == 1)
				fprintf(fp, "frame %" PRIu64 ": SACK block %" PRIu32 "-%" PRIu32, b.f0, b.s0, b.s1);
			else
				fprintf(fp, "frames %" PRIu64 "-%" PRIu64 ": %" PRIu32 " SACK blocks",
					b.f0, b.f1, b.n);
			fputs("</title></path>", fp);
		}
		if (!p)
			break;
		b = (struct bar){ .on = true, .col = (long)x, .x = x, .ylo = fy(f, s->left),
				  .yhi = fy(f, s->right), .f0 = p->frame, .f1 = p->frame, .n = 1,
				  .s0 = s->left, .s1 = s->right };
	}
}

/* Data bars of the sender; returns how many retransmission marks. */
static void draw_segments(FILE *fp, const struct view *v, const struct frame *f)
{
	const struct ts_conn *t = v->t;
	uint32_t nbars = 0, nrtx = 0;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct ts_pkt *p = &t->p[i];
		if (is_sender(v, p) && (p->len || (p->tcpflags & (NS_TCP_SYN | NS_TCP_FIN))))
			nbars++;
	}
	bool dec = nbars > HTML_MAX_POINTS;
	/* decimated: one pending bar per kind in the current pixel column, so
	 * a column never holds more than K_NKIND bars */
	struct bar pend[K_NKIND] = { { 0 } };
	long col = LONG_MIN;
	struct pts rlab = { 0 };
	for (uint32_t i = 0; i <= t->n; i++) {
		const struct ts_pkt *p = i < t->n ? &t->p[i] : NULL;
		if (p && !(is_sender(v, p) && (p->len || (p->tcpflags & (NS_TCP_SYN | NS_TCP_FIN)))))
			continue;
		if (p && (p->tcpflags & NS_TCP_RST) && !p->len)
			continue;
		enum kind k = p ? seg_kind(p) : K_SEG;
		uint32_t end = p ? p->seq + p->len + ((p->tcpflags & (NS_TCP_SYN | NS_TCP_FIN)) ? 1 : 0) : 0;
		double tt = p ? tsec(v, p->ts_ns) : 0, x = fx(f, tt);
		struct bar *b = &pend[k];
		if (p && dec && b->on && (long)x == col) {
			if (p->seq < b->s0) { b->s0 = p->seq; b->ylo = fy(f, p->seq); }
			if (end > b->s1) { b->s1 = end; b->yhi = fy(f, end); }
			b->f1 = p->frame;
			b->n++;
			continue;
		}
		if (!p || !dec || (long)x != col) {
			for (int q = 0; q < K_NKIND; q++) {
				if (!pend[q].on)
					continue;
				bar_out(fp, &pend[q], v->dense);
				if (q >= K_RTX && q <= K_SRTX) {
					nrtx++;
					pts_add(&rlab, pend[q].x, pend[q].yhi);
				}
				pend[q].on = false;
			}
		}
		if (!p)
			break;
		col = (long)x;
		*b = (struct bar){ .on = true, .k = k, .col = (long)x, .x = x, .ylo = fy(f, p->seq),
				   .yhi = fy(f, end), .f0 = p->frame, .f1 = p->frame, .s0 = p->seq,
				   .s1 = end, .n = 1, .t = tt };
	}
	/* tcptrace's "R" over each retransmission, while they are few */
	if (nrtx <= 300)
		for (size_t i = 0; i < rlab.n; i++)
			fprintf(fp, "<text class=\"lr\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">R</text>",
				rlab.p[i].x, rlab.p[i].y - 4);
	if (rlab.lost)
		*v->lost = true;
	free(rlab.p);
}

/* The receiver's own retransmissions (its SYN+ACK, FIN or data; the first
 * 500) and its SYN/FIN/RST, placed at its ACK; the sender's SYN/FIN/RST at
 * its seq. */
static void draw_marks(FILE *fp, const struct view *v, const struct frame *f)
{
	const struct ts_conn *t = v->t;
	unsigned nmk = 0, nrev = 0;
	double last_ack = f->y0;
	for (uint32_t i = 0; i < t->n; i++) {
		const struct ts_pkt *p = &t->p[i];
		bool snd = is_sender(v, p);
		double tt = tsec(v, p->ts_ns), x = fx(f, tt);
		if (!snd && p->has_ack)
			last_ack = p->ack;
		double yv = snd ? p->seq : last_ack, y = fy(f, yv);
		const char *by = who(v->c, snd ? v->side : !v->side);
		if (!snd && (p->aflags & NS_AN_ANY_RETRANS) && nrev < 500) {
			enum kind k = seg_kind(p);
			fprintf(fp, "<path class=\"%s rev\" d=\"M%.1f %.1fl8 8m0 -8l-8 8\"><title>frame %"
				PRIu64 ": the %s retransmitted its own seq %" PRIu32 " (%" PRIu32
				" bytes%s) at %.6f s%s</title></path>", kind_class[k], x - 4, y - 4,
				p->frame, by, p->seq, p->len,
				(p->tcpflags & NS_TCP_SYN) ? ", SYN" : (p->tcpflags & NS_TCP_FIN) ? ", FIN" : "",
				tt, kind_name[k]);
			nrev++;
		}
		if (!(p->tcpflags & (NS_TCP_SYN | NS_TCP_FIN | NS_TCP_RST)) || nmk >= 400)
			continue;
		nmk++;
		if (p->tcpflags & NS_TCP_RST) {
			fprintf(fp, "<g class=\"mk mk-rst\"><line class=\"rstl\" x1=\"%.1f\" y1=\"%.1f\" "
				"x2=\"%.1f\" y2=\"%.1f\"/><text class=\"mk-rst\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"end\">RST (%s)</text><title>frame %" PRIu64
				": RST from the %s at %.6f s, seq %" PRIu32 " ack %" PRIu32 "</title></g>",
				x, f->y, x, f->y + f->h, x - 3, f->y + 28, by, p->frame, by, tt,
				p->seq, p->ack);
			continue;
		}
		const char *lab = (p->tcpflags & NS_TCP_SYN) ? ((p->tcpflags & NS_TCP_ACK) ? "SYN+ACK" : "SYN")
							  : "FIN";
		fprintf(fp, "<text class=\"mk %s\" x=\"%.1f\" y=\"%.1f\"%s>%s<title>frame %" PRIu64
			": %s from the %s at %.6f s</title></text>",
			(p->tcpflags & NS_TCP_SYN) ? "mk-syn" : "mk-fin", x + 3,
			snd ? y - 6 : y - 20, "", lab, p->frame, lab, by, tt);
	}
}

static void legend(FILE *fp, double x, double y)
{
	static const struct { const char *cls, *name; } items[] = {
		{ "seg", "data" }, { "rtx", "retransmission" }, { "frtx", "fast retransmission" },
		{ "srtx", "spurious" }, { "ooo", "out of order" }, { "probe", "probe / keep-alive" },
		{ "ack", "ACK" }, { "win", "ACK + window" }, { "sack", "SACK" },
	};
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		fprintf(fp, "<line class=\"%s sw\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text x=\"%.1f\" y=\"%.1f\">%s</text>",
			items[i].cls, x, y, x + 14, y, x + 18, y + 4, items[i].name);
		x += 30 + 6.0 * (double)strlen(items[i].name);
	}
	fprintf(fp, "<rect class=\"zw key\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\"/>"
		"<text x=\"%.1f\" y=\"%.1f\">zero window</text>", x, y - 5, x + 18, y + 4);
}

static void endpoint(FILE *fp, const struct ns_an_dir *d)
{
	char a[NS_ADDR_STRLEN];
	ns_addr_format(&d->addr, a);
	fprintf(fp, d->addr.family == 6 ? "[%s]:%u" : "%s:%u", a, d->port);
}

#define TS_W 960.0
#define TS_H 470.0

bool html_tseq_svg(FILE *fp, const struct ns_an_conn *c, const struct ts_conn *t, bool standalone)
{
	struct view v;
	bool lost;
	struct frame f = { .x = 80, .y = 34, .w = TS_W - 80 - 16, .h = TS_H - 34 - 72 };
	struct ts_conn none = { 0 };

	view_init(&v, c, t ? t : &none, &lost);
	ranges(&v, &f);
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<svg %sclass=\"g tseq%s\" data-stream=\"%" PRIu64 "\" data-sender=\"%s\" viewBox=\"0 0 %.0f %.0f\" "
		"width=\"%.0f\" height=\"%.0f\" role=\"img\">",
		standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "", v.dense ? " dense" : "", c->stream,
		v.side ? "responder" : "initiator", TS_W, TS_H, TS_W, TS_H);
	if (standalone)
		fprintf(fp, "<style>%s</style><rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>",
			html_graph_css);
	fprintf(fp, "<text class=\"ttl\" x=\"%.1f\" y=\"18\">Time-sequence graph, stream %" PRIu64
		": data from the %s (", f.x, c->stream, who(c, v.side));
	endpoint(fp, side_dir(c, v.side));
	fputs(" to ", fp);
	endpoint(fp, side_dir(c, !v.side));
	fprintf(fp, ")%s</text>", v.t->truncated ? " [record truncated]" : "");
	axes(fp, &f, 10, 8, true);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time since the capture's "
		"first packet (s)</text>", f.x + f.w / 2, f.y + f.h + 30);
	fprintf(fp, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
		"text-anchor=\"middle\">relative sequence number</text>", f.y + f.h / 2, f.y + f.h / 2);
	draw_zero_windows(fp, &v, &f);
	draw_lines(fp, &v, &f);
	draw_sacks(fp, &v, &f);
	draw_segments(fp, &v, &f);
	draw_marks(fp, &v, &f);
	legend(fp, 10, TS_H - 14);
	fputs("</svg>", fp);
	if (standalone)
		fputc('\n', fp);
	return !lost;
}

/* ---------------------------------------------------------------- small graphs */

#define SM_W 316.0
#define SM_H 180.0

static void small_begin(FILE *fp, struct frame *f, const char *cls, const char *title)
{
	f->x = 52;
	f->y = 24;
	f->w = SM_W - 52 - 10;
	f->h = SM_H - 24 - 30;
	if (f->y1 <= f->y0)
		f->y1 = f->y0 + 1;
	fprintf(fp, "<svg class=\"g %s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">"
		"<text class=\"ttl\" x=\"%.1f\" y=\"15\">%s</text>", cls, SM_W, SM_H, SM_W, SM_H,
		f->x, title);
	axes(fp, f, 4, 4, true);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">s</text>",
		f->x + f->w + 4, f->y + f->h + 26);
}

static void small_throughput(FILE *fp, const struct view *v, const struct frame *base)
{
	enum { NB = 60 };
	double bytes[NB] = { 0 }, bw = (base->t1 - base->t0) / NB, mx = 0;
	for (uint32_t i = 0; i < v->t->n; i++) {
		const struct ts_pkt *p = &v->t->p[i];
		if (!is_sender(v, p) || !p->len)
			continue;
		int b = (int)((tsec(v, p->ts_ns) - base->t0) / bw);
		bytes[b < 0 ? 0 : b >= NB ? NB - 1 : b] += p->len;
	}
	for (int b = 0; b < NB; b++) {
		bytes[b] = bytes[b] * 8 / bw;
		if (bytes[b] > mx)
			mx = bytes[b];
	}
	struct frame f = *base;
	f.y0 = 0;
	f.y1 = mx * 1.05;
	small_begin(fp, &f, "thr", "throughput (bit/s)");
	for (int b = 0; b < NB; b++) {
		if (!bytes[b])
			continue;
		double x0 = fx(&f, f.t0 + b * bw), x1 = fx(&f, f.t0 + (b + 1) * bw), y = fy(&f, bytes[b]);
		fprintf(fp, "<rect class=\"tp\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			"<title>%.6f-%.6f s: %.4g bit/s</title></rect>", x0, y, x1 - x0 > 1 ? x1 - x0 - 0.5 : 0.5,
			f.y + f.h - y, f.t0 + b * bw, f.t0 + (b + 1) * bw, bytes[b]);
	}
	fputs("</svg>", fp);
}

static void small_rtt(FILE *fp, const struct view *v, const struct frame *base)
{
	double mx = 0;
	uint32_t n = 0;
	for (uint32_t i = 0; i < v->t->n; i++) {
		const struct ts_pkt *p = &v->t->p[i];
		if (is_sender(v, p) || p->rtt_us == TS_NO_RTT)
			continue;
		n++;
		if (p->rtt_us / 1e3 > mx)
			mx = p->rtt_us / 1e3;
	}
	struct frame f = *base;
	f.y0 = 0;
	f.y1 = mx > 0 ? mx * 1.1 : 1;
	small_begin(fp, &f, "rtts", "RTT samples (ms)");
	bool dec = n > HTML_MAX_POINTS;
	long col = -1;
	double lo = 0, hi = 0;
	for (uint32_t i = 0; i <= v->t->n; i++) {
		const struct ts_pkt *p = i < v->t->n ? &v->t->p[i] : NULL;
		if (p && (is_sender(v, p) || p->rtt_us == TS_NO_RTT))
			continue;
		double x = p ? fx(&f, tsec(v, p->ts_ns)) : -1, ms = p ? p->rtt_us / 1e3 : 0;
		if (!dec && p) {
			fprintf(fp, "<circle class=\"rtt\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>frame %"
				PRIu64 ": RTT %.3f ms</title></circle>", x, fy(&f, ms), p->frame, ms);
			continue;
		}
		if (!dec)
			break;
		if (p && (long)x == col) {
			if (ms < lo) lo = ms;
			if (ms > hi) hi = ms;
			continue;
		}
		if (col >= 0) {
			fprintf(fp, "<circle class=\"rtt\" cx=\"%ld\" cy=\"%.1f\" r=\"2\"/>", col, fy(&f, lo));
			if (hi > lo)
				fprintf(fp, "<circle class=\"rtt\" cx=\"%ld\" cy=\"%.1f\" r=\"2\"/>", col, fy(&f, hi));
		}
		if (!p)
			break;
		col = (long)x;
		lo = hi = ms;
	}
	fputs("</svg>", fp);
}

static void small_flight(FILE *fp, const struct view *v, const struct frame *base)
{
	struct line s = { 0 };
	double mx = 0, last_ack = 0, hi = 0;
	bool have_ack = false, have_hi = false;
	/* first pass for the scale, second for the points */
	for (int pass = 0; pass < 2; pass++) {
		struct frame f = *base;
		f.y0 = 0;
		f.y1 = mx * 1.05;
		if (pass == 1)
			small_begin(fp, &f, "flight", "bytes in flight");
		have_ack = have_hi = false;
		for (uint32_t i = 0; i < v->t->n; i++) {
			const struct ts_pkt *p = &v->t->p[i];
			if (!is_sender(v, p)) {
				if (p->has_ack && !(p->tcpflags & NS_TCP_RST)) {
					last_ack = p->ack;
					have_ack = true;
				}
				continue;
			}
			if (!p->len)
				continue;
			double end = (double)p->seq + p->len;
			if (!have_hi || end > hi)
				hi = end;
			have_hi = true;
			double fl = have_ack && hi > last_ack ? hi - last_ack : 0;
			if (pass == 0 && fl > mx)
				mx = fl;
			if (pass == 1) {     /* a step line: the value holds until the next */
				double x = fx(&f, tsec(v, p->ts_ns));
				if (!line_empty(&s))
					line_add(&s, x, line_last_y(&s));
				line_add(&s, x, fy(&f, fl));
			}
		}
		if (pass == 1) {
			polyline(fp, v->lost, "fl", "bytes in flight: highest seq sent minus the last ACK", &s);
			fputs("</svg>", fp);
		}
	}
}

bool html_small_svgs(FILE *fp, const struct ns_an_conn *c, const struct ts_conn *t)
{
	struct view v;
	bool lost;
	struct frame f = { 0 };
	struct ts_conn none = { 0 };

	view_init(&v, c, t ? t : &none, &lost);
	ranges(&v, &f);
	small_throughput(fp, &v, &f);
	small_rtt(fp, &v, &f);
	small_flight(fp, &v, &f);
	return !lost;
}
