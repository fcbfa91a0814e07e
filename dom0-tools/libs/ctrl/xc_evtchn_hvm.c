/* libxenctrl-compatible event-channel and HVM-parameter operations on other domains. */
#include "xc_private.h"
#include <xen/hvm/hvm_op.h>

xc_evtchn_port_or_error_t xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom,
                                                  uint32_t remote_dom)
{
    struct evtchn_alloc_unbound arg = {.dom = dom, .remote_dom = remote_dom};

    if (xc_hypercall_struct(xch, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &arg,
                            sizeof(arg), 1) < 0) {
        xc_report(xch, errno, "EVTCHNOP_alloc_unbound in domain %u for domain %u", dom, remote_dom);
        return -1;
    }
    return (xc_evtchn_port_or_error_t)arg.port;
}

int xc_evtchn_status(xc_interface *xch, xc_evtchn_status_t *status)
{
    return xc_hypercall_struct(xch, __HYPERVISOR_event_channel_op, EVTCHNOP_status, status,
                               sizeof(*status), 1) < 0
               ? -1
               : 0;
}

int xc_hvm_param_set(xc_interface *handle, uint32_t dom, uint32_t param, uint64_t value)
{
    struct xen_hvm_param arg = {.domid = dom, .index = param, .value = value};

    if (xc_hypercall_struct(handle, __HYPERVISOR_hvm_op, HVMOP_set_param, &arg, sizeof(arg), 0) <
        0) {
        xc_report(handle, errno, "HVMOP_set_param %u of domain %u", param, dom);
        return -1;
    }
    return 0;
}

int xc_hvm_param_get(xc_interface *handle, uint32_t dom, uint32_t param, uint64_t *value)
{
    struct xen_hvm_param arg = {.domid = dom, .index = param};

    if (xc_hypercall_struct(handle, __HYPERVISOR_hvm_op, HVMOP_get_param, &arg, sizeof(arg), 1) < 0)
        return -1;
    *value = arg.value;
    return 0;
}
