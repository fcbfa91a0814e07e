/* SPDX-License-Identifier: MIT */
/* Dispatch, xen_version, console_io, vcpu_op, sched_op, hvm_op, vm_assist, physdev,
 * platform_op. */
#include <hv/console.h>

#include "th.h"

#include <hv/toolstack.h>

START_TEST(dispatch_unknown_and_privileged)
{
    struct vcpu *u0 = domu->vcpu[0];

    ck_assert_int_eq(hc(u0, 0, 0, 0, 0), -ENOSYS); /* set_trap_table: x86 */
    ck_assert_int_eq(hc(u0, 63, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, 1UL << 40, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_domctl, 0, 0, 0), -EPERM); /* dom0's */
    ck_assert_int_eq(hc(u0, __HYPERVISOR_multicall, 0, 0, 0), 0);   /* an empty list */
    ck_assert_int_eq(hc(u0, __HYPERVISOR_console_io, CONSOLEIO_write, 3, SCRATCH(domu)), -EPERM);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_platform_op, SCRATCH(domu), 0, 0), -EPERM);
    /* Measured on Xen 4.17 (tests/guest/abi_other_ops.c): hypfs is dom0's, xsm_op, argo_op
     * and dm_op do not exist; Tern has no hypfs entries for dom0. */
    ck_assert_int_eq(hc(u0, __HYPERVISOR_hypfs_op, 1, 0, 0), -EPERM);
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_hypfs_op, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_xsm_op, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_argo_op, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_dm_op, 0, 0, 0), -ENOSYS);
}
END_TEST

/* multicall: each entry runs as its hypercall, with the caller's permissions; results
 * land in the entries; nesting is -EINVAL; -ERESTART resumes at the entry that got it. */
START_TEST(multicall_entries)
{
    struct multicall_entry e[4];
    struct xen_sysctl sc = {0};
    uint64_t list = SCRATCH(domu) + 1024, a[5];

    memset(e, 0, sizeof(e));
    e[0].op = __HYPERVISOR_xen_version; /* XENVER_version */
    e[1].op = __HYPERVISOR_domctl;      /* dom0's */
    e[2].op = __HYPERVISOR_multicall;
    e[3].op = 63;
    for (int i = 0; i < 4; i++)
        e[i].result = 0x5555;
    gput(domu, list, e, sizeof(e));
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_multicall, list, 4, 0), 0);
    gget(domu, list, e, sizeof(e));
    ck_assert_int_eq((long)e[0].result, hc(domu->vcpu[0], __HYPERVISOR_xen_version, 0, 0, 0));
    ck_assert_int_eq((long)e[1].result, -EPERM);
    ck_assert_int_eq((long)e[2].result, -EINVAL);
    ck_assert_int_eq((long)e[3].result, -ENOSYS);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_multicall, list, 1, 0), 0);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_multicall, BAD_GVA, 1, 0), -EFAULT);

    /* dom0: xen_version, then a sysctl while the toolstack lock is held: -ERESTART with
     * the arguments moved to the sysctl's entry, so the re-issue does not run entry 0
     * again. */
    list = SCRATCH(dom0) + 1024;
    memset(e, 0, sizeof(e));
    e[0].op = __HYPERVISOR_xen_version;
    e[1].op = __HYPERVISOR_sysctl;
    e[1].args[0] = SCRATCH(dom0) + 3072;
    e[1].result = 0x5555;
    sc.cmd = XEN_SYSCTL_physinfo;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    gput(dom0, SCRATCH(dom0) + 3072, &sc, sizeof(sc));
    gput(dom0, list, e, 2 * sizeof(e[0]));
    ck_assert(toolstack_lock_acquire());
    a[0] = list;
    a[1] = 2;
    a[2] = a[3] = a[4] = 0;
    fake_current = dom0->vcpu[0];
    ck_assert_int_eq(hypercall_dispatch(dom0->vcpu[0], __HYPERVISOR_multicall, a), -ERESTART);
    ck_assert_uint_eq(a[0], list + sizeof(e[0]));
    ck_assert_uint_eq(a[1], 1);
    spin_unlock(&toolstack_lock);
    ck_assert_int_eq(hypercall_dispatch(dom0->vcpu[0], __HYPERVISOR_multicall, a), 0);
    gget(dom0, list, e, 2 * sizeof(e[0]));
    ck_assert_int_eq((long)e[1].result, 0);
}
END_TEST

START_TEST(xen_version_features)
{
    xen_feature_info_t fi = {.submap_idx = 0};
    char caps[1024];

    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0),
                     (4 << 16) | 17);
    gput(dom0, SCRATCH(dom0), &fi, sizeof(fi));
    ck_assert_int_eq(
        hc(dom0->vcpu[0], __HYPERVISOR_xen_version, XENVER_get_features, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &fi, sizeof(fi));
    ck_assert(fi.submap & (1U << XENFEAT_auto_translated_physmap));
    ck_assert(fi.submap & (1U << XENFEAT_dom0));
    ck_assert(fi.submap & (1U << XENFEAT_direct_mapped));
    ck_assert(!(fi.submap & (1U << XENFEAT_not_direct_mapped)));
    fi.submap_idx = 0;
    gput(domu, SCRATCH(domu), &fi, sizeof(fi));
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_get_features, SCRATCH(domu), 0), 0);
    gget(domu, SCRATCH(domu), &fi, sizeof(fi));
    ck_assert(!(fi.submap & (1U << XENFEAT_dom0)));
    ck_assert(fi.submap & (1U << XENFEAT_not_direct_mapped));
    fi.submap_idx = 1;
    gput(domu, SCRATCH(domu), &fi, sizeof(fi));
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_get_features, SCRATCH(domu), 0),
        -EINVAL);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_get_features, BAD_GVA, 0),
                     -EFAULT);
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_capabilities, SCRATCH(domu), 0), 0);
    gget(domu, SCRATCH(domu), caps, sizeof(caps));
    ck_assert_str_eq(caps, "xen-3.0-aarch64 ");
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_xen_version, XENVER_build_id, 0, 0), -EPERM);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_xen_version, 99, 0, 0), -ENOSYS);
}
END_TEST

START_TEST(console_write_read_virq)
{
    struct vcpu *d0 = dom0->vcpu[0];
    struct evtchn_bind_virq b = {.virq = VIRQ_CONSOLE};
    char buf[8] = {0};

    gput(dom0, SCRATCH(dom0), "hello dom0", 10);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_write, 10, SCRATCH(dom0)), 0);
    ck_assert_uint_eq(fake_console_len, 10);
    ck_assert(memcmp(fake_console, "hello dom0", 10) == 0);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_write, 10, BAD_GVA), -EFAULT);

    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, SCRATCH(dom0), 0),
                     0);
    gget(dom0, SCRATCH(dom0), &b, sizeof(b));
    console_input_char('o');
    console_input_char('k');
    ck_assert(ev_pending(dom0, b.port));
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 1, SCRATCH(dom0) + 100), 1);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 8, SCRATCH(dom0) + 101), 1);
    gget(dom0, SCRATCH(dom0) + 100, buf, 2);
    ck_assert(memcmp(buf, "ok", 2) == 0);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 8, SCRATCH(dom0)), 0);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000UL, SCRATCH(dom0)),
                     -E2BIG);
}
END_TEST

/* CTRL-a three times switches serial input to the hypervisor's debug keys and back, as
 * on Xen; fewer CTRL-a's are passed on to dom0 with the byte that follows them. */
START_TEST(console_input_switch)
{
    struct vcpu *d0 = dom0->vcpu[0];
    char buf[8] = {0};
    unsigned int dumps = fake_dump_calls;

    console_input_char('\x01');
    console_input_char('\x01');
    console_input_char('x');
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 8, SCRATCH(dom0)), 3);
    gget(dom0, SCRATCH(dom0), buf, 3);
    ck_assert(memcmp(buf, "\x01\x01x", 3) == 0);

    for (int i = 0; i < 3; i++)
        console_input_char('\x01');
    console_input_char('d'); /* a debug key: runs its handler, nothing for dom0 */
    console_input_char('z'); /* no handler: ignored */
    ck_assert_uint_eq(fake_dump_calls, dumps + 1);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 8, SCRATCH(dom0)), 0);

    for (int i = 0; i < 3; i++)
        console_input_char('\x01');
    console_input_char('d'); /* dom0's again */
    ck_assert_uint_eq(fake_dump_calls, dumps + 1);
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 8, SCRATCH(dom0)), 1);
    gget(dom0, SCRATCH(dom0), buf, 1);
    ck_assert_int_eq(buf[0], 'd');
}
END_TEST

START_TEST(vcpu_info_registration)
{
    struct vcpu *u0 = domu->vcpu[0], *u1 = domu->vcpu[1];
    struct vcpu_register_vcpu_info r = {.mfn = DOMU_RAM_GFN + 2, .offset = 64};
    uint64_t rs_area = (DOMU_RAM_GFN + 3) << PAGE_SHIFT;
    struct vcpu_info *vi;

    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, SCRATCH(domu)), 0);
    vi = fake_gpa(domu, ((DOMU_RAM_GFN + 2) << PAGE_SHIFT) + 64);
    ck_assert_ptr_eq(u0->vcpu_info, vi);
    ck_assert_uint_eq(vi->evtchn_pending_sel, ~0ULL);
    ck_assert_int_eq(vi->evtchn_upcall_pending, 1);
    /* Once only; offsets must keep it inside the page and aligned. */
    ck_assert_int_eq(hc(u0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, SCRATCH(domu)),
                     -EINVAL);
    r.offset = 4090;
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u1, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, SCRATCH(domu)),
                     -ENXIO);
    r.offset = 65;
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u1, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, SCRATCH(domu)),
                     -ENXIO);
    r.offset = 128;
    r.mfn = 0x12345; /* not RAM of domU */
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u1, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, SCRATCH(domu)),
                     -EINVAL);
    ck_assert_int_eq(hc(u1, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 5, SCRATCH(domu)),
                     -ENOENT);
    ck_assert_int_eq(hc(u1, __HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), -EINVAL); /* Arm */
    /* Runstate area: accepted, written once. */
    gput(domu, SCRATCH(domu), &rs_area, sizeof(rs_area));
    ck_assert_int_eq(
        hc(u0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, SCRATCH(domu)), 0);
    ck_assert_int_eq(((struct vcpu_runstate_info *)fake_gpa(domu, rs_area))->state,
                     RUNSTATE_running);
}
END_TEST

START_TEST(sched_ops)
{
    struct vcpu *u0 = domu->vcpu[0];
    struct sched_shutdown s = {.reason = SHUTDOWN_crash};
    struct sched_remote_shutdown rs = {.domain_id = 1, .reason = SHUTDOWN_reboot};
    uint32_t port = 0;
    struct sched_poll p = {.nr_ports = 1};

    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
    ck_assert_uint_eq(u0->arch.yields, 1);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_block, 0, 0), 0);
    ck_assert(u0->blocked);
    ck_assert_uint_eq(u0->arch.events_enabled, 1); /* block enables events; poll not */

    /* poll on an unbound port: blocks until a send wakes it. */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, DOMID_SELF, &port), 0);
    set_xen_guest_handle(p.ports, (evtchn_port_t *)(SCRATCH(domu) + 64));
    gput(domu, SCRATCH(domu) + 64, &port, sizeof(port));
    gput(domu, SCRATCH(domu) + 128, &p, sizeof(p));
    u0->blocked = false;
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_poll, SCRATCH(domu) + 128, 0), 0);
    ck_assert(u0->blocked);
    ck_assert_uint_eq(u0->arch.events_enabled, 1);
    ck_assert_int_eq(u0->poll_evtchn, (int)port);
    ck_assert(!vcpu_wake_pending(u0));
    /* The polled port fires while masked: no upcall, but the poller wakes (once). */
    ev_set_mask(domu, port, true);
    {
        uint32_t peer;

        ck_assert_int_eq(ev_bind_interdomain(u0, DOMID_SELF, port, &peer), 0);
        ck_assert_int_eq(u0->poll_evtchn, (int)port); /* the new port is not the polled one */
        u0->vcpu_info->evtchn_upcall_pending = 0;
        ck_assert(!vcpu_wake_pending(u0));
        ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, peer), 0);
    }
    ck_assert(!vcpu_event_pending(u0));
    ck_assert(vcpu_wake_pending(u0));
    ck_assert(!vcpu_wake_pending(u0));
    ck_assert(ev_pending(domu, port));
    ck_assert_int_eq(u0->poll_evtchn, 0);
    /* With a timeout (here 1 ns after boot: already past), poll returns at once. */
    ev_set_mask(domu, port, false);
    domu->shared_info->evtchn_pending[port / 64] &= ~(1ULL << (port % 64));
    u0->blocked = false;
    p.timeout = 1;
    gput(domu, SCRATCH(domu) + 128, &p, sizeof(p));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_poll, SCRATCH(domu) + 128, 0), 0);
    ck_assert(!u0->blocked);
    p.timeout = 0;
    ev_set_mask(domu, port, true);
    domu->shared_info->evtchn_pending[port / 64] |= 1ULL << (port % 64);
    /* Polling a port that is already pending returns at once without blocking. */
    u0->blocked = false;
    p.nr_ports = 1;
    gput(domu, SCRATCH(domu) + 128, &p, sizeof(p));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_poll, SCRATCH(domu) + 128, 0), 0);
    ck_assert(!u0->blocked);
    ck_assert_int_eq(u0->poll_evtchn, 0); /* announced before the look, withdrawn after it */
    ck_assert(!u0->poll_woken);
    p.nr_ports = 129;
    gput(domu, SCRATCH(domu) + 128, &p, sizeof(p));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_poll, SCRATCH(domu) + 128, 0), -EINVAL);

    /* remote_shutdown is dom0's; shutdown_code presets the reason. */
    gput(domu, SCRATCH(domu), &rs, sizeof(rs));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, SCRATCH(domu), 0),
                     -EPERM);
    gput(domu, SCRATCH(domu), &s, sizeof(s));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_shutdown_code, SCRATCH(domu), 0), 0);
    s.reason = SHUTDOWN_poweroff;
    gput(domu, SCRATCH(domu), &s, sizeof(s));
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, SCRATCH(domu), 0), 0);
    ck_assert_int_eq(domu->shutdown_code, SHUTDOWN_crash);
    ck_assert_int_eq(domu->arch.shutdown_reason, SHUTDOWN_crash);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, SCRATCH(domu), 0), 0);
    ck_assert_uint_eq(domu->arch.shutdowns, 1);
    gput(dom0, SCRATCH(dom0), &rs, sizeof(rs));
    ck_assert_int_eq(
        hc(dom0->vcpu[0], __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, SCRATCH(dom0), 0), 0);
    rs.domain_id = 77;
    gput(dom0, SCRATCH(dom0), &rs, sizeof(rs));
    ck_assert_int_eq(
        hc(dom0->vcpu[0], __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, SCRATCH(dom0), 0),
        -ESRCH);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, BAD_GVA, 0), -EFAULT);
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_watchdog, SCRATCH(domu), 0), -ENOSYS);
    /* pin_override: hardware domain only, as Xen; dom0 has no override in Tern. */
    ck_assert_int_eq(hc(u0, __HYPERVISOR_sched_op, SCHEDOP_pin_override, BAD_GVA, 0), -EPERM);
    ck_assert_int_eq(
        hc(dom0->vcpu[0], __HYPERVISOR_sched_op, SCHEDOP_pin_override, SCRATCH(dom0), 0), -ENOSYS);
}
END_TEST

START_TEST(hvm_params)
{
    struct xen_hvm_param p = {.domid = 1, .index = HVM_PARAM_STORE_PFN, .value = 0x39001};

    /* dom0 sets a domU's param, the domU reads it, but may not set it. */
    gput(dom0, SCRATCH(dom0), &p, sizeof(p));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_set_param, SCRATCH(dom0), 0), 0);
    p = (struct xen_hvm_param){.domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN};
    gput(domu, SCRATCH(domu), &p, sizeof(p));
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_get_param, SCRATCH(domu), 0), 0);
    gget(domu, SCRATCH(domu), &p, sizeof(p));
    ck_assert_uint_eq(p.value, 0x39001);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_set_param, SCRATCH(domu), 0),
                     -EPERM);
    p.index = HVM_PARAM_MONITOR_RING_PFN;
    gput(domu, SCRATCH(domu), &p, sizeof(p));
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_get_param, SCRATCH(domu), 0),
                     -EPERM);
    p.index = 1000;
    gput(domu, SCRATCH(domu), &p, sizeof(p));
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_get_param, SCRATCH(domu), 0),
                     -EINVAL);
    p = (struct xen_hvm_param){.domid = 0, .index = HVM_PARAM_STORE_EVTCHN};
    gput(domu, SCRATCH(domu), &p, sizeof(p));
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_get_param, SCRATCH(domu), 0),
                     -EPERM);
    /* dom0 reads its own STORE_EVTCHN: 0 means "xenstored runs locally". */
    p.domid = DOMID_SELF;
    p.value = 5;
    gput(dom0, SCRATCH(dom0), &p, sizeof(p));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_get_param, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &p, sizeof(p));
    ck_assert_uint_eq(p.value, 0);
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_hvm_op, 99, SCRATCH(dom0), 0), -ENOSYS);
    /* guest_request_vm_event: no monitor, nothing to do (Xen: 0 with a NULL argument). */
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_guest_request_vm_event, 0, 0), 0);
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_guest_request_vm_event, SCRATCH(domu), 0),
        -EINVAL);
    /* The upcall PPI as Xen reports it for dom0. */
    domain_set_callback_ppi(dom0, 16);
    p = (struct xen_hvm_param){.domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ};
    gput(dom0, SCRATCH(dom0), &p, sizeof(p));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_hvm_op, HVMOP_get_param, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &p, sizeof(p));
    ck_assert_uint_eq(p.value, 0x0200000000000210ULL);
}
END_TEST

START_TEST(small_ops)
{
    struct xen_platform_op op = {.cmd = XENPF_settime64,
                                 .interface_version = XENPF_INTERFACE_VERSION};

    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_vm_assist, VMASST_CMD_enable,
                        VMASST_TYPE_runstate_update_flag, 0),
                     0);
    ck_assert_uint_eq(domu->vm_assist, 1UL << VMASST_TYPE_runstate_update_flag);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_vm_assist, VMASST_CMD_enable, 1, 0), -EINVAL);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_vm_assist, VMASST_CMD_enable, 1000, 0),
                     -EINVAL);
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_physdev_op, 25, SCRATCH(dom0), 0), -ENOSYS);
    gput(dom0, SCRATCH(dom0), &op, sizeof(op));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_platform_op, SCRATCH(dom0), 0, 0), 0);
    op.interface_version = 1;
    gput(dom0, SCRATCH(dom0), &op, sizeof(op));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_platform_op, SCRATCH(dom0), 0, 0), -EACCES);
}
END_TEST

START_TEST(domain_lifecycle)
{
    ck_assert_ptr_null(domain_create(1, false, 1));          /* id taken */
    ck_assert_ptr_null(domain_create(DOMID_SELF, false, 1)); /* reserved */
    ck_assert_ptr_null(domain_create(9, false, 0));
    ck_assert_ptr_null(domain_create(9, false, MAX_VIRT_CPUS + 1));
    ck_assert_ptr_null(vcpu_create(domu, 0)); /* exists */
    ck_assert_ptr_null(vcpu_create(domu, 2)); /* beyond max_vcpus */
    ck_assert_ptr_eq(domain_lookup(1), domu);
    ck_assert_ptr_null(domain_lookup(9));
    ck_assert_ptr_eq(hardware_domain(), dom0);
}
END_TEST

TCase *tcase_misc(void)
{
    TCase *tc = tcase_create("misc");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, dispatch_unknown_and_privileged);
    tcase_add_test(tc, xen_version_features);
    tcase_add_test(tc, multicall_entries);
    tcase_add_test(tc, console_write_read_virq);
    tcase_add_test(tc, console_input_switch);
    tcase_add_test(tc, vcpu_info_registration);
    tcase_add_test(tc, sched_ops);
    tcase_add_test(tc, hvm_params);
    tcase_add_test(tc, small_ops);
    tcase_add_test(tc, domain_lifecycle);
    return tc;
}
