#!/usr/bin/env python3
"""Guest faults get an error, and the hypervisor keeps running (issue 3).

Run on Tern and on real Xen 4.17 with the same Debian dom0; Tern's answers are compared
with Xen's.  In dom0:
  * an unknown hypercall through /dev/xen/privcmd returns -ENOSYS (aarch64/bin/hv-fault-probe);
  * a read through /dev/mem of a physical address where QEMU's virt board has nothing
    (0x09050000, the SMMU's slot, empty without iommu=smmuv3) kills the reader: the
    hypervisor injects a data abort.  Tern reports a synchronous external abort (DFSC
    0x10), which Linux turns into SIGBUS; Xen 4.17 injects DFSC 0 (inject_abt64_exception
    leaves the ISS zero: "address size fault"), which Linux answers with SIGKILL.  The
    hypervisor's own UART (0x09000000, not in
    dom0's device tree) does the same on Tern; Xen emulates it for dom0 (its vuart, reads
    as zero), which the test prints without checking;
  * a bad HVC immediate: HVC is UNDEFINED at EL0, so a kernel module built here for
    Debian's kernel (tests/system/hv-module, tern-hvc-probe.ko) issues HVC #0x1234 on every
    vCPU and catches the exception with an undef hook; it must be an undefined-instruction
    exception (EC 0x00) and dom0's kernel must not oops; xen_version works afterwards;
After them dom0 still answers and powers off cleanly (QEMU exit status 0).

The second part boots a tiny bare-metal dom0 (tests/system/hv-hvc-probe.S) on both
hypervisors that issues an unknown hypercall, HVC #0x1234 and a load from an unmapped IPA
at EL1, checks -ENOSYS, an undefined-instruction exception with ELR past the HVC and a
data abort at the load, prints its result through CONSOLEIO_write and powers off with
PSCI SYSTEM_OFF.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import Machine, build_initramfs, kernel_version, HarnessError  # noqa: E402

SKIP = 77
ENOSYS = 38
UNMAPPED_PA = 0x09050000  # nothing there on QEMU virt: not in dom0's DT or its stage-2
HV_UART_PA = 0x09000000  # the hypervisor's PL011: not in dom0's DT
SRCDIR = os.environ.get("TERN_SRCDIR", ".")
BUILDDIR = os.environ.get("TERN_BUILDDIR", ".")
CACHE = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
OUT = os.path.join(BUILDDIR, "tests", "out")
MODULE_SRC = os.path.join(SRCDIR, "tests", "system", "hv-module")
MODULE_FILES = ("Kbuild", "probe.c", "bad-hvc.S", "bad-hvc.h")
# How dom0's reader of an unmapped PA ends (see above).
DEVMEM_ERROR = {"tern": "SIGBUS", "xen": "Killed"}
# What each hypervisor logs for the bad HVC and for the stage-2 fault.
HV_LOG = {"tern": ("invalid HVC imm 0x1234", "data abort at IPA 9050000",
                   "data abort at IPA 9000000"),
          "xen": ("Invalid HVC imm 0x1234",)}


def build_module():
    """Build tern-hvc-probe.ko against Debian's headers (scripts/setup puts them in
    cache/kheaders); cached under tests/out by the hash of its inputs."""
    kver = kernel_version()
    headers = os.path.join(CACHE, "kheaders", "usr", "src", "linux-headers-%s" % kver)
    if not os.path.isfile(os.path.join(headers, "Makefile")):
        raise HarnessError("%s missing: run scripts/setup (it downloads linux-headers-%s)"
                           % (headers, kver))
    h = hashlib.sha256(kver.encode())
    for f in MODULE_FILES:
        with open(os.path.join(MODULE_SRC, f), "rb") as fh:
            h.update(f.encode() + b"\0" + fh.read())
    out = os.path.join(OUT, "hv-module-%s" % h.hexdigest()[:12])
    ko = os.path.join(out, "tern-hvc-probe.ko")
    if os.path.exists(ko):
        return ko
    tmp = out + ".tmp-%d" % os.getpid()
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for f in MODULE_FILES:
        shutil.copy(os.path.join(MODULE_SRC, f), tmp)
    # Not the outer make's jobserver or variables: Kbuild runs on its own.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    cmd = ["make", "-C", headers, "M=" + os.path.abspath(tmp), "ARCH=arm64",
           "CROSS_COMPILE=aarch64-linux-gnu-", "modules"]
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=900)
    if p.returncode != 0 or not os.path.exists(os.path.join(tmp, "tern-hvc-probe.ko")):
        raise HarnessError("building the module failed: %s\n%s" % (" ".join(cmd), p.stdout[-3000:]))
    vermagic = subprocess.run(["modinfo", "-F", "vermagic", os.path.join(tmp, "tern-hvc-probe.ko")],
                              stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    if not vermagic or vermagic[0] != kver:
        raise HarnessError("module vermagic %r does not name kernel %s" % (vermagic, kver))
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    return ko


def check_dom0(hv, initrd):
    """The faults from Debian's dom0 on hypervisor hv; returns the bad-HVC outcomes."""
    with Machine(hv=hv, smp=2, initrd=initrd, timeout=600,
                 log=os.path.join(OUT, "hv-faults-%s.log" % hv)) as m:
        m.wait_for_shell()
        for nr in (61, 1000):
            out = m.run_ok("hv-fault-probe hypercall %d" % nr).strip()
            print("%s: %s" % (hv, out))
            if "rc=-1 errno=%d" % ENOSYS not in out:
                raise HarnessError("%s: unknown hypercall %d: expected -ENOSYS, got %r" % (hv, nr, out))
        rc, out = m.run("hv-fault-probe devmem %#x" % UNMAPPED_PA)
        out = out.strip()
        print("%s: %s (status %d)" % (hv, out, rc))
        if DEVMEM_ERROR[hv] not in out:
            raise HarnessError("%s: read of unmapped PA: expected %s, got %r (status %d)"
                               % (hv, DEVMEM_ERROR[hv], out, rc))
        out = m.run_ok("hv-fault-probe devmem %#x" % HV_UART_PA).strip()
        print("%s: the hypervisor's UART: %s" % (hv, out))
        if hv == "tern" and "SIGBUS" not in out:
            raise HarnessError("tern: read of its UART: expected SIGBUS, got %r" % out)

        out = m.run_ok("insmod /lib/tern/tern-hvc-probe.ko && dmesg | grep 'tern-hvc-probe:'",
                       timeout=300)
        outcomes = dict(re.findall(r"tern-hvc-probe: cpu(\d+): (.*)", out))
        for cpu in sorted(outcomes):
            print("%s: HVC #0x1234 on vCPU %s: %s" % (hv, cpu, outcomes[cpu].strip()))
        if sorted(outcomes) != ["0", "1"]:
            raise HarnessError("%s: module did not report both vCPUs:\n%s" % (hv, out))
        for cpu, res in outcomes.items():
            if not re.match(r"undef esr=0x2000000 ec=0x0 elr=hvc\+\d", res):
                raise HarnessError("%s: HVC #0x1234 on vCPU %s: expected an undefined-instruction "
                                   "exception (ESR_EL1 0x2000000), got %r" % (hv, cpu, res))
        ver = re.search(r"xen_version after: (\d+)\.(\d+)", out)
        if not ver or ver.groups() != ("4", "17"):
            raise HarnessError("%s: xen_version from the module after the bad HVC: %r" % (hv, out))
        # Nothing oopsed: no "Internal error" in the kernel log, no D (TAINT_DIE) taint.
        out = m.run_ok("dmesg | grep -c 'Internal error' ; cat /proc/sys/kernel/tainted").split()
        if out[0] != "0" or int(out[1]) & (1 << 7):
            raise HarnessError("%s: dom0's kernel oopsed (Internal error lines %s, tainted %s)"
                               % (hv, out[0], out[1]))
        out = m.run_ok("rmmod tern_hvc_probe && hv-fault-probe hypercall 17").strip()
        print("%s: after the bad HVC: %s" % (hv, out))
        if "rc=%d errno=0" % (4 << 16 | 17) not in out:
            raise HarnessError("%s: xen_version through privcmd after the faults: %r" % (hv, out))

        if m.run_ok("echo still-alive; cat /sys/hypervisor/type").split() != ["still-alive", "xen"]:
            raise HarnessError("%s: dom0 does not answer after the faults" % hv)
        for msg in HV_LOG[hv]:
            if msg not in m.buf:
                raise HarnessError("%s: the hypervisor did not log %r" % (hv, msg))
        rc = m.poweroff()
        if rc != 0:
            raise HarnessError("%s: QEMU exit status %d after poweroff" % (hv, rc))
        print("%s: dom0 survived the faults and powered off (rc=0)" % hv)
        return outcomes


def check_bare(hv, probe):
    with ProbeMachine(probe, hv=hv, smp=1, timeout=300,
                      log=os.path.join(OUT, "hv-faults-bare-%s.log" % hv)) as m:
        res = m.expect(r"HVC-PROBE result=(\d)", 240)
        rc = m.wait_exit(120)
        print("%s: bare dom0 probe: result=%s (1 ENOSYS, 2 UNDEF past HVC #0x1234, 4 data abort "
              "at the load), QEMU rc=%d" % (hv, res.group(1), rc))
        if res.group(1) != "7" or rc != 0:
            raise HarnessError("%s: bare dom0 probe failed (result %s, rc %d)" % (hv, res.group(1), rc))


def main():
    for f in ("hypervisor/tern.bin", "aarch64/bin/hv-fault-probe", "aarch64/hv-hvc-probe.bin"):
        if not os.path.exists(os.path.join(BUILDDIR, f)):
            print("SKIP: %s not built" % f)
            return SKIP
    ko = build_module()
    initrd = build_initramfs("hv-faults", extra_files={"/lib/tern/tern-hvc-probe.ko": ko})
    outcomes = {hv: check_dom0(hv, initrd) for hv in ("tern", "xen")}
    if outcomes["tern"] != outcomes["xen"]:
        raise HarnessError("bad HVC: Tern gives %r, Xen %r" % (outcomes["tern"], outcomes["xen"]))
    print("bad HVC: Tern and Xen give dom0 the same exception: %s" % outcomes["xen"]["0"])

    probe = os.path.join(BUILDDIR, "aarch64", "hv-hvc-probe.bin")
    for hv in ("tern", "xen"):
        check_bare(hv, probe)
    return 0


class ProbeMachine(Machine):
    """Boots a given Image as dom0 instead of Debian's kernel, and no initrd."""

    def __init__(self, image, **kw):
        Machine.__init__(self, harness_console=False, **kw)
        self.image = image

    def qemu_cmd(self):
        cmd = Machine.qemu_cmd(self)
        for i, a in enumerate(cmd):
            if a.startswith("guest-loader,") and "kernel=" in a:
                cmd[i] = "guest-loader,addr=0x49000000,kernel=%s" % self.image
        return cmd


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
