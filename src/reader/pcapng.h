/* pcapng: our own bounds-checked block reader and a writer.
 *
 * libpcap reads pcapng too, but does not expose block options, and netsift
 * needs them: epb_flags (direction), epb_processid_threadid (pid/tid), and
 * netsift's own custom option (uid, cgroup id, comm). So pcapng is parsed here.
 *
 * Reader: every length is checked against the block, every block against the
 * file. A block that lies about its length, runs past EOF, or is not a multiple
 * of 4 is an error with the byte offset of the block; unknown block types and
 * unknown options are skipped.
 */
#ifndef NETSIFT_PCAPNG_H
#define NETSIFT_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "dissect.h"

#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_IDB 1u
#define PCAPNG_BT_PB  2u          /* obsolete Packet Block */
#define PCAPNG_BT_SPB 3u
#define PCAPNG_BT_EPB 6u
#define PCAPNG_BOM    0x1A2B3C4Du

#define PCAPNG_OPT_END        0
#define PCAPNG_OPT_COMMENT    1   /* opt_comment, UTF-8, any block */
#define PCAPNG_OPT_SHB_USERAPPL 4 /* shb_userappl: the writing application */
#define PCAPNG_OPT_IF_NAME    2
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_IF_TSOFFSET 14
#define PCAPNG_OPT_EPB_FLAGS  2
#define PCAPNG_OPT_EPB_PIDTID 8   /* epb_processid_threadid: pid u32, tid u32 */
#define PCAPNG_OPT_CUSTOM_BIN 2989 /* custom binary, copyable: PEN u32 + data */
#define PCAPNG_OPT_CUSTOM_BIN_NC 19373 /* same, not copyable */

/* The process of a packet, written as the packet's opt_comment so that
 * Wireshark shows it (frame.comment) and netsift reads it back:
 *   COMM[PID] tid=TID uid=UID cgroup=CGROUP_ID
 * COMM is the command name (bytes outside printable ASCII written as '?'),
 * the numbers decimal. pid and tid are also in epb_processid_threadid.
 * A live trace's packets add their process and container context
 * (src/procctx.h) after that:
 *   ... ppid=P nspid=N nstid=T nsppid=Q pidns=INO mntns=INO exe=PATH cgpath=PATH
 * paths with bytes outside printable ASCII, space and '%' as %XX. */
#define PCAPNG_PROC_COMMENT_MAX 96
/* Format into buf (NUL-terminated); returns the length without the NUL. */
size_t pcapng_proc_comment(char *buf, size_t len, uint32_t pid, uint32_t tid,
			   uint32_t uid, uint64_t cgroup_id, const char *comm);
/* Parse such a comment of len bytes; false if it is not one. comm gets
 * NS_COMM_MAX bytes. */
bool pcapng_proc_parse(const char *s, size_t len, uint32_t *uid, uint64_t *cgroup_id,
		       char *comm);

/* netsift's custom option as written before: PEN, then "NSP1", uid u32,
 * cgroup_id u64, comm[16], all in the section's byte order. Read only, for
 * older recordings: 32473 is the example enterprise number of RFC 5612, not
 * one registered to netsift, so nothing writes it any more. */
#define NETSIFT_PEN 32473u
#define NETSIFT_OPT_MAGIC "NSP1"
#define NETSIFT_OPT_LEN (4 + 4 + 4 + 8 + NS_COMM_MAX)

/* Largest block we accept (libpcap's limit is 16 MiB as well). */
#define PCAPNG_MAX_BLOCK (16u * 1024u * 1024u)
#define PCAPNG_MAX_IFS (1u << 20)

struct pcapng_if {
	uint16_t linktype;
	uint32_t snaplen;
	char name[NS_IFNAME_MAX];
	bool tsres_pow2;          /* resolution is 2^-exp (else 10^-exp) */
	uint8_t tsres_exp;
	int64_t tsoffset;         /* seconds added to every timestamp */
};

struct pcapng_pkt {
	uint32_t section;         /* 1-based section number (interfaces are per section) */
	uint32_t ifid;
	const struct pcapng_if *ifc;
	uint64_t frame;           /* 1-based packet number in the file */
	uint64_t block_off;       /* file offset of the packet's block */
	uint64_t ts_ns;
	uint32_t caplen, origlen;
	const uint8_t *data;      /* valid until the next pcapng_next() */
	uint8_t direction;        /* enum ns_direction from epb_flags */
	bool has_pidtid, has_proc;
	struct ns_task task;      /* task.proc: context of the comment, interned; NULL if none */
};

struct pcapng_reader {
	int fd;
	int read_errno;
	const char *name;
	uint8_t *buf;
	size_t cap, pos, end;     /* unread bytes are buf[pos..end) */
	uint64_t buf_off;         /* file offset of buf[0] */
	bool eof;
	bool mem;                 /* buf is the whole file in memory (mapped): never
				     written, compacted or refilled */
	/* set: bytes come from rd(rd_arg, ...) instead of read(fd, ...) (a
	 * decompressed or polled stream, reader/instream.h) */
	ssize_t (*rd)(void *arg, void *buf, size_t n);
	void *rd_arg;
	bool be;                  /* current section is big-endian */
	uint32_t section;
	struct pcapng_if *ifs;
	uint32_t nifs, ifcap;
	uint64_t frames;
	char err[256];            /* "offset N: ..." without the file name */
};

/* pre/prelen: bytes already read from fd (the sniffed magic). 0 or -1.
 * The reader does not close fd. */
int pcapng_reader_init(struct pcapng_reader *r, int fd, const char *name,
		       const uint8_t *pre, size_t prelen);
/* Read a file that is already all in memory (e.g. mapped): no read(2), no
 * copying. data must stay valid until pcapng_reader_free(). 0. */
int pcapng_reader_init_mem(struct pcapng_reader *r, const uint8_t *data, size_t len,
			   const char *name);
/* Bytes from rd(arg, buf, n) (>0, 0 at the end, -1 on error with errno
 * set), which gives the sniffed magic again first. 0 or -1. */
int pcapng_reader_init_fn(struct pcapng_reader *r, ssize_t (*rd)(void *, void *, size_t),
			  void *arg, const char *name);
/* The input is a file of about size bytes: a smaller read buffer than the
 * default 1 MiB will do (it still grows for a larger block). Before the
 * first read only. */
void pcapng_reader_expect(struct pcapng_reader *r, uint64_t size);
void pcapng_reader_free(struct pcapng_reader *r);
/* Flush what the writer holds (streaming -w -). 0 or -1. */
/* 1: a packet in *pkt; 0: clean end of file; -1: error in r->err. */
int pcapng_next(struct pcapng_reader *r, struct pcapng_pkt *pkt);

/* Timestamp of an interface's raw 64-bit value, in ns since the epoch. */
uint64_t pcapng_ts_ns(const struct pcapng_if *ifc, uint64_t raw);

/* ---- writer ---- */
struct pcapng_writer;
struct pcapng_writer *pcapng_writer_open(const char *path, char *err, size_t errlen);
/* linktype: LINKTYPE_ value of the bytes; ctx: timestamp, wire_len, direction,
 * iface, process. 0 or -1 (write error; reported at close). */
int pcapng_writer_packet(struct pcapng_writer *w, uint16_t linktype, uint32_t snaplen,
			 const uint8_t *data, uint32_t caplen, const struct ns_ctx *ctx);
int pcapng_writer_flush(struct pcapng_writer *w);
/* Bytes written so far (buffered ones included). */
uint64_t pcapng_writer_size(struct pcapng_writer *w);
/* Flush and close. 0, or -1 with a message in err. Frees w. */
int pcapng_writer_close(struct pcapng_writer *w, char *err, size_t errlen);

#endif
