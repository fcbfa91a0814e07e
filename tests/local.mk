# tests: build fragment included by the root Makefile.am (see its header).
