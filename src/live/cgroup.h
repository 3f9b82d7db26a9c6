/* cgroup v2 helpers for `netsift trace`: find the hierarchy, resolve a path
 * given by the user, create and remove the cgroup a traced command runs in. */
#ifndef NETSIFT_CGROUP_H
#define NETSIFT_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Mount point of the cgroup2 hierarchy from /proc/mounts into buf.
 * 0, or -1 when there is none. */
int cg_find_mount(char *buf, size_t len);

/* Resolve PATH for --cgroup: an absolute path inside the mount is kept, any
 * other path is taken relative to the mount ("system.slice/x.service" and
 * "/system.slice/x.service" both work). It must be a directory of the
 * hierarchy. 0, or -1 with a message in err. */
int cg_resolve(const char *mount, const char *path, char *out, size_t outlen,
	       char *err, size_t errlen);

/* Create a fresh cgroup "netsift-<pid>-<n>" under the mount. 0 or -1 (errno). */
int cg_create(const char *mount, char *out, size_t outlen);

/* Move process pid into the cgroup directory dir. 0 or -1 (errno). */
int cg_move(const char *dir, pid_t pid);

/* Remove a cgroup we created: processes still in it (daemons the command left
 * behind) are moved to the root first. 0 or -1 (errno). */
int cg_remove(const char *mount, const char *dir);

/* 1 if a process (or a descendant cgroup's) is in dir, 0 if none, -1 if
 * cgroup.events cannot be read. */
int cg_populated(const char *dir);

/* Send sig to every process in dir (cgroup.procs); how many were signalled. */
int cg_signal(const char *dir, int sig);

/* Kill everything in dir: cgroup.kill (Linux 5.14+), else SIGKILL to each
 * process listed. 0 or -1. */
int cg_kill(const char *dir);

/* Remove the "netsift-PID-N" cgroups under mount that a tracer killed with
 * SIGKILL left behind: only those that are empty and whose PID no longer
 * exists. How many were removed. */
int cg_remove_stale(const char *mount);

/* cgroup id (the directory's inode number, as bpf_get_current_cgroup_id()). */
uint64_t cg_id(const char *dir);

#endif
