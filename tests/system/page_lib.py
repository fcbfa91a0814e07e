"""The monitoring page seen from the host (tests/system/monitor-tern.py and the vStack
scenario, memory-balloond-tern.py): tern-metricsd in dom0 behind the harness's forwarded
port, opened in Debian's headless Chromium, and the figures the page itself shows."""
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request

METRICSD_START = ("(tern-metricsd -p 80 >/tmp/metricsd.log 2>&1 & echo $! >/tmp/metricsd.pid); "
                  "for i in $(seq 50); do grep -q listening /tmp/metricsd.log && break; "
                  "sleep 0.2; done; cat /tmp/metricsd.log")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, path, method="GET"):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (ConnectionError, urllib.error.URLError) as e:
        return None, str(e)


def chromium(args, port, timeout=180):
    """Loads the page headless for 4 s of the page's time; returns Chromium's stdout."""
    cmd = [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-dev-shm-usage", "--virtual-time-budget=4000"] + args + \
          ["http://127.0.0.1:%d/" % port]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout)
    return r.stdout.decode(errors="replace")


def page_points(port):
    """(points drawn, domains drawn), or (None, the end of the page) if it drew nothing."""
    dom = chromium(["--dump-dom"], port)
    m = re.search(r'id="status">points=(\d+) domains=(\d+)', dom)
    return (int(m.group(1)), int(m.group(2))) if m else (None, dom[-600:])


def page_memory(port, domid):
    """What the page's memory graph of domid shows (monitor.js's data attributes):
    {"last": MiB, "min": MiB, "max": MiB}, or None with no such graph."""
    dom = chromium(["--dump-dom"], port)
    tag = re.search(r'<div[^>]*\bid="dom-%d"[^>]*>' % domid, dom)
    if not tag:
        return None
    vals = {k: re.search(r'data-actual-%s="(\d+)"' % a, tag.group(0))
            for k, a in (("last", "mib"), ("min", "min-mib"), ("max", "max-mib"))}
    return {k: int(v.group(1)) for k, v in vals.items()} if all(vals.values()) else None
