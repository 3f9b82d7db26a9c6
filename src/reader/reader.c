/* Open a capture, sniff its format, and the pcapng side of reading. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static struct pcapng_in *pcapng_in_open(struct ns_capture *c, const struct stat *st,
					char *err, size_t errlen);
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
		if ((c->ng = pcapng_in_open(c, &st, err, errlen)))
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
	if (c->pcap)
		return pcap_in_next(c->pcap, c, frame, rec, err, errlen);
	return pcapng_in_next(c->ng, c, rec, err, errlen);
}

void ns_capture_close(struct ns_capture *c)
{
	if (!c)
		return;
	pcap_in_close(c->pcap);
	pcapng_in_close(c->ng);
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

/* ---- a capture file mapped into memory (see reader.h) ---- */
#define MAP_STEP (4u << 20)  /* a multiple of any page size */
/* How far ahead of the reader to touch the file with a prefetch. */
#define PREFETCH_AHEAD (16u << 10)

void mapped_advance(struct mapped *m, size_t pos)
{
#ifdef NS_EXACT_ALLOC
	(void)m;         /* a heap copy: nothing to drop or fetch ahead */
	(void)pos;
	return;
#endif
	/* Each new page of the mapping cost the reader a stall at its first
	 * record (a TLB miss, and the hardware prefetcher starting over at the
	 * page boundary): a fifth of `analyze` on a capture of full-size packets.
	 * Touching the file a few pages ahead with a prefetch (which never faults
	 * and does not wait) has the page ready when the reader gets there. One
	 * per record is cheap when records are small: the line is already in the
	 * cache then. Measured best at 4-16 KiB ahead (5% of `analyze` on the
	 * full-size bench capture). */
	if (m->len - pos > PREFETCH_AHEAD)
		__builtin_prefetch(m->base + pos + PREFETCH_AHEAD);
	if (pos >= m->dropped + 2 * MAP_STEP) {
		size_t upto = (pos - MAP_STEP) / MAP_STEP * MAP_STEP;
		madvise((void *)(uintptr_t)(m->base + m->dropped), upto - m->dropped,
			MADV_DONTNEED);
		m->dropped = upto;
	}
	if (pos + MAP_STEP > m->ahead && m->ahead < m->len) {
		size_t to = m->ahead + 2 * MAP_STEP;
		if (to > m->len)
			to = m->len;
#ifdef MADV_POPULATE_READ
		/* hints only: a failure just means page faults later */
		if (madvise((void *)(uintptr_t)(m->base + m->ahead), to - m->ahead,
			    MADV_POPULATE_READ) != 0)
#endif
			madvise((void *)(uintptr_t)(m->base + m->ahead), to - m->ahead,
				MADV_WILLNEED);
		m->ahead = to;
	}
}

#ifdef NS_EXACT_ALLOC
/* configure --enable-exact-alloc (fuzzing, make check-asan): the file is
 * read into a heap block of exactly its size instead of mapped, so that
 * AddressSanitizer reports any read past its end (a mapping is rounded up
 * to a page of zeros, where an over-read goes unseen). The parsers are the
 * same; only the fast path's page handling is left out. */
bool mapped_open(struct mapped *m, int fd, const struct stat *st)
{
	uint8_t *buf;
	size_t len, got = 0;

	memset(m, 0, sizeof(*m));
	if (!S_ISREG(st->st_mode) || st->st_size <= 0 ||
	    (uint64_t)st->st_size > (uint64_t)SIZE_MAX)
		return false;
	len = (size_t)st->st_size;
	buf = malloc(len);
	if (!buf)
		return false;
	while (got < len) {
		ssize_t k = pread(fd, buf + got, len - got, (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got < len) {
		/* shrank since fstat: the exact size of what is there */
		uint8_t *b = got ? realloc(buf, got) : NULL;
		if (!b) {
			free(buf);
			return false;
		}
		buf = b;
	}
	m->base = buf;
	m->len = got;
	m->pagesize = 4096;
	m->fd = fd;
	return true;
}

bool mapped_have(struct mapped *m, size_t off, size_t n)
{
	(void)off;
	(void)n;
	return !m->shrunk;
}

bool mapped_shrank(struct mapped *m)
{
	struct stat st;

	if (!m->shrunk && fstat(m->fd, &st) == 0 && (uint64_t)st.st_size < (uint64_t)m->len)
		m->shrunk = 1;
	return m->shrunk;
}

void mapped_close(struct mapped *m)
{
	free((void *)(uintptr_t)m->base);
	m->base = NULL;
}
#else
/* ---- a file that shrinks while mapped ----
 * Truncating a mapped file makes every later read of a page past its new end
 * raise SIGBUS, which would kill us mid-output. The handler below maps zero
 * pages over the rest of the mapping instead (the faulting read is then
 * retried and reads zeros) and flags it; the readers check the flag after
 * each record and stop with one line of error, as for a truncated file.
 * mmap is a plain system call, safe in a handler in practice. A SIGBUS
 * anywhere else is restored to the default action and so still kills. */
static struct mapped *volatile bus_map;
static struct sigaction bus_old;

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	struct mapped *m = bus_map;
	uintptr_t a = (uintptr_t)si->si_addr, base, end, from;

	(void)uctx;
	if (m && m->base) {
		base = (uintptr_t)m->base;
		end = base + m->len;
		if (a >= base && a < end) {
			from = a & ~(uintptr_t)(m->pagesize - 1);
			if (mmap((void *)from, end - from, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
				m->shrunk = 1;
				return;
			}
		}
	}
	signal(sig, SIG_DFL);    /* not ours: the retried read dies as before */
}

bool mapped_open(struct mapped *m, int fd, const struct stat *st)
{
	struct sigaction sa;
	void *map;
	long pg = sysconf(_SC_PAGESIZE);

	memset(m, 0, sizeof(*m));
	if (!S_ISREG(st->st_mode) || st->st_size <= 0 ||
	    (uint64_t)st->st_size > (uint64_t)SIZE_MAX || bus_map || pg <= 0)
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &bus_old) != 0)
		return false;
	map = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		sigaction(SIGBUS, &bus_old, NULL);
		return false;
	}
	m->base = map;
	m->len = (size_t)st->st_size;
	m->pagesize = (size_t)pg;
	m->fd = fd;
	bus_map = m;
	madvise(map, m->len, MADV_SEQUENTIAL);
	mapped_advance(m, 0);
	return true;
}

bool mapped_have(struct mapped *m, size_t off, size_t n)
{
	if (n > 0 && off + n <= m->len)
		(void)*(const volatile uint8_t *)(m->base + off + n - 1);
	return !m->shrunk;
}

bool mapped_shrank(struct mapped *m)
{
	struct stat st;

	if (!m->shrunk && fstat(m->fd, &st) == 0 && (uint64_t)st.st_size < (uint64_t)m->len)
		m->shrunk = 1;
	return m->shrunk;
}

void mapped_close(struct mapped *m)
{
	if (m->base) {
		munmap((void *)(uintptr_t)m->base, m->len);
		bus_map = NULL;
		sigaction(SIGBUS, &bus_old, NULL);
	}
	m->base = NULL;
}
#endif

/* ---- pcapng, a record at a time ---- */
struct pcapng_in {
	struct pcapng_reader r;
	struct mapped m;         /* m.base set: r reads the mapping */
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

/* A regular pcapng file is mapped and parsed in place: no read(2) copying
 * every byte into a buffer first (that copy was a tenth of the time of a
 * run). The parser bounds-checks every block against the mapped length
 * exactly as against a buffer. Anything else (a pipe, standard input,
 * compressed bytes, a second file while one is mapped) is read. */
static struct pcapng_in *pcapng_in_open(struct ns_capture *c, const struct stat *st,
					char *err, size_t errlen)
{
	struct pcapng_in *g = calloc(1, sizeof(*g));

	if (!g) {
		snprintf(err, errlen, "%s: out of memory", c->path);
		return NULL;
	}
	if (!c->streamed && !c->is_stdin && mapped_open(&g->m, c->fd, st)) {
		pcapng_reader_init_mem(&g->r, g->m.base, g->m.len, c->path);
		return g;
	}
	if (pcapng_reader_init_fn(&g->r, in_read_fn, &c->in, c->path) < 0) {
		snprintf(err, errlen, "%s: out of memory", c->path);
		free(g);
		return NULL;
	}
	return g;
}

bool ns_capture_shrunk(const struct ns_capture *c)
{
	if (c->pcap)
		return pcap_in_shrunk(c->pcap);
	return c->ng->m.base && c->ng->m.shrunk;
}

uint64_t ns_capture_pos(const struct ns_capture *c)
{
	if (c->pcap)
		return c->streamed ? c->in.raw_bytes : pcap_in_pos(c->pcap);
	return c->ng->m.base ? c->ng->r.pos : c->in.raw_bytes;
}

static int pcapng_in_next(struct pcapng_in *g, struct ns_capture *c, struct ns_capture_rec *rec,
			  char *err, size_t errlen)
{
	struct pcapng_pkt pk;
	struct mapped *m = g->m.base ? &g->m : NULL;
	struct ns_ctx *ctx = &rec->ctx;
	int n;

	if (g->ended)
		return 0;
	n = pcapng_next(&g->r, &pk);
	if (n == 1 && m && m->shrunk)
		n = -1;          /* it shrank before the block's trailer */
	if (n == 1) {
		rec->src = ng_source(&g->s, &pk, c->path, err, errlen);
		if (!rec->src) {
			g->ended = true;
			return -1;
		}
		if (m)
			mapped_advance(m, g->r.pos);
		memset(ctx, 0, sizeof(*ctx));
		ctx->ts_ns = pk.ts_ns;
		ctx->wire_len = pk.origlen;
		ctx->direction = pk.direction;
		memcpy(ctx->iface, pk.ifc->name, sizeof(ctx->iface));
		ctx->pid = pk.pid;
		ctx->tid = pk.tid;
		ctx->uid = pk.uid;
		ctx->cgroup_id = pk.cgroup_id;
		memcpy(ctx->comm, pk.comm, sizeof(ctx->comm));
		ctx->proc = pk.proc;
		rec->data = pk.data;
		rec->caplen = pk.caplen;
		return 1;
	}
	g->ended = true;
	if (m && mapped_shrank(m)) {
		/* also when the zeros where it was cut read as a malformed
		 * block: that is not what is wrong with the file */
		snprintf(err, errlen, "%s: %s", c->path, MAPPED_SHRUNK_MSG);
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
	if (g->m.base)
		mapped_close(&g->m);
	free(g);
}
