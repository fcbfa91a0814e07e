#!/usr/bin/env python3
"""Benchmark: create with one disk and with one vif, `tern create` (tern-blkback,
tern-netback) against Debian's `xl create` (Linux's xen-blkback and xen-netback, Debian's
hotplug scripts block and vif-bridge run by xl itself, run_hotplug_scripts=1), both on real
Xen 4.17 in the same boot.

Guests: 128 MiB, 1 vCPU, the Debian kernel and the harness's busybox initramfs with
xen-blkfront and xen-netfront; dev-disk.cfg has disk = ["/root/d.img,raw,xvda,rw"] (a
sparse file in dom0's RAM filesystem; xl's block script puts it on a loop device),
dev-vif.cfg has vif = ["mac=...,bridge=xenbr0"] (for xl a Linux bridge made with
`ip link add xenbr0 type bridge`: vif-bridge uses `ip link set master` when brctl is absent).
Figures (wall clock inside dom0, 10 ms resolution, medians of ROUNDS, the same definition
for both tools):
  create      the create command, start to return;
  connected   create start to the guest's frontend state 4 (Connected) in xenstore;
  destroy     the destroy command.
Prints `RESULT key=value` lines, a table and the tern/xl ratios (goal: <= 0.3).

Usage: bench/toolstack/bench-devices.py [ROUNDS]  (from the build tree, after `make`).
"""
import os
import re
import statistics
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, HarnessError, build_initramfs, OUT  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
BASE = """kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 1
"""
CFGS = {"disk": BASE + 'name = "devdisk"\ndisk = ["/root/d.img,raw,xvda,rw"]\n',
        "vif": BASE + 'name = "devvif"\nvif = ["mac=00:16:3e:00:00:21,bridge=xenbr0"]\n'}
KINDS = ("disk", "vif")
FIGS = ("create", "connected", "destroy")


def write(name, text):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "bench-devices-" + name)
    with open(path, "w") as f:
        f.write(text)
    return path


def phase(m, tool, results):
    out = m.run_ok("sh /usr/local/sbin/bench-devices-dom0.sh %s %d" % (tool, ROUNDS),
                   timeout=300 + 120 * ROUNDS)
    results.update(re.findall(r"RESULT (\w+)=(\S+)", out))
    if "_error=" in out:
        raise HarnessError("%s: %s" % (tool, out[-3000:]))


def main():
    extra = {"/etc/tern/dev-%s.cfg" % k: write(k + ".cfg", CFGS[k]) for k in KINDS}
    extra["/usr/local/sbin/bench-devices-dom0.sh"] = os.path.join(
        SRCDIR, "bench", "toolstack", "bench-devices-dom0.sh")
    initrd = build_initramfs("bench-devices", xen_tools=True, xen_hotplug=True, guest=True,
                             guest_modules=["xen-blkfront", "xen-netfront"], extra_files=extra)
    results = {}
    with Machine(hv="xen", smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=3000,
                 log=os.path.join(OUT, "bench-devices.log")) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start --no-consoled >/tmp/xs.log 2>&1 && tern-consoled && "
                 "tern-blkback && tern-netback && mkdir -p /root && truncate -s 64M /root/d.img",
                 timeout=180)
        phase(m, "tern", results)
        # Debian's side: tern's backends and console daemon stop, tern-netback's TAP xenbr0
        # (persistent, so a restarted backend finds it) is deleted, the kernel backends load,
        # xenbr0 becomes a Linux bridge.
        m.run_ok("kill $(pidof tern-blkback) $(pidof tern-netback) $(cat /run/tern-consoled.pid);"
                 " sleep 1; ip link delete xenbr0 2>/dev/null || "
                 "ip tuntap del dev xenbr0 mode tap 2>/dev/null; "
                 "! ip link show xenbr0 >/dev/null 2>&1", timeout=60)
        m.run_ok("for mod in $(cat /etc/tern/modules-extra); do insmod /lib/modules-extra/$mod;"
                 " done; mkdir -p /var/run/xen-hotplug /var/lib/xen && "
                 "ip link add xenbr0 type bridge && ip link set xenbr0 up && xenconsoled"
                 " --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console",
                 timeout=60)
        phase(m, "xl", results)
        m.poweroff()

    for k, v in sorted(results.items()):
        print("RESULT %s=%s" % (k, v))
    print("\nmedians of %d rounds, ms (10 ms resolution)" % ROUNDS)
    print("| figure | tern | xl | tern/xl |\n| --- | --- | --- | --- |")
    for kind in KINDS:
        for fig in FIGS:
            med = {}
            for tool in ("tern", "xl"):
                vals = [int(v) for k, v in results.items()
                        if re.fullmatch(r"%s_%s_%s_ms_\d+" % (tool, kind, fig), k)]
                med[tool] = statistics.median(vals) if vals else None
            t, x = med["tern"], med["xl"]
            ratio = "%.2f" % (t / x) if t is not None and x else "-"
            label = "%s, one %s" % (fig, kind)
            print("| %s | %s | %s | %s |" % (label, t, x, ratio))
            print("RATIO %s tern/xl=%s" % (label, ratio))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
