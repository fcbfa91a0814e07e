#!/usr/bin/env python3
"""Guest faults get an error, and the hypervisor keeps running (issue 3).

From dom0 userspace (aarch64/bin/hv-fault-probe):
  * an unknown hypercall through /dev/xen/privcmd returns -ENOSYS;
  * a read of a physical address that is not mapped for dom0 (the hypervisor's own UART,
    which dom0's device tree does not contain) through /dev/mem gives the reader SIGBUS
    (the hypervisor injects a data abort);
After them dom0 still answers and powers off cleanly (QEMU exit status 0).

HVC is UNDEFINED at EL0, so a bad HVC immediate can only come from a guest kernel: the
second part boots a tiny bare-metal dom0 (tests/system/hv-hvc-probe.S) that issues an
unknown hypercall, HVC #0x1234 and a load from an unmapped IPA at EL1, checks that it got
-ENOSYS, an undefined-instruction exception and a data abort, prints its result through
CONSOLEIO_write and powers off with PSCI SYSTEM_OFF.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

SKIP = 77
ENOSYS = 38
UNMAPPED_PA = 0x09000000  # the hypervisor's PL011: not in dom0's DT, not in its stage-2


def main():
    builddir = os.environ.get("TERN_BUILDDIR", ".")
    for f in ("hypervisor/tern.bin", "aarch64/bin/hv-fault-probe", "aarch64/hv-hvc-probe.bin"):
        if not os.path.exists(os.path.join(builddir, f)):
            print("SKIP: %s not built" % f)
            return SKIP
    initrd = build_initramfs("hv-faults")
    with Machine(hv="tern", smp=2, initrd=initrd, timeout=300) as m:
        m.wait_for_shell()
        for nr in (61, 1000):
            out = m.run_ok("hv-fault-probe hypercall %d" % nr).strip()
            print(out)
            if "rc=-1 errno=%d" % ENOSYS not in out:
                raise HarnessError("unknown hypercall %d: expected -ENOSYS, got %r" % (nr, out))
        out = m.run_ok("hv-fault-probe devmem %#x" % UNMAPPED_PA).strip()
        print(out)
        if "SIGBUS" not in out:
            raise HarnessError("read of unmapped PA: expected SIGBUS, got %r" % out)
        if m.run_ok("echo still-alive; cat /sys/hypervisor/type").split() != ["still-alive", "xen"]:
            raise HarnessError("dom0 does not answer after the faults")
        if "data abort at IPA 9000000" not in m.buf:
            raise HarnessError("the hypervisor did not report the injected data abort")
        rc = m.poweroff()
        if rc != 0:
            raise HarnessError("QEMU exit status %d after poweroff" % rc)
        print("dom0 survived the faults and powered off (rc=0)")

    probe = os.path.join(builddir, "aarch64", "hv-hvc-probe.bin")
    with ProbeMachine(probe, hv="tern", smp=1, timeout=120) as m:
        res = m.expect(r"HVC-PROBE result=(\d)", 60)
        rc = m.wait_exit(60)
        print("bare dom0 probe: result=%s (1 ENOSYS, 2 UNDEF for HVC #0x1234, 4 data abort), "
              "QEMU rc=%d" % (res.group(1), rc))
        if res.group(1) != "7" or rc != 0:
            raise HarnessError("bare dom0 probe failed (result %s, rc %d)" % (res.group(1), rc))
    return 0


class ProbeMachine(Machine):
    """Boots a given Image as dom0 instead of Debian's kernel, and no initrd."""

    def __init__(self, image, **kw):
        Machine.__init__(self, harness_console=False, **kw)
        self.image = image

    def qemu_cmd(self):
        cmd = Machine.qemu_cmd(self)
        for i, a in enumerate(cmd):
            if a.startswith("guest-loader,") and "kernel=" in a:
                cmd[i] = "guest-loader,addr=0x49000000,kernel=%s" % self.image
        return cmd


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
