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
	size_t pagesize;
	int fd;
	/* The file shrank under the mapping (another process truncated it):
	 * reading a page past its new end raised SIGBUS, and the handler put
	 * zeros there instead. What was read since is garbage: the reader
	 * stops with MAPPED_SHRUNK_MSG as soon as it sees this. */
	volatile int shrunk;
};
#define MAPPED_SHRUNK_MSG "file shrank while being read"
/* Map the whole file; false if it is not a regular file or cannot be mapped.
 * One file is mapped at a time (a SIGBUS handler watches it until
 * mapped_close). */
bool mapped_open(struct mapped *m, int fd, const struct stat *st);
/* The reader is at offset pos: drop what is behind, prefault what is ahead. */
void mapped_advance(struct mapped *m, size_t pos);
/* Are the bytes [off, off + n) of the file still there? Touches the last one
 * (the file only ever loses its end): false, with m->shrunk set, if it is
 * gone. n may be 0. */
bool mapped_have(struct mapped *m, size_t off, size_t n);
/* At the end of reading: did the file shrink? A cut inside the last page
 * does not fault (the rest of that page reads as zeros): the size says. */
bool mapped_shrank(struct mapped *m);
void mapped_close(struct mapped *m);

#endif
