/* libbpf side of `netsift trace` (see live_bpf.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netsift.h"
#include "netsift.skel.h"

#include "live_bpf.h"
#include "ringread.h"

/* A record stamped less than this long before the rings were read may still
 * have a predecessor from another CPU on its way: stamped, not yet reserved.
 * An incoming packet is stamped at netif_receive_skb and reaches the cgroup
 * hook after the softirq has run, which under load (ksoftirqd) took up to
 * 32 ms here; so it waits for a later round. */
#define MERGE_SLACK_NS 100000000ull

struct live_bpf {
	struct netsift_bpf *skel;
	struct bpf_link *links[24];
	unsigned nlinks;
	int ncpu;                /* possible CPUs: slots in the rings array */
	live_rec_fn fn;
	void *fn_arg;
	/* one ring per CPU online at start */
	struct ns_ring *rings;   /* their pointers are the two mappings of each */
	int *ring_fds;
	size_t map_len;          /* the second mapping: producer page + data twice */
	unsigned nrings;
	uint32_t ring_size;
	size_t page;
	int epfd;
};

/* libbpf's last messages (the verifier log among them), kept so that a load
 * failure can say why even without -v. libbpf's print callback has no user
 * argument, hence file scope; only the loading thread writes it. */
#define LOG_TAIL_LINES 8
#define LOG_LINE_MAX 160
static char log_tail[LOG_TAIL_LINES][LOG_LINE_MAX];
static unsigned log_next, log_count;
static bool log_verbose;

static void log_keep(const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		if (n) {
			snprintf(log_tail[log_next], LOG_LINE_MAX, "%.*s", (int)n, text);
			log_next = (log_next + 1) % LOG_TAIL_LINES;
			if (log_count < LOG_TAIL_LINES)
				log_count++;
		}
		text += n;
		if (*text)
			text++;
	}
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list aq;
	char *msg;
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	/* The verifier log comes as one message of any size: its end says why. */
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !(msg = malloc((size_t)n + 1)))
		return 0;
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	log_keep(msg);
	if (log_verbose)
		fputs(msg, stderr);
	free(msg);
	return n;
}

/* Append the kept libbpf lines, oldest first, to err. */
static void append_log(char *err, size_t errlen)
{
	size_t len = strlen(err);

	for (unsigned i = 0; i < log_count && len + 1 < errlen; i++) {
		unsigned k = (log_next + LOG_TAIL_LINES - log_count + i) % LOG_TAIL_LINES;
		int n = snprintf(err + len, errlen - len, "\n  %s", log_tail[k]);
		if (n < 0)
			break;
		len += (size_t)n < errlen - len ? (size_t)n : errlen - len - 1;
	}
}

/* Ring buffer sizes must be a power of two and a multiple of the page size. */
static uint32_t pow2_at_least(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v && p < (1ull << 30))
		p <<= 1;
	return (uint32_t)p;
}

#define CPU_ONLINE "/sys/devices/system/cpu/online"
#define MAX_CPUS 4096

/* Rings go to the CPUs online now (like libbpf's perf buffers); a CPU that
 * comes online later has no ring and its packets are counted as drops. */
static int online_cpus(struct live_bpf *b, bool *online)
{
	char buf[4096];
	ssize_t n;
	int fd = open(CPU_ONLINE, O_RDONLY | O_CLOEXEC), cnt;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	cnt = ns_parse_cpulist(buf, online, (unsigned)b->ncpu);
	if (cnt <= 0)
		return -1;
	b->nrings = (unsigned)cnt;
	return 0;
}

static void close_rings(struct live_bpf *b)
{
	for (unsigned i = 0; b->rings && i < b->nrings; i++) {
		if (b->rings[i].consumer_pos)
			munmap(b->rings[i].consumer_pos, b->page);
		if (b->rings[i].producer_pos)
			munmap((void *)b->rings[i].producer_pos, b->map_len);
	}
	for (unsigned i = 0; b->ring_fds && i < b->nrings; i++)
		if (b->ring_fds[i] >= 0)
			close(b->ring_fds[i]);
	if (b->epfd >= 0)
		close(b->epfd);
	free(b->ring_fds);
	free(b->rings);
}

/* Create the ring of one CPU, put it in its slot, map it, watch it. */
static int open_ring(struct live_bpf *b, unsigned i, uint32_t cpu)
{
	struct ns_ring *r = &b->rings[i];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = i };
	void *m;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "netsift_ring", 0, 0, b->ring_size, NULL);
	if (fd < 0)
		return -1;
	b->ring_fds[i] = fd;
	if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.rings), &cpu, &fd, BPF_ANY) < 0)
		return -1;
	/* the consumer page is ours to write; the producer page and the data
	 * (mapped twice, so a record across the end is contiguous) read-only */
	m = mmap(NULL, b->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	r->consumer_pos = m;
	m = mmap(NULL, b->map_len, PROT_READ, MAP_SHARED, fd, (off_t)b->page);
	if (m == MAP_FAILED)
		return -1;
	r->producer_pos = m;
	r->data = (const uint8_t *)m + b->page;
	r->mask = b->ring_size - 1;
	ns_ring_init(r);
	return epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int open_rings(struct live_bpf *b, const bool *online, char *err, size_t errlen)
{
	unsigned i = 0;

	b->rings = calloc(b->nrings, sizeof(*b->rings));
	b->ring_fds = malloc(b->nrings * sizeof(*b->ring_fds));
	for (unsigned k = 0; b->ring_fds && k < b->nrings; k++)
		b->ring_fds[k] = -1;
	b->map_len = b->page + 2 * (size_t)b->ring_size;
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!b->rings || !b->ring_fds || b->epfd < 0) {
		snprintf(err, errlen, "cannot set up the ring buffers: %s", strerror(errno));
		return -1;
	}
	for (uint32_t cpu = 0; cpu < (uint32_t)b->ncpu && i < b->nrings; cpu++) {
		if (!online[cpu])
			continue;
		if (open_ring(b, i, cpu) < 0) {
			snprintf(err, errlen, "cannot set up the ring buffer of CPU %u (%u KiB): %s",
				 cpu, b->ring_size / 1024, strerror(errno));
			return -1;
		}
		i++;
	}
	return 0;
}

/* A load failure says why: "needs root" only when we are not root; as root,
 * EACCES/EINVAL is the verifier rejecting a program, and libbpf's last lines
 * (the end of the verifier log) follow. */
static void load_error(int e, char *err, size_t errlen)
{
	if ((e == EPERM || e == EACCES) && geteuid() != 0)
		snprintf(err, errlen, "cannot load eBPF programs: %s (needs root: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)",
			 strerror(e));
	else
		snprintf(err, errlen, "cannot load eBPF programs: %s%s", strerror(e),
			 log_count ? "; libbpf's last messages:" : "");
	append_log(err, errlen);
}

struct live_bpf *live_bpf_open(uint32_t snaplen, uint32_t ring_kib, bool verbose,
			       bool whole_system,
			       live_rec_fn fn, void *arg, char *err, size_t errlen)
{
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	struct live_bpf *b = calloc(1, sizeof(*b));
	bool online[MAX_CPUS];
	uint64_t share;
	int rc;

	if (!b) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	b->epfd = -1;
	b->fn = fn;
	b->fn_arg = arg;
	b->page = (size_t)sysconf(_SC_PAGESIZE);
	log_verbose = verbose;
	log_count = log_next = 0;
	libbpf_set_print(print_libbpf);
	/* old kernels charge BPF memory to RLIMIT_MEMLOCK; newer ones to the
	 * memory cgroup, where this fails harmlessly without CAP_SYS_RESOURCE */
	(void)setrlimit(RLIMIT_MEMLOCK, &inf);
	b->ncpu = libbpf_num_possible_cpus();
	if (b->ncpu <= 0)
		b->ncpu = 1;
	if (b->ncpu > MAX_CPUS)
		b->ncpu = MAX_CPUS;
	b->skel = netsift_bpf__open();
	if (!b->skel) {
		load_error(errno, err, errlen);
		free(b);
		return NULL;
	}
	b->skel->rodata->snaplen = snaplen;
	b->skel->rodata->whole_system = whole_system;
	if (online_cpus(b, online) < 0) {
		snprintf(err, errlen, "cannot read the online CPUs from %s", CPU_ONLINE);
		live_bpf_close(b);
		return NULL;
	}
	/* -B is the total; each CPU's ring gets its share, and holds at least
	 * a few records of the largest size */
	share = (uint64_t)ring_kib * 1024 / b->nrings;
	if (share < 4 * ((uint64_t)sizeof(struct ns_rec) + snaplen + 8))
		share = 4 * ((uint64_t)sizeof(struct ns_rec) + snaplen + 8);
	b->ring_size = pow2_at_least(share);
	/* batch wake-ups: one per 1/16 of a ring; the reader's poll timeout
	 * (LIVE_POLL_MS) delivers what is waiting below that */
	b->skel->rodata->wakeup_bytes = b->ring_size / 16;
	rc = bpf_map__set_max_entries(b->skel->maps.scratch, (uint32_t)b->ncpu * NS_NEST_MAX);
	if (!rc)
		rc = bpf_map__set_value_size(b->skel->maps.scratch,
					     (uint32_t)sizeof(struct ns_rec) + ((snaplen + 7u) & ~7u));
	if (!rc)
		rc = bpf_map__set_max_entries(b->skel->maps.rings, (uint32_t)b->ncpu);
	if (!rc)
		rc = netsift_bpf__load(b->skel);
	if (rc) {
		load_error(rc < 0 ? -rc : rc, err, errlen);
		live_bpf_close(b);
		return NULL;
	}
	if (open_rings(b, online, err, errlen) < 0) {
		live_bpf_close(b);
		return NULL;
	}
	return b;
}

int live_bpf_attach(struct live_bpf *b, int cg_fd, char *err, size_t errlen)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, b->skel->obj) {
		struct bpf_link *l;

		if (b->nlinks == sizeof(b->links) / sizeof(b->links[0])) {
			snprintf(err, errlen, "too many programs");
			return -1;
		}
		/* raw_tp/NAME: attached by section name */
		if (bpf_program__type(prog) == BPF_PROG_TYPE_RAW_TRACEPOINT)
			l = bpf_program__attach(prog);
		else
			l = bpf_program__attach_cgroup(prog, cg_fd);
		if (!l) {
			snprintf(err, errlen, "cannot attach %s: %s",
				 bpf_program__section_name(prog), strerror(errno));
			append_log(err, errlen);
			return -1;
		}
		b->links[b->nlinks++] = l;
	}
	return 0;
}

int live_bpf_owner_map(struct live_bpf *b)
{
	return bpf_map__fd(b->skel->maps.owners);
}

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Everything stamped up to now - MERGE_SLACK_NS, in time order. */
static int drain(struct live_bpf *b, uint64_t limit)
{
	long n = ns_rings_drain(b->rings, b->nrings, limit, b->fn, b->fn_arg);

	return n < 0 ? -ECANCELED : (int)(n > INT32_MAX ? INT32_MAX : n);
}

void live_bpf_set_peek(struct live_bpf *b, void (*fn)(void *, const void *, size_t),
		       void *arg)
{
	for (unsigned i = 0; i < b->nrings; i++) {
		b->rings[i].peek = fn;
		b->rings[i].peek_arg = arg;
	}
}

int live_bpf_poll(struct live_bpf *b, int timeout_ms)
{
	struct epoll_event ev[8];
	uint64_t now;
	int n, e = 0;

	/* edge-triggered: records we leave for the next round (too recent) do
	 * not make epoll_wait return at once again; the kernel side wakes us per
	 * batch, the timeout collects the rest */
	n = epoll_wait(b->epfd, ev, 8, timeout_ms);
	if (n < 0)
		e = errno;
	now = mono_ns();
	n = drain(b, now > MERGE_SLACK_NS ? now - MERGE_SLACK_NS : 0);
	if (n >= 0 && e)
		return -e;
	return n;
}

int live_bpf_consume(struct live_bpf *b)
{
	return drain(b, UINT64_MAX);
}

uint64_t live_bpf_drops(struct live_bpf *b, uint64_t *by)
{
	int fd = bpf_map__fd(b->skel->maps.drops);
	uint64_t total = 0;
	uint64_t *vals = calloc((size_t)b->ncpu, sizeof(*vals));

	memset(by, 0, sizeof(uint64_t) * NS_DROP_NREASONS);
	if (!vals)
		return 0;
	for (uint32_t k = 0; k < NS_DROP_NREASONS; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		for (int c = 0; c < b->ncpu; c++)
			by[k] += vals[c];
		if (k != NS_DROP_LOAD)
			total += by[k];
	}
	free(vals);
	return total;
}

void live_bpf_close(struct live_bpf *b)
{
	if (!b)
		return;
	/* links first: the programs stop running before their maps go */
	for (unsigned i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	close_rings(b);
	netsift_bpf__destroy(b->skel);
	free(b);
}
