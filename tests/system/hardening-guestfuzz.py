#!/usr/bin/env python3
"""Issue 13: an unprivileged domU throwing random hypercalls cannot stop Tern.

The Tern test guest in fuzz mode (guest-pv/testguest/kernel/fuzz.c, tern.fuzz=N) issues
N random hypercalls (numbers, sub-ops, argument words, pointers, counts, domids,
multicall batches; seeded, so a run reproduces).  It must finish, every call that must be
refused (unknown numbers, privileged hypercalls) must have been answered with an error
code, and afterwards dom0 answers, a new guest can be created and runs its cases, and
the machine powers off cleanly.

    tests/system/hardening-guestfuzz.py                 # Tern, 10^6 calls (make check)
    tests/system/hardening-guestfuzz.py --hv xen -n N   # the same campaign on Xen 4.17
Figures (calls, seconds, answers) are printed; no timing is checked.
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


def fuzz_initramfs(tgr):
    files = {"/guest/tern-testguest.bin": tgr.GUEST_BIN,
             "/usr/local/bin/tg": os.path.join(tgr.HERE, "tg-dom0.sh"),
             "/usr/local/bin/tg-fuzz": os.path.join(SRCDIR, "tests", "fuzz", "tg-fuzz.sh")}
    for cfg in os.listdir(tgr.XL_DIR):
        files["/etc/xen/" + cfg] = os.path.join(tgr.XL_DIR, cfg)
    return tgr.build_initramfs("hardening-guestfuzz", xen_tools=True, extra_files=files)


def campaign(tgr, hv, calls, seed, log):
    toolstack = "tern" if hv == "tern" else None
    xl = "TG_XL=tern " if toolstack else ""
    with tgr.machine(hv, log=log, timeout=600 + calls // 1000,
                     initrd=fuzz_initramfs(tgr)) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start", timeout=300)
        t0 = time.time()
        rc, out = m.run("%stg-fuzz %d %d" % (xl, calls, seed), timeout=300 + calls // 1000)
        wall = time.time() - t0
        con = tgr.consoles(out).get("fuzz", "")
        done = re.search(r"TERN-FUZZ-DONE calls=(\d+) ok=(\d+) refused=(\d+) "
                         r"bad-refusals=(\d+) ticks=(\d+) freq=(\d+)", con)
        answers = re.search(r"TERN-FUZZ rc (.*)", con)
        if rc != 0 or not done:
            raise tgr.HarnessError("%s: the fuzzing guest did not finish (rc %d):\n%s"
                                   % (hv, rc, out[-3000:]))
        n, ok, refused, bad, ticks, freq = (int(x) for x in done.groups())
        print("%s: %d calls seed %d in %.1f s (guest clock; %.1f s wall for create+run+destroy):"
              " ok %d refused %d bad-refusals %d" % (hv, n, seed, ticks / freq, wall, ok, refused,
                                                    bad))
        print("%s: answers %s" % (hv, answers.group(1).strip() if answers else "?"))
        for l in con.splitlines():
            if "bad-refusal nr" in l:
                print("%s: %s" % (hv, l.strip()))
        # Still alive: dom0 answers, a new guest is created and runs cases, clean poweroff.
        rc2, alive = m.run("echo alive-$((6*7))")
        after = tgr.run_in(m, "solo", "xen_version,evtchn_loopback", toolstack=toolstack)
        res, summary = tgr.parse_results(after.get("solo", ""))
        status = m.poweroff()
    if n != calls or bad:
        raise tgr.HarnessError("%s: %d calls made, %d refusals missing" % (hv, n, bad))
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
    ap.add_argument("-n", "--calls", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    for need in (os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin"),
                 os.path.join(os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache")),
                              "xen-rootfs")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return SKIP
    import tern_guest_run as tgr
    log = os.path.join(BUILDDIR, "tests", "out", "hardening-guestfuzz-%s.log" % args.hv)
    try:
        campaign(tgr, args.hv, args.calls, args.seed, log)
    except tgr.HarnessError as e:
        print("FAIL:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
