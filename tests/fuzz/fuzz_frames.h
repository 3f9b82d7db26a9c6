/* Inputs that are a sequence of frames (tests/fuzz/mkseeds.py makes them
 * from capture files): link type (1 byte, modulo the number of link
 * types), options (1 byte, for the harness), then per frame: time since
 * the previous frame (2 bytes, big-endian, in 10 ms units: up to 655 s, so
 * idle timeouts are reached), length (2 bytes, big-endian), the bytes. */
#ifndef NETSIFT_FUZZ_FRAMES_H
#define NETSIFT_FUZZ_FRAMES_H

#include "fuzz_pipe.h"

static inline void fz_run_frames(struct pipeline *p, struct fz_in *in, unsigned lt)
{
	struct ns_source src;
	struct ns_ctx ctx;
	uint64_t ts = 1000000000ull, frame = 0;

	ns_source_init(&src, (enum ns_linktype)lt, 1, 65535, "fuzz");
	while (in->n >= 4) {
		uint64_t dt = fz_u16(in);
		size_t want = fz_u16(in), got;
		const uint8_t *b = fz_bytes(in, want, &got);

		ts += dt * 10000000ull;
		memset(&ctx, 0, sizeof(ctx));
		ctx.ts_ns = ts;
		ctx.frame = ++frame;
		ctx.wire_len = (uint32_t)want;
		if (pipeline_packet(p, &src, b, (uint32_t)got, &ctx) != NS_PIPE_OK)
			break;
	}
	ns_source_free(&src);
}

#endif
