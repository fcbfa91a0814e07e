/* SPDX-License-Identifier: MIT */
/*
 * Domain and vCPU life cycle, domain lookup and shutdown (Xen: xen/common/domain.c).
 *
 * Locking: domlist_lock protects the domain list; d->domain_lock protects d's physmap
 * changes, page accounting and vcpu_info registration.  Order: domlist_lock, then
 * domain_lock, then evtchn.lock / grant lock (smaller domid first when two).
 */
#include <hv/arch_hooks.h>
#include <hv/claim.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/string.h>

static spinlock_t domlist_lock = SPINLOCK_INIT;
static struct domain *domain_list;
static struct domain *hwdom;

struct domain *domain_lookup(domid_t id)
{
    struct domain *d;

    spin_lock(&domlist_lock);
    for (d = domain_list; d; d = d->next_in_list)
        if (d->domain_id == id)
            break;
    spin_unlock(&domlist_lock);
    return d;
}

struct domain *domain_lookup_any(struct vcpu *v, domid_t id)
{
    if (id == DOMID_SELF)
        return v->domain;
    return domain_lookup(id);
}

struct domain *hardware_domain(void)
{
    return hwdom;
}

struct domain *domain_first(void)
{
    return domain_list;
}

struct domain *domain_next(struct domain *d)
{
    return d->next_in_list;
}

static void domain_free(struct domain *d)
{
    grant_table_destroy(d);
    evtchn_domain_destroy(d);
    if (d->shared_info)
        free_xenheap_pages(d->shared_info, 0);
    hv_free(d, sizeof(*d));
}

struct domain *domain_create_limits(domid_t id, bool privileged, unsigned int max_vcpus,
                                    const struct domain_limits *lim,
                                    struct xen_domctl_createdomain *config, int *err)
{
    struct domain *d, **pp;
    int rc = -ENOMEM;

    *err = -EINVAL;
    if (id >= DOMID_FIRST_RESERVED || max_vcpus == 0 || max_vcpus > MAX_VIRT_CPUS)
        return NULL;
    *err = -EEXIST;
    if (domid_in_use(id))
        return NULL;

    *err = -ENOMEM;
    d = hv_zalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->shutdown_code = -1;
    d->shared_info_gfn = INVALID_GFN;
    spin_lock_init(&d->domain_lock);

    /* shared_info always exists (Xen allocates it at creation): events raised before the
     * guest maps it are kept in its bitmaps. */
    d->shared_info = alloc_xenheap_pages(0);
    if (!d->shared_info)
        goto fail;
    memset(d->shared_info, 0, PAGE_SIZE);
    d->shared_info_mfn = virt_to_mfn(d->shared_info);

    rc = evtchn_domain_init(d);
    if (!rc) {
        if (lim->max_evtchn_port < d->evtchn.max_port)
            d->evtchn.max_port = lim->max_evtchn_port;
        rc = grant_table_init(d, lim->max_grant_frames, lim->max_maptrack_frames);
    }
    if (rc)
        goto fail;
    d->create_config = config;
    rc = arch_domain_create(d);
    d->create_config = NULL;
    if (rc)
        goto fail;

    spin_lock(&domlist_lock);
    if (privileged && !hwdom)
        hwdom = d;
    /* Kept sorted by domid, as Xen's list (getdomaininfo walks it in that order). */
    for (pp = &domain_list; *pp && (*pp)->domain_id < id; pp = &(*pp)->next_in_list)
        ;
    d->next_in_list = *pp;
    *pp = d;
    spin_unlock(&domlist_lock);
    *err = 0;
    return d;

fail:
    domain_free(d);
    *err = rc;
    return NULL;
}

struct domain *domain_create(domid_t id, bool privileged, unsigned int max_vcpus)
{
    const struct domain_limits lim = {
        .max_evtchn_port = EVTCHN_2L_PORTS - 1,
        .max_grant_frames = DEFAULT_MAX_GRANT_FRAMES,
        .max_maptrack_frames = DEFAULT_MAX_MAPTRACK_FRAMES,
    };
    int err;

    return domain_create_limits(id, privileged, max_vcpus, &lim, NULL, &err);
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v;

    if (id >= d->max_vcpus || d->vcpu[id])
        return NULL;
    v = hv_zalloc(sizeof(*v));
    if (!v)
        return NULL;
    v->vcpu_id = id;
    v->domain = d;
    /* Arm: XEN_LEGACY_MAX_VCPUS = 1, so only vCPU 0 has a slot in shared_info. */
    if (id < XEN_LEGACY_MAX_VCPUS)
        v->vcpu_info = &d->shared_info->vcpu_info[id];
    else
        v->vcpu_info = &v->dummy_vcpu_info;
    if (arch_vcpu_create(v)) {
        hv_free(v, sizeof(*v));
        return NULL;
    }
    d->vcpu[id] = v;
    return v;
}

/* Unlinked domains whose memory waits until no hypercall can still hold a pointer to
 * them (a cheap stand-in for Xen's RCU): freed when the only hypercall in flight is the
 * caller's own.  Their ids stay taken until then (the arch keys page owners by id). */
static struct domain *graveyard;

static void domain_final_free(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        arch_vcpu_destroy(v);
        if (v->vcpu_info_page)
            unmap_guest_frame(v->vcpu_info_page);
        hv_free(v, sizeof(*v));
        d->vcpu[i] = NULL;
    }
    arch_domain_destroy(d);
    domain_free(d);
}

void domain_graveyard_reap(void)
{
    struct domain *dead;

    spin_lock(&domlist_lock);
    if (hypercalls_in_flight() > 1) {
        spin_unlock(&domlist_lock);
        return;
    }
    dead = graveyard;
    graveyard = NULL;
    spin_unlock(&domlist_lock);
    while (dead) {
        struct domain *next = dead->next_in_list;

        domain_final_free(dead);
        dead = next;
    }
}

bool domid_in_use(domid_t id)
{
    struct domain *d;
    bool used = domain_lookup(id) != NULL;

    spin_lock(&domlist_lock);
    for (d = graveyard; d && !used; d = d->next_in_list)
        used = d->domain_id == id;
    spin_unlock(&domlist_lock);
    return used;
}

int domain_destroy(struct domain *d)
{
    struct domain **pp;

    /* Peers see our ports close and our grant mappings go first; then, if another
     * domain still maps one of our grants, our memory must stay: -EBUSY, and the
     * toolstack retries once the backend has unmapped (Xen keeps a zombie domain). */
    bool was_dying = d->is_dying;

    d->is_dying = true;
    claim_set(d, 0); /* a dying domain's claim goes back to the pool, as Xen's domain_kill */
    evtchn_domain_destroy(d);
    grant_table_release_mappings(d);
    if (grant_table_in_use(d)) {
        /* As Xen's domain_kill once the domain is dead but still mapped (a zombie): dom0's
         * daemons (xenstored, the console daemon) learn it is dying from VIRQ_DOM_EXC and
         * unmap its rings, which is what lets it go. */
        if (!was_dying)
            send_global_virq(VIRQ_DOM_EXC);
        domain_graveyard_reap();
        return -EBUSY;
    }

    spin_lock(&domlist_lock);
    for (pp = &domain_list; *pp; pp = &(*pp)->next_in_list)
        if (*pp == d) {
            *pp = d->next_in_list;
            break;
        }
    if (hwdom == d)
        hwdom = NULL;
    d->next_in_list = graveyard;
    graveyard = d;
    spin_unlock(&domlist_lock);

    domain_graveyard_reap();
    send_global_virq(VIRQ_DOM_EXC);
    return 0;
}

void domain_begin_shutdown(struct domain *d, unsigned int reason)
{
    spin_lock(&d->domain_lock);
    /* A code preset by SCHEDOP_shutdown_code wins over the reason given now (Xen). */
    if (d->shutdown_code < 0)
        d->shutdown_code = (int)reason;
    reason = (unsigned int)d->shutdown_code;
    if (d->is_shutting_down) {
        spin_unlock(&d->domain_lock);
        return;
    }
    d->is_shutting_down = true;
    spin_unlock(&d->domain_lock);

    send_global_virq(VIRQ_DOM_EXC);
    domain_shutdown(d, reason);
}
