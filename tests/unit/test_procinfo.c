/* src/live/procinfo.c: NSpid/NStgid parsing, and the context of this very
 * process read from /proc (no root needed). */
#include "unit.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "live/procinfo.h"

static void test_nsids(void **state)
{
	uint32_t last = 0;

	(void)state;
	assert_int_equal(procinfo_nsids("\t4242\n", &last), 1);
	assert_int_equal(last, 4242);
	assert_int_equal(procinfo_nsids("\t8164\t4\n", &last), 2);
	assert_int_equal(last, 4);
	assert_int_equal(procinfo_nsids("\t9\t5\t1", &last), 3);
	assert_int_equal(last, 1);
	assert_int_equal(procinfo_nsids("\t\n", &last), 0);
	assert_int_equal(procinfo_nsids("\t12x\n", &last), 0);
	assert_int_equal(procinfo_nsids("\t-1\n", &last), 0);
	assert_int_equal(procinfo_nsids("\t99999999999\n", &last), 0);
}

static void cgroup2(char *mount, size_t mlen, char *rel, size_t rlen)
{
	char line[PATH_MAX + 64], dev[64], dir[PATH_MAX], type[64];
	FILE *fp = fopen("/proc/mounts", "re");

	mount[0] = rel[0] = '\0';
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%63s %4095s %63s", dev, dir, type) == 3 &&
		    strcmp(type, "cgroup2") == 0) {
			snprintf(mount, mlen, "%s", dir);
			break;
		}
	fclose(fp);
	fp = fopen("/proc/self/cgroup", "re");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, "0::", 3) == 0) {
			size_t n = strcspn(line + 3, "\n");

			if (n < rlen) {
				memcpy(rel, line + 3, n);
				rel[n] = '\0';
			}
		}
	fclose(fp);
}

static void test_self(void **state)
{
	char mount[PATH_MAX], rel[PATH_MAX], full[2 * PATH_MAX + 2], exe[PATH_MAX];
	struct procinfo *pi;
	const struct ns_procctx *c, *again;
	struct stat st;
	uint64_t cgid = 0;
	ssize_t n;
	pid_t dead;

	(void)state;
	cgroup2(mount, sizeof(mount), rel, sizeof(rel));
	if (mount[0] && rel[0]) {
		snprintf(full, sizeof(full), "%s%s", mount, strcmp(rel, "/") ? rel : "");
		if (stat(full, &st) == 0)
			cgid = (uint64_t)st.st_ino;
	}
	pi = procinfo_new(mount[0] ? mount : "/nonexistent");
	assert_non_null(pi);
	c = procinfo_get(pi, (uint32_t)getpid(), (uint32_t)getpid(), cgid, "test_procinfo");
	assert_non_null(c);
	/* a test runs in the pid namespace whose /proc is mounted */
	assert_int_equal(c->ns_pid, (uint32_t)getpid());
	assert_int_equal(c->ns_tid, (uint32_t)getpid());
	assert_int_equal(c->ppid, (uint32_t)getppid());
	assert_int_equal(stat("/proc/self/ns/pid", &st), 0);
	assert_int_equal(c->pid_ns, (uint64_t)st.st_ino);
	assert_int_equal(stat("/proc/self/ns/mnt", &st), 0);
	assert_int_equal(c->mnt_ns, (uint64_t)st.st_ino);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_string_equal(c->exe, exe);
	if (cgid)
		assert_string_equal(c->cgroup, rel);
	/* looked up once */
	again = procinfo_get(pi, (uint32_t)getpid(), (uint32_t)getpid(), cgid, "test_procinfo");
	assert_ptr_equal(again, c);
	assert_int_equal(procinfo_unresolved(pi), 0);

	/* a process that is gone has no context, and is counted */
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	assert_null(procinfo_get(pi, (uint32_t)dead, (uint32_t)dead, cgid, "gone"));
	assert_int_equal(procinfo_unresolved(pi), 1);
	procinfo_free(pi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsids),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
