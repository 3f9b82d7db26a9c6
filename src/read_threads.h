/* read --threads N: the reading thread runs the pipeline as with one thread
 * (filter, dissect, direction, -w, reassembly, flows, DNS, --analysis); only
 * the rendering of packet events (-o json) is handed to N-1 workers, in
 * batches written to standard output in order, so the output is byte for
 * byte that of one thread. See read_threads.c. */
#ifndef NETSIFT_READ_THREADS_H
#define NETSIFT_READ_THREADS_H

#include <stdint.h>

#include "pipeline.h"

struct ns_rt;

/* nthreads >= 2. From now on p->ob and p->out.ob are the reader's batch
 * buffer (consumers write there as before); standard output's outbuf (the
 * p->ob given, empty) gets the batches in order. NULL when out of memory
 * or a thread cannot start (p is then unchanged). */
struct ns_rt *ns_rt_new(unsigned nthreads, struct pipeline *p);
/* The frame just dissected into pkt (data, caplen, its link type and its
 * ctx with the direction decided) yields the packet events sel: rendered
 * later by a worker, or now when the workers are behind, in its place among
 * what consumers write. Returns the number of events, as the format's
 * packet() does. */
unsigned ns_rt_frame(struct ns_rt *t, enum ns_linktype lt, const uint8_t *data,
		     uint32_t caplen, const struct ns_ctx *ctx, const struct ns_packet *pkt,
		     uint32_t sel);
/* Everything so far written to standard output (before an error message);
 * a write error shows in p->ob->err. */
void ns_rt_sync(struct ns_rt *t);
/* The last batch written, the workers stopped; p->ob and p->out.ob are
 * standard output's outbuf again, with its err set by the batches' writes.
 * At the end of the input (pipeline_end_source); again is a no-op. */
void ns_rt_end(struct ns_rt *t);
/* After ns_rt_end. */
void ns_rt_free(struct ns_rt *t);

#endif
