/*
 * Two guests find each other (tg/pair.h): b allocates an unbound port toward a and grants a
 * page to a, publishes both in xenstore; a binds the port (EVTCHNOP_bind_interdomain to
 * another domain) and signals; b sees the event and the channel's status names a.
 */
#include <tg/events.h>
#include <tg/format.h>
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
    evtchn_port_t port;

    if (!tg_expect_rc("alloc_unbound", evtchn_alloc_unbound(tg_pair.peer, &port), 0))
        return;
    tg_pair.port = port;
    evtchn_set_mask(port, true); /* waited on by polling, no upcall wanted */
    tg_pair.page = alloc_page();
    if (!tg_pair.page || !gnttab_table) {
        tg_error("no page or no grant table");
        return;
    }
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        tg_pair.page[i] = PAIR_PATTERN(i);
    long ref = gnttab_grant_access(tg_pair.peer, virt_to_gfn(tg_pair.page), false);
    if (ref < 0) {
        tg_error("no free grant ref");
        return;
    }
    tg_pair.gref = (grant_ref_t)ref;
    publish("data/port", port);
    publish("data/gref", (unsigned long)ref);
    if (!tg_check(pair_wait(CONNECT_MS), "peer never signalled on port %u", port))
        return;
    struct evtchn_status s = {.dom = DOMID_SELF, .port = port};
    tg_expect_rc("status", hyp_event_channel_op(EVTCHNOP_status, &s), 0);
    tg_expect_rc("status_state", s.status, EVTCHNSTAT_interdomain);
    tg_check(s.u.interdomain.dom == tg_pair.peer, "bound to dom %u, expected %u",
             s.u.interdomain.dom, tg_pair.peer);
    tg_pair.connected = true;
}

static void connect(void)
{
    unsigned long port, gref;
    evtchn_port_t local;

    if (!tg_check(pair_read_key("data/peer-port", &port, CONNECT_MS) &&
                      pair_read_key("data/peer-gref", &gref, CONNECT_MS),
                  "peer's offer never appeared in data/peer-port, data/peer-gref"))
        return;
    tg_expect_rc("bind_to_peer_twice_first",
                 evtchn_bind_interdomain(tg_pair.peer, (evtchn_port_t)port, &local), 0);
    tg_pair.port = local;
    tg_pair.gref = (grant_ref_t)gref;
    evtchn_set_mask(local, true);
    evtchn_port_t again;
    tg_expect_rc("bind_to_peer_again",
                 evtchn_bind_interdomain(tg_pair.peer, (evtchn_port_t)port, &again),
                 XEN_ERR(EINVAL));
    tg_expect_rc("bind_wrong_remote_port",
                 evtchn_bind_interdomain(tg_pair.peer, 0x7fffffff, &again), XEN_ERR(EINVAL));
    pair_signal();
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
TG_CASE_FLAGS(pair_0_connect, "two guests: unbound port + grant offered, bound by the peer", run,
              TG_NEEDS_PEER);
