/* Community ID v1 flow hashing (corelight/community-id-spec, README.md
 * "Pseudo code" and the reference community-id.py; ICMP type/code mapping as
 * in corelight/pycommunityid communityid/icmp.py and icmp6.py, which mirror
 * Zeek's ICMP4_counterpart/ICMP6_counterpart in src/analyzer/protocol/icmp/ICMP.cc).
 *
 *   sha1(seed16 . saddr . daddr . proto8 . 0 . sport16 . dport16)
 *   -> "1:" + base64(digest)
 *
 * all in network byte order, endpoints ordered so the smaller address (then
 * port) comes first, except for one-way ICMP messages. Ports are left out for
 * IP protocols that have none. SHA-1 is nettle's.
 */
#ifndef NETSIFT_COMMUNITYID_H
#define NETSIFT_COMMUNITYID_H

#include <stdbool.h>
#include <stdint.h>

#include "dissect.h"

#define NS_CID_STRLEN 32      /* "1:" + 28 base64 characters + NUL (31) */

/* The tuple hashed: ports (or ICMP port equivalents) are used when has_ports. */
struct ns_cid_tuple {
	struct ns_addr src, dst;
	uint8_t proto;
	bool has_ports;
	uint16_t sport, dport;
	bool one_way;            /* ICMP message without a counterpart: never reordered */
};

/* The ICMP (proto 1) or ICMPv6 (58) port equivalents of a type and code:
 * sport = type, dport = the counterpart type (one_way false) or the code
 * (one_way true). */
void ns_cid_icmp_ports(uint8_t proto, uint8_t type, uint8_t code,
		       uint16_t *sport, uint16_t *dport, bool *one_way);

/* Hash t with seed into out ("1:..."). 0, or -1 when the addresses are not
 * of one family or SHA-1 failed (out is then ""). */
int ns_community_id(uint16_t seed, const struct ns_cid_tuple *t, char out[NS_CID_STRLEN]);

/* The tuple of a decoded packet: TCP, UDP, SCTP ports, ICMP/ICMPv6 type and
 * code, other IP protocols without ports. false when the packet has no IP
 * layer, or is a non-first fragment of a protocol with ports (its ports are
 * not in it) or its transport header is cut. */
bool ns_cid_packet_tuple(const struct ns_packet *pkt, struct ns_cid_tuple *t);

#endif
