/* Classic pcap through libpcap (nanosecond timestamps). */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>

/* A FILE over the capture's stream (a pipe, decompressed bytes): libpcap
 * reads it with fread, which takes what each read gives. */
static ssize_t in_cookie_read(void *c, char *buf, size_t size)
{
	ssize_t k = ns_in_read(c, buf, size);

	if (k < 0)
		errno = EIO;     /* the message is in the stream's err */
	return k;
}

static FILE *open_stream(struct ns_capture *c)
{
	cookie_io_functions_t io = { .read = in_cookie_read };
	FILE *fp;
	int fd;

	if (!c->streamed) {
		/* a plain file: libpcap reads it from the start, the fast
		 * path maps it; the capture keeps (and closes) its own fd */
		if (lseek(c->fd, 0, SEEK_SET) != 0 || (fd = dup(c->fd)) < 0)
			return NULL;
		fp = fdopen(fd, "rb");
		if (!fp)
			close(fd);
		return fp;
	}
	fp = fopencookie(&c->in, "rb", io);
	/* fread asks the stream for a buffer at a time: a large one costs
	 * nothing on a pipe (a read returns what is there) and saves calls */
	if (fp)
		setvbuf(fp, NULL, _IOFBF, 256u << 10);
	return fp;
}

static int dlt_to_linktype(int dlt)
{
	return dlt == DLT_RAW ? LINKTYPE_RAW_FILE : dlt;
}

/* ---- the windowed fast path ----
 * libpcap opens the file and checks its header; then, for a regular file, the
 * records are parsed in place from a window of the file read with pread(2)
 * (1 MiB at a time) instead of being copied record by record through stdio
 * and libpcap's own buffer. A window, not a mapping: on the paravirtualised
 * machines this runs on, faulting in a mapping page by page cost more than
 * the copy (mapped, `read` of the many-connections bench capture spent a
 * fifth of its time in the first touch of each record). Only plain records
 * take this path: standard magic, version 2.3 or later, a complete 16-byte
 * record header, and caplen within the snapshot length and within the file.
 * At the first record that is anything else (truncated, oversized, ...),
 * libpcap's own reader takes over from that record, so its checks and error
 * messages are unchanged. */
#define FAST_WINDOW (1u << 20)
/* larger snapshot lengths (never written by tcpdump, at most 262144) are
 * left to libpcap rather than sizing the window for them */
#define FAST_MAX_SNAP (16u << 20)

struct fast {
	int fd;
	uint8_t *buf;            /* the window: file bytes [off, off + len) */
	size_t cap;
	uint64_t off;
	size_t len;
	uint64_t file_len;       /* the size at open (ns_capture.size): what the fast path reads */
	bool swap, nsec;
	bool shrunk;             /* pread ended before file_len */
	uint32_t snap;
	uint64_t pos;            /* offset of the next record */
};

static uint32_t fast32(const struct fast *f, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return f->swap ? __builtin_bswap32(v) : v;
}

static void fast_close(struct fast *f)
{
	free(f->buf);
	f->buf = NULL;
}

/* Make the file bytes [pos, pos + n) be in the window, sliding it to start at
 * pos and reading on; false if the file ends (or shrank) before them. */
static bool fast_have(struct fast *f, uint64_t pos, size_t n)
{
	size_t keep;

	if (pos + n <= f->off + f->len)
		return true;
	if (n > f->cap)
		return false;
	keep = (size_t)(f->off + f->len - pos);
	memmove(f->buf, f->buf + (pos - f->off), keep);
	f->off = pos;
	f->len = keep;
	while (f->len < f->cap && f->off + f->len < f->file_len) {
		size_t want = f->cap - f->len;
		ssize_t k;

		if (want > f->file_len - (f->off + f->len))
			want = (size_t)(f->file_len - (f->off + f->len));
		k = pread(f->fd, f->buf + f->len, want, (off_t)(f->off + f->len));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			/* the file lost its end since fstat (or cannot be
			 * read): what is there is all there is */
			f->shrunk = true;
			break;
		}
		f->len += (size_t)k;
		if (pos + n <= f->off + f->len)
			break;
	}
	return pos + n <= f->off + f->len;
}

/* Set up *f for a regular file (size bytes when opened) whose header libpcap
 * accepted; false when the fast path does not apply. */
static bool fast_open(struct fast *f, uint64_t size, FILE *fp, pcap_t *pc)
{
	uint32_t magic;
	uint16_t major, minor;

	memset(f, 0, sizeof(*f));
	f->fd = fileno(fp);
	if (size < 24)
		return false;
	f->snap = (uint32_t)pcap_snapshot(pc);
	if (f->snap > FAST_MAX_SNAP)
		return false;
	f->file_len = size;
	f->cap = FAST_WINDOW + 16 + f->snap;
	if (f->cap > f->file_len)
		f->cap = (size_t)f->file_len;   /* a small file: all of it */
	f->buf = malloc(f->cap);
	if (!f->buf)
		return false;    /* libpcap reads it all, as slowly as before */
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	if (!fast_have(f, 0, 24))
		goto no;
	memcpy(&magic, f->buf, 4);
	switch (magic) {
	case 0xa1b2c3d4u: f->swap = false; f->nsec = false; break;
	case 0xd4c3b2a1u: f->swap = true;  f->nsec = false; break;
	case 0xa1b23c4du: f->swap = false; f->nsec = true;  break;
	case 0x4d3cb2a1u: f->swap = true;  f->nsec = true;  break;
	default: goto no;      /* e.g. Kuznetzov's format: libpcap reads it */
	}
	memcpy(&major, f->buf + 4, 2);
	memcpy(&minor, f->buf + 6, 2);
	if (f->swap) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	if (major != 2 || minor < 3)   /* older files swap caplen and len */
		goto no;
	f->pos = 24;
	return true;
no:
	fast_close(f);
	return false;
}

/* Next plain record: 1 with *h and *data set (valid until the next call), 0
 * when libpcap must take over at f->pos (end of file included: it reports a
 * clean end or a truncation). */
static int fast_next(struct fast *f, struct pcap_pkthdr *h, const uint8_t **data)
{
	const uint8_t *r;
	uint32_t caplen, frac, sec;

	if (!fast_have(f, f->pos, 16))
		return 0;
	r = f->buf + (f->pos - f->off);
	caplen = fast32(f, r + 8);
	if (caplen > f->snap)
		return 0;
	frac = fast32(f, r + 4);
	sec = fast32(f, r);
	/* odd timestamps (a negative 32-bit second, a fraction of a second out
	 * of range) are left to libpcap, which defines how they read */
	if (sec > INT32_MAX || frac >= (f->nsec ? 1000000000u : 1000000u))
		return 0;
	if (!fast_have(f, f->pos, 16 + (size_t)caplen))
		return 0;
	r = f->buf + (f->pos - f->off);   /* the window may have slid */
	h->ts.tv_sec = (time_t)sec;
	/* nanoseconds in tv_usec, as libpcap gives them with PRECISION_NANO */
	h->ts.tv_usec = (suseconds_t)(f->nsec ? frac : (uint64_t)frac * 1000u);
	h->caplen = caplen;
	h->len = fast32(f, r + 12);
	*data = r + 16;
	f->pos += 16 + (size_t)caplen;
	return 1;
}

struct pcap_in {
	FILE *fp;
	pcap_t *pc;
	struct ns_source src;
	struct fast fast;
	struct pcap_pkthdr fh;   /* the fast path's record header */
	bool use_fast;
	uint64_t nframes;        /* records of this file read so far */
	bool ended;
};

struct pcap_in *pcap_in_open(struct ns_capture *c, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_in *pi = calloc(1, sizeof(*pi));
	enum ns_linktype lt;
	int dlt;

	if (!pi) {
		snprintf(err, errlen, "%s: out of memory", c->path);
		return NULL;
	}
	pi->fp = open_stream(c);
	if (!pi->fp) {
		snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
		free(pi);
		return NULL;
	}
	ebuf[0] = '\0';
	pi->pc = pcap_fopen_offline_with_tstamp_precision(pi->fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!pi->pc) {
		if (c->in.err[0])
			snprintf(err, errlen, "%s: %s", c->path, c->in.err);
		else
			snprintf(err, errlen, "%s: %s", c->path, ebuf);
		fclose(pi->fp);
		free(pi);
		return NULL;
	}
	dlt = pcap_datalink(pi->pc);
	if (ns_linktype_from_file(dlt, &lt) < 0) {
		ns_unsupported_linktype(err, errlen, c->path, dlt);
		pcap_close(pi->pc);
		free(pi);
		return NULL;
	}
	ns_source_init(&pi->src, lt, dlt_to_linktype(dlt), (uint32_t)pcap_snapshot(pi->pc), c->path);
	pi->use_fast = !c->streamed && fast_open(&pi->fast, c->size, pi->fp, pi->pc);
	return pi;
}

uint64_t pcap_in_pos(const struct pcap_in *pi)
{
	if (pi->use_fast)
		return pi->fast.pos;
	off_t o = ftello(pi->fp);
	return o > 0 ? (uint64_t)o : 0;
}

int pcap_in_next(struct pcap_in *pi, struct ns_capture *c, uint64_t frame,
		 struct ns_capture_rec *rec, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (pi->ended)
		return 0;
	for (;;) {
		if (pi->use_fast) {
			int fr = fast_next(&pi->fast, &pi->fh, &data);

			h = &pi->fh;
			if (pi->fast.shrunk) {
				snprintf(err, errlen, "%s: %s", c->path, NS_SHRUNK_MSG);
				goto fail;
			}
			if (fr == 0) {
				/* libpcap goes on from this record */
				pi->use_fast = false;
				if (fseeko(pi->fp, (off_t)pi->fast.pos, SEEK_SET) != 0) {
					snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
					goto fail;
				}
				continue;
			}
			break;
		}
		rc = pcap_next_ex(pi->pc, &h, &data);
		if (rc == 1)
			break;
		pi->ended = true;
		/* the fast path read up to the size at open; did it lose that? */
		if (pi->fast.shrunk || (pi->fast.buf && ns_capture_shrank(c))) {
			snprintf(err, errlen, "%s: %s", c->path, NS_SHRUNK_MSG);
			return -1;
		}
		if (c->in.err[0]) {
			/* the stream failed (truncated compressed data, read
			 * error): that is the cause, not what libpcap saw */
			snprintf(err, errlen, "%s: frame %llu: %s", c->path,
				 (unsigned long long)frame, c->in.err);
			return -1;
		}
		if (rc == PCAP_ERROR) {
			/* e.g. "truncated dump file; tried to read 60 captured bytes, only got 20" */
			snprintf(err, errlen, "%s: frame %llu: %s", c->path,
				 (unsigned long long)frame, pcap_geterr(pi->pc));
			return -1;
		}
		return 0;
	}
	pi->nframes++;
	memset(&rec->ctx, 0, sizeof(rec->ctx));
	rec->src = &pi->src;
	rec->data = data;
	rec->caplen = h->caplen;
	rec->ctx.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
	rec->ctx.wire_len = h->len;
	rec->ctx.direction = NS_DIR_UNKNOWN;
	return 1;
fail:
	pi->ended = true;
	return -1;
}

void pcap_in_close(struct pcap_in *pi)
{
	if (!pi)
		return;
	fast_close(&pi->fast);
	ns_source_free(&pi->src);
	pcap_close(pi->pc);      /* closes fp */
	free(pi);
}
