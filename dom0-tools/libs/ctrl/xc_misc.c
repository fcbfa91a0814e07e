/* libxenctrl-compatible host queries: version, physinfo, scheduler, console ring (sysctl). */
#include "xc_private.h"

int xc_version(xc_interface *xch, int cmd, void *arg)
{
    size_t len;
    struct xc_bounce b;
    int rc;

    switch (cmd) {
    case XENVER_version:
    case XENVER_pagesize:
        return xencall2(xch->xcall, __HYPERVISOR_xen_version, cmd, 0);
    case XENVER_extraversion:
        len = sizeof(xen_extraversion_t);
        break;
    case XENVER_compile_info:
        len = sizeof(xen_compile_info_t);
        break;
    case XENVER_capabilities:
        len = sizeof(xen_capabilities_info_t);
        break;
    case XENVER_changeset:
        len = sizeof(xen_changeset_info_t);
        break;
    case XENVER_commandline:
        len = sizeof(xen_commandline_t);
        break;
    case XENVER_get_features:
        len = sizeof(xen_feature_info_t);
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    if (xc_bounce_in(xch, &b, arg, len, 1, 1) < 0)
        return -1;
    rc = xencall2(xch->xcall, __HYPERVISOR_xen_version, cmd, (uintptr_t)b.hbuf);
    xc_bounce_out(xch, &b);
    return rc;
}

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    struct xen_sysctl sysctl = {.cmd = XEN_SYSCTL_physinfo};

    if (xc_sysctl(xch, &sysctl) < 0) {
        xc_report(xch, errno, "XEN_SYSCTL_physinfo");
        return -1;
    }
    *info = sysctl.u.physinfo;
    return 0;
}

int xc_sched_id(xc_interface *xch, int *sched_id)
{
    struct xen_sysctl sysctl = {.cmd = XEN_SYSCTL_sched_id};

    if (xc_sysctl(xch, &sysctl) < 0) {
        xc_report(xch, errno, "XEN_SYSCTL_sched_id");
        return -1;
    }
    *sched_id = (int)sysctl.u.sched_id.sched_id;
    return 0;
}

int xc_get_max_cpus(xc_interface *xch)
{
    xc_physinfo_t info;

    return xc_physinfo(xch, &info) < 0 ? -1 : (int)info.max_cpu_id + 1;
}

int xc_readconsolering(xc_interface *xch, char *buffer, unsigned int *pnr_chars, int clear,
                       int incremental, uint32_t *pindex)
{
    struct xen_sysctl sysctl = {.cmd = XEN_SYSCTL_readconsole};
    struct xc_bounce b;
    int rc;

    if (xc_bounce_in(xch, &b, buffer, *pnr_chars, 0, 1) < 0)
        return -1;
    set_xen_guest_handle_raw(sysctl.u.readconsole.buffer, (char *)b.hbuf);
    sysctl.u.readconsole.count = *pnr_chars;
    sysctl.u.readconsole.clear = clear;
    sysctl.u.readconsole.incremental = 0;
    if (pindex) {
        sysctl.u.readconsole.index = *pindex;
        sysctl.u.readconsole.incremental = incremental;
    }
    rc = xc_sysctl(xch, &sysctl);
    xc_bounce_out(xch, &b);
    if (rc < 0) {
        xc_report(xch, errno, "XEN_SYSCTL_readconsole");
        return -1;
    }
    *pnr_chars = sysctl.u.readconsole.count;
    if (pindex)
        *pindex = sysctl.u.readconsole.index;
    return 0;
}
