/* The table output format: one line per event for `read` and `trace`
 * (table_packet.c, table_flow.c), and the text report of `analyze`
 * (table_analysis.c). Lines are written into an outbuf. */
#ifndef NETSIFT_OUTPUT_TABLE_H
#define NETSIFT_OUTPUT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "dissect.h"
#include "outbuf.h"
#include "output/output.h"

/* One table line for the packet (if `sel` is not 0). */
void out_table_packet(struct ns_out *o, const struct ns_packet *pkt, uint32_t sel);
/* Pieces of the table line, shared with the flow and DNS table lines:
 * the time column as o->tf says (table_time.c: HH:MM:SS.uuuuuu local time
 * by default) followed by a space, or nothing with -t; and an endpoint as
 * addr, addr:port, or [v6addr]:port when `port` is set. */
void out_table_time(struct ns_out *o, uint64_t ts_ns);
void out_table_endpoint(struct outbuf *ob, const struct ns_addr *a, bool port, uint16_t p);

/* The records of the format (its struct ns_output is in table.c). */
unsigned out_table_packet_out(struct ns_out *o, const struct ns_packet *pkt,
			      const uint8_t *end, uint32_t sel);
/* FLOW begin/end lines, with the names d gives the ends. */
void out_table_flow(struct ns_out *o, const struct ns_flow_event *ev,
		    const struct ns_flow_domains *d);
/* DNS query/response line for the message m carried by pkt. */
void out_table_dns(struct ns_out *o, const struct ns_packet *pkt, uint16_t sport,
		   uint16_t dport, const struct ns_dns *m);
/* TCP-ANALYSIS line: the analysis flags of one TCP packet (read --analysis). */
void out_table_tcp_analysis(struct ns_out *out, const struct ns_packet *pkt,
			    const struct ns_an_pkt *o);
/* analyze (-o text): per file, the problem connections first, then the
 * others, then the summary table. */
void out_table_input_begin(struct ns_out *o);
void out_table_conn(struct ns_out *o, const struct ns_an_conn *c);
/* out_table_conn in two steps, for analyze --threads: render (any thread),
 * then add (one at a time; the report takes the buffers) */
struct ns_an_rendered {
	uint64_t stream;
	bool problems;
	char *block, *row;
	size_t block_len, row_len;
};
bool out_table_conn_render(const struct ns_an_conn *c, struct ns_an_rendered *it);
void out_table_conn_add(struct ns_out *o, struct ns_an_rendered *it);
void out_table_input_end(struct ns_out *o);
void out_table_close(struct ns_out *o);

#endif
