#!/usr/bin/env python3
"""Diagnostic: where a domU's boot time goes, tern vs Debian's xl, in one boot of real Xen.

Creates the bench's 128 MiB Debian domU once with `tern create` (tern-consoled) and once
with `xl create` (xenconsoled), without `quiet`, and prints for each: the create command's
time, the guest's printk timestamp of a few milestones, and the largest gaps between
consecutive kernel messages. A difference that the toolstack causes (console back end
late, xenstore waits, ...) shows as a gap in one guest's log and not in the other's.

Usage: bench/toolstack/diag-guest-boot.py  (from the build tree, after `make`).
"""
import os
import re
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, build_initramfs, OUT  # noqa: E402

CFG = """name = "diag"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init"
memory = 128
vcpus = 1
"""
MILESTONES = ["Booting Linux", "xen:balloon", "xen:grant_table", "hvc0", "xenbus",
              "Freeing unused kernel memory", "Run /init"]
RUN = """#!/bin/sh
# diag-run TOOL LOG: create, wait for the marker (up to 300 s), print the create time.
ms() { read -r u _ < /proc/uptime; echo $(( ${u%.*} * 1000 + 1${u#*.} * 10 - 1000 )); }
t0=$(ms); $1 create /etc/tern/diag.cfg >/dev/null 2>&1 || echo create-failed; t1=$(ms)
i=0
until grep -q TERN-GUEST-INIT "$2" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 3000 ] && break; sleep 0.1
done
echo "DIAG create_ms=$((t1 - t0)) to_init_ms=$(( $(ms) - t0 ))"
$1 destroy diag >/dev/null 2>&1
"""


def write(name, data, mode=0o644):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "diag-guest-boot-" + name)
    with open(path, "w") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def analyse(tool, summary, log):
    stamps = [(float(t), msg) for t, msg in re.findall(r"\[\s*(\d+\.\d+)\] (.*)", log)]
    print("== %s: %s, %d kernel messages" % (tool, summary.strip(), len(stamps)))
    for m in MILESTONES:
        hit = next(((t, msg) for t, msg in stamps if m in msg), None)
        if hit:
            print("   %-32s %9.3f s  %s" % (m, hit[0], hit[1][:70]))
    gaps = sorted(((stamps[i + 1][0] - stamps[i][0], stamps[i][1], stamps[i + 1][1])
                   for i in range(len(stamps) - 1)), reverse=True)[:8]
    print("   largest gaps:")
    for g, a, b in gaps:
        print("   %7.3f s  after: %s\n             before: %s" % (g, a[:80], b[:80]))
    marker = re.search(r"TERN-GUEST-INIT.*", log)
    print("   marker: %s" % (marker.group(0) if marker else "none"))


extra = {"/etc/tern/diag.cfg": write("diag.cfg", CFG),
         "/usr/local/sbin/diag-run": write("run", RUN, 0o755)}
initrd = build_initramfs("diag-guest-boot", xen_tools=True, guest=True, extra_files=extra)
with Machine(hv="xen", smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=1200) as m:
    m.wait_for_shell()
    m.run_ok("tern-xen-start --no-consoled", timeout=180)
    m.run_ok("tern-consoled")
    tern_sum = m.run_ok("diag-run tern /var/log/tern/console/diag.log", timeout=400)
    tern_log = m.run_ok("cat /var/log/tern/console/diag.log", timeout=120)
    m.run_ok("kill $(cat /run/tern-consoled.pid); sleep 1; xenconsoled"
             " --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console")
    xl_sum = m.run_ok("diag-run xl /var/log/xen/console/guest-diag.log", timeout=400)
    xl_log = m.run_ok("cat /var/log/xen/console/guest-diag.log", timeout=120)
    m.poweroff()
analyse("tern", tern_sum, tern_log)
analyse("xl", xl_sum, xl_log)
