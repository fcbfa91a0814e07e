#!/usr/bin/env python3
"""dom0 on Tern drives a virtio-blk disk passed through from QEMU (issue 3).

dom0 mounts an ext4 disk (virtio-mmio: MMIO mapped 1:1, its SPI hardware-linked, DMA
through swiotlb-xen), writes 8 MiB of random data, remounts the disk and reads back the
same checksum.  After poweroff the host reads the file from the image and checks the
checksum too, so the data really reached the disk.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("TERN_SRCDIR", "."), "tests/harness"))
from tern_harness import DOM0_MODULES, Machine, build_initramfs, HarnessError  # noqa: E402

SKIP = 77


def main():
    builddir = os.environ.get("TERN_BUILDDIR", ".")
    if not os.path.exists(os.path.join(builddir, "hypervisor", "tern.bin")):
        print("SKIP: hypervisor/tern.bin not built")
        return SKIP
    # ext4 asks the crypto API for crc32c at mount time: load the generic one up front.
    initrd = build_initramfs("hv-disk", modules=["crc32c_generic"] + DOM0_MODULES)
    with tempfile.TemporaryDirectory(prefix="tern-disk-") as tmp:
        img = os.path.join(tmp, "disk.img")
        with open(img, "wb") as f:
            f.truncate(64 << 20)
        subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
        with Machine(hv="tern", smp=2, initrd=initrd, disk=img, timeout=300) as m:
            m.wait_for_shell()
            # virtio_blk probes asynchronously after its module loads.
            m.run_ok("for i in $(seq 300); do [ -b /dev/vda ] && break; sleep 0.1; done; "
                     "[ -b /dev/vda ]", timeout=60)
            m.run_ok("mkdir -p /mnt && mount -t ext4 /dev/vda /mnt")
            m.run_ok("dd if=/dev/urandom of=/mnt/data bs=1M count=8 2>/dev/null && sync")
            before = m.run_ok("sha256sum /mnt/data").split()[0]
            m.run_ok("umount /mnt && echo 3 > /proc/sys/vm/drop_caches && "
                     "mount -t ext4 /dev/vda /mnt")
            after = m.run_ok("sha256sum /mnt/data").split()[0]
            m.run_ok("umount /mnt")
            if before != after:
                raise HarnessError("checksum changed across remount: %s vs %s" % (before, after))
            rc = m.poweroff()
            if rc != 0:
                raise HarnessError("QEMU exit status %d after poweroff" % rc)
        out = os.path.join(tmp, "data")
        subprocess.run(["debugfs", "-R", "dump /data %s" % out, img], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out, "rb") as f:
            host = hashlib.sha256(f.read()).hexdigest()
        if host != before:
            raise HarnessError("host reads checksum %s, dom0 wrote %s" % (host, before))
    print("virtio-blk: 8 MiB written, remounted, sha256 %s matches in dom0 and on the host"
          % before[:16])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL:", e)
        sys.exit(1)
