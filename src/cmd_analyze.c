/* netsift analyze: TCP conversation analysis of capture files.
 *
 * Packets take the same path as for `netsift read` (reader -> pipeline: filter,
 * dissect) with event output off; a pipeline consumer feeds the analysis
 * engine. Each finished connection goes at once (the engine frees it) to the
 * output format chosen with -o (src/output/: the text report in
 * table_analysis.c, JSON in json_analysis.c), between the format's
 * input_begin and input_end for the file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "commands.h"
#include "conn/zeekconn.h"
#include "output/output.h"
#include "output/html.h"
#include "outbuf.h"
#include "pipeline.h"
#include "reader/reader.h"

enum { OPT_ACKS = 256, OPT_CID_SEED, OPT_REPORT, OPT_REPORT_TOP, OPT_PLOT, OPT_MAX_CONNS };

struct an_run {
	struct ns_an *an;
	struct ns_out *out;      /* the output format: gets every finished connection */
};

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
		"  -o, --output FORMAT  %s\n"
		"                       (default text; json: one object per connection per\n"
		"                       line; zeek, zeek-json: Zeek's conn.log of TCP, UDP\n"
		"                       and ICMP connections by Zeek's rules, as TSV or JSON\n"
		"                       lines, see netsift-events(7))\n"
		"  -f, --filter EXPR    libpcap filter expression (as for tcpdump)\n"
		"      --acks           list every advancing ACK per connection: the data frames\n"
		"                       it covers, bytes, and its RTT (none for retransmitted\n"
		"                       segments: Karn's rule). Memory grows with the length of\n"
		"                       each connection (about 72 bytes per advancing ACK)\n"
		"      --community-id-seed N  seed of the Community ID (0-65535, default 0)\n"
		"      --report FILE    write the HTML report (-o html) to FILE: overview, verdicts,\n"
		"                       a table of all connections, and graphs (time-sequence,\n"
		"                       throughput, RTT, bytes in flight) of every problem\n"
		"                       connection (at most %d) and the largest others\n"
		"      --report-top N   graphs for the N largest connections without problems,\n"
		"                       by payload bytes (default 10; with --report or -o html)\n"
		"      --plot STREAM    write connection STREAM's time-sequence graph to standard\n"
		"                       output as a standalone SVG file (one input file)\n"
		"      --max-conns N    hold at most N connections at once (default %u, about\n"
		"                       %u MiB; 0 = no limit): at the limit the connection idle\n"
		"                       longest ends early, marked so in its record, and is\n"
		"                       counted on standard error\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success (also when problems were found), 1 an input could not\n"
		"be read completely or output failed, 2 usage error.\n",
		ns_output_names(NS_OUT_REPORT), HTML_MAX_PROBLEM_GRAPHS, NS_AN_DEFAULT_MAX_CONNS,
		(unsigned)((uint64_t)NS_AN_DEFAULT_MAX_CONNS * NS_AN_CONN_BYTES >> 20));
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "netsift analyze: %s%s (try 'netsift analyze --help')\n", what, arg);
	return NS_EXIT_USAGE;
}

/* A finished connection goes to the output format now: the engine frees it
 * after this returns. */
static void on_conn(const struct ns_an_conn *c, void *user)
{
	struct an_run *r = user;

	r->out->fmt->conn(r->out, c);
}

/* ---- pipeline consumer ---- */

static void an_packet(void *arg, struct pipeline *p, const struct ns_packet *pkt)
{
	struct an_run *r = arg;
	(void)p;
	if (r->out->fmt->an_packet) {    /* a format that draws: it sees each packet */
		struct ns_an_pkt a;
		ns_an_packet(r->an, pkt, &a);
		r->out->fmt->an_packet(r->out, pkt, &a);
		return;
	}
	ns_an_packet(r->an, pkt, NULL);
}

/* End of one file: its connections end with it (frame numbers restart). */
static void an_end_source(void *arg, struct pipeline *p)
{
	struct an_run *r = arg;

	ns_an_finish(r->an);
	if (r->out->fmt->input_end)
		r->out->fmt->input_end(r->out);
	ob_flush(p->ob);
}

/* ---- analyze -o zeek / zeek-json: Zeek's connections (src/conn/zeekconn.c) ---- */

struct zk_run {
	struct ns_zk *zk;
	struct ns_out *out;
};

static void zk_emit(const struct ns_zk_conn *c, void *user)
{
	struct zk_run *r = user;

	r->out->fmt->zeek_conn(r->out, c);
}

static void zk_packet(void *arg, struct pipeline *p, const struct ns_packet *pkt)
{
	struct zk_run *r = arg;
	uint64_t t = pkt->ctx ? pkt->ctx->ts_ns : 0;

	if (!r->out->first_ts_ns || t < r->out->first_ts_ns)
		r->out->first_ts_ns = t;
	if (t > r->out->last_ts_ns)
		r->out->last_ts_ns = t;
	(void)p;
	ns_zk_packet(r->zk, pkt);
}

/* End of one file: its connections end with it, as when Zeek terminates. */
static void zk_end_source(void *arg, struct pipeline *p)
{
	struct zk_run *r = arg;

	ns_zk_finish(r->zk);
	ob_flush(p->ob);
}

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "filter", required_argument, NULL, 'f' },
	{ "help",   no_argument,       NULL, 'h' },
	{ "acks",   no_argument,       NULL, OPT_ACKS },
	{ "community-id-seed", required_argument, NULL, OPT_CID_SEED },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "report-top", required_argument, NULL, OPT_REPORT_TOP },
	{ "plot",   required_argument, NULL, OPT_PLOT },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ NULL, 0, NULL, 0 },
};

int cmd_analyze(int argc, char **argv)
{
	static struct pipeline p;   /* holds a struct ns_packet: not on the stack */
	struct an_run run = { .out = &p.out };
	const struct ns_output *fmt = &ns_output_table;   /* "text" */
	struct outbuf ob;
	char err[1024];
	bool failed = false;
	const char *filter = NULL;
	bool acks = false;
	long cid_seed = 0;
	char *endp;
	size_t max_conns = NS_AN_DEFAULT_MAX_CONNS;
	uint64_t evicted = 0;
	int c;
	struct html_opts hopts = { .top = 10 };
	const char *report = NULL;
	bool fmt_set = false, top_set = false;
	int out_fd = STDOUT_FILENO;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			fmt = ns_output_find(optarg, NS_OUT_REPORT);
			if (!fmt) {
				fprintf(stderr, "netsift analyze: unknown output format (%s): %s "
					"(try 'netsift analyze --help')\n",
					ns_output_names(NS_OUT_REPORT), optarg);
				return NS_EXIT_USAGE;
			}
			fmt_set = true;
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_REPORT_TOP:
			errno = 0;
			hopts.top = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || hopts.top > 10000)
				return usage_error("--report-top wants a number from 0 to 10000: ", optarg);
			top_set = true;
			break;
		case OPT_PLOT:
			errno = 0;
			hopts.plot_stream = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-')
				return usage_error("--plot wants a stream number (as in the report): ", optarg);
			hopts.plot = true;
			break;
		case 'f':
			filter = optarg;
			break;
		case OPT_ACKS:
			acks = true;
			break;
		case OPT_CID_SEED:
			cid_seed = strtol(optarg, &endp, 10);
			if (!*optarg || *endp || cid_seed < 0 || cid_seed > 65535)
				return usage_error("--community-id-seed wants 0-65535: ", optarg);
			break;
		case OPT_MAX_CONNS: {
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &endp, 10);
			if (!*optarg || *optarg == '-' || *optarg == '+' || *endp || errno ||
			    v > (1ull << 30))
				return usage_error("--max-conns needs a number from 0 to 1073741824: ",
						   optarg);
			max_conns = (size_t)v;
			break;
		}
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
	if (report && (fmt_set || hopts.plot))
		return usage_error("--report writes HTML: not with -o or --plot", "");
	if (hopts.plot && fmt_set)
		return usage_error("--plot writes SVG: not with -o", "");
	if (hopts.plot && argc - optind != 1)
		return usage_error("--plot takes exactly one input file", "");
	if (report || hopts.plot)
		fmt = &ns_output_html;
	if (top_set && fmt != &ns_output_html)
		return usage_error("--report-top is for the HTML report (--report or -o html)", "");
	if (report) {
		out_fd = open(report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			fprintf(stderr, "netsift: %s: %s\n", report, strerror(errno));
			return NS_EXIT_ERROR;
		}
	}
	if (ob_init(&ob, out_fd, OB_DEFAULT_CAP) < 0) {
		fprintf(stderr, "netsift: out of memory\n");
		return NS_EXIT_ERROR;
	}
	pipeline_init(&p, &ob);
	if (ns_out_open(&p.out, fmt, &ob) < 0) {
		fprintf(stderr, "netsift: %s\n", strerror(p.out.err));
		ob_free(&ob);
		return NS_EXIT_ERROR;
	}
	p.out.cid_seed = (uint16_t)cid_seed;
	if (fmt == &ns_output_html) {
		hopts.stats = &p.st;
		out_html_configure(&p.out, &hopts);
	}
	p.emit = false;              /* no packet events: the report is the output */
	p.filter = filter;
	if (pipeline_check_filter(&p) < 0) {
		fprintf(stderr, "netsift: %s\n", p.err);
		ns_out_close(&p.out);
		ob_free(&ob);
		return NS_EXIT_USAGE;
	}
	struct ns_consumer cons = {
		.name = "analyze", .arg = &run,
		.packet = an_packet, .end_source = an_end_source,
	};
	struct zk_run zrun = { .out = &p.out };
	if (fmt->zeek_conn) {
		zrun.zk = ns_zk_new(zk_emit, &zrun, (uint16_t)cid_seed);
		if (!zrun.zk) {
			fprintf(stderr, "netsift: out of memory\n");
			ns_out_close(&p.out);
			ob_free(&ob);
			return NS_EXIT_ERROR;
		}
		cons = (struct ns_consumer){
			.name = "zeek", .arg = &zrun,
			.packet = zk_packet, .end_source = zk_end_source,
		};
	}
	pipeline_add_consumer(&p, &cons);
	p.out.many_files = argc - optind > 1;

	for (int i = optind; i < argc && !ob.err; i++) {
		p.out.file = argv[i];   /* the path as given: two inputs may share a basename */
		p.out.no_input = false;
		if (fmt->input_begin)
			fmt->input_begin(&p.out);
		if (zrun.zk) {
			if (read_capture(&p, argv[i], err, sizeof(err)) < 0) {
				ob_flush(&ob);
				fprintf(stderr, "netsift: %s\n", err);
				failed = true;
			}
			pipeline_end_source(&p);
			continue;
		}
		run.an = ns_an_new(on_conn, &run);
		if (!run.an) {
			fprintf(stderr, "netsift: out of memory\n");
			failed = true;
			break;
		}
		ns_an_set_ack_log(run.an, acks);
		ns_an_set_max_conns(run.an, max_conns);
		uint64_t frames_before = p.st.frames;
		if (read_capture(&p, argv[i], err, sizeof(err)) < 0) {
			ob_flush(&ob);
			fprintf(stderr, "netsift: %s\n", err);
			failed = true;
			p.out.no_input = p.st.frames == frames_before;
			/* frames are numbered per file: its count is its last frame */
			ns_an_set_capture_cut(run.an, p.st.frames - frames_before);
		}
		pipeline_end_source(&p);
		evicted += ns_an_evicted(run.an);
		if (ns_an_nomem(run.an) && !failed) {
			/* not silently: the report above lacks what did not fit */
			ob_flush(&ob);
			fprintf(stderr, "netsift: %s: out of memory: the analysis is incomplete "
				"(%llu allocations failed)\n", argv[i],
				(unsigned long long)ns_an_nomem(run.an));
			failed = true;
		}
		ns_an_free(run.an);
		run.an = NULL;
		if (p.out.err) {
			fprintf(stderr, "netsift: out of memory\n");
			failed = true;
			break;
		}
	}
	pipeline_finish(&p);
	if (zrun.zk) {
		if (ns_zk_dropped(zrun.zk)) {
			fprintf(stderr, "netsift: %llu connections not logged (out of memory)\n",
				(unsigned long long)ns_zk_dropped(zrun.zk));
			failed = true;
		}
		ns_zk_free(zrun.zk);
	}
	/* fragments that made no datagram are not in the report: say so */
	if (!failed && !ob.err && ns_reasm_drops(&p.st.reasm))
		ns_reasm_print_stats(stderr, &p.st.reasm);
	/* connections ended early by --max-conns: each record says so, and
	 * the total is told here (also after an error: a "stats:" line) */
	if (evicted)
		fprintf(stderr, "netsift: stats: analyze connections_evicted=%llu max_conns=%zu\n",
			(unsigned long long)evicted, max_conns);
	if (ob.err && ob.err != EPIPE) {
		fprintf(stderr, "netsift: write error: %s\n", strerror(ob.err));
		failed = true;
	}
	if (hopts.plot && !hopts.plot_found && !failed) {
		fprintf(stderr, "netsift: no TCP connection with stream %" PRIu64 " in %s\n",
			hopts.plot_stream, argv[optind]);
		failed = true;
	}
	if (report && close(out_fd) < 0 && !failed) {
		fprintf(stderr, "netsift: %s: %s\n", report, strerror(errno));
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
	if (p->out.fmt->tcp_analysis)
		p->out.fmt->tcp_analysis(&p->out, pkt, &o);
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
