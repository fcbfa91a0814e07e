/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "th.h"

struct domain *dom0, *domu;
static unsigned int frames_before;

void th_setup(void)
{
    frames_before = fake_free_frames();
    dom0 = domain_create(0, true, 2);
    domu = domain_create(1, false, 2);
    ck_assert_ptr_nonnull(dom0);
    ck_assert_ptr_nonnull(domu);
    ck_assert_ptr_nonnull(vcpu_create(dom0, 0));
    ck_assert_ptr_nonnull(vcpu_create(dom0, 1));
    ck_assert_ptr_nonnull(vcpu_create(domu, 0));
    ck_assert_ptr_nonnull(vcpu_create(domu, 1));
    fake_populate(dom0, DOM0_RAM_GFN, RAM_PAGES);
    fake_populate(domu, DOMU_RAM_GFN, RAM_PAGES);
    fake_console_len = 0;
    fake_alloc_fail_after = -1;
}

void th_teardown(void)
{
    if (domu)
        ck_assert_int_eq(domain_destroy(domu), 0);
    ck_assert_int_eq(domain_destroy(dom0), 0);
    /* Everything allocated came back, no guest mapping leaked. */
    ck_assert_uint_eq(fake_free_frames(), frames_before);
    ck_assert_int_eq(fake_live_maps(), 0);
}

long hc(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t a[5] = {a0, a1, a2, 0, 0};

    fake_current = v;
    return hypercall_dispatch(v, nr, a);
}

void gput(struct domain *d, uint64_t gpa, const void *p, size_t n)
{
    void *h = fake_gpa(d, gpa);

    ck_assert_ptr_nonnull(h);
    memcpy(h, p, n);
}

void gget(struct domain *d, uint64_t gpa, void *p, size_t n)
{
    void *h = fake_gpa(d, gpa);

    ck_assert_ptr_nonnull(h);
    memcpy(p, h, n);
}

long ev_alloc_unbound(struct vcpu *v, domid_t dom, domid_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound op = {.dom = dom, .remote_dom = remote};
    long rc;

    gput(v->domain, SCRATCH(v->domain), &op, sizeof(op));
    rc = hc(v, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, SCRATCH(v->domain), 0);
    gget(v->domain, SCRATCH(v->domain), &op, sizeof(op));
    if (port)
        *port = op.port;
    return rc;
}

long ev_bind_interdomain(struct vcpu *v, domid_t rdom, uint32_t rport, uint32_t *lport)
{
    struct evtchn_bind_interdomain op = {.remote_dom = rdom, .remote_port = rport};
    long rc;

    gput(v->domain, SCRATCH(v->domain), &op, sizeof(op));
    rc = hc(v, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, SCRATCH(v->domain), 0);
    gget(v->domain, SCRATCH(v->domain), &op, sizeof(op));
    if (lport)
        *lport = op.local_port;
    return rc;
}

long ev_port_op(struct vcpu *v, unsigned int cmd, uint32_t port)
{
    gput(v->domain, SCRATCH(v->domain), &port, sizeof(port));
    return hc(v, __HYPERVISOR_event_channel_op, cmd, SCRATCH(v->domain), 0);
}

bool ev_pending(struct domain *d, uint32_t port)
{
    return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void ev_set_mask(struct domain *d, uint32_t port, bool masked)
{
    if (masked)
        d->shared_info->evtchn_mask[port / 64] |= 1ULL << (port % 64);
    else
        d->shared_info->evtchn_mask[port / 64] &= ~(1ULL << (port % 64));
}

int main(void)
{
    Suite *s = suite_create("hypervisor-common");
    SRunner *sr;
    int failed;

    suite_add_tcase(s, tcase_events());
    suite_add_tcase(s, tcase_grants());
    suite_add_tcase(s, tcase_memory());
    suite_add_tcase(s, tcase_misc());
    suite_add_tcase(s, tcase_fuzz());
    suite_add_tcase(s, tcase_toolstack());
    suite_add_tcase(s, tcase_silo());
    suite_add_tcase(s, tcase_sched());
    suite_add_tcase(s, tcase_sched_credit());
    suite_add_tcase(s, tcase_conring());
    suite_add_tcase(s, tcase_hardening());
    suite_add_tcase(s, tcase_sched_ctl());
    suite_add_tcase(s, tcase_xsm());
    suite_add_tcase(s, tcase_string());
    suite_add_tcase(s, tcase_fifo());
    suite_add_tcase(s, tcase_page_release());
    suite_add_tcase(s, tcase_claim());
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
