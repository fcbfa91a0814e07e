#!/usr/bin/env python3
"""toolstack-devices-tern.py on real Xen 4.17 (Debian's xenstored), plus the comparison that
makes its node list trustworthy: Debian's `xl create` of the same disks and vif, dumped
with xenstore-ls -fp while xl waits for a backend, must give tern's nodes and permissions
node for node; and Debian's xl block-list / network-list read tern's devices."""
import os
import runpy
import sys

os.environ["TERN_DEVICES_HV"] = "xen"
os.environ["TERN_DEVICES_COMPARE_XL"] = "1"
here = os.path.dirname(os.path.abspath(__file__))
sys.argv[0] = os.path.join(here, "toolstack-devices-tern.py")
runpy.run_path(sys.argv[0], run_name="__main__")
