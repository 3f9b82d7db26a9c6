/* pipeline: the one path every packet takes, whatever its source (classic
 * pcap, pcapng, and the live eBPF ring buffer where bytes start at the IP
 * header with NS_LINK_NONE):
 *
 *   filter (-f) -> count (-c) -> ns_dissect -> direction (SLL, --local)
 *   -> pcapng writer (-w) -> packet events (the -o format, src/output/)
 *   -> IP reassembly (src/reasm.c) -> consumers (flow, dns, analysis)
 *
 * Consumers never see a fragment: they see the datagram it completes (with
 * the frame number and time of the completing fragment), once.
 * The pipeline owns one struct ns_packet that is reused for every packet, so
 * there is no per-packet allocation anywhere on this path.
 */
#ifndef NETSIFT_PIPELINE_H
#define NETSIFT_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dissect.h"
#include "events.h"
#include "outbuf.h"
#include "output/output.h"
#include "flow/reasm.h"

struct pcapng_writer;
struct ns_rt;
struct pipeline;
struct bpf_program;  /* libpcap's; kept opaque so this header can be included
			next to <linux/bpf.h> (both define struct bpf_insn) */

/* Where packets come from: one per classic pcap file, one per pcapng interface,
 * one for the live source. The pipeline caches the compiled filter in it. */
struct ns_source {
	enum ns_linktype lt;     /* how ns_dissect reads the bytes */
	int linktype;            /* LINKTYPE_ value as in files (for -w and the filter) */
	uint32_t snaplen;
	const char *file;        /* for error messages */
	/* filled by the pipeline */
	int filter_state;        /* 0 not compiled, 1 ready, -1 failed */
	struct bpf_program *prog;
};
void ns_source_init(struct ns_source *src, enum ns_linktype lt, int linktype,
		    uint32_t snaplen, const char *file);
void ns_source_free(struct ns_source *src);

/* ---- consumers: later stages that see every decoded packet ----
 * FLOW HOOK: the flow tracker (src/flow.c) and the DNS cache register one of
 * these with pipeline_add_consumer() in cmd_read.c (look for "FLOW HOOK").
 * packet() runs after the packet's own events were emitted, for every frame
 * that passed the filter and has an IP layer and is not a fragment, and for
 * every datagram reassembled from fragments; it may emit events of its own
 * through p->out (src/output/output.h). end_source() runs once at the end of the input
 * (all files given together are one capture: src/reader/inputs.c; flows still
 * open end with reason capture_end there), finish() once at exit. */
struct ns_consumer {
	const char *name;
	void *arg;
	void (*packet)(void *arg, struct pipeline *p, const struct ns_packet *pkt);
	void (*end_source)(void *arg, struct pipeline *p);
	void (*finish)(void *arg, struct pipeline *p);
};
#define NS_MAX_CONSUMERS 4

#define NS_MAX_LOCAL 64
struct ns_cidr {
	uint8_t family;          /* 4 or 6 */
	uint8_t bits;
	uint8_t a[16];
};
/* Parse "10.0.0.0/8", "fe80::/10", "192.0.2.1" (host). 0 or -1. */
int ns_cidr_parse(const char *s, struct ns_cidr *c);
bool ns_cidr_match(const struct ns_cidr *c, const struct ns_addr *a);

struct ns_stats {
	uint64_t frames;         /* records read */
	uint64_t filtered;       /* rejected by -f */
	uint64_t not_ip;         /* valid frames that carry no IP (ARP, STP, ...) */
	uint64_t undecodable;    /* no IP layer because the link or IP header is broken */
	uint64_t flagged;        /* decoded, with anomaly flags */
	uint64_t emitted;        /* frames that produced at least one event */
	uint64_t unselected;     /* decoded, but no event of theirs is in -e */
	uint64_t events;         /* events written */
	uint64_t written;        /* frames written with -w */
	struct ns_reasm_stats reasm; /* fragment reassembly (consumers only) */
	/* Allocations that failed in a consumer, so its events lack something
	 * (netsift read reports them and exits 1): --analysis (flags of the
	 * packets not analysed), flows whose tunnel list could not be kept. */
	uint64_t analysis_nomem;
	uint64_t flow_encap_nomem;
};

struct pipeline {
	struct outbuf *ob;
	struct ns_out out;       /* the output format (-o), writing into ob */
	bool emit;               /* false with -w and no explicit -o */
	uint32_t events;         /* enum ns_event mask */
	const char *filter;      /* -f expression, NULL for none */
	uint64_t max_frames;     /* -c, 0 = unlimited (counted after the filter) */
	uint64_t passed;         /* frames that passed the filter so far */
	struct ns_cidr local[NS_MAX_LOCAL];
	unsigned nlocal;
	struct pcapng_writer *writer; /* -w, NULL for none */
	struct ns_consumer consumers[NS_MAX_CONSUMERS];
	unsigned nconsumers;
	struct ns_stats st;
	struct ns_packet pkt;    /* reused for every packet */
	struct ns_reasm *reasm;  /* made at the first fragment, when there are consumers */
	struct ns_packet rpkt;   /* a reassembled datagram, decoded */
	char err[512];           /* message of the last failure, without "netsift: " */
	/* the frame being run and its link type, for a consumer that hands
	 * packets on to another thread (src/analyze/an_threads.c) */
	const uint8_t *cur_data;
	uint32_t cur_caplen;
	enum ns_linktype cur_lt;
	/* read --threads N (src/read_threads.c): packet events are rendered by
	 * workers; NULL renders them here */
	struct ns_rt *rt;
};

/* Output goes to ob as JSON; a command picks another format with
 * ns_out_open(&p->out, format, ob). */
void pipeline_init(struct pipeline *p, struct outbuf *ob);
int pipeline_add_consumer(struct pipeline *p, const struct ns_consumer *c);

/* Check the -f expression compiles for at least one common link type, so a
 * typo is reported once, before any input is read. 0 or -1 (p->err). */
int pipeline_check_filter(struct pipeline *p);

enum { NS_PIPE_OK = 0, NS_PIPE_ERROR = -1, NS_PIPE_STOP = 1 };
/* Run one packet. ctx->frame, ts_ns, wire_len, direction, iface and process
 * fields come from the source; the pipeline may set ctx->direction.
 * Returns NS_PIPE_OK, NS_PIPE_STOP (-c reached or output closed) or
 * NS_PIPE_ERROR (p->err says why; the source should stop). */
int pipeline_packet(struct pipeline *p, struct ns_source *src,
		    const uint8_t *data, uint32_t caplen, struct ns_ctx *ctx);
/* End of the input (every file: they are one capture). */
void pipeline_end_source(struct pipeline *p);
/* End of all input: consumers finish, the output format is closed and the
 * output flushed. */
void pipeline_finish(struct pipeline *p);
/* Everything emitted so far goes out now (before an error message, or
 * when a streaming input waits): with --threads, every batch written. */
void pipeline_sync(struct pipeline *p);
/* Is the run over (-c reached, or stdout gone)? */
bool pipeline_done(const struct pipeline *p);

#endif
