"""Shared pieces of the network system tests on Tern (net-qos-tern.py): the guests' config,
the images (dom0 with tern-netback and the tun module, a Debian guest with xen-netfront and
net-stream), starting the backend, typing into a guest's console, waiting for a vif to
connect, reading net-stream's results and the vifs' counters."""
import json
import os
import re
import sys

from tern_harness import build_initramfs, build_guest_initramfs, DOM0_MODULES, OUT, BUILDDIR

CFG = """name = "g%(n)d"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/net.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 1
vif = ["%(vif)s"]
"""
STREAM = os.path.join(BUILDDIR, "aarch64", "bin", "net-stream")
BE = "/local/domain/0/backend/vif/%d/%d"
LOG = "/var/log/tern/netback.log"
DIAG = "; cat /run/tern/netback/*.json; tail -20 " + LOG

MACHINE = []


def missing_binaries():
    """The aarch64 programs a network test needs that are not built (a reason to skip)."""
    return [f for f in ("tern-netback", "net-stream")
            if not os.path.exists(os.path.join(BUILDDIR, "aarch64", "bin", f))]


def check(ok, what, detail=""):
    print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)
    if not ok:
        print(detail[-3000:])
        if MACHINE:
            print(MACHINE[0].run("true" + DIAG, timeout=30)[1])
        sys.exit(1)


def images(name, vifs):
    """dom0's initramfs with /etc/tern/gN.cfg for each N -> vif spec in vifs, and the guest."""
    os.makedirs(OUT, exist_ok=True)
    extra = {}
    for n, vif in vifs.items():
        cfg = os.path.join(OUT, "%s-g%d.cfg" % (name, n))
        with open(cfg, "w") as f:
            f.write(CFG % {"n": n, "vif": vif})
        extra["/etc/tern/g%d.cfg" % n] = cfg
    extra["/guest/net.gz"] = build_guest_initramfs(modules=["xen-netfront"],
                                                   extra_files={"usr/bin/net-stream": STREAM})
    return build_initramfs(name, xen_tools=True, guest=True, extra_files=extra,
                           modules=DOM0_MODULES + ["tun"])


def start_backend(m):
    """xenstored, consoled and tern-netback; dom0 is 10.0.0.1 on the switch xenbr0."""
    m.run_ok("tern-xen-start --no-consoled >/tmp/xs.log 2>&1 && tern-consoled && tern-netback",
             timeout=120)
    rc, out = m.run("sleep 1; ifconfig xenbr0 10.0.0.1 netmask 255.255.255.0 up && "
                    "ip link show xenbr0", timeout=30)
    check(rc == 0 and "xenbr0" in out, "dom0 has the switch's port xenbr0", out)


def guest(m, name, cmds, wait_s=8, timeout=60):
    """Types one command line into a guest's console (tern console) and returns what it
    printed in the next wait_s seconds."""
    rc, out = m.run("(sleep 2; echo '%s'; sleep %d) | timeout %d tern console %s"
                    % (cmds, wait_s, wait_s + 20, name), timeout=timeout + wait_s)
    return out.replace("\r", "")


def wait_connected(m, domid, devid, what, before=""):
    """Runs before (a dom0 command), then waits for backend state 4 of vif domid/devid."""
    state = BE % (domid, devid) + "/state"
    rc, out = m.run("%s for i in $(seq 90); do [ \"$(xenstore-read %s)\" = 4 ] && break; "
                    "sleep 1; done; xenstore-read %s; tail -5 %s"
                    % (before, state, state, LOG), timeout=150)
    check(rc == 0 and "\n4\n" in "\n" + out, what, out)
    return out


def hashes(text):
    """net-stream's results: (bytes, hash, seconds) tuples."""
    return re.findall(r"bytes=(\d+) hash=([0-9a-f]{16}) seconds=([0-9.]+)", text)


def vif_counters(m, dom):
    """`tern network-stats DOM --json` as a list of dicts (counters settled: the backend
    rewrites them at most once a second)."""
    rc, out = m.run("sleep 2; tern network-stats %s --json" % dom, timeout=30)
    line = [l for l in out.splitlines() if l.startswith("[")]
    if rc != 0 or not line:
        check(False, "tern network-stats %s --json" % dom, out)
    return json.loads(line[0])
