#!/usr/bin/env python3
"""Conformance suite on real Xen 4.17: boot Debian's Xen + dom0 in QEMU, start the Tern
test guest with Debian's xl (alone, then two of them talking to each other), and compare
their TERN-TEST results with the oracle tests/guest/expected/xen-4.17.txt.  Any difference
(result or recorded return values) fails.

    tests/system/guest-conformance-xen.py            # compare (make check runs this)
    tests/system/guest-conformance-xen.py --record   # rewrite the oracle from this run

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

EXPECTED = os.path.join(SRCDIR, "tests", "guest", "expected", "xen-4.17.txt")


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

    log = os.path.join(BUILDDIR, "tests", "out", "guest-conformance-xen.log")
    try:
        consoles = tgr.run_suite(hv="xen", log=log)
    except tgr.HarnessError as e:
        print("FAIL: %s" % e)
        return 1
    results, problems = tgr.suite_results(consoles)
    for r in results:
        print("%-26s %-5s %s" % (r["case"], r["result"], r["detail"]))
    if problems:
        for p in problems:
            print("FAIL: " + p)
        return 1
    if record:
        with open(EXPECTED, "w") as f:
            f.write(format_expected(results, [
                "Oracle: what Debian's Xen 4.17.7 (xen-hypervisor-4.17-arm64) answers to the",
                "Tern test guest's conformance cases (tests/guest/*.c), single-guest run under",
                "QEMU virt (GICv3, TCG), domUs of 32 MiB, 1 vCPU, started by Debian's xl;",
                "a.* / b.*: the two guests of the two-guest run (b offers, a connects).",
                "Regenerate: tests/system/guest-conformance-xen.py --record"]))
        print("recorded %d cases in %s" % (len(results), EXPECTED))
        return 0
    diffs = compare(load_expected(EXPECTED), results)
    for d in diffs:
        print("DIFF: " + d)
    print("%d cases, %d differences from %s" % (len(results), len(diffs), EXPECTED))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
