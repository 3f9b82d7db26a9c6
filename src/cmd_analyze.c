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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "commands.h"
#include "output/output.h"
#include "outbuf.h"
#include "pipeline.h"
#include "reader/reader.h"

enum { OPT_ACKS = 256, OPT_MAX_CONNS };

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
		"  -o, --output FORMAT  %s (default text; json: one object per\n"
		"                       connection per line)\n"
		"  -f, --filter EXPR    libpcap filter expression (as for tcpdump)\n"
		"      --acks           list every advancing ACK per connection: the data frames\n"
		"                       it covers, bytes, and its RTT (none for retransmitted\n"
		"                       segments: Karn's rule). Memory grows with the length of\n"
		"                       each connection (about 72 bytes per advancing ACK)\n"
		"      --max-conns N    hold at most N connections at once (default %u, about\n"
		"                       %u MiB; 0 = no limit): at the limit the connection idle\n"
		"                       longest ends early, marked so in its record, and is\n"
		"                       counted on standard error\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success (also when problems were found), 1 an input could not\n"
		"be read completely or output failed, 2 usage error.\n",
		ns_output_names(NS_OUT_REPORT), NS_AN_DEFAULT_MAX_CONNS,
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

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "filter", required_argument, NULL, 'f' },
	{ "help",   no_argument,       NULL, 'h' },
	{ "acks",   no_argument,       NULL, OPT_ACKS },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
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
	struct an_run run = { .out = &p.out };
	const struct ns_output *fmt = &ns_output_table;   /* "text" */
	struct outbuf ob;
	char err[1024];
	bool failed = false;
	const char *filter = NULL;
	bool acks = false;
	size_t max_conns = NS_AN_DEFAULT_MAX_CONNS;
	uint64_t evicted = 0;
	int c;

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
			break;
		case 'f':
			filter = optarg;
			break;
		case OPT_ACKS:
			acks = true;
			break;
		case OPT_MAX_CONNS: {
			char *end;
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (!*optarg || *optarg == '-' || *optarg == '+' || *end || errno ||
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
	if (ob_init(&ob, STDOUT_FILENO, OB_DEFAULT_CAP) < 0) {
		fprintf(stderr, "netsift: out of memory\n");
		return NS_EXIT_ERROR;
	}
	pipeline_init(&p, &ob);
	if (ns_out_open(&p.out, fmt, &ob) < 0) {
		fprintf(stderr, "netsift: %s\n", strerror(p.out.err));
		ob_free(&ob);
		return NS_EXIT_ERROR;
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
	pipeline_add_consumer(&p, &cons);
	p.out.many_files = argc - optind > 1;

	for (int i = optind; i < argc && !ob.err; i++) {
		p.out.file = strcmp(argv[i], "-") == 0 ? "-" : base_name(argv[i]);
		p.out.no_input = false;
		if (fmt->input_begin)
			fmt->input_begin(&p.out);
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
