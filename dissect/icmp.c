/* ICMP for IPv4 (RFC 792, 950, 1191), the quoted-datagram reader shared with
 * ICMPv6, the header start and payload both versions share, and the typeCode
 * names of both versions.
 */
#include <stdio.h>
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define ICMP_HDR_LEN 8u

enum {
	ICMP_ECHOREPLY = 0, ICMP_UNREACH = 3, ICMP_SOURCEQUENCH = 4, ICMP_REDIRECT = 5,
	ICMP_ECHO = 8, ICMP_ROUTERADVERT = 9, ICMP_ROUTERSOLICIT = 10, ICMP_TIMXCEED = 11,
	ICMP_PARAMPROB = 12, ICMP_TSTAMP = 13, ICMP_TSTAMPREPLY = 14, ICMP_IREQ = 15,
	ICMP_IREQREPLY = 16, ICMP_MASKREQ = 17, ICMP_MASKREPLY = 18,
	ICMP_EXT_ECHO = 42, ICMP_EXT_ECHOREPLY = 43,
};
#define ICMP_UNREACH_NEEDFRAG 4

/* ---- quoted datagram of an error message ---- */

/* Transport protocols whose first 4 bytes are source and destination port. */
static bool proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static void quote_ports(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_icmp_quote *q)
{
	if (!proto_has_ports(q->protocol) || !ns_have(caplen, off, 4))
		return;
	q->has_ports = true;
	q->src_port = ns_get16(p + off);
	q->dst_port = ns_get16(p + off + 2);
}

static void quote_ipv4(const uint8_t *p, uint32_t caplen, struct ns_icmp_quote *q)
{
	uint32_t ihl = p[0] & 0x0fu;

	if (caplen < 20 || ihl < 5)
		return;
	q->present = true;
	q->version = 4;
	q->total_len = ns_get16(p + 2);
	q->id = ns_get16(p + 4);
	q->ttl = p[8];
	q->protocol = p[9];
	q->src.family = q->dst.family = 4;
	memcpy(q->src.a, p + 12, 4);
	memcpy(q->dst.a, p + 16, 4);
	/* only a first fragment carries the transport header */
	if ((ns_get16(p + 6) & 0x1fffu) == 0)
		quote_ports(p, caplen, ihl * 4, q);
}

/* Length of the v6 extension header of type nh at off, or 0 if nh is not an
 * extension header we can walk or its length byte was not captured. */
static uint32_t ip6_ext_len(const uint8_t *p, uint32_t caplen, uint32_t off, uint8_t nh)
{
	switch (nh) {
	case 0:   /* hop-by-hop */
	case 43:  /* routing */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
		return ns_have(caplen, off, 2) ? ((uint32_t)p[off + 1] + 1) * 8 : 0;
	case 44:  /* fragment: fixed size; the walk needs its offset field too */
		return ns_have(caplen, off, 4) ? 8 : 0;
	case 51:  /* AH: length in 4-byte units, minus 2 */
		return ns_have(caplen, off, 2) ? ((uint32_t)p[off + 1] + 2) * 4 : 0;
	default:
		return 0;
	}
}

static void quote_ipv6(const uint8_t *p, uint32_t caplen, struct ns_icmp_quote *q)
{
	if (caplen < 40)
		return;
	q->present = true;
	q->version = 6;
	q->total_len = ns_get16(p + 4);
	q->ttl = p[7];
	q->src.family = q->dst.family = 6;
	memcpy(q->src.a, p + 8, 16);
	memcpy(q->dst.a, p + 24, 16);

	uint8_t nh = p[6];
	uint32_t off = 40;
	bool first_frag = true;
	/* walk what was captured, however many headers (each is at least 8
	 * bytes, so the capture bounds the walk, as in ipv6.c); stop at the
	 * first header we cannot read */
	for (;;) {
		uint32_t elen = ip6_ext_len(p, caplen, off, nh);
		if (elen == 0)
			break;
		if (nh == 44 && (ns_get16(p + off + 2) & 0xfff8u) != 0)
			first_frag = false;
		nh = p[off];
		off += elen;
	}
	q->protocol = nh;
	if (first_frag)
		quote_ports(p, caplen, off, q);
}

void ns_decode_icmp_quote(const uint8_t *data, uint32_t caplen, struct ns_icmp_quote *q)
{
	memset(q, 0, sizeof(*q));
	if (caplen < 1)
		return;
	switch (data[0] >> 4) {
	case 4:
		quote_ipv4(data, caplen, q);
		break;
	case 6:
		quote_ipv6(data, caplen, q);
		break;
	default:
		break;  /* not an IP header: nothing we can tie to a flow */
	}
}

/* ---- what ICMPv4 and ICMPv6 share ---- */

/* Both versions start with type, code and checksum in an 8-byte header; the
 * rest of the header and the length rules differ by version. */
uint32_t ns_icmp_begin(const uint8_t *data, uint32_t caplen, uint32_t len, uint8_t version,
		       struct ns_packet *pkt)
{
	struct ns_icmp *ic = &pkt->icmp;

	memset(ic, 0, sizeof(*ic));
	pkt->l4 = version == 6 ? NS_L4_ICMPV6 : NS_L4_ICMP;
	pkt->payload = NULL;
	pkt->payload_caplen = 0;
	ic->version = version;
	if (caplen > len)
		caplen = len;
	ic->hdr_avail = (uint16_t)(caplen < ICMP_HDR_LEN ? caplen : ICMP_HDR_LEN);
	if (caplen >= 1)
		ic->type = data[0];
	if (caplen >= 2)
		ic->code = data[1];
	if (caplen >= 4)
		ic->checksum = ns_get16(data + 2);
	return caplen;
}

/* The bytes after the 8-byte header are the payload; for an error message
 * they quote the datagram that caused it. */
int ns_icmp_end(const uint8_t *data, uint32_t caplen, bool is_error, struct ns_packet *pkt)
{
	struct ns_icmp *ic = &pkt->icmp;

	if (caplen > ICMP_HDR_LEN) {
		pkt->payload = data + ICMP_HDR_LEN;
		pkt->payload_caplen = caplen - ICMP_HDR_LEN;
		if (is_error)
			ns_decode_icmp_quote(pkt->payload, pkt->payload_caplen, &ic->quote);
	}
	return ic->hdr_avail >= 4 ? 0 : -1;
}

/* ---- ICMPv4 ---- */

static bool icmp_is_error(uint8_t type)
{
	return type == ICMP_UNREACH || type == ICMP_SOURCEQUENCH || type == ICMP_REDIRECT ||
	       type == ICMP_TIMXCEED || type == ICMP_PARAMPROB;
}

/* Types whose bytes 4..7 are identifier and sequence number. */
static bool icmp_has_idseq(uint8_t type)
{
	switch (type) {
	case ICMP_ECHOREPLY: case ICMP_ECHO:
	case ICMP_TSTAMP: case ICMP_TSTAMPREPLY:
	case ICMP_IREQ: case ICMP_IREQREPLY:
	case ICMP_MASKREQ: case ICMP_MASKREPLY:
		return true;
	default:
		return false;
	}
}

/* Identifier (bytes 4-5) and sequence number (bytes 6-7, or byte 6 of an
 * RFC 8335 extended echo), each when its bytes were captured, as tshark
 * shows them. Shared with ICMPv6. */
void ns_icmp_idseq(const uint8_t *p, uint32_t caplen, bool ext, struct ns_icmp *ic)
{
	if (caplen < 6)
		return;
	ic->has_echo = true;
	ic->id = ns_get16(p + 4);
	if (caplen >= (ext ? 7u : 8u)) {
		ic->has_seq = true;
		ic->seq = ext ? p[6] : ns_get16(p + 6);
	}
}

/* The second 32-bit word, whose meaning depends on the type. Each field is
 * read only if its bytes were captured. */
static void icmp_rest_of_header(const uint8_t *p, uint32_t caplen, struct ns_icmp *ic)
{
	if (icmp_has_idseq(ic->type)) {
		ns_icmp_idseq(p, caplen, false, ic);
	} else if (ic->type == ICMP_EXT_ECHO || ic->type == ICMP_EXT_ECHOREPLY) {
		/* RFC 8335 extended echo: 16-bit identifier, 8-bit sequence
		 * number, then a flags byte */
		ns_icmp_idseq(p, caplen, true, ic);
	} else if (caplen < ICMP_HDR_LEN) {
		return;
	} else if (ic->type == ICMP_REDIRECT) {
		ic->has_gateway = true;
		ic->gateway.family = 4;
		memcpy(ic->gateway.a, p + 4, 4);
	} else if (ic->type == ICMP_UNREACH && ic->code == ICMP_UNREACH_NEEDFRAG) {
		ic->mtu = ns_get16(p + 6);  /* RFC 1191 next-hop MTU */
	} else if (ic->type == ICMP_PARAMPROB) {
		ic->pointer = p[4];
	}
}

int ns_decode_icmp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_icmp *ic = &pkt->icmp;

	caplen = ns_icmp_begin(data, caplen, len, 4, pkt);
	if (len < ICMP_HDR_LEN)
		pkt->flags |= NS_F_BAD_LENGTH;  /* every ICMPv4 message has 8 header bytes */
	else if (caplen < len)
		pkt->flags |= NS_F_TRUNCATED;
	icmp_rest_of_header(data, caplen, ic);
	return ns_icmp_end(data, caplen, icmp_is_error(ic->type), pkt);
}

/* ---- typeCode names ---- */

struct icmp_type_name {
	uint8_t type;
	const char *name;
	const char *const *codes;  /* NULL: the type has no codes */
	uint8_t ncodes;
};

static const char *const v4_unreach[] = {
	"Net", "Host", "Protocol", "Port", "FragmentationNeeded", "SourceRouteFailed",
	"NetUnknown", "HostUnknown", "SourceIsolated", "NetAdminProhibited",
	"HostAdminProhibited", "NetTOS", "HostTOS", "CommAdminProhibited",
	"HostPrecedenceViolation", "PrecedenceCutoff",
};
static const char *const v4_redirect[] = { "Net", "Host", "TOSNet", "TOSHost" };
static const char *const v4_timxceed[] = { "TTLExceeded", "FragmentReassemblyTimeExceeded" };
static const char *const v4_paramprob[] = { "PointerIndicatesError", "MissingOption", "BadLength" };

#define CODES(a) a, (uint8_t)(sizeof(a) / sizeof((a)[0]))
static const struct icmp_type_name v4_names[] = {
	{ 0, "EchoReply", NULL, 0 },
	{ 3, "DestinationUnreachable", CODES(v4_unreach) },
	{ 4, "SourceQuench", NULL, 0 },
	{ 5, "Redirect", CODES(v4_redirect) },
	{ 8, "EchoRequest", NULL, 0 },
	{ 9, "RouterAdvertisement", NULL, 0 },
	{ 10, "RouterSolicitation", NULL, 0 },
	{ 11, "TimeExceeded", CODES(v4_timxceed) },
	{ 12, "ParameterProblem", CODES(v4_paramprob) },
	{ 13, "TimestampRequest", NULL, 0 },
	{ 14, "TimestampReply", NULL, 0 },
	{ 15, "InformationRequest", NULL, 0 },
	{ 16, "InformationReply", NULL, 0 },
	{ 17, "AddressMaskRequest", NULL, 0 },
	{ 18, "AddressMaskReply", NULL, 0 },
};

/* ICMPv6 names follow gopacket's ICMPv6TypeCode (and its MLD layer names). */
static const char *const v6_unreach[] = {
	"NoRouteToDst", "AdminProhibited", "BeyondScopeOfSrc", "AddressUnreachable",
	"PortUnreachable", "SrcAddressFailedPolicy", "RejectRouteToDst",
};
static const char *const v6_timxceed[] = { "HopLimitExceeded", "FragmentReassemblyTimeExceeded" };
static const char *const v6_paramprob[] = {
	"ErroneousHeaderField", "UnrecognizedNextHeader", "UnrecognizedIPv6Option",
};
static const struct icmp_type_name v6_names[] = {
	{ 1, "DestinationUnreachable", CODES(v6_unreach) },
	{ 2, "PacketTooBig", NULL, 0 },
	{ 3, "TimeExceeded", CODES(v6_timxceed) },
	{ 4, "ParameterProblem", CODES(v6_paramprob) },
	{ 128, "EchoRequest", NULL, 0 },
	{ 129, "EchoReply", NULL, 0 },
	{ 130, "MLDv1MulticastListenerQuery", NULL, 0 },
	{ 131, "MLDv1MulticastListenerReport", NULL, 0 },
	{ 132, "MLDv1MulticastListenerDone", NULL, 0 },
	{ 133, "RouterSolicitation", NULL, 0 },
	{ 134, "RouterAdvertisement", NULL, 0 },
	{ 135, "NeighborSolicitation", NULL, 0 },
	{ 136, "NeighborAdvertisement", NULL, 0 },
	{ 137, "Redirect", NULL, 0 },
	{ 143, "MLDv2MulticastListenerReport", NULL, 0 },
};
#undef CODES

static const struct icmp_type_name *find_type(const struct icmp_type_name *tab, size_t n,
					      uint8_t type)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].type == type)
			return &tab[i];
	return NULL;
}

static size_t clamp_len(int n, size_t buflen)
{
	if (n < 0 || buflen == 0)
		return 0;
	return (size_t)n < buflen ? (size_t)n : buflen - 1;
}

/* "Name" for code-less types with code 0, "Name(Code)" for known codes,
 * "Name(N)" for unknown or unexpected codes, "Type(N)Code(M)" for unknown types. */
size_t ns_icmp_typecode(const struct ns_icmp *icmp, char *buf, size_t buflen)
{
	const struct icmp_type_name *t;
	int n;

	if (icmp->version == 6)
		t = find_type(v6_names, sizeof(v6_names) / sizeof(v6_names[0]), icmp->type);
	else
		t = find_type(v4_names, sizeof(v4_names) / sizeof(v4_names[0]), icmp->type);

	if (!t)
		n = snprintf(buf, buflen, "Type(%u)Code(%u)", icmp->type, icmp->code);
	else if (t->codes && icmp->code < t->ncodes)
		n = snprintf(buf, buflen, "%s(%s)", t->name, t->codes[icmp->code]);
	else if (!t->codes && icmp->code == 0)
		n = snprintf(buf, buflen, "%s", t->name);
	else
		n = snprintf(buf, buflen, "%s(%u)", t->name, icmp->code);
	return clamp_len(n, buflen);
}
