#!/usr/bin/env python3
"""Issue 13: XEN_DOMCTL_getvcpucontext on dom0's own vCPUs must not hang the machine.

Tern paused all of dom0 (the caller included) to read one of its vCPUs and the machine
went silent.  hv-fuzz-dom0 selfpause runs one process pinned on each dom0 vCPU, all
reading their own and each other's contexts at once, on Tern and on real Xen 4.17: the
answers must be the same (Xen: the caller's own vCPU -EINVAL, another vCPU 0) and dom0
must answer afterwards and power off cleanly.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

SKIP = 77


def probe(hv, initrd):
    with Machine(hv=hv, smp=2, initrd=initrd, timeout=400) as m:
        m.wait_for_shell()
        rc, out = m.run("hv-fuzz-dom0 selfpause 2000", timeout=240)
        lines = sorted(l.strip() for l in out.splitlines() if l.startswith("SELFPAUSE"))
        for l in lines:
            print("%s: %s" % (hv, l))
        rc2, alive = m.run("echo alive-$((6*7))")
        if rc2 != 0 or "alive-42" not in alive:
            raise HarnessError("%s: dom0 does not answer after the probe" % hv)
        status = m.poweroff()
    if rc != 0 or "SELFPAUSE done children-failed=0" not in lines:
        raise HarnessError("%s: the probe failed (rc %s)" % (hv, rc))
    if status != 0:
        raise HarnessError("%s: poweroff exit status %s" % (hv, status))
    return lines


def main():
    builddir = os.environ.get("TERN_BUILDDIR", ".")
    if not os.path.exists(os.path.join(builddir, "hypervisor", "tern.bin")):
        print("SKIP: hypervisor/tern.bin not built")
        return SKIP
    initrd = build_initramfs("hardening-selfpause")
    tern = probe("tern", initrd)
    xen = probe("xen", initrd)
    own = [l for l in tern if " own " in l]
    other = [l for l in tern if " other " in l]
    if not own or not other:
        raise HarnessError("expected both own and other vCPU lines (smp=2)")
    if tern != xen:
        raise HarnessError("Tern and Xen answer differently")
    print("Tern and Xen 4.17 agree: %d lines" % len(tern))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
