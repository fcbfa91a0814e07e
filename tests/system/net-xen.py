#!/usr/bin/env python3
"""tests/system/net-tern.py on real Xen 4.17: tern-netback (kernel netback not loaded) serves
Linux netfront under Debian's Xen, the reference peer."""
import os
import runpy
import sys

os.environ["TERN_NET_HV"] = "xen"
here = os.path.dirname(os.path.abspath(__file__))
sys.argv[0] = os.path.join(here, "net-tern.py")
runpy.run_path(sys.argv[0], run_name="__main__")
