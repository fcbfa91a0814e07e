#!/usr/bin/env python3
"""Benchmark: network I/O between a Debian domU (xen-netfront) and dom0 (issue 10).

    bench/net/run.py [--rounds 3] [--mib 64] [--pps-s 4] [--rtt-n 1000]
                     [--only tern,xen,xen-kernel] [--profile] [--ab-rps]
                     [--dom0-port tap,veth] [--netback-env VAR=VALUE ...] [--no-g2g]
                     [--icount] [--guest-cpus SPEC] [--ratelimit-us N] [--dom0-args ARGS]
                     [--dom0-kprofile N]

Figures (net-stream in the guest, tests/system/net-stream.c, against `net-stream serve 5201`
started in dom0 beforehand; guest 10.0.0.2, dom0 10.0.0.1; guest CLOCK_MONOTONIC; medians
of --rounds rounds run one after the other by one guest, bench/net/guest-bench-init):
  tx_mibs     TCP MiB/s guest -> dom0, --mib MiB, until dom0 has read them all and answered
  rx_mibs     TCP MiB/s dom0 -> guest, --mib MiB (the guest connects and reads to EOF)
  g2g_mibs    TCP MiB/s guest -> guest, --mib MiB, to a second guest (nb2, 10.0.0.3, 1 vCPU,
              `net-stream serve`) on the same switch or bridge (not with --no-g2g)
  pps64       UDP datagrams/s of 64 payload bytes guest -> dom0 over --pps-s s of flood,
              counted by dom0's receiver (first to last arrival); the sender's rate and the
              loss are printed too
  rtt_p50_us, rtt_p99_us  UDP request/response round trip over --rtt-n exchanges
  dom0's sender  per rx phase, what bounded dom0's TCP sender (tcp_info): time limited by
              the guest's receive window and by the send buffer, cwnd, smoothed round trip
  busy%, steal%, irq/kpkt, d0idle%  during the flood: the guest CPU's busy share and the
              share it waited for a pCPU (/proc/stat's steal), its vif's interrupts per 1000
              datagrams sent, and dom0's idle share (its /proc/stat, read by net-stream serve
              from the first datagram to the last): who bounds pps64, and whether a pCPU
              idled while the guest waited
Each phase in the guest has a time limit (and net-stream fails a TCP stream idle for 60 s):
a failed phase prints NETBENCH-ERROR and NETBENCH-DIAG lines, the run goes on, and the
medians are of the rounds that worked.
Configurations (one QEMU boot per hypervisor, plain TCG, dom0 with 2 vCPUs, guest 1 vCPU):
  tern        Tern + tern-netback (`tern create`; the vif on its switch xenbr0, dom0 10.0.0.1
              on the switch's dom0 port: a veth pair by default, or the TAP)
  xen         Debian's Xen 4.17 + tern-netback (`tern create`)
  xen-kernel  the same Xen boot, tern-netback stopped, Linux's xen-netback module, a Linux
              bridge xenbr0 (10.0.0.1) and Debian's vif-bridge script run by `xl create`
--dom0-port KINDS: tern-netback's dom0 port (tern-netback --dom0-port=KIND: tap, veth); with
several, tern and xen run one guest per kind in the same boot (configs tern:tap, tern:veth,
...; the backend restarted and its port xenbr0 deleted between them), for a same-run A/B.
Prints a table and the ratios (as speed: for the round trip the inverse ratio of times, so
> 1 always means faster than the reference).  Not part of make check (figures, no
thresholds).
"""
import argparse
import os
import re
import statistics
import sys
import time

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
os.environ.setdefault("TERN_SRCDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import (Machine, HarnessError, build_initramfs, build_guest_initramfs,  # noqa: E402
                          OUT, BUILDDIR, DOM0_MODULES)
import kprofile  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STREAM = os.path.join(BUILDDIR, "aarch64", "bin", "net-stream")
FIGURES = ("tx_mibs", "rx_mibs", "g2g_mibs", "pps64", "rtt_p50_us", "rtt_p99_us")
LOWER_IS_BETTER = ("rtt_p50_us", "rtt_p99_us")
EXTRA = ("sent_pps", "loss_pct", "flood_busy_pct", "flood_steal_pct", "irqs_per_kpkt",
         "dom0_idle_pct")
CFG = """name = "nb"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/nb.gz"
extra = "console=hvc0 rdinit=/bench-init quiet BENCH_MIB=%d BENCH_ROUNDS=%d BENCH_PPS_S=%d BENCH_RTT_N=%d%s"
memory = 128
vcpus = 1
vif = ["mac=00:16:3e:00:00:31,bridge=xenbr0"]
on_poweroff = "destroy"
"""
# the guest-to-guest phase's receiver (guest-bench-init's BENCH_ROLE=peer)
PEER_IP = "10.0.0.3"
PEER_CFG = """name = "nb2"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/nb.gz"
extra = "console=hvc0 rdinit=/bench-init quiet BENCH_ROLE=peer BENCH_IP=%s"
memory = 128
vcpus = 1
vif = ["mac=00:16:3e:00:00:32,bridge=xenbr0"]
""" % PEER_IP
LOG = "/var/log/xen/console/guest-nb.log"
PEER_LOG = "/var/log/xen/console/guest-nb2.log"
PORT = 5201


def dom0_files(args):
    guest = build_guest_initramfs(modules=["xen-netfront"], extra_files={
        "/bin/net-stream": STREAM, "/bench-init": os.path.join(HERE, "guest-bench-init")})
    cfg = os.path.join(OUT, "bench-net-nb.cfg")
    with open(cfg, "w") as f:
        f.write(CFG % (args.mib, args.rounds, args.pps_s, args.rtt_n,
                       "" if args.no_g2g else " BENCH_PEER=" + PEER_IP))
        if args.guest_cpus:  # xl's cpus=: where the bench guest's vCPU may run
            f.write('cpus = "%s"\n' % args.guest_cpus)
    peer = os.path.join(OUT, "bench-net-nb2.cfg")
    with open(peer, "w") as f:
        f.write(PEER_CFG)
    return {"/guest/nb.gz": guest, "/etc/tern/nb.cfg": cfg, "/etc/tern/nb2.cfg": peer}


def parse(log, label):
    """{figure: [values per round]} from the guest's NETBENCH lines (a failed phase's
    NETBENCH-ERROR and NETBENCH-DIAG lines are printed; its figure is missing that round)."""
    got = {f: [] for f in FIGURES + EXTRA}
    for line in log.splitlines():
        if line.startswith(("NETBENCH-ERROR", "NETBENCH-DIAG")):
            print("%s %s" % (label, line.strip()), flush=True)
            continue
        if not line.startswith("NETBENCH round="):
            continue
        vals = dict(re.findall(r"(\w+)=([\d.]+)", line))
        if "pps" in vals:
            vals["pps64"] = vals["pps"]
            # the guest's side of the flood: how busy its CPU was, its vif's interrupts
            if "guest_busy_pct" in vals:
                vals["flood_busy_pct"] = vals["guest_busy_pct"]
            if "guest_steal_pct" in vals:
                vals["flood_steal_pct"] = vals["guest_steal_pct"]
            # dom0's side (net-stream serve): its vCPUs' idle share over the flood
            if "server_idle_pct" in vals:
                vals["dom0_idle_pct"] = vals["server_idle_pct"]
            if "guest_irqs" in vals and float(vals.get("sent", 0)) > 0:
                vals["irqs_per_kpkt"] = 1000 * float(vals["guest_irqs"]) / float(vals["sent"])
        for f in FIGURES + EXTRA:
            if f in vals:
                got[f].append(float(vals[f]))
        print("%s %s" % (label, line.strip()), flush=True)
    return got


DOM0_DIAG = ("ip -s link show; for f in /run/tern/netback/*.json; do cat $f; echo; done; "
             "tail -n 20 /var/log/tern/netback.log; cat /tmp/serve.log")


RPS = "/sys/class/net/xenbr0/queues/rx-0/rps_cpus"


def ab_rps(m, rounds):
    """--ab-rps: once the guest's round R has printed its flood line, dom0 turns the TAP's
    receive steering off for an even round R + 1 and back on for an odd one."""
    m.run_ok("on=$(cat %s); (r=1; while [ $r -le %d ]; do "
             "if grep -q \"NETBENCH round=$r pps=\" %s 2>/dev/null; then r=$((r + 1)); "
             "if [ $((r %% 2)) = 0 ]; then echo 0 > %s; else echo $on > %s; fi; fi; "
             "sleep 0.2; done) >/dev/null 2>&1 &" % (RPS, rounds, LOG, RPS, RPS), timeout=60)


def run_guest(m, tool, label, wait_s, args):
    m.run("rm -f %s %s" % (LOG, PEER_LOG))
    rc, seen = m.run("grep -c '^source:' /tmp/serve.log", timeout=30)
    t0 = time.time()
    if not args.no_g2g:  # the peer first: the bench guest waits for it to answer pings
        rc, out = m.run("%s create /etc/tern/nb2.cfg 2>&1" % tool, timeout=240)
        if rc != 0:
            raise HarnessError("%s: create of the peer nb2 failed: %s" % (label, out[-1500:]))
    if args.dom0_kprofile:
        m.run_ok("echo 0 > /proc/profile", timeout=30)  # dom0's kernel profile from here on
    rc, out = m.run("%s create /etc/tern/nb.cfg 2>&1" % tool, timeout=240)
    if rc != 0:
        raise HarnessError("%s: create failed: %s" % (label, out[-1500:]))
    if args.ab_rps and tool == "tern":
        ab_rps(m, args.rounds)
    m.run("for i in $(seq %d); do grep -q NETBENCH-END %s 2>/dev/null && break; sleep 1; done"
          % (wait_s, LOG), timeout=wait_s + 60)
    rc, log = m.run("cat %s" % LOG, timeout=60)
    log = log.replace("\r", "")
    got = parse(log, label)
    print("%s: guest done in %.0f s (%s UTC)" % (label, time.time() - t0,
                                                 time.strftime("%H:%M", time.gmtime())))
    if args.dom0_kprofile:
        kprofile.report(m, label, args.dom0_kprofile)
    if tool == "tern":  # which of dom0's CPUs took the backend's notifications
        rc, irq = m.run("grep -e 'event channel' /var/log/tern/netback.log | tail -n 4; "
                        "grep -e CPU0 -e evtchn:tern-netback /proc/interrupts", timeout=30)
        print("%s: tern-netback's event channels (dom0's /proc/interrupts):\n%s"
              % (label, irq.strip().replace("\r", "")))
        # the switch's traffic with dom0 (drops to a full port, holds) and dom0's UDP drops
        rc, sw = m.run("sleep 1; tern network-stats --switches; grep -A1 '^Udp:' /proc/net/snmp",
                       timeout=30)
        print("%s: the switches and dom0's UDP counters:\n%s"
              % (label, sw.strip().replace("\r", "")))
    if not args.no_g2g:
        rc, peer = m.run("grep NETBENCH-PEER %s; %s destroy nb2 2>&1" % (PEER_LOG, tool),
                         timeout=120)
        print("%s: the peer guest: %s" % (label, peer.strip().replace("\r", "")))
    if "NETBENCH-END" not in log or not all(got[f] for f in figures(args)):
        rc, diag = m.run(DOM0_DIAG, timeout=60)
        raise HarnessError("%s: no figures:\n%s\ndom0:\n%s" % (label, log[-2500:], diag[-3000:]))
    # what bounded the server's TCP sender in the rx phases (tcp_info; net-stream serve)
    rc, src = m.run("grep '^source:' /tmp/serve.log | tail -n +%d" % (int(seen.strip() or 0) + 1),
                    timeout=30)
    for line in src.strip().splitlines():
        print("%s dom0's sender: %s" % (label, line.strip()), flush=True)
    if "NETBENCH-END rc=0" not in log:
        print("%s: some phases failed (NETBENCH-ERROR above); medians of the rounds that "
              "worked" % label)
    m.run("for i in $(seq 60); do %s list nb >/dev/null 2>&1 || break; sleep 1; done; "
          "%s destroy nb >/dev/null 2>&1; true" % (tool, tool), timeout=120)
    return got


def start_netback(m, args, kind):
    """tern-netback with its dom0 port of kind (None: its default), dom0 10.0.0.1 on it."""
    m.run_ok("%s%stern-netback%s && sleep 1 && ifconfig xenbr0 10.0.0.1 netmask 255.255.255.0 up"
             % ("".join("%s " % e for e in args.netback_env),
                "TERN_NETBACK_PROFILE=1 " if args.profile else "",
                " --dom0-port=%s" % kind if kind else ""), timeout=120)


def stop_netback(m):
    """Stops tern-netback (supervisor and backend) and deletes its port xenbr0, which
    outlives it (a persistent TAP, or a veth pair)."""
    m.run_ok("kill $(pidof tern-netback); for i in $(seq 50); do "
             "pidof tern-netback >/dev/null || break; sleep 0.1; done; "
             "ip link delete xenbr0 || ip tuntap del dev xenbr0 mode tap; "
             "! ip link show xenbr0 >/dev/null 2>&1", timeout=60)


def boot(hv, args, configs, results):
    kernel_ref = hv == "xen" and "xen-kernel" in configs
    initrd = build_initramfs("bench-net-%s" % ("ref" if kernel_ref else "plain"),
                             xen_tools=True, guest=True, xen_hotplug=kernel_ref,
                             modules=DOM0_MODULES + ["tun"], extra_files=dom0_files(args))
    # the guest's boot, and its phases' time limits (guest-bench-init): a phase that stalls
    # fails at its limit, the next one runs
    wait_s = 600 + args.rounds * (3 * (120 + args.mib * 20) + 60 + args.rtt_n // 5 +
                                  args.pps_s + 40)
    with Machine(hv=hv, smp=2, initrd=initrd, timeout=300 + 2 * wait_s + 600,
                 icount=args.icount,
                 dom0_args=(args.dom0_args + (" profile=%d" % kprofile.SHIFT
                                              if args.dom0_kprofile else "")).strip(),
                 log=os.path.join(OUT, "bench-net-%s.log" % hv)) as m:
        m.wait_for_shell(timeout=300)
        # KPTI makes every kernel entry from user space two TTBR1 ASID switches, each a full
        # TLB flush in QEMU's TCG: what userspace backends pay per syscall (docs/netback.md)
        print("%s: dom0's kernel: %s" % (hv, " ".join(m.run_ok(
            "dmesg | grep -o 'KASLR enabled\\|KASLR disabled.*\\|Kernel page table isolation"
            " (KPTI)' | sort -u", timeout=60).split("\n")).strip() or "no KASLR, no KPTI"))
        kinds = args.dom0_port.split(",") if args.dom0_port else [None]
        m.run_ok("tern-xen-start >/tmp/xs.log 2>&1", timeout=180)
        if hv == "tern" and args.ratelimit_us is not None:  # credit's rate limit, for an A/B
            print("tern: %s" % m.run_ok("tern sched-credit -s -r %d && tern sched-credit -s"
                                        % args.ratelimit_us, timeout=60).strip())
        start_netback(m, args, kinds[0])
        m.run_ok("net-stream serve %d >/tmp/serve.log 2>&1 & sleep 1; cat /tmp/serve.log"
                 % PORT, timeout=60)
        for i, kind in enumerate(kinds if hv in configs else []):
            label = "%s:%s" % (hv, kind) if len(kinds) > 1 else hv
            if i:
                stop_netback(m)
                m.run_ok(": > /var/log/tern/netback.log", timeout=30)
                start_netback(m, args, kind)
            try:
                results[label] = run_guest(m, "tern", label, wait_s, args)
            except HarnessError as e:
                print("%s: %s" % (label, e))
                m.run("tern destroy nb", timeout=120)
            if args.profile:
                rc, prof = m.run("grep -m 5 -v profile: /var/log/tern/netback.log; "
                                 "grep profile: /var/log/tern/netback.log", timeout=60)
                print("%s: tern-netback's profile (a line a second):\n%s" % (label,
                                                                             prof.strip()))
        if kernel_ref:
            try:
                stop_netback(m)
                m.run_ok("for mod in $(cat /etc/tern/modules-extra); do "
                         "insmod /lib/modules-extra/$mod; done; "
                         "mkdir -p /var/run/xen-hotplug /var/run/xen /var/lib/xen && "
                         "ip link add xenbr0 type bridge && "
                         "ifconfig xenbr0 10.0.0.1 netmask 255.255.255.0 up", timeout=60)
                results["xen-kernel"] = run_guest(m, "xl", "xen-kernel", wait_s, args)
            except HarnessError as e:
                rc, hp = m.run("tail -n 30 /var/log/xen/xen-hotplug.log; ip link; "
                               "xenstore-ls /local/domain/0/backend/vif 2>&1 | tail -n 30")
                print("xen-kernel: %s\nhotplug log, links, backend nodes:\n%s" % (e, hp))
        rc, serve = m.run("grep -v -e '^serving' -e '^source:' /tmp/serve.log", timeout=60)
        if serve.strip():
            print("%s: dom0's net-stream server:\n%s" % (hv, serve.strip()))
        m.poweroff()


def figures(args):
    return tuple(f for f in FIGURES if not (args.no_g2g and f == "g2g_mibs"))


def speed_ratio(f, a, b):
    return b / a if f in LOWER_IS_BETTER else a / b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--pps-s", type=int, default=4)
    ap.add_argument("--rtt-n", type=int, default=1000)
    ap.add_argument("--only", default="tern,xen,xen-kernel")
    ap.add_argument("--ab-rps", action="store_true",
                    help="tern and xen: odd rounds with tern-netback's receive steering, even "
                    "rounds without (a same-run comparison)")
    ap.add_argument("--dom0-port", default="",
                    help="tern-netback's dom0 port kinds (tap,veth): one guest each, same boot")
    ap.add_argument("--netback-env", action="append", default=[], metavar="VAR=VALUE",
                    help="tern-netback's environment, for an A/B (e.g. TERN_NETBACK_RPS=0)")
    ap.add_argument("--profile", action="store_true",
                    help="tern-netback logs where its time goes (TERN_NETBACK_PROFILE=1)")
    ap.add_argument("--no-g2g", action="store_true",
                    help="no second guest, no guest-to-guest figure")
    ap.add_argument("--guest-cpus", default="",
                    help="the bench guest's cpus= (xl's hard affinity, e.g. 0), for an A/B of "
                    "where its vCPU runs against dom0's")
    ap.add_argument("--ratelimit-us", type=int, default=None,
                    help="Tern's credit rate limit for the run (tern sched-credit -s -r), "
                    "for an A/B")
    ap.add_argument("--dom0-args", default="",
                    help="more of dom0's kernel command line, for every configuration of the "
                         "run (e.g. nokaslr: no KPTI in dom0; docs/netback.md, Benchmark)")
    ap.add_argument("--dom0-kprofile", type=int, default=0, metavar="N",
                    help="dom0's kernel profiled at its timer tick (profile=4 on its command "
                    "line, /proc/profile) from the bench guest's creation to its end: the N "
                    "functions with the most samples, per configuration")
    ap.add_argument("--icount", action="store_true",
                    help="QEMU's -icount shift=0,sleep=off: times in instructions (1 ns each), "
                    "alike under any host load; the two CPUs run in turns, so not the speed")
    args = ap.parse_args()
    configs = args.only.split(",")
    if not os.path.exists(STREAM):
        print("aarch64/bin/net-stream not built: run make")
        return 1
    results = {}
    for hv in ("tern", "xen"):
        if hv in configs or (hv == "xen" and "xen-kernel" in configs):
            try:
                boot(hv, args, configs, results)
            except HarnessError as e:  # the other boot's figures are still printed
                print("%s boot: FAIL: %s" % (hv, e))
    med = {c: {f: statistics.median(v) for f, v in r.items() if v} for c, r in results.items()}
    print("\nmedians of %d rounds: TCP %d MiB each way and guest to guest, UDP flood of 64-byte payloads for %d s,"
          " %d UDP round trips" % (args.rounds, args.mib, args.pps_s, args.rtt_n))
    print("%-11s %8s %8s %8s %9s %8s %8s   %9s %6s %6s %6s %9s %6s" % (
        "config", "tx MiB/s", "rx MiB/s", "g2g MiB/s", "pps64", "rtt p50", "rtt p99", "sent pps",
        "loss%", "busy%", "steal%", "irq/kpkt", "d0idle%"))
    order = [c for h in ("tern", "xen", "xen-kernel") for c in results
             if c == h or c.startswith(h + ":")]
    for c in order:
        if c in med:
            r = med[c]
            print("%-11s %8.2f %8.2f %8.2f %9.0f %6.0fus %6.0fus   %9.0f %6.2f %6.0f %6.0f %9.0f %6.0f" % (
                c, r["tx_mibs"], r["rx_mibs"], r.get("g2g_mibs", 0), r["pps64"], r["rtt_p50_us"],
                r["rtt_p99_us"],
                r.get("sent_pps", 0), r.get("loss_pct", 0), r.get("flood_busy_pct", -1),
                r.get("flood_steal_pct", -1), r.get("irqs_per_kpkt", -1),
                r.get("dom0_idle_pct", -1)))
    print("ratios as speed (> 1: faster than the second; round trips: inverse ratio of times)")
    pairs = [(a, b) for a in order for b in order
             if a != b and (b == "xen-kernel" or a.split(":")[0] == b.split(":")[0] and a > b or
                            (a, b) == ("tern", "xen"))]
    for a, b in pairs:
        if a in med and b in med:
            print("ratio %s/%s: %s" % (a, b, " ".join(
                "%s=%.2f" % (f, speed_ratio(f, med[a][f], med[b][f])) for f in figures(args))))
    missing = [c for c in configs if not any(k == c or k.startswith(c + ":") for k in med)]
    for c in missing:
        print("%s: no figures (see above)" % c)
    return 0 if not missing else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
