/* Capture bytes from any input, decompressed when needed (see instream.h). */
#include "instream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <lz4frame.h>

#define ZIN_CAP (256u << 10)

void ns_in_init(struct ns_instream *in, int fd, const char *path, bool waits)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->path = path;
	in->waits = waits;
}

const char *ns_in_zname(const struct ns_instream *in)
{
	switch (in->z) {
	case NS_Z_GZIP: return "gzip";
	case NS_Z_ZSTD: return "zstd";
	case NS_Z_LZ4:  return "lz4";
	default:        return NULL;
	}
}

/* read(2), but when it would block the caller's output is flushed first. */
static ssize_t raw_read(struct ns_instream *in, void *buf, size_t n)
{
	ssize_t k;

	if (in->waits && in->idle) {
		struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
		int r;
		do
			r = poll(&pfd, 1, 0);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			in->idle(in->idle_arg);
	}
	do
		k = read(in->fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		snprintf(in->err, sizeof(in->err), "read error: %s", strerror(errno));
	else
		in->raw_bytes += (uint64_t)k;
	return k;
}

static int z_setup(struct ns_instream *in)
{
	in->zin = malloc(ZIN_CAP);
	if (!in->zin)
		goto oom;
	in->zin_cap = ZIN_CAP;
	switch (in->z) {
	case NS_Z_GZIP: {
		z_stream *zs = calloc(1, sizeof(*zs));
		if (!zs)
			goto oom;
		/* 16 + MAX_WBITS: gzip framing only (RFC 1952) */
		if (inflateInit2(zs, 16 + MAX_WBITS) != Z_OK) {
			free(zs);
			goto oom;
		}
		in->zctx = zs;
		break;
	}
	case NS_Z_ZSTD:
		in->zctx = ZSTD_createDStream();
		if (!in->zctx)
			goto oom;
		ZSTD_initDStream(in->zctx);
		break;
	case NS_Z_LZ4: {
		LZ4F_dctx *d = NULL;
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
			goto oom;
		in->zctx = d;
		break;
	}
	default:
		break;
	}
	return 0;
oom:
	snprintf(in->err, sizeof(in->err), "out of memory");
	return -1;
}

static enum ns_zkind zkind_of(const uint8_t *m, size_t n)
{
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return NS_Z_GZIP;
	if (n >= 4 && memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0)
		return NS_Z_ZSTD;
	if (n >= 4 && memcmp(m, "\x04\x22\x4d\x18", 4) == 0)
		return NS_Z_LZ4;
	return NS_Z_NONE;
}

/* Read until n bytes or the end: the sniffed prefix. */
static ssize_t read_full(struct ns_instream *in, uint8_t *buf, size_t n, bool raw)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = raw ? raw_read(in, buf + got, n - got) : ns_in_read(in, buf + got, n - got);
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

int ns_in_sniff(struct ns_instream *in, uint8_t magic[4], size_t *n)
{
	ssize_t k = read_full(in, magic, 4, true);

	if (k < 0)
		return -1;
	in->z = zkind_of(magic, (size_t)k);
	if (in->z != NS_Z_NONE) {
		if (z_setup(in) < 0)
			return -1;
		memcpy(in->zin, magic, (size_t)k);
		in->zin_end = (size_t)k;
		if ((k = read_full(in, magic, 4, false)) < 0)
			return -1;
	}
	memcpy(in->pre, magic, (size_t)k);
	in->pre_len = (size_t)k;
	in->pre_pos = 0;
	*n = (size_t)k;
	return 0;
}

/* One decompression step from zin into buf: bytes produced, -1 on error. */
static ssize_t z_step(struct ns_instream *in, uint8_t *buf, size_t n)
{
	size_t avail = in->zin_end - in->zin_pos;
	const uint8_t *src = in->zin + in->zin_pos;

	switch (in->z) {
	case NS_Z_GZIP: {
		z_stream *zs = in->zctx;
		int r;
		if (!avail && !in->in_frame)
			return 0;
		if (!in->in_frame && zs->total_in) {
			/* another gzip member follows (as gzip -d reads them) */
			inflateReset(zs);
		}
		zs->next_in = (Bytef *)(uintptr_t)src;
		zs->avail_in = (uInt)(avail > UINT32_MAX ? UINT32_MAX : avail);
		zs->next_out = buf;
		zs->avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
		r = inflate(zs, Z_NO_FLUSH);
		in->zin_pos += avail - zs->avail_in;
		if (r == Z_STREAM_END) {
			in->in_frame = false;
			/* total_in is kept non-zero so the next member resets */
			if (!zs->total_in)
				zs->total_in = 1;
		} else if (r == Z_OK || r == Z_BUF_ERROR) {
			in->in_frame = true;
		} else {
			snprintf(in->err, sizeof(in->err), "gzip: %s",
				 zs->msg ? zs->msg : "corrupt compressed data");
			return -1;
		}
		return (ssize_t)(n - zs->avail_out);
	}
	case NS_Z_ZSTD: {
		ZSTD_inBuffer zi = { src, avail, 0 };
		ZSTD_outBuffer zo = { buf, n, 0 };
		size_t r = ZSTD_decompressStream(in->zctx, &zo, &zi);
		in->zin_pos += zi.pos;
		if (ZSTD_isError(r)) {
			snprintf(in->err, sizeof(in->err), "zstd: %s", ZSTD_getErrorName(r));
			return -1;
		}
		/* 0: a frame is complete and flushed */
		if (zi.pos || zo.pos)
			in->in_frame = r != 0;
		return (ssize_t)zo.pos;
	}
	case NS_Z_LZ4: {
		size_t dst = n, srcn = avail;
		size_t r = LZ4F_decompress(in->zctx, buf, &dst, src, &srcn, NULL);
		in->zin_pos += srcn;
		if (LZ4F_isError(r)) {
			snprintf(in->err, sizeof(in->err), "lz4: %s", LZ4F_getErrorName(r));
			return -1;
		}
		if (srcn || dst)
			in->in_frame = r != 0;
		return (ssize_t)dst;
	}
	default:
		return 0;
	}
}

ssize_t ns_in_read(struct ns_instream *in, void *buf, size_t n)
{
	if (in->pre_pos < in->pre_len) {
		size_t k = in->pre_len - in->pre_pos;
		if (k > n)
			k = n;
		memcpy(buf, in->pre + in->pre_pos, k);
		in->pre_pos += k;
		return (ssize_t)k;
	}
	if (in->z == NS_Z_NONE)
		return raw_read(in, buf, n);
	if (n == 0)
		return 0;
	for (;;) {
		size_t before = in->zin_pos;
		ssize_t got = z_step(in, buf, n);
		if (got != 0)
			return got;
		if (in->zin_pos < in->zin_end) {
			/* input consumed (headers) without output: go on;
			 * none consumed either would loop for ever */
			if (in->zin_pos == before) {
				snprintf(in->err, sizeof(in->err), "%s: corrupt compressed data",
					 ns_in_zname(in));
				return -1;
			}
			continue;
		}
		if (in->raw_eof) {
			/* the decompressor may still hold output: one more step */
			got = z_step(in, buf, n);
			if (got != 0)
				return got;
			if (in->in_frame) {
				snprintf(in->err, sizeof(in->err),
					 "%s data ends early: the compressed file is truncated",
					 ns_in_zname(in));
				return -1;
			}
			return 0;
		}
		in->zin_pos = in->zin_end = 0;
		got = raw_read(in, in->zin, in->zin_cap);
		if (got < 0)
			return -1;
		if (got == 0)
			in->raw_eof = true;
		in->zin_end = (size_t)got;
	}
}

void ns_in_free(struct ns_instream *in)
{
	switch (in->z) {
	case NS_Z_GZIP:
		if (in->zctx)
			inflateEnd(in->zctx);
		free(in->zctx);
		break;
	case NS_Z_ZSTD:
		ZSTD_freeDStream(in->zctx);
		break;
	case NS_Z_LZ4:
		LZ4F_freeDecompressionContext(in->zctx);
		break;
	default:
		break;
	}
	in->zctx = NULL;
	free(in->zin);
	in->zin = NULL;
}
