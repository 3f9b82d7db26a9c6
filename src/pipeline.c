/* pipeline: filter, dissect, direction, write, emit, hand to consumers. */
#include "pipeline.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "output/output.h"
#include "reader/pcapng.h"
#include "read_threads.h"

#define LINKTYPE_RAW 101
#define FILTER_SNAPLEN 262144

void ns_source_init(struct ns_source *src, enum ns_linktype lt, int linktype,
		    uint32_t snaplen, const char *file)
{
	memset(src, 0, sizeof(*src));
	src->lt = lt;
	src->linktype = linktype;
	src->snaplen = snaplen;
	src->file = file;
}

void ns_source_free(struct ns_source *src)
{
	if (src->prog) {
		pcap_freecode(src->prog);
		free(src->prog);
		src->prog = NULL;
	}
	src->filter_state = 0;
}

void pipeline_init(struct pipeline *p, struct outbuf *ob)
{
	memset(p, 0, sizeof(*p));
	p->ob = ob;
	ns_out_open(&p->out, &ns_output_json, ob);   /* JSON has no open(): cannot fail */
	p->emit = true;
	p->events = NS_EV_DEFAULT;
}

int pipeline_add_consumer(struct pipeline *p, const struct ns_consumer *c)
{
	if (p->nconsumers >= NS_MAX_CONSUMERS)
		return -1;
	p->consumers[p->nconsumers++] = *c;
	return 0;
}

/* ---- --local ---- */

int ns_cidr_parse(const char *s, struct ns_cidr *c)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max;

	memset(c, 0, sizeof(*c));
	if (n == 0 || n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, c->a) == 1) {
		c->family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c->a) == 1) {
		c->family = 6;
		max = 128;
	} else {
		return -1;
	}
	c->bits = (uint8_t)max;
	if (slash) {
		char *end;
		unsigned long b = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || b > max)
			return -1;
		c->bits = (uint8_t)b;
	}
	return 0;
}

bool ns_cidr_match(const struct ns_cidr *c, const struct ns_addr *a)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;

	if (a->family != c->family)
		return false;
	if (memcmp(a->a, c->a, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a->a[full] & mask) != (c->a[full] & mask))
			return false;
	}
	return true;
}

static bool is_local(const struct pipeline *p, const struct ns_addr *a)
{
	for (unsigned i = 0; i < p->nlocal; i++)
		if (ns_cidr_match(&p->local[i], a))
			return true;
	return false;
}

/* ---- filter ---- */

static int dlt_of(int linktype)
{
	return linktype == LINKTYPE_RAW ? DLT_RAW : linktype;
}

static int try_compile(const char *expr, int dlt, uint32_t snaplen,
		       struct bpf_program *prog, char *msg, size_t msglen)
{
	pcap_t *d = pcap_open_dead(dlt, snaplen ? (int)(snaplen > FILTER_SNAPLEN ? FILTER_SNAPLEN : snaplen)
				   : FILTER_SNAPLEN);
	int rc;

	if (!d) {
		snprintf(msg, msglen, "cannot create a filter handle");
		return -1;
	}
	rc = pcap_compile(d, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc < 0)
		snprintf(msg, msglen, "%s", pcap_geterr(d));
	pcap_close(d);
	return rc < 0 ? -1 : 0;
}

int pipeline_check_filter(struct pipeline *p)
{
	static const int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL };
	char msg[PCAP_ERRBUF_SIZE + 64], first[PCAP_ERRBUF_SIZE + 64] = "";

	if (!p->filter)
		return 0;
	for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		struct bpf_program prog;
		if (try_compile(p->filter, dlts[i], 0, &prog, msg, sizeof(msg)) == 0) {
			pcap_freecode(&prog);
			return 0;
		}
		if (!first[0])
			snprintf(first, sizeof(first), "%s", msg);
	}
	snprintf(p->err, sizeof(p->err), "bad filter expression '%s': %s", p->filter, first);
	return -1;
}

static int source_filter(struct pipeline *p, struct ns_source *src)
{
	char msg[PCAP_ERRBUF_SIZE + 64];
	int dlt = dlt_of(src->linktype);

	if (src->filter_state != 0)
		return src->filter_state;
	src->prog = calloc(1, sizeof(*src->prog));
	if (!src->prog) {
		snprintf(p->err, sizeof(p->err), "out of memory");
		src->filter_state = -1;
		return -1;
	}
	if (try_compile(p->filter, dlt, src->snaplen, src->prog, msg, sizeof(msg)) < 0) {
		free(src->prog);
		src->prog = NULL;
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(p->err, sizeof(p->err), "%s: filter '%s' cannot be used on link type %s (%d): %s",
			 src->file ? src->file : "-", p->filter, name ? name : "unknown",
			 src->linktype, msg);
		src->filter_state = -1;
		return -1;
	}
	src->filter_state = 1;
	return 1;
}

/* ---- the packet path ---- */

bool pipeline_done(const struct pipeline *p)
{
	return p->ob->err != 0 || (p->max_frames && p->passed >= p->max_frames);
}

static void set_direction(struct pipeline *p, struct ns_ctx *ctx, bool has_ip)
{
	const struct ns_packet *pkt = &p->pkt;

	if (ctx->direction != NS_DIR_UNKNOWN)
		return;
	/* Linux cooked captures say what the kernel did with the packet. */
	if (pkt->link.has_pkttype) {
		switch (pkt->link.pkttype) {
		case 0: case 1: case 2:
			ctx->direction = NS_DIR_INGRESS;
			return;
		case 4:
			ctx->direction = NS_DIR_EGRESS;
			return;
		default:
			break;   /* 3 OTHERHOST: seen promiscuously, neither */
		}
	}
	if (has_ip && p->nlocal) {
		if (is_local(p, &pkt->src))
			ctx->direction = NS_DIR_EGRESS;
		else if (is_local(p, &pkt->dst))
			ctx->direction = NS_DIR_INGRESS;
	}
}

/* ---- consumers, behind reassembly ---- */

static void to_consumers(struct pipeline *p, const struct ns_packet *pkt)
{
	for (unsigned i = 0; i < p->nconsumers; i++)
		if (p->consumers[i].packet)
			p->consumers[i].packet(p->consumers[i].arg, p, pkt);
}

/* Where the decoded packet's (innermost) IP header is in data, and its
 * captured bytes. NULL if not within data. */
static const uint8_t *ip_header(const struct ns_packet *pkt, const uint8_t *data,
				uint32_t caplen, uint32_t *ipcap)
{
	const uint8_t *ip = pkt->l3 == NS_L3_IPV4 ? pkt->ip4.hdr : pkt->ip6.hdr;

	if (!ip || ip < data || ip > data + caplen)
		return NULL;
	*ipcap = caplen - (uint32_t)(ip - data);
	return ip;
}

/* Fragments go to reassembly; what they complete goes on, decoded. */
static int consume(struct pipeline *p, const uint8_t *data, uint32_t caplen)
{
	const uint8_t *ip;
	uint32_t ipcap = 0;

	if (!p->reasm) {
		if (ns_reasm_kind(&p->pkt) == NS_FRAG_NONE) {
			to_consumers(p, &p->pkt);
			return 0;
		}
		if (!(p->reasm = ns_reasm_new(NULL))) {
			snprintf(p->err, sizeof(p->err), "out of memory");
			return -1;
		}
	}
	ip = ip_header(&p->pkt, data, caplen, &ipcap);
	switch (ns_reasm_packet(p->reasm, &p->pkt, ip, ipcap, &p->rpkt)) {
	case NS_REASM_PASS:
		to_consumers(p, &p->pkt);
		break;
	case NS_REASM_DONE:
		to_consumers(p, &p->rpkt);
		break;
	case NS_REASM_HELD:
		break;
	}
	p->st.reasm = *ns_reasm_stats(p->reasm);
	return 0;
}

int pipeline_packet(struct pipeline *p, struct ns_source *src,
		    const uint8_t *data, uint32_t caplen, struct ns_ctx *ctx)
{
	struct ns_packet *pkt = &p->pkt;
	uint32_t sel;
	int rc;

	if (pipeline_done(p))
		return NS_PIPE_STOP;
	p->st.frames++;
	if (p->filter) {
		struct pcap_pkthdr h;
		if (source_filter(p, src) < 0)
			return NS_PIPE_ERROR;
		memset(&h, 0, sizeof(h));
		h.caplen = caplen;
		h.len = ctx->wire_len;
		if (!pcap_offline_filter(src->prog, &h, data)) {
			p->st.filtered++;
			return NS_PIPE_OK;
		}
	}
	p->passed++;

	rc = ns_dissect(src->lt, data, caplen, ctx, pkt);
	set_direction(p, ctx, rc == 0);

	if (p->writer) {
		if (pcapng_writer_packet(p->writer, (uint16_t)src->linktype, src->snaplen,
					 data, caplen, ctx) < 0) {
			snprintf(p->err, sizeof(p->err), "write error on the -w file");
			return NS_PIPE_ERROR;
		}
		p->st.written++;
	}

	if (rc < 0) {
		/* No IP layer: count it, it cannot be emitted. */
		if (pkt->flags & NS_F_NOT_IP)
			p->st.not_ip++;
		else
			p->st.undecodable++;
		goto out;
	}
	if (pkt->flags)
		p->st.flagged++;
	sel = out_packet_events(pkt, p->events);
	if (!sel) {
		p->st.unselected++;
	} else if (p->emit) {
		p->st.emitted++;
		if (p->rt)
			p->st.events += ns_rt_frame(p->rt, src->lt, data, caplen, ctx, pkt, sel);
		else
			p->st.events += p->out.fmt->packet(&p->out, pkt, data + caplen, sel);
	}
	/* ---- FLOW HOOK: later stages (flow tracker, DNS) see the packet here ---- */
	p->cur_data = data;
	p->cur_caplen = caplen;
	p->cur_lt = src->lt;
	if (p->nconsumers && consume(p, data, caplen) < 0)
		return NS_PIPE_ERROR;
out:
	return pipeline_done(p) ? NS_PIPE_STOP : NS_PIPE_OK;
}

void pipeline_end_source(struct pipeline *p)
{
	/* the end of the input (all files, read as one capture) */
	/* --threads: every frame is in; what consumers write from here on
	 * (the flows still open, thousands at once) goes straight out, as
	 * with one thread, instead of growing a batch */
	if (p->rt)
		ns_rt_end(p->rt);
	if (p->reasm) {
		ns_reasm_flush(p->reasm);
		p->st.reasm = *ns_reasm_stats(p->reasm);
	}
	for (unsigned i = 0; i < p->nconsumers; i++)
		if (p->consumers[i].end_source)
			p->consumers[i].end_source(p->consumers[i].arg, p);
}

void pipeline_finish(struct pipeline *p)
{
	for (unsigned i = 0; i < p->nconsumers; i++)
		if (p->consumers[i].finish)
			p->consumers[i].finish(p->consumers[i].arg, p);
	if (p->reasm) {
		ns_reasm_flush(p->reasm);
		p->st.reasm = *ns_reasm_stats(p->reasm);
		ns_reasm_free(p->reasm);
		p->reasm = NULL;
	}
	ns_out_close(&p->out);
	if (p->rt)
		ns_rt_end(p->rt);   /* the last batch out: p->ob is standard output's again */
	ob_flush(p->ob);
}

void pipeline_sync(struct pipeline *p)
{
	if (p->rt)
		ns_rt_sync(p->rt);
	ob_flush(p->ob);
}
