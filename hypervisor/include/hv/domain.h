/* SPDX-License-Identifier: MIT */
/*
 * Domain and vCPU life cycle (common/domain.c), as Xen's xen/common/domain.c.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/sched.h>

/* Create domain id (not yet running: its vCPUs are created offline).  Allocates
 * shared_info, event channels, grant table, then arch_domain_create().  NULL if id is
 * taken or reserved (>= DOMID_FIRST_RESERVED), max_vcpus is 0 or > MAX_VIRT_CPUS, or
 * memory is short.  The first privileged domain becomes the hardware domain. */
struct domain *domain_create(domid_t id, bool privileged, unsigned int max_vcpus);
/* Per-domain limits from XEN_DOMCTL_createdomain (domain_create uses Xen's defaults:
 * every 2-level port, 64 grant frames, 1024 maptrack frames). */
struct domain_limits {
    unsigned int max_evtchn_port;
    unsigned int max_grant_frames;
    unsigned int max_maptrack_frames;
};
/* domain_create with explicit limits and the toolstack's config (seen by the arch as
 * d->create_config during arch_domain_create); *err = -EINVAL/-EEXIST/-ENOMEM or the
 * arch's error when NULL is returned. */
struct domain *domain_create_limits(domid_t id, bool privileged, unsigned int max_vcpus,
                                    const struct domain_limits *lim,
                                    struct xen_domctl_createdomain *config, int *err);
/* Create vCPU id (< d->max_vcpus) of d, offline; its vcpu_info is shared_info's slot for
 * vCPU 0 (XEN_LEGACY_MAX_VCPUS = 1 on Arm) and a private dummy for the others. */
struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/* Tear d down (none of its vCPUs may run: XEN_DOMCTL_destroydomain pauses it first):
 * close its event channels, drop the grants it maps, then — unless another
 * domain still maps one of d's grants (-EBUSY: d stays, dying; call again later) — free
 * its vCPUs, its RAM (arch), shared_info, and unlink it; raises VIRQ_DOM_EXC; 0.
 * The memory itself is freed once no other hypercall is in flight (until then d's id
 * stays taken).  Foreign mappings of d's RAM (add_to_physmap_batch, acquire_resource)
 * are not tracked: the toolstack unmaps them first. */
int domain_destroy(struct domain *d);
/* Free destroyed domains no hypercall can still reach (none other in flight). */
void domain_graveyard_reap(void);
/* True while id names a live, dying or not yet freed domain (not reusable). */
bool domid_in_use(domid_t id);

/* domain_lookup() (hv/sched.h) plus DOMID_SELF -> v's domain, as Xen's
 * rcu_lock_domain_by_any_id.  NULL when there is no such domain. */
struct domain *domain_lookup_any(struct vcpu *v, domid_t id);
/* The privileged domain created first (dom0), or NULL. */
struct domain *hardware_domain(void);
/* Iterate over all domains. */
struct domain *domain_first(void);
struct domain *domain_next(struct domain *d);

/* A domain asks to stop (SCHEDOP_shutdown, remote_shutdown, PSCI SYSTEM_OFF/RESET, last
 * vCPU down): record the reason (first one wins), raise VIRQ_DOM_EXC, then call the arch
 * domain_shutdown().  Idempotent. */
void domain_begin_shutdown(struct domain *d, unsigned int reason);

/* Record the event-channel upcall PPI of d in HVM_PARAM_CALLBACK_IRQ, as Xen does for
 * dom0 (what HVMOP_get_param then reports; the arch calls it when it picks the PPI). */
void domain_set_callback_ppi(struct domain *d, unsigned int ppi);

/* Zeroed hypervisor memory for common objects (page-granular; alloc_xenheap_pages). */
void *hv_zalloc(size_t size);
void hv_free(void *p, size_t size);

#endif /* HV_DOMAIN_H */
