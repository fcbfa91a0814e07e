"""QEMU slots: at most N (default 2, $TERN_QEMU_SLOTS) QEMU runs at once on this machine.

Each slot is a file in /tmp/tern-qemu-slots held with an exclusive flock while a QEMU runs;
the lock goes away with the process, so a killed run never leaks a slot.
"""
import contextlib
import fcntl
import os
import sys
import time

SLOT_DIR = "/tmp/tern-qemu-slots"


@contextlib.contextmanager
def acquire_slot(wait_s=3600):
    nslots = int(os.environ.get("TERN_QEMU_SLOTS", "2"))
    os.makedirs(SLOT_DIR, exist_ok=True)
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        for i in range(nslots):
            fd = os.open(os.path.join(SLOT_DIR, "slot%d" % i), os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield i
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            return
        if time.monotonic() > deadline:
            raise TimeoutError("no free QEMU slot after %d s" % wait_s)
        if not told:
            print("[harness] waiting for a free QEMU slot", file=sys.stderr)
            told = True
        time.sleep(1)
