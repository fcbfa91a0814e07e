/*
 * Index arithmetic for Xen's byte rings (console: io/console.h, xenstore: io/xs_wire.h).
 * Producer and consumer indexes are free-running 32-bit counters; the ring size is a power
 * of two and a slot is index & (size - 1).  A peer may write garbage into the indexes, so
 * every caller checks tg_ring_sane() before trusting them.
 */
#ifndef TG_RING_H
#define TG_RING_H

#include "types.h"

static inline uint32_t tg_ring_used(uint32_t prod, uint32_t cons)
{
    return prod - cons; /* modulo 2^32 by design */
}

static inline bool tg_ring_sane(uint32_t prod, uint32_t cons, uint32_t size)
{
    return tg_ring_used(prod, cons) <= size;
}

static inline uint32_t tg_ring_space(uint32_t prod, uint32_t cons, uint32_t size)
{
    return size - tg_ring_used(prod, cons);
}

static inline uint32_t tg_ring_idx(uint32_t i, uint32_t size)
{
    return i & (size - 1);
}

/* Longest run that can be written (or read) at index i without wrapping. */
static inline uint32_t tg_ring_contig(uint32_t i, uint32_t avail, uint32_t size)
{
    uint32_t to_end = size - tg_ring_idx(i, size);
    return avail < to_end ? avail : to_end;
}

#endif
