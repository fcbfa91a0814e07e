#!/usr/bin/env python3
"""Credit scheduler on Tern, measured (issue 12), in one boot under
`-icount shift=0,sleep=off` (time is instructions: shares do not depend on the host's load):

 1. two CPU-bound test guests (tern.spin mode) pinned to pCPU 1 by xl.cfg `cpus="1"` with
    `cpu_weight=` 512 and 256 get 2:1 of it within +-5 %, by the hypervisor's accounting
    (getdomaininfo cpu_time, `tern list -l`) and by the work each guest did (its TERN-SPIN
    count); their sum never exceeds one pCPU (a pinned vCPU is never run by the idle pCPU
    0) and `tern vcpu-list` shows them on CPU 1 with affinity "1 / all";
 2. `tern sched-credit -d spin-b -w 1024` at run time turns the split to 1:2;
 3. spin-a paused, `tern sched-credit -d spin-b -c 25`: spin-b gets 25 % +- 3 points;
 4. `tern vcpu-pin spin-b 0 all` unpins it: it moves to the idle pCPU 0;
 5. bad requests (a CPU the host lacks, weight 0, moving dom0's pinned vCPU) fail with a
    message and change nothing;
 6. `tern sched-credit -s -t 10 -r 500` sets Pool-0's slice and rate limit (read back;
    a rate limit above the slice is refused);
 7. xl's per-vCPU lists (cpus = ["1", "0"], cpus_soft = ["1"]) pin each vCPU to its own
    list (a vCPU past the list keeps "all").

dom0's vCPU 1 is taken offline first, so pCPU 1 runs the two guests only.
Exit status: 0 pass, 1 fail, 77 skipped (no QEMU / cache / build outputs).
"""
import os
import re
import shutil
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

GUEST_BIN = os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin")
OUT = os.path.join(BUILDDIR, "tests", "out")
WINDOW_S = 6          # virtual seconds per measurement
# Loop iterations per TERN-SPIN line: 64 ms of one pCPU, so xenconsoled in dom0 has little
# to do (a full console ring would make a guest wait) and dom0 stays responsive.
SPIN_UNIT = 16000000

CFG = """name = "{name}"
kernel = "/guest/tern-testguest.bin"
memory = 32
vcpus = 1
extra = "tern.spin={unit}"
cpus = "1"
cpu_weight = {weight}
on_poweroff = "destroy"
on_crash = "preserve"
"""

# xl's per-vCPU form of cpus=: vCPU 0 on CPU 1, vCPU 1 on CPU 0.
PIN2_CFG = """name = "pin2"
kernel = "/guest/tern-testguest.bin"
memory = 32
vcpus = 2
extra = "tern.spin={unit}"
cpus = ["1", "0"]
cpus_soft = ["1"]
on_poweroff = "destroy"
"""

# In dom0: one line with the uptime, then each domain's cpu_time_ns (one `tern list -l`
# call, in argument order) and its last TERN-SPIN line's unit count and guest time.
SAMPLE = r"""#!/bin/sh
up=$(cut -d' ' -f1 /proc/uptime)
ns=$(tern list -l "$@" | sed -n 's/.*"cpu_time_ns": \([0-9]*\).*/\1/p' | tr '\n' ' ')
line="SAMPLE up=$up ns=$ns"
for d in "$@"; do
    # the last line may still be half written: it is left out
    nt=$(tail -c 400 /var/log/xen/console/guest-$d.log 2>/dev/null | awk 'NR > 1 { print p } { p = $0 }' |
        sed -n 's/.*TERN-SPIN n=\([0-9]*\) t=\([0-9]*\).*/\1:\2/p' | tail -n 1)
    line="$line $d=${nt:-0:0}"
done
echo "$line"
"""

failures = []


def check(ok, what):
    print("%s: %s" % ("PASS" if ok else "FAIL", what))
    if not ok:
        failures.append(what)


def files():
    os.makedirs(OUT, exist_ok=True)
    out = {"/guest/tern-testguest.bin": GUEST_BIN}
    for name, weight in (("spin-a", 512), ("spin-b", 256)):
        path = os.path.join(OUT, "sched-credit-%s.cfg" % name)
        with open(path, "w") as f:
            f.write(CFG.format(name=name, unit=SPIN_UNIT, weight=weight))
        out["/etc/xen/%s.cfg" % name] = path
    path = os.path.join(OUT, "sched-credit-pin2.cfg")
    with open(path, "w") as f:
        f.write(PIN2_CFG.format(unit=SPIN_UNIT))
    out["/etc/xen/pin2.cfg"] = path
    path = os.path.join(OUT, "sched-credit-sample.sh")
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


def window(m, doms, seconds=WINDOW_S):
    """Per domain over one window: share of one pCPU by cpu_time, its cpu ns, and its work
    rate (units per tick of its own clock, between the last TERN-SPIN lines before the two
    samples: exact times, so no rounding to whole units)."""
    up0, ns0, w0 = sample(m, doms)
    m.run_ok("sleep %d" % seconds, timeout=600)
    up1, ns1, w1 = sample(m, doms)
    span = (up1 - up0) * 1e9
    shares = [(b - a) / span for a, b in zip(ns0, ns1)]
    cpu = [b - a for a, b in zip(ns0, ns1)]
    rate = [(b[0] - a[0]) / (b[1] - a[1]) if b[1] > a[1] else 0.0 for a, b in zip(w0, w1)]
    print("  window %.2f s: " % (span / 1e9) + ", ".join(
        "%s %.2f %% (%d units)" % (d, 100 * s, b[0] - a[0])
        for d, s, a, b in zip(doms, shares, w0, w1)))
    return shares, rate, cpu


def vcpu_rows(m):
    """{name: (cpu, affinity)} from `tern vcpu-list`."""
    rc, out = m.run("tern vcpu-list")
    rows = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 9 and f[0].startswith("spin-"):
            rows[f[0]] = (f[3], " ".join(f[6:]))
    return rows


def ratio_ok(a, b, want):
    return b > 0 and abs(a / b / want - 1) <= 0.05


def run(m):
    m.wait_for_shell(timeout=600)
    m.run_ok("tern-xen-start", timeout=600)
    m.run_ok("echo 0 > /sys/devices/system/cpu/cpu1/online")
    for d in ("spin-a", "spin-b"):
        m.run_ok("tern create /etc/xen/%s.cfg" % d, timeout=300)
    doms = ["spin-a", "spin-b"]
    for _ in range(60):
        if min(n for n, _ in sample(m, doms)[2]) > 1:
            break
        m.run("sleep 1")
    rows = vcpu_rows(m)
    check(all(rows.get(d, ("", ""))[0] == "1" and rows[d][1] == "1 / all" for d in doms),
          "cpus=\"1\": both on CPU 1, affinity \"1 / all\" (%s)" % rows)
    rc, out = m.run("tern sched-credit")
    check(rc == 0 and re.search(r"^spin-a\s+\d+\s+512\s+0$", out, re.M) is not None and
          "Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us" in out,
          "sched-credit lists spin-a with weight 512 and the pool parameters")

    shares, work, cpu = window(m, doms)
    check(ratio_ok(cpu[0], cpu[1], 2.0), "512:256 by cpu_time: %.3f:1 (2:1 +-5 %%)"
          % (cpu[0] / cpu[1]))
    check(ratio_ok(work[0], work[1], 2.0), "512:256 by work done: %.3f:1 (2:1 +-5 %%)"
          % (work[0] / max(work[1], 1e-12)))
    check(0.9 <= sum(shares) <= 1.02, "both pinned to pCPU 1: together %.1f %% of one pCPU"
          % (100 * sum(shares)))
    rows = vcpu_rows(m)
    check(all(rows.get(d, ("",))[0] == "1" for d in doms), "still on CPU 1 (%s)" % rows)

    m.run_ok("tern sched-credit -d spin-b -w 1024")
    rc, out = m.run("tern sched-credit -d spin-b")
    check(re.search(r"^spin-b\s+\d+\s+1024\s+0$", out, re.M) is not None,
          "sched-credit -d spin-b shows weight 1024")
    m.run_ok("sleep 1")
    shares, work, cpu = window(m, doms)
    check(ratio_ok(cpu[1], cpu[0], 2.0), "after -w 1024, 512:1024 by cpu_time: 1:%.3f"
          % (cpu[1] / cpu[0]))
    check(ratio_ok(work[1], work[0], 2.0), "after -w 1024, by work done: 1:%.3f"
          % (work[1] / max(work[0], 1e-12)))
    check(sum(shares) <= 1.02, "still within one pCPU: %.1f %%" % (100 * sum(shares)))

    m.run_ok("tern pause spin-a")
    m.run_ok("tern sched-credit -d spin-b -c 25")
    m.run_ok("sleep 1")
    shares, _, cpu = window(m, ["spin-b"])
    check(abs(shares[0] - 0.25) <= 0.03, "cap 25 on an otherwise idle pCPU: %.1f %% (25 +-3)"
          % (100 * shares[0]))

    # Refused, nothing changed:
    rc, out = m.run("tern vcpu-pin spin-a 0 7")
    check(rc != 0 and "does not exist" in out, "vcpu-pin to a CPU the host lacks: refused")
    rc, out = m.run("tern sched-credit -d spin-a -w 0")
    check(rc != 0 and "weight" in out, "weight 0: refused")
    rc, out = m.run("tern vcpu-pin 0 0 1")
    check(rc != 0, "moving dom0's pinned vCPU 0: refused")
    rc, out = m.run("tern sched-credit -d spin-a")
    check(re.search(r"^spin-a\s+\d+\s+512\s+0$", out, re.M) is not None,
          "spin-a still has weight 512, cap 0")

    # Unpinned, spin-b may run anywhere: the idle pCPU 0 takes it from pCPU 1.
    m.run_ok("tern sched-credit -d spin-b -c 0")
    m.run_ok("tern unpause spin-a")
    m.run_ok("tern vcpu-pin spin-b 0 all")
    m.run_ok("sleep 1")
    rows = vcpu_rows(m)
    check(rows.get("spin-b", ("",))[0] == "0" and rows["spin-b"][1] == "all / all" and
          rows.get("spin-a", ("",))[0] == "1",
          "unpinned spin-b moved to the idle pCPU 0 (%s)" % rows)
    for d in ("spin-b", "spin-a"):
        m.run("tern destroy %s" % d, timeout=300)

    # Pool-0's slice and rate limit, as `xl sched-credit -s -t -r`; then back to Xen's.
    m.run_ok("tern sched-credit -s -t 10 -r 500")
    rc, out = m.run("tern sched-credit -s")
    check(rc == 0 and "tslice=10ms ratelimit=500us" in out, "-s -t 10 -r 500 taken: %s"
          % out.strip())
    rc, out = m.run("tern sched-credit -s -t 1 -r 2000")
    check(rc != 0, "a rate limit above the slice is refused: %s" % out.strip())
    m.run_ok("tern sched-credit -s -t 30 -r 1000")
    rc, out = m.run("tern sched-credit -s")
    check("tslice=30ms ratelimit=1000us" in out, "back to 30 ms / 1000 us: %s" % out.strip())

    # cpus = ["1", "0"], cpus_soft = ["1"]: one list per vCPU, as xl; past the list "all".
    m.run_ok("tern create /etc/xen/pin2.cfg", timeout=300)
    rc, out = m.run("tern vcpu-list pin2")
    aff = {f[2]: " ".join(f[6:]) for f in (l.split() for l in out.splitlines())
           if len(f) >= 9 and f[0] == "pin2"}
    check(rc == 0 and aff.get("0") == "1 / 1" and aff.get("1") == "0 / all",
          "per-vCPU cpus lists: vCPU 0 \"1 / 1\", vCPU 1 \"0 / all\" (%s)" % aff)
    m.run("tern destroy pin2", timeout=300)
    m.poweroff()


def main():
    cache = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
    for need in (os.path.join(cache, "xen-rootfs"), os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 GUEST_BIN, os.path.join(BUILDDIR, "aarch64", "bin", "tern")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return 77
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        return 77
    initrd = build_initramfs("sched-credit", xen_tools=True, extra_files=files())
    log = os.path.join(OUT, "sched-credit.log")
    try:
        with Machine(hv="tern", smp=2, initrd=initrd, icount=True, timeout=1800, log=log) as m:
            run(m)
    except HarnessError as e:
        print("FAIL: %s (console: %s)" % (e, log))
        return 1
    if failures:
        print("FAIL: %d check(s) failed (console: %s)" % (len(failures), log))
        return 1
    print("PASS: sched-credit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
