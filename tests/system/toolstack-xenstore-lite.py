#!/usr/bin/env python3
"""The toolstack system test (toolstack-xen.py) with xenstore-lite's tern-xenstored in dom0
instead of Debian's xenstored: the whole Tern userspace on real Xen 4.17."""
import os
import runpy
import sys

BUILDDIR = os.environ.get("TERN_BUILDDIR", os.environ.get("TERN_SRCDIR", "."))
if not os.path.exists(os.path.join(BUILDDIR, "aarch64", "bin", "tern-xenstored")):
    print("SKIP: aarch64/bin/tern-xenstored not built")
    sys.exit(77)
os.environ["TERN_TOOLSTACK_XENSTORED"] = "/usr/local/bin/tern-xenstored"
here = os.path.dirname(os.path.abspath(__file__))
sys.argv[0] = os.path.join(here, "toolstack-xen.py")
runpy.run_path(sys.argv[0], run_name="__main__")
