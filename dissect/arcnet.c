/* arcnet: ARCNET, as BSD (DLT_ARCNET, 7) and Linux (DLT_ARCNET_LINUX, 129)
 * capture it.
 *
 * BSD: source(1) destination(1) protocol id(1). Linux puts a 2-byte offset
 * between the addresses and the protocol id. RFC 1201 protocols (IP 212,
 * ARP 213, ...) add a split flag(1) and sequence number(2); a split flag of
 * 0xff marks an exception packet whose real flag and sequence follow 4 bytes
 * later. The RFC 1051 ones (IP 240, ARP 241) have no such fields.
 */
#include "link.h"

#define ARC_HDR_LEN           3	/* BSD: src, dst, protocol */
#define ARC_PHDS_LEN          3	/* split flag, sequence number */
#define ARC_EXC_LEN           4	/* exception packet: the extra bytes */
#define ARC_LINUX_HDR_LEN     5	/* Linux: src, dst, offset(2), protocol */
#define ARC_SPLIT_EXCEPTION   0xff

#define ARCTYPE_IP_OLD        240	/* RFC 1051 */
#define ARCTYPE_ARP_OLD       241
#define ARCTYPE_IP            212	/* RFC 1201 */
#define ARCTYPE_ARP           213
#define ARCTYPE_REVARP        214
#define ARCTYPE_ATALK         221
#define ARCTYPE_BANIAN        247
#define ARCTYPE_IPX           250
#define ARCTYPE_INET6         0xc4
#define ARCTYPE_DIAGNOSE      0x80

static uint16_t arc_ethertype(uint8_t type)
{
	switch (type) {
	case ARCTYPE_IP:
	case ARCTYPE_IP_OLD:
		return NS_ETHERTYPE_IPV4;
	case ARCTYPE_INET6:
		return NS_ETHERTYPE_IPV6;
	case ARCTYPE_ARP:
	case ARCTYPE_ARP_OLD:
		return NS_ETHERTYPE_ARP;
	default:
		return 0;
	}
}

/* Types with the RFC 1201 split flag and sequence number. */
static bool arc_has_phds(uint8_t type)
{
	switch (type) {
	case ARCTYPE_IP:
	case ARCTYPE_ARP:
	case ARCTYPE_REVARP:
	case ARCTYPE_ATALK:
	case ARCTYPE_BANIAN:
	case ARCTYPE_IPX:
	case ARCTYPE_INET6:
		return true;
	default:
		return false;
	}
}

/* The protocol id at off; the split fields (if any) follow it. */
static int arc_finish(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt)
{
	uint8_t type = p[off];
	uint32_t hlen = off + 1;

	if (arc_has_phds(type)) {
		if (!ns_have(caplen, hlen, ARC_PHDS_LEN))
			return ns_link_truncated(pkt);
		if (p[hlen] == ARC_SPLIT_EXCEPTION) {
			hlen += ARC_EXC_LEN;
			if (!ns_have(caplen, hlen, ARC_PHDS_LEN))
				return ns_link_truncated(pkt);
		}
		hlen += ARC_PHDS_LEN;
	}
	pkt->link.hdr_len = (uint16_t)hlen;
	pkt->link.ethertype = arc_ethertype(type);
	return 0;
}

int ns_link_arcnet(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	if (!ns_have(caplen, 0, ARC_HDR_LEN))
		return ns_link_truncated(pkt);
	return arc_finish(p, caplen, ARC_HDR_LEN - 1, pkt);
}

/* Linux hands over reassembled packets: every type but the RFC 1051 ones
 * and diagnostics has the split flag and sequence, never an exception. */
int ns_link_arcnet_linux(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	uint32_t hlen = ARC_LINUX_HDR_LEN;
	uint8_t type;

	if (!ns_have(caplen, 0, ARC_LINUX_HDR_LEN))
		return ns_link_truncated(pkt);
	type = p[ARC_LINUX_HDR_LEN - 1];
	if (type != ARCTYPE_IP_OLD && type != ARCTYPE_ARP_OLD && type != ARCTYPE_DIAGNOSE)
		hlen += ARC_PHDS_LEN;
	if (!ns_have(caplen, 0, hlen))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)hlen;
	pkt->link.ethertype = arc_ethertype(type);
	return 0;
}
