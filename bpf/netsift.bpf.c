// SPDX-License-Identifier: GPL-2.0
/* netsift live backend, kernel side.
 *
 * Attribution: sockets get an owner (pid, tid, uid, cgroup, comm) in socket
 * storage from hooks that run in the calling process (socket(), connect(),
 * bind(), UDP sendmsg/recvmsg). The storage map has BPF_F_CLONE, so sockets
 * returned by accept() inherit their listener's owner. The packet hooks
 * (cgroup_skb) run in softirq as often as not, so they never look at the
 * current task: they read the owner of skb->sk, or report the packet as the
 * kernel's when no user socket owns it (RST to a closed port, ICMP replies,
 * neighbour discovery, TIME_WAIT ACKs).
 *
 * Capture: a fixed header and the first `snaplen` bytes from the IP header,
 * built in a per-CPU scratch slot and copied to this CPU's ring buffer with
 * exactly the captured size. One ring per CPU: with a shared ring the two
 * directions of a connection, handled on different CPUs, contend for its lock
 * and positions on every packet. Userspace merges the rings by timestamp. A
 * full ring never blocks: the packet is counted in the per-CPU "drops" array
 * that userspace reports.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "netsift.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by userspace before load (skeleton rodata). */
const volatile __u32 snaplen = NS_SNAPLEN_DEFAULT;
/* Wake the reader only once this much is waiting (set by userspace to a
 * fraction of the ring); below it the reader's poll timeout collects the
 * records. A wake-up per packet costs the traced workload a context switch
 * per packet on a busy host. 0 = wake on every record. */
const volatile __u64 wakeup_bytes = 0;

/* The rings: slot = CPU id. Userspace sizes the array to the possible CPUs and
 * puts a ring (sized by -B) in the slot of each CPU online at start; this
 * template only tells the verifier what the slots hold. */
struct ring_template {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ring_template);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct ns_owner);
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NS_DROP_NREASONS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Per CPU: bit i set = scratch slot i is held by a run in progress. A bitmap,
 * not a depth counter: a run preempted in process context can resume and end
 * while a later run is still in progress, and a counter would then hand that
 * later run's slot to the next one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} busy_slots SEC(".maps");

struct scratch {
	struct ns_rec rec;
	__u8 data[NS_SNAPLEN_MAX];
};

/* NS_NEST_MAX slots per CPU; userspace sets max_entries to NS_NEST_MAX *
 * possible CPUs and value_size to the header plus the snaplen (rounded to 8),
 * so the default snaplen costs 216 bytes per slot, not 64 KiB. No BTF value
 * type, so that the size can change; the verifier checks every access against
 * the real size (cap is bounded by the read-only snaplen below). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NS_NEST_MAX);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct scratch));
} scratch SEC(".maps");

/* The kernel's struct sk_buff behind the context: used only to read the
 * device name, which names the interface in the packet's own namespace. */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

static __always_inline void count_drop(__u32 reason)
{
	__u64 *c = bpf_map_lookup_elem(&drops, &reason);

	/* per-CPU slot, but a softirq may interrupt us on this CPU: atomic */
	if (c)
		__sync_fetch_and_add(c, 1);
}

/* ---- attribution, process context ---- */

static __always_inline void own(struct ns_owner *o)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	o->pid = pid_tgid >> 32;
	o->tid = (__u32)pid_tgid;
	o->uid = (__u32)bpf_get_current_uid_gid();
	o->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

SEC("cgroup/sock_create")
int ns_sock_create(struct bpf_sock *ctx)
{
	struct ns_owner *o = bpf_sk_storage_get(&owners, ctx, 0,
						BPF_SK_STORAGE_GET_F_CREATE);

	if (o)
		own(o);
	return 1;
}

/* bind(): the socket may have been handed to another process since socket(). */
static __always_inline int refresh_sock(struct bpf_sock *sk)
{
	struct ns_owner *o;

	if (!sk)
		return 1;
	o = bpf_sk_storage_get(&owners, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (o)
		own(o);
	return 1;
}

SEC("cgroup/post_bind4")
int ns_post_bind4(struct bpf_sock *ctx)
{
	return refresh_sock(ctx);
}

SEC("cgroup/post_bind6")
int ns_post_bind6(struct bpf_sock *ctx)
{
	return refresh_sock(ctx);
}

/* connect(), UDP sendmsg/recvmsg: whoever calls them owns the socket now. */
SEC("cgroup/connect4")
int ns_connect4(struct bpf_sock_addr *ctx)
{
	return refresh_sock(ctx->sk);
}

SEC("cgroup/connect6")
int ns_connect6(struct bpf_sock_addr *ctx)
{
	return refresh_sock(ctx->sk);
}

SEC("cgroup/sendmsg4")
int ns_sendmsg4(struct bpf_sock_addr *ctx)
{
	return refresh_sock(ctx->sk);
}

SEC("cgroup/sendmsg6")
int ns_sendmsg6(struct bpf_sock_addr *ctx)
{
	return refresh_sock(ctx->sk);
}

SEC("cgroup/recvmsg4")
int ns_recvmsg4(struct bpf_sock_addr *ctx)
{
	return refresh_sock(ctx->sk);
}

SEC("cgroup/recvmsg6")
int ns_recvmsg6(struct bpf_sock_addr *ctx)
{
	return refresh_sock(ctx->sk);
}

/* ---- packets, any context ---- */

/* Owner of the packet's socket; never the current task. */
static __always_inline struct ns_owner *owner_of(struct __sk_buff *skb, __u8 *origin)
{
	struct bpf_sock *sk = skb->sk;
	struct bpf_sock *full;
	struct ns_owner *o;

	*origin = NS_ORIGIN_KERNEL;
	if (!sk)
		return 0;
	full = bpf_sk_fullsock(sk);
	if (full) {
		o = bpf_sk_storage_get(&owners, full, 0, 0);
		if (o)
			*origin = NS_ORIGIN_SOCKET;
		return o;
	}
	/* A request socket (SYN-ACK of a listener): its listener's owner. */
	full = bpf_get_listener_sock(sk);
	if (!full)
		return 0;
	o = bpf_sk_storage_get(&owners, full, 0, 0);
	if (o)
		*origin = NS_ORIGIN_LISTENER;
	return o;
}

static __always_inline void fill_header(struct __sk_buff *skb, struct ns_rec *r, __u8 dir)
{
	struct ns_owner *o;
	struct sk_buff *kskb;
	struct net_device *dev;
	__u8 origin;

	r->ts_ns = bpf_ktime_get_ns();
	r->ifindex = skb->ifindex;
	r->wire_len = skb->len;
	r->direction = dir;
	o = owner_of(skb, &origin);
	r->origin = origin;
	if (o) {
		r->cgroup_id = o->cgroup_id;
		r->pid = o->pid;
		r->tid = o->tid;
		r->uid = o->uid;
		__builtin_memcpy(r->comm, o->comm, sizeof(r->comm));
	} else {
		r->cgroup_id = 0;
		r->pid = 0;
		r->tid = 0;
		r->uid = 0;
		__builtin_memset(r->comm, 0, sizeof(r->comm));
	}
	__builtin_memset(r->ifname, 0, sizeof(r->ifname));
	kskb = bpf_cast_to_kern_ctx(skb);
	dev = kskb->dev;
	if (dev)
		bpf_probe_read_kernel_str(r->ifname, sizeof(r->ifname), dev->name);
}

/* Querying the ring reads the consumer position that userspace writes: a
 * cache line shared with another CPU, ~40 ns per packet. So only about one
 * record in 64 asks whether enough is waiting to wake the reader; the reader's
 * poll timeout collects the rest. */
static __always_inline __u64 wakeup_flags(void *ring)
{
	if (!wakeup_bytes)
		return 0;
	if (bpf_get_prandom_u32() & 63)
		return BPF_RB_NO_WAKEUP;
	return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

_Static_assert(NS_NEST_MAX == 2, "claim_slot looks at two bits");

/* Take a free slot of this CPU's bitmap: its index, or NS_NEST_MAX if all
 * are held. Compare-and-swap, retried if a nested run changed the bitmap
 * between our read and our swap. */
static __always_inline __u32 claim_slot(__u32 *busy)
{
#pragma unroll
	for (int tries = 0; tries < NS_NEST_MAX + 1; tries++) {
		__u32 old = *busy, level;

		if (!(old & 1u))
			level = 0;
		else if (!(old & 2u))
			level = 1;
		else
			return NS_NEST_MAX;
		if (__sync_val_compare_and_swap(busy, old, old | (1u << level)) == old)
			return level;
	}
	return NS_NEST_MAX;
}

static __always_inline void capture(struct __sk_buff *skb, __u8 dir)
{
	struct scratch *s;
	__u32 zero = 0, level, slot, cap, cpu;
	__u32 *busy;
	void *ring;

	busy = bpf_map_lookup_elem(&busy_slots, &zero);
	if (!busy)
		return;
	level = claim_slot(busy);
	if (level >= NS_NEST_MAX) {
		count_drop(NS_DROP_NEST);
		return;
	}
	cpu = bpf_get_smp_processor_id();
	slot = cpu * NS_NEST_MAX + level;
	s = bpf_map_lookup_elem(&scratch, &slot);
	ring = bpf_map_lookup_elem(&rings, &cpu);
	if (!s || !ring) {
		count_drop(NS_DROP_CPU);
		goto out;
	}
	fill_header(skb, &s->rec, dir);

	cap = skb->len;
	if (cap > snaplen)
		cap = snaplen;
	if (cap > NS_SNAPLEN_MAX)
		cap = NS_SNAPLEN_MAX;
	if (cap > 0 && bpf_skb_load_bytes(skb, 0, s->data, cap) < 0) {
		count_drop(NS_DROP_LOAD);
		cap = 0;
	}
	s->rec.cap_len = cap;
	if (bpf_ringbuf_output(ring, s, sizeof(s->rec) + cap, wakeup_flags(ring)) < 0)
		count_drop(NS_DROP_RINGBUF);
out:
	__sync_fetch_and_and(busy, ~(1u << level));
}

SEC("cgroup_skb/ingress")
int ns_ingress(struct __sk_buff *skb)
{
	capture(skb, NS_REC_DIR_INGRESS);
	return 1;  /* observe only: always let the packet through */
}

SEC("cgroup_skb/egress")
int ns_egress(struct __sk_buff *skb)
{
	capture(skb, NS_REC_DIR_EGRESS);
	return 1;
}
