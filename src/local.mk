bin_PROGRAMS += netsift
netsift_SOURCES = src/main.c src/commands.h
netsift_LDADD = src/libnetsift.a dissect/libdissect.a $(PCAP_LIBS)
netsift_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)

# Output formats (src/output/): the interface and registry (output.h,
# output.c); per format its header, its struct ns_output (json.c, table.c) and
# its packet, flow and analysis writers in files of their own.
OUTPUT_SOURCES = \
	src/output/output.h src/output/output.c src/output/select.c \
	src/output/json.h src/output/json.c src/output/json_packet.c \
	src/output/json_flow.c src/output/json_analysis.c \
	src/output/table.h src/output/table.c src/output/table_packet.c \
	src/output/table_flow.c src/output/table_analysis.c

# Everything of `netsift read` except main(): linked by netsift and by the unit
# tests (tests/unit/test_pcapng, test_outbuf).
noinst_LIBRARIES += src/libnetsift.a
src_libnetsift_a_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) -I$(top_srcdir)/src
src_libnetsift_a_SOURCES = \
	src/cmd_read.c \
	src/events.c src/events.h \
	src/outbuf.c src/outbuf.h \
	$(OUTPUT_SOURCES) \
	src/pipeline.c src/pipeline.h src/reasm.c src/reasm.h \
	src/reader.c src/reader.h src/reader_pcap.c \
	src/pcapng.c src/pcapng.h \
	src/flow.c src/flow.h src/dnscache.c src/dnscache.h src/nshash.h \
	src/out_flow.c src/out_flow.h \
	src/analyze.c src/analyze.h src/analyze_verdict.c src/analyze_report.h \
	src/cmd_analyze.c \
	src/cli_common.c src/cli_common.h

# Live backend (netsift trace): eBPF loader and attribution, only with HAVE_LIVE.
if HAVE_LIVE
netsift_SOURCES += src/live.c src/live.h src/live_bpf.c src/live_bpf.h \
	src/ringread.c src/ringread.h \
	src/cgroup.c src/cgroup.h src/procsock.c src/procsock.h
nodist_netsift_SOURCES = bpf/netsift.skel.h
netsift_LDADD += $(LIBBPF_LIBS)
netsift_CFLAGS += $(LIBBPF_CFLAGS) -I$(top_srcdir)/bpf -I$(top_builddir)/bpf
endif
