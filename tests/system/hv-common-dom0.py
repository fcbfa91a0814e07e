#!/usr/bin/env python3
"""The hypervisor's common hypercalls as Debian's dom0 kernel drives them (issue 3).

tests/system/hv-common-probe.c runs in dom0 on Tern and on real Xen 4.17: event-channel
loopback through /dev/xen/evtchn, a grant dom0 gives itself and maps back through
/dev/xen/gntalloc + /dev/xen/gntdev (balloon, map/unmap with an IPA host_addr, GTF
flags), grant copy (valid and hostile), privcmd hypercalls.  Passes when every check
passes on both and the two hypervisors give the same lines.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

SKIP = 77


def probe(hv, initrd):
    with Machine(hv=hv, smp=2, initrd=initrd, timeout=400) as m:
        m.wait_for_shell()
        rc, out = m.run("hv-common-probe", timeout=120)
        m.poweroff()
    lines = [l.strip() for l in out.splitlines()
             if l.startswith(("PASS", "FAIL", "HV-COMMON-PROBE"))]
    for l in lines:
        print("%s: %s" % (hv, l))
    if not lines or lines[-1] != "HV-COMMON-PROBE fails=0":
        raise HarnessError("%s: the probe failed (rc %s)" % (hv, rc))
    return lines


def main():
    builddir = os.environ.get("TERN_BUILDDIR", ".")
    if not os.path.exists(os.path.join(builddir, "hypervisor", "tern.bin")):
        print("SKIP: hypervisor/tern.bin not built")
        return SKIP
    initrd = build_initramfs("hv-common")
    tern = probe("tern", initrd)
    xen = probe("xen", initrd)
    if tern != xen:
        raise HarnessError("Tern and Xen differ")
    print("Tern and Xen 4.17 agree on %d checks" % (len(tern) - 1))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
