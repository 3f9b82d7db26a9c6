/* One frame through the whole per-packet path of `netsift read`: the
 * dissector (every link type, every encapsulation it can reach), the packet
 * events in JSON or table form, DNS events, flows, reassembly.
 * Input: link type (1 byte, modulo the number of link types), flags (1 byte:
 * bit 0 table output, bits 1-2 the direction the source claims), the frame. */
#include "fuzz_pipe.h"

static struct fz_pipe z;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct ns_source src;
	struct ns_ctx ctx;
	unsigned lt = fz_u8(&in) % (NS_LINK_OPAQUE + 1);
	unsigned flags = fz_u8(&in);

	if (!fz_pipe_open(&z, flags & 1))
		return 0;
	ns_source_init(&src, (enum ns_linktype)lt, 1, 65535, "fuzz");
	memset(&ctx, 0, sizeof(ctx));
	ctx.frame = 1;
	ctx.ts_ns = 1000000000ull;
	ctx.wire_len = (uint32_t)in.n;
	ctx.direction = (uint8_t)((flags >> 1) % 3);
	pipeline_packet(&z.p, &src, in.p, (uint32_t)in.n, &ctx);
	fz_pipe_close(&z);
	ns_source_free(&src);
	return 0;
}
