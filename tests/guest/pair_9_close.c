/*
 * Tearing down: a closes its end; b sees its end fall back to unbound (toward a) and can
 * revoke the grant, which nobody uses any more.
 */
#include <tg/events.h>
#include <tg/gnttab.h>
#include <tg/pair.h>
#include <tg/test.h>

static void run(void)
{
    struct evtchn_status s = {.dom = DOMID_SELF};

    if (!tg_pair.connected) {
        tg_error("not connected");
        return;
    }
    if (tg_env.role == 'a') {
        tg_expect_rc("close", evtchn_close(tg_pair.port), 0);
        tg_expect_rc("send_after_close", evtchn_send(tg_pair.port), XEN_ERR(EINVAL));
        return;
    }
    s.port = tg_pair.port;
    uint64_t deadline = now_ms() + 30000;
    do {
        xen_yield();
        hyp_event_channel_op(EVTCHNOP_status, &s);
    } while (s.status == EVTCHNSTAT_interdomain && now_ms() < deadline);
    tg_expect_rc("state_after_peer_close", s.status, EVTCHNSTAT_unbound);
    tg_expect_rc("send_to_closed_peer", evtchn_send(tg_pair.port), 0);
    tg_expect_rc("end_access", gnttab_end_access(tg_pair.gref), 1);
    tg_expect_rc("close", evtchn_close(tg_pair.port), 0);
}
TG_CASE_FLAGS(pair_9_close, "peer closes: own end unbound again; grant revoked", run,
              TG_NEEDS_PEER);
