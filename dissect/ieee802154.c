/* ieee802154: IEEE 802.15.4 MAC frames (DLT 195 with a 2-byte FCS, 230
 * without).
 *
 * The MAC header is walked (frame control, sequence number, PAN ids and
 * addresses as the addressing modes say) so that a cut header is reported as
 * one. The payload of a data frame is 6LoWPAN (sixlowpan.c): link.ethertype
 * is NS_ETHERTYPE_LOWPAN (RFC 7973's) and link.lowpan holds the MAC
 * addresses, which IPHC rebuilds interface ids from. Secured frames
 * (encrypted payload, an auxiliary security header) and frames with
 * information elements are not looked into; neither is a payload that is not
 * 6LoWPAN (ZigBee, ...): not_ip.
 */
#include "link.h"

#define WPAN_FCF_LEN         2
#define WPAN_FCS_LEN         2
#define WPAN_FCF_TYPE(f)     ((f) & 0x7)
#define WPAN_TYPE_DATA       1
#define WPAN_FCF_SECURITY    0x0008
#define WPAN_FCF_IE_PRESENT  0x0200	/* 802.15.4-2015 */
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

/* Which PAN ids the header carries. */
static void wpan_panids(uint16_t fcf, bool *dpan, bool *span)
{
	uint32_t d = WPAN_DST_MODE(fcf), s = WPAN_SRC_MODE(fcf);
	bool comp = fcf & WPAN_FCF_PANID_COMP;

	if (WPAN_FCF_VERSION(fcf) == 2) {
		/* 802.15.4-2015 table 7-2 */
		if (!d && !s) {
			*dpan = comp;
			*span = false;
		} else if (!s) {
			*dpan = !comp;
			*span = false;
		} else if (!d) {
			*dpan = false;
			*span = !comp;
		} else if (d == 3 && s == 3) {
			*dpan = !comp;
			*span = false;
		} else {
			*dpan = true;
			*span = !comp;
		}
		return;
	}
	/* 2003/2006: with PAN id compression the source shares the
	 * destination's */
	*dpan = d != 0;
	*span = s != 0 && (!comp || !d);
}

/* An address as sent (little-endian) into network byte order. */
static void wpan_addr(const uint8_t *p, uint32_t n, uint8_t *out, uint8_t *out_len)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = p[n - 1 - i];
	*out_len = (uint8_t)n;
}

static int wpan_frame(const uint8_t *p, uint32_t caplen, uint16_t fcs_len, struct ns_packet *pkt)
{
	uint16_t fcf;
	uint32_t off = WPAN_FCF_LEN, dmode, smode;
	uint32_t daddr_off, saddr_off;
	bool dpan, span;
	struct ns_lowpan_addrs *ll = &pkt->link.lowpan;

	if (!ns_have(caplen, 0, WPAN_FCF_LEN))
		return ns_link_truncated(pkt);
	fcf = ns_get16le(p);
	dmode = WPAN_DST_MODE(fcf);
	smode = WPAN_SRC_MODE(fcf);
	if (!(WPAN_FCF_VERSION(fcf) == 2 && (fcf & WPAN_FCF_SEQ_SUPPR)))
		off += 1;	/* sequence number */
	wpan_panids(fcf, &dpan, &span);
	if (dpan)
		off += WPAN_PANID_LEN;
	daddr_off = off;
	off += addr_len(dmode);
	if (span)
		off += WPAN_PANID_LEN;
	saddr_off = off;
	off += addr_len(smode);
	if (!ns_have(caplen, 0, off))
		return ns_link_truncated(pkt);
	pkt->link.hdr_len = (uint16_t)off;
	pkt->link.ethertype = 0;
	pkt->link.trailer_len = fcs_len;
	if (WPAN_FCF_TYPE(fcf) != WPAN_TYPE_DATA || (fcf & (WPAN_FCF_SECURITY | WPAN_FCF_IE_PRESENT)))
		return 0;
	if (dmode)
		wpan_addr(p + daddr_off, addr_len(dmode), ll->dst, &ll->dst_len);
	if (smode)
		wpan_addr(p + saddr_off, addr_len(smode), ll->src, &ll->src_len);
	pkt->link.ethertype = NS_ETHERTYPE_LOWPAN;
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
