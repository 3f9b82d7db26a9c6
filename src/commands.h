/* Subcommands of the netsift program. Each takes argv with argv[0] = its name
 * and returns the process exit status. */
#ifndef NETSIFT_COMMANDS_H
#define NETSIFT_COMMANDS_H

#include <stdio.h>

/* Exit statuses shared by all commands (documented in netsift(1)). */
#define NS_EXIT_OK 0
#define NS_EXIT_ERROR 1   /* an input could not be read completely, or output failed */
#define NS_EXIT_USAGE 2   /* bad command line: option, event name, filter, CIDR */

int cmd_read(int argc, char **argv);
void cmd_read_usage(FILE *fp);
int cmd_analyze(int argc, char **argv);
void cmd_analyze_usage(FILE *fp);

#endif
