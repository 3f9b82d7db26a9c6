/* The DNS decoder (dissect/dns.c) and what the DNS cache takes from a
 * response: every name and answer, CNAME chains, the lookups.
 * Input: a DNS message (as in a UDP payload). */
#include "fuzz.h"
#include "dns.h"
#include "flow/dnscache.h"

static struct ns_dns msg;    /* large: not on the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ns_dnscache *cache;
	const char *names[8];

	if (!cache)
		cache = ns_dnscache_new(4);   /* small: evictions happen */
	if (!cache || size > UINT32_MAX)
		return 0;
	memset(&msg, 0, sizeof(msg));
	if (ns_decode_dns(data, (uint32_t)size, &msg) < 0)
		return 0;
	ns_dnscache_add_response(cache, &msg, 1000000000ull);
	for (unsigned i = 0; i < msg.nan && i < NS_DNS_MAX_AN; i++)
		if (msg.an[i].addr.family)
			ns_dnscache_lookup(cache, &msg.an[i].addr, 1000000000ull, names, 8);
	return 0;
}
