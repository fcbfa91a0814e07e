#!/usr/bin/env python3
"""tern-netback on Tern: a stock Debian domU (Linux 6.1's xen-netfront, unmodified) gets a
network. One boot: dom0 starts tern-netback, whose switch xenbr0 is dom0's port (one end of
a veth pair, the default; or a TAP with --dom0-port=tap); `tern create` with a vif= line; netfront and tern-netback connect (backend
state 4) with split event channels, g1 (2 vCPUs) over 2 queues; dom0 and the guest ping each other; 64 MiB go each way over TCP with the same hash at
both ends (tests/system/net-stream.c), and a quarter of that over TCPv6 each way, in GSO frames
(pings over IPv6 first), and an eighth with a hop-by-hop options header on every packet; a
second guest pings the first through the switch; a
frame with a spoofed source MAC does not get through (dom0 sees only the honest frames) and is
counted in the vif's counters (/run/tern/netback/D.N.json); a killed backend is restarted
and dom0 pings both guests again; `tern destroy` tears the vifs down.

Exit status: 0 pass, 1 fail, 77 skipped. Its helpers are in net_lib.py."""
import json
import os
import re
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "system"))
from tern_harness import Machine, HarnessError, OUT  # noqa: E402
from net_lib import (LOG, MACHINE, check, guest, hashes, images, missing_binaries,  # noqa: E402
                     start_backend, vif_counters, wait_connected)

HV = os.environ.get("TERN_NET_HV", "tern")
MAC = {1: "00:16:3e:00:00:11", 2: "00:16:3e:00:00:12"}
MIB = int(os.environ.get("TERN_NET_MIB", "64"))  # a smaller transfer when debugging
HOPOPTS = "NET_STREAM_HOPOPTS=1 "  # net-stream: a hop-by-hop options header on IPv6 packets


def connect(m, n):
    wait_connected(m, n, 0, "netfront of g%d and tern-netback connect" % n,
                   before="tern create /etc/tern/g%d.cfg 2>&1;" % n)


def to_guest6(m, port, mib, seed, env=""):
    """mib MiB dom0 -> g1 over TCPv6 (net-stream, env before it): dom0's exit status and
    output, and the guest's output."""
    guest(m, "g1", "%snet-stream recv %d >/tmp/r6.txt 2>&1 &" % (env, port), wait_s=2)
    rc, sent = m.run("%snet-stream send fd00::2 %d %d %d" % (env, port, mib, seed), timeout=300)
    return rc, sent, guest(m, "g1", "sleep 1; cat /tmp/r6.txt", wait_s=4)


def from_guest6(m, port, mib, seed, env=""):
    """mib MiB g1 -> dom0 over TCPv6: the guest's output and dom0's."""
    m.run_ok("%snet-stream recv %d >/tmp/r6.txt 2>&1 & sleep 1" % (env, port), timeout=30)
    guest(m, "g1", "%snet-stream send fd00::1 %d %d %d >/tmp/s6.txt 2>&1 &"
          % (env, port, mib, seed), wait_s=2)
    rc, got = m.run("for i in $(seq 200); do grep -q bytes= /tmp/r6.txt && break; sleep 1; "
                    "done; cat /tmp/r6.txt", timeout=250)
    return guest(m, "g1", "sleep 1; cat /tmp/s6.txt", wait_s=4), got


def intact(sent, got, mib):
    """The sender's and the receiver's net-stream lines: mib MiB, the same hash."""
    s, r = hashes(sent), hashes(got)
    return bool(s and r and s[0][:2] == r[0][:2] and s[0][0] == str(mib << 20))


def per_frame(c0, c1, way):
    """Bytes a frame of a vif's counters c0 -> c1, way "rx" (to the guest) or "tx"."""
    return (c1[way]["bytes"] - c0[way]["bytes"]) / max(c1[way]["packets"] - c0[way]["packets"], 1)


def main():
    missing = missing_binaries()
    if missing:
        print("SKIP: aarch64/bin/%s not built" % missing[0])
        return 77
    initrd = images("net", {n: "mac=%s" % MAC[n] for n in (1, 2)})
    with Machine(hv=HV, initrd=initrd, timeout=900,
                 log=os.path.join(OUT, "net-%s.log" % HV)) as m:
        MACHINE.append(m)
        m.wait_for_shell(timeout=300)
        start_backend(m)

        # g1 has two vCPUs: its netfront asks for min(vCPUs, multi-queue-max-queues) = 2 queues
        wait_connected(m, 1, 0, "netfront of g1 (2 vCPUs) and tern-netback connect",
                       before="sed -i 's/^vcpus = .*/vcpus = 2/' /etc/tern/g1.cfg && "
                       "tern create /etc/tern/g1.cfg 2>&1;")
        fe = "/local/domain/1/device/vif/0"
        rc, out = m.run("xenstore-read %s/multi-queue-num-queues; for q in 0 1; do "
                        "xenstore-read %s/queue-$q/event-channel-tx %s/queue-$q/event-channel-rx; "
                        "done" % (fe, fe, fe), timeout=30)
        vals = out.split()
        check(rc == 0 and len(vals) == 5 and vals[0] == "2" and all(x.isdigit() for x in vals) and
              len(set(vals[1:])) == 4,
              "netfront asks for 2 queues, each with split event channels (event-channel-tx/-rx)",
              out)
        out = guest(m, "g1", "ifconfig eth0 10.0.0.2 netmask 255.255.255.0 up && "
                    "ip link show eth0 && ping -c 3 -W 5 10.0.0.1", wait_s=12)
        check(MAC[1] in out, "the guest's eth0 has the vif's MAC", out)
        check(" 0% packet loss" in out, "the guest pings dom0", out)
        rc, out = m.run("ping -c 3 -W 5 10.0.0.2", timeout=60)
        check(rc == 0 and " 0% packet loss" in out, "dom0 pings the guest", out)

        # 64 MiB dom0 -> guest, then guest -> dom0
        guest(m, "g1", "net-stream recv 5001 >/tmp/r.txt 2>&1 &", wait_s=2)
        rc, sent = m.run("net-stream send 10.0.0.2 5001 %d 42" % MIB, timeout=300)
        out = guest(m, "g1", "sleep 1; cat /tmp/r.txt", wait_s=4)
        s, r = hashes(sent), hashes(out)
        check(rc == 0 and s and r and s[0][:2] == r[0][:2] and s[0][0] == str(MIB << 20),
              "%d MiB dom0 -> guest arrive with the same hash (%s s)" % (MIB, s[0][2] if s else "?"),
              sent + out)
        m.run_ok("net-stream recv 5002 >/tmp/r2.txt 2>&1 & sleep 1", timeout=30)
        guest(m, "g1", "net-stream send 10.0.0.1 5002 %d 43 >/tmp/s.txt 2>&1 &" % MIB, wait_s=2)
        rc, got = m.run("for i in $(seq 400); do grep -q bytes= /tmp/r2.txt && break; sleep 1; "
                        "done; cat /tmp/r2.txt", timeout=450)
        out = guest(m, "g1", "sleep 1; cat /tmp/s.txt", wait_s=4)
        s, r = hashes(out), hashes(got)
        check(s and r and s[0][:2] == r[0][:2] and r[0][0] == str(MIB << 20),
              "%d MiB guest -> dom0 arrive with the same hash (%s s)" % (MIB, r[0][2] if r else "?"),
              out + got)

        # IPv6 (fd00::/64, no duplicate address detection): ping both ways, then a TCP stream
        # each way. Their frames average over a 1500-byte MTU's: TCPv6 segmentation offload
        # (feature-gso-tcpv6 both ways) with partial checksums (feature-ipv6-csum-offload).
        m.run_ok("echo 0 > /proc/sys/net/ipv6/conf/xenbr0/accept_dad; "
                 "ip -6 addr add fd00::1/64 dev xenbr0", timeout=30)
        out = guest(m, "g1", "echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad; "
                    "ip -6 addr add fd00::2/64 dev eth0 && ping6 -c 3 -W 5 fd00::1", wait_s=10)
        check(" 0% packet loss" in out, "the guest pings dom0 over IPv6", out)
        rc, out = m.run("ping6 -c 3 -W 5 fd00::2", timeout=60)
        check(rc == 0 and " 0% packet loss" in out, "dom0 pings the guest over IPv6", out)
        mib6 = max(MIB // 4, 1)
        c0 = vif_counters(m, "g1")[0]
        rc, sent, out = to_guest6(m, 5003, mib6, 44)
        c1 = vif_counters(m, "g1")[0]
        rx_avg = per_frame(c0, c1, "rx")
        check(rc == 0 and intact(sent, out, mib6),
              "%d MiB dom0 -> guest over TCPv6 arrive with the same hash" % mib6, sent + out)
        check(rx_avg > 1600, "dom0 -> guest over IPv6: GSO frames (%.0f bytes a frame)" % rx_avg,
              "%s -> %s" % (c0, c1))
        out, got = from_guest6(m, 5004, mib6, 45)
        c2 = vif_counters(m, "g1")[0]
        tx_avg = per_frame(c1, c2, "tx")
        check(intact(out, got, mib6),
              "%d MiB guest -> dom0 over TCPv6 arrive with the same hash" % mib6, out + got)
        check(tx_avg > 1600, "guest -> dom0 over IPv6: GSO frames (%.0f bytes a frame)" % tx_avg,
              "%s -> %s" % (c1, c2))

        # TCPv6 with an 8-byte hop-by-hop options header on every packet (net-stream's
        # NET_STREAM_HOPOPTS=1 on both ends), which tern-netback walks past (ipv6.c) for the
        # checksums, GSO and the queue hash. Checked: the data arrive intact, and the receiver
        # saw the header (hopopts=1: on the last packet it took in). dom0 -> guest comes in GSO
        # frames: dom0's veth has NETIF_F_HW_CSUM, so dom0's stack keeps TSO for packets with
        # extension headers and hands the switch TCPv6 GSO frames that carry one; g1 takes them
        # (feature-gso-tcpv6 and feature-sg), so the backend must pass them on whole (had it
        # failed to walk the header it would drop them, had it cut them they would come
        # wire-sized). guest -> dom0 is only shown: the guest's Linux (6.1.192) keeps TSO and
        # checksum offload of IPv6 packets with extension headers from a device that offers
        # NETIF_F_IPV6_CSUM, as netfront does (gso_features_check in net/core/dev.c, "net: gso:
        # Forbid IPv6 TSO with extensions on devices with only IPV6_CSUM"), so the guest cuts
        # them itself and the backend gets wire-sized frames: the guest's choice, not ours.
        mibh = max(MIB // 8, 1)
        rc, sent, out = to_guest6(m, 5005, mibh, 46, HOPOPTS)
        c3 = vif_counters(m, "g1")[0]
        rx_avg = per_frame(c2, c3, "rx")
        print("FIGURE net_g1_hopopts_rx_bytes_per_frame %.0f" % rx_avg)
        check(rc == 0 and intact(sent, out, mibh) and "hopopts=1" in out,
              "%d MiB dom0 -> guest over TCPv6 with a hop-by-hop header arrive with the same hash, "
              "the header with them" % mibh, sent + out)
        check(rx_avg > 1600, "dom0 -> guest with a hop-by-hop header: GSO frames passed on whole "
              "(%.0f bytes a frame)" % rx_avg, "%s -> %s" % (c2, c3))
        out, got = from_guest6(m, 5006, mibh, 47, HOPOPTS)
        tx_avg = per_frame(c3, vif_counters(m, "g1")[0], "tx")
        print("FIGURE net_g1_hopopts_tx_bytes_per_frame %.0f" % tx_avg)
        check(intact(out, got, mibh) and "hopopts=1" in got,
              "%d MiB guest -> dom0 over TCPv6 with a hop-by-hop header arrive with the same hash, "
              "the header with them (%.0f bytes a frame)" % (mibh, tx_avg), out + got)

        # both of g1's queues carried traffic (the TCP streams, their ACKs, the pings, ARP and
        # neighbour discovery are flows of their own, spread over the queues by both ends)
        rc, out = m.run("cat /run/tern/netback/1.0.json", timeout=30)
        try:
            qs = json.loads(out.strip().splitlines()[-1])["queues"]
        except (ValueError, KeyError, IndexError):
            qs = []
        for i, q in enumerate(qs):
            print("FIGURE net_g1_queue%d_tx_packets %d" % (i, q["tx_packets"]))
            print("FIGURE net_g1_queue%d_rx_packets %d" % (i, q["rx_packets"]))
        check(len(qs) == 2 and all(q["tx_packets"] + q["rx_packets"] > 0 for q in qs),
              "both of g1's queues carry traffic", out)
        # what the CLI shows of it: g1's two queues under its row, and the switch's own
        # counters of its traffic with dom0's port (the streams above went through it)
        rc, out = m.run("tern network-stats g1; tern network-stats --switches --json",
                        timeout=30)
        try:
            sw = json.loads([l for l in out.splitlines() if l.startswith("[")][-1])
            x = [s for s in sw if s["switch"] == "xenbr0"][0]
            seen = x["to_dom0"]["packets"] > 0 and x["from_dom0"]["packets"] > 0
        except (ValueError, KeyError, IndexError, TypeError):
            seen = False
        check(rc == 0 and seen and "queue 1" in out,
              "tern network-stats: g1's queues, and switch xenbr0's traffic with dom0", out)
        rc, out = m.run("grep -c 'vif 1/0: connected: .*2 queues, split' %s" % LOG, timeout=30)
        check(out.strip().splitlines()[-1:] == ["1"], "the backend's log says 2 queues, split", out)

        # a second guest on the same switch (one vCPU: one queue, its nodes at the top level)
        connect(m, 2)
        rc, out = m.run("xenstore-read /local/domain/2/device/vif/0/event-channel-tx "
                        "/local/domain/2/device/vif/0/event-channel-rx", timeout=30)
        check(rc == 0 and len(out.split()) == 2, "g2's single queue uses split event channels "
              "at the top level", out)
        out = guest(m, "g2", "ifconfig eth0 10.0.0.3 netmask 255.255.255.0 up && "
                    "ping -c 3 -W 5 10.0.0.2", wait_s=12)
        check(" 0% packet loss" in out, "the second guest pings the first through the switch", out)

        # anti-spoofing: 20 frames with another source MAC, 20 with the vif's own
        m.run_ok("net-stream sniff xenbr0 15 >/tmp/sniff.txt 2>&1 & sleep 1", timeout=30)
        out = guest(m, "g2", "net-stream spoof eth0 00:16:3e:66:66:66 20; "
                    "net-stream spoof eth0 %s 20" % MAC[2], wait_s=4)
        rc, got = m.run("sleep 14; cat /tmp/sniff.txt; cat /run/tern/netback/2.0.json", timeout=60)
        check("frames=20\n" in got, "dom0 receives the 20 honest frames and none of the spoofed ones",
              out + got)
        sp = re.search(r'"spoofed":(\d+)', got)
        check(sp and int(sp.group(1)) >= 20, "the vif counts the spoofed frames it dropped", got)

        # a killed backend is restarted by its supervisor and re-adopts the connected vifs
        rc, out = m.run("old=$(cat /run/tern-netback.pid); kill -9 $old; sleep 3; "
                        "new=$(cat /run/tern-netback.pid); [ \"$new\" != \"$old\" ] && "
                        "kill -0 $new && tail -4 /var/log/tern/netback.log && "
                        "ping -c 3 -W 5 10.0.0.2 && ping -c 3 -W 5 10.0.0.3", timeout=90)
        check(rc == 0 and out.count("re-adopted") == 2 and out.count(" 0% packet loss") == 2 and
              re.search(r"vif 1/0: re-adopted: .*2 queues, split", out),
              "a killed backend comes back, re-adopts both vifs (g1's 2 queues), and dom0 pings "
              "both guests", out)

        rc, out = m.run("tern destroy g2; tern destroy g1; sleep 2; tail -8 "
                        "/var/log/tern/netback.log; ls /run/tern/netback/", timeout=60)
        check(rc == 0 and "removed" in out and ".json" not in out,
              "destroy tears the vifs down", out)
        m.poweroff()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
