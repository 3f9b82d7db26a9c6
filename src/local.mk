bin_PROGRAMS += netsift
netsift_SOURCES = src/main.c
netsift_LDADD = dissect/libdissect.a $(PCAP_LIBS)
netsift_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
