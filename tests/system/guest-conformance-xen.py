#!/usr/bin/env python3
"""Conformance suite on real Xen 4.17: boot Debian's Xen + dom0 in QEMU, start the Tern
test guest with Debian's xl (alone, then two of them talking to each other), and compare
their TERN-TEST results with the oracles in tests/guest/expected/.  Any difference (result
or recorded return values) fails.  Two boots:
  xen-4.17.txt            Debian's Xen as configured (XSM SILO: domUs may only talk to dom0),
                          single-guest suite + two-guest run (refusals recorded);
  xen-4.17-xsm-dummy.txt  the same Xen with xsm=dummy: the two-guest exchange itself.

    tests/system/guest-conformance-xen.py            # compare (make check runs this)
    tests/system/guest-conformance-xen.py --record   # rewrite the oracles from this run
    ... [--only xen-4.17-xsm-dummy.txt]               # one of the two boots

Exit status: 0 identical, 1 different or broken, 77 skipped (no QEMU / cache / guest).
"""
import os
import shutil
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "guest"))

EXPECTED_DIR = os.path.join(SRCDIR, "tests", "guest", "expected")
# (oracle file, Xen options, run the single-guest suite?, header line)
RUNS = [("xen-4.17.txt", "", True,
         "Xen as Debian configures it (XSM SILO); single-guest suite and two-guest run."),
        ("xen-4.17-xsm-dummy.txt", "xsm=dummy", False,
         "Xen booted with xsm=dummy (domUs may share grants and event channels); two guests.")]


def main():
    record = "--record" in sys.argv[1:]
    cache = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
    for need in (os.path.join(cache, "boot", "xen"), os.path.join(cache, "xen-rootfs"),
                 os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return 77
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        return 77
    import tern_guest_run as tgr
    from expected_results import compare, format_expected, load_expected

    failed = False
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    for fname, hv_extra, solo, what in RUNS:
        if only and fname != only:
            continue
        path = os.path.join(EXPECTED_DIR, fname)
        log = os.path.join(BUILDDIR, "tests", "out", "guest-conformance-%s.log"
                           % fname.replace(".txt", ""))
        print("== %s: %s" % (fname, what))
        try:
            consoles = tgr.run_suite(hv="xen", log=log, solo=solo, hv_extra=hv_extra)
        except tgr.HarnessError as e:
            print("FAIL: %s" % e)
            failed = True
            continue
        results, problems = tgr.suite_results(consoles)
        for r in results:
            print("%-26s %-5s %s" % (r["case"], r["result"], r["detail"]))
        if problems:
            for p in problems:
                print("FAIL: " + p)
            failed = True
            continue
        if record:
            with open(path, "w") as f:
                f.write(format_expected(results, [
                    "Oracle: what Debian's Xen 4.17.7 (xen-hypervisor-4.17-arm64) answers to the",
                    "Tern test guest's conformance cases (tests/guest/*.c) under QEMU virt (GICv3,",
                    "TCG); domUs of 32 MiB, 1 vCPU, started by Debian's xl.  " + what,
                    "a.* / b.*: the two guests of the two-guest run (b offers, a connects).",
                    "Regenerate: tests/system/guest-conformance-xen.py --record"]))
            print("recorded %d cases in %s" % (len(results), path))
            continue
        diffs = compare(load_expected(path), results)
        for d in diffs:
            print("DIFF: " + d)
        print("%d cases, %d differences from %s" % (len(results), len(diffs), path))
        failed = failed or bool(diffs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
