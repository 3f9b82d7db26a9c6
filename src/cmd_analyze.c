/* netsift analyze: TCP conversation analysis of capture files.
 *
 * Packets take the same path as for `netsift read` (reader -> pipeline: filter,
 * dissect) with event output off; a pipeline consumer feeds the analysis
 * engine. Finished connections are rendered at once (the engine frees them),
 * and each file's report is written in stream order when the file ends.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "commands.h"
#include "output/json.h"
#include "output/table.h"
#include "outbuf.h"
#include "pipeline.h"
#include "reader.h"

enum an_fmt { AN_TEXT = 0, AN_JSON = 1 };
enum { OPT_ACKS = 256 };

struct rendered {            /* one finished connection, ready to print */
	uint64_t stream;
	bool problems;
	char *block;             /* text block or JSON line */
	size_t block_len;
	char *row;               /* summary table row (text only) */
	size_t row_len;
	bool spilled;            /* JSON waiting in the spill file, at spill_off */
	uint64_t spill_off;
};

struct an_run {
	enum an_fmt fmt;
	const char *file;        /* name shown in the JSON "file" key */
	bool many_files;
	bool no_input;       /* this file gave no frame at all (could not be opened/read) */
	struct ns_an *an;
	/* text: every connection of the file (problems go first, so the report
	 * waits for the end of the file); JSON: a min-heap on stream of the
	 * connections that finished before an earlier one */
	struct rendered *items;
	size_t n, cap;
	bool oom;
	/* JSON is written as soon as it is in stream order, so memory stays
	 * bounded by the connections in flight, not by the capture */
	struct outbuf *ob;       /* the output */
	struct outbuf scratch;   /* memory mode: renders an out-of-order object */
	uint64_t next_emit;      /* next stream number to write */
	/* A connection open from early on holds back every later one: past
	 * SPILL_AT bytes in memory, waiting objects go to an unlinked temporary
	 * file, so memory stays bounded however long the capture */
	size_t held;             /* bytes of waiting objects in memory */
	FILE *spill;             /* NULL until needed */
	uint64_t spill_end;
};

#define SPILL_AT (1u << 20)

void cmd_analyze_usage(FILE *fp)
{
	fprintf(fp,
		"Usage: netsift analyze [OPTIONS] FILE...\n"
		"\n"
		"Read pcap or pcapng files and report, for every TCP connection, what an expert\n"
		"reading the trace would find: handshake and initial RTT, how it closed (and who\n"
		"reset it after which seq/ack), retransmissions with every transmission and their\n"
		"back-off, duplicate ACKs, out-of-order and lost segments, zero windows and\n"
		"probes, keep-alives, RTT per direction, Zeek's conn_state and history.\n"
		"Counts follow Wireshark's tcp.analysis.* definitions.\n"
		"\n"
		"Options:\n"
		"  -o, --output FORMAT  text (default) or json (one object per connection per line)\n"
		"  -f, --filter EXPR    libpcap filter expression (as for tcpdump)\n"
		"      --acks           list every advancing ACK per connection: the data frames\n"
		"                       it covers, bytes, and its RTT (none for retransmitted\n"
		"                       segments: Karn's rule). Memory grows with the length of\n"
		"                       each connection (about 72 bytes per advancing ACK)\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success (also when problems were found), 1 an input could not\n"
		"be read completely or output failed, 2 usage error.\n");
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "netsift analyze: %s%s (try 'netsift analyze --help')\n", what, arg);
	return NS_EXIT_USAGE;
}

static int items_room(struct an_run *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct rendered *n = realloc(r->items, cap * sizeof(*n));
		if (!n) {
			r->oom = true;
			return -1;
		}
		r->items = n;
		r->cap = cap;
	}
	return 0;
}

/* ---- the JSON reorder heap (items[0] has the lowest stream) ---- */

static void heap_swap(struct rendered *a, struct rendered *b)
{
	struct rendered t = *a;
	*a = *b;
	*b = t;
}

static void heap_push(struct an_run *r, struct rendered it)
{
	size_t i = r->n++;
	r->items[i] = it;
	while (i && r->items[(i - 1) / 2].stream > r->items[i].stream) {
		heap_swap(&r->items[(i - 1) / 2], &r->items[i]);
		i = (i - 1) / 2;
	}
}

static struct rendered heap_pop(struct an_run *r)
{
	struct rendered top = r->items[0];
	size_t i = 0;
	r->items[0] = r->items[--r->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < r->n && r->items[l].stream < r->items[m].stream)
			m = l;
		if (l + 1 < r->n && r->items[l + 1].stream < r->items[m].stream)
			m = l + 1;
		if (m == i)
			break;
		heap_swap(&r->items[i], &r->items[m]);
		i = m;
	}
	return top;
}

/* Write the waiting objects that are next in stream order; with all, every
 * one left (end of file: a stream lost to out-of-memory must not block). */
/* Copy a spilled object to the output. */
static void unspill(struct an_run *r, const struct rendered *it)
{
	char buf[16384];
	uint64_t off = it->spill_off;
	size_t left = it->block_len;

	while (left) {
		size_t k = left < sizeof(buf) ? left : sizeof(buf);
		ssize_t got = pread(fileno(r->spill), buf, k, (off_t)off);
		if (got <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			r->oom = true;   /* reported as a failure of the run */
			return;
		}
		ob_mem(r->ob, buf, (size_t)got);
		off += (uint64_t)got;
		left -= (size_t)got;
	}
}

/* Park an object outside memory; false when that is not possible. */
static bool spill(struct an_run *r, struct rendered *it, const char *data, size_t len)
{
	if (!r->spill && !(r->spill = tmpfile()))
		return false;
	for (size_t done = 0; done < len;) {
		ssize_t k = pwrite(fileno(r->spill), data + done, len - done,
				   (off_t)(r->spill_end + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	it->spilled = true;
	it->spill_off = r->spill_end;
	it->block_len = len;
	r->spill_end += len;
	return true;
}

static void json_drain(struct an_run *r, bool all)
{
	while (r->n && (all || r->items[0].stream <= r->next_emit)) {
		struct rendered it = heap_pop(r);
		if (it.spilled) {
			unspill(r, &it);
		} else {
			ob_mem(r->ob, it.block, it.block_len);
			free(it.block);
			r->held -= it.block_len;
		}
		r->next_emit = it.stream + 1;
	}
	if (!r->n && r->spill) {          /* nothing waits: start the file over */
		r->spill_end = 0;
		if (ftruncate(fileno(r->spill), 0) != 0)
			r->spill_end = 0;   /* harmless: offsets simply restart */
	}
}

static void json_conn(struct an_run *r, const struct ns_an_conn *c)
{
	if (c->stream == r->next_emit) {
		/* the common case: straight into the output, no copy */
		ns_an_json_ob(r->ob, c, r->file);
		r->next_emit++;
		json_drain(r, false);
		return;
	}
	if (items_room(r) < 0)
		return;
	r->scratch.len = 0;
	ns_an_json_ob(&r->scratch, c, r->file);
	struct rendered it = { .stream = c->stream, .block_len = r->scratch.len };
	if (r->held + it.block_len > SPILL_AT &&
	    spill(r, &it, r->scratch.buf, r->scratch.len)) {
		heap_push(r, it);
		return;
	}
	it.block = malloc(it.block_len);
	if (!it.block) {
		r->oom = true;
		return;
	}
	memcpy(it.block, r->scratch.buf, it.block_len);
	r->held += it.block_len;
	heap_push(r, it);
}

/* Render a finished connection now: the engine frees it after this returns. */
static void on_conn(const struct ns_an_conn *c, void *user)
{
	struct an_run *r = user;
	struct rendered it = { .stream = c->stream };
	FILE *m;

	if (r->fmt == AN_JSON) {
		json_conn(r, c);
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct rendered *n = realloc(r->items, cap * sizeof(*n));
		if (!n) {
			r->oom = true;
			return;
		}
		r->items = n;
		r->cap = cap;
	}
	m = open_memstream(&it.block, &it.block_len);
	if (!m) {
		r->oom = true;
		return;
	}
	ns_an_write_text(m, c);
	fclose(m);
	m = open_memstream(&it.row, &it.row_len);
	if (m) {
		ns_an_write_summary_row(m, c);
		fclose(m);
	}
	it.problems = ns_an_has_problems(c);   /* such blocks go first in text */
	r->items[r->n++] = it;
}

static int cmp_stream(const void *x, const void *y)
{
	const struct rendered *a = x, *b = y;
	return a->stream < b->stream ? -1 : a->stream > b->stream;
}

static void write_text(struct an_run *r, struct outbuf *ob)
{
	if (r->no_input)     /* its error line says it all: no empty report */
		return;
	if (r->many_files) {
		OB_LIT(ob, "== ");
		ob_str(ob, r->file);
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
	FILE *m = open_memstream(&hdr, &hlen);
	if (m) {
		ns_an_write_summary_header(m);
		fclose(m);
		ob_mem(ob, hdr, hlen);
		free(hdr);
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].row)
			ob_mem(ob, r->items[i].row, r->items[i].row_len);
	ob_putc(ob, '\n');
}

/* ---- pipeline consumer ---- */

static void an_packet(void *arg, struct pipeline *p, const struct ns_packet *pkt)
{
	struct an_run *r = arg;
	(void)p;
	ns_an_packet(r->an, pkt, NULL);
}

/* End of one file: its connections end with it (frame numbers restart). */
static void an_end_source(void *arg, struct pipeline *p)
{
	struct an_run *r = arg;

	ns_an_finish(r->an);
	if (r->fmt == AN_JSON) {
		json_drain(r, true);
	} else {
		if (r->n)
			qsort(r->items, r->n, sizeof(*r->items), cmp_stream);
		write_text(r, p->ob);
	}
	ob_flush(p->ob);
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].block);
		free(r->items[i].row);
	}
	r->n = 0;
}

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "filter", required_argument, NULL, 'f' },
	{ "help",   no_argument,       NULL, 'h' },
	{ "acks",   no_argument,       NULL, OPT_ACKS },
	{ NULL, 0, NULL, 0 },
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int cmd_analyze(int argc, char **argv)
{
	static struct pipeline p;   /* holds a struct ns_packet: not on the stack */
	struct an_run run = { .fmt = AN_TEXT };
	struct outbuf ob;
	char err[1024];
	bool failed = false;
	const char *filter = NULL;
	bool acks = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strcmp(optarg, "text") == 0)
				run.fmt = AN_TEXT;
			else if (strcmp(optarg, "json") == 0)
				run.fmt = AN_JSON;
			else
				return usage_error("unknown output format (text or json): ", optarg);
			break;
		case 'f':
			filter = optarg;
			break;
		case OPT_ACKS:
			acks = true;
			break;
		case 'h':
			cmd_analyze_usage(stdout);
			return NS_EXIT_OK;
		default:
			fprintf(stderr, "(try 'netsift analyze --help')\n");
			return NS_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("no input file", " (use - for standard input)");
	if (ob_init(&ob, STDOUT_FILENO, OB_DEFAULT_CAP) < 0) {
		fprintf(stderr, "netsift: out of memory\n");
		return NS_EXIT_ERROR;
	}
	if (ob_init(&run.scratch, -1, 4096) < 0) {
		fprintf(stderr, "netsift: out of memory\n");
		ob_free(&ob);
		return NS_EXIT_ERROR;
	}
	run.ob = &ob;
	pipeline_init(&p, &ob);
	p.emit = false;              /* no packet events: the report is the output */
	p.filter = filter;
	if (pipeline_check_filter(&p) < 0) {
		fprintf(stderr, "netsift: %s\n", p.err);
		ob_free(&ob);
		ob_free(&run.scratch);
		return NS_EXIT_USAGE;
	}
	struct ns_consumer cons = {
		.name = "analyze", .arg = &run,
		.packet = an_packet, .end_source = an_end_source,
	};
	pipeline_add_consumer(&p, &cons);
	run.many_files = argc - optind > 1;

	for (int i = optind; i < argc && !ob.err; i++) {
		run.file = strcmp(argv[i], "-") == 0 ? "-" : base_name(argv[i]);
		run.next_emit = 0;   /* stream numbers restart with each file */
		run.an = ns_an_new(on_conn, &run);
		if (!run.an) {
			fprintf(stderr, "netsift: out of memory\n");
			failed = true;
			break;
		}
		ns_an_set_ack_log(run.an, acks);
		uint64_t frames_before = p.st.frames;
		run.no_input = false;
		if (read_capture(&p, argv[i], err, sizeof(err)) < 0) {
			ob_flush(&ob);
			fprintf(stderr, "netsift: %s\n", err);
			failed = true;
			run.no_input = p.st.frames == frames_before;
		}
		pipeline_end_source(&p);
		ns_an_free(run.an);
		run.an = NULL;
		if (run.oom) {
			fprintf(stderr, "netsift: out of memory\n");
			failed = true;
			break;
		}
	}
	pipeline_finish(&p);
	/* fragments that made no datagram are not in the report: say so */
	if (!failed && !ob.err && ns_reasm_drops(&p.st.reasm))
		ns_reasm_print_stats(stderr, &p.st.reasm);
	free(run.items);
	ob_free(&run.scratch);
	if (run.spill)
		fclose(run.spill);
	if (ob.err && ob.err != EPIPE) {
		fprintf(stderr, "netsift: write error: %s\n", strerror(ob.err));
		failed = true;
	}
	ob_free(&ob);
	return failed ? NS_EXIT_ERROR : NS_EXIT_OK;
}

/* ---- netsift read --analysis ----
 * One event per flagged TCP packet, right after the packet's own events:
 * {"eventName":"net_tcp_analysis",...,"args":[
 *   {"name":"stream","type":"u64","value":0},
 *   {"name":"flags","type":"const char**","value":["retransmission"]},
 *   {"name":"relSeq","type":"u32","value":1},{"name":"relAck","type":"u32","value":1},
 *   {"name":"ackedFrames","type":"u64[]","value":[4,5]},
 *   {"name":"ackRttNs","type":"u64","value":null}]}
 * Table: "<frame> TCP-ANALYSIS stream=<n> <flag,...> [acks <frames>] [rtt=<ms>]".
 */
struct an_read {
	struct ns_an *an;
};

static void ar_packet(void *arg, struct pipeline *p, const struct ns_packet *pkt)
{
	struct an_read *ar = arg;
	struct ns_an_pkt o;

	if (!ar->an || !ns_an_packet(ar->an, pkt, &o) || !p->emit)
		return;
	if (p->fmt == OUT_TABLE)
		out_table_tcp_analysis(p->ob, pkt, &o);
	else
		out_json_tcp_analysis(p->ob, pkt, &o);
}

/* Frame numbers restart with each file: so do the connections. */
static void ar_end_source(void *arg, struct pipeline *p)
{
	struct an_read *ar = arg;
	(void)p;
	ns_an_free(ar->an);
	ar->an = ns_an_new(NULL, NULL);
}

static void ar_finish(void *arg, struct pipeline *p)
{
	struct an_read *ar = arg;
	(void)p;
	ns_an_free(ar->an);
	free(ar);
}

int ns_an_read_consumer(struct ns_consumer *out)
{
	struct an_read *ar = calloc(1, sizeof(*ar));
	if (!ar)
		return -1;
	ar->an = ns_an_new(NULL, NULL);
	if (!ar->an) {
		free(ar);
		return -1;
	}
	*out = (struct ns_consumer){
		.name = "analysis", .arg = ar,
		.packet = ar_packet, .end_source = ar_end_source, .finish = ar_finish,
	};
	return 0;
}
