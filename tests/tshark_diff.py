#!/usr/bin/env python3
"""Differential test: `netsift read -o json` against tshark, frame by frame.

For every capture given (files, or directories searched recursively for
*.pcap / *.pcapng / *.cap), run tshark (PDML output) and netsift (JSON events)
and compare, per frame:
  - which layers were decoded: IPv4/IPv6 and the transport directly on it
    (TCP/UDP/ICMP/ICMPv6); netsift reports the innermost IP packet of a
    tunnel and lists the outer layers in metadata.encap, compared with
    tshark's top-level IP layers (compare_frame: the packet with the innermost
    one, each encap entry's outer addresses, protocol and UDP ports with the
    outer ones in order; a tunnel only one tool decodes is a layers
    difference naming both stacks). A netsift that reports no encapsulation
    (probed at start, --tunnels) is compared with the first IP layer;
  - the header values of those layers (see the ts_* / ns_* extractors below);
  - the anomaly flags the spec defines in terms tshark can check: truncated,
    bad_ip_checksum, fragment.
tshark runs with IP/IPv6 reassembly and TCP desegmentation off and absolute
sequence numbers, so both tools see each frame's own bytes. tshark's ways of
showing the same bytes differently are normalised, not allow-listed: the zero
bytes after a TCP End of Option List (eol_padding), an IPv6 Authentication
Header nested in the ipv6 tree (ts_ipv6_chain).

Where tshark's output follows from how tshark works rather than from the
packet, normalise() brings both sides to what both can say (each rule needs
netsift's own flag or tshark's own evidence): IPv6 extension chains longer
than the 8 netsift lists, TCP headers cut before byte 16, IPv4 options that
make tshark stop, transports of fewer than 4 bytes. A capture tshark cannot
open for its link type is reported and counted (tshark_unreadable), not
compared.

Differences are checked against an allow-list (one reason per entry). Exit
status: 0 = no unexplained difference, 1 = differences or errors, 99 = the test
could not run (tshark or netsift missing), never a silent pass. tshark exiting
non-zero on a capture netsift reads, or fewer captures / IP frames compared than
--expect-min-captures / --expect-min-frames, is an error.

Python 3 standard library only. Run alone (from the source tree):
  python3 tests/tshark_diff.py --netsift build/netsift \
      --allowlist tests/tshark-allowlist.txt ../shared/pcaps testdata
  python3 tests/tshark_diff.py --netsift build/netsift --dump CAPTURE   # both sides per frame
"""

import argparse
import concurrent.futures
import fnmatch
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TSHARK_PREFS = [
    "-o", "ip.defragment:FALSE",
    "-o", "ipv6.defragment:FALSE",
    "-o", "tcp.desegment_tcp_streams:FALSE",
    "-o", "tcp.relative_sequence_numbers:FALSE",
    "-o", "tcp.analyze_sequence_numbers:FALSE",
    "-o", "ip.check_checksum:TRUE",
]
# Only these protocols' fields are printed (others appear as empty <proto>
# elements, so layer order is still visible).
TSHARK_PROTOS = "frame ip ipv6 tcp udp icmp icmpv6"
TIMEOUT = 120

# Link types src/ maps to dissect.h's enum ns_linktype (libpcap LINKTYPE_ values).
# A capture netsift rejects as "unsupported link type" must not have one of these.
SUPPORTED_LINKTYPES = {
    0: "NULL", 1: "EN10MB", 6: "IEEE802", 7: "ARCNET_BSD", 8: "SLIP", 9: "PPP",
    10: "FDDI", 11: "ATM_RFC1483", 12: "RAW", 14: "RAW", 19: "ATM_CLIP",
    50: "PPP_HDLC", 51: "PPP_ETHER", 101: "RAW", 104: "C_HDLC",
    105: "IEEE802_11", 107: "FRELAY", 108: "LOOP", 109: "ENC", 113: "LINUX_SLL",
    117: "PFLOG", 119: "PRISM_HEADER", 122: "IP_OVER_FC", 123: "SUNATM",
    127: "IEEE802_11_RADIOTAP", 129: "ARCNET_LINUX", 138: "APPLE_IP_OVER_IEEE1394",
    143: "DOCSIS", 163: "IEEE802_11_RADIO_AVS", 166: "PPP_PPPD", 182: "MFR",
    192: "PPI", 195: "IEEE802_15_4_WITHFCS", 197: "ERF", 219: "MPLS",
    226: "IPNET", 228: "IPV4", 229: "IPV6", 230: "IEEE802_15_4_NOFCS",
    239: "NFLOG", 240: "NETANALYZER", 241: "NETANALYZER_TRANSPARENT",
    242: "IPOIB", 258: "PKTAP", 276: "LINUX_SLL2",
    # accepted, never IP for netsift (every frame not_ip)
    3: "AX25", 144: "LINUX_IRDA", 177: "LINUX_LAPD", 187: "BLUETOOTH_HCI_H4",
    189: "USB_LINUX", 201: "BLUETOOTH_HCI_H4_WITH_PHDR", 220: "USB_LINUX_MMAPPED",
    227: "CAN_SOCKETCAN", 249: "USBPCAP", 251: "BLUETOOTH_LE_LL", 253: "NETLINK",
    254: "BLUETOOTH_LINUX_MONITOR", 256: "BLUETOOTH_LE_LL_WITH_PHDR",
    271: "VSOCK", 272: "NORDIC_BLE",
    **{u: "USER%d" % (u - 147) for u in range(147, 163)},
}
# Names of some link types netsift does not decode, for the summary.
OTHER_LINKTYPES = {
    105: "IEEE802_11", 107: "FRELAY", 123: "SUNATM", 127: "IEEE802_11_RADIOTAP",
    182: "MFR", 195: "IEEE802_15_4_WITHFCS", 230: "IEEE802_15_4_NOFCS",
}
CAPTURE_EXT = (".pcap", ".pcapng", ".cap")
TRANSPORTS = ("tcp", "udp", "icmp", "icmpv6")
V6_EXT = {"ipv6.hopopts": 0, "ipv6.routing": 43, "ipv6.fraghdr": 44, "ipv6.dstopts": 60}


def die(msg, status=99):
    print("tshark_diff: " + msg, file=sys.stderr)
    sys.exit(status)


# ---------------------------------------------------------------- captures

def find_captures(paths):
    """(label, path) for each capture; label is "<root basename>/<relpath>"."""
    out = []
    for root in paths:
        root = os.path.normpath(root)
        if os.path.isfile(root):
            out.append((os.path.basename(root), root))
            continue
        if not os.path.isdir(root):
            die("no such capture or directory: %s" % root)
        base = os.path.basename(root)
        for d, dirs, files in os.walk(root):
            dirs.sort()
            for f in sorted(files):
                if f.lower().endswith(CAPTURE_EXT):
                    p = os.path.join(d, f)
                    out.append((base + "/" + os.path.relpath(p, root), p))
    return out


def linktypes(path):
    """Link type(s) from the pcap / pcapng file header; [] if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 16)
    except OSError:
        return []
    if len(data) < 24:
        return []
    magic = data[:4]
    for endian in ("<", ">"):
        m = struct.unpack(endian + "I", magic)[0]
        if m in (0xa1b2c3d4, 0xa1b23c4d):
            return [struct.unpack(endian + "I", data[20:24])[0] & 0xffff]
    if magic != b"\x0a\x0d\x0d\x0a":
        return []
    endian = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off, out = 0, []
    while off + 12 <= len(data):
        btype, blen = struct.unpack(endian + "II", data[off:off + 8])
        if blen < 12:
            break
        if btype == 1 and off + 10 <= len(data):
            out.append(struct.unpack(endian + "H", data[off + 8:off + 10])[0])
        off += blen
    return out


def pcap_snaplen(path):
    """The snapshot length of a classic pcap file (0 if not one). libpcap, and
    so netsift, clamps a record's captured length to it; tshark does not."""
    try:
        with open(path, "rb") as f:
            data = f.read(24)
    except OSError:
        return 0
    for e in ("<", ">"):
        if len(data) == 24 and struct.unpack(e + "I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d):
            return struct.unpack(e + "I", data[16:20])[0]
    return 0


def run(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return -1, b"", ("timeout after %ds" % TIMEOUT).encode()
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- tshark side

BAD_XML_CHARS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def ival(s):
    if s is None or s == "":
        return None
    try:
        return int(s, 0)
    except ValueError:
        return int(s, 16) if re.fullmatch(r"[0-9a-fA-F]+", s) else None


def addr(s):
    if s is None:
        return None
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


def field_map(proto):
    """name -> [show, ...] of a <proto>'s fields in document order, not
    descending into nested <proto> elements (other layers: the ICMP quote...)."""
    out = {}

    def walk(el):
        for k in el:
            if k.tag == "field":
                out.setdefault(k.get("name"), []).append(k.get("show"))
                walk(k)
    walk(proto)
    return out


def raw_int(proto, name):
    """A whole-byte field's value as on the wire (PDML "value" hex)."""
    for el in proto.iter("field"):
        if el.get("name") == name:
            v = el.get("value")
            return int(v, 16) if v else ival(el.get("show"))
    return None


def field_map_deep(proto):
    """Like field_map, descending into nested <proto>s too."""
    out = {}
    for el in proto.iter("field"):
        out.setdefault(el.get("name"), []).append(el.get("show"))
    return out


def first(fm, *names):
    for n in names:
        v = fm.get(n)
        if v:
            return v[0]
    return None


def subprotos(proto):
    return [k for k in proto if k.tag == "proto"]


def ts_ipv4(p):
    fm = field_map(p)
    hl = ival(first(fm, "ip.hdr_len"))
    return {
        "ip.version": ival(first(fm, "ip.version")),
        "ip.ihl": None if hl is None else hl // 4,
        "ip.tos": ival(first(fm, "ip.dsfield")),
        # the header's bytes: for total length 0 tshark shows a length it
        # presumes (TSO), the header still says 0
        "ip.len": raw_int(p, "ip.len"),
        "ip.id": ival(first(fm, "ip.id")),
        "ip.flags": ival(first(fm, "ip.flags")),
        "ip.frag_offset": ival(first(fm, "ip.frag_offset")),
        "ip.ttl": ival(first(fm, "ip.ttl")),
        "ip.proto": ival(first(fm, "ip.proto")),
        "ip.checksum": ival(first(fm, "ip.checksum")),
        "ip.src": addr(first(fm, "ip.src")),
        "ip.dst": addr(first(fm, "ip.dst")),
        "ip.options": [ival(x) for x in fm.get("ip.opt.type", [])] or None,
    }


def ts_ipv6_chain(p):
    """[(type, next, len, extra), ...] of the extension headers nested in p."""
    chain = []
    for sp in subprotos(p):
        name = sp.get("name")
        if name == "ah":
            # tshark 4.0 nests the Authentication Header in the ipv6 tree
            # (an IPv4 AH is a layer of its own; see ts_layer)
            chain.append(ts_ah(sp) + ({},))
            continue
        if name not in V6_EXT:
            continue
        fm = field_map(sp)
        extra = {}
        if name == "ipv6.fraghdr":
            ln = 8
            extra = {"offset": ival(first(fm, "ipv6.fraghdr.offset")),
                     "more": ival(first(fm, "ipv6.fraghdr.more")),
                     "id": ival(first(fm, "ipv6.fraghdr.ident"))}
        else:
            ln = ival(first(fm, name + ".len_oct"))
            if name == "ipv6.routing":
                extra = {"type": ival(first(fm, "ipv6.routing.type")),
                         "segleft": ival(first(fm, "ipv6.routing.segleft"))}
        chain.append((V6_EXT[name], ival(first(fm, name + ".nxt")), ln, extra))
    return chain


def ts_ah(p):
    """(51, next header, length in bytes) of an Authentication Header: its
    length field counts 32-bit words minus 2 (RFC 4302)."""
    fm = field_map(p)
    ln = ival(first(fm, "ah.length"))
    return (51, ival(first(fm, "ah.next_header")), None if ln is None else (ln + 2) * 4)


def ext_fields(chain, prefix):
    d = {prefix + ".ext": [(t, n, ln) for t, n, ln, _ in chain] or None}
    for t, _, _, extra in chain:
        for k, v in extra.items():
            d.setdefault("%s.%s.%s" % (prefix, "frag" if t == 44 else "rt", k), v)
    return d


def ts_ipv6(p):
    fm = field_map(p)
    d = {
        "ipv6.version": ival(first(fm, "ipv6.version")),
        "ipv6.tclass": ival(first(fm, "ipv6.tclass")),
        "ipv6.flow": ival(first(fm, "ipv6.flow")),
        "ipv6.plen": ival(first(fm, "ipv6.plen")),
        "ipv6.nxt": ival(first(fm, "ipv6.nxt")),
        "ipv6.hlim": ival(first(fm, "ipv6.hlim")),
        "ipv6.src": addr(first(fm, "ipv6.src")),
        "ipv6.dst": addr(first(fm, "ipv6.dst")),
    }
    d.update(ext_fields(ts_ipv6_chain(p), "ipv6"))
    return d


def ts_tcp(p):
    fm = field_map(p)
    hl = ival(first(fm, "tcp.hdr_len"))
    le, re_ = fm.get("tcp.options.sack_le", []), fm.get("tcp.options.sack_re", [])
    d = {
        "tcp.srcport": ival(first(fm, "tcp.srcport")),
        "tcp.dstport": ival(first(fm, "tcp.dstport")),
        "tcp.seq": ival(first(fm, "tcp.seq_raw", "tcp.seq")),
        "tcp.ack": ival(first(fm, "tcp.ack_raw", "tcp.ack")),
        "tcp.data_offset": None if hl is None else hl // 4,
        "tcp.window": ival(first(fm, "tcp.window_size_value")),
        "tcp.checksum": ival(first(fm, "tcp.checksum")),
        "tcp.urgent": ival(first(fm, "tcp.urgent_pointer")),
        "tcp.opt.kinds": eol_padding([ival(x) for x in fm.get("tcp.option_kind", [])]) or None,
        "tcp.opt.mss": ival(first(fm, "tcp.options.mss_val")),
        "tcp.opt.wscale": ival(first(fm, "tcp.options.wscale.shift")),
        "tcp.opt.sack_perm": True if "tcp.options.sack_perm" in fm else None,
        "tcp.opt.sack": [[ival(a), ival(b)] for a, b in zip(le, re_)] or None,
        "tcp.opt.tsval": ival(first(fm, "tcp.options.timestamp.tsval")),
        "tcp.opt.tsecr": ival(first(fm, "tcp.options.timestamp.tsecr")),
        "tcp.payload_len": ival(first(fm, "tcp.len")),
    }
    # From the 12-bit flags value, not tshark's per-bit items: with AccECN
    # tshark shows the AE/CWR/ECE bits as one "ACE" counter instead.
    bits = ival(first(fm, "tcp.flags"))
    for name, bit in TCP_FLAGS:
        d["tcp.flags." + name] = None if bits is None else bool(bits & bit)
    return d


def eol_padding(kinds):
    """tshark lists each zero byte after an End of Option List as one more EOL;
    they are padding (RFC 9293 3.1), netsift lists the one EOL. Collapse the
    zeros after the first EOL, only when nothing else follows it: a non-zero
    byte after the EOL stays, so the lists differ and that is reported."""
    if 0 in kinds:
        i = kinds.index(0)
        if all(k == 0 for k in kinds[i + 1:]):
            return kinds[:i + 1]
    return kinds


TCP_FLAGS = [("FIN", 0x001), ("SYN", 0x002), ("RST", 0x004), ("PSH", 0x008),
             ("ACK", 0x010), ("URG", 0x020), ("ECE", 0x040), ("CWR", 0x080),
             ("NS", 0x100)]


def ts_udp(p):
    fm = field_map(p)
    return {
        "udp.srcport": ival(first(fm, "udp.srcport")),
        "udp.dstport": ival(first(fm, "udp.dstport")),
        "udp.length": ival(first(fm, "udp.length")),
        "udp.checksum": ival(first(fm, "udp.checksum")),
    }


def ts_quote(p, pre):
    """The IP packet quoted in an ICMP error: first nested ip/ipv6 and the
    tcp/udp right after it."""
    kids = subprotos(p)
    for i, k in enumerate(kids):
        if k.get("name") not in ("ip", "ipv6"):
            continue
        fm = field_map(k)
        if k.get("name") == "ip":
            q = {"version": ival(first(fm, "ip.version")),
                 "src": addr(first(fm, "ip.src")), "dst": addr(first(fm, "ip.dst")),
                 "proto": ival(first(fm, "ip.proto"))}
        else:
            chain = ts_ipv6_chain(k)
            q = {"version": ival(first(fm, "ipv6.version")),
                 "src": addr(first(fm, "ipv6.src")), "dst": addr(first(fm, "ipv6.dst")),
                 "proto": chain[-1][1] if chain else ival(first(fm, "ipv6.nxt"))}
        q = dict(q)
        q["sport"] = q["dport"] = None
        if i + 1 < len(kids) and kids[i + 1].get("name") in ("tcp", "udp"):
            t = kids[i + 1].get("name")
            tfm = field_map(kids[i + 1])
            q["sport"] = ival(first(tfm, t + ".srcport"))
            q["dport"] = ival(first(tfm, t + ".dstport"))
        d = {pre + ".quoted." + k2: v for k2, v in q.items() if k2 != "version"}
        d[pre + ".quoted"] = q["version"] if q["version"] is not None else "unreadable"
        return d
    return {pre + ".quoted": None}


def ts_icmp(p):
    fm = field_map(p)
    d = {
        "icmp.type": ival(first(fm, "icmp.type")),
        "icmp.code": ival(first(fm, "icmp.code")),
        "icmp.checksum": ival(first(fm, "icmp.checksum")),
        "icmp.id": ival(first(fm, "icmp.ident")),
        "icmp.seq": ival(first(fm, "icmp.seq", "icmp.ext.echo.seq")),
    }
    d.update(ts_quote(p, "icmp"))
    return d


def ts_icmpv6(p):
    fm = field_map(p)
    d = {
        "icmpv6.type": ival(first(fm, "icmpv6.type")),
        "icmpv6.code": ival(first(fm, "icmpv6.code")),
        "icmpv6.checksum": ival(first(fm, "icmpv6.checksum")),
        "icmpv6.id": ival(first(fm, "icmpv6.echo.identifier")),
        "icmpv6.seq": ival(first(fm, "icmpv6.echo.sequence_number", "icmpv6.ext.echo.seq")),
        "icmpv6.target": addr(first(fm, "icmpv6.nd.ns.target_address",
                                    "icmpv6.nd.na.target_address",
                                    "icmpv6.nd.rd.target_address")),
    }
    d.update(ts_quote(p, "icmpv6"))
    return d


TS_L3 = {"ip": ("ipv4", ts_ipv4), "ipv6": ("ipv6", ts_ipv6)}
TS_L4 = {"tcp": ts_tcp, "udp": ts_udp, "icmp": ts_icmp, "icmpv6": ts_icmpv6}


def ts_layer(protos, i, caplen, wirelen, fcs=0, protocols=""):
    """The IP layer protos[i] (ip or ipv6) and the transport right after it:
    {"l3", "l4", "fields", "flags", "outer"}; "outer" is what an encapsulation
    entry of netsift's says about it (src, dst, protocol, UDP ports)."""
    p = protos[i]
    lay = {"l3": TS_L3[p.get("name")][0], "l4": None, "fields": {}, "protocols": protocols}
    lay["fields"].update(TS_L3[p.get("name")][1](p))
    f = lay["fields"]
    j = i + 1
    # An IPv6 Authentication Header after the ipv6 tree (tshark < 4.0; 4.0
    # nests it, see ts_ipv6_chain): netsift walks it as an extension header.
    while lay["l3"] == "ipv6" and j < len(protos) and protos[j].get("name") == "ah":
        f["ipv6.ext"] = list(f.get("ipv6.ext") or []) + [ts_ah(protos[j])]
        j += 1
    if j < len(protos) and protos[j].get("name") in TS_L4:
        lay["l4"] = protos[j].get("name")
        f.update(TS_L4[lay["l4"]](protos[j]))
    lay["flags"] = ts_flags(lay, p, caplen, wirelen, fcs)
    if lay["l3"] == "ipv4":
        proto = f.get("ip.proto")
    else:
        ext = f.get("ipv6.ext") or []
        proto = ext[-1][1] if ext else f.get("ipv6.nxt")
    lay["outer"] = {"src": f.get("ip.src", f.get("ipv6.src")),
                    "dst": f.get("ip.dst", f.get("ipv6.dst")), "protocol": proto,
                    "srcPort": f.get("udp.srcport"), "dstPort": f.get("udp.dstport")}
    return lay


NO_LAYER = {"l3": None, "l4": None, "fields": {}, "flags": {}}


def ts_frame(pkt, snaplen, fcs=0):
    """One PDML <packet> -> dict with layers, fields and flag evidence.
    "ip_layers" holds every IP layer at the top level of the packet, outermost
    first (a tunnel's outer and inner headers; an ICMP error's quote is nested
    in the icmp tree, so it is not one). l3/l4/fields/flags are the first
    one's: netsift without an encapsulation reports the outer packet."""
    protos = subprotos(pkt)
    fr = {"number": None, "protocols": "", "short": False, "malformed": False,
          "ip_layers": []}
    fr.update({"l3": None, "l4": None, "fields": {}, "flags": {}})
    fr["experts"] = set()
    for el in pkt.iter("proto"):
        if el.get("name") == "_ws.short":
            fr["short"] = True
        elif el.get("name") == "_ws.malformed":
            fr["malformed"] = True
    for el in pkt.iter("field"):
        if el.get("name") == "_ws.expert":
            fr["experts"].update(k.get("name") for k in el
                                 if not k.get("name", "").startswith("_ws.expert"))
    caplen = wirelen = 0
    for i, p in enumerate(protos):
        name = p.get("name")
        if name == "frame":
            fm = field_map(p)
            fr["number"] = ival(first(fm, "frame.number"))
            fr["protocols"] = first(fm, "frame.protocols") or ""
            caplen = ival(first(fm, "frame.cap_len")) or 0
            if snaplen and caplen > snaplen:
                caplen = snaplen
                fr["clamped"] = True
            wirelen = ival(first(fm, "frame.len")) or 0
        elif name in TS_L3:
            fr["ip_layers"].append(ts_layer(protos, i, caplen, wirelen, fcs, fr["protocols"]))
    if fr["ip_layers"]:
        fr.update({k: fr["ip_layers"][0][k] for k in NO_LAYER})
    return fr


def ts_flags(fr, p, caplen, wirelen, fcs=0):
    """The spec's flags as tshark's values imply them:
    truncated: the IP header, or the datagram as long as its header says (at
      most what was on the wire), extends past the captured bytes;
    bad_ip_checksum: tshark's checksum verification says Bad;
    fragment: MF set or offset != 0 (v4), a Fragment header (v6).
    (tshark's own _ws.short is reported, not used: it also fires when a header
    runs past a too-small IP length, which the spec calls bad_length.)"""
    f = fr["fields"]
    pos = ival(p.get("pos")) or 0
    wire = wirelen - pos
    if fr["l3"] == "ipv4":
        hlen = max(20, (f.get("ip.ihl") or 5) * 4)
        iplen = f.get("ip.len")
        if not iplen or iplen < hlen or iplen > wire:
            iplen = wire    # bad or TSO length: the wire is the truth
        frag = None
        if f.get("ip.flags") is not None and f.get("ip.frag_offset") is not None:
            frag = bool(f["ip.flags"] & 1) or f["ip.frag_offset"] != 0
        badck = first(field_map(p), "ip.checksum.status") == "0"
    else:
        hlen = 40
        plen = f.get("ipv6.plen")
        jumbo = ival(first(field_map_deep(p), "ipv6.opt.jumbo"))
        if plen is None:
            iplen = wire
        elif plen == 0 and jumbo:
            iplen = 40 + jumbo
        elif plen == 0 and wire > 40 + 0xffff:
            iplen = wire    # BIG TCP: payload length 0, no Jumbo option
        else:
            iplen = 40 + plen
        iplen = min(iplen, wire)
        frag = any(t == 44 for t, _, _ in (f.get("ipv6.ext") or []))
        badck = False
    trunc = pos + max(hlen, iplen) > caplen
    if "6lowpan" in fr["protocols"].split(":"):
        # IPv6 rebuilt from 6LoWPAN compression: its pos is in the
        # decompressed bytes, not the frame's; the datagram is cut when the
        # frame is (up to the 802.15.4 FCS).
        trunc = caplen < wirelen - fcs
    return {"truncated": trunc, "bad_ip_checksum": badck, "fragment": frag}


def slip_as_raw(path, tmpdir):
    """tshark has no dissector for LINKTYPE_SLIP (BSD SLIP, 16-byte pseudo-
    header, then IP): hand it the same IP bytes as a LINKTYPE_RAW pcap, frame
    numbers unchanged. Returns the new path, or None if path is no plain pcap."""
    with open(path, "rb") as f:
        data = f.read()
    for e in ("<", ">"):
        if struct.unpack(e + "I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d):
            break
    else:
        return None
    out = bytearray(data[:20] + struct.pack(e + "I", 101))
    off = 24
    while off + 16 <= len(data):
        ts1, ts2, caplen, wirelen = struct.unpack(e + "IIII", data[off:off + 16])
        rec = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        cut = min(16, len(rec))
        out += struct.pack(e + "IIII", ts1, ts2, len(rec) - cut, max(wirelen - 16, 0))
        out += rec[cut:]
    dst = os.path.join(tmpdir, os.path.basename(path) + ".raw.pcap")
    with open(dst, "wb") as f:
        f.write(out)
    return dst


def run_tshark(tshark, path, snaplen=0, fcs=0):
    cmd = [tshark, "-n", "-r", path, "-T", "pdml", "-J", TSHARK_PROTOS] + TSHARK_PREFS
    rc, out, err = run(cmd)
    frames = {}
    if out.strip():
        out = BAD_XML_CHARS.sub(b"", out)
        try:
            root = ET.fromstring(out)
        except ET.ParseError:
            # A cut-short file ends the PDML mid-way: keep whole packets.
            cut = out.rfind(b"</packet>")
            root = ET.fromstring(out[:cut + 9] + b"</pdml>") if cut >= 0 else None
        for pkt in (root.iter("packet") if root is not None else []):
            fr = ts_frame(pkt, snaplen, fcs)
            frames[fr["number"]] = fr
    err = "\n".join(l for l in err.decode(errors="replace").splitlines()
                    if "Running as user" not in l)
    return rc, frames, err


# ---------------------------------------------------------------- netsift side

def arg(ev, name):
    for a in ev.get("args", []):
        if a.get("name") == name:
            return a.get("value")
    return None


def ns_ipv4(v):
    return {
        "ip.version": v.get("version"), "ip.ihl": v.get("IHL"), "ip.tos": v.get("TOS"),
        "ip.len": v.get("length"), "ip.id": v.get("id"), "ip.flags": v.get("flags"),
        "ip.frag_offset": v.get("fragOffset"), "ip.ttl": v.get("TTL"),
        "ip.proto": v.get("protocol"), "ip.checksum": v.get("checksum"),
        "ip.src": addr(v.get("srcIP")), "ip.dst": addr(v.get("dstIP")),
        "ip.options": [o.get("kind") for o in (v.get("options") or [])] or None,
    }


def ns_chain(exts):
    chain = []
    for e in exts or []:
        extra = {}
        if e.get("type") == 44:
            extra = {"offset": e.get("fragOffset"),
                     "more": None if e.get("moreFragments") is None else int(e["moreFragments"]),
                     "id": e.get("id")}
        elif e.get("type") == 43:
            extra = {"type": e.get("routingType"), "segleft": e.get("segmentsLeft")}
        chain.append((e.get("type"), e.get("nextHeader"), e.get("length"), extra))
    return chain


def ns_ipv6(v):
    d = {
        "ipv6.version": v.get("version"), "ipv6.tclass": v.get("trafficClass"),
        "ipv6.flow": v.get("flowLabel"), "ipv6.plen": v.get("length"),
        "ipv6.nxt": v.get("nextHeader"), "ipv6.hlim": v.get("hopLimit"),
        "ipv6.src": addr(v.get("srcIP")), "ipv6.dst": addr(v.get("dstIP")),
    }
    d.update(ext_fields(ns_chain(v.get("extensions")), "ipv6"))
    return d


def ns_tcp(v):
    opts = v.get("options") or []
    d = {
        "tcp.srcport": v.get("srcPort"), "tcp.dstport": v.get("dstPort"),
        "tcp.seq": v.get("seq"), "tcp.ack": v.get("ack"),
        "tcp.data_offset": v.get("dataOffset"), "tcp.window": v.get("window"),
        "tcp.checksum": v.get("checksum"), "tcp.urgent": v.get("urgent"),
        "tcp.opt.kinds": [o.get("kind") for o in opts] or None,
        "tcp.opt.mss": None, "tcp.opt.wscale": None, "tcp.opt.sack_perm": None,
        "tcp.opt.sack": None, "tcp.opt.tsval": None, "tcp.opt.tsecr": None,
        "tcp.payload_len": v.get("payloadLen"),
    }
    for o in opts:
        k = o.get("kind")
        if k == 2 and d["tcp.opt.mss"] is None:
            d["tcp.opt.mss"] = o.get("mss")
        elif k == 3 and d["tcp.opt.wscale"] is None:
            d["tcp.opt.wscale"] = o.get("shift")
        elif k == 4:
            d["tcp.opt.sack_perm"] = True
        elif k == 5:
            d["tcp.opt.sack"] = (d["tcp.opt.sack"] or []) + [list(b) for b in o.get("blocks") or []] or None
        elif k == 8 and d["tcp.opt.tsval"] is None:
            d["tcp.opt.tsval"], d["tcp.opt.tsecr"] = o.get("val"), o.get("ecr")
    for name, _ in TCP_FLAGS:
        d["tcp.flags." + name] = v.get(name)
    return d


def ns_udp(v):
    return {"udp.srcport": v.get("srcPort"), "udp.dstport": v.get("dstPort"),
            "udp.length": v.get("length"), "udp.checksum": v.get("checksum")}


def ns_icmp_common(v, pre):
    d = {pre + ".type": v.get("type"), pre + ".code": v.get("code"),
         pre + ".checksum": v.get("checksum"), pre + ".id": v.get("id"),
         pre + ".seq": v.get("seq")}
    q = v.get("quoted")
    if q is None:
        d[pre + ".quoted"] = None
    else:
        d.update({pre + ".quoted": q.get("version"),
                  pre + ".quoted.src": addr(q.get("srcIP")),
                  pre + ".quoted.dst": addr(q.get("dstIP")),
                  pre + ".quoted.proto": q.get("protocol"),
                  pre + ".quoted.sport": q.get("srcPort"),
                  pre + ".quoted.dport": q.get("dstPort")})
    return d


def ns_icmp(v):
    return ns_icmp_common(v, "icmp")


def ns_icmpv6(v):
    d = ns_icmp_common(v, "icmpv6")
    d["icmpv6.target"] = addr(v.get("target"))
    return d


NS_EVENTS = {
    "net_packet_ipv4": ("l3", "ipv4", "proto_ipv4", ns_ipv4),
    "net_packet_ipv6": ("l3", "ipv6", "proto_ipv6", ns_ipv6),
    "net_packet_tcp": ("l4", "tcp", "proto_tcp", ns_tcp),
    "net_packet_udp": ("l4", "udp", "proto_udp", ns_udp),
    "net_packet_icmp": ("l4", "icmp", "proto_icmp", ns_icmp),
    "net_packet_icmpv6": ("l4", "icmpv6", "proto_icmpv6", ns_icmpv6),
}


def run_netsift(netsift, path):
    rc, out, err = run([netsift, "read", "-o", "json", path])
    frames, problems = {}, []
    for n, line in enumerate(out.decode(errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
        except ValueError as e:
            problems.append("stdout line %d is not JSON (%s): %.80s" % (n, e, line))
            continue
        spec = NS_EVENTS.get(ev.get("eventName"))
        if spec is None:
            continue    # flow events etc.: not per-packet
        slot, layer, argname, fn = spec
        fr = frames.setdefault(ev.get("frame"), {"l3": None, "l4": None, "fields": {},
                                                 "flags": set(), "encap": None})
        if fr[slot] is not None:
            problems.append("frame %s: two %s events" % (ev.get("frame"), slot))
            continue
        fr[slot] = layer
        fr["fields"].update(fn(arg(ev, argname) or {}))
        meta = arg(ev, "metadata") or {}
        fr["flags"].update(meta.get("flags") or [])
        if meta.get("encap") is not None:
            if fr["encap"] is not None and fr["encap"] != meta["encap"]:
                problems.append("frame %s: events disagree on metadata.encap" % ev.get("frame"))
            fr["encap"] = meta["encap"]
    return rc, frames, err.decode(errors="replace").strip(), problems


def ip4(proto, payload, src, dst):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes(src), bytes(dst))
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return h[:10] + struct.pack("!H", ~s & 0xffff) + h[12:] + payload


def write_raw_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for n, pkt in enumerate(pkts, 1):
            f.write(struct.pack("<IIII", n, 0, len(pkt), len(pkt)) + pkt)


def synthetic_capture(tmpdir):
    """A LINKTYPE_RAW capture of the cases tshark shows its own way and the
    corpus lacks: an IPv6 Authentication Header (nested in tshark's ipv6
    tree), TCP EOL padding, and tunnels (IPv4-in-IPv4, IPv6-in-IPv4, VXLAN)."""
    a6, b6 = bytes.fromhex("20010db8" + "00" * 11 + "01"), bytes.fromhex("20010db8" + "00" * 11 + "02")

    def ip6(nxt, payload):
        return struct.pack("!IHBB", 6 << 28, len(payload), nxt, 64) + a6 + b6 + payload

    def udp(sp, dp, data=b"data"):
        return struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data

    def tcp(sp, dp, opts=b""):
        return struct.pack("!HHIIBBHHH", sp, dp, 1000, 0, (20 + len(opts)) // 4 << 4, 2,
                           65535, 0, 0) + opts

    def ah(nxt):   # 12-byte ICV: length field 4 = 24 bytes
        return struct.pack("!BBHII", nxt, 4, 0, 0x100, 1) + b"\xaa" * 12

    def ext(nxt):  # hop-by-hop / destination options: one PadN, 8 bytes
        return struct.pack("!BBBB", nxt, 0, 1, 4) + b"\0" * 4

    mss_eol = bytes.fromhex("020405b4" "00000000")   # MSS, EOL, 3 bytes of zero padding
    v4a, v4b, in1, in2 = (198, 51, 100, 1), (198, 51, 100, 2), (192, 0, 2, 1), (192, 0, 2, 2)
    eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
    pkts = [
        ip6(51, ah(6) + tcp(40000, 80, mss_eol)),
        ip6(0, ext(51) + ah(60) + ext(17) + udp(33000, 9999)),
        ip4(6, tcp(40001, 80, mss_eol), v4a, v4b),
        ip4(4, ip4(17, udp(1000, 2000), in1, in2), v4a, v4b),
        ip4(41, ip6(6, tcp(40002, 443)), v4a, v4b),
        ip4(17, udp(54321, 4789, struct.pack("!II", 0x08000000, 42 << 8) + eth +
                    ip4(6, tcp(40003, 22), in1, in2)), v4a, v4b),
    ]
    path = os.path.join(tmpdir, "synthetic.pcap")
    write_raw_pcap(path, pkts)
    return ("synthetic/ah-eol-tunnels.pcap", path)


def netsift_decodes_tunnels(netsift, tmpdir):
    """Whether this netsift reports encapsulations (metadata.encap): read one
    IPv4-in-IPv4 packet carrying UDP (LINKTYPE_RAW) and look for the list."""
    inner = ip4(17, struct.pack("!HHHH", 1000, 2000, 12, 0) + b"ping",
                (192, 0, 2, 1), (192, 0, 2, 2))
    pkt = ip4(4, inner, (198, 51, 100, 1), (198, 51, 100, 2))
    path = os.path.join(tmpdir, "probe-ipip.pcap")
    write_raw_pcap(path, [pkt])
    rc, frames, err, problems = run_netsift(netsift, path)
    if rc != 0 or problems or 1 not in frames:
        die("FAIL: netsift cannot read a one-packet IPv4-in-IPv4 capture (exit %d): %s %s"
            % (rc, err, "; ".join(problems)), 1)
    return frames[1]["encap"] is not None


# ---------------------------------------------------------------- allow-list

class Allow:
    """Entries, one per line:
      CAPTURE FRAME FIELDS REASON...  one frame of one capture (CAPTURE as
                                      labelled in the output)
      rule CONDS FIELDS REASON...     every frame meeting all of CONDS, a
                                      comma-separated list of
                                        proto=GLOB   tshark's frame.protocols
                                                     matches GLOB
                                        expert=NAME  tshark raised expert item
                                                     NAME (ip.bogus_header_length)
                                        tshark=absent  tshark shows no value for
                                                     the field (it stopped
                                                     dissecting before it)
    FIELDS: a comma-separated list of field names as printed, each may be an
    fnmatch pattern."""

    CONDS = ("proto", "expert", "tshark")

    def __init__(self, path):
        self.entries = []
        if not path:
            return
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split(None, 3)
                where = "%s:%d" % (os.path.basename(path), n)
                if len(parts) < 4:
                    die("%s: need CAPTURE FRAME FIELD REASON, or rule CONDS FIELD REASON"
                        % where, 1)
                if parts[0] == "rule":
                    conds = []
                    for c in parts[1].split(","):
                        key, _, val = c.partition("=")
                        if key not in self.CONDS or not val or \
                                (key == "tshark" and val != "absent"):
                            die("%s: rule conditions are proto=GLOB, expert=NAME, "
                                "tshark=absent (comma-separated)" % where, 1)
                        conds.append((key, val))
                    ent = {"rule": conds}
                else:
                    if not parts[1].isdigit():
                        die("%s: FRAME must be a number" % where, 1)
                    ent = {"capture": parts[0], "frame": int(parts[1])}
                ent.update(field=parts[2], fields=parts[2].split(","), reason=parts[3],
                           where=where, used=0)
                self.entries.append(ent)

    @staticmethod
    def cond(key, val, tsframe, theirs):
        if key == "proto":
            return fnmatch.fnmatchcase(tsframe["protocols"], val)
        if key == "expert":
            return val in tsframe["experts"]
        return theirs == fmt(None)      # tshark=absent

    def match(self, capture, frame, field, tsframe, theirs):
        for e in self.entries:
            if not any(fnmatch.fnmatchcase(field, f) for f in e["fields"]):
                continue
            if "rule" in e:
                ok = all(self.cond(k, v, tsframe, theirs) for k, v in e["rule"])
            else:
                ok = e["capture"] == capture and e["frame"] == frame
            if ok:
                e["used"] += 1
                return e
        return None

    def describe(self, e):
        if "rule" in e:
            return "rule %s %s" % (",".join("%s=%s" % c for c in e["rule"]), e["field"])
        return "%s frame %d %s" % (e["capture"], e["frame"], e["field"])


# ---------------------------------------------------------------- comparison

def short_protocols(p):
    """frame.protocols with runs of one layer shortened (ipv6.fraghdr x130)."""
    out = []
    for x in p.split(":"):
        if out and out[-1][0] == x:
            out[-1][1] += 1
        else:
            out.append([x, 1])
    return ":".join(x if c == 1 else "%s(x%d)" % (x, c) for x, c in out)


def fmt(v):
    if v is None:
        return "absent"
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v, separators=(",", ":")) if isinstance(v, (list, tuple)) else str(v)


def norm(v):
    if isinstance(v, tuple):
        return [norm(x) for x in v]
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


COMPARED_FLAGS = ("truncated", "bad_ip_checksum", "fragment")


def ns_groups(encap):
    """netsift's encapsulation entries that carry outer IP addresses, grouped by
    the outer IP header they describe: [(entry, [types])], outermost first.
    Each group corresponds to one of tshark's outer top-level IP layers, in
    order. An entry with the same addresses, protocol and ports as the one
    before it but of another type came in the same outer header (ERSPAN in
    GRE); the same type twice is a tunnel in a tunnel (IP-in-IP with equal
    addresses), so two groups."""
    groups, last = [], None
    for e in encap or []:
        if e.get("src") is None and e.get("dst") is None:
            continue    # not IP-borne (MPLS, PPPoE, PBB, ...): no tshark IP layer
        key = (addr(e.get("src")), addr(e.get("dst")), e.get("protocol"),
               e.get("srcPort"), e.get("dstPort"))
        if groups and key == last and e.get("type") not in groups[-1][1]:
            groups[-1][1].append(e.get("type"))
            continue
        groups.append((e, [e.get("type")]))
        last = key
    return groups


def l3l4(fr):
    return "/".join(x for x in (fr["l3"], fr["l4"]) if x) if fr else ""


def stack_names(ts, ns):
    """Both tools' layer stacks, for a tunnel difference: tshark's top-level IP
    layers with their transports (ipv4/udp>ipv4/tcp), netsift's encapsulation
    entries then its packet (ipv4:vxlan>ipv4/tcp)."""
    tsn = ">".join(l3l4(lay) for lay in ts["ip_layers"]) if ts else ""
    parts = []
    for e in (ns or {}).get("encap") or []:
        if e.get("src") is None:
            parts.append(str(e.get("type")))
        else:
            fam = "ipv6" if ":" in str(e.get("src")) else "ipv4"
            parts.append("%s:%s" % (fam, e.get("type")))
    nsn = ">".join(parts + [l3l4(ns) or "none"]) if ns else ""
    return tsn or "none", nsn or "none"


NS_MAX_IP6_EXT = 8      # dissect.h: extension headers netsift lists
BYTES_2_3 = {"tcp": "tcp.dstport", "udp": "udp.dstport", "icmp": "icmp.checksum",
             "icmpv6": "icmpv6.checksum"}
TCP_HDR_FIELDS = ("tcp.seq", "tcp.ack", "tcp.data_offset", "tcp.window", "tcp.checksum",
                  "tcp.urgent") + tuple("tcp.flags." + n for n, _ in TCP_FLAGS)


def normalise(ts, tv, ns):
    """Where tshark's output follows from how tshark works rather than from the
    packet, bring the two sides to what both can say. Each rule is narrow: it
    needs netsift's own flag for the condition, or tshark's own evidence.
    Returns (tv, ns), copies where changed."""
    tf, nf = tv["fields"], ns["fields"]
    # 1. More IPv6 extension headers than netsift lists (it flags
    #    ext_hdr_limit and still walks the chain): compare the first ones.
    ext = tf.get("ipv6.ext")
    if "ext_hdr_limit" in ns["flags"] and ext and len(ext) > NS_MAX_IP6_EXT:
        tv = dict(tv, fields=dict(tf, **{"ipv6.ext": ext[:NS_MAX_IP6_EXT]}))
        tf = tv["fields"]
    # 2. A TCP header cut before byte 16 (an 8-byte first fragment, a short
    #    capture): tshark reads bytes 4-15 at once and shows only the ports;
    #    netsift shows each field whose bytes are there.
    if (tv["l4"] == "tcp" and ns["l4"] == "tcp" and tf.get("tcp.srcport") is not None
            and tf.get("tcp.seq") is None and nf.get("tcp.window") is None):
        ns = dict(ns, fields={k: (None if k in TCP_HDR_FIELDS else v) for k, v in nf.items()})
        nf = ns["fields"]
    # 3. An IPv4 option shorter than its kind's minimum: tshark throws inside
    #    the option list (the frame is malformed) and dissects nothing after
    #    the IP header; netsift flags bad_options and decodes the transport
    #    where the header length says it starts.
    if (tv["l3"] == "ipv4" and tv["l4"] is None and ns["l4"] and ts.get("malformed")
            and "bad_options" in ns["flags"]):
        ns = dict(ns, l4=None)
    # 4. A transport of fewer than 4 bytes (nothing, or a lone ICMP type,
    #    after the IP header): tshark lists the protocol with what it could
    #    read; netsift's events need a transport's first 4 bytes (netsift-
    #    events(7)), so it has none. tshark's field on bytes 2-3 tells.
    if tv["l4"] and ns["l4"] is None and tf.get(BYTES_2_3[tv["l4"]]) is None:
        tv = dict(tv, l4=None)
    return tv, ns


def compare_frame(ts, ns, tunnels=False):
    """[(field, ours, tshark)] and the number of fields compared.
    netsift reports the innermost IP packet and lists the outer layers in
    metadata.encap. With tunnels on (netsift decodes encapsulations, or this
    event has an encap list), netsift's packet is compared with tshark's IP
    layer that follows as many outer IP layers as netsift has IP-borne
    encapsulation groups, each group's addresses with that outer layer, and a
    different number of IP layers is a layers difference naming both stacks.
    Without (a netsift that reports the outer packet), the first IP layer."""
    diffs, n = [], 0
    layers = ts["ip_layers"] if ts else []
    groups = ns_groups(ns.get("encap")) if ns else []
    tunnels = tunnels or bool(ns and ns.get("encap"))
    k = len(groups) if tunnels else 0
    tv = layers[k] if k < len(layers) else (None if ts is None else NO_LAYER)
    if tv and ns:
        tv, ns = normalise(ts, tv, ns)
    ts_layers, ns_layers = l3l4(tv), l3l4(ns)
    n += 1
    if tunnels and (ts_layers != ns_layers or max(len(layers) - 1, 0) != k):
        diffs.append(("layers",) + stack_names(ts, ns)[::-1])
    elif ts_layers != ns_layers:
        diffs.append(("layers", ns_layers or "none", ts_layers or "none"))
    for g in range(min(k, len(layers) - 1)):    # tshark's outer layers only
        e, _ = groups[g]
        o = layers[g]["outer"]
        keys = ("src", "dst", "protocol")
        if e.get("srcPort") is not None or e.get("dstPort") is not None:
            keys += ("srcPort", "dstPort")
        for key in keys:
            a = addr(e.get(key)) if key in ("src", "dst") else e.get(key)
            n += 1
            if a != o[key]:
                diffs.append(("encap.%d.%s" % (g, key), fmt(a), fmt(o[key])))
    if not tv or not ns or tv["l3"] != ns["l3"]:
        return diffs, n
    prefixes = {"ip" if tv["l3"] == "ipv4" else "ipv6"}
    if tv["l4"] and tv["l4"] == ns["l4"]:
        prefixes.add(tv["l4"])
    keys = [k2 for k2 in tv["fields"] if k2.split(".")[0] in prefixes]
    keys += [k2 for k2 in ns["fields"] if k2.split(".")[0] in prefixes and k2 not in tv["fields"]]
    for k2 in keys:
        a, b = norm(ns["fields"].get(k2)), norm(tv["fields"].get(k2))
        if ".quoted." in k2:
            q = k2[:k2.index(".quoted.") + 7]
            if ns["fields"].get(q) is None or tv["fields"].get(q) is None:
                continue    # the presence of the quote is compared once, as X.quoted
        if a is None and b is None:
            continue
        n += 1
        if a != b:
            diffs.append((k2, fmt(a), fmt(b)))
    for fl in COMPARED_FLAGS:
        want = tv["flags"].get(fl)
        if want is None:
            continue
        n += 1
        have = fl in ns["flags"]
        if have != want:
            diffs.append(("flag." + fl, fmt(have), fmt(want)))
    return diffs, n


MALFORMED_FLAGS = {"bad_length", "bad_header", "bad_options", "bad_version", "ext_hdr_limit"}


def check_capture(label, path, opts):
    r = {"label": label, "frames": 0, "ipframes": 0, "fields": 0, "diffs": [],
         "allowed": [], "skipped": None, "errors": [], "uncompared": 0,
         "ns_trunc": 0, "ts_trunc": 0, "ts_short": 0, "ns_malf": 0, "ts_malf": 0,
         "clamped": 0, "encap_ns": 0, "encap_ts": 0}
    lts = linktypes(path)
    tspath = path
    if lts == [8]:
        tspath = slip_as_raw(path, opts.tmpdir) or path
        r["note"] = "SLIP: tshark reads the IP bytes as LINKTYPE_RAW"
    snap = pcap_snaplen(path)
    if tspath != path:
        snap = max(snap - 16, 0)    # the SLIP pseudo-header is gone
    ts_rc, ts, ts_err = run_tshark(opts.tshark, tspath, snap, 2 if lts == [195] else 0)
    ns_rc, ns, ns_err, problems = run_netsift(opts.netsift, path)
    r["errors"] += problems
    if ns_rc != 0 and "unsupported link type" in ns_err.lower():
        bad = [t for t in lts if t in SUPPORTED_LINKTYPES]
        if bad or not lts:
            r["errors"].append("netsift says unsupported link type, but the file has %s: %s"
                               % (lts or "no readable link type", ns_err))
        r["skipped"] = "linktype %s" % ",".join(
            "%d (%s)" % (t, OTHER_LINKTYPES.get(t, "?")) for t in lts)
        r["frames"] = len(ts)
        r["ts_ip_skipped"] = sum(1 for f in ts.values() if f["l3"])
        return r
    if ns_rc < 0 or ns_rc > 1 or (ns_rc != 0 and ts_rc == 0):
        r["errors"].append("netsift exit %d: %s" % (ns_rc, ns_err[:300]))
    if ns_rc != 0 and ts_rc != 0:
        # Both stop at a broken record: compare what both read, count the rest
        # (frames after netsift's last event that tshark has, and the broken
        # record itself, which neither decodes).
        m = re.search(r"frame (\d+): truncated", ns_err)
        last = int(m.group(1)) - 1 if m else (max(ns) if ns else 0)
        for k in [k for k in ts if k > last]:
            r["uncompared"] += 1
            del ts[k]
        r["uncompared"] += 1 if m else 0
    if ts_rc != 0 and not ts and ns_rc == 0 and re.search(r"network type \d+ unknown or unsupported",
                                                       ts_err):
        # The oracle has no dissector for this link type (MFR): nothing to
        # compare with, said and counted, not an error of either tool.
        r["oracle_unreadable"] = "tshark cannot read link type %s" % ",".join(map(str, lts))
        r["ns_events"] = len(ns)
    elif ts_rc != 0 and not ts:
        r["errors"].append("tshark exit %d and no frames: %s" % (ts_rc, ts_err[:300]))
    elif ts_rc != 0 and ns_rc == 0:
        # tshark gave up on a capture netsift read to the end: what it did
        # not read would go uncompared
        r["errors"].append("tshark exit %d on a capture netsift reads: %s" % (ts_rc, ts_err[:300]))
    for k in ns:
        if k not in ts:
            r["errors"].append("netsift emitted frame %s which tshark does not have" % k)
    r["frames"] = len(ts)
    for num in sorted(ts):
        t, o = ts[num], ns.get(num)
        if t["l3"] or o:
            r["ipframes"] += 1
        r["ts_short"] += t["short"]
        r["ts_malf"] += t["malformed"]
        r["clamped"] += bool(t.get("clamped"))
        r["ts_trunc"] += bool(t["flags"].get("truncated"))
        if o:
            r["ns_trunc"] += "truncated" in o["flags"]
            r["ns_malf"] += bool(o["flags"] & MALFORMED_FLAGS)
        r["encap_ts"] += len(t["ip_layers"]) > 1
        r["encap_ns"] += bool(o and o.get("encap"))
        if not t["l3"] and not o:
            continue
        diffs, n = compare_frame(t, o, opts.tunnels)
        r["fields"] += n
        for field, ours, theirs in diffs:
            e = opts.allow.match(label, num, field, t, theirs)
            item = (num, field, ours, theirs, t["protocols"], e)
            (r["allowed"] if e else r["diffs"]).append(item)
    return r


# ---------------------------------------------------------------- main

def dump(caps, opts):
    for label, path in caps:
        lts = linktypes(path)
        tspath = slip_as_raw(path, opts.tmpdir) if lts == [8] else path
        _, ts, ts_err = run_tshark(opts.tshark, tspath or path, pcap_snaplen(path),
                                   2 if linktypes(path) == [195] else 0)
        ns_rc, ns, ns_err, problems = run_netsift(opts.netsift, path)
        print("== %s (netsift exit %d%s)" % (label, ns_rc, ": " + ns_err if ns_err else ""))
        for p in problems:
            print("   problem: " + p)
        for num in sorted(set(ts) | set(k for k in ns if k is not None)):
            for side, fr in (("tshark", ts.get(num)), ("netsift", ns.get(num))):
                if not fr:
                    print("  %s %s: -" % (num, side))
                    continue
                if side == "tshark":
                    extra = {"protocols": short_protocols(fr.get("protocols")),
                             "short": fr.get("short"), "malformed": fr.get("malformed"),
                             "experts": sorted(fr.get("experts"))}
                    if len(fr["ip_layers"]) > 1:
                        extra["ip_layers"] = [dict(lay["outer"], layer=l3l4(lay))
                                              for lay in fr["ip_layers"]]
                else:
                    extra = {"encap": fr["encap"]} if fr.get("encap") else {}
                flags = fr["flags"] if side == "tshark" else sorted(fr["flags"])
                print("  %s %s: %s/%s flags=%s %s" % (num, side, fr["l3"], fr["l4"], flags,
                                                    json.dumps(extra) if extra else ""))
                print("      " + json.dumps(fr["fields"], sort_keys=True, default=str))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsift", default=os.environ.get("NETSIFT", "netsift"))
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--allowlist", help="allow-list file (tests/tshark-allowlist.txt)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--show", type=int, default=5, help="differences shown per capture")
    ap.add_argument("--show-allowed", action="store_true", help="also list allow-listed ones")
    ap.add_argument("-q", "--quiet", action="store_true", help="no per-capture lines")
    ap.add_argument("--dump", action="store_true",
                    help="print both sides' per-frame fields (for investigating a capture)")
    ap.add_argument("--tunnels", choices=("auto", "on", "off"), default="auto",
                    help="compare tunnels layer by layer (on: netsift reports encapsulations "
                         "in metadata.encap; auto: probe the binary; off: compare each frame's "
                         "first IP layer unless its event has an encap list)")
    ap.add_argument("--expect-min-captures", type=int, default=0, metavar="N",
                    help="fail unless at least N captures were compared (not skipped)")
    ap.add_argument("--expect-min-frames", type=int, default=0, metavar="N",
                    help="fail unless at least N frames with IP were compared")
    ap.add_argument("--synthetic", action="store_true",
                    help="also compare a generated capture of cases the corpus lacks "
                         "(IPv6 AH, TCP EOL padding, tunnels)")
    ap.add_argument("paths", nargs="*", help="captures or directories of captures")
    opts = ap.parse_args()

    tshark = shutil.which(opts.tshark)
    if not tshark:
        die("FAIL: tshark not found (looked for %r). This test compares against tshark and "
            "does not skip without it: install it (Debian: apt-get install tshark)." % opts.tshark)
    opts.tshark = tshark
    if not (os.path.isfile(opts.netsift) and os.access(opts.netsift, os.X_OK)):
        found = shutil.which(opts.netsift)
        if not found:
            die("FAIL: netsift binary not found: %s (build first, or pass --netsift)" % opts.netsift)
        opts.netsift = found
    opts.allow = Allow(opts.allowlist)
    caps = find_captures(opts.paths)
    if opts.dump:
        with tempfile.TemporaryDirectory(prefix="tshark-diff.") as opts.tmpdir:
            if opts.synthetic:
                caps.append(synthetic_capture(opts.tmpdir))
            return dump(caps, opts)
    if not caps and not opts.synthetic:
        die("FAIL: no captures found under %s" % " ".join(opts.paths))

    with tempfile.TemporaryDirectory(prefix="tshark-diff.") as opts.tmpdir, \
            concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        if opts.synthetic:
            caps.append(synthetic_capture(opts.tmpdir))
        opts.tunnels = (opts.tunnels == "on" or opts.tunnels == "auto" and
                        netsift_decodes_tunnels(opts.netsift, opts.tmpdir))
        results = list(ex.map(lambda c: check_capture(c[0], c[1], opts), caps))

    tot = {k: 0 for k in ("frames", "ipframes", "fields", "diffs", "allowed", "skipped",
                          "skipped_frames", "uncompared", "errors", "ns_trunc", "ts_trunc",
                          "ts_short", "ns_malf", "ts_malf", "encap_ns", "encap_ts",
                          "oracle_unreadable")}
    print("tshark_diff: %d captures, tshark %s; tunnels compared layer by layer: %s"
          % (len(caps), tshark, "yes" if opts.tunnels else
             "no (netsift reports no encapsulation: first IP layer)"))
    for r in results:
        if r["skipped"]:
            tot["skipped"] += 1
            tot["skipped_frames"] += r["frames"]
            if not opts.quiet:
                print("  SKIP %-50s %s (unsupported by netsift; %d frames, %d with IP in tshark)"
                      % (r["label"], r["skipped"], r["frames"], r.get("ts_ip_skipped", 0)))
        else:
            for k in ("frames", "ipframes", "fields", "uncompared", "ns_trunc", "ts_trunc",
                      "ts_short", "ns_malf", "ts_malf", "encap_ns", "encap_ts"):
                tot[k] += r[k]
            tot["diffs"] += len(r["diffs"])
            tot["allowed"] += len(r["allowed"])
            status = "FAIL" if r["diffs"] or r["errors"] else "ok  "
            if not opts.quiet or status == "FAIL":
                print("  %s %-50s frames=%d ip=%d fields=%d diffs=%d allowed=%d%s"
                      " trunc(ours/tshark)=%d/%d short=%d malformed(ours/tshark)=%d/%d"
                      % (status, r["label"], r["frames"], r["ipframes"], r["fields"],
                         len(r["diffs"]), len(r["allowed"]),
                         (" uncompared=%d" % r["uncompared"] if r["uncompared"] else "") +
                         (" caplen>snaplen=%d" % r["clamped"] if r["clamped"] else ""),
                         r["ns_trunc"], r["ts_trunc"], r["ts_short"], r["ns_malf"], r["ts_malf"]))
        if r.get("oracle_unreadable"):
            tot["oracle_unreadable"] += 1
            print("  NOTE %-50s %s: netsift read it (%d events), not compared"
                  % (r["label"], r["oracle_unreadable"], r.get("ns_events", 0)))
        for e in r["errors"]:
            tot["errors"] += 1
            print("      ERROR %s" % e)
        for num, field, ours, theirs, protos, _ in r["diffs"][:opts.show]:
            print("      frame %d %s: netsift=%s tshark=%s  [%s]"
                  % (num, field, ours, theirs, short_protocols(protos)))
        if len(r["diffs"]) > opts.show:
            print("      ... %d more differences" % (len(r["diffs"]) - opts.show))
        if opts.show_allowed:
            for num, field, ours, theirs, protos, e in r["allowed"]:
                print("      allowed %s frame %d %s: netsift=%s tshark=%s (%s)"
                      % (r["label"], num, field, ours, theirs, e["where"]))
    compared = len(caps) - tot["skipped"]
    print("totals: captures=%d compared=%d skipped_by_linktype=%d (frames %d) frames=%d "
          "ip_frames=%d fields_compared=%d differences=%d allow_listed=%d errors=%d "
          "uncompared_frames=%d encap_frames(ours/tshark)=%d/%d tshark_unreadable=%d"
          % (len(caps), compared, tot["skipped"], tot["skipped_frames"],
             tot["frames"], tot["ipframes"], tot["fields"], tot["diffs"], tot["allowed"],
             tot["errors"], tot["uncompared"], tot["encap_ns"], tot["encap_ts"],
             tot["oracle_unreadable"]))
    for what, have, want in (("captures compared", compared, opts.expect_min_captures),
                             ("frames with IP compared", tot["ipframes"],
                              opts.expect_min_frames)):
        if want:
            ok = have >= want
            print("expected at least %d %s: %d%s" % (want, what, have, "" if ok else "  FAIL"))
            if not ok:
                tot["errors"] += 1
    print("flags: truncated ours=%d tshark=%d (_ws.short %d); malformed-class ours=%d "
          "tshark _ws.malformed=%d" % (tot["ns_trunc"], tot["ts_trunc"], tot["ts_short"],
                                      tot["ns_malf"], tot["ts_malf"]))
    for e in opts.allow.entries:
        print("allow-list %s: %s: used %d time(s)%s" % (e["where"], opts.allow.describe(e),
              e["used"], "" if e["used"] else "  (STALE: matches nothing)"))
    failed = tot["diffs"] or tot["errors"]
    print("tshark_diff: %s" % ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
