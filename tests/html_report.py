#!/usr/bin/env python3
"""Render netsift's HTML reports in real headless Chromium and check them.

Usage: html_report.py --chromium PATH --outdir DIR REPORT.html:ANALYSIS.json[:TOP] ...
(ANALYSIS.json: `netsift analyze -o json` of the same capture, or - to only
load the page; TOP: the --report-top of the report, default 10)

For each report: load it (file://) in one Chromium driven over the DevTools
protocol on a pipe (--remote-debugging-pipe: fd 3 commands, fd 4 replies,
NUL-terminated JSON; Python standard library only, nothing downloaded), with
every request other than the page itself blocked and counted (Fetch domain)
and every console message, log entry and exception collected. Then:
  - no console errors or exceptions, no blocked request, and no http(s) URL
    anywhere in the file (nothing that could be fetched);
  - one time-sequence graph (svg.tseq) per selected connection: every
    connection with problems (the analysis's "problems": true) plus the TOP
    largest others by payload bytes;
  - in each graph as many retransmission marks (.retrans) as the analysis
    counted (retransmissions of both sides, fast and spurious included);
  - zero-window bands (.zw) in each graph: as many as the episodes of the
    receiving side in the verdict ("... in N episodes");
  - a screenshot of the first graph section (<report>.png) and of the top of
    the page (<report>-top.png) in DIR.
Exit 0 when all hold, 1 otherwise (each failure printed).
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


class Chrome:
    def __init__(self, path):
        self.prof = tempfile.mkdtemp(prefix="netsift-chromium-")
        c_r, self.to_c = os.pipe()      # commands: we write, Chromium reads fd 3
        self.from_c, c_w = os.pipe()    # replies: Chromium writes fd 4
        args = [path, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--user-data-dir=" + self.prof,
                "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--mute-audio",
                "--disable-dev-shm-usage", "about:blank"]

        def fds():
            os.dup2(c_r, 3)
            os.dup2(c_w, 4)
        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(c_r)
        os.close(c_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.page_url = None      # the one request let through
        self.blocked = []

    def _send(self, method, params, session):
        self.next_id += 1
        m = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self.to_c, json.dumps(m).encode() + b"\0")
        return self.next_id

    def _event(self, e):
        """A paused request is answered at once (the page waits for it):
        the report itself goes on, anything else fails and is counted."""
        if e.get("method") == "Fetch.requestPaused":
            p = e["params"]
            if p["request"]["url"] == self.page_url:
                self._send("Fetch.continueRequest", {"requestId": p["requestId"]}, e.get("sessionId"))
            else:
                self.blocked.append(p["request"]["url"])
                self._send("Fetch.failRequest", {"requestId": p["requestId"],
                           "errorReason": "BlockedByClient"}, e.get("sessionId"))
            return
        if "method" in e:
            self.events.append(e)

    def _read_msg(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no reply from Chromium")
            chunk = os.read(self.from_c, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def cmd(self, method, params=None, session=None, timeout=30):
        want = self._send(method, params, session)
        deadline = time.time() + timeout
        while True:
            r = self._read_msg(deadline)
            if r.get("id") == want:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (method, r["error"]))
                return r.get("result", {})
            self._event(r)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                del self.events[i]
                return e
        while True:
            e = self._read_msg(deadline)
            if e.get("method") == method:
                return e
            self._event(e)

    def close(self):
        try:
            self.cmd("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        subprocess.run(["rm", "-rf", self.prof])


def expected(conns, top):
    probs = {c["stream"] for c in conns if c["problems"]}
    others = [c for c in conns if not c["problems"]]
    return probs, others


def payload(c):
    return c["initiatorStats"]["payloadBytes"] + c["responderStats"]["payloadBytes"]


def episodes(verdict, side_words):
    m = re.search(r"The (%s) advertised a zero window \d+ times? in (\d+) episodes?" %
                  "|".join(side_words), verdict)
    return int(m.group(2)) if m else 0


DOM_JS = r"""
(function(){
  var out=[];
  document.querySelectorAll('svg.tseq').forEach(function(s){
    out.push({stream:Number(s.dataset.stream), file:Number(s.dataset.file||0),
      sender:s.dataset.sender, retrans:s.querySelectorAll('.retrans').length,
      zw:s.querySelectorAll('rect.zw:not(.key)').length,
      titles:s.querySelectorAll('title').length});
  });
  var sec=document.querySelector('section.conn'), r=sec?sec.getBoundingClientRect():null;
  var cids=[];
  document.querySelectorAll('#conns tbody tr').forEach(function(tr){
    var c=tr.querySelector('td.cid');
    cids.push(c?c.textContent:'(no cell)');
  });
  return JSON.stringify({graphs:out, cids:cids, rows:document.querySelectorAll('#conns tbody tr').length,
    first: r?{x:r.left+window.scrollX,y:r.top+window.scrollY,w:r.width,h:r.height}:null});
})()
"""


def check_report(ch, report, analysis, top, outdir):
    name = os.path.basename(report)[:-len(".html")]
    with open(report, "rb") as f:
        text = f.read().decode("utf-8")
    for bad in ("http://", "https://", "<link", " src="):
        if bad in text:
            fail("%s: the page contains %r (something could be fetched)" % (name, bad))
    conns = []
    if analysis != "-":      # "-": the page is only loaded and checked for errors
        with open(analysis) as f:
            for line in f:
                if line.strip():
                    conns.append(json.loads(line))

    t = ch.cmd("Target.createTarget", {"url": "about:blank"})
    s = ch.cmd("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})["sessionId"]
    for dom in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
        ch.cmd(dom, session=s)
    ch.cmd("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session=s)
    ch.cmd("Emulation.setDeviceMetricsOverride",
           {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=s)
    url = "file://" + os.path.abspath(report)
    ch.page_url = url
    ch.blocked = []
    ch.events.clear()
    ch.cmd("Page.navigate", {"url": url}, session=s)
    ch.wait_event("Page.loadEventFired", timeout=60)
    # let scripts and late requests run
    ch.cmd("Runtime.evaluate", {"expression": "new Promise(r=>setTimeout(r,300))",
                                "awaitPromise": True}, session=s)
    errors = []
    requests = []
    for e in ch.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            errors.append("console %s: %s" % (p["type"], [a.get("value") for a in p.get("args", [])]))
        elif m == "Runtime.exceptionThrown":
            errors.append("exception: %s" % p["exceptionDetails"].get("text"))
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            errors.append("log %s: %s" % (p["entry"]["level"], p["entry"]["text"]))
        elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
            requests.append(p["request"]["url"])
    for x in errors:
        fail("%s: %s" % (name, x))
    for x in sorted(set(ch.blocked + requests)):
        fail("%s: the page made a request: %s" % (name, x))

    # sorting the table must not throw either
    ch.cmd("Runtime.evaluate", {"expression":
           "document.querySelectorAll('#conns th').forEach(function(t){t.click();t.click();})"},
           session=s)
    dom = json.loads(ch.cmd("Runtime.evaluate", {"expression": DOM_JS, "returnByValue": True},
                            session=s)["result"]["value"])
    for e in ch.events:
        if e.get("method") == "Runtime.exceptionThrown":
            fail("%s: exception after sorting: %s" % (name, e["params"]["exceptionDetails"].get("text")))
    ch.events.clear()

    if analysis == "-":
        ch.cmd("Target.closeTarget", {"targetId": t["targetId"]})
        print("ok %s: loaded, %d graphs" % (name, len(dom["graphs"])))
        return {"graphs": len(dom["graphs"]), "retrans": 0, "zw": 0}
    # which graphs: problems, plus the `top` largest others (ties either way)
    probs, others = expected(conns, top)
    drawn = {g["stream"] for g in dom["graphs"]}
    if len(dom["graphs"]) != len(drawn):
        fail("%s: a connection has more than one graph" % name)
    if not probs <= drawn:
        fail("%s: problem connections without a graph: %s" % (name, sorted(probs - drawn)))
    drawn_others = [c for c in others if c["stream"] in drawn]
    if len(drawn_others) != min(top, len(others)):
        fail("%s: %d graphs of connections without problems, expected %d" %
             (name, len(drawn_others), min(top, len(others))))
    elif drawn_others and others:
        lo = min(payload(c) for c in drawn_others)
        hi = max([payload(c) for c in others if c["stream"] not in drawn] or [0])
        if hi > lo:
            fail("%s: a larger connection (%d bytes) has no graph, a smaller one (%d) has" %
                 (name, hi, lo))
    if dom["rows"] != len(conns):
        fail("%s: %d table rows for %d connections" % (name, dom["rows"], len(conns)))
    # the Community ID column holds the analysis's communityId, row for row
    # (compared as sets of values: the page sorts rows its own way)
    got = sorted(dom["cids"])
    want = sorted(c["communityId"] or "-" for c in conns)
    if got != want:
        fail("%s: Community ID column %s, the analysis says %s" % (name, got[:3], want[:3]))
    by = {c["stream"]: c for c in conns}
    nrtx = nzw = 0
    for g in dom["graphs"]:
        c = by.get(g["stream"])
        if not c:
            fail("%s: graph of unknown stream %d" % (name, g["stream"]))
            continue
        want = c["initiatorStats"]["retransmissions"] + c["responderStats"]["retransmissions"]
        if g["retrans"] != want:
            fail("%s: stream %d: %d retransmission marks, the analysis found %d" %
                 (name, g["stream"], g["retrans"], want))
        recv_words = ("server", "responder") if g["sender"] == "initiator" else ("client", "initiator")
        zw = episodes(c["verdict"], recv_words)
        if g["zw"] != zw:
            fail("%s: stream %d: %d zero-window bands, the verdict says %d episodes" %
                 (name, g["stream"], g["zw"], zw))
        if g["titles"] == 0:
            fail("%s: stream %d: no hover titles" % (name, g["stream"]))
        nrtx += g["retrans"]
        nzw += g["zw"]

    shot = ch.cmd("Page.captureScreenshot", {"format": "png"}, session=s)
    with open(os.path.join(outdir, name + "-top.png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    if dom["first"]:
        r = dom["first"]
        shot = ch.cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                      "clip": {"x": r["x"], "y": r["y"], "width": r["w"], "height": r["h"],
                               "scale": 1}}, session=s)
        with open(os.path.join(outdir, name + ".png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    ch.cmd("Target.closeTarget", {"targetId": t["targetId"]})
    print("ok %s: %d connections, %d graphs, %d retransmission marks, %d zero-window bands" %
          (name, len(conns), len(dom["graphs"]), nrtx, nzw))
    return {"graphs": len(dom["graphs"]), "retrans": nrtx, "zw": nzw}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--expect-zw", action="append", default=[],
                    help="report name whose graphs must show a zero-window band")
    ap.add_argument("reports", nargs="+")
    a = ap.parse_args()
    ch = Chrome(a.chromium)
    res = {}
    try:
        ch.cmd("Browser.getVersion")
        for spec in a.reports:
            parts = spec.split(":")
            top = int(parts[2]) if len(parts) > 2 else 10
            res[os.path.basename(parts[0])[:-5]] = check_report(ch, parts[0], parts[1], top, a.outdir)
    finally:
        ch.close()
    for n in a.expect_zw:
        if not res.get(n, {}).get("zw"):
            fail("%s: no zero-window episode drawn" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
