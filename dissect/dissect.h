/* netsift dissector core: public API.
 *
 * The dissector takes the bytes of one packet (from the link layer of a pcap
 * record, or from the IP header of an eBPF ring-buffer record) and fills one
 * struct ns_packet. It does no I/O, allocates nothing, and keeps no global
 * mutable state. Every read is bounds-checked against the captured length;
 * what cannot be read is reported in ns_packet.flags, never guessed.
 *
 * Pointers in ns_packet point into the caller's buffer and are valid only as
 * long as that buffer is.
 */
#ifndef NETSIFT_DISSECT_H
#define NETSIFT_DISSECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- link types (our own names; src/ maps libpcap DLT values to these) ---- */
enum ns_linktype {
	NS_LINK_NONE = 0,   /* bytes start at the IP header; version nibble picks v4/v6 */
	NS_LINK_ETHERNET,   /* DLT_EN10MB, with 802.1Q / 802.1ad tags */
	NS_LINK_RAW,        /* DLT_RAW / LINKTYPE_RAW: IP, version from the first nibble */
	NS_LINK_IPV4,       /* LINKTYPE_IPV4 */
	NS_LINK_IPV6,       /* LINKTYPE_IPV6 */
	NS_LINK_NULL,       /* DLT_NULL: 4-byte AF in the capturing host's byte order */
	NS_LINK_LOOP,       /* DLT_LOOP: 4-byte AF in network byte order */
	NS_LINK_SLL,        /* DLT_LINUX_SLL (cooked v1, 16 bytes) */
	NS_LINK_SLL2,       /* DLT_LINUX_SLL2 (cooked v2, 20 bytes) */
	NS_LINK_PPP,        /* DLT_PPP: optional FF 03, then a 1- or 2-byte protocol */
	NS_LINK_C_HDLC,     /* DLT_C_HDLC: address, control, 2-byte ethertype */
	NS_LINK_SLIP,       /* DLT_SLIP: 16-byte BSD SLIP pseudo-header, then IP */
	/* ieee80211.c: 802.11 data frames, bare or behind a radio header */
	NS_LINK_IEEE80211,  /* DLT_IEEE802_11 (105): the 802.11 MAC header first */
	NS_LINK_RADIOTAP,   /* DLT_IEEE802_11_RADIO (127): radiotap, then 802.11 */
	NS_LINK_PPI,        /* DLT_PPI (192): PPI header naming its own DLT */
	NS_LINK_PRISM,      /* DLT_PRISM_HEADER (119): 144-byte Prism (or AVS) header */
	NS_LINK_AVS,        /* DLT_IEEE802_11_RADIO_AVS (163): AVS header */
	NS_LINK_NFLOG,      /* nflog.c: DLT_NFLOG (239), Linux NFLOG TLVs */
	NS_LINK_FDDI,       /* lan.c: DLT_FDDI (10) */
	NS_LINK_TOKEN_RING, /* lan.c: DLT_IEEE802 (6), with source routing */
	NS_LINK_IPFC,       /* lan.c: DLT_IP_OVER_FC (122) */
	NS_LINK_NETANALYZER,        /* lan.c: DLT_NETANALYZER (240): 4 bytes, Ethernet */
	NS_LINK_NETANALYZER_TRANSPARENT, /* lan.c: (241): 4 bytes, preamble, SFD, Ethernet */
	NS_LINK_IPOIB,      /* lan.c: DLT_IPOIB (242) */
	NS_LINK_IEEE1394,   /* lan.c: DLT_APPLE_IP_OVER_IEEE1394 (138) */
	NS_LINK_ARCNET,     /* arcnet.c: DLT_ARCNET (7), BSD */
	NS_LINK_ARCNET_LINUX, /* arcnet.c: DLT_ARCNET_LINUX (129) */
	NS_LINK_FRELAY,     /* wan.c: DLT_FRELAY (107), Q.922 + NLPID */
	NS_LINK_MFR,        /* wan.c: DLT_MFR (182), FRF.16 multilink frame relay */
	NS_LINK_SUNATM,     /* wan.c: DLT_SUNATM (123): 4-byte header, then AAL5 */
	NS_LINK_ATM_RFC1483, /* wan.c: DLT_ATM_RFC1483 (11) / ATM_CLIP (19): LLC/SNAP */
	NS_LINK_PPP_SERIAL, /* wan.c: DLT_PPP_SERIAL (50): PPP in HDLC, or Cisco HDLC */
	NS_LINK_PPP_PPPD,   /* wan.c: DLT_PPP_PPPD (166): direction byte instead of FF */
	NS_LINK_PPP_ETHER,  /* wan.c: DLT_PPP_ETHER (51): PPPoE session header first */
	NS_LINK_MPLS,       /* wan.c: DLT_MPLS (219): a label stack first */
	NS_LINK_DOCSIS,     /* wan.c: DLT_DOCSIS (143): DOCSIS MAC header, Ethernet */
	NS_LINK_ERF,        /* wan.c: DLT_ERF (197): Endace ERF record */
	NS_LINK_IEEE802154, /* ieee802154.c: DLT_IEEE802_15_4_WITHFCS (195) */
	NS_LINK_IEEE802154_NOFCS, /* ieee802154.c: (230), no FCS */
	NS_LINK_IPNET,      /* pseudo.c: DLT_IPNET (226), Solaris */
	NS_LINK_PKTAP,      /* pseudo.c: DLT_PKTAP (258), Apple: header, then its DLT */
	NS_LINK_PFLOG,      /* pseudo.c: DLT_PFLOG (117), OpenBSD pf log */
	NS_LINK_ENC,        /* pseudo.c: DLT_ENC (109), OpenBSD IPsec enc */
	NS_LINK_OPAQUE,     /* a known link type that never carries IP for us (USB,
			       Bluetooth, CAN, SS7, DLT_USERn, ...): every frame not_ip */
};

/* The ns_linktype for a libpcap LINKTYPE_/DLT_ value (file headers, and the
 * DLT named inside PPI and PKTAP headers). -1 if we do not know it. */
int ns_linktype_from_dlt(uint32_t dlt, enum ns_linktype *lt);

/* ---- direction of a packet relative to the local host ---- */
enum ns_direction {
	NS_DIR_UNKNOWN = 0,
	NS_DIR_INGRESS = 1,
	NS_DIR_EGRESS = 2,
};

/* ---- anomaly flags (ns_packet.flags); names in ns_flag_name() ---- */
enum ns_flag {
	NS_F_TRUNCATED        = 1u << 0,  /* a header or payload ends before its length says */
	NS_F_BAD_IP_CHECKSUM  = 1u << 1,  /* IPv4 header checksum does not verify */
	NS_F_BAD_LENGTH       = 1u << 2,  /* a length field is impossible (too small / larger than the enclosing layer) */
	NS_F_FRAGMENT         = 1u << 3,  /* IP fragment (first or not); v6: any Fragment header, atomic ones too */
	NS_F_BAD_HEADER       = 1u << 4,  /* header field invalid: IHL < 5, TCP data offset < 5, ... */
	NS_F_BAD_VERSION      = 1u << 5,  /* IP version nibble is not what the link layer says */
	NS_F_BAD_OPTIONS      = 1u << 6,  /* IPv4/IPv6/TCP options malformed (length 0/1 or below the kind's
					   * minimum, past the header, duplicate TCP option, window scale > 14) */
	NS_F_EXT_HDR_LIMIT    = 1u << 7,  /* IPv6 chain longer than NS_MAX_IP6_EXT (walked, not all recorded) */
	NS_F_NOT_IP           = 1u << 8,  /* link payload is not IPv4/IPv6 (ARP, STP, ...) */
	NS_F_BAD_LINK         = 1u << 9,  /* link header truncated or malformed */
	NS_F_ENCAP_LIMIT      = 1u << 10, /* more nested encapsulations than NS_MAX_ENCAP: decoding stopped */
	NS_F_BAD_ENCAP        = 1u << 11, /* a tunnel header is malformed or cut: its inner packet is not decoded */
	NS_F_ADDR_UNKNOWN     = 1u << 12, /* an IP address could not be recovered (6LoWPAN IPHC compressed against
					   * a context we do not know, or an IID from an absent link address):
					   * reported as no address */
};
#define NS_F_COUNT 13
/* Stable, lower-case, JSON-ready name of one flag bit ("truncated", ...). NULL if unknown. */
const char *ns_flag_name(uint32_t flag_bit);

/* ---- context: what the source knows besides the bytes ---- */
#define NS_IFNAME_MAX 64
#define NS_COMM_MAX 16
struct ns_procctx;
/* The process a packet is attributed to (live traces and their pcapng
 * recordings; 0 / "" / NULL when absent). One struct, so that the reader,
 * the flow tracker and its events hand it on in one assignment. */
struct ns_task {
	uint32_t pid;
	uint32_t tid;
	uint32_t uid;
	uint64_t cgroup_id;
	char comm[NS_COMM_MAX];
	/* pid namespace, parent, executable, cgroup path, container (src/procctx.h):
	 * live traces and their -w recordings; NULL when unknown */
	const struct ns_procctx *proc;
};
struct ns_ctx {
	uint64_t ts_ns;          /* nanoseconds since the epoch */
	uint64_t frame;          /* 1-based frame number */
	uint32_t wire_len;       /* original length of the whole record (pcap len) */
	uint8_t direction;       /* enum ns_direction, as known to the source */
	char iface[NS_IFNAME_MAX];
	struct ns_task task;     /* process attribution */
	/* the input file as given on the command line, when several are read
	 * as one capture (events name it); NULL otherwise */
	const char *file;
};

/* ---- addresses ---- */
struct ns_addr {
	uint8_t family;          /* 4 or 6, 0 = none */
	uint8_t a[16];           /* v4 in a[0..3] */
};
/* RFC 5952 text (v6) / dotted quad (v4) into buf (>= NS_ADDR_STRLEN). Returns length. */
#define NS_ADDR_STRLEN 46
size_t ns_addr_format(const struct ns_addr *addr, char *buf);
bool ns_addr_equal(const struct ns_addr *x, const struct ns_addr *y);

/* ---- link layer ---- */
/* Link addresses a 6LoWPAN payload rebuilds elided IPv6 interface ids from. */
struct ns_lowpan_addrs {
	uint8_t src_len, dst_len;   /* 0 (absent), 2 (short) or 8 (extended) */
	uint8_t src[8], dst[8];     /* network byte order (802.15.4 sends them little-endian) */
};
#define NS_MAX_VLAN 4
struct ns_link {
	uint8_t type;            /* enum ns_linktype */
	uint16_t hdr_len;        /* bytes of link header consumed */
	uint16_t ethertype;      /* final ethertype (after VLAN tags), or AF-mapped */
	uint8_t nvlan;
	uint16_t vlan_id[NS_MAX_VLAN];
	bool has_pkttype;        /* SLL/SLL2 packet type present */
	uint16_t pkttype;        /* PACKET_HOST=0, BROADCAST=1, MULTICAST=2, OTHERHOST=3, OUTGOING=4 */
	uint32_t sll2_ifindex;   /* SLL2 interface index (0 otherwise) */
	uint16_t trailer_len;    /* bytes at the end of the frame that are not the
				    payload's (802.11 FCS, NFLOG TLVs after the payload) */
	struct ns_lowpan_addrs lowpan; /* IEEE 802.15.4 MAC addresses (ethertype NS_ETHERTYPE_LOWPAN) */
};

/* ---- IPv4 ---- */
#define NS_MAX_IP_OPTS 12
struct ns_opt {                  /* one IPv4 or TCP option, kind + where its bytes are */
	uint8_t kind;
	uint8_t len;             /* total option length incl. kind/len bytes (1 for NOP/EOL) */
	uint16_t off;            /* offset of the kind byte from the start of its header */
};
struct ns_ipv4 {
	uint16_t hdr_avail;      /* bytes of the 20-byte fixed header captured (fields past it are absent) */
	uint8_t version;
	uint8_t ihl;             /* in 32-bit words */
	uint8_t tos;
	uint16_t total_len;
	uint16_t id;
	uint8_t flags;           /* 3 bits: reserved, DF, MF (as in the header: RF=4, DF=2, MF=1) */
	uint16_t frag_off;       /* in 8-byte units, as in the header */
	uint8_t ttl;
	uint8_t protocol;
	uint16_t checksum;
	bool checksum_ok;        /* false if not computable (truncated header) or wrong */
	struct ns_addr src, dst;
	uint8_t nopts;
	struct ns_opt opts[NS_MAX_IP_OPTS];
	const uint8_t *hdr;      /* start of the IPv4 header (for option bytes) */
};

/* ---- IPv6 ---- */
#define NS_MAX_IP6_EXT 8
struct ns_ip6_ext {
	uint8_t type;            /* the next-header value that named this header (0, 43, 44, 60, 51, ...) */
	uint8_t next;            /* its own next-header field */
	uint16_t len;            /* total length in bytes */
	/* fragment header (type 44) only */
	uint16_t frag_off;       /* in 8-byte units */
	bool more_frags;
	uint32_t frag_id;
	/* routing header (type 43) only */
	uint8_t routing_type;
	uint8_t segments_left;
};
struct ns_ipv6 {
	const uint8_t *hdr;      /* start of the IPv6 header; NULL when it was rebuilt from a
				  * compressed form (6LoWPAN IPHC): not in the packet's bytes */
	uint16_t hdr_avail;      /* bytes of the 40-byte fixed header captured (fields past it are absent);
				  * rebuilt header: 40 when every field is known */
	uint8_t version;
	uint8_t traffic_class;
	uint32_t flow_label;
	uint16_t payload_len;
	uint8_t next_header;     /* the fixed header's next-header field */
	uint8_t hop_limit;
	struct ns_addr src, dst;
	uint8_t next;            /* the protocol reached after walking the extension headers */
	uint8_t next_ext;
	struct ns_ip6_ext ext[NS_MAX_IP6_EXT];
};

/* ---- TCP ---- */
#define NS_MAX_TCP_OPTS 16
#define NS_MAX_SACK 4
enum ns_tcp_flag {
	NS_TCP_FIN = 0x001, NS_TCP_SYN = 0x002, NS_TCP_RST = 0x004, NS_TCP_PSH = 0x008,
	NS_TCP_ACK = 0x010, NS_TCP_URG = 0x020, NS_TCP_ECE = 0x040, NS_TCP_CWR = 0x080,
	NS_TCP_NS  = 0x100,
};
struct ns_tcp {
	uint16_t hdr_avail;      /* bytes of the 20-byte fixed header captured (fields past it are absent) */
	uint16_t src_port, dst_port;
	uint32_t seq, ack;
	uint8_t data_offset;     /* in 32-bit words */
	uint16_t flags;          /* enum ns_tcp_flag bits */
	uint16_t window;
	uint16_t checksum;
	uint16_t urgent;
	/* options */
	uint8_t nopts;
	struct ns_opt opts[NS_MAX_TCP_OPTS];
	bool has_mss; uint16_t mss;
	bool has_wscale; uint8_t wscale;  /* shift clamped to 14 (RFC 7323 2.3); raw byte in the option */
	bool sack_permitted;
	uint8_t nsack; uint32_t sack_left[NS_MAX_SACK], sack_right[NS_MAX_SACK];
	bool has_ts; uint32_t ts_val, ts_ecr;
	const uint8_t *hdr;      /* start of the TCP header (for option bytes) */
	uint32_t payload_len;    /* from the IP length fields (what was sent), not the capture;
				  * of this fragment only when pkt->more_fragments */
};

/* ---- UDP ---- */
struct ns_udp {
	uint16_t hdr_avail;      /* bytes of the 8-byte header captured (6LoWPAN NHC: 8, or 6
				  * when the checksum was elided) */
	uint16_t src_port, dst_port;
	uint16_t length;
	uint16_t checksum;
	uint32_t payload_len;    /* from the IP length fields */
};

/* ---- ICMP / ICMPv6 (one struct, the version says which) ---- */
struct ns_icmp_quote {           /* the original datagram quoted by an error message */
	bool present;            /* at least an IP header could be read */
	uint8_t version;         /* 4 or 6 */
	struct ns_addr src, dst;
	uint8_t protocol;        /* after v6 extension headers */
	bool has_ports;
	uint16_t src_port, dst_port;
	uint8_t ttl;             /* TTL / hop limit */
	uint16_t total_len;      /* v4 total length / v6 payload length */
	uint16_t id;             /* v4 only */
};
struct ns_icmp {
	uint16_t hdr_avail;      /* bytes of the 8-byte header captured (4 for type/code/checksum) */
	uint8_t version;         /* 4 = ICMP, 6 = ICMPv6 */
	uint8_t type, code;
	uint16_t checksum;
	bool has_echo;           /* echo request/reply (and timestamp/info for v4): id valid */
	bool has_seq;            /* ... and seq valid (each only when its bytes were captured) */
	uint16_t id, seq;
	bool has_target;         /* ICMPv6 ND: target address valid */
	struct ns_addr target;
	bool has_gateway;        /* ICMPv4 redirect */
	struct ns_addr gateway;
	uint32_t mtu;            /* frag-needed (v4) / packet too big (v6); 0 otherwise */
	uint8_t pointer;         /* parameter problem (v4: 8 bits) */
	uint32_t pointer6;       /* parameter problem (v6: 32 bits) */
	struct ns_icmp_quote quote;
};
/* "EchoRequest", "DestinationUnreachable(Port)", ... into buf (>= 64 bytes). */
size_t ns_icmp_typecode(const struct ns_icmp *icmp, char *buf, size_t buflen);

/* ---- encapsulations: the outer layers of a tunnelled packet ----
 * The packet's own layers (l3, l4, ip4, tcp, ...) are the innermost IP packet's;
 * every tunnel crossed on the way in is one ns_encap, outermost first. */
enum ns_encap_type {
	NS_ENC_NONE = 0,
	NS_ENC_MPLS,        /* id: bottom-of-stack label, depth: labels */
	NS_ENC_PPPOE,       /* id: session */
	NS_ENC_GRE,         /* id: key (when present) */
	NS_ENC_ERSPAN,      /* id: session (type II/III); type I has none */
	NS_ENC_VXLAN,       /* id: VNI */
	NS_ENC_GENEVE,      /* id: VNI */
	NS_ENC_IPIP,        /* IPv4/IPv6 directly in IPv4/IPv6 (ipip, 6in4, 4in6, 6in6) */
	NS_ENC_TEREDO,
	NS_ENC_AYIYA,
	NS_ENC_GTPU,        /* id: TEID */
	NS_ENC_PBB,         /* id: I-SID */
	NS_ENC_FABRICPATH,  /* id: outer destination switch id */
	NS_ENC_VNTAG,       /* id: destination VIF */
	NS_ENC_ETAG,        /* id: E-CID */
	NS_ENC_NSH,         /* id: service path id */
	NS_ENC_MACSEC,      /* integrity-only SecTAG */
	NS_ENC_ETHERIP,
	NS_ENC_VXLAN_GPE,   /* id: VNI */
	NS_ENC_WCCP,
	NS_ENC_ARUBA,       /* Aruba ERM/GRE mirror */
	NS_ENC_IP_ETHERNET, /* Ethernet directly in IP (protocol 143, SRv6 L2) */
	NS_ENC_COUNT
};
#define NS_MAX_ENCAP 8
struct ns_encap {
	uint8_t type;            /* enum ns_encap_type */
	uint8_t depth;           /* MPLS: labels in the stack; 0 otherwise */
	uint8_t ipproto;         /* protocol of the outer IP header (0: not IP-borne) */
	bool has_id;
	uint32_t id;             /* see enum ns_encap_type */
	uint32_t flags;          /* ns_flag bits of the outer layers when the tunnel was entered */
	struct ns_addr src, dst; /* outer IP addresses (family 0: not IP-borne) */
	uint16_t sport, dport;   /* outer UDP ports (0: not UDP-borne) */
};
/* "vxlan", "gre", ... and the JSON key of the type's id ("vni", "key", ...; NULL: none). */
const char *ns_encap_name(uint8_t type);
const char *ns_encap_id_name(uint8_t type);

/* ---- the decoded packet ---- */
enum ns_l3 { NS_L3_NONE = 0, NS_L3_IPV4 = 4, NS_L3_IPV6 = 6 };
enum ns_l4 { NS_L4_NONE = 0, NS_L4_TCP, NS_L4_UDP, NS_L4_ICMP, NS_L4_ICMPV6, NS_L4_OTHER };

struct ns_packet {
	const struct ns_ctx *ctx;
	uint32_t flags;          /* enum ns_flag bits */
	struct ns_link link;

	uint8_t l3;              /* enum ns_l3 */
	struct ns_ipv4 ip4;
	struct ns_ipv6 ip6;
	struct ns_addr src, dst; /* copy of the IP addresses of whichever l3 */
	uint8_t ipproto;         /* transport protocol number (after v6 extensions) */
	uint32_t ip_wire_len;    /* packetLen: on-wire length from the IP header on */
	uint32_t ip_cap_len;     /* capturedLen: captured bytes from the IP header on */
	bool first_fragment;     /* transport header is present (not a non-first fragment) */
	bool more_fragments;     /* first fragment with more to come: the transport layer sees only
				  * this fragment's bytes (a short header is not bad_length) */

	uint8_t l4;              /* enum ns_l4 (NONE if absent or not decodable) */
	struct ns_tcp tcp;
	struct ns_udp udp;
	struct ns_icmp icmp;

	const uint8_t *payload;  /* transport payload, captured part */
	uint32_t payload_caplen; /* bytes of it captured (clamped to the IP length) */

	/* Outer layers, outermost first. Kept last: ns_dissect zeroes only what
	 * comes before encap[], so a plain packet costs no extra clearing. */
	uint8_t nencap;
	struct ns_encap encap[NS_MAX_ENCAP];
};

/* Decode one packet. data/caplen: captured bytes starting at the link header for
 * `link`, or at the IP header for NS_LINK_NONE. ctx->wire_len is the original
 * length of the same bytes. Always fills pkt (zeroed first). Returns 0 when an IP
 * layer was decoded (maybe flagged), -1 when the packet has no IP layer. */
int ns_dissect(enum ns_linktype link, const uint8_t *data, uint32_t caplen,
	       const struct ns_ctx *ctx, struct ns_packet *pkt);

/* Per-layer entry points (used by ns_dissect; exposed for unit tests). Each takes
 * the bytes of its layer, how many are captured, and the packet being filled,
 * which must start zeroed (ns_dissect does that once for all layers). */
int ns_decode_link(enum ns_linktype link, const uint8_t *data, uint32_t caplen, struct ns_packet *pkt);
int ns_decode_ipv4(const uint8_t *data, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt);
int ns_decode_ipv6(const uint8_t *data, uint32_t caplen, uint32_t wirelen, struct ns_packet *pkt);
/* Transport decoders: data/caplen = captured bytes of the transport layer, clamped to
 * the IP-declared length; len = that declared length (what was sent). */
int ns_decode_tcp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_udp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_icmp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_icmpv6(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);

/* A key for the tunnels a packet came through, the same for both directions
 * (the chain's types and its ids that name a tunnel both ways: VNI, GRE key,
 * PPPoE session, I-SID, ERSPAN session); 0 for a plain packet.
 * Flows and analysis add it to their connection key, so equal inner 4-tuples
 * in different tunnels (VNIs, GRE keys, ...) stay apart. */
uint64_t ns_encap_key(const struct ns_packet *pkt);

/* The signature every layer decoder after the link layer has: data/caplen = the
 * captured bytes of the layer, len = its declared (on-wire) length with all that
 * follows. Returns 0 when an IP layer was decoded (here or inside), -1 otherwise. */
typedef int (*ns_decoder_fn)(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);

/* Dispatch on an ethertype (after a link header, a VLAN tag, a GRE header, ...):
 * IPv4, IPv6 and every encapsulation that names its payload by ethertype. An
 * unknown ethertype decodes nothing and returns -1. */
int ns_decode_ethertype(uint16_t type, const uint8_t *data, uint32_t caplen, uint32_t len,
			struct ns_packet *pkt);
/* Whole Ethernet frames inside a tunnel (VXLAN, GENEVE, GRE TEB, ERSPAN, ...). */
int ns_decode_ether_frame(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
/* IP by its version nibble (IP-in-UDP tunnels that carry no type field). */
int ns_decode_ip_version(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);

/* Enter a tunnel: record the current outer layers as the encapsulation *e
 * (type, id and depth filled by the caller; addresses, ports, protocol and
 * flags are taken from pkt here), clear the packet's own layers and decode the
 * inner bytes with `inner`. If the inner bytes give no IP layer and an outer IP
 * layer existed, the outer layers are put back as they were (the packet is
 * reported as the plain outer packet). With NS_MAX_ENCAP already in use,
 * NS_F_ENCAP_LIMIT is set and nothing changes. Returns inner's result. */
int ns_encap_enter(struct ns_packet *pkt, const struct ns_encap *e, ns_decoder_fn inner,
		   const uint8_t *data, uint32_t caplen, uint32_t len);
/* The same, with the inner bytes named by an ethertype. */
int ns_encap_enter_ethertype(struct ns_packet *pkt, const struct ns_encap *e, uint16_t ethertype,
			     const uint8_t *data, uint32_t caplen, uint32_t len);

/* Encapsulation decoders, one file each. ns_decode_ipip takes the inner IP
 * packet of an IPv4/IPv6 packet whose protocol is 4 or 41; the UDP-borne ones
 * take the UDP payload (and check their header before entering). */
int ns_decode_ipip(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_gre(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_vxlan(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_vlan(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
/* IP- and UDP-borne tunnels (one file each). ERSPAN with its header (type
 * II/III, by the header's version), and type I (the bare mirrored frame,
 * GRE 0x88be without a sequence number); WCCP redirection (GRE 0x883e);
 * EtherIP (IP protocol 97); GENEVE, VXLAN-GPE, Teredo, AYIYA and GTP-U take
 * the UDP payload. */
int ns_decode_erspan(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_erspan_type1(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_wccp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_etherip(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_ip_ethernet(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_geneve(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_vxlan_gpe(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_teredo(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_ayiya(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_gtpu(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
/* Ethernet-level encapsulations, each taking the bytes after its ethertype
 * (MPLS also after PPP 0x0281/0x0283, IP protocol 137 and UDP port 6635; NSH
 * also after VXLAN-GPE). ns_decode_fabricpath takes the whole frame from its
 * outer destination address (ethertype 0x8903 at offset 12). */
int ns_decode_mpls(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_pppoe(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_pbb(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_fabricpath(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_vntag(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_etag(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_nsh(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
int ns_decode_macsec(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
/* 6LoWPAN (RFC 4944 mesh, broadcast and fragment headers; RFC 6282 IPHC
 * with NHC UDP and extension headers; the uncompressed IPv6 dispatch) in
 * the payload of an IEEE 802.15.4 data frame. IPHC fields are rebuilt into
 * pkt->ip6 (hdr NULL: the header is not in the bytes) and, for NHC UDP,
 * pkt->udp; interface ids elided by IPHC come from the link addresses. */
int ns_decode_sixlowpan(const uint8_t *data, uint32_t caplen, uint32_t len,
			const struct ns_lowpan_addrs *ll, struct ns_packet *pkt);
/* The same as an ethertype decoder (0xa0ed, RFC 7973), with pkt->link.lowpan. */
int ns_decode_lowpan_frame(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
#define NS_ETHERTYPE_LOWPAN 0xa0ed
/* A tunnel header followed by no captured byte: true when the decoder should
 * stop there. Nothing sent after it (cut false): stop, an empty inner packet
 * is none. Cut by the capture: truncated; inside a tunnel carried in IP,
 * stop (the outer packet is kept rather than replaced by an empty one); at
 * the link level go on, so the inner IP layer is reported truncated, as a
 * capture's own link header cut at the same place is. */
bool ns_empty_inner(struct ns_packet *pkt, bool cut);
/* A PPP frame (optional FF 03, protocol) and what it carries. */
int ns_decode_ppp(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);
/* PPP header length (0: cut) and its protocol; the ethertype a PPP protocol
 * maps to (0: no network layer we decode). */
uint32_t ns_ppp_header(const uint8_t *p, uint32_t caplen, uint16_t *proto);
uint16_t ns_ppp_ethertype(uint16_t proto);

/* Dispatch from IP to the transport decoder for pkt->ipproto (ipv4.c/ipv6.c call it). */
void ns_decode_transport(const uint8_t *data, uint32_t caplen, uint32_t len, struct ns_packet *pkt);

/* Quoted-datagram reader for ICMP errors (icmp.c and icmpv6.c share it). */
void ns_decode_icmp_quote(const uint8_t *data, uint32_t caplen, struct ns_icmp_quote *q);
/* The start and end of both ICMP decoders (icmp.c; icmpv6.c shares them).
 * ns_icmp_begin zeroes pkt->icmp, reads type/code/checksum and returns caplen
 * clamped to len; ns_icmp_end sets the payload after the 8-byte header, reads
 * the quote if is_error, and returns the decoder's result. */
uint32_t ns_icmp_begin(const uint8_t *data, uint32_t caplen, uint32_t len, uint8_t version,
		       struct ns_packet *pkt);
int ns_icmp_end(const uint8_t *data, uint32_t caplen, bool is_error, struct ns_packet *pkt);
/* Echo identifier and sequence number, each if captured (ext: RFC 8335). */
void ns_icmp_idseq(const uint8_t *data, uint32_t caplen, bool ext, struct ns_icmp *icmp);

/* IANA protocol name for the metadata ("TCP", "UDP", "ICMP", "ICMPv6", "GRE", ...);
 * NULL if we have no name (the caller prints the number). */
const char *ns_ipproto_name(uint8_t proto);

#ifdef __cplusplus
}
#endif
#endif
