/* SPDX-License-Identifier: MIT */
/* domctl / sysctl as a toolstack uses them to build a domain, and their hostile cases. */
#include "th.h"

#include <hv/toolstack.h>

static long domctl_as(struct vcpu *v, struct xen_domctl *op)
{
    long rc;

    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    gput(dom0, SCRATCH(dom0) + 3072, op, sizeof(*op));
    rc = hc(v, __HYPERVISOR_domctl, SCRATCH(dom0) + 3072, 0, 0);
    gget(dom0, SCRATCH(dom0) + 3072, op, sizeof(*op));
    return rc;
}

static long domctl(struct xen_domctl *op)
{
    return domctl_as(dom0->vcpu[0], op);
}

static long sysctl(struct xen_sysctl *op)
{
    long rc;

    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    gput(dom0, SCRATCH(dom0), op, sizeof(*op));
    rc = hc(dom0->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(dom0), 0, 0);
    gget(dom0, SCRATCH(dom0), op, sizeof(*op));
    return rc;
}

static struct xen_domctl create_op(domid_t dom, uint32_t vcpus)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain, .domain = dom};

    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op.u.createdomain.max_vcpus = vcpus;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 32;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = 1;
    op.u.createdomain.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
    op.u.createdomain.handle[0] = 0xab;
    return op;
}

START_TEST(build_a_domain)
{
    struct xen_domctl op = create_op(0, 2);
    struct vcpu_guest_context ctx = {.flags = VGCF_online};
    struct domain *d;
    domid_t id;

    /* createdomain picks a free id (1 is domu's) and returns the chosen GIC. */
    ck_assert_int_eq(domctl(&op), 0);
    id = op.domain;
    ck_assert_uint_eq(id, 2);
    ck_assert_uint_eq(op.u.createdomain.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);
    d = domain_lookup(id);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->evtchn.max_port, 1023);
    ck_assert_uint_eq(gnttab_max_frames(d), 32);
    ck_assert_uint_eq(d->handle[0], 0xab);

    /* max_mem, max_vcpus, a vCPU context, unpause: it runs. */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_max_mem, .domain = id};
    op.u.max_mem.max_memkb = 64 * 4;
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_uint_eq(d->max_pages, 64);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_max_vcpus, .domain = id};
    op.u.max_vcpus.max = 2;
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_ptr_nonnull(d->vcpu[1]);
    op.u.max_vcpus.max = 3;
    ck_assert_int_eq(domctl(&op), -EINVAL);

    ctx.user_regs.cpsr = 0x3c5;
    ctx.user_regs.pc64 = 0x40080000;
    ctx.user_regs.x0 = 0x48000000; /* DTB */
    gput(dom0, SCRATCH(dom0) + 1024, &ctx, sizeof(ctx));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_setvcpucontext, .domain = id};
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (vcpu_guest_context_t *)(SCRATCH(dom0) + 1024));
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(d->vcpu[0]->online);
    ck_assert_uint_eq(d->vcpu[0]->arch.pc, 0x40080000);
    ck_assert(d->arch.paused); /* still paused after the context change */

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo, .domain = id};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
    ck_assert_uint_eq(op.u.getdomaininfo.nr_online_vcpus, 1);
    ck_assert_uint_eq(op.u.getdomaininfo.max_vcpu_id, 1);
    ck_assert_uint_eq(op.u.getdomaininfo.cpu_time, 2000); /* the fake: 1 us per vCPU */
    ck_assert_uint_eq(op.u.getdomaininfo.max_pages, 64);

    op = (struct xen_domctl){.cmd = XEN_DOMCTL_unpausedomain, .domain = id};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(!d->arch.paused);
    ck_assert_int_eq(domctl(&op), -EINVAL); /* not paused any more */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo, .domain = id};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(op.u.getdomaininfo.flags & XEN_DOMINF_running);
    ck_assert(!(op.u.getdomaininfo.flags & XEN_DOMINF_paused));

    /* pause / unpause nest. */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_pausedomain, .domain = id};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_int_eq(domctl(&op), 0);
    op.cmd = XEN_DOMCTL_unpausedomain;
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(d->arch.paused);
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(!d->arch.paused);

    /* destroy */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_destroydomain, .domain = id};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_ptr_null(domain_lookup(id));
    ck_assert_int_eq(domctl(&op), -ESRCH);
}
END_TEST

START_TEST(domctl_hostile)
{
    struct xen_domctl op = create_op(1, 1); /* id taken */
    struct vcpu_guest_context ctx = {.flags = VGCF_online, .user_regs.cpsr = 0x3ca};

    ck_assert_int_eq(domctl(&op), -EEXIST);
    op = create_op(0, 0);
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op = create_op(0, 1);
    op.u.createdomain.flags = 0; /* PV: not on Arm */
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op = create_op(0, 1);
    op.u.createdomain.grant_opts = 2;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op = create_op(0, 1);
    op.u.createdomain.max_grant_frames = 100000;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op = create_op(0, 1);
    op.u.createdomain.arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V2; /* arch refuses */
    ck_assert_int_eq(domctl(&op), -EINVAL);
    ck_assert_ptr_null(domain_lookup(2)); /* nothing left behind */

    /* Wrong interface version, unknown domain, unknown command, bad pointer. */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_max_mem, .domain = 1};
    gput(dom0, SCRATCH(dom0), &op, sizeof(op));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_domctl, SCRATCH(dom0), 0, 0), -EACCES);
    op.domain = 77;
    ck_assert_int_eq(domctl(&op), -ESRCH);
    op = (struct xen_domctl){.cmd = 9999, .domain = 1};
    ck_assert_int_eq(domctl(&op), -ENOSYS);
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_domctl, BAD_GVA, 0, 0), -EFAULT);
    /* dom0 may not pause or set contexts of itself; a domU may not domctl at all. */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_pausedomain, .domain = 0};
    ck_assert_int_eq(domctl(&op), -EINVAL);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_domctl, SCRATCH(domu), 0, 0), -EPERM);
    /* Bad vCPU contexts. */
    gput(dom0, SCRATCH(dom0) + 1024, &ctx, sizeof(ctx));
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_setvcpucontext, .domain = 1};
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (vcpu_guest_context_t *)(SCRATCH(dom0) + 1024));
    ck_assert_int_eq(domctl(&op), -EINVAL); /* EL2h PSR refused by the arch */
    ck_assert(!domu->vcpu[0]->online);
    op.u.vcpucontext.vcpu = 5;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (vcpu_guest_context_t *)BAD_GVA);
    ck_assert_int_eq(domctl(&op), -EFAULT);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_getvcpuinfo, .domain = 1};
    op.u.getvcpuinfo.vcpu = 9;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_cacheflush, .domain = 1};
    op.u.cacheflush.start_pfn = ~0ULL - 1;
    op.u.cacheflush.nr_pfns = 4;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op.u.cacheflush.start_pfn = DOMU_RAM_GFN;
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_uint_eq(fake_flushes, 4);
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_set_address_size, .domain = 1};
    op.u.address_size.size = 32;
    ck_assert_int_eq(domctl(&op), -EINVAL);
}
END_TEST

START_TEST(zombie_until_unmapped)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_destroydomain, .domain = 1};
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .gpfn = 0x3000};
    struct gnttab_map_grant_ref m = {.host_addr = (DOM0_RAM_GFN + 20) << PAGE_SHIFT,
                                     .flags = GNTMAP_host_map,
                                     .ref = 8,
                                     .dom = 1};
    struct gnttab_unmap_grant_ref u = {.host_addr = (DOM0_RAM_GFN + 20) << PAGE_SHIFT};
    grant_entry_v1_t *e;
    struct xen_sysctl s = {.cmd = XEN_SYSCTL_getdomaininfolist};

    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_memory_op, XENMEM_add_to_physmap, SCRATCH(domu), 0), 0);
    e = fake_gpa(domu, (0x3000UL << PAGE_SHIFT) + 8 * sizeof(*e));
    e->domid = 0;
    e->frame = DOMU_RAM_GFN + 5;
    e->flags = GTF_permit_access;
    gput(dom0, SCRATCH(dom0) + 2048, &m, sizeof(m));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
                        SCRATCH(dom0) + 2048, 1),
                     0);
    gget(dom0, SCRATCH(dom0) + 2048, &m, sizeof(m));
    ck_assert_int_eq(m.status, GNTST_okay);

    /* Destroy succeeds but the domain stays, dying, while dom0 maps its page. */
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_ptr_nonnull(domain_lookup(1));
    ck_assert(domain_lookup(1)->arch.paused); /* never runs again */
    ck_assert_int_eq(domctl(&op), 0);         /* destroy again: still waiting */
    op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo, .domain = 1};
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(op.u.getdomaininfo.flags & XEN_DOMINF_dying);

    /* The backend unmaps; the next toolstack call reaps it. */
    u.handle = m.handle;
    gput(dom0, SCRATCH(dom0) + 2048, &u, sizeof(u));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
                        SCRATCH(dom0) + 2048, 1),
                     0);
    s.u.getdomaininfolist.max_domains = 8;
    set_xen_guest_handle(s.u.getdomaininfolist.buffer,
                         (xen_domctl_getdomaininfo_t *)(SCRATCH(dom0) + 1024));
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(s.u.getdomaininfolist.num_domains, 1); /* dom0 only */
    ck_assert_ptr_null(domain_lookup(1));
    domu = NULL;
}
END_TEST

START_TEST(sysctl_queries)
{
    struct xen_sysctl s = {.cmd = XEN_SYSCTL_physinfo};
    struct xen_domctl_getdomaininfo info[2];

    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(s.u.physinfo.nr_cpus, 2);
    ck_assert(s.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hap);
    ck_assert_uint_eq(s.u.physinfo.total_pages, FAKE_FRAMES);

    s = (struct xen_sysctl){.cmd = XEN_SYSCTL_getdomaininfolist};
    s.u.getdomaininfolist.max_domains = 2;
    set_xen_guest_handle(s.u.getdomaininfolist.buffer,
                         (xen_domctl_getdomaininfo_t *)(SCRATCH(dom0) + 1024));
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(s.u.getdomaininfolist.num_domains, 2);
    gget(dom0, SCRATCH(dom0) + 1024, info, sizeof(info));
    ck_assert_uint_eq(info[0].domain, 0); /* sorted by domid */
    ck_assert_uint_eq(info[1].domain, 1);
    ck_assert_uint_eq(info[1].tot_pages, RAM_PAGES);
    s.u.getdomaininfolist.first_domain = 1;
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(s.u.getdomaininfolist.num_domains, 1);
    set_xen_guest_handle(s.u.getdomaininfolist.buffer, (xen_domctl_getdomaininfo_t *)BAD_GVA);
    ck_assert_int_eq(sysctl(&s), -EFAULT);

    s = (struct xen_sysctl){.cmd = XEN_SYSCTL_sched_id};
    ck_assert_int_eq(sysctl(&s), 0);
    ck_assert_uint_eq(s.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT); /* sched_rr stands in */
    s = (struct xen_sysctl){.cmd = XEN_SYSCTL_cpupool_op};          /* not in Tern */
    ck_assert_int_eq(sysctl(&s), -ENOSYS);
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(domu), 0, 0), -EPERM);

    /* getdomaininfo of a missing id gives the next domain up (xc_domain_getinfo). */
    {
        struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = 0};

        ck_assert_int_eq(domain_destroy(domu), 0);
        domu = NULL;
        op.domain = 1;
        ck_assert_int_eq(domctl(&op), -ESRCH);
        op.domain = DOMID_SELF;
        ck_assert_int_eq(domctl(&op), -EINVAL);
    }
}
END_TEST

/* dom0's vCPU 1 destroys domU while domU's vCPU 0 is inside a hypercall (SCHEDOP_yield):
 * the domain leaves the list at once, but its memory and id wait until that hypercall
 * is over. */
static void destroy_domu_from_dom0_vcpu1(void)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_destroydomain, .domain = 1};
    struct vcpu *saved = fake_current;

    fake_yield_hook = NULL;
    ck_assert_int_eq(domctl_as(dom0->vcpu[1], &op), 0);
    ck_assert_ptr_null(domain_lookup(1));
    ck_assert(domid_in_use(1)); /* still in the graveyard */
    fake_current = saved;
}

START_TEST(destroy_while_in_hypercall)
{
    struct xen_domctl op;
    unsigned int free_before = fake_free_frames();

    fake_yield_hook = destroy_domu_from_dom0_vcpu1;
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
    /* Only the detached event-channel bucket went; domU's RAM is still there. */
    ck_assert_uint_lt(fake_free_frames(), free_before + RAM_PAGES);
    op = create_op(1, 1);
    ck_assert_int_eq(domctl(&op), 0); /* the next toolstack call reaps it first */
    ck_assert_uint_eq(op.domain, 1);
    ck_assert_uint_gt(fake_free_frames(), free_before + RAM_PAGES - 8); /* old RAM back */
    domu = domain_lookup(1); /* the new d1, destroyed by the teardown */
}
END_TEST

/* Issue 13: getvcpucontext on dom0's own vCPU 1 paused all of dom0, the caller included,
 * and the machine hung.  As Xen 4.17: only that vCPU is paused, the caller's own vCPU is
 * refused, and no domctl ever waits for the caller's domain to stop. */
START_TEST(no_self_pause)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getvcpucontext, .domain = 0};
    struct vcpu_guest_context ctx;
    uint32_t cmd;

    op.u.vcpucontext.vcpu = 1;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (vcpu_guest_context_t *)(SCRATCH(dom0) + 1024));
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert(!dom0->arch.self_paused);
    ck_assert(!dom0->arch.paused);
    ck_assert_uint_eq(dom0->pause_count, 0);
    ck_assert_uint_eq(dom0->vcpu[1]->arch.vcpu_pauses, 1);
    ck_assert_uint_eq(dom0->vcpu[1]->arch.vcpu_unpauses, 1);
    ck_assert_uint_eq(dom0->vcpu[1]->pause_count, 0);
    gget(dom0, SCRATCH(dom0) + 1024, &ctx, sizeof(ctx));
    /* The caller's own vCPU: -EINVAL (Xen: "no vcpu_pause()"), nothing paused. */
    op.u.vcpucontext.vcpu = 0;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    ck_assert_uint_eq(dom0->vcpu[0]->arch.vcpu_pauses, 0);
    /* From vCPU 1, vCPU 0 may be read. */
    ck_assert_int_eq(domctl_as(dom0->vcpu[1], &op), 0);
    ck_assert_uint_eq(dom0->vcpu[0]->arch.vcpu_pauses, 1);

    /* Every domctl on the caller's own domain, with an empty payload: none may wait for
     * the caller to stop (the fake arch records what would hang on hardware). */
    for (cmd = 0; cmd < 128; cmd++) {
        if (cmd == XEN_DOMCTL_createdomain)
            continue;
        op = (struct xen_domctl){.cmd = cmd, .domain = 0};
        domctl(&op);
        ck_assert_msg(!dom0->arch.self_paused, "domctl %u paused its caller's domain", cmd);
        op = (struct xen_domctl){.cmd = cmd, .domain = DOMID_SELF};
        domctl(&op);
        ck_assert_msg(!dom0->arch.self_paused, "domctl %u (DOMID_SELF) paused its caller", cmd);
    }
    ck_assert_uint_eq(dom0->pause_count, 0);
    ck_assert(dom0->vcpu[0]->pause_count == 0 && dom0->vcpu[1]->pause_count == 0);
}
END_TEST

/* A toolstack call finding the lock taken (another dom0 vCPU in a domctl, perhaps
 * waiting for this vCPU to stop) does not spin: -ERESTART, the HVC is re-issued. */
/* XEN_DOMCTL_setnodeaffinity / getnodeaffinity with Xen on Arm's one node: a map that
 * holds node 0 is taken, one without it (or empty) is -EINVAL; get reports {0} over the
 * caller's whole buffer. */
START_TEST(node_affinity)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_setnodeaffinity, .domain = 1};
    uint8_t map[4] = {0xff, 0xff, 0xff, 0xff};

    set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, (uint8_t *)(SCRATCH(dom0) + 2048));
    op.u.nodeaffinity.nodemap.nr_bits = 32;
    gput(dom0, SCRATCH(dom0) + 2048, map, sizeof(map));
    ck_assert_int_eq(domctl(&op), 0); /* libxl's "all nodes" */
    map[0] = 0x02;
    gput(dom0, SCRATCH(dom0) + 2048, map, sizeof(map));
    ck_assert_int_eq(domctl(&op), -EINVAL); /* node 1 only: not online */
    op.u.nodeaffinity.nodemap.nr_bits = 0;
    ck_assert_int_eq(domctl(&op), -EINVAL);
    op.u.nodeaffinity.nodemap.nr_bits = 8;
    set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, (uint8_t *)BAD_GVA);
    ck_assert_int_eq(domctl(&op), -EFAULT);

    op.cmd = XEN_DOMCTL_getnodeaffinity;
    set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, (uint8_t *)(SCRATCH(dom0) + 2048));
    op.u.nodeaffinity.nodemap.nr_bits = 20;
    ck_assert_int_eq(domctl(&op), 0);
    gget(dom0, SCRATCH(dom0) + 2048, map, sizeof(map));
    ck_assert_uint_eq(map[0], 0x01);
    ck_assert_uint_eq(map[1], 0);
    ck_assert_uint_eq(map[2], 0);
    ck_assert_uint_eq(map[3], 0xff); /* beyond the 3 bytes of 20 bits: untouched */
    op.domain = 77;
    ck_assert_int_eq(domctl(&op), -ESRCH);
}
END_TEST

START_TEST(toolstack_lock_busy_restarts)
{
    struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = 1};
    struct xen_sysctl sop = {.cmd = XEN_SYSCTL_physinfo};

    ck_assert(toolstack_lock_acquire());
    ck_assert(!toolstack_lock_acquire());
    ck_assert_int_eq(domctl(&op), -ERESTART);
    ck_assert_int_eq(sysctl(&sop), -ERESTART);
    spin_unlock(&toolstack_lock);
    ck_assert_int_eq(domctl(&op), 0);
    ck_assert_int_eq(sysctl(&sop), 0);
}
END_TEST

TCase *tcase_toolstack(void)
{
    TCase *tc = tcase_create("toolstack");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, build_a_domain);
    tcase_add_test(tc, domctl_hostile);
    tcase_add_test(tc, zombie_until_unmapped);
    tcase_add_test(tc, sysctl_queries);
    tcase_add_test(tc, destroy_while_in_hypercall);
    tcase_add_test(tc, no_self_pause);
    tcase_add_test(tc, toolstack_lock_busy_restarts);
    tcase_add_test(tc, node_affinity);
    return tc;
}
