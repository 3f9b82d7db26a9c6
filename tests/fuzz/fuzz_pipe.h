/* A `netsift read` pipeline for the harnesses: every event selected, output
 * in the chosen format to /dev/null, the flow/DNS consumer with small tables
 * (so their eviction paths run) and optionally the --analysis consumer. */
#ifndef NETSIFT_FUZZ_PIPE_H
#define NETSIFT_FUZZ_PIPE_H

#include "fuzz.h"
#include "analyze/analyze.h"
#include "events.h"
#include "flow/out_flow.h"
#include "outbuf.h"
#include "output/output.h"
#include "pipeline.h"
#include "reader/inputs.h"

struct fz_pipe {
	struct pipeline p;
	struct outbuf ob;
	struct ns_flowout *fo;
	bool ok;
};

/* flags: bit 0 table (else JSON), bit 1 the --analysis consumer, bit 2 no
 * flow consumer, bit 3 flows with the default table sizes. */
static inline bool fz_pipe_open(struct fz_pipe *z, unsigned flags)
{
	struct ns_flowout_opts fopt;
	struct ns_consumer c;
	char err[256];

	memset(&fopt, 0, sizeof(fopt));
	z->ok = false;
	z->fo = NULL;
	if (ob_init(&z->ob, fz_devnull(), 64 * 1024) < 0)
		return false;
	pipeline_init(&z->p, &z->ob);
	if (ns_out_open(&z->p.out, (flags & 1) ? &ns_output_table : &ns_output_json,
			&z->ob) < 0) {
		ob_free(&z->ob);
		return false;
	}
	z->p.events = NS_EV_PACKET_ALL | NS_EV_FLOW_ALL | NS_EV_DNS;
	if (!(flags & 4)) {
		if (!(flags & 8)) {
			fopt.max_flows = 8;      /* evictions after a few flows */
			fopt.dns_cache_max = 4;
		}
		z->fo = ns_flowout_new(&fopt, z->p.events, err, sizeof(err));
		if (z->fo) {
			c = ns_flowout_consumer(z->fo);
			pipeline_add_consumer(&z->p, &c);
		}
	}
	if ((flags & 2) && ns_an_read_consumer(&c) == 0)
		pipeline_add_consumer(&z->p, &c);
	z->ok = true;
	return true;
}

static inline void fz_pipe_close(struct fz_pipe *z)
{
	if (!z->ok)
		return;
	pipeline_end_source(&z->p);
	pipeline_finish(&z->p);
	ns_flowout_free(z->fo);
	ob_free(&z->ob);
	z->ok = false;
}

/* One capture through the pipeline as `netsift read FILE` reads it
 * (src/reader/inputs.c); error lines are dropped. */
static inline void fz_report_none(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static inline void fz_read(struct pipeline *p, const char *path)
{
	char *paths[1] = { (char *)path };
	struct ns_inputs_opts io = { .cmd = "fuzz", .report = fz_report_none };

	(void)ns_read_inputs(p, paths, 1, &io);   /* fz_pipe_close ends the source */
}

#endif
