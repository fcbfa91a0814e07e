"""The system `scripts/run-system` boots (README's first command): a hypervisor, Debian's
dom0 running our tern-xenstored, tern-consoled, tern-blkback and tern-netback, and a small
Debian domU named "guest" that our `tern create` starts in the background with one disk (xvda,
a sparse image that `tern disk create` makes) and one vif on tern-netback's switch xenbr0,
which is also dom0's interface 10.0.0.1.  Shared by tests/harness/tern-qemu (for people) and
tests/system/run-system-demo.py (which proves it works)."""
import os

from tern_harness import (DOM0_MODULES, DOM0_NET_MODULES, DOM0_NET_UP, GUEST_CFG, OUT,
                          build_initramfs, monitor_web_files)

# Printed by dom0 when the guest is created (tests wait for it).
GUEST_CREATED = "[tern] guest created"
# The demo guest's disk: a thin-provisioned raw image in dom0 (its rootfs is a tmpfs).
DISK_IMAGE = "/var/lib/tern/guest.img"
DISK_SIZE = "256M"
# Only the demo's guest has a vif: the shared GUEST_CFG stays as the xl-based tests need it.
DEMO_GUEST_CFG = GUEST_CFG + ('disk = ["%s,raw,xvda,rw"]\n' % DISK_IMAGE).encode() + \
    b'vif = ["mac=00:16:3e:00:00:02"]\n'
# xen-blkfront for /dev/xvda (busybox has dd, mke2fs, blkdiscard); xen-netfront for eth0.
DEMO_GUEST_MODULES = ["xen-blkfront", "xen-netfront"]

DEMO_RC = """#!/bin/sh
echo "[tern] starting tern-xenstored, tern-consoled, tern-blkback, tern-netback and a guest (tern console guest; Ctrl-] returns)"
if tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored >/tmp/xen-start.log 2>&1 &&
   tern-consoled >>/tmp/xen-start.log 2>&1 && tern-blkback >>/tmp/xen-start.log 2>&1 &&
   mkdir -p %s && { [ -e %s ] || tern disk create %s %s >>/tmp/xen-start.log 2>&1; }; then
    # the guest's network: tern-netback's switch xenbr0 is dom0's interface (docs/netback.md)
    tern-netback >>/tmp/xen-start.log 2>&1 && sleep 1 &&
        ifconfig xenbr0 10.0.0.1 netmask 255.255.255.0 up >>/tmp/xen-start.log 2>&1
    (tern create /etc/xen/guest.cfg >/tmp/guest-create.log 2>&1 &&
     echo "%s: tern list / tern console guest" ||
     echo "[tern] tern create failed: see /tmp/guest-create.log") &
else
    echo "[tern] start-up failed: see /tmp/xen-start.log"
fi
""" % (os.path.dirname(DISK_IMAGE), DISK_IMAGE, DISK_IMAGE, DISK_SIZE, GUEST_CREATED)


# With a network device (tern-qemu --net-port): dom0 takes QEMU user networking's address and
# serves tern-metricsd's /metrics and live graphs on its port 80 (docs/monitoring.md).
USERSPACE_RC = """#!/bin/sh
tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored >/tmp/xen-start.log 2>&1 &&
    tern-consoled >>/tmp/xen-start.log 2>&1
"""
NET_RC = """
(%s) && tern-metricsd -p 80 >/var/log/tern-metricsd.log 2>&1 &
""" % DOM0_NET_UP


def demo_initramfs(hv, guest=True, net=False):
    """dom0's initramfs for hypervisor `hv` (xen | tern | bare): with the guest demo unless
    guest=False or hv is bare (no hypervisor, no guests); net=True adds dom0's network and
    tern-metricsd (not with bare: it reads the hypervisor)."""
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
    if net and hv != "bare":
        return build_initramfs("interactive-net", xen_tools=True, guest=demo,
                               guest_modules=DEMO_GUEST_MODULES if demo else None,
                               modules=DOM0_MODULES + DOM0_NET_MODULES + (["tun"] if demo else []),
                               extra_files=dict(extra, **monitor_web_files()),
                               rc_local=(DEMO_RC if demo else USERSPACE_RC) + NET_RC)
    return build_initramfs("interactive", xen_tools=hv != "bare", guest=demo,
                           guest_modules=DEMO_GUEST_MODULES if demo else None,
                           modules=DOM0_MODULES + ["tun"] if demo else None,
                           extra_files=extra, rc_local=DEMO_RC if demo else None)
