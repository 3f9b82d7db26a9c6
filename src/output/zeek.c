/* Zeek conn.log writers (netsift analyze -o zeek, -o zeek-json).
 *
 * zeek: Zeek's ASCII log format (zeek/zeek src/logging/writers/ascii/Ascii.cc):
 * the header lines #separator \x09, #set_separator ",", #empty_field "(empty)",
 * #unset_field "-", #path conn, #open, #fields, #types; one TAB-separated line
 * per connection; #close at the end. Times are epoch seconds with 6 decimals.
 * #open and #close carry the first and last packet time of the run (Zeek
 * writes the wall clock): the output stays a function of the input.
 *
 * zeek-json: Zeek's JSON log form (LogAscii::use_json=T): one object per
 * line, keys as in #fields, unset fields left out.
 *
 * Fields as Conn::Info in zeek/zeek scripts/base/protocols/conn/main.zeek,
 * plus community_id (policy/protocols/conn/community-id-logging.zeek).
 * duration, orig_bytes and resp_bytes are set only when the duration is
 * positive, as set_conn() does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn/zeekconn.h"
#include "output/output.h"
#include "outbuf.h"

struct zk_out {
	bool header_done;
};

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1:
	case 58: return "icmp";
	default: return "unknown_transport";
	}
}

/* Seconds with 6 decimals, from nanoseconds (rounded to the microsecond). */
static void secs6(struct outbuf *ob, uint64_t ns)
{
	uint64_t us = (ns + 500) / 1000;
	char b[32];
	int n = snprintf(b, sizeof(b), "%llu.%06llu", (unsigned long long)(us / 1000000),
			 (unsigned long long)(us % 1000000));
	ob_mem(ob, b, (size_t)n);
}

/* The same for JSON: trailing zeros dropped, as Zeek's JSON writer does. */
static void secs_json(struct outbuf *ob, uint64_t ns)
{
	uint64_t us = (ns + 500) / 1000;
	char b[32];
	int n = snprintf(b, sizeof(b), "%llu.%06llu", (unsigned long long)(us / 1000000),
			 (unsigned long long)(us % 1000000));
	while (n > 2 && b[n - 1] == '0' && b[n - 2] != '.')
		n--;
	ob_mem(ob, b, (size_t)n);
}

static void log_time(struct outbuf *ob, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char b[32];

	gmtime_r(&t, &tm);
	size_t n = strftime(b, sizeof(b), "%Y-%m-%d-%H-%M-%S", &tm);
	ob_mem(ob, b, n);
}

static int zk_open(struct ns_out *o)
{
	o->priv = calloc(1, sizeof(struct zk_out));
	if (!o->priv) {
		o->err = 12;   /* ENOMEM */
		return -1;
	}
	return 0;
}

static void tsv_header(struct ns_out *o)
{
	struct outbuf *ob = o->ob;
	struct zk_out *z = o->priv;

	if (z->header_done)
		return;
	z->header_done = true;
	OB_LIT(ob, "#separator \\x09\n"
	       "#set_separator\t,\n"
	       "#empty_field\t(empty)\n"
	       "#unset_field\t-\n"
	       "#path\tconn\n"
	       "#open\t");
	log_time(ob, o->first_ts_ns);
	OB_LIT(ob, "\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"
	       "\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig"
	       "\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts"
	       "\tresp_ip_bytes\ttunnel_parents\tcommunity_id\n"
	       "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount"
	       "\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount"
	       "\tset[string]\tstring\n");
}

/* TSV: a field after the first, and a string field that is unset when empty. */
static void tsv_u64(struct outbuf *ob, uint64_t v)
{
	ob_putc(ob, '\t');
	ob_u64(ob, v);
}

static void tsv_opt_str(struct outbuf *ob, const char *s)
{
	ob_putc(ob, '\t');
	if (s[0])
		ob_str(ob, s);
	else
		ob_putc(ob, '-');
}

static void tsv_addr(struct outbuf *ob, const struct ns_addr *a)
{
	ob_putc(ob, '\t');
	ob_addr(ob, a);
}

static void tsv_conn(struct ns_out *o, const struct ns_zk_conn *c)
{
	struct outbuf *ob = o->ob;
	bool dur = c->last_ns > c->ts_ns;

	tsv_header(o);
	secs6(ob, c->ts_ns);
	ob_putc(ob, '\t');
	ob_str(ob, c->uid);
	tsv_addr(ob, &c->orig_h);
	tsv_u64(ob, c->orig_p);
	tsv_addr(ob, &c->resp_h);
	tsv_u64(ob, c->resp_p);
	ob_putc(ob, '\t');
	ob_str(ob, proto_name(c->proto));
	OB_LIT(ob, "\t-\t");                       /* service */
	if (dur) {
		secs6(ob, c->last_ns - c->ts_ns);
		tsv_u64(ob, c->orig_bytes);
		tsv_u64(ob, c->resp_bytes);
	} else {
		OB_LIT(ob, "-\t-\t-");
	}
	ob_putc(ob, '\t');
	ob_str(ob, c->conn_state);
	OB_LIT(ob, "\t-\t-");                      /* local_orig, local_resp */
	tsv_u64(ob, c->missed_bytes);
	tsv_opt_str(ob, c->history);
	tsv_u64(ob, c->orig_pkts);
	tsv_u64(ob, c->orig_ip_bytes);
	tsv_u64(ob, c->resp_pkts);
	tsv_u64(ob, c->resp_ip_bytes);
	OB_LIT(ob, "\t-");                          /* tunnel_parents */
	tsv_opt_str(ob, c->community_id);
	ob_putc(ob, '\n');
}

static void tsv_close(struct ns_out *o)
{
	if (o->priv) {
		tsv_header(o);
		OB_LIT(o->ob, "#close\t");
		log_time(o->ob, o->last_ts_ns);
		ob_putc(o->ob, '\n');
	}
	free(o->priv);
	o->priv = NULL;
}

/* JSON: ,"key":v */
static void json_u64(struct outbuf *ob, const char *key, uint64_t v)
{
	OB_LIT(ob, ",\"");
	ob_str(ob, key);
	OB_LIT(ob, "\":");
	ob_u64(ob, v);
}

static void json_conn(struct ns_out *o, const struct ns_zk_conn *c)
{
	struct outbuf *ob = o->ob;

	OB_LIT(ob, "{\"ts\":");
	secs_json(ob, c->ts_ns);
	OB_LIT(ob, ",\"uid\":\"");
	ob_str(ob, c->uid);
	OB_LIT(ob, "\",\"id.orig_h\":\"");
	ob_addr(ob, &c->orig_h);
	ob_putc(ob, '"');
	json_u64(ob, "id.orig_p", c->orig_p);
	OB_LIT(ob, ",\"id.resp_h\":\"");
	ob_addr(ob, &c->resp_h);
	ob_putc(ob, '"');
	json_u64(ob, "id.resp_p", c->resp_p);
	OB_LIT(ob, ",\"proto\":\"");
	ob_str(ob, proto_name(c->proto));
	ob_putc(ob, '"');
	if (c->last_ns > c->ts_ns) {
		OB_LIT(ob, ",\"duration\":");
		secs_json(ob, c->last_ns - c->ts_ns);
		json_u64(ob, "orig_bytes", c->orig_bytes);
		json_u64(ob, "resp_bytes", c->resp_bytes);
	}
	OB_LIT(ob, ",\"conn_state\":\"");
	ob_str(ob, c->conn_state);
	ob_putc(ob, '"');
	json_u64(ob, "missed_bytes", c->missed_bytes);
	if (c->history[0]) {
		OB_LIT(ob, ",\"history\":");
		ob_json_cstr(ob, c->history);
	}
	json_u64(ob, "orig_pkts", c->orig_pkts);
	json_u64(ob, "orig_ip_bytes", c->orig_ip_bytes);
	json_u64(ob, "resp_pkts", c->resp_pkts);
	json_u64(ob, "resp_ip_bytes", c->resp_ip_bytes);
	if (c->community_id[0]) {
		OB_LIT(ob, ",\"community_id\":\"");
		ob_str(ob, c->community_id);
		ob_putc(ob, '"');
	}
	OB_LIT(ob, "}\n");
}

const struct ns_output ns_output_zeek = {
	.name = "zeek",
	.open = zk_open,
	.close = tsv_close,
	.zeek_conn = tsv_conn,
};

const struct ns_output ns_output_zeek_json = {
	.name = "zeek-json",
	.zeek_conn = json_conn,
};
