/* analyze --threads N: one reader, N analysis workers that own connections
 * by hash, the report byte for byte that of one thread. See an_threads.c. */
#ifndef NETSIFT_AN_THREADS_H
#define NETSIFT_AN_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

enum ns_ant_format { NS_ANT_JSON, NS_ANT_TEXT };

struct ns_ant;

/* nworkers >= 2. out: the report's output (its input_begin already run);
 * max_conns as for ns_an_set_max_conns, shared out among the workers.
 * NULL when out of memory or a thread cannot start. */
struct ns_ant *ns_ant_new(unsigned nworkers, struct ns_out *out, enum ns_ant_format fmt,
			  bool acks, size_t max_conns);
/* The pipeline consumer that hands packets to the workers; its end_source
 * ends the analysis, waits for the workers and ends the report. */
struct ns_consumer ns_ant_consumer(struct ns_ant *t);
/* As ns_an_set_capture_cut, before the end of the input. */
void ns_ant_set_capture_cut(struct ns_ant *t, uint64_t frame);
uint64_t ns_ant_evicted(const struct ns_ant *t);
uint64_t ns_ant_nomem(const struct ns_ant *t);
void ns_ant_free(struct ns_ant *t);

#endif
