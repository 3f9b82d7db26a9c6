/* outbuf: buffered output and hand-rolled formatters (see outbuf.h). */
#include "outbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int ob_init(struct outbuf *ob, int fd, size_t cap)
{
	memset(ob, 0, sizeof(*ob));
	if (cap < 4096)
		cap = 4096;
	ob->buf = malloc(cap);
	if (!ob->buf)
		return -1;
	ob->cap = cap;
	ob->fd = fd;
	return 0;
}

void ob_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->cap = ob->len = 0;
}

int ob_flush(struct outbuf *ob)
{
	size_t off = 0;

	ob->gen++;
	if (ob->err) {
		ob->len = 0;     /* output is dead: discard, keep going quietly */
		return -1;
	}
	if (ob->fd < 0) {
		ob->gen--;       /* memory mode keeps the bytes */
		return 0;
	}
	while (off < ob->len) {
		ssize_t n = write(ob->fd, ob->buf + off, ob->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ob->err = errno;
			ob->len = 0;
			return -1;
		}
		off += (size_t)n;
	}
	ob->written += ob->len;
	ob->len = 0;
	return 0;
}

void ob_make_room(struct outbuf *ob, size_t n)
{
	if (ob->fd < 0) {
		/* Memory mode (unit tests): grow instead of flushing. */
		size_t cap = ob->cap;
		char *nb;
		while (cap - ob->len < n)
			cap *= 2;
		nb = realloc(ob->buf, cap);
		if (!nb)
			abort();
		ob->buf = nb;
		ob->cap = cap;
		return;
	}
	ob_flush(ob);
	/* n is always far below cap (callers reserve at most a few KiB), so an
	 * empty buffer always has room. */
}

void ob_mem_slow(struct outbuf *ob, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		size_t room = ob->cap - ob->len;
		size_t k;
		if (room == 0) {
			ob_make_room(ob, 1);
			room = ob->cap - ob->len;
		}
		k = n < room ? n : room;
		memcpy(ob->buf + ob->len, s, k);
		ob->len += k;
		s += k;
		n -= k;
	}
}

/* Two digits at a time: halves the divisions of the naive loop. */
static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned ndigits32(uint32_t v)
{
	if (v < 100000u) {
		if (v < 100u) return v < 10u ? 1 : 2;
		if (v < 10000u) return v < 1000u ? 3 : 4;
		return 5;
	}
	if (v < 10000000u) return v < 1000000u ? 6 : 7;
	if (v < 1000000000u) return v < 100000000u ? 8 : 9;
	return 10;
}

/* Backwards, two digits per step, in 32-bit arithmetic (cheaper divisions). */
static void put32(char *end, uint32_t v)
{
	while (v >= 100u) {
		uint32_t r = v % 100u;
		v /= 100u;
		*--end = digits2[r * 2 + 1];
		*--end = digits2[r * 2];
	}
	if (v >= 10u) {
		*--end = digits2[v * 2 + 1];
		*--end = digits2[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
}

size_t fmt_u64(char *dst, uint64_t v)
{
	/* Most numbers in events are small (flags, lengths, ports): fast paths. */
	if (v < 10) {
		dst[0] = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		dst[0] = digits2[v * 2];
		dst[1] = digits2[v * 2 + 1];
		return 2;
	}
	if (v <= UINT32_MAX) {
		unsigned n = ndigits32((uint32_t)v);
		put32(dst + n, (uint32_t)v);
		return n;
	}
	/* Split into a high part and 9 low digits (timestamps are ~19 digits). */
	{
		uint64_t hi = v / 1000000000u;
		uint32_t lo = (uint32_t)(v % 1000000000u);
		size_t n = fmt_u64(dst, hi);
		char *d = dst + n;
		memset(d, '0', 9);
		put32(d + 9, lo);
		return n + 9;
	}
}

size_t fmt_i64(char *dst, int64_t v)
{
	if (v < 0) {
		dst[0] = '-';
		/* -(v+1)+1 avoids overflow on INT64_MIN */
		return 1 + fmt_u64(dst + 1, (uint64_t)(-(v + 1)) + 1);
	}
	return fmt_u64(dst, (uint64_t)v);
}

size_t fmt_u_pad(char *dst, uint64_t v, unsigned width)
{
	char tmp[20];
	size_t n = fmt_u64(tmp, v);
	size_t pad = n < width ? width - n : 0;

	memset(dst, '0', pad);
	memcpy(dst + pad, tmp, n);
	return pad + n;
}

static const char hexdig[] = "0123456789abcdef";

size_t fmt_hex(char *dst, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = hexdig[p[i] >> 4];
		dst[2 * i + 1] = hexdig[p[i] & 15];
	}
	return 2 * n;
}

void ob_hex(struct outbuf *ob, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t k = n > 1024 ? 1024 : n;
		char *d = ob_reserve(ob, 2 * k);
		ob->len += fmt_hex(d, p, k);
		p += k;
		n -= k;
	}
}

void ob_json_str(struct outbuf *ob, const char *s, size_t n)
{
	ob_putc(ob, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			ob_putc(ob, (char)c);
			continue;
		}
		char *d = ob_reserve(ob, 6);
		d[0] = '\\';
		switch (c) {
		case '"': d[1] = '"'; ob->len += 2; break;
		case '\\': d[1] = '\\'; ob->len += 2; break;
		case '\n': d[1] = 'n'; ob->len += 2; break;
		case '\t': d[1] = 't'; ob->len += 2; break;
		case '\r': d[1] = 'r'; ob->len += 2; break;
		default:
			d[1] = 'u'; d[2] = '0'; d[3] = '0';
			d[4] = hexdig[c >> 4]; d[5] = hexdig[c & 15];
			ob->len += 6;
			break;
		}
	}
	ob_putc(ob, '"');
}

void ob_addr(struct outbuf *ob, const struct ns_addr *a)
{
	char *d;

	if (a->family != 4 && a->family != 6)
		return;
	d = ob_reserve(ob, NS_ADDR_STRLEN);
	ob->len += ns_addr_format(a, d);
}
