/* The JSON output format (the contract in notes-coord/json-format.md):
 * packet events (json_packet.c), flow and DNS events (json_flow.c), analysis
 * records (json_analysis.c). Everything writes into an outbuf; no stdio, no
 * malloc on the packet path. */
#ifndef NETSIFT_OUTPUT_JSON_H
#define NETSIFT_OUTPUT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "dissect.h"
#include "events.h"
#include "outbuf.h"

#include "output/output.h"

/* Write the packet's events (one JSON line each) for the bits in `sel`, as
 * returned by out_packet_events(). `end` is one past the last captured byte of
 * the buffer the packet points into (bounds for option bytes). Returns the
 * number of events written. */
unsigned out_json_packet(struct outbuf *ob, const struct ns_packet *pkt,
			 const uint8_t *end, uint32_t sel);

/* The records of the format (its struct ns_output is in json.c). */
/* The events out_json_packet_out writes for the selection sel: the IP
 * event, the transport event. */
static inline unsigned out_json_packet_nevents(uint32_t sel)
{
	return (unsigned)((sel & (NS_EV_IPV4 | NS_EV_IPV6)) != 0) +
	       (unsigned)((sel & ~(uint32_t)(NS_EV_IPV4 | NS_EV_IPV6)) != 0);
}
unsigned out_json_packet_out(struct ns_out *o, const struct ns_packet *pkt,
			     const uint8_t *end, uint32_t sel);
/* net_flow_tcp_begin / net_flow_tcp_end, with the names d gives the ends. */
void out_json_flow(struct ns_out *o, const struct ns_flow_event *ev,
		   const struct ns_flow_domains *d);
/* net_packet_dns for the message m carried by pkt. */
void out_json_dns(struct ns_out *o, const struct ns_packet *pkt, uint16_t sport,
		  uint16_t dport, const struct ns_dns *m);
/* net_tcp_analysis: the analysis flags of one TCP packet (read --analysis). */
void out_json_tcp_analysis(struct ns_out *out, const struct ns_packet *pkt,
			   const struct ns_an_pkt *o);
/* analyze -o json: one object per connection, in stream order per file. */
void out_json_input_begin(struct ns_out *o);
void out_json_conn(struct ns_out *o, const struct ns_an_conn *c);
/* out_json_conn in two steps, for analyze --threads: render (any thread),
 * then place in stream order (one caller at a time) */
void out_json_conn_render(const struct ns_out *o, struct outbuf *ob, const struct ns_an_conn *c);
void out_json_conn_block(struct ns_out *o, uint64_t stream, const char *data, size_t len);
/* free the calling thread's rendering scratch (a worker, before it ends) */
void out_json_free_scratch(void);
/* Hold up to this many bytes of out-of-order objects in memory before the
 * temporary file (after input_begin): workers that finish their share of a
 * sweep one after the other interleave by stream number. */
void out_json_set_spill_at(struct ns_out *o, size_t bytes);
void out_json_input_end(struct ns_out *o);
void out_json_close(struct ns_out *o);

/* ---- building blocks for other event producers (flow tracker, DNS) ----
 * oj_begin writes the envelope up to and including "args":[ ; then each
 * argument is oj_arg(name, type) followed by its value written by the caller,
 * then oj_arg_end; oj_end closes the event and the line.
 *   oj_begin(ob, ctx, "net_flow_tcp_end", 12);
 *   oj_arg(ob, true, "connectionDirection", "const char*");
 *   ob_json_cstr(ob, "outgoing"); oj_arg_end(ob);
 *   ...
 *   oj_end(ob);
 */
void oj_begin(struct outbuf *ob, const struct ns_ctx *ctx, const char *event,
	      unsigned nargs);
void oj_arg(struct outbuf *ob, bool first, const char *name, const char *type);
static inline void oj_arg_end(struct outbuf *ob) { ob_putc(ob, '}'); }
static inline void oj_end(struct outbuf *ob) { OB_LIT(ob, "]}\n"); }
/* The first 5 args of a TCP/UDP packet event (src, dst, src_port, dst_port,
 * metadata), for events derived from one packet (net_packet_dns). */
void oj_packet_args(struct outbuf *ob, const struct ns_packet *pkt);
/* The envelope's context of a flow event (the flow's last packet and process). */
void oj_flow_ctx(struct ns_ctx *c, const struct ns_flow_event *ev);

/* Names used in the JSON, exposed for the man page test and other outputs. */
const char *out_ip4opt_name(uint8_t kind, char *buf);   /* buf >= 4 */
const char *out_tcpopt_name(uint8_t kind, char *buf);   /* buf >= 4 */
const char *out_ip6ext_name(uint8_t type, char *buf);   /* buf >= 4 */
const char *out_direction_name(uint8_t dir);

#endif
