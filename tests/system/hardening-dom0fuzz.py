#!/usr/bin/env python3
"""Issue 13: random hypercalls from dom0 userspace cannot stop Tern.

hv-fuzz-dom0 fuzz (tests/fuzz/hv-fuzz-dom0.c) issues N random hypercalls through
/dev/xen/privcmd, one process per dom0 vCPU at the same time, leaving out only what
legitimately stops dom0 or the machine (its fuzz_allowed() lists them).  Afterwards dom0
answers, a new guest can be created and runs its cases, and the machine powers off
cleanly.

    tests/system/hardening-dom0fuzz.py                  # Tern, 10^5 calls (make check)
    tests/system/hardening-dom0fuzz.py --hv xen -n N    # the same campaign on Xen 4.17
Figures are printed; no timing is checked.
"""
import argparse
import os
import re
import sys
import time

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "guest"))

SKIP = 77


def campaign(tgr, hv, calls, seed, log):
    toolstack = "tern" if hv == "tern" else None
    with tgr.machine(hv, log=log, timeout=900 + calls // 100,
                     initrd=tgr.initramfs("hardening-dom0fuzz")) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start", timeout=300)
        t0 = time.time()
        rc, out = m.run("hv-fuzz-dom0 fuzz %d %d" % (calls, seed), timeout=300 + calls // 100)
        wall = time.time() - t0
        for l in out.splitlines():
            if l.startswith("FUZZ"):
                print("%s: %s" % (hv, l.strip()))
        done = re.search(r"FUZZ done calls=(\d+) processes-failed=(\d+)", out)
        if rc != 0 or not done or int(done.group(1)) != calls:
            raise tgr.HarnessError("%s: the campaign did not finish (rc %d):\n%s"
                                   % (hv, rc, out[-3000:]))
        print("%s: %d calls from dom0 in %.1f s (wall)" % (hv, calls, wall))
        rc2, alive = m.run("echo alive-$((6*7))")
        after = tgr.run_in(m, "solo", "xen_version,evtchn_loopback", toolstack=toolstack)
        res, summary = tgr.parse_results(after.get("solo", ""))
        status = m.poweroff()
    if rc2 != 0 or "alive-42" not in alive:
        raise tgr.HarnessError("%s: dom0 does not answer after the campaign" % hv)
    if not summary or not res or summary["fail"] or summary["error"]:
        raise tgr.HarnessError("%s: the guest created afterwards did not run its cases: %s"
                               % (hv, after))
    if status != 0:
        raise tgr.HarnessError("%s: poweroff exit status %s" % (hv, status))
    print("%s: alive afterwards: dom0 answers, a new guest ran %d cases, clean poweroff"
          % (hv, len(res)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hv", default="tern", choices=("tern", "xen"))
    ap.add_argument("-n", "--calls", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    for need in (os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 os.path.join(BUILDDIR, "aarch64", "bin", "hv-fuzz-dom0"),
                 os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin"),
                 os.path.join(os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache")),
                              "xen-rootfs")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return SKIP
    import tern_guest_run as tgr
    log = os.path.join(BUILDDIR, "tests", "out", "hardening-dom0fuzz-%s.log" % args.hv)
    try:
        campaign(tgr, args.hv, args.calls, args.seed, log)
    except tgr.HarnessError as e:
        print("FAIL:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
