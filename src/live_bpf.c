/* libbpf side of `netsift trace` (see live_bpf.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netsift.h"
#include "netsift.skel.h"

#include "live_bpf.h"

struct live_bpf {
	struct netsift_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[16];
	unsigned nlinks;
	int ncpu;
};

static int print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level; (void)fmt; (void)ap;
	return 0;
}

static int print_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Ring buffer sizes must be a power of two and a multiple of the page size. */
static uint32_t pow2_at_least(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v && p < (1ull << 30))
		p <<= 1;
	return (uint32_t)p;
}

static void load_error(int e, char *err, size_t errlen)
{
	if (e == EPERM || e == EACCES)
		snprintf(err, errlen, "cannot load eBPF programs: %s (needs root: CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)",
			 strerror(e));
	else
		snprintf(err, errlen, "cannot load eBPF programs (kernel without BPF cgroup support?): %s",
			 strerror(e));
}

struct live_bpf *live_bpf_open(uint32_t snaplen, uint32_t ring_kib, bool verbose,
			       live_rec_fn fn, void *arg, char *err, size_t errlen)
{
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	struct live_bpf *b = calloc(1, sizeof(*b));
	uint32_t ring;
	int rc;

	if (!b) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	libbpf_set_print(verbose ? print_verbose : print_quiet);
	/* old kernels charge BPF memory to RLIMIT_MEMLOCK; newer ones to the
	 * memory cgroup, where this fails harmlessly without CAP_SYS_RESOURCE */
	(void)setrlimit(RLIMIT_MEMLOCK, &inf);
	b->ncpu = libbpf_num_possible_cpus();
	if (b->ncpu <= 0)
		b->ncpu = 1;
	b->skel = netsift_bpf__open();
	if (!b->skel) {
		load_error(errno, err, errlen);
		free(b);
		return NULL;
	}
	b->skel->rodata->snaplen = snaplen;
	ring = pow2_at_least((uint64_t)ring_kib * 1024);
	/* batch wake-ups: one per 1/16 of the ring; the reader's poll timeout
	 * (LIVE_POLL_MS) delivers what is waiting below that */
	b->skel->rodata->wakeup_bytes = ring / 16;
	rc = bpf_map__set_max_entries(b->skel->maps.scratch, (uint32_t)b->ncpu * NS_NEST_MAX);
	if (!rc)
		rc = bpf_map__set_value_size(b->skel->maps.scratch,
					     (uint32_t)sizeof(struct ns_rec) + ((snaplen + 7u) & ~7u));
	if (!rc)
		rc = bpf_map__set_max_entries(b->skel->maps.events, ring);
	if (!rc)
		rc = netsift_bpf__load(b->skel);
	if (rc) {
		load_error(rc < 0 ? -rc : rc, err, errlen);
		live_bpf_close(b);
		return NULL;
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), fn, arg, NULL);
	if (!b->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
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
		l = bpf_program__attach_cgroup(prog, cg_fd);
		if (!l) {
			snprintf(err, errlen, "cannot attach %s: %s",
				 bpf_program__section_name(prog), strerror(errno));
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

int live_bpf_poll(struct live_bpf *b, int timeout_ms)
{
	int n = ring_buffer__poll(b->rb, timeout_ms);

	/* the kernel side wakes us only per batch: on a timeout, collect what is
	 * waiting below the batch size (ring_buffer__poll reads only woken rings) */
	if (n == 0)
		n = ring_buffer__consume(b->rb);
	return n;
}

int live_bpf_consume(struct live_bpf *b)
{
	return ring_buffer__consume(b->rb);
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
	ring_buffer__free(b->rb);
	netsift_bpf__destroy(b->skel);
	free(b);
}
