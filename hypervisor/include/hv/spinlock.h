/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks for arch-neutral code (common/), built on the compiler's __atomic
 * builtins so the same source runs in the host unit tests.
 *
 * aarch64: compile with -mno-outline-atomics (or link libgcc) so the builtins become
 * LDAXR/STLXR or LSE instructions rather than calls into libgcc.
 * Locks are taken with IRQs masked (hypercall context at EL2); see hv/arch_hooks.h.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/cpu_relax.h>
#include <hv/types.h>

typedef struct {
    uint32_t next;  /* next ticket to hand out */
    uint32_t owner; /* ticket being served */
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0, 0                                                                                       \
    }

static inline void spin_lock_init(spinlock_t *l)
{
    l->next = 0;
    l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
}

/* Take l only if it is free at once: true when taken. */
static inline bool spin_trylock(spinlock_t *l)
{
    uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    uint32_t expected = owner;

    return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif /* HV_SPINLOCK_H */
