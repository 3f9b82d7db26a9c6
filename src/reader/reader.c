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

static int read_pcapng_mapped(struct pipeline *p, int fd, const struct stat *st,
			      const char *path, char *err, size_t errlen, int *rc);

int read_capture(struct pipeline *p, const char *path, char *err, size_t errlen)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	uint8_t magic[4];
	size_t n = 0;
	struct stat st;
	int rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		memset(&st, 0, sizeof(st));   /* unknown kind: read it, do not map it */
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		if (!is_stdin)
			close(fd);
		return -1;
	}
	while (n < sizeof(magic)) {
		ssize_t k = read(fd, magic + n, sizeof(magic) - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			if (!is_stdin)
				close(fd);
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: empty file, not a pcap or pcapng file", path);
		rc = -1;
	} else if (n == 4 && is_pcap_magic(magic)) {
		/* libpcap takes the descriptor over and closes it */
		return read_pcap(p, fd, path, magic, n, err, errlen);
	} else if (n == 4 && memcmp(magic, "\x0a\x0d\x0d\x0a", 4) == 0) {
		if (is_stdin || !read_pcapng_mapped(p, fd, &st, path, err, errlen, &rc))
			rc = read_pcapng(p, fd, path, magic, n, err, errlen);
	} else {
		snprintf(err, errlen, "%s: not a pcap or pcapng file", path);
		rc = -1;
	}
	if (!is_stdin)
		close(fd);
	return rc;
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

/* Every packet of an initialised reader through the pipeline; frees it.
 * m: the mapping the reader reads from, or NULL. */
static int pcapng_run(struct pipeline *p, struct pcapng_reader *rp, struct mapped *m,
		      const char *path, char *err, size_t errlen)
{
	struct pcapng_reader r = *rp;
	struct pcapng_pkt pk;
	struct ng_state s = { NULL, 0, 0 };
	struct ns_ctx ctx;
	int rc = 0, n;

	memset(&ctx, 0, sizeof(ctx));
	while ((n = pcapng_next(&r, &pk)) == 1) {
		struct ns_source *src;
		size_t ob_len = p->ob->len;
		uint64_t ob_gen = p->ob->gen;
		int pr;

		/* pcapng_next read the block's trailer: all of it is there, or
		 * the file shrank before that */
		if (m && m->shrunk) {
			snprintf(err, errlen, "%s: %s", path, MAPPED_SHRUNK_MSG);
			rc = -1;
			break;
		}
		src = ng_source(&s, &pk, path, err, errlen);
		if (!src) {
			rc = -1;
			break;
		}
		if (m)
			mapped_advance(m, r.pos);
		ctx.ts_ns = pk.ts_ns;
		ctx.frame = pk.frame;
		ctx.wire_len = pk.origlen;
		ctx.direction = pk.direction;
		memcpy(ctx.iface, pk.ifc->name, sizeof(ctx.iface));
		ctx.pid = pk.pid;
		ctx.tid = pk.tid;
		ctx.uid = pk.uid;
		ctx.cgroup_id = pk.cgroup_id;
		memcpy(ctx.comm, pk.comm, sizeof(ctx.comm));
		pr = pipeline_packet(p, src, pk.data, pk.caplen, &ctx);
		if (m && m->shrunk) {
			/* it shrank while this packet was processed: what it
			 * wrote may come from zeros; drop it if still buffered */
			if (p->ob->gen == ob_gen)
				p->ob->len = ob_len;
			snprintf(err, errlen, "%s: %s", path, MAPPED_SHRUNK_MSG);
			rc = -1;
			break;
		}
		if (pr == NS_PIPE_ERROR) {
			snprintf(err, errlen, "%s", p->err);
			rc = -1;
			break;
		}
		if (pr == NS_PIPE_STOP)
			break;
	}
	if (m && mapped_shrank(m)) {
		/* also when the zeros where it was cut read as a malformed
		 * block: that is not what is wrong with the file */
		snprintf(err, errlen, "%s: %s", path, MAPPED_SHRUNK_MSG);
		rc = -1;
	} else if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, r.err);
		rc = -1;
	}
	ng_reset(&s);
	free(s.srcs);
	pcapng_reader_free(&r);
	return rc;
}

int read_pcapng(struct pipeline *p, int fd, const char *path, const uint8_t *pre,
		size_t prelen, char *err, size_t errlen)
{
	struct pcapng_reader r;

	if (pcapng_reader_init(&r, fd, path, pre, prelen) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	return pcapng_run(p, &r, NULL, path, err, errlen);
}

/* A regular pcapng file is mapped and parsed in place: no read(2) copying
 * every byte into a buffer first (that copy was a tenth of the time of a
 * run). The parser bounds-checks every block against the mapped length
 * exactly as against a buffer. 1 when done (rc in *rc), 0 when the file
 * cannot be mapped and must be read instead. */
static int read_pcapng_mapped(struct pipeline *p, int fd, const struct stat *st,
			      const char *path, char *err, size_t errlen, int *rc)
{
	struct pcapng_reader r;
	struct mapped m;

	if (!mapped_open(&m, fd, st))
		return 0;
	pcapng_reader_init_mem(&r, m.base, m.len, path);
	*rc = pcapng_run(p, &r, &m, path, err, errlen);
	mapped_close(&m);
	return 1;
}
