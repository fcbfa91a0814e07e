/* libxenctrl-compatible scheduler control: credit weight/cap (XEN_DOMCTL_scheduler_op),
 * credit's global parameters (XEN_SYSCTL_scheduler_op), vCPU hard/soft affinity
 * (XEN_DOMCTL_set/getvcpuaffinity) and CPU maps.  xc_sched_credit_domain_get and
 * xc_sched_id are in xc_domain.c / xc_misc.c. */
#include <stdlib.h>
#include "xc_private.h"

int xc_get_cpumap_size(xc_interface *xch)
{
    int max = xc_get_max_cpus(xch);

    return max < 0 ? -1 : (max + 7) / 8;
}

xc_cpumap_t xc_cpumap_alloc(xc_interface *xch)
{
    int size = xc_get_cpumap_size(xch);

    if (size <= 0) {
        errno = size < 0 ? errno : EINVAL;
        return NULL;
    }
    return calloc(1, size);
}

int xc_sched_credit_domain_set(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *sdom)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_scheduler_op, .domain = domid};

    domctl.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    domctl.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    domctl.u.scheduler_op.u.credit = *sdom;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_scheduler_op putinfo of domain %u", domid);
        return -1;
    }
    return 0;
}

static int credit_params(xc_interface *xch, uint32_t cmd, uint32_t cpupool_id,
                         struct xen_sysctl_credit_schedule *schedule)
{
    struct xen_sysctl sysctl = {.cmd = XEN_SYSCTL_scheduler_op};

    sysctl.u.scheduler_op.cpupool_id = cpupool_id;
    sysctl.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    sysctl.u.scheduler_op.cmd = cmd;
    sysctl.u.scheduler_op.u.sched_credit = *schedule;
    if (xc_sysctl(xch, &sysctl) < 0) {
        xc_report(xch, errno, "XEN_SYSCTL_scheduler_op of cpupool %u", cpupool_id);
        return -1;
    }
    *schedule = sysctl.u.scheduler_op.u.sched_credit;
    return 0;
}

int xc_sched_credit_params_get(xc_interface *xch, uint32_t cpupool_id,
                               struct xen_sysctl_credit_schedule *schedule)
{
    return credit_params(xch, XEN_SYSCTL_SCHEDOP_getinfo, cpupool_id, schedule);
}

int xc_sched_credit_params_set(xc_interface *xch, uint32_t cpupool_id,
                               struct xen_sysctl_credit_schedule *schedule)
{
    return credit_params(xch, XEN_SYSCTL_SCHEDOP_putinfo, cpupool_id, schedule);
}

/* One affinity domctl: the maps the flags name go through hypercall-safe buffers of
 * the host's CPU map size, copied in (set) and back (both). */
static int affinity_op(xc_interface *xch, uint32_t cmd, uint32_t domid, int vcpu, xc_cpumap_t hard,
                       xc_cpumap_t soft, uint32_t flags)
{
    struct xen_domctl domctl = {.cmd = cmd, .domain = domid};
    struct xc_bounce bh = {0}, bs = {0};
    int size = xc_get_cpumap_size(xch), rc = -1;
    int in = cmd == XEN_DOMCTL_setvcpuaffinity;

    if (size <= 0)
        return -1;
    if (((flags & XEN_VCPUAFFINITY_HARD) && !hard) || ((flags & XEN_VCPUAFFINITY_SOFT) && !soft)) {
        errno = EINVAL;
        return -1;
    }
    if ((flags & XEN_VCPUAFFINITY_HARD) && xc_bounce_in(xch, &bh, hard, size, in, 1) < 0)
        goto out;
    if ((flags & XEN_VCPUAFFINITY_SOFT) && xc_bounce_in(xch, &bs, soft, size, in, 1) < 0)
        goto out;
    domctl.u.vcpuaffinity.vcpu = vcpu;
    domctl.u.vcpuaffinity.flags = flags;
    set_xen_guest_handle_raw(domctl.u.vcpuaffinity.cpumap_hard.bitmap, (uint8_t *)bh.hbuf);
    set_xen_guest_handle_raw(domctl.u.vcpuaffinity.cpumap_soft.bitmap, (uint8_t *)bs.hbuf);
    domctl.u.vcpuaffinity.cpumap_hard.nr_bits = size * 8;
    domctl.u.vcpuaffinity.cpumap_soft.nr_bits = size * 8;
    rc = xc_domctl(xch, &domctl);
    if (rc < 0)
        xc_report(xch, errno, "%s of vCPU %d of domain %u",
                  in ? "XEN_DOMCTL_setvcpuaffinity" : "XEN_DOMCTL_getvcpuaffinity", vcpu, domid);
out:
    if (rc < 0) {
        bh.out = 0;
        bs.out = 0;
    }
    xc_bounce_out(xch, &bh);
    xc_bounce_out(xch, &bs);
    return rc;
}

int xc_vcpu_setaffinity(xc_interface *xch, uint32_t domid, int vcpu, xc_cpumap_t cpumap_hard_inout,
                        xc_cpumap_t cpumap_soft_inout, uint32_t flags)
{
    return affinity_op(xch, XEN_DOMCTL_setvcpuaffinity, domid, vcpu, cpumap_hard_inout,
                       cpumap_soft_inout, flags);
}

int xc_vcpu_getaffinity(xc_interface *xch, uint32_t domid, int vcpu, xc_cpumap_t cpumap_hard,
                        xc_cpumap_t cpumap_soft, uint32_t flags)
{
    return affinity_op(xch, XEN_DOMCTL_getvcpuaffinity, domid, vcpu, cpumap_hard, cpumap_soft,
                       flags);
}
