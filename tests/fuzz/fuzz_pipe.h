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

/* One per harness (static): the output buffer, the flow/DNS consumer and
 * the reassembly table are made once and reset between inputs rather than
 * allocated (and, under ASan, cleared and poisoned) anew each time: about
 * 100 KiB per input, most of the packet harnesses' time. The reset gives
 * the same state as new ones (empty tables, zero counters), so an input
 * does the same thing whatever ran before it. */
struct fz_pipe {
	struct pipeline p;
	struct outbuf ob;
	bool ob_ready;
	struct ns_flowout *fo;
	unsigned fo_flags;       /* the flags fo was made with (bit 3) */
	struct ns_reasm *reasm;  /* emptied, between inputs */
	bool ok;
};

static inline struct ns_flowout *fz_flowout(struct fz_pipe *z, unsigned flags)
{
	struct ns_flowout_opts fopt;
	char err[256];

	if (z->fo && z->fo_flags == (flags & 8) && ns_flowout_reset(z->fo) == 0)
		return z->fo;
	ns_flowout_free(z->fo);
	memset(&fopt, 0, sizeof(fopt));
	if (!(flags & 8)) {
		fopt.max_flows = 8;      /* evictions after a few flows */
		fopt.dns_cache_max = 4;
	}
	z->fo_flags = flags & 8;
	z->fo = ns_flowout_new(&fopt, NS_EV_PACKET_ALL | NS_EV_FLOW_ALL | NS_EV_DNS,
			       err, sizeof(err));
	return z->fo;
}

/* flags: bit 0 table (else JSON), bit 1 the --analysis consumer, bit 2 no
 * flow consumer, bit 3 flows with the default table sizes. */
static inline bool fz_pipe_open(struct fz_pipe *z, unsigned flags)
{
	struct ns_consumer c;

	z->ok = false;
	if (!z->ob_ready) {
		if (ob_init(&z->ob, fz_devnull(), 64 * 1024) < 0)
			return false;
		z->ob_ready = true;
	}
	pipeline_init(&z->p, &z->ob);
	z->p.reasm = z->reasm;
	z->reasm = NULL;
	if (ns_out_open(&z->p.out, (flags & 1) ? &ns_output_table : &ns_output_json,
			&z->ob) < 0) {
		z->reasm = z->p.reasm;
		return false;
	}
	z->p.events = NS_EV_PACKET_ALL | NS_EV_FLOW_ALL | NS_EV_DNS;
	if (!(flags & 4) && fz_flowout(z, flags)) {
		c = ns_flowout_consumer(z->fo);
		pipeline_add_consumer(&z->p, &c);
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
	if (z->p.reasm) {        /* kept, empty, for the next input */
		ns_reasm_clear(z->p.reasm);
		z->reasm = z->p.reasm;
		z->p.reasm = NULL;
	}
	pipeline_finish(&z->p);
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
