#!/usr/bin/env python3
"""tern-blkback on Tern through a guest's life (issue 9's "Done when", one boot):

- `tern disk create` makes a sparse 1 GiB image; `tern create` with one disk= line (FIGURE:
  seconds); Linux's xen-blkfront in a Debian domU writes a 4 MiB random pattern; its checksum
  matches in the guest and from dom0 reading the image, which allocates only what was written
  (`tern disk info`);
- the guest's discard (blkdiscard) shrinks the allocation; `tern block-resize` is seen by the
  running guest (/sys/block/xvda/size);
- block-attach of a read-only disk (access=ro: the guest cannot write it, the image stays the
  same) and of a second writable one (two more disks at once), block-detach with nothing left
  in xenstore, attach again with the data still there;
- tern-blkback's per-disk counters: `tern block-stats` (the file /run/tern/blkback/D-N.json)
  counts the guest's writes, reads, flushes and discards; `tern top`'s VBD columns and
  tern-metricsd's tern_vbd_* (fetched in dom0) grow with an 8 MiB write; the counters go on
  from where they were after the backend is killed and restarted;
- every fsync in the guest sends an empty flush: blkfront keeps its flushes on
  (/sys/block/xvda/queue/write_cache "write back", no "op failed" in dmesg);
- guest reboot, then destroy and re-create from a config with two disks (one read-only, two
  vCPUs so two queues, blkfront's max_ring_page_order=2 so 4-page rings): the pattern's
  checksum still matches, no node of the old domain is left;
- cache=none: the image (on an ext2 file system in dom0) is opened O_DIRECT and holds the
  guest's writes; fstrim in the guest's file system returns the space of a removed file;
- tern-blkback killed (SIGKILL, twice) during a loop of numbered O_DIRECT+fsync writes in the
  guest: its supervisor restarts it, the loop goes on without an error, and every write the
  guest saw acknowledged is in the image (read by the guest and by dom0);
- persistent grants: xvda's ring uses them iff both ends' feature-persistent say 1 (blkfront's
  default; tern-blkback's unless --persistent=off), also once re-adopted after the kills.

Exit status: 0 pass, 1 fail, 77 skipped."""
import json
import os
import re
import sys

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, HarnessError, build_initramfs, build_guest_initramfs, OUT, BUILDDIR  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1 << 20
BASE_CFG = """name = "g"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/blk.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 160
"""
# (160 MiB, not 128: with persistent grants blkfront allocates 4.1 MiB per ring when it
# connects, and the three-disk step ran out of memory at 128)
# Options for tern-blkback, e.g. TERN_BLKBACK_OPTS=--persistent=on (docs/blkback.md).
BLKBACK_OPTS = os.environ.get("TERN_BLKBACK_OPTS", "")
# One disk: the config of the first create and of the reboot.
CFG1 = BASE_CFG + 'vcpus = 1\ndisk = ["/root/d1.img,raw,xvda,rw"]\n'
# Two disks (the second read-only), two vCPUs (blkfront then asks for two queues) and
# multi-page rings: blkfront asks for the order its max_ring_page_order parameter gives
# (guest-init passes it from the command line to insmod); 256 MiB, as blkfront's persistent
# grant pages grow with the ring.
RING_ORDER = 2
CFG2 = BASE_CFG.replace("memory = 160", "memory = 256").replace(
    'quiet"', 'quiet xen_blkfront.max_ring_page_order=%d"' % RING_ORDER) + (
    'vcpus = 2\ndisk = ["/root/d1.img,raw,xvda,rw", '
    '"format=raw, vdev=xvdb, access=ro, target=/root/ro.img"]\n')
XVDA, XVDB, XVDC = 51712, 51728, 51744
LOOP_BLOCK, LOOP_N = 16384, 400  # the kill test's numbered 4 KiB blocks: at 64 MiB


def check(ok, what, detail=""):
    print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)
    if not ok:
        print(detail[-3000:])
        sys.exit(1)


def keyvals(out):
    """KEY=VALUE lines the guest's blkt printed (the last of each)."""
    return dict(re.findall(r"(?<![\w$])([A-Z][A-Z0-9_]*)=(\S*)", out.replace("\r", "")))


class Test:
    def __init__(self, m):
        self.m = m

    def dom0(self, cmd, timeout=120):
        rc, out = self.m.run(cmd, timeout=timeout)
        check(rc == 0, "dom0: %s" % cmd, out)
        return out

    def guest(self, cmd, timeout=60):
        """A command line typed on g's console; its KEY=VALUE output."""
        rc, out = self.m.run("gsh g %d '%s'" % (timeout, cmd), timeout=timeout + 30)
        check(rc == 0, "guest: %s (finished)" % cmd, out)
        return keyvals(out)

    def dom0_sum(self, image, skip_mib, mib):
        out = self.dom0("dd if=%s bs=1M skip=%d count=%d 2>/dev/null | sha256sum"
                        % (image, skip_mib, mib))
        return out.split()[0]

    def allocated(self, image):
        out = self.dom0("tern disk info %s" % image)
        return int(re.search(r"allocated_size : (\d+)", out).group(1))

    def domid(self):
        return self.dom0("tern domid g").strip()

    def wait_connected(self, domid, devid, what):
        out = self.m.run("for i in $(seq 100); do [ \"$(xenstore-read /local/domain/0/backend/"
                         "vbd/%s/%d/state)\" = 4 ] && break; sleep 0.3; done; xenstore-read "
                         "/local/domain/0/backend/vbd/%s/%d/state" % (domid, devid, domid, devid),
                         timeout=60)[1]
        check(out.strip().endswith("4"), "%s: tern-blkback connected" % what,
              out + self.blkback_log())

    def wait_guest_init(self, count, what):
        out = self.m.run("for i in $(seq 120); do [ \"$(grep -c GUEST-INIT "
                         "/var/log/tern/console/g.log)\" -ge %d ] && break; sleep 0.5; done; "
                         "grep -c GUEST-INIT /var/log/tern/console/g.log" % count, timeout=90)[1]
        check(out.strip().endswith(str(count)), "%s: the guest's init runs" % what,
              out + self.m.run("tail -c 2000 /var/log/tern/console/g.log", timeout=30)[1])

    def flush_ok(self, when):
        """blkfront still flushes: every fsync sends an empty flush (no segments, sector
        2^64-1), which an error answer makes blkfront turn off for good."""
        kv = self.guest("blkt flush xvda")
        ok = (kv.get("WRITE_CACHE") == "write_back" and int(kv.get("DMESG_LINES", "0")) > 0
              and kv.get("FLUSH_FAILED") == "0")
        check(ok, "%s: blkfront's flushes work (write_cache 'write back', no failed flush in "
              "dmesg)" % when, "" if ok else str(kv) + self.m.run(
                  "gsh g 30 'dmesg | grep -i -e blkfront -e xvda'", timeout=60)[1])

    def block_stats(self, devid):
        """tern block-stats g --json: the disk's counters (after the backend's next write of
        its file, at most 250 ms after the guest's last request)."""
        out = self.dom0("sleep 1; tern block-stats g --json")
        for obj in json.loads(out[out.index("["):out.rindex("]") + 1]):
            if obj["devid"] == devid:
                return obj
        check(False, "tern block-stats g --json has disk %d" % devid, out)

    def top_vbd(self):
        """The guest's row of `tern top -b -i 1`: VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT."""
        out = self.dom0("tern top -b -i 1")
        lines = [l.split() for l in out.splitlines()]
        head = next(l for l in lines if l[:1] == ["NAME"])
        row = next((l for l in lines if l[:1] == ["g"]), None)
        check(row is not None and len(row) == len(head), "tern top: a row for g", out)
        return {k: row[head.index(k)] for k in ("VBD_OO", "VBD_RD", "VBD_WR", "VBD_RSECT",
                                                "VBD_WSECT")}

    def metrics_vbd(self, dom, devid):
        """tern_vbd_* samples of the disk on tern-metricsd's /metrics (fetched in dom0)."""
        out = self.dom0("sleep 1; wget -q -O - http://127.0.0.1:8081/metrics | grep '^tern_vbd_'")
        found = {}
        for name, labels, value in re.findall(r"^(tern_vbd_\w+)\{([^}]*)\} (\d+)$", out, re.M):
            if 'domid="%s"' % dom in labels and 'devid="%d"' % devid in labels:
                found[name] = int(value)
        check(len(found) == 8, "tern-metricsd exports the 8 tern_vbd_* counters of disk %d" % devid,
              out)
        return found

    def blkback_log(self):
        return self.m.run("tail -30 /var/log/tern/blkback.log", timeout=30)[1]

    def persistent_ok(self, domid, event):
        """Persistent grants are used on xvda iff both ends offer them (feature-persistent;
        Linux's blkfront does by default, tern-blkback unless --persistent=off): checked in
        the log line of the last `event` (connected, re-adopted). Returns "on" or "off"."""
        out = self.dom0("xenstore-read /local/domain/0/backend/vbd/%s/%d/feature-persistent; "
                        "xenstore-read /local/domain/%s/device/vbd/%d/feature-persistent; "
                        "grep 'vbd %s/%d: %s' /var/log/tern/blkback.log | tail -n 1"
                        % (domid, XVDA, domid, XVDA, domid, XVDA, event))
        lines = out.split("\n")
        want = "on" if lines[0].strip() == "1" and lines[1].strip() == "1" else "off"
        check("persistent grants %s" % want in out, "%s with persistent grants %s, as both "
              "ends' feature-persistent say (backend %s, frontend %s)"
              % (event, want, lines[0].strip(), lines[1].strip()), out)
        return want

    def nothing_left(self, domid, devid, what):
        """No frontend, backend or /libxl node of the device (all devices if devid is None)."""
        paths = ["/local/domain/0/backend/vbd/%s" % domid, "/local/domain/%s/device/vbd" % domid,
                 "/libxl/%s/device/vbd" % domid]
        if devid is not None:
            paths = ["%s/%d" % (p, devid) for p in paths]
        out = self.m.run("for p in %s; do xenstore-exists $p && echo LEFT $p; "
                         "xenstore-ls $p 2>/dev/null | grep =; done; true" % " ".join(paths),
                         timeout=60)[1]
        check("LEFT" not in out and "=" not in out, "%s: nothing left in xenstore" % what, out)


def scenario(t):
    m = t.m
    t.dom0("tern-xen-start --no-consoled >/tmp/xs.log 2>&1 && tern-consoled && tern-blkback %s"
           % BLKBACK_OPTS)
    t.dom0("mkdir -p /root && tern disk create /root/d1.img 1G && tern disk create "
           "/root/d2.img 64M && tern disk create /root/ro.img 16M && "
           "printf TERN-RO-IMAGE | dd of=/root/ro.img conv=notrunc 2>/dev/null")
    out = t.dom0("tern disk info /root/d1.img")
    check("virtual_size : %d\n" % (1 << 30) in out and "allocated_size : 0\n" in out,
          "tern disk create: a 1 GiB image with nothing allocated", out)
    ro_sum = t.dom0_sum("/root/ro.img", 0, 16)

    # --- create with one disk; a pattern checked by the guest and by dom0
    out = t.dom0("a=$(cut -d' ' -f1 /proc/uptime); tern create /etc/tern/g1.cfg 2>&1; "
                 "b=$(cut -d' ' -f1 /proc/uptime); echo CREATE_S=$(awk \"BEGIN{print $b-$a}\")")
    print("FIGURE tern_create_one_disk_s=%s hypervisor=tern" % keyvals(out)["CREATE_S"])
    dom = t.domid()
    t.wait_connected(dom, XVDA, "create")
    t.wait_guest_init(1, "create")
    kv = t.guest("blkt size xvda; blkt fill /dev/xvda 0 4; blkt sum /dev/xvda 0 4")
    check(kv.get("SIZE") == str((1 << 30) // 512), "the guest sees 1 GiB", str(kv))
    check(kv.get("FILL") == "ok", "the guest writes 4 MiB of random data", str(kv))
    pattern = kv.get("SUM")
    check(t.dom0_sum("/root/d1.img", 0, 4) == pattern,
          "dom0 reading the image finds the guest's checksum", pattern)
    t.flush_ok("after a write with fsync")
    pg_want = t.persistent_ok(dom, "connected")
    a1 = t.allocated("/root/d1.img")
    check(4 * MIB <= a1 < 5 * MIB, "the 1 GiB image allocates only what was written (%d)" % a1)

    # --- tern-blkback's counters: tern block-stats, tern top's VBD columns, tern-metricsd
    st1 = t.block_stats(XVDA)
    out = t.dom0("cat /run/tern/blkback/%s-%d.json; tern block-stats g" % (dom, XVDA))
    print("note: counters after 4 MiB written and read: %s" % st1)
    check("RD_REQ" in out and "WR_SECT" in out and ('"domid":%s,"devid":%d' % (dom, XVDA)) in out,
          "the counters file /run/tern/blkback/%s-%d.json and tern block-stats" % (dom, XVDA), out)
    check(st1["wr_req"] > 0 and st1["wr_sect"] >= 4 * MIB // 512 and st1["rd_req"] > 0
          and st1["rd_sect"] >= 4 * MIB // 512 and st1["f_req"] > 0 and st1["errors"] == 0,
          "the counters count the guest's 4 MiB written and read, its flushes, no error", str(st1))
    t.dom0("ifconfig lo 127.0.0.1 up; (tern-metricsd -a 127.0.0.1 -p 8081 -i 250 "
           ">/tmp/metricsd.log 2>&1 & echo $! >/tmp/metricsd.pid); sleep 1; "
           "cat /tmp/metricsd.log")
    top1, prom1 = t.top_vbd(), t.metrics_vbd(dom, XVDA)
    kv = t.guest("blkt fill /dev/xvda 64 8")
    a2 = t.allocated("/root/d1.img")
    check(kv.get("FILL") == "ok" and a2 >= a1 + 8 * MIB, "8 MiB more allocate 8 MiB (%d)" % a2)
    st2 = t.block_stats(XVDA)
    top2, prom2 = t.top_vbd(), t.metrics_vbd(dom, XVDA)
    print("note: tern top VBD columns before / after 8 MiB written: %s / %s" % (top1, top2))
    check(st2["wr_sect"] >= st1["wr_sect"] + 8 * MIB // 512 and st2["wr_req"] > st1["wr_req"]
          and st2["f_req"] > st1["f_req"], "tern block-stats: the 8 MiB write is counted",
          "%s -> %s" % (st1, st2))
    check(all(v.isdigit() for v in top2.values())
          and int(top2["VBD_WSECT"]) >= int(top1["VBD_WSECT"]) + 8 * MIB // 512
          and int(top2["VBD_WR"]) > int(top1["VBD_WR"]),
          "tern top: VBD_WR and VBD_WSECT grow by the 8 MiB write", "%s -> %s" % (top1, top2))
    check(prom2["tern_vbd_write_sectors_total"] >= prom1["tern_vbd_write_sectors_total"]
          + 8 * MIB // 512 and prom2["tern_vbd_write_requests_total"]
          > prom1["tern_vbd_write_requests_total"]
          and prom2["tern_vbd_flush_requests_total"] > prom1["tern_vbd_flush_requests_total"],
          "tern-metricsd: tern_vbd_write_sectors_total and the request counters grow",
          "%s -> %s" % (prom1, prom2))
    t.dom0("kill $(cat /tmp/metricsd.pid)")

    # --- discard shrinks the allocation
    kv = t.guest("blkt discard /dev/xvda 64 8")
    a3 = t.allocated("/root/d1.img")
    check(kv.get("DISCARD") == "ok" and a3 <= a1,
          "the guest's blkdiscard returns the space to dom0 (%d -> %d bytes)" % (a2, a3))
    st3 = t.block_stats(XVDA)
    check(st3["ds_req"] > st2["ds_req"], "tern block-stats counts the discard", str(st3))

    # --- online resize
    t.dom0("tern block-resize g xvda 2G")
    kv = t.guest("for i in 1 2 3 4 5 6 7 8 9 10; do [ $(cat /sys/block/xvda/size) = 4194304 ] "
                 "&& break; sleep 0.5; done; blkt size xvda")
    check(kv.get("SIZE") == str((2 << 30) // 512), "the running guest sees the disk grow to 2 "
          "GiB", str(kv) + t.blkback_log())

    # --- attach a read-only disk and a second writable one; detach; attach again
    t.dom0("tern block-attach g format=raw,vdev=xvdb,access=ro,target=/root/ro.img")
    t.wait_connected(dom, XVDB, "block-attach access=ro")
    t.dom0("tern block-attach g /root/d2.img,raw,xvdc,rw")
    t.wait_connected(dom, XVDC, "block-attach xvdc")
    kv = t.guest("sleep 1; blkt size xvdb; blkt ro xvdb; blkt fill /dev/xvdc 0 2; "
                 "blkt sum /dev/xvdc 0 2")
    check(kv.get("SIZE") == str(16 * MIB // 512), "the guest sees the attached 16 MiB disk",
          str(kv))
    check(kv.get("RO") == "1" and kv.get("RO_WRITE") == "refused",
          "the access=ro disk is read-only in the guest and refuses a write", str(kv))
    check(t.dom0_sum("/root/ro.img", 0, 16) == ro_sum, "the read-only image is unchanged")
    d2_sum = kv.get("SUM")
    check(kv.get("FILL") == "ok" and t.dom0_sum("/root/d2.img", 0, 2) == d2_sum,
          "three disks at once: the guest's write to xvdc is in d2.img", str(kv))
    out = t.dom0("tern block-list g")
    check(all(str(d) in out for d in (XVDA, XVDB, XVDC)), "block-list shows the 3 disks", out)
    t.dom0("tern block-detach g xvdc")
    kv = t.guest("blkt size xvdc")
    check(kv.get("SIZE") == "none", "after block-detach the guest has no xvdc", str(kv))
    t.nothing_left(dom, XVDC, "block-detach")
    t.dom0("tern block-attach g /root/d2.img,raw,xvdc,rw")
    t.wait_connected(dom, XVDC, "block-attach again")
    kv = t.guest("sleep 1; blkt sum /dev/xvdc 0 2")
    check(kv.get("SUM") == d2_sum, "attached again, xvdc still holds its data", str(kv))

    # --- guest reboot (the config has only xvda; the attached disks go)
    t.dom0("tern reboot g")
    out = t.m.run("for i in $(seq 120); do d=$(tern domid g 2>/dev/null); [ -n \"$d\" ] && "
                  "[ \"$d\" != %s ] && break; sleep 0.5; done; tern domid g" % dom, timeout=90)[1]
    new = out.strip().split()[-1] if out.strip() else ""
    check(new.isdigit() and new != dom, "the guest rebooted as a new domain", out)
    t.nothing_left(dom, None, "reboot (old domain %s)" % dom)
    dom = new
    t.wait_connected(dom, XVDA, "reboot")
    t.wait_guest_init(2, "reboot")
    kv = t.guest("blkt size xvda; blkt sum /dev/xvda 0 4")
    check(kv.get("SUM") == pattern, "after reboot the pattern's checksum matches", str(kv))
    check(kv.get("SIZE") == str((2 << 30) // 512), "after reboot the disk is 2 GiB", str(kv))

    # --- destroy and re-create with two disks
    t.dom0("tern destroy g")
    t.nothing_left(dom, None, "destroy")
    t.dom0("tern create /etc/tern/g2.cfg")
    dom = t.domid()
    t.wait_connected(dom, XVDA, "re-create")
    t.wait_connected(dom, XVDB, "re-create (second disk)")
    t.wait_guest_init(3, "re-create")
    kv = t.guest("blkt sum /dev/xvda 0 4; blkt ro xvdb")
    check(kv.get("SUM") == pattern, "after destroy and re-create the checksum matches", str(kv))
    check(kv.get("RO") == "1" and kv.get("RO_WRITE") == "refused",
          "a read-only disk from the config refuses writes", str(kv))
    # two queues of 2^RING_ORDER-page rings each (xen/io/blkif.h: queue-N/ring-refK),
    # which tern-blkback mapped whole: the checksums above came through them
    fe = "/local/domain/%s/device/vbd/%d" % (dom, XVDA)
    out = t.dom0("xenstore-read %s/multi-queue-num-queues %s/ring-page-order; for q in 0 1; do "
                 "for r in $(seq 0 %d); do xenstore-read %s/queue-$q/ring-ref$r >/dev/null && "
                 "echo REF $q $r; done; done; grep 'vbd %s/%d: connected' "
                 "/var/log/tern/blkback.log | tail -n 1"
                 % (fe, fe, (1 << RING_ORDER) - 1, fe, dom, XVDA))
    lines = out.split("\n")
    refs = len(re.findall(r"^REF [01] \d+$", out, re.M))
    check(lines[0].strip() == "2" and lines[1].strip() == str(RING_ORDER)
          and refs == 2 << RING_ORDER
          and "connected: 2 queue(s) of %d page(s)" % (1 << RING_ORDER) in out,
          "the 2-vCPU guest's blkfront uses 2 queues of %d-page rings (%d ring refs)"
          % (1 << RING_ORDER, refs), out + t.blkback_log())

    # --- cache=none (O_DIRECT: the image on an ext2 file system, as tmpfs has no O_DIRECT in
    # Linux 6.1) and fstrim through the guest's file system
    t.dom0("mke2fs -q /dev/vda && mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && "
           "tern disk create /mnt/c.img 64M")
    t.dom0("tern block-attach g format=raw,vdev=xvdc,access=rw,cache=none,target=/mnt/c.img")
    t.wait_connected(dom, XVDC, "block-attach cache=none")
    out = t.dom0("p=$(cat /run/tern-blkback.pid); for f in /proc/$p/fd/*; do "
                 "[ \"$(readlink $f)\" = /mnt/c.img ] && sed -n 's/^flags:[[:space:]]*/FLAGS=/p' "
                 "/proc/$p/fdinfo/${f##*/}; done; true")
    flags = keyvals(out).get("FLAGS", "")
    check(flags != "" and int(flags, 8) & 0o200000 != 0,  # arm64's O_DIRECT
          "cache=none: tern-blkback opened the image with O_DIRECT", out)
    kv = t.guest("sleep 1; blkt fill /dev/xvdc 0 2; blkt sum /dev/xvdc 0 2")
    check(kv.get("FILL") == "ok" and t.dom0_sum("/mnt/c.img", 0, 2) == kv.get("SUM"),
          "cache=none: dom0 finds the guest's write in the image", str(kv))
    kv = t.guest("blkt fsfill /dev/xvdc", timeout=120)
    c1 = t.allocated("/mnt/c.img")
    check(kv.get("FSFILL") == "ok" and c1 >= 8 * MIB,
          "an 8 MiB file in the guest's file system allocates (%d bytes)" % c1, str(kv))
    kv = t.guest("blkt fstrim", timeout=120)
    c2 = t.allocated("/mnt/c.img")
    check(kv.get("FSTRIM") == "ok" and c2 <= c1 - 7 * MIB,
          "the file removed, the guest's fstrim returns the space (%d -> %d bytes)" % (c1, c2),
          str(kv))

    # --- kill the backend during a write loop
    kv = t.guest("blkt loop /dev/xvda %d %d" % (LOOP_BLOCK, LOOP_N))
    check(kv.get("LOOP") == "started", "the guest's write loop starts", str(kv))
    acks = []
    for sig in ("KILL", "KILL"):
        # Each kill once the loop has had a write acknowledged since the last one (the first:
        # any write; the second: one served by the restarted backend), not after a fixed
        # sleep that a slow guest (TCG, both QEMU slots busy) may not fill.
        kv = t.guest("blkt ack %d 90" % ((acks[-1] if acks else 0) + 1), timeout=120)
        check(kv.get("ACK", "").isdigit() and kv.get("FAILS") == "0"
              and int(kv["ACK"]) > (acks[-1] if acks else 0),
              "the guest's write loop runs without errors (writes acknowledged: %s)"
              % kv.get("ACK"), str(kv))
        acks.append(int(kv["ACK"]))
        out = t.dom0("p=$(cat /run/tern-blkback.pid); kill -%s $p; for i in $(seq 50); do "
                     "q=$(cat /run/tern-blkback.pid 2>/dev/null); [ -n \"$q\" ] && [ \"$q\" != $p ]"
                     " && [ -d /proc/$q ] && break; sleep 0.2; done; echo OLD=$p NEW=$q" % sig)
        kv = keyvals(out)
        check(kv.get("NEW", "") not in ("", kv.get("OLD")),
              "the supervisor restarts tern-blkback killed by SIG%s" % sig, out + t.blkback_log())
    # The loop holds its last write until now: both kills came before the loop's end.
    t.guest("blkt open")
    kv = t.guest("blkt wait 240", timeout=260)
    check(kv.get("LOOP_DONE") == "yes", "the write loop ends", str(kv))
    check(0 < acks[0] < LOOP_N and acks[-1] < LOOP_N,
          "the backend was killed during the loop (after writes %s)" % acks)
    check(kv.get("LOOP_FAIL") == "0" and kv.get("LOOP_ACK") == str(LOOP_N),
          "the guest's I/O went on: all %d writes acknowledged, none failed" % LOOP_N,
          str(kv) + t.blkback_log())
    kv = t.guest("blkt seqcheck /dev/xvda %d %d" % (LOOP_BLOCK, LOOP_N), timeout=120)
    check(kv.get("SEQ_BAD") == "0", "the guest reads back every acknowledged write", str(kv))
    out = t.dom0("bad=0; for i in $(seq %d); do [ \"$(dd if=/root/d1.img bs=4096 skip=$((%d+i)) "
                 "count=1 2>/dev/null | head -c 12)\" = \"$(printf SEQ-%%08d $i)\" ] || "
                 "bad=$((bad+1)); done; echo DOM0_BAD=$bad" % (LOOP_N, LOOP_BLOCK), timeout=200)
    check(keyvals(out).get("DOM0_BAD") == "0", "dom0 finds every acknowledged write in the "
          "image", out)
    out = t.dom0("grep -c 'restarting it' /var/log/tern/blkback.log; "
                 "grep -c re-adopted /var/log/tern/blkback.log")
    print("note: blkback log: restarts, re-adoptions: %s" % " ".join(out.split()))
    check(t.persistent_ok(dom, "re-adopted") == pg_want, "the restarted backend re-adopted the "
          "ring with persistent grants %s as before (mapping them again)" % pg_want)

    # --- the counters survive a restart of the backend: killed with no I/O in flight, the new
    # one reads its file back and goes on counting from there
    s1 = t.block_stats(XVDA)
    print("note: counters after the write loop: %s" % s1)
    # (a backend killed in the loop took up to 250 ms of counts with it: not checked exactly)
    print("note: write requests counted for the loop's %d writes: %d" % (LOOP_N, s1["wr_req"]))
    check(s1["wr_req"] > 0 and s1["errors"] == 0,
          "the write loop's writes are counted, no error", str(s1))
    out = t.dom0("p=$(cat /run/tern-blkback.pid); kill -KILL $p; for i in $(seq 50); do "
                 "q=$(cat /run/tern-blkback.pid 2>/dev/null); [ -n \"$q\" ] && [ \"$q\" != $p ]"
                 " && [ -d /proc/$q ] && break; sleep 0.2; done; echo OLD=$p NEW=$q")
    kv = t.guest("blkt sum /dev/xvda 0 4")
    s2 = t.block_stats(XVDA)
    check(kv.get("SUM") == pattern and s2["rd_sect"] >= s1["rd_sect"] + 4 * MIB // 512
          and s2["wr_req"] >= s1["wr_req"] and s2["f_req"] >= s1["f_req"],
          "after a restart the counters go on from the old ones (4 MiB read added)",
          "%s -> %s" % (s1, s2) + t.blkback_log())
    out = t.dom0("grep -c 'counters read back' /var/log/tern/blkback.log")
    check(int(out.split()[-1]) >= 1, "the restarted backend read its counters files back", out)

    t.flush_ok("after the write loop (O_DIRECT+fsync) and two backend restarts")

    # --- the end: destroy leaves nothing; the backend is still there
    t.dom0("tern destroy g")
    t.nothing_left(dom, None, "final destroy")
    out = t.dom0("[ -d /proc/$(cat /run/tern-blkback.pid) ] && echo BLKBACK=alive")
    check("BLKBACK=alive" in out, "tern-blkback still runs", t.blkback_log())
    check(m.poweroff() == 0, "dom0 powers off")


def main():
    if not os.path.exists(os.path.join(BUILDDIR, "aarch64", "bin", "tern-blkback")):
        print("SKIP: aarch64/bin/tern-blkback not built")
        return 77
    os.makedirs(OUT, exist_ok=True)
    files = {}
    for name, text in (("g1.cfg", CFG1), ("g2.cfg", CFG2)):
        path = os.path.join(OUT, "block-tern-" + name)
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
        files["/etc/tern/" + name] = path
    guest = build_guest_initramfs(modules=["xen-blkfront", "crc32c_generic", "ext4"], extra_files={
        "/usr/bin/blkt": os.path.join(HERE, "block-guest.sh")})
    files["/guest/blk.gz"] = guest
    files["/usr/local/bin/gsh"] = os.path.join(HERE, "block-gsh.sh")
    initrd = build_initramfs("block", xen_tools=True, guest=True, extra_files=files)
    # dom0's ext2 for the cache=none image, and the console log: one per run, so that a run
    # with TERN_BLKBACK_OPTS can go on beside a plain one
    tag = "-%d" % os.getpid() if BLKBACK_OPTS else ""
    vda = os.path.join(OUT, "block-tern-vda%s.img" % tag)
    with open(vda, "wb") as f:
        f.truncate(256 * MIB)
    try:
        with Machine(hv="tern", initrd=initrd, timeout=900, disk=vda,
                     log=os.path.join(OUT, "block-tern%s.log" % tag)) as m:
            m.wait_for_shell(timeout=300)
            scenario(Test(m))
    finally:
        if tag:
            os.unlink(vda)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
