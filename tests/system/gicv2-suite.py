#!/usr/bin/env python3
"""The GICv3 system tests of dom0 boot, the toolstack and the conformance suite, run again on
a GICv2 board (issue 14): each of

    tests/system/hypervisor-boot.py           dom0 with -smp 1, 2, 4 (three boots)
    tests/system/toolstack-devices-tern.py    disks and vifs through `tern` (one boot)
    tests/system/guest-conformance-tern.py    the suite against the GICv3 oracles (two boots)

runs as a subprocess with TERN_GIC=2 in its environment (the harness then boots QEMU with
gic-version=2), one after the other (each boot takes one of the machine's two QEMU slots:
running them side by side would only make the other engineers' runs wait).  The oracles are
the same files as on GICv3: a difference is a GICv2 bug, not a new expectation.

tests/system/gicv2-tern.py stays: it checks what only a GICv2 board has (the timer through
GIC-0, GICD_TYPER and ITARGETSR read from dom0, a halfword GICD access faulting, a 2-vCPU
domU on the builder's GICv2 layout), which none of the three tests above look at.

    tests/system/gicv2-suite.py [TEST.py ...]    # a subset, by file name

Exit status: 0 every test passed (or skipped with others passing), 1 one failed or timed out
(named on the last line), 77 every test skipped.
"""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
TESTS = ["hypervisor-boot.py", "toolstack-devices-tern.py", "guest-conformance-tern.py"]
# Per test, generous: a boot may wait minutes for a QEMU slot held by someone else.
TIMEOUT_S = 2400
SKIP = 77


def run(name):
    """(status, seconds, output) of one test with TERN_GIC=2; status None if it timed out."""
    env = dict(os.environ, TERN_GIC="2", TERN_SRCDIR=SRCDIR)
    env.setdefault("TERN_BUILDDIR", SRCDIR)
    start = time.monotonic()
    # Its own session, so a timeout kills the test and the QEMU it started, nothing else.
    p = subprocess.Popen([sys.executable, os.path.join(HERE, name)], env=env, cwd=SRCDIR,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=TIMEOUT_S)
        status = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        status = None
    return status, time.monotonic() - start, out


def main(argv):
    names = [os.path.basename(a) for a in argv] or TESTS
    for n in names:
        if not os.path.exists(os.path.join(HERE, n)):
            print("FAIL: no test %s in tests/system" % n)
            return 1
    failed, skipped = [], []
    for n in names:
        print("== %s (TERN_GIC=2)" % n, flush=True)
        status, secs, out = run(n)
        if status == 0:
            print("PASS: %s on GICv2 (%.0f s)" % (n, secs), flush=True)
        elif status == SKIP:
            print("SKIP: %s: %s" % (n, out.strip().splitlines()[-1:] or ""), flush=True)
            skipped.append(n)
        else:
            # The test's own output says which step failed: its tail goes with the verdict.
            print(out[-4000:])
            why = "timed out after %d s" % TIMEOUT_S if status is None else "exit status %d" % status
            print("FAIL: %s on GICv2: %s (%.0f s)" % (n, why, secs), flush=True)
            failed.append(n)
    if failed:
        print("FAIL on GICv2: %s" % " ".join(failed))
        return 1
    if len(skipped) == len(names):
        print("SKIP: every test skipped")
        return SKIP
    print("all %d passed on GICv2%s" % (len(names) - len(skipped),
                                        ", skipped: " + " ".join(skipped) if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
