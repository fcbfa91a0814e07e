/*
 * GNTTABOP_query_size, setup_table, get_version, set_version on Arm (v1 only there:
 * GNTTAB_MAX_VERSION 1), for this domain, for dom0 (refused), with bad counts and buffers.
 * Xen: xen/common/grant_table.c gnttab_query_size / gnttab_setup_table / gnttab_set_version.
 */
#include <tg/gnttab.h>
#include <tg/test.h>

static void run(void)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};

    tg_expect_rc("query_size", hyp_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    tg_expect_rc("query_status", q.status, GNTST_okay);
    tg_value("nr_frames", q.nr_frames);
    tg_value("max_nr_frames", q.max_nr_frames);
    q.dom = 0;
    tg_expect_rc("query_dom0", hyp_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    tg_expect_rc("query_dom0_status", q.status, GNTST_permission_denied);
    q.dom = DOMID_INVALID;
    hyp_grant_table_op(GNTTABOP_query_size, &q, 1);
    tg_expect_rc("query_bad_dom_status", q.status, GNTST_bad_domain);
    tg_expect_rc("query_count2", hyp_grant_table_op(GNTTABOP_query_size, &q, 2), XEN_ERR(EINVAL));
    tg_expect_rc("query_unmapped", hyp_grant_table_op(GNTTABOP_query_size, (void *)0xC0000000UL, 1),
                 XEN_ERR(EFAULT));

    struct gnttab_get_version gv = {.dom = DOMID_SELF};
    tg_expect_rc("get_version", hyp_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    tg_expect_rc("version", gv.version, 1);
    gv.dom = 0;
    tg_expect_rc("get_version_dom0", hyp_grant_table_op(GNTTABOP_get_version, &gv, 1),
                 XEN_ERR(EPERM));
    struct gnttab_set_version sv = {.version = 1};
    tg_expect_rc("set_version_1", hyp_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    sv.version = 2;
    tg_value("set_version_2", hyp_grant_table_op(GNTTABOP_set_version, &sv, 1));
    tg_value("version_after", sv.version);
    sv.version = 3;
    tg_value("set_version_3", hyp_grant_table_op(GNTTABOP_set_version, &sv, 1));

    /* setup_table: frame numbers of this domain's grant frames (gfns on Arm) */
    xen_pfn_t frames[2] = {0, 0};
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    set_xen_guest_handle(st.frame_list, frames);
    tg_expect_rc("setup_table", hyp_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    tg_expect_rc("setup_status", st.status, GNTST_okay);
    tg_value("setup_frame0_is_region", frames[0] == gnttab_base_gfn);
    st.nr_frames = 100000;
    tg_expect_rc("setup_too_many", hyp_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    tg_expect_rc("setup_too_many_status", st.status, GNTST_general_error);
    st.nr_frames = 1;
    st.dom = 0;
    tg_expect_rc("setup_dom0", hyp_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    tg_expect_rc("setup_dom0_status", st.status, GNTST_permission_denied);
    st.dom = DOMID_SELF;
    set_xen_guest_handle(st.frame_list, (xen_pfn_t *)0xC0000000UL);
    tg_value("setup_unmapped_list", hyp_grant_table_op(GNTTABOP_setup_table, &st, 1));

    tg_expect_rc("unknown_op", hyp_grant_table_op(99, &q, 1), XEN_ERR(ENOSYS));
    tg_expect_rc("query_count0", hyp_grant_table_op(GNTTABOP_query_size, &q, 0), XEN_ERR(EINVAL));
}
TG_CASE(gnttab_query, "query_size/setup_table/get+set_version: self, dom0, bad counts", run);
