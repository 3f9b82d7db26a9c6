/* The HTML output format: `analyze -o html`, `analyze --report FILE`,
 * `analyze --plot STREAM` (html.h).
 *
 * The engine hands over each connection when it is over and frees it, so
 * everything the page needs of a connection is rendered at once: its table
 * row, its verdict if it has problems (the words of the text report:
 * ns_an_verdict_ob), and its graphs if it is selected. Selected are the
 * problem connections (the first HTML_MAX_PROBLEM_GRAPHS to end) and the
 * `top` largest others by payload bytes (a small running list: a larger one
 * pushes the smallest out). The page is written at close: overview first.
 *
 * Size: the page holds at most HTML_MAX_ROWS table rows (about 400 bytes
 * each), HTML_MAX_VERDICTS verdicts and HTML_MAX_PROBLEM_GRAPHS + top graph
 * sections (a few hundred KiB at most each: html_svg.c decimates).
 */
#include "output/html.h"
#include "analyze/analyze_report.h"
#include "analyze/timeseq.h"
#include "pipeline.h"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hitem {
	unsigned file;
	uint64_t stream;
	uint64_t bytes;
	char *html;
	size_t len;
};

struct hvec {
	struct hitem *v;
	size_t n, cap;
};

struct hfile {
	char *name;
	uint64_t frames0, frames;  /* pipeline frame count at its start; its frames */
	uint64_t conns;
};

#define NLINK 64

struct html_report {
	struct html_opts *opts;
	struct html_opts defaults;
	struct ts_rec rec;
	struct hvec rows, verdicts, pgraphs, tgraphs;
	uint64_t nconns, nproblems, rows_cut, verdicts_cut, pgraphs_cut;
	struct { char name[8]; uint64_t n; } states[24];
	unsigned nstates;
	struct hfile *files;
	unsigned nfiles;
	uint64_t ip_pkts, tcp_pkts, bytes, first_ts, last_ts, link[NLINK];
	bool have_ts;
};

static void hvec_push(struct ns_out *o, struct hvec *v, struct hitem it)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct hitem *n = realloc(v->v, cap * sizeof(*n));
		if (!n) {
			free(it.html);
			o->err = ENOMEM;
			return;
		}
		v->v = n;
		v->cap = cap;
	}
	v->v[v->n++] = it;
}

static void hvec_free(struct hvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].html);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static int open_format(struct ns_out *o)
{
	struct html_report *r = calloc(1, sizeof(*r));
	if (!r) {
		o->err = ENOMEM;
		return -1;
	}
	r->defaults.top = 10;
	r->opts = &r->defaults;
	ts_rec_init(&r->rec);
	o->priv = r;
	return 0;
}

void out_html_configure(struct ns_out *o, struct html_opts *opts)
{
	struct html_report *r = o->priv;
	if (!r)
		return;
	r->opts = opts;
	r->rec.only_one = opts->plot;
	r->rec.stream = opts->plot_stream;
}

/* ---------------------------------------------------------------- records */

static void out_html_an_packet(struct ns_out *o, const struct ns_packet *pkt,
			       const struct ns_an_pkt *a)
{
	struct html_report *r = o->priv;
	if (!r)
		return;
	if (pkt->ctx) {
		uint64_t ts = pkt->ctx->ts_ns;
		if (!r->have_ts || ts < r->first_ts)
			r->first_ts = ts;
		if (!r->have_ts || ts > r->last_ts)
			r->last_ts = ts;
		r->have_ts = true;
		r->bytes += pkt->ctx->wire_len;
	}
	r->ip_pkts++;
	r->link[pkt->link.type < NLINK ? pkt->link.type : NLINK - 1]++;
	if (a->tcp) {
		r->tcp_pkts++;
		ts_rec_packet(&r->rec, pkt, a);
	}
}

static void out_html_input_begin(struct ns_out *o)
{
	struct html_report *r = o->priv;
	if (!r)
		return;
	struct hfile *n = realloc(r->files, (r->nfiles + 1) * sizeof(*n));
	if (!n) {
		o->err = ENOMEM;
		return;
	}
	r->files = n;
	char *name = NULL;
	if (o->ninputs > 1) {    /* several inputs read as one capture: one entry naming all */
		size_t len = 0;
		struct ob_memfile m;
		if (ob_memfile_open(&m) == 0) {
			for (size_t i = 0; i < o->ninputs; i++)
				fprintf(m.fp, "%s%s", i ? ", " : "", o->inputs[i]);
			ob_memfile_close(&m, &name, &len);
		}
	} else {
		name = strdup(o->file ? o->file : "-");
	}
	if (!name)               /* the page names the file "-": said, not hidden */
		o->err = ENOMEM;
	n[r->nfiles] = (struct hfile){
		.name = name,
		.frames0 = r->opts->stats ? r->opts->stats->frames : 0,
	};
	r->nfiles++;
}

static void out_html_input_end(struct ns_out *o)
{
	struct html_report *r = o->priv;
	if (!r || !r->nfiles)
		return;
	struct hfile *f = &r->files[r->nfiles - 1];
	if (r->opts->stats)
		f->frames = r->opts->stats->frames - f->frames0;
	ts_rec_clear(&r->rec);   /* connections the engine never handed over */
}

static void endpoint(FILE *fp, const struct ns_an_dir *d)
{
	char a[NS_ADDR_STRLEN];
	ns_addr_format(&d->addr, a);
	fprintf(fp, d->addr.family == 6 ? "[%s]:%u" : "%s:%u", a, d->port);
}

static char *verdict_text(const struct ns_an_conn *c)
{
	struct outbuf ob;
	if (ob_init(&ob, -1, 1024) < 0)
		return NULL;
	ns_an_verdict_ob(&ob, c);
	ob_putc(&ob, '\0');
	char *s = strdup(ob.buf);
	ob_free(&ob);
	return s;
}

/* A file's name; "-" when there was no memory for it (the run says so). */
static const char *hfile_name(const struct hfile *f)
{
	return f->name ? f->name : "-";
}

static const char *file_of(const struct html_report *r)
{
	return r->nfiles ? hfile_name(&r->files[r->nfiles - 1]) : "-";
}

static double avg_rtt_ms(const struct ns_an_conn *c)
{
	uint64_t n = c->init.rtt_n + c->resp.rtt_n;
	return n ? (double)(c->init.rtt_sum_ns + c->resp.rtt_sum_ns) / 1e6 / (double)n : -1;
}

/* The connection's Community ID (the same as -o json's communityId), the
 * key that joins it to Zeek, Suricata or a SIEM. */
static void cid_cell(FILE *m, const struct ns_an_conn *c, uint16_t seed)
{
	char cid[NS_CID_STRLEN];
	if (an_community_id(c, seed, cid) == 0)
		fprintf(m, "<td class=\"cid\">%s</td>", cid);
	else
		fputs("<td class=\"cid\">-</td>", m);
}

/* The cells of a table row after the stream cell. */
static void row_cells(FILE *m, const struct ns_an_conn *c, bool problem, uint16_t seed)
{
	const struct ns_an_dir *i = &c->init, *s = &c->resp;
	fputs("<td>", m);
	endpoint(m, i);
	fputs("</td><td>", m);
	endpoint(m, s);
	fprintf(m, "</td><td>%s</td><td>%s</td><td>%s</td>", ns_an_conn_state(c),
		c->history[0] ? c->history : "-", ns_an_close_name(c->close));
	fprintf(m, "<td>%.6f</td><td>%.6f</td>", rel_s(c, c->first_ts_ns),
		(double)(c->last_ts_ns - c->first_ts_ns) / 1e9);
	fprintf(m, "<td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64
		"</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td>",
		i->packets + s->packets, i->payload_bytes + s->payload_bytes,
		retrans_count(i) + retrans_count(s),
		ns_an_finding(i, NS_FIND_DUP_ACK)->count + ns_an_finding(s, NS_FIND_DUP_ACK)->count,
		ns_an_finding(i, NS_FIND_OOO)->count + ns_an_finding(s, NS_FIND_OOO)->count,
		ns_an_finding(i, NS_FIND_ZERO_WINDOW)->count + ns_an_finding(s, NS_FIND_ZERO_WINDOW)->count);
	double rtt = avg_rtt_ms(c);
	if (rtt >= 0)
		fprintf(m, "<td>%.3f</td>", rtt);
	else
		fputs("<td data-v=\"-1\">-</td>", m);
	fprintf(m, "<td>%s</td>", problem ? "<b class=\"bad\">yes</b>" : "-");
	cid_cell(m, c, seed);
}

static void conn_head(FILE *m, const struct ns_an_conn *c, bool problem)
{
	fprintf(m, "Stream %" PRIu64 ": ", c->stream);
	endpoint(m, &c->init);
	fputs(" &rarr; ", m);
	endpoint(m, &c->resp);
	fprintf(m, " <span class=\"st\">[%s %s]</span>%s", ns_an_conn_state(c),
		c->history[0] ? c->history : "-", problem ? " <b class=\"bad\">PROBLEMS</b>" : "");
}

static char *graph_section(const struct html_report *r, const struct ns_an_conn *c,
			   const struct ts_conn *t, bool problem, size_t *len)
{
	char *buf = NULL;
	struct ob_memfile mf;
	if (ob_memfile_open(&mf) < 0)
		return NULL;
	FILE *m = mf.fp;
	unsigned fi = r->nfiles ? r->nfiles - 1 : 0;
	fprintf(m, "<section class=\"conn\" id=\"c%u-%" PRIu64 "\"><h3>", fi, c->stream);
	conn_head(m, c, problem);
	if (r->nfiles > 1) {
		fputs(" <span class=\"st\">", m);
		html_esc(m, file_of(r));
		fputs("</span>", m);
	}
	fputs("</h3><p class=\"verdict\">", m);
	char *v = verdict_text(c);
	bool ok = v != NULL;
	html_esc(m, v ? v : "");
	free(v);
	fprintf(m, "</p><p class=\"facts\">frames %" PRIu64 "-%" PRIu64 ", %.6f s to %.6f s; "
		"%s sent %" PRIu64 " packets, %" PRIu64 " payload bytes; %s sent %" PRIu64
		" packets, %" PRIu64 " payload bytes</p>",
		c->first_frame, c->last_frame, rel_s(c, c->first_ts_ns), rel_s(c, c->last_ts_ns),
		who(c, 0), c->init.packets, c->init.payload_bytes,
		who(c, 1), c->resp.packets, c->resp.payload_bytes);
	ok = html_tseq_svg(m, c, t, false) && ok;
	fputs("<div class=\"small\">", m);
	ok = html_small_svgs(m, c, t) && ok;
	fputs("</div></section>\n", m);
	if (!ob_memfile_close(&mf, &buf, len) || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void count_state(struct html_report *r, const char *st)
{
	for (unsigned i = 0; i < r->nstates; i++)
		if (strcmp(r->states[i].name, st) == 0) {
			r->states[i].n++;
			return;
		}
	if (r->nstates < sizeof(r->states) / sizeof(r->states[0])) {
		snprintf(r->states[r->nstates].name, sizeof(r->states[0].name), "%s", st);
		r->states[r->nstates++].n = 1;
	}
}

static void plot_conn(struct ns_out *o, struct html_report *r, const struct ns_an_conn *c,
		      const struct ts_conn *t)
{
	if (c->stream != r->opts->plot_stream || r->opts->plot_found || r->nfiles != 1)
		return;
	char *buf = NULL;
	size_t len = 0;
	struct ob_memfile m;
	if (ob_memfile_open(&m) < 0) {
		o->err = ENOMEM;
		return;
	}
	bool drawn = html_tseq_svg(m.fp, c, t, true);
	if (ob_memfile_close(&m, &buf, &len) && drawn)
		ob_mem(o->ob, buf, len);
	else
		o->err = ENOMEM;
	free(buf);
	r->opts->plot_found = true;
}

/* Keep c's graph among the `top` largest non-problem connections? */
static void top_conn(struct ns_out *o, struct html_report *r, const struct ns_an_conn *c,
		     const struct ts_conn *t)
{
	uint64_t bytes = c->init.payload_bytes + c->resp.payload_bytes;
	struct hvec *v = &r->tgraphs;
	size_t slot = v->n;
	if (!r->opts->top)
		return;
	if (v->n >= r->opts->top) {
		slot = 0;
		for (size_t i = 1; i < v->n; i++)
			if (v->v[i].bytes < v->v[slot].bytes)
				slot = i;
		if (bytes <= v->v[slot].bytes)
			return;
	}
	struct hitem it = { .file = r->nfiles ? r->nfiles - 1 : 0, .stream = c->stream, .bytes = bytes };
	it.html = graph_section(r, c, t, false, &it.len);
	if (!it.html) {
		o->err = ENOMEM;
		return;
	}
	if (slot < v->n) {
		free(v->v[slot].html);
		v->v[slot] = it;
	} else {
		hvec_push(o, v, it);
	}
}

static void out_html_conn(struct ns_out *o, const struct ns_an_conn *c)
{
	struct html_report *r = o->priv;
	if (!r)
		return;
	struct ts_conn *t = ts_rec_take(&r->rec, c->stream);
	if (r->opts->plot) {
		plot_conn(o, r, c, t);
		ts_conn_free(t);
		return;
	}
	bool problem = ns_an_has_problems(c);
	unsigned fi = r->nfiles ? r->nfiles - 1 : 0;
	r->nconns++;
	if (r->nfiles)
		r->files[fi].conns++;
	count_state(r, ns_an_conn_state(c));
	if (r->rows.n < HTML_MAX_ROWS) {
		struct hitem it = { .file = fi, .stream = c->stream };
		struct ob_memfile m;
		bool made = ob_memfile_open(&m) == 0;
		if (made)
			row_cells(m.fp, c, problem, o->cid_seed);
		if (made && ob_memfile_close(&m, &it.html, &it.len)) {
			hvec_push(o, &r->rows, it);
		} else {
			free(it.html);
			o->err = ENOMEM;
		}
	} else {
		r->rows_cut++;
	}
	if (problem) {
		r->nproblems++;
		if (r->verdicts.n < HTML_MAX_VERDICTS) {
			struct hitem it = { .file = fi, .stream = c->stream };
			struct ob_memfile mf;
			bool made = ob_memfile_open(&mf) == 0;
			char *v = verdict_text(c);
			if (made) {
				FILE *m = mf.fp;
				fprintf(m, "<li id=\"v%u-%" PRIu64 "\"><span class=\"ch\">", fi, c->stream);
				conn_head(m, c, false);
				if (r->nfiles > 1) {
					fputs(" <span class=\"st\">", m);
					html_esc(m, file_of(r));
					fputs("</span>", m);
				}
				fputs("</span><br>", m);
				html_esc(m, v ? v : "");   /* </li> when the page is written */
			}
			if (made && ob_memfile_close(&mf, &it.html, &it.len) && v) {
				hvec_push(o, &r->verdicts, it);
			} else {
				free(it.html);
				o->err = ENOMEM;
			}
			free(v);
		} else {
			r->verdicts_cut++;
		}
		if (r->pgraphs.n < HTML_MAX_PROBLEM_GRAPHS) {
			struct hitem it = { .file = fi, .stream = c->stream };
			it.html = graph_section(r, c, t, true, &it.len);
			if (it.html)
				hvec_push(o, &r->pgraphs, it);
			else
				o->err = ENOMEM;
		} else {
			r->pgraphs_cut++;
		}
	} else {
		top_conn(o, r, c, t);
	}
	ts_conn_free(t);
}

/* ---------------------------------------------------------------- the page */

static int cmp_item(const void *x, const void *y)
{
	const struct hitem *a = x, *b = y;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return a->stream < b->stream ? -1 : a->stream > b->stream;
}

static int cmp_bytes(const void *x, const void *y)
{
	const struct hitem *a = x, *b = y;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return cmp_item(x, y);
}

/* qsort and bsearch want a real array even for 0 items */
static void sort_items(struct hvec *v, int (*cmp)(const void *, const void *))
{
	if (v->n)
		qsort(v->v, v->n, sizeof(*v->v), cmp);
}

static bool graphed(const struct html_report *r, unsigned file, uint64_t stream)
{
	struct hitem key = { .file = file, .stream = stream };
	if (r->pgraphs.n && bsearch(&key, r->pgraphs.v, r->pgraphs.n, sizeof(key), cmp_item))
		return true;
	for (size_t i = 0; i < r->tgraphs.n; i++)
		if (r->tgraphs.v[i].file == file && r->tgraphs.v[i].stream == stream)
			return true;
	return false;
}

static const char page_css[] =
	"body{font:14px/1.4 sans-serif;margin:1.5em;color:#222;max-width:1200px}"
	"h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}h3{font-size:1.05em}"
	"table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}"
	"table.kv th{font-weight:normal;color:#555}"
	"#conns th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}"
	"#conns td{font-family:monospace;font-size:12px;white-space:nowrap}"
	".bad{color:#c00000}.st{color:#555;font-weight:normal}"
	"ol.verdicts li{margin-bottom:.6em}.ch{font-weight:bold}"
	"p.verdict{background:#fff4f4;border-left:4px solid #c00000;padding:.4em .8em}"
	"p.facts{color:#555}section.conn{margin-bottom:2em;break-inside:avoid}"
	".small{display:flex;flex-wrap:wrap;gap:6px}"
	"nav a{margin-right:1em}.note{color:#555;font-style:italic}"
	"@media print{nav{display:none}#conns th{position:static}}";

static const char page_js[] =
	"document.querySelectorAll('table.sortable th').forEach(function(th,i){"
	"th.addEventListener('click',function(){var tb=th.closest('table').tBodies[0],"
	"rows=Array.prototype.slice.call(tb.rows),asc=th.dataset.dir!=='asc';"
	"th.dataset.dir=asc?'asc':'desc';rows.sort(function(a,b){"
	"var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent,"
	"nx=Number(x),ny=Number(y),d=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);"
	"return asc?d:-d;});rows.forEach(function(r){tb.appendChild(r);});});});";

/* Zeek's conn_state meanings (base/protocols/conn/main.zeek). */
static const char *state_meaning(const char *s)
{
	static const struct { const char *s, *m; } t[] = {
		{ "S0", "connection attempt seen, no reply" },
		{ "S1", "established, not terminated" },
		{ "SF", "normal establishment and termination" },
		{ "REJ", "connection attempt rejected" },
		{ "S2", "established, close attempt by originator seen (no reply)" },
		{ "S3", "established, close attempt by responder seen (no reply)" },
		{ "RSTO", "established, originator aborted (RST)" },
		{ "RSTR", "responder sent a RST" },
		{ "RSTOS0", "originator sent a SYN then a RST, no SYN+ACK" },
		{ "RSTRH", "responder sent a SYN+ACK then a RST, no SYN seen" },
		{ "SH", "originator sent a SYN then a FIN, no SYN+ACK" },
		{ "SHR", "responder sent a SYN+ACK then a FIN, no SYN seen" },
		{ "OTH", "no SYN seen, midstream traffic" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].s, s) == 0)
			return t[i].m;
	return "";
}

static void utc(FILE *m, uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000u);
	struct tm tm;
	char b[40];
	if (!gmtime_r(&s, &tm) || !strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm)) {
		fputs("?", m);
		return;
	}
	fprintf(m, "%s.%06" PRIu64 " UTC", b, ns % 1000000000u / 1000u);
}

static const char *link_name(unsigned t)
{
	switch (t) {
	case NS_LINK_NONE: return "IP (live)";
	case NS_LINK_ETHERNET: return "Ethernet";
	case NS_LINK_RAW: return "raw IP";
	case NS_LINK_IPV4: return "IPv4";
	case NS_LINK_IPV6: return "IPv6";
	case NS_LINK_NULL: return "BSD loopback";
	case NS_LINK_LOOP: return "OpenBSD loopback";
	case NS_LINK_SLL: return "Linux cooked (SLL)";
	case NS_LINK_SLL2: return "Linux cooked v2 (SLL2)";
	case NS_LINK_PPP: return "PPP";
	case NS_LINK_IEEE80211: return "802.11";
	case NS_LINK_RADIOTAP: return "802.11 radiotap";
	case NS_LINK_NFLOG: return "NFLOG";
	default: return NULL;
	}
}

static void capture_facts(FILE *m, const struct html_report *r)
{
	const struct ns_stats *st = r->opts->stats;
	fputs("<section id=\"capture\"><h2>Capture</h2><table class=\"kv\">", m);
	fputs("<tr><th>files</th><td>", m);
	for (unsigned i = 0; i < r->nfiles; i++) {
		if (i)
			fputs("<br>", m);
		html_esc(m, hfile_name(&r->files[i]));
		fprintf(m, " (%" PRIu64 " frames, %" PRIu64 " TCP connections)", r->files[i].frames,
			r->files[i].conns);
	}
	fputs("</td></tr>", m);
	if (r->have_ts) {
		fputs("<tr><th>first packet</th><td>", m);
		utc(m, r->first_ts);
		fputs("</td></tr><tr><th>last packet</th><td>", m);
		utc(m, r->last_ts);
		fprintf(m, "</td></tr><tr><th>time span</th><td>%.6f s</td></tr>",
			(double)(r->last_ts - r->first_ts) / 1e9);
	}
	if (st)
		fprintf(m, "<tr><th>frames read</th><td>%" PRIu64 "</td></tr>", st->frames);
	fprintf(m, "<tr><th>IP packets</th><td>%" PRIu64 " (%" PRIu64 " bytes on the wire)</td></tr>"
		"<tr><th>TCP packets analysed</th><td>%" PRIu64 "</td></tr>",
		r->ip_pkts, r->bytes, r->tcp_pkts);
	fputs("<tr><th>link types</th><td>", m);
	bool any = false;
	for (unsigned i = 0; i < NLINK; i++) {
		if (!r->link[i])
			continue;
		const char *n = link_name(i);
		if (n)
			fprintf(m, "%s%s: %" PRIu64, any ? ", " : "", n, r->link[i]);
		else
			fprintf(m, "%slink type %u: %" PRIu64, any ? ", " : "", i, r->link[i]);
		any = true;
	}
	fputs(any ? "</td></tr>" : "-</td></tr>", m);
	if (st) {
		fprintf(m, "<tr><th>not decoded</th><td>%" PRIu64 " not IP (ARP, STP, ...), %" PRIu64
			" undecodable (broken link or IP header), %" PRIu64 " decoded with anomaly flags",
			st->not_ip, st->undecodable, st->flagged);
		uint64_t drops = ns_reasm_drops(&st->reasm);
		if (drops)
			fprintf(m, ", %" PRIu64 " fragmented datagrams not reassembled", drops);
		fputs("</td></tr>", m);
		if (st->filtered)
			fprintf(m, "<tr><th>filtered out (-f)</th><td>%" PRIu64 "</td></tr>", st->filtered);
	}
	fprintf(m, "<tr><th>TCP connections</th><td>%" PRIu64 ", %" PRIu64 " with problems</td></tr>",
		r->nconns, r->nproblems);
	fputs("</table></section>\n", m);
}

static void states_table(FILE *m, const struct html_report *r)
{
	fputs("<section id=\"states\"><h2>Connection states</h2><table class=\"kv\">"
	      "<tr><th>conn_state</th><th>connections</th><th>meaning (Zeek)</th></tr>", m);
	for (unsigned i = 0; i < r->nstates; i++)
		fprintf(m, "<tr><td>%s</td><td>%" PRIu64 "</td><td>%s</td></tr>", r->states[i].name,
			r->states[i].n, state_meaning(r->states[i].name));
	fputs("</table></section>\n", m);
}

static void write_page(FILE *m, struct html_report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<title>netsift TCP report: ", m);
	for (unsigned i = 0; i < r->nfiles; i++) {
		if (i)
			fputs(", ", m);
		html_esc(m, hfile_name(&r->files[i]));
	}
	fprintf(m, "</title><style>%s%s</style></head><body>\n", page_css, html_graph_css);
	fputs("<h1>netsift TCP analysis report</h1><nav><a href=\"#capture\">capture</a>"
	      "<a href=\"#states\">states</a><a href=\"#problems\">problems</a>"
	      "<a href=\"#graphs\">graphs</a><a href=\"#all\">all connections</a></nav>\n", m);
	capture_facts(m, r);
	states_table(m, r);

	fprintf(m, "<section id=\"problems\"><h2>Problem connections (%" PRIu64 ")</h2>", r->nproblems);
	if (!r->nproblems)
		fputs("<p>No problems found.</p>", m);
	else
		fputs("<ol class=\"verdicts\">", m);
	for (size_t i = 0; i < r->verdicts.n; i++) {
		const struct hitem *it = &r->verdicts.v[i];
		fwrite(it->html, 1, it->len, m);
		if (graphed(r, it->file, it->stream))
			fprintf(m, " <a href=\"#c%u-%" PRIu64 "\">graph</a>", it->file, it->stream);
		fputs("</li>\n", m);
	}
	if (r->nproblems)
		fputs("</ol>", m);
	if (r->verdicts_cut)
		fprintf(m, "<p class=\"note\">%" PRIu64 " more problem connections are not listed here "
			"(at most %d): see the table below or -o json.</p>", r->verdicts_cut,
			HTML_MAX_VERDICTS);
	fputs("</section>\n", m);

	fprintf(m, "<section id=\"graphs\"><h2>Graphs (%zu connections)</h2><p class=\"note\">"
		"Every problem connection (up to %d) and the %u largest others by payload bytes. "
		"Hover a mark for its frame number. Times are seconds since the capture's first "
		"packet, as in the verdicts.</p>\n",
		r->pgraphs.n + r->tgraphs.n, HTML_MAX_PROBLEM_GRAPHS, r->opts->top);
	for (size_t i = 0; i < r->pgraphs.n; i++)
		fwrite(r->pgraphs.v[i].html, 1, r->pgraphs.v[i].len, m);
	if (r->pgraphs_cut)
		fprintf(m, "<p class=\"note\">%" PRIu64 " more problem connections are not drawn "
			"(at most %d graphs): use netsift analyze --plot STREAM.</p>",
			r->pgraphs_cut, HTML_MAX_PROBLEM_GRAPHS);
	for (size_t i = 0; i < r->tgraphs.n; i++)
		fwrite(r->tgraphs.v[i].html, 1, r->tgraphs.v[i].len, m);
	fputs("</section>\n", m);

	fputs("<section id=\"all\"><h2>All connections</h2><p class=\"note\">Click a column to sort."
	      "</p><table id=\"conns\" class=\"sortable\"><thead><tr>", m);
	if (r->nfiles > 1)
		fputs("<th>file</th>", m);
	fputs("<th>stream</th><th>initiator</th><th>responder</th><th>state</th><th>history</th>"
	      "<th>close</th><th>start s</th><th>duration s</th><th>packets</th><th>payload</th>"
	      "<th>retrans</th><th>dupack</th><th>ooo</th><th>zero win</th><th>RTT ms</th>"
	      "<th>problems</th><th>Community ID</th></tr></thead><tbody>\n", m);
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct hitem *it = &r->rows.v[i];
		fputs("<tr>", m);
		if (r->nfiles > 1) {
			fputs("<td>", m);
			html_esc(m, hfile_name(&r->files[it->file]));
			fputs("</td>", m);
		}
		if (graphed(r, it->file, it->stream))
			fprintf(m, "<td><a href=\"#c%u-%" PRIu64 "\">%" PRIu64 "</a></td>", it->file,
				it->stream, it->stream);
		else
			fprintf(m, "<td>%" PRIu64 "</td>", it->stream);
		fwrite(it->html, 1, it->len, m);
		fputs("</tr>\n", m);
	}
	fputs("</tbody></table>", m);
	if (r->rows_cut)
		fprintf(m, "<p class=\"note\">%" PRIu64 " more connections are not in the table (at "
			"most %d rows): see -o json.</p>", r->rows_cut, HTML_MAX_ROWS);
	fprintf(m, "</section>\n<footer class=\"note\">Written by netsift %s.</footer>\n"
		"<script>%s</script></body></html>\n", PACKAGE_VERSION, page_js);
}

/* The page goes through stdio (its writers take a FILE) straight into the
 * output buffer (ob_stdio_write): no copy of the whole page in memory first
 * (a memory stream grown by doubling to the page's size cost a tenth of a
 * --report run over a capture of 12,000 connections, in copies and page
 * faults). */
static void out_html_close(struct ns_out *o)
{
	struct html_report *r = o->priv;
	if (!r)
		return;
	/* a graph drawn from a record cut short for want of memory says
	 * "record truncated"; the run says why */
	if (r->rec.nomem)
		o->err = ENOMEM;
	if (!r->opts->plot) {
		sort_items(&r->rows, cmp_item);
		sort_items(&r->verdicts, cmp_item);
		sort_items(&r->pgraphs, cmp_item);
		sort_items(&r->tgraphs, cmp_bytes);
		FILE *m = fopencookie(o->ob, "w", (cookie_io_functions_t){ .write = ob_stdio_write });
		if (m) {
			setvbuf(m, NULL, _IOFBF, 64 << 10);
			write_page(m, r);
			fclose(m);       /* a write error is the output's (o->ob->err) */
		} else {
			o->err = ENOMEM;
		}
	}
	hvec_free(&r->rows);
	hvec_free(&r->verdicts);
	hvec_free(&r->pgraphs);
	hvec_free(&r->tgraphs);
	for (unsigned i = 0; i < r->nfiles; i++)
		free(r->files[i].name);
	free(r->files);
	ts_rec_free(&r->rec);
	free(r);
	o->priv = NULL;
}

const struct ns_output ns_output_html = {
	.name = "html",
	.open = open_format,
	.close = out_html_close,
	.input_begin = out_html_input_begin,
	.conn = out_html_conn,
	.input_end = out_html_input_end,
	.an_packet = out_html_an_packet,
};
