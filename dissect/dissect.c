/* dissect: the top-level entry point, transport dispatch and name tables.
 *
 * ns_dissect() zeroes the packet, decodes the link layer (which says whether
 * IPv4 or IPv6 follows, by ethertype or version nibble) and hands the rest to
 * the IP decoders, which in turn call ns_decode_transport(). Like Suricata's
 * decode.c: one entry per layer, each layer told how many bytes it may read.
 */
#include <stddef.h>
#include <string.h>
#include "dissect.h"
#include "bytes.h"

/* A packet's own layers, which a tunnel's inner packet replaces: from l3 up to
 * the encapsulation list. */
#define LAYERS_OFF offsetof(struct ns_packet, l3)
#define LAYERS_LEN (offsetof(struct ns_packet, nencap) - LAYERS_OFF)

int ns_dissect(enum ns_linktype link, const uint8_t *data, uint32_t caplen,
	       const struct ns_ctx *ctx, struct ns_packet *pkt)
{
	uint32_t wire, off;
	const uint8_t *ip;

	/* The size is hidden from the compiler on purpose: as a constant, gcc
	 * inlines this clear as `rep stos`, whose start-up cost made it a tenth
	 * of the dissector's time per packet; libc's memset uses vector stores.
	 * encap[] is not cleared: nencap says how much of it is valid. */
	size_t zn = offsetof(struct ns_packet, encap);
	__asm__("" : "+r"(zn));
	memset(pkt, 0, zn);
	pkt->ctx = ctx;
	/* A source that reports a wire length below the captured one is broken;
	 * trust the bytes we actually have. */
	wire = ctx ? ctx->wire_len : caplen;
	if (wire < caplen)
		wire = caplen;

	/* NS_LINK_NONE is handled by ns_decode_link like RAW: no header, the
	 * version nibble decides. */
	if (ns_decode_link(link, data, caplen, pkt) < 0)
		return -1;

	off = pkt->link.hdr_len;
	if (off > caplen)	/* cannot happen: the link decoder checked */
		return -1;
	ip = off ? data + off : data;	/* avoid NULL + 0 when caplen is 0 */
	caplen -= off;
	wire -= off;
	/* A link trailer (802.11 FCS, ...) is not the payload's: take it off the
	 * declared length, and off the captured bytes where they reach into it. */
	if (pkt->link.trailer_len) {
		if (pkt->link.trailer_len <= wire)
			wire -= pkt->link.trailer_len;
		if (caplen > wire)
			caplen = wire;
	}
	if (link == NS_LINK_ETHERNET && off == 14 && pkt->link.ethertype == 0x8903)
		ns_decode_fabricpath(data, caplen + off, wire + off, pkt);	/* its own outer header */
	else
		ns_decode_ethertype(pkt->link.ethertype, ip, caplen, wire, pkt);
	if (pkt->l3 == NS_L3_NONE) {
		pkt->flags |= NS_F_NOT_IP;
		return -1;
	}
	return 0;
}

/* ---- ethertype dispatch ---- */

struct ethertype_entry {
	uint16_t type;
	ns_decoder_fn decode;
};

/* IPv4 and IPv6 first: the lookup is a scan and they are nearly every packet. */
static const struct ethertype_entry ethertype_table[] = {
	{ 0x0800, ns_decode_ipv4 },
	{ 0x86dd, ns_decode_ipv6 },
	{ 0x8100, ns_decode_vlan },         /* 802.1Q */
	{ 0x88a8, ns_decode_vlan },         /* 802.1ad service tag */
	{ 0x9100, ns_decode_vlan },         /* pre-standard QinQ */
	{ 0x6558, ns_decode_ether_frame },  /* transparent Ethernet bridging */
	{ 0x88be, ns_decode_erspan_type1 }, /* ERSPAN I (GRE picks II itself: S flag) */
	{ 0x22eb, ns_decode_erspan },       /* ERSPAN III */
	{ 0x883e, ns_decode_wccp },         /* WCCP redirect (in GRE) */
	{ 0x8847, ns_decode_mpls },         /* MPLS unicast */
	{ 0x8848, ns_decode_mpls },         /* MPLS multicast */
	{ 0x8864, ns_decode_pppoe },        /* PPPoE session stage */
	{ 0x88e7, ns_decode_pbb },          /* 802.1ah I-TAG */
	{ 0x8926, ns_decode_vntag },        /* Cisco VN-Tag */
	{ 0x893f, ns_decode_etag },         /* 802.1BR E-Tag */
	{ 0x894f, ns_decode_nsh },          /* network service header */
	{ 0x88e5, ns_decode_macsec },       /* 802.1AE MACsec */
	{ NS_ETHERTYPE_LOWPAN, ns_decode_lowpan_frame }, /* 6LoWPAN (802.15.4 data frames) */
};

/* The decoder for an ethertype, NULL if none. */
static ns_decoder_fn ethertype_decoder(uint16_t type)
{
	for (size_t i = 0; i < sizeof(ethertype_table) / sizeof(ethertype_table[0]); i++)
		if (ethertype_table[i].type == type)
			return ethertype_table[i].decode;
	return NULL;
}

int ns_decode_ethertype(uint16_t type, const uint8_t *data, uint32_t caplen, uint32_t len,
			struct ns_packet *pkt)
{
	ns_decoder_fn fn = ethertype_decoder(type);

	return fn ? fn(data, caplen, len, pkt) : -1;
}

int ns_decode_ip_version(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	if (caplen < 1)
		return -1;
	switch (data[0] >> 4) {
	case 4:
		return ns_decode_ipv4(data, caplen, len, pkt);
	case 6:
		return ns_decode_ipv6(data, caplen, len, pkt);
	default:
		return -1;
	}
}

/* ---- tunnels ---- */

int ns_encap_enter(struct ns_packet *pkt, const struct ns_encap *e, ns_decoder_fn inner,
		   const uint8_t *data, uint32_t caplen, uint32_t len)
{
	unsigned char saved[LAYERS_LEN];
	uint32_t saved_flags = pkt->flags;
	uint8_t saved_nvlan = pkt->link.nvlan;
	uint8_t idx = pkt->nencap;
	bool had_l3 = pkt->l3 != NS_L3_NONE;
	struct ns_encap *d;
	int rc;

	if (idx >= NS_MAX_ENCAP) {
		pkt->flags |= NS_F_ENCAP_LIMIT;
		return -1;
	}
	d = &pkt->encap[idx];
	*d = *e;
	d->flags = pkt->flags;
	if (had_l3) {
		d->src = pkt->src;
		d->dst = pkt->dst;
		d->ipproto = pkt->ipproto;
		if (pkt->l4 == NS_L4_UDP) {
			d->sport = pkt->udp.src_port;
			d->dport = pkt->udp.dst_port;
		}
		memcpy(saved, (unsigned char *)pkt + LAYERS_OFF, LAYERS_LEN);
	}
	memset((unsigned char *)pkt + LAYERS_OFF, 0, LAYERS_LEN);
	pkt->flags = 0;
	pkt->nencap = (uint8_t)(idx + 1);

	rc = inner(data, caplen, len, pkt);
	if (pkt->l3 == NS_L3_NONE && had_l3) {
		/* Nothing IP inside (ARP in VXLAN, a cut tunnel header...): the
		 * packet stays what it was outside. A limit hit inside is kept. */
		memcpy((unsigned char *)pkt + LAYERS_OFF, saved, LAYERS_LEN);
		pkt->flags = saved_flags | (pkt->flags & (NS_F_ENCAP_LIMIT | NS_F_BAD_ENCAP));
		pkt->link.nvlan = saved_nvlan;
		pkt->nencap = idx;
		return -1;
	}
	return rc;
}

/* A link-level tunnel (MPLS, PPPoE, ...) whose payload is not IP: the
 * encapsulation is still worth reporting on the non-IP packet. */
static int decode_nothing(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	(void)data; (void)caplen; (void)len; (void)pkt;
	return -1;
}

int ns_encap_enter_ethertype(struct ns_packet *pkt, const struct ns_encap *e, uint16_t ethertype,
			     const uint8_t *data, uint32_t caplen, uint32_t len)
{
	/* Most tunnels name their payload by ethertype; IPv4/IPv6 and whole
	 * frames have their own decoders, anything else has no IP inside. */
	ns_decoder_fn fn = ethertype_decoder(ethertype);

	if (!fn) {
		if (pkt->l3 != NS_L3_NONE)
			return -1;	/* nothing to enter: stays the outer packet */
		fn = decode_nothing;
	}
	return ns_encap_enter(pkt, e, fn, data, caplen, len);
}

bool ns_empty_inner(struct ns_packet *pkt, bool cut)
{
	if (!cut)
		return true;	/* nothing was sent after the header */
	pkt->flags |= NS_F_TRUNCATED;
	for (unsigned i = 0; i < pkt->nencap; i++)
		if (pkt->encap[i].src.family)
			return true;	/* an outer IP packet to keep */
	return false;
}

/* ---- IP protocol dispatch ---- */

static int decode_icmp4(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return pkt->l3 == NS_L3_IPV4 ? ns_decode_icmp(data, caplen, len, pkt) : -1;
}

static int decode_icmp6(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	return pkt->l3 == NS_L3_IPV6 ? ns_decode_icmpv6(data, caplen, len, pkt) : -1;
}

static int decode_udp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);

/* Indexed by IP protocol number; NULL: not decoded (payload only). A decoder
 * that returns -1 having set no transport leaves the payload to us. */
static const ns_decoder_fn ipproto_table[256] = {
	[1] = decode_icmp4,
	[4] = ns_decode_ipip,
	[6] = ns_decode_tcp,
	[17] = decode_udp,
	[41] = ns_decode_ipip,
	[47] = ns_decode_gre,
	[58] = decode_icmp6,
	[97] = ns_decode_etherip,
	[137] = ns_decode_mpls,
	[143] = ns_decode_ip_ethernet,
};

/* ---- UDP port dispatch: tunnels carried in UDP ---- */

struct udp_port_entry {
	uint16_t port;
	ns_decoder_fn decode;
};

/* Looked up by destination port, then by source port (replies of tunnels
 * that answer from their well-known port). Each decoder checks its header
 * and leaves the packet as plain UDP when it does not fit. */
static const struct udp_port_entry udp_port_table[] = {
	{ 4789, ns_decode_vxlan },
	{ 6081, ns_decode_geneve },
	{ 4790, ns_decode_vxlan_gpe },
	{ 3544, ns_decode_teredo },
	{ 5072, ns_decode_ayiya },
	{ 2152, ns_decode_gtpu },
	{ 6635, ns_decode_mpls },
};

static ns_decoder_fn udp_tunnel(uint16_t port)
{
	for (size_t i = 0; i < sizeof(udp_port_table) / sizeof(udp_port_table[0]); i++)
		if (udp_port_table[i].port == port)
			return udp_port_table[i].decode;
	return NULL;
}

/* UDP, then the tunnel its ports name, if any. */
static int decode_udp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	int rc = ns_decode_udp(data, caplen, len, pkt);
	ns_decoder_fn fn;

	if (rc < 0 || !pkt->payload || pkt->udp.hdr_avail < 4)
		return rc;
	fn = udp_tunnel(pkt->udp.dst_port);
	if (!fn)
		fn = udp_tunnel(pkt->udp.src_port);
	if (fn)
		fn(pkt->payload, pkt->payload_caplen, pkt->udp.payload_len, pkt);
	return rc;
}

void ns_decode_transport(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	ns_decoder_fn fn = ipproto_table[pkt->ipproto];
	uint8_t nencap = pkt->nencap;

	if (fn) {
		fn(data, caplen, len, pkt);
		/* A transport, or a tunnel entered (whose inner packet may have
		 * no transport of its own). */
		if (pkt->l4 != NS_L4_NONE || pkt->nencap != nencap)
			return;
	}
	/* Something we do not decode: the whole rest is its payload. */
	pkt->l4 = NS_L4_OTHER;
	pkt->payload = data;
	pkt->payload_caplen = caplen;
}

static const char *const flag_names[NS_F_COUNT] = {
	"truncated", "bad_ip_checksum", "bad_length", "fragment", "bad_header",
	"bad_version", "bad_options", "ext_hdr_limit", "not_ip", "bad_link",
	"encap_limit", "bad_encap", "addr_unknown",
};

const char *ns_flag_name(uint32_t flag_bit)
{
	for (unsigned int i = 0; i < NS_F_COUNT; i++)
		if (flag_bit == (1u << i))
			return flag_names[i];
	return NULL;
}

/* IANA "Assigned Internet Protocol Numbers" keywords, except 58 which the
 * event format calls "ICMPv6" (IANA: "IPv6-ICMP"). */
static const char *const ipproto_names[256] = {
	[0] = "HOPOPT",
	[1] = "ICMP",
	[2] = "IGMP",
	[4] = "IPv4",
	[6] = "TCP",
	[8] = "EGP",
	[9] = "IGP",
	[17] = "UDP",
	[27] = "RDP",
	[33] = "DCCP",
	[41] = "IPv6",
	[43] = "IPv6-Route",
	[44] = "IPv6-Frag",
	[46] = "RSVP",
	[47] = "GRE",
	[50] = "ESP",
	[51] = "AH",
	[58] = "ICMPv6",
	[59] = "IPv6-NoNxt",
	[60] = "IPv6-Opts",
	[88] = "EIGRP",
	[89] = "OSPFIGP",
	[94] = "IPIP",
	[97] = "ETHERIP",
	[103] = "PIM",
	[108] = "IPComp",
	[112] = "VRRP",
	[115] = "L2TP",
	[132] = "SCTP",
	[135] = "Mobility Header",
	[136] = "UDPLite",
	[137] = "MPLS-in-IP",
	[139] = "HIP",
	[140] = "Shim6",
	[143] = "Ethernet",
};

const char *ns_ipproto_name(uint8_t proto)
{
	return ipproto_names[proto];
}

/* Names and id keys of the encapsulations, as the JSON shows them, and
 * whether the id names the tunnel in both directions (a VNI, a GRE key, a
 * PPPoE session) or only one (MPLS labels and GTP-U TEIDs are chosen by
 * each receiver, NSH service paths, VN-Tag VIFs, E-Tag E-CIDs and
 * FabricPath switch ids name a destination): only the first kind goes
 * into ns_encap_key, or the two directions of a connection would differ. */
static const struct {
	const char *name, *id;
	bool id_is_tunnel;
} encap_names[NS_ENC_COUNT] = {
	[NS_ENC_MPLS] = { "mpls", "label", false },
	[NS_ENC_PPPOE] = { "pppoe", "session", true },
	[NS_ENC_GRE] = { "gre", "key", true },
	[NS_ENC_ERSPAN] = { "erspan", "session", true },
	[NS_ENC_VXLAN] = { "vxlan", "vni", true },
	[NS_ENC_GENEVE] = { "geneve", "vni", true },
	[NS_ENC_IPIP] = { "ipip", NULL, false },
	[NS_ENC_TEREDO] = { "teredo", NULL, false },
	[NS_ENC_AYIYA] = { "ayiya", NULL, false },
	[NS_ENC_GTPU] = { "gtpu", "teid", false },
	[NS_ENC_PBB] = { "pbb", "isid", true },
	[NS_ENC_FABRICPATH] = { "fabricpath", "switchId", false },
	[NS_ENC_VNTAG] = { "vntag", "vif", false },
	[NS_ENC_ETAG] = { "etag", "ecid", false },
	[NS_ENC_NSH] = { "nsh", "spi", false },
	[NS_ENC_MACSEC] = { "macsec", NULL, false },
	[NS_ENC_ETHERIP] = { "etherip", NULL, false },
	[NS_ENC_VXLAN_GPE] = { "vxlan-gpe", "vni", true },
	[NS_ENC_WCCP] = { "wccp", NULL, false },
	[NS_ENC_ARUBA] = { "aruba", NULL, false },
	[NS_ENC_IP_ETHERNET] = { "ethernet", NULL, false },
};

const char *ns_encap_name(uint8_t type)
{
	return type < NS_ENC_COUNT && encap_names[type].name ? encap_names[type].name : "unknown";
}

const char *ns_encap_id_name(uint8_t type)
{
	return type < NS_ENC_COUNT ? encap_names[type].id : NULL;
}

/* FNV-1a over a few bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

uint64_t ns_encap_key(const struct ns_packet *pkt)
{
	uint64_t h = 0xcbf29ce484222325ull;

	if (!pkt->nencap)
		return 0;
	/* The chain of tunnel types and the ids that name a tunnel in both
	 * directions (see encap_names). Not the outer addresses: the two
	 * directions of one connection may cross different tunnel endpoints
	 * (SRv6, anycast, each direction mirrored by another switch). */
	for (unsigned i = 0; i < pkt->nencap; i++) {
		const struct ns_encap *e = &pkt->encap[i];
		bool keyed = e->type < NS_ENC_COUNT && encap_names[e->type].id_is_tunnel;
		uint32_t id = e->has_id && keyed ? e->id : 0;

		h = fnv(h, &e->type, 1);
		h = fnv(h, &id, sizeof(id));
	}
	return h ? h : 1;	/* 0 means "no tunnel" */
}
