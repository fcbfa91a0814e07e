#!/usr/bin/env python3
"""tern-blkback on real Xen 4.17 (kernel blkback not loaded): `tern create` with a disk= line,
Linux's xen-blkfront in the guest connects (backend state 4), sees the image's size, writes a
pattern with fsync, reads it back after dropping its page cache, and dom0 finds the pattern
in the image file. TERN_BLOCK_HV=tern runs the same on Tern.

Exit status: 0 pass, 1 fail, 77 skipped."""
import os
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, HarnessError, build_initramfs, build_guest_initramfs, OUT, BUILDDIR  # noqa: E402

HV = os.environ.get("TERN_BLOCK_HV", "xen")
CFG = """name = "g"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/blk.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 1
disk = ["/root/d.img,raw,xvda,rw"]
"""
GUEST_CMDS = ("cat /sys/block/xvda/size; printf TERNBLK-PATTERN | dd of=/dev/xvda conv=fsync; "
              "echo 3 > /proc/sys/vm/drop_caches; head -c 15 /dev/xvda; echo; echo G-DONE")


def check(ok, what, detail=""):
    print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)
    if not ok:
        print(detail[-2000:])
        sys.exit(1)


def main():
    if not os.path.exists(os.path.join(BUILDDIR, "aarch64", "bin", "tern-blkback")):
        print("SKIP: aarch64/bin/tern-blkback not built")
        return 77
    os.makedirs(OUT, exist_ok=True)
    cfg = os.path.join(OUT, "block-g.cfg")
    with open(cfg, "w") as f:
        f.write(CFG)
    guest = build_guest_initramfs(modules=["xen-blkfront"])
    initrd = build_initramfs("block", xen_tools=True, guest=True,
                             extra_files={"/guest/blk.gz": guest, "/etc/tern/g.cfg": cfg})
    with Machine(hv=HV, initrd=initrd, timeout=600,
                 log=os.path.join(OUT, "block-%s.log" % HV)) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start --no-consoled >/tmp/xs.log 2>&1 && tern-consoled && "
                 "tern-blkback && truncate -s 64M /tmp/d.img && mkdir -p /root && "
                 "mv /tmp/d.img /root/d.img", timeout=120)
        rc, out = m.run("tern create /etc/tern/g.cfg 2>&1; for i in $(seq 60); do "
                        "[ \"$(xenstore-read /local/domain/0/backend/vbd/1/51712/state)\" = 4 ] "
                        "&& break; sleep 1; done; xenstore-read "
                        "/local/domain/0/backend/vbd/1/51712/state", timeout=150)
        check(rc == 0 and out.strip().endswith("4"), "blkfront and tern-blkback connect", out)
        rc, out = m.run("sleep 5; (sleep 2; echo '%s'; sleep 8) | timeout 40 tern console g"
                        % GUEST_CMDS, timeout=90)
        check("131072" in out, "the guest sees 64 MiB (131072 sectors)", out)
        check("\nTERNBLK-PATTERN\n" in out.replace("\r", ""), "the guest reads back its write", out)
        rc, out = m.run("head -c 15 /root/d.img; echo", timeout=30)
        check("TERNBLK-PATTERN" in out, "dom0 finds the guest's write in the image", out)
        m.poweroff()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
