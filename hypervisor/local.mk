# hypervisor: build fragment included by the root Makefile.am (see its header).
# hypervisor/common/local.mk lists the arch-neutral sources (HV_COMMON_SRCS) and their
# host unit tests; this file builds the EL2 image hypervisor/tern.bin from them plus arch/.
include hypervisor/common/local.mk
