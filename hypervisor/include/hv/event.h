/* SPDX-License-Identifier: MIT */
/*
 * Event channels (common/event_channel.c): per-domain state and the interface the rest
 * of the hypervisor uses.  Guest ABI: <xen/event_channel.h>.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/types.h>

struct domain;
struct vcpu;

/* Per-domain event-channel state (contents owned by common/event_channel.c). */
struct evtchn_domain {
    struct evtchn *ports;
    unsigned int nr_ports;
};

#endif /* HV_EVENT_H */
