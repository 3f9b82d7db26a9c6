/* Hashing for the flow table and the DNS cache.
 *
 * Each 64-bit word of the key is run through the murmur3 fmix64 finalizer
 * (full avalanche) before it is combined, and the result is finalized again,
 * so keys that differ in a single low bit (10.0.0.1 vs 10.0.0.2, port 40000
 * vs 40001) land in unrelated buckets. The seed is fixed by default so that
 * runs are reproducible; tables may pass their own.
 */
#ifndef NETSIFT_NSHASH_H
#define NETSIFT_NSHASH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NS_HASH_DEFAULT_SEED 0x6e65747369667431ULL  /* "netsift1" */

static inline uint64_t ns_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline uint64_t ns_rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

/* Hash n bytes (any length; the tail is zero-padded to a word). */
static inline uint64_t ns_hash_bytes(const void *key, size_t n, uint64_t seed)
{
	const uint8_t *p = key;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	uint64_t i = 1;

	while (n > 0) {
		uint64_t w = 0;
		size_t k = n < 8 ? n : 8;
		memcpy(&w, p, k);
		h ^= ns_fmix64(w + i * 0x9e3779b97f4a7c15ULL);
		h = ns_rotl64(h, 29) * 0xbf58476d1ce4e5b9ULL;
		p += k;
		n -= k;
		i++;
	}
	return ns_fmix64(h);
}
#endif
