/* ieee802154: IEEE 802.15.4 MAC frames (DLT 195 with a 2-byte FCS, 230
 * without).
 *
 * The MAC header is walked (frame control, sequence number, PAN ids and
 * addresses as the addressing modes say) so that a cut header is reported as
 * one; the payload (6LoWPAN, ZigBee) is not decompressed: every frame is
 * reported not_ip.
 */
#include "link.h"

#define WPAN_FCF_LEN         2
#define WPAN_FCS_LEN         2
#define WPAN_FCF_PANID_COMP  0x0040
#define WPAN_FCF_SEQ_SUPPR   0x0100	/* 802.15.4-2015: no sequence number */
#define WPAN_FCF_VERSION(f)  (((f) >> 12) & 0x3)
#define WPAN_DST_MODE(f)     (((f) >> 10) & 0x3)
#define WPAN_SRC_MODE(f)     (((f) >> 14) & 0x3)
#define WPAN_PANID_LEN       2

static uint32_t addr_len(uint32_t mode)
{
	return mode == 2 ? 2 : mode == 3 ? 8 : 0;	/* short, extended; 0/1: none */
}

static int wpan_frame(const uint8_t *p, uint32_t caplen, uint16_t fcs_len, struct ns_packet *pkt)
{
	uint16_t fcf;
	uint32_t off = WPAN_FCF_LEN, dmode, smode;

	if (!ns_have(caplen, 0, WPAN_FCF_LEN))
		return ns_link_truncated(pkt);
	fcf = ns_get16le(p);
	dmode = WPAN_DST_MODE(fcf);
	smode = WPAN_SRC_MODE(fcf);
	if (!(WPAN_FCF_VERSION(fcf) == 2 && (fcf & WPAN_FCF_SEQ_SUPPR)))
		off += 1;	/* sequence number */
	if (dmode)
		off += WPAN_PANID_LEN + addr_len(dmode);
	if (smode) {
		/* with PAN id compression the source shares the destination's */
		if (!(fcf & WPAN_FCF_PANID_COMP) || !dmode)
			off += WPAN_PANID_LEN;
		off += addr_len(smode);
	}
	if (!ns_have(caplen, 0, off))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)off;
	pkt->link.ethertype = 0;
	pkt->link.trailer_len = fcs_len;
	return 0;
}

int ns_link_ieee802154(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return wpan_frame(p, caplen, WPAN_FCS_LEN, pkt);
}

int ns_link_ieee802154_nofcs(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt)
{
	return wpan_frame(p, caplen, 0, pkt);
}
