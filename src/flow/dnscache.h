/* netsift DNS cache: which names DNS answers mapped to an address.
 *
 * Fed with decoded DNS responses seen in the same input (live or replay), it
 * keeps (address, name) pairs: the name is the one that was asked for, CNAME
 * chains in the answer being followed back from the A/AAAA owner to the
 * question. Each pair is valid from the packet time of the answer until that
 * time plus the TTL (the smallest along the chain; at least
 * NS_DNSCACHE_MIN_TTL_S so a TTL-0 answer still names the connection that
 * follows it). Time is packet time, so replay equals live.
 *
 * Bounded: a fixed pool of entries allocated at creation; when full, the
 * least recently refreshed entry is reused. Pure logic, no I/O.
 */
#ifndef NETSIFT_DNSCACHE_H
#define NETSIFT_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>
#include "dissect.h"
#include "dns.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NS_DNSCACHE_DEFAULT_MAX 16384u
#define NS_DNSCACHE_MIN_TTL_S 1u
#define NS_DNSCACHE_MAX_CHAIN 16u   /* CNAME hops followed back to the question */

struct ns_dnscache;

/* max_entries 0 = default. NULL on allocation failure. */
struct ns_dnscache *ns_dnscache_new(uint32_t max_entries);
void ns_dnscache_free(struct ns_dnscache *c);
/* Empty and the eviction count zero, as ns_dnscache_new() made it. */
void ns_dnscache_clear(struct ns_dnscache *c);

/* Remember that name maps to addr from now_ns for ttl_s seconds. A pair
 * already valid is extended; an expired one starts a new validity. */
void ns_dnscache_put(struct ns_dnscache *c, const struct ns_addr *addr,
		     const char *name, uint64_t now_ns, uint32_t ttl_s);

/* Add what a DNS response (QR=1, rcode 0) says: every A/AAAA answer, under
 * the name reached by following CNAMEs back from its owner. Returns the
 * number of (address, name) pairs stored. Queries and errors add nothing. */
size_t ns_dnscache_add_response(struct ns_dnscache *c, const struct ns_dns *msg, uint64_t now_ns);

/* Names valid for addr at time at_ns, sorted, at most max; pointers into the
 * cache, valid until the next put/add. Returns how many. */
size_t ns_dnscache_lookup(const struct ns_dnscache *c, const struct ns_addr *addr,
			  uint64_t at_ns, const char **names, size_t max);

uint32_t ns_dnscache_count(const struct ns_dnscache *c);   /* entries in use */
/* Entries dropped to make room (the least recently refreshed, pool full),
 * expired or not: a later connection to that address gets no name. */
uint64_t ns_dnscache_evicted(const struct ns_dnscache *c);

#ifdef __cplusplus
}
#endif
#endif
