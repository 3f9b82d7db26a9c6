/* Capture file readers: sniff the magic, then classic pcap (libpcap) or pcapng
 * (our own reader), feeding every record to the pipeline. */
#ifndef NETSIFT_READER_H
#define NETSIFT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

#define LINKTYPE_RAW_FILE 101   /* LINKTYPE_RAW as written in files */

/* Map a LINKTYPE_/DLT_ value to the dissector's link type. 0 or -1 (unsupported). */
int ns_linktype_from_file(int linktype, enum ns_linktype *lt);
/* "FILE: unsupported link type NAME (N)" into err. */
void ns_unsupported_linktype(char *err, size_t errlen, const char *file, int linktype);

/* Read one file ("-" is standard input) through the pipeline.
 * Returns 0, or -1 with one line (no "netsift: " prefix) in err.
 * Packets before the error have been processed. */
int read_capture(struct pipeline *p, const char *path, char *err, size_t errlen);

/* The two formats; fd is positioned after the `prelen` magic bytes in `pre`. */
int read_pcap(struct pipeline *p, int fd, const char *path, const uint8_t *pre,
	      size_t prelen, char *err, size_t errlen);
int read_pcapng(struct pipeline *p, int fd, const char *path, const uint8_t *pre,
		size_t prelen, char *err, size_t errlen);

#endif
