/* libxenctrl-compatible domain control: the XEN_DOMCTL_* wrappers a toolstack needs. */
#include <stdlib.h>
#include "xc_private.h"

static int simple_domctl(xc_interface *xch, uint32_t cmd, uint32_t domid, const char *what)
{
    struct xen_domctl domctl = {.cmd = cmd, .domain = domid};

    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "%s of domain %u", what, domid);
        return -1;
    }
    return 0;
}

int xc_domain_create(xc_interface *xch, uint32_t *pdomid, struct xen_domctl_createdomain *config)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_createdomain, .domain = *pdomid};

    domctl.u.createdomain = *config;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_createdomain");
        return -1;
    }
    *pdomid = domctl.domain;
    *config = domctl.u.createdomain;
    return 0;
}

int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid, unsigned int max)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_max_vcpus, .domain = domid};

    domctl.u.max_vcpus.max = max;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_max_vcpus(%u) of domain %u", max, domid);
        return -1;
    }
    return 0;
}

int xc_domain_pause(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_pausedomain, domid, "XEN_DOMCTL_pausedomain");
}

int xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_unpausedomain, domid, "XEN_DOMCTL_unpausedomain");
}

int xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_destroydomain, .domain = domid};
    int rc;

    /* Xen frees memory preemptibly and asks to be called again. */
    do {
        domctl.cmd = XEN_DOMCTL_destroydomain;
        domctl.domain = domid;
        rc = xc_domctl(xch, &domctl);
    } while (rc < 0 && (errno == EAGAIN || errno == ERESTART));
    if (rc < 0)
        xc_report(xch, errno, "XEN_DOMCTL_destroydomain of domain %u", domid);
    return rc;
}

int xc_domain_shutdown(xc_interface *xch, uint32_t domid, int reason)
{
    struct sched_remote_shutdown arg = {.domain_id = domid, .reason = reason};
    int rc = xc_hypercall_struct(xch, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &arg,
                                 sizeof(arg), 0);

    if (rc < 0)
        xc_report(xch, errno, "SCHEDOP_remote_shutdown of domain %u", domid);
    return rc < 0 ? -1 : 0;
}

int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid, uint64_t max_memkb)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_max_mem, .domain = domid};

    domctl.u.max_mem.max_memkb = max_memkb;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_max_mem(%llu KiB) of domain %u",
                  (unsigned long long)max_memkb, domid);
        return -1;
    }
    return 0;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain, unsigned int max_domains,
                          xc_domaininfo_t *info)
{
    struct xen_sysctl sysctl = {.cmd = XEN_SYSCTL_getdomaininfolist};
    struct xc_bounce b;
    int rc;

    if (xc_bounce_in(xch, &b, info, (size_t)max_domains * sizeof(*info), 0, 1) < 0)
        return -1;
    sysctl.u.getdomaininfolist.first_domain = first_domain;
    sysctl.u.getdomaininfolist.max_domains = max_domains;
    set_xen_guest_handle_raw(sysctl.u.getdomaininfolist.buffer, (xc_domaininfo_t *)b.hbuf);
    rc = xc_sysctl(xch, &sysctl);
    xc_bounce_out(xch, &b);
    if (rc < 0) {
        xc_report(xch, errno, "XEN_SYSCTL_getdomaininfolist");
        return -1;
    }
    return (int)sysctl.u.getdomaininfolist.num_domains;
}

static void dominfo_from_domctl(xc_dominfo_t *out, const xc_domaininfo_t *in)
{
    memset(out, 0, sizeof(*out));
    out->domid = in->domain;
    out->ssidref = in->ssidref;
    out->dying = !!(in->flags & XEN_DOMINF_dying);
    out->shutdown = !!(in->flags & XEN_DOMINF_shutdown);
    out->paused = !!(in->flags & XEN_DOMINF_paused);
    out->blocked = !!(in->flags & XEN_DOMINF_blocked);
    out->running = !!(in->flags & XEN_DOMINF_running);
    out->hvm = !!(in->flags & XEN_DOMINF_hvm_guest);
    out->debugged = !!(in->flags & XEN_DOMINF_debugged);
    out->xenstore = !!(in->flags & XEN_DOMINF_xs_domain);
    out->hap = !!(in->flags & XEN_DOMINF_hap);
    out->shutdown_reason = (in->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    out->crashed = out->shutdown && out->shutdown_reason == SHUTDOWN_crash;
    out->nr_pages = in->tot_pages;
    out->nr_outstanding_pages = in->outstanding_pages;
    out->nr_shared_pages = in->shr_pages;
    out->nr_paged_pages = in->paged_pages;
    out->shared_info_frame = in->shared_info_frame;
    out->cpu_time = in->cpu_time;
    out->max_memkb = in->max_pages << (XC_PAGE_SHIFT - 10);
    out->nr_online_vcpus = in->nr_online_vcpus;
    out->max_vcpu_id = in->max_vcpu_id;
    memcpy(out->handle, in->handle, sizeof(out->handle));
    out->cpupool = in->cpupool;
    out->gpaddr_bits = in->gpaddr_bits;
    out->arch_config = in->arch_config;
}

int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid, unsigned int max_doms,
                      xc_dominfo_t *info)
{
    xc_domaininfo_t *list;
    int n;

    if (!max_doms)
        return 0;
    list = calloc(max_doms, sizeof(*list));
    if (!list)
        return -1;
    n = xc_domain_getinfolist(xch, first_domid, max_doms, list);
    for (int i = 0; i < n; i++)
        dominfo_from_domctl(&info[i], &list[i]);
    free(list);
    return n;
}

/* XEN_DOMCTL_{set,get}vcpucontext: the same call, the buffer copied in or out. */
static int vcpu_context_op(xc_interface *xch, uint32_t cmd, const char *name, uint32_t domid,
                           uint32_t vcpu, vcpu_guest_context_any_t *ctxt, int in, int out)
{
    struct xen_domctl domctl = {.cmd = cmd, .domain = domid};
    struct xc_bounce b;
    int rc;

    if (xc_bounce_in(xch, &b, ctxt, sizeof(*ctxt), in, out) < 0)
        return -1;
    domctl.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle_raw(domctl.u.vcpucontext.ctxt, (vcpu_guest_context_t *)b.hbuf);
    rc = xc_domctl(xch, &domctl);
    xc_bounce_out(xch, &b);
    if (rc < 0)
        xc_report(xch, errno, "%s of vCPU %u of domain %u", name, vcpu, domid);
    return rc;
}

int xc_vcpu_setcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                       vcpu_guest_context_any_t *ctxt)
{
    return vcpu_context_op(xch, XEN_DOMCTL_setvcpucontext, "XEN_DOMCTL_setvcpucontext", domid, vcpu,
                           ctxt, 1, 0);
}

int xc_vcpu_getcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                       vcpu_guest_context_any_t *ctxt)
{
    return vcpu_context_op(xch, XEN_DOMCTL_getvcpucontext, "XEN_DOMCTL_getvcpucontext", domid, vcpu,
                           ctxt, 0, 1);
}

int xc_vcpu_getinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu, xc_vcpuinfo_t *info)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_getvcpuinfo, .domain = domid};

    domctl.u.getvcpuinfo.vcpu = vcpu;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_getvcpuinfo of vCPU %u of domain %u", vcpu, domid);
        return -1;
    }
    *info = domctl.u.getvcpuinfo;
    return 0;
}

int xc_domain_cacheflush(xc_interface *xch, uint32_t domid, xen_pfn_t start_pfn, xen_pfn_t nr_pfns)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_cacheflush, .domain = domid};

    domctl.u.cacheflush.start_pfn = start_pfn;
    domctl.u.cacheflush.nr_pfns = nr_pfns;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_cacheflush of domain %u", domid);
        return -1;
    }
    return 0;
}

static int sched_getinfo(xc_interface *xch, uint32_t domid, uint32_t sched_id, void *out,
                         size_t len)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_scheduler_op, .domain = domid};

    domctl.u.scheduler_op.sched_id = sched_id;
    domctl.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_scheduler_op getinfo of domain %u", domid);
        return -1;
    }
    memcpy(out, &domctl.u.scheduler_op.u, len);
    return 0;
}

int xc_sched_credit_domain_get(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *sdom)
{
    return sched_getinfo(xch, domid, XEN_SCHEDULER_CREDIT, sdom, sizeof(*sdom));
}

int xc_sched_credit2_domain_get(xc_interface *xch, uint32_t domid,
                                struct xen_domctl_sched_credit2 *sdom)
{
    return sched_getinfo(xch, domid, XEN_SCHEDULER_CREDIT2, sdom, sizeof(*sdom));
}

int xc_shadow_control(xc_interface *xch, uint32_t domid, unsigned int sop, unsigned int *mb,
                      unsigned int mode)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_shadow_op, .domain = domid};

    domctl.u.shadow_op.op = sop;
    domctl.u.shadow_op.mode = mode;
    if (mb)
        domctl.u.shadow_op.mb = *mb;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_shadow_op %u of domain %u", sop, domid);
        return -1;
    }
    if (mb)
        *mb = domctl.u.shadow_op.mb;
    return 0;
}

int xc_get_paging_mempool_size(xc_interface *xch, uint32_t domid, uint64_t *size)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_get_paging_mempool_size, .domain = domid};

    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_get_paging_mempool_size of domain %u", domid);
        return -1;
    }
    *size = domctl.u.paging_mempool.size;
    return 0;
}

int xc_set_paging_mempool_size(xc_interface *xch, uint32_t domid, uint64_t size)
{
    struct xen_domctl domctl = {.cmd = XEN_DOMCTL_set_paging_mempool_size, .domain = domid};

    domctl.u.paging_mempool.size = size;
    if (xc_domctl(xch, &domctl) < 0) {
        xc_report(xch, errno, "XEN_DOMCTL_set_paging_mempool_size(%llu) of domain %u",
                  (unsigned long long)size, domid);
        return -1;
    }
    return 0;
}
