#!/usr/bin/env python3
"""tern-netback's QoS, counters and hot-plug on Tern, with a stock Debian domU (Linux 6.1's
xen-netfront, unmodified). One boot:

1. a vif with rate=8Mb/s: 8 MiB dom0 -> guest over TCP measure 8 Mb/s +-10 % on the wire
   (the Ethernet frames' bytes the backend delivered, from the vif's counters, over the
   receiver's time); `tern network-rate` to 4Mb/s on the running guest takes effect without
   reconnecting (xenbus states unchanged, no new connection in the backend's log) and 4 MiB
   then measure 4 Mb/s +-10 %. The direction measured is dom0 -> guest (RX), which the
   backend limits as well as guest -> dom0 (TX, what Xen's netback limits): under QEMU's TCG a
   guest sends at 5-11 Mb/s at best, too close to 8 Mb/s for the limit to be what is
   measured, while dom0 -> guest reaches 32-50 Mb/s. TX is measured too, at 1Mb/s (a third
   live change): 1 MiB guest -> dom0 measure 1 Mb/s +-10 %.
2. `tern network-stats` (table and --json): the counters grow by at least the bytes sent;
   `tern top`'s NETTX/NETRX columns are the same counters.
3. `tern network-attach` on the running guest: a new eth1 on a second switch (bridge=xenbr1,
   TAP xenbr1 in dom0) pings dom0 through it; `tern network-list` shows both vifs;
   `tern network-detach` removes it: the guest's eth1 disappears, the xenstore directories
   (backend, frontend, /libxl) and the counters file are gone, eth0 still works, and a
   second attach gets the same switch port again (the first one's was freed).

Exit status: 0 pass, 1 fail, 77 skipped."""
import os
import re
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "system"))
from tern_harness import Machine, HarnessError, OUT  # noqa: E402
from net_lib import (BE, LOG, MACHINE, check, guest, hashes, images, missing_binaries,  # noqa: E402
                     start_backend, vif_counters, wait_connected)

MAC0, MAC1 = "00:16:3e:00:00:11", "00:16:3e:00:01:11"
TOLERANCE = 0.10  # the issue's +-10 %


def counters(m, devid=0):
    vifs = [v for v in vif_counters(m, "g1") if v["devid"] == devid]
    if len(vifs) != 1:
        check(False, "vif %d has counters" % devid, str(vifs))
    return vifs[0]


def transfer(m, mib, port, to_guest):
    """mib MiB over TCP, dom0 -> guest or guest -> dom0; checks the hashes and returns the
    receiver's seconds."""
    if to_guest:
        guest(m, "g1", "net-stream recv %d >/tmp/r%d.txt 2>&1 &" % (port, port), wait_s=2)
        rc, sent = m.run("net-stream send 10.0.0.2 %d %d %d" % (port, mib, port), timeout=200)
        # The sender is done once dom0's socket has taken its last bytes; under a low rate
        # the guest's receiver needs seconds more (4 MiB at 4 Mb/s: 8.4 s in all, and the
        # sender can end after 3), so its result is read until it is there.
        for _ in range(20):
            got = guest(m, "g1", "sleep 1; cat /tmp/r%d.txt" % port, wait_s=4)
            if hashes(got):
                break
    else:
        m.run_ok("net-stream recv %d >/tmp/r%d.txt 2>&1 & sleep 1" % (port, port), timeout=30)
        guest(m, "g1", "net-stream send 10.0.0.1 %d %d %d >/tmp/s%d.txt 2>&1 &"
              % (port, mib, port, port), wait_s=2)
        rc, got = m.run("for i in $(seq 150); do grep -q bytes= /tmp/r%d.txt && break; sleep 1;"
                        " done; cat /tmp/r%d.txt" % (port, port), timeout=200)
        sent = guest(m, "g1", "cat /tmp/s%d.txt" % port, wait_s=3)
    s, r = hashes(sent), hashes(got)
    check(rc == 0 and s and r and s[0][:2] == r[0][:2] and r[0][0] == str(mib << 20),
          "%d MiB %s arrive with the same hash" % (mib, "dom0 -> guest" if to_guest else
                                                   "guest -> dom0"), sent + got)
    return float(r[0][2])


def measure(m, mib, port, bytes_per_s, label, to_guest=True):
    """mib MiB through the vif; checks the rate on the wire (the frames' bytes counted by the
    backend in that direction, over the receiver's time) and that the counters grew by at
    least what was sent. Returns (wire rate, goodput) in bytes per second."""
    way, back = ("rx", "tx") if to_guest else ("tx", "rx")
    c0 = counters(m)
    secs = transfer(m, mib, port, to_guest)
    c1 = counters(m)
    nbytes = c1[way]["bytes"] - c0[way]["bytes"]
    pk = c1[way]["packets"] - c0[way]["packets"]
    wire, good = nbytes / secs, (mib << 20) / secs
    print("%s: %d MiB %s in %.2f s: goodput %.2f Mb/s, on the wire %.2f Mb/s (%d frames, %d "
          "bytes; drops %d, ACK packets the other way %d)"
          % (label, mib, way.upper(), secs, good * 8e-6, wire * 8e-6, pk, nbytes,
             c1[way]["drops"] - c0[way]["drops"], c1[back]["packets"] - c0[back]["packets"]),
          flush=True)
    # a frame counts once however big: with GSO up to 64 KiB of TCP in one (as Linux's
    # netback counts an skb), so at least one per 64 KiB sent
    check(nbytes >= mib << 20 and pk >= (mib << 20) // 65549
          and c1[back]["packets"] > c0[back]["packets"] and c1[back]["bytes"] > c0[back]["bytes"],
          "%s: the vif's counters grew by at least what was sent (%s bytes and packets; %s: "
          "the ACKs)" % (label, way.upper(), back.upper()), "%s\n%s" % (c0, c1))
    check(abs(wire - bytes_per_s) <= TOLERANCE * bytes_per_s,
          "%s: the rate measures %.2f Mb/s, within 10 %% of %.0f Mb/s"
          % (label, wire * 8e-6, bytes_per_s * 8e-6))
    return wire, good


def top_net(m):
    """tern top's NETTX(k) and NETRX(k) of g1 against the counters of its one vif (read
    before and after, should a stray frame pass meanwhile)."""
    c0 = counters(m)
    rc, out = m.run("tern top -b -i 1", timeout=60)
    c1 = counters(m)
    lines = out.splitlines()
    head = [i for i, l in enumerate(lines) if "NETTX(k)" in l]
    row = [l.split() for l in lines if l.split()[:1] == ["g1"]]
    if not head or not row:
        check(False, "tern top -b shows g1", out)
    cols = lines[head[0]].split()
    tx, rx = (int(row[0][cols.index(k)]) for k in ("NETTX(k)", "NETRX(k)"))
    check(all(c0[k]["bytes"] // 1024 <= v <= c1[k]["bytes"] // 1024
              for k, v in (("tx", tx), ("rx", rx))),
          "tern top's NETTX/NETRX (%d k, %d k) are the vif's counters" % (tx, rx),
          "%s\n%s\n%s" % (out, c0, c1))


def vif_states(m, devid=0):
    """Backend and frontend states, and how many times the backend (re)connected the vif."""
    be = BE % (1, devid)
    rc, out = m.run("xenstore-read %s/state; xenstore-read /local/domain/1/device/vif/%d/state;"
                    " grep -c 'vif 1/%d: .*connected' %s" % (be, devid, devid, LOG), timeout=30)
    return out.split()


def hotplug(m):
    """network-attach, -list, -detach on the running guest; returns the switch port."""
    out = wait_connected(m, 1, 1, "network-attach: the new vif and tern-netback connect",
                         before="tern network-attach g1 mac=%s bridge=xenbr1 &&" % MAC1)
    port = re.findall(r"vif 1/1: connected: port (\d+) of switch xenbr1", out)
    check(bool(port), "the new vif is a port of the switch xenbr1", out)
    m.run_ok("ifconfig xenbr1 10.0.1.1 netmask 255.255.255.0 up", timeout=30)
    out = guest(m, "g1", "ifconfig eth1 10.0.1.2 netmask 255.255.255.0 up && "
                "ip link show eth1 && ping -c 3 -W 5 10.0.1.1", wait_s=12)
    check(MAC1 in out and " 0% packet loss" in out,
          "the guest's new eth1 has the vif's MAC and pings dom0 through xenbr1", out)
    rc, out = m.run("tern network-list g1; sleep 1; tern network-stats g1", timeout=30)
    check(rc == 0 and MAC0 in out and MAC1 in out and out.count("/backend/vif/1/") == 2,
          "tern network-list and network-stats show both vifs", out)
    rc, out = m.run("tern network-detach g1 1; sleep 2; tail -4 %s; for d in %s "
                    "/local/domain/1/device/vif/1 /libxl/1/device/vif/1; do "
                    "xenstore-read $d/state >/dev/null 2>&1 && echo LEFT $d; done; "
                    "ls /run/tern/netback/; tern network-list g1" % (LOG, BE % (1, 1)),
                    timeout=90)
    check(rc == 0 and "vif 1/1: removed" in out and "LEFT" not in out
          and "1.1.json" not in out and "1.0.json" in out and MAC1 not in out and MAC0 in out,
          "network-detach: the backend removed the vif; its xenstore directories and "
          "counters file are gone, vif 0 stays", out)
    out = guest(m, "g1", "echo NETS:$(ls /sys/class/net):END; ping -c 2 -W 5 10.0.0.1", wait_s=8)
    nets = [n for n in re.findall(r"NETS:([^:]*):END", out) if "$(" not in n]
    check(nets and "eth1" not in nets[-1] and "eth0" in nets[-1] and " 0% packet loss" in out,
          "the guest's eth1 disappeared and eth0 still pings dom0", out)
    return port[0]


def main():
    missing = missing_binaries()
    if missing:
        print("SKIP: aarch64/bin/%s not built" % missing[0])
        return 77
    initrd = images("net-qos", {1: "mac=%s,rate=8Mb/s" % MAC0})
    with Machine(hv="tern", initrd=initrd, timeout=900,
                 log=os.path.join(OUT, "net-qos-tern.log")) as m:
        MACHINE.append(m)
        m.wait_for_shell(timeout=300)
        start_backend(m)
        wait_connected(m, 1, 0, "netfront of g1 and tern-netback connect",
                             before="tern create /etc/tern/g1.cfg 2>&1;")
        rc, out = m.run("grep 'vif 1/0: rate' %s" % LOG, timeout=30)
        check("vif 1/0: rate 50000 bytes per 50000 us" in out,
              "rate=8Mb/s is 50000 bytes per 50 ms in the backend", out)
        out = guest(m, "g1", "ifconfig eth0 10.0.0.2 netmask 255.255.255.0 up && "
                    "ping -c 2 -W 5 10.0.0.1", wait_s=10)
        check(" 0% packet loss" in out, "the guest pings dom0", out)

        fast = measure(m, 8, 5001, 1000000, "rate=8Mb/s")
        before = vif_states(m)
        rc, out = m.run("tern network-rate g1 0 4Mb/s && xenstore-read %s/rate && sleep 1 && "
                        "grep 'vif 1/0: rate' %s" % (BE % (1, 0), LOG), timeout=30)
        check(rc == 0 and "25000,50000" in out and "rate 25000 bytes per 50000 us" in out,
              "tern network-rate g1 0 4Mb/s reaches the running backend", out)
        slow = measure(m, 4, 5002, 500000, "network-rate 4Mb/s")
        # the other direction, at a rate well below what a guest under TCG sends (at 2Mb/s one
        # run measured 1.87 Mb/s: probably the guest, whose TCP keeps only a few frames on the
        # ring, not coming back often enough within each refill interval)
        m.run_ok("tern network-rate g1 0 1Mb/s", timeout=30)
        tx = measure(m, 1, 5003, 125000, "network-rate 1Mb/s", to_guest=False)
        after = vif_states(m)
        top_net(m)
        check(before == after and before[:2] == ["4", "4"],
              "the rate changed without reconnecting (states, connections: %s)" % after,
              "%s -> %s" % (before, after))

        port = hotplug(m)
        wait_connected(m, 1, 1, "a second network-attach after the detach connects",
                       before="tern network-attach g1 mac=%s bridge=xenbr1 &&" % MAC1)
        rc, out = m.run("grep 'vif 1/1: connected' %s" % LOG, timeout=30)
        check(out.count("vif 1/1: connected: port %s of switch xenbr1" % port) == 2,
              "it gets the switch port the detached vif had (%s)" % port, out)

        rc, out = m.run("tern destroy g1; sleep 2; tail -6 %s; ls /run/tern/netback/" % LOG,
                        timeout=60)
        check(rc == 0 and out.count("removed") >= 2 and ".json" not in out,
              "destroy tears both vifs down", out)
        print("figures (Mb/s on the wire, goodput): RX 8Mb/s %.2f, %.2f; RX 4Mb/s %.2f, %.2f; "
              "TX 1Mb/s %.2f, %.2f" % tuple(x * 8e-6 for x in fast + slow + tx))
        m.poweroff()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
