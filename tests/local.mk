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
# Ethernet-level encapsulations, one test program per dissect/ file.
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
# Flow tracker, DNS parser and DNS cache.
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

# Live tracing end to end: netns + veth, needs root; skips (77)
# without root or kernel support. tests/bench-live.sh measures (not in TESTS).
TESTS += tests/live.sh
EXTRA_DIST += tests/live.sh tests/live/peer.py tests/live/check.py \
	tests/bench-live.sh

# netsift read: golden outputs, the tcpdump corpus, error paths, man pages.
TESTS += tests/golden.sh tests/corpus.sh tests/errors.sh tests/man.sh
EXTRA_DIST += tests/golden.sh tests/corpus.sh tests/errors.sh tests/man.sh
# The compare-and-update code of the three golden tests (sourced, not a test).
EXTRA_DIST += tests/golden-lib.sh

if HAVE_CMOCKA
# pcapng reader/writer and the output formatters.
CLI_UNIT_TESTS = tests/unit/test_pcapng tests/unit/test_outbuf
check_PROGRAMS += $(CLI_UNIT_TESTS)
TESTS += $(CLI_UNIT_TESTS)
CLI_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src $(PCAP_CFLAGS)
CLI_UNIT_LDADD = src/libnetsift.a dissect/libdissect.a $(CMOCKA_LIBS) $(PCAP_LIBS) $(CRYPTO_LIBS)
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

# Flow/DNS events: golden outputs + cross-check with tshark.
TESTS += tests/flows-golden.sh
EXTRA_DIST += tests/flows-golden.sh tests/flows_check.py

# netsift analyze: engine unit tests, differential test against
# tshark's tcp.analysis.* flags and tcptrace, golden reports.
if HAVE_CMOCKA
ANALYZE_UNIT_TESTS = tests/unit/test_analyze
check_PROGRAMS += $(ANALYZE_UNIT_TESTS)
TESTS += $(ANALYZE_UNIT_TESTS)
tests_unit_test_analyze_SOURCES = tests/unit/test_analyze.c tests/unit/unit.h \
	src/analyze/analyze.c src/analyze/analyze.h src/analyze/analyze_verdict.c src/analyze/analyze_report.h \
	src/output/json_analysis.c src/output/table_analysis.c \
	src/output/json_packet.c src/output/select.c \
	src/outbuf.c src/outbuf.h src/hugemap.c src/hugemap.h
tests_unit_test_analyze_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_analyze_LDADD = $(UNIT_LDADD)
endif
TESTS += tests/analyze-vs-tshark.sh tests/analyze-golden.sh
EXTRA_DIST += tests/analyze-vs-tshark.sh tests/analyze-vs-tshark.py \
	tests/analyze-allowlist.txt tests/analyze-golden.sh

if HAVE_CMOCKA
# IP fragment reassembly for flows, DNS and analysis.
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
# The link types other than Ethernet / SLL / PPP / raw:
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
# Encapsulation decoders: one test program per dissect/ file,
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

# Community ID (src/communityid.c): the spec's baseline values.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_communityid
TESTS += tests/unit/test_communityid
tests_unit_test_communityid_SOURCES = tests/unit/test_communityid.c tests/unit/unit.h \
	src/communityid.c src/communityid.h
tests_unit_test_communityid_CFLAGS = $(UNIT_CFLAGS) $(CRYPTO_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_communityid_LDADD = $(UNIT_LDADD) $(CRYPTO_LIBS)
endif

# Zeek conn.log (analyze -o zeek / zeek-json): golden logs, zeek-cut (our
# stand-in), sqlite3 import, Community ID against tshark.
TESTS += tests/zeek-golden.sh
EXTRA_DIST += tests/zeek-golden.sh tests/zeek-cut

# Zeek connection tracker (src/conn/zeekconn.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_zeekconn
TESTS += tests/unit/test_zeekconn
tests_unit_test_zeekconn_SOURCES = tests/unit/test_zeekconn.c tests/unit/unit.h \
	src/conn/zeekconn.c src/conn/zeekconn.h src/communityid.c src/communityid.h
tests_unit_test_zeekconn_CFLAGS = $(UNIT_CFLAGS) $(CRYPTO_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_zeekconn_LDADD = $(UNIT_LDADD) $(CRYPTO_LIBS)
# the analysis JSON carries the uid and Community ID
tests_unit_test_analyze_SOURCES += src/communityid.c src/conn/zeekconn.c
tests_unit_test_analyze_LDADD += $(CRYPTO_LIBS)
endif

# The HTML report of `netsift analyze` (--report, -o html, --plot) rendered in
# headless Chromium (tests/html_report.py drives it over the DevTools pipe).
TESTS += tests/html-report.sh
EXTRA_DIST += tests/html-report.sh tests/html_report.py

if HAVE_CMOCKA
# The per-packet record of connections and the time-sequence graph drawn
# from it (src/analyze/timeseq.c, src/output/html_svg.c).
check_PROGRAMS += tests/unit/test_timeseq
TESTS += tests/unit/test_timeseq
tests_unit_test_timeseq_SOURCES = tests/unit/test_timeseq.c tests/unit/unit.h
tests_unit_test_timeseq_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src $(PCAP_CFLAGS)
tests_unit_test_timeseq_LDADD = $(CLI_UNIT_LDADD)
endif
# --schema tracee: golden outputs (testdata/tracee/) and jq filters written
# for Tracee's JSON, checked against tshark.
TESTS += tests/tracee-schema.sh
EXTRA_DIST += tests/tracee-schema.sh

if HAVE_CMOCKA
# --schema tracee: Go escaping and gopacket names (src/output/tracee.c).
TRACEE_UNIT_TESTS = tests/unit/test_tracee
check_PROGRAMS += $(TRACEE_UNIT_TESTS)
TESTS += $(TRACEE_UNIT_TESTS)
tests_unit_test_tracee_SOURCES = tests/unit/test_tracee.c tests/unit/unit.h
tests_unit_test_tracee_CFLAGS = $(CLI_UNIT_CFLAGS)
tests_unit_test_tracee_LDADD = $(CLI_UNIT_LDADD)
endif

# analyze report: [v6]:port, payload column, truncated input verdict, input
# path as given, uniqueBytes against tcptrace.
TESTS += tests/analyze-report.sh
EXTRA_DIST += tests/analyze-report.sh

# The table prints local time, as tcpdump: the tests fix the zone so that
# their expected outputs hold anywhere.
AM_TESTS_ENVIRONMENT += TZ=UTC0; export TZ;

# Table output against tcpdump: TCP flags, time formats (-t...-ttttt, nano,
# local and UTC), interface, direction and process.
TESTS += tests/table-format.sh
EXTRA_DIST += tests/table-format.sh
# Output does not depend on the hash key (tests/hashkey.sh; issue 16).
TESTS += tests/hashkey.sh
EXTRA_DIST += tests/hashkey.sh
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_nshash
TESTS += tests/unit/test_nshash
tests_unit_test_nshash_SOURCES = tests/unit/test_nshash.c src/nshash.c src/nshash.h
tests_unit_test_nshash_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_nshash_LDADD = $(UNIT_LDADD)
# The tables' own unit tests link the process key too.
tests_unit_test_flow_SOURCES += src/nshash.c
tests_unit_test_dnscache_SOURCES += src/nshash.c
tests_unit_test_analyze_SOURCES += src/nshash.c
tests_unit_test_reasm_SOURCES += src/nshash.c
tests_unit_test_zeekconn_SOURCES += src/nshash.c
endif
# libFuzzer harnesses (tests/fuzz/, see tests/fuzz/README). In a normal build
# each is a program that runs its fuzz target over files (standalone.c):
# tests/fuzz-regress.sh replays tests/fuzz/regressions/ and seeds with them.
# `make fuzz` builds them with clang and libFuzzer in _fuzz/ and fuzzes.
FUZZ_HARNESSES = tests/fuzz/fuzz_packet tests/fuzz/fuzz_dns tests/fuzz/fuzz_file \
	tests/fuzz/fuzz_stream tests/fuzz/fuzz_pcapng_rt tests/fuzz/fuzz_flow \
	tests/fuzz/fuzz_analyze tests/fuzz/fuzz_opts
FUZZ_HDRS = tests/fuzz/fuzz.h tests/fuzz/fuzz_pipe.h tests/fuzz/fuzz_frames.h
FUZZ_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) -I$(top_srcdir)/src
FUZZ_LDADD = src/libnetsift.a dissect/libdissect.a $(PCAP_LIBS) $(CRYPTO_LIBS) -lpthread
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
check_PROGRAMS += $(FUZZ_HARNESSES)
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_packet_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_packet_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_packet_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_dns_SOURCES = tests/fuzz/fuzz_dns.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_dns_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_dns_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_dns_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_file_SOURCES = tests/fuzz/fuzz_file.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_file_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_file_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_file_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_stream_SOURCES = tests/fuzz/fuzz_stream.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_stream_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_stream_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_stream_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_pcapng_rt_SOURCES = tests/fuzz/fuzz_pcapng_rt.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_pcapng_rt_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_pcapng_rt_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_pcapng_rt_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_flow_SOURCES = tests/fuzz/fuzz_flow.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_flow_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_flow_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_flow_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_analyze_SOURCES = tests/fuzz/fuzz_analyze.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_analyze_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_analyze_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_analyze_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_opts_SOURCES = tests/fuzz/fuzz_opts.c tests/fuzz/standalone.c $(FUZZ_HDRS)
tests_fuzz_fuzz_opts_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_opts_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_opts_LDADD = $(FUZZ_LDADD)
if HAVE_LIVE
# the ring-buffer record path includes src/live/live.c whole (on_record)
FUZZ_LIVE_HARNESSES = tests/fuzz/fuzz_ring
check_PROGRAMS += $(FUZZ_LIVE_HARNESSES)
tests_fuzz_fuzz_ring_SOURCES = tests/fuzz/fuzz_ring.c tests/fuzz/standalone.c $(FUZZ_HDRS) \
	src/live/live_bpf.c src/live/ringread.c src/live/cgroup.c src/live/procsock.c
nodist_tests_fuzz_fuzz_ring_SOURCES = bpf/netsift.skel.h
tests_fuzz_fuzz_ring_CFLAGS = $(FUZZ_CFLAGS) $(LIBBPF_CFLAGS) -I$(top_srcdir)/bpf -I$(top_builddir)/bpf
tests_fuzz_fuzz_ring_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_ring_LDADD = $(FUZZ_LDADD) $(LIBBPF_LIBS)
src/live/tests_fuzz_fuzz_ring-live_bpf.$(OBJEXT): bpf/netsift.skel.h
endif
TESTS += tests/fuzz-regress.sh
EXTRA_DIST += tests/fuzz-regress.sh tests/fuzz/README tests/fuzz/mkseeds.py \
	tests/fuzz/run.sh tests/fuzz/pcap.dict tests/fuzz/pcapng.dict tests/fuzz/regressions
# Counted drops: flow-table replacements, analyze --max-conns (issue 17).
TESTS += tests/limits.sh
EXTRA_DIST += tests/limits.sh
# Fault injection (issue 17): allocation failure at every allocation site
# (tests/faults/failmalloc.c, preloaded), a full disk under -w, stdout closed
# early, a capture cut while read. The preload library is built without
# sanitizers (ASan replaces malloc itself).
check_PROGRAMS += tests/faults/failmalloc.so
tests_faults_failmalloc_so_SOURCES = tests/faults/failmalloc.c
tests_faults_failmalloc_so_CFLAGS = -fPIC -std=c11 -D_GNU_SOURCE $(WARN_CFLAGS)
tests_faults_failmalloc_so_LDFLAGS = -shared
TESTS += tests/faults.sh
EXTRA_DIST += tests/faults.sh
# analyze diagnoses (issue 19): the engine unit test links the diagnoses too
if HAVE_CMOCKA
tests_unit_test_analyze_SOURCES += src/analyze/diagnose.c src/analyze/diagnose.h
endif
TESTS += tests/analyze-diagnose.sh
EXTRA_DIST += tests/analyze-diagnose.sh tests/analyze-diagnose.py
if HAVE_CMOCKA
# libnetsift.a reads compressed captures (issue 14)
CLI_UNIT_LDADD += $(COMPRESS_LIBS)
FUZZ_LDADD += $(COMPRESS_LIBS)
endif

# Inputs as tcpdump/tshark users give them (issue 14): -r and a trailing
# filter, several files as one capture, --merge, compressed captures,
# streaming pipes (stream_latency.py), the progress line.
TESTS += tests/inputs.sh
EXTRA_DIST += tests/inputs.sh tests/stream_latency.py

if HAVE_CMOCKA
# The input stream: compression sniffed and decoded, idle() before a wait (issue 14).
check_PROGRAMS += tests/unit/test_instream
TESTS += tests/unit/test_instream
tests_unit_test_instream_SOURCES = tests/unit/test_instream.c tests/unit/unit.h
tests_unit_test_instream_CFLAGS = $(CLI_UNIT_CFLAGS) $(COMPRESS_CFLAGS)
tests_unit_test_instream_LDADD = $(CLI_UNIT_LDADD)
endif
# Live tracing of connection teardown: TIME_WAIT sockets,
# client/server/simultaneous close, IPv4 and IPv6, vs tcpdump. Root, netns.
TESTS += tests/live-close.sh
EXTRA_DIST += tests/live-close.sh

# trace -- CMD process-tree semantics, exit statuses, --pid end, stale
# cgroups. Root, netns.
TESTS += tests/live-tree.sh
EXTRA_DIST += tests/live-tree.sh

# Strict time order of a -w recording under a two-CPU iperf3 load. Root,
# netns.
TESTS += tests/live-order.sh
EXTRA_DIST += tests/live-order.sh

# Loopback packets once, as tcpdump -i lo. Root, netns.
TESTS += tests/live-lo.sh
EXTRA_DIST += tests/live-lo.sh

# -w rotation -C/-G/-W. Root, netns.
TESTS += tests/live-rotate.sh
EXTRA_DIST += tests/live-rotate.sh

# The namespace pair (veth, addresses, checks, cleanup) shared by the live
# tests, tests/bench-live.sh and tests/bench/mk*.sh (sourced).
EXTRA_DIST += tests/netns.sh

# Process and container context of live events (issue 13 item 7): a process
# in its own pid namespace in a docker-<id>.scope cgroup. Root, netns, cgroups.
TESTS += tests/live-ctx.sh
EXTRA_DIST += tests/live-ctx.sh

if HAVE_CMOCKA
# Process and container context (issue 13 item 7): container ids from cgroup
# paths, the pcapng comment text and its round trip; the /proc reader of
# `netsift trace` (plain /proc, no libbpf: tested with or without live).
PROCCTX_UNIT_TESTS = tests/unit/test_procctx tests/unit/test_procinfo
check_PROGRAMS += $(PROCCTX_UNIT_TESTS)
TESTS += $(PROCCTX_UNIT_TESTS)
tests_unit_test_procctx_SOURCES = tests/unit/test_procctx.c tests/unit/unit.h
tests_unit_test_procctx_CFLAGS = $(CLI_UNIT_CFLAGS)
tests_unit_test_procctx_LDADD = $(CLI_UNIT_LDADD)
tests_unit_test_procinfo_SOURCES = tests/unit/test_procinfo.c tests/unit/unit.h \
	src/live/procinfo.c src/live/procinfo.h
tests_unit_test_procinfo_CFLAGS = $(CLI_UNIT_CFLAGS)
tests_unit_test_procinfo_LDADD = $(CLI_UNIT_LDADD)
endif
if HAVE_LIVE
# live.c, which fuzz_ring includes whole, calls the /proc reader
tests_fuzz_fuzz_ring_SOURCES += src/live/procinfo.c
endif

# --threads: threaded output byte for byte that of one thread (issue 16)
TESTS += tests/threads.sh
EXTRA_DIST += tests/threads.sh

# make fuzz-coverage (Makefile.am): line coverage of the fuzz corpora
EXTRA_DIST += tests/fuzz/coverage.sh

# The start the test scripts share (defaults, the binary check, tmp removed
# at exit, ok/bad counters; sourced, not a test).
EXTRA_DIST += tests/common.sh

# read --threads: packet events rendered on several threads, byte for byte
# those of one thread
TESTS += tests/read-threads.sh
EXTRA_DIST += tests/read-threads.sh
