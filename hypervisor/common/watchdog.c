/* SPDX-License-Identifier: MIT */
/* The hypervisor watchdog's bookkeeping (hv/watchdog.h); the arch owns the timer. */
#include <hv/watchdog.h>

void watchdog_enter(struct watchdog_cpu *w, uint64_t now, uint64_t esr, uint64_t nr, uint16_t domid,
                    uint16_t vcpu)
{
    w->esr = esr;
    w->nr = nr;
    w->domid = domid;
    w->vcpu = vcpu;
    w->reported = false;
    __atomic_store_n(&w->since, now ? now : 1, __ATOMIC_RELEASE);
}

void watchdog_leave(struct watchdog_cpu *w)
{
    __atomic_store_n(&w->since, 0, __ATOMIC_RELEASE);
}

bool watchdog_stuck(struct watchdog_cpu *w, uint64_t now, uint64_t limit)
{
    uint64_t since = __atomic_load_n(&w->since, __ATOMIC_ACQUIRE);

    if (!since || w->reported || now < since || now - since < limit)
        return false;
    w->reported = true;
    return true;
}
