/* Reading several inputs as one capture (see inputs.h). */
#include "inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pcapng.h"
#include "reader.h"

/* ---- flushing when an input would block ---- */

/* A streaming input is about to wait: what was decoded so far goes out
 * now, events and the -w file both (a `tcpdump -U -w - | netsift read -`
 * pipeline shows each packet at once). */
static void on_idle(void *arg)
{
	struct pipeline *p = arg;

	pipeline_sync(p);
	if (p->writer)
		pcapng_writer_flush(p->writer);
}

/* ---- progress ---- */

bool ns_progress_wanted(void)
{
	const char *e = getenv("NETSIFT_PROGRESS");

	if (e && *e)
		return strcmp(e, "0") != 0;
	/* on a terminal the events themselves show the progress */
	return isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
}

struct progress {
	bool on, shown;
	const char *cmd;
	uint64_t total;          /* bytes of all inputs, 0 if unknown (a pipe) */
	uint64_t done_before;    /* bytes of the inputs already finished */
	uint64_t start_ns, next_ns;
	unsigned tick;
};

/* First line after this long, then this often. NETSIFT_PROGRESS_DELAY_MS
 * moves the first (tests use 0). */
#define PROGRESS_DELAY_NS 1000000000ull
#define PROGRESS_EVERY_NS 250000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void progress_init(struct progress *pr, const struct ns_inputs_opts *o,
			  char *const *paths, size_t n)
{
	const char *d = getenv("NETSIFT_PROGRESS_DELAY_MS");

	memset(pr, 0, sizeof(*pr));
	pr->on = o->progress;
	pr->cmd = o->cmd;
	if (!pr->on)
		return;
	pr->start_ns = now_ns();
	pr->next_ns = pr->start_ns + (d && *d ? strtoull(d, NULL, 10) * 1000000u
				      : PROGRESS_DELAY_NS);
	/* the ETA needs the size of everything to read: regular files only */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		int r = strcmp(paths[i], "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(paths[i], &st);
		if (r == 0 && S_ISREG(st.st_mode)) {
			pr->total += (uint64_t)st.st_size;
		} else {
			pr->total = 0;   /* a pipe: no end known, no ETA */
			break;
		}
	}
}

static void human(char *buf, size_t len, double v)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	unsigned i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", v, unit[i]);
}

static void progress_show(struct progress *pr, uint64_t bytes, uint64_t frames, bool last)
{
	uint64_t t = now_ns();
	double secs = (double)(t - pr->start_ns) / 1e9, rate;
	char b[32], tot[48], r[32], eta[64] = "";

	if (!last && t < pr->next_ns)
		return;
	pr->next_ns = t + PROGRESS_EVERY_NS;
	rate = secs > 0 ? (double)bytes / secs : 0;
	human(b, sizeof(b), (double)bytes);
	human(r, sizeof(r), rate);
	if (pr->total && rate > 0 && bytes <= pr->total) {
		unsigned long long left = (unsigned long long)((double)(pr->total - bytes) / rate);
		snprintf(eta, sizeof(eta), ", ETA %llu:%02llu", left / 60, left % 60);
		char tt[32];
		human(tt, sizeof(tt), (double)pr->total);
		snprintf(tot, sizeof(tot), " of %s", tt);
	} else {
		tot[0] = '\0';
	}
	/* \r and erase to the end of the line: one line, rewritten */
	fprintf(stderr, "\rnetsift %s: %s%s read, %llu packets, %s/s%s\033[K", pr->cmd, b, tot,
		(unsigned long long)frames, r, eta);
	fflush(stderr);
	pr->shown = true;
}

static void progress_tick(struct progress *pr, struct ns_capture *const *caps, size_t n,
			  const struct pipeline *p)
{
	uint64_t bytes = pr->done_before;

	/* the clock is read every 1024 packets only */
	if (!pr->on || (++pr->tick & 1023) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (caps[i])
			bytes += ns_capture_pos(caps[i]);
	progress_show(pr, bytes, p->st.frames, false);
}

static void progress_end(struct progress *pr)
{
	if (pr->shown) {
		fputs("\r\033[K", stderr);   /* leave the terminal as it was */
		fflush(stderr);
	}
}

/* ---- reading ---- */

struct reading {
	struct pipeline *p;
	const struct ns_inputs_opts *o;
	struct progress pr;
	uint64_t frame;          /* the last frame number given */
	bool failed;
	char err[1024];
};

static void fail(struct reading *rd, const char *msg)
{
	pipeline_sync(rd->p);
	if (rd->pr.shown) {
		fputs("\r\033[K", stderr);
		rd->pr.shown = false;
	}
	if (!rd->p->ob->err)
		rd->o->report(rd->o->report_arg, msg);
	rd->failed = true;
}

/* One record through the pipeline. false: stop everything. */
static bool run_record(struct reading *rd, struct ns_capture *c, struct ns_capture_rec *rec)
{
	struct pipeline *p = rd->p;
	int pr;

	rec->ctx.frame = ++rd->frame;
	rec->ctx.file = rd->o->name_files ? c->path : NULL;
	pr = pipeline_packet(p, rec->src, rec->data, rec->caplen, &rec->ctx);
	if (pr == NS_PIPE_ERROR) {
		snprintf(rd->err, sizeof(rd->err), "%s", p->err);
		fail(rd, rd->err);
		return false;
	}
	return pr != NS_PIPE_STOP;
}

static struct ns_capture *open_one(struct reading *rd, const char *path)
{
	struct ns_capture *c = ns_capture_open(path, on_idle, rd->p, rd->err, sizeof(rd->err));

	if (!c)
		fail(rd, rd->err);
	return c;
}

/* One file after the other. */
static void read_in_turn(struct reading *rd, char *const *paths, size_t n)
{
	struct ns_capture_rec rec;

	for (size_t i = 0; i < n && !pipeline_done(rd->p); i++) {
		struct ns_capture *c;
		bool go = true;
		int r;

		if (!(c = open_one(rd, paths[i])))
			continue;
		while (go && (r = ns_capture_next(c, rd->frame + 1, &rec, rd->err,
						  sizeof(rd->err))) == 1) {
			go = run_record(rd, c, &rec);
			progress_tick(&rd->pr, &c, 1, rd->p);
		}
		if (go && r < 0)
			fail(rd, rd->err);
		rd->pr.done_before += ns_capture_pos(c);
		ns_capture_close(c);
		if (!go)
			break;
	}
}

/* All files at once, the earliest record first; on equal timestamps the
 * file named first (mergecap's order: wiretap/merge.c takes the earliest
 * and, among equals, the first input). A handful of files: a linear scan
 * beats a heap. */
static void read_merged(struct reading *rd, char *const *paths, size_t n)
{
	struct ns_capture **caps = calloc(n, sizeof(*caps));
	struct ns_capture_rec *recs = calloc(n, sizeof(*recs));
	bool *have = calloc(n, sizeof(*have));

	if (!caps || !recs || !have) {
		fail(rd, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		caps[i] = open_one(rd, paths[i]);
	for (;;) {
		size_t best = n;

		for (size_t i = 0; i < n; i++) {
			if (caps[i] && !have[i]) {
				int r = ns_capture_next(caps[i], rd->frame + 1, &recs[i], rd->err,
							sizeof(rd->err));
				if (r == 1) {
					have[i] = true;
				} else {
					if (r < 0)
						fail(rd, rd->err);
					rd->pr.done_before += ns_capture_pos(caps[i]);
					ns_capture_close(caps[i]);
					caps[i] = NULL;
				}
			}
			if (have[i] && (best == n || recs[i].ctx.ts_ns < recs[best].ctx.ts_ns))
				best = i;
		}
		if (best == n)
			break;
		have[best] = false;
		if (!run_record(rd, caps[best], &recs[best]))
			break;
		progress_tick(&rd->pr, caps, n, rd->p);
	}
out:
	if (caps)
		for (size_t i = 0; i < n; i++)
			ns_capture_close(caps[i]);
	free(caps);
	free(recs);
	free(have);
}

int ns_read_inputs(struct pipeline *p, char *const *paths, size_t n,
		   const struct ns_inputs_opts *o)
{
	struct reading rd;

	memset(&rd, 0, sizeof(rd));
	rd.p = p;
	rd.o = o;
	progress_init(&rd.pr, o, paths, n);
	if (o->merge && n > 1)
		read_merged(&rd, paths, n);
	else
		read_in_turn(&rd, paths, n);
	progress_end(&rd.pr);
	return rd.failed ? -1 : 0;
}
