/* UDP header (RFC 768; RFC 2675 for the IPv6 jumbogram length 0). */
#include <string.h>
#include "dissect.h"
#include "bytes.h"

#define UDP_HDR_LEN 8u

/* Header fields, each only if all its bytes were captured. */
static void udp_fields(const uint8_t *p, uint16_t avail, struct ns_udp *u)
{
	if (avail >= 2)
		u->src_port = ns_get16(p);
	if (avail >= 4)
		u->dst_port = ns_get16(p + 2);
	if (avail >= 6)
		u->length = ns_get16(p + 4);
	if (avail >= 8)
		u->checksum = ns_get16(p + 6);
}

/* Bytes of datagram (header + payload) that the UDP length says were sent,
 * or the IP-declared len when the UDP length cannot be trusted. */
static uint32_t udp_datagram_len(const struct ns_udp *u, uint32_t len, struct ns_packet *pkt)
{
	if (u->hdr_avail < 6)
		return len;  /* length field not captured: trust IP */
	if (u->length == 0 && pkt->l3 == NS_L3_IPV6 && len > 0xffff)
		return len;  /* jumbogram: the length lives in the hop-by-hop option */
	if (u->length > len && u->length >= UDP_HDR_LEN && pkt->more_fragments)
		return len;  /* a first fragment: the datagram goes on in the next ones */
	if (u->length < UDP_HDR_LEN || u->length > len) {
		pkt->flags |= NS_F_BAD_LENGTH;
		return len;
	}
	/* A UDP length below the IP one leaves trailing bytes; the datagram ends
	 * where UDP says (as the kernel does). */
	return u->length;
}

int ns_decode_udp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_udp *u = &pkt->udp;

	memset(u, 0, sizeof(*u));
	pkt->l4 = NS_L4_UDP;
	pkt->payload = NULL;
	pkt->payload_caplen = 0;
	if (caplen > len)
		caplen = len;
	u->hdr_avail = (uint16_t)(caplen < UDP_HDR_LEN ? caplen : UDP_HDR_LEN);
	udp_fields(data, u->hdr_avail, u);

	if (len < UDP_HDR_LEN) {
		pkt->flags |= NS_F_BAD_LENGTH;
		return u->hdr_avail >= 4 ? 0 : -1;
	}
	uint32_t dlen = udp_datagram_len(u, len, pkt);
	u->payload_len = dlen - UDP_HDR_LEN;
	if (caplen < dlen)
		pkt->flags |= NS_F_TRUNCATED;
	uint32_t end = caplen < dlen ? caplen : dlen;
	if (end > UDP_HDR_LEN) {
		pkt->payload = data + UDP_HDR_LEN;
		pkt->payload_caplen = end - UDP_HDR_LEN;
	}
	return u->hdr_avail >= 4 ? 0 : -1;
}
