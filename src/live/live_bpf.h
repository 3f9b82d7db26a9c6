/* The libbpf side of `netsift trace`: load, attach, poll, drop counters.
 *
 * Kept apart from live.c because libbpf's headers (linux/bpf.h) and libpcap's
 * (pcap/bpf.h, which the pipeline needs) both define struct bpf_insn and
 * struct bpf_program and cannot meet in one translation unit. */
#ifndef NETSIFT_LIVE_BPF_H
#define NETSIFT_LIVE_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct live_bpf;

/* Called for each ring-buffer record (struct ns_rec + bytes), in time order
 * across the per-CPU rings. Return 0 to go on, negative to stop consuming. */
typedef int (*live_rec_fn)(void *arg, const void *data, size_t size);

/* Open and load the programs. whole_system: the root cgroup is traced (see
 * whole_system in bpf/netsift.bpf.c). err gets one line on failure. */
struct live_bpf *live_bpf_open(uint32_t snaplen, uint32_t ring_kib, bool verbose,
			       bool whole_system,
			       live_rec_fn fn, void *arg, char *err, size_t errlen);
/* Attach the cgroup programs to the cgroup directory fd, the tracepoint
 * programs to their tracepoints (links die with us). */
int live_bpf_attach(struct live_bpf *b, int cg_fd, char *err, size_t errlen);
/* The socket-storage map of owners (for procsock_scan). */
int live_bpf_owner_map(struct live_bpf *b);
/* How long the reader waits for a wake-up before it collects what is waiting
 * anyway: the kernel side wakes it only per 1/16 of a ring, so this bounds
 * how late a packet shows up at low rates. */
#define LIVE_POLL_MS 50
/* Wait up to timeout_ms for a wake-up, then deliver the records of all rings
 * stamped up to 2 ms ago (later ones may still have an earlier-stamped
 * predecessor on another CPU): records handled, or negative errno. */
/* Have fn see every record as soon as it is read from its ring, before the
 * merge delivers it (ringread.h, ns_ring_peek_fn). */
void live_bpf_set_peek(struct live_bpf *b, void (*fn)(void *, const void *, size_t),
		       void *arg);
int live_bpf_poll(struct live_bpf *b, int timeout_ms);
/* Deliver everything committed, regardless of age (at the end). */
int live_bpf_consume(struct live_bpf *b);
/* Per-CPU drop counters summed per reason into by[NS_DROP_NREASONS]; returns
 * the number of packets lost (every reason but NS_DROP_LOAD, whose packets
 * still arrive, header only). */
uint64_t live_bpf_drops(struct live_bpf *b, uint64_t *by);
/* Detach, free. NULL is fine. */
void live_bpf_close(struct live_bpf *b);

#endif
