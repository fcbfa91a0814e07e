# guest-pv: build fragment included by the root Makefile.am (see its header).

# ---------------------------------------------------------------- tiny PV test guest
# guest-pv/testguest: a freestanding arm64 kernel (Linux Image format) that runs the
# conformance cases of tests/guest/*.c (one case per file, registered by a linker section).
# Output: aarch64/guest/tern-testguest.bin (flat Image) and .elf (symbols, for debugging).
GPV_TG = $(srcdir)/guest-pv/testguest
gpv_tg_sources = \
	$(GPV_TG)/arch/arm64/head.S \
	$(GPV_TG)/arch/arm64/vectors.S \
	$(GPV_TG)/arch/arm64/hypercall.S \
	$(GPV_TG)/arch/arm64/mmu.c \
	$(GPV_TG)/arch/arm64/traps.c \
	$(GPV_TG)/arch/arm64/gic.c \
	$(GPV_TG)/lib/format.c \
	$(GPV_TG)/lib/report.c \
	$(GPV_TG)/lib/string.c \
	$(GPV_TG)/kernel/main.c \
	$(GPV_TG)/kernel/xen.c \
	$(GPV_TG)/kernel/console.c \
	$(GPV_TG)/kernel/fdt.c \
	$(GPV_TG)/kernel/mm.c \
	$(GPV_TG)/kernel/events.c \
	$(GPV_TG)/kernel/gnttab.c \
	$(GPV_TG)/kernel/balloon.c \
	$(GPV_TG)/kernel/pair.c \
	$(GPV_TG)/kernel/xenstore.c \
	$(GPV_TG)/kernel/runner.c \
	$(GPV_TG)/kernel/fuzz.c \
	$(GPV_TG)/blkfront.c \
	$(GPV_TG)/blkfront_attacks.c \
	$(GPV_TG)/blkfront_modes.c \
	$(GPV_TG)/netfront.c \
	$(GPV_TG)/netfront_attacks.c \
	$(GPV_TG)/xenbus_fe.c \
	$(GPV_TG)/kernel/spin.c
# Every case file is picked up: adding a case needs no build change.
gpv_tg_cases = $(sort $(wildcard $(srcdir)/tests/guest/*.c))
gpv_tg_headers = $(wildcard $(GPV_TG)/include/tg/*.h) $(GPV_TG)/blkfront.h \
	$(GPV_TG)/netfront.h $(GPV_TG)/xenbus_fe.h
GPV_TG_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -ffreestanding -fno-builtin -nostdlib -static \
	-fno-pie -no-pie -fno-stack-protector -fno-common -mgeneral-regs-only -mstrict-align \
	-mno-outline-atomics -D__XEN_INTERFACE_VERSION__=0x00040e00 \
	-I$(GPV_TG)/include -isystem $(AARCH64_SYSROOT)/usr/include \
	-Wl,--build-id=none -Wl,-T,$(GPV_TG)/arch/arm64/guest.lds -Wl,--no-warn-rwx-segments

aarch64/guest/tern-testguest.elf: $(gpv_tg_sources) $(gpv_tg_cases) $(gpv_tg_headers) \
		$(GPV_TG)/arch/arm64/guest.lds
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_CC) $(GPV_TG_CFLAGS) -o $@ $(gpv_tg_sources) $(gpv_tg_cases) -lgcc
aarch64/guest/tern-testguest.bin: aarch64/guest/tern-testguest.elf
	$(AM_V_GEN)$(AARCH64_OBJCOPY) -O binary $< $@
AARCH64_OUTPUTS += aarch64/guest/tern-testguest.bin
EXTRA_DIST += $(gpv_tg_sources) $(gpv_tg_headers) $(GPV_TG)/arch/arm64/guest.lds

# ---------------------------------------------------------------- conformance (QEMU)
# The single-guest suite on real Xen 4.17, compared with tests/guest/expected/xen-4.17.txt.
TESTS += tests/system/guest-conformance-xen.py
EXTRA_DIST += tests/system/guest-conformance-xen.py tests/guest/tern_guest_run.py \
	tests/guest/expected_results.py tests/guest/expected/xen-4.17.txt tests/guest/expected/xen-4.17-xsm-dummy.txt \
	tests/guest/xl/tg-solo.cfg \
	tests/guest/xl/tg-pair.cfg tests/guest/tg-dom0.sh

# ---------------------------------------------------------------- host unit tests
# The guest's pure parts (formatting, result lines, ring index math) built for the host.
check_PROGRAMS += tests/unit/guest-pv/check_testguest_lib
TESTS += tests/unit/guest-pv/check_testguest_lib
tests_unit_guest_pv_check_testguest_lib_SOURCES = tests/unit/guest-pv/check_testguest_lib.c \
	guest-pv/testguest/lib/format.c guest-pv/testguest/lib/report.c
tests_unit_guest_pv_check_testguest_lib_CPPFLAGS = -I$(srcdir)/guest-pv/testguest/include
tests_unit_guest_pv_check_testguest_lib_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_guest_pv_check_testguest_lib_LDADD = $(CHECK_LIBS)
check_PROGRAMS += tests/unit/guest-pv/check_testguest_fdt
TESTS += tests/unit/guest-pv/check_testguest_fdt
tests_unit_guest_pv_check_testguest_fdt_SOURCES = tests/unit/guest-pv/check_testguest_fdt.c \
	guest-pv/testguest/kernel/fdt.c
tests_unit_guest_pv_check_testguest_fdt_CPPFLAGS = -I$(srcdir)/guest-pv/testguest/include
tests_unit_guest_pv_check_testguest_fdt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_guest_pv_check_testguest_fdt_LDADD = $(CHECK_LIBS) $(FDT_LIBS)

# ---------------------------------------------------------------- guest memory agent
# guest-pv/agent: tern-memagent, a static arm64 program a domU's init starts; publishes the
# guest's memory figures to its xenstore data/ directory (see guest-pv/agent/meminfo.h).
# The harness puts aarch64/guest/tern-memagent into its guest initramfs.
GPV_AGENT_SRCS = guest-pv/agent/main.c guest-pv/agent/meminfo.c guest-pv/agent/xenbus.c
GPV_AGENT_HDRS = guest-pv/agent/meminfo.h guest-pv/agent/xenbus.h
aarch64/guest/tern-memagent: $(addprefix $(srcdir)/,$(GPV_AGENT_SRCS) $(GPV_AGENT_HDRS))
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) -Os -s -o $@ $(addprefix $(srcdir)/,$(GPV_AGENT_SRCS))
AARCH64_OUTPUTS += aarch64/guest/tern-memagent
EXTRA_DIST += $(GPV_AGENT_SRCS) $(GPV_AGENT_HDRS)
check_PROGRAMS += tests/unit/guest-pv/check_memagent
TESTS += tests/unit/guest-pv/check_memagent
tests_unit_guest_pv_check_memagent_SOURCES = tests/unit/guest-pv/check_memagent.c \
	guest-pv/agent/meminfo.c guest-pv/agent/xenbus.c
tests_unit_guest_pv_check_memagent_CPPFLAGS = -I$(srcdir)/guest-pv/agent
tests_unit_guest_pv_check_memagent_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_guest_pv_check_memagent_LDADD = $(CHECK_LIBS)

# ---------------------------------------------------------------- blkfront (issue 9)
# The test guest's blkfront (tern.blk=good|hostile) against tern-blkback on Tern
# (passed twice in a row).
TESTS += tests/system/block-hostile-tern.py
EXTRA_DIST += tests/system/block-hostile-tern.py $(GPV_TG)/blkfront.h

# ---------------------------------------------------------------- netfront (issue 10)
# The test guest's netfront (tern.net=hostile) against tern-netback on Tern.
EXTRA_DIST += tests/system/net-hostile-tern.py
