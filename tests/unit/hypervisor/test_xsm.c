/* SPDX-License-Identifier: MIT */
/* The inter-domain policy (hv/xsm.h): xsm= names, and two domUs under xsm=dummy binding
 * an event channel to each other, sending both ways, mapping and copying each other's
 * grants — everything SILO refuses (tcase_silo in test_grants.c). */
#include "th.h"

#include <hv/xsm.h>

#define GTOP        __HYPERVISOR_grant_table_op
#define GNT_GFN     0x3000UL            /* where domU maps its grant frame 0 */
#define HOLE_GFN    (DOMU_RAM_GFN + 10) /* unpopulated in d2: receives the mapping */
#define XSM_WORD(s) (s), (sizeof(s) - 1)

static struct domain *d2;

static void xsm_setup(void)
{
    th_setup();
    d2 = domain_create(2, false, 1);
    ck_assert_ptr_nonnull(d2);
    ck_assert_ptr_nonnull(vcpu_create(d2, 0));
    fake_populate(d2, DOMU_RAM_GFN, 4);
}

static void xsm_teardown(void)
{
    ck_assert_int_eq(xsm_select(XSM_WORD("silo")), 0);
    ck_assert_int_eq(domain_destroy(d2), 0);
    th_teardown();
}

/* domU (1) grants its RAM page 5 to d2 as ref 8. */
static void grant_to_d2(uint16_t flags)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = GNT_GFN};
    grant_entry_v1_t *e;

    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_memory_op, XENMEM_add_to_physmap, SCRATCH(domu), 0), 0);
    e = fake_gpa(domu, (GNT_GFN << PAGE_SHIFT) + 8 * sizeof(*e));
    ck_assert_ptr_nonnull(e);
    e->domid = 2;
    e->frame = DOMU_RAM_GFN + 5;
    e->flags = flags;
}

/* One grant op from d2 (count 1), its struct read back; returns the hypercall result. */
static long d2_gnttab(unsigned int cmd, void *op, size_t size)
{
    long rc;

    gput(d2, SCRATCH(d2), op, size);
    rc = hc(d2->vcpu[0], GTOP, cmd, SCRATCH(d2), 1);
    gget(d2, SCRATCH(d2), op, size);
    return rc;
}

START_TEST(xsm_names)
{
    ck_assert_str_eq(xsm->name, "silo"); /* the default, as Xen on Arm */
    ck_assert_int_eq(xsm_select(XSM_WORD("flask")), -EOPNOTSUPP);
    ck_assert_int_eq(xsm_select(XSM_WORD("dumm")), -EINVAL);
    ck_assert_int_eq(xsm_select(XSM_WORD("dummyx")), -EINVAL);
    ck_assert_int_eq(xsm_select("", 0), -EINVAL);
    ck_assert_str_eq(xsm->name, "silo"); /* a refused name changes nothing */
    /* The command line hands over the word, not a terminated string. */
    ck_assert_int_eq(xsm_select("dummy loglvl=all", 5), 0);
    ck_assert_str_eq(xsm->name, "dummy");
    ck_assert_int_eq(xsm_select(XSM_WORD("silo")), 0);
    ck_assert_str_eq(xsm->name, "silo");
}
END_TEST

START_TEST(dummy_evtchn_between_domus)
{
    struct vcpu *v1 = domu->vcpu[0], *v2 = d2->vcpu[0];
    uint32_t p1, p2, pa, pb;

    ck_assert_int_eq(xsm_select(XSM_WORD("dummy")), 0);
    /* d2 offers a port to domU; domU binds it. */
    ck_assert_int_eq(ev_alloc_unbound(v2, DOMID_SELF, 1, &p2), 0);
    ck_assert_int_eq(ev_bind_interdomain(v1, 2, p2, &p1), 0);
    ck_assert(ev_pending(domu, p1)); /* the binding end is pending at once, as Xen */
    domu->shared_info->evtchn_pending[p1 / 64] = 0;
    /* Events flow both ways. */
    ck_assert_int_eq(ev_port_op(v1, EVTCHNOP_send, p1), 0);
    ck_assert(ev_pending(d2, p2));
    ck_assert_int_eq(ev_port_op(v2, EVTCHNOP_send, p2), 0);
    ck_assert(ev_pending(domu, p1));
    /* Xen's dummy module does not look the remote domain up: an offer to a domain that
     * does not exist (yet) is made; SILO refuses it with -ESRCH. */
    ck_assert_int_eq(ev_alloc_unbound(v1, DOMID_SELF, 99, &pa), 0);
    /* Still only for oneself: a domU cannot make ports in another domain. */
    ck_assert_int_eq(ev_alloc_unbound(v1, 2, 1, &pb), -EPERM);
    /* The same under SILO: refused. */
    ck_assert_int_eq(xsm_select(XSM_WORD("silo")), 0);
    ck_assert_int_eq(ev_alloc_unbound(v2, DOMID_SELF, 1, &pa), -EPERM);
    ck_assert_int_eq(ev_alloc_unbound(v1, DOMID_SELF, 99, &pa), -ESRCH);
    ck_assert_int_eq(ev_alloc_unbound(v1, DOMID_SELF, 1, &pa), 0);
    ck_assert_int_eq(ev_alloc_unbound(v1, DOMID_SELF, 2, &pb), -EPERM);
    /* A port offered under dummy cannot be bound once SILO is in force. */
    ck_assert_int_eq(xsm_select(XSM_WORD("dummy")), 0);
    ck_assert_int_eq(ev_alloc_unbound(v1, DOMID_SELF, 2, &pb), 0);
    ck_assert_int_eq(xsm_select(XSM_WORD("silo")), 0);
    ck_assert_int_eq(ev_bind_interdomain(v2, 1, pb, NULL), -EPERM);
}
END_TEST

START_TEST(dummy_grants_between_domus)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = HOLE_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_unmap_grant_ref u;
    struct gnttab_copy c = {0};
    char *granted = fake_gpa(domu, (DOMU_RAM_GFN + 5) << PAGE_SHIFT);

    grant_to_d2(GTF_permit_access);
    ck_assert_int_eq(xsm_select(XSM_WORD("dummy")), 0);
    /* d2 maps domU's grant and writes through it. */
    ck_assert_int_eq(d2_gnttab(GNTTABOP_map_grant_ref, &m, sizeof(m)), 0);
    ck_assert_int_eq(m.status, GNTST_okay);
    memcpy(fake_gpa(d2, HOLE_GFN << PAGE_SHIFT), "from d2", 8);
    ck_assert_str_eq(granted, "from d2");
    u = (struct gnttab_unmap_grant_ref){.host_addr = HOLE_GFN << PAGE_SHIFT, .handle = m.handle};
    ck_assert_int_eq(d2_gnttab(GNTTABOP_unmap_grant_ref, &u, sizeof(u)), 0);
    ck_assert_int_eq(u.status, GNTST_okay);

    /* d2 copies its own page 1 into the grant, then reads the grant back into page 2. */
    memcpy(fake_gpa(d2, (DOMU_RAM_GFN + 1) << PAGE_SHIFT), "copied", 7);
    c.source.u.gmfn = DOMU_RAM_GFN + 1;
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = 8;
    c.dest.domid = 1;
    c.len = 7;
    c.flags = GNTCOPY_dest_gref;
    ck_assert_int_eq(d2_gnttab(GNTTABOP_copy, &c, sizeof(c)), 0);
    ck_assert_int_eq(c.status, GNTST_okay);
    ck_assert_str_eq(granted, "copied");
    c = (struct gnttab_copy){.source.u.ref = 8,
                             .source.domid = 1,
                             .len = 7,
                             .dest.u.gmfn = DOMU_RAM_GFN + 2,
                             .dest.domid = DOMID_SELF,
                             .flags = GNTCOPY_source_gref};
    ck_assert_int_eq(d2_gnttab(GNTTABOP_copy, &c, sizeof(c)), 0);
    ck_assert_int_eq(c.status, GNTST_okay);
    ck_assert_str_eq(fake_gpa(d2, (DOMU_RAM_GFN + 2) << PAGE_SHIFT), "copied");

    /* Under SILO the same ops are refused; the copy is refused before any ref is looked
     * at (Xen checks the two domains first): a bad ref still answers permission_denied. */
    ck_assert_int_eq(xsm_select(XSM_WORD("silo")), 0);
    m.status = 0;
    ck_assert_int_eq(d2_gnttab(GNTTABOP_map_grant_ref, &m, sizeof(m)), 0);
    ck_assert_int_eq(m.status, GNTST_permission_denied);
    c.source.u.ref = 100000;
    ck_assert_int_eq(d2_gnttab(GNTTABOP_copy, &c, sizeof(c)), 0);
    ck_assert_int_eq(c.status, GNTST_permission_denied);
    c.source.domid = 99; /* no such domain: that comes first */
    ck_assert_int_eq(d2_gnttab(GNTTABOP_copy, &c, sizeof(c)), 0);
    ck_assert_int_eq(c.status, GNTST_bad_domain);
    /* Nothing was left pinned by the refused ops. */
    ck_assert_uint_eq(
        ((grant_entry_v1_t *)fake_gpa(domu, (GNT_GFN << PAGE_SHIFT) + 8 * sizeof(grant_entry_v1_t)))
            ->flags,
        GTF_permit_access);
}
END_TEST

TCase *tcase_xsm(void)
{
    TCase *tc = tcase_create("xsm");

    tcase_add_checked_fixture(tc, xsm_setup, xsm_teardown);
    tcase_add_test(tc, xsm_names);
    tcase_add_test(tc, dummy_evtchn_between_domus);
    tcase_add_test(tc, dummy_grants_between_domus);
    return tc;
}
