/* Open a capture, sniff its format, and the pcapng side of reading. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "pcapng.h"

int ns_linktype_from_file(int linktype, enum ns_linktype *lt)
{
	/* The table is dissect/link.c's: PPI and PKTAP headers name a DLT too. */
	if (linktype < 0)
		return -1;
	return ns_linktype_from_dlt((uint32_t)linktype, lt);
}

void ns_unsupported_linktype(char *err, size_t errlen, const char *file, int linktype)
{
	const char *name = pcap_datalink_val_to_name(linktype);

	snprintf(err, errlen, "%s: unsupported link type %s (%d)", file,
		 name ? name : "UNKNOWN", linktype);
}

static bool is_pcap_magic(const uint8_t m[4])
{
	static const uint8_t magics[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },  /* usec */
		{ 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },  /* nsec */
		{ 0x34, 0xcd, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xcd, 0x34 },  /* Kuznetzov */
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(m, magics[i], 4) == 0)
			return true;
	return false;
}

static struct pcapng_in *pcapng_in_open(struct ns_capture *c, char *err, size_t errlen);
static int pcapng_in_next(struct pcapng_in *g, struct ns_capture *c, struct ns_capture_rec *rec,
			  char *err, size_t errlen);
static void pcapng_in_close(struct pcapng_in *g);

static void capture_free(struct ns_capture *c)
{
	ns_in_free(&c->in);
	if (!c->is_stdin && c->fd >= 0)
		close(c->fd);
	free(c);
}

struct ns_capture *ns_capture_open(const char *path, void (*idle)(void *), void *arg,
				   char *err, size_t errlen)
{
	struct ns_capture *c = calloc(1, sizeof(*c));
	uint8_t magic[4];
	size_t n = 0;
	struct stat st;

	if (!c) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	c->path = path;
	c->is_stdin = strcmp(path, "-") == 0;
	c->fd = c->is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	if (fstat(c->fd, &st) != 0)
		memset(&st, 0, sizeof(st));   /* unknown kind: read it, do not map it */
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		goto fail;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		c->size = (uint64_t)st.st_size;
	/* a read of these can wait for the writer: they stream */
	ns_in_init(&c->in, c->fd, path, S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
		   S_ISSOCK(st.st_mode));
	c->in.idle = idle;
	c->in.idle_arg = arg;
	if (ns_in_sniff(&c->in, magic, &n) < 0) {
		snprintf(err, errlen, "%s: %s", path, c->in.err);
		goto fail;
	}
	c->streamed = c->in.z != NS_Z_NONE || !S_ISREG(st.st_mode);
	if (n == 0) {
		snprintf(err, errlen, "%s: empty %s, not a pcap or pcapng file", path,
			 c->in.z != NS_Z_NONE ? "compressed file" : "file");
	} else if (n == 4 && is_pcap_magic(magic)) {
		if ((c->pcap = pcap_in_open(c, err, errlen)))
			return c;
	} else if (n == 4 && memcmp(magic, "\x0a\x0d\x0d\x0a", 4) == 0) {
		if ((c->ng = pcapng_in_open(c, err, errlen)))
			return c;
	} else if (c->in.z != NS_Z_NONE) {
		snprintf(err, errlen, "%s: not a pcap or pcapng file (after %s decompression)",
			 path, ns_in_zname(&c->in));
	} else {
		snprintf(err, errlen, "%s: not a pcap or pcapng file", path);
	}
fail:
	capture_free(c);
	return NULL;
}

int ns_capture_next(struct ns_capture *c, uint64_t frame, struct ns_capture_rec *rec,
		    char *err, size_t errlen)
{
	int rc;

	if (c->pcap)
		rc = pcap_in_next(c->pcap, c, frame, rec, err, errlen);
	else
		rc = pcapng_in_next(c->ng, c, rec, err, errlen);
#ifdef NS_EXACT_ALLOC
	/* configure --enable-exact-alloc (fuzzing, make check-asan): each
	 * record in a heap block of exactly its captured length, so that
	 * AddressSanitizer reports a read past its end (in the readers'
	 * buffers such a read lands on the next record, unseen) */
	free(c->exact);
	c->exact = NULL;
	if (rc == 1) {
		c->exact = malloc(rec->caplen ? rec->caplen : 1);
		if (!c->exact) {
			snprintf(err, errlen, "%s: out of memory", c->path);
			return -1;
		}
		memcpy(c->exact, rec->data, rec->caplen);
		rec->data = c->exact;
	}
#endif
	return rc;
}

void ns_capture_close(struct ns_capture *c)
{
	if (!c)
		return;
	pcap_in_close(c->pcap);
	pcapng_in_close(c->ng);
#ifdef NS_EXACT_ALLOC
	free(c->exact);
#endif
	capture_free(c);
}

/* ---- pcapng: interfaces become pipeline sources ---- */

struct ifsrc {
	bool ready;
	struct ns_source src;
};

struct ng_state {
	struct ifsrc *srcs;
	uint32_t n;
	uint32_t section;
};

static void ng_reset(struct ng_state *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->srcs[i].ready)
			ns_source_free(&s->srcs[i].src);
	if (s->n)
		memset(s->srcs, 0, s->n * sizeof(*s->srcs));
}

static struct ns_source *ng_source(struct ng_state *s, const struct pcapng_pkt *pk,
				   const char *path, char *err, size_t errlen)
{
	struct ifsrc *is;
	enum ns_linktype lt;

	if (pk->section != s->section) {
		ng_reset(s);
		s->section = pk->section;
	}
	if (pk->ifid >= s->n) {
		uint32_t n = pk->ifid + 8;
		struct ifsrc *a = realloc(s->srcs, n * sizeof(*a));
		if (!a) {
			snprintf(err, errlen, "%s: out of memory", path);
			return NULL;
		}
		memset(a + s->n, 0, (n - s->n) * sizeof(*a));
		s->srcs = a;
		s->n = n;
	}
	is = &s->srcs[pk->ifid];
	if (!is->ready) {
		if (ns_linktype_from_file(pk->ifc->linktype, &lt) < 0) {
			ns_unsupported_linktype(err, errlen, path, pk->ifc->linktype);
			return NULL;
		}
		ns_source_init(&is->src, lt, pk->ifc->linktype, pk->ifc->snaplen, path);
		is->ready = true;
	}
	return &is->src;
}

/* ---- pcapng, a record at a time ---- */
struct pcapng_in {
	struct pcapng_reader r;
	struct ng_state s;
	bool ended;
};

static ssize_t in_read_fn(void *arg, void *buf, size_t n)
{
	ssize_t k = ns_in_read(arg, buf, n);

	if (k < 0)
		errno = EIO;     /* the message is in the stream's err */
	return k;
}

/* Every pcapng input is read into the parser's buffer, a regular file too.
 * Parsing a mapping of the file in place was slower on the paravirtualised
 * machines this runs on (the first touch of each block's trailer, a page
 * fault or a cache miss, was a quarter of `read` of a large capture; read(2)
 * into a buffer that stays in the cache costs less than that). */
static struct pcapng_in *pcapng_in_open(struct ns_capture *c, char *err, size_t errlen)
{
	struct pcapng_in *g = calloc(1, sizeof(*g));

	if (!g) {
		snprintf(err, errlen, "%s: out of memory", c->path);
		return NULL;
	}
	if (pcapng_reader_init_fn(&g->r, in_read_fn, &c->in, c->path) < 0) {
		snprintf(err, errlen, "%s: out of memory", c->path);
		free(g);
		return NULL;
	}
	/* a small regular file needs no 1 MiB buffer (many small files, and
	 * the fuzzers' inputs, paid for one each) */
	if (!c->streamed && c->size)
		pcapng_reader_expect(&g->r, c->size);
	return g;
}

bool ns_capture_shrank(const struct ns_capture *c)
{
	struct stat st;

	return !c->streamed && c->size && fstat(c->fd, &st) == 0 &&
	       (uint64_t)st.st_size < c->size;
}

uint64_t ns_capture_pos(const struct ns_capture *c)
{
	if (c->pcap)
		return c->streamed ? c->in.raw_bytes : pcap_in_pos(c->pcap);
	return c->in.raw_bytes;
}

static int pcapng_in_next(struct pcapng_in *g, struct ns_capture *c, struct ns_capture_rec *rec,
			  char *err, size_t errlen)
{
	struct pcapng_pkt pk;
	struct ns_ctx *ctx = &rec->ctx;
	int n;

	if (g->ended)
		return 0;
	n = pcapng_next(&g->r, &pk);
	if (n == 1) {
		rec->src = ng_source(&g->s, &pk, c->path, err, errlen);
		if (!rec->src) {
			g->ended = true;
			return -1;
		}
		memset(ctx, 0, sizeof(*ctx));
		ctx->ts_ns = pk.ts_ns;
		ctx->wire_len = pk.origlen;
		ctx->direction = pk.direction;
		memcpy(ctx->iface, pk.ifc->name, sizeof(ctx->iface));
		ctx->task = pk.task;
		rec->data = pk.data;
		rec->caplen = pk.caplen;
		return 1;
	}
	g->ended = true;
	if (ns_capture_shrank(c)) {
		/* also when its cut end reads as a truncated block: that is
		 * not what is wrong with the file */
		snprintf(err, errlen, "%s: %s", c->path, NS_SHRUNK_MSG);
		return -1;
	}
	if (n < 0 && c->in.err[0]) {
		/* the stream failed: that is the cause of what the parser saw */
		snprintf(err, errlen, "%s: offset %llu: %s", c->path,
			 (unsigned long long)(g->r.buf_off + g->r.pos), c->in.err);
		return -1;
	}
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", c->path, g->r.err);
		return -1;
	}
	return 0;
}

static void pcapng_in_close(struct pcapng_in *g)
{
	if (!g)
		return;
	ng_reset(&g->s);
	free(g->s.srcs);
	pcapng_reader_free(&g->r);
	free(g);
}
