"""The system `scripts/run-system` boots (README's first command): a hypervisor, Debian's
dom0 running our tern-xenstored, tern-consoled and tern-blkback, and a small Debian domU
named "guest" that our `tern create` starts in the background with one disk (xvda), a
sparse image that `tern disk create` makes.  Shared by tests/harness/tern-qemu (for people)
and tests/system/run-system-demo.py (which proves it works)."""
import os

from tern_harness import GUEST_CFG, OUT, build_initramfs

# Printed by dom0 when the guest is created (tests wait for it).
GUEST_CREATED = "[tern] guest created"
# The demo guest's disk: a thin-provisioned raw image in dom0 (its rootfs is a tmpfs).
DISK_IMAGE = "/var/lib/tern/guest.img"
DISK_SIZE = "256M"
DEMO_GUEST_CFG = GUEST_CFG + ('disk = ["%s,raw,xvda,rw"]\n' % DISK_IMAGE).encode()
# xen-blkfront is all the guest needs for /dev/xvda (busybox has dd, mke2fs, blkdiscard).
DEMO_GUEST_MODULES = ["xen-blkfront"]

DEMO_RC = """#!/bin/sh
echo "[tern] starting tern-xenstored, tern-consoled, tern-blkback and a guest (tern console guest; Ctrl-] returns)"
if tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored >/tmp/xen-start.log 2>&1 &&
   tern-consoled >>/tmp/xen-start.log 2>&1 && tern-blkback >>/tmp/xen-start.log 2>&1 &&
   mkdir -p %s && { [ -e %s ] || tern disk create %s %s >>/tmp/xen-start.log 2>&1; }; then
    (tern create /etc/xen/guest.cfg >/tmp/guest-create.log 2>&1 &&
     echo "%s: tern list / tern console guest" ||
     echo "[tern] tern create failed: see /tmp/guest-create.log") &
else
    echo "[tern] start-up failed: see /tmp/xen-start.log"
fi
""" % (os.path.dirname(DISK_IMAGE), DISK_IMAGE, DISK_IMAGE, DISK_SIZE, GUEST_CREATED)


def demo_initramfs(hv, guest=True):
    """dom0's initramfs for hypervisor `hv` (xen | tern | bare): with the guest demo unless
    guest=False or hv is bare (no hypervisor, no guests)."""
    demo = guest and hv != "bare"
    extra = {}
    if demo:
        os.makedirs(OUT, exist_ok=True)
        cfg = os.path.join(OUT, "demo-guest.cfg")
        try:
            with open(cfg, "rb") as f:
                same = f.read() == DEMO_GUEST_CFG
        except FileNotFoundError:
            same = False
        if not same:  # rewritten only when it changes: its mtime keys the initramfs cache
            with open(cfg, "wb") as f:
                f.write(DEMO_GUEST_CFG)
        extra["/etc/xen/guest.cfg"] = cfg  # replaces the harness's diskless one
    return build_initramfs("interactive", xen_tools=hv != "bare", guest=demo,
                           guest_modules=DEMO_GUEST_MODULES if demo else None,
                           extra_files=extra, rc_local=DEMO_RC if demo else None)
