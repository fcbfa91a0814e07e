"""Run the Tern test guest under a hypervisor in the QEMU harness and collect its results.

Used by tests/system/guest-*.py and bench/hypercalls/run.py:

    from tern_guest_run import run_suite, suite_results
    consoles = run_suite(hv='xen')              # {'solo': text, 'a': text, 'b': text}
    results, problems = suite_results(consoles)  # [{case, result, detail, value}], [...]

Guests are started in dom0 by tests/guest/tg-dom0.sh (installed as `tg`) with the toolstack
(Debian's xl for hv='xen'); their consoles come from xenconsoled's logs
(/var/log/xen/console/guest-<name>.log).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("TERN_SRCDIR", os.path.dirname(os.path.dirname(HERE)))
BUILDDIR = os.environ.get("TERN_BUILDDIR", SRCDIR)
sys.path.insert(0, os.path.join(SRCDIR, "tests", "harness"))
from tern_harness import Machine, build_initramfs, HarnessError  # noqa: E402,F401

GUEST_BIN = os.path.join(BUILDDIR, "aarch64", "guest", "tern-testguest.bin")
XL_DIR = os.path.join(HERE, "xl")

LINE_RX = re.compile(r'^TERN-TEST case=(\S+) result=(PASS|FAIL|SKIP|ERROR) '
                     r'detail="((?:[^"\\]|\\.)*)" value="((?:[^"\\]|\\.)*)"\s*$')
SUMMARY_RX = re.compile(r'^TERN-TEST-SUMMARY total=(\d+) pass=(\d+) fail=(\d+) skip=(\d+) '
                        r'error=(\d+)')


def parse_results(text):
    """[{'case','result','detail','value'}] in console order, plus the summary dict (or
    None) as a second return value."""
    results, summary = [], None
    for raw in text.splitlines():
        line = raw.strip("\r")
        i = line.find("TERN-TEST")
        if i < 0:
            continue
        line = line[i:]
        m = LINE_RX.match(line)
        if m:
            results.append({"case": m.group(1), "result": m.group(2), "detail": m.group(3),
                            "value": m.group(4)})
            continue
        m = SUMMARY_RX.match(line)
        if m:
            summary = dict(zip(("total", "pass", "fail", "skip", "error"),
                               (int(x) for x in m.groups())))
    return results, summary


def initramfs(name="guest-conformance"):
    if not os.path.exists(GUEST_BIN):
        raise HarnessError("%s missing: run make" % GUEST_BIN)
    files = {"/guest/tern-testguest.bin": GUEST_BIN,
             "/usr/local/bin/tg": os.path.join(HERE, "tg-dom0.sh")}
    for cfg in os.listdir(XL_DIR):
        files["/etc/xen/" + cfg] = os.path.join(XL_DIR, cfg)
    return build_initramfs(name, xen_tools=True, extra_files=files)


# Each hypervisor's command line as the harness gives it, for runs that add options
# (xsm=dummy: both take Xen's spelling).
HV_ARGS = {"xen": "dom0_mem=512M console=dtuart dtuart=/pl011@9000000 loglvl=all "
                  "guest_loglvl=all",
           "tern": "dom0_mem=512M"}
XEN_ARGS = HV_ARGS["xen"]


def machine(hv="xen", log=None, icount=False, timeout=1200, initrd=None, hv_extra="", smp=2):
    hv_args = None
    if hv_extra:
        if hv not in HV_ARGS:
            raise HarnessError("no command line known for hypervisor %r" % hv)
        hv_args = HV_ARGS[hv] + " " + hv_extra
    return Machine(hv=hv, smp=smp, mem=2048, dom0_mem="512M", initrd=initrd, timeout=timeout,
                   log=log, icount=icount, hv_args=hv_args)


def consoles(text):
    """{label: console text} from the TG-CONSOLE-BEGIN/END blocks `tg` prints."""
    out = {}
    for m in re.finditer(r"TG-CONSOLE-BEGIN (\S+)\n(.*?)TG-CONSOLE-END \1", text, re.S):
        out[m.group(1)] = m.group(2)
    return out


def run_in(m, what, cases="", toolstack=None):
    """`tg solo|pair [cases]` in dom0 (with TG_XL=<toolstack> if given, e.g. Tern's `tern`
    instead of xl); returns {label: console}."""
    env = "TG_XL=%s " % toolstack if toolstack else ""
    rc, out = m.run("%stg %s %s" % (env, what, cases), timeout=900)
    got = consoles(out)
    if rc != 0:
        raise HarnessError("tg %s failed (rc=%d):\n%s" % (what, rc, out))
    return got


def run_suite(hv="xen", log=None, cases="", solo=True, pair=True, timeout=1500, icount=False,
              hv_extra=""):
    """One boot: the single-guest suite (solo=True), then (pair=True) the two-guest cases.
    Returns {'solo': console, 'a': console, 'b': console}."""
    out = {}
    with machine(hv, log=log, timeout=timeout, initrd=initramfs(), icount=icount,
                 hv_extra=hv_extra) as m:
        m.wait_for_shell(timeout=300)
        m.run_ok("tern-xen-start", timeout=180)
        if solo:
            out.update(run_in(m, "solo", cases))
        if pair:
            out.update(run_in(m, "pair", cases))
        m.poweroff()
    return out


def suite_results(consoles_by_label):
    """Results of a run_suite() run as one list: two-guest cases are named a.<case> and
    b.<case>.  Returns (results, problems) where problems lists missing summaries."""
    results, problems = [], []
    for key in ("solo", "a", "b"):
        if key not in consoles_by_label:
            continue
        res, summary = parse_results(consoles_by_label[key])
        if summary is None:
            problems.append("%s guest: no TERN-TEST-SUMMARY line; console:\n%s"
                            % (key, consoles_by_label[key]))
        elif summary["total"] != len(res):
            problems.append("%s guest: summary counts %d cases, %d result lines"
                            % (key, summary["total"], len(res)))
        for r in res:
            if key != "solo":
                r = dict(r, case="%s.%s" % (key, r["case"]))
            results.append(r)
    return results, problems
