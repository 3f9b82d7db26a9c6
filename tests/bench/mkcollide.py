#!/usr/bin/env python3
"""Write a synthetic capture of short IPv6 TCP connections (SYN, SYN+ACK, ACK,
request, response, FIN/ACK both ways, last ACK: 8 packets each, starting every
10 us and open for 1 ms) for the hash-flooding bench.

  mkcollide.py collide N OUT.pcap   half the connections collide, all 64 bits,
                                    under the flow table's former fixed hash,
                                    the other half under analyze's former hash
  mkcollide.py normal N OUT.pcap    the same traffic with random client addresses

The former hashes (netsift before issue 16: murmur3 fmix64 word mixing under a
fixed seed) are invertible, so a colliding key is solved for, not searched:
every one of these connections landed in one chain and each lookup walked all
of them. The keyed hash (src/nshash.h) spreads both captures alike."""
import random, struct, sys

MASK = (1 << 64) - 1
GOLD = 0x9e3779b97f4a7c15
SEED = 0x6e65747369667431          # the former NS_HASH_DEFAULT_SEED
M_ROT = 0xbf58476d1ce4e5b9
F1, F2 = 0xff51afd7ed558ccd, 0xc4ceb9fe1a85ec53


def fmix(h):
    h ^= h >> 33
    h = h * F1 & MASK
    h ^= h >> 33
    h = h * F2 & MASK
    return h ^ (h >> 33)


def fmix_inv(h):
    h ^= h >> 33                     # x ^= x >> 33 is its own inverse
    h = h * pow(F2, -1, 1 << 64) & MASK
    h ^= h >> 33
    h = h * pow(F1, -1, 1 << 64) & MASK
    return h ^ (h >> 33)


def rotl(x, r):
    return (x << r | x >> (64 - r)) & MASK


def rotr(x, r):
    return rotl(x, 64 - r)


M_ROT_INV = pow(M_ROT, -1, 1 << 64)


def flow_step(h, i, w):
    h ^= fmix((w + i * GOLD) & MASK)
    return rotl(h, 29) * M_ROT & MASK


def flow_unstep(h_after, i, w):
    return rotr(h_after * M_ROT_INV & MASK, 29) ^ fmix((w + i * GOLD) & MASK)


def le_words(b):
    return list(struct.unpack("<%dQ" % (len(b) // 8), b))


SERVER = bytes.fromhex("fd000000000000000000000000000001")
SPORT = 80
FLOW_TARGET = 0x0123456789abcdef      # pre-finalizer state all flow keys share
AN_TARGET = 0x0fedcba987654321        # endpoint hash all analyze clients share


def flow_client(rng):
    """A client (address, port) whose flow key collides with every other's.
    Key: a[0] = server (smaller), a[1] = client, ports word, tunnel 0."""
    port = rng.randrange(1024, 65536)
    hi = bytes.fromhex("fd01") + rng.randbytes(6)
    w = le_words(SERVER) + le_words(hi + bytes(8))
    w4 = SPORT | port << 16 | 6 << 32
    h = SEED ^ (48 * GOLD & MASK)
    for i in range(3):
        h = flow_step(h, i + 1, w[i])
    need = flow_unstep(flow_unstep(FLOW_TARGET, 6, 0), 5, w4)   # state after word 4
    x = rotr(need * M_ROT_INV & MASK, 29) ^ h                   # = fmix(w3 + 4*GOLD)
    lo = (fmix_inv(x) - 4 * GOLD) & MASK
    return hi + struct.pack("<Q", lo), port


def an_client(rng):
    """A client whose analyze endpoint hash is AN_TARGET."""
    port = rng.randrange(1024, 65536)
    hi = bytes.fromhex("fd02") + rng.randbytes(6)
    w0 = le_words(hi)[0]
    inner = fmix(w0 ^ (port << 32 | port) ^ SEED)
    w1 = fmix_inv(AN_TARGET) ^ inner ^ GOLD
    return hi + struct.pack("<Q", w1), port


def random_client(rng, i):
    pfx = bytes.fromhex("fd01" if i % 2 == 0 else "fd02")
    return pfx + rng.randbytes(14), rng.randrange(1024, 65536)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def packet(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = src + dst + struct.pack("!I3xB", len(tcp), 6)
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(tcp), 6, 64) + src + dst
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x86\xdd"
    return eth + ip6 + tcp


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def connection(c, cport, t0):
    s = SERVER
    ci, si = 1000, 5000
    req, rsp = b"GET / HTTP/1.0\r\n\r\n", b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 40
    return [
        (t0, packet(c, s, cport, SPORT, ci, 0, SYN)),
        (t0 + 100e-6, packet(s, c, SPORT, cport, si, ci + 1, SYN | ACK)),
        (t0 + 200e-6, packet(c, s, cport, SPORT, ci + 1, si + 1, ACK)),
        (t0 + 300e-6, packet(c, s, cport, SPORT, ci + 1, si + 1, PSH | ACK, req)),
        (t0 + 500e-6, packet(s, c, SPORT, cport, si + 1, ci + 1 + len(req), PSH | ACK, rsp)),
        (t0 + 600e-6, packet(s, c, SPORT, cport, si + 1 + len(rsp), ci + 1 + len(req), FIN | ACK)),
        (t0 + 800e-6, packet(c, s, cport, SPORT, ci + 1 + len(req), si + 2 + len(rsp), FIN | ACK)),
        (t0 + 1000e-6, packet(s, c, SPORT, cport, si + 2 + len(rsp), ci + 2 + len(req), ACK)),
    ]


def main():
    mode, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(16)
    pkts = []
    seen = set()
    for i in range(n):
        while True:
            if mode == "collide":
                c, p = flow_client(rng) if i % 2 == 0 else an_client(rng)
            else:
                c, p = random_client(rng, i)
            if (c, p) not in seen:
                seen.add((c, p))
                break
        pkts += connection(c, p, 1.0 + i * 10e-6)
    pkts.sort(key=lambda x: x[0])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, b in pkts:
            us = round(t * 1e6)
            f.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(b), len(b)) + b)


if __name__ == "__main__":
    main()
