/* A capture read as a stream (standard input, a pipe): no pread window, the
 * buffered readers: libpcap's stream reader, and the pcapng reader that
 * refills and compacts its buffer (read 1 MiB at a time; the first bytes of
 * the input pick how many bytes each read(2) gives, so the refill code runs
 * over block boundaries at every offset). Input: chunk size (1 byte,
 * 1-256 bytes per write into the pipe), then the file. */
#include <pthread.h>
#include <signal.h>
#include "fuzz_pipe.h"
#include "reader/reader.h"

static struct fz_pipe z;

struct feeder {
	int fd;
	const uint8_t *p;
	size_t n, chunk;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;

	while (f->n) {
		size_t k = f->n < f->chunk ? f->n : f->chunk;
		ssize_t w = write(f->fd, f->p, k);
		if (w <= 0)
			break;
		f->p += w;
		f->n -= (size_t)w;
	}
	close(f->fd);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct feeder f;
	pthread_t th;
	int pfd[2], saved;

	signal(SIGPIPE, SIG_IGN);   /* the reader may stop before the writer */
	f.chunk = (size_t)fz_u8(&in) + 1;
	f.p = in.p;
	f.n = in.n;
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return 0;
	f.fd = pfd[1];
	/* "-" is read from descriptor 0 */
	saved = dup(STDIN_FILENO);
	dup2(pfd[0], STDIN_FILENO);
	close(pfd[0]);
	if (pthread_create(&th, NULL, feed, &f) != 0) {
		close(pfd[1]);
	} else {
		if (fz_pipe_open(&z, 2 | (size & 1))) {
			fz_read(&z.p, "-");
			fz_pipe_close(&z);
		}
		/* the reader may stop early: let the writer end */
		dup2(saved, STDIN_FILENO);
		pthread_join(th, NULL);
	}
	dup2(saved, STDIN_FILENO);
	close(saved);
	return 0;
}
