#!/usr/bin/env python3
"""No false alarms: no diagnosis on a healthy connection (tests/analyze-diagnose.sh).

A connection is healthy when tshark (the oracle) shows, over all its packets,
no tcp.analysis.* expert flag (retransmission, duplicate ACK, zero window,
lost or out-of-order segment, ...), no RST, and a SYN answered by a SYN-ACK.
For every capture given, each healthy tshark tcp.stream must get an empty
"diagnoses" array from `netsift analyze -o json` (its stream numbers are
tshark's). Captures tshark or netsift cannot read, and connections inside
tunnels (stream numbers may differ), are counted and skipped. tshark runs only
on captures where netsift diagnosed something (elsewhere nothing can be a
false alarm).

ALLOW lists diagnoses on tshark-healthy connections that are right: a slow
application is invisible to tshark's expert info.

usage: analyze-diagnose.py NETSIFT CAPTURE...
prints one line per false alarm and a summary; exit 1 on any false alarm.
"""
import json
import os
import subprocess
import sys

# (capture file name, stream, kind): reason
ALLOW = {
    ("dx-slow-app.pcap", 0, "slow_application"):
        "the fixture's server sleeps 2 s before answering (mk-dx-slow-app.sh)",
    ("ssh_ed25519.pcap", 0, "slow_application"):
        "the SSH server answers frame 22 2.8 s after its kernel ACKed it",
}


def tshark_streams(cap):
    try:
        out = subprocess.run(
            ["tshark", "-n", "-r", cap, "-Y", "tcp", "-T", "fields", "-E", "separator=|",
             "-e", "tcp.stream", "-e", "tcp.flags", "-e", "tcp.analysis.flags"],
            capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        return None
    st = {}
    for line in out.stdout.splitlines():
        f = line.split("|")
        if len(f) < 3 or not f[0]:
            continue
        sid = int(f[0].split(",")[0])
        flags = int(f[1].split(",")[0], 16) if f[1] else 0
        s = st.setdefault(sid, {"bad": False, "syn": False, "synack": False})
        if f[2] or flags & 0x04:
            s["bad"] = True
        if flags & 0x12 == 0x02:
            s["syn"] = True
        if flags & 0x12 == 0x12:
            s["synack"] = True
    return {k: v for k, v in st.items() if not v["bad"] and (not v["syn"] or v["synack"])}


def main():
    netsift, caps = sys.argv[1], sys.argv[2:]
    alarms = healthy = skipped = 0
    diagnosed = 0
    for cap in caps:
        r = subprocess.run([netsift, "analyze", "-o", "json", cap], capture_output=True,
                           text=True, timeout=120, check=False)
        if r.returncode != 0:
            skipped += 1
            continue
        conns = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
        if not any(c.get("diagnoses") for c in conns):
            continue
        diagnosed += 1
        ok = tshark_streams(cap)
        if ok is None:
            skipped += 1
            continue
        for c in conns:
            if c.get("stream") not in ok or "encap" in c:
                continue
            healthy += 1
            for d in c.get("diagnoses", []):
                if (os.path.basename(cap), c["stream"], d["kind"]) in ALLOW:
                    continue
                alarms += 1
                print("FALSE ALARM %s stream %d: %s: %s" % (cap, c["stream"], d["kind"], d["text"]))
    print("analyze-diagnose: %d captures, %d with diagnoses checked with tshark: %d healthy "
          "connections there, %d false alarms, %d captures skipped"
          % (len(caps), diagnosed, healthy, alarms, skipped))
    return 1 if alarms else 0


if __name__ == "__main__":
    sys.exit(main())
