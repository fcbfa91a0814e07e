/* SPDX-License-Identifier: MIT */
/* Rate limit of guest-triggered warnings (hv/ratelimit.h). */
#include <hv/ratelimit.h>

bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ms, unsigned int *dropped_before)
{
    *dropped_before = 0;
    if (!rl->started || now_ms - rl->window_start >= RATELIMIT_WINDOW_MS) {
        *dropped_before = rl->dropped;
        rl->started = true;
        rl->window_start = now_ms;
        rl->printed = 0;
        rl->dropped = 0;
    }
    if (rl->printed < RATELIMIT_BURST) {
        rl->printed++;
        return true;
    }
    if (rl->dropped != ~0u)
        rl->dropped++;
    return false;
}
