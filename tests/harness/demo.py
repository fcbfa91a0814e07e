"""The system `scripts/run-system` boots (README's first command): a hypervisor, Debian's
dom0 running our tern-xenstored and tern-consoled, and a small Debian domU named "guest"
that our `tern create` starts in the background.  Shared by tests/harness/tern-qemu (for
people) and tests/system/run-system-demo.py (which proves it works)."""
from tern_harness import build_initramfs, DOM0_MODULES

# Printed by dom0 when the guest is created (tests wait for it).
GUEST_CREATED = "[tern] guest created"

DEMO_RC = """#!/bin/sh
echo "[tern] starting tern-xenstored, tern-consoled and a guest (tern console guest; Ctrl-] returns)"
if tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored >/tmp/xen-start.log 2>&1 &&
   tern-consoled >>/tmp/xen-start.log 2>&1; then
    # the guest's network: tern-netback's switch xenbr0 is dom0's interface (docs/netback.md)
    tern-netback >>/tmp/xen-start.log 2>&1 && sleep 1 &&
        ifconfig xenbr0 10.0.0.1 netmask 255.255.255.0 up >>/tmp/xen-start.log 2>&1
    { cat /etc/xen/guest.cfg; echo 'vif = ["mac=00:16:3e:00:00:02"]'; } >/etc/xen/demo.cfg
    (tern create /etc/xen/demo.cfg >/tmp/guest-create.log 2>&1 &&
     echo "%s: tern list / tern console guest" ||
     echo "[tern] tern create failed: see /tmp/guest-create.log") &
else
    echo "[tern] start-up failed: see /tmp/xen-start.log"
fi
""" % GUEST_CREATED


def demo_initramfs(hv, guest=True):
    """dom0's initramfs for hypervisor `hv` (xen | tern | bare): with the guest demo unless
    guest=False or hv is bare (no hypervisor, no guests)."""
    demo = guest and hv != "bare"
    return build_initramfs("interactive", xen_tools=hv != "bare", guest=demo,
                           rc_local=DEMO_RC if demo else None,
                           modules=DOM0_MODULES + ["tun"] if demo else None,
                           guest_modules=["xen-netfront"] if demo else None)
