/* SPDX-License-Identifier: MIT */
/*
 * Rate limit of guest-triggered hypervisor warnings (common/ratelimit.c), one per domain
 * (struct domain's warn_limit): a guest faulting in a loop cannot flood the console.
 * RATELIMIT_BURST messages per RATELIMIT_WINDOW_MS; the first message of a later window
 * reports how many the window before dropped.  Updates are not atomic: two vCPUs of one
 * domain warning at the same instant may miscount by one, never block.
 */
#ifndef HV_RATELIMIT_H
#define HV_RATELIMIT_H

#include <hv/types.h>

#define RATELIMIT_BURST     10
#define RATELIMIT_WINDOW_MS 5000

struct ratelimit {
    uint64_t window_start; /* ms */
    unsigned int printed;  /* in this window */
    unsigned int dropped;  /* in this window */
    bool started;
};

/* May one more message be printed at now_ms?  *dropped_before: how many the previous
 * window dropped, reported (and reset) with the first message allowed after it; else 0. */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ms, unsigned int *dropped_before);

#endif /* HV_RATELIMIT_H */
