#!/usr/bin/env python3
"""Wake-up boost on Tern (issue 12): a guest answering event-channel pings while CPU hogs
share its pCPU replies within BOOST_P99_US when credit's boost is on, and waits for a
slice without it.  Two boots (in parallel when two QEMU slots are free), the same scenario:
Tern's default and `sched_credit_boost=0` on the hypervisor command line.

Under `-icount shift=0,sleep=off` the times are instruction-clock times (1 instruction =
1 ns of the virtual counter), deterministic up to the order of the host's events: this is
a behaviour check of boost, not a speed benchmark (bench/sched/run.py has the figures
against Xen).

In each boot dom0's vCPU 1 is taken offline and pCPU 1 runs three test guests pinned there
(xl.cfg `cpus = "1"`): two CPU-bound ones (tern.spin; cpu_weight 512 and 256) and `pong`
(256, tern.pong=1: blocks in SCHEDOP_poll and answers each event with one back).  dom0's
tern-evping (bench/sched/evping.c) pings pong PINGS times, one every 5 ms, and times each
round trip dom0 -> pong -> dom0.  With two hogs the woken pong is not ahead of them by its
credit alone (with one hog it is: UNDER against an OVER hog preempts at once, boost or
not), so boost is what makes the difference.  Checks:

 - no ping lost in either boot;
 - with boost, p90 < BOOST_P90_US (measured about 5.5 us: the wake-up preempts the hog at
   once, past the 1 ms rate limit, as the hog has mostly run longer than that), and at most
   BOOST_OVER_1MS_MAX pings (5 %) of 1 ms or more.  Not p99: a ping that comes less than
   1 ms after a hog's slice began waits for the rest of that millisecond by design (0.67 ms
   seen), and some runs have a few pings (4-7 of 200) at 4.0 ms, one tick of dom0's Linux,
   not explained yet (docs/hypervisor/scheduler.md); without boost nearly every ping waits
   tens of ms, so the count still tells the two apart;
 - without boost, p50 >= NOBOOST_P50_MIN_US and at least RATIO times the boosted p50
   (pong waits for the running hog's turn to end: tens of ms).

Why the hogs are paused and unpaused CREDIT_FILL times before the pings: a woken pong that
is UNDER still preempts a hog that is OVER (credit1's priorities, boost or not); only a hog
that is UNDER keeps it waiting.  Two hogs that keep the pCPU busy are handed, each period,
what they burn, so the sum of their credits stays where their creation left it (it depends
on where in an accounting period each started): judged by the mean wait, the running hog
was UNDER at about 58 and 68 % of the pings in two earlier runs, and at about 45 % in the CI
run of 6 Dec, whose no-boost p50 of 22 us failed the check.  A hog that ran in a period and then sat paused across its accounting is
paid its share without burning it, so a few such cycles bring both hogs to the upper bound
(one period of credit); from there each period's pay is clipped back to that bound, and the
running hog stays UNDER: a deterministic start for both boots.

Exit status: 0 pass, 1 fail, 77 skipped (no QEMU / cache / build outputs).
"""
import os
import re
import shutil
import sys
import threading

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

GUEST_BIN = os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin")
OUT = os.path.join(BUILDDIR, "tests", "out")
PINGS = 200
INTERVAL_US = 5000
BOOST_P90_US = 50.0          # a boosted wake-up: at once, far under the rate limit
BOOST_OVER_1MS_MAX = PINGS // 20  # boosted pings past the rate limit: at most 5 %
NOBOOST_P50_MIN_US = 1000.0  # without boost: at least the rate limit, in fact a slice
RATIO = 100
CREDIT_FILL = 6              # pause cycles that bring both hogs' credit to the top
CREDIT_FILL_PAUSE_US = 60000 # longer than an accounting period (30 ms)
SPIN_UNIT = 16000000         # as sched-credit.py: 64 ms of work per TERN-SPIN line

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
BOOTS = (("boost", ""), ("noboost", "sched_credit_boost=0"))


def files():
    os.makedirs(OUT, exist_ok=True)
    out = {"/guest/tern-testguest.bin": GUEST_BIN}
    for name, weight, extra in GUESTS:
        path = os.path.join(OUT, "sched-wake-%s.cfg" % name)
        with open(path, "w") as f:
            f.write(CFG.format(name=name, weight=weight, extra=extra))
        out["/etc/xen/%s.cfg" % name] = path
    return out


def evping_parse(out):
    hit = re.search(r"EVPING n=(\d+) lost=(\d+) p50_us=([\d.]+) p90_us=([\d.]+) "
                    r"p99_us=([\d.]+) max_us=([\d.]+) mean_us=([\d.]+) over_1ms=(\d+)", out)
    if not hit:
        return None
    keys = ("n", "lost", "p50_us", "p90_us", "p99_us", "max_us", "mean_us", "over_1ms")
    return dict(zip(keys, (float(v) for v in hit.groups())))


def scenario(m, hv_extra):
    m.wait_for_shell(timeout=900)
    m.run_ok("tern-xen-start", timeout=900)
    m.run_ok("echo 0 > /sys/devices/system/cpu/cpu1/online")
    rc, out = m.run("xl info | grep xen_commandline", timeout=120)
    if hv_extra and hv_extra not in out:
        raise HarnessError("%s not on the hypervisor command line: %s" % (hv_extra, out))
    for name, _, _ in GUESTS:
        m.run_ok("tern create /etc/xen/%s.cfg" % name, timeout=300)
    d = int(m.run_ok("tern domid pong").strip().splitlines()[-1])
    port = None
    for _ in range(120):
        rc, out = m.run("xenstore-read /local/domain/%d/data/pong-port" % d, timeout=60)
        if rc == 0 and out.strip().splitlines()[-1].isdigit():
            port = int(out.strip().splitlines()[-1])
            break
        m.run("sleep 1")
    if port is None:
        raise HarnessError("pong did not publish its port")
    # Credit at the top for both hogs, whatever it was (see CREDIT_FILL above).
    m.run_ok("for i in $(seq %d); do tern pause spin-a; tern pause spin-b; usleep %d; "
             "tern unpause spin-a; tern unpause spin-b; usleep 10000; done"
             % (CREDIT_FILL, CREDIT_FILL_PAUSE_US), timeout=600)
    m.run_ok("sleep 2")  # the hogs have run past the rate limit and an accounting
    rc, out = m.run("tern-evping %d %d %d %d" % (d, port, PINGS, INTERVAL_US), timeout=1800)
    res = evping_parse(out)
    if rc or res is None:
        raise HarnessError("tern-evping failed (rc=%d): %s" % (rc, out))
    m.run("xl debug-keys r; xl dmesg | tail -n 30", timeout=120)  # to the log: credit, BOOST
    m.poweroff()
    return res


def boot(name, hv_extra, initrd, results):
    log = os.path.join(OUT, "sched-wake-%s.log" % name)
    try:
        with Machine(hv="tern", smp=2, initrd=initrd, icount=True, timeout=2400, log=log,
                     hv_extra=hv_extra) as m:
            results[name] = scenario(m, hv_extra)
    except HarnessError as e:
        results[name] = "%s (console: %s)" % (e, log)
    print("[%s] %s" % (name, results[name]), flush=True)


def main():
    cache = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
    for need in (os.path.join(cache, "xen-rootfs"), os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 GUEST_BIN, os.path.join(BUILDDIR, "aarch64", "bin", "tern-evping")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return 77
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        return 77
    initrd = build_initramfs("sched-wake", xen_tools=True, extra_files=files())
    results = {}
    threads = [threading.Thread(target=boot, args=(n, x, initrd, results)) for n, x in BOOTS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [n for n, _ in BOOTS if not isinstance(results.get(n), dict)]
    if bad:
        for n in bad:
            print("FAIL: %s boot: %s" % (n, results.get(n)))
        return 1
    on, off = results["boost"], results["noboost"]
    failures = []

    def check(ok, what):
        print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)
        if not ok:
            failures.append(what)

    print("FIGURE sched_wake_boost_p50_us=%.1f p99_us=%.1f max_us=%.1f over_1ms=%d "
          "noboost_p50_us=%.1f p99_us=%.1f max_us=%.1f pings=%d (virtual time, -icount)"
          % (on["p50_us"], on["p99_us"], on["max_us"], on["over_1ms"], off["p50_us"],
             off["p99_us"], off["max_us"], PINGS), flush=True)
    check(on["n"] == PINGS and off["n"] == PINGS and not on["lost"] and not off["lost"],
          "every ping answered (boost %d/%d, no boost %d/%d)"
          % (on["n"], PINGS, off["n"], PINGS))
    check(on["p90_us"] < BOOST_P90_US, "with boost p90 %.1f us < %.0f us (p50 %.1f us)"
          % (on["p90_us"], BOOST_P90_US, on["p50_us"]))
    check(on["over_1ms"] <= BOOST_OVER_1MS_MAX,
          "with boost %d of %d pings took 1 ms (the rate limit) or more, at most %d "
          "(p99 %.1f us, max %.1f us)"
          % (on["over_1ms"], PINGS, BOOST_OVER_1MS_MAX, on["p99_us"], on["max_us"]))
    check(off["p50_us"] >= NOBOOST_P50_MIN_US and off["p50_us"] >= RATIO * on["p50_us"],
          "without boost p50 %.1f us >= %.0f us and >= %d x the boosted p50 (%.0f x)"
          % (off["p50_us"], NOBOOST_P50_MIN_US, RATIO, off["p50_us"] / max(on["p50_us"], 1e-9)))
    if failures:
        print("FAIL: %d check(s) failed (consoles: tests/out/sched-wake-*.log)" % len(failures))
        return 1
    print("PASS: sched-wake")
    return 0


if __name__ == "__main__":
    sys.exit(main())
