#!/usr/bin/env python3
"""xenstore benchmark: tern-xenstored against Xen 4.17's C xenstored, in the same QEMU run.

Boots Debian's Xen 4.17 with dom0 (the harness), then alternates the two daemons (Xen's
first), each serving dom0's socket, and runs the same client (xsl-bench, our xs_* library,
static) against each: ops/s for write, read, directory (64 entries), transaction commit
(start, read, write, end) and watch delivery (write on one connection until the event
arrives on another).  Prints FIGURE lines per round, the medians, and ours/Xen ratios.

usage: bench/xenstore/run-bench.py [--n N] [--rounds R]
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


XEN = "/usr/lib/xen-4.17/bin/xenstored"
OURS = "/usr/local/bin/tern-xenstored"
PHASES = ("write", "read", "directory", "txn", "watch", "read_par", "write_par")


def start_daemon(m, binary):
    m.run("[ -f /run/xenstored.pid ] && kill $(cat /run/xenstored.pid); sleep 1; "
          "rm -f /run/xenstored.pid /run/xenstored/socket")
    m.run_ok("XENSTORED_ROOTDIR=/run/xenstored %s --pid-file /run/xenstored.pid" % binary,
             timeout=60)
    m.run_ok("until xenstore-read -s / >/dev/null 2>&1; do sleep 0.1; done", timeout=60)


def bench(m, n):
    out = m.run_ok("xsl-bench %d" % n, timeout=1200)
    return {k: float(v) for k, v in re.findall(r"FIGURE xsbench_(\w+)_ops_s=(\d+)", out)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(BUILD, "aarch64", "bin", "xsl-bench")):
        print("aarch64/bin/xsl-bench not built (make)")
        return 2
    results = {"xen": [], "tern": []}
    initrd = build_initramfs("xenstore-bench", xen_tools=True)
    log = os.path.join(BUILD, "tests", "out", "console-xenstore-bench.log")
    with SlowMachine(hv="xen", smp=2, initrd=initrd, timeout=3600, log=log) as m:
        m.wait_for_shell()
        m.run_ok("tern-xen-start", timeout=240)  # Xen's userspace as usual (xen-init-dom0 ...)
        for r in range(args.rounds):
            for name, binary in (("xen", XEN), ("tern", OURS)):
                start_daemon(m, binary)
                res = bench(m, args.n)
                results[name].append(res)
                for k in PHASES:
                    print("FIGURE round=%d daemon=%s xsbench_%s_ops_s=%.0f" % (r, name, k, res.get(k, 0)))
                sys.stdout.flush()
        m.poweroff()
    print("# medians over %d rounds, N=%d, dom0 under Xen 4.17 (QEMU TCG, 2 vCPUs)" % (args.rounds, args.n))
    print("%-10s %12s %12s %8s" % ("op", "xenstored", "tern", "ratio"))
    for k in PHASES:
        x = statistics.median(r[k] for r in results["xen"])
        t = statistics.median(r[k] for r in results["tern"])
        print("%-10s %12.0f %12.0f %7.2fx" % (k, x, t, t / x if x else 0))
        print("FIGURE xsbench_%s_ratio=%.2f" % (k, t / x if x else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
