#!/usr/bin/env python3
"""Debian's own `xl` (libxl 4.17) drives Tern, step by step against the same run on real Xen.

Both runs boot dom0 with Debian's xenstored, xen-init-dom0 and xenconsoled
(tern-xen-start), then: xl info, list -l, create (the harness's Debian-kernel domU),
console output (xenconsoled's log), list, vcpu-list, mem-set (the balloon follows),
pause/unpause, shutdown (with on_poweroff=preserve: the domain stays, shut down and not
running; then on_poweroff=destroy: it goes), destroy, dmesg.  Each step yields a
normalised value; the test fails if a step fails on either hypervisor or if Tern's value
differs from Xen's.  The two machines run one after the other (one QEMU slot each).

    TERN_SRCDIR=. python3 tests/system/xl-on-tern.py [--only tern|xen]
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests", "harness"))
from tern_harness import Machine, build_initramfs, OUT, BUILDDIR  # noqa: E402

if not os.path.exists(os.path.join(BUILDDIR, "hypervisor", "tern.bin")):
    print("SKIP: hypervisor/tern.bin not built")
    sys.exit(77)

GUEST = """name = "g1"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 2
acpi = 0
on_poweroff = "%s"
"""

HELPER = r"""#!/bin/sh
# Dom0 side of tests/system/xl-on-tern.py: the waiting loops (short commands on the console).
state() { xl list "$1" 2>/dev/null | awk -v d="$1" '$1 == d {print $5}'; }
mem() { xl list "$1" 2>/dev/null | awk -v d="$1" '$1 == d {print $3}'; }
case "$1" in
marker)  # marker DOM: wait for the guest's init line in xenconsoled's log
    i=0
    until grep -q TERN-GUEST-INIT /var/log/xen/console/guest-$2.log 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 1200 ] && break; sleep 0.2
    done
    grep TERN-GUEST-INIT /var/log/xen/console/guest-$2.log ;;
memwait)  # memwait DOM MIB: wait until the balloon reached the target
    i=0
    until [ "$(mem "$2")" = "$3" ]; do
        i=$((i + 1)); [ $i -gt 300 ] && break; sleep 0.2
    done
    echo mem=$(mem "$2") ;;
statewait)  # statewait DOM CHAR: wait until xl list's state shows CHAR
    i=0
    until state "$2" | grep -q "$3"; do
        i=$((i + 1)); [ $i -gt 600 ] && break; sleep 0.2
    done
    echo state=$(state "$2") ;;
esac
"""


def write(name, text, mode=0o644):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "xl-on-tern-" + name)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return path


extra = {"/usr/local/sbin/xl-test": write("helper", HELPER, 0o755),
         "/etc/xen/g1.cfg": write("g1.cfg", GUEST % "destroy"),
         "/etc/xen/g1p.cfg": write("g1p.cfg", GUEST % "preserve")}
initrd = build_initramfs("xl-on-tern", xen_tools=True, guest=True, extra_files=extra)


def info_fields(out):
    return dict((k.strip(), v.strip()) for k, v in
                (line.split(":", 1) for line in out.splitlines() if " : " in line))


def list_rows(out):
    rows = {}
    for line in out.splitlines():  # xl list's rows among other output ("Domain 2 has shut down")
        f = line.split()
        if len(f) >= 6 and f[1].isdigit() and f[2].isdigit() and f[3].isdigit():
            rows[f[0]] = {"mem": int(f[2]), "vcpus": int(f[3]), "state": f[4]}
    return rows


def scenario(hv):
    """Run every step on one hypervisor; returns [(step, ok, value, detail)]."""
    res = []

    def step(name, ok, value, detail=""):
        res.append((name, bool(ok), value, detail))
        print("[%s] %s: %s %r%s" % (hv, "ok" if ok else "FAILED", name, value,
                                    (" -- " + detail.strip()[-1200:]) if detail and not ok else ""),
              flush=True)

    with Machine(hv=hv, smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=900) as m:
        m.wait_for_shell()
        rc, out = m.run("tern-xen-start", timeout=180)
        step("dom0 xen userspace starts", rc == 0 and "TERN-XEN-UP" in out, rc, out)

        rc, out = m.run("xl info")
        f = info_fields(out)
        step("info rc", rc == 0, rc, out)
        step("info keys", "xen_major" in f, sorted(f), out)
        for k in ("xen_major", "xen_minor", "nr_cpus", "nr_nodes", "cores_per_socket",
                  "threads_per_core", "virt_caps", "xen_caps", "xen_scheduler", "xen_pagesize"):
            step("info " + k, k in f, f.get(k), out)
        step("info free_memory below total", 0 < int(f.get("free_memory", 0)) < int(
            f.get("total_memory", 0) or 1), "yes", out)

        rc, out = m.run("xl list -l")
        try:
            doms = json.loads(out[out.index("["):])
        except ValueError:
            doms = []
        step("list -l rc", rc == 0, rc, out)
        step("list -l domains", doms, [d.get("domid") for d in doms], out)
        step("list -l dom0 keys", doms, sorted(doms[0]) if doms else None, out)

        rc, out = m.run("xl create /etc/xen/g1p.cfg", timeout=300)
        step("create rc", rc == 0, rc, out)
        rc, out = m.run("xl-test marker g1", timeout=300)
        mm = re.search(r"TERN-GUEST-INIT .*mem_kb=(\d+) cpus=(\d+)", out)
        step("console shows the guest's init", mm, mm.group(2) if mm else None, out)
        # MemTotal: the 128 MiB less what the kernel reserves (~100 MiB on both).
        step("guest sees its memory", mm and 64 * 1024 < int(mm.group(1)) <= 128 * 1024,
             "64..128 MiB", out)
        rc, out = m.run("xl list")
        row = list_rows(out).get("g1")
        step("list rc", rc == 0, rc, out)
        step("list row", row, row and (row["mem"], row["vcpus"]), out)
        step("list state running or blocked", row and re.fullmatch(r"[rb-]{2}-{4}", row["state"]),
             "running", out)

        rc, out = m.run("xl list -l g1")
        try:
            cfg = json.loads(out[out.index("["):])[0]["config"]
        except (ValueError, KeyError, IndexError):
            cfg = {}
        step("list -l domU config", cfg,
             cfg and (cfg["c_info"].get("type"), cfg["b_info"].get("max_memkb"),
                      cfg["b_info"].get("max_vcpus")), out)

        rc, out = m.run("xl vcpu-list g1")
        rows = [line.split() for line in out.splitlines()[1:] if line.startswith("g1 ")]
        step("vcpu-list rc", rc == 0, rc, out)
        step("vcpu-list rows", rows, [(r[2], " ".join(r[-3:])) for r in rows], out)

        rc, out = m.run("xl mem-set g1 120; echo mem_set_rc=$?; xl-test memwait g1 120; "
                        "xenstore-read /local/domain/$(xl domid g1)/memory/target", timeout=240)
        step("mem-set: the balloon reaches the target", "mem_set_rc=0" in out and "mem=120" in out,
             re.findall(r"mem=(\d*)", out), out)

        rc, out = m.run("xl pause g1 && xl-test statewait g1 p")
        st = re.findall(r"state=(\S*)", out)
        # Only the p column: whether the idle vCPUs show b as well is a race on both.
        step("pause", rc == 0 and st and "p" in st[0], st and st[0][2:3], out)
        rc, out = m.run("xl unpause g1 && xl list g1")
        row = list_rows(out).get("g1")
        step("unpause", rc == 0 and row and "p" not in row["state"], row and row["state"][2], out)

        rc, out = m.run("xl shutdown g1 && xl-test statewait g1 s", timeout=180)
        st = re.findall(r"state=(\S*)", out)
        step("shutdown (preserve): shut down, not running",
             rc == 0 and st and st[0] in ("---s--", "--ps--"), st and st[0], out)
        rc, out = m.run("xl destroy g1 && xl list")
        step("destroy", rc == 0 and "g1" not in list_rows(out), sorted(list_rows(out)), out)

        rc, out = m.run("xl create /etc/xen/g1.cfg && xl-test marker g1", timeout=300)
        step("second create", rc == 0 and "TERN-GUEST-INIT" in out, rc, out)
        # `xl shutdown -w` returns once the domain has shut down; the destroy that
        # on_poweroff asks for is done afterwards by the domain's xl monitor process, so
        # on Xen the domain may still be listed ('--ps--') for a moment: wait for it.
        rc, out = m.run("xl shutdown -w g1; echo shutdown_rc=$?; "
                        "for i in $(seq 60); do xl list | grep -q '^g1 ' || break; sleep 1; done; "
                        "xl list", timeout=240)
        # Xen may still list the domain being torn down as "(null)" for a moment.
        step("shutdown -w (destroy): the domain goes",
             "shutdown_rc=0" in out and "g1" not in list_rows(out),
             sorted(d for d in list_rows(out) if d != "(null)"), out)

        rc, out = m.run("xl dmesg | tail -n 200")
        step("dmesg rc", rc == 0 and out.strip(), rc, out)
        step("dmesg is the hypervisor's log, not dom0's",
             "Booting Linux" not in out and "Linux version" not in out, "hypervisor log", out)
        rc, out = m.run("xl dmesg -c >/dev/null && xl dmesg | wc -l")
        step("dmesg -c clears", rc == 0, out.split()[-1:] if rc == 0 else None, out)
        rc, out = m.run("xl list")
        step("only dom0 left", rc == 0, sorted(list_rows(out)), out)
    return res


only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
runs = {hv: scenario(hv) for hv in ("tern", "xen") if only in (None, hv)}
failures = [(hv, name) for hv, r in runs.items() for name, ok, _, _ in r if not ok]
# Documented differences (docs/conformance.md), each pinned to both values so that a
# change on either side shows: Tern has no vPMU and no AArch32 guests, and schedules with
# credit where Xen 4.17 defaults to credit2.
KNOWN = {
    "info virt_caps": ("hvm hap gnttab-v1", "hvm hap vpmu gnttab-v1"),
    "info xen_caps": ("xen-3.0-aarch64", "xen-3.0-aarch64 xen-3.0-armv7l"),
    "info xen_scheduler": ("credit", "credit2"),
}
if len(runs) == 2:
    xen = {name: value for name, _, value, _ in runs["xen"]}
    for name, ok, value, _ in runs["tern"]:
        same = xen.get(name) == value or KNOWN.get(name) == (value, xen.get(name))
        print("%s: %s (tern %r, xen %r)" % ("MATCH" if same else "DIFF", name, value,
                                            xen.get(name)))
        if not same:
            failures.append(("compare", name))
    print("%d steps, %d match Xen, %d documented differences" % (len(runs["tern"]), sum(
        1 for name, _, value, _ in runs["tern"] if xen.get(name) == value), len(KNOWN)))
if failures:
    print("FAIL: %s" % ", ".join("%s:%s" % f for f in failures))
    sys.exit(1)
print("PASS")
