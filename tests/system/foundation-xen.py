#!/usr/bin/env python3
"""Foundation system test on real Xen 4.17 (the reference peer).

dom0 (Debian's kernel, the harness's busybox initramfs) reaches init; /sys/hypervisor/type
reads "xen"; /dev/xen/privcmd, evtchn and gntdev open once the modules are loaded; Debian's
real `xl info` and `xl list` work after the Xen userspace starts.  Prints the time from
QEMU start to dom0's init (a figure, not a threshold).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests", "harness"))
from tern_harness import Machine, build_initramfs  # noqa: E402

failures = []


def check(name, ok, detail=""):
    print("%s: %s%s" % ("PASS" if ok else "FAIL", name, (" -- " + detail) if detail and not ok else ""))
    if not ok:
        failures.append(name)


initrd = build_initramfs("foundation", xen_tools=True)
with Machine(hv="xen", smp=2, initrd=initrd, timeout=600) as m:
    m.wait_for_shell()
    t_init = m.time_of(r"TERN-DOM0-INIT")
    init_line = [l for _, l in m.lines if "TERN-DOM0-INIT" in l][0]
    check("dom0 reaches init with every module loaded", "module_failures=none" in init_line, init_line)
    rc, out = m.run("cat /sys/hypervisor/type")
    check("/sys/hypervisor/type reads xen", rc == 0 and out.strip() == "xen", out)
    for dev in ("privcmd", "evtchn", "gntdev"):
        rc, out = m.run("exec 3<>/dev/xen/%s && echo opened; exec 3>&-" % dev)
        check("/dev/xen/%s opens" % dev, rc == 0 and "opened" in out, out)
    rc, out = m.run("tern-xen-start", timeout=180)
    check("Xen userspace starts (xenstored, xen-init-dom0, xenconsoled)",
          rc == 0 and "TERN-XEN-UP" in out, out)
    rc, out = m.run("xl info", timeout=120)
    check("xl info", rc == 0 and "xen_major              : 4" in out and "total_memory" in out, out)
    rc, out = m.run("xl list", timeout=120)
    check("xl list shows Domain-0", rc == 0 and "Domain-0" in out, out)
    status = m.poweroff()
    check("dom0 poweroff ends QEMU with status 0", status == 0, "status %s" % status)
print("FIGURE qemu_start_to_dom0_init_s=%.3f hypervisor=xen-4.17" % t_init)
sys.exit(1 if failures else 0)
