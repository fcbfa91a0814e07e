#!/usr/bin/env python3
"""tern-xenstored replaces Xen's xenstored in real Xen 4.17's dom0 (under QEMU).

dom0's kernel xenbus connects to it (Debian's tools through /dev/xen/xenbus, xen-init-dom0,
xl info); `xl create` introduces a Debian domU whose xenbus works (it writes its control
features, acknowledges `xl shutdown` through its watch; `xl destroy` fires @releaseDomain); a
restart of the daemon keeps the tree, the domain connections and their watches.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests", "harness"))
from tern_harness import Machine, build_initramfs
import time


class SlowMachine(Machine):
    """Types commands in small chunks: Xen keeps only 128 bytes of console input for dom0
    (SERIAL_RX_SIZE), so a long command sent at once can lose characters."""

    def send(self, text):
        data = text.encode()
        for i in range(0, len(data), 32):
            self.proc.stdin.write(data[i:i + 32])
            self.proc.stdin.flush()
            time.sleep(0.05)
  # noqa: E402

failures = []


def check(name, ok, detail=""):
    print("%s: %s%s" % ("PASS" if ok else "FAIL", name, (" -- " + detail) if detail and not ok else ""))
    sys.stdout.flush()
    if not ok:
        failures.append(name)


build = os.environ.get("TERN_BUILDDIR", ".")
if not os.path.exists(os.path.join(build, "aarch64", "bin", "tern-xenstored")):
    print("aarch64/bin/tern-xenstored not built: skip")
    sys.exit(77)

XSD = "/usr/local/bin/tern-xenstored"
initrd = build_initramfs("xenstore-xen", xen_tools=True, guest=True)
log = os.path.join(build, "tests", "out", "console-xenstore-xen.log")
with SlowMachine(hv="xen", smp=2, initrd=initrd, timeout=900, log=log) as m:
    m.wait_for_shell()
    rc, out = m.run("tern-xen-start --xenstored %s" % XSD, timeout=240)
    check("Xen userspace starts on tern-xenstored", rc == 0 and "TERN-XEN-UP" in out, out)
    rc, out = m.run("cat /run/xenstored.pid; ls /var/run/xenstored/")
    check("daemon runs with its socket", rc == 0 and "socket" in out, out)
    # dom0's kernel connection: Debian's tools through the kernel device, not the socket
    rc, out = m.run("XENSTORED_PATH=/dev/xen/xenbus xenstore-ls /local/domain/0", timeout=60)
    check("dom0 kernel xenbus reaches the daemon (xenstore-ls via /dev/xen/xenbus)",
          rc == 0 and "name = \"Domain-0\"" in out, out)
    rc, out = m.run("XENSTORED_PATH=/dev/xen/xenbus xenstore-write /tool/kernel-path ok && "
                    "xenstore-read -s /tool/kernel-path")
    check("a write through dom0's ring is seen on the socket", rc == 0 and out.strip() == "ok", out)
    rc, out = m.run("tern-xenstore read /local/domain/0/domid; tern-xenstore ls /local/domain/0")
    check("tern-xenstore (our client) works in dom0", rc == 0 and out.startswith("0\n"), out)
    rc, out = m.run("xl info", timeout=120)
    check("xl info", rc == 0 and "xen_major" in out, out)
    rc, out = m.run("xl create /etc/xen/guest.cfg", timeout=240)
    check("xl create introduces a domU", rc == 0, out)
    # libxl creates control/feature-poweroff empty; the guest's kernel writes "1" over its ring
    rc, out = m.run("F=/local/domain/1/control/feature-poweroff; for i in $(seq 90); do "
                    "[ \"$(xenstore-read $F)\" = 1 ] && break; sleep 1; done; "
                    "echo feature=$(xenstore-read $F)", timeout=150)
    check("domU's xenbus works (it wrote control/feature-poweroff over its ring)",
          "feature=1" in out, out)
    rc, out = m.run("xl list")
    check("xl list shows the domU", rc == 0 and "guest" in out, out)
    # restart: the tree and the domain connections survive
    rc, out = m.run("xenstore-write /tool/persist kept && kill $(cat /run/xenstored.pid) && sleep 1 && "
                    "XENSTORED_ROOTDIR=/run/xenstored %s --pid-file /run/xenstored.pid && "
                    "xenstore-read /tool/persist" % XSD, timeout=60)
    check("restart keeps the tree", rc == 0 and out.strip().endswith("kept"), out)
    rc, out = m.run("xenstore-read /local/domain/1/name; "
                    "XENSTORED_PATH=/dev/xen/xenbus xenstore-read /local/domain/0/name", timeout=60)
    check("after restart: domU entries and dom0's kernel connection", rc == 0 and
          "guest" in out and "Domain-0" in out, out)
    # xl shutdown waits until the guest clears control/shutdown: the guest got the watch event
    # (registered before the restart) and answered in a transaction over its ring
    rc, out = m.run("xl shutdown guest", timeout=240)
    check("after restart: xl shutdown is acknowledged by the domU (watch + transaction)",
          rc == 0, out)
    rc, out = m.run("xenstore-watch -n 2 @releaseDomain > /tmp/rel & sleep 2; xl destroy guest; "
                    "sleep 3; echo fired=$(grep -c '^@releaseDomain$' /tmp/rel); xl list; tern-xenstore exists /local/domain/1 || "
                    "echo domain-1-gone", timeout=240)
    check("xl destroy: @releaseDomain fires, the domain is gone from xl and the store",
          rc == 0 and "fired=2" in out and "guest" not in out
          and "domain-1-gone" in out, out)
    m.poweroff()
sys.exit(1 if failures else 0)
