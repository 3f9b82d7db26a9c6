/* Capture file readers: sniff the magic, then classic pcap (libpcap) or pcapng
 * (our own reader), feeding every record to the pipeline. */
#ifndef NETSIFT_READER_H
#define NETSIFT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"
#include "instream.h"

#define LINKTYPE_RAW_FILE 101   /* LINKTYPE_RAW as written in files */

/* Map a LINKTYPE_/DLT_ value to the dissector's link type. 0 or -1 (unsupported). */
int ns_linktype_from_file(int linktype, enum ns_linktype *lt);
/* "FILE: unsupported link type NAME (N)" into err. */
void ns_unsupported_linktype(char *err, size_t errlen, const char *file, int linktype);

/* ---- one input: its records, pulled one at a time ----
 * Pulling (not a callback per record) lets several inputs be read as one
 * capture, one after the other or interleaved by timestamp (inputs.c). */

/* A record ready for pipeline_packet: ctx has everything but the frame
 * number (the caller numbers the records of all inputs together). data stays
 * valid until the next ns_capture_next of the same capture. */
struct ns_capture_rec {
	struct ns_source *src;
	const uint8_t *data;
	uint32_t caplen;
	struct ns_ctx ctx;
};

struct pcap_in;
struct pcapng_in;
struct ns_capture {
	const char *path;        /* as given ("-": standard input) */
	int fd;
	bool is_stdin;
	bool streamed;           /* read through `in` (not a regular file, or compressed) */
	uint64_t size;           /* a regular file's size, else 0 */
	struct ns_instream in;
	struct pcap_in *pcap;    /* one of these two */
	struct pcapng_in *ng;
#ifdef NS_EXACT_ALLOC
	uint8_t *exact;          /* the last record's copy (ns_capture_next) */
#endif
};

/* Open path ("-": standard input), sniff its format and compression.
 * idle(arg) runs before a read that would block (instream.h). NULL with
 * one line (no "netsift ...: " prefix) in err. */
struct ns_capture *ns_capture_open(const char *path, void (*idle)(void *), void *arg,
				   char *err, size_t errlen);
/* The next record: 1, 0 at the end, -1 with one line in err (records before
 * it were good). frame: the number this record would get (for messages). */
int ns_capture_next(struct ns_capture *c, uint64_t frame, struct ns_capture_rec *rec,
		    char *err, size_t errlen);
/* Is a regular file now shorter than when it was opened (another process
 * truncated it while it was read)? Then that, not what a parser saw at the
 * cut, is the error (NS_SHRUNK_MSG). */
bool ns_capture_shrank(const struct ns_capture *c);
/* Bytes of the file (compressed bytes for a compressed one) read so far. */
uint64_t ns_capture_pos(const struct ns_capture *c);
void ns_capture_close(struct ns_capture *c);

/* The two formats (reader_pcap.c, reader.c). */
struct pcap_in *pcap_in_open(struct ns_capture *c, char *err, size_t errlen);
int pcap_in_next(struct pcap_in *pi, struct ns_capture *c, uint64_t frame,
		 struct ns_capture_rec *rec, char *err, size_t errlen);
uint64_t pcap_in_pos(const struct pcap_in *pi);
void pcap_in_close(struct pcap_in *pi);

/* The error of a regular file that lost its end while it was read. */
#define NS_SHRUNK_MSG "file shrank while being read"

#endif
