/* Unit tests for the pcapng block reader and writer (src/pcapng.c), with
 * hand-built blocks in both byte orders, including broken ones. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

#include "reader/pcapng.h"

/* ---- a tiny block builder ---- */
struct buf {
	uint8_t d[8192];
	size_t n;
	bool be;
};

static void put8(struct buf *b, uint8_t v) { b->d[b->n++] = v; }
static void put16(struct buf *b, uint16_t v)
{
	if (b->be) { put8(b, (uint8_t)(v >> 8)); put8(b, (uint8_t)v); }
	else { put8(b, (uint8_t)v); put8(b, (uint8_t)(v >> 8)); }
}
static void put32(struct buf *b, uint32_t v)
{
	if (b->be) { put16(b, (uint16_t)(v >> 16)); put16(b, (uint16_t)v); }
	else { put16(b, (uint16_t)v); put16(b, (uint16_t)(v >> 16)); }
}
static void put64(struct buf *b, uint64_t v)
{
	if (b->be) { put32(b, (uint32_t)(v >> 32)); put32(b, (uint32_t)v); }
	else { put32(b, (uint32_t)v); put32(b, (uint32_t)(v >> 32)); }
}
static void putmem(struct buf *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
	while (b->n % 4)
		put8(b, 0);
}
static void opt(struct buf *b, uint16_t code, const void *v, uint16_t len)
{
	put16(b, code);
	put16(b, len);
	if (len)
		putmem(b, v, len);
}
/* Start a block; returns its offset for block_end. */
static size_t block_begin(struct buf *b, uint32_t type)
{
	size_t at = b->n;
	put32(b, type);
	put32(b, 0);            /* patched by block_end */
	return at;
}
static void patch32(struct buf *b, size_t at, uint32_t v)
{
	size_t save = b->n;
	b->n = at;
	put32(b, v);
	b->n = save;
}
static void block_end(struct buf *b, size_t at)
{
	uint32_t len = (uint32_t)(b->n - at + 4);
	put32(b, len);
	patch32(b, at + 4, len);
}

static void shb(struct buf *b)
{
	size_t at = block_begin(b, PCAPNG_BT_SHB);
	put32(b, PCAPNG_BOM);
	put16(b, 1);
	put16(b, 0);
	put64(b, UINT64_MAX);
	block_end(b, at);
}

static void idb(struct buf *b, uint16_t linktype, const char *name, int tsresol, int64_t tsoff)
{
	size_t at = block_begin(b, PCAPNG_BT_IDB);
	put16(b, linktype);
	put16(b, 0);
	put32(b, 65535);
	if (name)
		opt(b, PCAPNG_OPT_IF_NAME, name, (uint16_t)strlen(name));
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;
		opt(b, PCAPNG_OPT_IF_TSRESOL, &r, 1);
	}
	if (tsoff) {
		put16(b, PCAPNG_OPT_IF_TSOFFSET);
		put16(b, 8);
		put64(b, (uint64_t)tsoff);
	}
	opt(b, 0, NULL, 0);
	block_end(b, at);
}

static const uint8_t pkt20[20] = { 0x45, 0, 0, 20, 0, 1, 0, 0, 64, 17, 0, 0,
				   10, 0, 0, 1, 10, 0, 0, 2 };

static size_t epb_head(struct buf *b, uint32_t ifid, uint64_t ts, uint32_t caplen, uint32_t orig)
{
	size_t at = block_begin(b, PCAPNG_BT_EPB);
	put32(b, ifid);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, orig);
	return at;
}

static void epb(struct buf *b, uint32_t ifid, uint64_t ts, uint32_t flags, bool proc)
{
	size_t at = epb_head(b, ifid, ts, sizeof(pkt20), 60);
	putmem(b, pkt20, sizeof(pkt20));
	if (flags) {
		put16(b, PCAPNG_OPT_EPB_FLAGS);
		put16(b, 4);
		put32(b, flags);
	}
	if (proc) {
		char comm[16] = "curl";
		put16(b, PCAPNG_OPT_EPB_PIDTID);
		put16(b, 8);
		put32(b, 4242);
		put32(b, 4243);
		put16(b, PCAPNG_OPT_CUSTOM_BIN);
		put16(b, NETSIFT_OPT_LEN);
		put32(b, NETSIFT_PEN);
		putmem(b, "NSP1", 4);
		put32(b, 1000);
		put64(b, 0x123456789aull);
		putmem(b, comm, 16);
	}
	opt(b, 0, NULL, 0);
	block_end(b, at);
}

/* Feed the bytes to a reader through a memfd, the way files arrive. */
struct rd {
	struct pcapng_reader r;
	int fd;
};

static void rd_open(struct rd *rd, const struct buf *b)
{
	rd->fd = memfd_create("pcapng", 0);
	assert_true(rd->fd >= 0);
	assert_int_equal(write(rd->fd, b->d, b->n), (ssize_t)b->n);
	assert_int_equal(lseek(rd->fd, 0, SEEK_SET), 0);
	assert_int_equal(pcapng_reader_init(&rd->r, rd->fd, "t.pcapng", NULL, 0), 0);
}

static void rd_close(struct rd *rd)
{
	pcapng_reader_free(&rd->r);
	close(rd->fd);
}

/* Read to the end; return the last pcapng_next result and count packets. */
static int drain(struct rd *rd, unsigned *npkts)
{
	struct pcapng_pkt p;
	int rc;

	*npkts = 0;
	while ((rc = pcapng_next(&rd->r, &p)) == 1)
		(*npkts)++;
	return rc;
}

/* ---- tests ---- */

static void test_epb_options_le(void **state)
{
	struct buf b = { .be = false };
	struct rd rd;
	struct pcapng_pkt p;

	(void)state;
	shb(&b);
	idb(&b, 101, "eth0", 9, 0);
	epb(&b, 0, 1700000000123456789ull, 1, true);
	epb(&b, 0, 5, 2, false);
	rd_open(&rd, &b);
	assert_int_equal(pcapng_next(&rd.r, &p), 1);
	assert_int_equal(p.frame, 1);
	assert_int_equal(p.ifc->linktype, 101);
	assert_string_equal(p.ifc->name, "eth0");
	assert_int_equal(p.ts_ns, 1700000000123456789ull);
	assert_int_equal(p.caplen, 20);
	assert_int_equal(p.origlen, 60);
	assert_memory_equal(p.data, pkt20, 20);
	assert_int_equal(p.direction, NS_DIR_INGRESS);
	assert_true(p.has_pidtid);
	assert_int_equal(p.task.pid, 4242);
	assert_int_equal(p.task.tid, 4243);
	assert_true(p.has_proc);
	assert_int_equal(p.task.uid, 1000);
	assert_int_equal(p.task.cgroup_id, 0x123456789aull);
	assert_string_equal(p.task.comm, "curl");
	assert_int_equal(pcapng_next(&rd.r, &p), 1);
	assert_int_equal(p.frame, 2);
	assert_int_equal(p.direction, NS_DIR_EGRESS);
	assert_false(p.has_pidtid);
	assert_int_equal(p.ts_ns, 5);
	assert_int_equal(pcapng_next(&rd.r, &p), 0);
	rd_close(&rd);
}

/* A big-endian section, then a little-endian one: interface ids restart. */
static void test_two_sections_both_orders(void **state)
{
	struct buf b = { .be = true };
	struct rd rd;
	struct pcapng_pkt p;

	(void)state;
	shb(&b);
	idb(&b, 1, "be0", -1, 0);      /* default resolution: microseconds */
	epb(&b, 0, 1500000, 0, true);
	b.be = false;
	shb(&b);
	idb(&b, 228, "le0", 9, 0);
	idb(&b, 229, "le1", 9, 0);
	epb(&b, 1, 7, 0, false);
	rd_open(&rd, &b);
	assert_int_equal(pcapng_next(&rd.r, &p), 1);
	assert_int_equal(p.section, 1);
	assert_string_equal(p.ifc->name, "be0");
	assert_int_equal(p.ifc->linktype, 1);
	assert_int_equal(p.ts_ns, 1500000000ull);
	assert_int_equal(p.task.pid, 4242);
	assert_int_equal(p.task.cgroup_id, 0x123456789aull);
	assert_string_equal(p.task.comm, "curl");
	assert_int_equal(pcapng_next(&rd.r, &p), 1);
	assert_int_equal(p.section, 2);
	assert_int_equal(p.ifid, 1);
	assert_string_equal(p.ifc->name, "le1");
	assert_int_equal(p.ifc->linktype, 229);
	assert_int_equal(p.frame, 2);
	assert_int_equal(pcapng_next(&rd.r, &p), 0);
	rd_close(&rd);
}

static void test_tsresol_pow2_and_offset(void **state)
{
	struct pcapng_if ifc;

	(void)state;
	memset(&ifc, 0, sizeof(ifc));
	ifc.tsres_pow2 = true;
	ifc.tsres_exp = 10;                        /* 1/1024 s */
	assert_int_equal(pcapng_ts_ns(&ifc, 1024 * 3 + 512), 3500000000ull);
	ifc.tsoffset = 100;
	assert_int_equal(pcapng_ts_ns(&ifc, 1024), 101000000000ull);
	ifc.tsres_pow2 = false;
	ifc.tsres_exp = 12;                        /* picoseconds */
	ifc.tsoffset = 0;
	assert_int_equal(pcapng_ts_ns(&ifc, 5000000), 5000);
	ifc.tsres_exp = 3;                         /* milliseconds */
	assert_int_equal(pcapng_ts_ns(&ifc, 7), 7000000);
}

static void test_spb_pb_and_unknown_blocks(void **state)
{
	struct buf b = { .be = false };
	struct rd rd;
	struct pcapng_pkt p;
	size_t at;

	(void)state;
	shb(&b);
	idb(&b, 101, NULL, 9, 0);
	at = block_begin(&b, 0x0BAD);              /* custom block: skipped */
	put32(&b, 1);
	block_end(&b, at);
	at = block_begin(&b, PCAPNG_BT_SPB);
	put32(&b, 20);
	putmem(&b, pkt20, 20);
	block_end(&b, at);
	at = block_begin(&b, PCAPNG_BT_PB);
	put16(&b, 0);                              /* interface */
	put16(&b, 0);                              /* drops */
	put32(&b, 0);
	put32(&b, 99);
	put32(&b, 20);
	put32(&b, 20);
	putmem(&b, pkt20, 20);
	put16(&b, 2);                              /* pack_flags: outbound */
	put16(&b, 4);
	put32(&b, 2);
	opt(&b, 0, NULL, 0);
	block_end(&b, at);
	rd_open(&rd, &b);
	assert_int_equal(pcapng_next(&rd.r, &p), 1);
	assert_int_equal(p.caplen, 20);
	assert_int_equal(p.origlen, 20);
	assert_int_equal(p.ts_ns, 0);
	assert_string_equal(p.ifc->name, "");
	assert_int_equal(pcapng_next(&rd.r, &p), 1);
	assert_int_equal(p.frame, 2);
	assert_int_equal(p.ts_ns, 99);
	assert_int_equal(p.direction, NS_DIR_EGRESS);
	assert_int_equal(pcapng_next(&rd.r, &p), 0);
	rd_close(&rd);
}

static void expect_error(struct buf *b, const char *needle, unsigned want_pkts)
{
	struct rd rd;
	unsigned n;

	rd_open(&rd, b);
	assert_int_equal(drain(&rd, &n), -1);
	assert_int_equal(n, want_pkts);
	if (!strstr(rd.r.err, needle))
		fail_msg("error '%s' does not contain '%s'", rd.r.err, needle);
	rd_close(&rd);
}

static void base(struct buf *b)
{
	b->n = 0;
	b->be = false;
	shb(b);
	idb(b, 101, "x", 9, 0);
	epb(b, 0, 1, 0, false);
}

static void test_truncated_file(void **state)
{
	struct buf b;

	(void)state;
	base(&b);
	epb(&b, 0, 2, 0, false);
	b.n -= 10;                                 /* cut the last block */
	expect_error(&b, "truncated block", 1);
	base(&b);
	put32(&b, PCAPNG_BT_EPB);                  /* 6 bytes of a block header */
	put16(&b, 0);
	expect_error(&b, "truncated block header", 1);
}

static void test_lying_lengths(void **state)
{
	struct buf b;
	size_t at;
	char want[64];

	(void)state;
	base(&b);
	at = b.n;
	epb(&b, 0, 2, 0, false);
	patch32(&b, at + 4, 4000);                 /* more than the file holds */
	snprintf(want, sizeof(want), "offset %zu: truncated block", at);
	expect_error(&b, want, 1);

	base(&b);
	at = b.n;
	epb(&b, 0, 2, 0, false);
	patch32(&b, at + 4, 50);                   /* not a multiple of 4 */
	expect_error(&b, "not a multiple of 4", 1);

	base(&b);
	at = b.n;
	epb(&b, 0, 2, 0, false);
	patch32(&b, at + 4, 8);                    /* less than 12 */
	expect_error(&b, "less than 12", 1);

	base(&b);
	at = b.n;
	epb(&b, 0, 2, 0, false);
	patch32(&b, b.n - 4, 44);                  /* trailer disagrees */
	expect_error(&b, "does not match its trailer", 1);

	base(&b);
	at = b.n;
	epb(&b, 0, 2, 0, false);
	patch32(&b, at + 20, 1000);                /* caplen past the block */
	expect_error(&b, "captured length 1000", 1);

	base(&b);
	epb(&b, 3, 2, 0, false);                   /* interface 3 not defined */
	expect_error(&b, "interface 3", 1);

	base(&b);
	at = b.n;
	epb(&b, 0, 2, 1, false);
	/* the epb_flags option (after 28 header + 20 data bytes) claims 200 bytes */
	patch32(&b, at + 48, 2u | 200u << 16);
	expect_error(&b, "option 2 length 200", 1);
}

static void test_bad_section(void **state)
{
	struct buf b = { .be = false };
	size_t at;

	(void)state;
	b.n = 0;
	at = block_begin(&b, PCAPNG_BT_SHB);
	put32(&b, 0x11223344);                     /* bad byte-order magic */
	put16(&b, 1);
	put16(&b, 0);
	put64(&b, 0);
	block_end(&b, at);
	expect_error(&b, "byte-order magic", 0);

	b.n = 0;
	at = block_begin(&b, PCAPNG_BT_SHB);
	put32(&b, PCAPNG_BOM);
	put16(&b, 2);                              /* version 2.0 */
	put16(&b, 0);
	put64(&b, 0);
	block_end(&b, at);
	expect_error(&b, "version 2.0", 0);
}

/* What the writer writes, the reader reads back: the same bytes and context. */
static void test_writer_round_trip(void **state)
{
	char path[] = "/tmp/test_pcapng_XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	struct pcapng_writer *w;
	struct ns_ctx c1, c2;
	struct pcapng_reader r;
	struct pcapng_pkt p;

	(void)state;
	assert_true(fd >= 0);
	memset(&c1, 0, sizeof(c1));
	c1.ts_ns = 1700000000987654321ull;
	c1.wire_len = 1500;
	c1.direction = NS_DIR_EGRESS;
	strcpy(c1.iface, "veth-a");
	c1.task.pid = 77;
	c1.task.tid = 78;
	c1.task.uid = 1001;
	c1.task.cgroup_id = 99999;
	strcpy(c1.task.comm, "nginx");
	memset(&c2, 0, sizeof(c2));
	c2.ts_ns = 3;
	c2.wire_len = 20;
	w = pcapng_writer_open(path, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(pcapng_writer_packet(w, 101, 65535, pkt20, 19, &c1), 0);
	assert_int_equal(pcapng_writer_packet(w, 1, 65535, pkt20, 20, &c2), 0);
	assert_int_equal(pcapng_writer_packet(w, 101, 65535, pkt20, 20, &c1), 0);
	assert_int_equal(pcapng_writer_close(w, err, sizeof(err)), 0);

	assert_int_equal(pcapng_reader_init(&r, fd, path, NULL, 0), 0);
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_int_equal(p.ts_ns, c1.ts_ns);
	assert_int_equal(p.caplen, 19);
	assert_int_equal(p.origlen, 1500);
	assert_memory_equal(p.data, pkt20, 19);
	assert_int_equal(p.direction, NS_DIR_EGRESS);
	assert_string_equal(p.ifc->name, "veth-a");
	assert_int_equal(p.ifc->linktype, 101);
	assert_int_equal(p.task.pid, 77);
	assert_int_equal(p.task.tid, 78);
	assert_int_equal(p.task.uid, 1001);
	assert_int_equal(p.task.cgroup_id, 99999);
	assert_string_equal(p.task.comm, "nginx");
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_int_equal(p.ifid, 1);
	assert_int_equal(p.ifc->linktype, 1);
	assert_string_equal(p.ifc->name, "");
	assert_int_equal(p.direction, NS_DIR_UNKNOWN);
	assert_false(p.has_pidtid);
	assert_false(p.has_proc);
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_int_equal(p.ifid, 0);                 /* interface reused */
	assert_int_equal(pcapng_next(&r, &p), 0);
	assert_int_equal(r.nifs, 2);
	pcapng_reader_free(&r);
	close(fd);
	unlink(path);
}

/* A block bigger than the initial 1 MiB read buffer. */
static void test_large_block(void **state)
{
	static struct buf small;
	size_t big = 3u << 20;
	uint8_t *mem;
	struct pcapng_reader r;
	struct pcapng_pkt p;
	int fd = memfd_create("big", 0);
	uint32_t v;

	(void)state;
	small.n = 0;
	shb(&small);
	idb(&small, 1, NULL, 9, 0);
	mem = calloc(1, big + 1024);
	assert_non_null(mem);
	memcpy(mem, small.d, small.n);
	{
		uint8_t *q = mem + small.n;
		uint32_t len = 32 + (uint32_t)big;
		v = PCAPNG_BT_EPB; memcpy(q, &v, 4);
		memcpy(q + 4, &len, 4);
		v = (uint32_t)big; memcpy(q + 20, &v, 4); memcpy(q + 24, &v, 4);
		memcpy(q + 28 + big, &len, 4);
		assert_int_equal(write(fd, mem, small.n + len), (ssize_t)(small.n + len));
	}
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(pcapng_reader_init(&r, fd, "big", NULL, 0), 0);
	assert_int_equal(pcapng_next(&r, &p), 1);
	assert_int_equal(p.caplen, big);
	assert_int_equal(pcapng_next(&r, &p), 0);
	pcapng_reader_free(&r);
	free(mem);
	close(fd);
}

/* The process comment: written as Wireshark shows it, read back whole, also
 * with brackets in the name; other comments are no process. */
static void test_proc_comment(void **state)
{
	char buf[PCAPNG_PROC_COMMENT_MAX], comm[NS_COMM_MAX];
	uint32_t uid = 0;
	uint64_t cg = 0;
	size_t n;

	(void)state;
	n = pcapng_proc_comment(buf, sizeof(buf), 4242, 4243, 1000, 77, "curl");
	assert_string_equal(buf, "curl[4242] tid=4243 uid=1000 cgroup=77");
	assert_true(pcapng_proc_parse(buf, n, &uid, &cg, comm));
	assert_string_equal(comm, "curl");
	assert_int_equal(uid, 1000);
	assert_int_equal(cg, 77);
	n = pcapng_proc_comment(buf, sizeof(buf), 0, 0, 0, 0, "[kernel]");
	assert_true(pcapng_proc_parse(buf, n, &uid, &cg, comm));
	assert_string_equal(comm, "[kernel]");
	n = pcapng_proc_comment(buf, sizeof(buf), 1, 2, 3, UINT64_MAX, "a[9] tid=1 b\x01");
	assert_true(pcapng_proc_parse(buf, n, &uid, &cg, comm));
	assert_string_equal(comm, "a[9] tid=1 b?");
	assert_int_equal(cg, UINT64_MAX);
	assert_false(pcapng_proc_parse("hello", 5, &uid, &cg, comm));
	assert_false(pcapng_proc_parse("x[1] tid=2 uid=3 cgroup=4 more", 30, &uid, &cg, comm));
	assert_false(pcapng_proc_parse("0123456789abcdefgh[1] tid=2 uid=3 cgroup=4", 42,
				       &uid, &cg, comm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_comment),
		cmocka_unit_test(test_epb_options_le),
		cmocka_unit_test(test_two_sections_both_orders),
		cmocka_unit_test(test_tsresol_pow2_and_offset),
		cmocka_unit_test(test_spb_pb_and_unknown_blocks),
		cmocka_unit_test(test_truncated_file),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_bad_section),
		cmocka_unit_test(test_writer_round_trip),
		cmocka_unit_test(test_large_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
