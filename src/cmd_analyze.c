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
#include "analyze/an_threads.h"
#include "commands.h"
#include "conn/zeekconn.h"
#include "output/output.h"
#include "output/html.h"
#include "outbuf.h"
#include "pipeline.h"
#include "reader/reader.h"
#include "reader/inputs.h"
#include "cli_common.h"

enum { OPT_ACKS = 256, OPT_MERGE, OPT_VERSION, OPT_CID_SEED, OPT_REPORT, OPT_REPORT_TOP,
       OPT_PLOT, OPT_MAX_CONNS, OPT_THREADS };

struct an_run {
	struct ns_an *an;
	struct ns_out *out;      /* the output format: gets every finished connection */
};

void cmd_analyze_usage(FILE *fp)
{
	fprintf(fp,
		"Usage: netsift analyze [OPTIONS] FILE...\n"
		"       netsift analyze [OPTIONS] -r FILE [-r FILE...] [FILTER EXPRESSION]\n"
		"\n"
		"Read pcap or pcapng files and report, for every TCP connection, what an expert\n"
		"reading the trace would find: handshake and initial RTT, how it closed (and who\n"
		"reset it after which seq/ack), retransmissions with every transmission and their\n"
		"back-off, duplicate ACKs, out-of-order and lost segments, zero windows and\n"
		"probes, keep-alives, RTT per direction, Zeek's conn_state and history.\n"
		"Counts follow Wireshark's tcp.analysis.* definitions. Several files are one\n"
		"capture (rotated files): a connection goes on from one file to the next.\n"
		"Compressed files (gzip, zstd, lz4) are read as they are.\n"
		"\n"
		"Options:\n"
		"  -r, --read FILE      read FILE (repeatable); the arguments after the options\n"
		"                       are then the filter expression, as for tcpdump\n"
		"      --merge          interleave the files by timestamp (as mergecap)\n"
		"  -o, --output FORMAT  %s\n"
		"                       (default text; json: one object per connection per\n"
		"                       line; zeek, zeek-json: Zeek's conn.log of TCP, UDP\n"
		"                       and ICMP connections by Zeek's rules, as TSV or JSON\n"
		"                       lines, see netsift-events(7); html: the report of\n"
		"                       --report on standard output)\n"
		"  -f, --filter EXPR    libpcap filter expression (as for tcpdump)\n"
		"      --acks           list every advancing ACK per connection: the data frames\n"
		"                       it covers, bytes, and its RTT (none for retransmitted\n"
		"                       segments: Karn's rule). Memory grows with the length of\n"
		"                       each connection (64 bytes per advancing ACK and 8 per\n"
		"                       frame it covers)\n"
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
		"      --threads N      analyse on N threads (default 1; 0: the CPUs available,\n"
		"                       at most %d): one reads, N own the connections by hash;\n"
		"                       the report is byte for byte that of --threads 1 (text\n"
		"                       and json; the other formats use one thread). With\n"
		"                       N > 1 each holds 1/N of --max-conns\n"
		"  -v, --verbose        print frame counts to standard error at the end\n"
		"  -q, --quiet          no progress line on standard error\n"
		"  -n                   accepted for tcpdump's habit: names are never resolved\n"
		"      --version        print the version\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success (also when problems were found), 1 an input could not\n"
		"be read completely or output failed, 2 usage error.\n",
		ns_output_names(NS_OUT_REPORT), HTML_MAX_PROBLEM_GRAPHS, NS_AN_DEFAULT_MAX_CONNS,
		(unsigned)((uint64_t)NS_AN_DEFAULT_MAX_CONNS * NS_AN_CONN_BYTES >> 20),
		NS_MAX_THREADS);
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

/* End of the input (all files: one capture): the connections end. */
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

/* End of the input (all files: one capture): Zeek terminates. */
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
	{ "read",   required_argument, NULL, 'r' },
	{ "merge",  no_argument,       NULL, OPT_MERGE },
	{ "quiet",  no_argument,       NULL, 'q' },
	{ "verbose", no_argument,      NULL, 'v' },
	{ "version", no_argument,      NULL, OPT_VERSION },
	{ "community-id-seed", required_argument, NULL, OPT_CID_SEED },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "report-top", required_argument, NULL, OPT_REPORT_TOP },
	{ "plot",   required_argument, NULL, OPT_PLOT },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ NULL, 0, NULL, 0 },
};

static void report(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "netsift analyze: %s\n", msg);
}

struct an_opts {
	const struct ns_output *fmt;
	struct ns_cli_in in;
	bool acks, merge, quiet, verbose;
	bool fmt_set, top_set;
	uint64_t cid_seed;
	size_t max_conns;
	unsigned threads;        /* --threads, 0: the CPUs available */
	struct html_opts hopts;
	const char *report;      /* --report FILE */
};

/* -1 to go on, or the exit status. */
static int parse_opts(int argc, char **argv, struct an_opts *o)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->threads = 1;   /* two were slower than one on the machine measured (README.md) */
	o->fmt = &ns_output_table;   /* "text" */
	o->in.cmd = "analyze";
	o->max_conns = NS_AN_DEFAULT_MAX_CONNS;
	o->hopts.top = 10;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:f:r:nqvh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->fmt = ns_output_find(optarg, NS_OUT_REPORT);
			if (!o->fmt)
				return ns_cli_usage("analyze", "unknown output format (%s): %s",
						    ns_output_names(NS_OUT_REPORT), optarg);
			o->fmt_set = true;
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_REPORT_TOP: {
			uint64_t v;
			if (ns_cli_parse_u64(optarg, 0, 10000, &v) < 0)
				return ns_cli_usage("analyze", "--report-top wants a number from 0 to 10000: %s",
						    optarg);
			o->hopts.top = (unsigned)v;
			o->top_set = true;
			break;
		}
		case OPT_PLOT:
			if (ns_cli_parse_u64(optarg, 0, UINT64_MAX, &o->hopts.plot_stream) < 0)
				return ns_cli_usage("analyze", "--plot wants a stream number (as in the report): %s",
						    optarg);
			o->hopts.plot = true;
			break;
		case OPT_CID_SEED:
			if (ns_cli_parse_u64(optarg, 0, 65535, &o->cid_seed) < 0)
				return ns_cli_usage("analyze", "--community-id-seed wants 0-65535: %s", optarg);
			break;
		case OPT_MAX_CONNS: {
			uint64_t v;
			if (ns_cli_parse_u64(optarg, 0, 1ull << 30, &v) < 0)
				return ns_cli_usage("analyze", "--max-conns needs a number from 0 to 1073741824: %s",
						    optarg);
			o->max_conns = (size_t)v;
			break;
		}
		case OPT_THREADS:
			if (ns_cli_threads("analyze", optarg, &o->threads) != 0)
				return NS_EXIT_USAGE;
			break;
		case 'f':
			if ((rc = ns_cli_set_f(&o->in, optarg)))
				return rc;
			break;
		case 'r':
			if ((rc = ns_cli_add_r(&o->in, optarg)))
				return rc;
			break;
		case 'n':
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			if ((rc = ns_cli_verbose("analyze", &o->verbose)))
				return rc;
			break;
		case OPT_ACKS:
			o->acks = true;
			break;
		case OPT_MERGE:
			o->merge = true;
			break;
		case OPT_VERSION:
			printf("netsift %s\n", PACKAGE_VERSION);
			return NS_EXIT_OK;
		case 'h':
			cmd_analyze_usage(stdout);
			return NS_EXIT_OK;
		default:
			return ns_cli_bad_option("analyze", argv, optind, optopt);
		}
	}
	if ((rc = ns_cli_in_finish(&o->in, argc, argv, optind)) >= 0)
		return rc;
	if (o->report && (o->fmt_set || o->hopts.plot))
		return ns_cli_usage("analyze", "--report writes HTML: not with -o or --plot");
	if (o->hopts.plot && o->fmt_set)
		return ns_cli_usage("analyze", "--plot writes SVG: not with -o");
	if (o->hopts.plot && o->in.nfiles != 1)
		return ns_cli_usage("analyze", "--plot takes exactly one input file");
	if (o->report || o->hopts.plot)
		o->fmt = &ns_output_html;
	if (o->top_set && o->fmt != &ns_output_html)
		return ns_cli_usage("analyze", "--report-top is for the HTML report (--report or -o html)");
	return -1;
}

int cmd_analyze(int argc, char **argv)
{
	static struct pipeline p;   /* holds a struct ns_packet: not on the stack */
	struct an_run run = { .out = &p.out };
	struct zk_run zrun = { .out = &p.out };
	struct ns_ant *ant = NULL;   /* --threads N > 1 */
	/* with threads the report has an outbuf of its own, written by the
	 * workers (one at a time), so the reader's flushes never meet them */
	struct outbuf rob = { .buf = NULL };
	struct an_opts o;
	struct outbuf ob;
	bool failed = false;
	uint64_t evicted = 0;
	int out_fd = STDOUT_FILENO;
	int rc = parse_opts(argc, argv, &o);

	if (rc >= 0) {
		ns_cli_in_free(&o.in);
		return rc;
	}
	if (o.report) {
		out_fd = open(o.report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			fprintf(stderr, "netsift analyze: %s: %s\n", o.report, strerror(errno));
			ns_cli_in_free(&o.in);
			return NS_EXIT_ERROR;
		}
	}
	if (ob_init(&ob, out_fd, OB_DEFAULT_CAP) < 0) {
		fprintf(stderr, "netsift analyze: out of memory\n");
		if (o.report)
			close(out_fd);
		ns_cli_in_free(&o.in);
		return NS_EXIT_ERROR;
	}
	pipeline_init(&p, &ob);
	if (ns_out_open(&p.out, o.fmt, &ob) < 0) {
		fprintf(stderr, "netsift analyze: %s\n", strerror(p.out.err));
		goto fail_early;
	}
	p.out.cid_seed = (uint16_t)o.cid_seed;
	if (o.fmt == &ns_output_html) {
		o.hopts.stats = &p.st;
		out_html_configure(&p.out, &o.hopts);
	}
	p.emit = false;              /* no packet events: the report is the output */
	p.filter = o.in.filter;
	if (pipeline_check_filter(&p) < 0) {
		fprintf(stderr, "netsift analyze: %s\n", p.err);
		ns_out_close(&p.out);
		ob_free(&ob);
		ns_cli_in_free(&o.in);
		if (o.report)
			close(out_fd);
		return NS_EXIT_USAGE;
	}
	struct ns_consumer cons = {
		.name = "analyze", .arg = &run,
		.packet = an_packet, .end_source = an_end_source,
	};
	if (o.fmt->zeek_conn) {
		zrun.zk = ns_zk_new(zk_emit, &zrun, (uint16_t)o.cid_seed);
		if (!zrun.zk) {
			fprintf(stderr, "netsift analyze: out of memory\n");
			goto fail_early;
		}
		cons = (struct ns_consumer){
			.name = "zeek", .arg = &zrun,
			.packet = zk_packet, .end_source = zk_end_source,
		};
	}
	/* All files are one capture: one analysis, one report. Its name is
	 * the file's path as given when there is one; with several, each
	 * connection's record is not tied to one file (null). */
	p.out.many_files = false;
	p.out.file = o.in.nfiles == 1 ? o.in.files[0] : NULL;
	p.out.inputs = o.in.files;
	p.out.ninputs = o.in.nfiles;
	p.out.no_input = false;
	if (o.fmt->input_begin)
		o.fmt->input_begin(&p.out);
	/* --threads: the text and JSON reports (the others draw from every
	 * packet, or are Zeek's: one thread) */
	unsigned nthreads = ns_cli_nthreads(o.threads);
	if (nthreads > 1 && !zrun.zk && (o.fmt == &ns_output_json || o.fmt == &ns_output_table)) {
		if (ob_init(&rob, out_fd, OB_DEFAULT_CAP) == 0) {
			p.out.ob = &rob;
			ant = ns_ant_new(nthreads, &p.out,
					 o.fmt == &ns_output_json ? NS_ANT_JSON : NS_ANT_TEXT,
					 o.acks, o.max_conns);
		}
		if (ant) {
			cons = ns_ant_consumer(ant);
		} else {
			/* no memory or no thread for them: one thread, the same report */
			p.out.ob = &ob;
			ob_free(&rob);
		}
	}
	pipeline_add_consumer(&p, &cons);
	if (!zrun.zk && !ant) {
		run.an = ns_an_new(on_conn, &run);
		if (!run.an) {
			fprintf(stderr, "netsift analyze: out of memory\n");
			goto fail_early;
		}
		ns_an_set_ack_log(run.an, o.acks);
		ns_an_set_max_conns(run.an, o.max_conns);
	}
	struct ns_inputs_opts io = {
		.cmd = "analyze", .merge = o.merge, .name_files = o.in.nfiles > 1,
		.progress = !o.quiet && ns_progress_wanted(), .report = report,
	};
	if (ns_read_inputs(&p, o.in.files, o.in.nfiles, &io) < 0) {
		failed = true;
		p.out.no_input = p.st.frames == 0;
		/* frames go on across files: the count is the last frame read */
		if (run.an)
			ns_an_set_capture_cut(run.an, p.st.frames);
		if (ant)
			ns_ant_set_capture_cut(ant, p.st.frames);
	}
	pipeline_end_source(&p);
	if (ant) {
		ob_flush(&rob);
		if (rob.err && !ob.err)
			ob.err = rob.err;
		p.out.ob = &ob;
		evicted = ns_ant_evicted(ant);
		if (ns_ant_nomem(ant) && !failed) {
			ob_flush(&ob);
			fprintf(stderr, "netsift analyze: out of memory: the analysis is incomplete "
				"(%llu allocations failed)\n", (unsigned long long)ns_ant_nomem(ant));
			failed = true;
		}
		ns_ant_free(ant);
		ant = NULL;
	}
	if (run.an) {
		evicted = ns_an_evicted(run.an);
		if (ns_an_nomem(run.an) && !failed) {
			/* not silently: the report above lacks what did not fit */
			ob_flush(&ob);
			fprintf(stderr, "netsift analyze: out of memory: the analysis is incomplete "
				"(%llu allocations failed)\n",
				(unsigned long long)ns_an_nomem(run.an));
			failed = true;
		}
		ns_an_free(run.an);
		run.an = NULL;
	}
	if (p.out.err) {
		fprintf(stderr, "netsift analyze: out of memory\n");
		failed = true;
	}
	bool out_failed = p.out.err != 0;
	pipeline_finish(&p);
	/* the HTML page is made when the output closes */
	if (p.out.err && !out_failed) {
		fprintf(stderr, "netsift analyze: out of memory\n");
		failed = true;
	}
	if (zrun.zk) {
		if (ns_zk_dropped(zrun.zk)) {
			fprintf(stderr, "netsift analyze: %llu connections not logged (out of memory)\n",
				(unsigned long long)ns_zk_dropped(zrun.zk));
			failed = true;
		}
		ns_zk_free(zrun.zk);
	}
	if (o.verbose)
		fprintf(stderr, "netsift: stats: frames=%llu filtered=%llu not_ip=%llu "
			"undecodable=%llu\n", (unsigned long long)p.st.frames,
			(unsigned long long)p.st.filtered, (unsigned long long)p.st.not_ip,
			(unsigned long long)p.st.undecodable);
	/* fragments that made no datagram are not in the report: say so */
	if (!failed && !ob.err && ns_reasm_drops(&p.st.reasm))
		ns_reasm_print_stats(stderr, &p.st.reasm);
	/* connections ended early by --max-conns: each record says so, and
	 * the total is told here (also after an error: a "stats:" line) */
	if (evicted)
		fprintf(stderr, "netsift: stats: analyze connections_evicted=%llu max_conns=%zu\n",
			(unsigned long long)evicted, o.max_conns);
	if (ob.err && ob.err != EPIPE) {
		fprintf(stderr, "netsift analyze: write error: %s\n", strerror(ob.err));
		failed = true;
	}
	if (o.hopts.plot && !o.hopts.plot_found && !failed) {
		fprintf(stderr, "netsift analyze: no TCP connection with stream %" PRIu64 " in %s\n",
			o.hopts.plot_stream, o.in.files[0]);
		failed = true;
	}
	if (o.report && close(out_fd) < 0 && !failed) {
		fprintf(stderr, "netsift analyze: %s: %s\n", o.report, strerror(errno));
		failed = true;
	}
	ob_free(&ob);
	ob_free(&rob);
	ns_cli_in_free(&o.in);
	return failed ? NS_EXIT_ERROR : NS_EXIT_OK;
fail_early:
	ns_out_close(&p.out);
	ob_free(&ob);
	ns_cli_in_free(&o.in);
	if (o.report)
		close(out_fd);
	return NS_EXIT_ERROR;
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

	if (!ar->an && !(ar->an = ns_an_new(NULL, NULL))) {
		p->st.analysis_nomem++;   /* this packet is not analysed */
		return;
	}
	if (!ns_an_packet(ar->an, pkt, &o) || !p->emit)
		return;
	if (p->out.fmt->tcp_analysis)
		p->out.fmt->tcp_analysis(&p->out, pkt, &o);
}

/* The end of the input (all files are one capture). */
static void ar_end_source(void *arg, struct pipeline *p)
{
	struct an_read *ar = arg;

	/* what did not fit (connections, segments): flags lost, so reported */
	if (ar->an)
		p->st.analysis_nomem += ns_an_nomem(ar->an);
	ns_an_free(ar->an);
	ar->an = NULL;           /* a new engine at the next packet, if any */
}

static void ar_finish(void *arg, struct pipeline *p)
{
	struct an_read *ar = arg;

	if (ar->an)
		p->st.analysis_nomem += ns_an_nomem(ar->an);
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
