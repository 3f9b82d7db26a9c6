#!/usr/bin/env python3
"""Endpoints for tests/live.sh: a TCP echo server and client, a UDP flood.

server PORT [--once] [--ready FILE] [--pidfile FILE]
    listen on all addresses (v4+v6), echo what each connection sends, close
    after the peer's FIN. --once: exit after one connection.
client HOST PORT [--count N] [--size B] [--pidfile FILE]
    connect, send N messages of B bytes, read the echo of each, then
    shutdown(SHUT_WR) and read to EOF before close(): the socket is never
    orphaned, so every packet of the connection goes through it.
refused HOST PORT
    connect to a closed port, expect ECONNREFUSED.
udpflood HOST PORT N
    send N small datagrams as fast as possible.
Every mode is bounded by a 10 s socket timeout.
"""
import os
import socket
import sys


def opt(args, name, default=None):
    if name in args:
        i = args.index(name)
        return args[i + 1]
    return default


def write_file(path, text):
    if path:
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.rename(path + ".tmp", path)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise SystemExit("peer closed early")
        buf += d
    return buf


def server(args):
    port = int(args[0])
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(16)
    s.settimeout(10)
    write_file(opt(args, "--pidfile"), "%d\n" % os.getpid())
    write_file(opt(args, "--ready"), "ready\n")
    while True:
        c, _ = s.accept()
        c.settimeout(10)
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
        c.close()
        if "--once" in args:
            break


def client(args):
    host, port = args[0], int(args[1])
    count = int(opt(args, "--count", "3"))
    size = int(opt(args, "--size", "100"))
    write_file(opt(args, "--pidfile"), "%d\n" % os.getpid())
    c = socket.create_connection((host, port), timeout=10)
    for i in range(count):
        msg = bytes([65 + i % 26]) * size
        c.sendall(msg)
        recv_exact(c, size)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()


def refused(args):
    host, port = args[0], int(args[1])
    try:
        socket.create_connection((host, port), timeout=10).close()
    except ConnectionRefusedError:
        return
    raise SystemExit("connection to a closed port was accepted")


def udpflood(args):
    host, port, n = args[0], int(args[1]), int(args[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(n):
        s.sendto(b"x" * 32, (host, port))


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    {"server": server, "client": client, "refused": refused,
     "udpflood": udpflood}[mode](rest)
