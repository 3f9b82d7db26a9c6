/* The process hash key (see nshash.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "nshash.h"

struct ns_hash_key ns_hash_process_key;
int ns_hash_key_ready;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits: k0 the first 16, k1 the last 16. */
static int parse_key(const char *s, struct ns_hash_key *k)
{
	uint64_t w[2] = { 0, 0 };

	if (strlen(s) != 32)
		return -1;
	for (int i = 0; i < 32; i++) {
		int v = hexval(s[i]);
		if (v < 0)
			return -1;
		w[i / 16] = w[i / 16] << 4 | (uint64_t)v;
	}
	k->k0 = w[0];
	k->k1 = w[1];
	return 0;
}

/* getrandom(2) never fails for 16 bytes once the pool is initialized; should
 * it (an old kernel, a seccomp filter), time and pid still make a key that
 * differs per run, which is the point against a prepared capture. */
static void random_key(struct ns_hash_key *k)
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) == (ssize_t)sizeof(b)) {
		memcpy(&k->k0, b, 8);
		memcpy(&k->k1, b + 8, 8);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	k->k0 = ns_fmix64((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	k->k1 = ns_fmix64((uint64_t)getpid() ^ (uintptr_t)&ts);
}

int ns_hash_init(void)
{
	const char *env = getenv("NETSIFT_HASH_KEY");
	int rc = 0;

	if (env && *env) {
		if (parse_key(env, &ns_hash_process_key) == 0) {
			ns_hash_key_ready = 1;
			return 0;
		}
		rc = -1;
	}
	random_key(&ns_hash_process_key);
	ns_hash_key_ready = 1;
	return rc;
}
