/* Option values that more than one command parses the same way
 * (netsift read, netsift trace). Each caller keeps its own error message. */
#ifndef NETSIFT_CLI_COMMON_H
#define NETSIFT_CLI_COMMON_H

#include <stdint.h>


/* A decimal number from min to max: no minus sign, no trailing characters.
 * Returns 0, or -1 (out untouched). */
int ns_cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* --threads N of read and analyze: 0 to NS_MAX_THREADS, 0 meaning the CPUs
 * available. ns_cli_threads: 0, or 2 after the usage message (*out
 * untouched). ns_cli_nthreads: the number of threads N asks for. */
#define NS_MAX_THREADS 64
int ns_cli_threads(const char *cmd, const char *arg, unsigned *out);
unsigned ns_cli_nthreads(unsigned n);
/* The CPUs this process may run on (sched_getaffinity), at least 1, at most
 * NS_MAX_THREADS. */
unsigned ns_cpus_available(void);

/* ---- inputs and filter, tcpdump's way (read, analyze) ----
 * `-r FILE` (repeatable): the arguments after the options are the filter
 * expression, joined by spaces (tcpdump -r f.pcap tcp port 80). Without -r
 * they are the files, as before; one that is not a readable file is a usage
 * error before anything is read, with a hint at -r. -f and a trailing
 * expression, or -f twice, are usage errors. */
#include <stdbool.h>
#include <stddef.h>

struct ns_cli_in {
	const char *cmd;         /* "read", "analyze": for messages */
	char **files;            /* the inputs, in order (pointers into argv) */
	size_t nfiles;
	bool have_r;
	const char *filter;      /* -f or the trailing expression, NULL for none */
	char *filter_buf;        /* the joined expression (owned) */
	bool have_f;
};

/* "netsift CMD: MESSAGE (try 'netsift CMD --help')" on stderr; returns 2. */
int ns_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* -r FILE: 0, or an exit status (out of memory). */
int ns_cli_add_r(struct ns_cli_in *in, const char *path);
/* -f EXPR: 0, or 2 (given twice). */
int ns_cli_set_f(struct ns_cli_in *in, const char *expr);
/* After getopt: the files or the trailing filter, checked. -1 to go on, or
 * the exit status (after one message). */
int ns_cli_in_finish(struct ns_cli_in *in, int argc, char **argv, int optind);
void ns_cli_in_free(struct ns_cli_in *in);
/* -v once: ok; twice: usage error. 0 or 2. */
int ns_cli_verbose(const char *cmd, bool *v);
/* getopt_long returned '?' (opterr = 0): one usage line; returns 2. */
int ns_cli_bad_option(const char *cmd, char **argv, int optind, int optopt);

#endif
