/* Unit tests for dissect/wan.c: Frame Relay, MFR, SunATM, RFC 1483, PPP
 * variants, PPPoE / MPLS link types, DOCSIS, ERF. */
#include "linkunit.h"

#define A6(x) x, x, x, x, x, x
#define SNAP4 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00

static void test_frelay(void **state)
{
	static const uint8_t ip[] = { 0x18, 0x41, 0x03, 0xcc };
	static const uint8_t ip6[] = { 0x18, 0x41, 0x03, 0x8e };
	/* pad byte, then SNAP NLPID: OUI 0, ethertype */
	static const uint8_t snap[] = { 0x18, 0x41, 0x03, 0x00, 0x80, 0, 0, 0, 0x08, 0x00 };
	/* Cisco: an ethertype right after the address */
	static const uint8_t cisco[] = { 0x18, 0x41, 0x08, 0x00 };
	/* 3-byte address, UI, pad, NLPID */
	static const uint8_t a3[] = { 0x18, 0x40, 0x01, 0x03, 0x00, 0xcc };
	/* NLPID PPP, then PPP protocol 0x0021 */
	static const uint8_t ppp[] = { 0x18, 0x41, 0x03, 0xcf, 0x00, 0x21 };
	/* Q.933 signalling */
	static const uint8_t q933[] = { 0x00, 0x01, 0x03, 0x08, 0x00, 0x75 };
	/* a one-byte address (EA bit on the first byte): invalid */
	static const uint8_t bad[] = { 0x19, 0x41, 0x03, 0xcc };
	struct ns_packet pkt;

	(void)state;
	lu_expect_ip4(NS_LINK_FRELAY, ip, sizeof(ip));
	lu_expect_ip6(NS_LINK_FRELAY, ip6, sizeof(ip6));
	lu_expect_ip4(NS_LINK_FRELAY, snap, sizeof(snap));
	lu_expect_ip4(NS_LINK_FRELAY, cisco, sizeof(cisco));
	lu_expect_ip4(NS_LINK_FRELAY, a3, sizeof(a3));
	lu_expect_ip4(NS_LINK_FRELAY, ppp, sizeof(ppp));
	lu_expect_not_ip(NS_LINK_FRELAY, q933, sizeof(q933), NULL, 0, 0);
	lu_expect_cut(NS_LINK_FRELAY, snap, sizeof(snap));
	lu_expect_cut(NS_LINK_FRELAY, a3, sizeof(a3));
	assert_int_equal(lu_dissect(NS_LINK_FRELAY, bad, sizeof(bad), lu_ip4, 28, NULL, 0, ~0u, &pkt), -1);
	assert_int_equal(pkt.flags, NS_F_BAD_LINK);
}

static void test_mfr(void **state)
{
	static const uint8_t first[] = { 0x80, 0x01, 0x18, 0x41, 0x03, 0xcc };
	static const uint8_t later[] = { 0x40, 0x02 };
	static const uint8_t ctrl[] = { 0xe1, 0x00 };

	(void)state;
	lu_expect_ip4(NS_LINK_MFR, first, sizeof(first));
	lu_expect_cut(NS_LINK_MFR, first, sizeof(first));
	lu_expect_not_ip(NS_LINK_MFR, later, sizeof(later), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_not_ip(NS_LINK_MFR, ctrl, sizeof(ctrl), lu_ip4, 8, 0);
}

static void test_atm(void **state)
{
	static const uint8_t llc[] = { 0x02, 0x00, 0x00, 0x20, SNAP4 };
	static const uint8_t lane[] = { 0x01, 0x00, 0x00, 0x21, 0x00, 0x01, A6(1), A6(2), 0x86, 0xdd };
	static const uint8_t vcmux[] = { 0x00, 0x00, 0x00, 0x22 };
	static const uint8_t guess[] = { 0x00, 0x01, 0x00, 0x22, SNAP4 };
	static const uint8_t oam[] = { 0x00, 0x00, 0x00, 0x04 };
	static const uint8_t other[] = { 0x00, 0x05, 0x00, 0x40, 0x12 };

	(void)state;
	lu_expect_ip4(NS_LINK_SUNATM, llc, sizeof(llc));
	lu_expect_ip6(NS_LINK_SUNATM, lane, sizeof(lane));
	lu_expect_ip4(NS_LINK_SUNATM, vcmux, sizeof(vcmux));
	lu_expect_ip4(NS_LINK_SUNATM, guess, sizeof(guess));
	lu_expect_not_ip(NS_LINK_SUNATM, oam, sizeof(oam), lu_ip4, sizeof(lu_ip4), 0);
	lu_expect_not_ip(NS_LINK_SUNATM, other, sizeof(other), NULL, 0, 0);
	lu_expect_cut(NS_LINK_SUNATM, llc, sizeof(llc));
	lu_expect_cut(NS_LINK_SUNATM, lane, sizeof(lane));
	lu_expect_ip4(NS_LINK_ATM_RFC1483, llc + 4, 8);
}

static void test_ppp_variants(void **state)
{
	static const uint8_t hdlc[] = { 0xff, 0x03, 0x00, 0x21 };
	static const uint8_t chdlc[] = { 0x0f, 0x00, 0x86, 0xdd };
	static const uint8_t pppd[] = { 0x01, 0x03, 0x00, 0x21 };
	static const uint8_t pppoe[] = { 0x11, 0x00, 0x00, 0x01, 0x00, 30, 0x00, 0x21 };
	struct ns_packet pkt;

	(void)state;
	lu_expect_ip4(NS_LINK_PPP_SERIAL, hdlc, sizeof(hdlc));
	lu_expect_ip6(NS_LINK_PPP_SERIAL, chdlc, sizeof(chdlc));
	lu_expect_cut(NS_LINK_PPP_SERIAL, chdlc, sizeof(chdlc));
	lu_expect_ip4(NS_LINK_PPP_PPPD, pppd, sizeof(pppd));
	lu_expect_cut(NS_LINK_PPP_PPPD, pppd, sizeof(pppd));
	/* PPPoE and MPLS link types hand over to those decoders by ethertype */
	lu_dissect(NS_LINK_PPP_ETHER, pppoe, sizeof(pppoe), lu_ip4, 28, NULL, 0, ~0u, &pkt);
	assert_int_equal(pkt.link.hdr_len, 0);
	assert_int_equal(pkt.link.ethertype, 0x8864);
	lu_expect_cut(NS_LINK_PPP_ETHER, pppoe, 6);
	lu_dissect(NS_LINK_MPLS, NULL, 0, lu_ip4, 28, NULL, 0, ~0u, &pkt);
	assert_int_equal(pkt.link.hdr_len, 0);
	assert_int_equal(pkt.link.ethertype, 0x8847);
}

static void test_docsis_erf(void **state)
{
	static const uint8_t docsis[] = { 0x00, 0x00, 0x00, 46, 0x00, 0x00, A6(1), A6(2), 0x08, 0x00 };
	/* extended header of 3 bytes */
	static const uint8_t ehdr[] = { 0x01, 0x03, 0x00, 49, 1, 2, 3, 0x00, 0x00, A6(1), A6(2), 0x08, 0x00 };
	/* a MAC management message */
	static const uint8_t mgmt[] = { 0xc2, 0x00, 0x00, 10, 0x00, 0x00 };
	/* ERF Ethernet with one extension header, 2 bytes of pad */
	static const uint8_t erf[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x82, 0x04, 0, 64, 0, 0, 0, 46,
		0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, A6(1), A6(2), 0x08, 0x00 };
	static const uint8_t erf6[] = { 0, 0, 0, 0, 0, 0, 0, 0, 23, 0x04, 0, 56, 0, 0, 0, 40 };
	static const uint8_t erfpos[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x04, 0, 48, 0, 0, 0, 32,
		0xff, 0x03, 0x00, 0x21 };
	static const uint8_t fcs[4] = { 1, 2, 3, 4 };
	struct ns_packet pkt;

	(void)state;
	assert_int_equal(lu_dissect(NS_LINK_DOCSIS, docsis, sizeof(docsis), lu_ip4, 28, fcs, 4, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, sizeof(docsis));
	assert_int_equal(pkt.flags, 0);
	assert_int_equal(lu_dissect(NS_LINK_DOCSIS, ehdr, sizeof(ehdr), lu_ip4, 28, fcs, 4, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, sizeof(ehdr));
	lu_expect_cut(NS_LINK_DOCSIS, ehdr, sizeof(ehdr));
	lu_expect_not_ip(NS_LINK_DOCSIS, mgmt, sizeof(mgmt), lu_ip4, 8, 0);
	assert_int_equal(lu_dissect(NS_LINK_ERF, erf, sizeof(erf), lu_ip4, 28, fcs, 4, ~0u, &pkt), 0);
	assert_int_equal(pkt.link.hdr_len, sizeof(erf));
	assert_int_equal(pkt.flags, 0);
	lu_expect_cut(NS_LINK_ERF, erf, sizeof(erf));
	lu_expect_ip6(NS_LINK_ERF, erf6, sizeof(erf6));
	lu_expect_ip4(NS_LINK_ERF, erfpos, sizeof(erfpos));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frelay),
		cmocka_unit_test(test_mfr),
		cmocka_unit_test(test_atm),
		cmocka_unit_test(test_ppp_variants),
		cmocka_unit_test(test_docsis_erf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
