#!/usr/bin/env python3
"""The README's first command works: the system scripts/run-system boots (tests/harness/demo.py)
comes up on Tern -- dom0 with our tern-xenstored, tern-consoled and tern-blkback, and a Debian
domU that `tern create` starts with a disk -- and the guest can be listed, reached and shut
down from dom0; its /dev/xvda (a sparse image made by `tern disk create`) takes a write that
the guest reads back and dom0 finds in the image, and shutdown leaves no vbd nodes behind.

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
from demo import demo_initramfs, DISK_IMAGE, DISK_SIZE  # noqa: E402

CACHE = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
LOG = "/var/log/tern/console/guest.log"
# Typed on the guest's console; the end marker is computed so the echo of the typed line
# cannot match it.
GUEST_DISK_CMDS = ("cat /sys/block/xvda/size; printf TERN-DEMO-DISK | dd of=/dev/xvda conv=fsync "
                   "2>/dev/null; echo 3 >/proc/sys/vm/drop_caches; head -c 14 /dev/xvda; echo; "
                   "dmesg | grep -o \"Using [A-Za-z0-9-]* ABI\"; echo DISK-DONE-$((6*7))")
# Runs the guest commands through `tern console guest` until the marker is printed (60 s).
DOM0_GUEST_RUN = ("(sleep 2; echo '%s'; for i in $(seq 60); do grep -q DISK-DONE-42 /tmp/gd.out "
                  "&& break; sleep 1; done) | tern console guest >/tmp/gd.out 2>&1; "
                  "tr -d '\\r' </tmp/gd.out" % GUEST_DISK_CMDS)


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
        domid = row.group(1)
        rc, out = m.run("tern disk info %s" % DISK_IMAGE, timeout=60)
        check(rc == 0 and "virtual_size : %d\n" % (int(DISK_SIZE[:-1]) << 20) in out,
              "tern disk info shows the demo disk's %s virtual size" % DISK_SIZE, out)
        rc, out = m.run(DOM0_GUEST_RUN, timeout=120)
        sectors = (int(DISK_SIZE[:-1]) << 20) // 512
        check("\n%d\n" % sectors in out, "the guest's /dev/xvda has %d sectors" % sectors, out)
        check("\nTERN-DEMO-DISK\n" in out, "the guest reads back what it wrote to /dev/xvda",
              out)
        check("\nUsing FIFO-based ABI\n" in out, "the guest's event channels use the FIFO ABI",
              out)
        rc, out = m.run("head -c 14 %s; echo" % DISK_IMAGE, timeout=60)
        check("TERN-DEMO-DISK" in out, "dom0 finds the guest's write in %s" % DISK_IMAGE, out)
        rc, out = m.run("timeout 150 tern shutdown -w guest", timeout=200)
        check(rc == 0, "tern shutdown -w guest", out + m.run(
            "tail -c 2000 %s; tail -20 /var/log/tern/blkback.log; xenstore-ls "
            "/local/domain/0/backend/vbd" % LOG, timeout=60)[1])
        rc, out = m.run("tern list", timeout=60)
        check(rc == 0 and not re.search(r"^guest\s", out, re.M), "the guest is gone", out)
        rc, out = m.run("xenstore-ls /local/domain/0/backend/vbd/%s 2>&1; "
                        "xenstore-ls /libxl/%s 2>&1; true" % (domid, domid), timeout=60)
        check(rc == 0 and "=" not in out, "no vbd nodes of the guest are left in xenstore", out)
        check(m.poweroff() == 0, "dom0 poweroff ends QEMU with status 0")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
