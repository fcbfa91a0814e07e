/*
 * Sub-ops Xen 4.17 on Arm answers though it implements them partly or not at all, as a
 * domU sees them: grant unmap_and_replace (no replacement on Arm), swap_grant_ref,
 * transfer (x86 PV only); memory claim_pages (dom0 only), exchange (steal_page fails on
 * Arm), get_vnumainfo, reserved_device_memory_map, the sharing counters; event channel
 * reset_cont with no reset under way, bind_pirq (a bare binding on Arm); SCHEDOP_pin_override
 * (hardware domain only); hypercalls xsm_op, argo_op, dm_op, hypfs_op.
 * Xen: xen/common/{grant_table,memory,event_channel}.c, sched/core.c, xen/arch/arm/mm.c.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* struct xen_reserved_device_memory_map */
#endif

#include <tg/balloon.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>

#ifndef EVTCHNOP_reset_cont
#define EVTCHNOP_reset_cont 14 /* __XEN__ only in the public header */
#endif

static int16_t map(uint64_t addr, grant_ref_t ref, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = addr, .flags = GNTMAP_host_map, .ref = ref, .dom = tg_env.self};

    if (hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1))
        return (int16_t)-1000;
    *handle = m.handle;
    return m.status;
}

static int16_t replace(uint64_t addr, uint64_t new_addr, grant_handle_t handle)
{
    struct gnttab_unmap_and_replace r = {.host_addr = addr, .new_addr = new_addr, .handle = handle};

    return hyp_grant_table_op(GNTTABOP_unmap_and_replace, &r, 1) ? (int16_t)-1000 : r.status;
}

static int16_t swap(grant_ref_t a, grant_ref_t b)
{
    struct gnttab_swap_grant_ref s = {.ref_a = a, .ref_b = b, .status = 99};

    return hyp_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1) ? (int16_t)-1000 : s.status;
}

static void grants(void)
{
    uint64_t *src = alloc_page(), *other = alloc_page(), *hole = alloc_page();
    uint64_t hole_addr = (uint64_t)(uintptr_t)hole;
    struct gnttab_transfer t = {0};
    grant_handle_t h = 0;

    if (!src || !other || !hole) {
        tg_error("no pages");
        return;
    }
    if (!tg_expect_rc("balloon_out", balloon_out(virt_to_gfn(hole)), 1))
        return;
    long ref = gnttab_grant_access(tg_env.self, virt_to_gfn(src), false);
    long ref2 = gnttab_grant_access(tg_env.self, virt_to_gfn(other), true);

    /* swap_grant_ref: the two entries change places. */
    tg_expect_rc("swap", swap((grant_ref_t)ref, (grant_ref_t)ref2), GNTST_okay);
    tg_value("swapped_frame_is_other", gnttab_table[ref].frame == virt_to_gfn(other));
    tg_value("swapped_flags_ro", (gnttab_table[ref].flags & GTF_readonly) != 0);
    tg_expect_rc("swap_back", swap((grant_ref_t)ref2, (grant_ref_t)ref), GNTST_okay);
    tg_expect_rc("swap_same", swap((grant_ref_t)ref, (grant_ref_t)ref), GNTST_okay);
    tg_expect_rc("swap_ref_beyond", swap((grant_ref_t)ref, 0xfffff), GNTST_bad_gntref);
    tg_expect_rc("swap_both_beyond", swap(0xfffff, 0xfffff), GNTST_bad_gntref);

    /* unmap_and_replace: a replacement address is refused on Arm, 0 unmaps. */
    tg_expect_rc("map", map(hole_addr, (grant_ref_t)ref, &h), GNTST_okay);
    tg_expect_rc("swap_mapped", swap((grant_ref_t)ref2, (grant_ref_t)ref), GNTST_eagain);
    tg_expect_rc("replace_bad_handle", replace(hole_addr, 0, 0xdead), GNTST_bad_handle);
    tg_expect_rc("replace_new_addr", replace(hole_addr, (uint64_t)(uintptr_t)other, h),
                 GNTST_general_error);
    tg_value("flags_still_mapped", gnttab_table[ref].flags);
    tg_expect_rc("replace_no_new_addr", replace(hole_addr, 0, h), GNTST_okay);
    tg_value("flags_unmapped", gnttab_table[ref].flags);
    tg_expect_rc("replace_twice", replace(hole_addr, 0, h), GNTST_bad_handle);

    tg_expect_rc("transfer", hyp_grant_table_op(GNTTABOP_transfer, &t, 1), XEN_ERR(EOPNOTSUPP));
    tg_expect_rc("dump_table", hyp_grant_table_op(GNTTABOP_dump_table, &t, 1), XEN_ERR(ENOSYS));

    tg_expect_rc("end_access", gnttab_end_access((grant_ref_t)ref), 1);
    tg_expect_rc("end_access2", gnttab_end_access((grant_ref_t)ref2), 1);
    tg_expect_rc("balloon_in", balloon_in(virt_to_gfn(hole)), 1);
    free_page(hole);
    free_page(other);
    free_page(src);
}

static void memory(void)
{
    struct xen_memory_reservation c = {.nr_extents = 100000, .domid = tg_env.self};
    uint64_t *page = alloc_page();
    xen_pfn_t in_gfn, out_gfn = 0;
    struct xen_memory_exchange x = {0};
    struct xen_vnuma_topology_info v = {.domid = DOMID_SELF};
    struct xen_reserved_device_memory_map m = {.flags = XENMEM_RDM_ALL, .nr_entries = 3};

    if (!page) {
        tg_error("no page");
        return;
    }
    tg_expect_rc("claim_self", hyp_memory_op(XENMEM_claim_pages, &c), XEN_ERR(EPERM));
    c.domid = DOMID_SELF;
    tg_expect_rc("claim_domid_self", hyp_memory_op(XENMEM_claim_pages, &c), XEN_ERR(EINVAL));

    in_gfn = virt_to_gfn(page);
    x.in.nr_extents = x.out.nr_extents = 1;
    x.in.domid = x.out.domid = DOMID_SELF;
    set_xen_guest_handle(x.in.extent_start, &in_gfn);
    set_xen_guest_handle(x.out.extent_start, &out_gfn);
    tg_expect_rc("exchange", hyp_memory_op(XENMEM_exchange, &x), XEN_ERR(EOPNOTSUPP));
    tg_value("exchange_nr_exchanged", (long)x.nr_exchanged);
    page[3] = 0x5a5a;
    tg_value("page_still_ours", page[3] == 0x5a5a);
    x.out.extent_order = 1;
    tg_expect_rc("exchange_sizes_differ", hyp_memory_op(XENMEM_exchange, &x), XEN_ERR(EINVAL));
    x.out.extent_order = 10;
    tg_expect_rc("exchange_order_10", hyp_memory_op(XENMEM_exchange, &x), XEN_ERR(EPERM));

    tg_expect_rc("get_vnumainfo", hyp_memory_op(XENMEM_get_vnumainfo, &v), XEN_ERR(EOPNOTSUPP));
    v.domid = 0;
    tg_expect_rc("get_vnumainfo_dom0", hyp_memory_op(XENMEM_get_vnumainfo, &v), XEN_ERR(EPERM));

    tg_expect_rc("rdm_map", hyp_memory_op(XENMEM_reserved_device_memory_map, &m), 0);
    tg_value("rdm_nr_entries", m.nr_entries);
    m.flags = 2;
    tg_expect_rc("rdm_bad_flags", hyp_memory_op(XENMEM_reserved_device_memory_map, &m),
                 XEN_ERR(EINVAL));
    tg_expect_rc("sharing_freed", hyp_memory_op(XENMEM_get_sharing_freed_pages, NULL), 0);
    tg_expect_rc("sharing_shared", hyp_memory_op(XENMEM_get_sharing_shared_pages, NULL), 0);
    tg_expect_rc("pod_target", hyp_memory_op(XENMEM_get_pod_target, &v), XEN_ERR(ENOSYS));
    free_page(page);
}

static void events(void)
{
    struct evtchn_reset r = {.dom = DOMID_SELF};
    struct evtchn_bind_pirq p = {.pirq = 5};
    struct evtchn_status st = {.dom = DOMID_SELF};
    struct evtchn_close cl;

    tg_expect_rc("reset_cont", hyp_event_channel_op(EVTCHNOP_reset_cont, &r), XEN_ERR(EBUSY));
    r.dom = 0;
    tg_expect_rc("reset_cont_dom0", hyp_event_channel_op(EVTCHNOP_reset_cont, &r), XEN_ERR(EPERM));
    r.dom = 0;
    tg_expect_rc("reset_dom0", hyp_event_channel_op(EVTCHNOP_reset, &r), XEN_ERR(EPERM));

    if (tg_expect_rc("bind_pirq", hyp_event_channel_op(EVTCHNOP_bind_pirq, &p), 0)) {
        st.port = p.port;
        tg_expect_rc("status_pirq", hyp_event_channel_op(EVTCHNOP_status, &st), 0);
        tg_value("status_state", st.status);
        tg_value("status_pirq_nr", st.u.pirq);
        tg_expect_rc("bind_pirq_twice", hyp_event_channel_op(EVTCHNOP_bind_pirq, &p),
                     XEN_ERR(EEXIST));
        cl.port = p.port;
        tg_expect_rc("close_pirq", hyp_event_channel_op(EVTCHNOP_close, &cl), 0);
    }
    p.pirq = 1024;
    tg_expect_rc("bind_pirq_1024", hyp_event_channel_op(EVTCHNOP_bind_pirq, &p), XEN_ERR(EINVAL));
}

static void others(void)
{
    struct sched_pin_override po = {.pcpu = 0};

    tg_expect_rc("pin_override", hyp_sched_op(SCHEDOP_pin_override, &po), XEN_ERR(EPERM));
    tg_expect_rc("xsm_op_27", xen_hypercall(27, 0, 0, 0, 0, 0), XEN_ERR(ENOSYS));
    tg_value("argo_op_39", xen_hypercall(39, 0, 0, 0, 0, 0));
    tg_value("dm_op_41", xen_hypercall(41, 0, 0, 0, 0, 0));
    tg_value("hypfs_op_42", xen_hypercall(42, 1, 0, 0, 0, 0));
}

static void run(void)
{
    if (!gnttab_table || !tg_env.self_known) {
        tg_skip("needs the grant table and the own domid");
        return;
    }
    grants();
    memory();
    events();
    others();
}
TG_CASE(abi_answers, "partly or not implemented sub-ops: grant, memory, event channel, others",
        run);
