#!/usr/bin/env python3
"""Conformance suite on Tern: boot tern.bin + Debian's dom0 in QEMU, start the Tern test
guest with our toolstack (`tern create`, through tests/guest/tg-dom0.sh with TG_XL=tern;
Xen's xenstored and xenconsoled serve it), alone and then as the two-guest pair, and
compare its TERN-TEST results with the oracle recorded from Tern,
tests/guest/expected/tern.txt.  Any difference from that oracle fails.

Every difference between Tern's oracle and real Xen's (tests/guest/expected/xen-4.17.txt)
is printed as well, as information: docs/conformance.md explains each one.

    tests/system/guest-conformance-tern.py            # compare (make check runs this)
    tests/system/guest-conformance-tern.py --record   # rewrite tern.txt from this run

The oracle only holds what is the same run to run (results and return values, never
domids, ports or addresses), so the comparison is deterministic.
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

EXPECTED = os.path.join(SRCDIR, "tests", "guest", "expected", "tern.txt")
XEN_EXPECTED = os.path.join(SRCDIR, "tests", "guest", "expected", "xen-4.17.txt")
HEADER = [
    "Oracle: what Tern (hypervisor/tern.bin) answers to the Tern test guest's conformance",
    "cases (tests/guest/*.c) under QEMU virt (GICv3, TCG, -smp 2); domUs of 32 MiB, 1 vCPU,",
    "started by `tern create` (TG_XL=tern) with Xen's xenstored and xenconsoled in dom0.",
    "Single-guest suite, then the two-guest run (XSM SILO semantics, as Debian's Xen).",
    "a.* / b.*: the two guests of the two-guest run (b offers, a connects).",
    "Differences from xen-4.17.txt: docs/conformance.md.",
    "Regenerate: tests/system/guest-conformance-tern.py --record"]


def run_on_tern(tgr, log):
    """One boot of Tern: the single-guest suite, then the pair; {label: console}."""
    out = {}
    with tgr.machine("tern", log=log, timeout=2400, initrd=tgr.initramfs()) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start", timeout=300)
        out.update(tgr.run_in(m, "solo", "", toolstack="tern"))
        out.update(tgr.run_in(m, "pair", "", toolstack="tern"))
        m.poweroff()
    return out


def main():
    record = "--record" in sys.argv[1:]
    cache = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
    for need in (os.path.join(cache, "xen-rootfs"), os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin"),
                 os.path.join(BUILDDIR, "aarch64", "bin", "tern")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return 77
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        return 77
    import tern_guest_run as tgr
    from expected_results import compare, format_expected, load_expected

    log = os.path.join(BUILDDIR, "tests", "out", "guest-conformance-tern.log")
    try:
        consoles = run_on_tern(tgr, log)
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
            f.write(format_expected(results, HEADER))
        print("recorded %d cases in %s" % (len(results), EXPECTED))
    else:
        diffs = compare(load_expected(EXPECTED), results)
        for d in diffs:
            print("DIFF: " + d)
        print("%d cases, %d differences from %s" % (len(results), len(diffs), EXPECTED))
        if diffs:
            return 1
    # Information: where Tern answers otherwise than real Xen (docs/conformance.md).
    xen = compare(load_expected(XEN_EXPECTED), results)
    print("%d differences from Xen 4.17 (docs/conformance.md, Tern column):" % len(xen))
    for d in xen:
        print("  vs Xen: " + d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
