#!/usr/bin/env python3
"""Boot time: QEMU start -> dom0 init, Tern vs Debian's Xen 4.17 vs bare Linux, same run.

Each configuration boots the harness's dom0 initramfs (same kernel, same command line
for both hypervisors) and is timed to the "TERN-DOM0-INIT" line its init prints:
  wall     host seconds from QEMU start to that line (TCG, real time)
  icount   the same with -icount shift=0,sleep=off (guest time counts instructions, so
           idle time costs nothing): host seconds, and dom0's own uptime at init
  cpu      QEMU's host CPU time (user + system, all its threads) at that line: steadier
           than wall time on a host shared with other jobs
Medians of --runs runs (default 3).  Prints a table and the ratios Tern/Xen and
Tern/bare; --json writes the figures for programs.  --phases adds one Tern boot at
loglvl=debug (icount) and prints the hypervisor's per-phase breakdown (CNTPCT_EL0).

usage: bench/boot/boot-time.py [--runs N] [--smp N] [--json FILE] [--only tern,xen,bare]
                              [--modes wall,icount] [--timeout S] [--tern-image FILE]
                              [--phases]
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


def cpu_seconds(pid):
    """user + system CPU seconds of process pid so far (all threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(hv, smp, icount, initrd, image, timeout):
    with Machine(hv=hv, smp=smp, initrd=initrd, icount=icount, timeout=timeout,
                 hv_image=image if hv == "tern" else None) as m:
        mt = m.expect(r"TERN-DOM0-INIT uptime=([0-9.]+).*\n", timeout)
        cpu = cpu_seconds(m.proc.pid)
        wall = m.time_of(r"TERN-DOM0-INIT")  # host time stamp of that console line
        uptime = float(mt.group(1))
        m.expect(r"TERN-DOM0-SHELL", 120)
        m.poweroff()
    return wall, uptime, cpu


def tern_phases(smp, initrd, image, timeout):
    """One Tern boot at loglvl=debug under icount: the hypervisor's boot phase table."""
    with Machine(hv="tern", smp=smp, initrd=initrd, icount=True, timeout=timeout,
                 hv_image=image, hv_args="dom0_mem=512M loglvl=debug") as m:
        m.expect(r"Starting dom0", timeout)
        phases = [(mt.group(1), int(mt.group(2))) for mt in
                  (re.search(r"boot phase (.*?)\s+(\d+) us", line) for _, line in m.lines) if mt]
        layout = [line for _, line in m.lines if "dom0: " in line and "RAM" in line]
        m.poweroff()
    return phases, layout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--only", default="tern,xen,bare")
    ap.add_argument("--tern-image", help="tern.bin to time (default: the build's)")
    ap.add_argument("--timeout", type=int, default=300, help="per boot, seconds")
    ap.add_argument("--modes", default="wall,icount", help="wall, icount or both")
    ap.add_argument("--phases", action="store_true",
                    help="also print Tern's per-phase boot breakdown (one extra boot)")
    args = ap.parse_args()
    hvs = args.only.split(",")
    initrd = build_initramfs("bench-boot")
    res = {}
    modes = args.modes.split(",")
    for icount in [m == "icount" for m in ("wall", "icount") if m in modes]:
        for hv in hvs:
            walls, ups, cpus = [], [], []
            key = "%s-%s" % (hv, "icount" if icount else "wall")
            try:
                for _ in range(args.runs):
                    w, u, c = one_run(hv, args.smp, icount, initrd, args.tern_image,
                                      args.timeout)
                    walls.append(w)
                    ups.append(u)
                    cpus.append(c)
            except HarnessError as e:
                res[key] = {"error": str(e).split(";")[0]}
                print("%-12s did not reach dom0 init within %d s (%s)" % (key, args.timeout,
                                                                         res[key]["error"]),
                      flush=True)
                continue
            res[key] = {"wall_s": statistics.median(walls), "dom0_uptime_s": statistics.median(ups),
                        "cpu_s": statistics.median(cpus), "runs_wall_s": walls,
                        "runs_uptime_s": ups, "runs_cpu_s": cpus}
            print("%-12s QEMU start -> dom0 init %.2f s (dom0 uptime %.2f s, QEMU CPU %.2f s)"
                  "  runs %s" % (key, res[key]["wall_s"], res[key]["dom0_uptime_s"],
                                 res[key]["cpu_s"], " ".join("%.2f" % w for w in walls)),
                  flush=True)
    print()
    for mode in ("wall", "icount"):
        t = res.get("tern-" + mode)
        for peer in ("xen", "bare"):
            p = res.get("%s-%s" % (peer, mode))
            if t and p and "wall_s" in t and "wall_s" in p:
                r = t["wall_s"] / p["wall_s"]
                rc = t["cpu_s"] / p["cpu_s"]
                res["ratio-tern/%s-%s" % (peer, mode)] = r
                res["ratio-cpu-tern/%s-%s" % (peer, mode)] = rc
                print("%-6s tern/%-4s = %.3f  (%.2f s vs %.2f s; QEMU CPU time ratio %.3f)"
                      % (mode, peer, r, t["wall_s"], p["wall_s"], rc))
    if args.phases:
        phases, layout = tern_phases(args.smp, initrd, args.tern_image, args.timeout)
        res["tern-phases-us"] = dict(phases)
        print("\nTern boot phases (icount, guest microseconds; loglvl=debug adds printing):")
        for line in layout:
            print("  " + line.replace("(TERN) ", ""))
        for name, us in phases:
            print("  %-36s %8d us" % (name, us))
        print("  %-36s %8d us" % ("total, reset to dom0 entry", sum(u for _, u in phases)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
