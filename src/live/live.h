/* `netsift trace`: live per-process packet tracing with eBPF (see live.c and
 * the TRACE section of netsift(1)). Built only with the live backend. */
#ifndef NETSIFT_LIVE_H
#define NETSIFT_LIVE_H

/* argv[0] is "trace". Returns the process exit status. */
int cmd_trace(int argc, char **argv);

/* processName of packets no user process owns (kernel-sent RSTs, ICMP
 * replies, neighbour discovery, TIME_WAIT ACKs); processId is 0. */
#define NS_KERNEL_COMM "[kernel]"

#endif
