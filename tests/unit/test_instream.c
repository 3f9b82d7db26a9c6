/* Unit tests for src/reader/instream.c: sniffing the compression, gzip, zstd
 * and lz4 streams decoded (compressed here with the libraries themselves),
 * concatenated members, a cut stream reported, and idle() called before a
 * read from an empty pipe (the streaming flush). */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <lz4frame.h>

#include "reader/instream.h"

static const uint8_t capture[] = {        /* a classic pcap magic, then bytes */
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 'n', 'e', 't', 's', 'i', 'f', 't', '!',
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

static size_t gz(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return cap - zs.avail_out;
}

/* Write buf into a pipe (it fits in the pipe's buffer) and close the
 * write end: returns the read end. */
static int pipe_of(const uint8_t *buf, size_t n)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, n), (ssize_t)n);
	close(fds[1]);
	return fds[0];
}

/* All of a stream; returns its length, or -1 (err in in->err). */
static ssize_t drain(struct ns_instream *in, uint8_t *out, size_t cap)
{
	size_t got = 0;

	for (;;) {
		ssize_t k = ns_in_read(in, out + got, cap - got > 7 ? 7 : cap - got);
		if (k < 0)
			return -1;
		if (k == 0)
			return (ssize_t)got;
		got += (size_t)k;
	}
}

static void check_stream(const uint8_t *z, size_t zn, enum ns_zkind kind,
			 const uint8_t *want, size_t wn)
{
	struct ns_instream in;
	uint8_t magic[4], out[256];
	size_t n;
	int fd = pipe_of(z, zn);

	ns_in_init(&in, fd, "t", true);
	assert_int_equal(ns_in_sniff(&in, magic, &n), 0);
	assert_int_equal(in.z, kind);
	assert_int_equal(n, 4);
	assert_memory_equal(magic, want, 4);
	assert_int_equal(drain(&in, out, sizeof(out)), (ssize_t)wn);
	assert_memory_equal(out, want, wn);
	ns_in_free(&in);
	close(fd);
}

static void test_plain(void **state)
{
	(void)state;
	check_stream(capture, sizeof(capture), NS_Z_NONE, capture, sizeof(capture));
}

static void test_gzip_and_members(void **state)
{
	uint8_t z[512], two[sizeof(capture) * 2];
	size_t n = gz(capture, sizeof(capture), z, sizeof(z));

	(void)state;
	check_stream(z, n, NS_Z_GZIP, capture, sizeof(capture));
	/* two members: read as one stream, as gzip -d does */
	n += gz(capture, sizeof(capture), z + n, sizeof(z) - n);
	memcpy(two, capture, sizeof(capture));
	memcpy(two + sizeof(capture), capture, sizeof(capture));
	check_stream(z, n, NS_Z_GZIP, two, sizeof(two));
}

static void test_zstd_lz4(void **state)
{
	uint8_t z[512];
	size_t n = ZSTD_compress(z, sizeof(z), capture, sizeof(capture), 3);

	(void)state;
	assert_false(ZSTD_isError(n));
	check_stream(z, n, NS_Z_ZSTD, capture, sizeof(capture));
	n = LZ4F_compressFrame(z, sizeof(z), capture, sizeof(capture), NULL);
	assert_false(LZ4F_isError(n));
	check_stream(z, n, NS_Z_LZ4, capture, sizeof(capture));
}

static void test_cut_streams(void **state)
{
	uint8_t z[512], out[256], magic[4];
	size_t n;
	struct ns_instream in;

	(void)state;
	for (int k = 0; k < 3; k++) {
		size_t zn;
		if (k == 0)
			zn = gz(capture, sizeof(capture), z, sizeof(z));
		else if (k == 1)
			zn = ZSTD_compress(z, sizeof(z), capture, sizeof(capture), 3);
		else
			zn = LZ4F_compressFrame(z, sizeof(z), capture, sizeof(capture), NULL);
		int fd = pipe_of(z, zn - 3);      /* the last 3 bytes missing */
		ns_in_init(&in, fd, "t", true);
		if (ns_in_sniff(&in, magic, &n) == 0)
			assert_int_equal(drain(&in, out, sizeof(out)), -1);
		assert_non_null(strstr(in.err, "ends early"));
		ns_in_free(&in);
		close(fd);
	}
}

static int idles;
static void on_idle(void *arg)
{
	(void)arg;
	idles++;
}

/* An empty pipe whose writer is still there: idle() runs before the read
 * that waits; with bytes there it does not. */
static void test_idle_before_blocking(void **state)
{
	struct ns_instream in;
	uint8_t buf[64];
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], capture, 8), 8);
	ns_in_init(&in, fds[0], "t", true);
	in.idle = on_idle;
	idles = 0;
	assert_int_equal(ns_in_read(&in, buf, sizeof(buf)), 8);
	assert_int_equal(idles, 0);
	close(fds[1]);           /* now empty: poll says readable (EOF) */
	assert_int_equal(ns_in_read(&in, buf, sizeof(buf)), 0);
	assert_int_equal(idles, 0);
	ns_in_free(&in);
	close(fds[0]);
	/* a regular input never waits: no poll, no idle */
	assert_int_equal(pipe(fds), 0);
	ns_in_init(&in, fds[0], "t", false);
	in.idle = on_idle;
	assert_int_equal(write(fds[1], capture, 4), 4);
	assert_int_equal(ns_in_read(&in, buf, sizeof(buf)), 4);
	assert_int_equal(idles, 0);
	close(fds[1]);
	ns_in_free(&in);
	close(fds[0]);
	/* empty, writer open: idle, then the read waits for the byte a child
	 * writes */
	assert_int_equal(pipe(fds), 0);
	ns_in_init(&in, fds[0], "t", true);
	in.idle = on_idle;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(100000);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(ns_in_read(&in, buf, sizeof(buf)), 1);
	assert_int_equal(idles, 1);
	waitpid(pid, NULL, 0);
	close(fds[1]);
	ns_in_free(&in);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_gzip_and_members),
		cmocka_unit_test(test_zstd_lz4),
		cmocka_unit_test(test_cut_streams),
		cmocka_unit_test(test_idle_before_blocking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
