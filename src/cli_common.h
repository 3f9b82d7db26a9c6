/* Option values that more than one command parses the same way
 * (netsift read, netsift trace). Each caller keeps its own error message. */
#ifndef NETSIFT_CLI_COMMON_H
#define NETSIFT_CLI_COMMON_H

#include <stdint.h>


/* A decimal number from min to max: no minus sign, no trailing characters.
 * Returns 0, or -1 (out untouched). */
int ns_cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
