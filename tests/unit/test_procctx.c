/* src/procctx.c: container ids from cgroup paths (Tracee's rules), the text
 * form of a context and its round trip through a pcapng comment. */
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "procctx.h"
#include "reader/pcapng.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define G64 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

struct cid_case {
	const char *path, *id, *runtime;
};

static void test_container_id(void **state)
{
	static const struct cid_case cases[] = {
		/* docker, systemd cgroup driver */
		{ "/system.slice/docker-" H64 ".scope", H64, "docker" },
		/* docker, cgroupfs driver */
		{ "/docker/" H64, H64, "docker" },
		/* containerd CRI under kubepods (systemd driver), burstable pod */
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/cri-containerd-"
		  H64 ".scope", H64, "containerd" },
		/* containerd outside a scope: slice:cri-containerd:id */
		{ "/kubepods-besteffort-pod0a1b.slice:cri-containerd:" H64, H64, "containerd" },
		/* CRI-O */
		{ "/kubepods.slice/kubepods-pod0a1b2c3d.slice/crio-" H64 ".scope", H64, "crio" },
		/* CRI-O's conmon is not the container */
		{ "/machine.slice/crio-conmon-" H64 ".scope", "", "" },
		/* podman */
		{ "/machine.slice/libpod-" H64 ".scope", H64, "podman" },
		{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H64 ".scope/container",
		  H64, "podman" },
		/* kubepods with the cgroupfs driver: a bare id, runtime unknown */
		{ "/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/" H64, H64, "unknown" },
		/* nested: the outermost container wins */
		{ "/docker/" H64 "/docker/" G64, H64, "docker" },
		/* upper-case hex is hex */
		{ "/docker-0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF.scope",
		  "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "docker" },
		/* not containers: systemd sessions and services, short or bad ids */
		{ "/user.slice/user-1000.slice/session-4.scope", "", "" },
		{ "/system.slice/ssh.service", "", "" },
		{ "/", "", "" },
		{ "", "", "" },
		{ "/docker-0123456789abcdef.scope", "", "" },
		{ "/docker-" H64 "0.scope", "", "" },
		{ "/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg.scope", "", "" },
		{ "/netsift-4242-0", "", "" },
	};
	char id[NS_CONTAINER_ID_MAX];
	const char *rt;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool found = nsctx_container_id(cases[i].path, id, &rt);

		if (strcmp(id, cases[i].id) != 0 || strcmp(rt, cases[i].runtime) != 0 ||
		    found != (cases[i].id[0] != '\0'))
			fail_msg("%s: id '%s' runtime '%s', want '%s' '%s'", cases[i].path, id, rt,
				 cases[i].id, cases[i].runtime);
	}
}

static const struct ns_procctx *make(uint32_t nspid, const char *exe, const char *cg)
{
	struct ns_procctx c;

	memset(&c, 0, sizeof(c));
	c.ppid = 4241;
	c.ns_pid = nspid;
	c.ns_tid = nspid + 1;
	c.ns_ppid = 1;
	c.pid_ns = 4026532317u;
	c.mnt_ns = 4026532316u;
	c.exe = exe;
	c.cgroup = cg;
	return nsctx_intern(&c);
}

/* Interned once per content; the text parses back to the same entry; paths
 * with spaces, '%' and other bytes survive. */
static void test_text_round_trip(void **state)
{
	const struct ns_procctx *a, *b, *c;
	const char *cg = "/system.slice/docker-" H64 ".scope";

	(void)state;
	a = make(2, "/usr/bin/curl", cg);
	assert_non_null(a);
	assert_string_equal(a->text, " ppid=4241 nspid=2 nstid=3 nsppid=1 pidns=4026532317"
			    " mntns=4026532316 exe=/usr/bin/curl cgpath=/system.slice/docker-" H64 ".scope");
	assert_string_equal(a->container_id, H64);
	assert_string_equal(a->runtime, "docker");
	b = make(2, "/usr/bin/curl", cg);
	assert_ptr_equal(a, b);
	assert_ptr_equal(nsctx_from_text(a->text, a->text_len), a);

	c = make(7, "/opt/my app/100%\x01", "/user.slice/session-4.scope");
	assert_non_null(c);
	assert_non_null(strstr(c->text, " exe=/opt/my%20app/100%25%01 cgpath="));
	assert_string_equal(c->container_id, "");
	assert_string_equal(c->runtime, "");
	assert_ptr_equal(nsctx_from_text(c->text, c->text_len), c);
	assert_string_equal(c->exe, "/opt/my app/100%\x01");
	/* a non-canonical escape is the same context */
	{
		const char *t = " ppid=4241 nspid=2 nstid=3 nsppid=1 pidns=4026532317 mntns=4026532316"
				" exe=%2Fusr/bin/curl cgpath=/system.slice/docker-" H64 ".scope";
		assert_ptr_equal(nsctx_from_text(t, strlen(t)), a);
	}
	/* empty paths */
	c = make(9, "", "");
	assert_ptr_equal(nsctx_from_text(c->text, c->text_len), c);
}

static void test_text_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b",  /* no space */
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a",           /* no cgpath */
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b ", /* trailing */
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b x=1",
		" ppid=4294967296 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b",
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=99999999999999999999 mntns=5 exe=/a cgpath=/b",
		" ppid=1 nspid=x nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b",
		" ppid=1 nstid=3 nspid=2 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b", /* order */
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a% cgpath=/b",
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a%4 cgpath=/b",
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a%zz cgpath=/b",
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a%00 cgpath=/b",
		" ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a\x01 cgpath=/b",
		" ppid= nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/a cgpath=/b",
	};
	static char huge[NS_PROCCTX_TEXT_MAX + 64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nsctx_from_text(bad[i], strlen(bad[i])))
			fail_msg("accepted: '%s'", bad[i]);
	/* a path longer than NS_CTX_PATH_MAX - 1 is not one we wrote */
	memcpy(huge, " ppid=1 nspid=2 nstid=3 nsppid=1 pidns=4 mntns=5 exe=/", 54);
	memset(huge + 54, 'a', NS_CTX_PATH_MAX + 10);
	memcpy(huge + 54 + NS_CTX_PATH_MAX + 10, " cgpath=/b", 11);
	assert_null(nsctx_from_text(huge, strlen(huge)));
}

/* Paths longer than NS_CTX_PATH_MAX are kept cut, ending in "..." */
static void test_long_path(void **state)
{
	static char exe[3 * NS_CTX_PATH_MAX];
	const struct ns_procctx *c;

	(void)state;
	memset(exe, 'x', sizeof(exe) - 1);
	exe[0] = '/';
	c = make(11, exe, "/a");
	assert_non_null(c);
	assert_int_equal(strlen(c->exe), NS_CTX_PATH_MAX - 1);
	assert_string_equal(c->exe + NS_CTX_PATH_MAX - 4, "...");
	assert_ptr_equal(nsctx_from_text(c->text, c->text_len), c);
}

/* The longest text: every number at its largest, every path byte escaped
 * (ASan checks the buffers); it still reads back. */
static void test_longest_text(void **state)
{
	static char exe[NS_CTX_PATH_MAX], cg[NS_CTX_PATH_MAX];
	struct ns_procctx c;
	const struct ns_procctx *i;

	(void)state;
	memset(exe, ' ', sizeof(exe) - 1);
	memset(cg, '%', sizeof(cg) - 1);
	memset(&c, 0, sizeof(c));
	c.ppid = c.ns_pid = c.ns_tid = c.ns_ppid = UINT32_MAX;
	c.pid_ns = c.mnt_ns = UINT64_MAX;
	c.exe = exe;
	c.cgroup = cg;
	i = nsctx_intern(&c);
	assert_non_null(i);
	assert_true(i->text_len <= NS_PROCCTX_TEXT_MAX);
	assert_int_equal(i->text_len, 127 + 8 + 2 * 3 * (NS_CTX_PATH_MAX - 1));
	assert_ptr_equal(nsctx_from_text(i->text, i->text_len), i);
	assert_string_equal(i->exe, exe);
	assert_string_equal(i->cgroup, cg);
}

/* -w then read: the comment carries the context, Wireshark-readable, and a
 * comment in the old form (no context) still reads as a process. */
static void test_pcapng_round_trip(void **state)
{
	static const uint8_t pkt[20] = { 0x45, 0, 0, 20 };
	char path[] = "/tmp/test_procctx_XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	struct pcapng_writer *w;
	struct pcapng_reader r;
	struct pcapng_pkt p;
	struct ns_ctx c1, c2, c3;
	const struct ns_procctx *pc = make(2, "/usr/bin/python3.11",
					   "/nsctx.slice/docker-" H64 ".scope");

	(void)state;
	assert_true(fd >= 0);
	memset(&c1, 0, sizeof(c1));
	c1.ts_ns = 1;
	c1.wire_len = 20;
	c1.direction = NS_DIR_EGRESS;
	c1.task.pid = 4242;
	c1.task.tid = 4243;
	c1.task.cgroup_id = 777;
	/* a name that holds the start of the context text */
	strcpy(c1.task.comm, "x ppid=1");
	c1.task.proc = pc;
	c2 = c1;
	c2.task.proc = NULL;
	strcpy(c2.task.comm, "curl");
	w = pcapng_writer_open(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcapng_writer_packet(w, 101, 65535, pkt, 20, &c1), 0);
	assert_int_equal(pcapng_writer_packet(w, 101, 65535, pkt, 20, &c2), 0);
	/* a context with all the base fields zero is still written */
	memset(&c3, 0, sizeof(c3));
	c3.ts_ns = 2;
	c3.wire_len = 20;
	c3.task.proc = pc;
	assert_int_equal(pcapng_writer_packet(w, 101, 65535, pkt, 20, &c3), 0);
	assert_int_equal(pcapng_writer_close(w, err, sizeof(err)), 0);

	assert_int_equal(pcapng_reader_init(&r, fd, path, NULL, 0), 0);
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_true(p.has_proc);
	assert_string_equal(p.task.comm, "x ppid=1");
	assert_int_equal(p.task.cgroup_id, 777);
	assert_ptr_equal(p.task.proc, pc);
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_true(p.has_proc);
	assert_string_equal(p.task.comm, "curl");
	assert_null(p.task.proc);
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_ptr_equal(p.task.proc, pc);
	assert_string_equal(p.task.comm, "");
	assert_int_equal(pcapng_next(&r, &p), 0);
	pcapng_reader_free(&r);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_id),
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_text_malformed),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_longest_text),
		cmocka_unit_test(test_pcapng_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
