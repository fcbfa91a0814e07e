# dom0-tools: build fragment included by the root Makefile.am (see its header).
