# hypervisor/common: build fragment (arch-neutral Xen semantics), included by hypervisor/local.mk.
#
# HV_COMMON_SRCS: the common sources HV-arch links into tern.bin (aarch64, freestanding,
# with $(HV_COMMON_CPPFLAGS) and -mno-outline-atomics).  The same files are compiled on
# the host for the Check unit tests below, against a fake arch (tests/unit/hypervisor/).
HV_COMMON_SRCS = $(HV_COMMON_CORE_SRCS) $(HV_COMMON_TOOLSTACK)
HV_COMMON_CORE_SRCS = \
	hypervisor/common/alloc.c \
	hypervisor/common/claim.c \
	hypervisor/common/conring.c \
	hypervisor/common/console.c \
	hypervisor/common/domain.c \
	hypervisor/common/event_2l.c \
	hypervisor/common/event_channel.c \
	hypervisor/common/event_fifo.c \
	hypervisor/common/grant_table.c \
	hypervisor/common/hvm.c \
	hypervisor/common/hypercall.c \
	hypervisor/common/keyhandler.c \
	hypervisor/common/memory.c \
	hypervisor/common/misc_ops.c \
	hypervisor/common/multicall.c \
	hypervisor/common/page_release.c \
	hypervisor/common/sched_core.c \
	hypervisor/common/sched_credit.c \
	hypervisor/common/sched_op.c \
	hypervisor/common/sched_rr.c \
	hypervisor/common/vcpu.c \
	hypervisor/common/version.c \
	hypervisor/common/ratelimit.c \
	hypervisor/common/watchdog.c
# The inter-domain policy modules (xsm=dummy|silo; hv/xsm.h).
HV_COMMON_CORE_SRCS += hypervisor/common/xsm.c
HV_COMMON_HDRS = hypervisor/common/event_internal.h
# domctl/sysctl need the arch hooks of hv/arch_toolstack.h (arch/arm64/toolstack.c,
# vcpu.c).  toolstack_none.c (domctl/sysctl: -ENOSYS) is the variant for an arch
# without them.
HV_COMMON_TOOLSTACK = $(HV_COMMON_TOOLSTACK_SRCS)
HV_COMMON_TOOLSTACK_SRCS = hypervisor/common/domctl.c hypervisor/common/sysctl.c \
	hypervisor/common/cpupool.c hypervisor/common/topology.c \
	hypervisor/common/sched_ctl.c
HV_COMMON_CPPFLAGS = -I$(srcdir)/hypervisor/include

EXTRA_DIST += $(HV_COMMON_CORE_SRCS) $(HV_COMMON_HDRS) $(HV_COMMON_TOOLSTACK_SRCS) \
	hypervisor/common/toolstack_none.c

# ---------------------------------------------------------------- host unit tests
check_PROGRAMS += tests/unit/hypervisor/test_hv_common
TESTS += tests/unit/hypervisor/test_hv_common
tests_unit_hypervisor_test_hv_common_SOURCES = \
	$(HV_COMMON_CORE_SRCS) $(HV_COMMON_TOOLSTACK_SRCS) \
	$(HV_COMMON_HDRS) \
	tests/unit/hypervisor/fake_arch.c tests/unit/hypervisor/fake_arch.h \
	tests/unit/hypervisor/asm/domain.h tests/unit/hypervisor/host_xen_arm.h \
	tests/unit/hypervisor/th.c tests/unit/hypervisor/th.h \
	tests/unit/hypervisor/test_events.c tests/unit/hypervisor/test_grants.c \
	tests/unit/hypervisor/test_memory.c tests/unit/hypervisor/test_misc.c \
	tests/unit/hypervisor/test_fuzz.c tests/unit/hypervisor/test_toolstack.c \
	tests/unit/hypervisor/test_sched.c tests/unit/hypervisor/test_conring.c \
	tests/unit/hypervisor/test_hardening.c \
	tests/unit/hypervisor/test_sched_credit.c \
	tests/unit/hypervisor/test_sched_ctl.c \
	tests/unit/hypervisor/test_fifo.c tests/unit/hypervisor/test_page_release.c
tests_unit_hypervisor_test_hv_common_SOURCES += tests/unit/hypervisor/test_xsm.c \
	tests/unit/hypervisor/test_string.c tests/unit/hypervisor/test_claim.c
# The fake asm/domain.h comes before hypervisor/include; the Xen public headers are the
# arm64 sysroot's, read with the Arm layout (host_xen_arm.h).
tests_unit_hypervisor_test_hv_common_CPPFLAGS = -I$(srcdir)/tests/unit/hypervisor \
	$(HV_COMMON_CPPFLAGS) -isystem $(AARCH64_SYSROOT)/usr/include \
	-include $(srcdir)/tests/unit/hypervisor/host_xen_arm.h
tests_unit_hypervisor_test_hv_common_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_hypervisor_test_hv_common_LDADD = $(CHECK_LIBS)

# ---------------------------------------------------------------- ABI pins (tests/abi)
# Compile-time sizeof/offsetof checks of the Xen public structs the hypervisor relies on,
# for aarch64 (the real target) and on the host with the Arm layout (what the unit tests
# use).  A header change fails the build.
AARCH64_OUTPUTS += aarch64/abi/xen_abi_pins.o
aarch64/abi/xen_abi_pins.o: $(srcdir)/tests/abi/xen_abi_pins.c
	@mkdir -p aarch64/abi
	$(AM_V_CC)$(AARCH64_CC) $(AARCH64_CPPFLAGS) $(AARCH64_CFLAGS) -ffreestanding -c -o $@ $<
check_PROGRAMS += tests/abi/test_xen_abi_host
TESTS += tests/abi/test_xen_abi_host
tests_abi_test_xen_abi_host_SOURCES = tests/abi/xen_abi_pins.c tests/abi/host_main.c
tests_abi_test_xen_abi_host_CPPFLAGS = -isystem $(AARCH64_SYSROOT)/usr/include \
	-include $(srcdir)/tests/unit/hypervisor/host_xen_arm.h
EXTRA_DIST += tests/abi/xen_abi_pins.c

# ---------------------------------------------------------------- system test (QEMU)
# Debian's dom0 kernel drives event channels, grants and privcmd on Tern and on real Xen
# (the probe goes to aarch64/bin, hence into dom0's initramfs).
AARCH64_OUTPUTS += aarch64/bin/hv-common-probe
aarch64/bin/hv-common-probe: $(srcdir)/tests/system/hv-common-probe.c
	@mkdir -p aarch64/bin
	$(AM_V_CC)$(AARCH64_PROGRAM_LINK) -o $@ $<
TESTS += tests/system/hv-common-dom0.py
EXTRA_DIST += tests/system/hv-common-dom0.py tests/system/hv-common-probe.c
