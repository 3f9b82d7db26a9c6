# dissect/: the shared dissector core. No I/O, no libpcap/libbpf.
noinst_LIBRARIES += dissect/libdissect.a
dissect_libdissect_a_SOURCES = \
	dissect/dissect.h dissect/bytes.h \
	dissect/dissect.c dissect/addr.c \
	dissect/link.c dissect/ipv4.c dissect/ipv6.c \
	dissect/tcp.c dissect/udp.c dissect/icmp.c dissect/icmpv6.c \
	dissect/dns.h dissect/dns.c \
	dissect/ether.c dissect/ppp.c dissect/ipip.c dissect/gre.c dissect/vxlan.c \
	dissect/link.h dissect/ieee80211.c dissect/nflog.c dissect/lan.c dissect/arcnet.c \
	dissect/wan.c dissect/ieee802154.c dissect/sixlowpan.c dissect/pseudo.c \
	dissect/erspan.c dissect/wccp.c dissect/etherip.c dissect/ip_ethernet.c dissect/geneve.c \
	dissect/vxlan_gpe.c dissect/teredo.c dissect/ayiya.c dissect/gtpu.c \
	dissect/mpls.c dissect/pppoe.c dissect/pbb.c dissect/fabricpath.c \
	dissect/vntag.c dissect/etag.c dissect/nsh.c dissect/macsec.c
