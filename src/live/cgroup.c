/* cgroup v2 helpers for `netsift trace` (see cgroup.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

int cg_find_mount(char *buf, size_t len)
{
	char line[4096], dev[256], dir[2048], type[64];
	FILE *fp = fopen("/proc/mounts", "re");
	int found = -1;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%255s %2047s %63s", dev, dir, type) != 3)
			continue;
		/* first cgroup2 entry: that is the unified hierarchy, wherever
		 * the distribution put it (/sys/fs/cgroup, .../unified) */
		if (strcmp(type, "cgroup2") == 0 && strlen(dir) < len) {
			strcpy(buf, dir);
			found = 0;
			break;
		}
	}
	fclose(fp);
	return found;
}

static int is_cgroup_dir(const char *path)
{
	char probe[4200];
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	snprintf(probe, sizeof(probe), "%s/cgroup.procs", path);
	return access(probe, F_OK) == 0;
}

int cg_resolve(const char *mount, const char *path, char *out, size_t outlen,
	       char *err, size_t errlen)
{
	size_t ml = strlen(mount);
	int n;

	if (path[0] == '/' && strncmp(path, mount, ml) == 0 &&
	    (path[ml] == '/' || path[ml] == '\0'))
		n = snprintf(out, outlen, "%s", path);
	else
		n = snprintf(out, outlen, "%s/%s", mount, path[0] == '/' ? path + 1 : path);
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "cgroup path too long: %s", path);
		return -1;
	}
	if (!is_cgroup_dir(out)) {
		snprintf(err, errlen, "%s is not a cgroup v2 directory (hierarchy at %s)",
			 out, mount);
		return -1;
	}
	return 0;
}

int cg_create(const char *mount, char *out, size_t outlen)
{
	for (unsigned i = 0; i < 100; i++) {
		int n = snprintf(out, outlen, "%s/netsift-%ld-%u", mount, (long)getpid(), i);

		if (n < 0 || (size_t)n >= outlen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (mkdir(out, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static int write_pid(const char *dir, long pid)
{
	char path[4200], num[32];
	int fd, n, rc = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = snprintf(num, sizeof(num), "%ld\n", pid);
	if (write(fd, num, (size_t)n) != n)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

int cg_move(const char *dir, pid_t pid)
{
	return write_pid(dir, (long)pid);
}

/* Move whatever is left in dir to the hierarchy's root. */
static void evacuate(const char *mount, const char *dir)
{
	char path[4200];
	long pid;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (fscanf(fp, "%ld", &pid) == 1)
		(void)write_pid(mount, pid);
	fclose(fp);
}

int cg_remove(const char *mount, const char *dir)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };

	/* rmdir fails while tasks, even exiting ones, are still accounted
	 * to the cgroup: retry for a short, bounded time */
	for (int i = 0; i < 50; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		evacuate(mount, dir);
		nanosleep(&pause, NULL);
	}
	return -1;
}

uint64_t cg_id(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return 0;
	return (uint64_t)st.st_ino;
}

int cg_populated(const char *dir)
{
	char path[4200], line[128];
	int found = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		int v;

		if (sscanf(line, "populated %d", &v) == 1) {
			found = v != 0;
			break;
		}
	}
	fclose(fp);
	return found;
}

int cg_signal(const char *dir, int sig)
{
	char path[4200];
	long pid;
	int n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fscanf(fp, "%ld", &pid) == 1)
		if (pid > 0 && kill((pid_t)pid, sig) == 0)
			n++;
	fclose(fp);
	return n;
}

int cg_kill(const char *dir)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t w = write(fd, "1", 1);

		close(fd);
		if (w == 1)
			return 0;
	}
	/* older kernel: one by one (a process forking meanwhile may escape,
	 * which cgroup.kill exists to prevent) */
	for (int i = 0; i < 5; i++)
		if (cg_signal(dir, SIGKILL) == 0)
			return 0;
	return -1;
}

/* Is pid gone? A pid that was reused counts as alive: the cgroup then
 * stays until that process is gone too (never remove a live tracer's). */
static bool pid_gone(long pid)
{
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

int cg_remove_stale(const char *mount)
{
	DIR *d = opendir(mount);
	struct dirent *de;
	int removed = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char dir[4200];
		long pid;
		unsigned n;
		char tail;

		if (sscanf(de->d_name, "netsift-%ld-%u%c", &pid, &n, &tail) != 2 || pid <= 0)
			continue;
		if (pid == (long)getpid() || !pid_gone(pid))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", mount, de->d_name);
		/* rmdir itself refuses a cgroup with processes or children */
		if (cg_populated(dir) == 0 && rmdir(dir) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
