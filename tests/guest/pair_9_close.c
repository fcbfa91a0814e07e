/*
 * Tearing down: a closes its end of the channel (if there is one) and posts; b sees its end
 * fall back to unbound, answers and revokes the grant, which nobody uses any more; a then
 * finds the grant gone (a copy through it fails).
 */
#include <tg/events.h>
#include <tg/xen.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/pair.h>
#include <tg/test.h>

static void closer(void)
{
    if (tg_pair.port) {
        tg_expect_rc("close", evtchn_close(tg_pair.port), 0);
        tg_expect_rc("send_after_close", evtchn_send(tg_pair.port), XEN_ERR(EINVAL));
    }
    pair_post(9);
    /* b answers by revoking the grant: poll through it until it is refused */
    uint8_t *local = alloc_page();
    struct gnttab_copy op;
    uint64_t deadline = now_ms() + 30000;
    do {
        memset(&op, 0, sizeof(op));
        op.source.u.ref = tg_pair.gref;
        op.source.domid = tg_pair.peer;
        op.dest.u.gmfn = virt_to_gfn(local);
        op.dest.domid = DOMID_SELF;
        op.len = 8;
        op.flags = GNTCOPY_source_gref;
        hyp_grant_table_op(GNTTABOP_copy, &op, 1);
        xen_yield(); /* b revokes right after answering */
    } while (op.status == GNTST_okay && now_ms() < deadline);
    tg_expect_rc("copy_after_revoke", op.status, GNTST_general_error);
    free_page(local);
}

static void revoker(void)
{
    if (!tg_check(pair_wait_peer(9, 60000), "peer never posted its close"))
        return;
    if (tg_pair.port) {
        struct evtchn_status s = {.dom = DOMID_SELF, .port = tg_pair.port};
        hyp_event_channel_op(EVTCHNOP_status, &s);
        tg_expect_rc("state_after_peer_close", s.status, EVTCHNSTAT_unbound);
        tg_expect_rc("close", evtchn_close(tg_pair.port), 0);
    }
    pair_post(9);
    /* a keeps copying through the grant until it is refused (closer() above) */
    tg_expect_rc("end_access", pair_end_access(tg_pair.gref), 1);
}

static void run(void)
{
    if (!pair_ready())
        return;
    if (tg_env.role == 'a')
        closer();
    else
        revoker();
}
TG_CASE_FLAGS(pair_9_close, "peer closes, grant revoked, the peer's copy then fails", run,
              TG_NEEDS_PEER);
