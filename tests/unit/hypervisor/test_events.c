/* SPDX-License-Identifier: MIT */
/* Event channels: allocation, interdomain/loopback binding, send with pending, mask and
 * unmask, VIRQs, close, status, hostile ports. */
#include "th.h"

#define EVOP __HYPERVISOR_event_channel_op
#ifndef EVTCHNOP_reset_cont
#define EVTCHNOP_reset_cont 14 /* __XEN__ only in the public header */
#endif

START_TEST(interdomain_send_pending_mask_unmask)
{
    struct vcpu *u0 = domu->vcpu[0], *d0 = dom0->vcpu[0];
    uint32_t uport, dport;

    /* domU offers a port to dom0, dom0 binds it: the new local port starts pending. */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, 0, &uport), 0);
    ck_assert_uint_ne(uport, 0);
    ck_assert_int_eq(ev_bind_interdomain(d0, 1, uport, &dport), 0);
    ck_assert(ev_pending(dom0, dport));
    ck_assert_int_eq(dom0->vcpu[0]->vcpu_info->evtchn_upcall_pending, 1);

    /* domU sends: dom0's port pending, selector bit, upcall, kick. */
    dom0->shared_info->evtchn_pending[dport / 64] = 0;
    d0->vcpu_info->evtchn_upcall_pending = 0;
    d0->vcpu_info->evtchn_pending_sel = 0;
    d0->arch.kicks = 0;
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, uport), 0);
    ck_assert(ev_pending(dom0, dport));
    ck_assert_uint_eq(d0->vcpu_info->evtchn_pending_sel, 1ULL << (dport / 64));
    ck_assert(vcpu_event_pending(d0));
    ck_assert_uint_eq(d0->arch.kicks, 1);

    /* Masked: stays pending, no upcall; unmask delivers it. */
    dom0->shared_info->evtchn_pending[dport / 64] = 0;
    d0->vcpu_info->evtchn_upcall_pending = 0;
    d0->vcpu_info->evtchn_pending_sel = 0;
    ev_set_mask(dom0, dport, true);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, uport), 0);
    ck_assert(ev_pending(dom0, dport));
    ck_assert(!vcpu_event_pending(d0));
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_unmask, dport), 0);
    ck_assert(vcpu_event_pending(d0));
    ck_assert_uint_eq(d0->vcpu_info->evtchn_pending_sel, 1ULL << (dport / 64));

    /* dom0 sends back. */
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_send, dport), 0);
    ck_assert(ev_pending(domu, uport));
}
END_TEST

START_TEST(loopback_dom0_xenstore)
{
    struct vcpu *d0 = dom0->vcpu[0];
    uint32_t a, b;

    /* Linux XS_LOCAL: alloc_unbound(SELF, SELF), xenstored binds it with remote_dom 0. */
    ck_assert_int_eq(ev_alloc_unbound(d0, DOMID_SELF, DOMID_SELF, &a), 0);
    ck_assert_int_eq(ev_bind_interdomain(d0, 0, a, &b), 0);
    ck_assert_uint_ne(a, b);
    dom0->shared_info->evtchn_pending[a / 64] = 0;
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_send, b), 0);
    ck_assert(ev_pending(dom0, a));
    /* Close one end: the other becomes unbound again, and sends are dropped. */
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_close, b), 0);
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_send, a), 0);
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_close, b), -EINVAL); /* double close */
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_close, a), 0);
}
END_TEST

START_TEST(hostile_ports)
{
    struct vcpu *u0 = domu->vcpu[0];
    const char *abi = evtchn_abi_name();
    uint32_t p;

    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, 0), -EINVAL);    /* reserved port 0 */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, 4096), -EINVAL); /* beyond 2-level */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, 0xffffffff), -EINVAL);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_close, 5), -EINVAL); /* free */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_unmask, 100000), -EINVAL);
    /* Ports beyond the allocated buckets (64 ports each, as Xen) are invalid. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_unmask, 63), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_unmask, 64), -EINVAL);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_close, 0), -EINVAL);
    /* Binding a port that is not offered to us, or does not exist. */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, 5, &p), -ESRCH);     /* no d5 (SILO) */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, DOMID_SELF, &p), 0); /* for itself */
    ck_assert_int_eq(ev_bind_interdomain(dom0->vcpu[0], 1, p, NULL), -EINVAL);
    ck_assert_int_eq(ev_bind_interdomain(dom0->vcpu[0], 1, 4000, NULL), -EINVAL);
    ck_assert_int_eq(ev_bind_interdomain(dom0->vcpu[0], 77, 1, NULL), -ESRCH);
    /* A domU may not allocate in another domain; dom0 may. */
    ck_assert_int_eq(ev_alloc_unbound(u0, 0, 1, NULL), -EPERM);
    ck_assert_int_eq(ev_alloc_unbound(dom0->vcpu[0], 1, 0, &p), 0);
    ck_assert_int_eq(ev_alloc_unbound(u0, 42, 0, NULL), -ESRCH);
    /* Bad argument pointer. */
    fake_current = u0;
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_send, BAD_GVA, 0), -EFAULT);
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_alloc_unbound, BAD_GVA, 0), -EFAULT);
    /* With evtchn=2l FIFO is not offered (Linux falls back to 2-level); expand_array
     * before a switch is Xen's -EOPNOTSUPP, set_priority of the 2-level ABI -ENOSYS. */
    ck_assert_int_eq(evtchn_abi_select("2l", 2), 0);
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_init_control, SCRATCH(domu), 0), -ENOSYS);
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_expand_array, SCRATCH(domu), 0), -EOPNOTSUPP);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_set_priority, p), -ENOSYS);
    ck_assert_int_eq(hc(u0, EVOP, 999, SCRATCH(domu), 0), -ENOSYS);
    ck_assert_int_eq(evtchn_abi_select(abi, strlen(abi)), 0);
}
END_TEST

START_TEST(virq_bind_send_close)
{
    struct vcpu *d0 = dom0->vcpu[0];
    struct evtchn_bind_virq b = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
    struct evtchn_status st = {.dom = DOMID_SELF};

    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_bind_virq, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_bind_virq, SCRATCH(dom0), 0), -EEXIST);
    /* A domU shutting down raises VIRQ_DOM_EXC in dom0. */
    ck_assert(!ev_pending(dom0, b.port));
    domain_begin_shutdown(domu, SHUTDOWN_poweroff);
    ck_assert(ev_pending(dom0, b.port));
    ck_assert_int_eq(domu->shutdown_code, SHUTDOWN_poweroff);
    ck_assert_int_eq(domu->arch.shutdown_reason, SHUTDOWN_poweroff);

    st.port = b.port;
    gput(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_status, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &st, sizeof(st));
    ck_assert_int_eq(st.status, EVTCHNSTAT_virq);
    ck_assert_int_eq(st.u.virq, VIRQ_DOM_EXC);

    /* Global VIRQs only on vCPU 0; bad numbers and vCPUs. */
    b = (struct evtchn_bind_virq){.virq = VIRQ_CONSOLE, .vcpu = 1};
    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_bind_virq, SCRATCH(dom0), 0), -EINVAL);
    b = (struct evtchn_bind_virq){.virq = NR_VIRQS, .vcpu = 0};
    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_bind_virq, SCRATCH(dom0), 0), -EINVAL);
    b = (struct evtchn_bind_virq){.virq = VIRQ_TIMER, .vcpu = 7};
    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_bind_virq, SCRATCH(dom0), 0), -ENOENT);
    /* Per-vCPU VIRQ on vCPU 1 reaches vCPU 1. */
    b = (struct evtchn_bind_virq){.virq = VIRQ_TIMER, .vcpu = 1};
    gput(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(hc(d0, EVOP, EVTCHNOP_bind_virq, SCRATCH(dom0), 0), 0);
    gget(dom0, SCRATCH(dom0), &b, sizeof(b));
    ck_assert_int_eq(send_guest_virq(dom0->vcpu[1], VIRQ_TIMER), 0);
    ck_assert(ev_pending(dom0, b.port));
    ck_assert(vcpu_event_pending(dom0->vcpu[1]));
    ck_assert_int_eq(send_guest_virq(dom0->vcpu[1], 1000), -EINVAL);
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_close, b.port), 0);
    ck_assert_uint_eq(dom0->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
}
END_TEST

START_TEST(ipi_bind_vcpu_and_reset)
{
    struct vcpu *u0 = domu->vcpu[0];
    struct evtchn_bind_ipi ipi = {.vcpu = 1};
    struct evtchn_bind_vcpu bv;
    uint32_t p;

    gput(domu, SCRATCH(domu), &ipi, sizeof(ipi));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_ipi, SCRATCH(domu), 0), 0);
    gget(domu, SCRATCH(domu), &ipi, sizeof(ipi));
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, ipi.port), 0);
    ck_assert(vcpu_event_pending(domu->vcpu[1]));
    ck_assert(!vcpu_event_pending(domu->vcpu[0]));

    /* bind_vcpu moves an unbound port; IPIs cannot be moved; bad vCPU -> -ENOENT. */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, 0, &p), 0);
    bv = (struct evtchn_bind_vcpu){.port = p, .vcpu = 1};
    gput(domu, SCRATCH(domu), &bv, sizeof(bv));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_vcpu, SCRATCH(domu), 0), 0);
    bv = (struct evtchn_bind_vcpu){.port = ipi.port, .vcpu = 0};
    gput(domu, SCRATCH(domu), &bv, sizeof(bv));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_vcpu, SCRATCH(domu), 0), -EINVAL);
    bv = (struct evtchn_bind_vcpu){.port = p, .vcpu = 9};
    gput(domu, SCRATCH(domu), &bv, sizeof(bv));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_vcpu, SCRATCH(domu), 0), -ENOENT);

    /* reset closes everything; a domU cannot reset dom0. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_reset, 0), -EPERM);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_reset, DOMID_SELF), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_close, p), -EINVAL);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, ipi.port), -EINVAL);
}
END_TEST

START_TEST(pirq_and_reset_cont)
{
    struct vcpu *u0 = domu->vcpu[0], *d0 = dom0->vcpu[0];
    struct evtchn_bind_pirq bp = {.pirq = 5};
    struct evtchn_reset r = {.dom = DOMID_SELF};
    unsigned int active;

    /* bind_pirq as Xen 4.17 on Arm answers: -EINVAL beyond 1023, else -ENOMEM (no PIRQ
     * bookkeeping on Arm) and no port is left behind. */
    gput(domu, SCRATCH(domu), &bp, sizeof(bp));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_pirq, SCRATCH(domu), 0), -ENOMEM);
    bp.pirq = 1024;
    gput(domu, SCRATCH(domu), &bp, sizeof(bp));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_pirq, SCRATCH(domu), 0), -EINVAL);
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_pirq, BAD_GVA, 0), -EFAULT);
    bp.pirq = 5;
    active = domu->evtchn.active;
    for (int i = 0; i < 8; i++) {
        gput(domu, SCRATCH(domu), &bp, sizeof(bp));
        ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_bind_pirq, SCRATCH(domu), 0), -ENOMEM);
    }
    ck_assert_uint_eq(domu->evtchn.active, active); /* no port used up */

    /* reset_cont with no reset under way: -EBUSY after the domain checks. */
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_reset_cont, SCRATCH(domu), 0), -EBUSY);
    r.dom = 0;
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_reset_cont, SCRATCH(domu), 0), -EPERM);
    r.dom = 77;
    gput(domu, SCRATCH(domu), &r, sizeof(r));
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_reset_cont, SCRATCH(domu), 0), -ESRCH);
    ck_assert_int_eq(hc(u0, EVOP, EVTCHNOP_reset_cont, BAD_GVA, 0), -EFAULT);
    /* dom0 resetting a domU: only while the toolstack has it paused (-EINVAL else). */
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_reset, 1), -EINVAL);
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_reset_cont, 1), -EINVAL);
    domu->controller_pause_count = 1;
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_reset_cont, 1), -EBUSY);
    ck_assert_int_eq(ev_port_op(d0, EVTCHNOP_reset, 1), 0);
    domu->controller_pause_count = 0;
    ck_assert_int_eq(hc(u0, EVOP, 15, SCRATCH(domu), 0), -ENOSYS);
}
END_TEST

START_TEST(ports_run_out)
{
    struct vcpu *u0 = domu->vcpu[0];
    uint32_t p, last = 0;
    unsigned int n = 0;

    while (ev_alloc_unbound(u0, DOMID_SELF, 0, &p) == 0) {
        ck_assert_uint_gt(p, last);
        last = p;
        n++;
    }
    ck_assert_uint_eq(n, 4095); /* ports 1..4095 of the 2-level ABI */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, 0, &p), -ENOSPC);
}
END_TEST

TCase *tcase_events(void)
{
    TCase *tc = tcase_create("event_channel");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, interdomain_send_pending_mask_unmask);
    tcase_add_test(tc, loopback_dom0_xenstore);
    tcase_add_test(tc, hostile_ports);
    tcase_add_test(tc, virq_bind_send_close);
    tcase_add_test(tc, ipi_bind_vcpu_and_reset);
    tcase_add_test(tc, pirq_and_reset_cont);
    tcase_add_test(tc, ports_run_out);
    return tc;
}
