"""Shared set-up of the memory system tests (tests/system/memory-*.py, monitoring-*.py):
dom0 with the Tern userspace (tern-xenstored, tern-consoled, and tern-balloond when asked),
guest configs written to tests/out, and small helpers to read xenstore and `tern list`."""
import os
import re
import shutil
import sys
import time

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, HarnessError, build_initramfs, OUT, CACHE  # noqa: E402,F401

START_RC = """#!/bin/sh
tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored >/tmp/xen-start.log 2>&1 &&
    tern-consoled >>/tmp/xen-start.log 2>&1 && echo TERN-USERSPACE-UP
"""


def guest_cfg(name, memory, maxmem=None, extra="", vcpus=1, ramdisk="/guest/initrd.gz",
              disk=None):
    """Writes an xl config for the harness's busybox guest; returns (in-image path, host path)."""
    path = os.path.join(OUT, "memtest-%s.cfg" % name)
    os.makedirs(OUT, exist_ok=True)
    with open(path, "w") as f:
        f.write('name = "%s"\nkernel = "/guest/vmlinuz"\nramdisk = "%s"\n'
                'extra = "console=hvc0 rdinit=/init quiet %s"\nmemory = %d\nvcpus = %d\n'
                % (name, ramdisk, extra, memory, vcpus))
        if maxmem:
            f.write("maxmem = %d\n" % maxmem)
        if disk:
            f.write('disk = ["%s"]\n' % disk)
    return "etc/xen/%s.cfg" % name, path


def skip_unless_ready(need_tern=True):
    needs = [os.path.join(CACHE, "boot", "vmlinuz"), os.path.join(CACHE, "xen-rootfs"),
             os.path.join(BUILDDIR, "aarch64", "guest", "tern-memagent")]
    if need_tern:
        needs.append(os.path.join(BUILDDIR, "hypervisor", "tern.bin"))
    for need in needs:
        if not os.path.exists(need):
            print("SKIP: %s missing (scripts/setup, make)" % need)
            sys.exit(77)
    if not shutil.which("qemu-system-aarch64"):
        print("SKIP: qemu-system-aarch64 not installed")
        sys.exit(77)


def check(cond, what, detail=""):
    print("%s: %s" % ("ok" if cond else "FAIL", what), flush=True)
    if not cond:
        print(detail)
        sys.exit(1)


def xs_read(m, path):
    rc, out = m.run("xenstore-read %s" % path, timeout=60)
    return out.strip() if rc == 0 else None


def wait_xs(m, path, tries=120):
    for _ in range(tries):
        v = xs_read(m, path)
        if v is not None:
            return v
        time.sleep(1)
    return None


def domid_of(m, name):
    rc, out = m.run("tern domid %s" % name, timeout=60)
    return int(out.strip()) if rc == 0 and out.strip().isdigit() else None


def list_mem(m, name):
    rc, out = m.run("tern list %s" % name, timeout=60)
    row = re.search(r"^%s\s+\d+\s+(\d+)" % re.escape(name), out, re.M)
    return int(row.group(1)) if row else None
