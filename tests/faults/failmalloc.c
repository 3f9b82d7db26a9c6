/* LD_PRELOAD allocation failer for tests/faults.sh: the Nth call (counted
 * from program start, after the C library is set up) of malloc, calloc or
 * realloc returns NULL with errno ENOMEM; every other call goes to the C
 * library. NS_FAIL_ALLOC=N picks the call (0: none fails, just count);
 * NS_ALLOC_COUNT_FILE names a file that gets the number of calls at exit,
 * which is how the test learns how many sites a run passes through.
 * posix_memalign, aligned_alloc and the like are not counted. Not for
 * sanitizer builds: ASan replaces malloc itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);

static long fail_at;
static long calls;
static int armed;

__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("NS_FAIL_ALLOC");

	fail_at = s ? atol(s) : 0;
	armed = 1;
}

__attribute__((destructor)) static void fini(void)
{
	const char *f = getenv("NS_ALLOC_COUNT_FILE");
	long n = calls;
	FILE *fp;

	armed = 0;
	if (f && (fp = fopen(f, "w")) != NULL) {
		fprintf(fp, "%ld\n", n);
		fclose(fp);
	}
}

static int fail_now(void)
{
	if (!armed)
		return 0;
	return ++calls == fail_at;
}

void *malloc(size_t n)
{
	if (fail_now()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	if (fail_now()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	if (fail_now()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
