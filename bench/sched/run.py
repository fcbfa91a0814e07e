#!/usr/bin/env python3
"""Benchmark: the credit scheduler's fairness and wake-up latency (issue 12), Tern against
Debian's Xen 4.17 with sched=credit and with credit2.

    bench/sched/run.py [--only tern,tern-noboost,xen-credit,xen-credit2] [--window 6]
                       [--pings 300] [--interval-us 5000]

One QEMU boot per system, two pCPUs; Tern under `-icount shift=0,sleep=off` (time is
instructions: figures do not depend on the host's load, and the latencies are in the
guests' virtual time).  Debian's Xen 4.17 stopped booting under -icount, so the Xen boots
run without it (host time) unless --xen-icount.  dom0's vCPU 1 is taken offline (on Xen dom0's vCPU 0 is also
pinned to pCPU 0, as it is on Tern), so pCPU 1 runs only the test guests, all pinned there
with xl.cfg `cpus = "1"` (test guest: guest-pv/testguest, created by `tern create` on Tern
and Debian's `xl create` on Xen):

 fairness  spin-a (cpu_weight 512) and spin-b (256), CPU-bound (tern.spin): their split of
           pCPU 1 by the hypervisor's accounting (getdomaininfo cpu_time, `tern list -l`)
           and by the work each did (its TERN-SPIN units per tick of its own clock);
           `quiet`: the two alone; `pings`: with a third guest, pong (256, tern.pong=1),
           answering event-channel pings from dom0 every --interval-us (tern-evping,
           bench/sched/evping.c): a light vCPU next to the hogs.  Error: |ratio / 2 - 1|.
 latency   spin-a destroyed: pong shares pCPU 1 with the hog spin-b; dom0 pings it --pings
           times (a round trip: dom0 notifies, the blocked pong wakes, answers, dom0 wakes):
           p50 / p90 / p99 / max.  Also printed for the `pings` window (two hogs).

Systems: tern (boost on, the default), tern-noboost (`sched_credit_boost=0`), xen-credit
(`sched=credit`), xen-credit2 (`sched=credit2`, Xen 4.17's default).  Prints a table and
writes tests/out/bench-sched.json.  Not part of make check (figures, no thresholds).
"""
import argparse
import json
import os
import re
import sys
import threading

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, HarnessError, build_initramfs, OUT  # noqa: E402

GUEST_BIN = os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin")
# 64 ms of one pCPU per TERN-SPIN line (as tests/system/sched-credit.py).
SPIN_UNIT = 16000000
SYSTEMS = {
    "tern": ("tern", ""),
    "tern-noboost": ("tern", "sched_credit_boost=0"),
    "xen-credit": ("xen", "sched=credit"),
    "xen-credit2": ("xen", "sched=credit2"),
}

CFG = """name = "{name}"
kernel = "/guest/tern-testguest.bin"
memory = 32
vcpus = 1
extra = "{extra}"
cpus = "1"
cpu_weight = {weight}
on_poweroff = "destroy"
on_crash = "preserve"
"""
GUESTS = (("spin-a", 512, "tern.spin=%d" % SPIN_UNIT), ("spin-b", 256, "tern.spin=%d" % SPIN_UNIT),
          ("pong", 256, "tern.pong=1"))

# As tests/system/sched-credit.py: uptime, cpu_time_ns of each domain (`tern list -l`, in
# argument order), and the last complete TERN-SPIN line of each (units:counter).
SAMPLE = r"""#!/bin/sh
up=$(cut -d' ' -f1 /proc/uptime)
ns=$(tern list -l "$@" | sed -n 's/.*"cpu_time_ns": \([0-9]*\).*/\1/p' | tr '\n' ' ')
line="SAMPLE up=$up ns=$ns"
for d in "$@"; do
    nt=$(tail -c 400 /var/log/xen/console/guest-$d.log 2>/dev/null | awk 'NR > 1 { print p } { p = $0 }' |
        sed -n 's/.*TERN-SPIN n=\([0-9]*\) t=\([0-9]*\).*/\1:\2/p' | tail -n 1)
    line="$line $d=${nt:-0:0}"
done
echo "$line"
"""


def files():
    os.makedirs(OUT, exist_ok=True)
    out = {"/guest/tern-testguest.bin": GUEST_BIN}
    for name, weight, extra in GUESTS:
        path = os.path.join(OUT, "bench-sched-%s.cfg" % name)
        with open(path, "w") as f:
            f.write(CFG.format(name=name, weight=weight, extra=extra))
        out["/etc/xen/%s.cfg" % name] = path
    path = os.path.join(OUT, "bench-sched-sample.sh")
    with open(path, "w") as f:
        f.write(SAMPLE)
    os.chmod(path, 0o755)
    out["/usr/local/bin/sched-sample"] = path
    return out


def sample(m, doms):
    rc, out = m.run("sched-sample " + " ".join(doms), timeout=300)
    line = next((l for l in out.splitlines() if l.startswith("SAMPLE ")), None)
    if rc or not line:
        raise HarnessError("sched-sample failed (rc=%d): %s" % (rc, out))
    up = float(re.search(r"up=([\d.]+)", line).group(1))
    ns = [int(x) for x in re.search(r"ns=([\d ]+?)(?: \S+=|$)", line).group(1).split()]
    work = [tuple(int(x) for x in re.search(r" %s=(\d+):(\d+)" % re.escape(d), line).groups())
            for d in doms]
    if len(ns) != len(doms):
        raise HarnessError("sched-sample: %d cpu times for %d domains: %s" % (len(ns), len(doms),
                                                                             line))
    return up, ns, work


def window(m, doms, seconds):
    """cpu ns and work rate (units per counter tick) of each domain over one window."""
    up0, ns0, w0 = sample(m, doms)
    m.run_ok("sleep %d" % seconds, timeout=900)
    up1, ns1, w1 = sample(m, doms)
    cpu = [b - a for a, b in zip(ns0, ns1)]
    rate = [(b[0] - a[0]) / (b[1] - a[1]) if b[1] > a[1] else 0.0 for a, b in zip(w0, w1)]
    return {"virtual_s": up1 - up0, "cpu_ns": cpu, "share": [c / ((up1 - up0) * 1e9) for c in cpu],
            "units": [b[0] - a[0] for a, b in zip(w0, w1)], "rate": rate,
            "ratio_cpu": cpu[0] / cpu[1] if cpu[1] else None,
            "ratio_work": rate[0] / rate[1] if rate[1] else None}


def evping_parse(out):
    hit = re.search(r"EVPING n=(\d+) lost=(\d+)(?: p50_us=([\d.]+) p90_us=([\d.]+) "
                    r"p99_us=([\d.]+) max_us=([\d.]+) mean_us=([\d.]+))?", out)
    if not hit:
        return None
    keys = ("n", "lost", "p50_us", "p90_us", "p99_us", "max_us", "mean_us")
    return {k: (float(v) if v is not None else None) for k, v in zip(keys, hit.groups())}


def create(m, hv, name):
    tool = "tern" if hv == "tern" else "xl"
    m.run_ok("%s create /etc/xen/%s.cfg" % (tool, name), timeout=300)


def domid(m, name):
    out = m.run_ok("xl domid %s" % name, timeout=60)
    return int(out.strip().splitlines()[-1])


def bench_one(system, args, initrd, results, lock):
    hv, extra = SYSTEMS[system]
    log = os.path.join(OUT, "bench-sched-%s.log" % system)
    icount = hv == "tern" or args.xen_icount
    res = {"system": system, "hv": hv, "hv_extra": extra, "icount": icount}
    try:
        with Machine(hv=hv, smp=2, initrd=initrd, icount=icount, timeout=2400, log=log,
                     hv_extra=extra) as m:
            m.wait_for_shell(timeout=900)
            m.run_ok("tern-xen-start", timeout=900)
            m.run_ok("echo 0 > /sys/devices/system/cpu/cpu1/online")
            if hv == "xen":
                m.run_ok("xl vcpu-pin Domain-0 0 0", timeout=120)
            m.run("xl info | grep -E 'xen_scheduler|xen_commandline'; xl vcpu-list", timeout=120)
            for name in ("spin-a", "spin-b"):
                create(m, hv, name)
            doms = ["spin-a", "spin-b"]
            for _ in range(120):
                if min(n for n, _ in sample(m, doms)[2]) > 1:
                    break
                m.run("sleep 1")
            res["quiet"] = window(m, doms, args.window)
            if args.dump:  # each vCPU's credit, BOOST, parked (Tern's 'r' key; Xen's run queues)
                m.run("xl debug-keys r; xl dmesg | tail -n 40", timeout=120)
            if args.quiet_only:
                m.poweroff()
                raise StopIteration
            print("[%s] quiet: %s" % (system, res["quiet"]), flush=True)

            create(m, hv, "pong")
            d = domid(m, "pong")
            port = None
            for _ in range(120):
                rc, out = m.run("xenstore-read /local/domain/%d/data/pong-port" % d, timeout=60)
                if rc == 0 and out.strip().splitlines()[-1].isdigit():
                    port = int(out.strip().splitlines()[-1])
                    break
                m.run("sleep 1")
            if port is None:
                raise HarnessError("pong did not publish its port")
            res["pong"] = {"domid": d, "port": port}
            m.run_ok("tern-evping %d %d 0 %d > /tmp/evping-fair.txt 2>&1 & echo $! > /tmp/evping.pid"
                     % (d, port, args.interval_us))
            res["pings"] = window(m, doms, args.window)
            m.run_ok("kill -TERM $(cat /tmp/evping.pid); sleep 1; cat /tmp/evping-fair.txt",
                     timeout=120)
            rc, out = m.run("cat /tmp/evping-fair.txt")
            res["pings"]["latency"] = evping_parse(out)
            print("[%s] pings: %s" % (system, res["pings"]), flush=True)

            m.run("xl destroy spin-a", timeout=300)
            rc, out = m.run("tern-evping %d %d %d %d" % (d, port, args.pings, args.interval_us),
                            timeout=1800)
            res["latency"] = evping_parse(out)
            print("[%s] latency (pong + one hog): %s" % (system, res["latency"]), flush=True)
            m.poweroff()
    except StopIteration:
        pass
    except HarnessError as e:
        res["error"] = "%s (console: %s)" % (e, log)
        print("[%s] FAILED: %s" % (system, res["error"]), flush=True)
    with lock:
        results[system] = res


def fmt(x, spec="%.3f"):
    return spec % x if x is not None else "-"


def err(r):
    return abs(r / 2.0 - 1) * 100 if r else None


def report(results, order):
    print("\nFairness: spin-a (512) : spin-b (256) on one pCPU, want 2:1 (error = |ratio/2 - 1|)")
    print("%-13s %-24s %-24s %-24s %-24s" % ("system", "quiet cpu_time", "quiet work",
                                            "pings cpu_time", "pings work"))
    for s in order:
        r = results.get(s, {})
        cols = []
        for w in ("quiet", "pings"):
            for k in ("ratio_cpu", "ratio_work"):
                v = r.get(w, {}).get(k)
                cols.append("%s:1 (%s %%)" % (fmt(v), fmt(err(v), "%.2f")) if v else "-")
        print("%-13s %-24s %-24s %-24s %-24s%s" % tuple([s] + cols + [
            "" if r.get("icount", True) else "  (no -icount: host time)"]))
    print("\nWake latency: dom0 -> pong -> dom0 event-channel round trip, us (virtual time)")
    print("%-13s %-34s %-34s" % ("system", "pong + 1 hog p50 / p99 / max", "pong + 2 hogs p50 / p99"))
    for s in order:
        r = results.get(s, {})
        a = r.get("latency") or {}
        b = (r.get("pings") or {}).get("latency") or {}
        print("%-13s %-34s %-34s" % (
            s, "%s / %s / %s (n=%s)" % (fmt(a.get("p50_us"), "%.1f"), fmt(a.get("p99_us"), "%.1f"),
                                        fmt(a.get("max_us"), "%.1f"), fmt(a.get("n"), "%d")),
            "%s / %s (n=%s)" % (fmt(b.get("p50_us"), "%.1f"), fmt(b.get("p99_us"), "%.1f"),
                                fmt(b.get("n"), "%d"))))
        if "error" in r:
            print("  %s: %s" % (s, r["error"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default=",".join(SYSTEMS))
    ap.add_argument("--window", type=int, default=6, help="virtual seconds per fairness window")
    ap.add_argument("--pings", type=int, default=300)
    ap.add_argument("--interval-us", type=int, default=5000)
    ap.add_argument("--dump", action="store_true",
                    help="after the quiet window, the hypervisor's run queues ('r') to the log")
    ap.add_argument("--quiet-only", action="store_true", help="only the quiet fairness window")
    ap.add_argument("--xen-icount", action="store_true",
                    help="Xen under -icount too (Debian's Xen 4.17 stopped booting under "
                         "-icount shift=0,sleep=off after 'Scheduling granularity')")
    ap.add_argument("--parallel", type=int, default=2, help="boots at once (QEMU slots permitting)")
    args = ap.parse_args()
    order = [s for s in args.only.split(",") if s]
    for s in order:
        if s not in SYSTEMS:
            ap.error("unknown system %s (%s)" % (s, ", ".join(SYSTEMS)))
    for need in (GUEST_BIN, os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 os.path.join(BUILDDIR, "aarch64", "bin", "tern-evping")):
        if not os.path.exists(need):
            print("missing %s (make)" % need)
            return 1
    initrd = build_initramfs("bench-sched", xen_tools=True, extra_files=files())
    results, lock = {}, threading.Lock()
    pending = list(order)
    threads = []

    def worker():
        while True:
            with lock:
                if not pending:
                    return
                s = pending.pop(0)
            bench_one(s, args, initrd, results, lock)

    for _ in range(max(1, min(args.parallel, len(order)))):
        t = threading.Thread(target=worker)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    with open(os.path.join(OUT, "bench-sched.json"), "w") as f:
        json.dump({"args": vars(args), "results": results}, f, indent=1)
    report(results, order)
    return 0 if all("error" not in results.get(s, {"error": 1}) for s in order) else 1


if __name__ == "__main__":
    sys.exit(main())
