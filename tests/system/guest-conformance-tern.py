#!/usr/bin/env python3
"""Conformance suite on Tern: boot tern.bin + Debian's dom0 in QEMU, start the Tern test
guest with our toolstack (`tern create`, through tests/guest/tg-dom0.sh with TG_XL=tern;
Xen's xenstored and xenconsoled serve it), alone and then as the two-guest pair, and
compare its TERN-TEST results with the oracles recorded from Tern.  Two boots, as
guest-conformance-xen.py does on Xen:
  tern.txt                Tern as it boots by default (xsm=silo: domUs may only talk to
                          dom0), single-guest suite + two-guest run (refusals recorded);
  tern-xsm-dummy.txt      Tern booted with xsm=dummy: the two-guest exchange itself.
Any difference from those oracles fails.

Every difference between Tern's oracles and real Xen's (tests/guest/expected/xen-4.17.txt,
xen-4.17-xsm-dummy.txt) is printed as well, as information: docs/conformance.md explains
each one.

    tests/system/guest-conformance-tern.py            # compare (make check runs this)
    tests/system/guest-conformance-tern.py --record   # rewrite the oracles from this run
    ... [--only tern-xsm-dummy.txt]                    # one of the two boots

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

EXPECTED_DIR = os.path.join(SRCDIR, "tests", "guest", "expected")
# (Tern's oracle, Tern options, run the single-guest suite?, Xen's oracle, header line)
RUNS = [("tern.txt", "", True, "xen-4.17.txt",
         "Single-guest suite, then the two-guest run (xsm=silo, the default: as Debian's Xen)."),
        ("tern-xsm-dummy.txt", "xsm=dummy", False, "xen-4.17-xsm-dummy.txt",
         "Tern booted with xsm=dummy (domUs may share grants and event channels); two guests.")]
HEADER = [
    "Oracle: what Tern (hypervisor/tern.bin) answers to the Tern test guest's conformance",
    "cases (tests/guest/*.c) under QEMU virt (GICv3, TCG, -smp 2); domUs of 32 MiB, 1 vCPU,",
    "started by `tern create` (TG_XL=tern) with Xen's xenstored and xenconsoled in dom0.",
    None,  # the run's own line
    "a.* / b.*: the two guests of the two-guest run (b offers, a connects).",
    "Differences from Xen's oracle of the same boot: docs/conformance.md.",
    "Regenerate: tests/system/guest-conformance-tern.py --record"]


def run_on_tern(tgr, log, hv_extra, solo):
    """One boot of Tern: the single-guest suite (if solo), then the pair; {label: console}."""
    out = {}
    with tgr.machine("tern", log=log, timeout=2400, initrd=tgr.initramfs(),
                     hv_extra=hv_extra) as m:
        m.wait_for_shell(timeout=300)
        if hv_extra:
            # The policy in force is in the hypervisor's log (xl dmesg / tern dmesg).
            m.run_ok("tern dmesg | grep 'XSM: xsm=dummy'", timeout=60)
        m.run_ok("tern-xen-start", timeout=300)
        if solo:
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

    failed = False
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    for fname, hv_extra, solo, xen_fname, what in RUNS:
        if only and fname != only:
            continue
        path = os.path.join(EXPECTED_DIR, fname)
        log = os.path.join(BUILDDIR, "tests", "out", "guest-conformance-%s.log"
                           % fname.replace(".txt", ""))
        print("== %s: %s" % (fname, what))
        try:
            consoles = run_on_tern(tgr, log, hv_extra, solo)
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
                f.write(format_expected(results, [h if h else what for h in HEADER]))
            print("recorded %d cases in %s" % (len(results), path))
        else:
            diffs = compare(load_expected(path), results)
            for d in diffs:
                print("DIFF: " + d)
            print("%d cases, %d differences from %s" % (len(results), len(diffs), path))
            if diffs:
                failed = True
                continue
        # Information: where Tern answers otherwise than real Xen (docs/conformance.md).
        xen = compare(load_expected(os.path.join(EXPECTED_DIR, xen_fname)), results)
        print("%d differences from Xen 4.17 (%s; docs/conformance.md, Tern column):"
              % (len(xen), xen_fname))
        for d in xen:
            print("  vs Xen: " + d)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
