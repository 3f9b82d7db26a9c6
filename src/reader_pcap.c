/* Classic pcap through libpcap (nanosecond timestamps). */
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>

/* A FILE that first returns the bytes we already read to sniff the magic, then
 * the rest of the descriptor: lets libpcap read a pipe we peeked into. */
struct peek_cookie {
	int fd;
	uint8_t pre[4];
	size_t prelen, prepos;
};

static ssize_t peek_read(void *c, char *buf, size_t size)
{
	struct peek_cookie *pc = c;
	ssize_t n;

	if (pc->prepos < pc->prelen) {
		size_t k = pc->prelen - pc->prepos;
		if (k > size)
			k = size;
		memcpy(buf, pc->pre + pc->prepos, k);
		pc->prepos += k;
		return (ssize_t)k;
	}
	do
		n = read(pc->fd, buf, size);
	while (n < 0 && errno == EINTR);
	return n;
}

static int peek_close(void *c)
{
	struct peek_cookie *pc = c;
	int rc = pc->fd > STDIN_FILENO ? close(pc->fd) : 0;

	free(pc);
	return rc;
}

static FILE *open_stream(int fd, const uint8_t *pre, size_t prelen)
{
	struct peek_cookie *pc;
	cookie_io_functions_t io = { .read = peek_read, .close = peek_close };
	FILE *fp;

	if (lseek(fd, 0, SEEK_SET) == 0)
		return fdopen(fd, "rb");
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return NULL;
	pc->fd = fd;
	memcpy(pc->pre, pre, prelen);
	pc->prelen = prelen;
	fp = fopencookie(pc, "rb", io);
	if (!fp)
		free(pc);
	return fp;
}

static int dlt_to_linktype(int dlt)
{
	return dlt == DLT_RAW ? LINKTYPE_RAW_FILE : dlt;
}

int read_pcap(struct pipeline *p, int fd, const char *path, const uint8_t *pre,
	      size_t prelen, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct ns_source src;
	struct ns_ctx ctx;
	struct pcap_pkthdr *h;
	const u_char *data;
	enum ns_linktype lt;
	uint64_t frame = 0;
	FILE *fp = open_stream(fd, pre, prelen);
	pcap_t *pc;
	int dlt, rc, ret = 0;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd > STDIN_FILENO)
			close(fd);
		return -1;
	}
	ebuf[0] = '\0';
	pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!pc) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		fclose(fp);
		return -1;
	}
	dlt = pcap_datalink(pc);
	if (ns_linktype_from_file(dlt, &lt) < 0) {
		ns_unsupported_linktype(err, errlen, path, dlt);
		pcap_close(pc);
		return -1;
	}
	ns_source_init(&src, lt, dlt_to_linktype(dlt), (uint32_t)pcap_snapshot(pc), path);
	memset(&ctx, 0, sizeof(ctx));
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		int pr;
		ctx.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
		ctx.frame = ++frame;
		ctx.wire_len = h->len;
		ctx.direction = NS_DIR_UNKNOWN;
		pr = pipeline_packet(p, &src, data, h->caplen, &ctx);
		if (pr == NS_PIPE_ERROR) {
			snprintf(err, errlen, "%s", p->err);
			ret = -1;
			break;
		}
		if (pr == NS_PIPE_STOP)
			break;
	}
	if (rc == PCAP_ERROR) {
		/* e.g. "truncated dump file; tried to read 60 captured bytes, only got 20" */
		snprintf(err, errlen, "%s: frame %llu: %s", path,
			 (unsigned long long)frame + 1, pcap_geterr(pc));
		ret = -1;
	}
	ns_source_free(&src);
	pcap_close(pc);
	return ret;
}
