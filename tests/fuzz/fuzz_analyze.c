/* The analysis engine of `netsift analyze` over a sequence of frames, with
 * its reports written in the text or JSON format: sequence analysis,
 * retransmission records, ACK coverage (--acks), Zeek state and history,
 * and the connection limit (a few connections, so --max-conns evicts).
 * Input: see fuzz_frames.h; options bit 0 JSON, bit 1 --acks, bits 2-3
 * max connections (1, 2, 4, or the default). */
#include "fuzz_frames.h"

static struct pipeline p;
static struct outbuf ob;

static void on_conn(const struct ns_an_conn *c, void *user)
{
	struct ns_out *o = user;

	o->fmt->conn(o, c);
}

struct an_cons {
	struct ns_an *an;
};

static void an_packet(void *arg, struct pipeline *pp, const struct ns_packet *pkt)
{
	struct an_cons *a = arg;

	(void)pp;
	ns_an_packet(a->an, pkt, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxc[4] = { 1, 2, 4, NS_AN_DEFAULT_MAX_CONNS };
	struct fz_in in = { data, size };
	unsigned lt = fz_u8(&in) % (NS_LINK_OPAQUE + 1);
	unsigned opt = fz_u8(&in);
	const struct ns_output *fmt = (opt & 1) ? &ns_output_json : &ns_output_table;
	struct an_cons a;

	if (ob_init(&ob, fz_devnull(), 64 * 1024) < 0)
		return 0;
	pipeline_init(&p, &ob);
	if (ns_out_open(&p.out, fmt, &ob) < 0) {
		ob_free(&ob);
		return 0;
	}
	p.emit = false;
	p.out.file = "fuzz";
	a.an = ns_an_new(on_conn, &p.out);
	if (a.an) {
		struct ns_consumer c = { .name = "analyze", .arg = &a, .packet = an_packet };
		ns_an_set_ack_log(a.an, opt & 2);
		ns_an_set_max_conns(a.an, maxc[(opt >> 2) & 3]);
		pipeline_add_consumer(&p, &c);
		if (fmt->input_begin)
			fmt->input_begin(&p.out);
		fz_run_frames(&p, &in, lt);
		pipeline_end_source(&p);
		ns_an_finish(a.an);
		if (fmt->input_end)
			fmt->input_end(&p.out);
		ns_an_free(a.an);
	}
	pipeline_finish(&p);
	ob_free(&ob);
	return 0;
}
