/* Keyed hashing for the flow table, the DNS cache, IP reassembly and the
 * analysis connection table.
 *
 * A capture is hostile input: with a fixed hash function anyone can write a
 * pcap whose connections all land in one bucket and turn every lookup into a
 * walk of the whole table. So the hash is SipHash-1-3 (the keyed PRF that
 * Rust's HashMap and Python's dict use against the same attack; reference:
 * Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) under a
 * 128-bit key drawn per process from getrandom(2). Without the key an
 * attacker cannot tell which tuples collide.
 *
 * Nothing printed may depend on the key (bucket order is never output order);
 * tests run the golden files under two keys set with NETSIFT_HASH_KEY (32 hex
 * digits) to check that.
 */
#ifndef NETSIFT_NSHASH_H
#define NETSIFT_NSHASH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A per-table tweak XORed into the process key (tables keep their own
 * "seed" so two tables never share bucket patterns). */
#define NS_HASH_DEFAULT_SEED 0x6e65747369667431ULL  /* "netsift1" */

struct ns_hash_key {
	uint64_t k0, k1;
};

/* The process key. Set once, before any table is used: ns_hash_init()
 * from main(); lazily on first use otherwise (unit tests). */
extern struct ns_hash_key ns_hash_process_key;
extern int ns_hash_key_ready;

/* Read NETSIFT_HASH_KEY or draw a random key. Returns 0, or -1 when
 * NETSIFT_HASH_KEY is set but not 32 hex digits (the key is then random). */
int ns_hash_init(void);

static inline uint64_t ns_rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

/* murmur3's finalizer: a fixed bijection, used where no adversary picks
 * the input (never alone for a table indexed by packet fields). */
static inline uint64_t ns_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#define NS_SIPROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = ns_rotl64(v1, 13); v1 ^= v0; v0 = ns_rotl64(v0, 32); \
	v2 += v3; v3 = ns_rotl64(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ns_rotl64(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ns_rotl64(v1, 17); v1 ^= v2; v2 = ns_rotl64(v2, 32); \
} while (0)

/* SipHash-1-3 of n bytes under (k0, k1): one compression round per 8-byte
 * word, three finalization rounds. Little-endian word loads as in the
 * reference (on a big-endian host the function differs but stays keyed). */
static inline uint64_t ns_siphash13(const void *key, size_t n, uint64_t k0, uint64_t k1)
{
	const uint8_t *p = key;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t b = (uint64_t)n << 56, m;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&m, p + i, 8);
		v3 ^= m;
		NS_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	if (i < n) {
		m = 0;
		memcpy(&m, p + i, n - i);
		b |= m;
	}
	v3 ^= b;
	NS_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	NS_SIPROUND(v0, v1, v2, v3);
	NS_SIPROUND(v0, v1, v2, v3);
	NS_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Hash n bytes under the process key, tweaked by a per-table seed. */
static inline uint64_t ns_hash_bytes(const void *key, size_t n, uint64_t seed)
{
	if (!ns_hash_key_ready)
		(void)ns_hash_init();
	return ns_siphash13(key, n, ns_hash_process_key.k0 ^ seed, ns_hash_process_key.k1);
}
#endif
