# bench: benchmarks are scripts under bench/<area>/, run by hand (see bench/README.md); not part of make check.

# bench/sched (issue 12): dom0's event-channel pinger for the wake-latency scenario
# (copied into dom0's initramfs with the rest of aarch64/bin).
AARCH64_OUTPUTS += aarch64/bin/tern-evping
aarch64/bin/tern-evping: $(srcdir)/bench/sched/evping.c
	@mkdir -p aarch64/bin
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) -O2 -o $@ $(srcdir)/bench/sched/evping.c
EXTRA_DIST += bench/sched/evping.c bench/sched/run.py
