# tests/fuzz: hypercall fuzzing and hardening probes (issue 13, docs/hardening.md).
# The dom0 program goes to aarch64/bin, hence into dom0's initramfs.
AARCH64_OUTPUTS += aarch64/bin/hv-fuzz-dom0
aarch64/bin/hv-fuzz-dom0: $(srcdir)/tests/fuzz/hv-fuzz-dom0.c
	@mkdir -p aarch64/bin
	$(AM_V_CC)$(AARCH64_PROGRAM_LINK) -o $@ $<
TESTS += tests/system/hardening-selfpause.py
TESTS += tests/system/hardening-guestfuzz.py tests/system/hardening-dom0fuzz.py
TESTS += tests/system/hardening-console.py tests/system/hardening-cycles.py
EXTRA_DIST += tests/fuzz/hv-fuzz-dom0.c tests/system/hardening-selfpause.py
EXTRA_DIST += tests/fuzz/tg-fuzz.sh tests/system/hardening-guestfuzz.py
EXTRA_DIST += tests/system/hardening-dom0fuzz.py
EXTRA_DIST += tests/system/hardening-console.py
EXTRA_DIST += tests/fuzz/tg-cycles.sh tests/system/hardening-cycles.py
# Destroy of a domain running on the other pCPU, under -icount (the pause-wait hang).
TESTS += tests/system/hardening-destroy-remote.py
EXTRA_DIST += tests/system/hardening-destroy-remote.py
