#!/usr/bin/env python3
"""tern-balloond in dom0 against a stock Debian domU on Tern (one boot): the vStack scenario
of issue 11.
 - a 768 MiB guest (cma=0) with a disk served by tern-blkback reads 400 MiB of it with dd:
   its page cache holds them (data/meminfo_cached, from the guest agent);
 - tern-balloond starts: it moves the guest's target toward what the guest uses plus a
   headroom (bounded by its floor), the guest's balloon driver takes the pages (the kernel
   drops clean page cache for them) and the hypervisor gets them back, while a process in
   the guest keeps counting and its shell keeps answering;
 - a process in the guest (tern-memhog) then allocates 300 MiB, 8 MiB every 0.2 s, and
   writes it (no swap: nothing can reclaim it): the daemon grows the guest ahead of the
   demand, the process gets all of it and the guest's kernel reports no OOM kill;
 - the operator's view: tern-metricsd serves the live page in dom0, reached from the host
   through the harness's forwarded port, and headless Chromium opens it before the
   daemon starts, after the reclaim and after the growth: the page's own memory graph of
   the guest shows it at its boot size, then its fall, then its growth; a screenshot of
   the last goes to tests/out/memory-balloond-tern.png.
Prints FIGURE lines (seconds, MiB reclaimed and grown). Exit: 0 pass, 1 fail, 77 skip."""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory_lib import (Machine, HarnessError, build_initramfs, START_RC, guest_cfg,  # noqa: E402
                        skip_unless_ready, check, xs_read, wait_xs, domid_of, OUT, BUILDDIR)
from tern_harness import (build_guest_initramfs, DOM0_MODULES, DOM0_NET_MODULES,  # noqa: E402
                          DOM0_NET_UP, DYGRAPHS_DIR, monitor_web_files)
from page_lib import free_port, chromium, page_memory, METRICSD_START  # noqa: E402

GUEST_MIB = 768
CACHE_MIB = 400
HOG_MIB = 300
HOG = os.path.join(BUILDDIR, "aarch64", "guest", "tern-memhog")
# dom0 samples the guest's size every 0.5 s: "uptime MiB target-KiB" lines.
SAMPLER = ("((while :; do echo $(cut -d' ' -f1 /proc/uptime) $(tern list bd | awk '$1==\"bd\""
           "{print $3}') $(xenstore-read /local/domain/%d/memory/target); sleep 0.5; done)"
           " >/tmp/samples 2>&1 & echo $! >/tmp/sampler.pid)")


def guest_do(m, cmd, wait_s=4, timeout=120):
    """Types cmd into the guest's shell through `tern console` (its output also lands in the
    console log); returns what the console showed."""
    rc, out = m.run("(sleep 1; echo '%s'; sleep %d) | timeout %d tern console bd 2>&1"
                    % (cmd, wait_s, wait_s + 10), timeout=timeout)
    return out


def wait_guest(m, path, pattern, timeout_s):
    """Polls a status file in the guest (through its console) until pattern appears in it;
    returns the match or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        out = guest_do(m, "cat %s 2>/dev/null | tr A-Z a-z; echo ST-END" % path, wait_s=2)
        hit = re.search(pattern, out.replace("\r", ""))
        if hit:
            return hit.group(0)
        time.sleep(2)
    return None


def dom_kb(m, d):
    """(tot_pages in KiB, memory/target) from tern list and xenstore."""
    rc, out = m.run("tern list bd; xenstore-read /local/domain/%d/memory/target" % d, timeout=60)
    row = re.search(r"^bd\s+\d+\s+(\d+)", out, re.M)
    tgt = out.strip().splitlines()[-1] if rc == 0 else ""
    return (int(row.group(1)) * 1024 if row else None, int(tgt) if tgt.isdigit() else None)


def samples(m):
    """The dom0 sampler's lines as (uptime s, MiB, target KiB)."""
    rc, out = m.run("cat /tmp/samples", timeout=60)
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and all(re.fullmatch(r"[\d.]+", x) for x in f):
            rows.append((float(f[0]), int(f[1]), int(f[2])))
    return rows


def dom0_uptime(m):
    rc, out = m.run("cut -d' ' -f1 /proc/uptime", timeout=30)
    return float(out.strip().splitlines()[-1])


def main():
    skip_unless_ready()
    if not shutil.which("chromium") or not os.path.isdir(DYGRAPHS_DIR):
        print("SKIP: chromium or libjs-dygraphs not installed (scripts/setup)")
        return 77
    for need in ("bin/tern-blkback", "guest/tern-memhog"):
        if not os.path.exists(os.path.join(BUILDDIR, "aarch64", need)):
            print("SKIP: aarch64/%s not built" % need)
            return 77
    cfg_dst, cfg_src = guest_cfg("bd", GUEST_MIB, extra="cma=0", ramdisk="/guest/blk.gz",
                                 disk="/root/d.img,raw,xvda,rw")
    guest = build_guest_initramfs(modules=["xen-blkfront"],
                                  extra_files={"usr/bin/tern-memhog": HOG})
    files = {cfg_dst: cfg_src, "/guest/blk.gz": guest}
    files.update(monitor_web_files())
    initrd = build_initramfs("memory-balloond", xen_tools=True, guest=True, extra_files=files,
                             modules=DOM0_MODULES + DOM0_NET_MODULES, rc_local=START_RC)
    log = os.path.join(OUT, "memory-balloond-tern.log")
    shot = os.path.join(OUT, "memory-balloond-tern.png")
    port = free_port()
    with Machine(hv="tern", smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=900,
                 log=log, net_port=port) as m:
        m.wait_for_shell(timeout=300)
        check(m.time_of("TERN-USERSPACE-UP") is not None, "tern-xenstored and tern-consoled up")
        rc, out = m.run(DOM0_NET_UP, timeout=60)
        check(rc == 0, "dom0's virtio-net up (the page is reached through it)", out)
        rc, out = m.run(METRICSD_START, timeout=60)
        check("listening on 0.0.0.0:80" in out, "tern-metricsd serves the page", out)
        # A sparse image: the guest reads zeros, dom0 spends no memory on it.
        m.run_ok("tern-blkback && mkdir -p /root && truncate -s %dM /root/d.img" % (CACHE_MIB + 16),
                 timeout=60)
        rc, out = m.run("tern create /etc/xen/bd.cfg", timeout=120)
        check(rc == 0, "tern create bd (%d MiB, a disk from tern-blkback)" % GUEST_MIB, out)
        d = domid_of(m, "bd")
        rc, out = m.run("for i in $(seq 90); do [ \"$(xenstore-read /local/domain/0/backend/vbd/"
                        "%d/51712/state)\" = 4 ] && break; sleep 1; done; xenstore-read "
                        "/local/domain/0/backend/vbd/%d/51712/state" % (d, d), timeout=150)
        check(rc == 0 and out.strip().endswith("4"), "blkfront and tern-blkback connect", out)
        check(wait_xs(m, "/local/domain/%d/data/meminfo_total" % d) is not None,
              "the guest agent publishes its figures")
        # Linux drops a block device's page cache at its last close: a sleeper keeps it open.
        # A counter shows the guest's processes keep running while its memory goes.
        guest_do(m, "sleep 100000 </dev/xvda & (n=0; while :; do n=$((n+1)); echo tick-$n >/tmp/tick; "
                 "sleep 0.5; done) & (dd if=/dev/xvda of=/dev/null bs=1M count=%d 2>/tmp/dd.err "
                 "&& echo cache-read-$((1+1)) || cat /tmp/dd.err) >/tmp/st &" % CACHE_MIB, wait_s=2)
        read = wait_guest(m, "/tmp/st", r"cache-read-2|\n[^\n]*(error|no such)[^\n]*", 240)
        check(read == "cache-read-2", "the guest read %d MiB of its disk (%s)" % (CACHE_MIB, read))
        time.sleep(2)
        cached = int(xs_read(m, "/local/domain/%d/data/meminfo_cached" % d) or 0) >> 10
        info = guest_do(m, "grep -E \"^(MemTotal|MemAvailable|Buffers|Cached):\" /proc/meminfo; "
                        "pidof tern-memagent", wait_s=2)
        rc, xs = m.run("xenstore-ls /local/domain/%d/data" % d, timeout=30)
        check(cached >= CACHE_MIB * 9 // 10, "its page cache holds them (%d MiB cached)" % cached,
              info + xs)
        start_kb, _ = dom_kb(m, d)
        tick0 = wait_guest(m, "/tmp/tick", r"tick-\d+", 30)
        page0 = page_memory(port, d)
        check(page0 is not None and abs(page0["last"] - (start_kb >> 10)) <= 2,
              "the page shows the guest at %d MiB before the daemon starts: %s"
              % (start_kb >> 10, page0))

        # The daemon: 1 s ticks and agent-driven ones, defaults otherwise (headroom max(64 MiB,
        # 25 %), floor max(64 MiB, ceiling / 4) = 192 MiB).
        # In subshells: jobs of the interactive shell would print "Terminated" into the
        # harness's next command when killed.
        m.run_ok("(tern-balloond >/tmp/balloond.log 2>&1 & echo $! >/tmp/balloond.pid); "
                 + SAMPLER % d, timeout=30)
        t0 = time.monotonic()
        settled = None
        low_kb = start_kb
        while time.monotonic() - t0 < 120:
            time.sleep(1)
            act, tgt = dom_kb(m, d)
            if act is None or tgt is None:
                continue
            low_kb = min(low_kb, act)
            if tgt < start_kb and abs(act - tgt) <= max(2048, tgt // 100):
                settled = time.monotonic() - t0
                break
        rc, st = m.run("xenstore-ls /local/domain/0/tern-balloond/%d; cat /tmp/balloond.log" % d,
                       timeout=30)
        print(st)
        check(settled is not None, "the daemon brings the guest down to its target", st)
        reclaimed = (start_kb - low_kb) >> 10
        # Re-arms of a shrink the guest's balloon driver gave up (bd_rearm_check).
        rearms = xs_read(m, "/local/domain/0/tern-balloond/%d/rearms" % d) or "0"
        print("FIGURE balloond_reclaim_s=%.1f reclaimed_mib=%d from_mib=%d to_mib=%d cache_mib=%d "
              "rearms=%s hypervisor=tern" % (settled, reclaimed, start_kb >> 10, low_kb >> 10,
                                             cached, rearms.strip()), flush=True)
        check(reclaimed >= CACHE_MIB * 3 // 4, "%d MiB of idle page cache went back to the "
              "hypervisor" % reclaimed)
        page1 = page_memory(port, d)
        check(page1 is not None and page1["max"] >= (start_kb >> 10) - 2 and
              page1["min"] <= (low_kb >> 10) + 16,
              "the page's memory graph shows the fall from %d to %d MiB: %s"
              % (start_kb >> 10, low_kb >> 10, page1))
        tick1 = wait_guest(m, "/tmp/tick", r"tick-\d+", 30)
        check(tick0 and tick1 and int(tick1[5:]) > int(tick0[5:]),
              "the guest's processes kept running (counter %s -> %s)" % (tick0, tick1))

        # Demand: a process allocates HOG_MIB, 8 MiB every 0.2 s.
        hog_t = dom0_uptime(m)
        guest_do(m, "tern-memhog %d 8 200 >/tmp/hog.st 2>&1 &" % HOG_MIB, wait_s=1)
        done = wait_guest(m, "/tmp/hog.st", r"hog-done \d+ mib in [\d.]+ s|\n[^\n]*(error|"
                          "fail|killed)[^\n]*", 150)
        rows = samples(m)
        rc, st = m.run("xenstore-ls /local/domain/0/tern-balloond/%d; cat /tmp/balloond.log; "
                       "xenstore-ls /local/domain/%d/data" % (d, d), timeout=30)
        print(st)
        print("samples after the hog started (uptime MiB target-KiB):",
              " ".join("%.1f:%d:%d" % r for r in rows if r[0] >= hog_t - 1))
        check(done is not None and done.startswith("hog-done %d " % HOG_MIB),
              "the guest's process got its %d MiB (%s)" % (HOG_MIB, done))
        out = guest_do(m, "echo oom-$(dmesg | grep -ciE \"out of memory|oom-kill\")-x", wait_s=2)
        check(re.search(r"oom-0-x", out) is not None, "no OOM kill in the guest", out)
        after = [r for r in rows if r[0] >= hog_t]
        peak = max([r[1] for r in after] or [0])
        grown = peak - (low_kb >> 10)
        check(grown >= HOG_MIB * 9 // 10, "the daemon grew the guest with its demand (%d -> %d "
              "MiB)" % (low_kb >> 10, peak))
        need = (low_kb >> 10) + HOG_MIB * 9 // 10
        reach = next((r[0] - hog_t for r in after if r[1] >= need), None)
        print("FIGURE balloond_grow_s=%.1f grown_mib=%d peak_mib=%d hog_mib=%d hog=\"%s\" "
              "hypervisor=tern" % (reach if reach is not None else -1, grown, peak, HOG_MIB,
                                   done), flush=True)
        page2 = page_memory(port, d)
        check(page2 is not None and page2["last"] >= (low_kb >> 10) + HOG_MIB * 8 // 10,
              "the page shows the guest grown again (%d MiB at the lowest): %s"
              % (low_kb >> 10, page2))
        chromium(["--window-size=1200,1400", "--screenshot=%s" % shot], port)
        check(os.path.exists(shot) and os.path.getsize(shot) > 10000,
              "screenshot %s" % shot)
        m.run_ok("kill $(cat /tmp/balloond.pid) $(cat /tmp/sampler.pid) "
                 "$(cat /tmp/metricsd.pid)", timeout=30)
        m.run_ok("tern destroy bd", timeout=120)
        m.poweroff()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (HarnessError, subprocess.TimeoutExpired) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
