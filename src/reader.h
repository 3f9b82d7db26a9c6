/* Capture file readers: sniff the magic, then classic pcap (libpcap) or pcapng
 * (our own reader), feeding every record to the pipeline. */
#ifndef NETSIFT_READER_H
#define NETSIFT_READER_H

#include <stdbool.h>
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

/* A regular capture file mapped read-only and walked front to back (no
 * read(2) copying every byte into a buffer first). Only a window around the
 * read position stays resident: pages behind it are dropped (they belong to
 * the page cache and would be read again if ever touched), pages ahead are
 * prefaulted a batch at a time, so peak memory does not grow with the file. */
struct stat;
struct mapped {
	const uint8_t *base;
	size_t len;
	size_t dropped;          /* [0, dropped) released */
	size_t ahead;            /* [0, ahead) prefaulted */
};
/* Map the whole file; false if it is not a regular file or cannot be mapped. */
bool mapped_open(struct mapped *m, int fd, const struct stat *st);
/* The reader is at offset pos: drop what is behind, prefault what is ahead. */
void mapped_advance(struct mapped *m, size_t pos);
void mapped_close(struct mapped *m);

#endif
