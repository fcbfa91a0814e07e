/*
 * Hypercall wrappers over the single entry xen_hypercall (arch/arm64/hypercall.S).  The ABI
 * types come from Xen's public headers (Debian libxen-dev), never retyped here.
 */
#ifndef TG_XEN_H
#define TG_XEN_H

#include "types.h"
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

/* Xen errno values (xen/errno.h) as negative longs, for readable expectations. */
#define XEN_ERR(e) (-(long)(XEN_##e))

long xen_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4);

static inline long hyp_xen_version(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_xen_version, (unsigned long)cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hyp_memory_op(unsigned long cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_memory_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hyp_event_channel_op(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd, (uintptr_t)arg, 0, 0,
                         0);
}

static inline long hyp_grant_table_op(unsigned cmd, void *arg, unsigned count)
{
    return xen_hypercall(__HYPERVISOR_grant_table_op, cmd, (uintptr_t)arg, count, 0, 0);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hyp_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
    return xen_hypercall(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu, (uintptr_t)arg, 0, 0);
}

static inline long hyp_hvm_op(unsigned long op, void *arg)
{
    return xen_hypercall(__HYPERVISOR_hvm_op, op, (uintptr_t)arg, 0, 0, 0);
}

static inline long hyp_console_io(int cmd, unsigned count, const void *buf)
{
    return xen_hypercall(__HYPERVISOR_console_io, (unsigned long)cmd, count, (uintptr_t)buf, 0, 0);
}

/* HVMOP_get_param on this domain; returns the hypercall's result, value in *val. */
long hvm_get_param(unsigned idx, uint64_t *val);

void xen_yield(void);
void xen_poweroff(void) __attribute__((noreturn));
void xen_crash(void) __attribute__((noreturn));

#endif
