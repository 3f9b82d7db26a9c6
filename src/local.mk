bin_PROGRAMS += netsift
netsift_SOURCES = src/main.c src/commands.h
netsift_LDADD = src/libnetsift.a dissect/libdissect.a $(PCAP_LIBS) $(CRYPTO_LIBS)
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
OUTPUT_SOURCES += src/output/tracee.h src/output/tracee.c
OUTPUT_SOURCES += src/output/table_time.c

# Everything of `netsift read` except main(): linked by netsift and by the unit
# tests (tests/unit/test_pcapng, test_outbuf).
noinst_LIBRARIES += src/libnetsift.a
src_libnetsift_a_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(CRYPTO_CFLAGS) -I$(top_srcdir)/src
src_libnetsift_a_SOURCES = \
	src/cmd_read.c \
	src/events.c src/events.h \
	src/outbuf.c src/outbuf.h \
	$(OUTPUT_SOURCES) \
	src/pipeline.c src/pipeline.h src/flow/reasm.c src/flow/reasm.h \
	src/reader/reader.c src/reader/reader.h src/reader/reader_pcap.c \
	src/reader/pcapng.c src/reader/pcapng.h \
	src/flow/flow.c src/flow/flow.h src/flow/dnscache.c src/flow/dnscache.h src/nshash.h \
	src/flow/out_flow.c src/flow/out_flow.h \
	src/analyze/analyze.c src/analyze/analyze.h src/analyze/analyze_verdict.c src/analyze/analyze_report.h \
	src/cmd_analyze.c \
	src/cli_common.c src/cli_common.h

# Live backend (netsift trace): eBPF loader and attribution, only with HAVE_LIVE.
if HAVE_LIVE
netsift_SOURCES += src/live/live.c src/live/live.h src/live/live_bpf.c src/live/live_bpf.h \
	src/live/ringread.c src/live/ringread.h \
	src/live/cgroup.c src/live/cgroup.h src/live/procsock.c src/live/procsock.h
nodist_netsift_SOURCES = bpf/netsift.skel.h
netsift_LDADD += $(LIBBPF_LIBS)
netsift_CFLAGS += $(LIBBPF_CFLAGS) -I$(top_srcdir)/bpf -I$(top_builddir)/bpf
endif

# Community ID (src/communityid.c) and Zeek conn.log (src/conn/, src/output/zeek.c).
src_libnetsift_a_SOURCES += src/communityid.c src/communityid.h \
	src/conn/zeekconn.c src/conn/zeekconn.h src/output/zeek.c
# The HTML report and SVG graphs of `netsift analyze` (--report, -o html,
# --plot): the format and its graphs, and the per-packet record they draw.
src_libnetsift_a_SOURCES += src/output/html.h src/output/html.c src/output/html_svg.c \
	src/analyze/timeseq.h src/analyze/timeseq.c
# Keyed hashing (SipHash-1-3, per-process key) for every table indexed by packet fields.
src_libnetsift_a_SOURCES += src/nshash.c
# Memory on transparent huge pages (the analysis's connection slabs, the report's record).
src_libnetsift_a_SOURCES += src/hugemap.c src/hugemap.h
# analyze diagnoses (issue 19)
src_libnetsift_a_SOURCES += src/analyze/diagnose.c src/analyze/diagnose.h
# Streams and several inputs (issue 14): polled pipes, gzip/zstd/lz4 through
# zlib/libzstd/liblz4, several files as one capture, the progress line.
src_libnetsift_a_SOURCES += \
	src/reader/instream.c src/reader/instream.h \
	src/reader/inputs.c src/reader/inputs.h
src_libnetsift_a_CFLAGS += $(COMPRESS_CFLAGS)
netsift_LDADD += $(COMPRESS_LIBS)
# Process and container context of live events (issue 13 item 7): container
# ids from cgroup paths, its text in pcapng comments, the intern table.
src_libnetsift_a_SOURCES += src/procctx.c src/procctx.h
if HAVE_LIVE
netsift_SOURCES += src/live/procinfo.c src/live/procinfo.h
endif
# analyze --threads (issue 16): one reader, workers owning connections by hash
src_libnetsift_a_SOURCES += src/analyze/an_threads.c src/analyze/an_threads.h
# read --threads N: packet events rendered by workers, in order (src/read_threads.c)
src_libnetsift_a_SOURCES += src/read_threads.c src/read_threads.h
