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
 * built in place in this CPU's ring buffer by the cgroup hooks (capture()),
 * or in a per-CPU scratch slot and copied there with exactly the captured
 * size by the tracepoints (capture_raw(), rare). One ring per CPU: with a shared ring the two
 * directions of a connection, handled on different CPUs, contend for its lock
 * and positions on every packet. Userspace merges the rings by timestamp. A
 * full ring never blocks: the packet is counted in the per-CPU "drops" array
 * that userspace reports.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "netsift.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by userspace before load (skeleton rodata). */
const volatile __u32 snaplen = NS_SNAPLEN_DEFAULT;
/* Wake the reader only once this much is waiting (set by userspace to a
 * fraction of the ring); below it the reader's poll timeout collects the
 * records. A wake-up per packet costs the traced workload a context switch
 * per packet on a busy host. 0 = wake on every record. */
const volatile __u64 wakeup_bytes = 0;
/* Set by userspace when the whole system is traced (the root cgroup): then
 * packets of TIME_WAIT sockets whose owner we never saw, and incoming packets
 * that found no socket, are reported as the kernel's. In a cgroup trace only
 * TIME_WAIT sockets whose FIN our egress hook saw belong to the trace. */
const volatile __u8 whole_system = 0;

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

/* Socket cookie -> owner, for every traced socket that sent a FIN: only a
 * socket that closes first becomes a TIME_WAIT socket, which has no socket
 * storage and no cgroup but keeps the full socket's cookie. LRU: a trace
 * that closes more connections than this within the TIME_WAIT period (60 s)
 * reports the oldest ones' late packets as [kernel]. */
#define NS_TW_OWNERS 65536
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NS_TW_OWNERS);
	__type(key, __u64);
	__type(value, struct ns_owner);
} tw_owners SEC(".maps");

/* Per CPU: the packet netif_receive_skb handed up last and when. Receive
 * processing runs to the socket on the CPU that took the packet, so when
 * kfree_skb reports that packet, its arrival time is here: the ACK a
 * TIME_WAIT socket answers with is sent before the packet is freed, and must
 * not appear before it. */
struct rx_stamp {
	__u64 skb;
	__u64 ts_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rx_stamp);
} rx_stamps SEC(".maps");

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

/* Room for the bytes of a small packet's record (see capture()): an IPv6
 * header and a TCP header with timestamps and SACK blocks, an IPv4 one
 * with options. */
#define NS_CAP_SMALL 96u

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
	/* dev->name is IFNAMSIZ bytes, NUL-terminated by the kernel: two
	 * direct (fault-safe) 8-byte loads instead of a string-copy helper
	 * call, a few hundred ns per packet less in bpf_stats */
	kskb = bpf_cast_to_kern_ctx(skb);
	dev = kskb->dev;
	if (dev) {
		_Static_assert(NS_REC_IFNAME_LEN == 16, "two 8-byte loads");
		((__u64 *)r->ifname)[0] = *(__u64 *)&dev->name[0];
		((__u64 *)r->ifname)[1] = *(__u64 *)&dev->name[8];
	} else {
		__builtin_memset(r->ifname, 0, sizeof(r->ifname));
	}
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

/* Byte i of the packet from its IP header: from the bytes already captured
 * (i < cap <= NS_CAP_SMALL), else from the packet. -1 if it has none. */
static __always_inline int pkt_byte(struct __sk_buff *skb, const __u8 *d, __u32 cap, __u32 i)
{
	__u8 b;

	if (i < cap && i < NS_CAP_SMALL)
		return d[i];
	if (bpf_skb_load_bytes(skb, i, &b, 1) < 0)
		return -1;
	return b;
}

/* An egress TCP FIN of a traced socket: remember its owner under the socket
 * cookie, which the TIME_WAIT socket that may replace it keeps. The headers
 * are read from the record's captured bytes (d, cap), not loaded again. */
static __always_inline void note_fin(struct __sk_buff *skb, const __u8 *d, __u32 cap)
{
	int b;
	__u32 off;
	__u64 cookie;
	struct ns_owner *o;
	struct bpf_sock *sk, *full;

	if (skb->protocol == bpf_htons(0x0800)) {
		if ((b = pkt_byte(skb, d, cap, 0)) < 0)
			return;
		off = (b & 0x0f) * 4;
		if (pkt_byte(skb, d, cap, 9) != 6)
			return;
	} else if (skb->protocol == bpf_htons(0x86dd)) {
		/* TCP right after the fixed header; extension headers are rare
		 * on TCP and such a socket's late packets fall back to [kernel] */
		if (pkt_byte(skb, d, cap, 6) != 6)
			return;
		off = 40;
	} else {
		return;
	}
	if (off > 60 || (b = pkt_byte(skb, d, cap, off + 13)) < 0 || !(b & 0x01))
		return;
	sk = skb->sk;
	if (!sk)
		return;
	full = bpf_sk_fullsock(sk);
	if (!full)
		return;
	o = bpf_sk_storage_get(&owners, full, 0, 0);
	if (!o)
		return;
	cookie = bpf_get_socket_cookie(skb);
	bpf_map_update_elem(&tw_owners, &cookie, o, BPF_ANY);
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

/* Fill a reserved record of NS_CAP bytes of room with a cgroup hook's packet
 * and submit it. A macro: the room must be a constant the verifier sees. */
#define NS_FILL_SUBMIT(ring, skb, dir, room) do {				\
	struct ns_rec *r = bpf_ringbuf_reserve(ring, sizeof(struct ns_rec) + (room), 0); \
	__u32 cap_ = skb->len;							\
										\
	if (!r) {								\
		count_drop(NS_DROP_RINGBUF);					\
		break;								\
	}									\
	fill_header(skb, r, dir);						\
	if (cap_ > (room))							\
		cap_ = (room);							\
	if (cap_ > 0 && bpf_skb_load_bytes(skb, 0, (__u8 *)(r + 1), cap_) < 0) { \
		count_drop(NS_DROP_LOAD);					\
		cap_ = 0;							\
	}									\
	if (dir == NS_REC_DIR_EGRESS && r->origin == NS_ORIGIN_SOCKET)	\
		note_fin(skb, (const __u8 *)(r + 1), cap_);			\
	r->cap_len = cap_;							\
	r->hook = NS_HOOK_CGROUP;						\
	__builtin_memset(r->pad, 0, sizeof(r->pad));				\
	bpf_ringbuf_submit(r, wakeup_flags(ring));				\
} while (0)

/* The record is built in place in this CPU's ring (reserve, fill, submit):
 * no scratch copy, and no scratch slot to claim, since the ring's own lock
 * serialises runs that nest on a CPU. A reservation must have a constant
 * size, so there are two: NS_CAP_SMALL bytes of room for packets that fit
 * (ACKs, handshakes: most records), snaplen for the others. A record may
 * thus be longer than its header and cap_len; the reader goes by cap_len. */
static __always_inline void capture(struct __sk_buff *skb, __u8 dir)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *ring = bpf_map_lookup_elem(&rings, &cpu);

	if (!ring) {
		count_drop(NS_DROP_CPU);
		return;
	}
	if (skb->len <= NS_CAP_SMALL || snaplen <= NS_CAP_SMALL) {
		if (snaplen < NS_CAP_SMALL)
			NS_FILL_SUBMIT(ring, skb, dir, snaplen);
		else
			NS_FILL_SUBMIT(ring, skb, dir, NS_CAP_SMALL);
	} else {
		NS_FILL_SUBMIT(ring, skb, dir, snaplen);
	}
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

/* ---- packets the cgroup hooks never see ----
 *
 * The cgroup_skb hooks run only for full sockets. A TIME_WAIT socket (what a
 * socket that closed first becomes, also after close() in FIN_WAIT2) is not
 * one: the peer's FIN or retransmissions arriving at it, and the ACKs it
 * sends, pass no cgroup hook. Neither does an incoming packet that finds no
 * socket (SYN or datagram to a closed port). Tracepoints see them:
 * net_dev_queue for what a TIME_WAIT socket sends (skb->sk is the TIME_WAIT
 * socket), kfree_skb for what reaches it (the kernel frees the packet with the
 * socket as rx_sk after handling it; Linux 6.11+) or finds none (reason
 * NO_SOCKET). Raw tracepoints: CO-RE reads of the kernel's sk_buff. */

#define NS_TCP_TIME_WAIT 6   /* include/net/tcp_states.h */

static __always_inline struct ns_owner *tw_owner(struct sock *sk)
{
	__u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);

	return bpf_map_lookup_elem(&tw_owners, &cookie);
}

/* A record for an sk_buff seen outside the cgroup hooks: bytes from its
 * network header, as far as they are in the linear part. */
static __always_inline void capture_raw(struct sk_buff *skb, __u8 dir, __u8 hook,
					struct ns_owner *o, __u64 ts)
{
	struct scratch *s;
	struct net_device *dev;
	unsigned char *head, *data, *net;
	__u32 zero = 0, level, slot, cap, cpu, len, data_len, linear, wire;
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
	head = BPF_CORE_READ(skb, head);
	data = BPF_CORE_READ(skb, data);
	net = head + BPF_CORE_READ(skb, network_header);
	len = BPF_CORE_READ(skb, len);
	data_len = BPF_CORE_READ(skb, data_len);
	/* the packet from its IP header on: data may be before it (egress,
	 * link header pushed) or after it (ingress, headers pulled) */
	wire = len + (__u32)(data - net);
	linear = len - data_len + (__u32)(data - net);
	s->rec.ts_ns = ts;
	s->rec.direction = dir;
	s->rec.hook = hook;
	s->rec.wire_len = wire;
	if (o) {
		s->rec.origin = NS_ORIGIN_TIMEWAIT;
		s->rec.cgroup_id = o->cgroup_id;
		s->rec.pid = o->pid;
		s->rec.tid = o->tid;
		s->rec.uid = o->uid;
		__builtin_memcpy(s->rec.comm, o->comm, sizeof(s->rec.comm));
	} else {
		s->rec.origin = NS_ORIGIN_KERNEL;
		s->rec.cgroup_id = 0;
		s->rec.pid = 0;
		s->rec.tid = 0;
		s->rec.uid = 0;
		__builtin_memset(s->rec.comm, 0, sizeof(s->rec.comm));
	}
	__builtin_memset(s->rec.ifname, 0, sizeof(s->rec.ifname));
	s->rec.ifindex = 0;
	dev = BPF_CORE_READ(skb, dev);
	if (dev) {
		s->rec.ifindex = BPF_CORE_READ(dev, ifindex);
		bpf_probe_read_kernel_str(s->rec.ifname, sizeof(s->rec.ifname), dev->name);
	}
	cap = wire;
	if (cap > linear)
		cap = linear;
	if (cap > snaplen)
		cap = snaplen;
	if (cap > NS_SNAPLEN_MAX)
		cap = NS_SNAPLEN_MAX;
	if (cap > 0 && bpf_probe_read_kernel(s->data, cap, net) < 0) {
		count_drop(NS_DROP_LOAD);
		cap = 0;
	}
	s->rec.cap_len = cap;
	if (bpf_ringbuf_output(ring, s, sizeof(s->rec) + cap, wakeup_flags(ring)) < 0)
		count_drop(NS_DROP_RINGBUF);
out:
	__sync_fetch_and_and(busy, ~(1u << level));
}

SEC("raw_tp/netif_receive_skb")
int ns_rx_stamp(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct rx_stamp *st = bpf_map_lookup_elem(&rx_stamps, &zero);

	if (st) {
		st->skb = ctx->args[0];
		st->ts_ns = bpf_ktime_get_ns();
	}
	return 0;
}

SEC("raw_tp/net_dev_queue")
int ns_tw_egress(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx->args[0];
	struct sock *sk = BPF_CORE_READ(skb, sk);
	struct ns_owner *o;

	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_state) != NS_TCP_TIME_WAIT)
		return 0;
	o = tw_owner(sk);
	if (o || whole_system)
		capture_raw(skb, NS_REC_DIR_EGRESS, NS_HOOK_DEV_QUEUE, o, bpf_ktime_get_ns());
	return 0;
}

SEC("raw_tp/kfree_skb")
int ns_tw_ingress(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx->args[0];
	struct sock *sk = (struct sock *)ctx->args[3];
	__u32 reason = (__u32)ctx->args[2], zero = 0;
	struct ns_owner *o = 0;
	struct rx_stamp *st;
	__u64 ts;

	if (sk) {
		if (BPF_CORE_READ(sk, __sk_common.skc_state) != NS_TCP_TIME_WAIT)
			return 0;
		o = tw_owner(sk);
		if (!o && !whole_system)
			return 0;
	} else if (!whole_system ||
		   reason != bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NO_SOCKET)) {
		return 0;
	}
	ts = bpf_ktime_get_ns();
	st = bpf_map_lookup_elem(&rx_stamps, &zero);
	if (st && st->skb == (__u64)skb)
		ts = st->ts_ns;
	capture_raw(skb, NS_REC_DIR_INGRESS, sk ? NS_HOOK_KFREE_TW : NS_HOOK_KFREE_NOSOCK, o, ts);
	return 0;
}
