/*
 * memory_op sub-ops Xen 4.17 on Arm answers though it implements them partly or not at all,
 * as a domU sees them: claim_pages (dom0 only), exchange (steal_page fails on Arm),
 * get_vnumainfo (no vNUMA), reserved_device_memory_map (none), the sharing counters (0),
 * an x86 op.  Xen: xen/common/memory.c, xen/arch/arm/mm.c.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* struct xen_reserved_device_memory_map */
#endif

#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>

static void run(void)
{
    struct xen_memory_reservation c = {.nr_extents = 100000, .domid = tg_env.self};
    uint64_t *page = alloc_page();
    xen_pfn_t in_gfn, out_gfn = 0;
    struct xen_memory_exchange x = {0};
    struct xen_vnuma_topology_info v = {.domid = DOMID_SELF};
    struct xen_reserved_device_memory_map m = {.flags = XENMEM_RDM_ALL, .nr_entries = 3};

    if (!tg_env.self_known) {
        tg_skip("needs the own domid");
        return;
    }
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

TG_CASE(abi_memory_ops, "memory claim_pages, exchange, get_vnumainfo, reserved map, sharing", run);
