/* macsec: IEEE 802.1AE MAC security, ethertype 0x88e5.
 *
 * SecTAG after the ethertype: TCI/AN(1) = V ES SC SCB E C AN(2), SL(1) short
 * length, PN(4), and the 8-byte SCI when SC is set. With E and C clear the
 * frame has integrity only: the secure data is the plain user data, starting
 * with its own ethertype, followed by the 16-byte ICV (not payload). SL, when
 * not 0, is the length of the secure data (under 48 bytes); otherwise it runs
 * to the ICV. With E or C set the data is encrypted (or of a cipher suite we
 * cannot know): the encapsulation is reported, nothing IP inside. The version
 * bit set is not MACsec (tshark gives up too): bad_encap. No id.
 */
#include "dissect.h"
#include "bytes.h"

#define MACSEC_TCI_V    0x80u
#define MACSEC_TCI_SC   0x20u
#define MACSEC_TCI_E    0x08u
#define MACSEC_TCI_C    0x04u
#define MACSEC_TAG_LEN  6u	/* without the SCI */
#define MACSEC_SCI_LEN  8u
#define MACSEC_ICV_LEN  16u

int ns_decode_macsec(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt)
{
	struct ns_encap e = { .type = NS_ENC_MACSEC };
	uint32_t tag, dlen;
	uint8_t tci;

	if (caplen > len)
		caplen = len;
	if (!ns_have(caplen, 0, 1))
		goto bad;
	tci = data[0];
	if (tci & MACSEC_TCI_V) {
		pkt->flags |= NS_F_BAD_ENCAP;
		return -1;
	}
	tag = MACSEC_TAG_LEN + ((tci & MACSEC_TCI_SC) ? MACSEC_SCI_LEN : 0);
	if (!ns_have(caplen, 0, tag))
		goto bad;
	if (tci & (MACSEC_TCI_E | MACSEC_TCI_C))
		return ns_encap_enter_ethertype(pkt, &e, 0, data + tag, caplen - tag, len - tag);

	/* Integrity only: secure data (ethertype + payload), then the ICV. */
	if (len - tag < MACSEC_ICV_LEN + 2) {
		pkt->flags |= NS_F_BAD_ENCAP | NS_F_BAD_LENGTH;
		return -1;
	}
	dlen = len - tag - MACSEC_ICV_LEN;
	if (data[1] != 0 && data[1] < dlen)
		dlen = data[1];	/* short length: the rest is padding */
	if (dlen < 2) {
		pkt->flags |= NS_F_BAD_ENCAP | NS_F_BAD_LENGTH;
		return -1;
	}
	if (!ns_have(caplen, tag, 2))
		goto bad;
	caplen -= tag;
	if (caplen > dlen)
		caplen = dlen;
	return ns_encap_enter_ethertype(pkt, &e, ns_get16(data + tag), data + tag + 2,
					caplen - 2, dlen - 2);
bad:
	pkt->flags |= NS_F_BAD_ENCAP | (caplen < len ? NS_F_TRUNCATED : 0);
	return -1;
}
