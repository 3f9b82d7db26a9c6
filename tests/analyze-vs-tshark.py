#!/usr/bin/env python3
"""Measure `netsift analyze` against tshark's expert flags and tcptrace.

For every capture: per connection (tshark's tcp.stream = netsift's stream) and
per direction, the counts of retransmissions, fast/spurious retransmissions,
duplicate ACKs, zero windows, zero-window probes, out-of-order, lost segments,
ACKed-unseen, keep-alives, window full/updates and packets are compared with
tshark's tcp.analysis.* flags; the initial RTT with tcp.analysis.initial_rtt.
Against `tcptrace -l -r`: data retransmissions, RTT samples and min/avg/max
(tcptrace prints 0.1 ms), zero-window advertisements, packets.

Differences are failures unless tests/analyze-allowlist.txt explains them.
A tool that is missing, times out or exits non-zero is a failure, never an
empty comparison; so is comparing fewer captures or connections than expected.
Usage: analyze-vs-tshark.py [--table] [--expect-min-captures N]
                            [--expect-min-connections N] NETSIFT ALLOWLIST CAPTURE...
"""
import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_diff import SUPPORTED_LINKTYPES, linktypes  # noqa: E402

TIMEOUT = 120

# netsift stats key -> tshark fields whose frames it counts (any of them)
TSHARK_COUNTS = {
    "retransmissions": ["tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
                        "tcp.analysis.spurious_retransmission"],
    "fastRetransmissions": ["tcp.analysis.fast_retransmission"],
    "spuriousRetransmissions": ["tcp.analysis.spurious_retransmission"],
    "duplicateAcks": ["tcp.analysis.duplicate_ack"],
    "zeroWindows": ["tcp.analysis.zero_window"],
    "zeroWindowProbes": ["tcp.analysis.zero_window_probe"],
    "outOfOrder": ["tcp.analysis.out_of_order"],
    "lostSegments": ["tcp.analysis.lost_segment"],
    "ackedUnseen": ["tcp.analysis.ack_lost_segment"],
    "keepAlives": ["tcp.analysis.keep_alive"],
    "windowFull": ["tcp.analysis.window_full"],
    "windowUpdates": ["tcp.analysis.window_update"],
}
# netsift per-packet flag (read --analysis) -> the tshark field it must match
FRAME_FLAGS = {
    "retransmission": "tcp.analysis.retransmission",
    "fast_retransmission": "tcp.analysis.fast_retransmission",
    "spurious_retransmission": "tcp.analysis.spurious_retransmission",
    "out_of_order": "tcp.analysis.out_of_order",
    "lost_segment": "tcp.analysis.lost_segment",
    "ack_lost_segment": "tcp.analysis.ack_lost_segment",
    "duplicate_ack": "tcp.analysis.duplicate_ack",
    "keep_alive": "tcp.analysis.keep_alive",
    "keep_alive_ack": "tcp.analysis.keep_alive_ack",
    "zero_window": "tcp.analysis.zero_window",
    "zero_window_probe": "tcp.analysis.zero_window_probe",
    "zero_window_probe_ack": "tcp.analysis.zero_window_probe_ack",
    "window_full": "tcp.analysis.window_full",
    "window_update": "tcp.analysis.window_update",
    "ports_reused": "tcp.analysis.reused_ports",
}
FLAG_FIELDS = sorted({f for fs in TSHARK_COUNTS.values() for f in fs} | set(FRAME_FLAGS.values()))
BASE_FIELDS = ["frame.number", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
               "tcp.analysis.initial_rtt"]


class ToolError(RuntimeError):
    def __init__(self, msg, rc=None):
        RuntimeError.__init__(self, msg)
        self.rc = rc


class Unreadable(Exception):
    """A tool cannot read this capture's link type, which it does not support:
    a stated, counted skip (of the whole capture for netsift, of the tcptrace
    comparison for tcptrace), never a silent one."""


def run(cmd):
    """stdout of cmd; ToolError if it is missing, times out or exits non-zero."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ToolError("%s: timeout after %ds" % (" ".join(cmd[:2]), TIMEOUT))
    except FileNotFoundError:
        raise ToolError("%s not installed" % cmd[0])
    if p.returncode != 0:
        err = " ".join(l for l in p.stderr.splitlines() if "Running as user" not in l)
        raise ToolError("%s exit %d: %s" % (cmd[0], p.returncode, err[:300]), p.returncode)
    return p.stdout


def netsift_conns(netsift, cap):
    try:
        out = run([netsift, "analyze", "-o", "json", cap])
    except ToolError as e:
        lts = linktypes(cap)
        if "unsupported link type" in str(e) and lts and \
                not any(t in SUPPORTED_LINKTYPES for t in lts):
            raise Unreadable("netsift does not decode link type %s" % lts)
        raise
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def tshark_streams(cap):
    """{stream: {"frames": first frame, "dirs": {(ip, port): counts}, "irtt": s}}"""
    cmd = ["tshark", "-n", "-r", cap, "-Y", "tcp && !icmp && !icmpv6", "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=f"]
    for f in BASE_FIELDS + FLAG_FIELDS:
        cmd += ["-e", f]
    out = run(cmd)
    streams = {"frames": {}}
    for line in out.splitlines():
        v = line.split("\t")
        if len(v) < len(BASE_FIELDS) + len(FLAG_FIELDS) or not v[1]:
            continue
        row = dict(zip(BASE_FIELDS + FLAG_FIELDS, v))
        flags = {k for k, f in FRAME_FLAGS.items() if row[f]}
        # tshark marks a fast or a spurious retransmission as a retransmission
        # too; netsift gives each segment one of the three
        if flags & {"fast_retransmission", "spurious_retransmission"}:
            flags.discard("retransmission")
        streams["frames"][int(row["frame.number"])] = flags
        st = streams.setdefault(int(row["tcp.stream"]),
                                {"first": int(row["frame.number"]), "dirs": {}, "irtt": None})
        src = (row["ip.src"] or row["ipv6.src"], int(row["tcp.srcport"] or 0))
        d = st["dirs"].setdefault(src, dict.fromkeys(list(TSHARK_COUNTS) + ["packets"], 0))
        d["packets"] += 1
        for key, fields in TSHARK_COUNTS.items():
            if any(row[f] for f in fields):
                d[key] += 1
        if row["tcp.analysis.initial_rtt"] and st["irtt"] is None:
            st["irtt"] = float(row["tcp.analysis.initial_rtt"])
    return streams


TCPTRACE_KEYS = {
    "total packets": "packets", "rexmt data pkts": "rexmt", "zero win adv": "zwin",
    "RTT samples": "rttSamples", "RTT min": "rttMin", "RTT max": "rttMax", "RTT avg": "rttAvg",
}


def tcptrace_conns(cap, rules):
    """[(a "ip:port", b "ip:port", {"a": {...}, "b": {...}})] in tcptrace's order."""
    try:
        out = run(["tcptrace", "-l", "-r", "-n", cap])
    except ToolError as e:
        if "did not understand link format" in str(e):
            raise Unreadable("tcptrace does not read link type %s" % linktypes(cap))
        if e.rc is not None and e.rc < 0 and allowed(rules, cap, "*", "*", "crash", "tcptrace"):
            raise Unreadable("tcptrace crashes (signal %d), allow-listed" % -e.rc)
        raise
    conns = []
    for block in re.split(r"\nTCP connection \d+:\n", out)[1:]:
        a = re.search(r"host a:\s+(\S+)", block)
        b = re.search(r"host b:\s+(\S+)", block)
        vals = {"a": {}, "b": {}}
        for line in block.splitlines():
            m = re.match(r"\s+(\S.*?):\s+([\d.]+)(?:\s+(?:ms|bytes|times|pkts|secs|Bps))?\s+(\S.*?):\s+([\d.]+)", line)
            if m and m.group(1) in TCPTRACE_KEYS:
                vals["a"][TCPTRACE_KEYS[m.group(1)]] = float(m.group(2))
                vals["b"][TCPTRACE_KEYS[m.group(3)]] = float(m.group(4))
        if a and b:
            conns.append((a.group(1), b.group(1), vals))
    return conns


def load_allow(path):
    rules = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                parts = line.split()
                if len(parts) == 5:
                    rules.append(parts)
    return rules


def allowed(rules, cap, stream, side, field, tool):
    name = cap.rsplit("/", 1)[-1]
    for r in rules:
        if (fnmatch.fnmatch(name, r[0]) and fnmatch.fnmatch(str(stream), r[1]) and
                fnmatch.fnmatch(side, r[2]) and fnmatch.fnmatch(field, r[3]) and
                fnmatch.fnmatch(tool, r[4])):
            return True
    return False


def ep(e):
    return (e["ip"], e["port"])


def ep_str(e):
    return ("[%s]:%d" if ":" in e["ip"] else "%s:%d") % (e["ip"], e["port"])


def netsift_frames(netsift, cap):
    """{frame: set of flags} from `netsift read --analysis`."""
    out = run([netsift, "read", "--analysis", "-o", "json", "-e", "net_packet_tcp", cap])
    frames = {}
    for line in out.splitlines():
        if '"net_tcp_analysis"' not in line:
            continue
        ev = json.loads(line)
        args = {a["name"]: a["value"] for a in ev["args"]}
        frames[ev["frame"]] = (args["stream"], set(args["flags"]))
    return frames


def compare(netsift, rules, cap, table, notes):
    diffs, unexplained = [], 0
    conns = netsift_conns(netsift, cap)
    ts = tshark_streams(cap)
    # per frame: the event stream's flags against tshark's
    theirs_frames = ts.pop("frames")
    mine_frames = netsift_frames(netsift, cap)
    for fr in sorted(set(theirs_frames) | set(mine_frames)):
        stream, mine = mine_frames.get(fr, ("*", set()))
        theirs = theirs_frames.get(fr, set())
        if mine != theirs:
            diffs.append((stream, "frame %d" % fr, "flags", sorted(theirs), sorted(mine), "tshark"))
    # the event stream and the report must agree on the counts
    for c in conns:
        total = sum(1 for st, fl in mine_frames.values() if st == c["stream"] and
                    fl & {"retransmission", "fast_retransmission", "spurious_retransmission"})
        rep_total = c["initiatorStats"]["retransmissions"] + c["responderStats"]["retransmissions"]
        if total != rep_total:
            diffs.append((c["stream"], "*", "events-vs-report", total, rep_total, "netsift"))
    ns_streams = {c["stream"] for c in conns}
    for s in sorted(set(ts) - ns_streams):
        diffs.append((s, "*", "stream", "present", "absent", "tshark"))
    for c in conns:
        st = ts.get(c["stream"])
        if st is None:
            diffs.append((c["stream"], "*", "stream", "absent", "present", "tshark"))
            continue
        if st["first"] != c["firstFrame"]:
            diffs.append((c["stream"], "*", "firstFrame", st["first"], c["firstFrame"], "tshark"))
        for side in ("initiator", "responder"):
            mine = c[side + "Stats"]
            theirs = st["dirs"].get(ep(c[side]), dict.fromkeys(list(TSHARK_COUNTS) + ["packets"], 0))
            for key in ["packets"] + list(TSHARK_COUNTS):
                if mine[key] != theirs[key]:
                    diffs.append((c["stream"], side, key, theirs[key], mine[key], "tshark"))
            if table:
                print("  %-28s %-20s stream %d %-9s tshark/netsift: rexmt %d/%d dupack %d/%d "
                      "zwin %d/%d zwp %d/%d ooo %d/%d lost %d/%d keepalive %d/%d" % (
                          cap.rsplit("/", 1)[-1], ep_str(c[side]), c["stream"], side,
                          theirs["retransmissions"], mine["retransmissions"],
                          theirs["duplicateAcks"], mine["duplicateAcks"],
                          theirs["zeroWindows"], mine["zeroWindows"],
                          theirs["zeroWindowProbes"], mine["zeroWindowProbes"],
                          theirs["outOfOrder"], mine["outOfOrder"],
                          theirs["lostSegments"], mine["lostSegments"],
                          theirs["keepAlives"], mine["keepAlives"]))
        irtt = c["handshake"]["initialRttUs"]
        if st["irtt"] is not None and (irtt is None or abs(st["irtt"] * 1e6 - irtt) > 1):
            diffs.append((c["stream"], "*", "initialRttUs", round(st["irtt"] * 1e6), irtt, "tshark"))

    try:
        tt = tcptrace_conns(cap, rules)
    except Unreadable as e:
        print("NOTE %s: %s: tshark compared, tcptrace not" % (cap, e))
        tt, notes["tcptrace"] = [], notes.get("tcptrace", 0) + 1
    used = set()
    for c in conns:
        # tcptrace keeps one connection per 4-tuple and port reuse; take the first unused
        for k, (a, b, vals) in enumerate(tt):
            if k in used:
                continue
            sides = None
            if (a, b) == (ep_str(c["initiator"]), ep_str(c["responder"])):
                sides = {"initiator": "a", "responder": "b"}
            elif (b, a) == (ep_str(c["initiator"]), ep_str(c["responder"])):
                sides = {"initiator": "b", "responder": "a"}
            if not sides:
                continue
            used.add(k)
            for side, t in sides.items():
                mine, theirs = c[side + "Stats"], vals[t]
                checks = [("packets", mine["packets"], theirs.get("packets")),
                          ("dataRetransmissions",
                           sum(1 for r in c["retransmittedSegments"] if r["from"] == side and r["len"] > 0
                               for _ in r["transmissions"][1 if r["originalSeen"] else 0:]),
                           theirs.get("rexmt")),
                          ("zeroWindows", mine["zeroWindows"], theirs.get("zwin")),
                          ("rttSamples", mine["rttSamples"], theirs.get("rttSamples"))]
                for key, m, t2 in checks:
                    if t2 is not None and m != t2:
                        diffs.append((c["stream"], side, key, int(t2), m, "tcptrace"))
                for key, tk in (("rttMinUs", "rttMin"), ("rttAvgUs", "rttAvg"), ("rttMaxUs", "rttMax")):
                    if mine[key] is not None and theirs.get("rttSamples"):
                        if abs(mine[key] / 1000.0 - theirs[tk]) > 0.051:
                            diffs.append((c["stream"], side, key, theirs[tk], mine[key] / 1000.0, "tcptrace"))
            break
    for s, side, key, theirs, mine, tool in diffs:
        ok = allowed(rules, cap, s, side, key, tool)
        if not ok:
            unexplained += 1
        print("%s %s stream %s %s %s: %s %s, netsift %s" % (
            "ALLOWED" if ok else "DIFF", cap, s, side, key, tool, theirs, mine))
    return conns, unexplained


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", action="store_true", help="print the per-direction counts")
    ap.add_argument("--expect-min-captures", type=int, default=0, metavar="N",
                    help="fail unless at least N captures were compared")
    ap.add_argument("--expect-min-connections", type=int, default=0, metavar="N",
                    help="fail unless at least N connections were compared")
    ap.add_argument("netsift")
    ap.add_argument("allowlist")
    ap.add_argument("captures", nargs="+")
    opts = ap.parse_args(argv)
    rules = load_allow(opts.allowlist)
    bad = 0
    nconn = ncap = 0
    notes = {}
    for cap in opts.captures:
        try:
            conns, unexplained = compare(opts.netsift, rules, cap, opts.table, notes)
        except Unreadable as e:
            print("SKIP %s: %s" % (cap, e))
            notes["netsift"] = notes.get("netsift", 0) + 1
            continue
        except (RuntimeError, ValueError) as e:
            print("FAIL %s: %s" % (cap, e))
            bad += 1
            continue
        ncap += 1
        nconn += len(conns)
        bad += unexplained
    print("%d captures (%d compared, %d skipped: link type netsift does not decode; "
          "%d without tcptrace: it cannot read them), %d connections, "
          "%d unexplained differences"
          % (len(opts.captures), ncap, notes.get("netsift", 0), notes.get("tcptrace", 0),
             nconn, bad))
    for what, have, want in (("captures", ncap, opts.expect_min_captures),
                             ("connections", nconn, opts.expect_min_connections)):
        if want:
            ok = have >= want
            print("expected at least %d %s: %d%s" % (want, what, have, "" if ok else "  FAIL"))
            bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
