/* The Tracee schema of the JSON format (--schema tracee, tracee.c). */
#ifndef NETSIFT_OUTPUT_TRACEE_H
#define NETSIFT_OUTPUT_TRACEE_H

#include <stddef.h>
#include <stdint.h>

#include "dissect.h"
#include "outbuf.h"
#include "output/output.h"

/* A JSON string escaped as Go's encoding/json does (Tracee's printer). */
void tr_str(struct outbuf *ob, const char *s, size_t n);
/* gopacket's IPProtocol name ("TCP", "ICMPv4", "UnknownIPProtocol"). */
const char *tr_ipproto_name(uint8_t proto);
/* gopacket's ICMPv4/ICMPv6 TypeCode.String() into buf. Returns its length. */
size_t tr_icmp_typecode(const struct ns_icmp *ic, char *buf, size_t len);

#endif
