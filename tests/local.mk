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
