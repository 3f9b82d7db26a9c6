/* netsift DNS message parser (RFC 1035, RFC 3596 for AAAA).
 *
 * Decodes the header, the question section and the answer section of one DNS
 * message into fixed-size arrays: no allocation, no I/O, every read
 * bounds-checked. Names are expanded through compression pointers; a pointer
 * must point strictly before the previous jump target, so a loop cannot
 * occur, and the expanded name is limited to 255 wire octets (RFC 1035 3.1).
 *
 * Authority and additional records are counted (nscount/arcount) but not
 * decoded: nothing in netsift uses them.
 */
#ifndef NETSIFT_DNS_H
#define NETSIFT_DNS_H

#include <stdint.h>
#include <stdbool.h>
#include "dissect.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Presentation form of a name, NUL-terminated: labels joined by '.', no
 * trailing dot, "." for the root. '.', '\\' and bytes outside 0x21..0x7e inside
 * a label are escaped as in dig ("\\.", "\\\\", "\\DDD"). 255 wire octets give at
 * most 253 characters unescaped; a name whose escapes do not fit is rejected. */
#define NS_DNS_NAME_MAX 256
#define NS_DNS_MAX_QD 4     /* questions kept (real messages have exactly one) */
#define NS_DNS_MAX_AN 32    /* answer records kept */

enum ns_dns_type {
	NS_DNS_T_A = 1, NS_DNS_T_NS = 2, NS_DNS_T_CNAME = 5, NS_DNS_T_SOA = 6,
	NS_DNS_T_PTR = 12, NS_DNS_T_MX = 15, NS_DNS_T_TXT = 16, NS_DNS_T_AAAA = 28,
	NS_DNS_T_SRV = 33, NS_DNS_T_OPT = 41, NS_DNS_T_DNAME = 39,
	NS_DNS_T_HTTPS = 65, NS_DNS_T_ANY = 255,
};

/* Problems found while decoding (struct ns_dns.errors). */
enum ns_dns_err {
	NS_DNS_E_TRUNCATED = 1u << 0, /* a section ends before its counts say */
	NS_DNS_E_BAD_NAME  = 1u << 1, /* bad label type, pointer loop/forward, > 255 octets */
	NS_DNS_E_BAD_RDATA = 1u << 2, /* rdata length impossible for its type */
	NS_DNS_E_TOO_MANY  = 1u << 3, /* more questions/answers than we keep */
};

struct ns_dns_question {
	char name[NS_DNS_NAME_MAX];
	uint16_t type;
	uint16_t qclass;
};

struct ns_dns_rr {
	char name[NS_DNS_NAME_MAX];
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	/* decoded rdata: A/AAAA → addr; CNAME/NS/PTR/DNAME/MX → target (MX: exchange) */
	struct ns_addr addr;          /* family 0 if not an address record */
	bool has_target;
	char target[NS_DNS_NAME_MAX];
};

struct ns_dns {
	uint16_t id;
	uint16_t hflags;              /* the 16-bit flags word as in the header */
	bool qr, aa, tc, rd, ra;
	uint8_t opcode;
	uint8_t z;                    /* the 3 bits Z/AD/CD, as a number */
	uint8_t rcode;
	uint16_t qdcount, ancount, nscount, arcount;
	uint8_t nq;                   /* questions decoded and kept */
	struct ns_dns_question q[NS_DNS_MAX_QD];
	uint8_t nan;                  /* answers decoded and kept */
	struct ns_dns_rr an[NS_DNS_MAX_AN];
	uint32_t errors;              /* enum ns_dns_err bits */
};

/* Decode one DNS message (the UDP payload, or one TCP message without its
 * 2-byte length prefix). Returns 0 when at least the 12-byte header was read
 * (the sections may be partial: see out->errors), -1 otherwise. Fills only
 * what it reaches; counts nq/nan tell how much. */
int ns_decode_dns(const uint8_t *data, uint32_t caplen, struct ns_dns *out);

/* Expand the name at offset off of msg[0..len). Writes the presentation form
 * into out (NS_DNS_NAME_MAX bytes) and the offset just past the name's wire
 * form (at its original place, not after a pointer target) into *next.
 * Returns 0 or -1 (truncated / malformed; out is then ""). */
int ns_dns_read_name(const uint8_t *msg, uint32_t len, uint32_t off,
		     char *out, uint32_t *next);

/* Case-insensitive (ASCII) name equality, as DNS compares names. */
bool ns_dns_name_equal(const char *a, const char *b);

/* Names for the JSON summary: "A", "AAAA", "CNAME", ... or NULL (print the number);
 * "IN", "CH", ... ; "query", "iquery", "status", "notify", "update"; "no error",
 * "format error", "server failure", "name error", "not implemented", "refused". */
const char *ns_dns_type_name(uint16_t type);
const char *ns_dns_class_name(uint16_t qclass);
const char *ns_dns_opcode_name(uint8_t opcode);
const char *ns_dns_rcode_name(uint8_t rcode);

#ifdef __cplusplus
}
#endif
#endif
