"""The QEMU harness: boot a hypervisor + dom0 under QEMU and drive dom0 over its console.

    from tern_harness import Machine, build_initramfs
    initrd = build_initramfs('smoke', xen_tools=True)
    with Machine(hv='xen', smp=2, initrd=initrd) as m:
        m.wait_for_shell()
        rc, out = m.run('cat /sys/hypervisor/type')
        m.poweroff()

hv='xen' boots Debian's Xen 4.17 (the reference peer), hv='tern' our hypervisor image,
both with the same QEMU command line: the hypervisor as -kernel, its own command line in
-append, dom0's kernel (with its command line) and initramfs through QEMU's guest-loader
devices.  hv='bare' boots the same kernel and initramfs without a hypervisor.

Every run holds one of the machine's QEMU slots (qemu_slots.py), has a wall-clock
timeout, keeps a console log with host timestamps, and always ends its own QEMU.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mkinitramfs  # noqa: E402
from qemu_slots import acquire_slot  # noqa: E402

SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
CACHE = os.environ.get("TERN_CACHE", os.path.join(SRCDIR, "cache"))
OUT = os.path.join(BUILDDIR, "tests", "out")

DOM0_MODULES = ["xen-evtchn", "xen-gntdev", "xen-gntalloc", "xen-privcmd", "xenfs",
                # ext4 asks the crypto API for crc32c when it mounts: the generic one
                "crc32c_generic",
                "virtio_mmio", "virtio_blk", "ext4", "veth"]
GUEST_MODULES = []
# Machine(net_port=P): dom0's virtio-net needs these; DOM0_NET_UP gives it QEMU user
# networking's address (host port P reaches dom0's port 80).
DOM0_NET_MODULES = ["virtio_net"]
DOM0_NET_UP = ("for i in $(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done; "
               "ip link set lo up && ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && "
               "ip route add default via 10.0.2.2")
DYGRAPHS_DIR = "/usr/share/javascript/dygraphs"  # Debian's libjs-dygraphs


def monitor_web_files():
    """tern-metricsd's page and Debian's dygraphs for dom0's /usr/share/tern/web."""
    web = os.path.join(SRCDIR, "dom0-tools", "metricsd", "web")
    files = {"usr/share/tern/web/" + f: os.path.join(web, f) for f in ("index.html", "monitor.js")}
    files.update({"usr/share/tern/web/" + f: os.path.join(DYGRAPHS_DIR, f)
                  for f in ("dygraph.min.js", "dygraph.min.css")})
    return files
XEN_TOOLS = ["usr/lib/xen-4.17/bin/xl", "usr/lib/xen-4.17/bin/xenstored",
             "usr/lib/xen-4.17/bin/xenconsoled", "usr/lib/xen-4.17/bin/xen-init-dom0",
             "usr/lib/xen-4.17/bin/xenconsole", "usr/bin/xenstore",
             "usr/lib/xen-4.17/bin/xentop",
             # glibc dlopens libgcc_s for pthread_cancel (xl uses it)
             "lib/aarch64-linux-gnu/libgcc_s.so.1"]
# build_initramfs(xen_hotplug=True): what Debian's /etc/xen/scripts (block, vif-bridge, run
# by `xl create`) need beyond busybox, from the arm64 packages scripts/setup unpacks; the
# kernel backends go to /lib/modules-extra (load order in /etc/tern/modules-extra), loaded
# by hand: at boot they would claim the backend nodes tern-blkback/tern-netback serve.
XEN_HOTPLUG_TOOLS = {"bin/bash": ("bash", "bin/bash"),
                     "usr/bin/flock": ("util-linux", "usr/bin/flock")}
XEN_HOTPLUG_MODULES = ["loop", "bridge"]
XEN_HOTPLUG_LATE_MODULES = ["xen-blkback", "xen-netback"]
XENSTORE_CMDS = ["read", "write", "ls", "rm", "list", "exists", "chmod", "watch", "control"]

XL_CONF = b"""# written by the Tern harness
autoballoon="off"
run_hotplug_scripts=1
lockfile="/run/xl.lock"
"""

GUEST_CFG = b"""# A small Debian-kernel domU (the harness's guest initramfs prints TERN-GUEST-INIT).
name = "guest"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init quiet"
memory = 128
vcpus = 1
acpi = 0
"""


def kernel_version():
    with open(os.path.join(CACHE, "kernel", "version")) as f:
        return f.read().strip()


def _moddir():
    kv = kernel_version()
    return kv, os.path.join(CACHE, "kernel", "lib", "modules", kv)


def _add_modules(cpio, names):
    kv, moddir = _moddir()
    order = mkinitramfs.module_closure(moddir, names)
    for rel in order:
        cpio.copy("lib/modules/" + os.path.basename(rel), os.path.join(moddir, rel), 0o644)
    cpio.file("etc/tern/modules", "".join(os.path.basename(r) + "\n" for r in order).encode())


def _add_xen_hotplug(cpio):
    root = os.path.join(CACHE, "xen-rootfs")
    for dst, (pkg, rel) in XEN_HOTPLUG_TOOLS.items():
        src = os.path.join(CACHE, "extract", pkg, rel)
        cpio.copy(dst, src, 0o755)
        libs = ["lib/aarch64-linux-gnu/" + lib for lib in mkinitramfs._needed(src)
                if not lib.startswith(("libc.so", "ld-linux"))]
        mkinitramfs.add_elf_closure(cpio, root, libs)
    scripts = os.path.join(root, "etc", "xen", "scripts")
    for f in sorted(os.listdir(scripts)):
        cpio.copy("etc/xen/scripts/" + f, os.path.join(scripts, f), 0o755)
    cpio.dir("var/run/xen-hotplug")
    kv, moddir = _moddir()
    order = mkinitramfs.module_closure(moddir, XEN_HOTPLUG_LATE_MODULES)
    for rel in order:
        cpio.copy("lib/modules-extra/" + os.path.basename(rel), os.path.join(moddir, rel), 0o644)
    cpio.file("etc/tern/modules-extra",
              "".join(os.path.basename(r) + "\n" for r in order).encode())


def build_guest_initramfs(modules=None, extra_files=None):
    """The domU initramfs (gzip'ed cpio): busybox, guest-init, optional modules."""
    agent = os.path.join(BUILDDIR, "aarch64", "guest", "tern-memagent")
    spec = json.dumps([modules or GUEST_MODULES, sorted((extra_files or {}).items())])
    key = hashlib.sha256((spec + _stamp([os.path.join(HERE, "guest-init"), agent] +
                                        list((extra_files or {}).values()))).encode()).hexdigest()[:12]
    out = os.path.join(OUT, "guest-initrd-%s.gz" % key)
    if os.path.exists(out):
        return out
    os.makedirs(OUT, exist_ok=True)
    c = mkinitramfs.Cpio()
    mkinitramfs.add_busybox(c, os.path.join(CACHE, "busybox"))
    c.chardev("dev/console", 5, 1)
    c.copy("init", os.path.join(HERE, "guest-init"), 0o755)
    _add_modules(c, modules or GUEST_MODULES)
    if os.path.exists(agent):  # guest-pv/agent: started by guest-init
        c.copy("usr/sbin/tern-memagent", agent, 0o755)
    for dst, src in (extra_files or {}).items():
        c.copy(dst, src)
    c.write(out, compress=True)
    return out


def _stamp(paths):
    parts = []
    for p in paths:
        try:
            st = os.stat(p)
            parts.append("%s:%d:%d" % (p, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            parts.append(p + ":missing")
    return ";".join(parts)


def _aarch64_bin_files():
    d = os.path.join(BUILDDIR, "aarch64", "bin")
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d))


def build_initramfs(name, xen_tools=False, guest=False, extra_files=None, modules=None,
                    guest_modules=None, rc_local=None, xen_hotplug=False):
    """Build (or reuse) dom0's initramfs; returns its path (an uncompressed newc cpio:
    unpacking it costs dom0 no decompression under TCG).

    xen_tools: Debian's real xl, xenstored, xenconsoled, xen-init-dom0, xenstore-* with
               their libraries, /etc/xen/xl.conf, and tern-xen-start.
    guest:     /guest/vmlinuz (the Debian kernel), /guest/initrd.gz (busybox domU
               initramfs printing TERN-GUEST-INIT) and /etc/xen/guest.cfg.
    extra_files: {in-image path: host path}.
    modules:   dom0 kernel modules (default DOM0_MODULES), loaded at boot in order.
    rc_local:  shell text run by dom0's init before the shell (as /etc/tern/rc.local).
    xen_hotplug: (with xen_tools) Debian's /etc/xen/scripts, bash and flock, the loop and
               bridge modules (loaded at boot) and xen-blkback, xen-netback in
               /lib/modules-extra (`for m in $(cat /etc/tern/modules-extra); do insmod
               /lib/modules-extra/$m; done` once tern's backends are stopped).
    Everything in $TERN_BUILDDIR/aarch64/bin goes to /usr/local/bin.
    """
    modules = DOM0_MODULES if modules is None else modules
    extra_files = dict(extra_files or {})
    inputs = [os.path.join(HERE, f) for f in ("dom0-init", "guest-init", "tern-xen-start",
                                              "mkinitramfs.py", "tern_harness.py")]
    inputs += _aarch64_bin_files() + list(extra_files.values())
    if xen_hotplug:
        if not xen_tools:
            raise ValueError("build_initramfs: xen_hotplug needs xen_tools")
        modules = modules + [m for m in XEN_HOTPLUG_MODULES if m not in modules]
        for pkg, rel in XEN_HOTPLUG_TOOLS.values():
            if not os.path.exists(os.path.join(CACHE, "extract", pkg, rel)):
                raise HarnessError("cache/extract/%s/%s missing: run scripts/setup" % (pkg, rel))
    spec = json.dumps([name, xen_tools, guest, sorted(extra_files.items()), modules,
                       guest_modules, rc_local, kernel_version(), xen_hotplug])
    key = hashlib.sha256((spec + _stamp(inputs)).encode()).hexdigest()[:12]
    out = os.path.join(OUT, "%s-%s.cpio" % (name, key))
    if os.path.exists(out):
        return out
    os.makedirs(OUT, exist_ok=True)
    c = mkinitramfs.Cpio()
    mkinitramfs.add_busybox(c, os.path.join(CACHE, "busybox"))
    c.chardev("dev/console", 5, 1)
    c.copy("init", os.path.join(HERE, "dom0-init"), 0o755)
    _add_modules(c, modules)
    for f in _aarch64_bin_files():
        c.copy("usr/local/bin/" + os.path.basename(f), f, 0o755)
    if xen_tools:
        root = os.path.join(CACHE, "xen-rootfs")
        mkinitramfs.add_elf_closure(c, root, XEN_TOOLS)
        for cmd in XENSTORE_CMDS:
            c.symlink("usr/bin/xenstore-" + cmd, "xenstore")
        c.file("etc/xen/xl.conf", XL_CONF)
        c.copy("usr/local/sbin/tern-xen-start", os.path.join(HERE, "tern-xen-start"), 0o755)
        for d in ("var/lib/xen", "var/lib/xenstored", "var/log/xen/console", "etc/xen/auto"):
            c.dir(d)
    if xen_hotplug:
        _add_xen_hotplug(c)
    if guest:
        c.copy("guest/vmlinuz", os.path.join(CACHE, "boot", "vmlinuz"))
        c.copy("guest/initrd.gz", build_guest_initramfs(guest_modules))
        c.file("etc/xen/guest.cfg", GUEST_CFG)
    if rc_local:
        c.file("etc/tern/rc.local", rc_local.encode(), 0o755)
    for dst, src in extra_files.items():
        c.copy(dst, src)
    c.write(out)
    return out


class HarnessError(Exception):
    pass


class Machine:
    """One QEMU run.  Use as a context manager so QEMU always ends."""

    def __init__(self, hv="xen", smp=2, mem=2048, dom0_mem="512M", initrd=None, disk=None,
                 timeout=600, log=None, hv_args=None, dom0_args="", icount=False,
                 harness_console=True, extra_qemu=(), hv_image=None, net_port=None, gic=None,
                 hv_extra=""):
        self.hv = hv
        self.hv_extra = hv_extra
        self.smp, self.mem, self.dom0_mem = smp, mem, dom0_mem
        self.initrd = initrd
        self.disk = disk
        self.timeout = timeout
        self.hv_args = hv_args
        self.dom0_args = dom0_args
        self.icount = icount
        self.harness_console = harness_console
        self.extra_qemu = list(extra_qemu)
        self.hv_image = hv_image
        self.net_port = net_port  # host TCP port forwarded to dom0's port 80 (virtio-net)
        # QEMU's GIC: 3 or 2 (TERN_GIC in the environment runs a whole suite on either)
        self.gic = int(gic or os.environ.get("TERN_GIC") or 3)
        if self.gic not in (2, 3):
            raise HarnessError("gic=%r: QEMU virt has gic-version 2 or 3" % self.gic)
        os.makedirs(OUT, exist_ok=True)
        self.log_path = log or os.path.join(OUT, "console-%s-%d.log" % (hv, os.getpid()))
        self.proc = None
        self.buf = ""
        self.lines = []  # (host seconds since start, line)
        self.pos = 0  # consumed position in buf for expect()
        self.t0 = None
        self.lock = threading.Condition()
        self.eof = False
        self._slot = None
        self._seq = 0

    # ---------------------------------------------------------------- command line
    def dom0_cmdline(self):
        args = "rdinit=/init"
        if self.hv == "bare":
            args = "console=ttyAMA0 " + args
        else:
            args = "console=hvc0 earlycon=xenboot " + args
        if self.harness_console:
            args += " tern.harness=1 quiet"
        if self.dom0_args:
            args += " " + self.dom0_args
        return args

    def qemu_cmd(self):
        kernel = os.path.join(CACHE, "boot", "vmlinuz")
        machine = "virt,gic-version=%d" % self.gic + (",virtualization=on" if self.hv != "bare" else "")
        cmd = ["qemu-system-aarch64", "-M", machine, "-accel", "tcg", "-cpu", "cortex-a57",
               "-smp", str(self.smp), "-nographic", "-nic", "none", "-no-reboot"]
        if self.harness_console:
            cmd += ["-serial", "stdio", "-monitor", "none"]
            cmd[cmd.index("-nographic")] = "-display"
            cmd.insert(cmd.index("-display") + 1, "none")
        if self.icount:
            cmd += ["-icount", "shift=0,sleep=off"]
        if self.hv == "bare":
            cmd += ["-m", str(_mib(self.dom0_mem)), "-kernel", kernel,
                    "-append", self.dom0_cmdline()]
            if self.initrd:
                cmd += ["-initrd", self.initrd]
        else:
            if self.hv == "xen":
                image = self.hv_image or os.path.join(CACHE, "boot", "xen")
                hv_args = "dom0_mem=%s console=dtuart dtuart=/pl011@9000000 loglvl=all " \
                          "guest_loglvl=all" % self.dom0_mem
            elif self.hv == "tern":
                image = self.hv_image or os.path.join(BUILDDIR, "hypervisor", "tern.bin")
                hv_args = "dom0_mem=%s" % self.dom0_mem
            else:
                raise HarnessError("unknown hypervisor %r (xen, tern or bare)" % self.hv)
            if not os.path.exists(image):
                raise HarnessError("hypervisor image %s missing (run make / scripts/setup)" % image)
            if self.hv_args is not None:
                hv_args = self.hv_args
            if self.hv_extra:
                hv_args = (hv_args + " " + self.hv_extra).strip()
            cmd += ["-m", str(self.mem), "-kernel", image]
            if hv_args:
                cmd += ["-append", hv_args]
            cmd += ["-device", "guest-loader,addr=0x49000000,kernel=%s,bootargs=%s"
                    % (kernel, self.dom0_cmdline().replace(",", ",,"))]
            if self.initrd:
                cmd += ["-device", "guest-loader,addr=0x50000000,initrd=%s" % self.initrd]
        if self.disk:
            cmd += ["-drive", "if=none,id=hd0,format=raw,file=%s" % self.disk,
                    "-device", "virtio-blk-device,drive=hd0"]
        if self.net_port:
            cmd += ["-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:%d-:80" % self.net_port,
                    "-device", "virtio-net-device,netdev=net0"]
        return cmd + self.extra_qemu

    # ---------------------------------------------------------------- lifecycle
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def start(self):
        self._slot = acquire_slot()
        self._slot.__enter__()
        cmd = self.qemu_cmd()
        self.log = open(self.log_path, "w")
        self.log.write("# " + " ".join(_quote(a) for a in cmd) + "\n")
        self.log.flush()
        self.t0 = time.monotonic()
        self.deadline = self.t0 + self.timeout
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        partial = b""
        while True:
            chunk = self.proc.stdout.read1(65536) if hasattr(self.proc.stdout, "read1") \
                else os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                break
            text = chunk.decode("utf-8", "replace").replace("\r", "")
            with self.lock:
                self.buf += text
                partial += chunk
                while b"\n" in partial:
                    line, partial = partial.split(b"\n", 1)
                    t = time.monotonic() - self.t0
                    s = line.decode("utf-8", "replace").replace("\r", "")
                    self.lines.append((t, s))
                    self.log.write("[%9.3f] %s\n" % (t, s))
                self.log.flush()
                self.lock.notify_all()
        with self.lock:
            self.eof = True
            self.lock.notify_all()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc:
            self.reader.join(5)
            self.log.close()
        if self._slot:
            self._slot.__exit__(None, None, None)
            self._slot = None

    def _left(self, timeout):
        now = time.monotonic()
        if now >= self.deadline:
            raise HarnessError("run timeout (%d s) reached; console log: %s"
                               % (self.timeout, self.log_path))
        return min(timeout, self.deadline - now) if timeout else self.deadline - now

    # ---------------------------------------------------------------- console
    def expect(self, pattern, timeout=300):
        """Wait for `pattern` (regex) in the console output after the last match; return
        the match.  Raises HarnessError on timeout or if QEMU ended first."""
        rx = re.compile(pattern)
        end = time.monotonic() + self._left(timeout)
        with self.lock:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                if self.eof:
                    raise HarnessError("QEMU ended before %r; console log: %s%s"
                                       % (pattern, self.log_path, self._tail()))
                left = end - time.monotonic()
                if left <= 0:
                    # The console tail and the pattern last: CI shows only the end of
                    # a failed test's log, and the debug-key dump is long.
                    tail = self._tail()  # before the dump adds its own lines
                    dump = self._debug_keys_dump(timeout)
                    raise HarnessError("timed out waiting for %r%s%s\ntimed out waiting for %r"
                                       "; console log: %s"
                                       % (pattern, dump, tail, pattern, self.log_path))
                self.lock.wait(min(left, 1.0))

    DEBUG_KEYS = "dqr"  # Tern and Xen: execution state / registers, domains, run queues

    def _debug_keys_dump(self, timeout):
        """After a long wait in vain (a hang, not a check that expects silence): switch the
        serial input to the hypervisor (CTRL-a three times, on Tern as on Xen), type its
        debug keys, switch back, and return what it printed, so that CI's log says what
        the vCPUs and run queues were doing.  Once per boot.  Called under lock."""
        if timeout < 60 or self.hv not in ("tern", "xen") or self.eof or \
                getattr(self, "_dumped", False):
            return ""
        self._dumped = True
        start = len(self.lines)
        try:
            self.proc.stdin.write(b"\x01\x01\x01" + self.DEBUG_KEYS.encode() + b"\x01\x01\x01")
            self.proc.stdin.flush()
        except OSError:
            return ""
        end = time.monotonic() + 5
        while time.monotonic() < end and not self.eof:
            self.lock.wait(0.5)
        got = self.lines[start:start + 120]
        return "\nhypervisor debug keys %r after the timeout (%d lines):" % (
            self.DEBUG_KEYS, len(got)) + "".join("\n  %s" % line.rstrip() for _, line in got)

    def _tail(self, n=25):
        """The console's last n lines (host seconds since QEMU start), for error messages:
        CI keeps only the test's own log, not the console log it names.  Called under lock."""
        last = self.lines[-n:]
        if not last:
            return ""
        return "\nlast %d console lines:" % len(last) + "".join(
            "\n  [%7.1f] %s" % (t, line.rstrip()) for t, line in last)

    def time_of(self, pattern):
        """Host seconds since QEMU start of the first console line matching pattern."""
        rx = re.compile(pattern)
        with self.lock:
            for t, line in self.lines:
                if rx.search(line):
                    return t
        return None

    def send(self, text, chunk=32, pause_s=0.02):
        """Type `text` on the console, `chunk` bytes at a time.  Xen (and Tern, like it)
        queue serial input for dom0 in a 128-byte ring and drop what overflows it, so a
        long command written in one go can lose bytes while dom0 is busy."""
        data = text.encode()
        for i in range(0, len(data), chunk):
            self.proc.stdin.write(data[i:i + chunk])
            self.proc.stdin.flush()
            if i + chunk < len(data):
                time.sleep(pause_s)

    def wait_for_shell(self, timeout=300):
        """Wait until dom0's init is up and its shell answers."""
        self.expect(r"TERN-DOM0-INIT", timeout)
        self.expect(r"TERN-DOM0-SHELL", timeout)
        rc, _ = self.run("true", timeout=timeout)
        if rc != 0:
            raise HarnessError("dom0 shell does not answer")

    def run(self, cmd, timeout=120, retried=False):
        """Run a shell command in dom0; return (exit status, output)."""
        self._seq += 1
        n = self._seq
        # The markers are assembled by the shell, so they appear only in its output.
        line = "echo TERN-B\"\"EGIN-%d; { %s\n} 2>&1; echo TERN-E\"\"ND-%d rc=$?\n" % (n, cmd, n)
        if len(line.encode()) > self.TYPE_AHEAD:
            # Too long to type in one go (see send): store the command in dom0 piece by
            # piece, each piece acknowledged by the shell before the next is typed, so at
            # most one piece is ever waiting in the hypervisor's input ring; then source it.
            path = "/tmp/.tern-cmd-%d" % n
            self._type_in_pieces(cmd + "\n", path, n, timeout)
            line = "echo TERN-B\"\"EGIN-%d; { . %s\n} 2>&1; echo TERN-E\"\"ND-%d rc=$?\n" % (
                n, path, n)
        self.send(line)
        # A newline, or the hypervisor's own console line landing right after the marker
        # ("TERN-BEGIN-14(XEN) d1v0 ..."); they become the first line of the output.
        begin = r"TERN-BEGIN-%d(?:\n|(?=\())" % n
        m = self.expect(begin + r"|TERN-DOM0-SHELL", timeout)
        if not m.group(0).startswith("TERN-BEGIN"):
            return self._after_shell_restart(cmd, n, begin, timeout, retried)
        start = self.pos
        m = self.expect(r"TERN-END-%d rc=(\d+)" % n, timeout)
        out = self.buf[start:m.start()]
        return int(m.group(1)), out

    def _after_shell_restart(self, cmd, n, begin, timeout, retried):
        """dom0's shell died as command n was typed and init started another (dom0-init's
        TERN-DOM0-SHELL; seen once, in a CI run of net-tern.py, cause not known). What the
        new shell read of the typed line runs before a marker typed now: if that holds
        command n's BEGIN, the command ran in the new shell (its END is there too); if not,
        none of it ran (BEGIN is its first statement) and it is typed again, once."""
        shell_at = self.pos
        self._seq += 1
        sync = self._seq
        self.send("echo TERN-S\"\"YNC-%d\n" % sync)
        m = self.expect(r"TERN-SYNC-%d" % sync, timeout)
        seen = self.buf[shell_at:m.start()]
        b = re.search(begin, seen)
        e = re.search(r"TERN-END-%d rc=(\d+)" % n, seen[b.end():]) if b else None
        if b and e:
            print("harness: dom0's shell restarted; command %d ran in the new one" % n)
            return int(e.group(1)), seen[b.end():b.end() + e.start()]
        if b or retried:
            raise HarnessError("dom0's shell restarted during command %d (%s)%s"
                               % (n, "begun, no end" if b else "again", self._tail()))
        print("harness: dom0's shell restarted before command %d began; typing it again" % n)
        return self.run(cmd, timeout, retried=True)

    # Bytes typed before dom0 must have read them: well under the 128-byte input ring.
    TYPE_AHEAD = 100

    def _type_in_pieces(self, text, path, n, timeout):
        """Write `text` to `path` in dom0 with short acknowledged lines (for run())."""
        budget = self.TYPE_AHEAD - 50  # room for printf, the file name and the ack marker
        pieces, cur = [], ""
        for ch in text:
            q = "'\\''" if ch == "'" else ch
            if len((cur + q).encode()) > budget:
                pieces.append(cur)
                cur = ""
            cur += q
        pieces.append(cur)
        for k, piece in enumerate(pieces):
            self.send("printf %%s '%s' %s %s; echo TERN-A\"\"CK-%d-%d\n"
                      % (piece, ">" if k == 0 else ">>", path, n, k))
            # not followed by a digit (ack 1 is not ack 10), but not necessarily by a newline:
            # the hypervisor's own console line can land right after it, as after BEGIN
            # ("TERN-ACK-14-1(XEN) d1v0 Unhandled SMC/HVC ..." as the guest boots)
            self.expect(r"TERN-ACK-%d-%d(?!\d)" % (n, k), timeout)

    def run_ok(self, cmd, timeout=120):
        rc, out = self.run(cmd, timeout)
        if rc != 0:
            raise HarnessError("dom0 command failed (rc=%d): %s\n%s" % (rc, cmd, out))
        return out

    def wait_exit(self, timeout=120):
        """Wait for QEMU to end; return its exit status."""
        try:
            return self.proc.wait(self._left(timeout))
        except subprocess.TimeoutExpired:
            raise HarnessError("QEMU did not exit within %d s; console log: %s"
                               % (timeout, self.log_path))

    def poweroff(self, timeout=120):
        """Power dom0 off (which powers the machine off); return QEMU's exit status."""
        self.send("sync; poweroff -f\n")
        return self.wait_exit(timeout)


def _mib(size):
    m = re.fullmatch(r"(\d+)([KMG]?)", str(size))
    n, unit = int(m.group(1)), m.group(2)
    return {"": n // (1 << 20), "K": n // 1024, "M": n, "G": n * 1024}[unit]


def _quote(a):
    return a if re.fullmatch(r"[\w./,=:+-]+", a) else "'" + a.replace("'", "'\\''") + "'"
