#!/usr/bin/env python3
"""dom0 toolstack on real Xen 4.17: our `tern` CLI and `tern-consoled` in dom0, with Debian's
xenstored (no Debian xenconsoled).

Checks: tern info/list; `tern create` boots the Debian kernel as a domU to its init (the
guest prints TERN-GUEST-INIT); `tern console` shows its output and accepts input; `tern list`
shows the configured memory and vCPUs (and Debian's `xl list` agrees); `tern mem-set` moves
the memory and the balloon follows; `tern shutdown` powers it off cleanly; destroy gives the
memory back; 20 create/destroy cycles leak no memory, xenstore node or event channel; bad
configs and failed creates give one message naming file:line or step/object/errno, exit
non-zero and leave nothing behind; pause/unpause/domid/domname/uptime/vcpu-list/dmesg;
`tern reboot` restarts the guest (on_reboot=restart, applied by tern-consoled).
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests", "harness"))
from tern_harness import Machine, build_initramfs, build_guest_initramfs, OUT, BUILDDIR, CACHE  # noqa: E402

# Which xenstored dom0 runs: Debian's (default) or a path inside dom0, e.g. xenstore-lite's
# /usr/local/bin/tern-xenstored (tests/system/toolstack-xenstore-lite.py sets this).
XENSTORED = os.environ.get("TERN_TOOLSTACK_XENSTORED", "")

if not os.path.exists(os.path.join(BUILDDIR, "aarch64", "bin", "tern")):
    print("SKIP: aarch64/bin/tern not built")
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
    path = os.path.join(OUT, "toolstack-" + name)
    # toolstack-xenstore-lite.py runs this file at the same time (make -j2): write a
    # private file and rename it, so neither reads the other's half-written copy
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return path


# The harness guest's PID 1 is a shell that cannot act on busybox poweroff's signal; Linux's
# orderly_poweroff runs /sbin/poweroff, so give the guest one that powers off directly.
POWEROFF = "#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n"
REBOOT = "#!/bin/sh\nsync\nexec /bin/busybox reboot -f\n"
GUEST = """name = "g1"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd-tern.gz"
extra = "console=hvc0 rdinit=/init"
memory = 256
vcpus = 2
on_poweroff = "destroy"
acpi = 0
"""
SMALL = """name = "small"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd-tern.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 64
vcpus = 1
"""
BAD = """name = "bad"
kernel = "/guest/vmlinuz"
memory = 128
vcpus = 300
"""
NOKERNEL = """name = "nokernel"
kernel = "/guest/no-such-kernel"
memory = 64
"""
HUGE = """name = "huge"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd-tern.gz"
memory = 1900
"""

HELPER = r"""#!/bin/sh
# Dom0 side of tests/system/toolstack-xen.py: long loops live here so that every command
# typed on the (slow, emulated) serial console stays short.
mem() { tern list "$1" | awk -v d="$1" '$1 == d {print $3}'; }
case "$1" in
counters)
    echo free_pages=$(tern info | sed -n 's/^free_pages *: //p')
    echo xs_nodes=$(xenstore-ls -f / | wc -l)
    echo evtchns=$(grep -c xen-dyn /proc/interrupts) ;;
nodes)
    xenstore-ls -f / | sed 's/ = .*//' ;;
marker)  # marker LOG COUNT TIMEOUT_S
    # Bounded by the clock, not by a count of turns (each turn's forks are slow on a loaded
    # host); on timeout, what the guest, its console and tern-consoled were doing.
    t0=$(date +%s)
    while c=$(grep -c TERN-GUEST-INIT "$2" 2>/dev/null); [ "${c:-0}" -lt "$3" ]; do
        [ $(($(date +%s) - t0)) -ge "$4" ] && {
            d=$(basename "$2" .log)
            echo "marker: no TERN-GUEST-INIT x$3 in $2 after $4 s"; tern list
            ls -l "$2"; tail -n 8 "$2"; tail -n 5 /var/log/tern/consoled.log
            xenstore-ls -f /local/domain/$(tern domid "$d") | grep -E 'console|state' | head -n 12
            break
        }
        sleep 0.2
    done
    grep TERN-GUEST-INIT "$2" ;;
echo42)
    (sleep 1; echo 'echo TERN-ECHO-$((6*7))'; sleep 1) | timeout 60 tern console "$2" ;;
memwait)  # memwait DOM le|ge MIB
    i=0
    while ! [ "$(mem "$2")" -"$3" "$4" ]; do
        i=$((i + 1)); [ $i -gt 120 ] && break; sleep 0.5
    done
    tern list "$2"
    xenstore-read /local/domain/$(tern domid "$2")/memory/target ;;
rebootwait)  # rebootwait DOM OLDID
    tern reboot "$2" || exit 1
    t0=$(date +%s)
    while [ "$(tern domid "$2" 2>/dev/null)" = "$3" ] ||
          [ "$(grep -c TERN-GUEST-INIT /var/log/tern/console/$2.log 2>/dev/null || echo 0)" -lt 2 ]; do
        [ $(($(date +%s) - t0)) -gt 240 ] && { tail -n 5 /var/log/tern/consoled.log; break; }
        sleep 0.5
    done
    tern list "$2" ;;
consoled)  # start tern-consoled once a killed xenconsoled is really gone (up to 20 s)
    i=0
    until tern-consoled 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && exit 1; sleep 0.2
    done
    sleep 0.5; test -S /run/tern/console.sock && echo up ;;
cycles)  # cycles N CFG NAME
    n=0
    for i in $(seq "$2"); do
        tern create "$3" && sleep 0.3 && tern destroy "$4" && n=$((n + 1))
    done
    echo cycles=$n ;;
esac
"""

guest_initrd = build_guest_initramfs(None, {"sbin/poweroff": write("poweroff", POWEROFF, 0o755),
                                            "sbin/reboot": write("reboot", REBOOT, 0o755)})
# The guest kernel gzip-compressed (as Debian ships vmlinuz): the builder inflates it window
# by window while copying. Made once per kernel.
GZ_KERNEL = os.path.join(OUT, "toolstack-vmlinuz.gz")
_raw_kernel = os.path.join(CACHE, "boot", "vmlinuz")
if not os.path.exists(GZ_KERNEL) or os.path.getmtime(GZ_KERNEL) < os.path.getmtime(_raw_kernel):
    import gzip
    import shutil
    os.makedirs(OUT, exist_ok=True)
    with open(_raw_kernel, "rb") as fin, gzip.open(GZ_KERNEL + ".tmp.%d" % os.getpid(), "wb",
                                                  compresslevel=6) as fout:
        shutil.copyfileobj(fin, fout)
    os.replace(GZ_KERNEL + ".tmp.%d" % os.getpid(), GZ_KERNEL)
SMALLGZ = SMALL.replace('name = "small"', 'name = "smallgz"').replace('/guest/vmlinuz"', '/guest/vmlinuz.gz"')
extra = {"/guest/vmlinuz.gz": GZ_KERNEL,
         "/guest/initrd-tern.gz": guest_initrd, "/usr/local/sbin/tern-test": write("tern-test", HELPER, 0o755)}
for name, text in (("g1.cfg", GUEST), ("small.cfg", SMALL), ("smallgz.cfg", SMALLGZ), ("bad.cfg", BAD),
                   ("nokernel.cfg", NOKERNEL), ("huge.cfg", HUGE)):
    extra["/etc/tern/" + name] = write(name, text)
initrd = build_initramfs("toolstack", xen_tools=True, guest=True, extra_files=extra)

def counters(m):
    """free_pages, xs_nodes, evtchns: resource counters that must come back."""
    out = m.run_ok("tern-test counters")
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", out)}


def wait_marker(m, log, count=1, timeout=240):
    rc, out = m.run("tern-test marker %s %d %d" % (log, count, timeout), timeout=timeout + 30)
    return rc == 0 and out.count("TERN-GUEST-INIT") >= count, out


def list_row(m, name):
    out = m.run_ok("tern list")
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == name:
            return {"id": int(f[1]), "mem": int(f[2]), "vcpus": int(f[3]), "state": f[4]}
    return None


with Machine(hv="xen", smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=1500) as m:
    m.wait_for_shell()
    m.run_ok("tern-xen-start --no-consoled" + (" --xenstored " + XENSTORED if XENSTORED else ""),
             timeout=180)
    # Two console daemons would fight over the rings: tern-consoled refuses to start next to
    # Debian's xenconsoled, and starts once it is gone.
    m.run_ok("xenconsoled --pid-file=/run/xenconsoled.pid --log=none", timeout=60)
    rc, out = m.run("tern-consoled 2>&1; echo rc=$?")
    check("tern-consoled refuses to run next to xenconsoled",
          "rc=1" in out and "xenconsoled is running" in out, out)
    m.run_ok("kill $(cat /run/xenconsoled.pid)")
    rc, out = m.run("tern-test consoled", timeout=120)
    check("tern-consoled starts and listens", rc == 0 and "up" in out, out)
    rc, out = m.run("tern-consoled 2>&1; echo rc=$?")
    check("a second tern-consoled refuses to start", "rc=1" in out and "another" in out, out)

    rc, out = m.run("tern info")
    check("tern info shows Xen 4.17 and memory",
          rc == 0 and re.search(r"xen_version\s+: 4\.17", out) and "free_memory" in out, out)
    rc, out = m.run("tern list")
    check("tern list shows Domain-0", rc == 0 and re.search(r"^Domain-0\s+0\s+\d+\s+2", out, re.M), out)
    before = counters(m)
    nodes_before = set(m.run_ok("tern-test nodes").split())
    free_mib = m.run_ok("tern info | sed -n 's/^free_memory *: //p'").strip()

    # ---- create -> guest init, console, list, mem-set, shutdown
    rc, out = m.run("TERN_TIMING=1 tern create /etc/tern/g1.cfg", timeout=120)
    check("tern create g1", rc == 0, out)
    # Xen 4.17 has GNTTABOP_copy: the builder loads the kernel without foreign mappings.
    check("the kernel is loaded through grant copy", "kernel (grant copy)" in out, out)
    check("xenstore entries are written pipelined", "entries (pipelined)" in out, out)
    ok, out = wait_marker(m, "/var/log/tern/console/g1.log")
    check("g1 boots to its init (marker in the console log)", ok and "cpus=2" in out, out)
    rc, out = m.run("tern create /etc/tern/g1.cfg; tern list | grep -c '^g1 '", timeout=120)
    check("a second create of g1 fails (name in use) and leaves one g1",
          "a domain with this name exists" in out and out.strip().endswith("1"), out)
    row = list_row(m, "g1")
    check("tern list shows g1 with 256 MiB and 2 vCPUs",
          row is not None and 255 <= row["mem"] <= 257 and row["vcpus"] == 2, str(row))
    rc, out = m.run("tern list -l")
    try:
        doms = json.loads(out)
        g = [d for d in doms if d["config"]["c_info"]["name"] == "g1"][0]
        ok = g["config"]["b_info"]["target_memkb"] == 262144 and g["config"]["b_info"]["max_vcpus"] == 2
    except (ValueError, KeyError, IndexError):
        ok = False
    check("tern list -l is JSON with g1's config", rc == 0 and ok, out)
    rc, out = m.run("xl list g1")
    check("Debian's xl list sees g1 by name", rc == 0 and re.search(r"^g1\s+\d+\s+25[56]\s+2", out, re.M), out)
    rc, out = m.run("tern-test echo42 g1", timeout=90)
    check("tern console relays input and output", rc == 0 and "TERN-ECHO-42" in out, out)
    rc, out = m.run("tern domid g1; tern domname $(tern domid g1)")
    check("tern domid / domname", rc == 0 and re.search(r"^\d+\s+g1\s*$", out.strip(), re.M), out)
    rc, out = m.run("tern vcpu-list g1")
    check("tern vcpu-list shows 2 vCPUs", rc == 0 and len(re.findall(r"^g1\s", out, re.M)) == 2, out)
    rc, out = m.run("tern uptime g1")
    check("tern uptime", rc == 0 and re.search(r"^g1\s+\d+\s+\d+:\d\d:\d\d", out, re.M), out)
    rc, out = m.run("tern pause g1 && tern list g1 && tern unpause g1 && tern list g1")
    check("tern pause / unpause", rc == 0 and re.search(r"^g1\s.*\s..p---\s", out, re.M) and
          len(re.findall(r"^g1", out, re.M)) == 2, out)

    # 144 MiB, not 128: tern mem-set refuses targets below what the guest's balloon can give
    # (256 MiB guest, 64 MiB CMA, 16 MiB kept; docs/memory.md) and raises them itself.
    rc, out = m.run("tern mem-set g1 144m && tern-test memwait g1 le 146", timeout=120)
    row = list_row(m, "g1")
    check("tern mem-set 144m: the balloon follows (tern list <= 146 MiB)",
          rc == 0 and row is not None and row["mem"] <= 146 and "147456" in out, out)
    rc, out = m.run("tern mem-set g1 256m && tern-test memwait g1 ge 255", timeout=120)
    row = list_row(m, "g1")
    check("tern mem-set 256m: memory comes back", rc == 0 and row and row["mem"] >= 255, out)
    rc, out = m.run("tern mem-set g1 512m")
    check("mem-set above maxmem is refused", rc != 0 and "maxmem" in out, out)

    old_id = m.run_ok("tern domid g1").strip()
    rc, out = m.run("tern-test rebootwait g1 %s" % old_id, timeout=300)
    row = list_row(m, "g1")
    check("tern reboot: on_reboot=restart re-creates g1 (new domid) and it boots again",
          rc == 0 and row is not None and str(row["id"]) != old_id and
          m.run_ok("grep -c TERN-GUEST-INIT /var/log/tern/console/g1.log").strip() == "2", out)

    rc, out = m.run("timeout 120 tern shutdown -w g1", timeout=150)
    check("tern shutdown -w g1", rc == 0 and "has been shut down" in out, out)
    rc, out = m.run("tern list; tail -3 /var/log/tern/console/g1.log")
    check("g1 powered off cleanly and is gone",
          "reboot: Power down" in out and not re.search(r"^g1\s", out, re.M), out)

    after = counters(m)
    free_after = m.run_ok("tern info | sed -n 's/^free_memory *: //p'").strip()
    check("free memory back after g1 (tern info free_memory %s -> %s MiB)" % (free_mib, free_after),
          free_after == free_mib, "%s vs %s" % (before, after))
    # The first domain creates the (then empty) parents /vm, /libxl and dom0's backend/console,
    # as xl does; nothing of g1 itself may remain.
    extra_nodes = set(m.run_ok("tern-test nodes").split()) - nodes_before
    check("xenstore nodes and dom0 event channels back after g1",
          extra_nodes <= {"/vm", "/libxl", "/local/domain/0/backend",
                          "/local/domain/0/backend/console"} and after["evtchns"] == before["evtchns"],
          "%s; %s vs %s" % (sorted(extra_nodes), before, after))

    # ---- 20 create/destroy cycles (running guests, consoles attached)
    m.run_ok("tern create /etc/tern/small.cfg && tern destroy small", timeout=120)
    base = counters(m)
    rc, out = m.run("tern-test cycles 20 /etc/tern/small.cfg small", timeout=900)
    check("20 create/destroy cycles succeed", rc == 0 and "cycles=20" in out, out)
    end = counters(m)
    # Xen's own heap drifts by a few pages in the first cycles (seen with xl too); a leak of
    # one page per domain would show as >= 20 pages here.
    check("20 cycles leak no memory (free pages %d -> %d)" % (base["free_pages"], end["free_pages"]),
          base["free_pages"] - end["free_pages"] < 10, "%s vs %s" % (base, end))
    check("20 cycles leak no xenstore node (%d -> %d)" % (base["xs_nodes"], end["xs_nodes"]),
          end["xs_nodes"] == base["xs_nodes"], "%s vs %s" % (base, end))
    check("20 cycles leak no event channel (%d -> %d)" % (base["evtchns"], end["evtchns"]),
          end["evtchns"] == base["evtchns"], "%s vs %s" % (base, end))

    # ---- clean failure
    # ---- a gzip kernel: inflated window by window into grant copies, and it boots
    rc, out = m.run("TERN_TIMING=1 tern create /etc/tern/smallgz.cfg", timeout=180)
    ok, log = wait_marker(m, "/var/log/tern/console/smallgz.log")
    check("a gzip-compressed kernel is loaded (grant copy) and boots",
          rc == 0 and "kernel (grant copy)" in out and ok, out + log)
    m.run("tern destroy smallgz", timeout=120)

    rc, out = m.run("tern create /etc/tern/bad.cfg")
    check("bad config: file:line: reason, non-zero exit",
          rc != 0 and "/etc/tern/bad.cfg:4: vcpus: vcpus 300 out of range" in out, out)
    pre = counters(m)
    rc, out = m.run("tern create /etc/tern/nokernel.cfg")
    check("missing kernel: one message naming step, object and errno",
          rc != 0 and len(out.strip().splitlines()) <= 2 and "no-such-kernel" in out and
          "No such file or directory" in out, out)
    rc, out = m.run("tern create /etc/tern/huge.cfg", timeout=180)
    check("create larger than free memory fails with an errno message",
          rc != 0 and "huge" not in m.run_ok("tern list") and re.search(r"tern: create: .*: \w", out), out)
    post = counters(m)
    check("failed creates leave no domain, memory or xenstore node",
          abs(post["free_pages"] - pre["free_pages"]) < 10 and post["xs_nodes"] == pre["xs_nodes"]
          and post["evtchns"] == pre["evtchns"], "%s vs %s" % (pre, post))
    rc, out = m.run("tern destroy nosuchdomain")
    check("destroy of an unknown domain fails cleanly", rc != 0 and "No such process" in out, out)
    rc, out = m.run("tern frobnicate")
    check("unknown command fails", rc != 0 and "unknown command" in out, out)
    rc, out = m.run("tern dmesg | grep -c 'Xen version'")
    check("tern dmesg reads Xen's console ring", rc == 0 and int(out.strip() or 0) >= 1, out)
    status = m.poweroff()

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
