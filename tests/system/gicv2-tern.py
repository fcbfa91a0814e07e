#!/usr/bin/env python3
"""Tern on a GICv2 board (QEMU virt,gic-version=2; issue 14), one boot:

1. dom0: Debian's kernel boots on the vGICv2 (its GIC is "GIC-0", irq-gic.c), takes timer
   interrupts on both vCPUs, and its last vCPU goes offline and comes back (PSCI CPU_OFF /
   CPU_ON: SGIs through GICD_SGIR);
2. a Linux domU with 2 vCPUs, created by `tern create` (the builder's GICv2 node at
   GUEST_GICD_BASE / GUEST_GICC_BASE), reaches its init with both vCPUs, then is destroyed;
3. the conformance suite (single guest, then the pair), started by `tern create`, gives
   the same results as on GICv3 (tests/guest/expected/tern.txt).

The same tests on GICv3 are hypervisor-boot.py, toolstack-*.py and
guest-conformance-tern.py; any system test runs on GICv2 with TERN_GIC=2.
Exit status: 0 pass, 1 fail, 77 skipped.
"""
import os
import re
import shutil
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "guest"))
from tern_harness import Machine, build_initramfs, HarnessError, OUT  # noqa: E402

GICD = 0x08000000  # QEMU virt's distributor: dom0 sees the host's layout
EXPECTED = os.path.join(SRCDIR, "tests", "guest", "expected", "tern.txt")
GUEST2 = """name = "g2"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 96
vcpus = 2
"""
# Waits (in dom0) for the domU's init marker in xenconsoled's log.
MARKER = r"""#!/bin/sh
i=0
until grep -h TERN-GUEST-INIT /var/log/xen/console/*"$1"* 2>/dev/null; do
    i=$((i + 1)); [ $i -gt $(($2 * 5)) ] && { tail -n 20 /var/log/xen/console/*; exit 1; }
    sleep 0.2
done
"""
failures = []


def check(name, ok, detail=""):
    print("%s: %s%s" % ("PASS" if ok else "FAIL", name,
                        (" -- " + detail.strip()[-1500:]) if detail and not ok else ""), flush=True)
    if not ok:
        failures.append(name)
    return ok


def write(name, text, mode=0o644):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "gicv2-" + name)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.chmod(path + ".tmp", mode)
    os.replace(path + ".tmp", path)
    return path


def dom0_checks(m):
    irqs = m.run_ok("cat /proc/interrupts")
    timer = re.search(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+GIC-0\s+27 Level\s+arch_timer", irqs, re.M)
    check("dom0: timer PPI 27 through the vGICv2 (GIC-0) on both vCPUs",
          bool(timer) and int(timer.group(1)) > 0 and int(timer.group(2)) > 0, irqs)
    check("dom0: no GICv3 in sight", "GICv3" not in irqs, irqs)
    online = m.run_ok("cat /sys/devices/system/cpu/online").strip()
    m.run_ok("echo 0 > /sys/devices/system/cpu/cpu1/online", timeout=120)
    off = m.run_ok("cat /sys/devices/system/cpu/online").strip()
    m.run_ok("echo 1 > /sys/devices/system/cpu/cpu1/online", timeout=120)
    back = m.run_ok("taskset -c 1 cat /sys/devices/system/cpu/online").strip()
    check("dom0: vCPU 1 offline and back (CPU_OFF/CPU_ON, SGIs)",
          online == "0-1" and off == "0" and back == "0-1", "%r %r %r" % (online, off, back))
    # The trapped distributor from dom0 userspace (/dev/mem): registers read as the GICv2
    # spec says, a width the register does not have is a bus error for the reader only.
    typer = m.run_ok("devmem %#x 32" % (GICD + 4)).strip()
    check("dom0: GICD_TYPER: host ITLinesNumber, 2 CPUs", int(typer, 16) & 0xe0 == 0x20, typer)
    targets = m.run_ok("taskset -c 1 devmem %#x 8" % (GICD + 0x800)).strip()
    check("dom0: GICD_ITARGETSR0 byte read on vCPU 1 is its own bit", int(targets, 16) == 2,
          targets)
    rc, out = m.run("devmem %#x 16; echo rc=$?" % GICD)
    check("dom0: a halfword GICD access faults (SIGBUS), the hypervisor stays up",
          "rc=135" in out and m.run_ok("echo alive").strip() == "alive", out)


def domu_checks(m):
    rc, out = m.run("tern create /etc/tern/g2.cfg", timeout=300)
    check("domU: tern create with the GICv2 guest layout", rc == 0, out)
    rc, out = m.run("gicv2-marker g2 240", timeout=300)
    check("domU: Linux reaches init with 2 vCPUs", rc == 0 and "cpus=2" in out, out)
    rc, out = m.run("tern destroy g2", timeout=120)
    check("domU: destroyed", rc == 0, out)


def conformance(m, tgr):
    from expected_results import compare, load_expected
    consoles = {}
    consoles.update(tgr.run_in(m, "solo", "", toolstack="tern"))
    consoles.update(tgr.run_in(m, "pair", "", toolstack="tern"))
    results, problems = tgr.suite_results(consoles)
    for p in problems:
        check("conformance: " + p, False)
    diffs = compare(load_expected(EXPECTED), results)
    check("conformance: %d cases as on GICv3 (tern.txt)" % len(results),
          results and not diffs, "\n".join(diffs))


def main():
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
    files = {"/guest/tern-testguest.bin": tgr.GUEST_BIN,
             "/usr/local/bin/tg": os.path.join(tgr.HERE, "tg-dom0.sh"),
             "/etc/tern/g2.cfg": write("g2.cfg", GUEST2),
             "/usr/local/bin/gicv2-marker": write("marker", MARKER, 0o755)}
    for cfg in os.listdir(tgr.XL_DIR):
        files["/etc/xen/" + cfg] = os.path.join(tgr.XL_DIR, cfg)
    initrd = build_initramfs("gicv2", xen_tools=True, guest=True, extra_files=files)
    log = os.path.join(OUT, "gicv2-tern.log")
    with Machine(hv="tern", gic=2, smp=2, mem=2048, dom0_mem="512M", initrd=initrd,
                 timeout=1500, log=log) as m:
        m.wait_for_shell(timeout=300)
        dom0_checks(m)
        m.run_ok("tern-xen-start", timeout=300)
        domu_checks(m)
        conformance(m, tgr)
        rc = m.poweroff()
        check("poweroff ends QEMU with status 0", rc == 0, str(rc))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
