/* Common includes for the cmocka unit tests (cmocka needs these before
 * cmocka.h), and the helpers several test files share. */
#ifndef NETSIFT_UNIT_H
#define NETSIFT_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "dissect.h"

/* A heap copy of exactly n bytes of src, so that the sanitizer build catches
 * any read past the captured length. (1 byte for n = 0: malloc(0) may give
 * NULL.) The caller frees it. */
static inline uint8_t *unit_copy_exact(const uint8_t *src, uint32_t n)
{
	uint8_t *copy = malloc(n ? n : 1);

	assert_non_null(copy);
	if (n)
		memcpy(copy, src, n);
	return copy;
}

/* The per-layer decoders (ns_decode_ipv4, ns_decode_tcp, ...) all take the
 * layer's bytes, how many are captured, the declared length and the packet. */
typedef int (*unit_decoder)(const uint8_t *data, uint32_t caplen, uint32_t len,
			    struct ns_packet *pkt);

/* Decode caplen bytes of src (declared length len) from an exact-size copy,
 * into a zeroed pkt whose l3 is set first (transport decoders look at it).
 * pkt->payload is moved from the copy back into src, so tests can compare it
 * with src + offset; any other pointer into the copy is the caller's to clear. */
static inline int unit_decode_exact(unit_decoder decode, uint8_t l3, const uint8_t *src,
				    uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	uint8_t *copy = unit_copy_exact(src, caplen);
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	pkt->l3 = l3;
	rc = decode(copy, caplen, len, pkt);
	if (pkt->payload)
		pkt->payload = src + (pkt->payload - copy);
	free(copy);
	return rc;
}

/* Fill b with the fuzz tests' pseudo-random bytes (an LCG: the same seed
 * gives the same bytes, so a failure can be replayed). */
static inline void unit_fill_random(uint8_t *b, size_t n, uint32_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(*seed >> 16);
	}
}

/* Set the checksum of the IPv4 header h of hlen bytes. */
static inline void unit_ip4_checksum(uint8_t *h, uint32_t hlen)
{
	uint32_t sum = 0;

	h[10] = h[11] = 0;
	for (uint32_t i = 0; i + 1 < hlen; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
}

/* ns_icmp_typecode gives want, and returns its length. */
static inline void assert_icmp_typecode(const struct ns_icmp *ic, const char *want)
{
	char buf[64];
	size_t n = ns_icmp_typecode(ic, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}
#endif
