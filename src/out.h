/* Event output: JSON (the contract in notes-coord/json-format.md) and the
 * one-line-per-packet table. Both write into an outbuf; no stdio, no malloc. */
#ifndef NETSIFT_OUT_H
#define NETSIFT_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "dissect.h"
#include "events.h"
#include "outbuf.h"

/* Which packet events a decoded packet yields under the mask `events`
 * (a subset of NS_EV_PACKET_ALL; 0 = none). */
uint32_t out_packet_events(const struct ns_packet *pkt, uint32_t events);

/* Is the transport header readable enough for a transport event (its first
 * 4 bytes captured, and not a non-first fragment)? */
bool out_has_transport(const struct ns_packet *pkt);

/* Write the packet's events (one JSON line each) for the bits in `sel`, as
 * returned by out_packet_events(). `end` is one past the last captured byte of
 * the buffer the packet points into (bounds for option bytes). Returns the
 * number of events written. */
unsigned out_json_packet(struct outbuf *ob, const struct ns_packet *pkt,
			 const uint8_t *end, uint32_t sel);

/* One table line for the packet (if `sel` is not 0). */
void out_table_packet(struct outbuf *ob, const struct ns_packet *pkt, uint32_t sel);
/* Pieces of the table line, shared with the flow and DNS table lines:
 * the time of day (UTC) as HH:MM:SS.uuuuuu, and an endpoint as addr,
 * addr:port, or [v6addr]:port when `port` is set. */
void out_table_time(struct outbuf *ob, uint64_t ts_ns);
void out_table_endpoint(struct outbuf *ob, const struct ns_addr *a, bool port, uint16_t p);

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

/* Names used in the JSON, exposed for the man page test and other outputs. */
const char *out_ip4opt_name(uint8_t kind, char *buf);   /* buf >= 4 */
const char *out_tcpopt_name(uint8_t kind, char *buf);   /* buf >= 4 */
const char *out_ip6ext_name(uint8_t type, char *buf);   /* buf >= 4 */
const char *out_direction_name(uint8_t dir);

#endif
