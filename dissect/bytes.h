/* Network-to-host conversion, in one place. Callers bounds-check first. */
#ifndef NETSIFT_BYTES_H
#define NETSIFT_BYTES_H
#include <stdint.h>

static inline uint16_t ns_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t ns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Little-endian reads: DLT_NULL from little-endian hosts, pcapng of either order. */
static inline uint32_t ns_get32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Bounds check: are n bytes available at offset off of a caplen-byte buffer? */
static inline int ns_have(uint32_t caplen, uint32_t off, uint32_t n)
{
	return off <= caplen && n <= caplen - off;
}
#endif
