/* The table output format: one line per event (`read -o table`), and the
 * text report of `analyze` (asked for as "text"). The writers are in
 * table_packet.c, table_flow.c and table_analysis.c. */
#include "output/table.h"

const struct ns_output ns_output_table = {
	.name = "table",
	.report_name = "text",
	.close = out_table_close,
	.packet = out_table_packet_out,
	.flow = out_table_flow,
	.dns = out_table_dns,
	.tcp_analysis = out_table_tcp_analysis,
	.input_begin = out_table_input_begin,
	.conn = out_table_conn,
	.input_end = out_table_input_end,
};
