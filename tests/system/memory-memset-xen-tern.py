#!/usr/bin/env python3
"""`tern mem-set` of a 1 GiB guest to 50 % and back on Tern, timed against `xl mem-set` on
Debian's Xen 4.17 (issue 11), two boots with the same dom0 and the same guest (xl create,
memory 1024, cma=0 so its balloon can take everything, acpi = 0: libxl's mem-set on Arm reads
the acpi flag of the domain's stored config and aborts when it was left at its default).
A dom0 helper runs the tool and polls `xl list` every 0.2 s until the guest is within 1 % of
the target (or has not moved for 10 s): the time from the command to the balloon's arrival.
On Tern `tern mem-set -w` must say where the balloon ended ("reached" or "stopped ... reason").
Prints FIGURE lines (seconds each way, and Tern's time over Xen's). Exit: 0 pass, 1 fail,
77 skip."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory_lib import (Machine, HarnessError, build_initramfs, skip_unless_ready,  # noqa: E402
                        check, wait_xs, OUT)

GUEST = """name = "big"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init quiet cma=0"
memory = 1024
vcpus = 1
acpi = 0
"""

HELPER = r"""#!/bin/sh
# memset-time TOOL DOM MIB: TOOL's mem-set, then polls xl list until DOM is within 1 %
# (2 MiB at least) of MIB or has not moved for 10 s; prints the time taken.
tool=$1; d=$2; mib=$3
mem() { xl list "$d" 2>/dev/null | awk -v d="$d" '$1 == d {print $3}'; }
t0=$(cut -d' ' -f1 /proc/uptime)
case $tool in
xl) xl mem-set "$d" "${mib}m" ;;
tern) tern mem-set -w "$d" "${mib}m" ;;
esac
echo tool_rc=$?
tol=$((mib / 100)); [ $tol -lt 2 ] && tol=2
last=; still=0
while :; do
    m=$(mem); diff=$((m - mib))
    [ ${diff#-} -le $tol ] && break
    if [ "$m" = "$last" ]; then still=$((still + 1)); [ $still -gt 50 ] && break
    else still=0; fi
    last=$m; sleep 0.2
done
t1=$(cut -d' ' -f1 /proc/uptime)
echo "settle tool=$tool mib=$mib got=$m s=$(awk -v a=$t0 -v b=$t1 'BEGIN {printf "%.2f", b - a}')"
"""


def write(name, text):
    path = os.path.join(OUT, "memset-" + name)
    os.makedirs(OUT, exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(hv, tool, initrd):
    """One boot: xl create the guest, then TOOL's mem-set to 512 MiB and back to 1024 MiB;
    returns [(mib, got, seconds, output)]."""
    res = []
    log = os.path.join(OUT, "memory-memset-%s.log" % hv)
    with Machine(hv=hv, smp=2, mem=2048, dom0_mem="512M", initrd=initrd, timeout=1200,
                 log=log) as m:
        m.wait_for_shell(timeout=400)
        m.run_ok("tern-xen-start", timeout=240)
        rc, out = m.run("xl create /etc/xen/big.cfg", timeout=300)
        check(rc == 0, "%s: xl create big (1024 MiB)" % hv, out)
        rc, out = m.run("xl domid big", timeout=60)
        d = int(out.strip().splitlines()[-1])
        check(wait_xs(m, "/local/domain/%d/data/meminfo_free" % d, tries=240) is not None,
              "%s: the guest runs (its agent publishes)" % hv)
        for mib in (512, 1024):
            rc, out = m.run("sh /usr/local/bin/memset-time %s big %d" % (tool, mib), timeout=300)
            print(out.strip())
            hit = re.search(r"settle tool=\S+ mib=(\d+) got=(\d+) s=([\d.]+)", out)
            check(rc == 0 and hit and "tool_rc=" in out, "%s: %s mem-set big %dm returns and "
                  "the helper times it" % (hv, tool, mib), out)
            res.append((mib, int(hit.group(2)), float(hit.group(3)), out))
        m.run_ok("xl destroy big", timeout=120)
        m.poweroff()
    return res


def main():
    skip_unless_ready()
    extra = {"/etc/xen/big.cfg": write("big.cfg", GUEST),
             "/usr/local/bin/memset-time": write("helper.sh", HELPER)}
    initrd = build_initramfs("memory-memset", xen_tools=True, guest=True, extra_files=extra)
    xen = run("xen", "xl", initrd)
    for mib, got, s, out in xen:
        check(abs(got - mib) <= max(2, mib // 100), "xen: xl mem-set %dm settles at the target "
              "(%d MiB in %.2f s)" % (mib, got, s), out)
    tern = run("tern", "tern", initrd)
    for mib, got, s, out in tern:
        said = re.search(r"target %d MiB reached: \d+ MiB in [\d.]+ s|stopped at \d+ MiB \(target "
                         r"%d MiB\) after [\d.]+ s: \S.*" % (mib, mib), out)
        check(said is not None, "tern: mem-set -w %dm says where the balloon ended (%s)"
              % (mib, said and said.group(0)), out)
        check("reached" not in said.group(0) or abs(got - mib) <= max(2, mib // 100),
              "tern: at the target when it says reached (%d MiB)" % got, out)
    for (mib, _, sx, _), (_, _, st, _) in zip(xen, tern):
        print("FIGURE memset_to_mib=%d from_mib=%d xl_xen_s=%.2f tern_s=%.2f ratio=%.2f"
              % (mib, 1024 if mib == 512 else 512, sx, st, st / sx if sx else 0), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print("FAIL: %s" % e)
        sys.exit(1)
