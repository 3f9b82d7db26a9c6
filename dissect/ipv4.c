/* ipv4: the IPv4 header (RFC 791), its options and the hand-off to transport.
 *
 * As tcpdump's ip_print(): each field is read only if captured; lengths are
 * checked against what the lower layer says was on the wire; the transport
 * sees at most total_len bytes, so Ethernet padding never reaches it.
 */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define IPV4_MIN_HDR 20
#define IP_MF        0x1	/* in ns_ipv4.flags: RF=4, DF=2, MF=1 */
#define IPOPT_EOL    0
#define IPOPT_NOP    1

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Fixed-header fields, each only if its bytes were captured. */
static void read_fixed(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	struct ns_ipv4 *ip = &pkt->ip4;

	ip->hdr_avail = (uint16_t)min_u32(caplen, IPV4_MIN_HDR);
	if (ns_have(caplen, 0, 1)) {
		ip->version = p[0] >> 4;
		ip->ihl = p[0] & 0x0f;
	}
	if (ns_have(caplen, 1, 1))
		ip->tos = p[1];
	if (ns_have(caplen, 2, 2))
		ip->total_len = ns_get16(p + 2);
	if (ns_have(caplen, 4, 2))
		ip->id = ns_get16(p + 4);
	if (ns_have(caplen, 6, 2)) {
		ip->flags = p[6] >> 5;
		ip->frag_off = ns_get16(p + 6) & 0x1fff;
	}
	if (ns_have(caplen, 8, 1))
		ip->ttl = p[8];
	if (ns_have(caplen, 9, 1)) {
		ip->protocol = p[9];
		pkt->ipproto = p[9];
	}
	if (ns_have(caplen, 10, 2))
		ip->checksum = ns_get16(p + 10);
	/* Each copy is written from the packet bytes, not copied from the
	 * other: a struct copy right after byte stores to the same struct
	 * defeats store forwarding and stalled every packet. */
	if (ns_have(caplen, 12, 4)) {
		ip->src.family = pkt->src.family = 4;
		memcpy(ip->src.a, p + 12, 4);
		memcpy(pkt->src.a, p + 12, 4);
	} else {
		pkt->src = ip->src;
	}
	if (ns_have(caplen, 16, 4)) {
		ip->dst.family = pkt->dst.family = 4;
		memcpy(ip->dst.a, p + 16, 4);
		memcpy(pkt->dst.a, p + 16, 4);
	} else {
		pkt->dst = ip->dst;
	}
}

/* RFC 1071 one's-complement sum over the (even-length) header; a correct
 * header sums to 0xffff including its own checksum field. The sum is taken
 * 32 bits at a time in native byte order (RFC 1071 1.2: the one's-complement
 * sum is independent of byte order, and a folded sum of 0xffff reads the same
 * swapped): 5 additions for a plain header instead of 10 16-bit reads. */
static bool checksum_ok(const uint8_t *p, uint32_t hlen)
{
	uint64_t sum = 0;
	uint32_t i = 0;

	for (; i + 4 <= hlen; i += 4) {
		uint32_t w;
		memcpy(&w, p + i, 4);
		sum += w;
	}
	if (i + 1 < hlen) {      /* IHL counts 32-bit words: never, but stay general */
		uint16_t h;
		memcpy(&h, p + i, 2);
		sum += h;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* Length rule of an option kind: min 0 = any length >= 2 (unknown kinds);
 * exact = the length is fixed. The minimums are the bytes that every option
 * of the kind carries (RFC 791 route/timestamp pointer and flags, RFC 1108
 * classification level, ...), as tshark's ip option table has them. */
struct opt_rule {
	uint8_t min;
	bool exact;
};

static struct opt_rule opt_rule(uint8_t kind)
{
	switch (kind) {
	case 7:   /* record route (RFC 791): type, length, pointer */
	case 131: /* loose source route */
	case 137: /* strict source route */
	case 130: /* security (RFC 1108): type, length, classification level */
	case 133: /* extended security (RFC 1108) */
		return (struct opt_rule){ 3, false };
	case 68:  /* timestamp (RFC 791): type, length, pointer, overflow/flags */
		return (struct opt_rule){ 4, false };
	case 134: /* CIPSO: type, length, 4-byte DOI */
		return (struct opt_rule){ 6, false };
	case 149: /* selective directed broadcast (RFC 1770) */
		return (struct opt_rule){ 6, false };
	case 136: /* stream id (RFC 791) */
	case 11:  /* MTU probe (RFC 1063) */
	case 12:  /* MTU reply (RFC 1063) */
	case 148: /* router alert (RFC 2113) */
		return (struct opt_rule){ 4, true };
	case 25:  /* quick-start (RFC 4782) */
		return (struct opt_rule){ 8, true };
	case 82:  /* traceroute (RFC 1393) */
		return (struct opt_rule){ 12, true };
	default:
		return (struct opt_rule){ 0, false };
	}
}

/* Is a well-framed option of this kind the right length? Shorter than the
 * kind's fixed fields stops the walk (its fields cannot be read, tshark
 * stops there too); longer than a fixed length is flagged, the framing still
 * holds. */
static bool opt_len_ok(uint8_t kind, uint8_t len, bool *stop)
{
	struct opt_rule r = opt_rule(kind);

	*stop = len < r.min;
	return len >= r.min && (!r.exact || len == r.min);
}

/* Options between byte 20 and hlen, read no further than caplen. Malformed
 * lists stop the walk (NS_F_BAD_OPTIONS); past NS_MAX_IP_OPTS we keep
 * validating but stop recording. An option too short for its kind is
 * recorded (its kind and length were read), then the walk stops. */
static void decode_options(const uint8_t *p, uint32_t hlen, uint32_t caplen, struct ns_packet *pkt)
{
	struct ns_ipv4 *ip = &pkt->ip4;
	uint32_t off = IPV4_MIN_HDR;

	while (off < hlen) {
		uint8_t kind, len;

		if (!ns_have(caplen, off, 1)) {
			pkt->flags |= NS_F_TRUNCATED;
			return;
		}
		kind = p[off];
		if (kind == IPOPT_EOL || kind == IPOPT_NOP) {
			len = 1;
		} else {
			if (off + 1 >= hlen) {	/* no room for the length byte */
				pkt->flags |= NS_F_BAD_OPTIONS;
				return;
			}
			if (!ns_have(caplen, off + 1, 1)) {
				pkt->flags |= NS_F_TRUNCATED;
				return;
			}
			len = p[off + 1];
			if (len < 2 || off + len > hlen) {
				pkt->flags |= NS_F_BAD_OPTIONS;
				return;
			}
			if (!ns_have(caplen, off, len)) {
				pkt->flags |= NS_F_TRUNCATED;
				return;
			}
		}
		if (ip->nopts < NS_MAX_IP_OPTS) {
			ip->opts[ip->nopts].kind = kind;
			ip->opts[ip->nopts].len = len;
			ip->opts[ip->nopts].off = (uint16_t)off;
			ip->nopts++;
		}
		if (kind == IPOPT_EOL)	/* the rest of the header is padding */
			return;
		if (len > 1) {
			bool stop;

			if (!opt_len_ok(kind, len, &stop))
				pkt->flags |= NS_F_BAD_OPTIONS;
			if (stop)
				return;
		}
		off += len;
	}
}

/* The IP-level length: total_len when it is sane, else what the wire had. */
static uint32_t ip_length(uint32_t caplen, uint32_t wirelen, uint32_t hlen, struct ns_packet *pkt)
{
	uint16_t tot = pkt->ip4.total_len;

	if (!ns_have(caplen, 2, 2))
		return wirelen;	/* unread: the fixed-header truncation is flagged */
	/* total_len 0: a TSO/GSO packet captured before segmentation, or
	 * Linux BIG TCP (IPv4 packets above 64 KiB). The wire length is the
	 * truth there; Wireshark and tcpdump both presume TSO, so do we. */
	if (tot == 0)
		return wirelen;
	if (tot < hlen || tot > wirelen) {
		pkt->flags |= NS_F_BAD_LENGTH;
		return wirelen;
	}
	return tot;
}

int ns_decode_ipv4(const uint8_t *data, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt)
{
	struct ns_ipv4 *ip = &pkt->ip4;
	uint32_t hlen, iplen, ipcap;
	bool decodable = true;

	if (wirelen < caplen)
		wirelen = caplen;
	pkt->l3 = NS_L3_IPV4;
	ip->hdr = data;
	read_fixed(data, caplen, pkt);

	if (caplen < IPV4_MIN_HDR)
		pkt->flags |= NS_F_TRUNCATED;
	if (caplen >= 1 && ip->version != 4) {
		pkt->flags |= NS_F_BAD_VERSION;
		decodable = false;
	}
	hlen = (uint32_t)ip->ihl * 4;
	if (caplen >= 1 && ip->ihl < 5) {
		pkt->flags |= NS_F_BAD_HEADER;
		decodable = false;
	}
	if (hlen < IPV4_MIN_HDR)	/* unread or bad IHL: lengths use the minimum */
		hlen = IPV4_MIN_HDR;

	iplen = ip_length(caplen, wirelen, hlen, pkt);
	ipcap = min_u32(caplen, iplen);
	pkt->ip_wire_len = iplen;
	pkt->ip_cap_len = ipcap;
	if (ipcap < iplen)
		pkt->flags |= NS_F_TRUNCATED;

	if (ns_have(caplen, 6, 2)) {
		if ((ip->flags & IP_MF) || ip->frag_off != 0)
			pkt->flags |= NS_F_FRAGMENT;
		pkt->first_fragment = ip->frag_off == 0;
		/* the transport sees this fragment's bytes only: lengths
		 * below its header size are not malformed */
		pkt->more_fragments = ip->frag_off == 0 && (ip->flags & IP_MF);
	}

	if (!decodable)
		return 0;
	if (caplen < hlen) {
		/* Options partly captured: record those we can read. */
		pkt->flags |= NS_F_TRUNCATED;
		decode_options(data, hlen, caplen, pkt);
		return 0;
	}
	ip->checksum_ok = checksum_ok(data, hlen);
	if (!ip->checksum_ok)
		pkt->flags |= NS_F_BAD_IP_CHECKSUM;
	decode_options(data, hlen, caplen, pkt);

	if (pkt->first_fragment && iplen >= hlen && ipcap >= hlen)
		ns_decode_transport(data + hlen, ipcap - hlen, iplen - hlen, pkt);
	return 0;
}
