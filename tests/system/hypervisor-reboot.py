#!/usr/bin/env python3
"""dom0's reboot restarts the machine under Tern (issue 3).

QEMU runs without -no-reboot here: dom0's `reboot` reaches PSCI SYSTEM_RESET through the
hypervisor, the machine resets, Tern and dom0 boot a second time, and the second dom0's
poweroff ends QEMU with status 0.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

SKIP = 77


class RebootingMachine(Machine):
    def qemu_cmd(self):
        return [a for a in Machine.qemu_cmd(self) if a != "-no-reboot"]


def main():
    builddir = os.environ.get("TERN_BUILDDIR", ".")
    if not os.path.exists(os.path.join(builddir, "hypervisor", "tern.bin")):
        print("SKIP: hypervisor/tern.bin not built")
        return SKIP
    initrd = build_initramfs("hv-boot")
    with RebootingMachine(hv="tern", smp=2, initrd=initrd, timeout=300) as m:
        m.wait_for_shell()
        m.run_ok("echo first-boot > /dev/null")
        m.send("reboot -f\n")
        m.expect(r"Hardware domain shut down \(reason 1\): restarting", 60)
        m.expect(r"Tern hypervisor starting", 60)
        m.wait_for_shell()
        up = float(m.run_ok("cut -d' ' -f1 /proc/uptime").strip())
        rc = m.poweroff()
        if rc != 0:
            raise HarnessError("QEMU exit status %d after poweroff of the second boot" % rc)
    print("reboot: machine restarted, dom0 came back (uptime %.1f s), poweroff rc=0" % up)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
