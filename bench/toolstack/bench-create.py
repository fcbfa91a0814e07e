#!/usr/bin/env python3
"""Benchmark: `tern create` vs Debian's `xl create` on real Xen 4.17, in the same boot.

Figures (wall clock inside dom0, 10 ms resolution, medians of ROUNDS):
  * create -> guest init: a 128 MiB, 1-vCPU domU with the Debian kernel and the harness's
    busybox initramfs, from the create command to its TERN-GUEST-INIT line in the console log
    (tern-consoled's for tern, Debian xenconsoled's for xl);
  * the create command alone, and destroy;
  * paused 16 MiB domains (a dummy arm64 Image: they never run): create time with 1, 8 and
    32 domains already there.
Prints `RESULT key=value` lines and the tern/xl ratios (goal: <= 0.3).

Usage: bench/toolstack/bench-create.py [ROUNDS]  (from the build tree, after `make`).
"""
import os
import re
import statistics
import struct
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, build_initramfs, OUT  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3

BENCH = """name = "bench"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 1
acpi = 0
"""
TINY = """name = "tiny"
kernel = "/etc/tern/dummy-Image"
memory = 16
vcpus = 1
acpi = 0
"""


def write(name, data, mode=0o644):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "bench-toolstack-" + name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)
    return path


def dummy_image(size=65536):
    """An arm64 Image header (text_offset 0, image_size = size) and zeros: enough for both
    domain builders; the paused domains never run it."""
    hdr = struct.pack("<IIQQQQQQI", 0x14000010, 0, 0, size, 0xa, 0, 0, 0, 0x644d5241)
    return hdr + bytes(size - len(hdr))


extra = {"/etc/tern/bench.cfg": write("bench.cfg", BENCH),
         "/etc/tern/tiny.cfg": write("tiny.cfg", TINY),
         "/etc/tern/dummy-Image": write("dummy-Image", dummy_image()),
         "/usr/local/sbin/bench-dom0.sh": os.path.join(SRCDIR, "bench", "toolstack", "bench-dom0.sh")}
initrd = build_initramfs("bench-toolstack", xen_tools=True, guest=True, extra_files=extra)

results = {}
with Machine(hv="xen", smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=2400) as m:
    m.wait_for_shell()
    m.run_ok("tern-xen-start --no-consoled", timeout=180)
    m.run_ok("tern-consoled")
    out = m.run_ok("sh /usr/local/sbin/bench-dom0.sh tern %d" % ROUNDS, timeout=1200)
    results.update(re.findall(r"RESULT (\w+)=(\S+)", out))
    phases = re.findall(r"PHASE (.*?)\s+([\d.]+) ms", out)
    # Debian's xenconsoled for xl's guests; tern-consoled must not hold their consoles.
    m.run_ok("kill $(cat /run/tern-consoled.pid); sleep 0.5; xenconsoled"
             " --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console")
    out = m.run_ok("sh /usr/local/sbin/bench-dom0.sh xl %d" % ROUNDS, timeout=1500)
    results.update(re.findall(r"RESULT (\w+)=(\S+)", out))
    m.poweroff()

for k, v in sorted(results.items()):
    print("RESULT %s=%s" % (k, v))


# Per-step split of tern's create (TERN_TIMING=1, paused creates of the same domain).
steps = {}
for step, ms in phases:
    steps.setdefault(step.strip(), []).append(float(ms))
for step, vals in steps.items():
    print("PHASE %-32s median %8.1f ms  (%s)" % (step, statistics.median(vals),
                                                 ", ".join("%.1f" % v for v in vals)))


def median(prefix):
    vals = [int(v) for k, v in results.items() if re.fullmatch(prefix + r"_\d+", k)]
    return statistics.median(vals) if vals else None


rows = []
for label, key in (("create -> guest init (ms)", "create_to_init_ms"),
                   ("guest's own uptime at init (ms)", "guest_uptime_ms"),
                   ("create command (ms)", "create_ms"), ("destroy (ms)", "destroy_ms")):
    rows.append((label, median("tern_" + key), median("xl_" + key)))

def overhead(tool):
    """Per round: create -> init minus the guest's own uptime at init (toolstack + dom0)."""
    vals = []
    for k, v in results.items():
        m = re.fullmatch(tool + r"_create_to_init_ms_(\d+)", k)
        up = m and results.get("%s_guest_uptime_ms_%s" % (tool, m.group(1)))
        if up:
            vals.append(int(v) - int(up))
    return statistics.median(vals) if vals else None


rows.append(("create -> init minus guest uptime (ms)", overhead("tern"), overhead("xl")))
for n in (1, 8, 32):
    key = "paused_create_ms_with_%d" % n
    rows.append(("paused create, %d domains there (ms)" % n,
                 int(results.get("tern_" + key, 0)) or None, int(results.get("xl_" + key, 0)) or None))
allp = {t: [int(v) for k, v in results.items() if k.startswith(t + "_paused_create_ms_with_")]
        for t in ("tern", "xl")}
rows.append(("paused create, median of all 33 (ms)",
             statistics.median(allp["tern"]) if allp["tern"] else None,
             statistics.median(allp["xl"]) if allp["xl"] else None))
rows.append(("destroy 33 paused domains (ms)", int(results.get("tern_destroy_33_paused_ms", 0)) or None,
             int(results.get("xl_destroy_33_paused_ms", 0)) or None))
print("\n| figure | tern | xl | tern/xl |\n| --- | --- | --- | --- |")
for label, t, x in rows:
    ratio = "%.2f" % (t / x) if t and x else "-"
    print("| %s | %s | %s | %s |" % (label, t, x, ratio))
    print("RATIO %s tern/xl=%s" % (label, ratio))
