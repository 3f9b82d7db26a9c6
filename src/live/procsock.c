/* Owners of pre-existing sockets from /proc (see procsock.h). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "netsift.h"
#include "procsock.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* comm, real uid and cgroup v2 id of one process. */
static int proc_owner(long pid, const char *cg_mount, struct ns_owner *o)
{
	char path[64], buf[4096], cgpath[4200];
	char *p, *nl;

	memset(o, 0, sizeof(*o));
	o->pid = (uint32_t)pid;
	o->tid = (uint32_t)pid;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	memcpy(o->comm, buf, strnlen(buf, sizeof(o->comm) - 1));

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nUid:");
	if (p)
		o->uid = (uint32_t)strtoul(p + 5, NULL, 10);

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	if (cg_mount && read_small(path, buf, sizeof(buf)) == 0) {
		/* the v2 line is "0::/path" */
		p = strstr(buf, "0::");
		if (p && (p == buf || p[-1] == '\n')) {
			struct stat st;

			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			snprintf(cgpath, sizeof(cgpath), "%s%s", cg_mount, p + 3);
			if (stat(cgpath, &st) == 0)
				o->cgroup_id = (uint64_t)st.st_ino;
		}
	}
	return 0;
}

static int is_inet(int fd)
{
	int dom = 0;
	socklen_t len = sizeof(dom);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0)
		return 0;
	return dom == AF_INET || dom == AF_INET6;
}

static void scan_process(long pid, int map_fd, const char *cg_mount,
			 struct procsock_stats *st)
{
	char dirpath[64], link[384], target[64];
	struct ns_owner owner;
	struct dirent *de;
	int pidfd, have_owner = 0;
	DIR *d;

	snprintf(dirpath, sizeof(dirpath), "/proc/%ld/fd", pid);
	d = opendir(dirpath);
	if (!d)
		return;  /* kernel thread, or gone */
	pidfd = -1;
	while ((de = readdir(d)) != NULL) {
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(link, sizeof(link), "%s/%s", dirpath, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "socket:[", 8) != 0)
			continue;
		if (pidfd < 0) {
			pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
			if (pidfd < 0)
				break;
		}
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(de->d_name), 0);
		if (fd < 0) {
			st->failed++;
			continue;
		}
		if (is_inet(fd)) {
			if (!have_owner)
				have_owner = proc_owner(pid, cg_mount, &owner) == 0;
			if (!have_owner)
				st->failed++;
			else if (bpf_map_update_elem(map_fd, &fd, &owner, BPF_NOEXIST) == 0)
				st->sockets++;
			else if (errno != EEXIST)  /* the kernel knew it already */
				st->failed++;
		}
		close(fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	closedir(d);
	st->processes++;
}

int procsock_scan(int map_fd, const char *cg_mount, struct procsock_stats *st)
{
	struct dirent *de;
	long self = (long)getpid();
	DIR *d = opendir("/proc");

	memset(st, 0, sizeof(*st));
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || pid <= 0 || pid == self)
			continue;
		scan_process(pid, map_fd, cg_mount, st);
	}
	closedir(d);
	return 0;
}
