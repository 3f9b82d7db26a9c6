/* Process and container context: container ids from cgroup paths, the text
 * form written into pcapng comments, and the intern table (procctx.h). */
#include "procctx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nshash.h"

#define CTX_SEED (NS_HASH_DEFAULT_SEED ^ 0x7072636378ULL)

/* ---- container id ---- */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *pre, size_t *plen)
{
	size_t k = strlen(pre);

	if (n < k || memcmp(s, pre, k) != 0)
		return false;
	*plen = k;
	return true;
}

/* Follows aquasecurity/tracee pkg/containers/containers.go
 * getContainerIdFromCgroup: components shorter than 64 bytes are skipped, the
 * first one that yields a 64-hex-digit id wins (the outermost container). */
bool nsctx_container_id(const char *path, char *id, const char **runtime)
{
	const char *p = path, *prev = "";
	size_t prevlen = 0;

	id[0] = '\0';
	*runtime = "";
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *c = p, *rt = "unknown";
		size_t cn = n, k;
		const char *mark;

		if (n >= 64) {
			if (cn > 6 && memcmp(c + cn - 6, ".scope", 6) == 0)
				cn -= 6;
			if (has_prefix(c, cn, "docker-", &k))
				rt = "docker";
			else if (has_prefix(c, cn, "crio-", &k))
				rt = "crio";
			else if (has_prefix(c, cn, "cri-containerd-", &k))
				rt = "containerd";
			else if (has_prefix(c, cn, "libpod-", &k))
				rt = "podman";
			else
				k = 0;
			/* systemd cgroup driver of containerd outside a scope:
			 * "kubepods-...-pod<uid>.slice:cri-containerd:<id>" */
			if (k == 0 && (mark = memmem(p, n, ":cri-containerd:", 16)) != NULL) {
				const char *last = mark;

				while ((mark = memmem(last + 1, (size_t)(p + n - last - 1),
						      ":cri-containerd:", 16)) != NULL)
					last = mark;
				rt = "containerd";
				k = (size_t)(last + 16 - c);
				cn = n;
			}
			c += k;
			cn -= k;
			if (cn == 64 && all_hex(c, 64)) {
				if (strcmp(rt, "unknown") == 0 && prevlen == 6 &&
				    memcmp(prev, "docker", 6) == 0)
					rt = "docker";
				memcpy(id, c, 64);
				id[64] = '\0';
				*runtime = rt;
				return true;
			}
		}
		prev = p;
		prevlen = n;
		p += n;
		while (*p == '/')
			p++;
	}
	return false;
}

/* ---- text form ---- */

/* Paths in the comment: bytes that are not printable ASCII, space and '%'
 * as %XX, so that a path is one space-free token and the comment UTF-8. */
static size_t esc(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '%') {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return n;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One escaped token of s[0..n) into out (NS_CTX_PATH_MAX bytes); false if
 * malformed or too long. */
static bool unesc(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (o + 1 >= NS_CTX_PATH_MAX)
			return false;
		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return false;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return false;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if ((unsigned char)c <= 0x20 || (unsigned char)c >= 0x7f) {
			return false;
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	return true;
}

/* Paths longer than NS_CTX_PATH_MAX - 1 are cut and end in "..." */
static void copy_path(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n < NS_CTX_PATH_MAX) {
		memcpy(dst, src, n + 1);
		return;
	}
	memcpy(dst, src, NS_CTX_PATH_MAX - 4);
	memcpy(dst + NS_CTX_PATH_MAX - 4, "...", 4);
}

static size_t format_text(char *buf, const struct ns_procctx *c, const char *exe,
			  const char *cg)
{
	int n = snprintf(buf, NS_PROCCTX_TEXT_MAX, " ppid=%" PRIu32 " nspid=%" PRIu32
			 " nstid=%" PRIu32 " nsppid=%" PRIu32 " pidns=%" PRIu64 " mntns=%" PRIu64
			 " exe=", c->ppid, c->ns_pid, c->ns_tid, c->ns_ppid, c->pid_ns, c->mnt_ns);
	size_t len = n > 0 ? (size_t)n : 0;

	len += esc(buf + len, exe);
	memcpy(buf + len, " cgpath=", 8);
	len += 8;
	len += esc(buf + len, cg);
	return len;
}

/* ---- intern table ---- */

struct entry {
	struct ns_procctx c;
	uint64_t hash;
	char strings[];          /* text, exe, cgroup, each NUL-terminated */
};

static struct {
	struct entry **slot;
	size_t cap, n;
	size_t bytes;            /* of all entries */
	uint64_t overflow;
} tab;

static const struct ns_procctx *find(const char *text, size_t len, uint64_t h)
{
	if (!tab.cap)
		return NULL;
	for (size_t i = h & (tab.cap - 1);; i = (i + 1) & (tab.cap - 1)) {
		struct entry *e = tab.slot[i];

		if (!e)
			return NULL;
		if (e->hash == h && e->c.text_len == len && memcmp(e->c.text, text, len) == 0)
			return &e->c;
	}
}

static bool grow(void)
{
	size_t cap = tab.cap ? tab.cap * 2 : 256;
	struct entry **s = calloc(cap, sizeof(*s));

	if (!s)
		return false;
	for (size_t i = 0; i < tab.cap; i++) {
		struct entry *e = tab.slot[i];

		if (!e)
			continue;
		for (size_t j = e->hash & (cap - 1);; j = (j + 1) & (cap - 1))
			if (!s[j]) {
				s[j] = e;
				break;
			}
	}
	free(tab.slot);
	tab.slot = s;
	tab.cap = cap;
	return true;
}

static const struct ns_procctx *insert(const struct ns_procctx *tmpl, const char *text,
				       size_t len, uint64_t h, const char *exe, const char *cg)
{
	size_t el = strlen(exe), cl = strlen(cg);
	size_t sz = sizeof(struct entry) + len + 1 + el + 1 + cl + 1;
	struct entry *e;
	char *s;

	if (tab.n >= NS_PROCCTX_MAX || tab.bytes + sz > NS_PROCCTX_BYTES_MAX ||
	    ((tab.n + 1) * 2 > tab.cap && !grow()) || !(e = malloc(sz))) {
		tab.overflow++;
		return NULL;
	}
	e->c = *tmpl;
	e->hash = h;
	s = e->strings;
	memcpy(s, text, len);
	s[len] = '\0';
	e->c.text = s;
	e->c.text_len = len;
	s += len + 1;
	memcpy(s, exe, el + 1);
	e->c.exe = s;
	s += el + 1;
	memcpy(s, cg, cl + 1);
	e->c.cgroup = s;
	nsctx_container_id(e->c.cgroup, e->c.container_id, &e->c.runtime);
	for (size_t i = h & (tab.cap - 1);; i = (i + 1) & (tab.cap - 1))
		if (!tab.slot[i]) {
			tab.slot[i] = e;
			break;
		}
	tab.n++;
	tab.bytes += sz;
	return &e->c;
}

const struct ns_procctx *nsctx_intern(const struct ns_procctx *tmpl)
{
	static char text[NS_PROCCTX_TEXT_MAX];
	static char exe[NS_CTX_PATH_MAX], cg[NS_CTX_PATH_MAX];
	const struct ns_procctx *f;
	size_t len;
	uint64_t h;

	copy_path(exe, tmpl->exe ? tmpl->exe : "");
	copy_path(cg, tmpl->cgroup ? tmpl->cgroup : "");
	len = format_text(text, tmpl, exe, cg);
	h = ns_hash_bytes(text, len, CTX_SEED);
	f = find(text, len, h);
	return f ? f : insert(tmpl, text, len, h, exe, cg);
}

/* "KEY=" at *p, then the token up to the next space (or the end) */
static bool token(const char **p, const char *end, const char *key, const char **v,
		  size_t *vn)
{
	size_t k = strlen(key);
	const char *s = *p, *sp;

	if ((size_t)(end - s) < k || memcmp(s, key, k) != 0)
		return false;
	s += k;
	sp = memchr(s, ' ', (size_t)(end - s));
	*v = s;
	*vn = (size_t)((sp ? sp : end) - s);
	*p = sp ? sp + 1 : end;
	return true;
}

static bool num(const char **p, const char *end, const char *key, uint64_t max,
		uint64_t *out)
{
	const char *v;
	size_t n;
	uint64_t x = 0;

	if (!token(p, end, key, &v, &n) || n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > max)
		return false;
	*out = x;
	return true;
}

const struct ns_procctx *nsctx_from_text(const char *s, size_t len)
{
	static char exe[NS_CTX_PATH_MAX], cg[NS_CTX_PATH_MAX];
	const char *p = s, *end = s + len, *v;
	struct ns_procctx c;
	const struct ns_procctx *f;
	uint64_t x[6];
	size_t vn;
	uint64_t h;

	if (len > NS_PROCCTX_TEXT_MAX || len == 0 || *p != ' ')
		return NULL;
	h = ns_hash_bytes(s, len, CTX_SEED);
	if ((f = find(s, len, h)) != NULL)
		return f;
	p++;
	if (!num(&p, end, "ppid=", UINT32_MAX, &x[0]) ||
	    !num(&p, end, "nspid=", UINT32_MAX, &x[1]) ||
	    !num(&p, end, "nstid=", UINT32_MAX, &x[2]) ||
	    !num(&p, end, "nsppid=", UINT32_MAX, &x[3]) ||
	    !num(&p, end, "pidns=", UINT64_MAX, &x[4]) ||
	    !num(&p, end, "mntns=", UINT64_MAX, &x[5]) ||
	    !token(&p, end, "exe=", &v, &vn) || !unesc(v, vn, exe) ||
	    !token(&p, end, "cgpath=", &v, &vn) || !unesc(v, vn, cg) || p != end ||
	    s[len - 1] == ' ')
		return NULL;
	memset(&c, 0, sizeof(c));
	c.ppid = (uint32_t)x[0];
	c.ns_pid = (uint32_t)x[1];
	c.ns_tid = (uint32_t)x[2];
	c.ns_ppid = (uint32_t)x[3];
	c.pid_ns = x[4];
	c.mnt_ns = x[5];
	c.exe = exe;
	c.cgroup = cg;
	/* formatted again: a text that is not in our canonical form (%2f for
	 * '/', say) is interned under its canonical form */
	return nsctx_intern(&c);
}

uint64_t nsctx_overflow(void)
{
	return tab.overflow;
}
