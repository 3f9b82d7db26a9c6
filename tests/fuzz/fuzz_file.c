/* A whole capture file, as `netsift read --analysis FILE` reads it: the
 * format sniffed, then the pcap reader (libpcap, or the fast path over a
 * window of the file read with pread) or the pcapng reader (its buffer
 * filled with read; in an --enable-exact-alloc build every record is then
 * copied into a heap block of its exact size), every packet through the pipeline with JSON output, flows, DNS and the
 * analysis engine. Input: the file. */
#include "fuzz_pipe.h"
#include "reader/reader.h"

static struct fz_pipe z;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fz_memfd(data, size, path);

	if (fd < 0)
		return 0;
	/* the length of the file picks the output format: both get run */
	if (fz_pipe_open(&z, 2 | (size & 1))) {
		fz_read(&z.p, path);
		fz_pipe_close(&z);
	}
	close(fd);
	return 0;
}
