/* outbuf: one large output buffer flushed with write(2), and the hand-rolled
 * formatters the hot path uses instead of printf (integers, hex, JSON strings,
 * addresses), and memory streams for code that writes with stdio. The
 * writers allocate nothing after ob_init() (but an outbuf in memory mode
 * grows).
 *
 * Errors: the first failed write is remembered in ob->err (an errno value) and
 * every later write becomes a no-op, so callers check once per packet, not per
 * byte. EPIPE means the reader went away (e.g. `| head`) and is not an error
 * for the user; anything else is.
 */
#ifndef NETSIFT_OUTBUF_H
#define NETSIFT_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>

#include "dissect.h"

#define OB_DEFAULT_CAP (256u * 1024u)

struct outbuf {
	char *buf;
	size_t len;
	size_t cap;
	int fd;          /* -1: memory only (tests); flushing just discards nothing */
	int err;         /* errno of the first failed write, 0 if none */
	uint64_t written; /* bytes handed to write(2) successfully */
	uint64_t gen;     /* bumped whenever buffered bytes are dropped or flushed:
			     offsets into buf recorded under another gen are stale */
};

int ob_init(struct outbuf *ob, int fd, size_t cap);
void ob_free(struct outbuf *ob);
/* Write out everything buffered. Returns 0, or -1 with ob->err set. With fd -1
 * the buffer is kept (tests read it); the caller must not overfill it. */
int ob_flush(struct outbuf *ob);
/* write(2) all of buf to fd, again after EINTR: 0, or the errno that
 * stopped it. */
int ob_write_all(int fd, const void *buf, size_t len);
/* Slow path of the inline writers: make room for n bytes (n <= cap). */
void ob_make_room(struct outbuf *ob, size_t n);

/* fopencookie's write function for a stream into an outbuf (the cookie):
 * a failed write (ob->err) is a short write, so stdio marks the stream. */
ssize_t ob_stdio_write(void *cookie, const char *p, size_t n);

/* A stdio stream into memory that tells when bytes were lost: glibc's
 * open_memstream sets no error when its buffer cannot grow, and its fclose
 * returns 0 with a NULL buffer when the last realloc fails, so a report
 * made with it could miss a line and exit 0. Writes go through iobuf into
 * ob (memory mode). The struct must stay where it is while open. */
struct ob_memfile {
	FILE *fp;
	struct outbuf ob;
	char iobuf[4096];
};
/* 0, or -1 (out of memory, nothing to close). */
int ob_memfile_open(struct ob_memfile *m);
/* Close it. True: everything written is in *buf (malloc'd, NUL-terminated,
 * the caller frees it), *len bytes before the NUL. False: some of it was
 * lost; nothing is kept (*buf NULL). */
bool ob_memfile_close(struct ob_memfile *m, char **buf, size_t *len);

static inline char *ob_reserve(struct outbuf *ob, size_t n)
{
	if (ob->cap - ob->len < n)
		ob_make_room(ob, n);
	return ob->buf + ob->len;
}

static inline void ob_putc(struct outbuf *ob, char c)
{
	if (ob->len == ob->cap)
		ob_make_room(ob, 1);
	ob->buf[ob->len++] = c;
}

void ob_mem_slow(struct outbuf *ob, const void *p, size_t n);

static inline void ob_mem(struct outbuf *ob, const void *p, size_t n)
{
	if (ob->cap - ob->len >= n) {
		memcpy(ob->buf + ob->len, p, n);
		ob->len += n;
	} else {
		ob_mem_slow(ob, p, n);
	}
}

/* String literal: length computed at compile time. */
#define OB_LIT(ob, s) ob_mem((ob), (s), sizeof(s) - 1)

static inline void ob_str(struct outbuf *ob, const char *s)
{
	ob_mem(ob, s, strlen(s));
}

/* Formatters into a caller buffer; they return the number of bytes written and
 * do not NUL-terminate. Exposed for unit tests and the table output. */
size_t fmt_u64(char *dst, uint64_t v);           /* dst >= 20 bytes (exact below 10000) */
size_t fmt_i64(char *dst, int64_t v);            /* dst >= 20 bytes */
size_t fmt_u_pad(char *dst, uint64_t v, unsigned width); /* zero-padded */
size_t fmt_hex(char *dst, const uint8_t *p, size_t n);   /* lower case, 2n bytes */

static inline void ob_u64(struct outbuf *ob, uint64_t v)
{
	char *d = ob_reserve(ob, 20);
	ob->len += fmt_u64(d, v);
}

static inline void ob_i64(struct outbuf *ob, int64_t v)
{
	char *d = ob_reserve(ob, 20);
	ob->len += fmt_i64(d, v);
}

/* JSON string body (no quotes) of s[0..n) at dst (>= 6n bytes); returns the
 * end. Escaping as ob_json_str. */
char *fmt_json_body(char *dst, const char *s, size_t n);

/* ---- writing through a cursor ----
 * Every ob_* writer above loads ob->len and stores it back: text stored
 * through ob->buf may alias it (a char store may alias anything), so the
 * compiler cannot keep it in a register, and a piece of 30 appends became a
 * chain of 30 store-to-load round trips. Hot formatters instead reserve the
 * most a piece can take (ob_cursor), write through a local pointer, and
 * commit it (ob_commit) before any other ob_* call. */
static inline char *ob_cursor(struct outbuf *ob, size_t max)
{
	return ob_reserve(ob, max);
}

static inline void ob_commit(struct outbuf *ob, char *p)
{
	ob->len = (size_t)(p - ob->buf);
}

/* String literal at p, which moves past it. */
#define P_LIT(p, s) ((p) = (char *)memcpy((p), (s), sizeof(s) - 1) + (sizeof(s) - 1))

static inline char *p_mem(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* n bytes copied as whole 32-byte blocks: a short copy of variable length
 * is otherwise inlined as `rep movs`, whose start-up cost is that of a
 * hundred bytes. Up to 31 bytes past n are read from s and written at p
 * (scratch): both must have that slack. */
static inline char *p_copy(char *p, const void *s, size_t n)
{
	const char *c = s;

	for (size_t i = 0; i < n; i += 32)
		memcpy(p + i, c + i, 32);
	return p + n;
}

/* A number (20 bytes of room). */
static inline char *p_u64(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	return p + fmt_u64(p, v);
}

void ob_hex(struct outbuf *ob, const uint8_t *p, size_t n);
/* JSON string with quotes. Control characters and bytes >= 0x7f are written as
 * \u00XX so the output is always valid ASCII JSON, whatever the input bytes. */
void ob_json_str(struct outbuf *ob, const char *s, size_t n);
static inline void ob_json_cstr(struct outbuf *ob, const char *s)
{
	ob_json_str(ob, s, strlen(s));
}
/* Address as text (no quotes), "" for family 0. */
void ob_addr(struct outbuf *ob, const struct ns_addr *a);
/* JSON array of the names of the ns_flag bits set in flags. */
void ob_json_flags(struct outbuf *ob, uint32_t flags);
/* JSON array of encapsulations, outermost first (netsift-events(7)). */
void ob_json_encap(struct outbuf *ob, const struct ns_encap *encap, unsigned n);

#endif
