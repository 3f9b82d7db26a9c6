/* netsift TCP conversation analysis engine (netsift analyze, read --analysis).
 *
 * Pure logic over a stream of decoded packets: no I/O, no libpcap. Feed every
 * packet in capture order with ns_an_packet(); each TCP packet gets the
 * Wireshark-style analysis flags (tcp.analysis.*) and is accounted to its
 * connection. A connection is handed to the caller's callback once it is over
 * (a new SYN reused its 4-tuple, it was closed and idle, or the capture ended)
 * and then freed, so memory is bounded by the connections still active.
 *
 * The per-packet checks follow Wireshark's tcp_analyze_sequence_number() so the
 * counts can be cross-checked with tshark; connection state and history follow
 * Zeek's conn.log (conn_state, history). See /work/shared/spec/analysis.md.
 */
#ifndef NETSIFT_ANALYZE_H
#define NETSIFT_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dissect.h"

/* ---- per-packet analysis flags (names: ns_an_flag_name) ---- */
enum ns_an_flag {
	NS_AN_RETRANSMISSION      = 1u << 0,
	NS_AN_FAST_RETRANSMISSION = 1u << 1,
	NS_AN_SPURIOUS_RETRANS    = 1u << 2,
	NS_AN_OUT_OF_ORDER        = 1u << 3,
	NS_AN_LOST_SEGMENT        = 1u << 4,  /* previous segment not captured */
	NS_AN_ACK_LOST_SEGMENT    = 1u << 5,  /* ACKs data that was not captured */
	NS_AN_DUP_ACK             = 1u << 6,
	NS_AN_KEEP_ALIVE          = 1u << 7,
	NS_AN_KEEP_ALIVE_ACK      = 1u << 8,
	NS_AN_ZERO_WINDOW         = 1u << 9,
	NS_AN_ZERO_WINDOW_PROBE   = 1u << 10,
	NS_AN_ZERO_WINDOW_PROBE_ACK = 1u << 11,
	NS_AN_WINDOW_FULL         = 1u << 12,
	NS_AN_WINDOW_UPDATE       = 1u << 13,
	NS_AN_PORTS_REUSED        = 1u << 14, /* SYN with a new ISN on a known 4-tuple */
};
#define NS_AN_FLAG_COUNT 15
/* Stable snake_case name ("retransmission", "duplicate_ack", ...); NULL if unknown. */
const char *ns_an_flag_name(uint32_t flag_bit);

/* Any of the three retransmission kinds (what the report counts as one). */
#define NS_AN_ANY_RETRANS \
	(NS_AN_RETRANSMISSION | NS_AN_FAST_RETRANSMISSION | NS_AN_SPURIOUS_RETRANS)

/* ---- limits that keep memory bounded per connection ---- */
#define NS_AN_MAX_UNACKED 1000   /* as Wireshark's TCP_MAX_UNACKED_SEGMENTS */
#define NS_AN_MAX_RTX_REC 64     /* retransmitted segments described in detail */
#define NS_AN_MAX_TX 16          /* transmissions remembered per such segment */
#define NS_AN_MAX_FRAMES 32      /* example frames remembered per finding */
#define NS_AN_MAX_COVER 64       /* covered frames reported per ACK */
#define NS_AN_HIST_MAX 48        /* Zeek history letters kept */

/* ---- what ns_an_packet says about one packet ---- */
struct ns_an_pkt {
	bool tcp;                /* false: not an analysable TCP packet (fields below unset) */
	uint64_t stream;         /* 0-based connection index, as tshark's tcp.stream */
	bool from_initiator;
	uint32_t flags;          /* enum ns_an_flag bits */
	uint32_t rel_seq, rel_ack;
	/* ACK <-> data: frames of the reverse direction's segments this ACK completes */
	uint32_t ncover;         /* how many segments (may exceed NS_AN_MAX_COVER) */
	bool has_rtt;            /* Karn: only when no covered segment was retransmitted */
	uint64_t rtt_ns;         /* from the segment ending exactly at this ACK */
	uint64_t rtt_frame;      /* that segment's frame */
	uint64_t karn_frame;     /* a covered segment retransmitted or a retransmission (Karn); 0 none */
	uint64_t lo_frame;       /* the covered segment lowest in sequence space */
	uint32_t lo_seq;         /* its (absolute) seq: ack - lo_seq = bytes covered */
	uint32_t seg_len;        /* length shared by every covered segment, 0 if they differ */
	uint8_t ctl;             /* NS_TCP_SYN / NS_TCP_FIN among the covered segments */
	/* last, so the per-packet reset can skip it: only cover[0..ncover) is valid */
	uint64_t cover[NS_AN_MAX_COVER];
};

/* ---- per-connection report ---- */
enum ns_an_close {
	NS_AN_CLOSE_OPEN = 0,    /* still open at end of capture */
	NS_AN_CLOSE_GRACEFUL,    /* FIN each way, each ACKed */
	NS_AN_CLOSE_HALF,        /* FIN from one side (or FINs not all ACKed) */
	NS_AN_CLOSE_RESET,       /* RST after the connection was up */
	NS_AN_CLOSE_REFUSED,     /* SYN answered by RST */
	NS_AN_CLOSE_UNANSWERED,  /* SYN(s), no answer */
};
const char *ns_an_close_name(enum ns_an_close c);

enum ns_an_zstate {          /* Zeek's TCP endpoint states */
	NS_ZS_INACTIVE = 0, NS_ZS_SYN_SENT, NS_ZS_SYN_ACK_SENT, NS_ZS_PARTIAL,
	NS_ZS_ESTABLISHED, NS_ZS_CLOSED, NS_ZS_RESET,
};

struct ns_an_rtx {           /* one retransmitted segment, every transmission */
	uint32_t rel_seq;
	uint32_t len;            /* payload bytes (0 for a bare SYN/FIN) */
	uint16_t tcpflags;       /* SYN/FIN of the segment */
	uint32_t ntx;            /* transmissions seen, original included */
	uint32_t ntx_kept;       /* <= NS_AN_MAX_TX recorded below */
	uint64_t frame[NS_AN_MAX_TX];
	uint64_t ts_ns[NS_AN_MAX_TX];
	bool original_seen;      /* frame[0] is the first transmission */
	bool acked;
	uint64_t ack_frame;
	bool fast;               /* some transmission was a fast retransmission */
	bool spurious;           /* some transmission was spurious */
};

struct ns_an_finding {       /* a counted anomaly with example frames */
	uint64_t count;
	uint32_t nframes;
	/* NS_AN_MAX_FRAMES slots, allocated at the first finding (most connections
	 * have none: keeping the report small keeps memory per connection small);
	 * NULL while nframes is 0. Owned by the engine, valid in the callback. */
	uint64_t *frames;
};

enum ns_an_find {            /* per-direction findings, index into dir.find[] */
	NS_FIND_RETRANS = 0, NS_FIND_FAST_RETRANS, NS_FIND_SPURIOUS, NS_FIND_OOO,
	NS_FIND_LOST, NS_FIND_ACK_LOST, NS_FIND_DUP_ACK, NS_FIND_KEEP_ALIVE,
	NS_FIND_ZERO_WINDOW, NS_FIND_ZW_PROBE, NS_FIND_WINDOW_FULL, NS_FIND_WINDOW_UPDATE,
	NS_FIND_COUNT
};
const char *ns_an_find_name(enum ns_an_find f);
struct ns_an_dir;
/* The direction's finding f: count 0 and no frames if it has none. */
const struct ns_an_finding *ns_an_finding(const struct ns_an_dir *d, enum ns_an_find f);

struct ns_an_dir {           /* one direction of a connection */
	struct ns_addr addr;
	uint16_t port;
	/* counts */
	uint64_t packets, payload_bytes, unique_bytes, retrans_bytes;
	/* find[NS_FIND_COUNT], allocated at the direction's first finding (most
	 * connections have none: 280 bytes less per direction, and memory a
	 * connection first touches is most of what analysing many short ones
	 * costs); NULL until then. Read it with ns_an_finding(). Owned by the
	 * engine, valid in the callback. */
	struct ns_an_finding *find;
	/* advertised window, scaled, excluding SYNs */
	bool win_seen;
	uint64_t win_min, win_max, win_sum, win_n;
	uint32_t zw_episodes;    /* runs of zero-window advertisements */
	uint64_t zw_reopen_frame; /* last frame that reopened the window after zero */
	/* ACK RTT samples (Karn) */
	uint64_t rtt_n, rtt_min_ns, rtt_max_ns, rtt_sum_ns;
	/* handshake options */
	bool syn_seen;
	uint32_t isn;
	bool has_mss; uint16_t mss;
	int8_t wscale;           /* -1: no option; else the shift used (<= 14) */
	uint8_t wscale_offered;  /* the option's value as sent: above 14 it was clamped */
	bool sack_perm, ts;
	/* last packet sent (absolute numbers), for "reset after which seq/ack" */
	bool sent_any;
	uint32_t last_seq, last_ack, last_len;
	uint64_t last_frame;
	/* FIN / RST */
	uint64_t fin_frame;      /* 0 = none */
	uint32_t fin_seq;        /* seq of the FIN flag itself */
	uint64_t fin_acked_frame;
	uint64_t rst_frame;
	/* Zeek */
	uint8_t zstate, zprev;
	uint64_t zsize;          /* payload bytes, for REJ */
	/* retransmitted segments (first NS_AN_MAX_RTX_REC) */
	uint32_t nrtx;
	uint64_t rtx_segments;   /* all of them, NS_AN_MAX_RTX_REC or not */
	/* rtx[0..nrtx): grown on demand up to NS_AN_MAX_RTX_REC records (about
	 * 300 bytes each), NULL while nrtx is 0. Owned by the engine, valid in
	 * the callback only: a caller keeping a copy of the connection must copy
	 * these arrays too. */
	struct ns_an_rtx *rtx;
	uint32_t max_tx;         /* most transmissions of any one segment */
};

/* One advancing ACK: what `analyze --acks` lists (ns_an_set_ack_log). */
struct ns_an_ack {            /* 64 bytes */
	uint64_t frame;          /* the ACK's frame */
	uint32_t rel_ack;
	uint32_t nseg;           /* segments covered */
	uint32_t nkept;          /* of them in ack_frames[cover_off..]: <= NS_AN_MAX_COVER */
	uint32_t cover_off;
	uint32_t bytes;          /* sequence space covered: ack - seq of lo_frame */
	uint32_t seg_len;        /* length shared by every covered segment, 0 if they differ */
	uint64_t lo_frame;       /* covered segment with the lowest seq */
	uint64_t rtt_ns;
	uint64_t karn_frame;     /* a covered segment that was retransmitted; 0 none */
	bool by_initiator;
	bool has_rtt;            /* Karn: none if a covered segment was retransmitted */
	uint8_t ctl;             /* NS_TCP_SYN / NS_TCP_FIN among them (1 seq each in bytes) */
};

struct ns_an_conn {
	uint64_t stream;
	/* The tunnels of its first packet (outermost first; NULL/0 for a plain
	 * connection) and their key (ns_encap_key): a connection is its 4-tuple
	 * within one tunnel. Owned by the engine. */
	uint64_t tunnel;
	struct ns_encap *encap;
	uint8_t nencap;
	uint64_t capture_t0_ns;  /* first packet of the capture: times are relative to it */
	uint64_t first_frame, last_frame;
	/* the input its first packet came from, as given, when several inputs
	 * are one capture (ctx.file); NULL with one input */
	const char *file;
	uint64_t first_ts_ns, last_ts_ns;
	bool syn_seen;           /* the initiator is known from a SYN / SYN+ACK */
	struct ns_an_dir init, resp;
	/* handshake */
	uint64_t syn_frame, synack_frame, hs_ack_frame;
	uint64_t syn_ts_ns;      /* most recent SYN (Wireshark's ts_mru_syn) */
	uint64_t irtt_ns;        /* 0 = unknown */
	uint32_t syn_count;      /* SYNs from the initiator (retransmissions incl.) */
	/* close */
	enum ns_an_close close;
	bool reset_by_initiator;
	uint64_t reset_frame;
	uint64_t reset_ts_ns;
	uint32_t reset_rel_seq, reset_rel_ack; /* the RST's own numbers */
	struct {                 /* each side's last packet before the first RST */
		bool valid;
		uint64_t frame;
		uint32_t rel_seq, rel_ack, len;
	} before_reset[2];       /* [0] initiator, [1] responder */
	/* Zeek */
	char history[NS_AN_HIST_MAX + 1];
	bool flipped;
	bool capture_end;        /* finished by the end of the capture */
	/* Still open (or unanswered) when a capture that was cut short ended
	 * (ns_an_set_capture_cut): the last frame read, else 0. */
	uint64_t capture_cut_frame;
	/* ended early, still open, because the engine held max_conns
	 * connections (ns_an_set_max_conns) and this one was idle longest:
	 * later packets of it start a new (midstream) connection */
	bool evicted;
	/* Every advancing ACK, in capture order, when the engine was asked to
	 * log them (ns_an_set_ack_log; else acks_on is false and all is 0).
	 * Grows with the connection's length: one record (64 bytes) per
	 * advancing ACK plus 8 bytes per covered frame. Owned by the engine,
	 * valid in the callback only. */
	bool acks_on;
	bool acks_incomplete;    /* out of memory: the list stops early */
	uint32_t nacks, acks_cap;
	struct ns_an_ack *acks;
	uint64_t *ack_frames;    /* the covered frames of all of them */
	uint32_t nack_frames, ack_frames_cap;
	/* Engine bookkeeping lives in a private part (analyze.c). */
	void *priv;
	/* Diagnoses (diagnose.h): the record the engine feeds, concluded when
	 * the connection is handed over. NULL if it could not be allocated. */
	struct ns_dx *dx;
};

/* Zeek conn_state letter code of a finished connection ("SF", "REJ", ...). */
const char *ns_an_conn_state(const struct ns_an_conn *c);

/* Port class: "well-known", "registered" or "dynamic". */
const char *ns_an_port_class(uint16_t port);

/* Relative sequence number of an absolute one sent by `d`. */
uint32_t ns_an_rel(const struct ns_an_dir *d, uint32_t seq);

/* Retransmission pattern of one segment from its transmission times:
 * "doubling" (each interval about twice the previous: RTO back-off),
 * "constant", "irregular", or "single" (one retransmission only). */
const char *ns_an_backoff(const struct ns_an_rtx *r);
/* Did side (0 initiator, 1 responder) give up on its last retransmitted
 * segment? NULL if not, else how: "reset" (it sent a RST after the last
 * retry) or "capture end" (no ACK until the capture ended). */
const char *ns_an_gave_up(const struct ns_an_conn *c, int side);

/* ---- report rendering (analyze_verdict.c; the text and JSON records in
 * src/output/table_analysis.c and json_analysis.c) ---- */
#include <stdio.h>
/* One text block: problems and verdict first, then the details. False when
 * part of it could not be made (out of memory) or written (ferror). */
bool ns_an_write_text(FILE *fp, const struct ns_an_conn *c);
/* One JSON object (one line, stable key order). file: capture name or NULL. */
void ns_an_write_json(FILE *fp, const struct ns_an_conn *c, const char *file);
/* Anything abnormal: reset/refused/unanswered, retransmissions, duplicate ACKs,
 * out-of-order or lost segments, zero windows, window full. */
bool ns_an_has_problems(const struct ns_an_conn *c);
/* The plain-words verdict, one sentence per fact, citing frame numbers.
 * False when out of memory (nothing written). */
bool ns_an_write_verdict(FILE *fp, const struct ns_an_conn *c);
/* The same JSON object and verdict written into an output buffer with the
 * hand-rolled formatters (no stdio): what `analyze -o json` uses. */
struct outbuf;
void ns_an_json_ob(struct outbuf *ob, const struct ns_an_conn *c, const char *file);
void ns_an_verdict_ob(struct outbuf *ob, const struct ns_an_conn *c);
/* The "acks:" text section of a connection logged with ns_an_set_ack_log
 * (part of ns_an_write_text; nothing when acks_on is false). */
void ns_an_write_acks(FILE *fp, const struct ns_an_conn *c);
/* Summary table: header once, then one row per connection. */
void ns_an_write_summary_header(FILE *fp);
void ns_an_write_summary_row(FILE *fp, const struct ns_an_conn *c);

/* ---- netsift read --analysis (cmd_analyze.c) ----
 * A pipeline consumer that runs the same engine over the packets of `read` and
 * emits one net_tcp_analysis event after every TCP packet with analysis flags.
 * Fills *out; 0, or -1 when out of memory. The consumer frees itself in its
 * finish(). */
struct ns_consumer;
int ns_an_read_consumer(struct ns_consumer *out);

/* ---- the engine ---- */
struct ns_an;
typedef void (*ns_an_conn_cb)(const struct ns_an_conn *c, void *user);

/* done(c, user) is called once per connection when it is over; c is freed after. */
struct ns_an *ns_an_new(ns_an_conn_cb done, void *user);
/* Keep, per connection, the list of advancing ACKs (ns_an_conn.acks) for the
 * connections created from now on. Off by default: it costs memory that grows
 * with each connection's length. */
void ns_an_set_ack_log(struct ns_an *an, bool on);
/* Analyse one decoded packet. out (may be NULL) gets its flags and ACK facts.
 * Returns the packet's flags (0 for non-TCP packets). */
uint32_t ns_an_packet(struct ns_an *an, const struct ns_packet *pkt, struct ns_an_pkt *out);
/* End of capture: hand every remaining connection to the callback. */
void ns_an_finish(struct ns_an *an);
/* The input ended early (truncated) after `frame`: connections still open at
 * ns_an_finish say so (capture_cut_frame). Call before ns_an_finish. */
void ns_an_set_capture_cut(struct ns_an *an, uint64_t frame);
void ns_an_free(struct ns_an *an);
/* Connections currently held (for the memory-bound test). */
size_t ns_an_active(const struct ns_an *an);
/* At most max connections held at once (0: no limit; default
 * NS_AN_DEFAULT_MAX_CONNS): a new connection beyond it first ends the one
 * idle longest, which is handed to the callback with evicted set. A
 * connection without findings takes about NS_AN_CONN_BYTES (measured: peak
 * RSS of 1M less 500k connections of tests/bench/mkflows, handshake and
 * a request each: 1,362 MiB per 500k), so the default keeps the engine's
 * connection memory near 0.7 GiB. */
#define NS_AN_DEFAULT_MAX_CONNS 262144u
#define NS_AN_CONN_BYTES 2856u
void ns_an_set_max_conns(struct ns_an *an, size_t max);

/* ---- one engine of several (analyze --threads, src/analyze/an_threads.c) ----
 * ns_an_set_threaded: the done callback keeps the connection (it is freed by
 * ns_an_release, on the same thread), and sweeps happen only through
 * ns_an_sweep_at, at the points the whole capture's clock gives.
 * ns_an_sync, before each packet: the capture's first TCP time and latest
 * time (all packets so far, not only this engine's), and the stream number a
 * connection made by the next packet gets (the packet's place in the input). */
void ns_an_set_threaded(struct ns_an *an);
void ns_an_release(struct ns_an *an, const struct ns_an_conn *c);
void ns_an_sync(struct ns_an *an, bool have_t0, uint64_t t0_ns, uint64_t last_ts_ns,
		uint64_t next_stream);
void ns_an_sweep_at(struct ns_an *an, uint64_t now_ns);
uint64_t ns_an_next_stream(const struct ns_an *an);   /* moved on: a connection was made */
/* when ns_an_packet sweeps: every this many nanoseconds of packet time */
#define NS_AN_SWEEP_EVERY_NS (30ull * 1000000000ull)
/* Connections ended early by that limit. */
uint64_t ns_an_evicted(const struct ns_an *an);
/* Allocations that failed (packets not analysed, segments, retransmission
 * records or example frames not kept): the analysis is incomplete. */
uint64_t ns_an_nomem(const struct ns_an *an);

#endif
