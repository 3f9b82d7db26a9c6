/* Process and container context of live events, read from /proc at the first
 * packet of each thread (src/procctx.h says what it holds).
 *
 * The eBPF side cannot give it: the programs that see packets (cgroup_skb and
 * tracepoints) have no helper for a task's namespaces or executable without
 * BTF task access (tracing programs, absent here), and
 * bpf_get_ns_current_pid_tgid needs the namespace to be known in advance. So
 * the tracer, which runs in the root pid namespace, reads
 * /proc/PID/task/TID/status (NStgid, NSpid, PPid), the parent's status (its
 * pid in the child's namespace), /proc/PID/ns/{pid,mnt}, /proc/PID/exe, and
 * finds the path of the record's cgroup id under the cgroup2 mount.
 *
 * What this cannot do: a process that exited before its first packet was
 * read has no context (counted: procinfo_unresolved); a pid reused by a
 * process of the same command name in the same cgroup keeps the first one's
 * context; the parent is the one at first sight (not after re-parenting).
 */
#ifndef NETSIFT_PROCINFO_H
#define NETSIFT_PROCINFO_H

#include <stdint.h>

#include "procctx.h"

struct procinfo;

/* cgroup2 mount point (cg_find_mount). NULL when out of memory. */
struct procinfo *procinfo_new(const char *cgroup_mount);
void procinfo_free(struct procinfo *pi);

/* The context of thread tid of process pid, whose socket's owner record has
 * cgroup_id and comm (NUL-terminated or NS_COMM_MAX bytes); NULL if it
 * cannot be read. */
const struct ns_procctx *procinfo_get(struct procinfo *pi, uint32_t pid, uint32_t tid,
				      uint64_t cgroup_id, const char *comm);

/* Threads whose /proc entry was gone at their first packet. */
uint64_t procinfo_unresolved(const struct procinfo *pi);

/* Parse the NStgid or NSpid value of a status line ("1234\t5"): the number
 * of ids (one per pid namespace level, outermost first) and the last one
 * (the innermost). 0 when malformed. Exposed for the unit test. */
unsigned procinfo_nsids(const char *value, uint32_t *last);

#endif
