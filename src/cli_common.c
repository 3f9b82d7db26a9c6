/* Option values shared by the commands: see cli_common.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"

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
