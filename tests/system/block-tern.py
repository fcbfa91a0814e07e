#!/usr/bin/env python3
"""tests/system/block-xen.py on Tern: tern-blkback serves Linux blkfront on our hypervisor."""
import os
import runpy
import sys

os.environ["TERN_BLOCK_HV"] = "tern"
here = os.path.dirname(os.path.abspath(__file__))
sys.argv[0] = os.path.join(here, "block-xen.py")
runpy.run_path(sys.argv[0], run_name="__main__")
