#!/usr/bin/env python3
"""A domain destroyed while its vCPU runs on the other pCPU must not hang the machine.

Under QEMU's single-threaded TCG (which -icount forces), `tern destroy` of a CPU-bound
test guest pinned to pCPU 1 froze dom0 on the first or one of the first rounds: pCPU 0,
in XEN_DOMCTL_destroydomain with IRQs masked, spun on "the guest's vCPU is still loaded"
while pCPU 1, which had to switch that vCPU out, never got its turn on the host (a tight
spin never ends QEMU's round-robin time slice).  Every busy-wait now runs cpu_relax()
(YIELD, hv/cpu_relax.h) and the pause wait reports a pCPU that does not answer within a
second (docs/hypervisor/hardening.md).

The test creates and destroys the guest ROUNDS times in one boot; every round must end
and dom0 must answer and power off afterwards.  No timing is checked: a hang is a timeout.
Exit status: 0 pass, 1 fail, 77 skipped (no QEMU / cache / build outputs).
"""
import os
import shutil
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
os.environ.setdefault("TERN_BUILDDIR", BUILDDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402

GUEST_BIN = os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin")
OUT = os.path.join(BUILDDIR, "tests", "out")
ROUNDS = 12
CFG = """name = "spin"
kernel = "/guest/tern-testguest.bin"
memory = 32
vcpus = 1
extra = "tern.spin=16000000"
cpus = "1"
on_poweroff = "destroy"
"""


def run(m):
    m.wait_for_shell(timeout=600)
    m.run_ok("tern-xen-start", timeout=600)
    for i in range(ROUNDS):
        m.run_ok("tern create /etc/xen/spin.cfg", timeout=300)
        m.run_ok("sleep 1")
        m.run_ok("tern destroy spin", timeout=300)
        rc, out = m.run("tern list")
        if rc != 0 or "spin" in out:
            raise HarnessError("round %d: the guest is still listed after destroy:\n%s" % (i, out))
        print("round %d: created, ran on pCPU 1, destroyed" % i, flush=True)
    rc, out = m.run("echo alive-$((6*7))")
    if rc != 0 or "alive-42" not in out:
        raise HarnessError("dom0 does not answer after %d rounds" % ROUNDS)
    m.poweroff()


def main():
    cache = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
    for need in (os.path.join(cache, "xen-rootfs"), os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 GUEST_BIN, os.path.join(BUILDDIR, "aarch64", "bin", "tern")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return 77
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        return 77
    os.makedirs(OUT, exist_ok=True)
    cfg = os.path.join(OUT, "hardening-destroy-remote.cfg")
    with open(cfg, "w") as f:
        f.write(CFG)
    initrd = build_initramfs("hardening-destroy-remote", xen_tools=True,
                             extra_files={"/guest/tern-testguest.bin": GUEST_BIN,
                                          "/etc/xen/spin.cfg": cfg})
    log = os.path.join(OUT, "hardening-destroy-remote.log")
    try:
        with Machine(hv="tern", smp=2, initrd=initrd, icount=True, timeout=1500, log=log) as m:
            run(m)
    except HarnessError as e:
        print("FAIL: %s (console: %s)" % (e, log))
        return 1
    print("PASS: hardening-destroy-remote (%d rounds)" % ROUNDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
