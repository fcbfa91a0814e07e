/* SPDX-License-Identifier: MIT */
/*
 * The console ring: the last CONRING_SIZE bytes of the hypervisor's own log (printk;
 * dom0's CONSOLEIO_write output is not kept, as Xen without console_to_ring), read by the toolstack
 * with XEN_SYSCTL_readconsole
 * (`xl dmesg`, `tern dmesg`).  Semantics as Xen's conring (xen/drivers/char/console.c,
 * read_console_ring): free-running producer/consumer indexes, an incremental read from a
 * caller's index (clamped to the oldest byte kept), clear moves the consumer to the
 * producer.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* struct xen_sysctl_readconsole */
#endif
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/spinlock.h>
#include <hv/string.h>

#include <xen/sysctl.h>

#define CONRING_SIZE 16384 /* a power of two */
#define CHUNK        256   /* bytes copied to the guest per lock hold */

static char ring[CONRING_SIZE];
static uint32_t prod, cons; /* free-running */
static spinlock_t conring_lock = SPINLOCK_INIT;

void conring_put(const char *s, size_t n)
{
    spin_lock(&conring_lock);
    for (size_t i = 0; i < n; i++)
        ring[prod++ & (CONRING_SIZE - 1)] = s[i];
    if (prod - cons > CONRING_SIZE)
        cons = prod - CONRING_SIZE;
    spin_unlock(&conring_lock);
}

long conring_read(struct xen_sysctl_readconsole *r)
{
    char buf[CHUNK];
    uint32_t c, p, sofar = 0;
    long rc = 0;

    spin_lock(&conring_lock);
    p = prod;
    /* As Xen's read_console_ring: the caller's index only when it lies after the consumer
     * and at or before the producer; else from the consumer (so a read after a clear
     * starts at the clear, and an index from before the oldest byte kept is moved up). */
    c = cons;
    if (r->incremental && (int32_t)(r->index - cons) > 0 && (int32_t)(p - r->index) >= 0)
        c = r->index;
    while (c != p && sofar < r->count) {
        uint32_t len = p - c, off = c & (CONRING_SIZE - 1);

        len = len < CONRING_SIZE - off ? len : CONRING_SIZE - off;
        len = len < r->count - sofar ? len : r->count - sofar;
        len = len < CHUNK ? len : CHUNK;
        memcpy(buf, ring + off, len);
        spin_unlock(&conring_lock);
        if (copy_to_guest_va(r->buffer.q + sofar, buf, len))
            return -EFAULT;
        spin_lock(&conring_lock);
        sofar += len;
        c += len;
    }
    if (r->clear)
        cons = p;
    spin_unlock(&conring_lock);
    r->count = sofar;
    r->index = c;
    return rc;
}
