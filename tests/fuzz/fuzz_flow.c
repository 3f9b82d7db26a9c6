/* The flow tracker and the DNS cache over a sequence of frames: flow begin
 * and end events, idle expiry, port reuse, a table of 8 flows and a DNS
 * cache of 4 entries (so replacement runs all the time), DNS events, IP
 * reassembly in front of them. Input: see fuzz_frames.h; options bit 0
 * table output. */
#include "fuzz_frames.h"

static struct fz_pipe z;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned lt = fz_u8(&in) % (NS_LINK_OPAQUE + 1);
	unsigned opt = fz_u8(&in);

	if (!fz_pipe_open(&z, opt & 1))
		return 0;
	/* flow and DNS events only: the packet events are fuzz_packet's */
	z.p.events = NS_EV_FLOW_ALL | NS_EV_DNS;
	fz_run_frames(&z.p, &in, lt);
	fz_pipe_close(&z);
	return 0;
}
