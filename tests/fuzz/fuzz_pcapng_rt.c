/* pcapng round trip: read (the in-memory reader), write every packet with
 * the writer of `-w`, read the written file back: it must give the same
 * packets (bytes, lengths, time, link type, interface name, direction,
 * process and its context). A difference aborts. Input: a pcapng file. */
#include <stdlib.h>
#include <sys/stat.h>
#include "fuzz.h"
#include "reader/pcapng.h"

#define MAX_PKTS 256

struct rec {
	uint32_t caplen, origlen;
	uint16_t linktype;
	uint64_t ts_ns;
	uint8_t direction;
	struct ns_task task;             /* task.proc interned: equal contexts, equal pointers */
	char iface[NS_IFNAME_MAX];
	uint8_t *data;
};

static void to_ctx(const struct pcapng_pkt *pk, struct ns_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->ts_ns = pk->ts_ns;
	c->frame = pk->frame;
	c->wire_len = pk->origlen;
	c->direction = pk->direction;
	memcpy(c->iface, pk->ifc->name, sizeof(c->iface));
	c->iface[sizeof(c->iface) - 1] = '\0';
	c->task = pk->task;
}

static void same(const struct rec *a, const struct pcapng_pkt *pk, const struct ns_ctx *c)
{
	if (a->caplen != pk->caplen || memcmp(a->data, pk->data, a->caplen) != 0 ||
	    a->origlen != pk->origlen || a->linktype != pk->ifc->linktype ||
	    a->ts_ns != pk->ts_ns || a->direction != pk->direction ||
	    a->task.pid != pk->task.pid || a->task.tid != pk->task.tid ||
	    a->task.uid != pk->task.uid || a->task.cgroup_id != pk->task.cgroup_id ||
	    strcmp(a->task.comm, c->task.comm) != 0 || strcmp(a->iface, c->iface) != 0 ||
	    a->task.proc != pk->task.proc) {
		fprintf(stderr, "pcapng round trip: frame %llu differs\n",
			(unsigned long long)pk->frame);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rec recs[MAX_PKTS];
	struct pcapng_reader r;
	struct pcapng_pkt pk;
	struct pcapng_writer *w;
	struct ns_ctx ctx;
	char path[64], err[256];
	size_t n = 0;
	int fd, rc;

	pcapng_reader_init_mem(&r, data, size, "in");
	fd = memfd_create("fuzz-rt", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	w = pcapng_writer_open(path, err, sizeof(err));
	if (!w) {
		close(fd);
		return 0;
	}
	while (n < MAX_PKTS && (rc = pcapng_next(&r, &pk)) == 1) {
		struct rec *a = &recs[n];
		to_ctx(&pk, &ctx);
		a->caplen = pk.caplen;
		a->origlen = pk.origlen;
		a->linktype = pk.ifc->linktype;
		a->ts_ns = pk.ts_ns;
		a->direction = pk.direction;
		a->task = ctx.task;
		a->task.comm[sizeof(a->task.comm) - 1] = '\0';
		memcpy(a->iface, ctx.iface, sizeof(a->iface));
		a->data = malloc(pk.caplen ? pk.caplen : 1);
		if (!a->data)
			break;
		memcpy(a->data, pk.data, pk.caplen);
		n++;
		if (pcapng_writer_packet(w, pk.ifc->linktype, pk.ifc->snaplen, pk.data,
					 pk.caplen, &ctx) < 0)
			abort();   /* a memfd does not fill up */
	}
	pcapng_reader_free(&r);
	if (pcapng_writer_close(w, err, sizeof(err)) < 0)
		abort();

	/* read back what was written */
	struct stat st;
	uint8_t *back = NULL;
	size_t blen = 0;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		blen = (size_t)st.st_size;
		back = malloc(blen);
		if (back && pread(fd, back, blen, 0) != (ssize_t)blen) {
			free(back);
			back = NULL;
		}
	}
	close(fd);
	if (!back)
		abort();   /* the writer always writes a section header */
	pcapng_reader_init_mem(&r, back, blen, "out");
	size_t k = 0;
	while ((rc = pcapng_next(&r, &pk)) == 1) {
		if (k >= n)
			abort();   /* more packets than were written */
		to_ctx(&pk, &ctx);
		same(&recs[k], &pk, &ctx);
		k++;
	}
	if (rc < 0 || k != n) {
		fprintf(stderr, "pcapng round trip: %zu packets written, %zu read back (%s)\n",
			n, k, rc < 0 ? r.err : "end");
		abort();
	}
	pcapng_reader_free(&r);
	free(back);
	for (size_t i = 0; i < n; i++)
		free(recs[i].data);
	return 0;
}
