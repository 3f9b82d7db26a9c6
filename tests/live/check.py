#!/usr/bin/env python3
"""Checks on netsift JSON event streams for tests/live.sh.

attrib FILE PID COMM [EVENT,...]
    every event (of the given names, default all) has processId PID (or any
    single pid if PID is "any") and processName COMM; there is at least one.
same FILE_A FILE_B
    the two streams describe the same packets with the same header fields:
    events compared without time, frame, process, iface, direction and the
    TCP/UDP checksum (the kernel fills those in after the egress hook runs
    when the device offloads them), as multisets.
kernel-rst FILE
    a RST sent by the kernel (egress) is labelled processId 0, "[kernel]".
icmp FILE COMM EVENT
    echo requests (egress) and echo replies (ingress) are all there and
    attributed to one process named COMM.
count FILE EVENT MIN
    at least MIN events named EVENT.
"""
import collections
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def arg(ev, name):
    for a in ev["args"]:
        if a["name"] == name:
            return a["value"]
    return None


def fail(msg):
    print("check: FAIL: " + msg)
    sys.exit(1)


def attrib(path, pid, comm, names=None):
    evs = load(path)
    if names:
        evs = [e for e in evs if e["eventName"] in names.split(",")]
    if not evs:
        fail("%s: no events" % path)
    pids = set()
    for e in evs:
        if e["processName"] != comm:
            fail("%s: frame %d attributed to %r (pid %d), not %r: %s" % (
                path, e["frame"], e["processName"], e["processId"], comm,
                json.dumps(arg(e, "metadata"))))
        pids.add(e["processId"])
    if pid == "any":
        if len(pids) != 1 or 0 in pids:
            fail("%s: pids %s, want one non-zero pid" % (path, sorted(pids)))
    elif pids != {int(pid)}:
        fail("%s: pids %s, want %s" % (path, sorted(pids), pid))
    print("check: %s: %d events, all %s pid %s" % (path, len(evs), comm, sorted(pids)))


def norm(ev):
    e = dict(ev)
    for k in ("timestamp", "frame", "processId", "threadId", "processName",
              "cgroupId", "userId"):
        e.pop(k, None)
    args = []
    for a in e["args"]:
        a = dict(a)
        if a["name"] == "durationNs":
            # time between packets, like the timestamps: the two capture
            # points (cgroup hook, tcpdump on the veth) see them microseconds apart
            a["value"] = None
        if isinstance(a["value"], dict):
            v = dict(a["value"])
            if a["name"] == "metadata":
                v.pop("iface", None)
                v.pop("direction", None)
            if a["name"] in ("proto_tcp", "proto_udp"):
                v.pop("checksum", None)
            a["value"] = v
        args.append(a)
    e["args"] = args
    return json.dumps(e, sort_keys=True)


def same(pa, pb):
    a = collections.Counter(norm(e) for e in load(pa))
    b = collections.Counter(norm(e) for e in load(pb))
    if not a:
        fail("%s: no events" % pa)
    if a != b:
        only_a = list((a - b).elements())
        only_b = list((b - a).elements())
        fail("%d events only in %s, %d only in %s; first: %s | %s" % (
            len(only_a), pa, len(only_b), pb,
            only_a[:1], only_b[:1]))
    print("check: %s and %s: the same %d events" % (pa, pb, sum(a.values())))


def kernel_rst(path):
    n = 0
    for e in load(path):
        t = arg(e, "proto_tcp")
        md = arg(e, "metadata")
        if not t or not t["RST"] or md["direction"] != "egress":
            continue
        if e["processId"] != 0 or e["processName"] != "[kernel]":
            fail("%s: kernel RST attributed to %r pid %d" % (
                path, e["processName"], e["processId"]))
        n += 1
    if not n:
        fail("%s: no egress RST seen" % path)
    print("check: %s: %d kernel RST, labelled [kernel]" % (path, n))


def icmp(path, comm, name):
    evs = [e for e in load(path) if e["eventName"] == name]
    key = "proto_icmp" if name == "net_packet_icmp" else "proto_icmpv6"
    req = [e for e in evs if arg(e, key)["typeCode"] == "EchoRequest"]
    rep = [e for e in evs if arg(e, key)["typeCode"] == "EchoReply"]
    if not req or not rep:
        fail("%s: %d echo requests, %d replies" % (path, len(req), len(rep)))
    pids = set()
    for e in req + rep:
        want = "egress" if e in req else "ingress"
        if arg(e, "metadata")["direction"] != want:
            fail("%s: frame %d direction %s" % (path, e["frame"],
                                               arg(e, "metadata")["direction"]))
        if e["processName"] != comm or e["processId"] == 0:
            fail("%s: echo frame %d attributed to %r pid %d" % (
                path, e["frame"], e["processName"], e["processId"]))
        pids.add(e["processId"])
    if len(pids) != 1:
        fail("%s: echo spread over pids %s" % (path, sorted(pids)))
    print("check: %s: %d requests, %d replies, all %s pid %s" % (
        path, len(req), len(rep), comm, pids.pop()))


def count(path, name, least):
    n = sum(1 for e in load(path) if e["eventName"] == name)
    if n < int(least):
        fail("%s: %d %s events, want at least %s" % (path, n, name, least))
    print("check: %s: %d %s events" % (path, n, name))


if __name__ == "__main__":
    cmd, rest = sys.argv[1], sys.argv[2:]
    {"attrib": attrib, "same": same, "kernel-rst": kernel_rst, "icmp": icmp,
     "count": count}[cmd](*rest)
