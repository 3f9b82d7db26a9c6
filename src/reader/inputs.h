/* Several capture files read as one capture (rotated files, tcpdump -C/-G/-W):
 * one pipeline over all of them, frame numbers going on from file to file,
 * flows and analysis not cut at a file's end; or, with --merge, the records
 * of all files interleaved by timestamp as mergecap(1) does. Also the
 * progress line on a terminal and the flush of the output whenever a
 * streaming input would make us wait. */
#ifndef NETSIFT_INPUTS_H
#define NETSIFT_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline.h"

struct ns_inputs_opts {
	const char *cmd;         /* "read", "analyze": the progress line's prefix */
	bool merge;              /* interleave by timestamp */
	bool name_files;         /* events name their file (ctx.file) */
	bool progress;           /* the progress line on stderr */
	/* error lines (without "netsift CMD: "), in order, after the output
	 * that came before them was flushed */
	void (*report)(void *arg, const char *msg);
	void *report_arg;
};

/* Read paths[0..n) through p (pipeline_end_source is the caller's, once).
 * An input that cannot be opened or read to its end is reported and the
 * others are still read. 0, or -1 if any input failed. */
int ns_read_inputs(struct pipeline *p, char *const *paths, size_t n,
		   const struct ns_inputs_opts *o);

/* Should a progress line be shown (stderr a terminal, stdout not the same
 * terminal)? NETSIFT_PROGRESS=1 forces it on, =0 off (documented in
 * netsift(1) for tests and scripts). */
bool ns_progress_wanted(void);

#endif
