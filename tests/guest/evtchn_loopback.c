/*
 * A loopback interdomain channel (both ends in this domain): bind_interdomain to one's own
 * unbound port, send from either end marks the other end pending, status reports both ends,
 * closing one end makes the other unbound again.  Hostile: bind to a port that is not
 * unbound, to a port out of range, twice.
 */
#include <tg/events.h>
#include <tg/test.h>

static void run(void)
{
    evtchn_port_t a, b, c;
    domid_t self = tg_env.self;

    if (!shared_info) {
        tg_error("no shared_info");
        return;
    }
    if (!tg_env.self_known) {
        tg_skip("own domid unknown (no xenstore)");
        return;
    }
    if (!tg_expect_rc("alloc", evtchn_alloc_unbound(self, &a), 0))
        return;
    if (!tg_expect_rc("bind", evtchn_bind_interdomain(self, a, &b), 0))
        return;
    tg_check(a != b, "both ends got port %u", a);
    evtchn_set_mask(a, true);
    evtchn_set_mask(b, true);
    evtchn_clear(a);
    evtchn_clear(b);

    tg_expect_rc("send_b", evtchn_send(b), 0);
    tg_check(evtchn_is_pending(a), "send on %u did not mark %u pending", b, a);
    tg_check(!evtchn_is_pending(b), "send on %u marked itself pending", b);
    evtchn_clear(a);
    tg_expect_rc("send_a", evtchn_send(a), 0);
    tg_check(evtchn_is_pending(b), "send on %u did not mark %u pending", a, b);
    evtchn_clear(b);

    struct evtchn_status s = {.dom = DOMID_SELF, .port = b};
    tg_expect_rc("status", hyp_event_channel_op(EVTCHNOP_status, &s), 0);
    tg_expect_rc("status_state", s.status, EVTCHNSTAT_interdomain);
    tg_check(s.u.interdomain.port == a, "status: peer port %u, expected %u", s.u.interdomain.port,
             a);

    tg_expect_rc("rebind_bound", evtchn_bind_interdomain(self, a, &c), XEN_ERR(EINVAL));
    tg_expect_rc("bind_out_of_range", evtchn_bind_interdomain(self, 0x7fffffff, &c),
                 XEN_ERR(EINVAL));
    tg_expect_rc("bind_bad_dom", evtchn_bind_interdomain(DOMID_INVALID, a, &c), XEN_ERR(ESRCH));

    tg_expect_rc("close_b", evtchn_close(b), 0);
    s.port = a;
    tg_expect_rc("status_a", hyp_event_channel_op(EVTCHNOP_status, &s), 0);
    tg_expect_rc("a_unbound_again", s.status, EVTCHNSTAT_unbound);
    tg_expect_rc("send_unbound", evtchn_send(a), 0);
    tg_check(!evtchn_is_pending(a), "send on an unbound port marked it pending");
    tg_expect_rc("close_a", evtchn_close(a), 0);
    tg_expect_rc("send_closed", evtchn_send(a), XEN_ERR(EINVAL));
}
TG_CASE(evtchn_loopback, "bind_interdomain to self, send both ways, status, close one end", run);
