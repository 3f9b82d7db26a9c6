#!/usr/bin/env python3
"""Endpoints for tests/live.sh: a TCP echo server and client, a UDP flood.

server PORT [--once] [--ready FILE] [--pidfile FILE] [--close-after B]
       [--close-delay S] [--exit-delay S] [--eof-delay S]
    listen on all addresses (v4+v6), echo what each connection sends, close
    after the peer's FIN. --once: exit after one connection. --close-after:
    close() as soon as B bytes were echoed (S seconds later with
    --close-delay), without waiting for the peer: the server closes first and
    its socket ends in TIME_WAIT. --exit-delay: stay S seconds before exiting
    (the connection's last packets come after the close). --eof-delay: wait
    S seconds between the peer's FIN and close(), so that the FIN is
    acknowledged alone (not together with ours).
client HOST PORT [--count N] [--size B] [--pidfile FILE] [--close | --wait-eof]
       [--exit-delay S] [--eof-delay S]
    connect, send N messages of B bytes, read the echo of each, then
    shutdown(SHUT_WR) and read to EOF before close(): the socket is never
    orphaned, so every packet of the connection goes through it.
    --close: close() right after the last echo (the client closes first; its
    socket becomes a TIME_WAIT socket that gets the server's FIN).
    --wait-eof: read to EOF first, then close (the server closes first),
    --eof-delay S seconds later.
refused HOST PORT
    connect to a closed port, expect ECONNREFUSED.
udpflood HOST PORT N [SIZE]
    send N datagrams of SIZE bytes (default 32) as fast as possible.
Every mode is bounded by a 10 s socket timeout.
"""
import os
import socket
import sys
import time


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
        limit = int(opt(args, "--close-after", "0"))
        done = 0
        while True:
            if limit and done >= limit:
                time.sleep(float(opt(args, "--close-delay", "0")))
                break
            d = c.recv(65536)
            if not d:
                time.sleep(float(opt(args, "--eof-delay", "0")))
                break
            c.sendall(d)
            done += len(d)
        c.close()
        if "--once" in args:
            time.sleep(float(opt(args, "--exit-delay", "0")))
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
    if "--wait-eof" in args:
        while c.recv(65536):
            pass
        time.sleep(float(opt(args, "--eof-delay", "0")))
    elif "--close" not in args:
        c.shutdown(socket.SHUT_WR)
        while c.recv(65536):
            pass
    c.close()
    time.sleep(float(opt(args, "--exit-delay", "0")))


def refused(args):
    host, port = args[0], int(args[1])
    try:
        socket.create_connection((host, port), timeout=10).close()
    except ConnectionRefusedError:
        return
    raise SystemExit("connection to a closed port was accepted")


def udpflood(args):
    host, port, n = args[0], int(args[1]), int(args[2])
    size = int(args[3]) if len(args) > 3 else 32
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(n):
        s.sendto(b"x" * size, (host, port))


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    {"server": server, "client": client, "refused": refused,
     "udpflood": udpflood}[mode](rest)
