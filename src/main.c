/* netsift: network packets as Tracee-style events. Command dispatch. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "nshash.h"

#ifdef HAVE_LIVE
#include "live/live.h"
#else
/* Built without libbpf/clang/bpftool: say so instead of "unknown command". */
static int cmd_trace(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "netsift trace: this netsift was built without the live (eBPF) backend; "
		"install libbpf-dev, libelf-dev, clang and bpftool and reconfigure\n");
	return NS_EXIT_ERROR;
}
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Other subcommands (trace, analyze, ...) are added to this table. */
static const struct command commands[] = {
	{ "read", cmd_read, "read pcap/pcapng files and print their packets as events" },
	{ "trace", cmd_trace, "trace live packets per process with eBPF (root, cgroup v2)" },
	{ "analyze", cmd_analyze, "report on every TCP connection in capture files, as an expert would" },
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: netsift COMMAND [OPTIONS] ...\n"
		"       netsift --version | --help\n"
		"\n"
		"Turn network packets into Tracee-style events (JSON lines or a table).\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp,
		"\n"
		"Run 'netsift COMMAND --help' for the options of a command;\n"
		"see netsift(1) and netsift-events(7).\n");
}

int main(int argc, char **argv)
{
	/* Write errors are handled where they happen: EPIPE ends output quietly. */
	signal(SIGPIPE, SIG_IGN);
	/* The hash key is fixed before any table exists (and before threads). */
	if (ns_hash_init() != 0) {
		fprintf(stderr, "netsift: NETSIFT_HASH_KEY: want 32 hex digits\n");
		return NS_EXIT_USAGE;
	}

	if (argc < 2) {
		usage(stderr);
		return NS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("netsift %s\n", PACKAGE_VERSION);
		return NS_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return NS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* `netsift COMMAND --version` for every command (read and analyze
		 * also take it among their other options; trace's arguments after
		 * its options are a command line of their own) */
		if (argc > 2 && strcmp(argv[2], "--version") == 0) {
			printf("netsift %s\n", PACKAGE_VERSION);
			return NS_EXIT_OK;
		}
		return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "netsift: unknown command '%s' (try 'netsift --help')\n", argv[1]);
	return NS_EXIT_USAGE;
}
