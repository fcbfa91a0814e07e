/* SPDX-License-Identifier: MIT */
/* Grant tables: frames mapped by add_to_physmap, map/unmap between two domains with
 * GTF_reading/GTF_writing kept in the granter's entry, copy, hostile refs and handles. */
#include "th.h"

#define GTOP    __HYPERVISOR_grant_table_op
#define GNT_GFN 0x3000UL            /* where domU maps its grant frame 0 */
#define MAP_GFN (DOM0_RAM_GFN + 20) /* dom0 IPA receiving the mapping */

/* domU maps grant frame 0 and grants its RAM page 5 to dom0 as ref 8. */
static grant_entry_v1_t *grant_setup(uint16_t flags)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = GNT_GFN};
    grant_entry_v1_t *e;

    gput(domu, SCRATCH(domu), &x, sizeof(x));
    ck_assert_int_eq(
        hc(domu->vcpu[0], __HYPERVISOR_memory_op, XENMEM_add_to_physmap, SCRATCH(domu), 0), 0);
    e = fake_gpa(domu, (GNT_GFN << PAGE_SHIFT) + 8 * sizeof(*e));
    ck_assert_ptr_nonnull(e);
    e->domid = 0;
    e->frame = DOMU_RAM_GFN + 5;
    e->flags = flags;
    return e;
}

/* Grant domU's entry 8 to domain id instead of dom0. */
static void shared_entry_domid(domid_t id)
{
    grant_entry_v1_t *e = fake_gpa(domu, (GNT_GFN << PAGE_SHIFT) + 8 * sizeof(*e));

    e->domid = id;
}

static long map_one(struct gnttab_map_grant_ref *op)
{
    long rc;

    gput(dom0, SCRATCH(dom0), op, sizeof(*op));
    rc = hc(dom0->vcpu[0], GTOP, GNTTABOP_map_grant_ref, SCRATCH(dom0), 1);
    gget(dom0, SCRATCH(dom0), op, sizeof(*op));
    return rc;
}

static long unmap_one(struct gnttab_unmap_grant_ref *op)
{
    long rc;

    gput(dom0, SCRATCH(dom0), op, sizeof(*op));
    rc = hc(dom0->vcpu[0], GTOP, GNTTABOP_unmap_grant_ref, SCRATCH(dom0), 1);
    gget(dom0, SCRATCH(dom0), op, sizeof(*op));
    return rc;
}

START_TEST(map_write_unmap)
{
    grant_entry_v1_t *e = grant_setup(GTF_permit_access);
    struct gnttab_map_grant_ref m = {
        .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_unmap_grant_ref u;
    mfn_t granted = p2m_lookup(domu, DOMU_RAM_GFN + 5, NULL);

    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_uint_eq(m.dev_bus_addr, granted << PAGE_SHIFT);
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_reading | GTF_writing);
    /* dom0 writes through its mapping; domU sees it. */
    memcpy(fake_gpa(dom0, MAP_GFN << PAGE_SHIFT), "hello", 6);
    ck_assert_str_eq(fake_gpa(domu, (DOMU_RAM_GFN + 5) << PAGE_SHIFT), "hello");

    u = (struct gnttab_unmap_grant_ref){.host_addr = MAP_GFN << PAGE_SHIFT, .handle = m.handle};
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_okay);
    ck_assert_uint_eq(e->flags, GTF_permit_access);
    ck_assert_uint_eq(p2m_lookup(dom0, MAP_GFN, NULL), INVALID_MFN);
    /* Double unmap: the handle is gone. */
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_bad_handle);
}
END_TEST

START_TEST(map_hostile)
{
    grant_entry_v1_t *e = grant_setup(GTF_permit_access | GTF_readonly);
    struct gnttab_map_grant_ref m = {
        .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_unmap_grant_ref u = {.handle = 12345};

    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_general_error); /* writable map of a r/o grant */
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_readonly);
    m.flags = GNTMAP_host_map | GNTMAP_readonly;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    u.handle = m.handle;
    u.host_addr = (MAP_GFN + 1) << PAGE_SHIFT; /* wrong address */
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_general_error);
    u.host_addr = MAP_GFN << PAGE_SHIFT;
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_okay);
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_readonly);

    m = (struct gnttab_map_grant_ref){
        .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 1 << 20, .dom = 1};
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_bad_gntref);
    m.ref = 9; /* not granted */
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_general_error);
    m.ref = 8;
    m.dom = 99;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_bad_domain);
    m.dom = 1;
    m.flags = GNTMAP_host_map | GNTMAP_contains_pte;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_general_error);
    m.flags = 0;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_bad_gntref);
    /* Granted to someone else (d5). */
    e->domid = 5;
    m.flags = GNTMAP_host_map | GNTMAP_readonly;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_general_error);
    /* Grant of a frame the granter does not have. */
    e->domid = 0;
    e->frame = 0x7777;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_bad_page);
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_readonly);
    /* Bad handles, bad arrays. */
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_bad_handle);
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_map_grant_ref, BAD_GVA, 1), -EFAULT);
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_map_grant_ref, SCRATCH(dom0), -1UL), -EINVAL);
    /* transfer exists only for x86 PV in Xen; dump_table has no case at all. */
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_transfer, SCRATCH(dom0), 1), -EOPNOTSUPP);
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_transfer, BAD_GVA, 1), -EOPNOTSUPP);
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_dump_table, SCRATCH(dom0), 1), -ENOSYS);
}
END_TEST

static long replace_one(struct gnttab_unmap_and_replace *op)
{
    long rc;

    gput(dom0, SCRATCH(dom0), op, sizeof(*op));
    rc = hc(dom0->vcpu[0], GTOP, GNTTABOP_unmap_and_replace, SCRATCH(dom0), 1);
    gget(dom0, SCRATCH(dom0), op, sizeof(*op));
    return rc;
}

START_TEST(unmap_and_replace)
{
    grant_entry_v1_t *e = grant_setup(GTF_permit_access);
    struct gnttab_map_grant_ref m = {
        .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_unmap_and_replace r = {.host_addr = MAP_GFN << PAGE_SHIFT,
                                         .new_addr = (MAP_GFN + 1) << PAGE_SHIFT};

    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_okay);
    r.handle = m.handle + 7; /* never handed out */
    ck_assert_int_eq(replace_one(&r), 0);
    ck_assert_int_eq(r.status, GNTST_bad_handle);
    /* A replacement address: Xen on Arm refuses, the mapping stays. */
    r.handle = m.handle;
    ck_assert_int_eq(replace_one(&r), 0);
    ck_assert_int_eq(r.status, GNTST_general_error);
    ck_assert_uint_ne(p2m_lookup(dom0, MAP_GFN, NULL), INVALID_MFN);
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_reading | GTF_writing);
    /* new_addr 0: a plain unmap. */
    r.new_addr = 0;
    ck_assert_int_eq(replace_one(&r), 0);
    ck_assert_int_eq(r.status, GNTST_okay);
    ck_assert_uint_eq(p2m_lookup(dom0, MAP_GFN, NULL), INVALID_MFN);
    ck_assert_uint_eq(e->flags, GTF_permit_access);
    ck_assert_int_eq(replace_one(&r), 0);
    ck_assert_int_eq(r.status, GNTST_bad_handle);
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_unmap_and_replace, BAD_GVA, 1), -EFAULT);
}
END_TEST

static long swap(struct vcpu *v, uint32_t a, uint32_t b, int16_t *status)
{
    struct gnttab_swap_grant_ref op = {.ref_a = a, .ref_b = b, .status = 99};
    uint64_t at = SCRATCH(v->domain) + 64;
    long rc;

    gput(v->domain, at, &op, sizeof(op));
    rc = hc(v, GTOP, GNTTABOP_swap_grant_ref, at, 1);
    gget(v->domain, at, &op, sizeof(op));
    *status = op.status;
    return rc;
}

START_TEST(swap_grant_ref)
{
    grant_entry_v1_t *e = grant_setup(GTF_permit_access); /* ref 8 */
    struct gnttab_map_grant_ref m = {
        .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_unmap_grant_ref u;
    grant_entry_v1_t *e9 = e + 1;
    int16_t st;

    e9->domid = 0;
    e9->frame = DOMU_RAM_GFN + 6;
    e9->flags = GTF_permit_access | GTF_readonly;
    ck_assert_int_eq(swap(domu->vcpu[0], 8, 9, &st), 0);
    ck_assert_int_eq(st, GNTST_okay);
    ck_assert_uint_eq(e->frame, DOMU_RAM_GFN + 6);
    ck_assert_uint_eq(e->flags, GTF_permit_access | GTF_readonly);
    ck_assert_uint_eq(e9->frame, DOMU_RAM_GFN + 5);
    ck_assert_uint_eq(e9->flags, GTF_permit_access);
    /* The same ref, bad refs (checked before anything else). */
    ck_assert_int_eq(swap(domu->vcpu[0], 9, 9, &st), 0);
    ck_assert_int_eq(st, GNTST_okay);
    ck_assert_int_eq(swap(domu->vcpu[0], 512, 9, &st), 0);
    ck_assert_int_eq(st, GNTST_bad_gntref);
    ck_assert_int_eq(swap(domu->vcpu[0], 9, 0xffffffffu, &st), 0);
    ck_assert_int_eq(st, GNTST_bad_gntref);
    ck_assert_int_eq(swap(domu->vcpu[0], 600, 600, &st), 0);
    ck_assert_int_eq(st, GNTST_bad_gntref);
    /* Swap back, map ref 8 from dom0: a busy entry is GNTST_eagain either way round. */
    ck_assert_int_eq(swap(domu->vcpu[0], 9, 8, &st), 0);
    ck_assert_int_eq(st, GNTST_okay);
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_okay);
    ck_assert_int_eq(swap(domu->vcpu[0], 8, 9, &st), 0);
    ck_assert_int_eq(st, GNTST_eagain);
    ck_assert_int_eq(swap(domu->vcpu[0], 3, 8, &st), 0);
    ck_assert_int_eq(st, GNTST_eagain);
    ck_assert_uint_eq(e->frame, DOMU_RAM_GFN + 5);
    /* Only the caller's own table: dom0's refs are its own, not domU's. */
    ck_assert_int_eq(swap(dom0->vcpu[0], 8, 9, &st), 0);
    ck_assert_int_eq(st, GNTST_okay);
    ck_assert_uint_eq(e->frame, DOMU_RAM_GFN + 5);
    u = (struct gnttab_unmap_grant_ref){.host_addr = MAP_GFN << PAGE_SHIFT, .handle = m.handle};
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_okay);
    ck_assert_int_eq(swap(domu->vcpu[0], 8, 9, &st), 0);
    ck_assert_int_eq(st, GNTST_okay);
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_swap_grant_ref, BAD_GVA, 1), -EFAULT);
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_swap_grant_ref, SCRATCH(domu), -1UL),
                     -EINVAL);
}
END_TEST

START_TEST(copy_by_ref)
{
    grant_entry_v1_t *e = grant_setup(GTF_permit_access);
    struct gnttab_copy c = {0};

    memcpy(fake_gpa(dom0, (DOM0_RAM_GFN + 3) << PAGE_SHIFT), "payload", 8);
    c.source.u.gmfn = DOM0_RAM_GFN + 3;
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = 8;
    c.dest.domid = 1;
    c.dest.offset = 100;
    c.len = 8;
    c.flags = GNTCOPY_dest_gref;
    gput(dom0, SCRATCH(dom0), &c, sizeof(c));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_copy, SCRATCH(dom0), 1), 0);
    gget(dom0, SCRATCH(dom0), &c, sizeof(c));
    ck_assert_int_eq(c.status, GNTST_okay);
    ck_assert_str_eq((char *)fake_gpa(domu, ((DOMU_RAM_GFN + 5) << PAGE_SHIFT) + 100), "payload");
    ck_assert_uint_eq(e->flags, GTF_permit_access); /* released after the copy */

    c.len = 4000; /* crosses the page end */
    gput(dom0, SCRATCH(dom0), &c, sizeof(c));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_copy, SCRATCH(dom0), 1), 0);
    gget(dom0, SCRATCH(dom0), &c, sizeof(c));
    ck_assert_int_eq(c.status, GNTST_bad_copy_arg);
    c.len = 8;
    c.source.domid = 1; /* by frame, but not our own */
    gput(dom0, SCRATCH(dom0), &c, sizeof(c));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_copy, SCRATCH(dom0), 1), 0);
    gget(dom0, SCRATCH(dom0), &c, sizeof(c));
    ck_assert_int_eq(c.status, GNTST_permission_denied);
}
END_TEST

START_TEST(query_setup_version)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    struct gnttab_set_version sv = {.version = 2};
    struct gnttab_setup_table st = {.dom = 1, .nr_frames = 2};
    xen_pfn_t frames[2];

    gput(domu, SCRATCH(domu), &q, sizeof(q));
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_query_size, SCRATCH(domu), 1), 0);
    gget(domu, SCRATCH(domu), &q, sizeof(q));
    ck_assert_uint_eq(q.nr_frames, 1); /* INITIAL_NR_GRANT_FRAMES, as Xen on Arm */
    grant_setup(GTF_permit_access);
    gput(domu, SCRATCH(domu), &q, sizeof(q));
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_query_size, SCRATCH(domu), 1), 0);
    gget(domu, SCRATCH(domu), &q, sizeof(q));
    ck_assert_int_eq(q.status, GNTST_okay);
    ck_assert_uint_eq(q.nr_frames, 1);
    ck_assert_uint_eq(q.max_nr_frames, DEFAULT_MAX_GRANT_FRAMES);
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_query_size, SCRATCH(domu), 2), -EINVAL);
    q.dom = 0; /* a domU asking about dom0 */
    gput(domu, SCRATCH(domu), &q, sizeof(q));
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_query_size, SCRATCH(domu), 1), 0);
    gget(domu, SCRATCH(domu), &q, sizeof(q));
    ck_assert_int_eq(q.status, GNTST_permission_denied);

    gput(domu, SCRATCH(domu), &sv, sizeof(sv));
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_set_version, SCRATCH(domu), 1), -ENOSYS);
    gget(domu, SCRATCH(domu), &sv, sizeof(sv));
    ck_assert_uint_eq(sv.version, 1); /* the table's version is written back (Xen) */
    sv.version = 1;
    gput(domu, SCRATCH(domu), &sv, sizeof(sv));
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_set_version, SCRATCH(domu), 1), 0);
    sv.version = 3;
    gput(domu, SCRATCH(domu), &sv, sizeof(sv));
    ck_assert_int_eq(hc(domu->vcpu[0], GTOP, GNTTABOP_set_version, SCRATCH(domu), 1), -EINVAL);

    /* dom0 (toolstack) grows domU's table and learns where frames are mapped. */
    set_xen_guest_handle(st.frame_list, (xen_pfn_t *)(SCRATCH(dom0) + 512));
    gput(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_setup_table, SCRATCH(dom0), 1), 0);
    gget(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(st.status, GNTST_okay);
    gget(dom0, SCRATCH(dom0) + 512, frames, sizeof(frames));
    ck_assert_uint_eq(frames[0], GNT_GFN);
    ck_assert_uint_eq(frames[1], INVALID_GFN);
    st.nr_frames = 1000;
    gput(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_setup_table, SCRATCH(dom0), 1), 0);
    gget(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(st.status, GNTST_general_error);
}
END_TEST

START_TEST(cache_flush_probe)
{
    struct gnttab_cache_flush cf = {0};

    /* Linux dom0 probes with op 0: anything but -ENOSYS means "supported". */
    gput(dom0, SCRATCH(dom0), &cf, sizeof(cf));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_cache_flush, SCRATCH(dom0), 1), 0);
    cf.a.dev_bus_addr = (DOM0_RAM_GFN + 2) << PAGE_SHIFT;
    cf.length = 64;
    cf.op = GNTTAB_CACHE_CLEAN;
    gput(dom0, SCRATCH(dom0), &cf, sizeof(cf));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_cache_flush, SCRATCH(dom0), 1), 0);
    ck_assert_uint_eq(fake_flushes, 1);
    cf.offset = 4090; /* beyond the page */
    gput(dom0, SCRATCH(dom0), &cf, sizeof(cf));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_cache_flush, SCRATCH(dom0), 1), -EINVAL);
    cf.offset = 0;
    cf.a.dev_bus_addr = p2m_lookup(domu, DOMU_RAM_GFN, NULL) << PAGE_SHIFT; /* not ours */
    gput(dom0, SCRATCH(dom0), &cf, sizeof(cf));
    ck_assert_int_eq(hc(dom0->vcpu[0], GTOP, GNTTABOP_cache_flush, SCRATCH(dom0), 1), -EPERM);
}
END_TEST

START_TEST(destroy_waits_for_backend)
{
    grant_entry_v1_t *e = grant_setup(GTF_permit_access);
    struct gnttab_map_grant_ref m = {
        .host_addr = MAP_GFN << PAGE_SHIFT, .flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_unmap_grant_ref u;
    uint32_t uport, dport;
    struct evtchn_status st = {.dom = DOMID_SELF};

    ck_assert_int_eq(ev_alloc_unbound(domu->vcpu[0], DOMID_SELF, 0, &uport), 0);
    ck_assert_int_eq(ev_bind_interdomain(dom0->vcpu[0], 1, uport, &dport), 0);
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_okay);
    (void)e;
    /* dom0 still maps domU's page: domU's memory must stay. */
    ck_assert_int_eq(domain_destroy(domu), -EBUSY);
    ck_assert(domu->is_dying);
    /* Its event channels are closed already: dom0's end is unbound again. */
    st.port = dport;
    gput(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(
        hc(dom0->vcpu[0], __HYPERVISOR_event_channel_op, EVTCHNOP_status, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(st.status, EVTCHNSTAT_unbound);
    /* New maps of a dying domain's grants are refused. */
    m.host_addr = (MAP_GFN + 1) << PAGE_SHIFT;
    ck_assert_int_eq(map_one(&m), 0);
    ck_assert_int_eq(m.status, GNTST_general_error);
    /* The backend unmaps; now the domain goes. */
    u = (struct gnttab_unmap_grant_ref){.host_addr = MAP_GFN << PAGE_SHIFT, .handle = 0};
    ck_assert_int_eq(unmap_one(&u), 0);
    ck_assert_int_eq(u.status, GNTST_okay);
    ck_assert_int_eq(domain_destroy(domu), 0);
    ck_assert_ptr_null(domain_lookup(1));
    domu = NULL;
}
END_TEST

TCase *tcase_grants(void)
{
    TCase *tc = tcase_create("grant_table");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, map_write_unmap);
    tcase_add_test(tc, map_hostile);
    tcase_add_test(tc, unmap_and_replace);
    tcase_add_test(tc, swap_grant_ref);
    tcase_add_test(tc, copy_by_ref);
    tcase_add_test(tc, query_setup_version);
    tcase_add_test(tc, cache_flush_probe);
    tcase_add_test(tc, destroy_waits_for_backend);
    return tc;
}

/* XSM SILO (Xen on Arm's default, what Debian's Xen runs): two unprivileged domains may
 * not share event channels or grants; each may with dom0. */
START_TEST(silo_between_domus)
{
    struct domain *d2 = domain_create(2, false, 1);
    struct vcpu *v2;
    uint32_t p;
    struct gnttab_map_grant_ref m = {.flags = GNTMAP_host_map, .ref = 8, .dom = 1};
    struct gnttab_copy c = {0};

    ck_assert_ptr_nonnull(d2);
    v2 = vcpu_create(d2, 0);
    fake_populate(d2, DOMU_RAM_GFN, 4); /* so SCRATCH(d2) is mapped */
    grant_setup(GTF_permit_access);
    shared_entry_domid(2);

    ck_assert_int_eq(ev_alloc_unbound(domu->vcpu[0], DOMID_SELF, 2, &p), -EPERM);
    ck_assert_int_eq(ev_alloc_unbound(domu->vcpu[0], DOMID_SELF, 99, &p), -ESRCH);
    ck_assert_int_eq(ev_alloc_unbound(domu->vcpu[0], DOMID_SELF, 0, &p), 0);
    /* dom0 may set up a channel between the two, but they cannot bind it themselves. */
    ck_assert_int_eq(ev_alloc_unbound(dom0->vcpu[0], 1, 2, &p), 0);
    ck_assert_int_eq(ev_bind_interdomain(v2, 1, p, NULL), -EPERM);

    m.host_addr = (DOMU_RAM_GFN + 3) << PAGE_SHIFT;
    gput(d2, SCRATCH(d2), &m, sizeof(m));
    ck_assert_int_eq(hc(v2, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, SCRATCH(d2), 1),
                     0);
    gget(d2, SCRATCH(d2), &m, sizeof(m));
    ck_assert_int_eq(m.status, GNTST_permission_denied);

    c.source.u.gmfn = DOMU_RAM_GFN + 1;
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = 8;
    c.dest.domid = 1;
    c.len = 8;
    c.flags = GNTCOPY_dest_gref;
    gput(d2, SCRATCH(d2), &c, sizeof(c));
    ck_assert_int_eq(hc(v2, __HYPERVISOR_grant_table_op, GNTTABOP_copy, SCRATCH(d2), 1), 0);
    gget(d2, SCRATCH(d2), &c, sizeof(c));
    ck_assert_int_eq(c.status, GNTST_permission_denied);
    ck_assert_int_eq(domain_destroy(d2), 0);
}
END_TEST

TCase *tcase_silo(void)
{
    TCase *tc = tcase_create("silo");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, silo_between_domus);
    return tc;
}
