/* SPDX-License-Identifier: MIT */
/* Between common/event_channel.c and common/event_2l.c (the only event ABI for now). */
#ifndef COMMON_EVENT_INTERNAL_H
#define COMMON_EVENT_INTERNAL_H

#include <hv/types.h>

struct domain;

void evtchn_2l_set_pending(struct domain *d, unsigned int vcpu_id, unsigned int port);
void evtchn_2l_clear_pending(struct domain *d, unsigned int port);
void evtchn_2l_unmask(struct domain *d, unsigned int vcpu_id, unsigned int port);
bool evtchn_2l_is_pending(struct domain *d, unsigned int port);

#endif /* COMMON_EVENT_INTERNAL_H */
