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

int ob_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		off += (size_t)n;
	}
	return 0;
}

int ob_flush(struct outbuf *ob)
{
	int err;

	ob->gen++;
	if (ob->err) {
		ob->len = 0;     /* output is dead: discard, keep going quietly */
		return -1;
	}
	if (ob->fd < 0) {
		ob->gen--;       /* memory mode keeps the bytes */
		return 0;
	}
	if ((err = ob_write_all(ob->fd, ob->buf, ob->len)) != 0) {
		ob->err = err;
		ob->len = 0;
		return -1;
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
		if (!nb) {
			/* as a failed write (read --threads batches): what was
			 * buffered is lost and ob->err says so; the caller's
			 * reservation fits the emptied buffer */
			if (!ob->err)
				ob->err = ENOMEM;
			ob->len = 0;
			ob->gen++;
			if (ob->cap < n)
				abort();
			return;
		}
		ob->buf = nb;
		ob->cap = cap;
		return;
	}
	ob_flush(ob);
	/* n is always far below cap (callers reserve at most a few KiB), so an
	 * empty buffer always has room. */
}

ssize_t ob_stdio_write(void *cookie, const char *p, size_t n)
{
	struct outbuf *ob = cookie;

	ob_mem(ob, p, n);
	return ob->err ? -1 : (ssize_t)n;   /* short: stdio marks the stream failed */
}

int ob_memfile_open(struct ob_memfile *m)
{
	m->fp = NULL;
	if (ob_init(&m->ob, -1, 0) < 0)
		return -1;
	m->fp = fopencookie(&m->ob, "w", (cookie_io_functions_t){ .write = ob_stdio_write });
	if (!m->fp) {
		ob_free(&m->ob);
		return -1;
	}
	setvbuf(m->fp, m->iobuf, _IOFBF, sizeof(m->iobuf));
	return 0;
}

bool ob_memfile_close(struct ob_memfile *m, char **buf, size_t *len)
{
	bool ok = !ferror(m->fp);

	ok = fclose(m->fp) == 0 && ok;
	m->fp = NULL;
	if (ok)
		ob_putc(&m->ob, '\0');
	if (!ok || m->ob.err) {
		ob_free(&m->ob);
		*buf = NULL;
		*len = 0;
		return false;
	}
	*len = m->ob.len - 1;
	/* give back what doubling left unused (many small blocks are kept) */
	char *s = realloc(m->ob.buf, m->ob.len);
	*buf = s ? s : m->ob.buf;
	m->ob.buf = NULL;
	return true;
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

/* 1 to 4 digits of v (< 10000), written exactly (no byte past them). */
static size_t put_small(char *dst, uint32_t v)
{
	if (v < 10) {
		dst[0] = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		memcpy(dst, digits2 + v * 2, 2);
		return 2;
	}
	if (v < 1000) {
		dst[0] = (char)('0' + v / 100);
		memcpy(dst + 1, digits2 + v % 100 * 2, 2);
		return 3;
	}
	memcpy(dst, digits2 + v / 100 * 2, 2);
	memcpy(dst + 2, digits2 + v % 100 * 2, 2);
	return 4;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The 8 decimal digits of v (< 10^8), most significant first, as the bytes
 * 0-9 of a little-endian word: all digits at once in a few multiplies
 * instead of a division per digit pair (number formatting was a fifth of
 * `read -o json`). Each step splits every lane of the word in two: the
 * 4-digit halves in 32-bit lanes, then 2-digit quarters in 16-bit lanes,
 * then digits in bytes; x / 100 == x * 10486 >> 20 for x < 43699, and
 * x / 10 == x * 103 >> 10 for x < 179, and no lane overflows into the next. */
static uint64_t digits8(uint32_t v)
{
	uint64_t x = (v / 10000u) | ((uint64_t)(v % 10000u) << 32);
	uint64_t h = ((x * 10486u) >> 20) & 0x0000007f0000007full;

	x = h | ((x - h * 100u) << 16);
	h = ((x * 103u) >> 10) & 0x000f000f000f000full;
	return h | ((x - h * 10u) << 8);
}

/* Exactly 8 digits, leading zeros included. */
static void put8(char *dst, uint32_t v)
{
	uint64_t w = digits8(v) + 0x3030303030303030ull;
	memcpy(dst, &w, 8);
}

/* v in [10^4, 10^8) without leading zeros. Stores 8 bytes: the ones past
 * the returned length are scratch (callers have 20 bytes of room). */
static size_t put_mid(char *dst, uint32_t v)
{
	uint64_t w = digits8(v);
	unsigned lz = (unsigned)__builtin_ctzll(w) / 8;  /* w != 0: v >= 10^4 */

	w = (w >> (8 * lz)) + 0x3030303030303030ull;
	memcpy(dst, &w, 8);
	return 8 - lz;
}
#else
static void put8(char *dst, uint32_t v)
{
	for (int i = 7; i >= 0; i--) {
		dst[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

static size_t put_mid(char *dst, uint32_t v)
{
	char t[8];
	unsigned lz = 0;

	put8(t, v);
	while (t[lz] == '0')
		lz++;
	memcpy(dst, t + lz, 8 - lz);
	return 8 - lz;
}
#endif

size_t fmt_u64(char *dst, uint64_t v)
{
	size_t n;

	/* Most numbers in events are small (flags, lengths, ports): written
	 * exactly, so small buffers (an option kind's name) are fine too. */
	if (v < 10000u)
		return put_small(dst, (uint32_t)v);
	if (v < 100000000u)
		return put_mid(dst, (uint32_t)v);
	if (v < 10000000000000000ull) {
		/* sequence numbers, checksums...: 1-8 digits, then 8 */
		uint64_t hi = v / 100000000u;
		n = hi < 10000u ? put_small(dst, (uint32_t)hi) : put_mid(dst, (uint32_t)hi);
		put8(dst + n, (uint32_t)(v % 100000000u));
		return n + 8;
	}
	/* timestamps in ns (19 digits): at most 4 digits, then 8 and 8 */
	n = put_small(dst, (uint32_t)(v / 10000000000000000ull));
	v %= 10000000000000000ull;
	put8(dst + n, (uint32_t)(v / 100000000u));
	put8(dst + n + 8, (uint32_t)(v % 100000000u));
	return n + 16;
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

char *fmt_json_body(char *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*d++ = (char)c;
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\n': *d++ = 'n'; break;
		case '\t': *d++ = 't'; break;
		case '\r': *d++ = 'r'; break;
		default:
			d[0] = 'u'; d[1] = '0'; d[2] = '0';
			d[3] = hexdig[c >> 4]; d[4] = hexdig[c & 15];
			d += 5;
			break;
		}
	}
	return d;
}

void ob_json_str(struct outbuf *ob, const char *s, size_t n)
{
	/* in chunks that fit any buffer (the smallest is 4 KiB) */
	ob_putc(ob, '"');
	while (n > 0) {
		size_t k = n > 256 ? 256 : n;
		char *d = ob_reserve(ob, 6 * k);
		ob_commit(ob, fmt_json_body(d, s, k));
		s += k;
		n -= k;
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

void ob_json_flags(struct outbuf *ob, uint32_t flags)
{
	bool first = true;

	ob_putc(ob, '[');
	for (unsigned i = 0; i < 32 && flags; i++) {
		uint32_t bit = 1u << i;
		const char *name;
		if (!(flags & bit))
			continue;
		flags &= ~bit;
		name = ns_flag_name(bit);
		if (!name)
			continue;
		if (!first)
			ob_putc(ob, ',');
		first = false;
		ob_json_cstr(ob, name);
	}
	ob_putc(ob, ']');
}

void ob_json_encap(struct outbuf *ob, const struct ns_encap *encap, unsigned n)
{
	ob_putc(ob, '[');
	for (unsigned i = 0; i < n; i++) {
		const struct ns_encap *e = &encap[i];
		const char *id = ns_encap_id_name(e->type);

		if (i)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"type\":");
		ob_json_cstr(ob, ns_encap_name(e->type));
		if (id && e->has_id) {
			OB_LIT(ob, ",\"");
			ob_str(ob, id);
			OB_LIT(ob, "\":");
			ob_u64(ob, e->id);
		}
		if (e->type == NS_ENC_MPLS) {
			OB_LIT(ob, ",\"depth\":");
			ob_u64(ob, e->depth);
		}
		if (e->src.family) {
			OB_LIT(ob, ",\"src\":\"");
			ob_addr(ob, &e->src);
			OB_LIT(ob, "\",\"dst\":\"");
			ob_addr(ob, &e->dst);
			OB_LIT(ob, "\",\"protocol\":");
			ob_u64(ob, e->ipproto);
		}
		if (e->sport || e->dport) {
			OB_LIT(ob, ",\"srcPort\":");
			ob_u64(ob, e->sport);
			OB_LIT(ob, ",\"dstPort\":");
			ob_u64(ob, e->dport);
		}
		if (e->flags) {
			OB_LIT(ob, ",\"flags\":");
			ob_json_flags(ob, e->flags);
		}
		ob_putc(ob, '}');
	}
	ob_putc(ob, ']');
}
