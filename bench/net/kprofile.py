"""dom0's kernel profile for bench/net/run.py --dom0-kprofile: Linux's tick profiler.

With profile=SHIFT on its command line (CONFIG_PROFILING, set in Debian's kernel) dom0's
kernel counts, at every timer tick of each CPU that interrupts kernel code, the tick's PC
in a bucket of 2^SHIFT bytes of kernel text; /proc/profile is a 4-byte word (the bucket
size) and then one 4-byte count per bucket from _stext, and writing to it clears the
counts.  No PMU is needed (a guest has none here), and the offsets from _stext do not
change with KASLR.  Ticks in user space are not counted, and an idle CPU does not tick
(NO_HZ), so the shares are of dom0's kernel time, not of all its time.
"""
import base64
import bisect
import gzip
import hashlib
import os
import struct

from tern_harness import CACHE, OUT

SHIFT = 4  # 16-byte buckets: a function's samples stay together, /proc/profile is 1/4 of the text


def fetch(m, cmd, timeout=600):
    """The output of cmd in dom0, gzip'ed and base64'ed there (a binary file through the
    console), or None."""
    rc, out = m.run("%s | gzip -c | base64" % cmd, timeout=timeout)
    try:
        return gzip.decompress(base64.b64decode("".join(out.split())))
    except (ValueError, OSError):
        return None


def symbols(m):
    """(sorted offsets from _stext, names) of the core kernel's text symbols.  Debian's
    System.map is a placeholder (the real one is in the -dbg package), so they come from
    dom0's /proc/kallsyms, once per kernel image: offsets from _stext do not change with
    KASLR, and the table is kept in the build's test output."""
    with open(os.path.join(CACHE, "boot", "vmlinuz"), "rb") as f:
        tag = hashlib.sha1(f.read()).hexdigest()[:12]
    path = os.path.join(OUT, "kallsyms-%s.txt" % tag)
    if not os.path.exists(path):
        raw = fetch(m, "awk '$2 ~ /^[tTwW]$/ && NF == 3 { print $1, $3 }' /proc/kallsyms")
        if raw is None:
            return None
        syms = [(int(a, 16), n) for a, n in (l.split() for l in raw.decode().splitlines()
                                             if len(l.split()) == 2)]
        stext = [a for a, n in syms if n == "_stext"]
        if not stext or not stext[0]:
            return None  # no _stext, or addresses hidden (kptr_restrict)
        with open(path + ".tmp", "w") as f:
            for a, n in sorted(syms):
                if a >= stext[0]:
                    f.write("%x %s\n" % (a - stext[0], n))
        os.rename(path + ".tmp", path)
    offs, names = [], []
    with open(path) as f:
        for line in f:
            o, n = line.split()
            offs.append(int(o, 16))
            names.append(n)
    return offs, names


def summarize(raw, syms, top):
    """[(share %, samples, function)] of the top functions, and the total."""
    step = struct.unpack_from("<I", raw, 0)[0]
    counts = struct.unpack_from("<%dI" % ((len(raw) - 4) // 4), raw, 4)
    offs, names = syms
    per = {}
    for i, c in enumerate(counts):
        if c:
            k = bisect.bisect_right(offs, i * step) - 1
            name = names[k] if k >= 0 else "?"
            if i == len(counts) - 1:
                name = "(modules, or the text's last bucket)"  # the kernel clamps there
            per[name] = per.get(name, 0) + c
    total = sum(per.values())
    rows = sorted(per.items(), key=lambda kv: -kv[1])[:top]
    return [(100.0 * c / total, c, n) for n, c in rows], total


def report(m, label, top):
    """Reads dom0's /proc/profile and prints its top functions."""
    # a copy first: what the transfers below cost dom0 is not to count
    m.run("cp /proc/profile /tmp/kprofile.bin", timeout=60)
    raw = fetch(m, "cat /tmp/kprofile.bin", timeout=300)
    syms = symbols(m)
    if syms is None or raw is None or len(raw) < 8:
        print("%s: dom0's kernel profile: unreadable (symbols %s, profile %s)"
              % (label, "ok" if syms else "missing", "ok" if raw else "missing"))
        return
    rows, total = summarize(raw, syms, top)
    print("%s: dom0's kernel profile, %d ticks in kernel code from the guest's creation to its "
          "end (top %d):" % (label, total, top))
    for pct, c, name in rows:
        print("%s:   %5.1f%% %7d  %s" % (label, pct, c, name))
