/*
 * EVTCHNOP_bind_virq: a global VIRQ can be bound once per domain, only on vCPU 0; bad VIRQ
 * numbers and vCPUs are refused.  Xen: event_channel.c evtchn_bind_virq,
 * arch virq_is_global.
 */
#include <tg/events.h>
#include <tg/test.h>

static long bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    long rc = hyp_event_channel_op(EVTCHNOP_bind_virq, &b);

    *port = rc ? 0 : b.port;
    return rc;
}

static void run(void)
{
    evtchn_port_t p, q;

    /* VIRQ_CON_RING (8, global) is bindable by any domain. */
    if (tg_expect_rc("bind_con_ring", bind_virq(VIRQ_CON_RING, 0, &p), 0)) {
        struct evtchn_status s = {.dom = DOMID_SELF, .port = p};
        tg_expect_rc("status", hyp_event_channel_op(EVTCHNOP_status, &s), 0);
        tg_expect_rc("status_state", s.status, EVTCHNSTAT_virq);
        tg_expect_rc("status_virq", s.u.virq, VIRQ_CON_RING);
        tg_expect_rc("bind_twice", bind_virq(VIRQ_CON_RING, 0, &q), XEN_ERR(EEXIST));
        tg_expect_rc("close", evtchn_close(p), 0);
    }
    tg_value("bind_timer", bind_virq(VIRQ_TIMER, 0, &p));
    if (p)
        evtchn_close(p);
    tg_expect_rc("bind_global_vcpu1", bind_virq(VIRQ_CON_RING, 1, &p), XEN_ERR(EINVAL));
    tg_expect_rc("bind_virq_24", bind_virq(NR_VIRQS, 0, &p), XEN_ERR(EINVAL));
    tg_expect_rc("bind_virq_huge", bind_virq(0xffffffff, 0, &p), XEN_ERR(EINVAL));
    tg_expect_rc2("bind_vcpu_huge", bind_virq(VIRQ_DEBUG, 0x7fff, &p), XEN_ERR(ENOENT),
                  XEN_ERR(EINVAL));
}
TG_CASE(evtchn_virq, "bind_virq: global VIRQ, twice, wrong vCPU, out-of-range VIRQ", run);
