/* SPDX-License-Identifier: MIT */
/*
 * Event channels (common/event_channel.c; delivery by the 2-level ABI, event_2l.c, or
 * the FIFO ABI, event_fifo.c): per-domain state and the interface the rest of the
 * hypervisor uses.  Guest ABI: <xen/event_channel.h>.
 *
 * Ports live in buckets of EVTCHNS_PER_BUCKET, allocated on first use; pending and mask
 * bits live in the domain's shared_info page (Xen's event_2l.c layout), so events can be
 * raised before the guest maps shared_info.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/types.h>

struct domain;
struct vcpu;
struct evtchn_port_ops;
struct evtchn_fifo_domain;

/* 2-level ABI: 64 words of 64 bits (xen_ulong_t on Arm is 64-bit for all guests).  The
 * FIFO ABI keeps the same port space (Xen's goes to 2^17, capped by max_evtchn_port,
 * whose toolstack default is 1023). */
#define EVTCHN_2L_PORTS    4096
#define EVTCHNS_PER_BUCKET 64 /* as Xen (64-byte struct evtchn): the same ports are valid */
#define EVTCHN_NR_BUCKETS  (EVTCHN_2L_PORTS / EVTCHNS_PER_BUCKET)

/* Channel states (Xen's ECS_*). */
enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED, /* port 0: never allocated (Linux treats 0 as "no port") */
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
};

struct evtchn {
    uint8_t state;           /* enum evtchn_state */
    uint16_t notify_vcpu_id; /* vCPU that gets the upcall */
    union {
        domid_t unbound_remote; /* ECS_UNBOUND: who may bind to it */
        struct {
            struct domain *dom;
            uint32_t port;
        } interdomain; /* ECS_INTERDOMAIN: the peer (may be the same domain) */
        uint32_t virq; /* ECS_VIRQ */
    } u;
    /* FIFO ABI (common/event_fifo.c).  Kept when the port is freed: the queue the event
     * was last linked on must still be known when the port is bound again (Xen too). */
    struct {
        uint8_t priority;      /* 0 (highest) .. 15, EVTCHN_FIFO_PRIORITY_DEFAULT at bind */
        uint8_t last_vcpu;     /* queue the event was last linked on: vCPU... */
        uint8_t last_priority; /* ...and priority */
        bool pending;          /* raised while its event-array page was missing */
    } fifo;
};

/* Per-domain event-channel state (contents owned by common/event_channel.c).  Port
 * state changes and sends are serialised by one global event lock (event_channel.c):
 * they are short, and it makes two-domain operations and domain destruction simple. */
struct evtchn_domain {
    struct evtchn *bucket[EVTCHN_NR_BUCKETS]; /* NULL until a port in it is allocated */
    unsigned int max_port;                    /* highest port the domain may use */
    unsigned int nr_ports;                    /* ports in allocated buckets */
    unsigned int active;                      /* ports not ECS_FREE (incl. port 0) */
    const struct evtchn_port_ops *ops;        /* 2-level, or FIFO after init_control */
    struct evtchn_fifo_domain *fifo;          /* FIFO state (event_fifo.c), or NULL */
};

/* Set up / tear down a domain's event channels (domain_create / domain_destroy).
 * evtchn_domain_destroy closes every port, so peers see their ports go unbound. */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);

/* Raise a per-vCPU VIRQ on v (VIRQ_TIMER, VIRQ_DEBUG...) or a global VIRQ on the vCPU
 * it is bound to (v = any vCPU of the domain).  0 if delivered or not bound;
 * -EINVAL for a bad virq number. */
int send_guest_virq(struct vcpu *v, unsigned int virq);
/* Raise a global VIRQ (VIRQ_CONSOLE, VIRQ_DOM_EXC) on whichever domain bound it. */
void send_global_virq(unsigned int virq);

/* True when v's vcpu_info has evtchn_upcall_pending set: arch asserts the upcall PPI of v
 * while this holds (and WFI must not sleep). */
bool vcpu_event_pending(struct vcpu *v);
/* Should blocked v (WFI, SCHEDOP_block, SCHEDOP_poll) run again?  True when an upcall is
 * pending, or once after a port polled with SCHEDOP_poll fired (even masked: poll ignores
 * masks).  The arch's idle loop calls this instead of vcpu_event_pending(). */
bool vcpu_wake_pending(struct vcpu *v);
/* Set evtchn_upcall_pending of v and kick it (0 -> 1 edge only). */
void vcpu_mark_events_pending(struct vcpu *v);

/* `evtchn=fifo|2l` on the hypervisor command line: whether EVTCHNOP_init_control may
 * switch a domain to the FIFO ABI (2l: -ENOSYS, guests keep the 2-level ABI).
 * 0, or -1 for an unknown name (the default stays). */
int evtchn_abi_select(const char *name, size_t len);
/* The ABI guests may switch to: "fifo" or "2l". */
const char *evtchn_abi_name(void);

/* Does d's FIFO ABI use frame mfn (a control block or event-array page)?  The caller
 * holds d->domain_lock: decrease_reservation must not free such a page. */
bool evtchn_uses_frame(struct domain *d, mfn_t mfn);

/* EVTCHNOP_* dispatch (hypercall 32). */
long do_event_channel_op(struct vcpu *v, unsigned long cmd, uint64_t arg);

/* SCHEDOP_poll support: true if any of the n ports is pending in d. */
bool evtchn_port_is_pending(struct domain *d, uint32_t port);
bool evtchn_port_is_valid(struct domain *d, uint32_t port);

#endif /* HV_EVENT_H */
