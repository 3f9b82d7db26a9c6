/* link.h: what the link-layer decoders share (private to dissect/).
 *
 * Every link decoder has the shape of ns_decode_link: the frame's bytes from
 * the link header on, how many are captured, the packet. It sets
 * pkt->link.hdr_len (bytes consumed) and pkt->link.ethertype (what follows:
 * 0x0800 / 0x86dd for IP, any other ethertype ns_decode_ethertype knows, or 0
 * for nothing we decode), optionally pkt->link.trailer_len, and returns 0; a
 * header that is not fully captured returns ns_link_truncated(pkt).
 */
#ifndef NETSIFT_LINK_H
#define NETSIFT_LINK_H
#include "dissect.h"
#include "bytes.h"

#define NS_ETHERTYPE_IPV4 0x0800
#define NS_ETHERTYPE_IPV6 0x86dd
#define NS_ETHERTYPE_ARP  0x0806
#define NS_ETHERTYPE_MPLS 0x8847
#define NS_ETHERTYPE_PPPOE_SESSION 0x8864

typedef int (*ns_link_fn)(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);

static inline uint16_t ns_get16le(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[1] << 8 | p[0]);
}

/* NS_F_BAD_LINK | NS_F_TRUNCATED, -1. */
int ns_link_truncated(struct ns_packet *pkt);
/* 802.2 LLC at off: SNAP with an Ethernet OUI names an ethertype, anything
 * else is not IP (ethertype 0). */
int ns_link_llc(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt);
/* A whole Ethernet frame (with VLAN tags / 802.3 length) at off. */
int ns_link_ether_at(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt);
/* IP at off, the version nibble says which (bad version: NS_F_BAD_VERSION). */
int ns_link_ip_by_version(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt);
/* Another link header at off (PPI, PKTAP name one): decoded with `inner`,
 * whose header length is added to off; link.type stays the outer one. */
int ns_link_nested(enum ns_linktype inner, const uint8_t *p, uint32_t caplen, uint32_t off,
		   struct ns_packet *pkt);
/* PPP at off (optional FF 03, protocol). */
int ns_link_ppp_at(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt);
/* Cisco HDLC at off: address, control, ethertype. */
int ns_link_chdlc_at(const uint8_t *p, uint32_t caplen, uint32_t off, struct ns_packet *pkt);

/* ieee80211.c */
int ns_link_ieee80211(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_radiotap(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ppi(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_prism(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_avs(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
/* nflog.c */
int ns_link_nflog(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
/* lan.c */
int ns_link_fddi(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_token_ring(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ipfc(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_netanalyzer(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_netanalyzer_transparent(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ipoib(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ieee1394(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
/* arcnet.c */
int ns_link_arcnet(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_arcnet_linux(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
/* wan.c */
int ns_link_frelay(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_mfr(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_sunatm(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_atm_rfc1483(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ppp_serial(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ppp_pppd(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ppp_ether(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_mpls(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_docsis(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_erf(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
/* ieee802154.c */
int ns_link_ieee802154(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_ieee802154_nofcs(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
/* pseudo.c */
int ns_link_ipnet(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_pktap(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_pflog(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
int ns_link_enc(const uint8_t *p, uint32_t caplen, struct ns_packet *pkt);
#endif
