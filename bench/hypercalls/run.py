#!/usr/bin/env python3
"""Hypercall benchmarks on the Tern test guest, counted in instructions.

    bench/hypercalls/run.py [--hv xen|tern] [--json FILE]

Boots the hypervisor + dom0 under QEMU with `-icount shift=0,sleep=off` (Xen with
xsm=dummy), runs the guest's benchmark cases (tests/guest/bench_hypercalls.c: null
hypercall, grant map+unmap, grant copy of one page; tests/guest/pair_5_bench.c: event-channel
ping-pong between two guests, and the same through a shared-page mailbox) and prints
per-operation costs.

Units.  With -icount shift=0 QEMU's virtual clock advances 2^0 = 1 ns per executed guest
instruction, and with sleep=off idle time is skipped.  The board has one CPU for this run
(Xen + dom0 + the guests share it), so the count is exactly the work on the path.  The Arm generic timer of QEMU 7.2's CPUs runs at
1 GHz / GTIMER_SCALE (16) = 62.5 MHz, which the guest reads back from CNTFRQ_EL0: one
CNTVCT tick = 16 ns = 16 instructions.  So instructions = ticks * (1e9 / cntfrq), with a
resolution of 16 instructions per reading; the figures are averages over many iterations.
"""
import argparse
import json
import os
import re
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "guest"))
import tern_guest_run as tgr  # noqa: E402

BENCH_RX = re.compile(r"TERN-BENCH op=(\S+) iters=(\d+) ticks=(\d+) cntfrq=(\d+)")


def measure(hv):
    """One boot under icount: solo benchmarks, then the two-guest ping-pong."""
    builddir = os.environ.get("TERN_BUILDDIR", SRCDIR)
    log = os.path.join(builddir, "tests", "out", "bench-hypercalls-%s.log" % hv)
    out = {}
    # xsm=dummy: Debian's Xen defaults to XSM SILO, which forbids the domU-to-domU event
    # channel the ping-pong needs.
    hv_extra = "xsm=dummy" if hv == "xen" else ""
    # One emulated CPU: with two, Xen 4.17 under -icount sleep=off stops making progress
    # while bringing up the second CPU (seen at "Adding cpu 1 to runqueue 0").
    with tgr.machine(hv, log=log, icount=True, timeout=2400, initrd=tgr.initramfs(),
                     hv_extra=hv_extra, smp=1) as m:
        m.wait_for_shell(timeout=900)
        m.run_ok("tern-xen-start", timeout=600)
        consoles = tgr.run_in(m, "solo", "bench")
        consoles.update(tgr.run_in(m, "pair", "pair_0,pair_5"))
        m.poweroff()
    for label, text in consoles.items():
        for mt in BENCH_RX.finditer(text):
            op, iters, ticks, freq = mt.group(1), int(mt.group(2)), int(mt.group(3)), \
                int(mt.group(4))
            if iters == 0:
                continue
            ns_per_tick = 1e9 / freq
            out[op] = {"iters": iters, "ticks": ticks, "cntfrq": freq,
                       "instructions_per_op": round(ticks * ns_per_tick / iters, 1)}
        for r in tgr.parse_results(text)[0]:
            if r["result"] != "PASS":
                print("warning: %s guest case %s: %s %s" % (label, r["case"], r["result"],
                                                           r["detail"]), file=sys.stderr)
    loop = out.pop("empty_loop", None)
    if loop and "null_hypercall" in out:
        out["null_hypercall"]["loop_overhead_per_op"] = loop["instructions_per_op"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hv", default="xen", choices=("xen", "tern"))
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    figures = measure(args.hv)
    print("hypercall benchmarks on %s (QEMU -icount shift=0,sleep=off; instructions per "
          "operation, one emulated CPU)" % args.hv)
    for op in ("null_hypercall", "grant_map_unmap", "grant_copy_page", "evtchn_pingpong",
               "mailbox_pingpong"):
        f = figures.get(op)
        if f:
            print("  %-18s %10.1f  (%d iterations)" % (op, f["instructions_per_op"], f["iters"]))
        else:
            print("  %-18s %10s" % (op, "missing"))
    if args.json:
        with open(args.json, "w") as fp:
            json.dump({"hv": args.hv, "figures": figures}, fp, indent=1)
    return 0 if len(figures) >= 4 else 1


if __name__ == "__main__":
    sys.exit(main())
