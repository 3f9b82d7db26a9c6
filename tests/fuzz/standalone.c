#ifndef NS_FUZZING
/* main() of a harness built without libFuzzer (make check): run
 * LLVMFuzzerTestOneInput once per file named on the command line, or per
 * file in a directory named there. Exit 0 when every input ran (a crash or a
 * sanitizer report ends the process before that). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, k;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (cap - len < 65536) {
			uint8_t *b = realloc(buf, cap + 65536 + 1);
			if (!b) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = b;
			cap += 65536;
		}
		k = fread(buf + len, 1, cap - len, f);
		len += k;
	} while (k > 0);
	fclose(f);
	/* an exact-size copy, as libFuzzer passes it: an over-read is seen */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, unsigned long *n)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*n)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0;
	int rc = 0;

	if (!d) {
		perror(path);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char **a = realloc(names, (nn + 1) * sizeof(*a));
		if (!a)
			break;
		names = a;
		names[nn] = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (!names[nn])
			break;
		sprintf(names[nn++], "%s/%s", path, e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp);
	for (size_t i = 0; i < nn; i++) {
		if (run_path(names[i], n) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long n = 0;
	int rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &n) < 0)
			rc = 1;
	printf("%s: %lu inputs run\n", argv[0], n);
	return rc;
}
#endif
