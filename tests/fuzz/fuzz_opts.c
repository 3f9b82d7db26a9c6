/* Option parsing of `netsift read` and `netsift analyze` (and then a run
 * over a one-packet capture): an argv built from the input. Each input byte
 * picks a token: an option or a value from the table below, or (past the
 * table) a free string from the input joined to an option that takes a value
 * ("--max-flows=<bytes>"). The value of -w/--write is always /dev/null and
 * no free string names an input that exists: the only files are the
 * harness's own capture and /dev/null, so a run reads and writes nothing else
 * (a free "-w --count=x" once littered the working directory). Input: command
 * (1 byte), then tokens. */
#include <stdlib.h>
#include "fuzz.h"
#include "commands.h"

static const char *const tokens[] = {
	"-o", "json", "table", "text", "-e", "net_packet_tcp", "net_flow_tcp_begin,net_flow_tcp_end",
	"net_packet_dns", "all", "-f", "tcp port 80", "udp", "(", "-c", "1", "0", "-1",
	"18446744073709551616", "--local", "10.0.0.0/8", "::1/129", "1.2.3.4/33",
	"--analysis", "--max-flows", "--flow-timeout", "1", "30s", "--no-capture-end",
	"-w", "/dev/null", "-v", "--stats", "-h", "--help", "--acks", "--max-conns",
	"--output", "--events", "--filter", "--count", "--", "-", "-x", "--bogus",
	"", "--output=json", "-ojson", "-vc", "-e", "net_packet_ipv4", "--write=/dev/null",
	"FILE", "FILE", "FILE",
};
#define NTOK (sizeof(tokens) / sizeof(tokens[0]))

/* Not --max-flows: its table is allocated up front (up to 2^30 entries,
 * untouched pages in a normal build, but ASan clears them: a run of
 * minutes); its values come from the token table. */
static const char *const joins[] = {
	"--flow-timeout=", "-c", "-o", "-e", "-f", "--local=", "--max-conns=",
	"--output=", "--events=", "--count=",
};
#define NJOIN (sizeof(joins) / sizeof(joins[0]))

/* A classic pcap with one TCP SYN over raw IP. */
static const uint8_t capture[] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 40, 0, 0, 0,
	0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
};

static char file_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int devnull = open("/dev/null", O_RDWR);

	(void)argc;
	(void)argv;
	/* the commands write to descriptor 1 and may read "-" from 0 */
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		close(devnull);
	}
	if (fz_memfd(capture, sizeof(capture), file_path) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *argv[64];
	static char store[64][80];
	struct fz_in in = { data, size };
	int argc = 0;
	bool analyze = fz_u8(&in) & 1;

	if (!file_path[0])
		LLVMFuzzerInitialize(NULL, NULL);
	argv[argc++] = analyze ? "analyze" : "read";
	while (in.n && argc < 62) {
		unsigned t = fz_u8(&in);
		if (t < NTOK) {
			const char *s = tokens[t];
			snprintf(store[argc], sizeof(store[argc]), "%s",
				 strcmp(s, "FILE") == 0 ? file_path : s);
		} else {
			size_t len = fz_u8(&in) % 40, got;
			const uint8_t *b = fz_bytes(&in, len, &got);
			int k = snprintf(store[argc], sizeof(store[argc]), "%s", joins[t % NJOIN]);
			memcpy(store[argc] + k, b, got);
			store[argc][k + got] = '\0';
		}
		/* whatever follows -w is where getopt would write: never a real file */
		if (argc > 1 && (strcmp(argv[argc - 1], "-w") == 0 || strcmp(argv[argc - 1], "--write") == 0))
			snprintf(store[argc], sizeof(store[argc]), "/dev/null");
		argv[argc] = store[argc];
		argc++;
	}
	argv[argc] = NULL;
	fz_getopt_reset();
	if (analyze)
		cmd_analyze(argc, argv);
	else
		cmd_read(argc, argv);
	fz_getopt_reset();
	return 0;
}
