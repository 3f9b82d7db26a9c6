/* The JSON output format: events as Tracee-style JSON lines, analysis records
 * as one object per connection. The writers are in json_packet.c,
 * json_flow.c and json_analysis.c. */
#include "output/json.h"

const struct ns_output ns_output_json = {
	.name = "json",
	.close = out_json_close,
	.packet = out_json_packet_out,
	.flow = out_json_flow,
	.dns = out_json_dns,
	.tcp_analysis = out_json_tcp_analysis,
	.input_begin = out_json_input_begin,
	.conn = out_json_conn,
	.input_end = out_json_input_end,
};
