/* Output formats as modules (src/output/), in the manner of Suricata's output
 * modules and Zeek's log writers: one struct of function pointers per format,
 * found by its -o name in one registry (output.c). The pipeline, the flow and
 * DNS consumer (out_flow.c), `read --analysis` and `netsift analyze` only call
 * through it, so a new format is its own files plus one line in the registry,
 * and no writer grows another branch.
 *
 * A format writes some of these records; a NULL member means it does not:
 *   packet        the packet events of one decoded packet (read, trace)
 *   flow          net_flow_tcp_begin / net_flow_tcp_end
 *   dns           net_packet_dns
 *   tcp_analysis  net_tcp_analysis, one TCP packet's analysis flags (read --analysis)
 *   conn          one analysed connection (netsift analyze), between
 *                 input_begin and input_end of the file it came from
 * A format with `packet` is offered by `read` and `trace` (-o), one with `conn`
 * by `analyze` (-o).
 *
 * Calls, in order:
 *   open                   once, before any record (may be NULL)
 *   input_begin            each input file of `analyze`, o->file set (may be NULL)
 *   packet, flow, dns, tcp_analysis, conn   any number
 *   input_end              after that file's last conn (may be NULL)
 *   close                  once, after the last record, before the final flush
 *                          (pipeline_finish); frees what open made (may be NULL)
 *
 * `packet` is on the per-packet hot path: the pipeline makes exactly one
 * indirect call per packet with events, and the format writes into o->ob with
 * the outbuf formatters (no stdio, no malloc).
 */
#ifndef NETSIFT_OUTPUT_H
#define NETSIFT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "dissect.h"

struct outbuf;
struct ns_flow_event;
struct ns_dns;
struct ns_an_pkt;
struct ns_an_conn;
struct ns_zk_conn;
struct ns_output;

/* The names the DNS cache gives the two ends of a flow, as of its first
 * packet (so begin and end agree). */
#define NS_FLOW_MAX_DOMAINS 8
struct ns_flow_domains {
	const char *src[NS_FLOW_MAX_DOMAINS], *dst[NS_FLOW_MAX_DOMAINS];
	size_t nsrc, ndst;
};

/* The table's time column (table_time.c): tcpdump's -t options. */
enum ns_time_mode {
	NS_TIME_CLOCK = 0,       /* default: time of day */
	NS_TIME_NONE,            /* -t */
	NS_TIME_EPOCH,           /* -tt: seconds since the epoch */
	NS_TIME_DELTA,           /* -ttt: since the previous line */
	NS_TIME_DATE,            /* -tttt: date and time of day */
	NS_TIME_SINCE_FIRST,     /* -ttttt: since the first line */
};
struct ns_timefmt {
	uint8_t mode;            /* enum ns_time_mode */
	bool nano;               /* --time-precision=nano */
	bool utc;                /* --utc: else local time, as tcpdump */
	/* state */
	bool have_prev;
	uint64_t prev_ns, first_ns;
	bool cache_ok;
	int64_t cache_min;       /* the minute whose broken-down time is cached */
	int cache[5], cache_sec0;
};

/* One output in use: the format, where it writes, and the format's state. */
struct ns_out {
	const struct ns_output *fmt;
	struct outbuf *ob;
	void *priv;              /* the format's own (made by open or on first need) */
	/* netsift analyze: the input the next records come from */
	const char *file;        /* its name as shown in the records */
	bool many_files;         /* more than one input: reports name theirs */
	/* analyze: every input, as given, when several are read as one capture */
	char *const *inputs;
	size_t ninputs;
	const char *last_file;   /* table: the file of the last packet line */
	bool no_input;           /* the input gave no frame at all (could not be read) */
	int err;                 /* set by the format when it lost a record (ENOMEM) */
	bool closed;
	/* Community ID (src/communityid.h): its seed, and whether packet
	 * events carry it (read --community-id) */
	uint16_t cid_seed;
	bool cid_packets;
	/* analyze -o zeek: the first and last packet time of the run (#open, #close) */
	uint64_t first_ts_ns, last_ts_ns;
	struct ns_timefmt tf;    /* the table's time column (set after ns_out_open) */
};

struct ns_output {
	const char *name;        /* -o NAME */
	const char *report_name; /* the name for `analyze -o` when it differs, or NULL */
	const char *schema;      /* NULL: netsift's own; else the --schema that selects
				  * this variant of the format `name` (tracee.c) */

	int (*open)(struct ns_out *o);     /* 0, or -1 with o->err set */
	void (*close)(struct ns_out *o);

	/* events: read, trace */
	unsigned (*packet)(struct ns_out *o, const struct ns_packet *pkt,
			   const uint8_t *end, uint32_t sel);   /* returns events written */
	void (*flow)(struct ns_out *o, const struct ns_flow_event *ev,
		     const struct ns_flow_domains *d);
	void (*dns)(struct ns_out *o, const struct ns_packet *pkt, uint16_t sport,
		    uint16_t dport, const struct ns_dns *m);
	void (*tcp_analysis)(struct ns_out *o, const struct ns_packet *pkt,
			     const struct ns_an_pkt *a);

	/* analysis records: analyze */
	void (*input_begin)(struct ns_out *o);
	void (*conn)(struct ns_out *o, const struct ns_an_conn *c);
	void (*input_end)(struct ns_out *o);
	/* Zeek conn.log records (analyze -o zeek, zeek-json): a format with
	 * this gets its connections from src/conn/zeekconn.c instead of conn */
	void (*zeek_conn)(struct ns_out *o, const struct ns_zk_conn *c);

	/* analyze: every packet after the engine analysed it (a->tcp false
	 * for one it did not), for formats that draw connections (html);
	 * NULL for the others, which then cost nothing per packet. */
	void (*an_packet)(struct ns_out *o, const struct ns_packet *pkt,
			  const struct ns_an_pkt *a);
};

/* ---- the registry (output.c) ---- */

/* What a command needs of a format: events (read, trace) or analysis
 * records (analyze). */
enum ns_output_use { NS_OUT_EVENTS, NS_OUT_REPORT };

/* The format called `name` for `use` (see ns_output_name) that can serve
 * it, or NULL. */
const struct ns_output *ns_output_find(const char *name, enum ns_output_use use);
/* The name a format has for `use` (report_name for NS_OUT_REPORT if set). */
const char *ns_output_name(const struct ns_output *f, enum ns_output_use use);
/* The names offered for `use`, as "a, b or c", for --help and errors. */
const char *ns_output_names(enum ns_output_use use);

/* The format `f` in the event schema `schema` ("netsift" is f itself):
 * NULL when f has no such variant. */
const struct ns_output *ns_output_with_schema(const struct ns_output *f, const char *schema);
/* The schemas offered, for --help and errors. */
#define NS_SCHEMA_NAMES "netsift or tracee"

/* Set up o for format f writing into ob, and open it: 0, or -1 (o->err). */
int ns_out_open(struct ns_out *o, const struct ns_output *f, struct outbuf *ob);
/* Close o (once; again is a no-op). */
void ns_out_close(struct ns_out *o);

/* The formats (one line each in the registry of output.c). */
extern const struct ns_output ns_output_json;   /* json.c */
extern const struct ns_output ns_output_table;  /* table.c */
extern const struct ns_output ns_output_zeek;       /* zeek.c */
extern const struct ns_output ns_output_zeek_json;  /* zeek.c */
extern const struct ns_output ns_output_html;   /* html.c */
extern const struct ns_output ns_output_tracee; /* tracee.c: json, --schema tracee */

/* ---- shared by every format: which packet events a packet yields ---- */

/* Which packet events a decoded packet yields under the mask `events`
 * (a subset of NS_EV_PACKET_ALL; 0 = none). */
uint32_t out_packet_events(const struct ns_packet *pkt, uint32_t events);

/* Is the transport header readable enough for a transport event (its first
 * 4 bytes captured, and not a non-first fragment)? Inline: the JSON packet
 * writer asks it for every packet. */
static inline bool out_has_transport(const struct ns_packet *pkt)
{
	if (!pkt->first_fragment)
		return false;
	switch (pkt->l4) {
	case NS_L4_TCP: return pkt->tcp.hdr_avail >= 4;
	case NS_L4_UDP: return pkt->udp.hdr_avail >= 4;
	case NS_L4_ICMP:
	case NS_L4_ICMPV6: return pkt->icmp.hdr_avail >= 4;
	default: return false;
	}
}

#endif
