/* The registry of output formats (output.h). */
#include "output/output.h"

#include <stdio.h>
#include <string.h>

/* ---- the registry: a new format is one more line here ---- */

static const struct ns_output *const outputs[] = {
	&ns_output_json,
	&ns_output_table,
	&ns_output_zeek,
	&ns_output_zeek_json,
	&ns_output_html,
	&ns_output_tracee,
};
#define NOUTPUTS (sizeof(outputs) / sizeof(outputs[0]))

static bool serves(const struct ns_output *f, enum ns_output_use use)
{
	if (f->schema)          /* reached through ns_output_with_schema only */
		return false;
	return use == NS_OUT_EVENTS ? f->packet != NULL : (f->conn != NULL || f->zeek_conn != NULL);
}

const char *ns_output_name(const struct ns_output *f, enum ns_output_use use)
{
	return use == NS_OUT_REPORT && f->report_name ? f->report_name : f->name;
}

const struct ns_output *ns_output_find(const char *name, enum ns_output_use use)
{
	for (size_t i = 0; i < NOUTPUTS; i++) {
		const struct ns_output *f = outputs[i];
		if (!serves(f, use))
			continue;
		if (strcmp(name, ns_output_name(f, use)) == 0)
			return f;
	}
	return NULL;
}

const char *ns_output_names(enum ns_output_use use)
{
	static char buf[2][256];   /* built once per use; the registry is constant */
	char *b = buf[use == NS_OUT_REPORT];
	size_t n = 0, left = 0;

	if (b[0])
		return b;
	for (size_t i = 0; i < NOUTPUTS; i++)
		left += serves(outputs[i], use);
	for (size_t i = 0; i < NOUTPUTS && n < sizeof(buf[0]); i++) {
		if (!serves(outputs[i], use))
			continue;
		left--;
		n += (size_t)snprintf(b + n, sizeof(buf[0]) - n, "%s%s",
				      ns_output_name(outputs[i], use),
				      left > 1 ? ", " : left == 1 ? " or " : "");
	}
	return b;
}

const struct ns_output *ns_output_with_schema(const struct ns_output *f, const char *schema)
{
	if (!schema || strcmp(schema, "netsift") == 0)
		return f;
	for (size_t i = 0; i < NOUTPUTS; i++)
		if (outputs[i]->schema && strcmp(outputs[i]->schema, schema) == 0 &&
		    strcmp(outputs[i]->name, f->name) == 0)
			return outputs[i];
	return NULL;
}

int ns_out_open(struct ns_out *o, const struct ns_output *f, struct outbuf *ob)
{
	memset(o, 0, sizeof(*o));
	o->fmt = f;
	o->ob = ob;
	return f->open ? f->open(o) : 0;
}

void ns_out_close(struct ns_out *o)
{
	if (o->fmt && o->fmt->close && !o->closed)
		o->fmt->close(o);
	o->closed = true;
}
