#!/usr/bin/env python3
"""Monitoring on Tern (issue 11), one boot with a 128 MiB guest running the memory agent:
 - `tern top -b -i 2 -d 1` prints xentop's batch layout: the same header as Debian's
   xentop (run in the same dom0), the same number of fields per row, the same domains,
   MEM(k) as `tern list`, CPU(%) from the second iteration; `-m` adds the agent's figures;
   bad options are refused;
 - tern-metricsd in dom0, reached from the host through the harness's network option
   (QEMU user networking, host port -> dom0:80): /metrics parses with the Prometheus
   client's parser and carries the guest's figures; unknown paths and methods are refused;
 - the page, opened twice in headless Chromium a few seconds apart, draws its graphs from
   more points the second time, and its memory graph of the guest ends at `tern list`'s
   figure; a screenshot goes to tests/out/monitor-tern.png.

`monitor-tern.py --hv xen` runs the same on Debian's Xen 4.17 (by hand).
Exit status: 0 pass, 1 fail, 77 skipped."""
import os
import re
import shutil
import subprocess
import sys
import time

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # Debian's python3-prometheus-client is for Debian's python3
    if os.path.exists("/usr/bin/python3") and not os.environ.get("TERN_MONITOR_REEXEC"):
        os.environ["TERN_MONITOR_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("SKIP: python3-prometheus-client not installed (scripts/setup)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory_lib import (Machine, HarnessError, build_initramfs, START_RC,  # noqa: E402
                        skip_unless_ready, check, wait_xs, domid_of, list_mem, OUT)
from tern_harness import (DOM0_MODULES, DOM0_NET_MODULES, DOM0_NET_UP,  # noqa: E402
                          DYGRAPHS_DIR, monitor_web_files)
from page_lib import free_port, http, chromium, page_points, page_memory  # noqa: E402

XENTOP_FIELDS = 19


def table(out):
    """xentop -b output -> list of iterations, each (header line, [row lines])."""
    iters = []
    for line in out.splitlines():
        if re.match(r"^\s+NAME\s+STATE\s+CPU\(sec\)", line):
            iters.append((line, []))
        elif iters and line.strip() and not line.lstrip().startswith(("VCPUs", "Memory:")):
            iters[-1][1].append(line)
    return iters


def fields(row):
    # "no limit" is one value printed with a space (xentop's dom0 on x86)
    return row.replace("no limit", "no_limit").split()


def check_top(m):
    rc, out = m.run("tern top -b -i 2 -d 1", timeout=60)
    print(out)
    iters = table(out)
    check(rc == 0 and len(iters) == 2, "tern top -b -i 2 -d 1: two iterations", out)
    rc, xt = m.run("xentop -b -i 2 -d 1", timeout=60)
    print(xt)
    xiters = table(xt)
    check(rc == 0 and len(xiters) == 2, "Debian's xentop -b -i 2 -d 1 runs on Tern", xt)
    check(iters[0][0] == xiters[0][0], "the header is xentop's, byte for byte",
          "%r\n%r" % (iters[0][0], xiters[0][0]))
    names = sorted(fields(r)[0] for r in iters[1][1])
    check(names == sorted(fields(r)[0] for r in xiters[1][1]) and "guest" in names,
          "the same domains as xentop: %s" % names)
    for r in iters[1][1] + xiters[1][1]:
        check(len(fields(r)) == XENTOP_FIELDS, "%d fields: %s" % (XENTOP_FIELDS, r.strip()))
    ours = {fields(r)[0]: fields(r) for r in iters[1][1]}
    theirs = {fields(r)[0]: fields(r) for r in xiters[1][1]}
    for col in (4, 6, 8, 9, 12, 18):  # MEM(k) MAXMEM(k) VCPUS NETS VBDS SSID
        check(ours["guest"][col] == theirs["guest"][col],
              "guest column %d: tern top %s = xentop %s" % (col, ours["guest"][col],
                                                           theirs["guest"][col]))
    mem = list_mem(m, "guest")
    check(mem is not None and int(ours["guest"][4]) // 1024 == mem,
          "MEM(k) %s is tern list's %s MiB" % (ours["guest"][4], mem))
    check(float(ours["Domain-0"][3]) > 0.0, "dom0's CPU(%%) in the second iteration: %s"
          % ours["Domain-0"][3])
    rc, out = m.run("tern top -b -i 1 -m", timeout=60)
    print(out)
    mline = re.search(r"Memory:\s+target\s+(\d+)k\s+used\s+(\d+)k\s+cache\s+(\d+)k", out)
    check(rc == 0 and mline is not None and int(mline.group(1)) == 131072,
          "-m shows the guest's target and the agent's used/cache figures", out)
    for bad, why in (("-d 0", "-d: '0'"), ("-i x", "-i: 'x'"), ("-n", "no per-device")):
        rc, out = m.run("tern top -b %s" % bad, timeout=60)
        check(rc != 0 and why in out, "tern top -b %s is refused: %s" % (bad, out.strip()))
    rc, out = m.run("tern top < /dev/null", timeout=60)
    check(rc != 0 and "not a terminal" in out, "interactive without a terminal: %s" % out.strip())


def check_metrics(m, port, guest_domid):
    status, text = http(port, "/metrics")
    if status is None:
        rc, out = m.run("ip addr show eth0; ip route; grep -i virtio /proc/interrupts; "
                        "cat /tmp/metricsd.log", timeout=60)
        print(out)
    check(status == 200, "GET /metrics from the host: HTTP %s" % status, text[:300])
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    print("metric families: %s" % ", ".join(sorted(fams)))
    for name in ("tern_host_memory_total_bytes", "tern_host_memory_free_bytes",
                 "tern_domain_cpu_seconds", "tern_domain_memory_actual_bytes",
                 "tern_domain_memory_target_bytes", "tern_domain_guest_memory_used_bytes",
                 "tern_domain_guest_memory_cache_bytes", "tern_domain_vcpus"):
        check(name in fams, "family %s parsed" % name)
    check(fams["tern_domain_cpu_seconds"].type == "counter", "CPU seconds is a counter")

    def sample(fam, dom="guest"):
        for s in fams[fam].samples:
            if s.labels.get("domain") == dom:
                return s
        return None
    actual = sample("tern_domain_memory_actual_bytes")
    check(actual is not None and actual.labels["domid"] == str(guest_domid),
          "guest labelled domain=\"guest\",domid=\"%d\"" % guest_domid)
    mem = list_mem(m, "guest")
    check(int(actual.value) // (1 << 20) == mem, "actual %d bytes = tern list's %s MiB"
          % (actual.value, mem))
    check(sample("tern_domain_memory_target_bytes").value == 128 << 20, "target 128 MiB")
    used = sample("tern_domain_guest_memory_used_bytes")
    check(used is not None and 0 < used.value < 128 << 20, "guest used %d bytes" % used.value)
    tot = fams["tern_host_memory_total_bytes"].samples[0].value
    free = fams["tern_host_memory_free_bytes"].samples[0].value
    check(0 < free < tot, "host free %d of %d bytes" % (free, tot))
    for path, method, want in (("/nope", "GET", 404), ("/metrics", "POST", 405),
                               ("/../etc/passwd", "GET", 404)):
        status, _ = http(port, path, method)
        check(status == want, "%s %s -> %d" % (method, path, status))
    status, js = http(port, "/dygraph.min.js")
    check(status == 200 and "Dygraph" in js, "the page's charting library is served (%d bytes)"
          % len(js))


def main(hv):
    skip_unless_ready(need_tern=hv == "tern")
    if not shutil.which("chromium") or not os.path.isdir(DYGRAPHS_DIR):
        print("SKIP: chromium or libjs-dygraphs not installed (scripts/setup)")
        return 77
    initrd = build_initramfs("monitor", xen_tools=True, guest=True,
                             extra_files=monitor_web_files(),
                             modules=DOM0_MODULES + DOM0_NET_MODULES, rc_local=START_RC)
    port = free_port()
    log = os.path.join(OUT, "monitor-%s.log" % hv)
    shot = os.path.join(OUT, "monitor-%s.png" % hv)
    with Machine(hv=hv, smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=600,
                 log=log, net_port=port) as m:
        m.wait_for_shell(timeout=300)
        check(m.time_of("TERN-USERSPACE-UP") is not None, "tern-xenstored and tern-consoled up")
        rc, out = m.run(DOM0_NET_UP, timeout=60)
        check(rc == 0, "dom0's virtio-net up as 10.0.2.15", out)
        rc, out = m.run("tern create /etc/xen/guest.cfg", timeout=120)
        check(rc == 0, "tern create guest (128 MiB)", out)
        d = domid_of(m, "guest")
        check(wait_xs(m, "/local/domain/%d/data/meminfo_used" % d) is not None,
              "the guest's agent publishes data/meminfo_used")
        check_top(m)
        m.run_ok("tern-metricsd -p 80 >/tmp/metricsd.log 2>&1 &", timeout=30)
        rc, out = m.run("for i in $(seq 50); do grep -q listening /tmp/metricsd.log && break; "
                        "sleep 0.2; done; cat /tmp/metricsd.log", timeout=60)
        check("listening on 0.0.0.0:80" in out, "tern-metricsd listens", out)
        check_metrics(m, port, d)
        first, n_dom = page_points(port)
        check(first is not None and n_dom == 2, "the page draws host + 2 domains from %s points"
              % first, n_dom)
        time.sleep(5)
        second, _ = page_points(port)
        check(second is not None and second > first,
              "a few seconds later the graphs have more points: %s -> %s" % (first, second))
        shown, mem = page_memory(port, d), list_mem(m, "guest")
        check(shown is not None and mem is not None and abs(shown["last"] - mem) <= 1,
              "the page's memory graph of the guest ends at tern list's %s MiB: %s" % (mem, shown))
        chromium(["--window-size=1200,1400", "--screenshot=%s" % shot], port)
        check(os.path.getsize(shot) > 10000, "screenshot %s (%d bytes)" % (shot,
                                                                         os.path.getsize(shot)))
        rc, out = m.run("kill $(pidof tern-metricsd); sleep 1; cat /tmp/metricsd.log", timeout=60)
        print(out)
        m.poweroff()
    return 0


if __name__ == "__main__":
    try:
        # --hv xen: the same checks on Debian's Xen 4.17 (run by hand)
        sys.exit(main("xen" if sys.argv[1:] == ["--hv", "xen"] else "tern"))
    except (HarnessError, subprocess.TimeoutExpired) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
