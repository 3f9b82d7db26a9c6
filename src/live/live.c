/* `netsift trace`: live per-process packet tracing with eBPF.
 *
 * The kernel side (bpf/netsift.bpf.c) hands us one record per packet seen by
 * cgroup_skb ingress/egress: a fixed header (struct ns_rec: time, direction,
 * device, lengths, the owning process) and the first snaplen bytes from the IP
 * header. Each record becomes a struct ns_ctx plus bytes and goes through the
 * same pipeline as `netsift read` with NS_LINK_NONE, so the events are the ones
 * a replay of the -w recording gives, byte for byte.
 *
 * Frame numbers count the packets that passed the selection (--pid, --comm)
 * and the -f filter, i.e. they are the packets' indexes in the -w file. That is
 * why the filter runs here rather than in the pipeline.
 *
 * Nothing here can slow the kernel down: if we (or a slow pipe behind stdout)
 * fall behind, the ring buffer fills, the kernel counts the packets it could
 * not queue, and we report those counts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "netsift.h"

#include "cgroup.h"
#include "cli_common.h"
#include "events.h"
#include "live.h"
#include "live_bpf.h"
#include "flow/out_flow.h"
#include "outbuf.h"
#include "reader/pcapng.h"
#include "pipeline.h"
#include "procsock.h"
#include "procinfo.h"

#define LINKTYPE_RAW_IP 101
#define MAX_PIDS 64
#define MAX_COMMS 16
#define IFCACHE 256
/* Loopback packets sent (egress) and not yet seen arriving, remembered by a
 * hash of their bytes; a power of two. */
#define LO_SEEN 1024
#define LO_MAX_AGE_NS 1000000000ull

struct lo_sent {
	uint64_t hash;           /* 0: free */
	uint64_t ts_ns;
	uint32_t wire_len;
};

struct trace_opts {
	uint32_t pids[MAX_PIDS];
	unsigned npids;
	char comms[MAX_COMMS][NS_COMM_MAX];
	unsigned ncomms;
	const char *cgroup;
	char **cmd;              /* argv of the command after "--", NULL if none */
	const char *events;
	const char *filter;
	const char *wfile;
	const struct ns_output *fmt;   /* -o, NULL: not given (json) */
	uint64_t count;
	uint32_t snaplen;
	uint32_t ring_kib;
	bool verbose;
	bool follow;             /* --follow: --pid traces on after the processes exit */
	uint64_t rot_bytes;      /* -C: start a new -w file past this size, 0: never */
	uint64_t rot_ns;         /* -G: ... after this long, 0: never */
	unsigned rot_files;      /* -W: ring of this many files, 0: unbounded */
	struct ns_flowout_opts flow;  /* --max-flows, --flow-timeout, --no-capture-end */
};

struct live {
	struct trace_opts *o;
	struct pipeline *p;
	struct ns_source src;
	struct bpf_program filt;
	bool has_filt;
	int64_t mono_to_real;    /* add to bpf_ktime_get_ns() for wall-clock ns */
	uint64_t received;       /* records read from the ring buffer */
	uint64_t selected;       /* passed selection and filter (= frame number) */
	uint64_t malformed;
	uint64_t timewait;       /* selected records of TIME_WAIT sockets */
	uint64_t nosocket;       /* selected ingress records that found no socket */
	uint64_t last_ts;        /* ns_rec.ts_ns of the last record delivered */
	uint64_t late;           /* records stamped before it: given its time */
	uint64_t late_max_ns;    /* by how much at most */
	uint64_t lo_merged;      /* loopback arrivals of packets seen leaving */
	struct lo_sent lo[LO_SEEN];
	/* -w rotation (-C, -G, -W) */
	unsigned rot_index;      /* files opened so far */
	uint64_t rot_start_ns;   /* time of the current file's first packet */
	uint64_t rot_packets;    /* packets in the current file */
	int status;              /* NS_PIPE_* of the last pipeline call */
	struct procinfo *pi;     /* process and container context (procinfo.h) */
	char ifcache[IFCACHE][IF_NAMESIZE];
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *fp)
{
	fprintf(fp,
"usage: netsift trace [options] [--pid PID[,PID..]] [--comm NAME] [--cgroup PATH]\n"
"       netsift trace [options] -- COMMAND [ARGS..]\n"
"Trace packets per process with eBPF (needs root and cgroup v2).\n"
"  -p, --pid LIST       only packets of these processes (process ids); the trace\n"
"                       ends when all of them have exited\n"
"      --follow         with --pid: go on after they exited (until a signal)\n"
"      --comm NAME      only packets of processes named NAME (repeatable)\n"
"      --cgroup PATH    attach to this cgroup v2 (default: the root, everything)\n"
"  -- COMMAND ARGS      run COMMAND in a fresh cgroup, trace it and every process\n"
"                       it starts until none is left; exit with its status\n"
"  -e, --events LIST    events to emit (as netsift read)\n"
"  -f, --filter EXPR    pcap filter expression, applied to the IP packet\n"
"  -o, --output FMT     %s (default json)\n"
"      --schema NAME    event schema of -o json: netsift (default) or tracee\n"
"  -c, --count N        stop after N packets\n"
"  -w, --write FILE     record the packets as pcapng (process kept per packet)\n"
"  -C, --file-size MB   with -w: a new file every MB million bytes (FILE.000000..)\n"
"  -G, --rotate-seconds S  with -w: a new file every S seconds\n"
"  -W, --file-count N   with -C/-G: keep N files, overwriting the oldest\n"
"  -s, --snaplen N      bytes captured from the IP header on (default %u, max %u)\n"
"  -B, --buffer-size K  ring buffer size in KiB (default 32768)\n"
"  -v, --verbose        libbpf messages and start-up details on stderr\n"
NS_FLOWOUT_USAGE,
		ns_output_names(NS_OUT_EVENTS), NS_SNAPLEN_DEFAULT, NS_SNAPLEN_MAX);
}

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("netsift ", stderr);   /* + "trace: ...": netsift COMMAND: */
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

#define bad(...) (fail(__VA_ARGS__), -1)

static int parse_pids(struct trace_opts *o, const char *arg)
{
	char buf[1024], *save = NULL, *tok;
	uint64_t v;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->npids == MAX_PIDS || ns_cli_parse_u64(tok, 1, INT_MAX, &v) < 0)
			return -1;
		o->pids[o->npids++] = (uint32_t)v;
	}
	return o->npids ? 0 : -1;
}

static int parse_comms(struct trace_opts *o, const char *arg)
{
	char buf[1024], *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->ncomms == MAX_COMMS)
			return -1;
		/* the kernel keeps 15 characters of a command name */
		strncpy(o->comms[o->ncomms], tok, NS_COMM_MAX - 1);
		o->comms[o->ncomms++][NS_COMM_MAX - 1] = '\0';
	}
	return o->ncomms ? 0 : -1;
}

enum { OPT_COMM = 256, OPT_CGROUP, OPT_SCHEMA, OPT_FOLLOW };

static int parse_opts(int argc, char **argv, struct trace_opts *o)
{
	static const struct option lopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "file-size", required_argument, NULL, 'C' },
		{ "rotate-seconds", required_argument, NULL, 'G' },
		{ "file-count", required_argument, NULL, 'W' },
		{ "events", required_argument, NULL, 'e' },
		{ "filter", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "schema", required_argument, NULL, OPT_SCHEMA },
		{ "count", required_argument, NULL, 'c' },
		{ "write", required_argument, NULL, 'w' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		NS_FLOWOUT_LONG_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *schema = NULL;
	const char *last_arg = NULL;
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->snaplen = NS_SNAPLEN_DEFAULT;
	/* records wait in the rings for the 100 ms merge (live_bpf.c): at
	 * 200k packets/s that is about 2 MiB, and 8 MiB overflowed when
	 * netsift waited to run on a loaded machine (tests/bench-live.sh A) */
	o->ring_kib = 32768;
	optind = 1;
	opterr = 0;
	/* "+": stop at the first non-option, it starts the command */
	while ((c = getopt_long(argc, argv, "+p:e:f:o:c:w:s:B:C:G:W:vh", lopts, NULL)) != -1) {
		last_arg = optarg;
		switch (c) {
		case 'p':
			if (parse_pids(o, optarg) < 0)
				return bad("trace: bad --pid list: %s", optarg);
			break;
		case OPT_COMM:
			if (parse_comms(o, optarg) < 0)
				return bad("trace: bad --comm: %s", optarg);
			break;
		case OPT_CGROUP:
			o->cgroup = optarg;
			break;
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case 'C':
			if (ns_cli_parse_u64(optarg, 1, 1000000, &v) < 0)
				return bad("trace: bad -C size %s (1 to 1000000 MB)", optarg);
			o->rot_bytes = v * 1000000;
			break;
		case 'G':
			if (ns_cli_parse_u64(optarg, 1, 100000000, &v) < 0)
				return bad("trace: bad -G seconds %s", optarg);
			o->rot_ns = v * 1000000000ull;
			break;
		case 'W':
			if (ns_cli_parse_u64(optarg, 2, 1000000, &v) < 0)
				return bad("trace: bad -W count %s (2 to 1000000)", optarg);
			o->rot_files = (unsigned)v;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'o':
			o->fmt = ns_output_find(optarg, NS_OUT_EVENTS);
			if (!o->fmt)
				return bad("trace: unknown output format %s (%s)", optarg,
					   ns_output_names(NS_OUT_EVENTS));
			break;
		case OPT_SCHEMA:
			if (strcmp(optarg, "netsift") != 0 && strcmp(optarg, "tracee") != 0)
				return bad("trace: unknown schema %s (%s)", optarg, NS_SCHEMA_NAMES);
			schema = optarg;
			break;
		case 'c':
			if (ns_cli_parse_u64(optarg, 1, UINT64_MAX, &o->count) < 0)
				return bad("trace: bad count: %s", optarg);
			break;
		case 'w':
			o->wfile = optarg;
			break;
		case 's':
			if (ns_cli_parse_u64(optarg, 20, NS_SNAPLEN_MAX, &v) < 0)
				return bad("trace: bad snaplen %s (20 to 65535)", optarg);
			o->snaplen = (uint32_t)v;
			break;
		case 'B':
			if (ns_cli_parse_u64(optarg, 64, 1u << 20, &v) < 0)
				return bad("trace: bad buffer size %s (64 to 1048576 KiB)", optarg);
			o->ring_kib = (uint32_t)v;
			break;
		case 'v':
			/* one level, as in read and analyze */
			if (o->verbose)
				return bad("trace: %s", "-v given twice: there is one level of -v");
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			if (ns_flowout_is_opt(c)) {
				char err[256];

				if (ns_flowout_parse_opt(c, optarg, &o->flow, err, sizeof(err)) < 0)
					return bad("trace: %s", err);
				break;
			}
			fprintf(stderr, "netsift trace: bad option %s\n", argv[optind - 1]);
			usage(stderr);
			return -1;
		}
	}
	if (schema) {
		const struct ns_output *f = ns_output_with_schema(o->fmt ? o->fmt :
								  &ns_output_json, schema);
		if (!f)
			return bad("trace: --schema %s is a schema of -o json", schema);
		if (f != &ns_output_json)
			o->fmt = f;
	}
	if (optind < argc)
		o->cmd = argv + optind;
	/* "trace --" and nothing after: not a whole-system trace by accident */
	else if (optind > 1 && strcmp(argv[optind - 1], "--") == 0 &&
		 argv[optind - 1] != last_arg)
		return bad("trace: %s", "no command after --");
	if (o->follow && !o->npids)
		return bad("trace: %s", "--follow needs --pid");
	if ((o->rot_bytes || o->rot_ns) && !o->wfile)
		return bad("trace: %s", "-C and -G need -w");
	if (o->rot_files && !o->rot_bytes && !o->rot_ns)
		return bad("trace: %s", "-W needs -C or -G");
	if (o->cmd && o->cgroup)
		return bad("trace: %s", "--cgroup and a command exclude each other");
	return 0;
}

/* ---- time ---- */

static int64_t ts_of(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Offset from CLOCK_MONOTONIC (bpf_ktime_get_ns) to CLOCK_REALTIME, taken once
 * so that packet times stay ordered even if the wall clock is stepped. The
 * narrowest of a few monotonic-realtime-monotonic sandwiches wins. */
static int64_t mono_to_real_offset(void)
{
	int64_t best_gap = INT64_MAX, off = 0;

	for (int i = 0; i < 5; i++) {
		int64_t m1 = ts_of(CLOCK_MONOTONIC);
		int64_t r = ts_of(CLOCK_REALTIME);
		int64_t m2 = ts_of(CLOCK_MONOTONIC);

		if (m2 - m1 < best_gap) {
			best_gap = m2 - m1;
			off = r - (m1 + (m2 - m1) / 2);
		}
	}
	return off;
}

/* ---- -w rotation ---- */

/* Name of rotation file i: FILE.NNNNNN, or BASE.NNNNNN.pcapng for a FILE
 * that ends in .pcapng, so that the files sort in order (within a -W ring:
 * by modification time). */
static int rot_name(const char *file, unsigned i, char *out, size_t len)
{
	size_t n = strlen(file);
	int r;

	if (n > 7 && strcmp(file + n - 7, ".pcapng") == 0)
		r = snprintf(out, len, "%.*s.%06u.pcapng", (int)(n - 7), file, i);
	else
		r = snprintf(out, len, "%s.%06u", file, i);
	return r < 0 || (size_t)r >= len ? -1 : 0;
}

static int rot_open(struct live *lv, char *err, size_t errlen)
{
	const struct trace_opts *o = lv->o;
	char name[PATH_MAX];
	unsigned i = o->rot_files ? lv->rot_index % o->rot_files : lv->rot_index;

	if (rot_name(o->wfile, i, name, sizeof(name)) < 0) {
		snprintf(err, errlen, "%s: name too long", o->wfile);
		return -1;
	}
	lv->p->writer = pcapng_writer_open(name, err, errlen);
	if (!lv->p->writer)
		return -1;
	lv->rot_index++;
	lv->rot_packets = 0;
	return 0;
}

/* Before writing a packet stamped ts: a new file if the current one is full
 * (-C) or old enough (-G). Each file is a whole pcapng: its own section
 * header and interface blocks. */
static int rot_check(struct live *lv, uint64_t ts)
{
	const struct trace_opts *o = lv->o;
	char err[512];

	if (!lv->p->writer || (!o->rot_bytes && !o->rot_ns))
		return 0;
	if (lv->rot_packets == 0)
		lv->rot_start_ns = ts;
	else if ((o->rot_bytes && pcapng_writer_size(lv->p->writer) >= o->rot_bytes) ||
		 (o->rot_ns && ts - lv->rot_start_ns >= o->rot_ns)) {
		if (pcapng_writer_close(lv->p->writer, err, sizeof(err)) < 0 ||
		    rot_open(lv, err, sizeof(err)) < 0) {
			lv->p->writer = NULL;
			snprintf(lv->p->err, sizeof(lv->p->err), "%s", err);
			return -1;
		}
		lv->rot_start_ns = ts;
	}
	lv->rot_packets++;
	return 0;
}

/* ---- records ---- */

static bool on_loopback(const struct ns_rec *r)
{
	return strncmp(r->ifname, "lo", sizeof(r->ifname)) == 0;
}

static uint64_t bytes_hash(const uint8_t *b, uint32_t n, uint32_t wire_len)
{
	uint64_t h = 1469598103934665603ull ^ wire_len;  /* FNV-1a */

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* A packet between two local sockets crosses lo once but passes both the
 * sender's egress hook and the receiver's ingress hook. Only its first
 * sighting is an event (as tcpdump -i lo shows it once), so that flows and
 * analysis count it once: the arrival of a packet whose departure was an
 * event is merged into it. Bytes are the same on both sides of lo (no
 * forwarding, checksums left as they were). true: drop this record. */
static bool lo_twin(struct live *lv, const struct ns_rec *r, const uint8_t *bytes)
{
	uint64_t h;
	unsigned k;

	if (!on_loopback(r))
		return false;
	h = bytes_hash(bytes, r->cap_len, r->wire_len);
	k = (unsigned)(h & (LO_SEEN - 1));
	if (r->direction == NS_REC_DIR_EGRESS) {
		/* a slot taken by an older unmatched packet is reused: that one
		 * then shows up twice, never not at all */
		lv->lo[k] = (struct lo_sent){ .hash = h, .ts_ns = r->ts_ns, .wire_len = r->wire_len };
		return false;
	}
	if (lv->lo[k].hash == h && lv->lo[k].wire_len == r->wire_len &&
	    r->ts_ns - lv->lo[k].ts_ns < LO_MAX_AGE_NS) {
		lv->lo[k].hash = 0;
		lv->lo_merged++;
		return true;
	}
	return false;
}

static bool selected(const struct trace_opts *o, const struct ns_rec *r)
{
	if (!o->npids && !o->ncomms)
		return true;
	for (unsigned i = 0; i < o->npids; i++)
		if (r->pid == o->pids[i])
			return true;
	for (unsigned i = 0; i < o->ncomms; i++)
		if (strncmp(r->comm, o->comms[i], NS_COMM_MAX - 1) == 0)
			return true;
	return false;
}

/* The kernel reads the device name in the packet's own namespace; only when
 * it could not, fall back to resolving the index in ours. */
static void set_iface(struct live *lv, const struct ns_rec *r, struct ns_ctx *ctx)
{
	if (r->ifname[0]) {
		memcpy(ctx->iface, r->ifname, NS_REC_IFNAME_LEN);
		ctx->iface[NS_REC_IFNAME_LEN - 1] = '\0';
		return;
	}
	ctx->iface[0] = '\0';
	if (r->ifindex == 0)
		return;
	if (r->ifindex < IFCACHE) {
		char *c = lv->ifcache[r->ifindex];

		if (!c[0] && !if_indextoname(r->ifindex, c))
			c[0] = '\0';
		strcpy(ctx->iface, c);
	} else if (!if_indextoname(r->ifindex, ctx->iface)) {
		ctx->iface[0] = '\0';
	}
}

static void rec_to_ctx(struct live *lv, const struct ns_rec *r, struct ns_ctx *ctx)
{
	uint64_t ts = r->ts_ns;

	/* The reader merges the rings in time order, but a record stamped more
	 * than its look-behind (MERGE_SLACK_NS, live_bpf.c) before it could be
	 * read (a program run preempted that long) comes after later ones: it
	 * gets the time of the last record, so that events and -w records stay
	 * in time order, and is counted. */
	if (ts < lv->last_ts) {
		lv->late++;
		if (lv->last_ts - ts > lv->late_max_ns)
			lv->late_max_ns = lv->last_ts - ts;
		ts = lv->last_ts;
	}
	lv->last_ts = ts;
	memset(ctx, 0, sizeof(*ctx));
	ctx->ts_ns = (uint64_t)((int64_t)ts + lv->mono_to_real);
	ctx->frame = lv->selected;
	ctx->wire_len = r->wire_len;
	ctx->direction = r->direction == NS_REC_DIR_INGRESS ? NS_DIR_INGRESS :
			 r->direction == NS_REC_DIR_EGRESS ? NS_DIR_EGRESS : NS_DIR_UNKNOWN;
	set_iface(lv, r, ctx);
	if (r->origin == NS_ORIGIN_KERNEL) {
		/* no user socket: the kernel sent or received it on its own */
		strcpy(ctx->task.comm, NS_KERNEL_COMM);
		return;
	}
	ctx->task.pid = r->pid;
	ctx->task.tid = r->tid;
	ctx->task.uid = r->uid;
	ctx->task.cgroup_id = r->cgroup_id;
	memcpy(ctx->task.comm, r->comm, NS_COMM_MAX);
	ctx->task.comm[NS_COMM_MAX - 1] = '\0';
	if (lv->pi && r->pid)
		ctx->task.proc = procinfo_get(lv->pi, r->pid, r->tid, r->cgroup_id, ctx->task.comm);
}

/* A record just read from its ring: its process's context is read from /proc
 * now, not when the record's turn comes (up to the merge's look-behind
 * later), so that a process that exits soon after its packets still has it. */
static void on_peek(void *arg, const void *data, size_t size)
{
	struct live *lv = arg;
	const struct ns_rec *r = data;
	char comm[NS_COMM_MAX];

	if (size < sizeof(*r) || r->origin == NS_ORIGIN_KERNEL || !r->pid || !selected(lv->o, r))
		return;
	memcpy(comm, r->comm, NS_COMM_MAX);
	comm[NS_COMM_MAX - 1] = '\0';
	procinfo_get(lv->pi, r->pid, r->tid, r->cgroup_id, comm);
}

static int on_record(void *arg, const void *data, size_t size)
{
	struct live *lv = arg;
	const struct ns_rec *r = data;
	const uint8_t *bytes = (const uint8_t *)data + sizeof(*r);
	struct ns_ctx ctx;

	lv->received++;
	if (size < sizeof(*r) || r->cap_len > size - sizeof(*r) ||
	    r->cap_len > r->wire_len) {
		lv->malformed++;
		return 0;
	}
	if (!selected(lv->o, r))
		return 0;
	if (lv->has_filt) {
		struct pcap_pkthdr h = { .caplen = r->cap_len, .len = r->wire_len };

		if (!pcap_offline_filter(&lv->filt, &h, bytes))
			return 0;
	}
	if (lo_twin(lv, r, bytes))
		return 0;
	lv->selected++;
	if (r->hook == NS_HOOK_DEV_QUEUE || r->hook == NS_HOOK_KFREE_TW)
		lv->timewait++;
	else if (r->hook == NS_HOOK_KFREE_NOSOCK)
		lv->nosocket++;
	rec_to_ctx(lv, r, &ctx);
	if (rot_check(lv, ctx.ts_ns) < 0) {
		lv->status = NS_PIPE_ERROR;
		return -ECANCELED;
	}
	lv->status = pipeline_packet(lv->p, &lv->src, bytes, r->cap_len, &ctx);
	/* a negative return stops the ring reader */
	return lv->status == NS_PIPE_OK ? 0 : -ECANCELED;
}

/* ---- drops ---- */

static const char *const drop_names[NS_DROP_NREASONS] = {
	[NS_DROP_RINGBUF] = "ring buffer full",
	[NS_DROP_NEST] = "too many runs at once on a CPU",
	[NS_DROP_CPU] = "CPU offline at start",
	[NS_DROP_LOAD] = "bytes unreadable",
};

static void report_drops(const struct live *lv, struct live_bpf *b)
{
	uint64_t by[NS_DROP_NREASONS];
	uint64_t lost = live_bpf_drops(b, by);

	fprintf(stderr, "netsift trace: %llu packets captured, %llu selected, %llu dropped by the kernel side",
		(unsigned long long)lv->received, (unsigned long long)lv->selected,
		(unsigned long long)lost);
	for (int k = 0; k < NS_DROP_NREASONS; k++)
		if (by[k])
			fprintf(stderr, "%s%s: %llu", k ? ", " : " (", drop_names[k],
				(unsigned long long)by[k]);
	if (by[0] || by[1] || by[2] || by[3])
		fputc(')', stderr);
	if (lv->malformed)
		fprintf(stderr, ", %llu malformed records", (unsigned long long)lv->malformed);
	if (lv->lo_merged)
		fprintf(stderr, ", %llu loopback arrivals merged with their departure",
			(unsigned long long)lv->lo_merged);
	if (lv->late)
		fprintf(stderr, ", %llu late records retimed by up to %llu us",
			(unsigned long long)lv->late,
			(unsigned long long)((lv->late_max_ns + 999) / 1000));
	if (procinfo_unresolved(lv->pi) || nsctx_overflow())
		fprintf(stderr, ", %llu threads without process context (exited before their first packet was read)",
			(unsigned long long)(procinfo_unresolved(lv->pi) + nsctx_overflow()));
	/* seen by tracepoints, not the cgroup hooks (bpf/netsift.bpf.c) */
	if (lv->timewait || lv->nosocket)
		fprintf(stderr, "; %llu of TIME_WAIT sockets, %llu that found no socket",
			(unsigned long long)lv->timewait, (unsigned long long)lv->nosocket);
	fputc('\n', stderr);
}

/* ---- set-up ---- */

/* ---- the traced command ---- */

struct child {
	pid_t pid;
	int go_fd;               /* write end: tells the child to exec */
	int err_fd;              /* read end: errno from a failed exec (CLOEXEC) */
	bool exited;
	int status;
};

/* Fork the command, stopped before exec until the programs are attached. */
static int child_fork(char **cmd, struct child *ch)
{
	int go[2], er[2];

	memset(ch, 0, sizeof(*ch));
	if (pipe2(go, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(er, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		char c;
		int e;

		close(go[1]);
		close(er[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (read(go[0], &c, 1) != 1)
			_exit(127);  /* the parent gave up */
		execvp(cmd[0], cmd);
		e = errno;
		if (write(er[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(er[1]);
	ch->go_fd = go[1];
	ch->err_fd = er[0];
	return 0;
}

/* Let it exec; returns the exec errno, 0 when it started. */
static int child_start(struct child *ch)
{
	int e = 0;
	ssize_t n;

	if (write(ch->go_fd, "g", 1) != 1)
		return EPIPE;
	close(ch->go_fd);
	ch->go_fd = -1;
	n = read(ch->err_fd, &e, sizeof(e));  /* EOF: exec closed it */
	close(ch->err_fd);
	ch->err_fd = -1;
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static void child_poll(struct child *ch)
{
	int st;

	if (ch->pid > 0 && !ch->exited && waitpid(ch->pid, &st, WNOHANG) == ch->pid) {
		ch->exited = true;
		ch->status = st;
	}
}

static int child_exit_code(const struct child *ch)
{
	if (WIFEXITED(ch->status))
		return WEXITSTATUS(ch->status);
	if (WIFSIGNALED(ch->status))
		return 128 + WTERMSIG(ch->status);
	return 1;
}

/* ---- the run ---- */

static int setup_output(struct live *lv, struct outbuf *ob, const struct trace_opts *o)
{
	struct pipeline *p = lv->p;
	char err[2048];

	if (ob_init(ob, STDOUT_FILENO, OB_DEFAULT_CAP) < 0)
		return fail("trace: %s", strerror(errno));
	pipeline_init(p, ob);
	if (ns_out_open(&p->out, o->fmt ? o->fmt : &ns_output_json, ob) < 0)
		return fail("trace: %s", strerror(p->out.err));
	p->events = NS_EV_DEFAULT;
	if (o->events && ns_events_parse(o->events, &p->events, err, sizeof(err)) < 0)
		return fail("trace: %s", err);
	p->max_frames = o->count;
	p->filter = NULL;  /* applied in on_record, see the top of this file */
	p->emit = !(o->wfile && !o->fmt);
	if (o->filter) {
		/* the live bytes start at the IP header: LINKTYPE_RAW */
		pcap_t *dead = pcap_open_dead(DLT_RAW, (int)o->snaplen);
		int rc;

		if (!dead)
			return fail("trace: %s", "out of memory");
		rc = pcap_compile(dead, &lv->filt, o->filter, 1, PCAP_NETMASK_UNKNOWN);
		if (rc < 0) {
			snprintf(err, sizeof(err), "%s", pcap_geterr(dead));
			pcap_close(dead);
			fprintf(stderr, "netsift trace: bad filter expression \"%s\": %s\n",
				o->filter, err);
			return 1;
		}
		pcap_close(dead);
		lv->has_filt = true;
	}
	if (o->wfile && (o->rot_bytes || o->rot_ns)) {
		if (rot_open(lv, err, sizeof(err)) < 0)
			return fail("trace: %s", err);
	} else if (o->wfile) {
		p->writer = pcapng_writer_open(o->wfile, err, sizeof(err));
		if (!p->writer)
			return fail("trace: %s", err);
	}
	ns_source_init(&lv->src, NS_LINK_NONE, LINKTYPE_RAW_IP, o->snaplen, "live");
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: poll() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);   /* EPIPE from write() ends the run instead */
}

/* Seconds a command's processes get between the signal we pass on and
 * cgroup.kill, and then for the kill to take effect. */
#define GRACE_NS 2000000000LL

/* The end of a `-- COMMAND` trace: the command has exited and no process is
 * left in its cgroup (children it started in the background keep the trace
 * going, like strace -f). On SIGINT/SIGTERM/SIGHUP every process in the
 * cgroup gets the signal; whatever still runs GRACE_NS later is killed with
 * cgroup.kill, so nothing leaves the trace alive. */
struct cmd_state {
	struct child *ch;
	const char *cgdir;
	int stage;               /* 0 running, 1 signalled, 2 killed */
	int64_t deadline;
};

/* true when the command's trace is over */
static bool cmd_over(struct cmd_state *cs)
{
	int64_t now = ts_of(CLOCK_MONOTONIC);

	child_poll(cs->ch);
	if (cs->ch->exited && cg_populated(cs->cgdir) != 1)
		return true;
	if (stop_signal && cs->stage == 0) {
		cg_signal(cs->cgdir, stop_signal);
		cs->stage = 1;
		cs->deadline = now + GRACE_NS;
	} else if (cs->stage == 1 && now > cs->deadline) {
		cg_kill(cs->cgdir);
		cs->stage = 2;
		cs->deadline = now + GRACE_NS;
	} else if (cs->stage == 2 && now > cs->deadline) {
		return true;  /* unkillable (D state): give up, bounded */
	}
	return false;
}

/* --pid without --follow: over when every listed process has exited. pidfds
 * become readable when their process ends (zombies included). */
struct pid_watch {
	int fds[MAX_PIDS];
	unsigned n;
};

static void pids_watch(struct pid_watch *w, const struct trace_opts *o)
{
	w->n = 0;
	if (o->follow)
		return;
	for (unsigned i = 0; i < o->npids; i++) {
		int fd = (int)syscall(SYS_pidfd_open, (pid_t)o->pids[i], 0);

		/* ESRCH: already gone; other errors: cannot watch, trace on */
		if (fd >= 0)
			w->fds[w->n++] = fd;
		else if (errno != ESRCH)
			w->fds[w->n++] = -1;
	}
}

static bool pids_over(struct pid_watch *w)
{
	bool any = false;

	for (unsigned i = 0; i < w->n; i++) {
		struct pollfd p = { .fd = w->fds[i], .events = POLLIN };

		if (w->fds[i] < 0)
			return false;
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP)))
			continue;
		any = true;
	}
	return !any;
}

static void pids_close(struct pid_watch *w)
{
	for (unsigned i = 0; i < w->n; i++)
		if (w->fds[i] >= 0)
			close(w->fds[i]);
	w->n = 0;
}

/* Poll until a signal, -c, a closed stdout, the end of the command and its
 * processes, or the exit of every --pid process. */
static void run_loop(struct live *lv, struct live_bpf *b, struct cmd_state *cs,
		     struct pid_watch *pw)
{
	uint64_t by[NS_DROP_NREASONS], warned = 0;
	int64_t next_check = ts_of(CLOCK_MONOTONIC) + 1000000000;

	for (;;) {
		int n = live_bpf_poll(b, LIVE_POLL_MS);

		if (lv->status != NS_PIPE_OK || pipeline_done(lv->p))
			break;
		if (n < 0 && n != -EINTR)
			break;
		if (cs) {
			if (cmd_over(cs)) {
				/* its last packets may still be in the buffer */
				live_bpf_consume(b);
				break;
			}
		} else if (stop_signal || (pw->n && pids_over(pw))) {
			live_bpf_consume(b);
			break;
		}
		if (ts_of(CLOCK_MONOTONIC) > next_check) {
			uint64_t lost = live_bpf_drops(b, by);

			/* never silent: say so as soon as the kernel drops */
			if (lost > warned) {
				fprintf(stderr, "netsift trace: warning: %llu packets dropped so far (ring buffer full: output too slow? try -B)\n",
					(unsigned long long)lost);
				warned = lost;
			}
			next_check = ts_of(CLOCK_MONOTONIC) + 1000000000;
		}
		if (lv->status == NS_PIPE_OK) {
			ob_flush(lv->p->ob);
			/* -w -: the packets of this wake-up out now too (a
			 * file is left to its buffer) */
			if (lv->p->writer && strcmp(lv->o->wfile, "-") == 0)
				pcapng_writer_flush(lv->p->writer);
		}
	}
}

static int trace_run(struct trace_opts *o)
{
	static struct pipeline pipe_state;  /* large: keep it off the stack */
	struct live *lv;
	struct ns_flowout *flowout = NULL;
	struct outbuf ob;
	struct live_bpf *b = NULL;
	struct child ch = { .pid = -1, .go_fd = -1, .err_fd = -1 };
	struct procsock_stats ps;
	struct pid_watch pw = { .n = 0 };
	char mount[1024], cgdir[4200], err[512];
	bool made_cgroup = false;
	int cg_fd = -1, rc = 1, e, exec_failed = 0;

	if (geteuid() != 0)
		return fail("trace: %s", "needs root (loads eBPF programs and attaches them to cgroups)");
	if (cg_find_mount(mount, sizeof(mount)) < 0)
		return fail("trace: %s", "no cgroup v2 hierarchy mounted (no cgroup2 entry in /proc/mounts)");
	/* from here on a signal ends the run through the normal exit path, so
	 * the command's cgroup is removed and the -w file completed */
	install_signals();
	lv = calloc(1, sizeof(*lv));
	if (!lv)
		return fail("trace: %s", strerror(errno));
	lv->o = o;
	lv->p = &pipe_state;
	lv->pi = procinfo_new(mount);
	if (!lv->pi) {
		free(lv);
		return fail("trace: %s", strerror(errno));
	}
	memset(&ob, 0, sizeof(ob));

	if (setup_output(lv, &ob, o) != 0)
		goto out;
	/* flow and DNS events: the same consumer as `netsift read` (not with
	 * -w alone: nothing would print them) */
	if (lv->p->emit && ns_flowout_wanted(lv->p->events)) {
		struct ns_consumer fc;

		flowout = ns_flowout_new(&o->flow, lv->p->events, err, sizeof(err));
		if (!flowout) {
			fail("trace: %s", err);
			goto out;
		}
		fc = ns_flowout_consumer(flowout);
		pipeline_add_consumer(lv->p, &fc);
	}
	b = live_bpf_open(o->snaplen, o->ring_kib, o->verbose, !o->cmd && !o->cgroup,
			  on_record, lv, err, sizeof(err));
	if (!b) {
		fail("trace: %s", err);
		goto out;
	}
	live_bpf_set_peek(b, on_peek, lv);

	{
		int stale = cg_remove_stale(mount);

		if (stale && o->verbose)
			fprintf(stderr, "netsift: removed %d empty cgroups of tracers that are gone\n", stale);
	}
	if (o->cmd) {
		if (cg_create(mount, cgdir, sizeof(cgdir)) < 0) {
			fail("trace: cannot create a cgroup under %s", mount);
			goto out;
		}
		made_cgroup = true;
		if (child_fork(o->cmd, &ch) < 0 || cg_move(cgdir, ch.pid) < 0) {
			fail("trace: cannot start the command in %s", cgdir);
			goto out;
		}
	} else if (o->cgroup) {
		if (cg_resolve(mount, o->cgroup, cgdir, sizeof(cgdir), err, sizeof(err)) < 0) {
			fail("trace: %s", err);
			goto out;
		}
	} else {
		snprintf(cgdir, sizeof(cgdir), "%s", mount);
	}
	cg_fd = open(cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0) {
		fail("trace: cannot open cgroup %s", cgdir);
		goto out;
	}
	if (live_bpf_attach(b, cg_fd, err, sizeof(err)) < 0) {
		fprintf(stderr, "netsift trace: cgroup %s: %s\n", cgdir, err);
		goto out;
	}
	if (!o->cmd) {
		procsock_scan(live_bpf_owner_map(b), mount, &ps);
		if (o->verbose)
			fprintf(stderr, "netsift trace: %u existing sockets of %u processes attributed (%u failed)\n",
				ps.sockets, ps.processes, ps.failed);
	}
	lv->mono_to_real = mono_to_real_offset();
	if (o->verbose)
		fprintf(stderr, "netsift trace: tracing cgroup %s\n", cgdir);
	if (o->cmd) {
		e = child_start(&ch);
		if (e) {
			fprintf(stderr, "netsift trace: cannot run %s: %s\n", o->cmd[0], strerror(e));
			waitpid(ch.pid, NULL, 0);
			ch.pid = -1;
			/* as env(1), timeout(1) and the shells: 127 not found, 126
			 * found but not runnable */
			exec_failed = e == ENOENT || e == ENOTDIR ? 127 : 126;
			goto out;
		}
	}
	/* The reader works in batches (the kernel side wakes it per 1/16 of a
	 * ring, or every LIVE_POLL_MS): as SCHED_BATCH its wake-ups do not
	 * preempt the traced processes, while its share of CPU time stays what
	 * it was. The command was forked before this and keeps its policy. */
	{
		struct sched_param sp = { .sched_priority = 0 };

		if (sched_setscheduler(0, SCHED_BATCH, &sp) < 0 && o->verbose)
			fprintf(stderr, "netsift trace: cannot switch to SCHED_BATCH: %s\n", strerror(errno));
	}
	{
		struct cmd_state cs = { .ch = &ch, .cgdir = cgdir };

		pids_watch(&pw, o);
		run_loop(lv, b, o->cmd ? &cs : NULL, &pw);
		pids_close(&pw);
	}
	rc = 0;
	if (lv->status == NS_PIPE_ERROR) {
		fprintf(stderr, "netsift trace: %s\n", lv->p->err);
		rc = 1;
	}
out:
	/* counts first, then detach: nothing runs in the kernel for us after */
	if (b && rc == 0)
		report_drops(lv, b);
	live_bpf_close(b);
	if (cg_fd >= 0)
		close(cg_fd);
	if (lv->p->ob) {
		pipeline_finish(lv->p);
		ns_flowout_free(flowout);
		if (lv->p->writer && pcapng_writer_close(lv->p->writer, err, sizeof(err)) < 0) {
			fprintf(stderr, "netsift trace: %s\n", err);
			rc = 1;
		}
		lv->p->writer = NULL;
		if (ob.err && ob.err != EPIPE) {
			fprintf(stderr, "netsift trace: writing output: %s\n", strerror(ob.err));
			rc = 1;
		}
	}
	if (ch.pid > 0) {
		if (!ch.exited) {
			if (ch.go_fd >= 0)
				close(ch.go_fd);  /* never started: it exits */
			else if (stop_signal)
				kill(ch.pid, SIGKILL);  /* ignored our signal for 2 s */
			waitpid(ch.pid, &ch.status, 0);
			ch.exited = true;
		}
		if (rc == 0)
			rc = child_exit_code(&ch);
	}
	if (exec_failed)
		rc = exec_failed;
	if (made_cgroup && cg_remove(mount, cgdir) < 0)
		fprintf(stderr, "netsift trace: could not remove cgroup %s: %s\n", cgdir, strerror(errno));
	if (lv->has_filt)
		pcap_freecode(&lv->filt);
	ns_source_free(&lv->src);
	ob_free(&ob);
	procinfo_free(lv->pi);
	free(lv);
	return rc;
}

/* Bad -e or -f are usage errors (status 2), found before anything is loaded. */
static int check_usage(const struct trace_opts *o)
{
	char err[2048];
	uint32_t mask;

	if (o->events && ns_events_parse(o->events, &mask, err, sizeof(err)) < 0)
		return bad("trace: %s", err);
	if (o->events && (mask & NS_EV_TCP_ANALYSIS))
		return bad("trace: %s", "net_tcp_analysis is not available with trace "
			   "(netsift read --analysis on a capture)");
	if (o->filter) {
		struct bpf_program prog;
		pcap_t *dead = pcap_open_dead(DLT_RAW, (int)o->snaplen);

		if (!dead)
			return bad("trace: %s", "out of memory");
		if (pcap_compile(dead, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			fprintf(stderr, "netsift trace: bad filter expression \"%s\": %s\n",
				o->filter, pcap_geterr(dead));
			pcap_close(dead);
			return -1;
		}
		pcap_freecode(&prog);
		pcap_close(dead);
	}
	return 0;
}

/* A --pid that names no process would trace nothing until interrupted: say so.
 * (A process that exits later just stops producing packets.) */
static int check_pids_exist(const struct trace_opts *o)
{
	for (unsigned i = 0; i < o->npids; i++)
		if (kill((pid_t)o->pids[i], 0) < 0 && errno == ESRCH)
			return bad("trace: no process with pid %u", (unsigned)o->pids[i]);
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;

	if (parse_opts(argc, argv, &o) < 0 || check_usage(&o) < 0)
		return 2;
	if (check_pids_exist(&o) < 0)
		return 1;
	return trace_run(&o);
}
