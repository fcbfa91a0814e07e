/* SPDX-License-Identifier: MIT */
/*
 * hvm_op get/set_param (Xen on Arm: xen/arch/arm/hvm.c, 4.17).  The parameters are the
 * toolstack's way to tell a domU where its xenstore and console rings are; a guest may
 * read them but never set them, and only the toolstack reads MONITOR_RING_PFN.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

void domain_set_callback_ppi(struct domain *d, unsigned int ppi)
{
    /* Xen on Arm (evtchn_allocate): type PPI in bits 63:56, active-low level flag in
     * bits 15:8, the PPI number below. */
    d->hvm_param[HVM_PARAM_CALLBACK_IRQ] =
        ((uint64_t)HVM_PARAM_CALLBACK_TYPE_PPI << 56) |
        ((uint64_t)HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL << 8) | ppi;
}

static int hvm_allow_set_param(struct vcpu *cur, const struct domain *d, uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_MONITOR_RING_PFN:
        return d == cur->domain ? -EPERM : 0;
    default:
        return -EINVAL;
    }
}

static int hvm_allow_get_param(struct vcpu *cur, const struct domain *d, uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
        return 0;
    case HVM_PARAM_MONITOR_RING_PFN:
        return d == cur->domain ? -EPERM : 0;
    default:
        return -EINVAL;
    }
}

static long hvm_param(struct vcpu *cur, unsigned long op, uint64_t arg)
{
    struct xen_hvm_param p;
    struct domain *d;
    int rc;

    if (copy_from_guest_va(&p, arg, sizeof(p)))
        return -EFAULT;
    d = domain_lookup_any(cur, p.domid);
    if (!d)
        return -ESRCH;
    if (d != cur->domain && !cur->domain->is_privileged)
        return -EPERM;
    if (op == HVMOP_set_param) {
        rc = hvm_allow_set_param(cur, d, p.index);
        if (!rc)
            d->hvm_param[p.index] = p.value;
        return rc;
    }
    rc = hvm_allow_get_param(cur, d, p.index);
    if (rc)
        return rc;
    p.value = d->hvm_param[p.index];
    return copy_to_guest_va(arg, &p, sizeof(p)) ? -EFAULT : 0;
}

long hc_hvm_op(struct vcpu *v, const uint64_t a[5])
{
    switch (a[0]) {
    case HVMOP_set_param:
    case HVMOP_get_param:
        return hvm_param(v, a[0], a[1]);
    case HVMOP_guest_request_vm_event:
        /* Xen on Arm: a NULL argument asks the monitor for an event, which happens only
         * when a monitor enabled guest requests; Tern has no vm_event monitor, so (as Xen
         * with none enabled) nothing happens: 0.  Any argument: -EINVAL. */
        return a[1] ? -EINVAL : 0;
    default:
        return -ENOSYS;
    }
}
