/* Attribution of sockets that existed before `netsift trace` started.
 *
 * The kernel side learns a socket's owner when the socket is created, bound or
 * connected. Sockets older than the trace never went through those hooks, so
 * at start-up every process's /proc/PID/fd is scanned: each inet socket found
 * is duplicated into netsift with pidfd_getfd(2) and its owner (pid, uid, comm,
 * cgroup) is written into the socket-storage map through that descriptor. From
 * then on the kernel attributes its packets itself, and since the map clones
 * storage to accepted sockets, an old listener's new connections too.
 */
#ifndef NETSIFT_PROCSOCK_H
#define NETSIFT_PROCSOCK_H

#include <stdint.h>

struct procsock_stats {
	uint32_t processes;      /* processes scanned */
	uint32_t sockets;        /* inet sockets given an owner */
	uint32_t failed;         /* sockets we could not duplicate or store */
};

/* map_fd: the BPF_MAP_TYPE_SK_STORAGE map of struct ns_owner. cg_mount: cgroup2
 * mount (to turn /proc/PID/cgroup into a cgroup id), may be NULL. Existing
 * entries are never overwritten (the kernel's own knowledge is newer). */
int procsock_scan(int map_fd, const char *cg_mount, struct procsock_stats *st);

#endif
