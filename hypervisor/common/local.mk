# hypervisor/common: build fragment (arch-neutral Xen semantics), included by hypervisor/local.mk.
