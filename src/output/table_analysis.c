/* The analysis report as text (`netsift analyze`, the default): one block
 * per connection, problems and verdict first, then the details; and the
 * summary table.
 */
#include "analyze/analyze_report.h"
#include "analyze/diagnose.h"
#include "output/table.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---------------------------------------------------------------- text */

static void text_problems(FILE *fp, const struct ns_an_conn *c)
{
	bool any = false;
	for (int s = 0; s < 2; s++) {
		const struct ns_an_dir *d = side_dir(c, s);
		for (int f = 0; f < NS_FIND_COUNT; f++) {
			const struct ns_an_finding *x = ns_an_finding(d, f);
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

/* The diagnoses, one line each (kind, direction, confidence, evidence), and
 * where the capture was taken when that can be told. */
static void text_diagnoses(FILE *fp, const struct ns_an_conn *c)
{
	uint32_t n = ns_dx_count(c);
	const char *why;
	ns_dx_vantage(c, &why);
	if (n)
		fputs("  diagnoses:\n", fp);
	for (uint32_t i = 0; i < n; i++) {
		const struct ns_dx_diag *d = ns_dx_get(c, i);
		fprintf(fp, "    %-22s %-8s %-6s frames", d->kind,
			d->from < 0 ? "-" : who(c, d->from), d->confidence);
		for (uint32_t k = 0; k < d->nframes; k++)
			fprintf(fp, "%s%" PRIu64, k ? ", " : " ", d->frames[k]);
		fputc('\n', fp);
	}
	if (why)
		fprintf(fp, "  capture point: %s\n", why);
}

bool ns_an_write_text(FILE *fp, const struct ns_an_conn *c)
{
	bool ok;

	fprintf(fp, "Connection %" PRIu64 ": ", c->stream);
	endpoint_text(fp, &c->init);
	fputs(" -> ", fp);
	endpoint_text(fp, &c->resp);
	fprintf(fp, "  [%s %s] %s\n", ns_an_conn_state(c), c->history[0] ? c->history : "-",
		ns_an_has_problems(c) ? "PROBLEMS" : c->capture_cut_frame ? "incomplete" : "ok");
	fputs("  verdict: ", fp);
	ok = ns_an_write_verdict(fp, c);
	fputc('\n', fp);
	text_diagnoses(fp, c);
	text_problems(fp, c);
	text_rtx(fp, c);
	fprintf(fp, "  endpoints: %s port %u %s, %s port %u %s%s\n",
		who(c, 0), c->init.port, ns_an_port_class(c->init.port), who(c, 1), c->resp.port,
		ns_an_port_class(c->resp.port),
		c->flipped ? " (first packet was the SYN+ACK: roles from it)" : "");
	if (c->file)             /* several inputs, one capture: which one */
		fprintf(fp, "  file: %s\n", c->file);
	text_tunnels(fp, c);
	fprintf(fp, "  frames %" PRIu64 "-%" PRIu64 ", %.6f s to %.6f s (%.6f s)\n",
		c->first_frame, c->last_frame, rel_s(c, c->first_ts_ns), rel_s(c, c->last_ts_ns),
		(double)(c->last_ts_ns - c->first_ts_ns) / 1e9);
	text_handshake(fp, c);
	fprintf(fp, "  close: %s\n", ns_an_close_name(c->close));
	if (c->evicted)
		fprintf(fp, "  note: ended early, still open: --max-conns connections were held "
			"and this one was idle longest (later packets of it are a new connection)\n");
	text_stats(fp, c);
	ns_an_write_acks(fp, c);
	fputc('\n', fp);
	return ok && !ferror(fp);
}

void ns_an_write_summary_header(FILE *fp)
{
	fprintf(fp, "%-6s %-46s %-6s %-14s %-11s %7s %9s %5s %5s %5s %5s %5s %9s\n",
		"stream", "connection", "state", "history", "close", "packets", "payload",
		"rexmt", "dupack", "ooo", "lost", "zwin", "rtt_ms");
}

void ns_an_write_summary_row(FILE *fp, const struct ns_an_conn *c)
{
	const struct ns_an_dir *i = &c->init, *r = &c->resp;
	char conn[160], ia[NS_ADDR_STRLEN], ra[NS_ADDR_STRLEN], rtt[32];
	ns_addr_format(&i->addr, ia);
	ns_addr_format(&r->addr, ra);
	/* [v6]:port, as everywhere else: fd00::1:80 would be ambiguous */
	snprintf(conn, sizeof(conn), "%s%s%s:%u>%s%s%s:%u",
		 i->addr.family == 6 ? "[" : "", ia, i->addr.family == 6 ? "]" : "", i->port,
		 r->addr.family == 6 ? "[" : "", ra, r->addr.family == 6 ? "]" : "", r->port);
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
		ns_an_finding(i, NS_FIND_DUP_ACK)->count + ns_an_finding(r, NS_FIND_DUP_ACK)->count,
		ns_an_finding(i, NS_FIND_OOO)->count + ns_an_finding(r, NS_FIND_OOO)->count,
		ns_an_finding(i, NS_FIND_LOST)->count + ns_an_finding(r, NS_FIND_LOST)->count,
		ns_an_finding(i, NS_FIND_ZERO_WINDOW)->count + ns_an_finding(r, NS_FIND_ZERO_WINDOW)->count, rtt);
}

/* ---------------------------------------------------------------- the report
 * Every connection of a file is held (rendered) until the file ends: problem
 * connections go first, then the rest, each group in stream order, then the
 * summary table. */

struct rendered {            /* one finished connection, ready to print */
	uint64_t stream;
	bool problems;
	char *block;             /* its text block */
	size_t block_len;
	char *row;               /* its summary table row */
	size_t row_len;
};

struct text_report {
	struct rendered *items;
	size_t n, cap;
};

static int cmp_stream(const void *x, const void *y)
{
	const struct rendered *a = x, *b = y;
	return a->stream < b->stream ? -1 : a->stream > b->stream;
}

static void write_text(struct ns_out *o, const struct text_report *r)
{
	struct outbuf *ob = o->ob;

	if (o->no_input)     /* its error line says it all: no empty report */
		return;
	if (o->ninputs > 1) {     /* several inputs read as one capture: all named */
		for (size_t i = 0; i < o->ninputs; i++) {
			OB_LIT(ob, "== ");
			ob_str(ob, o->inputs[i]);
			OB_LIT(ob, " ==\n");
		}
		ob_putc(ob, '\n');
	} else if (o->many_files) {
		OB_LIT(ob, "== ");
		ob_str(ob, o->file);
		OB_LIT(ob, " ==\n\n");
	}
	if (!r->n) {
		OB_LIT(ob, "No TCP connections.\n\n");
		return;
	}
	/* problems first, each group in stream order */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->n; i++)
			if (r->items[i].problems == (pass == 0) && r->items[i].block)
				ob_mem(ob, r->items[i].block, r->items[i].block_len);
	char *hdr = NULL;
	size_t hlen = 0;
	struct ob_memfile m;
	if (ob_memfile_open(&m) == 0)
		ns_an_write_summary_header(m.fp);
	if (!m.fp || !ob_memfile_close(&m, &hdr, &hlen)) {   /* the table without its header: said */
		o->err = ENOMEM;
	} else {
		ob_mem(ob, hdr, hlen);
		free(hdr);
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].row)
			ob_mem(ob, r->items[i].row, r->items[i].row_len);
	ob_putc(ob, '\n');
}

/* The report's state is made at the first input: `read` never needs it. */
void out_table_input_begin(struct ns_out *o)
{
	if (!o->priv && !(o->priv = calloc(1, sizeof(struct text_report))))
		o->err = ENOMEM;
}

/* Render a finished connection into it (a worker of analyze --threads does
 * this on its own thread); false when out of memory. */
bool out_table_conn_render(const struct ns_an_conn *c, struct ns_an_rendered *it)
{
	struct ob_memfile m;
	bool ok;

	memset(it, 0, sizeof(*it));
	it->stream = c->stream;
	if (ob_memfile_open(&m) < 0)
		return false;
	ok = ns_an_write_text(m.fp, c);
	if (!ob_memfile_close(&m, &it->block, &it->block_len) || !ok ||
	    ob_memfile_open(&m) < 0) {
		free(it->block);
		it->block = NULL;
		return false;
	}
	ns_an_write_summary_row(m.fp, c);
	if (!ob_memfile_close(&m, &it->row, &it->row_len)) {
		free(it->block);
		it->block = NULL;
		return false;
	}
	it->problems = ns_an_has_problems(c);   /* such blocks go first */
	return true;
}

/* Hold a rendered connection for the report (which takes its buffers). */
void out_table_conn_add(struct ns_out *o, struct ns_an_rendered *it)
{
	struct text_report *r = o->priv;

	if (!r) {
		free(it->block);
		free(it->row);
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct rendered *n = realloc(r->items, cap * sizeof(*n));
		if (!n) {
			o->err = ENOMEM;
			free(it->block);
			free(it->row);
			return;
		}
		r->items = n;
		r->cap = cap;
	}
	r->items[r->n++] = (struct rendered){
		.stream = it->stream, .problems = it->problems,
		.block = it->block, .block_len = it->block_len,
		.row = it->row, .row_len = it->row_len,
	};
}

/* Render a finished connection now: the engine frees it after this returns. */
void out_table_conn(struct ns_out *o, const struct ns_an_conn *c)
{
	struct ns_an_rendered it;

	if (!o->priv)
		return;
	if (!out_table_conn_render(c, &it)) {
		o->err = ENOMEM;
		return;
	}
	out_table_conn_add(o, &it);
}

static void drop_items(struct text_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].block);
		free(r->items[i].row);
	}
	r->n = 0;
}

void out_table_input_end(struct ns_out *o)
{
	struct text_report *r = o->priv;
	struct text_report none = { 0 };

	if (!r)
		r = &none;   /* out of memory at the start: still say what we can */
	if (r->n)
		qsort(r->items, r->n, sizeof(*r->items), cmp_stream);
	write_text(o, r);
	drop_items(r);
}

void out_table_close(struct ns_out *o)
{
	struct text_report *r = o->priv;

	if (!r)
		return;
	drop_items(r);
	free(r->items);
	free(r);
	o->priv = NULL;
}

/* "<frame> TCP-ANALYSIS stream=<n> <flag,...> [acks <frames>] [rtt=<ms>]" */
void out_table_tcp_analysis(struct ns_out *out, const struct ns_packet *pkt,
			     const struct ns_an_pkt *o)
{
	struct outbuf *ob = out->ob;
	char buf[64];
	ob_u64(ob, pkt->ctx->frame);
	OB_LIT(ob, " TCP-ANALYSIS stream=");
	ob_u64(ob, o->stream);
	ob_putc(ob, ' ');
	bool first = true;
	for (unsigned i = 0; i < NS_AN_FLAG_COUNT; i++) {
		if (!(o->flags & (1u << i)))
			continue;
		if (!first)
			ob_putc(ob, ',');
		first = false;
		ob_str(ob, ns_an_flag_name(1u << i));
	}
	if (o->ncover) {
		OB_LIT(ob, " acks");
		for (uint32_t i = 0; i < o->ncover && i < NS_AN_MAX_COVER; i++) {
			ob_putc(ob, i ? ',' : ' ');
			ob_u64(ob, o->cover[i]);
		}
	}
	if (o->has_rtt) {
		snprintf(buf, sizeof(buf), " rtt=%.3fms", (double)o->rtt_ns / 1e6);
		ob_str(ob, buf);
	}
	ob_putc(ob, '\n');
}
