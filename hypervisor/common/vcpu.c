/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op (Xen on Arm: xen/arch/arm/domain.c do_vcpu_op + xen/common/domain.c
 * common_vcpu_op, map_vcpu_info).  Arm offers only register_vcpu_info and
 * register_runstate_memory_area; every other sub-op is -EINVAL there (vCPUs come up
 * with PSCI CPU_ON, not VCPUOP_up).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/string.h>

#include <xen/vcpu.h>

static long register_vcpu_info(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct vcpu_register_vcpu_info info;
    struct vcpu_info *new_info;
    void *page;

    if (copy_from_guest_va(&info, arg, sizeof(info)))
        return -EFAULT;
    /* The 48-byte vcpu_info must sit inside the page, 8-byte aligned (alignof). */
    if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return -ENXIO;
    if (info.offset & (_Alignof(struct vcpu_info) - 1))
        return -ENXIO;
    spin_lock(&d->domain_lock);
    if (v->vcpu_info_registered || (v != cur && v->online)) {
        spin_unlock(&d->domain_lock);
        return -EINVAL;
    }
    page = map_guest_frame(d, info.mfn);
    if (!page) {
        spin_unlock(&d->domain_lock);
        return -EINVAL;
    }
    new_info = (struct vcpu_info *)((char *)page + info.offset);
    if (v->vcpu_info == &v->dummy_vcpu_info)
        memset(new_info, 0, sizeof(*new_info));
    else
        memcpy(new_info, v->vcpu_info, sizeof(*new_info));
    v->vcpu_info_page = page;
    v->vcpu_info_registered = true;
    __atomic_store_n(&v->vcpu_info, new_info, __ATOMIC_SEQ_CST);
    spin_unlock(&d->domain_lock);

    /* Everything may be pending: a spurious upcall is harmless, a lost one is not. */
    __atomic_store_n(&new_info->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
    vcpu_mark_events_pending(v);
    return 0;
}

void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now_ns)
{
    struct vcpu_runstate_info *rs = &v->runstate;

    if (rs->state == state)
        return;
    if (now_ns > rs->state_entry_time && (unsigned int)rs->state < 4)
        rs->time[rs->state] += now_ns - rs->state_entry_time;
    rs->state = state;
    rs->state_entry_time = now_ns;
}

void vcpu_runstate_publish(struct vcpu *v)
{
    vaddr_t va = v->runstate_guest;
    uint64_t t = v->runstate.state_entry_time;
    bool flag = v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);
    vaddr_t t_va = va + offsetof(struct vcpu_runstate_info, state_entry_time);

    if (!va)
        return;
    /* Faults are ignored (Xen): the guest unmapped its area, its loss.  With the update
     * flag, readers on other vCPUs see XEN_RUNSTATE_UPDATE while the copy is torn. */
    if (flag) {
        uint64_t busy = t | XEN_RUNSTATE_UPDATE;

        copy_to_guest_va(t_va, &busy, sizeof(busy));
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    copy_to_guest_va(va, &v->runstate, sizeof(v->runstate));
    if (flag) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        copy_to_guest_va(t_va, &t, sizeof(t));
    }
}

static long register_runstate(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area area;

    if (copy_from_guest_va(&area, arg, sizeof(area)))
        return -EFAULT;
    v->runstate_guest = area.addr.p;
    /* Published now when v is the caller (Xen), else when v is next switched in. */
    if (v == cur)
        vcpu_runstate_publish(v);
    return 0;
}

long hc_vcpu_op(struct vcpu *v, const uint64_t a[5])
{
    struct domain *d = v->domain;
    unsigned long cmd = a[0], id = a[1];
    struct vcpu *target = id < d->max_vcpus ? d->vcpu[id] : NULL;

    if (!target)
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, target, a[2]);
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(v, target, a[2]);
    default:
        return -EINVAL;
    }
}
