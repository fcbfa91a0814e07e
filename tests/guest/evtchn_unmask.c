/*
 * 2-level masking: an event sent to a masked port is left pending without an upcall; the
 * EVTCHNOP_unmask hypercall then raises the upcall (vcpu_info.evtchn_upcall_pending) because
 * the port is pending.  Xen: event_2l.c evtchn_2l_set_pending / evtchn_2l_unmask.
 */
#include <tg/events.h>
#include <tg/test.h>

static void run(void)
{
    evtchn_port_t a, b;
    struct vcpu_info *vi;

    if (!shared_info || !tg_env.self_known) {
        tg_skip("needs shared_info and the own domid");
        return;
    }
    vi = &shared_info->vcpu_info[0];
    if (evtchn_alloc_unbound(tg_env.self, &a) || evtchn_bind_interdomain(tg_env.self, a, &b)) {
        tg_error("cannot set up a loopback channel");
        return;
    }
    evtchn_set_mask(a, true);
    evtchn_clear(a);
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    WRITE_ONCE(vi->evtchn_upcall_pending, 0);

    tg_expect_rc("send_masked", evtchn_send(b), 0);
    tg_check(evtchn_is_pending(a), "masked port not marked pending");
    tg_expect_rc("upcall_while_masked", READ_ONCE(vi->evtchn_upcall_pending), 0);

    struct evtchn_unmask u = {.port = a};
    tg_expect_rc("unmask", hyp_event_channel_op(EVTCHNOP_unmask, &u), 0);
    tg_check(!evtchn_is_masked(a), "unmask left the mask bit set");
    tg_expect_rc("upcall_after_unmask", READ_ONCE(vi->evtchn_upcall_pending), 1);
    tg_check(vi->evtchn_pending_sel & (1UL << (a / 64)), "pending_sel bit for port %u not set", a);

    u.port = 0x7fffffff;
    tg_expect_rc("unmask_huge", hyp_event_channel_op(EVTCHNOP_unmask, &u), XEN_ERR(EINVAL));

    evtchn_set_mask(a, true);
    evtchn_clear(a);
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    WRITE_ONCE(vi->evtchn_upcall_pending, 0);
    evtchn_close(b);
    evtchn_close(a);
}
TG_CASE(evtchn_unmask, "2-level mask: pending without upcall, EVTCHNOP_unmask raises it", run);
