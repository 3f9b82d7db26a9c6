/* netsift read: capture files -> events. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "events.h"
#include "outbuf.h"
#include "reader/pcapng.h"
#include "pipeline.h"
#include "reader/reader.h"
#include "reader/inputs.h"
#include "procctx.h"
#include "flow/out_flow.h"
#include "analyze/analyze.h"
#include "cli_common.h"
#include "output/output.h"
#include "read_threads.h"
#include <sys/stat.h>

void cmd_read_usage(FILE *fp)
{
	fprintf(fp,
		"Usage: netsift read [OPTIONS] FILE...\n"
		"       netsift read [OPTIONS] -r FILE [-r FILE...] [FILTER EXPRESSION]\n"
		"\n"
		"Read pcap or pcapng files (\"-\" for standard input; gzip, zstd or lz4\n"
		"compressed too) and print one event per line for every IP packet. Several\n"
		"files are one capture (rotated files): frame numbers, flows and analysis go\n"
		"on from one file to the next, and each event names its file (\"file\").\n"
		"\n"
		"Options:\n"
		"  -r, --read FILE      read FILE (repeatable); the arguments after the options\n"
		"                       are then the filter expression, as for tcpdump\n"
		"      --merge          interleave the files by timestamp (as mergecap), instead\n"
		"                       of one after the other\n"
		"  -o, --output FORMAT  %s (default: table if standard output\n"
		"                       is a terminal, json otherwise)\n"
		"      --schema NAME    event schema of -o json: netsift (default) or tracee\n"
		"                       (exactly Tracee's JSON events, see netsift-events(7))\n"
		"  -t                   table time as tcpdump: -t none, -tt seconds since the\n"
		"                       epoch, -ttt delta from the previous line, -tttt date and\n"
		"                       time, -ttttt since the first line (default: time of day)\n"
		"      --time-precision=micro|nano   table time digits (default micro)\n"
		"      --utc            table time in UTC (default: local time, as tcpdump)\n"
		"  -e, --events LIST    comma-separated events to emit (default: all packet\n"
		"                       events and the TCP flow events)\n"
		"  -f, --filter EXPR    libpcap filter expression (as for tcpdump); frames that do\n"
		"                       not match are skipped, but keep their frame numbers\n"
		"  -c, --count N        stop after N frames that passed the filter\n"
		"      --local CIDR     a local network (repeatable, IPv4 or IPv6): packets from it\n"
		"                       are egress, to it ingress, when the capture does not say\n"
		NS_FLOWOUT_USAGE
		"      --analysis       after each TCP packet with TCP analysis flags (as tshark's\n"
		"                       tcp.analysis.*), a net_tcp_analysis event naming them\n"
		"      --community-id   packet events (JSON) carry the packet's Community ID v1\n"
		"                       (flow events always do)\n"
		"      --community-id-seed N  seed of the Community ID (0-65535, default 0)\n"
		"  -w, --write FILE     write the frames that passed the filter to FILE (pcapng);\n"
		"                       events are then printed only if -o is given\n"
		"      --threads N      render the JSON packet events on N threads (default 1;\n"
		"                       0: the CPUs available, at most %d); reading, decoding, -w,\n"
		"                       flows, DNS and --analysis stay on one; the output is\n"
		"                       byte for byte that of --threads 1. Other formats,\n"
		"                       -e without packet events, standard input and pipes\n"
		"                       use one thread\n"
		"  -v, --verbose        print frame counts to standard error at the end (one\n"
		"                       level: -vv is a usage error; --stats is the same)\n"
		"  -q, --quiet          no progress line on standard error\n"
		"  -n                   accepted for tcpdump's habit: names are never resolved\n"
		"      --version        print the version\n"
		"  -h, --help           show this help\n"
		"\n"
		"Events (see netsift-events(7)):\n ", ns_output_names(NS_OUT_EVENTS),
		NS_MAX_THREADS);
	for (size_t i = 0, col = 1; i < ns_nevents; i++) {
		size_t w = strlen(ns_events[i].name) + 1;
		if (!ns_events[i].available)
			continue;
		if (col + w > 79) {
			fprintf(fp, "\n ");
			col = 1;
		}
		fprintf(fp, " %s", ns_events[i].name);
		col += w;
	}
	fprintf(fp,
		"\n"
		"\n"
		"Events and errors stream: from a pipe, FIFO or terminal each event is written\n"
		"as soon as its packet arrived. On a long read with standard error a terminal\n"
		"(and standard output not), a progress line shows there.\n"
		"\n"
		"Exit status: 0 success, 1 an input could not be read completely or output\n"
		"failed, 2 usage error.\n");
}

enum { OPT_LOCAL = 256, OPT_ANALYSIS, OPT_CID, OPT_CID_SEED, OPT_SCHEMA, OPT_TIME_PREC, OPT_UTC,
       OPT_MERGE, OPT_VERSION, OPT_THREADS };

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "events", required_argument, NULL, 'e' },
	{ "filter", required_argument, NULL, 'f' },
	{ "count",  required_argument, NULL, 'c' },
	{ "local",  required_argument, NULL, OPT_LOCAL },
	{ "analysis", no_argument,     NULL, OPT_ANALYSIS },
	{ "community-id", no_argument, NULL, OPT_CID },
	{ "community-id-seed", required_argument, NULL, OPT_CID_SEED },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "time-precision", required_argument, NULL, OPT_TIME_PREC },
	{ "time-stamp-precision", required_argument, NULL, OPT_TIME_PREC }, /* tcpdump's */
	{ "utc", no_argument, NULL, OPT_UTC },
	NS_FLOWOUT_LONG_OPTS,
	{ "write",  required_argument, NULL, 'w' },
	{ "stats",  no_argument,       NULL, 'v' },
	{ "verbose", no_argument,      NULL, 'v' },
	{ "read",   required_argument, NULL, 'r' },
	{ "merge",  no_argument,       NULL, OPT_MERGE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "quiet",  no_argument,       NULL, 'q' },
	{ "version", no_argument,      NULL, OPT_VERSION },
	{ "help",   no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct read_opts {
	const struct ns_output *fmt;   /* -o, NULL: not given */
	uint32_t events;
	struct ns_cli_in in;     /* files (-r or positional) and the filter */
	bool merge, quiet;
	uint64_t count;
	const char *write;
	bool stats;
	struct ns_cidr local[NS_MAX_LOCAL];
	unsigned nlocal;
	struct ns_flowout_opts flow;   /* --max-flows, --flow-timeout, --no-capture-end */
	bool analysis;           /* --analysis: net_tcp_analysis events (cmd_analyze.c) */
	bool cid;                /* --community-id */
	uint64_t cid_seed;       /* --community-id-seed */
	const char *schema;      /* --schema, NULL: netsift */
	unsigned tcount;         /* -t given this many times */
	bool nano, utc;          /* --time-precision=nano, --utc */
	unsigned threads;        /* --threads, 0: the CPUs available */
};

#define usage_error(...) ns_cli_usage("read", __VA_ARGS__)

/* Returns -1 to continue, or an exit status. */
static int parse_opts(int argc, char **argv, struct read_opts *o)
{
	char err[1024];
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->threads = 1;   /* two were slower than one on the machine measured (README.md) */
	o->in.cmd = "read";
	o->events = NS_EV_DEFAULT;
	optind = 1;
	opterr = 0;              /* our own message, in our style */
	while ((c = getopt_long(argc, argv, "o:e:f:c:w:r:nqvht", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->fmt = ns_output_find(optarg, NS_OUT_EVENTS);
			if (!o->fmt)
				return usage_error("unknown output format '%s' (%s)", optarg,
						   ns_output_names(NS_OUT_EVENTS));
			break;
		case 'e':
			if (ns_events_parse(optarg, &o->events, err, sizeof(err)) < 0) {
				fprintf(stderr, "netsift read: %s\n", err);
				return NS_EXIT_USAGE;
			}
			/* net_tcp_analysis is what --analysis emits */
			if (o->events & NS_EV_TCP_ANALYSIS)
				o->analysis = true;
			break;
		case 'f':
			if ((rc = ns_cli_set_f(&o->in, optarg)))
				return rc;
			break;
		case 'r':
			if ((rc = ns_cli_add_r(&o->in, optarg)))
				return rc;
			break;
		case 'n':                /* names are never resolved anyway */
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_MERGE:
			o->merge = true;
			break;
		case OPT_VERSION:
			printf("netsift %s\n", PACKAGE_VERSION);
			return NS_EXIT_OK;
		case 'c':
			if (ns_cli_parse_u64(optarg, 1, UINT64_MAX, &o->count) < 0)
				return usage_error("bad count '%s' (a positive number)", optarg);
			break;
		case OPT_ANALYSIS:
			o->analysis = true;
			break;
		case OPT_CID:
			o->cid = true;
			break;
		case OPT_CID_SEED:
			if (ns_cli_parse_u64(optarg, 0, 65535, &o->cid_seed) < 0)
				return usage_error("bad --community-id-seed '%s' (0-65535)", optarg);
			break;
		case 't':
			if (++o->tcount > 5)
				return usage_error("-t at most five times (-ttttt)");
			break;
		case OPT_TIME_PREC:
			if (strcmp(optarg, "nano") != 0 && strcmp(optarg, "micro") != 0)
				return usage_error("bad time precision '%s' (micro or nano)", optarg);
			o->nano = strcmp(optarg, "nano") == 0;
			break;
		case OPT_UTC:
			o->utc = true;
			break;
		case OPT_THREADS:
			if (ns_cli_threads("read", optarg, &o->threads) != 0)
				return NS_EXIT_USAGE;
			break;
		case OPT_SCHEMA:
			if (strcmp(optarg, "netsift") != 0 && strcmp(optarg, "tracee") != 0)
				return usage_error("unknown schema '%s' (%s)", optarg,
						   NS_SCHEMA_NAMES);
			o->schema = optarg;
			break;
		case OPT_LOCAL:
			if (o->nlocal >= NS_MAX_LOCAL)
				return usage_error("too many --local networks (at most %d)", NS_MAX_LOCAL);
			if (ns_cidr_parse(optarg, &o->local[o->nlocal]) < 0)
				return usage_error("bad --local network '%s' (e.g. 10.0.0.0/8 or fd00::/8)",
						   optarg);
			o->nlocal++;
			break;
		case 'w':
			o->write = optarg;
			break;
		case 'v':
			if ((rc = ns_cli_verbose("read", &o->stats)))
				return rc;
			break;
		case 'h':
			cmd_read_usage(stdout);
			return NS_EXIT_OK;
		default:
			if (ns_flowout_is_opt(c)) {
				if (ns_flowout_parse_opt(c, optarg, &o->flow, err, sizeof(err)) < 0)
					return usage_error("%s", err);
				break;
			}
			return ns_cli_bad_option("read", argv, optind, optopt);
		}
	}
	if ((rc = ns_cli_in_finish(&o->in, argc, argv, optind)) >= 0)
		return rc;
	/* --schema tracee: JSON even on a terminal (the schema is JSON's) */
	if (o->schema && strcmp(o->schema, "netsift") != 0) {
		const struct ns_output *f = ns_output_with_schema(o->fmt ? o->fmt :
								  &ns_output_json, o->schema);
		if (!f)
			return usage_error("--schema %s is a schema of -o json", o->schema);
		if (o->analysis)
			return usage_error("--analysis has no event in --schema %s", o->schema);
		o->fmt = f;
	}
	return -1;
}

static void print_stats(const struct ns_stats *st)
{
	fprintf(stderr,
		"netsift: stats: frames=%llu emitted=%llu events=%llu filtered=%llu "
		"not_ip=%llu undecodable=%llu flagged=%llu unselected=%llu written=%llu\n",
		(unsigned long long)st->frames, (unsigned long long)st->emitted,
		(unsigned long long)st->events, (unsigned long long)st->filtered,
		(unsigned long long)st->not_ip, (unsigned long long)st->undecodable,
		(unsigned long long)st->flagged, (unsigned long long)st->unselected,
		(unsigned long long)st->written);
	ns_reasm_print_stats(stderr, &st->reasm);
}

/* One error line, after what was emitted before it (inputs.c flushed). */
static void report(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "netsift read: %s\n", msg);
}

/* --threads: only JSON packet events are rendered on other threads (the
 * table's -ttt and -ttttt times depend on the previous line; the Tracee
 * schema is left as it is), and only from regular files: a pipe or standard
 * input shows each packet as it arrives (inputs.c), which batches would
 * hold back. */
static bool threads_apply(const struct read_opts *o, const struct pipeline *p)
{
	if (!p->emit || p->out.fmt != &ns_output_json || !(p->events & NS_EV_PACKET_ALL))
		return false;   /* nothing to hand over without packet events (flows only) */
	for (size_t i = 0; i < o->in.nfiles; i++) {
		struct stat st;
		if (strcmp(o->in.files[i], "-") == 0 || stat(o->in.files[i], &st) != 0 ||
		    !S_ISREG(st.st_mode))
			return false;
	}
	return true;
}

static void fatal(struct read_opts *o, const char *msg)
{
	fprintf(stderr, "netsift read: %s\n", msg);
	ns_cli_in_free(&o->in);
}

int cmd_read(int argc, char **argv)
{
	static struct pipeline p;   /* large (holds a struct ns_packet): not on the stack */
	struct read_opts o;
	struct outbuf ob;
	struct ns_flowout *flowout = NULL;
	char err[1024];
	bool failed = false;
	int rc = parse_opts(argc, argv, &o);

	if (rc >= 0) {
		ns_cli_in_free(&o.in);
		return rc;
	}
	if (ob_init(&ob, STDOUT_FILENO, OB_DEFAULT_CAP) < 0) {
		fatal(&o, "out of memory");
		return NS_EXIT_ERROR;
	}
	pipeline_init(&p, &ob);
	if (ns_out_open(&p.out, o.fmt ? o.fmt : isatty(STDOUT_FILENO) ? &ns_output_table
					      : &ns_output_json, &ob) < 0) {
		fatal(&o, strerror(p.out.err));
		ob_free(&ob);
		return NS_EXIT_ERROR;
	}
	p.out.cid_packets = o.cid;
	p.out.cid_seed = (uint16_t)o.cid_seed;
	/* the table's time column: -t count as tcpdump's */
	p.out.tf.mode = o.tcount;
	p.out.tf.nano = o.nano;
	p.out.tf.utc = o.utc;
	p.events = o.events;
	p.filter = o.in.filter;
	p.max_frames = o.count;
	memcpy(p.local, o.local, sizeof(o.local));
	p.nlocal = o.nlocal;
	p.emit = !(o.write && !o.fmt);

	if (pipeline_check_filter(&p) < 0) {
		fatal(&o, p.err);
		ob_free(&ob);
		return NS_EXIT_USAGE;
	}
	if (o.write) {
		if (p.emit && strcmp(o.write, "-") == 0) {
			fatal(&o, "-w - and event output would both use standard output");
			ob_free(&ob);
			return NS_EXIT_USAGE;
		}
		p.writer = pcapng_writer_open(o.write, err, sizeof(err));
		if (!p.writer) {
			fatal(&o, err);
			ob_free(&ob);
			return NS_EXIT_ERROR;
		}
	}

	/* ---- FLOW HOOK: the flow tracker, DNS cache and net_packet_dns (out_flow.c) */
	if (ns_flowout_wanted(p.events)) {
		struct ns_consumer fc;
		o.flow.stats = o.stats;
		flowout = ns_flowout_new(&o.flow, p.events, err, sizeof(err));
		if (!flowout) {
			fatal(&o, err);
			if (p.writer)
				pcapng_writer_close(p.writer, err, sizeof(err));
			ob_free(&ob);
			return NS_EXIT_ERROR;
		}
		fc = ns_flowout_consumer(flowout);
		pipeline_add_consumer(&p, &fc);
	}
	/* --analysis: the engine of `netsift analyze`, per packet */
	if (o.analysis) {
		struct ns_consumer ac;
		if (ns_an_read_consumer(&ac) < 0 || pipeline_add_consumer(&p, &ac) < 0) {
			fatal(&o, "cannot set up --analysis");
			ob_free(&ob);
			return NS_EXIT_ERROR;
		}
	}

	/* --threads N: packet events rendered by N-1 workers and the reader */
	unsigned nthreads = ns_cli_nthreads(o.threads);
	if (nthreads > 1 && threads_apply(&o, &p))
		p.rt = ns_rt_new(nthreads, &p);   /* NULL: one thread, as --threads 1 */

	/* all files are one capture: one pipeline, ended once */
	struct ns_inputs_opts io = {
		.cmd = "read", .merge = o.merge, .name_files = o.in.nfiles > 1,
		.progress = !o.quiet && ns_progress_wanted(), .report = report,
	};
	if (ns_read_inputs(&p, o.in.files, o.in.nfiles, &io) < 0)
		failed = true;
	pipeline_end_source(&p);
	pipeline_finish(&p);
	ns_rt_free(p.rt);
	p.rt = NULL;
	ns_flowout_free(flowout);
	/* not silently: events above lack what did not fit in memory */
	if (!failed && p.st.analysis_nomem) {
		fprintf(stderr, "netsift read: out of memory: the --analysis flags may be incomplete "
			"(%llu allocations failed)\n", (unsigned long long)p.st.analysis_nomem);
		failed = true;
	} else if (!failed && p.st.flow_encap_nomem) {
		fprintf(stderr, "netsift read: out of memory: %llu flows lack their tunnel list "
			"(encap)\n", (unsigned long long)p.st.flow_encap_nomem);
		failed = true;
	}

	if (p.writer) {
		if (pcapng_writer_close(p.writer, err, sizeof(err)) < 0) {
			fprintf(stderr, "netsift read: %s: %s\n", o.write, err);
			failed = true;
		}
		p.writer = NULL;
	}
	if (ob.err && ob.err != EPIPE) {
		fprintf(stderr, "netsift read: write error: %s\n", strerror(ob.err));
		failed = true;
	}
	/* a recording with more process contexts than are kept (procctx.h) */
	if (nsctx_overflow())
		fprintf(stderr, "netsift read: %llu packets without their process context "
			"(more distinct contexts than netsift keeps)\n",
			(unsigned long long)nsctx_overflow());
	/* The summary: always with -v; otherwise only when frames could not be
	 * decoded, and never after a fatal error (that is reported alone). */
	if (o.stats || (!failed && ob.err != EPIPE && p.st.undecodable))
		print_stats(&p.st);
	else if (!failed && ob.err != EPIPE && ns_reasm_drops(&p.st.reasm))
		ns_reasm_print_stats(stderr, &p.st.reasm);   /* nothing dropped without a count */
	ob_free(&ob);
	ns_cli_in_free(&o.in);
	return failed ? NS_EXIT_ERROR : NS_EXIT_OK;
}
