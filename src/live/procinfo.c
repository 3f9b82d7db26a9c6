/* Process and container context from /proc (procinfo.h). */
#include "procinfo.h"

#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dissect.h"
#include "nshash.h"

/* A cache of what was looked up, so that /proc is read once per thread: past
 * this many entries it starts over (the contexts stay interned). */
#define PI_CACHE_MAX 65536u
#define PI_SEED (NS_HASH_DEFAULT_SEED ^ 0x70696e666fULL)

struct pi_key {
	uint64_t cgroup_id;
	uint32_t pid, tid;
	char comm[NS_COMM_MAX];
};

struct pi_ent {
	struct pi_key k;
	bool used;
	const struct ns_procctx *ctx;   /* NULL: could not be read */
};

struct cg_ent {
	uint64_t id;
	char *path;                      /* "" when not found */
};

struct procinfo {
	char mount[PATH_MAX];
	struct pi_ent *tab;
	size_t cap, n;
	struct pi_key last_k;
	const struct ns_procctx *last;
	bool has_last;
	struct cg_ent *cgs;
	size_t ncg, cgcap;
	uint64_t unresolved;
};

struct procinfo *procinfo_new(const char *cgroup_mount)
{
	struct procinfo *pi = calloc(1, sizeof(*pi));

	if (!pi)
		return NULL;
	snprintf(pi->mount, sizeof(pi->mount), "%s", cgroup_mount);
	pi->cap = 1024;
	pi->tab = calloc(pi->cap, sizeof(*pi->tab));
	if (!pi->tab) {
		free(pi);
		return NULL;
	}
	return pi;
}

void procinfo_free(struct procinfo *pi)
{
	if (!pi)
		return;
	for (size_t i = 0; i < pi->ncg; i++)
		free(pi->cgs[i].path);
	free(pi->cgs);
	free(pi->tab);
	free(pi);
}

uint64_t procinfo_unresolved(const struct procinfo *pi)
{
	return pi ? pi->unresolved : 0;
}

unsigned procinfo_nsids(const char *v, uint32_t *last)
{
	unsigned n = 0;

	for (;;) {
		char *end;
		unsigned long x;

		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '\0' || *v == '\n')
			return n;
		if (*v < '0' || *v > '9')
			return 0;
		x = strtoul(v, &end, 10);
		if (x > UINT32_MAX)
			return 0;
		*last = (uint32_t)x;
		n++;
		v = end;
	}
}

/* NStgid, NSpid and PPid of a status file. false if it cannot be read. */
static bool read_status(const char *path, unsigned *ntgid, uint32_t *nstgid,
			unsigned *npid, uint32_t *nspid, uint32_t *ppid)
{
	FILE *fp = fopen(path, "re");
	char line[512];

	if (!fp)
		return false;
	*ntgid = *npid = 0;
	*ppid = 0;
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, "NStgid:", 7) == 0)
			*ntgid = procinfo_nsids(line + 7, nstgid);
		else if (strncmp(line, "NSpid:", 6) == 0)
			*npid = procinfo_nsids(line + 6, nspid);
		else if (strncmp(line, "PPid:", 5) == 0)
			*ppid = (uint32_t)strtoul(line + 5, NULL, 10);
	}
	fclose(fp);
	return *ntgid > 0;
}

static uint64_t ns_ino(uint32_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/ns/%s", pid, ns);
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* ---- cgroup id -> path ---- */

static uint64_t walk_id;
static char walk_found[PATH_MAX];

static int walk_fn(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	if (type == FTW_D && (uint64_t)st->st_ino == walk_id) {
		snprintf(walk_found, sizeof(walk_found), "%s", path);
		return 1;
	}
	return 0;
}

/* The path of cgroup id (relative to the mount, "/a/b") into out: first
 * the one /proc/PID/cgroup names, else a walk of the hierarchy. */
static void cg_lookup(const struct procinfo *pi, uint64_t id, uint32_t pid, char *out,
		      size_t len)
{
	char path[64], line[PATH_MAX + 8], full[2 * PATH_MAX];
	size_t ml = strlen(pi->mount);
	struct stat st;
	FILE *fp;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/cgroup", pid);
	fp = fopen(path, "re");
	if (fp) {
		while (fgets(line, sizeof(line), fp)) {
			size_t n = strcspn(line, "\n");

			line[n] = '\0';
			if (strncmp(line, "0::", 3) != 0)
				continue;
			if (snprintf(full, sizeof(full), "%s%s", pi->mount,
				     strcmp(line + 3, "/") == 0 ? "" : line + 3) >= (int)sizeof(full))
				continue;    /* longer than any path: not this one */
			if (stat(full, &st) == 0 && (uint64_t)st.st_ino == id && n - 3 < len) {
				memcpy(out, line + 3, n - 3 + 1);
				fclose(fp);
				return;
			}
		}
		fclose(fp);
	}
	/* moved since its socket was made, or gone: search the hierarchy */
	walk_id = id;
	walk_found[0] = '\0';
	if (nftw(pi->mount, walk_fn, 16, FTW_PHYS | FTW_MOUNT) == 1 &&
	    strncmp(walk_found, pi->mount, ml) == 0)
		snprintf(out, len, "%s", walk_found[ml] ? walk_found + ml : "/");
}

static const char *cg_path(struct procinfo *pi, uint64_t id, uint32_t pid)
{
	char buf[PATH_MAX];
	char *dup;

	for (size_t i = 0; i < pi->ncg; i++)
		if (pi->cgs[i].id == id)
			return pi->cgs[i].path;
	cg_lookup(pi, id, pid, buf, sizeof(buf));
	if (pi->ncg == pi->cgcap) {
		size_t cap = pi->cgcap ? pi->cgcap * 2 : 16;
		struct cg_ent *n = realloc(pi->cgs, cap * sizeof(*n));

		if (!n)
			return "";
		pi->cgs = n;
		pi->cgcap = cap;
	}
	dup = strdup(buf);
	if (!dup)
		return "";
	/* a cgroup that was not found is looked for again next time */
	if (!buf[0]) {
		free(dup);
		return "";
	}
	pi->cgs[pi->ncg].id = id;
	pi->cgs[pi->ncg].path = dup;
	return pi->cgs[pi->ncg++].path;
}

/* ---- the context of a thread ---- */

static const struct ns_procctx *resolve(struct procinfo *pi, const struct pi_key *k)
{
	char path[64], exe[PATH_MAX];
	unsigned ntgid, npid, pntgid, pnpid;
	uint32_t nstgid = 0, nspid = 0, pnstgid = 0, pnspid = 0, ppid, pppid;
	struct ns_procctx c;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/task/%" PRIu32 "/status", k->pid, k->tid);
	if (!read_status(path, &ntgid, &nstgid, &npid, &nspid, &ppid)) {
		/* the thread is gone: the process may not be */
		snprintf(path, sizeof(path), "/proc/%" PRIu32 "/status", k->pid);
		if (!read_status(path, &ntgid, &nstgid, &npid, &nspid, &ppid))
			return NULL;
		nspid = k->tid == k->pid ? nstgid : 0;
	}
	memset(&c, 0, sizeof(c));
	c.ppid = ppid;
	c.ns_pid = nstgid;
	c.ns_tid = nspid;
	/* the parent as the process sees it: its innermost id if it is in the
	 * same pid namespace (as many levels), else 0, as getppid() there */
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/status", ppid);
	if (ppid && read_status(path, &pntgid, &pnstgid, &pnpid, &pnspid, &pppid) &&
	    pntgid == ntgid)
		c.ns_ppid = pnstgid;
	c.pid_ns = ns_ino(k->pid, "pid");
	c.mnt_ns = ns_ino(k->pid, "mnt");
	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/exe", k->pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	c.exe = exe;
	c.cgroup = k->cgroup_id ? cg_path(pi, k->cgroup_id, k->pid) : "";
	return nsctx_intern(&c);
}

static size_t slot_of(const struct procinfo *pi, const struct pi_key *k)
{
	uint64_t h = ns_hash_bytes(k, sizeof(*k), PI_SEED);
	size_t i = h & (pi->cap - 1);

	while (pi->tab[i].used && memcmp(&pi->tab[i].k, k, sizeof(*k)) != 0)
		i = (i + 1) & (pi->cap - 1);
	return i;
}

static bool make_room(struct procinfo *pi)
{
	struct pi_ent *old = pi->tab;
	size_t ocap = pi->cap, cap = pi->cap * 2;

	if ((pi->n + 1) * 2 <= pi->cap)
		return true;
	if (cap > 2 * PI_CACHE_MAX) {
		/* start over: contexts stay interned, only lookups repeat */
		memset(pi->tab, 0, pi->cap * sizeof(*pi->tab));
		pi->n = 0;
		return true;
	}
	pi->tab = calloc(cap, sizeof(*pi->tab));
	if (!pi->tab) {
		pi->tab = old;
		return false;
	}
	pi->cap = cap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].used)
			pi->tab[slot_of(pi, &old[i].k)] = old[i];
	free(old);
	return true;
}

const struct ns_procctx *procinfo_get(struct procinfo *pi, uint32_t pid, uint32_t tid,
				      uint64_t cgroup_id, const char *comm)
{
	struct pi_key k;
	size_t i;

	memset(&k, 0, sizeof(k));
	k.cgroup_id = cgroup_id;
	k.pid = pid;
	k.tid = tid;
	/* up to the NUL: bytes after it do not make another key */
	memcpy(k.comm, comm, strnlen(comm, NS_COMM_MAX - 1));
	/* packets come in runs of one thread's */
	if (pi->has_last && memcmp(&k, &pi->last_k, sizeof(k)) == 0)
		return pi->last;
	i = slot_of(pi, &k);
	if (!pi->tab[i].used) {
		const struct ns_procctx *c = resolve(pi, &k);

		if (!c)
			pi->unresolved++;
		if (!make_room(pi))
			return c;
		i = slot_of(pi, &k);
		pi->tab[i].used = true;
		pi->tab[i].k = k;
		pi->tab[i].ctx = c;
		pi->n++;
	}
	pi->last_k = k;
	pi->last = pi->tab[i].ctx;
	pi->has_last = true;
	return pi->last;
}
