/* Option values shared by the commands: see cli_common.h. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

unsigned ns_cpus_available(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	n = CPU_COUNT(&set);
	if (n < 1)
		return 1;
	return n > NS_MAX_THREADS ? NS_MAX_THREADS : (unsigned)n;
}

int ns_cli_threads(const char *cmd, const char *arg, unsigned *out)
{
	uint64_t v;

	if (ns_cli_parse_u64(arg, 0, NS_MAX_THREADS, &v) < 0)
		return ns_cli_usage(cmd, "--threads needs a number from 0 to %d: %s",
				    NS_MAX_THREADS, arg);
	*out = (unsigned)v;
	return 0;
}

unsigned ns_cli_nthreads(unsigned n)
{
	return n ? n : ns_cpus_available();
}

int ns_cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull would take "-1" as a huge number */
	if (s[0] == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---- inputs and filter ---- */

#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

int ns_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netsift %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'netsift %s --help')\n", cmd);
	return NS_EXIT_USAGE;
}

int ns_cli_add_r(struct ns_cli_in *in, const char *path)
{
	char **f = realloc(in->files, (in->nfiles + 1) * sizeof(*f));

	if (!f) {
		fprintf(stderr, "netsift %s: out of memory\n", in->cmd);
		return NS_EXIT_ERROR;
	}
	f[in->nfiles++] = (char *)(uintptr_t)path;
	in->files = f;
	in->have_r = true;
	return 0;
}

int ns_cli_set_f(struct ns_cli_in *in, const char *expr)
{
	if (in->have_f)
		return ns_cli_usage(in->cmd, "-f given twice (combine the expressions: "
				    "'A and B')");
	in->have_f = true;
	in->filter = expr;
	return 0;
}

/* Why path cannot be read as an input, or NULL if it can. */
static const char *unreadable(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return NULL;
	if (stat(path, &st) != 0)
		return strerror(errno);
	if (S_ISDIR(st.st_mode))
		return "is a directory";
	if (access(path, R_OK) != 0)
		return strerror(errno);
	return NULL;
}

/* argv[from..to) joined with sep; NULL if out of memory. */
static char *join_sep(char **argv, int from, int to, const char *sep)
{
	size_t len = 1, ns = strlen(sep);
	char *s, *p;

	for (int i = from; i < to; i++)
		len += strlen(argv[i]) + ns;
	s = p = malloc(len);
	if (!s)
		return NULL;
	for (int i = from; i < to; i++) {
		size_t n = strlen(argv[i]);
		if (i > from) {
			memcpy(p, sep, ns);
			p += ns;
		}
		memcpy(p, argv[i], n);
		p += n;
	}
	*p = '\0';
	return s;
}

static char *join(char **argv, int from, int to)
{
	return join_sep(argv, from, to, " ");
}

int ns_cli_in_finish(struct ns_cli_in *in, int argc, char **argv, int optind)
{
	if (in->have_r) {
		/* tcpdump: what follows the options is the filter */
		if (optind < argc) {
			if (in->have_f)
				return ns_cli_usage(in->cmd, "a filter both with -f and after "
						    "the options: give one");
			in->filter = in->filter_buf = join(argv, optind, argc);
			if (!in->filter) {
				fprintf(stderr, "netsift %s: out of memory\n", in->cmd);
				return NS_EXIT_ERROR;
			}
		}
		for (size_t i = 0; i < in->nfiles; i++) {
			const char *why = unreadable(in->files[i]);
			if (why) {
				fprintf(stderr, "netsift %s: %s: %s\n", in->cmd, in->files[i], why);
				return NS_EXIT_ERROR;
			}
		}
		return -1;
	}
	if (optind >= argc)
		return ns_cli_usage(in->cmd, "no input file (give FILE or -r FILE; - for "
				    "standard input)");
	for (int i = optind; i < argc; i++) {
		const char *why = unreadable(argv[i]);
		if (why && i == optind && (strchr(argv[i], '/') || strstr(argv[i], ".pcap"))) {
			/* a file name: no filter words to hint at */
			return ns_cli_usage(in->cmd, "%s: %s", argv[i], why);
		}
		if (why) {
			/* e.g. `netsift read f.pcap tcp port 80`: the filter
			 * words were taken for files */
			char *files = join_sep(argv, optind, i, " -r "), *rest = join(argv, i, argc);
			fprintf(stderr, "netsift %s: %s: %s; did you mean -r FILE and a filter: "
				"'netsift %s -r %s %s'? (try 'netsift %s --help')\n",
				in->cmd, argv[i], why, in->cmd,
				files && *files ? files : "FILE", rest ? rest : "",
				in->cmd);
			free(files);
			free(rest);
			return NS_EXIT_USAGE;
		}
	}
	in->files = malloc((size_t)(argc - optind) * sizeof(*in->files));
	if (!in->files) {
		fprintf(stderr, "netsift %s: out of memory\n", in->cmd);
		return NS_EXIT_ERROR;
	}
	for (int i = optind; i < argc; i++)
		in->files[in->nfiles++] = argv[i];
	return -1;
}

void ns_cli_in_free(struct ns_cli_in *in)
{
	free(in->files);
	free(in->filter_buf);
	in->files = NULL;
	in->filter_buf = NULL;
}

int ns_cli_verbose(const char *cmd, bool *v)
{
	if (*v)
		return ns_cli_usage(cmd, "-v given twice: there is one level of -v");
	*v = true;
	return 0;
}

int ns_cli_bad_option(const char *cmd, char **argv, int optind, int optopt)
{
	if (optopt && optopt != '?')
		return ns_cli_usage(cmd, "unknown option or missing value: -%c", optopt);
	return ns_cli_usage(cmd, "unknown option or missing value: %s", argv[optind - 1]);
}
