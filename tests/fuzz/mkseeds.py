#!/usr/bin/env python3
"""Seed corpora for the tests/fuzz/ harnesses, from capture files.

usage: mkseeds.py SRCDIR OUTDIR CAPTURE_DIR...

Writes OUTDIR/<harness>/ for each harness:
  fuzz_file, fuzz_stream      whole captures (fuzz_stream: a chunk-size byte first)
  fuzz_pcapng_rt              whole pcapng captures
  fuzz_packet                 one seed per distinct frame: link type, flags, frame
  fuzz_flow, fuzz_analyze     each capture as a frame sequence (fuzz_frames.h)
  fuzz_dns                    DNS payloads of UDP port 53 frames (Ethernet/raw IP)
  fuzz_ring, fuzz_opts        a few hand-made ones
The link type byte is netsift's own (enum ns_linktype in dissect/dissect.h),
mapped from the file's DLT by dissect/link.c's table, both read from SRCDIR.
"""
import hashlib
import os
import re
import struct
import sys

MAX_FILE = 256 * 1024        # bigger captures slow every run of a whole-file harness
MAX_FRAMES = 200             # frames per frame-sequence seed
MAX_PACKET_SEEDS = int(os.environ.get("MKSEEDS_MAX_PACKETS", "4000"))


def link_map(src):
    text = open(os.path.join(src, "dissect/dissect.h")).read()
    body = text[text.index("enum ns_linktype {"):]
    body = body[:body.index("};")]
    names = re.findall(r"^\s*(NS_LINK_[A-Z0-9_]+)", body, re.M)
    index = {n: i for i, n in enumerate(names)}
    link = open(os.path.join(src, "dissect/link.c")).read()
    dlt = {}
    for num, name in re.findall(r"\{\s*(\d+),\s*(NS_LINK_[A-Z0-9_]+)\s*\}", link):
        dlt.setdefault(int(num), index[name])
    return dlt


def read_pcap(data):
    """[(dlt, ts_ns, bytes)] of a classic pcap, [] if it is not one."""
    if len(data) < 24:
        return []
    magic = data[:4]
    for endian, nsec in (("<", False), (">", False)):
        m = struct.unpack(endian + "I", magic)[0]
        if m in (0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34):
            nsec = m == 0xa1b23c4d
            break
    else:
        return []
    dlt = struct.unpack(endian + "I", data[20:24])[0] & 0x0fffffff
    hdr = 24 if m != 0xa1b2cd34 else 24
    rec = 16 if m != 0xa1b2cd34 else 24
    out, off = [], hdr
    while off + rec <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += rec
        if incl > 262144 or off + incl > len(data):
            break
        ts = sec * 10**9 + (frac if nsec else frac * 1000)
        out.append((dlt, ts, data[off:off + incl]))
        off += incl
    return out


def read_pcapng(data):
    """[(dlt, ts_ns, bytes)] of the EPBs of a pcapng (microsecond times assumed
    where an interface says nothing), [] if it is not one."""
    if data[:4] != b"\x0a\x0d\x0d\x0a" or len(data) < 12:
        return []
    out, off, endian, ifs = [], 0, "<", []
    while off + 12 <= len(data):
        bt = struct.unpack(endian + "I", data[off:off + 4])[0]
        if bt == 0x0a0d0d0a:
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifs = []
        blen = struct.unpack(endian + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if bt == 1 and len(body) >= 8:
            ifs.append(struct.unpack(endian + "H", body[:2])[0])
        elif bt == 6 and len(body) >= 20:
            ifid, hi, lo, cap, _ = struct.unpack(endian + "IIIII", body[:20])
            if ifid < len(ifs):
                out.append((ifs[ifid], (hi << 32 | lo) * 1000, body[20:20 + cap]))
        off += blen
    return out


def frames(data):
    return read_pcap(data) or read_pcapng(data)


def put(d, name, blob, seen):
    h = hashlib.sha1(blob).hexdigest()[:16]
    if (d, h) in seen:
        return
    seen.add((d, h))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + "-" + h), "wb") as f:
        f.write(blob)


def dns_payload(lt_name, pkt):
    """UDP payload to or from port 53 of an Ethernet or raw IPv4 frame."""
    off = {"eth": 14, "sll": 16}.get(lt_name, 0)
    if lt_name in ("eth", "sll"):
        if len(pkt) < off or pkt[off - 2:off] != b"\x08\x00":
            return None
    if len(pkt) < off + 28 or pkt[off] >> 4 != 4 or pkt[off + 9] != 17:
        return None
    ihl = (pkt[off] & 15) * 4
    udp = off + ihl
    if len(pkt) < udp + 8:
        return None
    sp, dp = struct.unpack("!HH", pkt[udp:udp + 4])
    if 53 not in (sp, dp):
        return None
    return pkt[udp + 8:]


def main():
    src, out, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    dltmap = link_map(src)
    seen = set()
    npkt = 0
    files = []
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith((".pcap", ".pcapng", ".cap")):
                    files.append(os.path.join(root, n))
    for path in sorted(files):
        if os.path.getsize(path) > 4 * MAX_FILE:
            continue
        data = open(path, "rb").read()
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(path))
        if len(data) <= MAX_FILE:
            put(os.path.join(out, "fuzz_file"), base, data, seen)
            put(os.path.join(out, "fuzz_stream"), base, b"\xff" + data, seen)
            if data[:4] == b"\x0a\x0d\x0d\x0a":
                put(os.path.join(out, "fuzz_pcapng_rt"), base, data, seen)
        fr = frames(data)
        if not fr or fr[0][0] not in dltmap:
            continue
        lt = dltmap[fr[0][0]]
        seq, prev = [], fr[0][1]
        for dlt, ts, pkt in fr[:MAX_FRAMES]:
            if dlt != fr[0][0] or len(pkt) > 65535:
                continue
            dt = max(0, min(65535, (ts - prev) // 10**7))
            prev = ts
            seq.append(struct.pack("!HH", dt, len(pkt)) + pkt)
        blob = bytes([lt, 0]) + b"".join(seq)
        put(os.path.join(out, "fuzz_flow"), base, blob, seen)
        put(os.path.join(out, "fuzz_analyze"), base, bytes([lt, 1]) + blob[2:], seen)
        for dlt, _, pkt in fr:
            if npkt >= MAX_PACKET_SEEDS or dlt not in dltmap:
                break
            before = len(seen)
            put(os.path.join(out, "fuzz_packet"), base, bytes([dltmap[dlt], 0]) + pkt, seen)
            npkt += len(seen) - before
            kind = {1: "eth", 113: "sll", 101: "raw", 228: "raw"}.get(dlt)
            p = dns_payload(kind, pkt) if kind else None
            if p:
                put(os.path.join(out, "fuzz_dns"), base, p, seen)
    # hand-made DNS: a response with a CNAME chain to an A and an AAAA
    def name(n):
        return b"".join(bytes([len(x)]) + x.encode() for x in n.split(".")) + b"\0"
    q = name("www.example.com") + struct.pack("!HH", 1, 1)
    cname = b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 300, 13) + name("example.com")[:12] + b"\0"
    a = b"\xc0\x2d" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([93, 184, 216, 34])
    aaaa = b"\xc0\x2d" + struct.pack("!HHIH", 28, 1, 60, 16) + bytes(15) + b"\1"
    put(os.path.join(out, "fuzz_dns"), "cname",
        struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 3, 0, 0) + q + cname + a + aaaa, seen)
    put(os.path.join(out, "fuzz_dns"), "query",
        struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + q, seen)
    # hand-made: a ring with one record (80-byte header + a 40-byte SYN)
    rec = struct.pack("<QQIIIIII", 1, 0, 1, 1, 0, 0, 40, 40) + bytes([1, 0]) + bytes(6)
    rec += b"curl".ljust(16, b"\0") + b"lo".ljust(16, b"\0")
    syn = bytes.fromhex("4500002800010000400600000a0000010a000002303900500000000100000000"
                        "50020000ffff0000")[:40]
    body = struct.pack("<II", len(rec) + len(syn), 0) + rec + syn
    body += bytes(-len(body) % 8)
    put(os.path.join(out, "fuzz_ring"), "one", bytes([0]) + struct.pack("!H", len(body)) + body,
        seen)
    put(os.path.join(out, "fuzz_ring"), "two",
        bytes([1]) + struct.pack("!H", len(body)) + body.ljust(4096, b"\0") +
        struct.pack("!H", len(body)) + body, seen)
    for i, blob in enumerate([b"\x00\x33", b"\x00\x00\x33\x34", b"\x01\x23\x33",
                              b"\x00\x1e\x20\x33\x1c\x33", b"\x01\x20\x33\x02\x33",
                              b"\x00\x40\x05abcde\x33"]):
        put(os.path.join(out, "fuzz_opts"), "hand%d" % i, blob, seen)


if __name__ == "__main__":
    main()
