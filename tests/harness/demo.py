"""The system `scripts/run-system` boots (README's first command): a hypervisor, Debian's
dom0 running our tern-xenstored and tern-consoled, and a small Debian domU named "guest"
that our `tern create` starts in the background.  Shared by tests/harness/tern-qemu (for
people) and tests/system/run-system-demo.py (which proves it works)."""
from tern_harness import (build_initramfs, DOM0_MODULES, DOM0_NET_MODULES, DOM0_NET_UP,
                          monitor_web_files)

# Printed by dom0 when the guest is created (tests wait for it).
GUEST_CREATED = "[tern] guest created"

DEMO_RC = """#!/bin/sh
echo "[tern] starting tern-xenstored, tern-consoled and a guest (tern console guest; Ctrl-] returns)"
if tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored >/tmp/xen-start.log 2>&1 &&
   tern-consoled >>/tmp/xen-start.log 2>&1; then
    (tern create /etc/xen/guest.cfg >/tmp/guest-create.log 2>&1 &&
     echo "%s: tern list / tern console guest" ||
     echo "[tern] tern create failed: see /tmp/guest-create.log") &
else
    echo "[tern] start-up failed: see /tmp/xen-start.log"
fi
""" % GUEST_CREATED


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
    if net and hv != "bare":
        return build_initramfs("interactive-net", xen_tools=True, guest=demo,
                               modules=DOM0_MODULES + DOM0_NET_MODULES,
                               extra_files=monitor_web_files(),
                               rc_local=(DEMO_RC if demo else USERSPACE_RC) + NET_RC)
    return build_initramfs("interactive", xen_tools=hv != "bare", guest=demo,
                           rc_local=DEMO_RC if demo else None)
