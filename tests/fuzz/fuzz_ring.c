/* The live path after the kernel: BPF ring buffers as the kernel lays them
 * out (8-byte headers with busy/discard bits and page offsets, records
 * padded to 8, the data pages mapped twice), merged by time
 * (src/live/ringread.c), and each record (struct ns_rec, bpf/netsift.h)
 * checked and turned into a packet for the pipeline by live.c's
 * on_record(), which is why live.c is included here whole.
 * Input: options (1 byte: bit 0 two rings, bit 1 a --pid selection, bit 2
 * a -f filter, bit 3 table output), then per ring its producer position
 * (2 bytes) and its bytes (4096, zero-padded). */
#include "fuzz_pipe.h"
#include "../../src/live/live.c"
#include "live/ringread.h"

#define RING_SZ 4096u

static struct fz_pipe z;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ringmem[2][2 * RING_SZ];
	static uint64_t cons[2], prod[2];
	static struct trace_opts o;
	static struct live lv;
	static struct bpf_program tcp_only;
	static bool compiled;
	struct ns_ring rings[2];
	struct fz_in in = { data, size };
	unsigned opt = fz_u8(&in), n = (opt & 1) ? 2 : 1;

	if (!compiled) {
		pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
		if (!dead || pcap_compile(dead, &tcp_only, "tcp", 1, PCAP_NETMASK_UNKNOWN) < 0)
			abort();
		pcap_close(dead);
		compiled = true;
	}
	memset(rings, 0, sizeof(rings));
	for (unsigned i = 0; i < n; i++) {
		size_t got;
		const uint8_t *b;

		prod[i] = fz_u16(&in) % (RING_SZ + 1);
		cons[i] = 0;
		b = fz_bytes(&in, RING_SZ, &got);
		memset(ringmem[i], 0, RING_SZ);
		memcpy(ringmem[i], b, got);
		memcpy(ringmem[i] + RING_SZ, ringmem[i], RING_SZ);  /* mapped twice */
		rings[i].consumer_pos = &cons[i];
		rings[i].producer_pos = &prod[i];
		rings[i].data = ringmem[i];
		rings[i].mask = RING_SZ - 1;
		ns_ring_init(&rings[i]);
	}
	if (!fz_pipe_open(&z, (opt & 8) ? 1 : 0))
		return 0;
	memset(&o, 0, sizeof(o));
	if (opt & 2) {
		o.pids[0] = 1;
		o.npids = 1;
		strcpy(o.comms[0], "curl");
		o.ncomms = 1;
	}
	memset(&lv, 0, sizeof(lv));
	lv.o = &o;
	lv.p = &z.p;
	if (opt & 4) {
		lv.filt = tcp_only;
		lv.has_filt = true;
	}
	ns_source_init(&lv.src, NS_LINK_NONE, LINKTYPE_RAW_IP, 65535, "live");
	ns_rings_drain(rings, n, UINT64_MAX, on_record, &lv);
	fz_pipe_close(&z);
	ns_source_free(&lv.src);
	return 0;
}
