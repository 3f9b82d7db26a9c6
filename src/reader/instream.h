/* The bytes of one capture as they arrive: from a pipe, a FIFO, a terminal or
 * a file, decompressed when they are gzip, zstd or lz4 (told by their magic,
 * as tshark does), through zlib, libzstd and liblz4's frame API.
 *
 * Streaming: when the input can make a read wait (pipe, FIFO, terminal,
 * socket), every read first asks poll(2) whether bytes are there; if not,
 * idle() runs before the read that blocks (the caller flushes its output
 * there), so an event reaches stdout as soon as its packet arrived and not
 * when a buffer fills. A regular file never waits: it keeps the buffered
 * path.
 */
#ifndef NETSIFT_INSTREAM_H
#define NETSIFT_INSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum ns_zkind { NS_Z_NONE, NS_Z_GZIP, NS_Z_ZSTD, NS_Z_LZ4 };

struct ns_instream {
	int fd;
	const char *path;
	bool waits;              /* a read may block: poll, idle() first */
	void (*idle)(void *arg); /* before a read that would block (may be NULL) */
	void *idle_arg;
	enum ns_zkind z;
	void *zctx;              /* z_stream, ZSTD_DStream or LZ4F_dctx */
	uint8_t *zin;            /* compressed bytes read, not yet decompressed */
	size_t zin_pos, zin_end, zin_cap;
	bool raw_eof;            /* fd gave end of file */
	bool in_frame;           /* the decompressor is inside a stream/frame */
	uint8_t pre[4];          /* the capture's magic, read to sniff it: replayed */
	size_t pre_pos, pre_len;
	uint64_t raw_bytes;      /* bytes read from fd (for progress) */
	char err[160];           /* why the last read failed (no file name) */
};

/* Set up in for fd (not taken over). waits: fd is a pipe, FIFO, terminal or
 * socket. */
void ns_in_init(struct ns_instream *in, int fd, const char *path, bool waits);
/* Read the first bytes: if they are a compression magic, switch to
 * decompressing. Then the first 4 bytes of the capture (decompressed) are in
 * magic (*n of them: fewer at end of input); they will be read again by
 * ns_in_read. 0, or -1 with in->err. */
int ns_in_sniff(struct ns_instream *in, uint8_t magic[4], size_t *n);
/* Up to n bytes: >0, 0 at the end of the input, -1 with in->err (a read
 * error, corrupt or truncated compressed data). */
ssize_t ns_in_read(struct ns_instream *in, void *buf, size_t n);
/* Name of the compression in use ("gzip", ...), NULL for none. */
const char *ns_in_zname(const struct ns_instream *in);
void ns_in_free(struct ns_instream *in);

#endif
