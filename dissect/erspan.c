/* erspan: Cisco Encapsulated Remote SPAN, carried in GRE
 * (draft-foschiano-erspan-03).
 *
 * Type I: GRE protocol 0x88be with no GRE sequence number, the mirrored
 * Ethernet frame follows the GRE header directly. Type II: 0x88be with a
 * sequence number, then an 8-byte header (version 1, VLAN, COS, En, T,
 * session id, index). Type III: 0x22eb, a 12-byte header (version 2, VLAN,
 * COS, BSO, T, session id, timestamp, SGT, P, frame type, hardware id, D,
 * granularity, O) and an 8-byte platform sub-header when O is set. As in
 * Wireshark, the header's version field, not the GRE protocol, says which
 * layout follows, and only Ethernet frames (type III frame type 0) are
 * decoded further. The encapsulation id is the 10-bit session id.
 */
#include "dissect.h"
#include "bytes.h"

#define ERSPAN2_HDR_LEN     8u
#define ERSPAN3_HDR_LEN     12u
#define ERSPAN3_SUBHDR_LEN  8u
#define ERSPAN_SESSION_MASK 0x03ffu
#define ERSPAN3_FT_MASK     0x7c00u   /* frame type, in the last 16-bit word */
#define ERSPAN3_O           0x0001u   /* optional platform sub-header present */

static int bad_erspan(struct ns_packet *pkt)
{
	pkt->flags |= NS_F_BAD_ENCAP;
	return -1;
}

int ns_decode_erspan(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_ERSPAN, .has_id = true };
	uint32_t off;
	uint16_t w;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, 4))
		return bad_erspan(pkt);
	e.id = ns_get16(data + 2) & ERSPAN_SESSION_MASK;
	switch (data[0] >> 4) {
	case 1:		/* type II */
		off = ERSPAN2_HDR_LEN;
		break;
	case 2:		/* type III */
		off = ERSPAN3_HDR_LEN;
		if (!ns_have(caplen, 0, ERSPAN3_HDR_LEN))
			return bad_erspan(pkt);
		w = ns_get16(data + 10);
		if (w & ERSPAN3_O)
			off += ERSPAN3_SUBHDR_LEN;
		if (w & ERSPAN3_FT_MASK) {
			/* Not an Ethernet frame (2 is "IP" in the draft, with
			 * no more said): like tshark, left undecoded. */
			if (!ns_have(caplen, 0, off))
				return bad_erspan(pkt);
			return -1;
		}
		break;
	default:
		return bad_erspan(pkt);
	}
	if (!ns_have(caplen, 0, off))
		return bad_erspan(pkt);
	if (caplen == off)
		return -1;	/* header only: nothing inside to report */
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data + off, caplen - off, len - off);
}

int ns_decode_erspan_type1(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_ERSPAN };

	if (caplen > len)
		caplen = len;
	if (caplen == 0)
		return -1;
	return ns_encap_enter(pkt, &e, ns_decode_ether_frame, data, caplen, len);
}
