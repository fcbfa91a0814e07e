#!/usr/bin/env python3
"""The README's first command works: the system scripts/run-system boots (tests/harness/demo.py)
comes up on Tern -- dom0 with our tern-xenstored and tern-consoled, and a Debian domU that
`tern create` starts -- and the guest can be listed, reached and shut down from dom0.

Exit status: 0 pass, 1 fail, 77 skipped (no QEMU / cache / tern.bin)."""
import os
import re
import shutil
import sys
import time

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, HarnessError  # noqa: E402
from demo import demo_initramfs  # noqa: E402

CACHE = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
LOG = "/var/log/tern/console/guest.log"


def check(cond, what, detail=""):
    print("%s: %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        print(detail)
        sys.exit(1)


def main():
    for need in (os.path.join(BUILDDIR, "hypervisor", "tern.bin"),
                 os.path.join(CACHE, "boot", "vmlinuz"), os.path.join(CACHE, "xen-rootfs")):
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            return 77
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        return 77
    log = os.path.join(BUILDDIR, "tests", "out", "run-system-demo.log")
    with Machine(hv="tern", smp=2, mem=2048, dom0_mem="512M", initrd=demo_initramfs("tern"),
                 timeout=1200, log=log) as m:
        m.wait_for_shell(timeout=300)
        # The demo creates the guest in the background; wait for its init to print.  Commands
        # stay short: dom0 is busy starting the demo, and the console queues at most 128
        # typed bytes for it (the rest would be dropped, as on Xen).
        for cmd in ("cd %s" % os.path.dirname(LOG), "grep -c GUEST-INIT guest.log"):
            for _ in range(300):
                rc, out = m.run(cmd, timeout=60)
                if rc == 0:
                    break
                time.sleep(1)
        check(rc == 0, "the guest's console log shows its init (%s)" % LOG,
              m.run("cat /tmp/guest-create.log", timeout=60)[1])
        rc, out = m.run("tern list", timeout=60)
        check(rc == 0, "tern list runs", out)
        row = re.search(r"^guest\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
        check(row is not None, "the demo guest is listed", out)
        check(row.group(2) == "128" and row.group(3) == "1",
              "listed with its configured 128 MiB and 1 vCPU", out)
        rc, out = m.run("timeout 150 tern shutdown -w guest", timeout=200)
        check(rc == 0, "tern shutdown -w guest", out)
        rc, out = m.run("tern list", timeout=60)
        check(rc == 0 and not re.search(r"^guest\s", out, re.M), "the guest is gone", out)
        check(m.poweroff() == 0, "dom0 poweroff ends QEMU with status 0")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
