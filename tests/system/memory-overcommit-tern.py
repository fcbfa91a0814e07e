#!/usr/bin/env python3
"""Overcommit under tern-balloond on Tern (one boot, issue 11): three stock Debian domUs
whose ceilings (maxmem) add up to about twice the host's free memory all run; under pressure
none goes below its floor and dom0 keeps its reserve.
 - QEMU gives the host 1280 MiB; after dom0 (512 MiB) the test reads the host's free memory
   F and creates three guests of memory M = (F - 32) / 3 and maxmem 2 M (tern create: the guest
   boots with memory, maxmem is its ceiling): ceilings 6 M > F, and the host is left with less
   than the daemon's reserve (128 MiB);
 - tern-balloond starts: idle guests go to their floors (default max(64 MiB, maxmem / 4)),
   the host's free memory comes back above the reserve;
 - each guest's process (tern-memhog) then asks for M MiB more, which together do not fit:
   the daemon shares what there is (floors first, the rest in proportion to demand); dom0
   samples every guest's size and the host's free memory every 0.5 s: no guest below its floor,
   the host's free memory never below the reserve, all three domains still running.
Prints FIGURE lines. Exit: 0 pass, 1 fail, 77 skip."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory_lib import (Machine, HarnessError, build_initramfs, START_RC, guest_cfg,  # noqa: E402
                        skip_unless_ready, check, xs_read, wait_xs, domid_of, OUT, BUILDDIR)
from tern_harness import build_guest_initramfs  # noqa: E402

NAMES = ("g1", "g2", "g3")
RESERVE_MIB = 128  # tern-balloond's default
HOG = os.path.join(BUILDDIR, "aarch64", "guest", "tern-memhog")
SAMPLER = ("((while :; do echo S $(cut -d' ' -f1 /proc/uptime) $(tern info | awk '$1==\"free_memory\""
           "{print $3}') $(tern list | awk '$1 ~ /^g[123]$/ {printf \"%s=%s \", $1, $3}'); "
           "sleep 0.5; done) >/tmp/oc.samples 2>&1 & echo $! >/tmp/sampler.pid)")


def free_mib(m):
    rc, out = m.run("tern info | awk '$1==\"free_memory\" {print $3}'", timeout=60)
    return int(out.strip().splitlines()[-1]) if rc == 0 and out.strip() else None


def samples(m):
    """[(uptime, free MiB, {name: MiB})] from the dom0 sampler."""
    rc, out = m.run("cat /tmp/oc.samples", timeout=60)
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] == "S" and f[2].isdigit():
            sizes = dict(kv.split("=") for kv in f[3:] if re.fullmatch(r"g\d=\d+", kv))
            rows.append((float(f[1]), int(f[2]), {k: int(v) for k, v in sizes.items()}))
    return rows


def guest_run(m, name, cmd):
    m.run("(sleep 1; echo '%s'; sleep 2) | timeout 12 tern console %s 2>&1" % (cmd, name),
          timeout=60)


def main():
    skip_unless_ready()
    if not os.path.exists(HOG):
        print("SKIP: aarch64/guest/tern-memhog not built")
        return 77
    guest = build_guest_initramfs(extra_files={"usr/bin/tern-memhog": HOG})
    initrd = build_initramfs("memory-overcommit", xen_tools=True, guest=True,
                             extra_files={"/guest/hog.gz": guest}, rc_local=START_RC)
    log = os.path.join(OUT, "memory-overcommit-tern.log")
    with Machine(hv="tern", smp=2, mem=1280, dom0_mem="512M", initrd=initrd, timeout=900,
                 log=log) as m:
        m.wait_for_shell(timeout=300)
        check(m.time_of("TERN-USERSPACE-UP") is not None, "tern-xenstored and tern-consoled up")
        host_free = free_mib(m)
        check(host_free is not None and host_free >= 3 * 160 + 32,
              "the host has room for three guests (%s MiB free)" % host_free)
        mem = (host_free - 32) // 3 // 8 * 8
        maxmem = 2 * mem
        floor = max(64, maxmem // 4)
        for name in NAMES:
            _, src = guest_cfg(name, mem, maxmem=maxmem, ramdisk="/guest/hog.gz")
            rc, out = m.run("cat > /etc/xen/%s.cfg <<'EOF'\n%sEOF" % (name, open(src).read()),
                            timeout=30)
            rc, out = m.run("tern create /etc/xen/%s.cfg" % name, timeout=120)
            check(rc == 0, "tern create %s (memory %d, maxmem %d MiB)" % (name, mem, maxmem), out)
        doms = {n: domid_of(m, n) for n in NAMES}
        for n, d in doms.items():
            check(wait_xs(m, "/local/domain/%d/data/meminfo_total" % d) is not None,
                  "%s runs and its agent publishes" % n)
            tgt = xs_read(m, "/local/domain/%d/memory/target" % d)
            check(tgt == str(mem << 10), "%s: memory/target is its boot memory (%s KiB)" % (n, tgt))
        before = free_mib(m)
        print("FIGURE overcommit_ceilings_mib=%d host_free_mib=%d guests_mib=%d free_after_create"
              "_mib=%d hypervisor=tern" % (3 * maxmem, host_free, 3 * mem, before), flush=True)
        check(3 * maxmem > host_free, "the ceilings (%d MiB) exceed the host's free memory (%d MiB)"
              % (3 * maxmem, host_free))

        # In subshells: jobs of the interactive shell would print "Terminated" into the
        # harness's next command when killed.
        m.run_ok("(tern-balloond >/tmp/balloond.log 2>&1 & echo $! >/tmp/balloond.pid); " + SAMPLER,
                 timeout=30)
        t0 = time.monotonic()
        freed = None
        while time.monotonic() - t0 < 90:
            time.sleep(2)
            f = free_mib(m)
            if f is not None and f >= RESERVE_MIB + 64:
                freed = time.monotonic() - t0
                break
        rc, st = m.run("xenstore-ls /local/domain/0/tern-balloond; cat /tmp/balloond.log",
                       timeout=30)
        print(st)
        check(freed is not None, "idle guests gave memory back: the host is above its reserve "
              "(%s MiB free)" % f)
        print("FIGURE overcommit_idle_s=%.1f free_mib=%d hypervisor=tern" % (freed, f), flush=True)

        # Pressure: every guest's process wants mem MiB more; together they do not fit.
        rc, out = m.run("cut -d' ' -f1 /proc/uptime", timeout=30)
        p0 = float(out.strip().splitlines()[-1])
        for n in NAMES:
            guest_run(m, n, "tern-memhog %d 8 200 >/tmp/hog.st 2>&1 &" % mem)
        time.sleep(40)
        rows = [r for r in samples(m) if r[0] >= p0]
        rc, st = m.run("xenstore-ls /local/domain/0/tern-balloond; cat /tmp/balloond.log; tern list",
                       timeout=30)
        print(st)
        print("samples (uptime free {guest: MiB}):", " ".join(
            "%.1f:%d:%s" % (r[0], r[1], ",".join("%s=%d" % kv for kv in sorted(r[2].items())))
            for r in rows))
        check(len(rows) >= 20 and all(len(r[2]) == 3 for r in rows),
              "dom0 sampled all three guests through the pressure (%d samples)" % len(rows))
        low = {n: min(r[2][n] for r in rows) for n in NAMES}
        min_free = min(r[1] for r in rows)
        peak = {n: max(r[2][n] for r in rows) for n in NAMES}
        print("FIGURE overcommit_pressure floor_mib=%d lowest=%s peak=%s min_host_free_mib=%d "
              "reserve_mib=%d hypervisor=tern" % (floor, low, peak, min_free, RESERVE_MIB),
              flush=True)
        check(all(v >= floor - 2 for v in low.values()),
              "no guest went below its floor of %d MiB (lowest %s)" % (floor, low))
        check(min_free >= RESERVE_MIB - 8, "dom0 kept its reserve: the host's free memory stayed "
              "at %d MiB or more (reserve %d MiB)" % (min_free, RESERVE_MIB))
        check(sum(peak.values()) > 3 * floor + 16, "the guests grew under their demand (peaks %s)"
              % peak)
        # What the guests' processes got (their consoles are logged by tern-consoled): under
        # pressure a guest's OOM killer may take its process, which is the guest's business.
        for n in NAMES:
            guest_run(m, n, "echo $(cat /tmp/hog.st) oom-kills-$(dmesg | grep -c \"Out of memory\")")
            rc, out = m.run("grep -a 'oom-kills-[0-9]' /var/log/tern/console/%s.log | tail -1" % n,
                            timeout=30)
            print("%s: %s" % (n, out.strip()), flush=True)
        rc, out = m.run("tern list", timeout=60)
        states = {n: re.search(r"^%s\s+\d+\s+\d+\s+\d+\s+(\S+)" % n, out, re.M) for n in NAMES}
        check(all(s and "c" not in s.group(1) for s in states.values()),
              "all three guests still run", out)
        m.run_ok("kill $(cat /tmp/balloond.pid) $(cat /tmp/sampler.pid)", timeout=30)
        for n in NAMES:
            m.run_ok("tern destroy %s" % n, timeout=120)
        m.poweroff()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
