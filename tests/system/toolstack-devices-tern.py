#!/usr/bin/env python3
"""Disks and vifs in the toolstack, on Tern (TERN_DEVICES_HV=xen: on real Xen 4.17, where
toolstack-devices-xen.py also compares tern's nodes with the ones Debian's xl writes).

One boot: `tern disk create` / `disk info` (sparse images); `tern create` of a domU with
two disks (one read-only, cache=none) and a vif writes the frontend/backend nodes and
permissions libxl writes; block-list and network-list show them in xl's columns;
block-attach / block-detach / network-attach / network-detach / network-rate /
block-resize on the running guest; detach and destroy close a connected backend as libxl
does (online=0, state=5, wait for 6; the test plays the backend); after destroy nothing is
left under backend/ and device/; bad specs and missing images fail with the field named
and leave no domain behind. No backend daemon runs: states stay at 1 unless the test
writes them.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests", "harness"))
from tern_harness import Machine, build_initramfs, build_guest_initramfs, OUT, BUILDDIR  # noqa: E402

HV = os.environ.get("TERN_DEVICES_HV", "tern")
COMPARE_XL = HV == "xen" and os.environ.get("TERN_DEVICES_COMPARE_XL") == "1"

for need in (os.path.join(BUILDDIR, "aarch64", "bin", "tern"),
             os.path.join(BUILDDIR, "aarch64", "bin", "tern-xenstored")) + \
        ((os.path.join(BUILDDIR, "hypervisor", "tern.bin"),) if HV == "tern" else ()):
    if not os.path.exists(need):
        print("SKIP: %s not built" % need)
        sys.exit(77)

failures = []


def check(name, ok, detail=""):
    print("%s: %s%s" % ("PASS" if ok else "FAIL", name,
                        (" -- " + detail.strip()[-1500:]) if detail and not ok else ""), flush=True)
    if not ok:
        failures.append(name)
    return ok


def write(name, text, mode=0o644):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "devices-%s-%s" % (HV, name))
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return path


BASE = """kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd-devs.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 1
"""
DISK_A = "/tmp/a.img,raw,xvda,rw"
DISK_B = "vdev=xvdb,access=r,target=/tmp/b.img"
VIF_0 = "mac=00:16:3e:00:00:02,bridge=xenbr0,rate=8Mb/s@20ms"
CFGS = {
    "devs.cfg": BASE + 'name = "devs"\ndisk = [ "%s", "cache=none,%s" ]\nvif = [ "%s" ]\n'
    % (DISK_A, DISK_B, VIF_0),
    # the same devices for xl (which has no cache= key), disks and vifs apart: xl adds the
    # vifs only once the disks' backends are up, which never happens without a backend
    "xldisk.cfg": BASE + 'name = "xldisk"\ndisk = [ "%s", "%s" ]\n' % (DISK_A, DISK_B),
    "xlvif.cfg": BASE + 'name = "xlvif"\nvif = [ "%s" ]\n' % VIF_0,
    "nofile.cfg": BASE + 'name = "nofile"\ndisk = [ "/tmp/none.img,raw,xvda,rw" ]\n',
    "badvdev.cfg": BASE + 'name = "badvdev"\ndisk = [ "/tmp/a.img,raw,xvd1,rw" ]\n',
    "badkey.cfg": BASE + 'name = "badkey"\ndisk = [ "/tmp/a.img,raw,xvda,rw,colour=red" ]\n',
    "dupvdev.cfg": BASE + 'name = "dupvdev"\ndisk = [ "/tmp/a.img,,xvda", "/tmp/b.img,,51712" ]\n',
    "badmac.cfg": BASE + 'name = "badmac"\nvif = [ "mac=00:16:3e:00:00" ]\n',
    "bigmax.cfg": BASE + 'name = "bigmax"\nmaxmem = 256\n',
}

# Dom0 side: loops and polls live here so that each typed command stays short (Tern's
# console takes at most 128 typed bytes at a time).
HELPER = r"""#!/bin/sh
case "$1" in
nodes)  # nodes DOMID: the domain's device subtrees, with permissions
    for p in /local/domain/0/backend/vbd/$2 /local/domain/0/backend/vif/$2 \
             /local/domain/$2/device/vbd /local/domain/$2/device/vif /libxl/$2/device/vbd \
             /libxl/$2/device/vif; do
        xenstore-ls -fp $p 2>/dev/null
    done ;;
left)  # left DOMID: anything left of the domain's devices or the domain
    xenstore-ls -f /local/domain/0/backend 2>/dev/null | grep -E "/(vbd|vif)/$2( |/)"
    xenstore-ls -f /local/domain/$2 2>/dev/null | head -3
    xenstore-ls -f /libxl/$2 2>/dev/null | head -3
    echo END ;;
closing)  # closing DOMID KIND DEVID CMD...: play a connected backend while CMD removes it
    b=/local/domain/0/backend/$3/$2/$4
    xenstore-write $b/state 4
    shift 4
    ("$@" >/tmp/closing.out 2>&1; echo rc=$? >>/tmp/closing.out) &
    i=0
    until [ "$(xenstore-read $b/state 2>/dev/null)" = 5 ]; do
        i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05
    done
    echo online=$(xenstore-read $b/online 2>/dev/null) state=$(xenstore-read $b/state 2>/dev/null)
    xenstore-write $b/state 6
    wait
    cat /tmp/closing.out
    xenstore-exists $b 2>/dev/null && echo STILL-THERE || echo GONE ;;
marker)  # marker LOG COUNT: wait (up to 240 s) for COUNT guest init markers in LOG
    i=0
    while [ "$(grep -c TERN-GUEST-INIT "$2" 2>/dev/null)" -lt "$3" ]; do
        i=$((i + 1)); [ $i -gt 1200 ] && break; sleep 0.2
    done
    grep -c TERN-GUEST-INIT "$2" ;;
reboot)  # reboot DOM OLDID: tern reboot, then wait for the new domain's init
    tern reboot "$2" || exit 1
    i=0
    while [ "$(tern domid "$2" 2>/dev/null)" = "$3" ] ||
          [ "$(grep -c TERN-GUEST-INIT /var/log/tern/console/$2.log 2>/dev/null)" -lt 2 ]; do
        i=$((i + 1)); [ $i -gt 1200 ] && break; sleep 0.2
    done
    echo NEWID=$(tern domid "$2") ;;
xl)  # xl CFG: xl create -p in the background (it waits 10 s for a backend that never
     # comes), dump the nodes while it waits, then let it fail and clean up
    xl create -p /etc/tern/$2 >/tmp/xl.out 2>&1 &
    i=0
    until d=$(xl domid ${2%.cfg} 2>/dev/null) && xenstore-exists /libxl/$d/device/${3}; do
        i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.1
    done
    sleep 1
    echo DOMID=$d
    tern-devs nodes $d
    wait
    xl destroy ${2%.cfg} 2>/dev/null
    echo XL-DONE ;;
esac
"""


def parse_ls(text):
    """xenstore-ls -fp lines -> {path: (value, perms)}."""
    nodes = {}
    for line in text.splitlines():
        m = re.match(r'^(/\S+) = "(.*)"\s+\((.*)\)\s*$', line)
        if m:
            nodes[m.group(1)] = (m.group(2), m.group(3))
    return nodes


def expected_nodes(d):
    """The nodes libxl 4.17 writes for devs.cfg's devices in domain d (as xl wrote them on
    Xen 4.17: see tests/unit/dom0-tools/test_devices.c), plus our tern-cache."""
    e = {}
    fe_p, be_p = "n%d,r0" % d, "n0,r%d" % d

    def disk(devid, vdev, params, mode, discard, cache):
        fe = "/local/domain/%d/device/vbd/%d" % (d, devid)
        be = "/local/domain/0/backend/vbd/%d/%d" % (d, devid)
        lx = "/libxl/%d/device/vbd/%d" % (d, devid)
        for k, v in ((None, ""), ("backend", be), ("backend-id", "0"), ("state", "1"),
                     ("virtual-device", str(devid)), ("device-type", "disk"), ("trusted", "1")):
            e[fe + ("/" + k if k else "")] = (v, fe_p)
        keys = (("params", params), ("script", "/etc/xen/scripts/block"),
                ("frontend-id", str(d)), ("online", "1"), ("removable", "0"), ("bootable", "1"),
                ("state", "1"), ("dev", vdev), ("type", "phy"), ("mode", mode),
                ("device-type", "disk"), ("discard-enable", discard), ("specification", "xen"))
        for k, v in ((None, ""), ("frontend", fe)) + keys + (("tern-cache", cache),):
            e[be + ("/" + k if k else "")] = (v, be_p)
        for k, v in ((None, ""), ("frontend", fe), ("backend", be)) + keys:
            e[lx + ("/" + k if k else "")] = (v, "n0")

    disk(51712, "xvda", "/tmp/a.img", "w", "1", "writeback")
    disk(51728, "xvdb", "/tmp/b.img", "r", "0", "none")
    fe = "/local/domain/%d/device/vif/0" % d
    be = "/local/domain/0/backend/vif/%d/0" % d
    lx = "/libxl/%d/device/vif/0" % d
    mac = "00:16:3e:00:00:02"
    for k, v in ((None, ""), ("backend", be), ("backend-id", "0"), ("state", "1"), ("handle", "0"),
                 ("mac", mac), ("trusted", "1")):
        e[fe + ("/" + k if k else "")] = (v, fe_p)
    e[fe + "/mtu"] = ("1500", be_p)
    keys = (("frontend-id", str(d)), ("online", "1"), ("state", "1"),
            ("script", "/etc/xen/scripts/vif-bridge"), ("mac", mac), ("rate", "20000,20000"),
            ("bridge", "xenbr0"), ("handle", "0"), ("type", "vif"), ("hotplug-status", ""))
    for k, v in ((None, ""), ("frontend", fe)) + keys:
        e[be + ("/" + k if k else "")] = (v, be_p)
    for k, v in ((None, ""), ("frontend", fe), ("backend", be)) + keys:
        e[lx + ("/" + k if k else "")] = (v, "n0")
    return e


def device_nodes(nodes):
    """Only the nodes of devices (not the directories above them)."""
    return {p: v for p, v in nodes.items()
            if re.search(r"/(vbd|vif)/\d+/\d+(/|$)|/device/(vbd|vif)/\d+(/|$)", p)}


def normalise(nodes, d):
    """Domain d's nodes with its id replaced by D (for comparing two domains)."""
    out = {}
    for p, (v, perms) in nodes.items():
        p = re.sub(r"/local/domain/%d/" % d, "/local/domain/D/", p)
        p = re.sub(r"/(vbd|vif)/%d/" % d, r"/\1/D/", p)
        p = re.sub(r"^/libxl/%d/" % d, "/libxl/D/", p)
        v = re.sub(r"/local/domain/%d/" % d, "/local/domain/D/", v)
        v = re.sub(r"/(vbd|vif)/%d/" % d, r"/\1/D/", v)
        if p.endswith("/frontend-id") and v == str(d):
            v = "D"
        perms = re.sub(r"(?<=[nrwb])%d\b" % d, "D", perms)
        out[p] = (v, perms)
    return out


# The harness guest's init is a shell that ignores busybox reboot's signal: give it a
# /sbin/reboot that reboots directly (Linux's orderly reboot runs it).
REBOOT = "#!/bin/sh\nsync\nexec /bin/busybox reboot -f\n"
files = {"/etc/tern/" + n: write(n, t) for n, t in CFGS.items()}
files["/guest/initrd-devs.gz"] = build_guest_initramfs(None, {"sbin/reboot": write("reboot", REBOOT, 0o755)})
files["/usr/local/sbin/tern-devs"] = write("helper", HELPER, 0o755)
initrd = build_initramfs("devices", xen_tools=True, guest=True, extra_files=files)

class Quiet:
    """The machine, with the hypervisor's own console lines ("(XEN) ...", "(TERN) ...",
    which share dom0's console) taken out of command output."""

    def __init__(self, m):
        self.m = m

    def run(self, cmd, timeout=120):
        rc, out = self.m.run(cmd, timeout)
        return rc, re.sub(r"^\((XEN|TERN)\).*\n?", "", out, flags=re.M)

    def run_ok(self, cmd, timeout=120):
        return re.sub(r"^\((XEN|TERN)\).*\n?", "", self.m.run_ok(cmd, timeout), flags=re.M)

    def poweroff(self):
        return self.m.poweroff()


with Machine(hv=HV, smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=900) as machine:
    machine.wait_for_shell()
    m = Quiet(machine)
    m.run_ok("tern-xen-start --no-consoled --xenstored /usr/local/bin/tern-xenstored" if HV == "tern"
             else "tern-xen-start --no-consoled", timeout=180)
    m.run_ok("tern-consoled")  # consoles, and on_reboot=restart

    # ---- thin-provisioned images
    rc, out = m.run("tern disk create /tmp/a.img 64M && tern disk info /tmp/a.img")
    check("tern disk create 64M: sparse (virtual 64 MiB, nothing allocated)",
          rc == 0 and "format : raw" in out and "virtual_size : 67108864" in out and
          "allocated_size : 0" in out, out)
    rc, out = m.run("dd if=/dev/zero of=/tmp/a.img bs=1M count=1 conv=notrunc 2>/dev/null; "
                    "tern disk info /tmp/a.img")
    alloc = re.search(r"allocated_size : (\d+)", out)
    check("tern disk info: 1 MiB written -> allocated 1 MiB of 64",
          rc == 0 and alloc and 1 << 20 <= int(alloc.group(1)) < 64 << 20, out)
    rc, out = m.run("tern disk create /tmp/a.img 1G")
    check("disk create refuses an existing file", rc != 0 and "File exists" in out, out)
    rc, out = m.run("tern disk create /tmp/x.img 12Q")
    check("disk create refuses a bad size", rc != 0 and "size '12Q'" in out, out)
    m.run_ok("tern disk create /tmp/b.img 32M && tern disk create /tmp/c.img 16M")

    # ---- what xl writes (real Xen only)
    xl_nodes = {}
    if COMPARE_XL:
        for cfg, kind in (("xldisk.cfg", "vbd"), ("xlvif.cfg", "vif")):
            rc, out = m.run("tern-devs xl %s %s" % (cfg, kind), timeout=120)
            d = re.search(r"DOMID=(\d+)", out)
            check("xl create -p %s writes its device nodes" % cfg,
                  d is not None and "XL-DONE" in out and "/device/%s/" % kind in out, out)
            if d:
                xl_nodes.update(normalise(device_nodes(parse_ls(out)), int(d.group(1))))

    # ---- bad input: the field is named, nothing is left behind
    for cfg, want in (("nofile.cfg", "target '/tmp/none.img': No such file or directory"),
                      ("badvdev.cfg", "vdev 'xvd1' is not a virtual device name"),
                      ("badkey.cfg", "unknown disk parameter 'colour'"),
                      ("dupvdev.cfg", "vdev 51712 is the same device as disk 0's (xvda)"),
                      ("badmac.cfg", "mac '00:16:3e:00:00' is not xx:xx:xx:xx:xx:xx")):
        rc, out = m.run("tern create /etc/tern/%s" % cfg, timeout=120)
        check("create %s fails naming the field" % cfg, rc != 0 and want in out, out)
    rc, out = m.run("tern list")
    check("the failed creates left no domain", rc == 0 and len(out.strip().splitlines()) == 2, out)
    # maxmem above memory is supported (the guest boots with memory, may grow to maxmem;
    # docs/memory.md): the ceiling goes to memory/tern-maxmem, static-max stays memory.
    rc, out = m.run("tern create /etc/tern/bigmax.cfg && d=$(tern domid bigmax) && "
                    "xenstore-read /local/domain/$d/memory/static-max "
                    "/local/domain/$d/memory/tern-maxmem", timeout=120)
    check("create with maxmem 256 above memory 128: static-max 131072, tern-maxmem 262144",
          rc == 0 and out.split()[-2:] == ["131072", "262144"], out)
    m.run("tern destroy bigmax", timeout=120)

    # ---- create: the nodes and permissions libxl writes
    rc, out = m.run("tern create /etc/tern/devs.cfg", timeout=120)
    check("tern create with two disks and a vif", rc == 0, out)
    domid = int(m.run_ok("tern domid devs").strip())
    got = device_nodes(parse_ls(m.run_ok("tern-devs nodes %d" % domid)))
    want = expected_nodes(domid)
    diff = sorted(set(got.items()) ^ set(want.items()))
    check("create writes libxl's %d device nodes with their permissions" % len(want),
          not diff, "\n".join("%s = %s" % kv for kv in diff))
    if COMPARE_XL:
        ours = normalise(got, domid)
        ours = {p: v for p, v in ours.items() if not p.endswith("/tern-cache")}
        diff = sorted(set(ours.items()) ^ set(xl_nodes.items()))
        check("tern's device nodes are xl's, node for node (%d of %d identical)"
              % (len(set(ours.items()) & set(xl_nodes.items())), len(xl_nodes)),
              xl_nodes and not diff, "\n".join("%s = %s" % kv for kv in diff))
        rc, out = m.run("xl block-list devs; xl network-list devs")
        check("Debian's xl block-list / network-list see tern's devices",
              rc == 0 and "51728" in out and "00:16:3e:00:00:02" in out, out)

    rc, out = m.run("tern block-list devs")
    be = "/local/domain/0/backend/vbd/%d" % domid
    check("block-list: xl's columns, both disks",
          rc == 0 and out.splitlines()[0].startswith("Vdev  BE  handle state evt-ch ring-ref BE-path")
          and "%-5d %-3d %-6d %-5d %-6d %-8d %s/51712" % (51712, 0, domid, 1, -1, -1, be) in out
          and "%s/51728" % be in out, out)
    rc, out = m.run("tern network-list devs")
    check("network-list: xl's columns, the vif",
          rc == 0 and out.splitlines()[0].startswith("Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path")
          and "0   0  00:16:3e:00:00:02     0     1     -1    -1/-1          "
              "/local/domain/0/backend/vif/%d/0" % domid in out, out)

    # ---- attach and detach on the running guest
    rc, out = m.run("tern block-attach devs /tmp/c.img,raw,xvdc,w && tern block-list devs")
    check("block-attach xvdc", rc == 0 and "51744" in out, out)
    rc, out = m.run("xenstore-read /local/domain/%d/device/vbd/51744/virtual-device" % domid)
    check("block-attach writes the frontend", rc == 0 and out.strip() == "51744", out)
    for args, want in (("devs /tmp/c.img,raw,xvdc,w", "vdev xvdc (device 51744) is already attached"),
                       ("devs /tmp/none.img,raw,xvdd,w", "target '/tmp/none.img'"),
                       ("devs /tmp/c.img,raw,xvd1", "vdev 'xvd1'"),
                       ("devs /tmp/c.img,raw,xvdd,w,cache=fast", "cache 'fast' is not writeback or none"),
                       ("nosuch /tmp/c.img,raw,xvdd", "domain 'nosuch'")):
        rc, out = m.run("tern block-attach " + args)
        check("block-attach %s fails naming the field" % args, rc != 0 and want in out, out)
    rc, out = m.run("tern network-attach devs bridge=xenbr0 && tern network-list devs")
    mac1 = re.search(r"^1\s+0\s+(00:16:3e:[0-9a-f:]{8})\s", out, re.M)
    check("network-attach: vif 1 with a generated 00:16:3e MAC", rc == 0 and mac1, out)
    rc, out = m.run("tern network-attach devs mac=00:16:3e:00:00:02")
    check("network-attach refuses a MAC in use", rc != 0 and "already vif 0's" in out, out)
    rc, out = m.run("tern network-rate devs 1 10Mb/s; xenstore-read "
                    "/local/domain/0/backend/vif/%d/1/rate" % domid)
    check("network-rate writes the backend's rate (10Mb/s = 62500 B per 50 ms)",
          rc == 0 and out.strip().endswith("62500,50000"), out)
    rc, out = m.run("tern network-rate devs 1 fast")
    check("network-rate refuses a bad rate", rc != 0 and "rate 'fast'" in out, out)
    rc, out = m.run("tern block-resize devs xvdc 32M && tern disk info /tmp/c.img && xenstore-read "
                    "%s/51744/tern-resize" % be)
    check("block-resize grows the image and writes tern-resize",
          rc == 0 and "virtual_size : 33554432" in out and out.strip().endswith("33554432"), out)
    rc, out = m.run("tern block-resize devs xvdc 8M")
    check("block-resize refuses to shrink", rc != 0 and "shrinking" in out, out)

    rc, out = m.run("tern-devs closing %d vbd 51744 tern block-detach devs xvdc" % domid, timeout=60)
    check("block-detach of a connected disk: online=0, state=5, waits for 6, removes it",
          "online=0 state=5" in out and "rc=0" in out and "did not close" not in out and "GONE" in out,
          out)
    rc, out = m.run("tern network-detach devs %s && tern network-list devs"
                    % (mac1.group(1) if mac1 else "00:16:3e:00:00:09"))
    check("network-detach by MAC", rc == 0 and not re.search(r"^1\s", out, re.M) and
          re.search(r"^0\s", out, re.M), out)
    rc, out = m.run("tern block-detach devs xvdz")
    check("block-detach of an absent disk fails", rc != 0 and "has no disk xvdz" in out, out)
    rc, out = m.run("xenstore-ls -f /local/domain/%d/device/vbd | grep -c virtual-device" % domid)
    check("the detached disk's frontend is gone", out.strip() == "2", out)

    # ---- reboot: the old domain's devices go, the new one gets the config's devices with
    # the changes made while it ran (as xl, which keeps them in its stored configuration)
    rc, out = m.run("tern-devs marker /var/log/tern/console/devs.log 1", timeout=300)
    check("the guest boots to its init", out.strip().endswith("1"), out)
    rc, out = m.run("tern block-attach devs /tmp/c.img,raw,xvdd,w && tern network-detach devs 0 "
                    "&& xenstore-ls -f /libxl/%d/tern-devices" % domid)
    check("before the reboot: block-attach xvdd and network-detach vif 0 are recorded",
          rc == 0 and re.search(r'vbd/51760 = "/tmp/c.img,raw,xvdd,w"', out) and
          re.search(r'vif/0 = ""', out), out)
    rc, out = m.run("tern-devs reboot devs %d" % domid, timeout=360)
    new = re.search(r"NEWID=(\d+)", out)
    check("tern reboot: the guest comes back as a new domain", rc == 0 and new and
          int(new.group(1)) != domid, out)
    if new and int(new.group(1)) != domid:
        rc, out = m.run("tern-devs left %d" % domid)
        check("reboot: nothing of the old domain's devices remains", out.strip() == "END", out)
        domid = int(new.group(1))
        # (no vif left: the helper's last xenstore-ls fails, hence run, not run_ok)
        got = device_nodes(parse_ls(m.run("tern-devs nodes %d" % domid)[1]))
        want = {p: v for p, v in expected_nodes(domid).items() if "/vif/" not in p}
        added = {p: v for p, v in got.items() if "/51760" in p}
        diff = sorted(set(got.items()) - set(added.items()) ^ set(want.items()))
        check("reboot: the new domain has the config's disks, not the detached vif 0 "
              "(%d nodes)" % len(want), not diff, "\n".join("%s = %s" % kv for kv in diff))
        be_d = "/local/domain/0/backend/vbd/%d/51760" % domid
        check("reboot: the disk attached while it ran is back (xvdd, /tmp/c.img, rw)",
              added.get(be_d + "/params", ("",))[0] == "/tmp/c.img" and
              added.get(be_d + "/mode", ("",))[0] == "w" and
              added.get("/local/domain/%d/device/vbd/51760/virtual-device" % domid,
                        ("",))[0] == "51760", "\n".join("%s = %s" % kv for kv in sorted(added.items())))
        rc, out = m.run("xenstore-ls -f /libxl/%d/tern-devices" % domid)
        check("reboot: the new domain keeps the changes for its next reboot",
              re.search(r'vbd/51760 = "/tmp/c.img,raw,xvdd,w"', out) and
              re.search(r'vif/0 = ""', out), out)

    # ---- destroy: connected backends are closed, then everything goes
    rc, out = m.run("tern-devs closing %d vbd 51712 tern destroy devs" % domid, timeout=120)
    check("destroy closes a connected disk (online=0, state=5, waits for 6)",
          "online=0 state=5" in out and "rc=0" in out and "GONE" in out, out)
    rc, out = m.run("tern-devs left %d" % domid)
    check("after destroy nothing remains under backend/, device/ or /libxl",
          out.strip() == "END", out)
    print("QEMU run: %.0f s" % (time.monotonic() - machine.t0))
    m.poweroff()

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
