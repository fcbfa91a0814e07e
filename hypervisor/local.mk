# hypervisor: build fragment included by the root Makefile.am (see its header).
# hypervisor/common/local.mk lists the arch-neutral sources (HV_COMMON_SRCS) and their
# host unit tests; this file builds the EL2 image hypervisor/tern.bin from them plus arch/.
include hypervisor/common/local.mk

# EL2 image sources (arch/arm64, drivers, lib); the arch-neutral ones come from
# HV_COMMON_SRCS.  Built in one compiler invocation: the whole image takes seconds.
HV_ARCH_SRCS = \
	hypervisor/arch/arm64/head.S \
	hypervisor/arch/arm64/entry.S \
	hypervisor/arch/arm64/setup.c \
	hypervisor/arch/arm64/mm.c \
	hypervisor/arch/arm64/page_alloc.c \
	hypervisor/arch/arm64/p2m.c \
	hypervisor/arch/arm64/guestcopy.c \
	hypervisor/arch/arm64/domain.c \
	hypervisor/arch/arm64/domain_build.c \
	hypervisor/arch/arm64/dom0_fdt.c \
	hypervisor/arch/arm64/vcpu.c \
	hypervisor/arch/arm64/context.c \
	hypervisor/arch/arm64/fpsimd.S \
	hypervisor/arch/arm64/toolstack.c \
	hypervisor/arch/arm64/traps.c \
	hypervisor/arch/arm64/vsysreg.c \
	hypervisor/arch/arm64/mmio.c \
	hypervisor/arch/arm64/irq.c \
	hypervisor/arch/arm64/vgic.c \
	hypervisor/arch/arm64/vgic-v3.c \
	hypervisor/arch/arm64/vgic-v2.c \
	hypervisor/arch/arm64/vgic-v2-dist.c \
	hypervisor/arch/arm64/psci.c \
	hypervisor/arch/arm64/vpsci.c \
	hypervisor/drivers/char/pl011.c \
	hypervisor/drivers/irqchip/gic-v3.c \
	hypervisor/drivers/irqchip/gic-v2.c \
	hypervisor/lib/string.c \
	hypervisor/lib/vsnprintf.c \
	hypervisor/lib/console.c
HVIMG_HDRS = $(wildcard $(srcdir)/hypervisor/include/hv/*.h) \
	$(wildcard $(srcdir)/hypervisor/arch/arm64/include/asm/*.h) \
	$(wildcard $(srcdir)/hypervisor/arch/arm64/*.h)

# Freestanding EL2 code: no FP/SIMD (only fpsimd.S touches them, to switch vCPUs), no
# unaligned accesses (early code runs with the MMU off), no libgcc atomics helpers.
HVIMG_CCFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-ffreestanding -fno-builtin -fno-stack-protector -fno-pie -fno-common \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-I$(srcdir)/hypervisor/include -I$(srcdir)/hypervisor/arch/arm64/include \
	-isystem $(AARCH64_SYSROOT)/usr/include
HVIMG_LINKFLAGS = -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-T,$(srcdir)/hypervisor/arch/arm64/hv.lds

hypervisor/tern.elf: $(addprefix $(srcdir)/,$(HV_ARCH_SRCS) $(HV_COMMON_SRCS)) $(HVIMG_HDRS) \
		$(srcdir)/hypervisor/arch/arm64/hv.lds
	@mkdir -p hypervisor
	$(AARCH64_CC) $(HVIMG_CCFLAGS) $(HVIMG_LINKFLAGS) -o $@ \
		$(addprefix $(srcdir)/,$(HV_ARCH_SRCS) $(HV_COMMON_SRCS)) $(AARCH64_LIBFDT) -lgcc

hypervisor/tern.bin: hypervisor/tern.elf
	$(AARCH64_OBJCOPY) -O binary $< $@

AARCH64_OUTPUTS += hypervisor/tern.bin
CLEANFILES += hypervisor/tern.elf hypervisor/tern.bin

# dom0-side probe used by tests/system/hypervisor-faults.py (copied into dom0's initramfs).
AARCH64_OUTPUTS += aarch64/bin/hv-fault-probe
aarch64/bin/hv-fault-probe: $(srcdir)/tests/system/hv-fault-probe.c tests/system/hv-hvc-probe.S
	@mkdir -p aarch64/bin
	$(AARCH64_PROGRAM_LINK) -o $@ $<

EXTRA_DIST += tests/system/hypervisor-boot.py tests/system/hypervisor-faults.py \
	tests/system/hypervisor-disk.py tests/system/hypervisor-reboot.py tests/system/hv-fault-probe.c tests/system/hv-hvc-probe.S

# Bare-metal dom0 probe for the HVC-immediate case (booted instead of Linux).
AARCH64_OUTPUTS += aarch64/hv-hvc-probe.bin
aarch64/hv-hvc-probe.bin: $(srcdir)/tests/system/hv-hvc-probe.S
	@mkdir -p aarch64
	$(AARCH64_CC) -nostdlib -static -no-pie -Wl,-Ttext=0 -Wl,--build-id=none -o aarch64/hv-hvc-probe.elf $<
	$(AARCH64_OBJCOPY) -O binary aarch64/hv-hvc-probe.elf $@

# System tests (QEMU, tests/harness): dom0 on Tern.
TESTS += tests/system/hypervisor-boot.py tests/system/hypervisor-faults.py \
	tests/system/hypervisor-disk.py tests/system/hypervisor-reboot.py
# The test guest's conformance suite on Tern, domUs started by `tern create`, against the
# oracle recorded from Tern (tests/guest/expected/tern.txt; differences from Xen 4.17 are
# printed and explained in docs/conformance.md).
TESTS += tests/system/guest-conformance-tern.py
EXTRA_DIST += tests/system/guest-conformance-tern.py tests/guest/expected/tern.txt
EXTRA_DIST += tests/guest/expected/tern-xsm-dummy.txt
# Credit scheduler under -icount (issue 12, docs/hypervisor/scheduler.md): weights, a
# run-time weight change, cap, pinning (about 4 min of QEMU).
TESTS += tests/system/sched-credit.py
EXTRA_DIST += tests/system/sched-credit.py
# Steal time: a Debian domU's /proc/stat steal against the hypervisor's runnable time next
# to a CPU hog on its pCPU (about 4 min of QEMU).
TESTS += tests/system/sched-steal.py
EXTRA_DIST += tests/system/sched-steal.py
# Wake-up boost: event-channel ping round trips next to two hogs, with and without
# sched_credit_boost=0 (two boots, in parallel when two QEMU slots are free).
TESTS += tests/system/sched-wake.py
EXTRA_DIST += tests/system/sched-wake.py

# GICv2 distributor register emulation, compiled on the host (Check).
check_PROGRAMS += tests/unit/hypervisor/test_vgic_v2
TESTS += tests/unit/hypervisor/test_vgic_v2
tests_unit_hypervisor_test_vgic_v2_SOURCES = tests/unit/hypervisor/test_vgic_v2.c \
	hypervisor/arch/arm64/vgic-v2-dist.c hypervisor/arch/arm64/vgic-v2-dist.h \
	hypervisor/arch/arm64/include/asm/vgic-state.h
tests_unit_hypervisor_test_vgic_v2_CPPFLAGS = -I$(srcdir)/hypervisor/arch/arm64 \
	-I$(srcdir)/hypervisor/arch/arm64/include $(HV_COMMON_CPPFLAGS)
tests_unit_hypervisor_test_vgic_v2_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_hypervisor_test_vgic_v2_LDADD = $(CHECK_LIBS)
# The frame allocator's mapping counts (orphan frames), compiled on the host (Check).
check_PROGRAMS += tests/unit/hypervisor/test_page_alloc
TESTS += tests/unit/hypervisor/test_page_alloc
tests_unit_hypervisor_test_page_alloc_SOURCES = tests/unit/hypervisor/test_page_alloc.c \
	hypervisor/arch/arm64/page_alloc.c
tests_unit_hypervisor_test_page_alloc_CPPFLAGS = -I$(srcdir)/tests/unit/hypervisor \
	$(HV_COMMON_CPPFLAGS)
tests_unit_hypervisor_test_page_alloc_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_hypervisor_test_page_alloc_LDADD = $(CHECK_LIBS)
# GICv2 board (gic-version=2): dom0, a domU and the conformance suite in one boot.
TESTS += tests/system/gicv2-tern.py
EXTRA_DIST += tests/system/gicv2-tern.py
# hypervisor-boot, toolstack-devices-tern and guest-conformance-tern again with TERN_GIC=2
# (six boots, one after the other).
TESTS += tests/system/gicv2-suite.py
EXTRA_DIST += tests/system/gicv2-suite.py
