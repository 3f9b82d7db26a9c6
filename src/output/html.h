/* The HTML output format (`analyze -o html`, `analyze --report FILE`,
 * `analyze --plot STREAM`): one self-contained page, inline SVG and CSS and a
 * few lines of inline JavaScript (table sorting), nothing fetched.
 *
 * html.c: the format (selection of the connections to draw, the overview,
 * the page); html_svg.c: the graphs of one connection from its per-packet
 * record (src/analyze/timeseq.h).
 */
#ifndef NETSIFT_OUTPUT_HTML_H
#define NETSIFT_OUTPUT_HTML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/output.h"

struct ns_an_conn;
struct ts_conn;
struct ns_stats;

/* Graphs drawn for problem connections at most (the first ones to end);
 * the others keep their verdict and table row. */
#define HTML_MAX_PROBLEM_GRAPHS 50
/* Rows of the all-connections table at most. */
#define HTML_MAX_ROWS 20000
/* Problem connections listed with their verdict at most. */
#define HTML_MAX_VERDICTS 2000
/* Marks per graph before decimation merges those in one pixel column. */
#define HTML_MAX_POINTS 2500

struct html_opts {
	unsigned top;            /* graphs for the N largest other connections */
	bool plot;               /* --plot: only stream's graph, as standalone SVG */
	uint64_t plot_stream;
	bool plot_found;         /* set by the format: the stream was there */
	const struct ns_stats *stats;  /* the pipeline's counters (capture facts) */
};

/* Give an open html output its options (before any input). */
void out_html_configure(struct ns_out *o, struct html_opts *opts);

/* ---- html_svg.c ---- */
/* The time-sequence graph of c's main data direction (the one that sent more
 * payload): a complete <svg> element; standalone adds the XML namespace
 * and its own style sheet (a file of its own). False when out of memory
 * (a line of it is missing). */
bool html_tseq_svg(FILE *fp, const struct ns_an_conn *c, const struct ts_conn *t, bool standalone);
/* The three small graphs (throughput, RTT samples, bytes in flight); false
 * as above. */
bool html_small_svgs(FILE *fp, const struct ns_an_conn *c, const struct ts_conn *t);
/* The graphs' style sheet (classes of the marks). */
extern const char html_graph_css[];
/* Text for HTML: & < > " escaped. */
void html_esc(FILE *fp, const char *s);

#endif
