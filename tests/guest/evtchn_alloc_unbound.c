/*
 * EVTCHNOP_alloc_unbound, EVTCHNOP_status, EVTCHNOP_close: a fresh port is unbound toward
 * the named remote; closing twice, closing or querying ports that do not exist, allocating
 * on behalf of another domain or toward a domain that does not exist are refused.
 * Xen: xen/common/event_channel.c (evtchn_alloc_unbound, evtchn_status, evtchn_close).
 */
#include <tg/events.h>
#include <tg/test.h>

static long status_of(evtchn_port_t port, uint32_t *st)
{
    struct evtchn_status s = {.dom = DOMID_SELF, .port = port};
    long rc = hyp_event_channel_op(EVTCHNOP_status, &s);

    *st = rc ? 0xff : s.status;
    return rc;
}

static void run(void)
{
    evtchn_port_t port;
    uint32_t st;

    if (!tg_expect_rc("alloc_self", evtchn_alloc_unbound(DOMID_SELF, &port), 0))
        return;
    tg_check(port > 0, "alloc_unbound returned port 0 (reserved)");
    tg_expect_rc("status", status_of(port, &st), 0);
    tg_expect_rc("status_state", st, EVTCHNSTAT_unbound);
    tg_expect_rc("close", evtchn_close(port), 0);
    tg_expect_rc("status_after_close", status_of(port, &st), 0);
    tg_expect_rc("state_after_close", st, EVTCHNSTAT_closed);
    tg_expect_rc("double_close", evtchn_close(port), XEN_ERR(EINVAL));

    tg_expect_rc("close_port0", evtchn_close(0), XEN_ERR(EINVAL));
    tg_expect_rc("close_huge", evtchn_close(0x7fffffff), XEN_ERR(EINVAL));
    tg_expect_rc("status_huge", status_of(0x7fffffff, &st), XEN_ERR(EINVAL));

    tg_expect_rc("alloc_remote_dom0", evtchn_alloc_unbound(0, &port), 0);
    if (port)
        evtchn_close(port);
    tg_expect_rc("alloc_remote_invalid", evtchn_alloc_unbound(DOMID_INVALID, &port),
                 XEN_ERR(ESRCH));

    struct evtchn_alloc_unbound foreign = {.dom = 0, .remote_dom = DOMID_SELF};
    tg_expect_rc("alloc_for_dom0", hyp_event_channel_op(EVTCHNOP_alloc_unbound, &foreign),
                 XEN_ERR(EPERM));
    struct evtchn_status s0 = {.dom = 0, .port = 1};
    tg_expect_rc("status_of_dom0", hyp_event_channel_op(EVTCHNOP_status, &s0), XEN_ERR(EPERM));
    tg_expect_rc("unmapped_arg", hyp_event_channel_op(EVTCHNOP_alloc_unbound, (void *)0xC0000000UL),
                 XEN_ERR(EFAULT));
    tg_expect_rc("unknown_cmd", hyp_event_channel_op(99, &foreign), XEN_ERR(ENOSYS));
}
TG_CASE(evtchn_alloc_unbound, "alloc_unbound/status/close: valid, double close, bad ports, foreign",
        run);
