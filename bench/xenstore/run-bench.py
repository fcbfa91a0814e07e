#!/usr/bin/env python3
"""xenstore benchmark: tern-xenstored against Xen 4.17's C xenstored, in the same QEMU run.

Boots Debian's Xen 4.17 with dom0 (the harness), then alternates three daemons behind dom0's
socket: Xen's C xenstored, ours, and xsl-nulld (canned replies, no store: the floor, what the
client and the kernel cost).  The same client binary (xsl-bench, our xs_* library, static)
runs against each: ops/s for write, read, directory (64 entries), transaction commit (start,
read, write, end), watch delivery (write on one connection until the event arrives on
another), and read/write from 4 processes.  xsl-bench also reads the daemon's CPU time
(/proc/PID/task/*/schedstat) and its own, per operation.

By default QEMU runs with "-icount shift=0,sleep=off": the guest clock counts instructions
(1 ns = 1 instruction), so the figures do not depend on what else the host runs.  Under icount
Xen 4.17 stops making progress bringing up a second CPU (docs/conformance.md), so this mode
has one CPU: client and daemon share dom0's only vCPU.  --wall uses the host clock and two
CPUs (real TCG speed, noisy on a shared host).

--strace DIR (an unpacked strace:arm64 deb: `apt-get download strace:arm64; dpkg-deb -x
strace_*.deb DIR`) adds one traced pass per daemon and prints its system calls per request.

--daemon NAME=PATH (repeatable) adds another aarch64 daemon binary to the rotation, e.g. an
older build of tern-xenstored for a before/after comparison in the same run.

usage: bench/xenstore/run-bench.py [--n N] [--rounds R] [--wall] [--strace DIR]
                                   [--daemon NAME=PATH ...]
"""
import argparse
import os
import re
import statistics
import sys
import time

SRC = os.environ.get("TERN_SRCDIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TERN_BUILDDIR") or SRC
os.environ.setdefault("TERN_SRCDIR", SRC)
os.environ.setdefault("TERN_BUILDDIR", BUILD)
sys.path.insert(0, os.path.join(SRC, "tests", "harness"))
from tern_harness import Machine, build_initramfs  # noqa: E402


class SlowMachine(Machine):
    """Commands typed in small chunks (Xen keeps 128 bytes of console input for dom0)."""

    def send(self, text):
        data = text.encode()
        for i in range(0, len(data), 32):
            self.proc.stdin.write(data[i:i + 32])
            self.proc.stdin.flush()
            time.sleep(0.05)


DAEMONS = [("xen", "/usr/lib/xen-4.17/bin/xenstored"),
           ("tern", "/usr/local/bin/tern-xenstored"),
           ("null", "/usr/local/bin/xsl-nulld")]
PHASES = ("write", "read", "directory", "txn", "watch", "read_par", "write_par")
KINDS = ("ops_s", "daemon_us_op", "client_us_op")


def start_daemon(m, binary):
    m.run("[ -f /run/xenstored.pid ] && kill $(cat /run/xenstored.pid); sleep 1; "
          "rm -f /run/xenstored.pid /run/xenstored/socket")
    m.run_ok("XENSTORED_ROOTDIR=/run/xenstored %s --pid-file /run/xenstored.pid" % binary,
             timeout=60)
    m.run_ok("until xenstore-read -s / >/dev/null 2>&1; do sleep 0.1; done", timeout=60)


def bench(m, n):
    out = m.run_ok("xsl-bench -p $(cat /run/xenstored.pid) %d" % n, timeout=1800)
    res = {}
    for phase, kind, v in re.findall(r"FIGURE xsbench_(\w+?)_(ops_s|daemon_us_op|client_us_op)="
                                     r"([\d.]+)", out):
        res[(phase, kind)] = float(v)
    return res


def strace_pass(m, n):
    """System calls of the daemon over one xsl-bench run of n: {syscall: calls}, requests."""
    m.run("rm -f /tmp/st.txt; strace -c -f -p $(cat /run/xenstored.pid) -o /tmp/st.txt "
          ">/dev/null 2>&1 & echo $! > /tmp/st.pid; sleep 2")
    out = m.run_ok("xsl-bench %d" % n, timeout=1800)
    m.run("kill -INT $(cat /tmp/st.pid); sleep 2")
    _, table = m.run("cat /tmp/st.txt", timeout=60)
    reqs = int(re.search(r"FIGURE xsbench_requests=(\d+)", out).group(1))
    calls = {}
    for line in table.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
            calls[f[-1]] = int(f[3])
    return calls, reqs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--wall", action="store_true", help="host clock instead of -icount")
    ap.add_argument("--strace", metavar="DIR", help="unpacked strace:arm64 (usr/bin/strace)")
    ap.add_argument("--daemon", action="append", default=[], metavar="NAME=PATH",
                    help="another aarch64 xenstored binary to measure")
    args = ap.parse_args()
    for prog in ("xsl-bench", "xsl-nulld", "tern-xenstored"):
        if not os.path.exists(os.path.join(BUILD, "aarch64", "bin", prog)):
            print("aarch64/bin/%s not built (make)" % prog)
            return 2
    extra = {}
    if args.strace:
        extra["/usr/bin/strace"] = os.path.join(args.strace, "usr", "bin", "strace")
    for spec in args.daemon:
        name, path = spec.split("=", 1)
        extra["/opt/bench/" + name] = os.path.abspath(path)
        DAEMONS.append((name, "/opt/bench/" + name))
    results = {name: [] for name, _ in DAEMONS}
    traced = {}
    initrd = build_initramfs("xenstore-bench", xen_tools=True, extra_files=extra)
    log = os.path.join(BUILD, "tests", "out", "console-xenstore-bench.log")
    clock = "wall (host clock), 2 CPUs" if args.wall else \
        "icount shift=0 (1 guest ns = 1 instruction), 1 CPU"
    with SlowMachine(hv="xen", smp=2 if args.wall else 1, initrd=initrd, timeout=4 * 3600,
                     log=log, icount=not args.wall) as m:
        m.wait_for_shell()
        m.run_ok("tern-xen-start", timeout=600)  # Xen's userspace as usual (xen-init-dom0 ...)
        for r in range(args.rounds):
            for name, binary in DAEMONS:
                start_daemon(m, binary)
                res = bench(m, args.n)
                results[name].append(res)
                for k in PHASES:
                    print("FIGURE round=%d daemon=%s %s" % (r, name, " ".join(
                        "xsbench_%s_%s=%g" % (k, kind, res.get((k, kind), 0)) for kind in KINDS)))
                sys.stdout.flush()
        if args.strace:
            for name, binary in DAEMONS:
                start_daemon(m, binary)
                traced[name] = strace_pass(m, max(args.n // 10, 40))
                print("# %s: %s" % (name, traced[name]))
                sys.stdout.flush()
        m.poweroff()

    def med(name, k, kind):
        return statistics.median(r.get((k, kind), 0) for r in results[name])

    print("# medians over %d rounds, N=%d, dom0 under Xen 4.17 (QEMU TCG), clock: %s"
          % (args.rounds, args.n, clock))
    others = [d for d, _ in DAEMONS if d != "xen"]
    print("# ops/s per daemon, then each daemon's ops/s over Xen's (null/xen is the ceiling:")
    print("# what a daemon costing nothing would reach with this client and kernel)")
    print("%-10s" % "op" + "".join("%9s" % d for d, _ in DAEMONS) +
          "".join("%10s" % (d + "/xen") for d in others))
    for k in PHASES:
        v = {d: med(d, k, "ops_s") for d, _ in DAEMONS}
        print("%-10s" % k + "".join("%9.0f" % v[d] for d, _ in DAEMONS) +
              "".join("%9.2fx" % (v[d] / v["xen"] if v["xen"] else 0) for d in others))
        print("FIGURE xsbench_%s_ratio=%.2f" % (k, v["tern"] / v["xen"] if v["xen"] else 0))
    print("# daemon CPU per operation (us; under icount: thousands of instructions); own = minus "
          "the null daemon's; xen/tern ratios of both; client = the client's CPU per operation")
    print("%-10s" % "op" + "".join("%9s" % d for d, _ in DAEMONS) +
          "%10s %10s %9s" % ("xen/tern", "own x/t", "client"))
    for k in PHASES:
        v = {d: med(d, k, "daemon_us_op") for d, _ in DAEMONS}
        x, t, z = v["xen"], v["tern"], v["null"]
        own = (x - z) / (t - z) if t > z else float("inf")
        print("%-10s" % k + "".join("%9.1f" % v[d] for d, _ in DAEMONS) +
              "%9.2fx %9.2fx %9.1f" % (x / t if t else 0, own, med("tern", k, "client_us_op")))
        print("FIGURE xsbench_%s_daemon_cpu_ratio=%.2f" % (k, x / t if t else 0))
    if traced:
        print("# daemon system calls per request (strace -c, one pass of N=%d)"
              % max(args.n // 10, 40))
        names = sorted({s for calls, _ in traced.values() for s in calls})
        print("%-16s" % "syscall" + "".join("%10s" % d for d, _ in DAEMONS))
        for sc in names + ["total"]:
            row = []
            for d, _ in DAEMONS:
                calls, reqs = traced.get(d, ({}, 1))
                v = sum(calls.values()) if sc == "total" else calls.get(sc, 0)
                row.append("%10.2f" % (v / reqs))
            print("%-16s" % sc + "".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
