/* Shared helpers of the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput. Built by `make fuzz` with
 * clang -fsanitize=fuzzer,address,undefined (tests/fuzz/fuzz.mk), and by
 * `make check` with standalone.c as main (any compiler), which runs the
 * function over files: that is how tests/fuzz-regress.sh replays
 * tests/fuzz/regressions/ and the seeds without clang.
 */
#ifndef NETSIFT_FUZZ_H
#define NETSIFT_FUZZ_H

#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Where formatted output goes: written for real (every formatter runs), to
 * nowhere. */
static inline int fz_devnull(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return fd;
}

/* The input as a regular file (a memfd): what `netsift read FILE` opens.
 * path gets its name; returns the fd (close it after), -1 on failure. */
static inline int fz_memfd(const uint8_t *d, size_t n, char path[64])
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < n) {
		ssize_t k = write(fd, d + off, n - off);
		if (k <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)k;
	}
	lseek(fd, 0, SEEK_SET);
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

/* Consuming an input front to back. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = in->p[0];
		in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

/* Up to want bytes (fewer at the end of the input). */
static inline const uint8_t *fz_bytes(struct fz_in *in, size_t want, size_t *got)
{
	const uint8_t *p = in->p;

	*got = want < in->n ? want : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

/* getopt keeps a pointer into the last argv when a parse stopped inside a
 * cluster of short options ("-hv"): start the next parse from scratch. */
static inline void fz_getopt_reset(void)
{
	static char prog[] = "fuzz";
	static char *argv[] = { prog, NULL };

	optind = 0;
	opterr = 0;
	(void)getopt(1, argv, "");
	opterr = 1;
	optind = 1;
}

#endif
