/* Classic pcap through libpcap (nanosecond timestamps). */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

/* A FILE that first returns the bytes we already read to sniff the magic, then
 * the rest of the descriptor: lets libpcap read a pipe we peeked into. */
struct peek_cookie {
	int fd;
	uint8_t pre[4];
	size_t prelen, prepos;
};

static ssize_t peek_read(void *c, char *buf, size_t size)
{
	struct peek_cookie *pc = c;
	ssize_t n;

	if (pc->prepos < pc->prelen) {
		size_t k = pc->prelen - pc->prepos;
		if (k > size)
			k = size;
		memcpy(buf, pc->pre + pc->prepos, k);
		pc->prepos += k;
		return (ssize_t)k;
	}
	do
		n = read(pc->fd, buf, size);
	while (n < 0 && errno == EINTR);
	return n;
}

static int peek_close(void *c)
{
	struct peek_cookie *pc = c;
	int rc = pc->fd > STDIN_FILENO ? close(pc->fd) : 0;

	free(pc);
	return rc;
}

static FILE *open_stream(int fd, const uint8_t *pre, size_t prelen)
{
	struct peek_cookie *pc;
	cookie_io_functions_t io = { .read = peek_read, .close = peek_close };
	FILE *fp;

	if (lseek(fd, 0, SEEK_SET) == 0)
		return fdopen(fd, "rb");
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return NULL;
	pc->fd = fd;
	memcpy(pc->pre, pre, prelen);
	pc->prelen = prelen;
	fp = fopencookie(pc, "rb", io);
	if (!fp)
		free(pc);
	return fp;
}

static int dlt_to_linktype(int dlt)
{
	return dlt == DLT_RAW ? LINKTYPE_RAW_FILE : dlt;
}

/* ---- the mapped fast path ----
 * libpcap opens the file and checks its header; then, for a regular file, the
 * records are read straight from a mapping of it instead of being copied by
 * read(2) and fread into libpcap's buffer (that copying was most of the time
 * of reading a large capture). Only plain records take this path: standard
 * magic, version 2.3 or later, a complete 16-byte record header, and caplen
 * within the snapshot length and within the file. At the first record that is
 * anything else (truncated, oversized, ...), libpcap's own reader takes over
 * from that record, so its checks and error messages are unchanged. */
struct fast {
	struct mapped m;
	bool swap, nsec;
	uint32_t snap;
	size_t pos;              /* offset of the next record */
};

static uint32_t fast32(const struct fast *f, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return f->swap ? __builtin_bswap32(v) : v;
}

/* Set up *f for a regular file whose header libpcap accepted; false when the
 * fast path does not apply. */
static bool fast_open(struct fast *f, FILE *fp, pcap_t *pc)
{
	struct stat st;
	uint32_t magic;
	uint16_t major, minor;

	memset(f, 0, sizeof(*f));
	if (fstat(fileno(fp), &st) != 0 || !mapped_open(&f->m, fileno(fp), &st))
		return false;
	if (f->m.len < 24)
		goto no;
	memcpy(&magic, f->m.base, 4);
	switch (magic) {
	case 0xa1b2c3d4u: f->swap = false; f->nsec = false; break;
	case 0xd4c3b2a1u: f->swap = true;  f->nsec = false; break;
	case 0xa1b23c4du: f->swap = false; f->nsec = true;  break;
	case 0x4d3cb2a1u: f->swap = true;  f->nsec = true;  break;
	default: goto no;      /* e.g. Kuznetzov's format: libpcap reads it */
	}
	memcpy(&major, f->m.base + 4, 2);
	memcpy(&minor, f->m.base + 6, 2);
	if (f->swap) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	if (major != 2 || minor < 3)   /* older files swap caplen and len */
		goto no;
	f->snap = (uint32_t)pcap_snapshot(pc);
	f->pos = 24;
	return true;
no:
	mapped_close(&f->m);
	return false;
}

/* Next plain record: 1 with *h and *data set, 0 when libpcap must take over at
 * f->pos (end of file included: it reports a clean end or a truncation). */
static int fast_next(struct fast *f, struct pcap_pkthdr *h, const uint8_t **data)
{
	const uint8_t *r = f->m.base + f->pos;
	size_t left = f->m.len - f->pos;
	uint32_t caplen, frac, sec;

	if (left < 16)
		return 0;
	caplen = fast32(f, r + 8);
	if (caplen > f->snap || caplen > left - 16)
		return 0;
	frac = fast32(f, r + 4);
	sec = fast32(f, r);
	/* odd timestamps (a negative 32-bit second, a fraction of a second out
	 * of range) are left to libpcap, which defines how they read */
	if (sec > INT32_MAX || frac >= (f->nsec ? 1000000000u : 1000000u))
		return 0;
	h->ts.tv_sec = (time_t)sec;
	/* nanoseconds in tv_usec, as libpcap gives them with PRECISION_NANO */
	h->ts.tv_usec = (suseconds_t)(f->nsec ? frac : (uint64_t)frac * 1000u);
	h->caplen = caplen;
	h->len = fast32(f, r + 12);
	*data = r + 16;
	f->pos += 16 + (size_t)caplen;
	mapped_advance(&f->m, f->pos);
	return 1;
}

int read_pcap(struct pipeline *p, int fd, const char *path, const uint8_t *pre,
	      size_t prelen, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct ns_source src;
	struct ns_ctx ctx;
	struct pcap_pkthdr *h;
	const u_char *data;
	enum ns_linktype lt;
	uint64_t frame = 0;
	FILE *fp = open_stream(fd, pre, prelen);
	pcap_t *pc;
	int dlt, rc, ret = 0;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd > STDIN_FILENO)
			close(fd);
		return -1;
	}
	ebuf[0] = '\0';
	pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!pc) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		fclose(fp);
		return -1;
	}
	dlt = pcap_datalink(pc);
	if (ns_linktype_from_file(dlt, &lt) < 0) {
		ns_unsupported_linktype(err, errlen, path, dlt);
		pcap_close(pc);
		return -1;
	}
	ns_source_init(&src, lt, dlt_to_linktype(dlt), (uint32_t)pcap_snapshot(pc), path);
	memset(&ctx, 0, sizeof(ctx));
	struct fast fast;
	struct pcap_pkthdr fh;
	bool use_fast = fast_open(&fast, fp, pc);
	for (;;) {
		size_t ob_len = p->ob->len;
		uint64_t ob_gen = p->ob->gen;
		int pr;

		if (use_fast) {
			int fr = fast_next(&fast, &fh, &data);

			h = &fh;
			/* the record must still be there, its last byte included */
			if (fr == 1)
				(void)mapped_have(&fast.m, (size_t)(data - fast.m.base), fh.caplen);
			if (fast.m.shrunk) {
				snprintf(err, errlen, "%s: %s", path, MAPPED_SHRUNK_MSG);
				ret = -1;
				rc = 0;
				break;
			}
			if (fr == 0) {
				/* libpcap goes on from this record */
				use_fast = false;
				if (fseeko(fp, (off_t)fast.pos, SEEK_SET) != 0) {
					snprintf(err, errlen, "%s: %s", path, strerror(errno));
					ret = -1;
					rc = 0;
					break;
				}
				continue;
			}
			rc = 1;
		} else if ((rc = pcap_next_ex(pc, &h, &data)) != 1) {
			break;
		}
		ctx.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
		ctx.frame = ++frame;
		ctx.wire_len = h->len;
		ctx.direction = NS_DIR_UNKNOWN;
		pr = pipeline_packet(p, &src, data, h->caplen, &ctx);
		if (fast.m.shrunk) {
			/* it shrank while this packet was processed: what it
			 * wrote may come from zeros; drop it if still buffered */
			if (p->ob->gen == ob_gen)
				p->ob->len = ob_len;
			snprintf(err, errlen, "%s: %s", path, MAPPED_SHRUNK_MSG);
			ret = -1;
			break;
		}
		if (pr == NS_PIPE_ERROR) {
			snprintf(err, errlen, "%s", p->err);
			ret = -1;
			break;
		}
		if (pr == NS_PIPE_STOP)
			break;
	}
	if (fast.m.base && mapped_shrank(&fast.m)) {
		snprintf(err, errlen, "%s: %s", path, MAPPED_SHRUNK_MSG);
		ret = -1;
	} else if (rc == PCAP_ERROR) {
		/* e.g. "truncated dump file; tried to read 60 captured bytes, only got 20" */
		snprintf(err, errlen, "%s: frame %llu: %s", path,
			 (unsigned long long)frame + 1, pcap_geterr(pc));
		ret = -1;
	}
	if (fast.m.base)
		mapped_close(&fast.m);
	ns_source_free(&src);
	pcap_close(pc);
	return ret;
}
