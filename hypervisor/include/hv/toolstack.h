/* SPDX-License-Identifier: MIT */
/* Shared by common/domctl.c and common/sysctl.c. */
#ifndef HV_TOOLSTACK_H
#define HV_TOOLSTACK_H

#include <hv/spinlock.h>

struct domain;
struct xen_domctl_getdomaininfo;

/* Held across every domctl and sysctl (common/domctl.c); taken only by
 * toolstack_lock_acquire(), false when busy: the caller answers -ERESTART. */
extern spinlock_t toolstack_lock;
bool toolstack_lock_acquire(void);

/* Nested pause of d (the arch's domain_pause on 0 -> 1, domain_unpause on 1 -> 0). */
void domain_pause_get(struct domain *d);
void domain_pause_put(struct domain *d);
/* Free dying domains nobody maps any more (zombies left by destroydomain). */
void domains_reap(void);
/* XEN_DOMCTL_getdomaininfo's record of d. */
void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

#endif /* HV_TOOLSTACK_H */
