/*
 * Two guests find each other (tg/pair.h): b grants a page to a and asks for an unbound port
 * toward a, publishes both in xenstore; a learns them through dom0's relay, binds the port
 * if there is one, and announces itself through the page's mailbox (a grant copy into b's
 * page).  Under XSM SILO (Debian's Xen default) both steps are refused: recorded, then SKIP.
 */
#include <tg/events.h>
#include <tg/format.h>
#include <tg/lib.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/pair.h>
#include <tg/test.h>
#include <tg/xenstore.h>

#define CONNECT_MS 120000

static void publish(const char *key, unsigned long v)
{
    char buf[24];

    tg_snprintf(buf, sizeof(buf), "%lu", v);
    tg_expect_rc(key, xs_write(key, buf), 0);
}

static void offer(void)
{
    evtchn_port_t port = 0;

    tg_pair.alloc_rc = evtchn_alloc_unbound(tg_pair.peer, &port);
    tg_value("alloc_unbound_to_domU", tg_pair.alloc_rc);
    if (tg_pair.alloc_rc == 0) {
        tg_pair.port = port;
        evtchn_set_mask(port, true); /* waited on by polling, no upcall wanted */
    }
    tg_pair.page = alloc_page();
    if (!tg_pair.page || !gnttab_table) {
        tg_error("no page or no grant table");
        return;
    }
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        tg_pair.page[i] = pair_pattern_byte(i) ? PAIR_PATTERN(i) : 0;
    long ref = gnttab_grant_access(tg_pair.peer, virt_to_gfn(tg_pair.page), false);
    if (ref < 0) {
        tg_error("no free grant ref");
        return;
    }
    tg_pair.gref = (grant_ref_t)ref;
    publish("data/port", port);
    publish("data/gref", (unsigned long)ref);
    if (tg_pair.alloc_rc == XEN_ERR(EPERM)) {
        /* the policy forbids domU-to-domU channels: a will find grants refused too */
        tg_pair.denied = true;
        tg_skip("domU-to-domU event channel refused (-EPERM): XSM SILO policy");
        return;
    }
    if (!tg_check(pair_wait_peer(1, CONNECT_MS), "peer never announced itself"))
        return;
    if (tg_pair.port) {
        struct evtchn_status s = {.dom = DOMID_SELF, .port = port};
        tg_expect_rc("status", hyp_event_channel_op(EVTCHNOP_status, &s), 0);
        tg_expect_rc("status_state", s.status, EVTCHNSTAT_interdomain);
        tg_check(s.u.interdomain.dom == tg_pair.peer, "bound to dom %u, expected %u",
                 s.u.interdomain.dom, tg_pair.peer);
    }
    pair_post(1);
    tg_pair.connected = true;
}

static void connect(void)
{
    unsigned long port, gref;
    evtchn_port_t local, again;

    if (!tg_check(pair_read_key("data/peer-port", &port, CONNECT_MS) &&
                      pair_read_key("data/peer-gref", &gref, CONNECT_MS),
                  "peer's offer never appeared in data/peer-port, data/peer-gref"))
        return;
    tg_pair.gref = (grant_ref_t)gref;
    tg_value("offered_port", port != 0);
    if (port) {
        tg_expect_rc("bind_to_peer",
                     evtchn_bind_interdomain(tg_pair.peer, (evtchn_port_t)port, &local), 0);
        tg_pair.port = local;
        evtchn_set_mask(local, true);
        /* Xen marks the binding end pending (event_channel.c evtchn_bind_interdomain: "so
         * that no notification is lost"); drop it so the ping-pong counts stay exact. */
        tg_value("pending_after_bind", evtchn_test_and_clear(local));
        tg_expect_rc("bind_to_peer_again",
                     evtchn_bind_interdomain(tg_pair.peer, (evtchn_port_t)port, &again),
                     XEN_ERR(EINVAL));
    }
    /* b's unbound console/xenstore ports are not for us; port 1 of b is one of them */
    tg_value("bind_peers_other_port", evtchn_bind_interdomain(tg_pair.peer, 1, &again));
    if (!pair_post(1)) {
        struct gnttab_copy probe;
        uint64_t dummy = 0;
        memset(&probe, 0, sizeof(probe));
        probe.source.u.gmfn = virt_to_gfn(&dummy);
        probe.source.domid = DOMID_SELF;
        probe.source.offset = (uintptr_t)&dummy & (PAGE_SIZE - 1);
        probe.dest.u.ref = tg_pair.gref;
        probe.dest.domid = tg_pair.peer;
        probe.dest.offset = PAIR_MBOX_OFF;
        probe.len = 8;
        probe.flags = GNTCOPY_dest_gref;
        hyp_grant_table_op(GNTTABOP_copy, &probe, 1);
        tg_value("announce_copy_status", probe.status);
        if (probe.status == GNTST_permission_denied) {
            tg_pair.denied = true;
            tg_skip("grant copy into the peer's page refused: XSM SILO policy");
        } else {
            tg_fail("announcing through the peer's page failed: status %d", probe.status);
        }
        return;
    }
    tg_check(pair_wait_peer(1, CONNECT_MS), "peer did not answer the announcement");
    tg_pair.connected = true;
}

static void run(void)
{
    unsigned long peer;

    /* b is told a's domid on its command line; a, created first, reads b's from xenstore */
    if (!tg_env.peer_known && pair_read_key("data/peer-domid", &peer, CONNECT_MS) &&
        peer < DOMID_FIRST_RESERVED) {
        tg_env.peer = (domid_t)peer;
        tg_env.peer_known = true;
    }
    if (!tg_env.peer_known) {
        tg_error("no peer domid (tern.peer= or data/peer-domid)");
        return;
    }
    tg_pair.peer = tg_env.peer;
    if (tg_env.role == 'b')
        offer();
    else
        connect();
}
TG_CASE_FLAGS(pair_0_connect, "two guests: grant (+ event channel if allowed) offered and taken",
              run, TG_NEEDS_PEER);
