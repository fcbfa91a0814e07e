/* SPDX-License-Identifier: MIT */
/*
 * Between common/event_channel.c (ports, bindings, the hypercall) and the two event
 * delivery ABIs behind one table of port operations, as Xen's evtchn_port_ops:
 * event_2l.c (2-level bitmaps in shared_info, every domain starts there) and
 * event_fifo.c (FIFO queues in guest pages, after EVTCHNOP_init_control).
 *
 * Every operation runs with event_channel.c's evtchn_lock held: port state, sends,
 * the switch to FIFO and its teardown are serialised by it.  The guest changes its
 * event words (2-level bitmaps, FIFO words and control blocks) concurrently, so every
 * change of guest memory is an atomic read-modify-write.
 */
#ifndef COMMON_EVENT_INTERNAL_H
#define COMMON_EVENT_INTERNAL_H

#include <hv/types.h>

struct domain;
struct evtchn;
struct evtchn_init_control;

struct evtchn_port_ops {
    const char *name;
    /* A port was just bound (any state but FREE): reset the ABI's per-port state. */
    void (*init)(struct domain *d, struct evtchn *chn, uint32_t port);
    /* Mark port pending; notify chn's vCPU unless masked; wake SCHEDOP_poll waiters. */
    void (*set_pending)(struct domain *d, struct evtchn *chn, uint32_t port);
    /* The port is being freed: clear its pending state. */
    void (*clear_pending)(struct domain *d, uint32_t port);
    /* EVTCHNOP_unmask: clear the mask, deliver if pending. */
    void (*unmask)(struct domain *d, struct evtchn *chn, uint32_t port);
    bool (*is_pending)(struct domain *d, uint32_t port);
    /* The port is still on one of the guest's queues: it may not be allocated again. */
    bool (*is_busy)(struct domain *d, uint32_t port);
    /* EVTCHNOP_set_priority; NULL: the ABI has no priorities (-ENOSYS, as Xen). */
    int (*set_priority)(struct domain *d, struct evtchn *chn, unsigned int priority);
};

extern const struct evtchn_port_ops evtchn_port_ops_2l;
extern const struct evtchn_port_ops evtchn_port_ops_fifo;

/* event_channel.c, for the ABIs: port lookup (NULL: not allocated). */
struct evtchn *evtchn_lookup(struct domain *d, uint32_t port);
/* event_2l.c, for both ABIs: wake vCPUs of d blocked in SCHEDOP_poll on port. */
void evtchn_check_pollers(struct domain *d, unsigned int port);

/* event_fifo.c: the FIFO sub-ops of the calling domain d (Xen's errors). */
int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *c);
int evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn);
/* Back to the 2-level ABI: control blocks and event array pages unmapped, FIFO state
 * freed (EVTCHNOP_reset and domain destruction, after every port is closed). */
void evtchn_fifo_destroy(struct domain *d);
/* Is mfn one of d's control blocks or event-array pages? */
bool evtchn_fifo_uses_frame(struct domain *d, mfn_t mfn);

#endif /* COMMON_EVENT_INTERNAL_H */
