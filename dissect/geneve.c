/* geneve: Generic Network Virtualization Encapsulation (RFC 8926), UDP 6081.
 *
 * Ver(2) Opt Len(6) | O(1) C(1) Rsvd(6) | Protocol Type(16) | VNI(24) Rsvd(8),
 * then Opt Len 4-byte words of options (skipped whole: their TLVs say
 * nothing about where the payload starts), then the payload named by the
 * protocol type as an ethertype: 0x6558 an Ethernet frame, 0x0800/0x86dd IP.
 * Only version 0 exists; another is not decoded (flagged bad_encap, as a
 * receiver MUST drop it, RFC 8926 section 3.4). The O (control) bit does not
 * change the layout, so the payload is decoded either way.
 */
#include "dissect.h"
#include "bytes.h"

#define GENEVE_HDR_LEN  8u
#define GENEVE_VERSION(b)  ((b) >> 6)
#define GENEVE_OPTLEN(b)   ((uint32_t)((b) & 0x3fu) * 4u)

int ns_decode_geneve(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_GENEVE, .has_id = true };
	uint32_t off;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, GENEVE_HDR_LEN) || GENEVE_VERSION(data[0]) != 0) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	off = GENEVE_HDR_LEN + GENEVE_OPTLEN(data[0]);
	if (!ns_have(caplen, 0, off)) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	if (caplen == off)
		return -1;
	e.id = ns_get32(data + 4) >> 8;
	return ns_encap_enter_ethertype(pkt, &e, ns_get16(data + 2), data + off, caplen - off,
					len - off);
}
