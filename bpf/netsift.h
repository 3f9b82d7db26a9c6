/* netsift live backend: the records shared by the eBPF programs
 * (bpf/netsift.bpf.c) and userspace (src/live.c).
 *
 * Only fixed-size types, no pointers, explicit padding: both compilers (clang
 * -target bpf and the host gcc) must lay the structs out identically. The
 * _Static_asserts at the bottom check the sizes on both sides.
 */
#ifndef NETSIFT_BPF_NETSIFT_H
#define NETSIFT_BPF_NETSIFT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NS_REC_COMM_LEN 16
#define NS_REC_IFNAME_LEN 16

/* -s/--snaplen: bytes captured from the IP header on. The default covers the
 * largest IPv4 header (60) plus the largest TCP header (60) and leaves room for
 * an IPv6 header with a small extension chain in front of a TCP header with
 * timestamps and SACK. */
#define NS_SNAPLEN_DEFAULT 128
/* Largest snaplen: one whole IP datagram (a GSO super-packet on loopback can be
 * that long). Records are sized by what is captured, not by this. */
#define NS_SNAPLEN_MAX 65535

/* A program can be interrupted by a softirq that runs another of our programs on
 * the same CPU (egress in process context, then ingress or a timer ACK), or, on
 * a fully preemptible kernel, be preempted by a task whose packet runs it too.
 * Each run in progress on a CPU holds its own scratch slot; a run that finds
 * all NS_NEST_MAX taken is counted as a drop. */
#define NS_NEST_MAX 2

/* record.direction: same values as enum ns_direction in dissect/dissect.h */
#define NS_REC_DIR_INGRESS 1
#define NS_REC_DIR_EGRESS 2

/* record.origin: how the process fields were obtained */
enum ns_rec_origin {
	NS_ORIGIN_KERNEL = 0,    /* no user socket owns the packet: kernel-sent or unattributable */
	NS_ORIGIN_SOCKET = 1,    /* socket storage of skb->sk */
	NS_ORIGIN_LISTENER = 2,  /* request socket (SYN-ACK): storage of its listener */
	NS_ORIGIN_TIMEWAIT = 3,  /* TIME_WAIT socket: owner of the full socket it
				  * replaced, found by the socket cookie it keeps */
};

/* record.hook: where the packet was seen. The cgroup hooks run only for full
 * sockets; packets of TIME_WAIT sockets and packets that reach no socket are
 * seen by tracepoints instead (bpf/netsift.bpf.c says which). */
enum ns_rec_hook {
	NS_HOOK_CGROUP = 0,      /* cgroup_skb ingress/egress */
	NS_HOOK_DEV_QUEUE = 1,   /* net_dev_queue: egress of a TIME_WAIT socket */
	NS_HOOK_KFREE_TW = 2,    /* kfree_skb: ingress to a TIME_WAIT socket */
	NS_HOOK_KFREE_NOSOCK = 3, /* kfree_skb: ingress that found no socket
				   * (whole-system traces only) */
};

/* Per-CPU drop counters (array "drops", index = reason). Every packet a program
 * saw but could not deliver in full is counted in exactly one slot. */
enum ns_drop_reason {
	NS_DROP_RINGBUF = 0,     /* ring buffer full: userspace too slow */
	NS_DROP_NEST = 1,        /* more than NS_NEST_MAX runs at once on a CPU */
	NS_DROP_CPU = 2,         /* no scratch slot or ring for this CPU (offline at start) */
	NS_DROP_LOAD = 3,        /* bpf_skb_load_bytes failed (record sent without bytes) */
	NS_DROP_NREASONS = 4,
};

/* Who owns a socket: written in process context by the cgroup sock hooks and
 * stored in BPF_MAP_TYPE_SK_STORAGE (cloned from listeners to accepted sockets),
 * or by userspace at start-up for sockets that already existed. */
struct ns_owner {
	__u64 cgroup_id;         /* cgroup v2 id of the task */
	__u32 pid;               /* tgid */
	__u32 tid;
	__u32 uid;
	__u32 pad;
	char comm[NS_REC_COMM_LEN];
};

/* One packet: this fixed header, then cap_len bytes from the IP header on.
 * Records are at least sizeof(struct ns_rec) + cap_len long (the cgroup hooks
 * reserve fixed sizes in the ring: bpf/netsift.bpf.c, capture()). */
struct ns_rec {
	__u64 ts_ns;             /* bpf_ktime_get_ns(): CLOCK_MONOTONIC; first: the
				  * reader merges the per-CPU rings on these 8 bytes */
	__u64 cgroup_id;         /* owner's cgroup id, 0 for kernel */
	__u32 pid;               /* owner's tgid, 0 for kernel */
	__u32 tid;
	__u32 uid;
	__u32 ifindex;           /* skb->ifindex (in the packet's network namespace) */
	__u32 wire_len;          /* skb->len: the whole packet from the IP header on */
	__u32 cap_len;           /* bytes following this header */
	__u8 direction;          /* NS_REC_DIR_* */
	__u8 origin;             /* enum ns_rec_origin */
	__u8 hook;               /* enum ns_rec_hook */
	__u8 pad[5];
	char comm[NS_REC_COMM_LEN];
	char ifname[NS_REC_IFNAME_LEN]; /* device name read in the kernel ("" if unknown) */
};

_Static_assert(sizeof(struct ns_owner) == 40, "ns_owner layout");
_Static_assert(sizeof(struct ns_rec) == 80, "ns_rec layout");
_Static_assert(__builtin_offsetof(struct ns_rec, ts_ns) == 0, "src/ringread.c sorts on it");

#endif
