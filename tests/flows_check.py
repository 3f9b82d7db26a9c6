#!/usr/bin/env python3
"""Cross-check netsift's TCP flow events against tshark, capture by capture.

For every TCP conversation tshark finds (tcp.stream), the expected events are
derived independently from the packets' flags, with netsift's documented rules:
  - begin: at the SYN+ACK; if it was not captured, at the first later packet
    after the SYN; with no SYN at all, at the first packet that is not a RST
    (midstream). A SYN answered by RST, or never answered: no events.
  - src of begin = the SYN's sender (or the SYN+ACK's receiver).
  - end: at the first FIN or RST at or after begin; reason fin/rst,
    terminatedBy = initiator/responder; none seen: capture_end.
Then netsift's events (JSON, -e net_flow_tcp_begin,net_flow_tcp_end) are
matched by 4-tuple and begin frame, and every difference is printed.

Usage: flows_check.py NETSIFT FILE...   (exit 1 if any capture differs)
Options must come before the files: --quiet, --timeout S (passed as --flow-timeout).
"""
import collections
import json
import subprocess
import sys

FIELDS = ["frame.number", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
          "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
          "tcp.flags.fin", "tcp.flags.reset", "frame.time_epoch", "frame.protocols",
          "tcp.seq_raw"]
# tshark's ids of the tunnels that separate connections (netsift-events(7)):
# tshark keys tcp.stream on the inner 4-tuple alone, so for a packet in such a
# tunnel the checker forms the streams itself (below).
TUNNEL_FIELDS = ["vxlan.vni", "geneve.vni", "gre.key", "pppoe.session_id", "ieee8021ah.isid",
                 "erspan.spanid"]


def truthy(v):
    return v in ("1", "True", "true")


def tshark_packets(path):
    cmd = ["tshark", "-n", "-r", path, "-Y", "tcp && !icmp && !icmpv6", "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=l"]
    for f in FIELDS + TUNNEL_FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        # An oracle that fails is a failed test, never an empty comparison.
        sys.exit("flows_check: tshark failed on %s (exit %d): %s" %
                 (path, r.returncode, r.stderr.strip()[:300]))
    out = r.stdout
    pkts = []
    own = {}   # (4-tuple, tunnel ids) -> [stream number, ISN of its SYN]
    nstreams = 1 << 30
    for line in out.splitlines():
        v = line.split("\t")
        if len(v) < len(FIELDS) or not v[1] or not v[4]:
            continue
        # A tunnelled packet has several IP layers: its connection is the
        # innermost one's (the last ip/ipv6 in the protocol stack).
        stack = v[13].split(":") if len(v) > 13 else []
        v6 = next((x for x in reversed(stack) if x in ("ip", "ipv6")), "ip") == "ipv6"
        src = (v[3] or v[2]) if v6 else (v[2] or v[3])
        dst = (v[6] or v[5]) if v6 else (v[5] or v[6])
        stream = int(v[1])
        tun = tuple(v[len(FIELDS):len(FIELDS) + len(TUNNEL_FIELDS)])
        if any(tun):
            # A new SYN (another ISN) on the tuple starts a new stream, as
            # tshark does; the tunnel ids keep tenants apart.
            k = (frozenset([(src, v[4]), (dst, v[7])]), tun)
            syn_isn = v[14] if truthy(v[8]) and not truthy(v[9]) else None
            if k not in own or (syn_isn is not None and own[k][1] not in (None, syn_isn)):
                nstreams += 1
                own[k] = [nstreams, syn_isn]
            elif syn_isn is not None:
                own[k][1] = syn_isn
            stream = own[k][0]
        pkts.append(dict(frame=int(v[0]), stream=stream, src=(src, int(v[4])),
                         dst=(dst, int(v[7])), syn=truthy(v[8]), ack=truthy(v[9]),
                         fin=truthy(v[10]), rst=truthy(v[11]), ts=float(v[12] or 0)))
    return pkts


def expected_flows(pkts):
    """Expected (begin, end) per tshark stream, by netsift's rules."""
    by_stream = collections.OrderedDict()
    for p in pkts:
        by_stream.setdefault(p["stream"], []).append(p)
    flows = []
    for sid, ps in by_stream.items():
        ini = None
        begin = None
        midstream = False
        syn_seen = False
        for p in ps:
            if p["syn"] and not p["ack"] and not syn_seen:
                syn_seen = True
                ini = p["src"]
                continue
            if syn_seen:
                if p["rst"]:
                    break          # refused / aborted handshake: no events
                if p["syn"] and not p["ack"]:
                    continue       # retransmission or simultaneous open
                begin = p
                break
            if p["rst"]:
                continue           # lone RST (even with SYN+ACK set): no connection
            if p["syn"] and p["ack"]:
                ini = p["dst"]
                begin = p
                break
            begin = p
            midstream = True
            ini = None
            break
        if begin is None:
            continue
        end = None
        for p in ps:
            if p["frame"] < begin["frame"]:
                continue
            if p["fin"] or p["rst"]:
                end = p
                break
        flows.append(dict(stream=sid, ini=ini, begin=begin, end=end, midstream=midstream,
                          tuple=frozenset([begin["src"], begin["dst"]])))
    return flows


def netsift_events(netsift, path, extra):
    cmd = [netsift, "read", "-o", "json", "-e", "net_flow_tcp_begin,net_flow_tcp_end"] + extra + [path]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout
    evs = []
    for line in out.splitlines():
        e = json.loads(line)
        a = {x["name"]: x["value"] for x in e["args"]}
        a["event"] = e["eventName"]
        a["frame"] = e["frame"]
        evs.append(a)
    return evs


# The encap ids that name a tunnel in both directions (see ns_encap_key).
TUNNEL_IDS = ("vni", "key", "session", "isid")


def ep(ip, port):
    return (ip, int(port))


def check(netsift, path, extra, quiet):
    pkts = tshark_packets(path)
    exp = expected_flows(pkts)
    evs = netsift_events(netsift, path, extra)
    begins = [e for e in evs if e["event"] == "net_flow_tcp_begin"]
    ends = [e for e in evs if e["event"] == "net_flow_tcp_end"]
    problems = []
    # pair netsift's events: each end belongs to the latest open begin of its tuple
    open_by_tuple = {}
    pairs = []
    for e in evs:
        # Flows in different tunnels (VNIs, GRE keys, ...) are apart even
        # with one 4-tuple, as netsift keys them (netsift-events(7)).
        tun = tuple((x.get("type"), tuple(x.get(k) for k in TUNNEL_IDS))
                    for x in e.get("encap") or [])
        t = (frozenset([ep(e["srcIP"], e["srcPort"]), ep(e["dstIP"], e["dstPort"])]), tun)
        if e["event"] == "net_flow_tcp_begin":
            if t in open_by_tuple:
                problems.append("second begin without end at frame %d" % e["frame"])
            open_by_tuple[t] = len(pairs)
            pairs.append([e, None])
        else:
            i = open_by_tuple.pop(t, None)
            if i is None:
                problems.append("end without begin at frame %d" % e["frame"])
            else:
                pairs[i][1] = e
    for t in open_by_tuple:
        problems.append("begin without end: %s" % sorted(t))
    by_begin = {(frozenset([ep(b["srcIP"], b["srcPort"]), ep(b["dstIP"], b["dstPort"])]),
                 b["frame"]): (b, e) for b, e in pairs}
    matched = 0
    for f in exp:
        key = (f["tuple"], f["begin"]["frame"])
        got = by_begin.pop(key, None)
        where = "stream %d (%s:%d <-> %s:%d)" % (f["stream"], *f["begin"]["src"], *f["begin"]["dst"])
        if got is None:
            problems.append("%s: no begin at frame %d" % (where, f["begin"]["frame"]))
            continue
        b, e = got
        matched += 1
        if f["ini"] is not None and ep(b["srcIP"], b["srcPort"]) != f["ini"]:
            problems.append("%s: begin src %s:%s, initiator is %s" % (where, b["srcIP"], b["srcPort"], f["ini"]))
        if b["midstream"] != f["midstream"]:
            problems.append("%s: midstream %s, expected %s" % (where, b["midstream"], f["midstream"]))
        if e is None:
            continue
        ini = ep(b["srcIP"], b["srcPort"])
        if f["end"] is not None:
            x = f["end"]
            reason = "rst" if x["rst"] else "fin"
            by = "initiator" if x["src"] == ini else "responder"
            if e["frame"] != x["frame"] or e["reason"] != reason or e["terminatedBy"] != by:
                problems.append("%s: end frame %d %s by %s, expected frame %d %s by %s" %
                                (where, e["frame"], e["reason"], e["terminatedBy"],
                                 x["frame"], reason, by))
            if ep(e["srcIP"], e["srcPort"]) != x["src"]:
                problems.append("%s: end src %s:%s, FIN/RST sender %s" % (where, e["srcIP"], e["srcPort"], x["src"]))
        elif e["reason"] not in ("capture_end", "idle_timeout", "port_reuse"):
            problems.append("%s: end %s at %d, expected capture_end" % (where, e["reason"], e["frame"]))
    for (t, fr), (b, e) in by_begin.items():
        problems.append("extra begin at frame %d (%s)" % (fr, sorted(t)))
    status = "OK " if not problems else "BAD"
    if not quiet or problems:
        print("%s %s: tshark streams=%d expected flows=%d begins=%d ends=%d matched=%d" %
              (status, path, len(set(p["stream"] for p in pkts)), len(exp), len(begins),
               len(ends), matched))
        for p in problems[:20]:
            print("    " + p)
        if len(problems) > 20:
            print("    ... %d more" % (len(problems) - 20))
    return not problems, len(exp), matched


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    netsift = argv[1]
    args = argv[2:]
    quiet = False
    extra = []
    while args and args[0].startswith("--"):
        if args[0] == "--quiet":
            quiet = True
            args = args[1:]
        elif args[0] == "--timeout":
            extra += ["--flow-timeout", args[1]]
            args = args[2:]
        else:
            print("unknown option " + args[0])
            return 2
    ok = True
    tot_exp = tot_match = 0
    for path in args:
        good, n, m = check(netsift, path, extra, quiet)
        ok = ok and good
        tot_exp += n
        tot_match += m
    print("flows_check: %d captures, %d expected flows, %d matched, %s" %
          (len(args), tot_exp, tot_match, "all OK" if ok else "DIFFERENCES"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
