/* Event names and -e parsing. */
#include "events.h"

#include <stdio.h>
#include <string.h>

/* Flow and DNS entries are marked available by the helpers that produce them
 * (flow.c, dns.c) when they land; until then -e rejects them clearly instead
 * of silently emitting nothing. */
#ifndef NS_HAVE_FLOW
#define NS_HAVE_FLOW 1   /* src/flow.c + src/out_flow.c */
#endif
#ifndef NS_HAVE_DNS
#define NS_HAVE_DNS 1    /* dissect/dns.c + src/out_flow.c */
#endif

const struct ns_event_desc ns_events[] = {
	{ "net_packet_ipv4",    NS_EV_IPV4,       true },
	{ "net_packet_ipv6",    NS_EV_IPV6,       true },
	{ "net_packet_tcp",     NS_EV_TCP,        true },
	{ "net_packet_udp",     NS_EV_UDP,        true },
	{ "net_packet_icmp",    NS_EV_ICMP,       true },
	{ "net_packet_icmpv6",  NS_EV_ICMPV6,     true },
	{ "net_flow_tcp_begin", NS_EV_FLOW_BEGIN, NS_HAVE_FLOW },
	{ "net_flow_tcp_end",   NS_EV_FLOW_END,   NS_HAVE_FLOW },
	{ "net_packet_dns",     NS_EV_DNS,        NS_HAVE_DNS },
	/* `read`: the same as --analysis (trace does not analyse) */
	{ "net_tcp_analysis",   NS_EV_TCP_ANALYSIS, true },
};
const size_t ns_nevents = sizeof(ns_events) / sizeof(ns_events[0]);

const char *ns_event_name(uint32_t bit)
{
	for (size_t i = 0; i < ns_nevents; i++)
		if (ns_events[i].bit == bit)
			return ns_events[i].name;
	return NULL;
}

static void list_valid(char *err, size_t errlen, size_t used)
{
	for (size_t i = 0; i < ns_nevents && used < errlen; i++) {
		if (!ns_events[i].available)
			continue;
		int n = snprintf(err + used, errlen - used, "%s%s",
				 i ? "," : "", ns_events[i].name);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

int ns_events_parse(const char *list, uint32_t *mask, char *err, size_t errlen)
{
	uint32_t m = 0;
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const struct ns_event_desc *d = NULL;

		for (size_t i = 0; n && i < ns_nevents; i++)
			if (strlen(ns_events[i].name) == n &&
			    memcmp(ns_events[i].name, p, n) == 0)
				d = &ns_events[i];
		if (!d || !d->available) {
			int k = snprintf(err, errlen, "%s event '%.*s' (valid: ",
					 d ? "unavailable" : "unknown", (int)n, p);
			if (k > 0 && (size_t)k < errlen) {
				list_valid(err, errlen, (size_t)k);
				size_t used = strlen(err);
				snprintf(err + used, errlen - used, ")");
			}
			return -1;
		}
		m |= d->bit;
		if (!e)
			break;
		p = e + 1;
	}
	if (!m) {
		snprintf(err, errlen, "empty event list");
		return -1;
	}
	*mask = m;
	return 0;
}
