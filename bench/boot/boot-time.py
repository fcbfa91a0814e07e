#!/usr/bin/env python3
"""Boot time: QEMU start -> dom0 init, Tern vs Debian's Xen 4.17 vs bare Linux, same run.

Each configuration boots the harness's dom0 initramfs (same kernel, same command line
for both hypervisors) and is timed to the "TERN-DOM0-INIT" line its init prints:
  wall     host seconds from QEMU start to that line (TCG, real time)
  icount   the same with -icount shift=0,sleep=off (guest time counts instructions, so
           idle time costs nothing): host seconds, and dom0's own uptime at init
Medians of --runs runs (default 3).  Prints a table and the ratios Tern/Xen and
Tern/bare; --json writes the figures for programs.

usage: bench/boot/boot-time.py [--runs N] [--smp N] [--json FILE] [--only tern,xen,bare]
                              [--modes wall,icount] [--timeout S] [--tern-image FILE]
"""
import argparse
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import HarnessError, Machine, build_initramfs  # noqa: E402


def one_run(hv, smp, icount, initrd, image, timeout):
    with Machine(hv=hv, smp=smp, initrd=initrd, icount=icount, timeout=timeout,
                 hv_image=image if hv == "tern" else None) as m:
        mt = m.expect(r"TERN-DOM0-INIT uptime=([0-9.]+).*\n", timeout)
        wall = m.time_of(r"TERN-DOM0-INIT")  # host time stamp of that console line
        uptime = float(mt.group(1))
        m.expect(r"TERN-DOM0-SHELL", 120)
        m.poweroff()
    return wall, uptime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--only", default="tern,xen,bare")
    ap.add_argument("--tern-image", help="tern.bin to time (default: the build's)")
    ap.add_argument("--timeout", type=int, default=300, help="per boot, seconds")
    ap.add_argument("--modes", default="wall,icount", help="wall, icount or both")
    args = ap.parse_args()
    hvs = args.only.split(",")
    initrd = build_initramfs("bench-boot")
    res = {}
    modes = args.modes.split(",")
    for icount in [m == "icount" for m in ("wall", "icount") if m in modes]:
        for hv in hvs:
            walls, ups = [], []
            key = "%s-%s" % (hv, "icount" if icount else "wall")
            try:
                for _ in range(args.runs):
                    w, u = one_run(hv, args.smp, icount, initrd, args.tern_image, args.timeout)
                    walls.append(w)
                    ups.append(u)
            except HarnessError as e:
                res[key] = {"error": str(e).split(";")[0]}
                print("%-12s did not reach dom0 init within %d s (%s)" % (key, args.timeout,
                                                                         res[key]["error"]),
                      flush=True)
                continue
            res[key] = {"wall_s": statistics.median(walls), "dom0_uptime_s": statistics.median(ups),
                        "runs_wall_s": walls, "runs_uptime_s": ups}
            print("%-12s QEMU start -> dom0 init %.2f s (dom0 uptime %.2f s)  runs %s"
                  % (key, res[key]["wall_s"], res[key]["dom0_uptime_s"],
                     " ".join("%.2f" % w for w in walls)), flush=True)
    print()
    for mode in ("wall", "icount"):
        t = res.get("tern-" + mode)
        for peer in ("xen", "bare"):
            p = res.get("%s-%s" % (peer, mode))
            if t and p and "wall_s" in t and "wall_s" in p:
                r = t["wall_s"] / p["wall_s"]
                res["ratio-tern/%s-%s" % (peer, mode)] = r
                print("%-6s tern/%-4s = %.3f  (%.2f s vs %.2f s)" % (mode, peer, r, t["wall_s"],
                                                                    p["wall_s"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
