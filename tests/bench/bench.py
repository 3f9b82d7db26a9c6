#!/usr/bin/env python3
"""netsift benchmark: times netsift against tcpdump, tshark, tcptrace and a raw libpcap
loop on the same capture, in the same run, alternating, several repetitions, medians.
Prints packets/s, ratios and peak RSS, and checks the targets of the performance issue.
Usage: bench.py --netsift PATH --pcaploop PATH --capdir DIR [--reps N]"""
import argparse, os, shutil, statistics, subprocess, sys, time


def run_once(argv):
    """Run argv with stdout to /dev/null; return (seconds, peak RSS KiB, exit code)."""
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=null, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
    return dt, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def count_packets(pcaploop, cap):
    out = subprocess.run([pcaploop, cap], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0])


def bench(cmds, reps):
    times = {name: [] for name, _ in cmds}
    rss = {name: 0 for name, _ in cmds}
    for _ in range(reps):
        for name, argv in cmds:          # alternate tools within each repetition
            dt, kib, rc = run_once(argv)
            if rc not in (0,):
                print(f"warning: {name} exited {rc}", file=sys.stderr)
            times[name].append(dt)
            rss[name] = max(rss[name], kib)
    return {n: statistics.median(t) for n, t in times.items()}, rss


def commands(ns, loop, cap):
    c = [("libpcap loop", [loop, cap]),
         ("tcpdump -n -r", ["tcpdump", "-n", "-r", cap]),
         ("tshark -n -r", ["tshark", "-n", "-r", cap]),
         ("tcptrace -l -r", ["tcptrace", "-l", "-r", cap]),
         ("tshark -q -z conv,tcp", ["tshark", "-n", "-q", "-z", "conv,tcp", "-r", cap]),
         ("netsift read -o json", [ns, "read", "-o", "json", cap]),
         ("netsift read -o table", [ns, "read", "-o", "table", cap]),
         ("netsift read flows", [ns, "read", "-o", "json", "-e", "net_flow_tcp_begin,net_flow_tcp_end", cap]),
         ("netsift analyze -o json", [ns, "analyze", "-o", "json", cap])]
    return [(n, a) for n, a in c if shutil.which(a[0]) or os.path.exists(a[0])]


def table(title, npk, med, rss):
    print(f"\n{title}: {npk} packets")
    print(f"{'tool':28} {'median s':>9} {'packets/s':>12} {'peak RSS MiB':>13}")
    for n, t in med.items():
        print(f"{n:28} {t:9.3f} {npk / t:12.0f} {rss[n] / 1024:13.1f}")


def ratio(med, a, b):
    return med[b] / med[a] if a in med and b in med else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--netsift", required=True)
    ap.add_argument("--pcaploop", required=True)
    ap.add_argument("--capdir", required=True)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    full = os.path.join(args.capdir, "bench.pcap")
    cut = os.path.join(args.capdir, "bench-s128.pcap")
    double = os.path.join(args.capdir, "bench-x2.pcap")
    if not os.path.exists(double):
        # The same traffic twice, the copy shifted past the original's end: twice as
        # long, same number of connections alive at any time.
        shifted = os.path.join(args.capdir, "bench-shifted.pcap")
        subprocess.run(["editcap", "-t", "3600", cut, shifted], check=True)
        subprocess.run(["mergecap", "-a", "-w", double, cut, shifted], check=True)
        os.unlink(shifted)
    ok = True
    results = {}
    for label, cap in (("full capture", full), ("snaplen 128", cut)):
        npk = count_packets(args.pcaploop, cap)
        med, rss = bench(commands(args.netsift, args.pcaploop, cap), args.reps)
        table(label, npk, med, rss)
        results[label] = (npk, med, rss)
        print("ratios (how many times faster netsift is; >1 = netsift faster):")
        for ours in ("netsift read -o json", "netsift read -o table", "netsift read flows", "netsift analyze -o json"):
            parts = []
            for peer in ("libpcap loop", "tcpdump -n -r", "tshark -n -r", "tcptrace -l -r", "tshark -q -z conv,tcp"):
                parts.append(f"{peer}: {ratio(med, ours, peer):.2f}")
            print(f"  {ours:26} " + ", ".join(parts))
        r_json = ratio(med, "netsift read -o json", "tcpdump -n -r")
        t1 = r_json >= 3.0
        print(f"target read -o json >= 3x tcpdump -n: {r_json:.2f}x {'MET' if t1 else 'NOT MET'}")
        ok &= t1
        for ours in ("netsift read flows", "netsift analyze -o json"):
            vs_loop = ratio(med, ours, "libpcap loop")
            vs_tt = ratio(med, ours, "tcptrace -l -r")
            t2, t3 = vs_loop >= 0.5, vs_tt >= 5.0
            print(f"target {ours} >= 50% of libpcap loop: {vs_loop * 100:.0f}% {'MET' if t2 else 'NOT MET'}; "
                  f">= 5x tcptrace: {vs_tt:.2f}x {'MET' if t3 else 'NOT MET'}")
            ok &= t2 and t3
    # Memory and scaling: twice the capture, same active connections.
    npk2 = count_packets(args.pcaploop, double)
    sub = [(n, a) for n, a in commands(args.netsift, args.pcaploop, double)
           if n in ("netsift read flows", "netsift analyze -o json", "libpcap loop")]
    med2, rss2 = bench(sub, args.reps)
    table("snaplen 128 twice as long", npk2, med2, rss2)
    npk1, med1, rss1 = results["snaplen 128"]
    for n in med2:
        grow = rss2[n] / max(rss1[n], 1)
        scale = (med2[n] / npk2) / (med1[n] / npk1)
        bounded = rss2[n] <= rss1[n] * 1.10 + 2048
        print(f"{n:28} peak RSS x{grow:.2f} ({'bounded' if bounded else 'GROWS'}), "
              f"time per packet x{scale:.2f} (1.00 = linear)")
        if n != "libpcap loop":
            ok &= bounded
    print("\nall targets met" if ok else "\nsome targets not met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
