/* SPDX-License-Identifier: MIT */
/*
 * FIFO event delivery (Xen: xen/common/event_fifo.c; ABI: <xen/event_channel.h>, "FIFO
 * ABI").  After EVTCHNOP_init_control every port of the domain has a 32-bit event word
 * in event-array pages the guest adds with EVTCHNOP_expand_array: PENDING, MASKED,
 * LINKED, BUSY and a 17-bit LINK to the next port of its queue.  Each vCPU has 16 queues
 * (priority 0 highest .. 15, EVTCHN_FIFO_PRIORITY_DEFAULT 7): the heads live in the
 * vCPU's control block (a guest page), the tails are ours, and the control block's
 * `ready` word has a bit per queue that became non-empty.
 *
 * The guest walks its queues concurrently: it unlinks from the head (clearing LINKED
 * and LINK), masks, unmasks and clears PENDING.  We append at the tail with a
 * compare-and-swap that succeeds only while the tail word is still LINKED; if the guest
 * changed the word meanwhile, BUSY on it keeps the guest from unmasking it (Linux
 * unmasks with a hypercall while BUSY), so only a bounded number of retries is needed.
 * A tail the guest has already unlinked means the queue is empty: the new port becomes
 * the head and the queue's ready bit raises an upcall.
 *
 * Every entry point runs with evtchn_lock held (event_channel.c), so the queues need no
 * lock of their own.  Guest pages are reached only through map_guest_frame(), after
 * checking that the gfn is writable RAM owned by the domain; they stay mapped until
 * EVTCHNOP_reset or domain destruction (evtchn_fifo_destroy), and decrease_reservation
 * refuses to free them meanwhile (evtchn_uses_frame; Xen holds a page reference).
 */
#include <hv/arch_hooks.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/sched.h>
#include <hv/string.h>

#include <xen/event_channel.h>

#include "event_internal.h"

#define WORDS_PER_PAGE  (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES ((EVTCHN_2L_PORTS + WORDS_PER_PAGE - 1) / WORDS_PER_PAGE)
#define BIT(n)          ((event_word_t)1 << (n))
#define LINK_TRIES      4 /* the guest can change a BUSY linked word at most this often */

struct fifo_vcpu {
    struct evtchn_fifo_control_block *cb;  /* in the guest's page; NULL until init_control */
    uint32_t tail[EVTCHN_FIFO_MAX_QUEUES]; /* port last appended to each queue, 0: none */
};

struct evtchn_fifo_domain {
    event_word_t *array[MAX_ARRAY_PAGES]; /* event-array pages, in the order given */
    unsigned int nr_pages;
    struct fifo_vcpu vcpu[MAX_VIRT_CPUS];
};

/* Default: FIFO offered, as Xen; `evtchn=2l` refuses init_control (-ENOSYS). */
static bool fifo_allowed = true;

int evtchn_abi_select(const char *name, size_t len)
{
    if (len == 4 && !memcmp(name, "fifo", 4))
        fifo_allowed = true;
    else if (len == 2 && !memcmp(name, "2l", 2))
        fifo_allowed = false;
    else
        return -1;
    return 0;
}

const char *evtchn_abi_name(void)
{
    return fifo_allowed ? "fifo" : "2l";
}

/* ------------------------------------------------------------------ event words */

static event_word_t *word_of(struct evtchn_fifo_domain *f, uint32_t port)
{
    if (port >= f->nr_pages * WORDS_PER_PAGE)
        return NULL;
    return f->array[port / WORDS_PER_PAGE] + port % WORDS_PER_PAGE;
}

static bool word_test(event_word_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(bit);
}

static bool word_test_and_set(event_word_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static void word_set(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST);
}

static void word_clear(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~BIT(bit), __ATOMIC_SEQ_CST);
}

/*
 * Point the LINK of tail (a word on a queue) at port, provided tail is still LINKED.
 * true: port is now after tail.  false: the guest unlinked tail first, the queue is
 * empty and port must become its head.  The guest may only set or clear MASKED, clear
 * PENDING or unlink a LINKED word; once BUSY is set it no longer clears MASKED, so the
 * compare-and-swap loses a bounded number of races.
 */
static bool link_after(event_word_t *tail, uint32_t port)
{
    event_word_t old = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
    unsigned int tries;

    for (tries = 0; tries <= LINK_TRIES; tries++) {
        event_word_t new = (old & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;

        if (!(old & BIT(EVTCHN_FIFO_LINKED))) {
            if (tries)
                word_clear(tail, EVTCHN_FIFO_BUSY);
            return false;
        }
        /* Success also drops BUSY. */
        if (__atomic_compare_exchange_n(tail, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
        if (tries == 0) {
            word_set(tail, EVTCHN_FIFO_BUSY);
            old = __atomic_load_n(tail, __ATOMIC_SEQ_CST);
        }
    }
    /* Only a guest breaking the protocol gets here: its own event is lost (Xen too,
     * with a debug-build message). */
    word_clear(tail, EVTCHN_FIFO_BUSY);
    return true;
}

/* ------------------------------------------------------------------ port operations */

static void fifo_init(struct domain *d, struct evtchn *chn, uint32_t port)
{
    chn->fifo.priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    chn->fifo.pending = false;
}

static void fifo_set_pending(struct domain *d, struct evtchn *chn, uint32_t port)
{
    struct evtchn_fifo_domain *f = d->evtchn.fifo;
    unsigned int vid = chn->notify_vcpu_id, prio = chn->fifo.priority;
    event_word_t *w = word_of(f, port);
    struct fifo_vcpu *fv, *last;
    bool was_pending;

    if (!w) {
        /* No event-array page for it yet: raised when expand_array adds one (Xen). */
        chn->fifo.pending = true;
        return;
    }
    chn->fifo.pending = false;
    was_pending = word_test_and_set(w, EVTCHN_FIFO_PENDING);
    if (vid >= d->max_vcpus || !d->vcpu[vid])
        goto pollers;
    fv = &f->vcpu[vid];
    /* No control block: the guest must not unmask before it gives one, so the event
     * stays pending in its word only (Xen). */
    if (!fv->cb || word_test(w, EVTCHN_FIFO_MASKED) || word_test_and_set(w, EVTCHN_FIFO_LINKED))
        goto pollers;

    /* The port was the tail of the queue it was last linked on, and the guest has
     * unlinked it since (LINKED was clear): that queue is empty now, and nothing may be
     * linked after this port there any more. */
    last = &f->vcpu[chn->fifo.last_vcpu];
    if (last->tail[chn->fifo.last_priority] == port)
        last->tail[chn->fifo.last_priority] = 0;
    chn->fifo.last_vcpu = vid;
    chn->fifo.last_priority = prio;

    if (!fv->tail[prio] || !word_of(f, fv->tail[prio]) ||
        !link_after(word_of(f, fv->tail[prio]), port)) {
        __atomic_store_n(&fv->cb->head[prio], port, __ATOMIC_SEQ_CST);
        if (!(__atomic_fetch_or(&fv->cb->ready, 1U << prio, __ATOMIC_SEQ_CST) & (1U << prio)))
            vcpu_mark_events_pending(d->vcpu[vid]);
    }
    fv->tail[prio] = port;
pollers:
    if (!was_pending)
        evtchn_check_pollers(d, port);
}

static void fifo_clear_pending(struct domain *d, uint32_t port)
{
    event_word_t *w = word_of(d->evtchn.fifo, port);

    /* Only PENDING: the guest unlinks (and skips) words that are no longer pending. */
    if (w)
        word_clear(w, EVTCHN_FIFO_PENDING);
}

static void fifo_unmask(struct domain *d, struct evtchn *chn, uint32_t port)
{
    event_word_t *w = word_of(d->evtchn.fifo, port);

    if (!w)
        return;
    word_clear(w, EVTCHN_FIFO_MASKED);
    if (word_test(w, EVTCHN_FIFO_PENDING))
        fifo_set_pending(d, chn, port); /* queue it now */
}

static bool fifo_is_pending(struct domain *d, uint32_t port)
{
    event_word_t *w = word_of(d->evtchn.fifo, port);

    return w && word_test(w, EVTCHN_FIFO_PENDING);
}

static bool fifo_is_busy(struct domain *d, uint32_t port)
{
    event_word_t *w = word_of(d->evtchn.fifo, port);

    return w && word_test(w, EVTCHN_FIFO_LINKED);
}

static int fifo_set_priority(struct domain *d, struct evtchn *chn, unsigned int priority)
{
    if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -EINVAL;
    /* Later events go to the new queue; one already queued stays where it is. */
    chn->fifo.priority = priority;
    return 0;
}

const struct evtchn_port_ops evtchn_port_ops_fifo = {
    .name = "FIFO",
    .init = fifo_init,
    .set_pending = fifo_set_pending,
    .clear_pending = fifo_clear_pending,
    .unmask = fifo_unmask,
    .is_pending = fifo_is_pending,
    .is_busy = fifo_is_busy,
    .set_priority = fifo_set_priority,
};

/* ------------------------------------------------------------------ setup, teardown */

/* d's page at gfn, if it is writable RAM that d owns (not a grant or foreign mapping,
 * not a hypervisor page such as shared_info); NULL otherwise. */
static void *map_event_page(struct domain *d, uint64_t gfn)
{
    unsigned int type;
    mfn_t mfn;

    if (gfn > (~0ULL >> PAGE_SHIFT))
        return NULL;
    mfn = p2m_lookup(d, gfn, &type);
    if (mfn == INVALID_MFN || type != P2M_RAM_RW || !mfn_owned_by(d, mfn))
        return NULL;
    return map_guest_frame(d, gfn);
}

static void unmap_event_page(void *va)
{
    if (va)
        unmap_guest_frame((void *)((uintptr_t)va & PAGE_MASK));
}

/* The switch from 2-level: every port gets the default priority and keeps its pending
 * state, raised again once its event-array page exists (Xen's setup_ports). */
static void take_over_ports(struct domain *d)
{
    uint32_t port;

    for (port = 1; port < d->evtchn.nr_ports; port++) {
        struct evtchn *chn = evtchn_lookup(d, port);

        chn->fifo.priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->fifo.pending = chn->state != ECS_FREE && d->evtchn.ops->is_pending(d, port);
    }
}

int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *c)
{
    struct evtchn_fifo_domain *f = d->evtchn.fifo;
    void *page;

    c->link_bits = EVTCHN_FIFO_LINK_BITS;
    if (!fifo_allowed)
        return -ENOSYS;
    if (c->vcpu >= d->max_vcpus || !d->vcpu[c->vcpu])
        return -ENOENT;
    /* The 72-byte control block: inside the page, 8-byte aligned. */
    if (c->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) || (c->offset & 7))
        return -EINVAL;
    if (f && f->vcpu[c->vcpu].cb)
        return -EINVAL; /* once per vCPU */
    page = map_event_page(d, c->control_gfn);
    if (!page)
        return -EINVAL;
    if (!f) {
        f = hv_zalloc(sizeof(*f));
        if (!f) {
            unmap_event_page(page);
            return -ENOMEM;
        }
    }
    /* Validated: apply. */
    f->vcpu[c->vcpu].cb = (struct evtchn_fifo_control_block *)((char *)page + c->offset);
    if (!d->evtchn.fifo) {
        take_over_ports(d);
        d->evtchn.fifo = f;
        d->evtchn.ops = &evtchn_port_ops_fifo;
    }
    return 0;
}

int evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn)
{
    struct evtchn_fifo_domain *f = d->evtchn.fifo;
    unsigned int limit, first;
    uint32_t port;
    void *page;

    if (!f)
        return -EOPNOTSUPP;
    /* Enough pages for every port the domain may have, no more. */
    limit = (d->evtchn.max_port + WORDS_PER_PAGE) / WORDS_PER_PAGE;
    if (limit > MAX_ARRAY_PAGES)
        limit = MAX_ARRAY_PAGES;
    if (f->nr_pages >= limit)
        return -ENOSPC;
    page = map_event_page(d, array_gfn);
    if (!page)
        return -EINVAL;
    f->array[f->nr_pages] = page;
    first = f->nr_pages * WORDS_PER_PAGE;
    f->nr_pages++;
    /* Events raised while the page was missing. */
    for (port = first; port < first + WORDS_PER_PAGE && port < d->evtchn.nr_ports; port++) {
        struct evtchn *chn = evtchn_lookup(d, port);

        if (chn->fifo.pending && chn->state != ECS_FREE)
            fifo_set_pending(d, chn, port);
    }
    return 0;
}

bool evtchn_fifo_uses_frame(struct domain *d, mfn_t mfn)
{
    struct evtchn_fifo_domain *f = d->evtchn.fifo;
    unsigned int i;

    if (!f)
        return false;
    for (i = 0; i < MAX_VIRT_CPUS; i++)
        if (f->vcpu[i].cb && virt_to_mfn(f->vcpu[i].cb) == mfn)
            return true;
    for (i = 0; i < f->nr_pages; i++)
        if (virt_to_mfn(f->array[i]) == mfn)
            return true;
    return false;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_fifo_domain *f = d->evtchn.fifo;
    unsigned int i;

    if (!f)
        return;
    d->evtchn.ops = &evtchn_port_ops_2l;
    d->evtchn.fifo = NULL;
    for (i = 0; i < MAX_VIRT_CPUS; i++)
        unmap_event_page(f->vcpu[i].cb);
    for (i = 0; i < f->nr_pages; i++)
        unmap_event_page(f->array[i]);
    hv_free(f, sizeof(*f));
}
