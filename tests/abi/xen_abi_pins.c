/* SPDX-License-Identifier: MIT */
/*
 * Pins of the Xen public structs Tern's hypervisor relies on (arm64 layout, libxen-dev
 * 4.17), as compile-time checks: if a header changes what a guest sees, the build fails.
 * Compiled for aarch64 (the target) and on the host with the Arm layout (host_xen_arm.h),
 * which is what the hypervisor's host unit tests use.  Figures: xen-arm-abi.md §1.14.
 */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define PIN_SIZE(t, n)   _Static_assert(sizeof(t) == (n), "sizeof(" #t ") != " #n)
#define PIN_OFF(t, f, n) _Static_assert(offsetof(t, f) == (n), "offsetof(" #t ", " #f ") != " #n)

/* xen.h / arch-arm.h */
PIN_SIZE(xen_ulong_t, 8);
PIN_SIZE(xen_pfn_t, 8);
PIN_SIZE(struct vcpu_info, 48);
PIN_OFF(struct vcpu_info, evtchn_upcall_pending, 0);
PIN_OFF(struct vcpu_info, evtchn_pending_sel, 8);
PIN_OFF(struct vcpu_info, time, 16);
PIN_SIZE(struct vcpu_time_info, 32);
PIN_SIZE(struct shared_info, 1088);
PIN_OFF(struct shared_info, vcpu_info, 0);
PIN_OFF(struct shared_info, evtchn_pending, 48);
PIN_OFF(struct shared_info, evtchn_mask, 560);
PIN_OFF(struct shared_info, wc_version, 1072);
PIN_OFF(struct shared_info, wc_sec, 1076);
PIN_OFF(struct shared_info, wc_nsec, 1080);
PIN_OFF(struct shared_info, wc_sec_hi, 1084);
_Static_assert(XEN_LEGACY_MAX_VCPUS == 1, "Arm has one vcpu_info in shared_info");
_Static_assert(NR_VIRQS == 24, "NR_VIRQS");

/* vcpu.h */
PIN_SIZE(struct vcpu_register_vcpu_info, 16);
PIN_OFF(struct vcpu_register_vcpu_info, mfn, 0);
PIN_OFF(struct vcpu_register_vcpu_info, offset, 8);
PIN_OFF(struct vcpu_register_vcpu_info, rsvd, 12);
PIN_SIZE(struct vcpu_runstate_info, 48);
PIN_OFF(struct vcpu_runstate_info, state_entry_time, 8);
PIN_OFF(struct vcpu_runstate_info, time, 16);
PIN_SIZE(struct vcpu_register_runstate_memory_area, 8);

/* memory.h */
PIN_SIZE(struct xen_add_to_physmap, 24);
PIN_OFF(struct xen_add_to_physmap, domid, 0);
PIN_OFF(struct xen_add_to_physmap, size, 2);
PIN_OFF(struct xen_add_to_physmap, space, 4);
PIN_OFF(struct xen_add_to_physmap, idx, 8);
PIN_OFF(struct xen_add_to_physmap, gpfn, 16);
PIN_SIZE(struct xen_add_to_physmap_batch, 32);
PIN_OFF(struct xen_add_to_physmap_batch, space, 2);
PIN_OFF(struct xen_add_to_physmap_batch, size, 4);
PIN_OFF(struct xen_add_to_physmap_batch, u.foreign_domid, 6);
PIN_OFF(struct xen_add_to_physmap_batch, idxs, 8);
PIN_OFF(struct xen_add_to_physmap_batch, gpfns, 16);
PIN_OFF(struct xen_add_to_physmap_batch, errs, 24);
PIN_SIZE(struct xen_remove_from_physmap, 16);
PIN_OFF(struct xen_remove_from_physmap, gpfn, 8);
PIN_SIZE(struct xen_memory_reservation, 32);
PIN_OFF(struct xen_memory_reservation, nr_extents, 8);
PIN_OFF(struct xen_memory_reservation, extent_order, 16);
PIN_OFF(struct xen_memory_reservation, mem_flags, 20);
PIN_OFF(struct xen_memory_reservation, domid, 24);

/* event_channel.h */
PIN_SIZE(struct evtchn_alloc_unbound, 8);
PIN_OFF(struct evtchn_alloc_unbound, remote_dom, 2);
PIN_OFF(struct evtchn_alloc_unbound, port, 4);
PIN_SIZE(struct evtchn_bind_interdomain, 12);
PIN_OFF(struct evtchn_bind_interdomain, remote_port, 4);
PIN_OFF(struct evtchn_bind_interdomain, local_port, 8);
PIN_SIZE(struct evtchn_bind_virq, 12);
PIN_OFF(struct evtchn_bind_virq, port, 8);
PIN_SIZE(struct evtchn_bind_ipi, 8);
PIN_SIZE(struct evtchn_close, 4);
PIN_SIZE(struct evtchn_send, 4);
PIN_SIZE(struct evtchn_status, 24);
PIN_OFF(struct evtchn_status, port, 4);
PIN_OFF(struct evtchn_status, status, 8);
PIN_OFF(struct evtchn_status, vcpu, 12);
PIN_OFF(struct evtchn_status, u, 16);
PIN_SIZE(struct evtchn_bind_vcpu, 8);
PIN_SIZE(struct evtchn_unmask, 4);
PIN_SIZE(struct evtchn_reset, 2);
PIN_SIZE(struct evtchn_init_control, 24);

/* grant_table.h */
PIN_SIZE(grant_entry_v1_t, 8);
PIN_OFF(grant_entry_v1_t, flags, 0);
PIN_OFF(grant_entry_v1_t, domid, 2);
PIN_OFF(grant_entry_v1_t, frame, 4);
PIN_SIZE(struct gnttab_map_grant_ref, 32);
PIN_OFF(struct gnttab_map_grant_ref, flags, 8);
PIN_OFF(struct gnttab_map_grant_ref, ref, 12);
PIN_OFF(struct gnttab_map_grant_ref, dom, 16);
PIN_OFF(struct gnttab_map_grant_ref, status, 18);
PIN_OFF(struct gnttab_map_grant_ref, handle, 20);
PIN_OFF(struct gnttab_map_grant_ref, dev_bus_addr, 24);
PIN_SIZE(struct gnttab_unmap_grant_ref, 24);
PIN_OFF(struct gnttab_unmap_grant_ref, handle, 16);
PIN_OFF(struct gnttab_unmap_grant_ref, status, 20);
PIN_SIZE(struct gnttab_setup_table, 24);
PIN_OFF(struct gnttab_setup_table, status, 8);
PIN_OFF(struct gnttab_setup_table, frame_list, 16);
PIN_SIZE(struct gnttab_query_size, 16);
PIN_OFF(struct gnttab_query_size, max_nr_frames, 8);
PIN_OFF(struct gnttab_query_size, status, 12);
PIN_SIZE(struct gnttab_copy, 40);
PIN_SIZE(struct gnttab_cache_flush, 16);
PIN_OFF(struct gnttab_cache_flush, offset, 8);
PIN_OFF(struct gnttab_cache_flush, length, 10);
PIN_OFF(struct gnttab_cache_flush, op, 12);
PIN_SIZE(struct gnttab_set_version, 4);
PIN_SIZE(struct gnttab_get_version, 8);
PIN_SIZE(struct gnttab_get_status_frames, 16);

/* sched.h, hvm, version, platform */
PIN_SIZE(struct sched_shutdown, 4);
PIN_SIZE(struct sched_remote_shutdown, 8);
PIN_SIZE(struct sched_poll, 24);
PIN_OFF(struct sched_poll, nr_ports, 8);
PIN_OFF(struct sched_poll, timeout, 16);
PIN_SIZE(struct xen_hvm_param, 16);
PIN_OFF(struct xen_hvm_param, index, 4);
PIN_OFF(struct xen_hvm_param, value, 8);
PIN_SIZE(struct xen_feature_info, 8);
PIN_SIZE(struct xen_platform_op, 136);
_Static_assert(HVM_NR_PARAMS == 39, "HVM_NR_PARAMS");

/* Something to link: the host test program checks that it ran (see host_main.c). */
int xen_abi_pins_checked = 1;
