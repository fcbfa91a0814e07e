#!/usr/bin/env python3
"""Tern boots Debian's kernel as dom0 with -smp 1, 2 and 4 (issue 3).

For each CPU count (the first without any hypervisor command line): dom0 reaches its init and shell, /sys/hypervisor/type reads "xen",
/proc/cpuinfo lists every vCPU, the last vCPU can be taken offline and brought back
(PSCI CPU_OFF / CPU_ON), and dom0's poweroff ends QEMU with status 0.
Event channels: dom0's Linux takes the FIFO ABI (the default), and with `evtchn=2l` on the
hypervisor command line (the -smp 4 boot) falls back to the 2-level ABI.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

SKIP = 77


def check(smp, initrd):
    # -smp 1 runs with no hypervisor command line at all (no -append): the defaults boot.
    hv_args = {1: "", 2: None, 4: "dom0_mem=512M evtchn=2l"}[smp]
    want_abi = "2-level" if smp == 4 else "FIFO-based"
    with Machine(hv="tern", smp=smp, initrd=initrd, timeout=300, hv_args=hv_args) as m:
        m.wait_for_shell()
        hv = m.run_ok("cat /sys/hypervisor/type").strip()
        if hv != "xen":
            raise HarnessError("smp=%d: /sys/hypervisor/type is %r, not 'xen'" % (smp, hv))
        abi = m.run_ok("dmesg | grep -o 'Using [A-Za-z0-9-]* ABI'").strip()
        if abi != "Using %s ABI" % want_abi:
            raise HarnessError("smp=%d: dom0's event channels: %r, not the %s ABI"
                               % (smp, abi, want_abi))
        n = int(m.run_ok("grep -c ^processor /proc/cpuinfo").strip())
        if n != smp:
            raise HarnessError("smp=%d: /proc/cpuinfo lists %d CPUs" % (smp, n))
        online = m.run_ok("cat /sys/devices/system/cpu/online").strip()
        if smp > 1:
            # vCPU hot-unplug and replug: PSCI CPU_OFF, AFFINITY_INFO, CPU_ON again.
            last = smp - 1
            m.run_ok("echo 0 > /sys/devices/system/cpu/cpu%d/online" % last, timeout=120)
            off = m.run_ok("cat /sys/devices/system/cpu/online").strip()
            m.run_ok("echo 1 > /sys/devices/system/cpu/cpu%d/online" % last, timeout=120)
            back = m.run_ok("taskset -c %d cat /sys/devices/system/cpu/online" % last).strip()
            if back != online:
                raise HarnessError("smp=%d: after CPU_OFF/CPU_ON online is %r (was %r, %r when "
                                   "off)" % (smp, back, online, off))
            online += " (cpu%d off: %s, back on)" % (last, off)
        rc = m.poweroff()
        if rc != 0:
            raise HarnessError("smp=%d: QEMU exit status %d after poweroff" % (smp, rc))
        print("smp=%d: dom0 up, hypervisor=%s, %d CPUs (online %s), %s, poweroff rc=0"
              % (smp, hv, n, online, abi))


def main():
    builddir = os.environ.get("TERN_BUILDDIR", ".")
    if not os.path.exists(os.path.join(builddir, "hypervisor", "tern.bin")):
        print("SKIP: hypervisor/tern.bin not built")
        return SKIP
    initrd = build_initramfs("hv-boot")
    for smp in (1, 2, 4):
        check(smp, initrd)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
