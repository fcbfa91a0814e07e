#!/usr/bin/env python3
"""Benchmark: block I/O of a Debian domU (xen-blkfront, direct I/O in the guest).

    bench/block/run.py [--rounds 3] [--mib 64] [--ops 2000]
                       [--only tern,tern-pg,xen,xen-pg,xen-kernel]

Figures (blkbench.c in the guest, O_DIRECT on /dev/xvda, guest CLOCK_MONOTONIC; medians of
--rounds guests, each created afresh):
  seqwrite  MiB/s, --mib MiB in 1 MiB writes, then fdatasync
  seqread   MiB/s, the same MiB in 1 MiB reads
  randread  IOPS, --ops 4 KiB reads at random aligned offsets in those MiB
Configurations (one QEMU boot per hypervisor, plain TCG without -icount: the figures
are I/O through dom0 and the backend, which -icount would turn into instruction counts):
  tern        Tern + tern-blkback --persistent=off (`tern create`): grant copy
  tern-pg     the same boot, tern-blkback --persistent=on: persistent grants (blkfront
              offers them by default), segments read and written in mapped pages
  xen         Debian's Xen 4.17 + tern-blkback --persistent=off (`tern create`)
  xen-pg      the same boot, tern-blkback --persistent=on
  xen-kernel  the same Xen boot, tern-blkback stopped, Linux's xen-blkback module and
              Debian's /etc/xen/scripts/block (run by `xl create`; it needs /bin/bash and
              flock, taken from Debian's bash and util-linux arm64 packages with
              `apt-get download`)
The image is a sparse file in dom0's RAM filesystem (dom0 page cache; kernel blkback
reaches it through the loop device Debian's block script sets up).  A config and its -pg
twin take turns guest by guest (off, on, then on, off, ...; tern-blkback restarted with the
other option in between), so that both see the same moments of the shared host.  Prints
a table and the ratios.  Not part of make check (figures, no thresholds).
"""
import argparse
import glob
import os
import re
import statistics
import subprocess
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import (Machine, HarnessError, build_initramfs, build_guest_initramfs,  # noqa: E402
                          OUT, CACHE, DOM0_MODULES)

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(OUT, "bench-block")
FIGURES = ("seqwrite_mibs", "seqread_mibs", "randread_iops")
CPU = ("dom0_busy_s", "dom0_steal_s", "backend_s", "bk_main_s", "dom0_wall_s", "bench_s")
CFG = """name = "bb"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/bb.gz"
extra = "console=hvc0 rdinit=/bench-init quiet BENCH_MIB=%d BENCH_OPS=%d"
memory = 128
vcpus = 1
disk = ["/root/d.img,raw,xvda,rw"]
on_poweroff = "destroy"
"""
LOG = "/var/log/xen/console/guest-bb.log"
BKLOG = "/var/log/tern/blkback.log"
ORDER = ("tern", "tern-pg", "xen", "xen-pg", "xen-kernel")


def blkbench():
    out = os.path.join(WORK, "blkbench")
    src = os.path.join(HERE, "blkbench.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.check_call(["aarch64-linux-gnu-gcc", "-O2", "-static", "-Wall", "-o", out,
                               src])
    return out


def debian_tool(pkg, path):
    """A program Debian's hotplug scripts need and dom0's busybox lacks (bash, flock): from
    Debian's arm64 package, fetched once with `apt-get download` and unpacked."""
    root = os.path.join(WORK, pkg + "-root")
    exe = os.path.join(root, path)
    if not os.path.exists(exe):
        debs = glob.glob(os.path.join(WORK, "%s_*_arm64.deb" % pkg))
        if not debs:
            subprocess.check_call(["apt-get", "download", "%s:arm64" % pkg], cwd=WORK)
            debs = glob.glob(os.path.join(WORK, "%s_*_arm64.deb" % pkg))
        subprocess.check_call(["dpkg-deb", "-x", debs[0], root])
    return exe


def dom0_files(args, kernel_ref):
    files = {"/bin/bb-cpu": os.path.join(HERE, "cpu-sample"),
             "/guest/bb.gz": build_guest_initramfs(
        modules=["xen-blkfront"], extra_files={"/bin/blkbench": blkbench(),
                                               "/bench-init": os.path.join(HERE,
                                                                           "guest-bench-init")})}
    cfg = os.path.join(WORK, "bb.cfg")
    with open(cfg, "w") as f:
        f.write(CFG % (args.mib, args.ops))
    files["/etc/tern/bb.cfg"] = cfg
    if kernel_ref:
        moddir = glob.glob(os.path.join(CACHE, "kernel", "lib", "modules", "*", "kernel",
                                        "drivers", "block"))[0]
        files["/lib/modules-extra/xen-blkback.ko"] = os.path.join(moddir, "xen-blkback",
                                                                  "xen-blkback.ko")
        files["/bin/bash"] = debian_tool("bash", "bin/bash")
        files["/usr/bin/flock"] = debian_tool("util-linux", "usr/bin/flock")
        libdir = os.path.join(CACHE, "xen-rootfs", "lib", "aarch64-linux-gnu")
        files["/lib/aarch64-linux-gnu/libtinfo.so.6"] = os.path.realpath(
            os.path.join(libdir, "libtinfo.so.6"))
        for s in glob.glob(os.path.join(CACHE, "xen-rootfs", "etc", "xen", "scripts", "*")):
            files["/etc/xen/scripts/" + os.path.basename(s)] = s
    return files


def cpu_sample(m):
    rc, out = m.run("bb-cpu")
    got = re.search(r"BBCPU up=([\d.]+) busy=(\d+) bk=(-?\d+) kbk=(\d+) bkmain=(-?\d+) steal=(\d+)",
                    out)
    if rc != 0 or not got:
        raise HarnessError("bb-cpu: %s" % out[-500:])
    return [float(got.group(1))] + [int(x) for x in got.groups()[1:]]


def cpu_delta(before, after, vals, kernel):
    """Seconds between two cpu_sample()s; backend_s from the kernel threads for xl create
    (Linux's blkback), else from tern-blkback (-1 if it restarted in between)."""
    if kernel:
        backend = (after[3] - before[3]) / 100.0
    elif before[2] < 0 or after[2] < before[2]:
        backend = -1.0
    else:
        backend = (after[2] - before[2]) / 100.0
    main = (after[4] - before[4]) / 100.0 if not kernel and backend >= 0 else -1.0
    return {"dom0_busy_s": (after[1] - before[1]) / 100.0,
            "dom0_steal_s": (after[5] - before[5]) / 100.0, "backend_s": backend,
            "bk_main_s": main,
            "dom0_wall_s": after[0] - before[0],
            "bench_s": sum(float(vals.get(k, 0)) for k in ("seqwrite_s", "seqread_s",
                                                             "randread_s"))}


def run_guest(m, create, label, r, got):
    """Creates the bench guest once (round r); adds its figures to got {figure: [values]}."""
    m.run("rm -f %s" % LOG)
    before = cpu_sample(m)
    rc, out = m.run("%s /etc/tern/bb.cfg 2>&1" % create, timeout=180)
    if rc != 0:
        raise HarnessError("%s: create failed: %s" % (label, out[-1500:]))
    m.run("for i in $(seq 400); do grep -q BLKBENCH-END %s 2>/dev/null && break; "
          "sleep 1; done" % LOG, timeout=450)
    after = cpu_sample(m)
    rc, log = m.run("cat %s" % LOG)
    vals = dict(re.findall(r"BLKBENCH (?:\S+ )?(\w+)=([\d.]+)", log))
    vals.update(re.findall(r"(\w+_(?:mibs|iops))=([\d.]+)", log))
    if "BLKBENCH-END rc=0" not in log or not all(f in vals for f in FIGURES):
        raise HarnessError("%s round %d: no figures:\n%s" % (label, r + 1, log[-2000:]))
    for f in FIGURES:
        got.setdefault(f, []).append(float(vals[f]))
    cpu = cpu_delta(before, after, vals, create.startswith("xl"))
    for f in CPU:
        got.setdefault(f, []).append(cpu[f])
    print("%s round %d: %s %s" % (label, r + 1, " ".join("%s=%s" % (f, vals[f])
                                                          for f in FIGURES),
                                  " ".join("%s=%.2f" % (f, cpu[f]) for f in CPU)),
          flush=True)
    m.run("for i in $(seq 60); do %s list bb >/dev/null 2>&1 || break; sleep 1; done; "
          "%s destroy bb >/dev/null 2>&1; true" % (create.split()[0], create.split()[0]),
          timeout=90)


def start_backend(m, persistent):
    """(Re)starts tern-blkback (supervisor and backend) with --persistent=on|off."""
    m.run_ok("for p in $(pidof tern-blkback); do kill $p; done; "
             "for i in $(seq 50); do pidof tern-blkback >/dev/null || break; sleep 0.2; done; "
             "tern-blkback --persistent=%s && sleep 1 && test -s /run/tern-blkback.pid"
             % ("on" if persistent else "off"), timeout=60)


def run_ours(m, hv, args, configs, results):
    """The hv and hv-pg configs (tern-blkback without and with persistent grants), taking
    turns guest by guest; after each guest, the backend's log lines about its queue."""
    ours = [c for c in (hv, hv + "-pg") if c in configs]
    for r in range(args.rounds):
        for c in (ours if r % 2 == 0 else ours[::-1]):
            start_backend(m, c.endswith("-pg"))
            rc, n = m.run("cat %s 2>/dev/null | wc -l" % BKLOG)
            run_guest(m, "tern create", c, r, results.setdefault(c, {}))
            # where the queue thread spent the guest's life (queue.c's log_time)
            rc, out = m.run("sleep 2; tail -n +%d %s | grep -E 'ms in |persistent grants'"
                            % (int(n.strip() or 0) + 1, BKLOG))
            print("%s round %d: tern-blkback:\n%s" % (c, r + 1, out.strip()), flush=True)


def boot(hv, args, configs, results):
    kernel_ref = hv == "xen" and "xen-kernel" in configs
    initrd = build_initramfs("bench-block-%s" % ("ref" if kernel_ref else "plain"),
                             xen_tools=True, guest=True, modules=DOM0_MODULES + ["loop"],
                             extra_files=dom0_files(args, kernel_ref))
    with Machine(hv=hv, smp=2, initrd=initrd, timeout=3600,
                 log=os.path.join(OUT, "bench-block-%s.log" % hv)) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start >/tmp/xs.log 2>&1 && mkdir -p /root && "
                 "truncate -s %dM /root/d.img" % (args.mib + 64), timeout=180)
        run_ours(m, hv, args, configs, results)
        if kernel_ref:
            m.run_ok("for p in $(pidof tern-blkback); do kill $p; done; sleep 1; "
                     "insmod /lib/modules-extra/xen-blkback.ko; "
                     "mkdir -p /var/run/xen-hotplug /var/lib/xen", timeout=60)
            try:
                for r in range(args.rounds):
                    run_guest(m, "xl create", "xen-kernel", r,
                              results.setdefault("xen-kernel", {}))
            except HarnessError as e:
                results.pop("xen-kernel", None)
                rc, hp = m.run("tail -n 30 /var/log/xen/xen-hotplug.log; "
                               "xenstore-ls /local/domain/0/backend/vbd 2>&1 | tail -n 20")
                print("xen-kernel: %s\nhotplug log and backend nodes:\n%s" % (e, hp))
        m.poweroff()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--ops", type=int, default=2000)
    ap.add_argument("--only", default=",".join(ORDER))
    args = ap.parse_args()
    configs = args.only.split(",")
    os.makedirs(WORK, exist_ok=True)
    results = {}
    if "tern" in configs or "tern-pg" in configs:
        boot("tern", args, configs, results)
    if any(c.startswith("xen") for c in configs):
        boot("xen", args, configs, results)
    med = {c: {f: statistics.median(v) for f, v in r.items()} for c, r in results.items()}
    print("\nmedians of %d rounds, %d MiB sequential (1 MiB requests), %d random 4 KiB reads"
          % (args.rounds, args.mib, args.ops))
    print("%-12s %14s %14s %14s" % ("config", "seqwrite MiB/s", "seqread MiB/s",
                                    "randread IOPS"))
    for c in ORDER:
        if c in med:
            print("%-12s %14.2f %14.2f %14.1f" % ((c,) + tuple(med[c][f] for f in FIGURES)))
    print("\nCPU time per guest (medians): dom0 busy s (all vCPUs), dom0 steal s, backend s "
          "(all threads; -1 for none), its main thread's s, dom0 wall s from "
          "create to BLKBENCH-END, the guest's seconds in the three figures")
    print("%-12s" % "config" + "".join(" %12s" % f for f in CPU))
    for c in ORDER:
        if c in med:
            print("%-12s" % c + "".join(" %12.2f" % med[c][f] for f in CPU))
    for a, b in (("tern-pg", "tern"), ("xen-pg", "xen"), ("tern", "xen"), ("tern", "xen-kernel"),
                 ("xen", "xen-kernel"), ("tern-pg", "xen-kernel"), ("xen-pg", "xen-kernel")):
        if a in med and b in med:
            print("ratio %s/%s: %s" % (a, b, " ".join(
                "%s=%.2f" % (f, med[a][f] / med[b][f]) for f in FIGURES)))
    for c in configs:
        if c not in med:
            print("%s: no figures (see above)" % c)
    return 0 if all(c in med for c in configs) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
