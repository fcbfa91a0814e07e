"""The oracle files of tests/guest/expected/: what a hypervisor answered to every case.

One line per case, sorted by case name:
    case=<name> result=<PASS|FAIL|SKIP|ERROR> value="<label:rc,...>"
`detail` is not part of it: it is free text that may carry run-dependent numbers (domids,
port numbers).  Cases put into `value` only what must be identical run to run.
"""
import re

EXP_RX = re.compile(r'^case=(\S+) result=(\S+) value="((?:[^"\\]|\\.)*)"$')


def format_expected(results, header):
    lines = ["# " + h for h in header]
    for r in sorted(results, key=lambda r: r["case"]):
        lines.append('case=%s result=%s value="%s"' % (r["case"], r["result"], r["value"]))
    return "\n".join(lines) + "\n"


def load_expected(path):
    exp = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = EXP_RX.match(line)
            if not m:
                raise ValueError("%s: malformed line %r" % (path, line))
            exp[m.group(1)] = {"result": m.group(2), "value": m.group(3)}
    return exp


def compare(expected, results):
    """List of human-readable differences (empty = identical)."""
    diffs = []
    got = {}
    for r in results:
        if r["case"] in got:
            diffs.append("case %s reported twice" % r["case"])
        got[r["case"]] = r
    for name in sorted(expected):
        if name not in got:
            diffs.append("case %s: no result (expected %s)" % (name, expected[name]["result"]))
            continue
        e, g = expected[name], got[name]
        if e["result"] != g["result"]:
            diffs.append("case %s: result %s, expected %s (detail: %s)"
                         % (name, g["result"], e["result"], g["detail"]))
        if e["value"] != g["value"]:
            ev, gv = e["value"].split(","), g["value"].split(",")
            changed = [("%s (expected %s)" % (b, a)) for a, b in zip(ev, gv) if a != b]
            if len(ev) != len(gv):
                changed.append("%d values, expected %d" % (len(gv), len(ev)))
            diffs.append("case %s: values differ: %s" % (name, "; ".join(changed)))
    for name in sorted(set(got) - set(expected)):
        diffs.append("case %s: not in the expected file (result %s)" % (name, got[name]["result"]))
    return diffs
