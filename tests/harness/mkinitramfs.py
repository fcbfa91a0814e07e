"""Build initramfs images (newc cpio) for dom0 and domU runs without root.

An image is described by a list of entries (files, directories, symlinks, device nodes)
with their in-image paths, so nothing needs to be staged in a directory owned by root.
What goes in:
  * busybox (static arm64) with a link per applet,
  * kernel modules with their dependency closure from modules.dep, in load order,
  * optionally Debian's Xen userspace (xl, xenstored, ...) with the closure of the
    shared libraries their ELF headers name (DT_NEEDED), and
  * any extra files.
"""
import gzip
import os
import re
import stat
import subprocess


class Cpio:
    """A newc-format archive written entry by entry."""

    def __init__(self):
        self.entries = {}  # path -> (mode, data, rdev)

    def _parents(self, path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            self.entries.setdefault(d, (stat.S_IFDIR | 0o755, b"", (0, 0)))

    def dir(self, path, mode=0o755):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFDIR | mode, b"", (0, 0))

    def file(self, path, data, mode=0o644):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFREG | mode, data, (0, 0))

    def copy(self, path, src, mode=None):
        with open(src, "rb") as f:
            data = f.read()
        if mode is None:
            mode = stat.S_IMODE(os.stat(src).st_mode) | 0o444
        self.file(path, data, mode)

    def symlink(self, path, target):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFLNK | 0o777, target.encode(), (0, 0))

    def chardev(self, path, major, minor, mode=0o600):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFCHR | mode, b"", (major, minor))

    def has(self, path):
        return path.strip("/") in self.entries

    def write(self, out, compress=False):
        chunks = []
        ino = 1000
        for path in sorted(self.entries):
            mode, data, (maj, mnr) = self.entries[path]
            chunks.append(_newc_header(path, ino, mode, len(data), maj, mnr))
            chunks.append(_pad(path.encode() + b"\0", 110))
            chunks.append(_pad(data, 0))
            ino += 1
        chunks.append(_newc_header("TRAILER!!!", 0, 0, 0, 0, 0))
        chunks.append(_pad(b"TRAILER!!!\0", 110))
        blob = b"".join(chunks)
        # per process: two tests may build the same image at once (make -j2)
        tmp = "%s.tmp.%d" % (out, os.getpid())
        opener = gzip.open if compress else open
        with opener(tmp, "wb") as f:
            f.write(blob)
        os.replace(tmp, out)


def _newc_header(name, ino, mode, size, rmaj, rmin):
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, rmaj, rmin, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08x" % v for v in fields)


def _pad(b, header_len):
    total = header_len + len(b)
    return b + b"\0" * ((4 - total % 4) % 4)


# ------------------------------------------------------------------ kernel modules
def module_closure(moddir, names):
    """Module files (relative to moddir) for `names` and their dependencies, in load order.
    Built-in modules are skipped; an unknown name raises."""
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
    by_name = {}
    for path in deps:
        base = re.sub(r"\.ko(\..*)?$", "", os.path.basename(path))
        by_name[base] = path
        by_name[base.replace("-", "_")] = path
    builtin = set()
    with open(os.path.join(moddir, "modules.builtin")) as f:
        for line in f:
            base = re.sub(r"\.ko$", "", os.path.basename(line.strip()))
            builtin.add(base)
            builtin.add(base.replace("-", "_"))
    order, seen = [], set()

    def visit(path):
        if path in seen:
            return
        seen.add(path)
        # modules.dep lists the deepest dependency last: load from the end.
        for d in reversed(deps[path]):
            visit(d)
        order.append(path)

    for n in names:
        if n in by_name:
            visit(by_name[n])
        elif n not in builtin:
            raise KeyError("kernel module %s not found in %s" % (n, moddir))
    return order


# ------------------------------------------------------------------ ELF closure
LIB_DIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib/xen-4.17/lib",
            "usr/lib", "lib"]


def _needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def _resolve(root, rel):
    """Follow symlinks inside `root` (absolute links are relative to root)."""
    for _ in range(40):
        p = os.path.join(root, rel)
        if not os.path.islink(p):
            return rel
        t = os.readlink(p)
        rel = t.lstrip("/") if t.startswith("/") else os.path.normpath(
            os.path.join(os.path.dirname(rel), t))
    raise RuntimeError("symlink loop at %s" % rel)


def add_elf_closure(cpio, root, rels):
    """Copy ELF files (paths relative to root) and every shared library they need."""
    todo = list(rels)
    done = set()
    while todo:
        rel = todo.pop()
        if rel in done:
            continue
        done.add(rel)
        real = _resolve(root, rel)
        src = os.path.join(root, real)
        if rel != real:
            cpio.symlink(rel, "/" + real)
        cpio.copy(real, src)
        for lib in _needed(src):
            for d in LIB_DIRS:
                cand = os.path.join(d, lib)
                if os.path.lexists(os.path.join(root, cand)):
                    todo.append(cand)
                    break
            else:
                raise FileNotFoundError("%s needs %s, not found in %s" % (rel, lib, root))
    # the dynamic loader, at the path the binaries name
    cpio.symlink("lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1")
    cpio.copy("lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
              os.path.join(root, _resolve(root, "lib/aarch64-linux-gnu/ld-linux-aarch64.so.1")))


def add_busybox(cpio, busybox):
    """Static busybox; the applet links are made at boot by `busybox --install -s`."""
    cpio.copy("bin/busybox", busybox, 0o755)
    cpio.symlink("bin/sh", "busybox")
