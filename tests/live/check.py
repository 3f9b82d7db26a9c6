#!/usr/bin/env python3
"""Checks on netsift JSON event streams for tests/live.sh.

attrib FILE PID COMM [EVENT,...]
    every event (of the given names, default all) has processId PID (or any
    single pid if PID is "any") and processName COMM; there is at least one.
same FILE_A FILE_B [IFACE]
    the two streams describe the same packets with the same header fields
    and the same direction (FILE_A: the live events; FILE_B: `netsift read
    --local` of a capture of the same traffic, whose direction comes from the
    addresses: egress for the traced side's packets): events compared without
    time, frame, process and the TCP/UDP checksum (the kernel fills those in
    after the egress hook runs when the device offloads them), as multisets
    keyed with direction and interface (the interface where both streams know
    it), and in the same order within each direction (the ring merge orders
    the live events by time; only packets of opposite directions may be seen
    in another order by the two capture points). Every event of FILE_A has a
    direction, and the interface IFACE if given.
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


def norm(ev, keep_iface=True):
    e = dict(ev)
    # the process and its context (netsift-events(7)): a capture by tcpdump
    # has none; tests/live-ctx.sh checks the context
    for k in ("timestamp", "frame", "processId", "threadId", "processName",
              "cgroupId", "userId", "parentProcessId", "nsProcessId", "nsThreadId",
              "nsParentProcessId", "pidNamespace", "mountNamespace", "executable",
              "cgroupPath", "containerId", "containerRuntime"):
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
            if a["name"] == "metadata" and not keep_iface:
                v.pop("iface", None)
            if a["name"] in ("proto_tcp", "proto_udp"):
                v.pop("checksum", None)
            a["value"] = v
        args.append(a)
    e["args"] = args
    return json.dumps(e, sort_keys=True)


def md(ev):
    """metadata of a packet event; flow and DNS summaries have none"""
    return arg(ev, "metadata") or {}


def direction(ev):
    return md(ev).get("direction")


def same(pa, pb, iface=None):
    ea, eb = load(pa), load(pb)
    if not ea:
        fail("%s: no events" % pa)
    for e in ea:
        if not md(e):
            continue
        if direction(e) not in ("ingress", "egress"):
            fail("%s: frame %d: direction %r" % (pa, e["frame"], direction(e)))
        if iface is not None and md(e)["iface"] != iface:
            fail("%s: frame %d: iface %r, want %r" % (
                pa, e["frame"], md(e)["iface"], iface))
    # the interface counts where both sides name one (a pcap from tcpdump
    # names none)
    both = all(md(e)["iface"] for e in ea + eb if md(e))
    a = collections.Counter(norm(e, both) for e in ea)
    b = collections.Counter(norm(e, both) for e in eb)
    if a != b:
        only_a = list((a - b).elements())
        only_b = list((b - a).elements())
        fail("%d events only in %s, %d only in %s; first: %s | %s" % (
            len(only_a), pa, len(only_b), pb,
            only_a[:1], only_b[:1]))
    for d in ("egress", "ingress"):
        sa = [norm(e, both) for e in ea if direction(e) == d]
        sb = [norm(e, both) for e in eb if direction(e) == d]
        for i, (x, y) in enumerate(zip(sa, sb)):
            if x != y:
                fail("%s events in another order: #%d of %s: %s | %s" % (
                    d, i + 1, d, x, y))
    print("check: %s and %s: the same %d events (%d egress, %d ingress)%s" % (
        pa, pb, sum(a.values()),
        sum(1 for e in ea if direction(e) == "egress"),
        sum(1 for e in ea if direction(e) == "ingress"),
        ", iface " + iface if iface else ""))


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
