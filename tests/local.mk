# tests/: unit tests (cmocka), golden regression, differential against tshark, live.
# Test scripts see the build through these variables.
AM_TESTS_ENVIRONMENT = \
	NETSIFT=$(abs_top_builddir)/netsift; export NETSIFT; \
	TOP_SRCDIR=$(abs_top_srcdir); export TOP_SRCDIR; \
	TOP_BUILDDIR=$(abs_top_builddir); export TOP_BUILDDIR; \
	SHARED_DIR=$(abs_top_srcdir)/../shared; export SHARED_DIR;

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
	tests/unit/test_addr
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
EXTRA_DIST += tests/tshark-diff.sh tests/tshark_diff.py tests/tshark-allowlist.txt

if HAVE_CMOCKA
# Flow tracker, DNS parser and DNS cache (helper flw).
FLOW_UNIT_TESTS = tests/unit/test_dns tests/unit/test_dnscache tests/unit/test_flow
check_PROGRAMS += $(FLOW_UNIT_TESTS)
TESTS += $(FLOW_UNIT_TESTS)
tests_unit_test_dns_SOURCES = tests/unit/test_dns.c tests/unit/unit.h
tests_unit_test_dns_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dns_LDADD = $(UNIT_LDADD)
tests_unit_test_dnscache_SOURCES = tests/unit/test_dnscache.c tests/unit/unit.h \
	src/dnscache.c src/dnscache.h src/nshash.h
tests_unit_test_dnscache_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dnscache_LDADD = $(UNIT_LDADD)
tests_unit_test_flow_SOURCES = tests/unit/test_flow.c tests/unit/unit.h \
	src/flow.c src/flow.h src/nshash.h
tests_unit_test_flow_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flow_LDADD = $(UNIT_LDADD)
endif

if HAVE_CMOCKA
# The ring buffer reader of `netsift trace` (merge of the per-CPU rings): plain
# memory, no libbpf, so it is tested with or without the live backend.
check_PROGRAMS += tests/unit/test_ringread
TESTS += tests/unit/test_ringread
tests_unit_test_ringread_SOURCES = tests/unit/test_ringread.c tests/unit/unit.h \
	src/ringread.c src/ringread.h
tests_unit_test_ringread_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_ringread_LDADD = $(CMOCKA_LIBS)
endif

# Live tracing end to end (helper live): netns + veth, needs root; skips (77)
# without root or kernel support. tests/bench-live.sh measures (not in TESTS).
TESTS += tests/live.sh
EXTRA_DIST += tests/live.sh tests/live/peer.py tests/live/check.py tests/bench-live.sh

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

# Fixture captures from real traffic between network namespaces (helper fx) and
# the root-only scripts that made them (not run by make check).
EXTRA_DIST += tests/fixtures/lib.sh tests/fixtures/fxpeer.py \
	tests/fixtures/sll2-to-pcapng.py tests/fixtures/regen-all.sh \
	tests/fixtures/mk-abort.sh tests/fixtures/mk-dns-connect.sh \
	tests/fixtures/mk-fast-retransmit.sh tests/fixtures/mk-fragments.sh \
	tests/fixtures/mk-http-graceful.sh tests/fixtures/mk-http-graceful-pcapng.sh \
	tests/fixtures/mk-http-ipv6.sh tests/fixtures/mk-parallel.sh \
	tests/fixtures/mk-ping.sh tests/fixtures/mk-ping-sll2.sh \
	tests/fixtures/mk-refused.sh tests/fixtures/mk-reset-midtransfer.sh \
	tests/fixtures/mk-rto-giveup.sh tests/fixtures/mk-udp-unreach.sh \
	tests/fixtures/mk-zero-window.sh \
	testdata/README.md testdata/abort.pcap testdata/dns-connect.pcap \
	testdata/fast-retransmit.pcap testdata/fragments.pcap \
	testdata/http-graceful.pcap testdata/http-graceful.pcapng \
	testdata/http-ipv6.pcap testdata/parallel.pcap testdata/ping.pcap \
	testdata/ping-sll2.pcap testdata/ping-sll2.pcapng testdata/refused.pcap \
	testdata/reset-midtransfer.pcap testdata/rto-giveup.pcap \
	testdata/udp-unreach.pcap testdata/zero-window.pcap

# Flow/DNS events (helper flw): golden outputs + cross-check with tshark.
TESTS += tests/flows-golden.sh
EXTRA_DIST += tests/flows-golden.sh tests/flows_check.py \
	testdata/abort.flows.json testdata/dns-connect.flows.json \
	testdata/dns-connect.dns.json testdata/dns-connect.flows.txt \
	testdata/fast-retransmit.flows.json testdata/http-graceful.flows.json \
	testdata/http-graceful.pcapng.flows.json testdata/http-ipv6.flows.json \
	testdata/parallel.flows.json testdata/refused.flows.json \
	testdata/reset-midtransfer.flows.json testdata/rto-giveup.flows.json \
	testdata/zero-window.flows.json \
	tests/fixtures/mk-dns-tcp-flw.sh testdata/dns-tcp.pcap \
	testdata/dns-tcp.flows.json testdata/dns-tcp.dns.json testdata/dns-tcp.flows.txt

# netsift analyze (helper ana): engine unit tests, differential test against
# tshark's tcp.analysis.* flags and tcptrace, golden reports.
if HAVE_CMOCKA
ANALYZE_UNIT_TESTS = tests/unit/test_analyze
check_PROGRAMS += $(ANALYZE_UNIT_TESTS)
TESTS += $(ANALYZE_UNIT_TESTS)
tests_unit_test_analyze_SOURCES = tests/unit/test_analyze.c tests/unit/unit.h \
	src/analyze.c src/analyze.h src/analyze_out.c \
	src/outbuf.c src/outbuf.h
tests_unit_test_analyze_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/src
tests_unit_test_analyze_LDADD = $(UNIT_LDADD)
endif
TESTS += tests/analyze-vs-tshark.sh tests/analyze-golden.sh
EXTRA_DIST += tests/analyze-vs-tshark.sh tests/analyze-vs-tshark.py \
	tests/analyze-allowlist.txt tests/analyze-golden.sh \
	tests/fixtures/mk-analyze-lossy.sh testdata/analyze-lossy.pcap \
	testdata/abort.analyze.json testdata/abort.analyze.txt \
	testdata/analyze-lossy.analyze.json testdata/analyze-lossy.analyze.txt \
	testdata/dns-connect.analyze.json testdata/dns-connect.analyze.txt \
	testdata/dns-tcp.analyze.json testdata/dns-tcp.analyze.txt \
	testdata/http-graceful.acks.json testdata/http-graceful.acks.txt \
	testdata/fast-retransmit.acks.json testdata/fast-retransmit.acks.txt \
	testdata/fast-retransmit.analyze.json testdata/fast-retransmit.analyze.txt \
	testdata/http-graceful.analyze.json testdata/http-graceful.analyze.txt \
	testdata/http-graceful.pcapng.analyze.json \
	testdata/http-graceful.pcapng.analyze.txt testdata/http-ipv6.analyze.json \
	testdata/http-ipv6.analyze.txt testdata/parallel.analyze.json \
	testdata/parallel.analyze.txt testdata/refused.analyze.json \
	testdata/refused.analyze.txt testdata/reset-midtransfer.analyze.json \
	testdata/reset-midtransfer.analyze.txt testdata/rto-giveup.analyze.json \
	testdata/rto-giveup.analyze.txt testdata/zero-window.analyze.json \
	testdata/zero-window.analyze.txt
