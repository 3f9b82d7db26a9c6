/* Community ID v1 (communityid.h). Byte layout: corelight/community-id-spec
 * community-id.py, _packet_get_comm_id(); verified against the spec's
 * baseline/baseline_deflt.json and baseline_seed1.json (tests/unit/test_communityid.c). */
#include "communityid.h"

#include <string.h>
/* nettle's SHA-1: a context on the stack, no allocation (libcrypto's
 * EVP_Digest allocates per call, so it can fail mid-run) */
#include <nettle/sha1.h>

/* pycommunityid communityid/icmp.py TYPE_MAPPER (Zeek's ICMP4_counterpart). */
static int icmp4_counterpart(uint8_t type)
{
	switch (type) {
	case 8: return 0;        /* echo -> echo reply */
	case 0: return 8;
	case 13: return 14;      /* timestamp */
	case 14: return 13;
	case 15: return 16;      /* information */
	case 16: return 15;
	case 10: return 9;       /* router solicitation -> advertisement */
	case 9: return 10;
	case 17: return 18;      /* address mask */
	case 18: return 17;
	default: return -1;
	}
}

/* pycommunityid communityid/icmp6.py TYPE_MAPPER (Zeek's ICMP6_counterpart). */
static int icmp6_counterpart(uint8_t type)
{
	switch (type) {
	case 128: return 129;    /* echo request/reply */
	case 129: return 128;
	case 130: return 131;    /* MLD listener query/report */
	case 131: return 130;
	case 133: return 134;    /* router solicitation/advertisement */
	case 134: return 133;
	case 135: return 136;    /* neighbor solicitation/advertisement */
	case 136: return 135;
	case 139: return 140;    /* node information (WRU) query/reply */
	case 140: return 139;
	case 144: return 145;    /* home agent address discovery */
	case 145: return 144;
	default: return -1;
	}
}

void ns_cid_icmp_ports(uint8_t proto, uint8_t type, uint8_t code,
		       uint16_t *sport, uint16_t *dport, bool *one_way)
{
	int ct = proto == 58 ? icmp6_counterpart(type) : icmp4_counterpart(type);

	*sport = type;
	*one_way = ct < 0;
	*dport = ct < 0 ? code : (uint16_t)ct;
}

static size_t addr_len(const struct ns_addr *a)
{
	return a->family == 6 ? 16 : 4;
}

static void base64(const uint8_t *in, size_t n, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

int ns_community_id(uint16_t seed, const struct ns_cid_tuple *t, char out[NS_CID_STRLEN])
{
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	uint8_t md[SHA1_DIGEST_SIZE];
	struct sha1_ctx sha;
	size_t n = 0, al = addr_len(&t->src);
	const struct ns_addr *a = &t->src, *b = &t->dst;
	uint16_t pa = t->sport, pb = t->dport;

	out[0] = '\0';
	if (t->src.family != t->dst.family || (t->src.family != 4 && t->src.family != 6))
		return -1;
	if (!t->one_way) {
		int c = memcmp(a->a, b->a, al);
		if (c > 0 || (c == 0 && t->has_ports && pa > pb)) {
			a = &t->dst;
			b = &t->src;
			pa = t->dport;
			pb = t->sport;
		}
	}
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, a->a, al);
	n += al;
	memcpy(buf + n, b->a, al);
	n += al;
	buf[n++] = t->proto;
	buf[n++] = 0;
	if (t->has_ports) {
		buf[n++] = (uint8_t)(pa >> 8);
		buf[n++] = (uint8_t)pa;
		buf[n++] = (uint8_t)(pb >> 8);
		buf[n++] = (uint8_t)pb;
	}
	sha1_init(&sha);
	sha1_update(&sha, n, buf);
	sha1_digest(&sha, sizeof(md), md);
	out[0] = '1';
	out[1] = ':';
	base64(md, sizeof(md), out + 2);
	return 0;
}

bool ns_cid_packet_tuple(const struct ns_packet *pkt, struct ns_cid_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (pkt->l3 != NS_L3_IPV4 && pkt->l3 != NS_L3_IPV6)
		return false;
	t->src = pkt->src;
	t->dst = pkt->dst;
	t->proto = pkt->ipproto;
	switch (pkt->ipproto) {
	case 6:
	case 17:
	case 132:
	case 1:
	case 58:
		break;
	default:
		return true;     /* no ports: addresses and protocol only */
	}
	if (!pkt->first_fragment)
		return false;
	t->has_ports = true;
	switch (pkt->l4) {
	case NS_L4_TCP:
		if (pkt->tcp.hdr_avail < 4)
			return false;
		t->sport = pkt->tcp.src_port;
		t->dport = pkt->tcp.dst_port;
		return true;
	case NS_L4_UDP:
		if (pkt->udp.hdr_avail < 4)
			return false;
		t->sport = pkt->udp.src_port;
		t->dport = pkt->udp.dst_port;
		return true;
	case NS_L4_ICMP:
	case NS_L4_ICMPV6:
		if (pkt->icmp.hdr_avail < 2)
			return false;
		ns_cid_icmp_ports(pkt->ipproto, pkt->icmp.type, pkt->icmp.code,
				  &t->sport, &t->dport, &t->one_way);
		return true;
	case NS_L4_OTHER:
		/* SCTP (not decoded): its common header starts with the ports */
		if (pkt->ipproto != 132 || !pkt->payload || pkt->payload_caplen < 4)
			return false;
		t->sport = (uint16_t)(pkt->payload[0] << 8 | pkt->payload[1]);
		t->dport = (uint16_t)(pkt->payload[2] << 8 | pkt->payload[3]);
		return true;
	default:
		return false;
	}
}
