/* Process and container context of a live event (issue 13, item 7).
 *
 * What Tracee puts in every event's envelope (aquasecurity/tracee
 * types/trace/trace.go: parentProcessId, hostProcessId, hostThreadId,
 * hostParentProcessId, mountNamespace, pidNamespace, executable, containerId,
 * container) beyond the pid/tid/uid/cgroup id/comm that struct ns_ctx carries.
 * `netsift trace` resolves it from /proc at the first packet of a thread
 * (src/live/procinfo.c); `-w` writes it into the packet comment and `read`
 * parses it back (src/reader/pcapng.c), so both give the same fields.
 *
 * Contexts are interned: one immutable copy per distinct content, kept until
 * the process exits, so a struct ns_ctx, a flow and a flow event can all hold
 * the same pointer without copying paths. At most NS_PROCCTX_MAX (and
 * NS_PROCCTX_BYTES_MAX bytes) are kept; a packet whose context would be a new
 * one past that has none (counted by nsctx_overflow(), reported by trace and
 * read).
 */
#ifndef NETSIFT_PROCCTX_H
#define NETSIFT_PROCCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_PROCCTX_MAX (1u << 20)
/* and at most this many bytes of them: a crafted recording cannot make
 * `read` keep gigabytes of paths */
#define NS_PROCCTX_BYTES_MAX ((size_t)256 << 20)
#define NS_CONTAINER_ID_MAX 65   /* 64 hex digits + NUL */
/* longest exe or cgroup path kept (longer ones are cut, cut paths end in "...") */
#define NS_CTX_PATH_MAX 1024

struct ns_procctx {
	uint32_t ppid;            /* host pid of the parent */
	uint32_t ns_pid, ns_tid;  /* pid and tid in the process's own pid namespace */
	uint32_t ns_ppid;         /* parent in that namespace; 0 when the parent is
				   * outside it (as getppid() gives there) */
	uint64_t pid_ns, mnt_ns;  /* namespace inode numbers (/proc/PID/ns/{pid,mnt}) */
	const char *exe;          /* executable path, "" if unknown */
	const char *cgroup;       /* cgroup v2 path from the hierarchy's root ("/a/b"), "" if unknown */
	const char *runtime;      /* container runtime named by the cgroup path, "" if none */
	char container_id[NS_CONTAINER_ID_MAX]; /* "" if the cgroup is no container's */
	/* " ppid=... cgpath=..." as written after the base process comment
	 * (pcapng_proc_comment), formatted once */
	const char *text;
	size_t text_len;
};

/* Container id and runtime from a cgroup path, as Tracee's
 * getContainerIdFromCgroup (pkg/containers/containers.go): the first path
 * component (from the root) that is 64 hex digits once a ".scope" suffix and
 * one of the prefixes "docker-", "crio-", "cri-containerd-", "libpod-" are
 * taken off, or holds ":cri-containerd:" followed by them. The runtime is
 * named by the prefix ("docker", "crio", "containerd", "podman"), "docker"
 * for a bare id under a "docker" component (cgroupfs driver), else "unknown"
 * (a bare id under kubepods/.../pod<uid>/ may be any CRI runtime's).
 * id gets NS_CONTAINER_ID_MAX bytes. True if a container id was found. */
bool nsctx_container_id(const char *path, char *id, const char **runtime);

/* The interned copy of tmpl (its exe and cgroup strings are copied; runtime
 * and container_id are derived from cgroup again). NULL when out of memory or
 * past NS_PROCCTX_MAX. */
const struct ns_procctx *nsctx_intern(const struct ns_procctx *tmpl);

/* The context written as text (the part of a packet comment after the base
 * process fields): interned, or NULL when s is not one. */
const struct ns_procctx *nsctx_from_text(const char *s, size_t len);

/* Longest text nsctx_intern formats: every number at its largest (127 bytes
 * with the keys), every path byte escaped as %XX. */
#define NS_PROCCTX_TEXT_MAX (160 + 2 * 3 * NS_CTX_PATH_MAX)

/* Contexts not created because of NS_PROCCTX_MAX or memory. */
uint64_t nsctx_overflow(void);

#endif
