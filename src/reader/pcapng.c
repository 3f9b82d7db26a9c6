/* pcapng block reader and writer (see pcapng.h). */
#include "config.h"
#include "pcapng.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "procctx.h"

#define READ_CHUNK (1u << 20)     /* read the file 1 MiB at a time */

/* ---------------------------------------------------------------- reader */

static void rerr(struct pcapng_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rerr(struct pcapng_reader *r, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof(r->err), "offset %llu: ", (unsigned long long)off);

	if (n < 0 || (size_t)n >= sizeof(r->err))
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* inline: called several times per packet block */
static inline uint16_t rd16(const struct pcapng_reader *r, const uint8_t *p)
{
	return r->be ? ns_get16(p) : (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t rd32(const struct pcapng_reader *r, const uint8_t *p)
{
	return r->be ? ns_get32(p) : ns_get32le(p);
}

static inline uint64_t rd64(const struct pcapng_reader *r, const uint8_t *p)
{
	uint64_t a = rd32(r, p), b = rd32(r, p + 4);
	return r->be ? (a << 32 | b) : (b << 32 | a);
}

int pcapng_reader_init(struct pcapng_reader *r, int fd, const char *name,
		       const uint8_t *pre, size_t prelen)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->cap = READ_CHUNK;
	r->buf = malloc(r->cap);
	if (!r->buf)
		return -1;
	if (prelen > r->cap)
		return -1;
	if (prelen)
		memcpy(r->buf, pre, prelen);
	r->end = prelen;
	return 0;
}

int pcapng_reader_init_mem(struct pcapng_reader *r, const uint8_t *data, size_t len,
			   const char *name)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->name = name;
	r->buf = (uint8_t *)data;  /* never written in memory mode */
	r->cap = r->end = len;
	r->eof = true;
	r->mem = true;
	return 0;
}

int pcapng_reader_init_fn(struct pcapng_reader *r, ssize_t (*rd)(void *, void *, size_t),
			  void *arg, const char *name)
{
	if (pcapng_reader_init(r, -1, name, NULL, 0) < 0)
		return -1;
	r->rd = rd;
	r->rd_arg = arg;
	return 0;
}

void pcapng_reader_expect(struct pcapng_reader *r, uint64_t size)
{
	uint8_t *nb;

	if (r->mem || r->end || size >= r->cap)
		return;
	if (size < 64)
		size = 64;
	nb = realloc(r->buf, (size_t)size);
	if (nb) {                /* else the larger buffer stays: no harm */
		r->buf = nb;
		r->cap = (size_t)size;
	}
}

void pcapng_reader_free(struct pcapng_reader *r)
{
	if (!r->mem)
		free(r->buf);
	free(r->ifs);
	r->buf = NULL;
	r->ifs = NULL;
}

/* Make `need` unread bytes available at buf[pos]. Returns how many are
 * available (less than need only at end of file or on a read error). */
static size_t fill(struct pcapng_reader *r, size_t need)
{
	if (r->end - r->pos >= need)
		return need;
	if (r->mem)              /* the whole file is there: this is its end */
		return r->end - r->pos;
	if (r->pos > 0) {                 /* compact */
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->buf_off += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (need > r->cap) {
		size_t cap = r->cap;
		uint8_t *nb;
		while (cap < need)
			cap *= 2;
		nb = realloc(r->buf, cap);
		if (!nb)
			return r->end;
		r->buf = nb;
		r->cap = cap;
	}
	/* read(2) directly: returns what is there, so a pipe from a running
	 * capture is processed as it arrives. */
	while (r->end < need && !r->eof) {
		ssize_t got = r->rd ? r->rd(r->rd_arg, r->buf + r->end, r->cap - r->end)
				    : read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r->read_errno = errno;
			r->eof = true;
		} else if (got == 0) {
			r->eof = true;
		} else {
			r->end += (size_t)got;
		}
	}
	return r->end < need ? r->end : need;
}

/* Walk the options of a block body. cb gets (code, value, len); returns -1 to
 * abort with an error already set. */
typedef int (*opt_cb)(struct pcapng_reader *r, uint64_t off, uint16_t code,
		      const uint8_t *v, uint16_t len, void *arg);

static int walk_options(struct pcapng_reader *r, uint64_t off, const uint8_t *p,
			size_t n, opt_cb cb, void *arg)
{
	size_t i = 0;

	/* Fewer than 4 bytes left cannot hold an option: treat as padding. */
	while (n - i >= 4) {
		uint16_t code = rd16(r, p + i);
		uint16_t len = rd16(r, p + i + 2);
		size_t padded = ((size_t)len + 3) & ~(size_t)3;

		if (code == PCAPNG_OPT_END)
			return 0;
		if (padded > n - i - 4) {
			rerr(r, off, "option %u length %u runs past the end of the block",
			     code, len);
			return -1;
		}
		if (cb(r, off, code, p + i + 4, len, arg) < 0)
			return -1;
		i += 4 + padded;
	}
	return 0;
}

static int shb_parse(struct pcapng_reader *r, uint64_t off, const uint8_t *b, uint32_t len)
{
	uint16_t major;

	if (len < 28) {
		rerr(r, off, "section header block too short (%u bytes)", len);
		return -1;
	}
	major = rd16(r, b + 12);
	if (major != 1) {
		rerr(r, off, "unsupported pcapng version %u.%u", major, rd16(r, b + 14));
		return -1;
	}
	r->section++;
	r->nifs = 0;             /* interface ids are per section */
	return 0;
}

static int idb_opt(struct pcapng_reader *r, uint64_t off, uint16_t code,
		   const uint8_t *v, uint16_t len, void *arg)
{
	struct pcapng_if *ifc = arg;

	switch (code) {
	case PCAPNG_OPT_IF_NAME: {
		size_t n = len < NS_IFNAME_MAX - 1 ? len : NS_IFNAME_MAX - 1;
		memcpy(ifc->name, v, n);
		ifc->name[n] = '\0';
		/* a NUL inside the value ends the name */
		ifc->name[strnlen(ifc->name, n)] = '\0';
		break;
	}
	case PCAPNG_OPT_IF_TSRESOL:
		if (len < 1)
			break;
		ifc->tsres_pow2 = (v[0] & 0x80) != 0;
		ifc->tsres_exp = v[0] & 0x7f;
		if ((!ifc->tsres_pow2 && ifc->tsres_exp > 19) ||
		    (ifc->tsres_pow2 && ifc->tsres_exp > 63)) {
			rerr(r, off, "unsupported if_tsresol 0x%02x", v[0]);
			return -1;
		}
		break;
	case PCAPNG_OPT_IF_TSOFFSET:
		if (len >= 8)
			ifc->tsoffset = (int64_t)rd64(r, v);
		break;
	default:
		break;
	}
	return 0;
}

static int idb_parse(struct pcapng_reader *r, uint64_t off, const uint8_t *b, uint32_t len)
{
	struct pcapng_if ifc;

	if (len < 20) {
		rerr(r, off, "interface description block too short (%u bytes)", len);
		return -1;
	}
	if (r->nifs >= PCAPNG_MAX_IFS) {
		rerr(r, off, "too many interfaces");
		return -1;
	}
	memset(&ifc, 0, sizeof(ifc));
	ifc.linktype = rd16(r, b + 8);
	ifc.snaplen = rd32(r, b + 12);
	ifc.tsres_exp = 6;       /* default: microseconds */
	if (walk_options(r, off, b + 16, len - 20, idb_opt, &ifc) < 0)
		return -1;
	if (r->nifs == r->ifcap) {
		uint32_t cap = r->ifcap ? r->ifcap * 2 : 8;
		struct pcapng_if *n = realloc(r->ifs, cap * sizeof(*n));
		if (!n) {
			rerr(r, off, "out of memory");
			return -1;
		}
		r->ifs = n;
		r->ifcap = cap;
	}
	r->ifs[r->nifs++] = ifc;
	return 0;
}

static const uint64_t pow10_tab[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
	1000000000000ull, 10000000000000ull, 100000000000000ull,
	1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull,
};

uint64_t pcapng_ts_ns(const struct pcapng_if *ifc, uint64_t raw)
{
	unsigned __int128 ns;

	if (ifc->tsres_pow2)
		ns = ((unsigned __int128)raw * 1000000000u) >> ifc->tsres_exp;
	else if (ifc->tsres_exp <= 9)
		ns = (unsigned __int128)raw * pow10_tab[9 - ifc->tsres_exp];
	else
		ns = raw / pow10_tab[ifc->tsres_exp - 9];
	ns += (unsigned __int128)((__int128)ifc->tsoffset * 1000000000);
	return (uint64_t)ns;
}

/* A process comment, with or without the context after it: the context
 * starts at one of the " ppid=" in it (the command name may hold that text
 * too), the one at which both parts parse. */
static void proc_comment(struct pcapng_pkt *pkt, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	if (pcapng_proc_parse(s, len, &pkt->task.uid, &pkt->task.cgroup_id, pkt->task.comm)) {
		pkt->has_proc = true;
		return;
	}
	while ((p = memmem(p, (size_t)(end - p), " ppid=", 6)) != NULL) {
		size_t k = (size_t)(p - s);
		uint32_t uid;
		uint64_t cg;
		char comm[NS_COMM_MAX];

		if (pcapng_proc_parse(s, k, &uid, &cg, comm)) {
			const struct ns_procctx *c = nsctx_from_text(p, len - k);

			if (c) {
				pkt->has_proc = true;
				pkt->task.uid = uid;
				pkt->task.cgroup_id = cg;
				memcpy(pkt->task.comm, comm, NS_COMM_MAX);
				pkt->task.proc = c;
				return;
			}
		}
		p++;
	}
}

static int epb_opt(struct pcapng_reader *r, uint64_t off, uint16_t code,
		   const uint8_t *v, uint16_t len, void *arg)
{
	struct pcapng_pkt *pkt = arg;

	switch (code) {
	case PCAPNG_OPT_EPB_FLAGS:
		if (len >= 4) {
			uint32_t fl = rd32(r, v) & 3u;
			pkt->direction = fl == 1 ? NS_DIR_INGRESS :
					 fl == 2 ? NS_DIR_EGRESS : NS_DIR_UNKNOWN;
		}
		break;
	case PCAPNG_OPT_EPB_PIDTID:
		if (len >= 8) {
			pkt->has_pidtid = true;
			pkt->task.pid = rd32(r, v);
			pkt->task.tid = rd32(r, v + 4);
		}
		break;
	case PCAPNG_OPT_COMMENT:
		/* the process as netsift writes it (pcapng_proc_comment); a
		 * comment of another form is no process */
		proc_comment(pkt, (const char *)v, len);
		break;
	case PCAPNG_OPT_CUSTOM_BIN:
	case PCAPNG_OPT_CUSTOM_BIN_NC:
		/* what netsift wrote before 0.x, under an example PEN: read only */
		if (len >= NETSIFT_OPT_LEN && rd32(r, v) == NETSIFT_PEN &&
		    memcmp(v + 4, NETSIFT_OPT_MAGIC, 4) == 0) {
			pkt->has_proc = true;
			pkt->task.uid = rd32(r, v + 8);
			pkt->task.cgroup_id = rd64(r, v + 12);
			memcpy(pkt->task.comm, v + 20, NS_COMM_MAX);
			pkt->task.comm[NS_COMM_MAX - 1] = '\0';
		}
		break;
	default:
		break;
	}
	(void)off;
	return 0;
}

static int iface_ref(struct pcapng_reader *r, uint64_t off, uint32_t ifid,
		     struct pcapng_pkt *pkt)
{
	if (ifid >= r->nifs) {
		rerr(r, off, "packet refers to interface %u, but the section defines %u",
		     ifid, r->nifs);
		return -1;
	}
	pkt->ifid = ifid;
	pkt->ifc = &r->ifs[ifid];
	pkt->section = r->section;
	return 0;
}

/* EPB and the obsolete PB share their layout after the interface field. */
static int packet_parse(struct pcapng_reader *r, uint64_t off, uint32_t type,
			const uint8_t *b, uint32_t len, struct pcapng_pkt *pkt)
{
	uint32_t ifid, caplen, padded, body = len - 12;
	uint64_t padded64;

	if (len < 32) {
		rerr(r, off, "%s too short (%u bytes)",
		     type == PCAPNG_BT_EPB ? "enhanced packet block" : "packet block", len);
		return -1;
	}
	ifid = type == PCAPNG_BT_EPB ? rd32(r, b + 8) : rd16(r, b + 8);
	if (iface_ref(r, off, ifid, pkt) < 0)
		return -1;
	pkt->ts_ns = pcapng_ts_ns(pkt->ifc, (uint64_t)rd32(r, b + 12) << 32 | rd32(r, b + 16));
	caplen = rd32(r, b + 20);
	pkt->origlen = rd32(r, b + 24);
	padded64 = ((uint64_t)caplen + 3) & ~(uint64_t)3;
	if (padded64 > body - 20) {
		rerr(r, off, "captured length %u does not fit in a block of %u bytes",
		     caplen, len);
		return -1;
	}
	padded = (uint32_t)padded64;
	pkt->caplen = caplen;
	pkt->data = b + 28;
	return walk_options(r, off, b + 28 + padded, body - 20 - padded, epb_opt, pkt);
}

static int spb_parse(struct pcapng_reader *r, uint64_t off, const uint8_t *b,
		     uint32_t len, struct pcapng_pkt *pkt)
{
	uint32_t room, caplen;

	if (len < 16) {
		rerr(r, off, "simple packet block too short (%u bytes)", len);
		return -1;
	}
	if (iface_ref(r, off, 0, pkt) < 0)
		return -1;
	pkt->origlen = rd32(r, b + 8);
	room = len - 16;
	caplen = pkt->origlen < room ? pkt->origlen : room;
	if (pkt->ifc->snaplen && caplen > pkt->ifc->snaplen)
		caplen = pkt->ifc->snaplen;
	pkt->caplen = caplen;
	pkt->data = b + 12;
	pkt->ts_ns = 0;          /* an SPB has no timestamp */
	return 0;
}

/* Field by field: a memset of the whole struct compiles to `rep stos`, slow
 * to start for a per-packet clear. */
static void pkt_clear(struct pcapng_pkt *pkt)
{
	pkt->section = pkt->ifid = 0;
	pkt->ifc = NULL;
	pkt->frame = pkt->block_off = pkt->ts_ns = 0;
	pkt->caplen = pkt->origlen = 0;
	pkt->data = NULL;
	pkt->direction = 0;
	pkt->has_pidtid = pkt->has_proc = false;
	pkt->task = (struct ns_task){ 0 };
}

int pcapng_next(struct pcapng_reader *r, struct pcapng_pkt *pkt)
{
	for (;;) {
		uint64_t off = r->buf_off + r->pos;
		size_t have = fill(r, 12);
		const uint8_t *b;
		uint32_t type, len;
		int rc = 0;

		if (r->read_errno) {
			rerr(r, off, "read error: %s", strerror(r->read_errno));
			return -1;
		}
		if (have == 0)
			return 0;
		if (have < 12) {
			rerr(r, off, "truncated block header (%zu bytes before end of file)", have);
			return -1;
		}
		b = r->buf + r->pos;
		type = rd32(r, b);   /* SHB's type reads the same in both orders */
		if (type == PCAPNG_BT_SHB) {
			uint32_t bom = ns_get32(b + 8);
			if (bom == PCAPNG_BOM)
				r->be = true;
			else if (bom == 0x4D3C2B1Au)
				r->be = false;
			else {
				rerr(r, off, "section header with bad byte-order magic 0x%08x", bom);
				return -1;
			}
		}
		len = rd32(r, b + 4);
		if (len < 12 || len % 4 != 0) {
			rerr(r, off, "block type 0x%08x has invalid length %u%s", type, len,
			     len < 12 ? " (less than 12)" : " (not a multiple of 4)");
			return -1;
		}
		if (len > PCAPNG_MAX_BLOCK) {
			rerr(r, off, "block type 0x%08x length %u is larger than %u",
			     type, len, PCAPNG_MAX_BLOCK);
			return -1;
		}
		have = fill(r, len);
		if (r->read_errno) {
			rerr(r, off, "read error: %s", strerror(r->read_errno));
			return -1;
		}
		if (have < len) {
			rerr(r, off, "truncated block: type 0x%08x says %u bytes, only %zu left in the file",
			     type, len, have);
			return -1;
		}
		b = r->buf + r->pos;
		if (rd32(r, b + len - 4) != len) {
			rerr(r, off, "block length %u does not match its trailer (%u)",
			     len, rd32(r, b + len - 4));
			return -1;
		}
		r->pos += len;
		switch (type) {
		case PCAPNG_BT_SHB:
			rc = shb_parse(r, off, b, len);
			break;
		case PCAPNG_BT_IDB:
			rc = idb_parse(r, off, b, len);
			break;
		case PCAPNG_BT_EPB:
		case PCAPNG_BT_PB:
		case PCAPNG_BT_SPB:
			pkt_clear(pkt);
			pkt->block_off = off;
			rc = type == PCAPNG_BT_SPB ? spb_parse(r, off, b, len, pkt)
						   : packet_parse(r, off, type, b, len, pkt);
			if (rc < 0)
				return -1;
			pkt->frame = ++r->frames;
			return 1;
		default:
			break;   /* NRB, ISB, DSB, custom blocks...: not needed */
		}
		if (rc < 0)
			return -1;
	}
}

/* ---------------------------------------------------------------- writer */

struct wif {
	uint16_t linktype;
	char name[NS_IFNAME_MAX];
};

struct pcapng_writer {
	FILE *fp;
	bool own;
	struct wif *ifs;
	uint32_t nifs, cap;
	uint32_t last;           /* index of the last interface used */
	char *vbuf;
};

static const uint8_t zeros[8];

static void w_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

static size_t buf_opt(uint8_t *b, size_t n, uint16_t code, const void *v, uint16_t len);

struct pcapng_writer *pcapng_writer_open(const char *path, char *err, size_t errlen)
{
	size_t n;
	struct pcapng_writer *w = calloc(1, sizeof(*w));
	/* SHB in host byte order: readers detect it from the byte-order magic. */
	static const char appl[] = "netsift " PACKAGE_VERSION;
	/* 28 fixed + shb_userappl (4 + padded) + end (4) */
	uint8_t shb[28 + 4 + ((sizeof(appl) - 1 + 3) & ~3u) + 4];

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		w->fp = stdout;
	} else {
		w->fp = fopen(path, "wb");
		w->own = true;
	}
	if (!w->fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(w);
		return NULL;
	}
	if (w->own) {
		w->vbuf = malloc(READ_CHUNK);
		if (w->vbuf)
			setvbuf(w->fp, w->vbuf, _IOFBF, READ_CHUNK);
	}
	w_u32(shb, PCAPNG_BT_SHB);
	w_u32(shb + 4, sizeof(shb));
	w_u32(shb + 8, PCAPNG_BOM);
	w_u16(shb + 12, 1);
	w_u16(shb + 14, 0);
	w_u64(shb + 16, UINT64_MAX);     /* section length not specified */
	n = buf_opt(shb, 24, PCAPNG_OPT_SHB_USERAPPL, appl, (uint16_t)(sizeof(appl) - 1));
	n = buf_opt(shb, n, PCAPNG_OPT_END, NULL, 0);
	w_u32(shb + n, sizeof(shb));
	fwrite(shb, 1, sizeof(shb), w->fp);
	return w;
}

/* Append an option to a block being built in memory. */
static size_t buf_opt(uint8_t *b, size_t n, uint16_t code, const void *v, uint16_t len)
{
	w_u16(b + n, code);
	w_u16(b + n + 2, len);
	n += 4;
	if (len) {
		memcpy(b + n, v, len);
		memset(b + n + len, 0, pad4(len) - len);
		n += pad4(len);
	}
	return n;
}

static int write_idb(struct pcapng_writer *w, uint16_t linktype, uint32_t snaplen,
		     const char *name)
{
	size_t nlen = strnlen(name, NS_IFNAME_MAX - 1);
	uint32_t len = 20 + 8 /* tsresol */ + 4 /* end */ + (nlen ? 4 + (uint32_t)pad4(nlen) : 0);
	uint8_t b[16 + 4 + NS_IFNAME_MAX + 8 + 4 + 4];
	uint8_t res = 9;         /* nanoseconds */
	size_t n = 16;

	w_u32(b, PCAPNG_BT_IDB);
	w_u32(b + 4, len);
	w_u16(b + 8, linktype);
	w_u16(b + 10, 0);
	w_u32(b + 12, snaplen);
	if (nlen)
		n = buf_opt(b, n, PCAPNG_OPT_IF_NAME, name, (uint16_t)nlen);
	n = buf_opt(b, n, PCAPNG_OPT_IF_TSRESOL, &res, 1);
	n = buf_opt(b, n, PCAPNG_OPT_END, NULL, 0);
	w_u32(b + n, len);
	fwrite(b, 1, n + 4, w->fp);
	return 0;
}

static int find_if(struct pcapng_writer *w, uint16_t linktype, uint32_t snaplen,
		   const char *name)
{
	if (w->last < w->nifs && w->ifs[w->last].linktype == linktype &&
	    strncmp(w->ifs[w->last].name, name, NS_IFNAME_MAX) == 0)
		return (int)w->last;
	for (uint32_t i = 0; i < w->nifs; i++)
		if (w->ifs[i].linktype == linktype &&
		    strncmp(w->ifs[i].name, name, NS_IFNAME_MAX) == 0)
			return (int)(w->last = i);
	if (w->nifs == w->cap) {
		uint32_t cap = w->cap ? w->cap * 2 : 4;
		struct wif *n = realloc(w->ifs, cap * sizeof(*n));
		if (!n)
			return -1;
		w->ifs = n;
		w->cap = cap;
	}
	w->ifs[w->nifs].linktype = linktype;
	memset(w->ifs[w->nifs].name, 0, NS_IFNAME_MAX);
	memcpy(w->ifs[w->nifs].name, name, strnlen(name, NS_IFNAME_MAX - 1));
	write_idb(w, linktype, snaplen, w->ifs[w->nifs].name);
	w->last = w->nifs;
	return (int)w->nifs++;
}

static bool ctx_has_process(const struct ns_ctx *c)
{
	return c->task.pid || c->task.tid || c->task.uid || c->task.cgroup_id || c->task.comm[0];
}

/* Packets up to this many captured bytes go out with their whole block built
 * in memory and one fwrite: a dozen small fwrites per packet cost more than
 * all the rest of `trace -w`. */
#define EPB_INLINE_DATA 512u
/* flags (8) + process/thread (12) + comment (4 + padded) + end (4) */
#define EPB_OPTS_MAX (8 + 12 + 4 + PCAPNG_PROC_COMMENT_MAX + NS_PROCCTX_TEXT_MAX + 4)

size_t pcapng_proc_comment(char *buf, size_t len, uint32_t pid, uint32_t tid,
			   uint32_t uid, uint64_t cgroup_id, const char *comm)
{
	char name[NS_COMM_MAX];
	size_t i;
	int n;

	/* comments are UTF-8 text: other bytes of a command name become '?' */
	for (i = 0; i < NS_COMM_MAX - 1 && comm[i]; i++)
		name[i] = comm[i] >= 0x20 && comm[i] < 0x7f ? comm[i] : '?';
	name[i] = '\0';
	n = snprintf(buf, len, "%s[%" PRIu32 "] tid=%" PRIu32 " uid=%" PRIu32 " cgroup=%" PRIu64,
		     name, pid, tid, uid, cgroup_id);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

bool pcapng_proc_parse(const char *s, size_t len, uint32_t *uid, uint64_t *cgroup_id,
		       char *comm)
{
	char buf[PCAPNG_PROC_COMMENT_MAX + 1];
	unsigned long pid, tid, u;
	unsigned long long cg;
	int used;

	if (len > PCAPNG_PROC_COMMENT_MAX)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* the name may hold '[': the process part starts at the last one
	 * that is followed by the whole rest of the format */
	for (size_t i = len; i-- > 0;) {
		if (buf[i] != '[' || i >= NS_COMM_MAX)
			continue;
		used = -1;
		if (sscanf(buf + i, "[%lu] tid=%lu uid=%lu cgroup=%llu%n", &pid, &tid, &u,
			   &cg, &used) != 4 || used < 0 || buf[i + (size_t)used] != '\0')
			continue;
		memcpy(comm, buf, i);
		memset(comm + i, 0, NS_COMM_MAX - i);
		*uid = (uint32_t)u;
		*cgroup_id = (uint64_t)cg;
		return true;
	}
	return false;
}

int pcapng_writer_packet(struct pcapng_writer *w, uint16_t linktype, uint32_t snaplen,
			 const uint8_t *data, uint32_t caplen, const struct ns_ctx *ctx)
{
	int ifid = find_if(w, linktype, snaplen, ctx->iface);
	bool dir = ctx->direction == NS_DIR_INGRESS || ctx->direction == NS_DIR_EGRESS;
	bool proc = ctx_has_process(ctx) || ctx->task.proc;
	char note[PCAPNG_PROC_COMMENT_MAX + NS_PROCCTX_TEXT_MAX];
	size_t nlen = proc ? pcapng_proc_comment(note, PCAPNG_PROC_COMMENT_MAX, ctx->task.pid, ctx->task.tid,
						 ctx->task.uid, ctx->task.cgroup_id, ctx->task.comm) : 0;
	uint32_t optlen = (dir ? 8 : 0) + (proc ? 12 + 4 + (uint32_t)pad4(nlen) : 0);
	uint32_t len;
	uint8_t b[28 + EPB_INLINE_DATA + EPB_OPTS_MAX + 4];
	size_t n = 28;

	if (ifid < 0)
		return -1;
	if (proc && ctx->task.proc) {
		/* the context after the process (pcapng.h): read restores it */
		memcpy(note + nlen, ctx->task.proc->text, ctx->task.proc->text_len);
		optlen += (uint32_t)(pad4(nlen + ctx->task.proc->text_len) - pad4(nlen));
		nlen += ctx->task.proc->text_len;
	}
	if (optlen)
		optlen += 4;     /* opt_endofopt */
	len = 32 + (uint32_t)pad4(caplen) + optlen;
	w_u32(b, PCAPNG_BT_EPB);
	w_u32(b + 4, len);
	w_u32(b + 8, (uint32_t)ifid);
	w_u32(b + 12, (uint32_t)(ctx->ts_ns >> 32));
	w_u32(b + 16, (uint32_t)ctx->ts_ns);
	w_u32(b + 20, caplen);
	w_u32(b + 24, ctx->wire_len);
	if (caplen <= EPB_INLINE_DATA) {
		memcpy(b + n, data, caplen);
		memset(b + n + caplen, 0, pad4(caplen) - caplen);
		n += pad4(caplen);
	} else {
		fwrite(b, 1, n, w->fp);
		fwrite(data, 1, caplen, w->fp);
		fwrite(zeros, 1, pad4(caplen) - caplen, w->fp);
		n = 0;
	}
	if (dir) {
		uint32_t fl = ctx->direction == NS_DIR_INGRESS ? 1 : 2;
		n = buf_opt(b, n, PCAPNG_OPT_EPB_FLAGS, &fl, 4);
	}
	if (proc) {
		uint8_t pt[8];
		w_u32(pt, ctx->task.pid);
		w_u32(pt + 4, ctx->task.tid);
		n = buf_opt(b, n, PCAPNG_OPT_EPB_PIDTID, pt, 8);
		/* no custom option: netsift has no enterprise number of its
		 * own, and Wireshark shows a comment (frame.comment) */
		n = buf_opt(b, n, PCAPNG_OPT_COMMENT, note, (uint16_t)nlen);
	}
	if (optlen)
		n = buf_opt(b, n, PCAPNG_OPT_END, NULL, 0);
	w_u32(b + n, len);
	n += 4;
	fwrite(b, 1, n, w->fp);
	return ferror(w->fp) ? -1 : 0;
}

int pcapng_writer_flush(struct pcapng_writer *w)
{
	return fflush(w->fp) != 0 ? -1 : 0;
}

uint64_t pcapng_writer_size(struct pcapng_writer *w)
{
	off_t o = ftello(w->fp);

	return o < 0 ? 0 : (uint64_t)o;
}

int pcapng_writer_close(struct pcapng_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (fflush(w->fp) != 0 || ferror(w->fp)) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		rc = -1;
	}
	if (w->own && fclose(w->fp) != 0 && rc == 0) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		rc = -1;
	}
	free(w->vbuf);
	free(w->ifs);
	free(w);
	return rc;
}
