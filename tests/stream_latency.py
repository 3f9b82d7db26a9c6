#!/usr/bin/env python3
"""Pipe latency of `netsift read -`: a slow writer feeds a capture into
netsift's standard input a packet at a time, with pauses, and times each
packet from its write to its event line on netsift's standard output.

  stream_latency.py NETSIFT FORMAT [N] [-- EXTRA ARGS]
FORMAT: pcap, pcapng, pcap-gzip, pcap-zstd, pcap-lz4 (the stream compressed,
flushed after each packet), or pcap-w (netsift read -w - : the pcapng bytes
of each packet must show on stdout, not an event line).
Fails (exit 1) if a packet's output does not arrive within 2 s, i.e. before
the writer goes on, so the first event is seen long before the writer ends.
Prints the latencies (ms): median, 90th percentile, max.
"""
import os, select, struct, subprocess, sys, time, zlib

PAUSE = 0.05     # between packets: the pipe is empty, netsift would wait


def udp_packet(i):
    payload = b"x" * 32
    udp = struct.pack("!HHHH", 40000, 53, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp


def pcap_header():
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)


def pcap_record(i, data):
    return struct.pack("<IIII", 1700000000 + i, 0, len(data), len(data)) + data


def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def pcapng_header():
    return (blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)) +
            blk(1, struct.pack("<HHI", 1, 0, 65535)))


def pcapng_record(i, data):
    ts = (1700000000 + i) * 1000000
    return blk(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), len(data)) + data)


class Compressor:
    def __init__(self, kind):
        self.kind = kind
        if kind == "gzip":
            self.c = zlib.compressobj(6, zlib.DEFLATED, 16 + 15)

    def chunk(self, data):
        """data compressed and flushed: decodable at once"""
        if self.kind == "gzip":
            return self.c.compress(data) + self.c.flush(zlib.Z_SYNC_FLUSH)
        # zstd and lz4: one frame per chunk (concatenated frames are one
        # stream for both), made by their command-line tools
        return subprocess.run([self.kind, "-q", "-c"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout


def main():
    netsift, fmt = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] != "--" else 20
    extra = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    base, _, z = fmt.partition("-")
    wmode = z == "w"
    if wmode:
        z = ""
    comp = Compressor(z) if z else None
    args = [netsift, "read"] + (["-w", "-"] if wmode else ["-o", "json", "-e", "net_packet_udp"])
    p = subprocess.Popen(args + extra + ["-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         bufsize=0)
    out = p.stdout.fileno()
    head = pcapng_header() if base == "pcapng" else pcap_header()

    def send(b):
        p.stdin.write(b)
        p.stdin.flush()

    def encode(b):
        return comp.chunk(b) if comp else b

    def wait_output(pred, timeout=2.0):
        end = time.monotonic() + timeout
        buf = b""
        while time.monotonic() < end:
            r, _, _ = select.select([out], [], [], max(0, end - time.monotonic()))
            if not r:
                break
            chunk = os.read(out, 65536)
            if not chunk:
                break
            buf += chunk
            if pred(buf):
                return buf
        return None

    lat = []
    send(encode(head))
    if wmode:
        # the pcapng header of -w comes at once, before any packet
        if wait_output(lambda b: len(b) >= 28) is None:
            print("FAIL: -w -: no pcapng header on stdout")
            return 1
    for i in range(n):
        rec = pcapng_record(i, udp_packet(i)) if base == "pcapng" else pcap_record(i, udp_packet(i))
        rec = encode(rec)        # before the clock starts
        t0 = time.monotonic()
        send(rec)
        if wmode:
            got = wait_output(lambda b: b"x" * 32 in b)
        else:
            got = wait_output(lambda b: b"\n" in b)
        t1 = time.monotonic()
        if got is None:
            print(f"FAIL: {fmt}: packet {i + 1}: no output within 2 s (the writer is still running)")
            p.kill()
            return 1
        if not wmode and b'"net_packet_udp"' not in got:
            print(f"FAIL: {fmt}: packet {i + 1}: unexpected output {got[:200]!r}")
            p.kill()
            return 1
        lat.append((t1 - t0) * 1000)
        time.sleep(PAUSE)
    if comp and comp.kind == "gzip":
        send(comp.c.flush())     # the end of the gzip stream
    p.stdin.close()
    p.stdout.read()
    rc = p.wait()
    if rc != 0:
        print(f"FAIL: {fmt}: exit status {rc}")
        return 1
    lat.sort()
    print(f"ok: {fmt}: {n} packets through a pipe, write to output: median {lat[len(lat) // 2]:.2f} ms, "
          f"p90 {lat[int(len(lat) * 0.9) - 1]:.2f} ms, max {lat[-1]:.2f} ms")
    return 0


sys.exit(main())
