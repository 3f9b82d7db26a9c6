/* --schema tracee: events exactly in the shape of Tracee's JSON output, so
 * that consumers written for Tracee (jq filters, tracee-rules signatures)
 * read netsift's events unchanged.
 *
 * Followed (aquasecurity/tracee):
 *   types/trace/trace.go          the Event envelope: key order, types
 *                                 (eventId is a string: `json:"eventId,string"`),
 *                                 container/kubernetes always present as
 *                                 objects, matchedPolicies and metadata omitted
 *                                 when empty;
 *   types/trace/network_trace.go  ProtoIPv4/IPv6/TCP/UDP/ICMP/ICMPv6/DNS,
 *                                 PacketMetadata {direction: 0/1/2};
 *   pkg/events/core.go            event ids (NetPacketIPv4 = 2000 ...) and the
 *                                 argument names and types of net_packet_*
 *                                 and net_flow_tcp_begin/end;
 *   pkg/events/derive/derive.go   derived events: returnValue 0,
 *                                 stackAddresses [0];
 *   pkg/events/derive/net_packet_helpers.go   field conversions (flags as
 *                                 0/1, protocol names from gopacket, DNS
 *                                 opCode/responseCode lower-cased);
 *   pkg/events/derive/net_flow_tcp.go         flow args (begin: src = the
 *                                 initiator; end: conn_direction "").
 * Protocol and ICMP type names are gopacket's (layers/enums.go, icmp4.go),
 * which Tracee prints. Values netsift cannot know are Go's zero values, as
 * Tracee prints a field it did not fill. The mapping table is in
 * netsift-events(7), "TRACEE SCHEMA". */
#include <stdio.h>
#include <string.h>

#include "output/tracee.h"
#include "output/json.h"
#include "dns.h"
#include "flow/flow.h"
#include "procctx.h"

/* ---- Go's encoding/json string escaping ----
 * Go escapes <, > and & (HTML-safe), U+2028/U+2029, control characters as
 * \u00XX except \n \r \t, and replaces invalid UTF-8 with U+FFFD. */

static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t need;
	uint32_t cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	need = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < need)
		return 0;
	cp = c & (need == 2 ? 0x1f : need == 3 ? 0x0f : 0x07);
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

void tr_str(struct outbuf *ob, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;

	ob_putc(ob, '"');
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k;

		if (c >= 0x80) {
			k = utf8_len(s + i, n - i);
			if (!k) {
				OB_LIT(ob, "\\ufffd");
				i++;
			} else if (k == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
				   (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
				OB_LIT(ob, "\\u202");
				ob_putc(ob, s[i + 2] == 0xa8 ? '8' : '9');
				i += 3;
			} else {
				ob_mem(ob, s + i, k);
				i += k;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': OB_LIT(ob, "\\\""); break;
		case '\\': OB_LIT(ob, "\\\\"); break;
		case '\n': OB_LIT(ob, "\\n"); break;
		case '\r': OB_LIT(ob, "\\r"); break;
		case '\t': OB_LIT(ob, "\\t"); break;
		case '<': case '>': case '&':
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				OB_LIT(ob, "\\u00");
				ob_putc(ob, hex[c >> 4]);
				ob_putc(ob, hex[c & 15]);
			} else {
				ob_putc(ob, (char)c);
			}
			break;
		}
	}
	ob_putc(ob, '"');
}

static void tr_cstr(struct outbuf *ob, const char *s)
{
	tr_str(ob, s, strlen(s));
}

static void tr_addr(struct outbuf *ob, const struct ns_addr *a)
{
	ob_putc(ob, '"');
	ob_addr(ob, a);      /* empty when there is none, as Go prints a nil net.IP's "" */
	ob_putc(ob, '"');
}

/* ---- names ---- */

/* gopacket's IPProtocol.String() (layers/enums.go). */
const char *tr_ipproto_name(uint8_t p)
{
	switch (p) {
	case 0: return "IPv6HopByHop";
	case 1: return "ICMPv4";
	case 2: return "IGMP";
	case 4: return "IPv4";
	case 6: return "TCP";
	case 17: return "UDP";
	case 27: return "RUDP";
	case 41: return "IPv6";
	case 43: return "IPv6Routing";
	case 44: return "IPv6Fragment";
	case 47: return "GRE";
	case 50: return "IPSecESP";
	case 51: return "IPSecAH";
	case 58: return "ICMPv6";
	case 59: return "NoNextHeader";
	case 94: return "IPv4";
	case 97: return "EtherIP";
	case 132: return "SCTP";
	case 136: return "UDPLite";
	case 137: return "MPLS";
	default: return "UnknownIPProtocol";
	}
}

/* gopacket's ICMPv4TypeCode.String() (layers/icmp4.go): its names differ
 * from netsift's default schema in a few places (SourceRoutingFailed,
 * HostPrecedence, TOS+Net, InfoRequest). */
static const char *const v4_unreach[16] = {
	"Net", "Host", "Protocol", "Port", "FragmentationNeeded", "SourceRoutingFailed",
	"NetUnknown", "HostUnknown", "SourceIsolated", "NetAdminProhibited",
	"HostAdminProhibited", "NetTOS", "HostTOS", "CommAdminProhibited",
	"HostPrecedence", "PrecedenceCutoff",
};
static const char *const v4_redirect[4] = { "Net", "Host", "TOS+Net", "TOS+Host" };
static const char *const v4_timxceed[2] = { "TTLExceeded", "FragmentReassemblyTimeExceeded" };
static const char *const v4_paramprob[3] = { "PointerIndicatesError", "MissingOption", "BadLength" };

static const char *icmp4_type(uint8_t t, const char *const **codes, unsigned *ncodes)
{
	*codes = NULL;
	*ncodes = 0;
	switch (t) {
	case 0: return "EchoReply";
	case 3: *codes = v4_unreach; *ncodes = 16; return "DestinationUnreachable";
	case 4: return "SourceQuench";
	case 5: *codes = v4_redirect; *ncodes = 4; return "Redirect";
	case 8: return "EchoRequest";
	case 9: return "RouterAdvertisement";
	case 10: return "RouterSolicitation";
	case 11: *codes = v4_timxceed; *ncodes = 2; return "TimeExceeded";
	case 12: *codes = v4_paramprob; *ncodes = 3; return "ParameterProblem";
	case 13: return "TimestampRequest";
	case 14: return "TimestampReply";
	case 15: return "InfoRequest";
	case 16: return "InfoReply";
	case 17: return "AddressMaskRequest";
	case 18: return "AddressMaskReply";
	default: return NULL;
	}
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

size_t tr_icmp_typecode(const struct ns_icmp *ic, char *buf, size_t len)
{
	int n;

	if (ic->version == 4) {
		const char *const *codes;
		unsigned ncodes;
		const char *t = icmp4_type(ic->type, &codes, &ncodes);

		if (!t)
			n = snprintf(buf, len, "%u(%u)", ic->type, ic->code);
		else if (!codes && ic->code == 0)
			n = snprintf(buf, len, "%s", t);
		else if (codes && ic->code < ncodes)
			n = snprintf(buf, len, "%s(%s)", t, codes[ic->code]);
		else
			n = snprintf(buf, len, "%s(Code: %u)", t, ic->code);
	} else {
		/* netsift's ICMPv6 names are gopacket's (dissect/icmp.c); only
		 * the forms for unknown types and codes differ */
		char nb[64];
		size_t k = ns_icmp_typecode(ic, nb, sizeof(nb));
		char *par = memchr(nb, '(', k);

		if (strncmp(nb, "Type(", 5) == 0)
			n = snprintf(buf, len, "%u(%u)", ic->type, ic->code);
		else if (par && nb[k - 1] == ')' && all_digits(par + 1, (size_t)(nb + k - 1 - par - 1)))
			n = snprintf(buf, len, "%.*s(Code: %u)", (int)(par - nb), nb, ic->code);
		else
			n = snprintf(buf, len, "%s", nb);
	}
	if (n < 0 || len == 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

/* ---- the envelope (trace.Event) ---- */

/* Tracee's event ids (pkg/events/core.go: NetPacketIPv4 ID = iota + 2000). */
enum {
	TR_ID_IPV4 = 2000, TR_ID_IPV6, TR_ID_TCP, TR_ID_UDP, TR_ID_ICMP, TR_ID_ICMPV6,
	TR_ID_DNS, TR_ID_FLOW_TCP_BEGIN = 2013, TR_ID_FLOW_TCP_END,
};

/* Everything up to and including "args":[ . netsift's process ids are the
 * host's (eBPF in the root pid namespace). With the process context of a live
 * trace (src/procctx.h) the fields are Tracee's: processId/threadId/
 * parentProcessId in the process's own pid namespace, host* in the root one,
 * the namespace inodes, executable.path, containerId and container.id (from
 * the cgroup path, as Tracee's pkg/containers/containers.go; Tracee's name,
 * image and kubernetes come from the runtime's API, which netsift does not
 * ask). Without it (capture files) the namespace ids equal the host's and
 * the rest is empty. */
static void tr_begin(struct outbuf *ob, const struct ns_ctx *ctx, unsigned id,
		     const char *name, unsigned nargs)
{
	const struct ns_procctx *c = ctx->task.proc;

	OB_LIT(ob, "{\"timestamp\":");
	ob_u64(ob, ctx->ts_ns);
	OB_LIT(ob, ",\"threadStartTime\":0,\"processorId\":0,\"processId\":");
	ob_u64(ob, c ? c->ns_pid : ctx->task.pid);
	OB_LIT(ob, ",\"cgroupId\":");
	ob_u64(ob, ctx->task.cgroup_id);
	OB_LIT(ob, ",\"threadId\":");
	ob_u64(ob, c ? c->ns_tid : ctx->task.tid);
	OB_LIT(ob, ",\"parentProcessId\":");
	ob_u64(ob, c ? c->ns_ppid : 0);
	OB_LIT(ob, ",\"hostProcessId\":");
	ob_u64(ob, ctx->task.pid);
	OB_LIT(ob, ",\"hostThreadId\":");
	ob_u64(ob, ctx->task.tid);
	OB_LIT(ob, ",\"hostParentProcessId\":");
	ob_u64(ob, c ? c->ppid : 0);
	OB_LIT(ob, ",\"userId\":");
	ob_u64(ob, ctx->task.uid);
	OB_LIT(ob, ",\"mountNamespace\":");
	ob_u64(ob, c ? c->mnt_ns : 0);
	OB_LIT(ob, ",\"pidNamespace\":");
	ob_u64(ob, c ? c->pid_ns : 0);
	OB_LIT(ob, ",\"processName\":");
	tr_str(ob, ctx->task.comm, strnlen(ctx->task.comm, sizeof(ctx->task.comm)));
	OB_LIT(ob, ",\"executable\":{\"path\":");
	tr_str(ob, c ? c->exe : "", c ? strlen(c->exe) : 0);
	OB_LIT(ob, "},\"hostName\":\"\",\"containerId\":\"");
	if (c && c->container_id[0]) {
		ob_str(ob, c->container_id);      /* hex digits: no escaping */
		OB_LIT(ob, "\",\"container\":{\"id\":\"");
		ob_str(ob, c->container_id);
		OB_LIT(ob, "\"}");
	} else {
		OB_LIT(ob, "\",\"container\":{}");
	}
	OB_LIT(ob, ",\"kubernetes\":{},\"eventId\":\"");
	ob_u64(ob, id);
	OB_LIT(ob, "\",\"eventName\":\"");
	ob_str(ob, name);
	OB_LIT(ob, "\",\"argsNum\":");
	ob_u64(ob, nargs);
	OB_LIT(ob, ",\"returnValue\":0,\"syscall\":\"\",\"stackAddresses\":[0],"
	       "\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
	       "\"threadEntityId\":0,\"processEntityId\":0,\"parentEntityId\":0,\"args\":[");
}

static void tr_end(struct outbuf *ob)
{
	OB_LIT(ob, "]}\n");
}

/* Argument headers come from oj_arg (json.h): Tracee's argument object has
 * the same bytes as netsift's default schema. */
static void tr_addr_arg(struct outbuf *ob, bool first, const char *name,
			const struct ns_addr *a)
{
	oj_arg(ob, first, name, "const char*");
	tr_addr(ob, a);
	oj_arg_end(ob);
}

static void tr_port_arg(struct outbuf *ob, const char *name, uint16_t port)
{
	oj_arg(ob, false, name, "u16");
	ob_u64(ob, port);
	oj_arg_end(ob);
}

static void kv_u64(struct outbuf *ob, const char *key, uint64_t v)
{
	ob_putc(ob, ',');
	ob_putc(ob, '"');
	ob_str(ob, key);
	OB_LIT(ob, "\":");
	ob_u64(ob, v);
}

/* ,"key":"name" for the fixed names of enums: no escaping needed. */
static void kv_name(struct outbuf *ob, const char *key, const char *name)
{
	OB_LIT(ob, ",\"");
	ob_str(ob, key);
	OB_LIT(ob, "\":\"");
	ob_str(ob, name);
	ob_putc(ob, '"');
}

/* ---- packet events ---- */

static uint16_t pkt_sport(const struct ns_packet *pkt)
{
	return pkt->l4 == NS_L4_TCP ? pkt->tcp.src_port : pkt->udp.src_port;
}

static uint16_t pkt_dport(const struct ns_packet *pkt)
{
	return pkt->l4 == NS_L4_TCP ? pkt->tcp.dst_port : pkt->udp.dst_port;
}

/* src, dst[, src_port, dst_port], metadata */
static void tr_packet_args(struct outbuf *ob, const struct ns_packet *pkt, bool ports)
{
	unsigned dir = pkt->ctx->direction == NS_DIR_INGRESS ? 1
		     : pkt->ctx->direction == NS_DIR_EGRESS ? 2 : 0;

	tr_addr_arg(ob, true, "src", &pkt->src);
	tr_addr_arg(ob, false, "dst", &pkt->dst);
	if (ports) {
		tr_port_arg(ob, "src_port", pkt_sport(pkt));
		tr_port_arg(ob, "dst_port", pkt_dport(pkt));
	}
	oj_arg(ob, false, "metadata", "trace.PacketMetadata");
	OB_LIT(ob, "{\"direction\":");
	ob_u64(ob, dir);
	OB_LIT(ob, "}}");
}

/* A net_packet_* event: its id and name, and its last argument, the proto
 * object. Those with ports have 6 arguments, the others 4. */
struct tr_pkt_event {
	unsigned id;
	const char *name, *proto_arg, *proto_type;
	bool ports;
};

static const struct tr_pkt_event TR_IPV4 = {
	TR_ID_IPV4, "net_packet_ipv4", "proto_ipv4", "trace.ProtoIPv4", false };
static const struct tr_pkt_event TR_IPV6 = {
	TR_ID_IPV6, "net_packet_ipv6", "proto_ipv6", "trace.ProtoIPv6", false };
static const struct tr_pkt_event TR_TCP = {
	TR_ID_TCP, "net_packet_tcp", "proto_tcp", "trace.ProtoTCP", true };
static const struct tr_pkt_event TR_UDP = {
	TR_ID_UDP, "net_packet_udp", "proto_udp", "trace.ProtoUDP", true };
static const struct tr_pkt_event TR_ICMP = {
	TR_ID_ICMP, "net_packet_icmp", "proto_icmp", "trace.ProtoICMP", false };
static const struct tr_pkt_event TR_ICMPV6 = {
	TR_ID_ICMPV6, "net_packet_icmpv6", "proto_icmpv6", "trace.ProtoICMPv6", false };
static const struct tr_pkt_event TR_DNS = {
	TR_ID_DNS, "net_packet_dns", "proto_dns", "trace.ProtoDNS", true };

/* Everything up to the proto object's first key. */
static void tr_packet_begin(struct outbuf *ob, const struct ns_packet *pkt,
			    const struct tr_pkt_event *e)
{
	tr_begin(ob, pkt->ctx, e->id, e->name, e->ports ? 6 : 4);
	tr_packet_args(ob, pkt, e->ports);
	oj_arg(ob, false, e->proto_arg, e->proto_type);
}

/* Closes the proto object, its argument and the event. */
static void tr_packet_end(struct outbuf *ob)
{
	OB_LIT(ob, "}}");
	tr_end(ob);
}

/* The tail shared by ProtoIPv4 and ProtoIPv6. */
static void tr_ip_addrs(struct outbuf *ob, const struct ns_packet *pkt)
{
	OB_LIT(ob, ",\"srcIP\":");
	tr_addr(ob, &pkt->src);
	OB_LIT(ob, ",\"dstIP\":");
	tr_addr(ob, &pkt->dst);
}

static void ev_ipv4(struct outbuf *ob, const struct ns_packet *pkt)
{
	const struct ns_ipv4 *ip = &pkt->ip4;

	tr_packet_begin(ob, pkt, &TR_IPV4);
	OB_LIT(ob, "{\"version\":");
	ob_u64(ob, ip->version);
	kv_u64(ob, "IHL", ip->ihl);
	kv_u64(ob, "TOS", ip->tos);
	kv_u64(ob, "length", ip->total_len);
	kv_u64(ob, "id", ip->id);
	kv_u64(ob, "flags", ip->flags);
	kv_u64(ob, "fragOffset", ip->frag_off);
	kv_u64(ob, "TTL", ip->ttl);
	kv_name(ob, "protocol", tr_ipproto_name(ip->protocol));
	kv_u64(ob, "checksum", ip->checksum);
	tr_ip_addrs(ob, pkt);
	tr_packet_end(ob);
}

static void ev_ipv6(struct outbuf *ob, const struct ns_packet *pkt)
{
	const struct ns_ipv6 *ip = &pkt->ip6;

	tr_packet_begin(ob, pkt, &TR_IPV6);
	OB_LIT(ob, "{\"version\":");
	ob_u64(ob, ip->version);
	kv_u64(ob, "trafficClass", ip->traffic_class);
	kv_u64(ob, "flowLabel", ip->flow_label);
	kv_u64(ob, "length", ip->payload_len);
	kv_name(ob, "nextHeader", tr_ipproto_name(ip->next_header));
	kv_u64(ob, "hopLimit", ip->hop_limit);
	tr_ip_addrs(ob, pkt);
	tr_packet_end(ob);
}

/* The head shared by ProtoTCP and ProtoUDP. */
static void tr_ports_head(struct outbuf *ob, uint16_t sport, uint16_t dport)
{
	OB_LIT(ob, "{\"srcPort\":");
	ob_u64(ob, sport);
	kv_u64(ob, "dstPort", dport);
}

/* ProtoTCP: the nine flags as 0/1. (Tracee's getProtoTCP leaves CWR at 0
 * by omission; netsift sets it from the header.) */
static void ev_tcp(struct outbuf *ob, const struct ns_packet *pkt)
{
	static const char *const names[9] = {
		"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS",
	};
	const struct ns_tcp *t = &pkt->tcp;

	tr_packet_begin(ob, pkt, &TR_TCP);
	tr_ports_head(ob, t->src_port, t->dst_port);
	kv_u64(ob, "seq", t->seq);
	kv_u64(ob, "ack", t->ack);
	kv_u64(ob, "dataOffset", t->data_offset);
	for (unsigned i = 0; i < 9; i++)
		kv_u64(ob, names[i], (t->flags >> i) & 1u);
	kv_u64(ob, "window", t->window);
	kv_u64(ob, "checksum", t->checksum);
	kv_u64(ob, "urgent", t->urgent);
	tr_packet_end(ob);
}

static void ev_udp(struct outbuf *ob, const struct ns_packet *pkt)
{
	const struct ns_udp *u = &pkt->udp;

	tr_packet_begin(ob, pkt, &TR_UDP);
	tr_ports_head(ob, u->src_port, u->dst_port);
	kv_u64(ob, "length", u->length);
	kv_u64(ob, "checksum", u->checksum);
	tr_packet_end(ob);
}

static void ev_icmp(struct outbuf *ob, const struct ns_packet *pkt, bool v6)
{
	const struct ns_icmp *ic = &pkt->icmp;
	char tc[80];
	size_t n = tr_icmp_typecode(ic, tc, sizeof(tc));

	tr_packet_begin(ob, pkt, v6 ? &TR_ICMPV6 : &TR_ICMP);
	OB_LIT(ob, "{\"typeCode\":");
	tr_str(ob, tc, n);
	kv_u64(ob, "checksum", ic->checksum);
	if (!v6) {
		/* gopacket reads id and seq from bytes 4-7 of every ICMPv4
		 * message; netsift keeps them for the echo-like types only */
		kv_u64(ob, "id", ic->has_echo ? ic->id : 0);
		kv_u64(ob, "seq", ic->has_seq ? ic->seq : 0);
	}
	tr_packet_end(ob);
}

static unsigned tracee_packet(struct ns_out *o, const struct ns_packet *pkt,
			      const uint8_t *end, uint32_t sel)
{
	struct outbuf *ob = o->ob;
	unsigned n = 0;

	(void)end;
	if (sel & NS_EV_IPV4) {
		ev_ipv4(ob, pkt);
		n++;
	}
	if (sel & NS_EV_IPV6) {
		ev_ipv6(ob, pkt);
		n++;
	}
	if (sel & NS_EV_TCP) {
		ev_tcp(ob, pkt);
		n++;
	} else if (sel & NS_EV_UDP) {
		ev_udp(ob, pkt);
		n++;
	} else if (sel & NS_EV_ICMP) {
		ev_icmp(ob, pkt, false);
		n++;
	} else if (sel & NS_EV_ICMPV6) {
		ev_icmp(ob, pkt, true);
		n++;
	}
	return n;
}

/* ---- flow events (derive/net_flow_tcp.go) ---- */

static void tr_domains(struct outbuf *ob, const char *name, const char *const *v, size_t n)
{
	oj_arg(ob, false, name, "const char **");
	ob_putc(ob, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_putc(ob, ',');
		tr_cstr(ob, v[i]);
	}
	OB_LIT(ob, "]}");
}

static void tracee_flow(struct ns_out *o, const struct ns_flow_event *ev,
			const struct ns_flow_domains *d)
{
	struct outbuf *ob = o->ob;
	bool begin = ev->type == NS_FLOW_EV_BEGIN;
	const char *dir = "";
	struct ns_ctx c;

	oj_flow_ctx(&c, ev);
	/* Tracee names the direction on begin only, and leaves it "" when the
	 * packet direction is unknown */
	if (begin && ev->direction == NS_FLOW_DIR_INCOMING)
		dir = "incoming";
	else if (begin && ev->direction == NS_FLOW_DIR_OUTGOING)
		dir = "outgoing";
	if (begin)
		tr_begin(ob, &c, TR_ID_FLOW_TCP_BEGIN, "net_flow_tcp_begin", 7);
	else
		tr_begin(ob, &c, TR_ID_FLOW_TCP_END, "net_flow_tcp_end", 7);
	oj_arg(ob, true, "conn_direction", "const char*");
	tr_cstr(ob, dir);
	ob_putc(ob, '}');
	tr_addr_arg(ob, false, "src", &ev->src);
	tr_addr_arg(ob, false, "dst", &ev->dst);
	tr_port_arg(ob, "src_port", ev->src_port);
	tr_port_arg(ob, "dst_port", ev->dst_port);
	tr_domains(ob, "src_dns", d->src, d->nsrc);
	tr_domains(ob, "dst_dns", d->dst, d->ndst);
	tr_end(ob);
}

/* ---- net_packet_dns (ProtoDNS) ---- */

/* gopacket's DNSType / DNSClass names, which Tracee prints. */
static const char *dns_type(uint16_t t)
{
	switch (t) {
	case 1: return "A";
	case 2: return "NS";
	case 3: return "MD";
	case 4: return "MF";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 7: return "MB";
	case 8: return "MG";
	case 9: return "MR";
	case 10: return "NULL";
	case 11: return "WKS";
	case 12: return "PTR";
	case 13: return "HINFO";
	case 14: return "MINFO";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 41: return "OPT";
	case 256: return "URI";
	default: return "Unknown";
	}
}

static const char *dns_class(uint16_t c)
{
	switch (c) {
	case 1: return "IN";
	case 2: return "CS";
	case 3: return "CH";
	case 4: return "HS";
	case 255: return "Any";
	default: return "Unknown";
	}
}

/* DNSOpCode / DNSResponseCode .String(), lower-cased as Tracee does. */
static const char *dns_opcode(uint8_t op)
{
	switch (op) {
	case 0: return "query";
	case 1: return "iquery";
	case 2: return "status";
	case 4: return "notify";
	case 5: return "update";
	default: return "unknown";
	}
}

static const char *dns_rcode(uint8_t rc)
{
	static const char *const n[11] = {
		"no error", "format error", "server failure", "non-existent domain",
		"not implemented", "query refused", "name exists when it should not",
		"rr set exists when it should not", "rr set that should exist does not",
		"server not authoritative for zone", "name not contained in zone",
	};
	return rc < 11 ? n[rc] : "unknown";
}

static void dns_rr(struct outbuf *ob, const struct ns_dns_rr *rr)
{
	const char *target = rr->has_target ? rr->target : "";

	OB_LIT(ob, "{\"name\":");
	tr_cstr(ob, rr->name);
	OB_LIT(ob, ",\"type\":\"");
	ob_str(ob, dns_type(rr->type));
	OB_LIT(ob, "\",\"class\":\"");
	ob_str(ob, dns_class(rr->rclass));
	OB_LIT(ob, "\",\"TTL\":");
	ob_u64(ob, rr->ttl);
	OB_LIT(ob, ",\"IP\":");
	tr_addr(ob, &rr->addr);
	OB_LIT(ob, ",\"NS\":");
	tr_cstr(ob, rr->type == 2 ? target : "");
	OB_LIT(ob, ",\"CNAME\":");
	tr_cstr(ob, rr->type == 5 ? target : "");
	OB_LIT(ob, ",\"PTR\":");
	tr_cstr(ob, rr->type == 12 ? target : "");
	OB_LIT(ob, ",\"TXTs\":[],\"SOA\":{\"MName\":\"\",\"RName\":\"\",\"serial\":0,"
	       "\"refresh\":0,\"retry\":0,\"expire\":0,\"minimum\":0},"
	       "\"SRV\":{\"priority\":0,\"weight\":0,\"port\":0,\"name\":\"\"},"
	       "\"MX\":{\"preference\":0,\"name\":");
	tr_cstr(ob, rr->type == 15 ? target : "");
	OB_LIT(ob, "},\"OPT\":[],\"URI\":{\"priority\":0,\"weight\":0,\"target\":\"\"},"
	       "\"TXT\":\"\"}");
}

static void tracee_dns(struct ns_out *o, const struct ns_packet *pkt, uint16_t sport,
		       uint16_t dport, const struct ns_dns *m)
{
	struct outbuf *ob = o->ob;

	(void)sport;
	(void)dport;
	tr_packet_begin(ob, pkt, &TR_DNS);
	OB_LIT(ob, "{\"ID\":");
	ob_u64(ob, m->id);
	kv_u64(ob, "QR", m->qr);
	kv_name(ob, "opCode", dns_opcode(m->opcode));
	kv_u64(ob, "AA", m->aa);
	kv_u64(ob, "TC", m->tc);
	kv_u64(ob, "RD", m->rd);
	kv_u64(ob, "RA", m->ra);
	kv_u64(ob, "Z", m->z);
	kv_name(ob, "responseCode", dns_rcode(m->rcode));
	kv_u64(ob, "QDCount", m->qdcount);
	kv_u64(ob, "ANCount", m->ancount);
	kv_u64(ob, "NSCount", m->nscount);
	kv_u64(ob, "ARCount", m->arcount);
	OB_LIT(ob, ",\"questions\":[");
	for (uint8_t i = 0; i < m->nq; i++) {
		if (i)
			ob_putc(ob, ',');
		OB_LIT(ob, "{\"name\":");
		tr_cstr(ob, m->q[i].name);
		OB_LIT(ob, ",\"type\":\"");
		ob_str(ob, dns_type(m->q[i].type));
		OB_LIT(ob, "\",\"class\":\"");
		ob_str(ob, dns_class(m->q[i].qclass));
		OB_LIT(ob, "\"}");
	}
	OB_LIT(ob, "],\"answers\":[");
	for (uint8_t i = 0; i < m->nan; i++) {
		if (i)
			ob_putc(ob, ',');
		dns_rr(ob, &m->an[i]);
	}
	/* netsift keeps no authority or additional records */
	OB_LIT(ob, "],\"authorities\":[],\"additionals\":[]}}");
	tr_end(ob);
}

const struct ns_output ns_output_tracee = {
	.name = "json",
	.schema = "tracee",
	.packet = tracee_packet,
	.flow = tracee_flow,
	.dns = tracee_dns,
};
