# tests/: unit tests (cmocka), golden regression, differential against tshark, live.
# Test scripts see the build through these variables.
AM_TESTS_ENVIRONMENT = \
	NETSIFT=$(abs_top_builddir)/netsift; export NETSIFT; \
	TOP_SRCDIR=$(abs_top_srcdir); export TOP_SRCDIR; \
	TOP_BUILDDIR=$(abs_top_builddir); export TOP_BUILDDIR; \
	SHARED_DIR=$(SHARED_DIR); export SHARED_DIR;

if HAVE_CMOCKA
# One cmocka test program per dissect/ module (and per src/ module that has logic).
UNIT_TESTS = \
	tests/unit/test_link \
	tests/unit/test_ipv4 \
	tests/unit/test_ipv6 \
	tests/unit/test_tcp \
	tests/unit/test_udp \
	tests/unit/test_icmp \
	tests/unit/test_icmpv6 \
	tests/unit/test_addr \
	tests/unit/test_encap
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = dissect/libdissect.a $(CMOCKA_LIBS)
tests_unit_test_link_SOURCES = tests/unit/test_link.c tests/unit/unit.h
tests_unit_test_link_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_link_LDADD = $(UNIT_LDADD)
tests_unit_test_ipv4_SOURCES = tests/unit/test_ipv4.c tests/unit/unit.h
tests_unit_test_ipv4_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ipv4_LDADD = $(UNIT_LDADD)
tests_unit_test_ipv6_SOURCES = tests/unit/test_ipv6.c tests/unit/unit.h
tests_unit_test_ipv6_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ipv6_LDADD = $(UNIT_LDADD)
tests_unit_test_tcp_SOURCES = tests/unit/test_tcp.c tests/unit/unit.h
tests_unit_test_tcp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tcp_LDADD = $(UNIT_LDADD)
tests_unit_test_udp_SOURCES = tests/unit/test_udp.c tests/unit/unit.h
tests_unit_test_udp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_udp_LDADD = $(UNIT_LDADD)
tests_unit_test_icmp_SOURCES = tests/unit/test_icmp.c tests/unit/unit.h
tests_unit_test_icmp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_icmp_LDADD = $(UNIT_LDADD)
tests_unit_test_icmpv6_SOURCES = tests/unit/test_icmpv6.c tests/unit/unit.h
tests_unit_test_icmpv6_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_icmpv6_LDADD = $(UNIT_LDADD)
tests_unit_test_addr_SOURCES = tests/unit/test_addr.c tests/unit/unit.h
tests_unit_test_addr_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_addr_LDADD = $(UNIT_LDADD)
tests_unit_test_encap_SOURCES = tests/unit/test_encap.c tests/unit/unit.h
tests_unit_test_encap_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_encap_LDADD = $(UNIT_LDADD)
endif

if HAVE_CMOCKA
# Ethernet-level encapsulations (helper l2enc), one test program per dissect/ file.
L2ENC_UNIT_TESTS = tests/unit/test_mpls tests/unit/test_pppoe tests/unit/test_pbb tests/unit/test_fabricpath tests/unit/test_vntag tests/unit/test_etag tests/unit/test_nsh tests/unit/test_macsec
check_PROGRAMS += $(L2ENC_UNIT_TESTS)
TESTS += $(L2ENC_UNIT_TESTS)
tests_unit_test_mpls_SOURCES = tests/unit/test_mpls.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_mpls_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mpls_LDADD = $(UNIT_LDADD)
tests_unit_test_pppoe_SOURCES = tests/unit/test_pppoe.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_pppoe_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pppoe_LDADD = $(UNIT_LDADD)
tests_unit_test_pbb_SOURCES = tests/unit/test_pbb.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_pbb_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pbb_LDADD = $(UNIT_LDADD)
tests_unit_test_fabricpath_SOURCES = tests/unit/test_fabricpath.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_fabricpath_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fabricpath_LDADD = $(UNIT_LDADD)
tests_unit_test_vntag_SOURCES = tests/unit/test_vntag.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_vntag_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vntag_LDADD = $(UNIT_LDADD)
tests_unit_test_etag_SOURCES = tests/unit/test_etag.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_etag_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_etag_LDADD = $(UNIT_LDADD)
tests_unit_test_nsh_SOURCES = tests/unit/test_nsh.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_nsh_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_nsh_LDADD = $(UNIT_LDADD)
tests_unit_test_macsec_SOURCES = tests/unit/test_macsec.c tests/unit/l2enc_unit.h tests/unit/unit.h
tests_unit_test_macsec_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_macsec_LDADD = $(UNIT_LDADD)
endif

# Differential test against tshark over ../shared/pcaps and testdata/ (tsd).
TESTS += tests/tshark-diff.sh
EXTRA_DIST += tests/tshark-diff.sh tests/tshark_diff.py \
	tests/tshark-allowlist.txt

if HAVE_CMOCKA
# Flow tracker, DNS parser and DNS cache (helper flw).
FLOW_UNIT_TESTS = tests/unit/test_dns tests/unit/test_dnscache tests/unit/test_flow
check_PROGRAMS += $(FLOW_UNIT_TESTS)
TESTS += $(FLOW_UNIT_TESTS)
tests_unit_test_dns_SOURCES = tests/unit/test_dns.c tests/unit/unit.h
tests_unit_test_dns_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dns_LDADD = $(UNIT_LDADD)
tests_unit_test_dnscache_SOURCES = tests/unit/test_dnscache.c tests/unit/unit.h \
	src/flow/dnscache.c src/flow/dnscache.h src/nshash.h
tests_unit_test_dnscache_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dnscache_LDADD = $(UNIT_LDADD)
tests_unit_test_flow_SOURCES = tests/unit/test_flow.c tests/unit/unit.h \
	src/flow/flow.c src/flow/flow.h src/nshash.h
tests_unit_test_flow_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flow_LDADD = $(UNIT_LDADD)
endif

if HAVE_CMOCKA
# The ring buffer reader of `netsift trace` (merge of the per-CPU rings): plain
# memory, no libbpf, so it is tested with or without the live backend.
check_PROGRAMS += tests/unit/test_ringread
TESTS += tests/unit/test_ringread
tests_unit_test_ringread_SOURCES = tests/unit/test_ringread.c tests/unit/unit.h \
	src/live/ringread.c src/live/ringread.h
tests_unit_test_ringread_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_ringread_LDADD = $(CMOCKA_LIBS)
endif

# Live tracing end to end (helper live): netns + veth, needs root; skips (77)
# without root or kernel support. tests/bench-live.sh measures (not in TESTS).
TESTS += tests/live.sh
EXTRA_DIST += tests/live.sh tests/live/peer.py tests/live/check.py \
	tests/bench-live.sh

# netsift read (helper cli): golden outputs, the tcpdump corpus, error paths, man pages.
TESTS += tests/golden.sh tests/corpus.sh tests/errors.sh tests/man.sh
EXTRA_DIST += tests/golden.sh tests/corpus.sh tests/errors.sh tests/man.sh
# The compare-and-update code of the three golden tests (sourced, not a test).
EXTRA_DIST += tests/golden-lib.sh

if HAVE_CMOCKA
# pcapng reader/writer and the output formatters (helper cli).
CLI_UNIT_TESTS = tests/unit/test_pcapng tests/unit/test_outbuf
check_PROGRAMS += $(CLI_UNIT_TESTS)
TESTS += $(CLI_UNIT_TESTS)
CLI_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src $(PCAP_CFLAGS)
CLI_UNIT_LDADD = src/libnetsift.a dissect/libdissect.a $(CMOCKA_LIBS) $(PCAP_LIBS)
tests_unit_test_pcapng_SOURCES = tests/unit/test_pcapng.c tests/unit/unit.h
tests_unit_test_pcapng_CFLAGS = $(CLI_UNIT_CFLAGS)
tests_unit_test_pcapng_LDADD = $(CLI_UNIT_LDADD)
tests_unit_test_outbuf_SOURCES = tests/unit/test_outbuf.c tests/unit/unit.h
tests_unit_test_outbuf_CFLAGS = $(CLI_UNIT_CFLAGS)
tests_unit_test_outbuf_LDADD = $(CLI_UNIT_LDADD)
endif

# Fixture captures from real traffic between network namespaces, their golden
# outputs, and the root-only scripts that made them (not run by make check):
# whole directories, so a new fixture cannot be left out of the tarball.
EXTRA_DIST += testdata tests/fixtures

# Flow/DNS events (helper flw): golden outputs + cross-check with tshark.
TESTS += tests/flows-golden.sh
EXTRA_DIST += tests/flows-golden.sh tests/flows_check.py

# netsift analyze (helper ana): engine unit tests, differential test against
# tshark's tcp.analysis.* flags and tcptrace, golden reports.
if HAVE_CMOCKA
ANALYZE_UNIT_TESTS = tests/unit/test_analyze
check_PROGRAMS += $(ANALYZE_UNIT_TESTS)
TESTS += $(ANALYZE_UNIT_TESTS)
tests_unit_test_analyze_SOURCES = tests/unit/test_analyze.c tests/unit/unit.h \
	src/analyze/analyze.c src/analyze/analyze.h src/analyze/analyze_verdict.c src/analyze/analyze_report.h \
	src/output/json_analysis.c src/output/table_analysis.c \
	src/output/json_packet.c src/output/select.c \
	src/outbuf.c src/outbuf.h
tests_unit_test_analyze_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_analyze_LDADD = $(UNIT_LDADD)
endif
TESTS += tests/analyze-vs-tshark.sh tests/analyze-golden.sh
EXTRA_DIST += tests/analyze-vs-tshark.sh tests/analyze-vs-tshark.py \
	tests/analyze-allowlist.txt tests/analyze-golden.sh

if HAVE_CMOCKA
# IP fragment reassembly for flows, DNS and analysis (helper reasm).
check_PROGRAMS += tests/unit/test_reasm
TESTS += tests/unit/test_reasm
tests_unit_test_reasm_SOURCES = tests/unit/test_reasm.c tests/unit/unit.h \
	src/flow/reasm.c src/flow/reasm.h src/nshash.h
tests_unit_test_reasm_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_reasm_LDADD = $(UNIT_LDADD)
endif
# Reassembly end to end (flows, DNS, analyze); its fixture is in testdata/.
TESTS += tests/reasm.sh
EXTRA_DIST += tests/reasm.sh

if HAVE_CMOCKA
# The link types other than Ethernet / SLL / PPP / raw (helper linktypes):
# one test program per dissect/ file.
LINK_UNIT_TESTS = tests/unit/test_ieee80211 tests/unit/test_nflog tests/unit/test_lan tests/unit/test_arcnet tests/unit/test_wan tests/unit/test_ieee802154 tests/unit/test_sixlowpan tests/unit/test_pseudo
check_PROGRAMS += $(LINK_UNIT_TESTS)
TESTS += $(LINK_UNIT_TESTS)
tests_unit_test_ieee80211_SOURCES = tests/unit/test_ieee80211.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_ieee80211_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ieee80211_LDADD = $(UNIT_LDADD)
tests_unit_test_nflog_SOURCES = tests/unit/test_nflog.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_nflog_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_nflog_LDADD = $(UNIT_LDADD)
tests_unit_test_lan_SOURCES = tests/unit/test_lan.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_lan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lan_LDADD = $(UNIT_LDADD)
tests_unit_test_arcnet_SOURCES = tests/unit/test_arcnet.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_arcnet_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_arcnet_LDADD = $(UNIT_LDADD)
tests_unit_test_wan_SOURCES = tests/unit/test_wan.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_wan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_wan_LDADD = $(UNIT_LDADD)
tests_unit_test_ieee802154_SOURCES = tests/unit/test_ieee802154.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_ieee802154_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ieee802154_LDADD = $(UNIT_LDADD)
tests_unit_test_sixlowpan_SOURCES = tests/unit/test_sixlowpan.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_sixlowpan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sixlowpan_LDADD = $(UNIT_LDADD)
tests_unit_test_pseudo_SOURCES = tests/unit/test_pseudo.c tests/unit/linkunit.h tests/unit/unit.h
tests_unit_test_pseudo_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pseudo_LDADD = $(UNIT_LDADD)
endif

if HAVE_CMOCKA
# Encapsulation decoders (helper ipenc): one test program per dissect/ file,
# plus nesting and the NS_MAX_ENCAP limit; tests/unit/encap.h builds packets.
ENCAP_UNIT_TESTS = tests/unit/test_gre tests/unit/test_vxlan tests/unit/test_ipip tests/unit/test_ether tests/unit/test_ppp tests/unit/test_erspan tests/unit/test_wccp tests/unit/test_etherip tests/unit/test_geneve tests/unit/test_vxlan_gpe tests/unit/test_teredo tests/unit/test_ayiya tests/unit/test_gtpu tests/unit/test_nesting
check_PROGRAMS += $(ENCAP_UNIT_TESTS)
TESTS += $(ENCAP_UNIT_TESTS)
tests_unit_test_gre_SOURCES = tests/unit/test_gre.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_gre_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gre_LDADD = $(UNIT_LDADD)
tests_unit_test_vxlan_SOURCES = tests/unit/test_vxlan.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_vxlan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vxlan_LDADD = $(UNIT_LDADD)
tests_unit_test_ipip_SOURCES = tests/unit/test_ipip.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_ipip_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ipip_LDADD = $(UNIT_LDADD)
tests_unit_test_ether_SOURCES = tests/unit/test_ether.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_ether_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ether_LDADD = $(UNIT_LDADD)
tests_unit_test_ppp_SOURCES = tests/unit/test_ppp.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_ppp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ppp_LDADD = $(UNIT_LDADD)
tests_unit_test_erspan_SOURCES = tests/unit/test_erspan.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_erspan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_erspan_LDADD = $(UNIT_LDADD)
tests_unit_test_wccp_SOURCES = tests/unit/test_wccp.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_wccp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_wccp_LDADD = $(UNIT_LDADD)
tests_unit_test_etherip_SOURCES = tests/unit/test_etherip.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_etherip_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_etherip_LDADD = $(UNIT_LDADD)
tests_unit_test_geneve_SOURCES = tests/unit/test_geneve.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_geneve_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_geneve_LDADD = $(UNIT_LDADD)
tests_unit_test_vxlan_gpe_SOURCES = tests/unit/test_vxlan_gpe.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_vxlan_gpe_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_vxlan_gpe_LDADD = $(UNIT_LDADD)
tests_unit_test_teredo_SOURCES = tests/unit/test_teredo.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_teredo_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_teredo_LDADD = $(UNIT_LDADD)
tests_unit_test_ayiya_SOURCES = tests/unit/test_ayiya.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_ayiya_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ayiya_LDADD = $(UNIT_LDADD)
tests_unit_test_gtpu_SOURCES = tests/unit/test_gtpu.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_gtpu_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gtpu_LDADD = $(UNIT_LDADD)
tests_unit_test_nesting_SOURCES = tests/unit/test_nesting.c tests/unit/encap.h tests/unit/unit.h
tests_unit_test_nesting_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_nesting_LDADD = $(UNIT_LDADD)
endif

# Mutation check (`make mutation`, not in make check): the script and its list
# of source edits that the tests above must catch.
EXTRA_DIST += tests/mutation.sh tests/mutations.txt

# Live tracing of connection teardown (helper i13live): TIME_WAIT sockets,
# client/server/simultaneous close, IPv4 and IPv6, vs tcpdump. Root, netns.
TESTS += tests/live-close.sh
EXTRA_DIST += tests/live-close.sh

# trace -- CMD process-tree semantics, exit statuses, --pid end, stale
# cgroups (helper i13live). Root, netns.
TESTS += tests/live-tree.sh
EXTRA_DIST += tests/live-tree.sh

# Strict time order of a -w recording under a two-CPU iperf3 load (helper
# i13live). Root, netns.
TESTS += tests/live-order.sh
EXTRA_DIST += tests/live-order.sh

# Loopback packets once, as tcpdump -i lo (helper i13live). Root, netns.
TESTS += tests/live-lo.sh
EXTRA_DIST += tests/live-lo.sh

# -w rotation -C/-G/-W (helper i13live). Root, netns.
TESTS += tests/live-rotate.sh
EXTRA_DIST += tests/live-rotate.sh
