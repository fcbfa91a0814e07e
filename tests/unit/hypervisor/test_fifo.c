/* SPDX-License-Identifier: MIT */
/* FIFO event channels (common/event_fifo.c): init_control and expand_array validation,
 * queue order, ready bits and upcalls, masks, priorities, a port moving between queues,
 * the switch from 2-level with a pending port, busy ports, reset, and a guest consuming
 * its queue on another thread while events are appended. */
#include <pthread.h>

#include <xen/event_channel.h>
#include <xen/memory.h>

#include "th.h"

#define EVOP      __HYPERVISOR_event_channel_op
#define CB_GFN    (DOMU_RAM_GFN + 1) /* control blocks of domU's vCPUs 0 (offset 0), 1 (2048) */
#define ARRAY_GFN (DOMU_RAM_GFN + 2) /* event-array pages follow */
#define LINKED    (1U << EVTCHN_FIFO_LINKED)
#define PENDING   (1U << EVTCHN_FIFO_PENDING)
#define MASKED    (1U << EVTCHN_FIFO_MASKED)
#define BUSY      (1U << EVTCHN_FIFO_BUSY)
#define DEF       EVTCHN_FIFO_PRIORITY_DEFAULT

static long init_control(struct vcpu *v, uint64_t gfn, uint32_t offset, uint32_t vcpu,
                         uint8_t *link_bits)
{
    struct evtchn_init_control c = {.control_gfn = gfn, .offset = offset, .vcpu = vcpu};
    long rc;

    gput(v->domain, SCRATCH(v->domain), &c, sizeof(c));
    rc = hc(v, EVOP, EVTCHNOP_init_control, SCRATCH(v->domain), 0);
    gget(v->domain, SCRATCH(v->domain), &c, sizeof(c));
    if (link_bits)
        *link_bits = c.link_bits;
    return rc;
}

static long expand(struct vcpu *v, uint64_t gfn)
{
    struct evtchn_expand_array e = {.array_gfn = gfn};

    gput(v->domain, SCRATCH(v->domain), &e, sizeof(e));
    return hc(v, EVOP, EVTCHNOP_expand_array, SCRATCH(v->domain), 0);
}

static long set_priority(struct vcpu *v, uint32_t port, uint32_t priority)
{
    struct evtchn_set_priority s = {.port = port, .priority = priority};

    gput(v->domain, SCRATCH(v->domain), &s, sizeof(s));
    return hc(v, EVOP, EVTCHNOP_set_priority, SCRATCH(v->domain), 0);
}

static uint32_t bind_ipi(struct vcpu *v, uint32_t vcpu)
{
    struct evtchn_bind_ipi b = {.vcpu = vcpu};

    gput(v->domain, SCRATCH(v->domain), &b, sizeof(b));
    ck_assert_int_eq(hc(v, EVOP, EVTCHNOP_bind_ipi, SCRATCH(v->domain), 0), 0);
    gget(v->domain, SCRATCH(v->domain), &b, sizeof(b));
    return b.port;
}

static struct evtchn_fifo_control_block *cb(unsigned int vcpu)
{
    return fake_gpa(domu, (CB_GFN << PAGE_SHIFT) + vcpu * 2048);
}

static event_word_t *word(uint32_t port)
{
    return fake_gpa(domu, ((ARRAY_GFN + port / 1024) << PAGE_SHIFT) + (port % 1024) * 4);
}

/* domU on FIFO: vCPU 0's control block, one event-array page. */
static void fifo_on(void)
{
    ck_assert_int_eq(evtchn_abi_select("fifo", 4), 0);
    ck_assert_int_eq(init_control(domu->vcpu[0], CB_GFN, 0, 0, NULL), 0);
    ck_assert_int_eq(expand(domu->vcpu[0], ARRAY_GFN), 0);
}

/* ------------------------------------------------------------------ the guest's side */

/* A guest's walk of its queues, as the ABI describes it: take the ready bits, follow
 * each queue from the control block's head (or from where the walk stopped), unlink
 * every word, and handle it if pending and unmasked (clearing PENDING).  The handled
 * ports go to out[] in order; returns how many. */
struct walker {
    uint32_t cursor[EVTCHN_FIFO_MAX_QUEUES];
};

static uint32_t unlink_head(struct walker *w, struct evtchn_fifo_control_block *c, unsigned int q)
{
    uint32_t port = w->cursor[q] ? w->cursor[q] : __atomic_load_n(&c->head[q], __ATOMIC_SEQ_CST);
    event_word_t *ew = word(port), old = __atomic_load_n(ew, __ATOMIC_SEQ_CST);

    while (!__atomic_compare_exchange_n(ew, &old, old & ~(LINKED | EVTCHN_FIFO_LINK_MASK), false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    w->cursor[q] = old & EVTCHN_FIFO_LINK_MASK;
    return port;
}

static unsigned int walk(struct walker *w, unsigned int vcpu, uint32_t *out, unsigned int max)
{
    struct evtchn_fifo_control_block *c = cb(vcpu);
    uint32_t ready = __atomic_exchange_n(&c->ready, 0, __ATOMIC_SEQ_CST);
    unsigned int n = 0;

    while (ready) {
        unsigned int q = __builtin_ctz(ready);
        uint32_t port = unlink_head(w, c, q);

        if (!w->cursor[q])
            ready &= ~(1U << q);
        if (!(__atomic_load_n(word(port), __ATOMIC_SEQ_CST) & MASKED) &&
            __atomic_fetch_and(word(port), ~PENDING, __ATOMIC_SEQ_CST) & PENDING && n < max)
            out[n++] = port;
    }
    return n;
}

/* ------------------------------------------------------------------ tests */

START_TEST(init_control_and_expand_checks)
{
    struct vcpu *u0 = domu->vcpu[0];
    uint8_t link_bits = 0;
    int i;

    /* evtchn=2l: no FIFO, as a hypervisor without it (Linux then stays on 2-level). */
    ck_assert_int_eq(evtchn_abi_select("2l", 2), 0);
    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 0, NULL), -ENOSYS);
    ck_assert_int_eq(evtchn_abi_select("bogus", 5), -1);
    ck_assert_int_eq(evtchn_abi_select("fifo", 4), 0);
    ck_assert_str_eq(evtchn_abi_name(), "fifo");

    ck_assert_int_eq(expand(u0, ARRAY_GFN), -EOPNOTSUPP);            /* before init_control */
    ck_assert_int_eq(set_priority(u0, 1, 3), -EINVAL);               /* free port */
    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 2, NULL), -ENOENT); /* no vCPU 2 */
    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 0xffffffff, NULL), -ENOENT);
    ck_assert_int_eq(init_control(u0, CB_GFN, 3, 0, NULL), -EINVAL);    /* unaligned */
    ck_assert_int_eq(init_control(u0, CB_GFN, 4090, 0, NULL), -EINVAL); /* beyond the page */
    ck_assert_int_eq(init_control(u0, CB_GFN, 4032, 0, NULL), -EINVAL); /* 72 bytes: no room */
    ck_assert_int_eq(init_control(u0, CB_GFN, 0xfffffff8, 0, NULL), -EINVAL);
    ck_assert_int_eq(init_control(u0, 0x5000, 0, 0, NULL), -EINVAL);       /* not RAM */
    ck_assert_int_eq(init_control(u0, 1ULL << 60, 0, 0, NULL), -EINVAL);   /* gpa overflows */
    ck_assert_int_eq(init_control(u0, DOM0_RAM_GFN, 0, 0, NULL), -EINVAL); /* not domU's */
    ck_assert_int_eq(expand(u0, ARRAY_GFN), -EOPNOTSUPP);                  /* nothing was applied */
    ck_assert_int_eq(fake_live_maps(), 0);

    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 0, &link_bits), 0);
    ck_assert_uint_eq(link_bits, EVTCHN_FIFO_LINK_BITS);
    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 0, NULL), -EINVAL); /* once per vCPU */
    ck_assert_int_eq(init_control(u0, CB_GFN, 4024, 1, NULL), 0);    /* last room, vCPU 1 */
    ck_assert_int_eq(expand(u0, 0x5000), -EINVAL);
    /* 4096 ports: four pages, no more. */
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(expand(u0, ARRAY_GFN + i), 0);
    ck_assert_int_eq(expand(u0, ARRAY_GFN + 4), -ENOSPC);
    ck_assert_int_eq(fake_live_maps(), 6);
    ck_assert_int_eq(set_priority(u0, 0xffffffff, 3), -EINVAL);
    /* teardown: domain_destroy unmaps all six pages (checked there) */
}
END_TEST

START_TEST(queue_order_ready_and_upcall)
{
    struct vcpu *u0 = domu->vcpu[0];
    struct walker w = {{0}};
    uint32_t p1, p2, p3, out[8];

    fifo_on();
    p1 = bind_ipi(u0, 0);
    p2 = bind_ipi(u0, 0);
    p3 = bind_ipi(u0, 0);
    u0->vcpu_info->evtchn_upcall_pending = 0;
    u0->arch.kicks = 0;

    /* First event: head of queue 7, ready bit 7, one upcall. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p1), 0);
    ck_assert_uint_eq(*word(p1), PENDING | LINKED);
    ck_assert_uint_eq(cb(0)->head[DEF], p1);
    ck_assert_uint_eq(cb(0)->ready, 1U << DEF);
    ck_assert(vcpu_event_pending(u0));
    ck_assert_uint_eq(u0->arch.kicks, 1);
    /* The next ones are linked behind it: no new upcall. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p2), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p3), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p2), 0); /* already pending: no change */
    ck_assert_uint_eq(*word(p1), PENDING | LINKED | p2);
    ck_assert_uint_eq(*word(p2), PENDING | LINKED | p3);
    ck_assert_uint_eq(*word(p3), PENDING | LINKED);
    ck_assert_uint_eq(cb(0)->head[DEF], p1);
    ck_assert_uint_eq(u0->arch.kicks, 1);
    /* 2-level bitmaps are not used any more. */
    ck_assert(!ev_pending(domu, p1));

    ck_assert_uint_eq(walk(&w, 0, out, 8), 3);
    ck_assert_uint_eq(out[0], p1);
    ck_assert_uint_eq(out[1], p2);
    ck_assert_uint_eq(out[2], p3);
    ck_assert_uint_eq(*word(p1) | *word(p2) | *word(p3), 0);

    /* The queue is empty (tail unlinked): the next event is a new head, with an upcall. */
    u0->vcpu_info->evtchn_upcall_pending = 0;
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p2), 0);
    ck_assert_uint_eq(cb(0)->head[DEF], p2);
    ck_assert_uint_eq(cb(0)->ready, 1U << DEF);
    ck_assert(vcpu_event_pending(u0));
    ck_assert_uint_eq(*word(p3), 0); /* nothing linked after the old tail */

    /* SCHEDOP_poll's view and close: PENDING cleared, the word stays linked until the
     * guest unlinks it, and until then the port is not handed out again. */
    ck_assert(evtchn_port_is_pending(domu, p2));
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_close, p2), 0);
    ck_assert_uint_eq(*word(p2), LINKED);
    ck_assert(!evtchn_port_is_pending(domu, p2));
    ck_assert_uint_ne(bind_ipi(u0, 0), p2);
    ck_assert_uint_eq(walk(&w, 0, out, 8), 0); /* unlinked, not handled */
    ck_assert_uint_eq(bind_ipi(u0, 0), p2);
}
END_TEST

START_TEST(mask_unmask_and_priorities)
{
    struct vcpu *u0 = domu->vcpu[0];
    struct walker w = {{0}};
    uint32_t p1, p2, out[8];

    fifo_on();
    p1 = bind_ipi(u0, 0);
    p2 = bind_ipi(u0, 0);

    /* Masked: pending only; EVTCHNOP_unmask queues it. */
    *word(p1) = MASKED;
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p1), 0);
    ck_assert_uint_eq(*word(p1), MASKED | PENDING);
    ck_assert_uint_eq(cb(0)->ready, 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_unmask, p1), 0);
    ck_assert_uint_eq(*word(p1), PENDING | LINKED);
    ck_assert_uint_eq(cb(0)->head[DEF], p1);
    ck_assert_uint_eq(walk(&w, 0, out, 8), 1);

    /* Priorities 0..15: a port at 3 is its own queue, walked before queue 7. */
    ck_assert_int_eq(set_priority(u0, p1, 16), -EINVAL);
    ck_assert_int_eq(set_priority(u0, p1, 3), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p2), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p1), 0);
    ck_assert_uint_eq(cb(0)->head[3], p1);
    ck_assert_uint_eq(cb(0)->head[DEF], p2);
    ck_assert_uint_eq(cb(0)->ready, (1U << 3) | (1U << DEF));
    ck_assert_uint_eq(walk(&w, 0, out, 8), 2);
    ck_assert_uint_eq(out[0], p1);
    ck_assert_uint_eq(out[1], p2);

    /* p1 was the tail of queue 3, then moves to queue 7: queue 3 must not link behind
     * it any more.  p2 sent at priority 3 afterwards is a new head of queue 3. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p1), 0);
    ck_assert_uint_eq(walk(&w, 0, out, 8), 1); /* p1 consumed, still queue 3's tail */
    ck_assert_int_eq(set_priority(u0, p1, DEF), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p1), 0); /* now in queue 7 */
    ck_assert_int_eq(set_priority(u0, p2, 3), 0);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p2), 0);
    ck_assert_uint_eq(*word(p1) & EVTCHN_FIFO_LINK_MASK, 0);
    ck_assert_uint_eq(cb(0)->head[3], p2);
    ck_assert_uint_eq(cb(0)->head[DEF], p1);
    ck_assert_uint_eq(cb(0)->ready, (1U << 3) | (1U << DEF));
    ck_assert_uint_eq(walk(&w, 0, out, 8), 2);
}
END_TEST

START_TEST(busy_tail_and_other_vcpu)
{
    struct vcpu *u0 = domu->vcpu[0], *u1 = domu->vcpu[1];
    struct walker w = {{0}};
    uint32_t p1, p2, p3, out[8];

    fifo_on();
    p1 = bind_ipi(u0, 0);
    p2 = bind_ipi(u0, 0);
    p3 = bind_ipi(u0, 1);

    /* A tail word the guest masked meanwhile still takes the link, BUSY is dropped. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p1), 0);
    *word(p1) |= MASKED | BUSY;
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p2), 0);
    ck_assert_uint_eq(*word(p1), PENDING | LINKED | MASKED | p2);
    ck_assert_uint_eq(walk(&w, 0, out, 8), 1); /* p1 masked: unlinked, not handled */
    ck_assert_uint_eq(out[0], p2);

    /* vCPU 1 has no control block yet: its event stays pending in the word, unqueued;
     * once it has one, unmask queues it there. */
    u1->vcpu_info->evtchn_upcall_pending = 0;
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, p3), 0);
    ck_assert_uint_eq(*word(p3), PENDING);
    ck_assert(!vcpu_event_pending(u1));
    ck_assert_int_eq(init_control(u1, CB_GFN, 2048, 1, NULL), 0);
    ck_assert_int_eq(ev_port_op(u1, EVTCHNOP_unmask, p3), 0);
    ck_assert_uint_eq(cb(1)->head[DEF], p3);
    ck_assert_uint_eq(cb(1)->ready, 1U << DEF);
    ck_assert(vcpu_event_pending(u1));
    ck_assert_uint_eq(cb(0)->ready, 0);
}
END_TEST

START_TEST(switch_keeps_pending_ports_and_reset)
{
    struct vcpu *u0 = domu->vcpu[0];
    struct walker w = {{0}};
    uint32_t a, b, hi, out[8];
    int i;

    /* Bound and pending under 2-level (bind_interdomain makes its end pending). */
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, DOMID_SELF, &a), 0);
    ck_assert_int_eq(ev_bind_interdomain(u0, 1, a, &b), 0);
    ck_assert(ev_pending(domu, b));
    for (i = 0; i < 1100; i++) /* a port beyond the first array page */
        hi = bind_ipi(u0, 0);
    ck_assert_uint_ge(hi, 1024);

    ck_assert_int_eq(evtchn_abi_select("fifo", 4), 0);
    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 0, NULL), 0);
    /* No array page yet: the event waits for it. */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, hi), 0);
    ck_assert_int_eq(expand(u0, ARRAY_GFN), 0);
    ck_assert_uint_eq(*word(b), PENDING | LINKED); /* carried over from 2-level */
    ck_assert_uint_eq(cb(0)->head[DEF], b);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, b), 0);
    ck_assert_uint_eq(*word(a), PENDING | LINKED); /* the loopback still works */
    ck_assert_int_eq(expand(u0, ARRAY_GFN + 1), 0);
    ck_assert_uint_eq(*word(hi), PENDING | LINKED);
    ck_assert_uint_eq(walk(&w, 0, out, 8), 3);
    ck_assert_uint_eq(out[0], b);
    ck_assert_uint_eq(out[1], a);
    ck_assert_uint_eq(out[2], hi);

    /* EVTCHNOP_reset: every port closed, back to 2-level, the pages let go. */
    ck_assert_int_eq(fake_live_maps(), 3);
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_reset, DOMID_SELF), 0);
    ck_assert_int_eq(fake_live_maps(), 0);
    ck_assert_int_eq(expand(u0, ARRAY_GFN), -EOPNOTSUPP);
    ck_assert_int_eq(ev_alloc_unbound(u0, DOMID_SELF, DOMID_SELF, &a), 0);
    ck_assert_int_eq(ev_bind_interdomain(u0, 1, a, &b), 0);
    ck_assert(ev_pending(domu, b));
    /* ...and it may switch again. */
    ck_assert_int_eq(init_control(u0, CB_GFN, 0, 0, NULL), 0);
}
END_TEST

/* decrease_reservation of one gfn as the domain itself: extents done (0 or 1). */
static long balloon_out(struct vcpu *v, xen_pfn_t gfn)
{
    struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
    struct domain *d = v->domain;

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(SCRATCH(d) + 256));
    gput(d, SCRATCH(d), &r, sizeof(r));
    gput(d, SCRATCH(d) + 256, &gfn, sizeof(gfn));
    return hc(v, __HYPERVISOR_memory_op, XENMEM_decrease_reservation, SCRATCH(d), 0);
}

/* A page the hypervisor writes events to cannot be given back while it does. */
START_TEST(event_pages_stay_while_used)
{
    struct vcpu *u0 = domu->vcpu[0];

    fifo_on();
    ck_assert_int_eq(balloon_out(u0, CB_GFN), 0);
    ck_assert_int_eq(balloon_out(u0, ARRAY_GFN), 0);
    ck_assert_int_eq(balloon_out(u0, ARRAY_GFN + 1), 1);  /* an ordinary page */
    ck_assert_int_eq(expand(u0, ARRAY_GFN + 1), -EINVAL); /* ...now a hole */
    ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_reset, DOMID_SELF), 0);
    ck_assert_int_eq(balloon_out(u0, CB_GFN), 1);
    ck_assert_int_eq(balloon_out(u0, ARRAY_GFN), 1);
}
END_TEST

/* ------------------------------------------------------------------ concurrency */

#define RACE_PORTS 8
#define RACE_SENDS 20000

static uint64_t race_seq;
static uint64_t last_sent[RACE_PORTS + 1], last_seen[RACE_PORTS + 1];
static int race_done;

static void *race_guest(void *arg)
{
    struct walker w = {{0}};
    struct evtchn_fifo_control_block *c = cb(0);

    (void)arg;
    for (;;) {
        bool done = __atomic_load_n(&race_done, __ATOMIC_SEQ_CST);
        uint32_t ready = __atomic_exchange_n(&c->ready, 0, __ATOMIC_SEQ_CST);

        /* walk() with the seen order stamped as each word's PENDING is taken. */
        while (ready) {
            unsigned int q = __builtin_ctz(ready);
            uint32_t port = unlink_head(&w, c, q);

            if (!w.cursor[q])
                ready &= ~(1U << q);
            if (__atomic_fetch_and(word(port), ~PENDING, __ATOMIC_SEQ_CST) & PENDING)
                last_seen[port] = __atomic_add_fetch(&race_seq, 1, __ATOMIC_SEQ_CST);
        }
        if (done && !__atomic_load_n(&c->ready, __ATOMIC_SEQ_CST))
            return NULL;
    }
}

/* The guest walks its queue on another thread while ports are sent as fast as possible
 * (the tail is unlinked under the append, the BUSY path runs): after the last send,
 * every port must still be seen once more, i.e. no event is lost. */
START_TEST(concurrent_guest_loses_no_event)
{
    struct vcpu *u0 = domu->vcpu[0];
    pthread_t guest;
    uint32_t port;
    int i;

    fifo_on();
    for (i = 1; i <= RACE_PORTS; i++)
        ck_assert_uint_eq(bind_ipi(u0, 0), i);
    race_done = 0;
    ck_assert_int_eq(pthread_create(&guest, NULL, race_guest, NULL), 0);
    for (i = 0; i < RACE_SENDS; i++) {
        port = 1 + i % RACE_PORTS;
        last_sent[port] = __atomic_add_fetch(&race_seq, 1, __ATOMIC_SEQ_CST);
        ck_assert_int_eq(ev_port_op(u0, EVTCHNOP_send, port), 0);
    }
    __atomic_store_n(&race_done, 1, __ATOMIC_SEQ_CST);
    ck_assert_int_eq(pthread_join(guest, NULL), 0);
    for (port = 1; port <= RACE_PORTS; port++) {
        ck_assert_uint_gt(last_seen[port], last_sent[port]);
        ck_assert_uint_eq(*word(port) & (PENDING | BUSY), 0);
    }
}
END_TEST

TCase *tcase_fifo(void)
{
    TCase *tc = tcase_create("event_fifo");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, init_control_and_expand_checks);
    tcase_add_test(tc, queue_order_ready_and_upcall);
    tcase_add_test(tc, mask_unmask_and_priorities);
    tcase_add_test(tc, busy_tail_and_other_vcpu);
    tcase_add_test(tc, switch_keeps_pending_ports_and_reset);
    tcase_add_test(tc, event_pages_stay_while_used);
    tcase_add_test(tc, concurrent_guest_loses_no_event);
    return tc;
}
